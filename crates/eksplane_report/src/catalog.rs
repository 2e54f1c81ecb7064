//! What `eksplane catalog show TYPE` prints: every fact the catalog keeps
//! about one instance type, its Karpenter labels, price and trunk limits.

use eksplane_aws_data::{InstanceType, PRICE_REGION};
use std::fmt::Write;

fn or_unknown<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "unknown".to_string(), |v| v.to_string())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The facts of one instance type, as `key  value` lines.
pub fn render_instance_type(t: &InstanceType) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let n = &t.network;
    rows.push(("source", t.source.as_str().to_string()));
    rows.push(("vCPUs", or_unknown(t.vcpus)));
    rows.push((
        "memory",
        t.memory_mib
            .map_or_else(|| "unknown".into(), |m| format!("{m} MiB")),
    ));
    rows.push((
        "architectures",
        if t.architectures.is_empty() {
            "unknown".into()
        } else {
            t.architectures.join(", ")
        },
    ));
    rows.push((
        "CPU manufacturer",
        or_unknown(t.cpu_manufacturer.as_deref()),
    ));
    rows.push(("hypervisor", t.hypervisor.to_string()));
    rows.push(("bare metal", yes_no(t.bare_metal).into()));
    rows.push((
        "current generation",
        or_unknown(t.current_generation.map(yes_no)),
    ));
    rows.push((
        "usage classes",
        if t.usage_classes.is_empty() {
            "unknown".into()
        } else {
            t.usage_classes.join(", ")
        },
    ));
    rows.push((
        "network cards",
        if n.cards.is_empty() {
            "not listed".into()
        } else {
            n.cards
                .iter()
                .map(|c| format!("#{}: {} ENIs", c.index, c.max_enis))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    rows.push((
        "default network card",
        format!(
            "#{} ({} ENIs: the VPC CNI's pod ENIs)",
            n.default_card_index,
            n.default_card_max_enis()
        ),
    ));
    rows.push(("max ENIs (all cards)", n.max_enis.to_string()));
    rows.push(("IPv4 per ENI", n.ipv4_per_eni.to_string()));
    rows.push(("IPv6 per ENI", or_unknown(n.ipv6_per_eni)));
    rows.push((
        "EFA",
        if n.efa_supported {
            format!(
                "supported, {} EFA interfaces",
                or_unknown(n.max_efa_interfaces)
            )
        } else {
            "not supported".into()
        },
    ));
    rows.push((
        "encryption in transit",
        or_unknown(n.encryption_in_transit.map(yes_no)),
    ));
    rows.push((
        "baseline bandwidth",
        n.baseline_bandwidth_mbps
            .map_or_else(|| "unknown".into(), |b| format!("{b} Mbit/s")),
    ));
    rows.push((
        "GPUs",
        if t.gpus.is_empty() {
            "none".into()
        } else {
            t.gpus
                .iter()
                .map(|g| {
                    format!(
                        "{} x {} {}{}",
                        g.count,
                        g.manufacturer,
                        g.name,
                        g.memory_mib
                            .map(|m| format!(" ({m} MiB)"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    rows.push((
        "accelerators",
        if t.accelerators.is_empty() {
            "none".into()
        } else {
            t.accelerators
                .iter()
                .map(|a| format!("{} x {} {}", a.count, a.manufacturer, a.name))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    rows.push((
        "instance storage",
        match (t.instance_storage_gb, t.local_nvme) {
            (Some(gb), true) => format!("{gb} GB NVMe"),
            (Some(gb), false) => format!("{gb} GB"),
            (None, _) => "none".into(),
        },
    ));
    let price_key = format!("on-demand price ({PRICE_REGION})");
    rows.push((
        price_key.as_str(),
        t.on_demand_price_usd
            .map_or_else(|| "unknown".into(), |p| format!("{p} USD/hour")),
    ));
    rows.push((
        "trunk ENI (SGs for pods)",
        match t.trunking {
            Some(tr) if tr.trunking_compatible => {
                format!("compatible, {} branch ENIs", tr.branch_enis)
            }
            Some(_) => "not compatible".into(),
            None => "unknown".into(),
        },
    ));
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.name);
    for (k, v) in &rows {
        let _ = writeln!(out, "  {k:<width$}  {v}");
    }
    let labels = t.karpenter_labels();
    let _ = writeln!(out, "\nKarpenter labels:");
    let lw = labels.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &labels {
        let _ = writeln!(out, "  {k:<lw$}  {v}");
    }
    out
}
