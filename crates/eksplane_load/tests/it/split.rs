//! One platform per cluster: `split_clusters`.

use crate::{corpus_dir, lines, load};
use eksplane_load::{Input, LoadOptions, split_clusters};

fn cc(name: &str, version: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {name}\n  region: us-east-1\n  version: \"{version}\"\n"
    )
}

fn describe(name: &str, version: &str) -> String {
    format!(
        "{{\"cluster\": {{\"name\": \"{name}\", \"arn\": \"arn:aws:eks:us-east-1:111122223333:cluster/{name}\", \"version\": \"{version}\"}}}}\n"
    )
}

const SA: &str =
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n";
const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n";

#[test]
fn several_clusters_split_by_name_and_directory() {
    let (a, b) = (cc("alpha", "1.31"), cc("beta", "1.30"));
    let b_dc = describe("beta", "1.29");
    let l = load(&[
        ("alpha/cluster.yaml", &a),
        ("alpha/sa.yaml", SA),
        ("beta/cluster.yaml", &b),
        ("beta/describe-cluster.json", &b_dc),
        ("beta/sa.yaml", SA),
        ("apps/web.yaml", DEP),
    ]);
    let ls = lines(&l);
    // A conflict within beta only; alpha's 1.31 is not compared with beta.
    let conflicts: Vec<&String> = ls.iter().filter(|s| s.starts_with("LOAD003")).collect();
    assert_eq!(conflicts.len(), 1, "{ls:?}");
    assert!(conflicts[0].starts_with("LOAD003 beta/describe-cluster.json:1:99 Kubernetes version is 1.29 in the aws eks describe-cluster but 1.30 in the eksctl ClusterConfig"), "{ls:?}");
    // The same ServiceAccount in two clusters' directories is two objects.
    assert!(ls.iter().all(|s| !s.starts_with("LOAD005")), "{ls:?}");
    assert_eq!(l.platform.service_accounts.len(), 2);
    let parts = split_clusters(&l);
    assert_eq!(parts.len(), 3);
    let alpha = &parts[0];
    assert_eq!(alpha.name.as_deref(), Some("alpha"));
    assert_eq!(alpha.platform.cluster_configs.len(), 1);
    assert_eq!(
        alpha
            .platform
            .cluster
            .version
            .as_ref()
            .map(|v| v.value.as_str()),
        Some("1.31")
    );
    assert!(alpha.platform.aws.clusters.is_empty() && alpha.findings.is_empty());
    assert_eq!(alpha.platform.service_accounts.len(), 1);
    assert_eq!(
        l.db.display(alpha.platform.service_accounts[0].origin.span),
        "alpha/sa.yaml:1:1"
    );
    let beta = &parts[1];
    assert_eq!(beta.name.as_deref(), Some("beta"));
    assert_eq!(beta.platform.cluster_configs.len(), 1);
    assert_eq!(beta.platform.aws.clusters.len(), 1);
    assert_eq!(
        beta.platform
            .cluster
            .version
            .as_ref()
            .map(|v| v.value.as_str()),
        Some("1.30")
    );
    assert!(beta.platform.workloads.is_empty());
    assert_eq!(
        l.db.display(beta.platform.service_accounts[0].origin.span),
        "beta/sa.yaml:1:1"
    );
    // The Deployment's directory holds no cluster: cluster-less, reported.
    let rest = &parts[2];
    assert_eq!(rest.name, None);
    assert_eq!(rest.platform.workloads.len(), 1);
    assert!(rest.platform.cluster.name.is_none());
    assert_eq!(rest.findings.len(), 1);
    let f = &rest.findings[0];
    assert_eq!(f.rule.as_str(), "LOAD011");
    assert_eq!(f.severity, eksplane_diagnostics::Severity::Info);
    assert_eq!(l.db.display(f.primary.span), "apps/web.yaml:1:1");
    assert!(f.message.starts_with("1 objects (1 Deployment) are not in the directory of exactly one of the clusters alpha, beta"), "{}", f.message);
}

#[test]
fn one_cluster_keeps_everything() {
    let a = cc("alpha", "1.31");
    let l = load(&[("alpha/cluster.yaml", &a), ("apps/web.yaml", DEP)]);
    let parts = split_clusters(&l);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name.as_deref(), Some("alpha"));
    assert_eq!(parts[0].platform.workloads.len(), 1);
    assert!(parts[0].findings.is_empty());
    // And no cluster at all: one cluster-less platform.
    let l = load(&[("apps/web.yaml", DEP)]);
    let parts = split_clusters(&l);
    assert_eq!((parts.len(), parts[0].name.as_deref()), (1, None));
    assert_eq!(parts[0].platform.workloads.len(), 1);
}

#[test]
fn eksctl_examples_are_one_platform_per_cluster() {
    let Some(root) = corpus_dir() else { return };
    let dir = root.join("eksctl-examples/examples");
    let l = eksplane_load::load(&[Input::Path(dir)], LoadOptions::default());
    assert!(!l.has_input_errors(), "{:?}", lines(&l));
    let parts = split_clusters(&l);
    // 49 ClusterConfigs: cluster-26 twice in us-west-2 (one cluster),
    // cluster-2 in us-west-2 and eu-north-1 (two clusters).
    assert_eq!(parts.len(), 48);
    assert!(
        parts
            .iter()
            .all(|p| p.name.is_some() && p.findings.is_empty())
    );
    let c26 = parts
        .iter()
        .find(|p| p.name.as_deref() == Some("cluster-26"));
    assert_eq!(c26.map(|p| p.platform.cluster_configs.len()), Some(2));
    let c2: Vec<_> = parts
        .iter()
        .filter(|p| p.name.as_deref() == Some("cluster-2"))
        .collect();
    assert_eq!(c2.len(), 2);
    let regions: Vec<_> = c2
        .iter()
        .map(|p| p.platform.cluster.region.as_ref().map(|r| r.value.clone()))
        .collect();
    assert_eq!(
        regions,
        vec![
            Some("eu-north-1".to_string()),
            Some("us-west-2".to_string())
        ]
    );
    // Different clusters are never compared.
    assert!(
        l.findings.iter().all(|f| f.rule.as_str() != "LOAD003"),
        "{:?}",
        lines(&l)
    );
    // Each platform holds only its own ClusterConfig(s).
    for p in &parts {
        let name = p.name.as_deref().unwrap_or_default();
        assert!(
            p.platform
                .cluster_configs
                .iter()
                .all(|c| c.name().value == name)
        );
    }
    let info: Vec<_> = l
        .findings
        .iter()
        .filter(|f| f.rule.as_str() == "LOAD004")
        .collect();
    assert_eq!(info.len(), 1);
    assert!(
        info[0]
            .message
            .starts_with("the inputs describe 48 clusters")
    );
}

#[test]
fn a_placeholder_name_is_one_cluster_however_written() {
    // The EKS workshop writes ${EKS_CLUSTER_NAME} and $EKS_CLUSTER_NAME.
    let a = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${EKS_CLUSTER_NAME}\n  region: ${AWS_REGION}\n";
    let b = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: $EKS_CLUSTER_NAME\n  region: ${AWS_REGION}\n";
    let l = load(&[("a/cluster.yaml", a), ("b/nodegroup.yaml", b)]);
    assert!(lines(&l).is_empty(), "{:?}", lines(&l));
    assert_eq!(l.clusters.len(), 1);
    let parts = split_clusters(&l);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].platform.cluster_configs.len(), 2);
}
