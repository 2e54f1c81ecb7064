//! The simulation outputs over a small hand-built run: snapshots of what
//! people read, the JSON document's keys, the HTML page's structure.

use eksplane_report::simulate::{
    SampleView, SimSummaryView, SimView, render_html, render_human, render_json, render_series_csv,
};
use std::collections::BTreeMap;

fn map<V: Copy>(pairs: &[(&str, V)]) -> BTreeMap<String, V> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn sample(
    t: u64,
    large: u32,
    xlarge: u32,
    pending: u32,
    stuck: u32,
    ips: (u32, u32),
    cost: f64,
) -> SampleView {
    SampleView {
        t_seconds: t,
        nodes_by_type: map(&[("m6i.large", large), ("m6i.xlarge", xlarge)]),
        pending_pods: pending,
        stuck_pods: stuck,
        running_pods: 10 * (large + 2 * xlarge),
        subnet_ips_used: map(&[("subnet-a", ips.0), ("subnet-b", ips.1)]),
        // Other ENIs hold 30 and 100 addresses; subnet-a's /28s run out.
        subnet_ips_in_use: map(&[("subnet-a", ips.0 + 30), ("subnet-b", ips.1 + 100)]),
        subnet_free_prefixes: map(&[
            ("subnet-a", 3u32.saturating_sub(ips.0 / 20)),
            ("subnet-b", 6),
        ]),
        cost_usd: cost,
    }
}

/// Two hours: a scale-up at 30m that leaves pods Pending, then pods stuck
/// without an IP when subnet-a fills.
fn small_run() -> SimView {
    SimView {
        summary: SimSummaryView {
            total_cost_usd: 1.2345,
            peak_nodes: 5,
            pending_pod_seconds: 5400,
            max_pending_pods: 12,
            pods_stuck_without_ip: 4,
            // Keyed as the simulator keys them (`type/capacity-type`): the
            // old plain keys hid that the tables looked rows up by type.
            node_hours_by_type: map(&[
                ("m6i.large/on-demand", 4.5),
                ("m6i.large/spot", 1.0),
                ("m6i.xlarge/on-demand", 3.25),
            ]),
            cost_by_namespace: map(&[("shop", 0.8), ("batch", 0.3345), ("kube-system", 0.1)]),
            chargeback_label: Some("team".into()),
            cost_by_label: map(&[
                ("team=payments", 0.7),
                ("team=search", 0.4345),
                ("(idle)", 0.1),
            ]),
            unschedulable: vec![(
                "batch/huge".to_string(),
                "requests 200 CPU; no instance type the NodePools allow has that many".to_string(),
            )],
            duration_seconds: 7200,
            seed: 7,
            subnet_capacity: map(&[("subnet-a", 59), ("subnet-b", 251)]),
            nodes_launched: 4,
            nodes_deleted: 2,
            nodes_disrupted: map(&[("Empty", 1), ("Underutilized", 1)]),
            evictions: vec![eksplane_sim::WorkloadEvictions {
                workload: "shop/web".into(),
                evicted: 3,
                max_evicted_at_once: 3,
                without_pdb: 3,
                beyond_pdb: 0,
                pdbs: Vec::new(),
            }],
            notes: vec!["no node subnets in the inputs: IP addresses are not simulated".into()],
            unmodelled: vec![eksplane_sim::Unmodelled {
                workload: "shop/web".into(),
                constraint: "topology spread on example.com/rack (DoNotSchedule)".into(),
                treatment: "ignored: only zone and hostname domains are simulated".into(),
            }],
            packing: Some(eksplane_sim::bound::PackingBound {
                t_seconds: 3600,
                pods: 50,
                pods_left_out: 0,
                provisioned_usd_per_hour: 0.576,
                bound_usd_per_hour: 0.48,
                within_percent: 20.0,
                classes: 2,
                offerings_used: 7,
                offerings_given: 1236,
            }),
            beyond_ec2: vec![eksplane_sim::CostBeyondEc2 {
                item: "EKS control plane (1.33, standard support)".into(),
                quantity: 1,
                usd_per_hour_each: 0.1,
                usd: 0.2,
                source: "1.33 is in standard support on 2026-12-08; $0.10/h (https://aws.amazon.com/eks/pricing/)".into(),
            }],
            idle_shared: false,
            spot_interruptions: 1,
            price_model:
                "on-demand: the embedded catalog's Linux prices; Spot prices: on-demand x 0.35"
                    .into(),
        },
        series: vec![
            sample(0, 2, 0, 0, 0, (20, 20), 0.0),
            sample(1800, 2, 0, 12, 0, (22, 20), 0.096),
            sample(3600, 3, 2, 3, 4, (59, 40), 0.5),
            sample(5400, 2, 2, 0, 0, (50, 40), 0.9),
            sample(7200, 2, 1, 0, 0, (40, 30), 1.2345),
        ],
        events: vec![
            (0, "Start".to_string(), "2 nodes, 20 pods".to_string()),
            (
                1800,
                "ScaleUp".to_string(),
                "shop/web 20 -> 50 replicas".to_string(),
            ),
            (
                2400,
                "NodeLaunched".to_string(),
                "m6i.xlarge in us-east-1a for 6 pods".to_string(),
            ),
            (
                3300,
                "IpExhausted".to_string(),
                "subnet-a: no free /28 for a prefix".to_string(),
            ),
        ],
    }
}

#[test]
fn human_summary() {
    let out = render_human(&small_run());
    // Node-hours rows are filled, split by capacity type.
    assert!(out.contains("m6i.large   spot"), "{out}");
    assert!(out.contains("not simulated"), "{out}");
    insta::assert_snapshot!("sim_human", out);
}

#[test]
fn html_tables_are_filled() {
    let out = render_html(&small_run());
    assert!(
        out.contains("<td>m6i.xlarge</td><td>on-demand</td><td class=\"n\">3.2</td>")
            || out.contains("<td>m6i.xlarge</td><td>on-demand</td><td class=\"n\">3.3</td>"),
        "node-hours table empty"
    );
    assert!(out.contains("<h2>Not simulated</h2>"));
    assert!(out.contains("<td>shop/web</td><td class=\"n\">3</td>"));
}

#[test]
fn json_document() {
    let out = render_json(&small_run());
    insta::assert_snapshot!("sim_json", out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-simulation");
    assert_eq!(v["version"], 1);
    for key in [
        "total_cost_usd",
        "peak_nodes",
        "pending_pod_seconds",
        "max_pending_pods",
        "pods_stuck_without_ip",
    ] {
        assert!(v["summary"].get(key).is_some(), "summary.{key}");
    }
    assert_eq!(v["series"].as_array().map(Vec::len), Some(5));
}

#[test]
fn series_csv() {
    insta::assert_snapshot!("sim_series_csv", render_series_csv(&small_run()));
}

#[test]
fn outputs_are_deterministic() {
    let (a, b) = (small_run(), small_run());
    assert_eq!(render_html(&a), render_html(&b));
    assert_eq!(render_json(&a), render_json(&b));
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn html_is_one_self_contained_page_with_its_charts() {
    let html = render_html(&small_run());
    assert!(html.starts_with("<!DOCTYPE html>\n<html"));
    assert!(html.ends_with("</html>\n"));
    assert_eq!(count(&html, "<html"), 1);
    assert_eq!(count(&html, "</html>"), 1);
    assert_eq!(count(&html, "<body>"), 1);
    assert_eq!(
        count(&html, "<svg "),
        5,
        "nodes, pods, subnets (all ENIs), free /28 blocks, cost"
    );
    assert_eq!(count(&html, "</svg>"), 5);
    assert!(html.contains("Free /28 blocks per subnet"));
    // No script, no external stylesheet, font or image: nothing to fetch.
    assert_eq!(count(&html, "<script"), 0);
    assert_eq!(count(&html, "<link"), 0);
    assert_eq!(count(&html, "@import"), 0);
    assert_eq!(count(&html, "url("), 0);
    // Price sources are cited as plain text, never as something to fetch.
    assert_eq!(count(&html, "\"http"), 0);
    assert_eq!(count(&html, "'http"), 0);
    assert!(html.contains("https://aws.amazon.com/eks/pricing/"));
    assert_eq!(count(&html, "src="), 0);
    assert_eq!(count(&html, "href="), 0);
    // Tags balance where it matters for the charts and tables.
    for tag in [
        "svg", "table", "section", "div", "title", "text", "polyline", "polygon",
    ] {
        assert_eq!(
            count(&html, &format!("<{tag}>")) + count(&html, &format!("<{tag} ")),
            count(&html, &format!("</{tag}>")),
            "<{tag}>"
        );
    }
    // A stacked area per instance type, a line per waiting state, a line
    // and a ceiling per subnet, a free-/28 line per subnet, the cost line.
    assert_eq!(count(&html, "<polygon"), 2 + 1);
    assert_eq!(count(&html, "<polyline"), 2 + 2 * 2 + 2 + 1);
    // Axes in hours, legends, the summary.
    for s in [
        ">0h<",
        ">1h<",
        ">2h<",
        ">30m<",
        "time since start (hours)",
        "m6i.large (5.5 node-h)",
        "Pending: no node (max 12)",
        "ContainerCreating: no IP (max 4)",
        "subnet-a",
        "$1.23",
        "batch/huge",
        "IpExhausted",
        "00:55:00",
    ] {
        assert!(html.contains(s), "{s}");
    }
}

#[test]
fn html_escapes_names() {
    let mut v = small_run();
    v.summary.unschedulable = vec![("ns/<script>".to_string(), "a & b \"c\"".to_string())];
    v.events
        .push((7200, "X".to_string(), "<b>bold</b>".to_string()));
    let html = render_html(&v);
    assert!(!html.contains("<script>") && !html.contains("<b>"));
    assert!(html.contains("ns/&lt;script&gt;") && html.contains("a &amp; b &quot;c&quot;"));
}

#[test]
fn an_empty_run_renders_without_panicking() {
    let v = SimView::default();
    let html = render_html(&v);
    assert_eq!(count(&html, "<svg "), 4);
    assert_eq!(count(&html, "no samples"), 4);
    assert!(render_human(&v).contains("total cost"));
    assert_eq!(render_series_csv(&v).lines().count(), 1);
}

#[test]
fn long_event_lists_show_both_ends() {
    let mut v = small_run();
    v.events = (0..50)
        .map(|i| (i * 60, "E".to_string(), format!("event {i}")))
        .collect();
    let h = render_human(&v);
    assert!(h.contains("event 0\n") && h.contains("event 9\n") && h.contains("event 49\n"));
    assert!(!h.contains("event 10\n") && h.contains("... 30 more ..."));
}
