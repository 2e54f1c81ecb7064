//! The binary end to end: exit codes, formats, stdin, output files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eksplane(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksplane"));
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        // Support-window findings judged as of a fixed day.
        .env("EKSPLANE_TODAY", "2026-01-15")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    if let Some(mut sin) = child.stdin.take()
        && let Some(text) = stdin
    {
        sin.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eksplane-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

#[test]
fn check_example_exit_codes_follow_fail_on() {
    let o = eksplane(&["check", "examples/platform-prod"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("warning[KAR001]"), "{}", stdout(&o));
    // The example has errors too (an open public endpoint, over-committed nodes).
    let o = eksplane(
        &["check", "examples/platform-prod", "--fail-on", "error"],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let o = eksplane(
        &["check", "examples/platform-prod", "--fail-on", "never"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // platform-good passes even failing on infos.
    let o = eksplane(
        &["check", "examples/platform-good", "--fail-on", "info"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn check_good_example_is_clean() {
    let o = eksplane(&["check", "examples/platform-good"], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn sarif_and_json_are_json() {
    for format in ["json", "sarif"] {
        let o = eksplane(
            &["check", "examples/platform-prod", "--format", format],
            None,
        );
        assert_eq!(code(&o), 1);
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(v.is_object());
    }
}

#[test]
fn malformed_input_exits_2_naming_file_line_and_column() {
    let d = tmp("bad");
    std::fs::write(
        d.join("bad.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        d.join("good.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\nspec: {}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = d.to_string_lossy().into_owned();
    let o = eksplane(&["check", &path], None);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("error[LOAD001]"), "{out}");
    assert!(
        out.contains("bad.yaml:4:1") || out.contains("bad.yaml:3:"),
        "{out}"
    );
    // The other file was still checked.
    assert!(out.contains("KAR001"), "{out}");
}

#[test]
fn missing_path_and_bad_usage_exit_2() {
    let o = eksplane(&["check", "does/not/exist"], None);
    assert_eq!(code(&o), 2);
    let o = eksplane(&["check"], None);
    assert_eq!(code(&o), 2);
    let o = eksplane(&["check", "examples", "--format", "xml"], None);
    assert_eq!(code(&o), 2);
}

#[test]
fn stdin_is_an_input() {
    let o = eksplane(
        &["check", "-", "--format", "json"],
        Some("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\nspec: {}\n"),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["findings"][0]["rule"], "KAR001");
    assert_eq!(v["findings"][0]["location"]["file"], "<stdin>");
}

#[test]
fn output_file_is_written_whole() {
    let d = tmp("out");
    let out = d.join("report.sarif");
    let p = out.to_string_lossy().into_owned();
    let o = eksplane(
        &[
            "check",
            "examples/platform-prod",
            "--format",
            "sarif",
            "-o",
            &p,
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["version"], "2.1.0");
    // An unwritable destination fails without leaving a partial file.
    let bad = d.join("no-such-dir/report.json");
    let bp = bad.to_string_lossy().into_owned();
    let o = eksplane(&["check", "examples/platform-prod", "-o", &bp], None);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!bad.exists());
}

#[test]
fn config_in_the_input_directory_is_used_and_verbose_says_so() {
    let d = tmp("cfg");
    std::fs::write(
        d.join("np.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        d.join(".eksplane.yaml"),
        "ignore:\n  - rule: KAR001\n    reason: limits set by SCP\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = d.to_string_lossy().into_owned();
    let o = eksplane(&["check", &path, "--verbose"], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("KAR001") && all.contains("limits set by SCP"),
        "{all}"
    );
}

#[test]
fn inspect_prints_inventory_and_json() {
    let o = eksplane(&["inspect", "examples/platform-prod"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "platform-prod",
        "API_AND_CONFIG_MAP",
        "NodePool",
        "vpc-cni",
        "1.31",
    ] {
        assert!(out.contains(want), "{want} missing: {out}");
    }
    let o = eksplane(
        &["inspect", "examples/platform-prod", "--format", "json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-inventory");
    assert_eq!(v["cluster"]["name"]["value"], "platform-prod");
}

#[test]
fn rules_and_explain() {
    let o = eksplane(&["rules"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("KAR001"));
    let o = eksplane(&["explain", "kar001"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Why it matters"), "{}", stdout(&o));
    let o = eksplane(&["explain", "NOPE"], None);
    assert_eq!(code(&o), 2);
}
