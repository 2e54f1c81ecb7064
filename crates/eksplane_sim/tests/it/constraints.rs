//! Pod affinity, zone anti-affinity, preferences (relaxed as Karpenter
//! relaxes them) and `minValues`, each in a scenario; and what is not
//! modelled said per workload.

use super::{POOL, deployment, opts, platform};
use eksplane_aws_data::Catalog;
use eksplane_sim::{SimInputs, Simulation, WorkloadSpec, simulate};
use std::collections::{BTreeMap, BTreeSet};

/// Runs `texts` for `seconds`; returns the placements (workload, node, zone)
/// and the simulation's unplaced pod count.
fn placements(texts: &[(&str, &str)], seconds: u64) -> (Vec<(String, String, String)>, u32) {
    let p = platform(texts);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&inputs, &opts(seconds));
    while sim.now() < seconds {
        sim.tick();
    }
    (sim.placements(), sim.unplaced_pods())
}

fn nodes_of(pl: &[(String, String, String)], workload: &str) -> BTreeSet<String> {
    pl.iter()
        .filter(|x| x.0 == workload)
        .map(|x| x.1.clone())
        .collect()
}

fn zones_of(pl: &[(String, String, String)], workload: &str) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for x in pl.iter().filter(|x| x.0 == workload) {
        *m.entry(x.2.clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn required_hostname_pod_affinity_puts_every_pod_beside_its_target() {
    let pool = POOL.replace("LIMITS", "");
    let cache = deployment("cache", 3, "1", "");
    let web = deployment(
        "web",
        6,
        "250m",
        "      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: cache}}
              topologyKey: kubernetes.io/hostname
",
    );
    let (pl, unplaced) = placements(
        &[
            ("pool.yaml", &pool),
            ("cache.yaml", &cache),
            ("web.yaml", &web),
        ],
        600,
    );
    assert_eq!(unplaced, 0, "{pl:?}");
    let cache_nodes = nodes_of(&pl, "shop/cache");
    let web_nodes = nodes_of(&pl, "shop/web");
    assert_eq!(pl.iter().filter(|x| x.0 == "shop/web").count(), 6);
    assert!(
        web_nodes.is_subset(&cache_nodes),
        "web on {web_nodes:?}, cache on {cache_nodes:?}"
    );
}

#[test]
fn zone_self_affinity_keeps_a_workload_in_one_zone() {
    // Karpenter's benchmark kind: pods with required zone affinity to their
    // own label (the first may go anywhere, the rest follow it).
    let pool = POOL.replace("LIMITS", "");
    let za = deployment(
        "za",
        24,
        "1",
        "      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: za}}
              topologyKey: topology.kubernetes.io/zone
",
    );
    let (pl, unplaced) = placements(&[("pool.yaml", &pool), ("za.yaml", &za)], 600);
    assert_eq!(unplaced, 0);
    let zones = zones_of(&pl, "shop/za");
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones.values().sum::<u32>(), 24);
}

#[test]
fn zone_pod_affinity_without_any_target_pod_stays_pending() {
    let pool = POOL.replace("LIMITS", "");
    let lonely = deployment(
        "lonely",
        2,
        "250m",
        "      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: nobody}}
              topologyKey: topology.kubernetes.io/zone
",
    );
    let p = platform(&[("pool.yaml", &pool), ("lonely.yaml", &lonely)]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(300));
    assert_eq!(r.summary.max_pending_pods, 2);
    assert_eq!(r.summary.peak_nodes, 0);
    assert_eq!(
        r.summary
            .unschedulable
            .iter()
            .map(|u| u.workload.as_str())
            .collect::<Vec<_>>(),
        ["shop/lonely"]
    );
}

#[test]
fn zone_anti_affinity_puts_one_pod_per_zone_and_leaves_the_fourth_pending() {
    let pool = POOL.replace("LIMITS", "");
    let zk = deployment(
        "zk",
        4,
        "500m",
        "      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: zk}}
              topologyKey: topology.kubernetes.io/zone
",
    );
    let (pl, unplaced) = placements(&[("pool.yaml", &pool), ("zk.yaml", &zk)], 600);
    let zones = zones_of(&pl, "shop/zk");
    assert_eq!(zones.len(), 3, "{zones:?}");
    assert!(zones.values().all(|&n| n == 1), "{zones:?}");
    assert_eq!(unplaced, 1);
}

/// A deployment with a `ScheduleAnyway` hostname spread or a preferred
/// hostname anti-affinity, in a pool with or without a node limit.
fn preference_run(extra: &str, node_limit: Option<u32>) -> (usize, u32) {
    let pool = POOL.replace(
        "LIMITS",
        &node_limit.map_or(String::new(), |n| format!("  limits: {{nodes: '{n}'}}")),
    );
    let app = deployment("app", 6, "250m", extra);
    let (pl, unplaced) = placements(&[("pool.yaml", &pool), ("app.yaml", &app)], 600);
    (nodes_of(&pl, "shop/app").len(), unplaced)
}

const ANYWAY: &str = "      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app: app}}
";

const PREFERRED_ANTI: &str = "      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: {matchLabels: {app: app}}
                topologyKey: kubernetes.io/hostname
";

#[test]
fn preferences_are_honoured_when_they_can_be_and_relaxed_when_not() {
    for extra in [ANYWAY, PREFERRED_ANTI] {
        // Honoured: one pod per node.
        assert_eq!(preference_run(extra, None), (6, 0), "{extra}");
        // Two nodes allowed: the preference is relaxed, every pod runs.
        let (nodes, unplaced) = preference_run(extra, Some(2));
        assert_eq!(unplaced, 0, "{extra}");
        assert!(nodes <= 2, "{nodes} nodes: {extra}");
    }
    // Without a preference the six pods share a node.
    assert_eq!(preference_run("", None), (1, 0));
}

#[test]
fn preferred_node_affinity_picks_the_preferred_zone_and_relaxes_when_it_is_not_offered() {
    let pref = |zone: &str| {
        format!(
            "      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              preference:
                matchExpressions:
                  - {{key: topology.kubernetes.io/zone, operator: In, values: [{zone}]}}
"
        )
    };
    let pool = POOL.replace("LIMITS", "");
    let app = deployment("app", 4, "500m", &pref("us-east-1c"));
    let (pl, unplaced) = placements(&[("pool.yaml", &pool), ("app.yaml", &app)], 600);
    assert_eq!(unplaced, 0);
    assert_eq!(
        zones_of(&pl, "shop/app").keys().collect::<Vec<_>>(),
        ["us-east-1c"]
    );
    let app = deployment("app", 4, "500m", &pref("us-west-2a"));
    let (pl, unplaced) = placements(&[("pool.yaml", &pool), ("app.yaml", &app)], 600);
    assert_eq!(unplaced, 0);
    assert_eq!(pl.len(), 4);
}

const MIN_VALUES_POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: diverse}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i, c6i, r6i], minValues: 3}
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a]}
";

#[test]
fn min_values_keeps_three_families_and_refuses_a_pod_that_narrows_to_one() {
    let free = deployment("free", 4, "500m", "");
    let pinned = deployment(
        "pinned",
        1,
        "500m",
        "      nodeSelector: {karpenter.k8s.aws/instance-family: m6i}
",
    );
    let p = platform(&[
        ("pool.yaml", MIN_VALUES_POOL),
        ("free.yaml", &free),
        ("pinned.yaml", &pinned),
    ]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs.pools[0].min_values.len(), 1);
    let r = simulate(&inputs, &opts(600));
    let u: Vec<(&str, &str)> = r
        .summary
        .unschedulable
        .iter()
        .map(|u| (u.workload.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(u.len(), 1, "{u:?}");
    assert_eq!(u[0].0, "shop/pinned");
    assert!(u[0].1.contains("minValues"), "{}", u[0].1);
    assert_eq!(r.series.last().map(|s| s.running_pods), Some(4));
    // Without minValues the pinned pod runs.
    let plain = MIN_VALUES_POOL.replace(", minValues: 3", "");
    let p = platform(&[
        ("pool.yaml", &plain),
        ("free.yaml", &free),
        ("pinned.yaml", &pinned),
    ]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(600));
    assert!(
        r.summary.unschedulable.is_empty(),
        "{:?}",
        r.summary.unschedulable
    );
    assert_eq!(r.series.last().map(|s| s.running_pods), Some(5));
}

#[test]
fn unmodelled_constraints_are_said_per_workload() {
    let pool = POOL.replace("LIMITS", "");
    let odd = deployment(
        "odd",
        2,
        "250m",
        "      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: example.com/rack
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: odd}}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 10
              podAffinityTerm:
                labelSelector: {matchLabels: {app: odd}}
                topologyKey: kubernetes.io/hostname
",
    );
    let plain = deployment("plain", 1, "250m", "");
    let p = platform(&[
        ("pool.yaml", &pool),
        ("odd.yaml", &odd),
        ("plain.yaml", &plain),
    ]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(60));
    let un = &r.summary.unmodelled;
    assert!(un.iter().all(|u| u.workload == "shop/odd"), "{un:?}");
    assert!(
        un.iter()
            .any(|u| u.constraint.contains("example.com/rack") && u.treatment.contains("ignored")),
        "{un:?}"
    );
    assert!(
        un.iter().any(|u| u.constraint.contains("preferred")
            && u.treatment.contains("kube-scheduler's scoring")),
        "{un:?}"
    );
}
