//! Prints the simulation HTML report for a made-up day, to look at the
//! charts without the simulator:
//! `cargo run -p eksplane_report --example sim_html_demo > /tmp/demo.html`,
//! then `scripts/screenshot-report.sh /tmp/demo.html`.
//! The numbers are shaped by hand (a diurnal peak, a pending storm when one
//! subnet runs out of /28 prefixes); they are not a simulation.

use eksplane_report::simulate::{SampleView, SimSummaryView, SimView, render_html};
use std::collections::BTreeMap;

/// Demand in pods at `t` seconds: a trough of 60, a peak of 300 at 14h.
fn demand(t: u64) -> f64 {
    let h = t as f64 / 3600.0;
    let d = (h - 14.0).abs();
    if d >= 5.0 {
        60.0
    } else {
        60.0 + 240.0 * (1.0 + (std::f64::consts::PI * d / 5.0).cos()) / 2.0
    }
}

fn main() -> std::io::Result<()> {
    let day = 24 * 3600;
    let step = 300;
    let prices: [(&str, f64, f64); 4] = [
        // (type, $/hour, pods per node)
        ("m6i.xlarge", 0.192, 20.0),
        ("c6i.2xlarge", 0.136, 32.0),
        ("m6i.large", 0.096, 10.0),
        ("r6i.large", 0.126, 10.0),
    ];
    let caps = [
        ("subnet-a (us-east-1a)", 160u32),
        ("subnet-b (us-east-1b)", 496),
        ("subnet-c (us-east-1c)", 496),
    ];
    let mut series = Vec::new();
    let mut cost = 0.0;
    let mut hours: BTreeMap<String, f64> = BTreeMap::new();
    let mut events = Vec::new();
    let mut pending_seconds = 0u64;
    let (mut peak_nodes, mut max_pending, mut max_stuck) = (0u32, 0u32, 0u32);
    let mut last_total = 0u32;
    for t in (0..=day).step_by(step as usize) {
        let pods = demand(t);
        // Capacity lags demand by ten minutes (node start-up).
        let served = demand(t.saturating_sub(600)).min(pods);
        let pending = (pods - served).round() as u32;
        let mut nodes = BTreeMap::new();
        let base = (served * 0.45 / 20.0).ceil() as u32;
        let spot = (served * 0.35 / 32.0).ceil() as u32;
        let small = (served * 0.15 / 10.0).ceil() as u32;
        let mem = if (9..20).contains(&(t / 3600)) { 2 } else { 1 };
        for (ty, n) in [
            ("m6i.xlarge", base),
            ("c6i.2xlarge", spot),
            ("m6i.large", small),
            ("r6i.large", mem),
        ] {
            nodes.insert(ty.to_string(), n);
        }
        let total: u32 = nodes.values().sum();
        if total != last_total {
            let (kind, what) = if total > last_total {
                (
                    "NodeLaunched",
                    format!("{} nodes launched for pending pods", total - last_total),
                )
            } else {
                (
                    "NodeConsolidated",
                    format!("{} empty nodes removed", last_total - total),
                )
            };
            events.push((t, kind.to_string(), what));
            last_total = total;
        }
        let mut ips = BTreeMap::new();
        // subnet-a takes 40% of the pods and caps out at its /28 blocks.
        let want_a = (served * 0.55 + f64::from(total) * 1.5) as u32;
        let used_a = want_a.min(caps[0].1);
        let stuck = want_a - used_a;
        ips.insert(caps[0].0.to_string(), used_a);
        ips.insert(
            caps[1].0.to_string(),
            (served * 0.3 + f64::from(total) * 0.3) as u32 + 16,
        );
        ips.insert(
            caps[2].0.to_string(),
            (served * 0.3 + f64::from(total) * 0.3) as u32 + 16,
        );
        if stuck > 0 && max_stuck == 0 {
            events.push((
                t,
                "IpExhausted".to_string(),
                "subnet-a (us-east-1a): no free /28 for a prefix; pods stay ContainerCreating"
                    .to_string(),
            ));
        }
        for (ty, price, _) in prices {
            let n = f64::from(nodes.get(ty).copied().unwrap_or(0));
            let h = n * step as f64 / 3600.0;
            *hours.entry(ty.to_string()).or_default() += h;
            cost += h * price;
        }
        pending_seconds += u64::from(pending) * step;
        peak_nodes = peak_nodes.max(total);
        max_pending = max_pending.max(pending);
        max_stuck = max_stuck.max(stuck);
        series.push(SampleView {
            t_seconds: t,
            nodes_by_type: nodes,
            pending_pods: pending,
            stuck_pods: stuck,
            running_pods: served as u32 - stuck.min(served as u32),
            subnet_ips_used: ips,
            cost_usd: cost,
            ..SampleView::default()
        });
    }
    let mut ns = BTreeMap::new();
    for (n, share) in [
        ("shop", 0.46),
        ("search", 0.21),
        ("batch", 0.14),
        ("payments", 0.12),
        ("kube-system", 0.07),
    ] {
        ns.insert(n.to_string(), cost * share);
    }
    let view = SimView {
        summary: SimSummaryView {
            total_cost_usd: cost,
            peak_nodes,
            pending_pod_seconds: pending_seconds,
            max_pending_pods: max_pending,
            pods_stuck_without_ip: max_stuck,
            node_hours_by_type: hours,
            cost_by_namespace: ns,
            chargeback_label: None,
            cost_by_label: BTreeMap::new(),
            unschedulable: vec![(
                "batch/genome-align".to_string(),
                "requests 96 CPU and 700Gi memory; no instance type the NodePools allow fits"
                    .to_string(),
            )],
            duration_seconds: day,
            seed: 42,
            subnet_capacity: caps.iter().map(|(s, c)| (s.to_string(), *c)).collect(),
            ..SimSummaryView::default()
        },
        series,
        events,
    };
    // An example, not the binary: it writes its page to stdout directly.
    std::io::Write::write_all(&mut std::io::stdout(), render_html(&view).as_bytes())
}
