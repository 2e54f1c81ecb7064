//! `eksplane simulate`: the summary for a person, the versioned JSON
//! document, the time series as CSV, and one self-contained HTML page with
//! SVG charts drawn here (no script, no external style or font).
//!
//! The renderers take a [`SimView`]: plain numbers the simulator computed.
//! They format and draw; they compute nothing but display arithmetic (sums
//! for stacking, scales, ticks). Output is deterministic: no generation
//! time, fixed float formatting, maps in key order.

use crate::table::{Align, Table, csv_line};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub const FORMAT: &str = "eksplane-simulation";
pub const VERSION: u32 = 1;

/// What a simulation run produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimView {
    pub summary: SimSummaryView,
    /// Samples in time order.
    pub series: Vec<SampleView>,
    /// `(seconds since start, kind, message)` in time order, e.g.
    /// `(3600, "NodeLaunched", "m6i.large in us-east-1a for 4 pods")`.
    pub events: Vec<(u64, String, String)>,
}

/// The run's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimSummaryView {
    pub total_cost_usd: f64,
    pub peak_nodes: u32,
    /// Sum over pods of the seconds each spent Pending (no node).
    pub pending_pod_seconds: u64,
    pub max_pending_pods: u32,
    /// Pods that had a node but no IP address (ContainerCreating), at most at once.
    pub pods_stuck_without_ip: u32,
    pub node_hours_by_type: BTreeMap<String, f64>,
    /// Chargeback: each node's cost split by requested share.
    pub cost_by_namespace: BTreeMap<String, f64>,
    /// The pod label chargeback is also split by, and the split
    /// (`key=value` -> cost); empty when no label was asked for.
    pub chargeback_label: Option<String>,
    pub cost_by_label: BTreeMap<String, f64>,
    /// `(namespace/name, why it could not be scheduled)`.
    pub unschedulable: Vec<(String, String)>,
    pub duration_seconds: u64,
    pub seed: u64,
    /// Usable addresses per subnet (drawn as a dashed ceiling on the subnet
    /// chart); empty when unknown.
    pub subnet_capacity: BTreeMap<String, u32>,
    /// Node churn.
    pub nodes_launched: u32,
    pub nodes_deleted: u32,
    /// Nodes Karpenter disrupted, by reason.
    pub nodes_disrupted: BTreeMap<String, u32>,
    /// Evictions per workload.
    pub evictions: Vec<eksplane_sim::WorkloadEvictions>,
    /// What the run did not model: shown in every output.
    pub notes: Vec<String>,
    /// Workload constraints not modelled or modelled in part, per workload:
    /// shown in every output.
    pub unmodelled: Vec<eksplane_sim::Unmodelled>,
    /// The nodes' hourly price at its peak against the LP lower bound.
    pub packing: Option<eksplane_sim::bound::PackingBound>,
    /// Costs beyond the EC2 nodes (control plane, ALBs), with sources.
    pub beyond_ec2: Vec<eksplane_sim::CostBeyondEc2>,
    /// Idle cost shared out to tenants pro rata.
    pub idle_shared: bool,
    pub spot_interruptions: u32,
    /// Where prices come from.
    pub price_model: String,
}

/// One sample of the run's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleView {
    pub t_seconds: u64,
    pub nodes_by_type: BTreeMap<String, u32>,
    pub pending_pods: u32,
    /// Pods on a node but without an IP address.
    pub stuck_pods: u32,
    pub running_pods: u32,
    /// Addresses in use per subnet (by id or name).
    pub subnet_ips_used: BTreeMap<String, u32>,
    /// In use by every ENI (the inputs' others and the simulated nodes').
    pub subnet_ips_in_use: BTreeMap<String, u32>,
    /// Wholly free /28 blocks.
    pub subnet_free_prefixes: BTreeMap<String, u32>,
    /// Cumulative cost from the start to `t_seconds`.
    pub cost_usd: f64,
}

/// "provisioned cost is within X% of the bound", with the figures behind it.
fn packing_sentence(b: &eksplane_sim::bound::PackingBound) -> String {
    format!(
        "provisioned cost is within {:.1}% of the bound: at its peak ({}) the nodes cost {}/h; no packing of those {} pods onto the allowed instance types costs less than {}/h (LP relaxation: fractional nodes and pods, topology and NodePool limits dropped; {} pod classes, {} of {} offerings after dominance{})",
        finite(b.within_percent).max(0.0),
        clock(b.t_seconds),
        usd4(b.provisioned_usd_per_hour),
        group(b.pods),
        usd4(b.bound_usd_per_hour),
        b.classes,
        b.offerings_used,
        b.offerings_given,
        if b.pods_left_out > 0 {
            format!(
                "; {} pods no type can hold left out",
                group(b.pods_left_out)
            )
        } else {
            String::new()
        }
    )
}

fn usd4(x: f64) -> String {
    format!("${:.4}", finite(x))
}

/// A cost split as an HTML table, largest first, with each share of the total.
fn chargeback_html(o: &mut String, costs: &BTreeMap<String, f64>, head: &str) {
    let _ = write!(
        o,
        "<table><tr><th>{head}</th><th class=\"n\">cost</th><th class=\"n\">share</th></tr>"
    );
    for (n, c, share) in cost_shares(costs) {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{share:.1}%</td></tr>",
            esc(n),
            usd(c)
        );
    }
    o.push_str("</table>\n");
}

/// Each entry with its percentage of the total, largest cost first.
fn cost_shares(costs: &BTreeMap<String, f64>) -> Vec<(&String, f64, f64)> {
    let total: f64 = costs.values().map(|c| finite(*c)).sum();
    let mut rows: Vec<(&String, f64)> = costs.iter().map(|(n, c)| (n, finite(*c))).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    rows.into_iter()
        .map(|(n, c)| (n, c, if total > 0.0 { 100.0 * c / total } else { 0.0 }))
        .collect()
}

/// A cost split as a table, largest first, with each share of the total.
fn chargeback_table(out: &mut String, costs: &BTreeMap<String, f64>, head: &'static str) {
    let rows = cost_shares(costs)
        .into_iter()
        .map(|(n, c, share)| vec![n.clone(), usd(c), format!("{share:.1}%")])
        .collect();
    Table {
        headers: vec![
            (head, Align::Left),
            ("COST", Align::Right),
            ("SHARE", Align::Right),
        ],
        groups: vec![],
        rows,
        indent: "  ",
    }
    .render(out);
}

/// A finite value, or 0: a NaN or infinity from upstream never reaches a
/// chart or a document.
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

fn usd(x: f64) -> String {
    format!("${:.2}", finite(x))
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as a Go-style duration: `0h`, `1h30m`, `45m`, `26h`.
fn hours_label(t: u64) -> String {
    let (h, m, s) = (t / 3600, t % 3600 / 60, t % 60);
    match (h, m, s) {
        (h, 0, 0) => format!("{h}h"),
        (0, m, 0) => format!("{m}m"),
        (h, m, 0) => format!("{h}h{m}m"),
        (h, m, s) if h == 0 && m == 0 => format!("{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

/// Seconds as a clock since the start: `02:15:00`, `26:00:00`.
fn clock(t: u64) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
}

/// Node-hours per instance type, `type/capacity` keys added up per type
/// (the series count nodes by type).
fn hours_by_base_type(v: &SimView) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for (k, h) in &v.summary.node_hours_by_type {
        let base = k.split('/').next().unwrap_or(k);
        *out.entry(base.to_string()).or_insert(0.0) += finite(*h);
    }
    out
}

/// Node-hours rows: (instance type, capacity type, hours), types in
/// [`types_in_order`], keyed `type/capacity-type` as the simulator keys them
/// (a key without a capacity type is shown with `-`).
fn hours_rows(v: &SimView) -> Vec<(String, String, f64)> {
    let mut rows = Vec::new();
    for t in types_in_order(v) {
        for (k, h) in &v.summary.node_hours_by_type {
            let (base, ct) = match k.split_once('/') {
                Some((b, c)) => (b, c),
                None => (k.as_str(), "-"),
            };
            if base == t {
                rows.push((t.clone(), ct.to_string(), finite(*h)));
            }
        }
    }
    rows
}

/// Instance types, largest node-hours first (the bottom of the stack), then
/// any type seen only in the series.
fn types_in_order(v: &SimView) -> Vec<String> {
    let hours = hours_by_base_type(v);
    let mut by_hours: Vec<(&String, f64)> = hours.iter().map(|(t, h)| (t, *h)).collect();
    by_hours.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut out: Vec<String> = by_hours.into_iter().map(|(t, _)| t.clone()).collect();
    let seen: BTreeSet<String> = v
        .series
        .iter()
        .flat_map(|s| s.nodes_by_type.keys().cloned())
        .collect();
    for t in seen {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn subnets_in_order(v: &SimView) -> Vec<String> {
    let mut s: BTreeSet<String> = v
        .series
        .iter()
        .flat_map(|s| s.subnet_ips_used.keys().cloned())
        .collect();
    s.extend(v.summary.subnet_capacity.keys().cloned());
    s.into_iter().collect()
}

/// How many events the human and HTML outputs show at each end.
const EVENTS_SHOWN: usize = 10;

/// The first and last events, and how many were left out between them.
fn events_shown(v: &SimView) -> (Vec<&(u64, String, String)>, usize) {
    let n = v.events.len();
    if n <= 2 * EVENTS_SHOWN {
        return (v.events.iter().collect(), 0);
    }
    let mut out: Vec<_> = v.events.iter().take(EVENTS_SHOWN).collect();
    out.extend(v.events.iter().skip(n - EVENTS_SHOWN));
    (out, n - 2 * EVENTS_SHOWN)
}

/// The summary for a person.
pub fn render_human(v: &SimView) -> String {
    let s = &v.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Simulation of {} (seed {}, {} samples, {} events)\n",
        hours_label(s.duration_seconds),
        s.seed,
        v.series.len(),
        v.events.len()
    );
    let rows = vec![
        vec!["total cost".to_string(), usd(s.total_cost_usd)],
        vec![
            "node-hours".to_string(),
            format!(
                "{:.1}",
                s.node_hours_by_type
                    .values()
                    .map(|h| finite(*h))
                    .sum::<f64>()
            ),
        ],
        vec!["peak nodes".to_string(), group(s.peak_nodes.into())],
        vec![
            "pending pod-seconds".to_string(),
            group(s.pending_pod_seconds),
        ],
        vec![
            "max pending pods".to_string(),
            group(s.max_pending_pods.into()),
        ],
        vec![
            "pods stuck without IP".to_string(),
            group(s.pods_stuck_without_ip.into()),
        ],
        vec![
            "nodes launched / deleted".to_string(),
            format!(
                "{} / {}",
                group(s.nodes_launched.into()),
                group(s.nodes_deleted.into())
            ),
        ],
        vec![
            "spot interruptions".to_string(),
            group(s.spot_interruptions.into()),
        ],
        vec![
            "pods evicted".to_string(),
            group(s.evictions.iter().map(|e| u64::from(e.evicted)).sum()),
        ],
    ];
    Table {
        headers: vec![("SUMMARY", Align::Left), ("", Align::Right)],
        groups: vec![],
        rows,
        indent: "  ",
    }
    .render(&mut out);

    if !s.price_model.is_empty() {
        let _ = writeln!(out, "\nPrices: {}", s.price_model);
    }
    if !s.beyond_ec2.is_empty() {
        let others: f64 = s.beyond_ec2.iter().map(|b| finite(b.usd)).sum();
        let _ = writeln!(
            out,
            "\nBeyond EC2 ({} with the nodes' {})",
            usd(others + finite(s.total_cost_usd)),
            usd(s.total_cost_usd)
        );
        let rows = s
            .beyond_ec2
            .iter()
            .map(|b| {
                vec![
                    b.item.clone(),
                    group(b.quantity.into()),
                    format!("${:.4}", finite(b.usd_per_hour_each)),
                    usd(b.usd),
                    b.source.clone(),
                ]
            })
            .collect();
        Table {
            headers: vec![
                ("ITEM", Align::Left),
                ("COUNT", Align::Right),
                ("EACH /H", Align::Right),
                ("COST", Align::Right),
                ("SOURCE", Align::Left),
            ],
            groups: vec![],
            rows,
            indent: "  ",
        }
        .render(&mut out);
    }
    if let Some(b) = &s.packing {
        let _ = writeln!(out, "\nPacking: {}", packing_sentence(b));
    }
    if !s.nodes_disrupted.is_empty() {
        let parts: Vec<String> = s
            .nodes_disrupted
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        let _ = writeln!(out, "\nNodes disrupted: {}", parts.join(", "));
    }
    if !s.evictions.is_empty() {
        out.push_str("\nEvictions by node disruption\n");
        let rows = s
            .evictions
            .iter()
            .map(|e| {
                vec![
                    e.workload.clone(),
                    group(e.evicted.into()),
                    group(e.max_evicted_at_once.into()),
                    group(e.without_pdb.into()),
                    group(e.beyond_pdb.into()),
                    if e.pdbs.is_empty() {
                        "(none)".to_string()
                    } else {
                        e.pdbs.join(", ")
                    },
                ]
            })
            .collect();
        Table {
            headers: vec![
                ("WORKLOAD", Align::Left),
                ("EVICTED", Align::Right),
                ("AT ONCE", Align::Right),
                ("WITHOUT PDB", Align::Right),
                ("BEYOND PDB", Align::Right),
                ("PDB", Align::Left),
            ],
            groups: vec![],
            rows,
            indent: "  ",
        }
        .render(&mut out);
    }
    if !s.notes.is_empty() {
        out.push_str("\nNot simulated\n");
        for n in &s.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    if !s.unmodelled.is_empty() {
        out.push_str("\nWorkload constraints not simulated, or in part\n");
        let rows = s
            .unmodelled
            .iter()
            .map(|u| {
                vec![
                    u.workload.clone(),
                    u.constraint.clone(),
                    u.treatment.clone(),
                ]
            })
            .collect();
        Table {
            headers: vec![
                ("WORKLOAD", Align::Left),
                ("CONSTRAINT", Align::Left),
                ("WHAT THE RUN DOES", Align::Left),
            ],
            groups: vec![],
            rows,
            indent: "  ",
        }
        .render(&mut out);
    }

    if !s.node_hours_by_type.is_empty() {
        out.push_str("\nNode-hours by instance type\n");
        let rows = hours_rows(v)
            .into_iter()
            .map(|(t, ct, h)| vec![t, ct, format!("{h:.1}")])
            .collect();
        Table {
            headers: vec![
                ("TYPE", Align::Left),
                ("CAPACITY", Align::Left),
                ("NODE-HOURS", Align::Right),
            ],
            groups: vec![],
            rows,
            indent: "  ",
        }
        .render(&mut out);
    }

    if !s.cost_by_namespace.is_empty() {
        out.push_str(if s.idle_shared {
            "\nChargeback by namespace (each node's cost split by requested share, idle shared pro rata)\n"
        } else {
            "\nChargeback by namespace (each node's cost split by requested share)\n"
        });
        chargeback_table(&mut out, &s.cost_by_namespace, "NAMESPACE");
    }
    if let Some(label) = &s.chargeback_label
        && !s.cost_by_label.is_empty()
    {
        let _ = writeln!(
            out,
            "\nChargeback by label {label} (the pod's, else its Namespace's)"
        );
        chargeback_table(&mut out, &s.cost_by_label, "LABEL");
    }

    if !s.unschedulable.is_empty() {
        out.push_str("\nUnschedulable workloads\n");
        for (w, why) in &s.unschedulable {
            let _ = writeln!(out, "  {w}: {why}");
        }
    }

    if !v.events.is_empty() {
        let (shown, hidden) = events_shown(v);
        out.push_str("\nEvents\n");
        for (i, (t, kind, msg)) in shown.iter().map(|e| (e.0, &e.1, &e.2)).enumerate() {
            if hidden > 0 && i == EVENTS_SHOWN {
                let _ = writeln!(out, "  ... {} more ...", group(hidden as u64));
            }
            let _ = writeln!(out, "  {}  {kind:<16} {msg}", clock(t));
        }
    }
    out
}

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    summary: SummaryDoc<'a>,
    series: Vec<SampleDoc<'a>>,
    events: Vec<EventDoc<'a>>,
}

#[derive(Serialize)]
struct SummaryDoc<'a> {
    duration_seconds: u64,
    seed: u64,
    total_cost_usd: f64,
    peak_nodes: u32,
    pending_pod_seconds: u64,
    max_pending_pods: u32,
    pods_stuck_without_ip: u32,
    node_hours_by_type: BTreeMap<&'a str, f64>,
    cost_by_namespace: BTreeMap<&'a str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chargeback_label: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    cost_by_label: BTreeMap<&'a str, f64>,
    unschedulable: Vec<Unschedulable<'a>>,
    subnet_capacity: &'a BTreeMap<String, u32>,
    nodes_launched: u32,
    nodes_deleted: u32,
    nodes_disrupted: &'a BTreeMap<String, u32>,
    evictions: &'a [eksplane_sim::WorkloadEvictions],
    notes: &'a [String],
    unmodelled: &'a [eksplane_sim::Unmodelled],
    #[serde(skip_serializing_if = "Option::is_none")]
    packing: Option<PackingDoc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    beyond_ec2: Vec<BeyondDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_cost_with_beyond_ec2_usd: Option<f64>,
    idle_shared: bool,
    spot_interruptions: u32,
    price_model: &'a str,
}

#[derive(Serialize)]
struct BeyondDoc<'a> {
    item: &'a str,
    quantity: u32,
    usd_per_hour_each: f64,
    usd: f64,
    source: &'a str,
}

/// The packing bound in the document, rounded for stable digits.
#[derive(Serialize)]
struct PackingDoc {
    t_seconds: u64,
    pods: u64,
    pods_left_out: u64,
    provisioned_usd_per_hour: f64,
    bound_usd_per_hour: f64,
    within_percent: f64,
    classes: usize,
    offerings_used: usize,
    offerings_given: usize,
    summary: String,
}

#[derive(Serialize)]
struct Unschedulable<'a> {
    workload: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct SampleDoc<'a> {
    t_seconds: u64,
    nodes_by_type: &'a BTreeMap<String, u32>,
    pending_pods: u32,
    stuck_pods: u32,
    running_pods: u32,
    subnet_ips_used: &'a BTreeMap<String, u32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    subnet_ips_in_use: &'a BTreeMap<String, u32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    subnet_free_prefixes: &'a BTreeMap<String, u32>,
    cost_usd: f64,
}

#[derive(Serialize)]
struct EventDoc<'a> {
    t_seconds: u64,
    kind: &'a str,
    message: &'a str,
}

/// Rounded to a millionth, finite: stable digits in the document.
fn fixed(x: f64) -> f64 {
    (finite(x) * 1e6).round() / 1e6
}

/// The versioned JSON document: `format`, `version`, `summary` (its keys
/// include `total_cost_usd`, `peak_nodes`, `pending_pod_seconds`,
/// `max_pending_pods`, `pods_stuck_without_ip`), `series`, `events`.
pub fn render_json(v: &SimView) -> String {
    let s = &v.summary;
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        summary: SummaryDoc {
            duration_seconds: s.duration_seconds,
            seed: s.seed,
            total_cost_usd: fixed(s.total_cost_usd),
            peak_nodes: s.peak_nodes,
            pending_pod_seconds: s.pending_pod_seconds,
            max_pending_pods: s.max_pending_pods,
            pods_stuck_without_ip: s.pods_stuck_without_ip,
            node_hours_by_type: s
                .node_hours_by_type
                .iter()
                .map(|(k, h)| (k.as_str(), fixed(*h)))
                .collect(),
            cost_by_namespace: s
                .cost_by_namespace
                .iter()
                .map(|(k, c)| (k.as_str(), fixed(*c)))
                .collect(),
            chargeback_label: s.chargeback_label.as_deref(),
            cost_by_label: s
                .cost_by_label
                .iter()
                .map(|(k, c)| (k.as_str(), fixed(*c)))
                .collect(),
            unschedulable: s
                .unschedulable
                .iter()
                .map(|(w, r)| Unschedulable {
                    workload: w,
                    reason: r,
                })
                .collect(),
            subnet_capacity: &s.subnet_capacity,
            nodes_launched: s.nodes_launched,
            nodes_deleted: s.nodes_deleted,
            nodes_disrupted: &s.nodes_disrupted,
            evictions: &s.evictions,
            notes: &s.notes,
            unmodelled: &s.unmodelled,
            packing: s.packing.as_ref().map(|b| PackingDoc {
                t_seconds: b.t_seconds,
                pods: b.pods,
                pods_left_out: b.pods_left_out,
                provisioned_usd_per_hour: fixed(b.provisioned_usd_per_hour),
                bound_usd_per_hour: fixed(b.bound_usd_per_hour),
                within_percent: (finite(b.within_percent) * 100.0).round() / 100.0,
                classes: b.classes,
                offerings_used: b.offerings_used,
                offerings_given: b.offerings_given,
                summary: packing_sentence(b),
            }),
            beyond_ec2: s
                .beyond_ec2
                .iter()
                .map(|b| BeyondDoc {
                    item: &b.item,
                    quantity: b.quantity,
                    usd_per_hour_each: fixed(b.usd_per_hour_each),
                    usd: fixed(b.usd),
                    source: &b.source,
                })
                .collect(),
            total_cost_with_beyond_ec2_usd: (!s.beyond_ec2.is_empty()).then(|| {
                fixed(s.total_cost_usd + s.beyond_ec2.iter().map(|b| finite(b.usd)).sum::<f64>())
            }),
            idle_shared: s.idle_shared,
            spot_interruptions: s.spot_interruptions,
            price_model: &s.price_model,
        },
        series: v
            .series
            .iter()
            .map(|x| SampleDoc {
                t_seconds: x.t_seconds,
                nodes_by_type: &x.nodes_by_type,
                pending_pods: x.pending_pods,
                stuck_pods: x.stuck_pods,
                running_pods: x.running_pods,
                subnet_ips_used: &x.subnet_ips_used,
                subnet_ips_in_use: &x.subnet_ips_in_use,
                subnet_free_prefixes: &x.subnet_free_prefixes,
                cost_usd: fixed(x.cost_usd),
            })
            .collect(),
        events: v
            .events
            .iter()
            .map(|(t, k, m)| EventDoc {
                t_seconds: *t,
                kind: k,
                message: m,
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The time series, one row per sample: time, node counts (total, then one
/// column per instance type), pods, addresses per subnet, cumulative cost.
pub fn render_series_csv(v: &SimView) -> String {
    let types = types_in_order(v);
    let subnets = subnets_in_order(v);
    let mut out = String::new();
    let mut header: Vec<String> = vec!["t_seconds".into(), "t_hours".into(), "nodes".into()];
    header.extend(types.iter().map(|t| format!("nodes:{t}")));
    header.extend(["pending_pods", "stuck_pods", "running_pods"].map(String::from));
    header.extend(subnets.iter().map(|s| format!("ips_used:{s}")));
    header.push("cost_usd".into());
    csv_line(&header, &mut out);
    for x in &v.series {
        let total: u64 = x.nodes_by_type.values().map(|n| u64::from(*n)).sum();
        let mut row: Vec<String> = vec![
            x.t_seconds.to_string(),
            format!("{:.4}", x.t_seconds as f64 / 3600.0),
            total.to_string(),
        ];
        row.extend(
            types
                .iter()
                .map(|t| x.nodes_by_type.get(t).copied().unwrap_or(0).to_string()),
        );
        row.extend([x.pending_pods, x.stuck_pods, x.running_pods].map(|n| n.to_string()));
        row.extend(
            subnets
                .iter()
                .map(|s| x.subnet_ips_used.get(s).copied().unwrap_or(0).to_string()),
        );
        row.push(format!("{:.4}", finite(x.cost_usd)));
        csv_line(&row, &mut out);
    }
    out
}

// ---------------------------------------------------------------- HTML ----

fn esc(s: &str) -> String {
    crate::markup_escape(s)
}

/// Tableau 10: distinct hues that stay apart for colour-blind readers
/// better than a rainbow.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A number from {1, 2, 5} x 10^k at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let exp = 10f64.powf(raw.log10().floor());
    let f = raw / exp;
    let n = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * exp
}

/// Time tick spacing: a round duration giving at most 12 ticks.
fn time_step(t_max: u64) -> u64 {
    const STEPS: [u64; 16] = [
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800,
        2_592_000, 31_536_000,
    ];
    STEPS
        .into_iter()
        .find(|s| t_max / s <= 12)
        .unwrap_or(31_536_000)
}

const W: f64 = 1160.0;
const PLOT_H: f64 = 250.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 28.0;
const BOTTOM: f64 = 46.0;

/// One legend entry: label, colour, dashed.
struct Key {
    label: String,
    colour: &'static str,
    dashed: bool,
}

/// A chart's frame: scales, then the drawing goes into `body`.
struct Chart {
    top: f64,
    t_max: u64,
    y_max: f64,
    body: String,
}

impl Chart {
    fn x(&self, t: u64) -> f64 {
        LEFT + (W - LEFT - RIGHT) * (t.min(self.t_max) as f64 / self.t_max.max(1) as f64)
    }
    fn y(&self, v: f64) -> f64 {
        let v = finite(v).clamp(0.0, self.y_max);
        self.top + PLOT_H * (1.0 - v / self.y_max)
    }
    fn height(&self) -> f64 {
        self.top + PLOT_H + BOTTOM
    }
}

/// Lays out legend rows; returns the SVG and the rows' height.
fn legend(keys: &[Key], y0: f64) -> (String, f64) {
    let mut s = String::new();
    let (mut x, mut y) = (LEFT, y0);
    for k in keys {
        let w = 34.0 + 7.4 * k.label.chars().count() as f64;
        if x + w > W - RIGHT && x > LEFT {
            x = LEFT;
            y += 20.0;
        }
        let dash = if k.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"lg\">{}</text>",
            x,
            y - 4.0,
            x + 22.0,
            y - 4.0,
            k.colour,
            if k.dashed { 2 } else { 8 },
            x + 28.0,
            y,
            esc(&k.label)
        );
        x += w;
    }
    let rows_h = if keys.is_empty() { 0.0 } else { y - y0 + 20.0 };
    (s, rows_h)
}

/// Starts a chart: title, legend, grid, axes with ticks in hours.
/// `fmt` labels the y ticks.
fn chart(
    title: &str,
    y_label: &str,
    keys: &[Key],
    t_max: u64,
    data_max: f64,
    integer: bool,
    fmt: &dyn Fn(f64) -> String,
) -> Chart {
    let (legend_svg, legend_h) = legend(keys, 46.0);
    let top = 46.0 + legend_h + 8.0;
    let mut step = nice_step(finite(data_max) / 5.0);
    if integer {
        step = step.max(1.0);
    }
    let y_max = ((finite(data_max) / step).ceil().max(1.0)) * step;
    let t_max = t_max.max(1);
    let mut c = Chart {
        top,
        t_max,
        y_max,
        body: String::new(),
    };
    let b = &mut c.body;
    let _ = write!(
        b,
        "<text x=\"{LEFT}\" y=\"24\" class=\"title\">{}</text>{legend_svg}",
        esc(title)
    );
    // Horizontal grid and y ticks.
    let ticks = (y_max / step).round() as u32;
    for i in 0..=ticks {
        let v = step * f64::from(i);
        let y = top + PLOT_H * (1.0 - v / y_max);
        let _ = write!(
            b,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" class=\"grid\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 8.0,
            y + 4.0,
            esc(&fmt(v))
        );
    }
    // Time ticks.
    let ts = time_step(t_max);
    let mut t = 0;
    while t <= t_max {
        let x = LEFT + (W - LEFT - RIGHT) * (t as f64 / t_max as f64);
        let _ = write!(
            b,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" class=\"axis\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
            top + PLOT_H,
            top + PLOT_H + 6.0,
            top + PLOT_H + 22.0,
            hours_label(t)
        );
        t += ts;
    }
    let _ = write!(
        b,
        "<line x1=\"{LEFT}\" y1=\"{top:.1}\" x2=\"{LEFT}\" y2=\"{:.1}\" class=\"axis\"/>\
         <line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" class=\"axis\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\" text-anchor=\"middle\">time since start (hours)</text>\
         <text x=\"16\" y=\"{:.1}\" class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">{}</text>",
        top + PLOT_H,
        top + PLOT_H,
        W - RIGHT,
        top + PLOT_H,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        top + PLOT_H + 40.0,
        top + PLOT_H / 2.0,
        top + PLOT_H / 2.0,
        esc(y_label)
    );
    c
}

fn finish(c: Chart, aria: &str, empty: bool) -> String {
    let h = c.height();
    let mut s = format!(
        "<svg viewBox=\"0 0 {W} {h:.0}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        esc(aria)
    );
    s.push_str(&c.body);
    if empty {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"label\" text-anchor=\"middle\">no samples</text>",
            LEFT + (W - LEFT - RIGHT) / 2.0,
            c.top + PLOT_H / 2.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A polyline through `(t, value)` points.
fn polyline(c: &Chart, pts: &[(u64, f64)], colour: &str, dashed: bool, title: &str) -> String {
    let mut d = String::new();
    for (i, (t, v)) in pts.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1}",
            if i == 0 { "" } else { " " },
            c.x(*t),
            c.y(*v)
        );
    }
    let dash = if dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    format!(
        "<polyline points=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"{dash}><title>{}</title></polyline>",
        esc(title)
    )
}

fn t_max_of(v: &SimView) -> u64 {
    let last = v.series.last().map_or(0, |s| s.t_seconds);
    v.summary.duration_seconds.max(last)
}

fn int_label(x: f64) -> String {
    group(x.round().max(0.0) as u64)
}

/// Nodes by instance type, stacked areas, largest type at the bottom.
fn nodes_chart(v: &SimView) -> String {
    let types = types_in_order(v);
    let hours = hours_by_base_type(v);
    let keys: Vec<Key> = types
        .iter()
        .enumerate()
        .map(|(i, t)| Key {
            label: match hours.get(t) {
                Some(h) => format!("{t} ({:.1} node-h)", finite(*h)),
                None => t.clone(),
            },
            colour: colour(i),
            dashed: false,
        })
        .collect();
    let totals: Vec<u64> = v
        .series
        .iter()
        .map(|s| s.nodes_by_type.values().map(|n| u64::from(*n)).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0) as f64;
    let mut c = chart(
        "Nodes by instance type",
        "nodes",
        &keys,
        t_max_of(v),
        max,
        true,
        &int_label,
    );
    // Cumulative stack per sample.
    let mut below: Vec<u64> = vec![0; v.series.len()];
    let mut areas = String::new();
    for (i, t) in types.iter().enumerate() {
        let above: Vec<u64> = v
            .series
            .iter()
            .zip(&below)
            .map(|(s, b)| b + u64::from(s.nodes_by_type.get(t).copied().unwrap_or(0)))
            .collect();
        if above != below {
            let mut pts = String::new();
            for (s, a) in v.series.iter().zip(&above) {
                let _ = write!(pts, "{:.1},{:.1} ", c.x(s.t_seconds), c.y(*a as f64));
            }
            for (s, b) in v.series.iter().zip(&below).rev() {
                let _ = write!(pts, "{:.1},{:.1} ", c.x(s.t_seconds), c.y(*b as f64));
            }
            let _ = write!(
                areas,
                "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\" stroke-width=\"1\"><title>{}</title></polygon>",
                pts.trim_end(),
                colour(i),
                colour(i),
                esc(t)
            );
        }
        below = above;
    }
    c.body.push_str(&areas);
    finish(
        c,
        "stacked area chart of nodes by instance type over time",
        v.series.is_empty(),
    )
}

/// Pending pods (no node) and pods stuck without an IP, as lines.
fn pods_chart(v: &SimView) -> String {
    let pending: Vec<(u64, f64)> = v
        .series
        .iter()
        .map(|s| (s.t_seconds, f64::from(s.pending_pods)))
        .collect();
    let stuck: Vec<(u64, f64)> = v
        .series
        .iter()
        .map(|s| (s.t_seconds, f64::from(s.stuck_pods)))
        .collect();
    let max = pending
        .iter()
        .chain(&stuck)
        .map(|p| p.1)
        .fold(0.0, f64::max);
    let keys = [
        Key {
            label: format!(
                "Pending: no node (max {})",
                group(v.summary.max_pending_pods.into())
            ),
            colour: "#e15759",
            dashed: false,
        },
        Key {
            label: format!(
                "ContainerCreating: no IP (max {})",
                group(v.summary.pods_stuck_without_ip.into())
            ),
            colour: "#7b4fa0",
            dashed: false,
        },
    ];
    let mut c = chart(
        "Pods waiting",
        "pods",
        &keys,
        t_max_of(v),
        max,
        true,
        &int_label,
    );
    let lines = [
        polyline(&c, &pending, keys[0].colour, false, "pending pods"),
        polyline(
            &c,
            &stuck,
            keys[1].colour,
            false,
            "pods stuck without an IP",
        ),
    ];
    if !v.series.is_empty() {
        for l in lines {
            c.body.push_str(&l);
        }
    }
    finish(
        c,
        "line chart of pending and stuck pods over time",
        v.series.is_empty(),
    )
}

/// Addresses used per subnet, with its capacity dashed when known.
/// Addresses in use in subnet `s` at sample `x`: every ENI's when the run
/// reported it, else the simulated nodes' alone.
fn in_use(x: &SampleView, s: &str) -> u32 {
    x.subnet_ips_in_use
        .get(s)
        .or_else(|| x.subnet_ips_used.get(s))
        .copied()
        .unwrap_or(0)
}

/// Free /28 blocks per subnet over time (what prefix delegation needs).
fn free_prefixes_chart(v: &SimView) -> String {
    let subnets = subnets_in_order(v);
    let mut keys = Vec::new();
    let mut max = 0.0f64;
    for (i, s) in subnets.iter().enumerate() {
        keys.push(Key {
            label: s.clone(),
            colour: colour(i),
            dashed: false,
        });
        for x in &v.series {
            max = max.max(f64::from(
                x.subnet_free_prefixes.get(s).copied().unwrap_or(0),
            ));
        }
    }
    let mut c = chart(
        "Free /28 blocks per subnet (prefix delegation takes whole blocks)",
        "free /28 blocks",
        &keys,
        t_max_of(v),
        max.max(1.0),
        true,
        &int_label,
    );
    let mut body = String::new();
    for (i, s) in subnets.iter().enumerate() {
        let pts: Vec<(u64, f64)> = v
            .series
            .iter()
            .map(|x| {
                (
                    x.t_seconds,
                    f64::from(x.subnet_free_prefixes.get(s).copied().unwrap_or(0)),
                )
            })
            .collect();
        body.push_str(&polyline(&c, &pts, colour(i), false, s));
    }
    c.body.push_str(&body);
    finish(
        c,
        "line chart of wholly free /28 blocks per subnet over time",
        v.series.is_empty(),
    )
}

fn subnets_chart(v: &SimView) -> String {
    let subnets = subnets_in_order(v);
    let mut keys = Vec::new();
    let mut max = 0.0f64;
    for (i, s) in subnets.iter().enumerate() {
        keys.push(Key {
            label: s.clone(),
            colour: colour(i),
            dashed: false,
        });
        for x in &v.series {
            max = max.max(f64::from(in_use(x, s)));
        }
        if let Some(cap) = v.summary.subnet_capacity.get(s) {
            max = max.max(f64::from(*cap));
        }
    }
    if !v.summary.subnet_capacity.is_empty() {
        keys.push(Key {
            label: "usable addresses (dashed)".to_string(),
            colour: "#555555",
            dashed: true,
        });
    }
    let mut c = chart(
        "Subnet IP addresses in use (all ENIs: the subnet's other ENIs and the simulated nodes)",
        "addresses",
        &keys,
        t_max_of(v),
        max,
        true,
        &int_label,
    );
    let t_max = c.t_max;
    let mut body = String::new();
    for (i, s) in subnets.iter().enumerate() {
        if let Some(cap) = v.summary.subnet_capacity.get(s) {
            let cap = f64::from(*cap);
            body.push_str(&polyline(
                &c,
                &[(0, cap), (t_max, cap)],
                colour(i),
                true,
                &format!("{s}: {} usable addresses", int_label(cap)),
            ));
        }
        if !v.series.is_empty() {
            let pts: Vec<(u64, f64)> = v
                .series
                .iter()
                .map(|x| (x.t_seconds, f64::from(in_use(x, s))))
                .collect();
            body.push_str(&polyline(&c, &pts, colour(i), false, s));
        }
    }
    c.body.push_str(&body);
    finish(
        c,
        "line chart of IP addresses in use per subnet over time",
        v.series.is_empty(),
    )
}

/// Cumulative cost, an area under its line, the total at the end.
fn cost_chart(v: &SimView) -> String {
    let pts: Vec<(u64, f64)> = v
        .series
        .iter()
        .map(|s| (s.t_seconds, finite(s.cost_usd)))
        .collect();
    let max = pts
        .iter()
        .map(|p| p.1)
        .fold(finite(v.summary.total_cost_usd), f64::max);
    let keys = [Key {
        label: format!("cumulative cost (total {})", usd(v.summary.total_cost_usd)),
        colour: "#4e79a7",
        dashed: false,
    }];
    let fmt = |x: f64| {
        if max < 5.0 {
            format!("${x:.2}")
        } else {
            format!("${}", int_label(x))
        }
    };
    let mut c = chart(
        "Cost over time",
        "US dollars",
        &keys,
        t_max_of(v),
        max,
        false,
        &fmt,
    );
    if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
        let mut area = String::new();
        for (t, y) in &pts {
            let _ = write!(area, "{:.1},{:.1} ", c.x(*t), c.y(*y));
        }
        let _ = write!(
            area,
            "{:.1},{:.1} {:.1},{:.1}",
            c.x(last.0),
            c.y(0.0),
            c.x(first.0),
            c.y(0.0)
        );
        let line = polyline(&c, &pts, "#4e79a7", false, "cumulative cost");
        let _ = write!(
            c.body,
            "<polygon points=\"{area}\" fill=\"#4e79a7\" fill-opacity=\"0.18\"></polygon>{line}\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            c.x(last.0) - 4.0,
            c.y(last.1) - 8.0,
            usd(last.1)
        );
    }
    finish(
        c,
        "line chart of cumulative cost over time",
        v.series.is_empty(),
    )
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;\
margin:0;background:#f6f7f9;color:#1d2330}\
main{max-width:1240px;margin:0 auto;padding:24px 32px 48px}\
h1{font-size:26px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 10px}\
p.sub{color:#5a6270;margin:0 0 18px}\
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:12px}\
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 14px}\
.card .v{font-size:24px;font-weight:600}.card .k{font-size:13px;color:#5a6270}\
.card.bad .v{color:#c0392b}\
section.chart{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px 12px;margin:16px 0}\
.tables{display:grid;grid-template-columns:1fr 1fr;gap:16px}\
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}\
th,td{border-bottom:1px solid #e6e9ee;padding:6px 10px;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
td.t{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}\
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\
svg .title{font-size:18px;font-weight:600;fill:#1d2330}\
svg .lg{font-size:13px;fill:#1d2330}svg .tick{font-size:12px;fill:#4a5160}\
svg .label{font-size:13px;fill:#4a5160}\
svg .grid{stroke:#e6e9ee;stroke-width:1}svg .axis{stroke:#8a93a3;stroke-width:1}";

fn card(out: &mut String, value: &str, key: &str, bad: bool) {
    let _ = write!(
        out,
        "<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        if bad { " bad" } else { "" },
        esc(value),
        esc(key)
    );
}

/// One self-contained HTML page: summary cards, four SVG charts (nodes by
/// instance type, waiting pods, subnet addresses, cost), node-hours and
/// chargeback tables, unschedulable workloads and the first and last events.
pub fn render_html(v: &SimView) -> String {
    let s = &v.summary;
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        o,
        "<title>eksplane simulation: {} (seed {})</title>",
        hours_label(s.duration_seconds),
        s.seed
    );
    let _ = writeln!(o, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(
        o,
        "<h1>eksplane simulation</h1>\n<p class=\"sub\">{} simulated, seed {}, {} samples, {} events</p>",
        hours_label(s.duration_seconds),
        s.seed,
        group(v.series.len() as u64),
        group(v.events.len() as u64)
    );
    o.push_str("<div class=\"cards\">");
    card(&mut o, &usd(s.total_cost_usd), "total cost", false);
    card(&mut o, &group(s.peak_nodes.into()), "peak nodes", false);
    let node_hours: f64 = s.node_hours_by_type.values().map(|h| finite(*h)).sum();
    card(&mut o, &format!("{node_hours:.1}"), "node-hours", false);
    card(
        &mut o,
        &group(s.pending_pod_seconds),
        "pending pod-seconds",
        s.pending_pod_seconds > 0,
    );
    card(
        &mut o,
        &group(s.max_pending_pods.into()),
        "max pending pods",
        s.max_pending_pods > 0,
    );
    card(
        &mut o,
        &group(s.pods_stuck_without_ip.into()),
        "pods stuck without IP",
        s.pods_stuck_without_ip > 0,
    );
    o.push_str("</div>\n");

    let prefixes = v.series.iter().any(|x| !x.subnet_free_prefixes.is_empty());
    let mut svgs = vec![nodes_chart(v), pods_chart(v), subnets_chart(v)];
    if prefixes {
        svgs.push(free_prefixes_chart(v));
    }
    svgs.push(cost_chart(v));
    for svg in svgs {
        let _ = writeln!(o, "<section class=\"chart\">{svg}</section>");
    }

    o.push_str("<div class=\"tables\">\n<div>\n<h2>Node-hours by instance type</h2>\n");
    o.push_str("<table><tr><th>instance type</th><th>capacity type</th><th class=\"n\">node-hours</th></tr>");
    for (t, ct, h) in hours_rows(v) {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{:.1}</td></tr>",
            esc(&t),
            esc(&ct),
            h
        );
    }
    o.push_str(if s.idle_shared {
        "</table>\n</div>\n<div>\n<h2>Chargeback by namespace (idle shared pro rata)</h2>\n"
    } else {
        "</table>\n</div>\n<div>\n<h2>Chargeback by namespace</h2>\n"
    });
    chargeback_html(&mut o, &s.cost_by_namespace, "namespace");
    o.push_str("</div>\n</div>\n");
    if let Some(label) = &s.chargeback_label
        && !s.cost_by_label.is_empty()
    {
        let _ = writeln!(
            o,
            "<h2>Chargeback by label {} (the pod's, else its Namespace's)</h2>",
            esc(label)
        );
        chargeback_html(&mut o, &s.cost_by_label, "value");
    }

    if !s.evictions.is_empty() || !s.nodes_disrupted.is_empty() {
        o.push_str("<h2>Disruption</h2>\n");
        let parts: Vec<String> = s
            .nodes_disrupted
            .iter()
            .map(|(r, n)| format!("{} {n}", esc(r)))
            .collect();
        let _ = writeln!(
            o,
            "<p>Nodes launched {}, deleted {}; disrupted: {}.</p>",
            s.nodes_launched,
            s.nodes_deleted,
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(", ")
            }
        );
        if !s.evictions.is_empty() {
            o.push_str("<table><tr><th>workload</th><th class=\"n\">evicted</th><th class=\"n\">at once</th><th class=\"n\">without PDB</th><th class=\"n\">beyond PDB</th><th>PDB</th></tr>");
            for e in &s.evictions {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    esc(&e.workload),
                    e.evicted,
                    e.max_evicted_at_once,
                    e.without_pdb,
                    e.beyond_pdb,
                    if e.pdbs.is_empty() {
                        "(none)".to_string()
                    } else {
                        esc(&e.pdbs.join(", "))
                    }
                );
            }
            o.push_str("</table>\n");
        }
    }
    if !s.price_model.is_empty() {
        let _ = writeln!(o, "<p class=\"prices\">Prices: {}</p>", esc(&s.price_model));
    }
    if !s.beyond_ec2.is_empty() {
        let others: f64 = s.beyond_ec2.iter().map(|b| finite(b.usd)).sum();
        let _ = writeln!(
            o,
            "<h2>Beyond EC2</h2>\n<p>{} with the nodes' {}.</p>",
            usd(others + finite(s.total_cost_usd)),
            usd(s.total_cost_usd)
        );
        o.push_str("<table><tr><th>item</th><th class=\"n\">count</th><th class=\"n\">each per hour</th><th class=\"n\">cost</th><th>source</th></tr>");
        for b in &s.beyond_ec2 {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">${:.4}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&b.item),
                b.quantity,
                finite(b.usd_per_hour_each),
                usd(b.usd),
                esc(&b.source)
            );
        }
        o.push_str("</table>\n");
    }
    if let Some(b) = &s.packing {
        let _ = writeln!(
            o,
            "<h2>Packing</h2>\n<p class=\"packing\">{}</p>",
            esc(&packing_sentence(b))
        );
    }
    if !s.notes.is_empty() {
        o.push_str("<h2>Not simulated</h2>\n<ul>");
        for n in &s.notes {
            let _ = write!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>\n");
    }

    if !s.unmodelled.is_empty() {
        o.push_str("<h2>Workload constraints not simulated, or in part</h2>\n<table><tr><th>workload</th><th>constraint</th><th>what the run does</th></tr>");
        for u in &s.unmodelled {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&u.workload),
                esc(&u.constraint),
                esc(&u.treatment)
            );
        }
        o.push_str("</table>\n");
    }

    if !s.unschedulable.is_empty() {
        o.push_str(
            "<h2>Unschedulable workloads</h2>\n<table><tr><th>workload</th><th>why</th></tr>",
        );
        for (w, why) in &s.unschedulable {
            let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", esc(w), esc(why));
        }
        o.push_str("</table>\n");
    }

    if !v.events.is_empty() {
        let (shown, hidden) = events_shown(v);
        o.push_str("<h2>Events</h2>\n<table><tr><th>time</th><th>event</th><th>detail</th></tr>");
        for (i, (t, kind, msg)) in shown.iter().map(|e| (e.0, &e.1, &e.2)).enumerate() {
            if hidden > 0 && i == EVENTS_SHOWN {
                let _ = write!(
                    o,
                    "<tr><td colspan=\"3\">&hellip; {} more &hellip;</td></tr>",
                    group(hidden as u64)
                );
            }
            let _ = write!(
                o,
                "<tr><td class=\"t\">{}</td><td>{}</td><td>{}</td></tr>",
                clock(t),
                esc(kind),
                esc(msg)
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// The figures `--compare` puts side by side: (label, value per variant).
fn compare_rows(variants: &[(String, SimView)]) -> Vec<(&'static str, Vec<String>)> {
    let col = |f: &dyn Fn(&SimSummaryView) -> String| -> Vec<String> {
        variants.iter().map(|(_, v)| f(&v.summary)).collect()
    };
    vec![
        ("total cost", col(&|s| usd(s.total_cost_usd))),
        (
            "cost with control plane and ALBs",
            col(&|s| {
                usd(s.total_cost_usd + s.beyond_ec2.iter().map(|b| finite(b.usd)).sum::<f64>())
            }),
        ),
        (
            "peak cost vs LP bound",
            col(&|s| match &s.packing {
                Some(b) => format!("+{:.1}%", finite(b.within_percent).max(0.0)),
                None => "-".to_string(),
            }),
        ),
        ("peak nodes", col(&|s| group(s.peak_nodes.into()))),
        (
            "pending pod-seconds",
            col(&|s| group(s.pending_pod_seconds)),
        ),
        (
            "max pending pods",
            col(&|s| group(s.max_pending_pods.into())),
        ),
        (
            "pods stuck without IP",
            col(&|s| group(s.pods_stuck_without_ip.into())),
        ),
        (
            "pods evicted",
            col(&|s| group(s.evictions.iter().map(|e| u64::from(e.evicted)).sum())),
        ),
        (
            "evicted without PDB",
            col(&|s| group(s.evictions.iter().map(|e| u64::from(e.without_pdb)).sum())),
        ),
        ("nodes launched", col(&|s| group(s.nodes_launched.into()))),
        ("nodes deleted", col(&|s| group(s.nodes_deleted.into()))),
        (
            "spot interruptions",
            col(&|s| group(s.spot_interruptions.into())),
        ),
        (
            "unschedulable workloads",
            col(&|s| group(s.unschedulable.len() as u64)),
        ),
    ]
}

/// `simulate --compare`: one column per variant.
pub fn render_compare_human(variants: &[(String, SimView)]) -> String {
    let mut out = String::new();
    if let Some((_, v)) = variants.first() {
        let _ = writeln!(
            out,
            "Comparison over {} (seed {}), {} variants\n",
            hours_label(v.summary.duration_seconds),
            v.summary.seed,
            variants.len()
        );
    }
    let names: Vec<String> = variants.iter().map(|(n, _)| n.clone()).collect();
    let mut headers = vec![("", Align::Left)];
    for n in &names {
        headers.push((n.as_str(), Align::Right));
    }
    let rows = compare_rows(variants)
        .into_iter()
        .map(|(label, vals)| {
            let mut r = vec![label.to_string()];
            r.extend(vals);
            r
        })
        .collect();
    Table {
        headers,
        groups: vec![],
        rows,
        indent: "  ",
    }
    .render(&mut out);
    for (n, v) in variants {
        for note in &v.summary.notes {
            let _ = writeln!(out, "  note ({n}): {note}");
        }
        for u in &v.summary.unmodelled {
            let _ = writeln!(
                out,
                "  not simulated ({n}): {}: {}: {}",
                u.workload, u.constraint, u.treatment
            );
        }
    }
    out
}

/// `simulate --compare --format json`: `{format, version, variants: [{path, summary}]}`.
pub fn render_compare_json(variants: &[(String, SimView)]) -> String {
    let docs: Vec<serde_json::Value> = variants
        .iter()
        .map(|(n, v)| {
            let one: serde_json::Value =
                serde_json::from_str(&render_json(v)).unwrap_or(serde_json::Value::Null);
            serde_json::json!({"path": n, "summary": one.get("summary").cloned().unwrap_or(serde_json::Value::Null)})
        })
        .collect();
    let doc = serde_json::json!({"format": "eksplane-simulation-comparison", "version": 1, "variants": docs});
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The view of a simulator run (`eksplane_sim::SimResult`), with the run's
/// length, seed and the usable addresses per subnet for the charts.
pub fn view(
    r: &eksplane_sim::SimResult,
    duration_seconds: u64,
    seed: u64,
    subnet_capacity: BTreeMap<String, u32>,
) -> SimView {
    let s = &r.summary;
    SimView {
        summary: SimSummaryView {
            total_cost_usd: s.total_cost_usd,
            peak_nodes: s.peak_nodes,
            pending_pod_seconds: finite(s.pending_pod_seconds).max(0.0).round() as u64,
            max_pending_pods: s.max_pending_pods,
            pods_stuck_without_ip: s.pods_stuck_without_ip,
            // The simulator keys node-hours by type and by `type/capacity`;
            // show the finer split only, so totals add up.
            node_hours_by_type: if s.node_hours_by_type.keys().any(|k| k.contains('/')) {
                s.node_hours_by_type
                    .iter()
                    .filter(|(k, _)| k.contains('/'))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            } else {
                s.node_hours_by_type.clone()
            },
            cost_by_namespace: s.cost_by_namespace.clone(),
            chargeback_label: s.chargeback_label.clone(),
            cost_by_label: s.cost_by_label.clone(),
            unschedulable: s
                .unschedulable
                .iter()
                .map(|u| (u.workload.clone(), u.reason.clone()))
                .collect(),
            duration_seconds,
            seed,
            subnet_capacity,
            nodes_launched: s.nodes_launched,
            nodes_deleted: s.nodes_deleted,
            nodes_disrupted: s.nodes_disrupted.clone(),
            evictions: s.evictions.clone(),
            notes: s.notes.clone(),
            unmodelled: s.unmodelled.clone(),
            packing: s.packing.clone(),
            beyond_ec2: s.beyond_ec2.clone(),
            idle_shared: s.idle_shared,
            spot_interruptions: s.spot_interruptions,
            price_model: s.price_model.clone(),
        },
        series: r
            .series
            .iter()
            .map(|x| SampleView {
                t_seconds: x.t_seconds,
                nodes_by_type: x.nodes_by_type.clone(),
                pending_pods: x.pending_pods,
                stuck_pods: x.stuck_pods,
                running_pods: x.running_pods,
                subnet_ips_used: x.subnet_ips_used.clone(),
                subnet_ips_in_use: x.subnet_ips_in_use.clone(),
                subnet_free_prefixes: x.subnet_free_prefixes.clone(),
                cost_usd: x.cost_usd,
            })
            .collect(),
        events: r
            .events
            .iter()
            .map(|e| (e.t_seconds, format!("{:?}", e.kind), e.message.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_steps() {
        assert_eq!(hours_label(0), "0h");
        assert_eq!(hours_label(5400), "1h30m");
        assert_eq!(hours_label(1800), "30m");
        assert_eq!(hours_label(45), "45s");
        assert_eq!(clock(26 * 3600 + 61), "26:01:01");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(12), "12");
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(3.2), 5.0);
        assert_eq!(nice_step(14.0), 20.0);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(time_step(24 * 3600), 7200);
        assert_eq!(time_step(1800), 300);
        assert_eq!(time_step(7 * 86400), 86400);
    }

    #[test]
    fn non_finite_numbers_never_reach_the_output() {
        let mut v = SimView::default();
        v.summary.total_cost_usd = f64::NAN;
        v.summary
            .node_hours_by_type
            .insert("m6i.large".into(), f64::INFINITY);
        v.series.push(SampleView {
            cost_usd: f64::NAN,
            ..SampleView::default()
        });
        for out in [
            render_human(&v),
            render_json(&v),
            render_series_csv(&v),
            render_html(&v),
        ] {
            assert!(!out.contains("NaN") && !out.contains("inf"), "{out}");
        }
    }
}
