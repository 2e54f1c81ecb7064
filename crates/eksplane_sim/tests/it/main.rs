//! Scenario tests: platforms loaded from inline YAML or the bundled examples,
//! simulated, and judged by their summary.

use eksplane_aws_data::Catalog;
use eksplane_model::Platform;
use eksplane_sim::{
    EventKind, ReplicaCurve, SimInputs, SimOptions, WorkloadCurve, WorkloadSpec, simulate,
};
use std::path::Path;

mod bound;
mod constraints;
mod costs;
mod disruption;

fn platform(texts: &[(&str, &str)]) -> Platform {
    let l = eksplane_load::load_texts(texts.iter().copied());
    l.platform
}

fn example(name: &str) -> Platform {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let mut files: Vec<(String, String)> = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "json")
            ) {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                files.push((p.display().to_string(), text));
            }
        }
    }
    files.sort();
    let l = eksplane_load::load_texts(files.iter().map(|(a, b)| (a.as_str(), b.as_str())));
    l.platform
}

fn opts(duration: u64) -> SimOptions {
    SimOptions {
        duration_seconds: duration,
        ..SimOptions::default()
    }
}

const POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: general}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i]}
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b, us-east-1c]}
LIMITS
";

fn deployment(name: &str, replicas: u32, cpu: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{extra}      containers:
        - name: c
          image: x
          resources: {{requests: {{cpu: {cpu}, memory: 256Mi}}}}
"
    )
}

#[test]
fn guide_failure_story_pods_stuck_without_ip_then_fixed() {
    let spec = WorkloadSpec {
        curves: vec![WorkloadCurve {
            workload: "events/event-processor".into(),
            replicas: ReplicaCurve::Steps(vec![(0, 180), (600, 600)]),
        }],
        ..WorkloadSpec::default()
    };
    let broken = example("ip-exhaustion");
    let inputs = SimInputs::new(&broken, Catalog::embedded(), spec.clone());
    let inputs = inputs.unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(1800));
    assert!(
        r.summary.pods_stuck_without_ip > 0,
        "broken: {:#?}",
        r.summary
    );
    assert!(
        r.summary
            .ip_errors
            .keys()
            .any(|k| k.contains("InsufficientCidrBlocks")),
        "{:?}",
        r.summary.ip_errors
    );

    let fixed = example("ip-exhaustion-fixed");
    let inputs =
        SimInputs::new(&fixed, Catalog::embedded(), spec).unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(1800));
    assert_eq!(
        r.summary.pods_stuck_without_ip, 0,
        "fixed: {:#?}",
        r.summary
    );
    assert!(r.summary.peak_nodes > 0);
}

#[test]
fn nodepool_limit_caps_provisioning_and_leaves_pods_pending() {
    let pool = POOL.replace("LIMITS", "  limits: {cpu: '8'}");
    let dep = deployment("web", 40, "1", "");
    let p = platform(&[("pool.yaml", &pool), ("web.yaml", &dep)]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(900));
    let last = r.series.last().unwrap_or_else(|| panic!("no samples"));
    assert!(last.pending_pods > 0, "{:#?}", r.summary);
    assert!(
        r.events.iter().any(|e| e.kind == EventKind::NodePoolLimit),
        "{:#?}",
        r.events
    );
    // Capacity launched stays within 8 vCPUs.
    let vcpus: u32 = last
        .nodes_by_type
        .iter()
        .map(|(t, n)| {
            n * Catalog::embedded()
                .get(t)
                .and_then(|x| x.vcpus)
                .unwrap_or(0)
        })
        .sum();
    assert!(vcpus <= 8, "{vcpus} vCPUs: {:?}", last.nodes_by_type);
    assert!(vcpus > 0);
}

#[test]
fn topology_spread_across_three_zones_is_honoured() {
    let pool = POOL.replace("LIMITS", "");
    let spread = "      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: api}}
";
    let dep = deployment("api", 30, "500m", spread);
    let p = platform(&[("pool.yaml", &pool), ("api.yaml", &dep)]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs.zones.len(), 3);
    let mut sim = eksplane_sim::Simulation::new(&inputs, &opts(600));
    while sim.now() < 600 {
        sim.tick();
    }
    let by_zone = sim.pods_by_zone();
    assert_eq!(by_zone.values().sum::<u32>(), 30, "{by_zone:?}");
    assert_eq!(by_zone.len(), 3, "{by_zone:?}");
    let max = by_zone.values().max().copied().unwrap_or(0);
    let min = by_zone.values().min().copied().unwrap_or(0);
    assert!(max - min <= 1, "{by_zone:?}");
}

#[test]
fn workload_too_big_for_any_allowed_type_is_reported() {
    let pool = POOL.replace("LIMITS", "");
    let dep = deployment("huge", 1, "500", "");
    let ok = deployment("small", 2, "250m", "");
    let p = platform(&[
        ("pool.yaml", &pool),
        ("huge.yaml", &dep),
        ("small.yaml", &ok),
    ]);
    let inputs = SimInputs::new(&p, Catalog::embedded(), WorkloadSpec::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&inputs, &opts(300));
    assert_eq!(
        r.summary.unschedulable.len(),
        1,
        "{:?}",
        r.summary.unschedulable
    );
    let u = &r.summary.unschedulable[0];
    assert_eq!(u.workload, "shop/huge");
    assert!(
        u.reason
            .contains("general: no instance type has enough resources"),
        "{}",
        u.reason
    );
    // The small one runs.
    assert_eq!(r.series.last().map(|s| s.running_pods), Some(2));
}

#[test]
fn same_inputs_and_seed_give_identical_results() {
    let spec = WorkloadSpec {
        curves: vec![WorkloadCurve {
            workload: "events/event-processor".into(),
            replicas: ReplicaCurve::Steps(vec![(0, 180), (600, 600)]),
        }],
        ..WorkloadSpec::default()
    };
    let p = example("ip-exhaustion");
    let inputs = SimInputs::new(&p, Catalog::embedded(), spec).unwrap_or_else(|e| panic!("{e}"));
    let a = serde_json::to_string(&simulate(&inputs, &opts(1200))).unwrap_or_default();
    let b = serde_json::to_string(&simulate(&inputs, &opts(1200))).unwrap_or_default();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn job_arrivals_start_late_and_chargeback_splits_by_label() {
    let pool = POOL.replace("LIMITS", "");
    let job = "apiVersion: batch/v1
kind: Job
metadata: {name: report, namespace: batch}
spec:
  parallelism: 2
  template:
    metadata: {labels: {team: data}}
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: x
          resources: {requests: {cpu: '1', memory: 1Gi}}
";
    let dep = deployment("api", 2, "500m", "");
    let p = platform(&[("pool.yaml", &pool), ("job.yaml", job), ("api.yaml", &dep)]);
    let spec = WorkloadSpec {
        jobs: vec![eksplane_sim::JobArrivals {
            workload: "batch/report".into(),
            every_seconds: 3600,
            duration_seconds: 600,
            parallelism: 2,
            start_seconds: 1800,
        }],
        ..WorkloadSpec::default()
    };
    let mut inputs =
        SimInputs::new(&p, Catalog::embedded(), spec).unwrap_or_else(|e| panic!("{e}"));
    inputs.chargeback_label = Some("team".into());
    let r = eksplane_sim::simulate(&inputs, &opts(3600));
    // No job pod before 30 min: the only running pods until then are api's.
    let before: u32 = r
        .series
        .iter()
        .filter(|s| s.t_seconds < 1800)
        .map(|s| s.running_pods + s.pending_pods + s.stuck_pods)
        .max()
        .unwrap_or(0);
    assert_eq!(before, 2, "{:?}", &r.series[..3]);
    let after: u32 = r
        .series
        .iter()
        .filter(|s| s.t_seconds >= 1800 && s.t_seconds < 2400)
        .map(|s| s.running_pods + s.pending_pods + s.stuck_pods)
        .max()
        .unwrap_or(0);
    assert_eq!(after, 4);
    assert_eq!(r.summary.chargeback_label.as_deref(), Some("team"));
    assert!(
        r.summary
            .cost_by_label
            .get("team=data")
            .is_some_and(|c| *c > 0.0),
        "{:?}",
        r.summary.cost_by_label
    );
    assert!(
        r.summary.cost_by_label.contains_key("(team unset)"),
        "{:?}",
        r.summary.cost_by_label
    );
    let by_label: f64 = r.summary.cost_by_label.values().sum();
    assert!(
        (by_label - r.summary.total_cost_usd).abs() < 1e-6,
        "{by_label} vs {}",
        r.summary.total_cost_usd
    );
}
