//! `check --fix`, `--diff`, `--unsafe-fixes` end to end, on copies of the
//! bundled example.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eksplane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eksplane"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("EKSPLANE_TODAY", "2026-01-15")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("spawn: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh copy of examples/platform-prod.
fn copy_of_platform_prod(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eksplane-fix-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    copy_dir(&root().join("examples/platform-prod"), &d);
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let p = e.unwrap_or_else(|e| panic!("{e}")).path();
        let Some(name) = p.file_name() else { continue };
        if p.is_dir() {
            copy_dir(&p, &to.join(name));
        } else {
            std::fs::copy(&p, to.join(name)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// Every file under `dir` (relative path -> bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{e}")) {
            let p = e.unwrap_or_else(|e| panic!("{e}")).path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap_or(&p).to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap_or_else(|e| panic!("{e}")));
            }
        }
    }
    out
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 temp path"))
}

#[test]
fn diff_writes_nothing_and_exits_1_when_there_is_a_change() {
    let d = copy_of_platform_prod("diff");
    let before = snapshot(&d);
    let o = eksplane(&["check", path_str(&d), "--diff", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(snapshot(&d), before, "--diff wrote something");
    let out = stdout(&o);
    assert!(
        out.contains("-    httpPutResponseHopLimit: 2\n+    httpPutResponseHopLimit: 1\n"),
        "{out}"
    );
    assert!(
        out.contains("+    alb.ingress.kubernetes.io/group.name: public\n"),
        "{out}"
    );
    assert!(
        out.contains("--- /dev/null\n+++ ") && out.contains("storefront-pdb.yaml"),
        "{out}"
    );
    assert!(stderr(&o).contains("would fix"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn fix_applies_only_safe_fixes_and_reports_what_remains() {
    let d = copy_of_platform_prod("safe");
    let before = snapshot(&d);
    let o = eksplane(&["check", path_str(&d), "--fix"]);
    let err = stderr(&o);
    // Findings remain (unsafe fixes, and rules without edits): exit 1.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("fixed 1 finding (KAR002 x1); 8 more fixes available with --unsafe-fixes"),
        "{err}"
    );
    assert!(
        !stdout(&o).contains("[KAR002]"),
        "the re-check still reports KAR002"
    );
    assert!(stdout(&o).contains("[KAR007]"), "an unsafe fix was applied");
    let after = snapshot(&d);
    let pdb = PathBuf::from("workloads/web/storefront-pdb.yaml");
    assert!(
        after.contains_key(&pdb),
        "{:?}",
        after.keys().collect::<Vec<_>>()
    );
    for (p, bytes) in &before {
        assert_eq!(after.get(p), Some(bytes), "{} changed", p.display());
    }
    assert_eq!(after.len(), before.len() + 1);
    // Running again has nothing left to do safely.
    let o = eksplane(&["check", path_str(&d), "--fix"]);
    assert!(stderr(&o).contains("fixed 0 findings"), "{}", stderr(&o));
    assert_eq!(snapshot(&d).len(), after.len());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn unsafe_fixes_edit_in_place_and_a_second_check_shows_them_gone() {
    let d = copy_of_platform_prod("unsafe");
    let before = snapshot(&d);
    let o = eksplane(&["check", path_str(&d), "--fix", "--unsafe-fixes"]);
    let err = stderr(&o);
    assert!(
        err.contains("(CNI001 x2, CNI002 x2, ING001 x3, KAR002 x1, KAR007 x"),
        "{err}"
    );
    let after = snapshot(&d);
    // Only the edited lines differ: the EC2NodeClass keeps every comment.
    let class = PathBuf::from("karpenter/ec2nodeclass-default.yaml");
    let (a, b) = (
        String::from_utf8_lossy(&before[&class]).into_owned(),
        String::from_utf8_lossy(&after[&class]).into_owned(),
    );
    let changed: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(
        changed,
        vec![(
            "    httpPutResponseHopLimit: 2",
            "    httpPutResponseHopLimit: 1"
        )]
    );
    assert_eq!(a.lines().count(), b.lines().count());
    // A second check: the fixed rules are gone.
    let o = eksplane(&[
        "check",
        path_str(&d),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default();
    for gone in ["KAR007", "ING001", "KAR002", "CNI002"] {
        assert!(!rules.contains(&gone), "{gone} still reported: {rules:?}");
    }
    assert!(!rules.iter().any(|r| r.starts_with("LOAD")), "{rules:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn stdin_cannot_be_fixed() {
    let o = eksplane(&["check", "-", "--fix"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("standard input (`-`) cannot be fixed"),
        "{}",
        stderr(&o)
    );
}
