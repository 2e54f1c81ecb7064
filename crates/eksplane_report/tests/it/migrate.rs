//! `eksplane migrate` outputs on the bundled example: snapshots of every
//! format, every AWS CLI command checked against botocore's model, and the
//! round trip (the eksctl fragments and the post-migration state load back and
//! `check` reports no access or identity finding).

use crate::{check, example};
use eksplane_load::{Loaded, load_texts};
use eksplane_migrate::access::{AccessOptions, AccessPlan, plan_access_entries};
use eksplane_migrate::pod_identity::{PodIdentityPlan, Verdict, plan_pod_identity};
use eksplane_report::migrate::*;
use std::collections::BTreeMap;

const MAPPED_ACCOUNT: &str = "777788889999";

fn load(files: &[(String, Vec<u8>)]) -> Loaded {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
}

fn access(accept: bool) -> (Loaded, AccessPlan) {
    let l = load(&example("platform-prod"));
    let opts = AccessOptions {
        accept_loss: if accept {
            vec![MAPPED_ACCOUNT.to_string()]
        } else {
            Vec::new()
        },
    };
    let p = plan_access_entries(&l.platform, &opts);
    (l, p)
}

fn pod_identity() -> (Loaded, PodIdentityPlan) {
    let l = load(&example("platform-prod"));
    let p = plan_pod_identity(&l.platform);
    (l, p)
}

#[test]
fn access_entries_human_refused() {
    let (l, p) = access(false);
    assert!(p.refused());
    insta::assert_snapshot!(render_access_human(&p, &l.db));
}

#[test]
fn access_entries_human_accepted() {
    let (l, p) = access(true);
    assert!(!p.refused());
    insta::assert_snapshot!(render_access_human(&p, &l.db));
}

#[test]
fn access_entries_script() {
    insta::assert_snapshot!(render_access_script(&access(true).1));
}

#[test]
fn access_entries_script_refused_withholds_phases_3_and_4() {
    let s = render_access_script(&access(false).1);
    assert!(!s.contains("authenticationMode=API"), "{s}");
    assert!(!s.contains("delete configmap aws-auth"), "{s}");
    assert!(s.contains(MAPPED_ACCOUNT), "{s}");
}

#[test]
fn access_entries_eksctl() {
    insta::assert_snapshot!(render_access_eksctl(&access(true).1));
}

#[test]
fn access_entries_terraform() {
    insta::assert_snapshot!(render_access_terraform(&access(true).1));
}

#[test]
fn access_entries_json() {
    let (l, p) = access(false);
    let text = render_access_json(&p, &l.db);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["format"], ACCESS_FORMAT);
    assert_eq!(v["refused"], true);
    insta::assert_snapshot!(text);
}

#[test]
fn pod_identity_outputs() {
    let (l, p) = pod_identity();
    insta::assert_snapshot!("pod_identity_human", render_pod_identity_human(&p, &l.db));
    insta::assert_snapshot!("pod_identity_script", render_pod_identity_script(&p));
    insta::assert_snapshot!("pod_identity_eksctl", render_pod_identity_eksctl(&p));
    insta::assert_snapshot!("pod_identity_terraform", render_pod_identity_terraform(&p));
    let json = render_pod_identity_json(&p, &l.db);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["format"], POD_IDENTITY_FORMAT);
    insta::assert_snapshot!("pod_identity_json", json);
}

// ---------------------------------------------------------------------------
// botocore
// ---------------------------------------------------------------------------

/// Options every AWS CLI command takes (the CLI's global options).
const GLOBAL_OPTIONS: &[&str] = &["query", "output", "region", "profile", "no-paginate"];

/// `{service: {cli-operation: [cli-parameter]}}` from the botocore models on
/// this machine, or `None` (with the reason) when python3 or botocore is absent.
fn botocore_model() -> Result<BTreeMap<String, BTreeMap<String, Vec<String>>>, String> {
    const SCRIPT: &str = r#"
import json, re, botocore.loaders
def kebab(s):
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1-\2', s)
    return re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1-\2', s).lower()
out = {}
loader = botocore.loaders.Loader()
for svc in ("eks", "iam"):
    m = loader.load_service_model(svc, "service-2")
    ops = {}
    for name, op in m["operations"].items():
        members = []
        if "input" in op:
            members = list(m["shapes"][op["input"]["shape"]].get("members", {}))
        ops[kebab(name)] = [kebab(x) for x in members]
    out[svc] = ops
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "botocore not importable: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("botocore dump: {e}"))
}

/// Every `aws SERVICE OP --param ...` command in a script, with its line.
fn aws_commands(script: &str) -> Vec<(usize, String, String, Vec<String>)> {
    let mut v = Vec::new();
    for (i, line) in script.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("aws ") {
            let before = &rest[..at];
            let cmd = &rest[at + 4..];
            rest = cmd;
            if !(before.is_empty() || before.ends_with([' ', '(', '!'])) {
                continue;
            }
            let words: Vec<&str> = cmd.split_whitespace().collect();
            let (Some(svc), Some(op)) = (words.first(), words.get(1)) else {
                continue;
            };
            if !matches!(*svc, "eks" | "iam") || *op == "wait" {
                continue;
            }
            let params = words
                .iter()
                .skip(2)
                .take_while(|w| !w.starts_with(['>', '|', ')']))
                .filter_map(|w| w.strip_prefix("--"))
                .map(str::to_string)
                .collect();
            v.push((i + 1, svc.to_string(), op.to_string(), params));
        }
    }
    v
}

#[test]
// The skip must say why on the test's output: without botocore it passes unchecked.
#[allow(clippy::print_stderr)]
fn botocore_parameters() {
    let model = match botocore_model() {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    // Small inputs for the paths the example does not take: CONFIG_MAP first,
    // a wrong-typed entry recreated, an entry completed, an add-on's association.
    let small = load_texts([
        (
            "c.yaml",
            r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
accessConfig:
  authenticationMode: CONFIG_MAP
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/nodes
      type: STANDARD
    - principalARN: arn:aws:iam::111122223333:role/dev
      kubernetesGroups: [dev]
"#,
        ),
        (
            "a.yaml",
            r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::111122223333:role/dev
      username: dev
      groups: [dev, ops]
"#,
        ),
        (
            "sa.yaml",
            r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ebs-csi-controller-sa
  namespace: kube-system
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/ebs"}
"#,
        ),
    ]);
    let small_access = plan_access_entries(&small.platform, &AccessOptions::default());
    let ops: Vec<&str> = small_access
        .entries
        .iter()
        .flat_map(|e| e.calls("c1"))
        .map(|c| c.operation)
        .collect();
    assert!(
        ops.contains(&"delete-access-entry") && ops.contains(&"update-access-entry"),
        "{ops:?}"
    );
    let scripts = [
        ("access-entries", render_access_script(&access(true).1)),
        (
            "pod-identity",
            render_pod_identity_script(&pod_identity().1),
        ),
        (
            "access-entries (small)",
            render_access_script(&small_access),
        ),
        (
            "pod-identity (small)",
            render_pod_identity_script(&plan_pod_identity(&small.platform)),
        ),
    ];
    assert!(
        scripts[2]
            .1
            .contains("authenticationMode=API_AND_CONFIG_MAP")
    );
    assert!(scripts[3].1.contains("update-addon"), "{}", scripts[3].1);
    let mut checked = 0;
    for (name, s) in &scripts {
        for (line, svc, op, params) in aws_commands(s) {
            let ops = &model[&svc];
            let members = ops
                .get(&op)
                .unwrap_or_else(|| panic!("{name}:{line}: aws {svc} {op}: no such operation"));
            for p in params {
                assert!(
                    members.contains(&p) || GLOBAL_OPTIONS.contains(&p.as_str()),
                    "{name}:{line}: aws {svc} {op} --{p}: not a parameter (botocore has {members:?})"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} commands found");
}

// ---------------------------------------------------------------------------
// round trip
// ---------------------------------------------------------------------------

fn is_access_or_identity(rule: &str) -> bool {
    rule.starts_with("ACC") || rule.starts_with("IDN")
}

/// The platform after both migrations: aws-auth gone, the mode `API`, the
/// migrated annotations removed, each migrated role trusting only Pod
/// Identity, plus the two eksctl fragments.
#[test]
fn round_trip_post_migration_state_checks_clean() {
    let (_, ap) = access(true);
    let (_, pp) = pod_identity();
    let migrated: Vec<(String, String)> = pp
        .service_accounts
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::Migrate { .. }))
        .map(|s| (s.role_arn.clone(), s.role_name.clone()))
        .collect();
    // eksctl iam.serviceAccounts items the plan says to remove: (file, line).
    let (pl, pp2) = pod_identity();
    let remove: Vec<(String, usize)> = pp2
        .service_accounts
        .iter()
        .filter(|s| s.migrates())
        .filter_map(|s| s.eksctl_irsa)
        .map(|sp| (pl.db.name(sp.file).to_string(), sp.start.line as usize))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in example("platform-prod") {
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        for (file, line) in &remove {
            if *file == name {
                text = remove_item(&text, *line);
            }
        }
        if name.ends_with("kube-system/aws-auth.yaml") {
            continue;
        }
        let mut text = text
            .replace(
                "authenticationMode: API_AND_CONFIG_MAP",
                "authenticationMode: API",
            )
            .replace("\"API_AND_CONFIG_MAP\"", "\"API\"");
        for (arn, role) in &migrated {
            text = text.replace(&format!("    eks.amazonaws.com/role-arn: {arn}\n"), "");
            if name.ends_with(&format!("iam-get-role-{role}.json")) {
                let mut v: serde_json::Value = serde_json::from_str(&text).expect("role JSON");
                v["Role"]["AssumeRolePolicyDocument"] = serde_json::json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "pods.eks.amazonaws.com"},
                        "Action": ["sts:AssumeRole", "sts:TagSession"],
                    }],
                });
                text = serde_json::to_string_pretty(&v).expect("JSON");
            }
        }
        files.push((name, text.into_bytes()));
    }
    let access_fragment = render_access_eksctl(&ap);
    let pod_fragment = render_pod_identity_eksctl(&pp);
    // The fragments merge into the cluster's ClusterConfig: load them as part of it.
    let cluster_yaml = files
        .iter_mut()
        .find(|(n, _)| n.ends_with("platform-prod/cluster.yaml"))
        .expect("cluster.yaml");
    let merged = merge_fragments(
        &String::from_utf8_lossy(&cluster_yaml.1),
        &access_fragment,
        &pod_fragment,
    );
    cluster_yaml.1 = merged.into_bytes();
    let (l, result) = check(&files);
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    let left: Vec<String> = result
        .findings
        .iter()
        .filter(|f| is_access_or_identity(f.rule.as_str()))
        .map(|f| format!("{}: {}", f.rule.as_str(), f.message))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
    // And the fragments load on their own.
    let alone = load_texts([
        ("access.yaml", access_fragment.as_str()),
        ("pod.yaml", pod_fragment.as_str()),
    ]);
    assert!(!alone.has_input_errors(), "{:?}", alone.findings);
    assert_eq!(alone.platform.cluster_configs.len(), 2);
}

/// The fragments' `accessEntries` and `podIdentityAssociations` items
/// appended to the ClusterConfig's lists (both fragments indent list items by
/// 4 under a 2-space key, like the example).
fn merge_fragments(cluster: &str, access: &str, pod: &str) -> String {
    let items = |frag: &str, key: &str| -> String {
        let mut out = String::new();
        let mut on = false;
        for line in frag.lines() {
            if line.trim_start() == format!("{key}:") {
                on = true;
                continue;
            }
            if on {
                if line.starts_with("    ") {
                    out.push_str(line);
                    out.push('\n');
                } else {
                    break;
                }
            }
        }
        out
    };
    let entries = items(access, "accessEntries");
    let assocs = items(pod, "podIdentityAssociations");
    let mut out = String::new();
    let mut lines = cluster.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let key = line.trim();
        let add = match key {
            "accessEntries:" => Some(&entries),
            "podIdentityAssociations:" if line.starts_with("  p") => Some(&assocs),
            _ => None,
        };
        if let Some(add) = add {
            while let Some(next) = lines.peek() {
                if next.starts_with("    ") || next.trim().is_empty() {
                    if next.trim().is_empty() {
                        break;
                    }
                    out.push_str(next);
                    out.push('\n');
                    lines.next();
                } else {
                    break;
                }
            }
            out.push_str(add);
        }
    }
    out
}

/// `text` without the YAML list item starting on `line` (1-based): that line
/// and every following line indented deeper than it.
fn remove_item(text: &str, line: usize) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let lines: Vec<&str> = text.lines().collect();
    let Some(first) = lines.get(line.saturating_sub(1)) else {
        return text.to_string();
    };
    let base = indent(first);
    let mut out = String::new();
    let mut skipping = false;
    for (i, l) in lines.iter().enumerate() {
        if i + 1 == line {
            skipping = true;
            continue;
        }
        if skipping && (l.trim().is_empty() || indent(l) > base) && !l.trim().is_empty() {
            continue;
        }
        skipping = false;
        out.push_str(l);
        out.push('\n');
    }
    out
}
