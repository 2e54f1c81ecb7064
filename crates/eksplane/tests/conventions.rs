//! The command line as users of kubectl, ruff and clippy expect it (issue 15):
//! colour, output files, configuration discovery and rule names, output
//! modes, honest empty results, completions and version. Each test spawns the
//! built binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs eksplane in `cwd` with `env` (on top of a fixed date and no colour
/// variables from the caller's environment).
fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksplane"));
    cmd.args(args)
        .current_dir(cwd)
        .env("EKSPLANE_TODAY", "2026-01-15")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for v in ["NO_COLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "CLICOLOR"] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("spawn: {e}"))
}

fn run(args: &[&str]) -> Output {
    run_in(&root(), args, &[])
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn both(o: &Output) -> String {
    format!("{}{}", out(o), err(o))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eksplane-conv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", out(o), err(o)))
}

fn rules_of(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

const NODE_POOL: &str =
    "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\nspec: {}\n";

/// Every command that prints a report for people, with arguments that work.
const HUMAN_COMMANDS: &[&[&str]] = &[
    &["inspect", "examples/platform-prod"],
    &["check", "examples/platform-prod"],
    &[
        "check",
        "examples/platform-prod",
        "--output-format",
        "concise",
    ],
    &["rules"],
    &["explain", "KAR001"],
    &["max-pods", "m5.large"],
    &["capacity", "examples/platform-prod"],
    &["ip-plan", "examples/platform-prod"],
    &["simulate", "examples/simulate", "--duration", "1h"],
    &["upgrade", "examples/upgrade-1.29", "--to", "1.31"],
    &["migrate", "access-entries", "examples/platform-prod"],
    &["migrate", "pod-identity", "examples/platform-prod"],
    &["catalog", "show", "m5.large"],
];

const ESC: &str = "\x1b[";

#[test]
fn colour_follows_color_no_color_and_clicolor_force_on_every_command() {
    for args in HUMAN_COMMANDS {
        let with = |pre: &[&str], env: &[(&str, &str)]| {
            let mut a: Vec<&str> = pre.to_vec();
            a.extend_from_slice(args);
            let o = run_in(&root(), &a, env);
            assert!(code(&o) <= 1, "{args:?}: {}", err(&o));
            out(&o)
        };
        let name = args.join(" ");
        assert!(
            with(&["--color", "always"], &[]).contains(ESC),
            "{name}: --color always"
        );
        assert!(
            with(&["--color", "always"], &[("NO_COLOR", "1")]).contains(ESC),
            "{name}: --color always wins over NO_COLOR"
        );
        // Piped output: no colour by default, nor with NO_COLOR.
        assert!(!with(&[], &[]).contains(ESC), "{name}: piped");
        assert!(
            !with(&[], &[("NO_COLOR", "1")]).contains(ESC),
            "{name}: NO_COLOR"
        );
        for force in ["CLICOLOR_FORCE", "FORCE_COLOR"] {
            assert!(with(&[], &[(force, "1")]).contains(ESC), "{name}: {force}");
            assert!(
                !with(&["--color", "never"], &[(force, "1")]).contains(ESC),
                "{name}: --color never wins over {force}"
            );
        }
    }
    // Machine formats never carry colour codes.
    for args in [
        &["check", "examples/platform-prod", "--format", "json"][..],
        &["check", "examples/platform-prod", "--format", "sarif"],
        &["inspect", "examples/platform-prod", "--format", "json"],
        &["max-pods", "m5.large", "--format", "csv"],
        &["completions", "bash"],
    ] {
        let mut a = vec!["--color", "always"];
        a.extend_from_slice(args);
        let o = run(&a);
        assert!(!out(&o).contains(ESC), "{args:?}");
    }
    // Errors on standard error are coloured the same way.
    let o = run_in(&root(), &["explain", "NOPE999"], &[("CLICOLOR_FORCE", "1")]);
    assert!(err(&o).contains(ESC), "{}", err(&o));
    let o = run(&["explain", "NOPE999"]);
    assert!(
        !err(&o).contains(ESC) && err(&o).contains("eksplane: error:"),
        "{}",
        err(&o)
    );
}

/// Every command with `-o`, and the file name it writes there.
fn output_commands(dir: &Path) -> Vec<Vec<String>> {
    let ex = |p: &str| s(&root().join(p));
    let o = |n: &str| s(&dir.join(n));
    vec![
        vec![
            "inspect".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("inspect.txt"),
        ],
        vec![
            "check".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("check.txt"),
        ],
        vec![
            "max-pods".into(),
            "m5.large".into(),
            "-o".into(),
            o("max-pods.txt"),
        ],
        vec![
            "capacity".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("capacity.txt"),
        ],
        vec![
            "ip-plan".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("ip-plan.txt"),
        ],
        vec![
            "simulate".into(),
            ex("examples/simulate"),
            "--duration".into(),
            "1h".into(),
            "-o".into(),
            o("simulate.txt"),
        ],
        vec![
            "upgrade".into(),
            ex("examples/upgrade-1.29"),
            "--to".into(),
            "1.31".into(),
            "-o".into(),
            o("upgrade.txt"),
        ],
        vec![
            "migrate".into(),
            "access-entries".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("access.txt"),
        ],
        vec![
            "migrate".into(),
            "pod-identity".into(),
            ex("examples/platform-prod"),
            "-o".into(),
            o("pod-identity.txt"),
        ],
        vec![
            "catalog".into(),
            "import".into(),
            ex("examples/platform-prod/aws/ec2-describe-instance-types.json"),
            "-o".into(),
            o("catalog.tsv"),
        ],
        vec![
            "completions".into(),
            "bash".into(),
            "-o".into(),
            o("completions.bash"),
        ],
    ]
}

#[test]
fn every_command_writes_its_output_file_whole_and_names_a_missing_directory() {
    let d = tmp("outputs");
    let cmds = output_commands(&d);
    for args in &cmds {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(&d, &a, &[]);
        assert!(code(&o) <= 1, "{a:?}: {}", err(&o));
        let file = PathBuf::from(args.last().unwrap_or_else(|| panic!("no -o")));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{a:?}: {e}"));
        assert!(!text.is_empty(), "{a:?}");
    }
    // Only the files asked for: no temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names.len(), cmds.len(), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

    // A missing directory: exit 2, the error names the path, nothing written.
    let missing = tmp("outputs-missing");
    for args in output_commands(&missing.join("no/such/dir")) {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(&missing, &a, &[]);
        assert_eq!(code(&o), 2, "{a:?}: {}", both(&o));
        assert!(
            err(&o).contains("no/such/dir") && err(&o).contains("does not exist"),
            "{a:?}: {}",
            err(&o)
        );
    }
    assert_eq!(
        std::fs::read_dir(&missing).map(|d| d.count()).unwrap_or(99),
        0,
        "nothing created"
    );
}

#[test]
fn dash_is_standard_output_and_a_format_name_is_refused() {
    let d = tmp("dash");
    let prod = s(&root().join("examples/platform-prod"));
    for args in [
        vec!["check", prod.as_str(), "-o", "-", "--format", "json"],
        vec!["inspect", prod.as_str(), "-o", "-"],
        vec!["max-pods", "m5.large", "-o", "-"],
        vec!["completions", "zsh", "-o", "-"],
    ] {
        let o = run_in(&d, &args, &[]);
        assert!(code(&o) <= 1, "{args:?}: {}", err(&o));
        assert!(!out(&o).is_empty(), "{args:?}");
    }
    assert!(!d.join("-").exists(), "no file named -");

    // kubectl's `-o json`: refused when no such file exists, with the flag meant.
    for (args, flag) in [
        (
            vec!["check", prod.as_str(), "-o", "json"],
            "--output-format json",
        ),
        (
            vec!["check", prod.as_str(), "-o", "sarif"],
            "--output-format sarif",
        ),
        (
            vec!["inspect", prod.as_str(), "-o", "json"],
            "--format json",
        ),
        (vec!["max-pods", "m5.large", "-o", "csv"], "--format csv"),
        (
            vec![
                "upgrade",
                prod.as_str(),
                "--to",
                "1.32",
                "--output",
                "markdown",
            ],
            "--format markdown",
        ),
    ] {
        let o = run_in(&d, &args, &[]);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            err(&o).contains(&format!("did you mean {flag}?")),
            "{args:?}: {}",
            err(&o)
        );
    }
    assert_eq!(std::fs::read_dir(&d).map(|x| x.count()).unwrap_or(99), 0);
    // A name that is not a format of that command, or an existing file, is a file.
    let o = run_in(&d, &["max-pods", "m5.large", "-o", "markdown"], &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(d.join("markdown").is_file());
    write(&d.join("json"), "old");
    let o = run_in(
        &d,
        &["check", &prod, "-o", "json", "--fail-on", "never"],
        &[],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = std::fs::read_to_string(d.join("json")).unwrap_or_default();
    assert!(text.contains("KAR001"), "{text}");
}

#[test]
fn config_is_found_walking_up_from_the_input_and_the_working_directory() {
    let d = tmp("walk");
    write(&d.join("repo/.eksplane.yaml"), "severity:\n  KAR001: off\n");
    write(&d.join("repo/platform/karpenter/np.yaml"), NODE_POOL);
    let deep = d.join("repo/platform/karpenter");
    // From the working directory (a subdirectory), input `.`.
    let o = run_in(&deep, &["check", ".", "--format", "json"], &[]);
    assert!(
        !rules_of(&json(&o)).contains(&"KAR001".to_string()),
        "{}",
        out(&o)
    );
    // From the input, run elsewhere.
    let o = run_in(
        &root(),
        &["check", &s(&deep.join("np.yaml")), "--format", "json"],
        &[],
    );
    let v = json(&o);
    assert!(!rules_of(&v).contains(&"KAR001".to_string()), "{}", out(&o));
    assert_eq!(v["suppressed"][0]["rule"], "KAR001");
    // `eksplane.yaml` is read too.
    std::fs::rename(d.join("repo/.eksplane.yaml"), d.join("repo/eksplane.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let o = run_in(&deep, &["check", ".", "--format", "json"], &[]);
    assert!(
        !rules_of(&json(&o)).contains(&"KAR001".to_string()),
        "{}",
        out(&o)
    );
    // Without any, KAR001 stands.
    std::fs::remove_file(d.join("repo/eksplane.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let o = run_in(&deep, &["check", ".", "--format", "json"], &[]);
    assert!(
        rules_of(&json(&o)).contains(&"KAR001".to_string()),
        "{}",
        out(&o)
    );
}

#[test]
fn rule_names_work_everywhere_ids_do() {
    let d = tmp("names");
    write(&d.join("np.yaml"), NODE_POOL);
    write(
        &d.join("b.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: b\n  annotations:\n    eksplane.io/ignore: node-pool-without-limits\nspec: {}\n",
    );
    write(
        &d.join(".eksplane.yaml"),
        "ignore:\n  - rule: node-pool-without-limits\n    object: NodePool/a\nseverity:\n  missing-node-class: info\n",
    );
    let o = run_in(&d, &["check", ".", "--format", "json"], &[]);
    let v = json(&o);
    assert!(!rules_of(&v).contains(&"KAR001".to_string()), "{}", out(&o));
    assert_eq!(
        v["suppressed"].as_array().map(Vec::len),
        Some(2),
        "{}",
        out(&o)
    );
    for f in v["findings"].as_array().into_iter().flatten() {
        if f["rule"] == "KAR006" {
            assert_eq!(f["severity"], "info");
        }
    }
    // --select and --ignore take ids, names and areas.
    let o = run_in(
        &d,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--config",
            "/dev/null",
            "--select",
            "node-pool-without-limits",
        ],
        &[],
    );
    let r = rules_of(&json(&o));
    assert!(
        !r.is_empty()
            && r.iter()
                .all(|x| x == "KAR001" || x.starts_with("CFG") || x.starts_with("LOAD")),
        "{r:?}"
    );
    let o = run_in(
        &d,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--select",
            "KAR",
            "--ignore",
            "KAR001,missing-node-class",
        ],
        &[],
    );
    let r = rules_of(&json(&o));
    assert!(r.iter().all(|x| x != "KAR001" && x != "KAR006"), "{r:?}");
    // An unknown id: exit 2 with the rule meant.
    let o = run_in(&d, &["check", ".", "--select", "KAR01"], &[]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("did you mean KAR001"), "{}", err(&o));
    let o = run(&["explain", "KAR01"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("did you mean KAR001"), "{}", err(&o));
}

#[test]
fn every_config_error_is_reported_at_once_with_file_and_line() {
    let d = tmp("cfg-errors");
    write(&d.join("np.yaml"), NODE_POOL);
    write(
        &d.join(".eksplane.yaml"),
        "ignore:\n  - rule: KAR01\n  - rule: KAR001\n    bogus: 1\nseverity:\n  KAR006: loud\ncolour: red\n",
    );
    let o = run_in(&d, &["check", ".", "--output-format", "concise"], &[]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    let text = out(&o);
    for (line, what) in [
        (2, "did you mean KAR001"),
        (4, "bogus"),
        (6, "loud"),
        (7, "colour"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!(".eksplane.yaml:{line}:"))
                    && l.contains("CFG002")
                    && l.contains(what)),
            "line {line} ({what}) missing:\n{text}"
        );
    }
}

#[test]
fn overlapping_inputs_are_read_once() {
    let prod = "examples/platform-prod";
    let once = json(&run(&["check", prod, "--format", "json"]));
    let twice = json(&run(&[
        "check",
        prod,
        prod,
        "examples/platform-prod/karpenter",
        "examples/platform-prod/karpenter/nodepool-batch.yaml",
        "--format",
        "json",
    ]));
    assert_eq!(rules_of(&once), rules_of(&twice));
    assert_eq!(once["summary"]["files"], twice["summary"]["files"]);
}

#[test]
fn the_config_can_pin_the_date() {
    let d = tmp("today");
    write(
        &d.join("cluster.yaml"),
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1, version: \"1.31\"}\n",
    );
    let check = |cfg: &str| {
        write(&d.join(".eksplane.yaml"), cfg);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksplane"));
        let o = cmd
            .args(["check", ".", "--format", "json"])
            .current_dir(&d)
            .env_remove("EKSPLANE_TODAY")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let rules = if code(&o) == 2 {
            Vec::new()
        } else {
            rules_of(&json(&o))
        };
        (code(&o), rules, err(&o))
    };
    // 1.31 left standard support on 2025-11-26.
    let (_, rules, e) = check("today: 2026-01-15\n");
    assert!(rules.contains(&"ADD003".to_string()), "{rules:?} {e}");
    let (_, rules, e) = check("today: 2025-01-15\n");
    assert!(!rules.contains(&"ADD003".to_string()), "{rules:?} {e}");
    let (c, _, e) = check("today: 15/01/2025\n");
    assert_eq!(c, 2);
    assert!(
        e.contains(".eksplane.yaml:1: today:") && e.contains("not a date"),
        "{e}"
    );
}

#[test]
fn output_formats_concise_grouped_github_and_statistics() {
    let prod = "examples/platform-prod";
    let o = run(&["check", prod, "--output-format", "concise"]);
    assert_eq!(code(&o), 1);
    let text = out(&o);
    let finding_lines: Vec<&str> = text.lines().filter(|l| l.contains("] ")).collect();
    assert!(finding_lines.len() >= 20, "{text}");
    for l in text.lines().filter(|l| l.starts_with("examples/")) {
        // file:line:col: RULE [severity] message
        let mut parts = l.splitn(4, ':');
        let (file, line, col, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(
            file.is_some_and(|f| f.ends_with(".yaml") || f.ends_with(".json")),
            "{l}"
        );
        assert!(line.is_some_and(|x| x.parse::<u32>().is_ok()), "{l}");
        assert!(col.is_some_and(|x| x.parse::<u32>().is_ok()), "{l}");
        let rest = rest.unwrap_or_default();
        assert!(
            rest.contains(" [warning] ") || rest.contains(" [error] ") || rest.contains(" [info] "),
            "{l}"
        );
    }
    // `--format` is kept as an alias, `human` as the full format's old name.
    let full = out(&run(&["check", prod, "--format", "human"]));
    assert_eq!(full, out(&run(&["check", prod, "--output-format", "full"])));
    // The full output links each rule's documentation.
    assert!(full.contains("docs/rules.md#kar001"), "{full}");

    let grouped = out(&run(&["check", prod, "--output-format", "grouped"]));
    assert!(
        grouped.contains("examples/platform-prod/karpenter/nodepool-batch.yaml:\n  "),
        "{grouped}"
    );

    let gh = out(&run(&["check", prod, "--output-format", "github"]));
    assert!(
        gh.lines().any(|l| l.starts_with(
            "::warning file=examples/platform-prod/karpenter/nodepool-batch.yaml,line="
        ) && l.contains("title=KAR001 NodePool has no limits::")),
        "{gh}"
    );
    assert!(gh.lines().any(|l| l.starts_with("::error file=")), "{gh}");
    assert!(gh.lines().all(|l| l.starts_with("::")), "{gh}");

    let stats = out(&run(&["check", prod, "--statistics"]));
    assert!(
        stats
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["3", "ING001", "[warning]", "ingress-without-group"]),
        "{stats}"
    );
    let v: serde_json::Value = serde_json::from_str(&out(&run(&[
        "check",
        prod,
        "--statistics",
        "--format",
        "json",
    ])))
    .unwrap_or_else(|e| panic!("{e}"));
    let ing = v
        .as_array()
        .and_then(|a| a.iter().find(|r| r["rule"] == "ING001"))
        .cloned();
    assert_eq!(ing.map(|r| r["count"].clone()), Some(serde_json::json!(3)));

    // SARIF: every rule carries its documentation URL.
    let sarif: serde_json::Value =
        serde_json::from_str(&out(&run(&["check", prod, "--format", "sarif"])))
            .unwrap_or_else(|e| panic!("{e}"));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!rules.is_empty());
    for r in rules {
        let id = r["id"].as_str().unwrap_or_default().to_ascii_lowercase();
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("docs/rules.md#{id}"))),
            "{r}"
        );
    }
}

#[test]
fn alike_findings_from_many_objects_are_summarised_after_a_limit() {
    let d = tmp("many");
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: pool-{i}}}\nspec: {{template: {{spec: {{nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}}}}}}}\n"
        ));
    }
    write(&d.join("pools.yaml"), &text);
    let count = |o: &Output| {
        out(o)
            .lines()
            .filter(|l| l.contains("KAR001 [warning]"))
            .count()
    };
    for format in ["concise", "grouped"] {
        let o = run_in(&d, &["check", ".", "--output-format", format], &[]);
        assert_eq!(count(&o), 10, "{}", out(&o));
        assert!(
            out(&o).contains("... and 20 more warning[KAR001] like"),
            "{}",
            out(&o)
        );
        let o = run_in(
            &d,
            &["check", ".", "--output-format", format, "--show-all"],
            &[],
        );
        assert_eq!(count(&o), 30, "{}", out(&o));
    }
    let o = run_in(&d, &["check", "."], &[]);
    let full = out(&o);
    assert_eq!(
        full.lines()
            .filter(|l| l.starts_with("warning[KAR001]"))
            .count(),
        10,
        "{full}"
    );
    assert!(
        full.contains("... and 20 more warning[KAR001] like"),
        "{full}"
    );
    // Machine formats keep every finding.
    let o = run_in(&d, &["check", ".", "--format", "json"], &[]);
    assert_eq!(
        rules_of(&json(&o))
            .iter()
            .filter(|r| *r == "KAR001")
            .count(),
        30
    );
}

#[test]
fn ungrouped_ingresses_list_a_bounded_number_of_related_locations() {
    // Issue 15: 245 ungrouped Ingresses made 59,780 related entries.
    let d = tmp("ingresses");
    let mut text = String::new();
    for i in 0..245 {
        text.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: app-{i}, namespace: web}}\nspec:\n  ingressClassName: alb\n  rules: [{{http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: app-{i}, port: {{number: 80}}}}}}}}]}}}}]\n"
        ));
    }
    write(&d.join("ingresses.yaml"), &text);
    let o = run_in(
        &d,
        &["check", ".", "--format", "json", "--select", "ING001"],
        &[],
    );
    let v = json(&o);
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert!(findings.len() >= 244, "{}", findings.len());
    let related: usize = findings
        .iter()
        .map(|f| f["related"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(related <= findings.len() * 6, "{related} related entries");
    assert!(
        findings[0]["related"]
            .as_array()
            .is_some_and(|r| r.iter().any(|l| l["message"]
                .as_str()
                .is_some_and(|m| m.contains("more ungrouped")))),
        "{}",
        findings[0]
    );
}

#[test]
fn no_input_file_exits_2_and_nothing_to_analyse_is_a_warning() {
    let d = tmp("empty");
    std::fs::create_dir_all(d.join("empty")).unwrap_or_else(|e| panic!("{e}"));
    write(&d.join("notes/readme.txt"), "not yaml");
    for cmd in ["check", "inspect", "capacity", "upgrade"] {
        for dir in ["empty", "notes"] {
            let mut args = vec![cmd, dir];
            if cmd == "upgrade" {
                args.extend(["--to", "1.32"]);
            }
            let o = run_in(&d, &args, &[]);
            assert_eq!(code(&o), 2, "{args:?}: {}", both(&o));
            assert!(
                err(&o).contains("no input file") && err(&o).contains(dir),
                "{}",
                err(&o)
            );
        }
    }
    // Plain Deployments: checked, but the user is told nothing EKS-specific was there.
    write(
        &d.join("plain/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
    );
    let o = run_in(&d, &["check", "plain"], &[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    let text = out(&o);
    assert!(
        text.contains(
            "warning: nothing eksplane analyses in the inputs: read 1 file (Deployment x1)"
        ) && text.contains("missing: cluster facts"),
        "{text}"
    );
    let o = run_in(&d, &["check", "plain", "--format", "json"], &[]);
    let v = json(&o);
    let w = v["warnings"][0].as_str().unwrap_or_default();
    assert!(
        w.contains("Deployment x1") && w.contains("node sources"),
        "{v}"
    );
    assert!(
        err(&o).contains("warning: nothing eksplane analyses"),
        "{}",
        err(&o)
    );
    // The example platform has plenty: no such warning.
    let v = json(&run(&[
        "check",
        "examples/platform-prod",
        "--format",
        "json",
    ]));
    assert!(v.get("warnings").is_none(), "{v}");
}

#[test]
fn completions_for_every_shell_and_version_with_commit_and_data_dates() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}: {}", err(&o));
        let text = out(&o);
        for word in ["eksplane", "ip-plan", "access-entries", "output-format"] {
            assert!(text.contains(word), "{shell} lacks {word}");
        }
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(code(&o), 2);

    let o = run(&["--version"]);
    assert_eq!(code(&o), 0);
    let v = out(&o);
    let first = v.lines().next().unwrap_or_default();
    // `eksplane 0.1.0 (<commit> <date>)`, or `(unknown commit)` without git.
    assert!(
        first.starts_with(&format!("eksplane {} (", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    let inside = first
        .split('(')
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches(')');
    let commit = inside.split(' ').next().unwrap_or_default();
    assert!(
        inside == "unknown commit"
            || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{v}"
    );
    for what in [
        "instance catalog: generated 20",
        "on-demand prices",
        "trunk ENI limits",
        "EKS version calendar",
    ] {
        assert!(v.contains(what), "{what}: {v}");
    }
    // -V: the one line.
    let o = run(&["-V"]);
    assert_eq!(out(&o).trim(), first);
    // Subcommands too.
    let o = run(&["check", "--version"]);
    assert!(out(&o).contains(commit), "{}", out(&o));
}

/// README: the exit-code table names every command.
#[test]
fn readme_exit_code_table_covers_every_command() {
    let readme =
        std::fs::read_to_string(root().join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let table: BTreeMap<String, String> = readme
        .split("## Exit codes")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((cells.get(1)?.trim_matches('`').to_string(), l.to_string()))
        })
        .collect();
    let help = out(&run(&["--help"]));
    let commands: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // Wrapped descriptions continue deeper than the two-space indent.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    for c in commands {
        assert!(
            table
                .keys()
                .any(|k| k == &c || k.starts_with(&format!("{c} "))),
            "README's exit-code table lacks {c}: {table:?}"
        );
    }
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(o.status.success(), "git {args:?}: {}", err(&o));
    o
}

/// `.pre-commit-hooks.yaml` with the real pre-commit (PyPI): a temporary
/// hooks repository holding the file, a temporary project using it; a staged
/// NodePool without limits fails the commit, a fixed one passes.
#[test]
fn pre_commit_hook_checks_staged_yaml() {
    let version = Command::new("pre-commit").arg("--version").output();
    if !version.as_ref().is_ok_and(|o| o.status.success()) {
        // Not a silent pass: say why (`pip install pre-commit`; .ci/run does).
        let mut w = std::io::stderr();
        let _ = std::io::Write::write_all(
            &mut w,
            b"SKIPPED pre_commit_hook_checks_staged_yaml: `pre-commit` is not installed (pip install pre-commit)\n",
        );
        return;
    }
    let d = tmp("pre-commit");
    let hooks = d.join("hooks");
    std::fs::create_dir_all(&hooks).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-qm", "hooks"]);
    let rev = out(&git(&hooks, &["rev-parse", "HEAD"])).trim().to_string();

    let project = d.join("project");
    std::fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
    git(&project, &["init", "-q"]);
    write(
        &project.join(".pre-commit-config.yaml"),
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: eksplane-check\n",
            hooks.display()
        ),
    );
    write(&project.join("karpenter/nodepool.yaml"), NODE_POOL);
    git(&project, &["add", "."]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_eksplane"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let pre_commit = |args: &[&str]| {
        Command::new("pre-commit")
            .args(args)
            .current_dir(&project)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", d.join("cache"))
            .env("EKSPLANE_TODAY", "2026-01-15")
            .env_remove("NO_COLOR")
            .output()
            .unwrap_or_else(|e| panic!("pre-commit: {e}"))
    };
    let o = pre_commit(&["run", "--color", "never"]);
    assert_eq!(code(&o), 1, "{}", both(&o));
    assert!(
        out(&o).contains("karpenter/nodepool.yaml:") && out(&o).contains("KAR001 [warning]"),
        "{}",
        both(&o)
    );
    // Fixed: limits set, the node class present.
    write(
        &project.join("karpenter/nodepool.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\nspec:\n  limits: {cpu: \"100\"}\n  template:\n    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n      requirements:\n        - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r]}\n---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n  role: KarpenterNodeRole\n  amiSelectorTerms: [{alias: al2023@v20250101}]\n  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n  metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 1}\n  tags: {team: platform}\n",
    );
    git(&project, &["add", "."]);
    let o = pre_commit(&["run", "--color", "never"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
}

/// docs/github-actions.yml: valid YAML, uploads SARIF, and the eksplane
/// commands it runs work as written.
#[test]
fn github_actions_example_runs_as_written() {
    let path = root().join("docs/github-actions.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    // eksplane itself parses it: a YAML error would be LOAD001, exit 2.
    let o = run(&["inspect", "docs/github-actions.yml"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(text.contains("github/codeql-action/upload-sarif"));
    assert!(text.contains("cargo install --locked --path"));
    let d = tmp("gha");
    let commands: Vec<Vec<String>> = text
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("run: ").or(Some(l)))
        .filter(|l| l.starts_with("eksplane check"))
        .map(|l| {
            l.split_whitespace()
                .skip(1)
                .map(|w| {
                    w.trim_matches('"')
                        .replace("$PLATFORM_DIR", &s(&root().join("examples/platform-prod")))
                })
                .collect()
        })
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    for c in &commands {
        let a: Vec<&str> = c.iter().map(String::as_str).collect();
        let o = run_in(&d, &a, &[]);
        assert!(code(&o) <= 1, "{a:?}: {}", err(&o));
    }
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("eksplane.sarif")).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sarif["version"], "2.1.0");
}

/// The top-level bullets (with their continuation lines) of a README's
/// "## Known issues" section.
fn known_issues(readme: &str) -> Option<Vec<String>> {
    let start = readme.find("\n## Known issues")?;
    let body = &readme[start + 1..];
    let body = body[body.find('\n').map_or(body.len(), |i| i + 1)..].to_string();
    let end = body.find("\n## ").unwrap_or(body.len());
    let mut bullets: Vec<String> = Vec::new();
    let mut in_list = false;
    for line in body[..end].lines() {
        if let Some(rest) = line.strip_prefix("- ") {
            bullets.push(rest.to_string());
            in_list = true;
        } else if in_list && line.starts_with(' ') {
            if let Some(last) = bullets.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else if in_list && !line.trim().is_empty() {
            // A paragraph after the list ends it.
            break;
        }
    }
    Some(bullets)
}

fn rule_ids(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(5) {
        let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let word_end = b.get(i + 6).is_none_or(|c| !c.is_ascii_alphanumeric());
        if word_start
            && word_end
            && b[i..i + 3].iter().all(u8::is_ascii_uppercase)
            && b[i + 3..i + 6].iter().all(u8::is_ascii_digit)
        {
            out.push(text[i..i + 6].to_string());
        }
    }
    out
}

/// Issue 15 item 7: every example README's known issues are found by
/// `check`, each by the rules it names, on the objects it names; judged as of
/// the date the example pins in its `.eksplane.yaml`.
#[test]
fn every_known_issue_in_an_example_readme_is_found_by_check() {
    let mut checked = 0;
    let examples = std::fs::read_dir(root().join("examples")).unwrap_or_else(|e| panic!("{e}"));
    for e in examples.flatten() {
        let dir = e.path();
        let Ok(readme) = std::fs::read_to_string(dir.join("README.md")) else {
            continue;
        };
        let Some(bullets) = known_issues(&readme) else {
            continue;
        };
        assert!(
            !bullets.is_empty(),
            "{}: empty known-issues list",
            dir.display()
        );
        let o = Command::new(env!("CARGO_BIN_EXE_eksplane"))
            .args(["check", &s(&dir), "--format", "json"])
            .current_dir(root())
            .env_remove("EKSPLANE_TODAY")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(code(&o) <= 1, "{}: {}", dir.display(), err(&o));
        let v = json(&o);
        let findings = v["findings"].as_array().cloned().unwrap_or_default();
        for b in &bullets {
            let ids = rule_ids(b);
            assert!(
                !ids.is_empty(),
                "{}: a known issue names no rule that finds it: {b}",
                dir.display()
            );
            let names: Vec<&str> = b.split('`').skip(1).step_by(2).collect();
            for id in &ids {
                let of_rule: Vec<&serde_json::Value> = findings
                    .iter()
                    .filter(|f| f["rule"] == id.as_str())
                    .collect();
                assert!(
                    !of_rule.is_empty(),
                    "{}: {id} is claimed but not found: {b}",
                    dir.display()
                );
            }
            let about = findings.iter().any(|f| {
                ids.iter().any(|id| f["rule"] == id.as_str()) && {
                    let hay = format!(
                        "{} {} {}",
                        f["message"].as_str().unwrap_or_default(),
                        f["object"].as_str().unwrap_or_default(),
                        f["location"]["file"].as_str().unwrap_or_default()
                    );
                    names.iter().any(|n| hay.contains(n))
                }
            });
            assert!(
                about,
                "{}: no finding of {ids:?} mentions any of {names:?}: {b}",
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} known issues checked");
}
