//! Benchmarks, timed with `std::time::Instant` (a `harness = false` binary:
//! one 24 h run is too long for criterion's sampling).
//! (a) 10,000 pending pods of 50 shapes against the full catalog in one
//!     provisioning pass: pods placed per second.
//! (b) 24 h of a diurnal workload peaking at ~50,000 pods on ~2,000 nodes:
//!     wall time.
//! Run: `cargo bench -p eksplane_sim --bench sim`.
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

fn main() {
    bench_a();
    bench_b();
}
