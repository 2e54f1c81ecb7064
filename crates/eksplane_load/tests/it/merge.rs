//! Merging sources into one cluster view; contradictions and duplicates.

use crate::{lines, load};

const CLUSTER_YAML: &str = r#"apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: platform-prod
  region: us-east-1
  version: "1.31"
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
vpc:
  clusterEndpoints:
    publicAccess: true
    privateAccess: true
"#;

fn describe_cluster(name: &str, version: &str, mode: &str) -> String {
    format!(
        r#"{{
    "cluster": {{
        "name": "{name}",
        "arn": "arn:aws:eks:us-east-1:111122223333:cluster/{name}",
        "version": "{version}",
        "status": "ACTIVE",
        "resourcesVpcConfig": {{
            "endpointPublicAccess": true,
            "endpointPrivateAccess": true,
            "publicAccessCidrs": ["0.0.0.0/0"]
        }},
        "accessConfig": {{
            "authenticationMode": "{mode}"
        }}
    }}
}}
"#
    )
}

#[test]
fn agreeing_sources_merge_into_one_view() {
    let dc = describe_cluster("platform-prod", "1.31", "API_AND_CONFIG_MAP");
    let l = load(&[
        ("cluster.yaml", CLUSTER_YAML),
        ("describe-cluster.json", &dc),
    ]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let c = &l.platform.cluster;
    let name = c.name.as_ref().unwrap_or_else(|| panic!("name"));
    assert_eq!(
        (name.value.as_str(), name.span.start.line),
        ("platform-prod", 4)
    );
    assert_eq!(name.also.len(), 1);
    assert_eq!(name.also[0].start.line, 3);
    assert_eq!(c.version.as_ref().map(|v| v.value.as_str()), Some("1.31"));
    assert_eq!(
        c.authentication_mode.as_ref().map(|v| v.span.start.line),
        Some(8)
    );
    assert_eq!(
        c.public_access_cidrs.as_ref().map(|v| v.value.clone()),
        Some(vec!["0.0.0.0/0".to_string()])
    );
    assert_eq!(
        c.region.as_ref().map(|r| r.value.as_str()),
        Some("us-east-1")
    );
}

#[test]
fn contradictions_are_reported_with_both_locations() {
    let dc = describe_cluster("platform-prod", "1.30", "CONFIG_MAP");
    let l = load(&[
        ("cluster.yaml", CLUSTER_YAML),
        ("describe-cluster.json", &dc),
    ]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 2, "{ls:?}");
    assert!(ls.iter().any(|m| m.starts_with("LOAD003 describe-cluster.json:5:20 Kubernetes version is 1.30 in the aws eks describe-cluster but 1.31 in the eksctl ClusterConfig")), "{ls:?}");
    assert!(
        ls.iter().any(|m| m
            .starts_with("LOAD003 describe-cluster.json:13:35 authentication mode is CONFIG_MAP")),
        "{ls:?}"
    );
    let f = &l.findings[0];
    assert_eq!(
        l.db.display(f.related[0].span).split(':').next(),
        Some("cluster.yaml")
    );
    // The first source wins.
    assert_eq!(
        l.platform
            .cluster
            .version
            .as_ref()
            .map(|v| v.value.as_str()),
        Some("1.31")
    );
}

#[test]
fn two_clusters_are_an_info_and_never_a_conflict() {
    let dc = describe_cluster("platform-staging", "1.30", "API");
    let l = load(&[
        ("cluster.yaml", CLUSTER_YAML),
        ("describe-cluster.json", &dc),
    ]);
    let ls = lines(&l);
    // Different clusters are not compared: no LOAD003 for their versions.
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(ls[0].starts_with("LOAD004 describe-cluster.json:3:17 the inputs describe 2 clusters (platform-prod, platform-staging); each is checked on its own"), "{ls:?}");
    let f = &l.findings[0];
    assert_eq!(f.severity, eksplane_diagnostics::Severity::Info);
    assert_eq!(l.db.display(f.related[0].span), "cluster.yaml:4:9");
    assert!(!l.has_input_errors());
    assert_eq!(l.clusters.len(), 2);
    let v = |i: usize| l.clusters[i].version.as_ref().map(|v| v.value.clone());
    assert_eq!((v(0), v(1)), (Some("1.31".into()), Some("1.30".into())));
    // The merged view is the first cluster's.
    assert_eq!(
        l.platform.cluster.name.as_ref().map(|n| n.value.as_str()),
        Some("platform-prod")
    );
}

#[test]
fn duplicate_objects_are_reported() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n";
    let l = load(&[("a.yaml", ns), ("b.yaml", ns)]);
    let ls = lines(&l);
    assert_eq!(
        ls,
        vec![
            "LOAD005 b.yaml:1:1 Namespace/payments is defined more than once; applied in order, the last one wins"
        ]
    );
    assert_eq!(l.db.display(l.findings[0].related[0].span), "a.yaml:1:1");
}

#[test]
fn duplicate_objects_keep_only_the_last_definition() {
    let dep = |replicas: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers: [{{name: web, image: nginx}}]\n"
        )
    };
    let (a, b, c) = (dep(1), dep(2), dep(3));
    let other = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: pg}]\n";
    let l = load(&[
        ("a.yaml", &a),
        ("b.yaml", &b),
        ("c.yaml", &c),
        ("d.yaml", other),
    ]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 2, "{ls:?}");
    assert!(
        ls[0].starts_with("LOAD005 b.yaml:1:1 Deployment/shop/web"),
        "{ls:?}"
    );
    assert!(
        ls[1].starts_with("LOAD005 c.yaml:1:1 Deployment/shop/web"),
        "{ls:?}"
    );
    for f in &l.findings {
        assert_eq!(l.db.display(f.related[0].span), "a.yaml:1:1");
    }
    // Only the last Deployment is in the model; the StatefulSet of the same
    // name is another object.
    let ws = &l.platform.workloads;
    assert_eq!(ws.len(), 2);
    let d = ws.iter().find(|w| w.kind.as_str() == "Deployment");
    assert_eq!(
        d.and_then(|d| d.replicas.as_ref()).map(|r| r.value),
        Some(3)
    );
    assert_eq!(
        d.map(|d| l.db.display(d.origin.span)),
        Some("c.yaml:1:1".to_string())
    );
}
