//! docs/live-iam-policy.json and docs/live-rbac.yaml, checked: every IAM
//! action is a read-only operation of botocore's service models, and the
//! RBAC grants `get` and `list` only, on what the snapshot reads, never
//! Secrets.

use eksplane_model::KubeObject;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The actions the snapshot calls (issue 13): the policy must list exactly these.
const ACTIONS: &[&str] = &[
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:DescribeAccessEntry",
    "eks:ListAssociatedAccessPolicies",
    "eks:ListPodIdentityAssociations",
    "eks:DescribePodIdentityAssociation",
    "eks:ListAddons",
    "eks:DescribeAddon",
    "eks:DescribeAddonVersions",
    "eks:ListNodegroups",
    "eks:DescribeNodegroup",
    "eks:ListFargateProfiles",
    "eks:DescribeFargateProfile",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstanceTypes",
    "ec2:GetSubnetCidrReservations",
    "iam:GetRole",
    "sts:GetCallerIdentity",
];

fn policy_actions() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("docs/live-iam-policy.json"))
        .unwrap_or_else(|e| panic!("docs/live-iam-policy.json: {e}"));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("docs/live-iam-policy.json: {e}"));
    assert_eq!(doc["Version"], "2012-10-17");
    let statements = doc["Statement"]
        .as_array()
        .unwrap_or_else(|| panic!("no Statement list"));
    let mut out = Vec::new();
    for s in statements {
        assert_eq!(s["Effect"], "Allow", "{s}");
        assert!(
            s.get("NotAction").is_none() && s.get("NotResource").is_none(),
            "{s}"
        );
        let actions = s["Action"]
            .as_array()
            .unwrap_or_else(|| panic!("Action is not a list: {s}"));
        for a in actions {
            out.push(
                a.as_str()
                    .unwrap_or_else(|| panic!("action {a} is not a string"))
                    .to_string(),
            );
        }
    }
    out
}

#[test]
fn iam_policy_lists_exactly_the_read_only_actions_the_snapshot_calls() {
    let actions = policy_actions();
    let got: BTreeSet<&str> = actions.iter().map(String::as_str).collect();
    let want: BTreeSet<&str> = ACTIONS.iter().copied().collect();
    assert_eq!(got, want);
    assert_eq!(actions.len(), got.len(), "an action is listed twice");
    for a in &actions {
        let (_, op) = a
            .split_once(':')
            .unwrap_or_else(|| panic!("{a}: not service:Operation"));
        assert!(!op.contains('*'), "{a}: wildcard");
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| op.starts_with(p)),
            "{a} is not a Describe/List/Get operation"
        );
    }
    let md = std::fs::read_to_string(root().join("docs/live-permissions.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    for a in ACTIONS {
        assert!(
            md.contains(&format!("`{a}`")),
            "docs/live-permissions.md omits {a}"
        );
    }
}

/// Every operation of botocore's `eks`, `ec2`, `iam` and `sts` models, as
/// `service:Operation`, or `None` when python3 with botocore is missing.
fn botocore_operations() -> Option<BTreeSet<String>> {
    let script = "import botocore.session\n\
s = botocore.session.get_session()\n\
for svc in ('eks', 'ec2', 'iam', 'sts'):\n\
    m = s.get_service_model(svc)\n\
    for op in m.operation_names:\n\
        print(svc + ':' + op)\n";
    let out = Command::new("python3").args(["-c", script]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "a test that needs botocore says that it was skipped"
)]
fn every_iam_action_is_an_operation_of_botocores_service_models() {
    let Some(ops) = botocore_operations() else {
        eprintln!("skipped: python3 with botocore is not installed (pip install botocore)");
        return;
    };
    assert!(
        ops.len() > 500,
        "botocore models look incomplete: {} operations",
        ops.len()
    );
    for a in policy_actions() {
        assert!(
            ops.contains(&a),
            "{a} is not an operation of botocore's service models"
        );
    }
}

#[test]
fn rbac_parses_and_grants_get_and_list_only_on_what_the_snapshot_reads() {
    let path = root().join("docs/live-rbac.yaml");
    let l = eksplane_load::load(
        &[eksplane_load::Input::Path(path)],
        eksplane_load::LoadOptions::default(),
    );
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let p = &l.platform;
    assert_eq!(p.cluster_roles.len(), 1);
    assert_eq!(p.roles.len(), 1);
    assert_eq!(p.cluster_role_bindings.len(), 1);
    assert_eq!(p.role_bindings.len(), 1);
    let rules = p.cluster_roles[0]
        .rules
        .iter()
        .chain(p.roles[0].rules.iter());
    let mut granted: BTreeSet<(String, String)> = BTreeSet::new();
    for r in rules {
        for v in &r.verbs {
            assert!(v == "get" || v == "list", "verb {v} in {r:?}");
        }
        let groups = r.api_groups.clone().unwrap_or_default();
        for g in &groups {
            assert_ne!(g, "*", "{r:?}");
            for res in r.resources.iter().flatten() {
                assert!(!res.contains('*') && res != "secrets", "{res} in {r:?}");
                granted.insert((g.clone(), res.clone()));
            }
        }
        assert!(r.non_resource_urls.is_none(), "{r:?}");
    }
    let aws_auth = &p.roles[0];
    assert_eq!(aws_auth.namespace(), Some("kube-system"));
    assert_eq!(
        aws_auth.rules[0].resource_names.as_deref(),
        Some(&["aws-auth".to_string()][..])
    );
    let needed = [
        ("", "configmaps"),
        ("", "namespaces"),
        ("", "nodes"),
        ("", "serviceaccounts"),
        ("", "services"),
        ("apps", "daemonsets"),
        ("apps", "deployments"),
        ("apps", "statefulsets"),
        ("autoscaling", "horizontalpodautoscalers"),
        ("policy", "poddisruptionbudgets"),
        ("networking.k8s.io", "ingresses"),
        ("networking.k8s.io", "ingressclasses"),
        ("elbv2.k8s.aws", "ingressclassparams"),
        ("rbac.authorization.k8s.io", "rolebindings"),
        ("rbac.authorization.k8s.io", "clusterrolebindings"),
        ("karpenter.sh", "nodepools"),
        ("karpenter.sh", "nodeclaims"),
        ("karpenter.k8s.aws", "ec2nodeclasses"),
        ("crd.k8s.amazonaws.com", "eniconfigs"),
        ("vpcresources.k8s.aws", "securitygrouppolicies"),
    ];
    for (g, r) in needed {
        assert!(
            granted.contains(&(g.to_string(), r.to_string())),
            "docs/live-rbac.yaml does not grant {r} in group {g:?}"
        );
    }
    assert_eq!(
        granted.len(),
        needed.len(),
        "grants beyond what is read: {granted:?}"
    );
}
