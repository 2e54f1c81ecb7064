//! Disruption scenarios (issue 14): consolidation with and without a PDB,
//! a budget of 0 during a schedule, drift after an AMI alias bump.

use super::platform;
use eksplane_aws_data::Catalog;
use eksplane_sim::workload::NodeClassChange;
use eksplane_sim::{
    EventKind, ReplicaCurve, SimInputs, SimOptions, SimResult, Simulation, WorkloadCurve,
    WorkloadSpec, simulate,
};

fn pool(disruption: &str, types: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: general}}
spec:
  disruption:
{disruption}
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
        - {{key: node.kubernetes.io/instance-type, operator: In, values: [{types}]}}
        - {{key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a]}}
        - {{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}}
"
    )
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 12
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: c
          image: x
          resources: {requests: {cpu: 500m, memory: 256Mi}}
";

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
";

/// 12 replicas of 500m pack one m6i.2xlarge; at 15 min they scale to 4,
/// which an m6i.xlarge holds: single-node consolidation replaces the node.
fn consolidation_run(disruption: &str, with_pdb: bool) -> SimResult {
    let pool = pool(disruption, "m6i.xlarge, m6i.2xlarge");
    let mut texts = vec![("pool.yaml", pool.as_str()), ("web.yaml", WEB)];
    if with_pdb {
        texts.push(("pdb.yaml", PDB));
    }
    let p = platform(&texts);
    let spec = WorkloadSpec {
        curves: vec![WorkloadCurve {
            workload: "shop/web".into(),
            replicas: ReplicaCurve::Steps(vec![(0, 12), (900, 4)]),
        }],
        ..WorkloadSpec::default()
    };
    let inputs = SimInputs::new(&p, Catalog::embedded(), spec).unwrap_or_else(|e| panic!("{e}"));
    simulate(
        &inputs,
        &SimOptions {
            duration_seconds: 4 * 3600,
            ..SimOptions::default()
        },
    )
}

const UNDERUTILIZED: &str =
    "    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: 60s";

fn web_evictions(r: &SimResult) -> (u32, u32, u32, u32) {
    let e = r
        .summary
        .evictions
        .iter()
        .find(|e| e.workload == "shop/web")
        .unwrap_or_else(|| panic!("no evictions of shop/web: {:?}", r.summary.evictions));
    (
        e.evicted,
        e.max_evicted_at_once,
        e.without_pdb,
        e.beyond_pdb,
    )
}

#[test]
fn consolidation_without_pdb_evicts_several_replicas_at_once() {
    let r = consolidation_run(UNDERUTILIZED, false);
    assert_eq!(r.summary.nodes_disrupted.get("Underutilized"), Some(&1));
    let (evicted, at_once, without, beyond) = web_evictions(&r);
    assert_eq!(evicted, 4, "the four replicas left on the node");
    assert_eq!(at_once, 4, "all at once: nothing stops them");
    assert_eq!(without, 4);
    assert_eq!(beyond, 0);
    // The replacement is the cheaper type, and it was Ready before the drain.
    let launched = r
        .events
        .iter()
        .filter(|e| e.kind == EventKind::NodeLaunched)
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>();
    assert!(
        launched
            .iter()
            .any(|m| m.contains("m6i.xlarge") && m.contains("to replace general-00001")),
        "{launched:?}"
    );
    let ready = r
        .events
        .iter()
        .find(|e| e.kind == EventKind::NodeReady && e.message.starts_with("general-00002"))
        .map(|e| e.t_seconds);
    let first_eviction = r
        .events
        .iter()
        .find(|e| e.kind == EventKind::Eviction)
        .map(|e| e.t_seconds);
    assert!(
        ready.is_some() && ready <= first_eviction,
        "{ready:?} {first_eviction:?}"
    );
    assert_eq!(r.summary.pods_stuck_without_ip, 0);
}

#[test]
fn consolidation_with_pdb_evicts_one_at_a_time() {
    let r = consolidation_run(UNDERUTILIZED, true);
    assert_eq!(r.summary.nodes_disrupted.get("Underutilized"), Some(&1));
    let (evicted, at_once, without, beyond) = web_evictions(&r);
    assert_eq!(evicted, 4);
    assert_eq!(at_once, 1, "maxUnavailable 1: one eviction at a time");
    assert_eq!(without, 0);
    assert_eq!(beyond, 0);
    let evictions = r
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Eviction)
        .count();
    assert_eq!(evictions, 4, "four separate ticks");
}

#[test]
fn budget_of_zero_during_a_schedule_stops_disruption_in_the_window() {
    // 00:00 to 02:00 UTC each day: no disruption; outside, the default.
    let window = format!(
        "{UNDERUTILIZED}\n    budgets:\n      - {{nodes: \"0\", schedule: \"0 0 * * *\", duration: 2h}}\n      - {{nodes: \"10%\"}}"
    );
    let r = consolidation_run(&window, false);
    let first = r
        .events
        .iter()
        .find(|e| e.kind == EventKind::Disruption)
        .map(|e| e.t_seconds);
    assert_eq!(first, Some(7200), "held until the window closed at 02:00");
    // Without the window the same run consolidates within minutes of 15 min.
    let open = consolidation_run(UNDERUTILIZED, false);
    let first_open = open
        .events
        .iter()
        .find(|e| e.kind == EventKind::Disruption)
        .map(|e| e.t_seconds);
    assert!(first_open.is_some_and(|t| t < 1200), "{first_open:?}");
}

#[test]
fn ami_alias_bump_drifts_every_node_out_within_the_budget() {
    let pool = pool(
        "    consolidationPolicy: WhenEmpty\n    consolidateAfter: 5m\n    budgets:\n      - {nodes: \"2\"}",
        "m6i.large",
    );
    // 1500m each: one pod per m6i.large, ten nodes.
    let web = WEB
        .replace("replicas: 12", "replicas: 10")
        .replace("500m", "1500m");
    let p = platform(&[("pool.yaml", pool.as_str()), ("web.yaml", web.as_str())]);
    let spec = WorkloadSpec {
        node_class_changes: vec![NodeClassChange {
            at_seconds: 2 * 3600,
            node_class: "default".into(),
            change: "amiSelectorTerms alias al2023@v20260101 -> al2023@v20260115".into(),
        }],
        ..WorkloadSpec::default()
    };
    let inputs = SimInputs::new(&p, Catalog::embedded(), spec).unwrap_or_else(|e| panic!("{e}"));
    let opts = SimOptions {
        duration_seconds: 4 * 3600,
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&inputs, &opts);
    let mut before = Vec::new();
    let mut most = 0;
    while sim.now() < opts.duration_seconds {
        if sim.now() == 2 * 3600 - 10 {
            before = sim.node_names();
        }
        sim.tick();
        most = most.max(sim.disrupting_count());
    }
    assert_eq!(before.len(), 10);
    let after = sim.node_names();
    assert!(
        before.iter().all(|n| !after.contains(n)),
        "every node launched before the bump is gone: {after:?}"
    );
    assert_eq!(after.len(), 10);
    assert!(most <= 2, "the budget allows two at a time, saw {most}");
    assert_eq!(most, 2);
    let r = sim.finish();
    assert_eq!(r.summary.nodes_disrupted.get("Drifted"), Some(&10));
    assert!(
        r.events
            .iter()
            .any(|e| e.kind == EventKind::NodeClassChanged)
    );
}

fn spot_run(seed: u64, capacity_types: &str) -> SimResult {
    let pool = pool(
        "    consolidationPolicy: WhenEmpty\n    consolidateAfter: 5m",
        "m6i.large",
    )
    .replace(
        "values: [on-demand]",
        &format!("values: [{capacity_types}]"),
    );
    let web = WEB
        .replace("replicas: 12", "replicas: 20")
        .replace("500m", "1500m");
    let p = platform(&[("pool.yaml", pool.as_str()), ("web.yaml", web.as_str())]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    simulate(
        &inputs,
        &SimOptions {
            duration_seconds: 6 * 3600,
            seed,
            spot_interruptions_per_hour: 0.05,
            ..SimOptions::default()
        },
    )
}

#[test]
fn spot_interruptions_differ_by_seed_and_repeat_by_seed() {
    let a = spot_run(1, "spot");
    let a2 = spot_run(1, "spot");
    let b = spot_run(2, "spot");
    assert_eq!(a, a2, "the same seed, the same run");
    assert_ne!(a.events, b.events, "another seed, another run");
    for r in [&a, &b] {
        assert!(r.summary.spot_interruptions > 0);
        // Interrupted nodes were replaced and every pod runs again.
        let last = r.series.last().map(|s| s.running_pods);
        assert_eq!(last, Some(20));
        assert!(r.summary.nodes_launched > 20);
        let evicted: u32 = r.summary.evictions.iter().map(|e| e.evicted).sum();
        assert_eq!(evicted, r.summary.spot_interruptions, "one pod per node");
    }
    assert!(a.summary.price_model.contains("on-demand x 0.35"));
}

#[test]
fn interrupted_spot_pool_falls_back_to_on_demand() {
    let r = spot_run(3, "spot, on-demand");
    assert!(r.summary.spot_interruptions > 0);
    let first = r
        .events
        .iter()
        .find(|e| e.kind == EventKind::SpotInterruption)
        .map_or(0, |e| e.t_seconds);
    // The only Spot pool is unavailable for 3 minutes: the replacement
    // launched meanwhile is on-demand.
    assert!(
        r.events.iter().any(|e| e.kind == EventKind::NodeLaunched
            && e.t_seconds >= first
            && e.t_seconds < first + 180
            && e.message.contains("on-demand")),
        "{:?}",
        r.events
            .iter()
            .filter(|e| e.t_seconds >= first)
            .take(8)
            .collect::<Vec<_>>()
    );
}
