//! Chargeback by Namespace labels, idle cost shared out pro rata, and what
//! the cluster costs beyond its EC2 nodes.

use super::{POOL, deployment, opts, platform};
use eksplane_aws_data::Catalog;
use eksplane_aws_data::eks_versions::Date;
use eksplane_sim::{SimInputs, SimResult, WorkloadSpec, simulate};

const NAMESPACE: &str = "apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: retail}}
";

fn run(share_idle: bool, extra: &[(&str, &str)]) -> SimResult {
    let pool = POOL.replace("LIMITS", "");
    let web = deployment("web", 3, "500m", "");
    let mut texts = vec![("pool.yaml", pool.as_str()), ("web.yaml", web.as_str())];
    texts.extend_from_slice(extra);
    let p = platform(&texts);
    let mut inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    inputs.chargeback_label = Some("team".into());
    inputs.share_idle = share_idle;
    simulate(&inputs, &opts(1800))
}

#[test]
fn chargeback_label_falls_back_to_the_namespace_label() {
    let without = run(false, &[]);
    assert!(
        without.summary.cost_by_label.contains_key("(team unset)"),
        "{:?}",
        without.summary.cost_by_label
    );
    let with = run(false, &[("ns.yaml", NAMESPACE)]);
    let c = &with.summary.cost_by_label;
    assert!(c.get("team=retail").is_some_and(|v| *v > 0.0), "{c:?}");
    assert!(!c.contains_key("(team unset)"), "{c:?}");
    // A pod label wins over the Namespace's.
    let labelled = deployment("web", 3, "500m", "").replace(
        "metadata: {labels: {app: web}}",
        "metadata: {labels: {app: web, team: web-team}}",
    );
    let pool = POOL.replace("LIMITS", "");
    let p = platform(&[
        ("pool.yaml", &pool),
        ("web.yaml", &labelled),
        ("ns.yaml", NAMESPACE),
    ]);
    let mut inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    inputs.chargeback_label = Some("team".into());
    let r = simulate(&inputs, &opts(1800));
    assert!(
        r.summary.cost_by_label.contains_key("team=web-team"),
        "{:?}",
        r.summary.cost_by_label
    );
    assert!(!r.summary.cost_by_label.contains_key("team=retail"));
}

#[test]
fn idle_shared_pro_rata_leaves_nothing_idle_and_keeps_the_total() {
    let kept = run(false, &[("ns.yaml", NAMESPACE)]);
    let shared = run(true, &[("ns.yaml", NAMESPACE)]);
    let idle = kept
        .summary
        .cost_by_namespace
        .get("(idle)")
        .copied()
        .unwrap_or(0.0);
    assert!(idle > 0.0, "{:?}", kept.summary.cost_by_namespace);
    assert!(
        shared
            .summary
            .cost_by_namespace
            .get("(idle)")
            .copied()
            .unwrap_or(0.0)
            < 1e-9,
        "{:?}",
        shared.summary.cost_by_namespace
    );
    assert!(shared.summary.idle_shared);
    for r in [&kept, &shared] {
        let ns: f64 = r.summary.cost_by_namespace.values().sum();
        let lb: f64 = r.summary.cost_by_label.values().sum();
        assert!((ns - r.summary.total_cost_usd).abs() < 1e-6);
        assert!((lb - r.summary.total_cost_usd).abs() < 1e-6);
    }
    // Shop's share grows by its part of the idle cost.
    let shop = |r: &SimResult| {
        r.summary
            .cost_by_namespace
            .get("shop")
            .copied()
            .unwrap_or(0.0)
    };
    assert!(shop(&shared) > shop(&kept));
}

const INGRESSES: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: a
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/group.name: public}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: b
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/group.name: public}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /b, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: c, namespace: shop}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
";

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1, version: '1.29'}
";

#[test]
fn control_plane_and_albs_are_priced_by_version_date_and_ingress_groups() {
    let pool = POOL.replace("LIMITS", "");
    let web = deployment("web", 1, "500m", "");
    let p = platform(&[
        ("pool.yaml", &pool),
        ("web.yaml", &web),
        ("ing.yaml", INGRESSES),
        ("cluster.yaml", CLUSTER),
    ]);
    assert_eq!(eksplane_facts::costs::alb_count(&p), 2);
    let mut inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    // 1.29's standard support ended on 2025-03-23 (EKS calendar).
    for (on, rate, tier) in [
        (Date::new(2024, 6, 1), 0.10, "standard"),
        (Date::new(2025, 6, 1), 0.60, "extended"),
    ] {
        inputs.price_beyond_ec2(&p, on);
        let r = simulate(&inputs, &opts(7200));
        let b = &r.summary.beyond_ec2;
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].item.contains(tier), "{b:?}");
        assert!((b[0].usd - 2.0 * rate).abs() < 1e-9, "{b:?}");
        assert!(b[0].source.contains("aws.amazon.com/eks/pricing"));
        assert_eq!(b[1].quantity, 2);
        assert!((b[1].usd - 2.0 * 2.0 * 0.0225).abs() < 1e-9, "{b:?}");
        assert!(b[1].source.contains("elasticloadbalancing/pricing"));
    }
}

#[test]
fn static_nodepool_keeps_its_replicas_and_is_never_consolidated() {
    let pool = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: fixed}
spec:
  replicas: 3
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [m6i.large]}
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b]}
";
    // Two small pods fit; a pod larger than m6i.large stays pending: a
    // static pool provisions nothing for it.
    let small = deployment("small", 2, "250m", "");
    let big = deployment("big", 1, "4", "");
    let p = platform(&[
        ("pool.yaml", pool),
        ("small.yaml", &small),
        ("big.yaml", &big),
    ]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs.pools[0].replicas, Some(3));
    let r = simulate(&inputs, &opts(3 * 3600));
    assert_eq!(r.summary.nodes_launched, 3, "{:?}", r.events);
    assert_eq!(r.summary.nodes_deleted, 0);
    assert!(
        r.summary.nodes_disrupted.is_empty(),
        "{:?}",
        r.summary.nodes_disrupted
    );
    let last = r.series.last().unwrap_or_else(|| panic!("no samples"));
    assert_eq!(last.nodes_by_type.get("m6i.large"), Some(&3));
    assert_eq!(last.running_pods, 2);
    assert_eq!(last.pending_pods, 1);
    let u = &r.summary.unschedulable;
    assert!(
        u.iter()
            .any(|u| u.workload == "shop/big" && u.reason.contains("static NodePool")),
        "{u:?}"
    );
    // 3 x m6i.large for 3 hours.
    let price = Catalog::embedded()
        .get("m6i.large")
        .and_then(|t| t.on_demand_price_usd)
        .unwrap_or(0.0);
    assert!(
        (r.summary.total_cost_usd - 9.0 * price).abs() < 1e-6,
        "{}",
        r.summary.total_cost_usd
    );
}
