//! Benchmarks, timed with `std::time::Instant` (a `harness = false` binary:
//! one 24 h run is too long for criterion's sampling).
//! (a) 10,000 pending pods of 50 shapes against the full catalog in one
//!     provisioning pass: pods placed per second.
//! (b) 24 h of a diurnal workload peaking at ~50,000 pods on ~2,000 nodes:
//!     wall time.
//! (c) Karpenter's own scheduling benchmark shape (kubernetes-sigs/karpenter
//!     pkg/controllers/provisioning/scheduling/scheduling_benchmark_test.go,
//!     `makeDiversePods`): 1k to 20k pods, a fifth each generic, zone spread,
//!     hostname spread, zone pod affinity (self-affinity) and hostname
//!     anti-affinity (all against each other), the remainder generic; CPU
//!     from {100, 250, 500, 1000, 1500}m, memory from {100, 256, 512, 1024,
//!     2048, 4096}Mi, labels `my-label` from a..g, drawn by a seeded PRNG;
//!     one NodePool over about 400 instance types. Timed: `SimInputs::new`
//!     and the first tick (one provisioning pass), as Karpenter times `Solve`.
//! (d) A consolidation sweep over 2,000 Ready nodes (one tick once
//!     consolidateAfter has passed): 2,000 pods of 1.5 CPU with required
//!     hostname anti-affinity, one per m6i.large, in a WhenEmptyOrUnderutilized
//!     pool. No candidate can move, so multi-node consolidation's binary
//!     search and single-node consolidation simulate every candidate: the
//!     worst case. And the same with 4,000 pods of 900m without anti-affinity
//!     on m6i.large/xlarge, where candidates do consolidate.
//! (e) The LP lower bound on the cost of the peak (`eksplane_sim::bound`)
//!     after the first tick of (c): one class of pods over ~1,100 instance
//!     types at 1k to 20k pods; and the same pods split into 8 classes by a
//!     nodeSelector on the instance category.
//! Run: `cargo bench -p eksplane_sim --bench sim` (`-- c` for (c) alone).
#![allow(clippy::print_stdout)] // a bench binary reports its figures

use eksplane_aws_data::Catalog;
use eksplane_sim::{ReplicaCurve, SimInputs, SimOptions, Simulation, WorkloadCurve, WorkloadSpec};
use std::time::Instant;

fn deployment(i: usize, replicas: u32, cpu_m: u32, mem_mi: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}, namespace: ns{}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}}}}}
    spec:
      containers:
        - name: c
          image: x
          resources: {{requests: {{cpu: {cpu_m}m, memory: {mem_mi}Mi}}}}
---
",
        i % 5
    )
}

fn bench_a() {
    let pool = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: all}
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
";
    let mut deps = String::new();
    for i in 0..50 {
        let cpu = 100 + (i as u32 * 37) % 1900;
        let mem = 128 + (i as u32 * 211) % 4000;
        deps.push_str(&deployment(i, 200, cpu, mem));
    }
    let l = eksplane_load::load_texts([("pool.yaml", pool), ("deps.yaml", deps.as_str())]);
    let inputs = match SimInputs::new(&l.platform, Catalog::embedded(), WorkloadSpec::default()) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    let types = inputs.pools.first().map_or(0, |p| p.types.len());
    let opts = SimOptions::default();
    let runs = 5;
    let mut best = f64::MAX;
    let mut placed = 0;
    let mut nodes = 0;
    for _ in 0..runs {
        let mut sim = Simulation::new(&inputs, &opts);
        let t0 = Instant::now();
        sim.tick();
        let dt = t0.elapsed().as_secs_f64();
        best = best.min(dt);
        placed = 10_000 - sim.unplaced_pods();
        nodes = sim.node_count();
    }
    println!(
        "(a) one provisioning pass: {placed} of 10000 pods (50 shapes) placed on {nodes} NodeClaims, {types} instance types; best of {runs}: {:.1} ms = {:.0} pods/s",
        best * 1e3,
        f64::from(placed) / best
    );
}

fn bench_b() {
    let pool = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: general}
spec:
  disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: 60s}
  template:
    spec:
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [m6i.2xlarge]}
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b, us-east-1c]}
";
    let mut deps = String::new();
    let mut curves = Vec::new();
    for i in 0..20 {
        deps.push_str(&deployment(i, 250, 300, 1024));
        curves.push(WorkloadCurve {
            workload: format!("ns{}/app{i}", i % 5),
            replicas: ReplicaCurve::Diurnal {
                trough: 250,
                peak: 2_500,
                peak_at_seconds: 14 * 3600,
                ramp_seconds: 6 * 3600,
            },
        });
    }
    let l = eksplane_load::load_texts([("pool.yaml", pool), ("deps.yaml", deps.as_str())]);
    let spec = WorkloadSpec {
        curves,
        ..WorkloadSpec::default()
    };
    let inputs = match SimInputs::new(&l.platform, Catalog::embedded(), spec) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    let opts = SimOptions {
        duration_seconds: 86_400,
        ..SimOptions::default()
    };
    let t0 = Instant::now();
    let r = eksplane_sim::simulate(&inputs, &opts);
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "(b) 24 h diurnal, 10 s ticks: {:.1} s wall; peak {} nodes, max pending {}, cost ${:.0}, {} events",
        dt,
        r.summary.peak_nodes,
        r.summary.max_pending_pods,
        r.summary.total_cost_usd,
        r.summary.events_count
    );
}

/// SplitMix64, for the benchmark's draws.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// The pod kinds of `makeDiversePods`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Generic,
    ZoneSpread,
    HostSpread,
    ZoneAffinity,
    HostAntiAffinity,
}

/// Karpenter's diverse pods as Deployments: pods alike in kind, requests and
/// labels are one Deployment's replicas.
fn karpenter_shape(count: usize) -> String {
    const CPU: [u32; 5] = [100, 250, 500, 1000, 1500];
    const MEM: [u32; 6] = [100, 256, 512, 1024, 2048, 4096];
    const LABELS: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];
    let mut rng = Rng(20_000);
    let mut groups: std::collections::BTreeMap<(Kind, u32, u32, &str, &str), u32> =
        std::collections::BTreeMap::new();
    let per = count / 5;
    let kinds = [
        Kind::Generic,
        Kind::ZoneSpread,
        Kind::HostSpread,
        Kind::ZoneAffinity,
        Kind::HostAntiAffinity,
    ];
    for (k, kind) in kinds.iter().enumerate() {
        let n = if k == 0 { per + (count - per * 5) } else { per };
        for _ in 0..n {
            let (label, selector) = match kind {
                Kind::ZoneSpread | Kind::HostSpread => (rng.pick(&LABELS), rng.pick(&LABELS)),
                Kind::HostAntiAffinity => ("nginx", "nginx"),
                _ => {
                    let l = rng.pick(&LABELS);
                    (l, l)
                }
            };
            let key = (*kind, rng.pick(&CPU), rng.pick(&MEM), label, selector);
            *groups.entry(key).or_insert(0) += 1;
        }
    }
    let mut out = String::from(
        "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
        - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r, t, i, x, z]}
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b, us-east-1c]}
---
",
    );
    for (i, ((kind, cpu, mem, label, selector), n)) in groups.into_iter().enumerate() {
        let (labels, extra) = match kind {
            Kind::Generic => (format!("{{wl: w{i}, my-label: {label}}}"), String::new()),
            Kind::ZoneSpread | Kind::HostSpread => (
                format!("{{wl: w{i}, my-label: {label}}}"),
                format!(
                    "      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: {}
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {{matchLabels: {{my-label: {selector}}}}}
",
                    if kind == Kind::ZoneSpread {
                        "topology.kubernetes.io/zone"
                    } else {
                        "kubernetes.io/hostname"
                    }
                ),
            ),
            Kind::ZoneAffinity => (
                format!("{{wl: w{i}, my-affininity: {label}}}"),
                format!(
                    "      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {{matchLabels: {{my-affininity: {label}}}}}
              topologyKey: topology.kubernetes.io/zone
"
                ),
            ),
            Kind::HostAntiAffinity => (
                format!("{{wl: w{i}, app: nginx}}"),
                "      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: nginx}}
              topologyKey: kubernetes.io/hostname
"
                .to_string(),
            ),
        };
        out.push_str(&format!(
            "apiVersion: apps/v1
kind: Deployment
metadata: {{name: w{i}, namespace: bench}}
spec:
  replicas: {n}
  selector: {{matchLabels: {{wl: w{i}}}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
{extra}      containers:
        - name: c
          image: x
          resources: {{requests: {{cpu: {cpu}m, memory: {mem}Mi}}}}
---
"
        ));
    }
    out
}

fn bench_c() {
    for count in [1_000usize, 5_000, 10_000, 20_000] {
        let text = karpenter_shape(count);
        let l = eksplane_load::load_texts([("bench.yaml", text.as_str())]);
        let t0 = Instant::now();
        let inputs = match SimInputs::new(&l.platform, Catalog::embedded(), WorkloadSpec::default())
        {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        let t_inputs = t0.elapsed().as_secs_f64();
        let types = inputs.pools.first().map_or(0, |p| p.types.len());
        let opts = SimOptions::default();
        let runs = if count >= 10_000 { 3 } else { 5 };
        let mut best = f64::MAX;
        let (mut placed, mut nodes) = (0, 0);
        for _ in 0..runs {
            let mut sim = Simulation::new(&inputs, &opts);
            let t0 = Instant::now();
            sim.tick();
            best = best.min(t0.elapsed().as_secs_f64());
            placed = count as u32 - sim.unplaced_pods();
            nodes = sim.node_count();
        }
        println!(
            "(c) karpenter shape {count} pods ({} workloads), {types} types: inputs {:.0} ms, first pass best of {runs} {:.0} ms ({:.0} pods/s); {placed} placed on {nodes} NodeClaims",
            inputs.shapes.len(),
            t_inputs * 1e3,
            best * 1e3,
            count as f64 / best
        );
    }
}

fn bench_d() {
    for (label, anti, replicas, cpu, types) in [
        (
            "2,000 nodes, no candidate movable",
            true,
            2_000u32,
            "1500m",
            "m6i.large",
        ),
        (
            "mixed, candidates consolidate",
            false,
            4_000u32,
            "900m",
            "m6i.large, m6i.xlarge",
        ),
    ] {
        let pool = format!(
            "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: general}}
spec:
  disruption: {{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 5m, budgets: [{{nodes: \"100%\"}}]}}
  template:
    spec:
      requirements:
        - {{key: node.kubernetes.io/instance-type, operator: In, values: [{types}]}}
        - {{key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b, us-east-1c]}}
"
        );
        let affinity = if anti {
            "      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
"
        } else {
            ""
        };
        let dep = format!(
            "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{affinity}      containers:
        - name: c
          image: x
          resources: {{requests: {{cpu: {cpu}, memory: 256Mi}}}}
"
        );
        // The mixed case scales down by a third at 4 min so that nodes are
        // underutilized; the anti-affinity case keeps every node full.
        let after = if anti { replicas } else { replicas * 2 / 3 };
        let spec = WorkloadSpec {
            curves: vec![WorkloadCurve {
                workload: "shop/web".into(),
                replicas: ReplicaCurve::Steps(vec![(0, replicas), (240, after)]),
            }],
            ..WorkloadSpec::default()
        };
        let l =
            eksplane_load::load_texts([("pool.yaml", pool.as_str()), ("web.yaml", dep.as_str())]);
        let inputs = match SimInputs::new(&l.platform, Catalog::embedded(), spec) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        let opts = SimOptions {
            duration_seconds: 3600,
            ..SimOptions::default()
        };
        let mut sim = Simulation::new(&inputs, &opts);
        // Every tick once consolidateAfter has passed (t >= 370 s) runs a
        // sweep; the worst tick is the figure.
        let (mut worst, mut worst_at, mut nodes_then) = (0.0f64, 0, 0);
        let mut total = 0.0;
        let mut ticks = 0u32;
        while sim.now() < 1800 {
            let t = sim.now();
            let nodes = sim.node_count();
            let t0 = Instant::now();
            sim.tick();
            let dt = t0.elapsed().as_secs_f64();
            if t >= 370 {
                total += dt;
                ticks += 1;
                if dt > worst {
                    (worst, worst_at, nodes_then) = (dt, t, nodes);
                }
            }
        }
        println!(
            "(d) consolidation, {label}: worst tick {:.0} ms at t={worst_at}s ({nodes_then} nodes); mean tick {:.1} ms over {ticks} ticks from t=370s; {} nodes at the end",
            worst * 1e3,
            total / f64::from(ticks.max(1)) * 1e3,
            sim.node_count()
        );
        let r = sim.finish();
        println!(
            "    disrupted {:?}, launched {}, deleted {}",
            r.summary.nodes_disrupted, r.summary.nodes_launched, r.summary.nodes_deleted
        );
    }
}

fn bench_e() {
    const CATEGORIES: [&str; 7] = ["c", "m", "r", "t", "i", "x", "z"];
    for count in [1_000usize, 5_000, 20_000] {
        for split in [false, true] {
            let mut text = karpenter_shape(count);
            if split {
                // Every Deployment gets a category: classes by where they may run.
                let mut k = 0usize;
                text = text
                    .split("    spec:\n")
                    .enumerate()
                    .map(|(i, part)| {
                        if i == 0 {
                            part.to_string()
                        } else if i == 1 {
                            // The NodePool's template.
                            format!("    spec:\n{part}")
                        } else {
                            k += 1;
                            format!(
                                "    spec:\n      nodeSelector: {{karpenter.k8s.aws/instance-category: {}}}\n{part}",
                                CATEGORIES[k % CATEGORIES.len()]
                            )
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("");
            }
            let l = eksplane_load::load_texts([("bench.yaml", text.as_str())]);
            let inputs =
                match SimInputs::new(&l.platform, Catalog::embedded(), WorkloadSpec::default()) {
                    Ok(i) => i,
                    Err(e) => panic!("{e}"),
                };
            let mut sim = Simulation::new(&inputs, &SimOptions::default());
            sim.tick();
            let mut best = f64::MAX;
            let mut last = None;
            for _ in 0..3 {
                let t0 = Instant::now();
                let b = sim.packing_bound();
                best = best.min(t0.elapsed().as_secs_f64());
                last = Some(b);
            }
            match last {
                Some(Ok(Some(b))) => println!(
                    "(e) LP bound, {count} pods, {} classes: best of 3 {:.1} ms; {} of {} offerings after dominance; provisioned ${:.2}/h, bound ${:.2}/h, within {:.1}%",
                    b.classes,
                    best * 1e3,
                    b.offerings_used,
                    b.offerings_given,
                    b.provisioned_usd_per_hour,
                    b.bound_usd_per_hour,
                    b.within_percent
                ),
                other => println!("(e) LP bound, {count} pods: {other:?}"),
            }
        }
    }
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // `-- dump N`: the Karpenter-shape inputs for N pods as YAML, for
    // `eksplane simulate` end to end.
    if let [cmd, n] = only.as_slice()
        && cmd == "dump"
    {
        print!("{}", karpenter_shape(n.parse().unwrap_or(1_000)));
        return;
    }
    let run = |name: &str| only.is_empty() || only.iter().any(|a| a == name);
    if run("a") {
        bench_a();
    }
    if run("b") {
        bench_b();
    }
    if run("c") {
        bench_c();
    }
    if run("d") {
        bench_d();
    }
    if run("e") {
        bench_e();
    }
}
