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

/// `-o` naming a device or FIFO writes into it: the atomic temp-file-and-rename
/// must not replace it with a regular file (as root, `-o /dev/null` once turned
/// `/dev/null` into a file, and every later build read garbage from it).
#[cfg(unix)]
#[test]
fn output_to_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let d = tmp("fifo");
    let fifo = d.join("out.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(&fifo))
    };
    let p = fifo.to_string_lossy().into_owned();
    let o = eksplane(
        &[
            "check",
            "examples/platform-prod",
            "--format",
            "json",
            "-o",
            &p,
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = reader
        .join()
        .unwrap_or_else(|_| panic!("reader thread"))
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    let kind = std::fs::symlink_metadata(&fifo)
        .unwrap_or_else(|e| panic!("{e}"))
        .file_type();
    assert!(kind.is_fifo(), "{kind:?}");
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

/// The CSV's rows as maps from column to value.
fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn max_pods_m6i_4xlarge_is_234_raw_and_110_recommended() {
    // 8 ENIs x (30 - 1) + 2 = 234 (eni-max-pods.txt); 16 vCPUs <= 30, so the
    // calculator recommends min(110, 234) = 110.
    let o = eksplane(&["max-pods", "m6i.4xlarge", "--format", "csv"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["instance_type"], "m6i.4xlarge");
    assert_eq!(rows[0]["max_allowed"], "234");
    assert_eq!(rows[0]["max_pods"], "110");
    // With prefix delegation: 8 x ((30 - 1) x 16) + 2 = 3714, still 110.
    let o = eksplane(
        &[
            "max-pods",
            "m6i.4xlarge",
            "--cni-prefix-delegation-enabled",
            "--format",
            "csv",
        ],
        None,
    );
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows[0]["max_allowed"], "3714");
    assert_eq!(rows[0]["max_pods"], "110");
    assert_eq!(rows[0]["prefix_delegation"], "applied");
}

#[test]
fn max_pods_c7g_medium_with_prefix_delegation_is_98() {
    let o = eksplane(
        &[
            "max-pods",
            "c7g.medium",
            "--prefix-delegation",
            "--cni-version",
            "1.9.0",
            "--format",
            "csv",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows[0]["max_pods"], "98");
    assert_eq!(rows[0]["max_allowed"], "98");
    // CNI 1.8 knows no prefix delegation: per-IP, 2 x (4 - 1) + 2 = 8.
    let o = eksplane(
        &[
            "max-pods",
            "c7g.medium",
            "--prefix-delegation",
            "--cni-version",
            "1.8.0",
            "--format",
            "csv",
        ],
        None,
    );
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows[0]["max_pods"], "8");
    assert_eq!(rows[0]["prefix_delegation"], "cni-too-old");
}

#[test]
fn max_pods_csv_header_and_all_types() {
    let o = eksplane(&["max-pods", "--all", "--format", "csv"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let header = out.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        "instance_type,max_pods,max_allowed,vcpus,enis,enis_for_pods,ipv4_per_eni,hypervisor,prefix_delegation"
    );
    assert!(out.lines().count() > 1001, "{} lines", out.lines().count());
}

#[test]
fn max_pods_explain_prints_the_formula_with_numbers_and_sources() {
    let o = eksplane(
        &[
            "max-pods",
            "m6i.4xlarge",
            "c7g.medium",
            "--prefix-delegation",
            "--explain",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "8 x ((30 - 1) x 16) + 2 = 3714",
        "2 x ((4 - 1) x 16) + 2 = 98",
        "16 vCPUs -> ceiling 110; min(110, 3714) = 110",
        "source: awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
    // nodeadm's default and an expression, per type.
    let o = eksplane(
        &[
            "max-pods",
            "m6i.4xlarge",
            "--nodeadm",
            "--max-pods-expression",
            "max_pods > 100 ? 100 : max_pods",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-max-pods");
    assert_eq!(v["version"], 1);
    assert_eq!(v["rows"][0]["nodeadm"]["standard"], 234);
    assert_eq!(v["rows"][0]["nodeadm"]["expression_value"], 100);
}

#[test]
fn max_pods_unknown_type_exits_2_with_close_names() {
    let o = eksplane(&["max-pods", "m6i.4xlarg"], None);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("m6i.4xlarg") && err.contains("m6i.4xlarge"),
        "{err}"
    );
    let o = eksplane(&["max-pods"], None);
    assert_eq!(code(&o), 2);
    let o = eksplane(&["max-pods", "m6i.large", "--cni-version", "one"], None);
    assert_eq!(code(&o), 2);
}

#[test]
fn max_pods_of_node_pools() {
    let o = eksplane(
        &[
            "max-pods",
            "--format",
            "csv",
            "--prefix-delegation",
            "--node-pool",
            "examples/platform-prod",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert!(rows.iter().any(|r| r["node_pool"] == "batch"));
    let m = rows
        .iter()
        .find(|r| r["node_pool"] == "default" && r["instance_type"] == "c7g.medium")
        .unwrap_or_else(|| panic!("c7g.medium in NodePool default"));
    assert_eq!(m["max_pods"], "98");
}

#[test]
fn capacity_of_the_example_flags_over_commit_and_under_use() {
    let o = eksplane(&["capacity", "examples/platform-prod"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "VPC CNI: prefix delegation",
        "from the aws-node DaemonSet (examples/platform-prod/kube-system/aws-node.yaml",
        "NodePool default",
        "EC2NodeClass  default",
        "maxPods 110 (examples/platform-prod/karpenter/ec2nodeclass-default.yaml:21:14)",
        "OVER-COMMITTED by 60",
        "UNDER-USED, 140 lost",
        "kind: EC2NodeClass",
        "maxPodsExpression:",
        "is 11 x maxPods + 255 MiB of nodeadm's own max pods",
        "no kubeReserved.memory setting is needed",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
    let o = eksplane(
        &["capacity", "examples/platform-prod", "--format", "json"],
        None,
    );
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-capacity");
    // Two Karpenter NodePools and the eksctl managed node group `system`.
    let pools = v["node_pools"].as_array().map_or(0, Vec::len);
    assert_eq!(pools, 3);
    assert_eq!(v["node_pools"][2]["kind"], "eksctl-managed");
    assert_eq!(v["node_pools"][2]["name"], "system");
    // The example's own describe-instance-types output as the catalog (three
    // types): c7g.medium, allowed by NodePool default, is over-committed
    // (maxPods 110 against 50 pod IPs with a trunk slot held).
    let o = eksplane(
        &[
            "capacity",
            "examples/platform-prod",
            "--catalog",
            "examples/platform-prod/aws/ec2-describe-instance-types.json",
            "--all-types",
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("c7g.medium"), "{}", stdout(&o));
}

#[test]
fn capacity_bad_input_exits_2() {
    let d = tmp("capbad");
    std::fs::write(
        d.join("bad.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = d.to_string_lossy().into_owned();
    let o = eksplane(&["capacity", &path], None);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("LOAD"), "{}", stderr(&o));
}

#[test]
fn catalog_import_round_trip_and_show() {
    let d = tmp("catalog");
    let out = d.join("catalog.tsv");
    let p = out.to_string_lossy().into_owned();
    let o = eksplane(
        &[
            "catalog",
            "import",
            "examples/platform-prod/aws/ec2-describe-instance-types.json",
            "examples/platform-good/aws/ec2-describe-instance-types.json",
            "-o",
            &p,
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.starts_with("#eksplane-catalog v1"), "{text}");
    assert!(text.contains("# generated: "), "{text}");
    assert!(
        text.contains("# source: examples/platform-prod/aws/ec2-describe-instance-types.json"),
        "{text}"
    );
    let o = eksplane(
        &["max-pods", "--catalog", &p, "m6i.large", "--format", "csv"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows[0]["max_allowed"], "29");
    // Only the imported types are known.
    let o = eksplane(
        &["max-pods", "--catalog", &p, "--all", "--format", "csv"],
        None,
    );
    assert_eq!(csv_rows(&stdout(&o)).len(), 5, "{}", stdout(&o));
    let o = eksplane(&["catalog", "show", "m6i.4xlarge"], None);
    assert_eq!(code(&o), 0);
    let s = stdout(&o);
    for want in [
        "IPv4 per ENI",
        "54 branch ENIs",
        "USD/hour",
        "karpenter.k8s.aws/instance-family",
    ] {
        assert!(s.contains(want), "{want} missing:\n{s}");
    }
    // With only the example's 5 imported types, the pool for types above 30
    // vCPUs has nothing to launch: the rules really use the given catalog.
    let o = eksplane(&["check", "examples/platform-good", "--catalog", &p], None);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let s = stdout(&o);
    assert!(
        s.contains("error[CNI008]: NodePool general-large") && s.contains("(5 types)"),
        "{s}"
    );
}

#[test]
fn catalog_import_of_malformed_json_exits_2_naming_file_line_and_column() {
    let d = tmp("catbad");
    let bad = d.join("types.json");
    std::fs::write(
        &bad,
        "{\"InstanceTypes\": [\n  {\"InstanceType\": \"m6i.large\",\n   \"VCpuInfo\": {,}}\n]}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = d.join("out.tsv");
    let o = eksplane(
        &[
            "catalog",
            "import",
            &bad.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("types.json:3:"), "{err}");
    assert!(!out.exists());
}

#[test]
fn ip_plan_flags_the_fragmented_subnets_and_passes_the_fix() {
    let d = tmp("ipsvg");
    let svg = d.join("maps");
    let svg_s = svg.to_string_lossy().into_owned();
    let o = eksplane(
        &["ip-plan", "examples/ip-exhaustion", "--svg", &svg_s],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("InsufficientCidrBlocks"), "{out}");
    assert!(
        out.contains("100.64.0.0/16"),
        "remedy with its effect: {out}"
    );
    let maps = std::fs::read_dir(&svg).map(|r| r.count()).unwrap_or(0);
    assert_eq!(maps, 6, "one SVG per subnet");
    let o = eksplane(
        &[
            "ip-plan",
            "examples/ip-exhaustion-fixed",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["cluster"]["meets_target"], true);
    // A target beyond what the subnets hold fails.
    let o = eksplane(
        &[
            "ip-plan",
            "examples/ip-exhaustion-fixed",
            "--pods",
            "500000",
            "--no-remedies",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn ip_plan_rejects_overlapping_subnets_naming_them_and_writes_nothing() {
    let d = tmp("ipbad");
    let plan = d.join("plan.yaml");
    std::fs::write(
        &plan,
        "apiVersion: eksplane.io/v1alpha1
kind: NetworkPlan
metadata: {name: bad}
spec:
  vpc: {cidrs: [10.0.0.0/16]}
  subnets:
    - {name: a, zone: us-east-1a, cidr: 10.0.0.0/24, role: node}
    - {name: b, zone: us-east-1b, cidr: 10.0.0.128/25, role: node}
  target: {pods: 100}
",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = d.join("plan.json");
    let (p, o_s) = (
        plan.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    let o = eksplane(&["ip-plan", &p, "-o", &o_s], None);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("overlap") && err.contains("plan.yaml:"),
        "{err}"
    );
    assert!(!out.exists(), "no partial output");
    // A subnet outside the VPC.
    std::fs::write(
        &plan,
        "apiVersion: eksplane.io/v1alpha1
kind: NetworkPlan
metadata: {name: bad}
spec:
  vpc: {cidrs: [10.0.0.0/16]}
  subnets:
    - {name: a, zone: us-east-1a, cidr: 10.1.0.0/24, role: node}
  target: {pods: 100}
",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = eksplane(&["ip-plan", &p], None);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("10.1.0.0/24"), "{}", stderr(&o));
}

#[test]
fn simulate_reproduces_the_pending_storm_and_its_fix() {
    // The fragmented /24s: pods land on nodes whose CNI cannot get a /28.
    let o = eksplane(
        &[
            "simulate",
            "examples/ip-exhaustion",
            "--duration",
            "2h",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    let s = &v["summary"];
    for key in [
        "total_cost_usd",
        "peak_nodes",
        "pending_pod_seconds",
        "max_pending_pods",
        "pods_stuck_without_ip",
    ] {
        assert!(!s[key].is_null(), "{key} missing: {s}");
    }
    assert!(
        s["pods_stuck_without_ip"].as_u64().is_some_and(|n| n > 0),
        "{s}"
    );
    // Same inputs and seed: byte-identical output.
    let again = eksplane(
        &[
            "simulate",
            "examples/ip-exhaustion",
            "--duration",
            "2h",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.stdout, again.stdout);
    // The fix: pod subnets from the secondary CIDR.
    let d = tmp("sim");
    let html = d.join("report.html");
    let h = html.to_string_lossy().into_owned();
    let o = eksplane(
        &[
            "simulate",
            "examples/ip-exhaustion-fixed",
            "--duration",
            "2h",
            "--format",
            "json",
            "--report",
            &h,
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["summary"]["pods_stuck_without_ip"], 0);
    let page = std::fs::read_to_string(&html).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.matches("<svg").count() >= 4, "charts in the report");
    assert!(
        !page.contains("<script src") && !page.contains("<link"),
        "self-contained"
    );
}

#[test]
fn simulate_with_a_workload_profile_and_bad_durations() {
    let o = eksplane(
        &[
            "simulate",
            "examples/simulate",
            "--workload",
            "examples/simulate/workload-profile.yaml",
            "--duration",
            "3h",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        !stderr(&o).contains("LOAD005"),
        "profile read once: {}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("Simulation of 3h"), "{}", stdout(&o));
    let o = eksplane(
        &["simulate", "examples/simulate", "--duration", "3 hours"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--duration"), "{}", stderr(&o));
}

#[test]
fn simulate_splits_chargeback_by_a_pod_label() {
    let o = eksplane(
        &[
            "simulate",
            "examples/simulate",
            "--duration",
            "1h",
            "--chargeback-label",
            "app",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["summary"]["chargeback_label"], "app");
    let by = v["summary"]["cost_by_label"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert!(by.keys().any(|k| k.starts_with("app=")), "{by:?}");
    assert!(v["series"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn upgrade_example_is_blocked_and_the_fixed_one_is_clean() {
    let o = eksplane(&["upgrade", "examples/upgrade-1.29", "--to", "1.32"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("BLOCKED"), "{out}");
    assert!(
        out.contains("examples/upgrade-1.29/legacy/old-apis.yaml:31"),
        "{out}"
    );
    // Blockers come first in each step.
    let step1 = out.split("Step 2:").next().unwrap_or_default();
    let first_action = step1.find("[control plane]").unwrap_or(usize::MAX);
    let last_blocker = step1.rfind("BLOCKER").unwrap_or(0);
    assert!(last_blocker < first_action, "{step1}");
    let o = eksplane(
        &["upgrade", "examples/upgrade-1.29-fixed", "--to", "1.32"],
        None,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no blockers"));
}

#[test]
fn upgrade_json_and_markdown() {
    let o = eksplane(
        &[
            "upgrade",
            "examples/upgrade-1.29",
            "--to",
            "1.32",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-upgrade");
    assert_eq!(v["version"], 1);
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[2]["from"], "1.31");
    assert_eq!(steps[2]["to"], "1.32");
    let api = &steps[2]["removed_apis"][0];
    assert_eq!(api["api_version"], "flowcontrol.apiserver.k8s.io/v1beta3");
    assert_eq!(api["kind"], "FlowSchema");
    assert_eq!(api["name"], "batch-tenants");
    assert_eq!(api["file"], "examples/upgrade-1.29/legacy/old-apis.yaml");
    assert_eq!(api["line"], 31);
    assert_eq!(api["removed_in"], "1.32");
    assert_eq!(api["replacement"], "flowcontrol.apiserver.k8s.io/v1");
    assert!(
        !steps[0]["blockers"]
            .as_array()
            .expect("blockers")
            .is_empty()
    );
    let o = eksplane(
        &[
            "upgrade",
            "examples/upgrade-1.29-fixed",
            "--to",
            "latest",
            "--format",
            "markdown",
            "--today",
            "2026-06-01",
        ],
        None,
    );
    // Karpenter 1.2 supports up to 1.32: the 1.33 step is blocked.
    assert_eq!(code(&o), 1);
    let md = stdout(&o);
    assert!(md.starts_with("# Upgrade ledger 1.29 -> 1.36"), "{md}");
    assert!(md.contains("## Step 4: 1.32 -> 1.33 (blocked)"), "{md}");
    assert!(md.contains("as of 2026-06-01"), "{md}");
}

#[test]
fn upgrade_bad_target_exits_2() {
    let o = eksplane(
        &["upgrade", "examples/upgrade-1.29", "--to", "one.thirty"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--to"), "{}", stderr(&o));
    let o = eksplane(&["upgrade", "examples/upgrade-1.29", "--to", "1.28"], None);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("examples/upgrade-1.29/cluster.yaml:10"),
        "{}",
        stderr(&o)
    );
    let o = eksplane(
        &[
            "upgrade",
            "examples/upgrade-1.29",
            "--to",
            "1.30",
            "--today",
            "yesterday",
        ],
        None,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

/// Issue 10: without a describe-network-interfaces snapshot, describe-subnets'
/// AvailableIpAddressCount is the free count (187 in us-east-1a), /28
/// fragmentation is unknown and bounded, and the verdict is not green.
#[test]
fn ip_plan_without_eni_snapshot_uses_available_count() {
    let d = tmp("ipcount");
    let svg = d.join("maps");
    let svg_s = svg.to_string_lossy().into_owned();
    let o = eksplane(
        &["ip-plan", "examples/platform-prod", "--svg", &svg_s],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("subnet-0e6a49bfdbb65a522"), "{out}");
    assert!(out.contains(" 187 "), "187 free addresses: {out}");
    assert!(out.contains("fragmentation -- is unknown"), "{out}");
    assert!(out.contains("Verdict: unknown"), "{out}");
    assert!(!out.contains("hold the target"), "{out}");
    let map = std::fs::read_to_string(svg.join("subnet-0e6a49bfdbb65a522.svg")).unwrap_or_default();
    assert!(map.contains("unknown"), "unknown blocks drawn as unknown");
    let o = eksplane(
        &["ip-plan", "examples/platform-prod", "--format", "json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["cluster"]["verdict"], "unknown");
    let s = &v["subnets"][0];
    assert_eq!(s["free_addresses"], 187);
    assert_eq!(s["occupancy"]["kind"], "count_only");
}

/// Issue 10: Windows nodes get the primary ENI's IPs only; Karpenter
/// advertises 110; the fix lowers maxPods.
#[test]
fn capacity_of_a_windows_node_pool_lowers_max_pods() {
    let o = eksplane(&["capacity", "examples/windows"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "OVER-COMMITTED by 101",
        "maxPods: 9",
        "maxPods: 29",
        "110 for Windows",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
}

/// Issue 10: nodeadm declares default_enis, ips_per_eni and max_pods only.
#[test]
fn max_pods_expression_with_vcpus_is_an_error_listing_the_variables() {
    let o = eksplane(
        &[
            "max-pods",
            "m5.large",
            "--max-pods-expression",
            "vcpus > 30 ? 250 : 110",
        ],
        None,
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("default_enis, ips_per_eni, max_pods"), "{err}");
}

#[test]
fn simulate_compare_shows_the_stuck_pods_gone_with_the_fix() {
    let o = eksplane(
        &[
            "simulate",
            "examples/ip-exhaustion",
            "examples/ip-exhaustion-fixed",
            "--compare",
            "--duration",
            "2h",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    let stuck = |i: usize| v["variants"][i]["summary"]["pods_stuck_without_ip"].as_u64();
    assert!(stuck(0).is_some_and(|n| n > 0), "{v}");
    assert_eq!(stuck(1), Some(0), "{v}");
    assert_eq!(v["variants"][1]["path"], "examples/ip-exhaustion-fixed");
    let human = eksplane(
        &[
            "simulate",
            "examples/ip-exhaustion",
            "examples/ip-exhaustion-fixed",
            "--compare",
            "--duration",
            "2h",
        ],
        None,
    );
    assert!(
        stdout(&human).contains("pods stuck without IP"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn simulate_seeds_drive_spot_interruptions() {
    let run = |seed: &str| {
        let o = eksplane(
            &[
                "simulate",
                "examples/simulate",
                "--workload",
                "examples/simulate/workload-profile.yaml",
                "--duration",
                "6h",
                "--spot-interruption-rate",
                "0.05",
                "--seed",
                seed,
                "--format",
                "json",
            ],
            None,
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        o.stdout
    };
    assert_eq!(run("1"), run("1"));
    assert_ne!(run("1"), run("2"));
}

#[test]
fn migrate_access_entries_refuses_for_map_accounts_then_passes_with_a_decision() {
    let o = eksplane(
        &["migrate", "access-entries", "examples/platform-prod"],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("777788889999"), "{}", stderr(&o));
    assert!(stdout(&o).contains("REFUSED"), "{}", stdout(&o));
    assert!(stdout(&o).contains("--accept-loss 777788889999"));

    let o = eksplane(
        &[
            "migrate",
            "access-entries",
            "examples/platform-prod",
            "--accept-loss",
            "777788889999",
            "--format",
            "script",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.starts_with("#!/usr/bin/env bash") && s.contains("set -euo pipefail"));
    for who in [
        "role/KarpenterNodeRole-platform-prod",
        "role/github-actions-deploy",
        "user/breakglass-admin",
    ] {
        assert!(s.contains(who), "{who} missing");
    }
    assert!(s.contains("authenticationMode=API"));

    let d = tmp("migrate-decisions");
    let file = d.join("decisions.txt");
    std::fs::write(
        &file,
        "# mapAccounts: the old tooling account\n777788889999\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = eksplane(
        &[
            "migrate",
            "access-entries",
            "examples/platform-prod",
            "--decisions",
            file.to_str().unwrap_or_default(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["refused"], false);

    let o = eksplane(
        &[
            "migrate",
            "access-entries",
            "examples/platform-prod",
            "--decisions",
            "/nonexistent/x",
        ],
        None,
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn migrate_pod_identity_lists_every_irsa_service_account() {
    let o = eksplane(&["migrate", "pod-identity", "examples/platform-prod"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("payments/checkout-sa"), "{s}");
    assert!(s.contains("reporting/report-sa"), "{s}");
    for f in ["script", "eksctl", "terraform", "json"] {
        let o = eksplane(
            &[
                "migrate",
                "pod-identity",
                "examples/platform-prod",
                "--format",
                f,
            ],
            None,
        );
        assert_eq!(code(&o), 0, "{f}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty());
    }
}

/// Issue 9: an eksctl node group is a node source like a NodePool:
/// `maxPodsPerNode: 123` on eksctl's default m5.large (29 pod IPs) is an
/// error in `check` and `capacity`, at the node group's line, with the fix.
#[test]
fn eksctl_node_group_max_pods_above_the_cni_is_an_error() {
    let d = tmp("eksctl-ng");
    let f = d.join("cluster.yaml");
    std::fs::write(
        &f,
        "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: c1
  region: us-west-2
nodeGroups:
  - name: ng-1
    maxPodsPerNode: 123
",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = f.to_string_lossy().into_owned();
    let o = eksplane(&["check", &path, "--format", "json"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    let cni002: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "CNI002")
        .collect();
    assert_eq!(cni002.len(), 1, "{v}");
    assert_eq!(cni002[0]["severity"], "error");
    assert_eq!(cni002[0]["location"]["line"], 8);
    assert!(
        cni002[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("m5.large admits 123, the CNI can address 29")),
        "{v}"
    );
    // The run says what it assumed: no aws-node settings in the inputs.
    assert!(
        v["notes"].as_array().is_some_and(|n| n
            .iter()
            .any(|n| n["kind"] == "assumed" && n["area"] == "cni")),
        "{v}"
    );
    let o = eksplane(&["capacity", &path], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("node group ng-1"), "{out}");
    assert!(out.contains("OVER-COMMITTED by 94"), "{out}");
    assert!(out.contains("maxPodsPerNode: 29"), "{out}");
}

#[test]
fn verify_exit_codes_healthy_unhealthy_and_nothing_verified() {
    let o = eksplane(&["verify", "examples/verify-healthy"], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("verified: every item passed (7 passed, 0 failed, 0 skipped)"));

    let o = eksplane(&["verify", "examples/verify-unhealthy"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIL ingress"), "{out}");
    assert!(
        out.contains("examples/verify-unhealthy/networking/ingresses.yaml:34"),
        "{out}"
    );

    // Only a NodePool manifest: every item skipped, not green (exit 1).
    let o = eksplane(
        &[
            "verify",
            "examples/platform-prod/karpenter/nodepool-default.yaml",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("NOTHING VERIFIED"), "{}", stdout(&o));
}

#[test]
fn verify_partial_inputs_pass_unless_strict_and_write_json_and_markdown() {
    // The healthy snapshot without its Ingresses: one item skipped.
    let d = tmp("verify-partial");
    let src = root().join("examples/verify-healthy");
    for sub in ["aws", "kube-system", "karpenter", "workloads"] {
        let to = d.join(sub);
        std::fs::create_dir_all(&to).unwrap_or_else(|e| panic!("{e}"));
        for f in std::fs::read_dir(src.join(sub)).unwrap_or_else(|e| panic!("{e}")) {
            let f = f.unwrap_or_else(|e| panic!("{e}")).path();
            let name = f.file_name().unwrap_or_default();
            std::fs::copy(&f, to.join(name)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let dir = d.to_string_lossy().into_owned();
    let o = eksplane(&["verify", &dir], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("verified IN PART"), "{}", stdout(&o));
    assert!(stdout(&o).contains("SKIP ingress"), "{}", stdout(&o));
    let o = eksplane(&["verify", "--strict", &dir], None);
    assert_eq!(code(&o), 1);

    let json = d.join("verify.json");
    let o = eksplane(
        &[
            "verify",
            &dir,
            "--format",
            "json",
            "-o",
            &json.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-verify");
    assert_eq!(v["outcome"], "incomplete");
    assert_eq!(v["verified"], false);
    let o = eksplane(&["verify", &dir, "--format", "markdown"], None);
    assert!(stdout(&o).starts_with("# EKS platform verification"));
    let _ = std::fs::remove_dir_all(&d);
}
