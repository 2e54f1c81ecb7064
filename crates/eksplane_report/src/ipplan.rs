//! `eksplane ip-plan`: the plan as a table per subnet and zone, the cluster
//! verdict, remedies with their computed effect; the JSON document; the
//! per-subnet SVG maps (via [`crate::ipmap`]).

use crate::ipmap::{MapBlock, SubnetMap, render_svg};
use eksplane_ipplan::{
    BlockState, Mode, Occupancy, Plan, RemedyKind, SubnetPlan, SubnetRole, TargetVerdict,
};
use serde::Serialize;
use std::fmt::Write;

pub const FORMAT: &str = "eksplane-ip-plan";
pub const VERSION: u32 = 1;

/// The JSON document: the plan with where its demand came from.
#[derive(Debug, Serialize)]
pub struct IpPlanDocument<'a> {
    pub format: &'static str,
    pub version: u32,
    pub demand: &'a eksplane_facts::ip_inputs::DemandSource,
    #[serde(flatten)]
    pub plan: &'a Plan,
}

pub fn render_json(plan: &Plan, demand: &eksplane_facts::ip_inputs::DemandSource) -> String {
    let doc = IpPlanDocument {
        format: FORMAT,
        version: VERSION,
        demand,
        plan,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn opt(v: Option<u32>) -> String {
    v.map_or("-".to_string(), |n| n.to_string())
}

fn headroom(v: Option<i64>) -> String {
    match v {
        Some(n) if n >= 0 => format!("+{n}"),
        Some(n) => n.to_string(),
        None => "-".to_string(),
    }
}

fn role(r: SubnetRole) -> &'static str {
    match r {
        SubnetRole::Node => "node",
        SubnetRole::Pod => "pod",
        SubnetRole::NodeAndPod => "node+pod",
        SubnetRole::Other => "other",
    }
}

/// The plan for a person.
pub fn render_human(plan: &Plan, demand: &eksplane_facts::ip_inputs::DemandSource) -> String {
    let mut s = String::new();
    let mode = match plan.mode {
        Mode::Prefixes => "prefix delegation (/28 prefixes)",
        Mode::SecondaryIps => "secondary IPs",
    };
    let _ = writeln!(
        s,
        "IP plan for {} pods: {mode}{}",
        plan.target_pods,
        if plan.custom_networking {
            ", custom networking (pods in ENIConfig subnets)"
        } else {
            ""
        }
    );
    let _ = writeln!(s, "  demand: {}; {}", demand.pods, demand.nodes);
    for g in &plan.groups {
        let _ = writeln!(
            s,
            "  {}: {} pods per node (CNI can give {}), {} node(s) at the target; a full node holds {} IP(s) and {} /28 prefix(es), {} warm",
            g.instance_type,
            g.pods_per_node,
            g.cni_pod_ips,
            g.nodes_at_target,
            g.full_node.node_ip
                + g.full_node.trunk_eni
                + g.full_node.extra_enis
                + g.full_node.secondary_ips,
            g.full_node.prefixes,
            g.full_node.warm_ips
        );
    }
    let _ = writeln!(s);
    let headers = [
        "SUBNET", "ZONE", "CIDR", "ROLE", "USABLE", "TAKEN", "FREE IPS", "FREE /28", "FAILS AT",
        "HEADROOM", "ERROR",
    ];
    let rows: Vec<Vec<String>> = plan
        .subnets
        .iter()
        .map(|p: &SubnetPlan| {
            vec![
                p.subnet_id.clone(),
                p.zone.clone().unwrap_or_else(|| "-".into()),
                p.cidr.to_string(),
                role(p.role).to_string(),
                p.counts.usable.to_string(),
                p.counts.taken.to_string(),
                p.counts.free_addresses.to_string(),
                match p.occupancy {
                    Occupancy::Exact => p.counts.free_prefixes.to_string(),
                    // Unknown fragmentation: worst-best.
                    Occupancy::CountOnly { .. } => {
                        format!("{}-{}?", p.counts.free_prefixes, p.free_prefixes_best)
                    }
                },
                opt(p.fails_at_pods),
                headroom(p.headroom_pods),
                p.error.map_or("-".to_string(), |e| e.ec2_code.to_string()),
            ]
        })
        .collect();
    use crate::table::{Align, Table};
    Table {
        headers: headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    *h,
                    if (4..10).contains(&i) {
                        Align::Right
                    } else {
                        Align::Left
                    },
                )
            })
            .collect(),
        groups: Vec::new(),
        rows,
        indent: "  ",
    }
    .render(&mut s);
    let _ = writeln!(s);
    for z in &plan.zones {
        let _ = writeln!(
            s,
            "  zone {:<14} {} node(s), {} pods at the target; {} free IPs, {} free /28s; fails at {} pods{}; headroom {}",
            z.zone,
            z.nodes_at_target,
            z.pods_at_target,
            z.free_addresses,
            z.free_prefixes,
            opt(z.fails_at_pods),
            z.failing_subnet
                .as_ref()
                .map_or(String::new(), |f| format!(" in {f}")),
            headroom(z.headroom_pods)
        );
    }
    let c = &plan.cluster;
    let _ = writeln!(s);
    if !c.occupancy_unknown.is_empty() {
        let _ = writeln!(
            s,
            "Occupancy: no describe-network-interfaces snapshot; TAKEN and FREE IPS for {} come from describe-subnets' \
             AvailableIpAddressCount, and which addresses are taken -- the /28 fragmentation -- is unknown: FREE /28 \
             shows worst-best (taken addresses scattered or packed), and the figures below assume the worst.",
            c.occupancy_unknown.join(", ")
        );
        let _ = writeln!(s);
    }
    if c.verdict == TargetVerdict::Unknown {
        let _ = writeln!(
            s,
            "Verdict: unknown -- allocation fails at {} pods with the unknown addresses scattered, short of the target of {}, \
             and {} with them packed; add a describe-network-interfaces snapshot for the exact answer.",
            opt(c.fails_at_pods_worst.or(c.fails_at_pods)),
            c.target_pods,
            c.fails_at_pods_best.map_or_else(
                || "holds the target".to_string(),
                |b| format!("at {b} pods")
            )
        );
    } else if c.meets_target {
        let _ = writeln!(
            s,
            "Verdict: the subnets hold the target of {} pods{} (headroom {} pods, {} nodes).",
            c.target_pods,
            if c.occupancy_unknown.is_empty() {
                ""
            } else {
                " even with the unknown addresses scattered"
            },
            headroom(c.headroom_pods),
            headroom(c.headroom_nodes)
        );
    } else {
        let _ = writeln!(
            s,
            "Verdict: allocation fails at {} pods, short of the target of {}{}.",
            opt(c.fails_at_pods),
            c.target_pods,
            c.failing_subnet
                .as_ref()
                .map_or(String::new(), |f| format!(" (first in {f})"))
        );
        if let Some(e) = c.error {
            let _ = writeln!(s, "  EC2 error: {}: {}", e.ec2_code, e.message);
            let _ = writeln!(s, "  pods see: {}", e.symptom);
            let _ = writeln!(s, "  source:   {}", e.source);
        }
        if let (Some(b), Some(w)) = (c.fails_at_pods_best, c.fails_at_pods_worst)
            && b != w
        {
            let _ = writeln!(
                s,
                "  depending on where EC2 places single IPs: between {w} (scattered) and {b} (packed) pods"
            );
        }
    }
    if !plan.remedies.is_empty() {
        let _ = writeln!(s, "\nRemedies, each re-planned:");
        for r in &plan.remedies {
            let effect = match (&r.outcome, &r.not_applicable) {
                (_, Some(why)) => format!("not applicable: {why}"),
                (Some(o), None) => {
                    if o.meets_target {
                        format!(
                            "meets the target (headroom {} pods{})",
                            headroom(o.headroom_pods),
                            o.fails_at_pods
                                .map_or(String::new(), |f| format!(", fails at {f}"))
                        )
                    } else {
                        format!(
                            "still short: fails at {} pods{}",
                            opt(o.fails_at_pods),
                            o.gain_pods
                                .map_or(String::new(), |g| format!(" ({g:+} pods)"))
                        )
                    }
                }
                (None, None) => "-".to_string(),
            };
            let _ = writeln!(s, "  - {}\n    -> {effect}", r.description);
            match &r.kind {
                RemedyKind::PrefixReservations { reservations } if r.not_applicable.is_none() => {
                    for res in reservations.iter().take(6) {
                        let _ = writeln!(
                            s,
                            "      aws ec2 create-subnet-cidr-reservation --subnet-id {} --cidr {} --reservation-type prefix",
                            res.subnet_id, res.cidr
                        );
                    }
                    if reservations.len() > 6 {
                        let _ = writeln!(
                            s,
                            "      ... {} more (--format json lists all)",
                            reservations.len() - 6
                        );
                    }
                }
                RemedyKind::SecondaryCidr {
                    vpc_id,
                    cidr,
                    pod_subnets,
                } if r.not_applicable.is_none() => {
                    let _ = writeln!(
                        s,
                        "      aws ec2 associate-vpc-cidr-block --vpc-id {} --cidr-block {cidr}",
                        vpc_id.as_deref().unwrap_or("VPC_ID")
                    );
                    for ps in pod_subnets {
                        let _ = writeln!(
                            s,
                            "      pod subnet {} in {} + ENIConfig {} (custom networking)",
                            ps.cidr, ps.zone, ps.zone
                        );
                    }
                }
                RemedyKind::WarmSettings { env } if r.not_applicable.is_none() => {
                    let set: Vec<String> = env
                        .iter()
                        .map(|e| match e.value {
                            Some(v) => format!("{}={v}", e.name),
                            None => format!("{}-", e.name),
                        })
                        .collect();
                    let _ = writeln!(
                        s,
                        "      kubectl set env daemonset aws-node -n kube-system {}",
                        set.join(" ")
                    );
                }
                _ => {}
            }
        }
    }
    s
}

fn block(b: BlockState) -> MapBlock {
    match b {
        BlockState::Free => MapBlock::Free,
        BlockState::Partial { taken } => MapBlock::Partial(taken),
        BlockState::Full => MapBlock::Full,
        BlockState::AwsReserved => MapBlock::AwsReserved,
        BlockState::ReservedExplicit => MapBlock::ReservedExplicit,
        BlockState::ReservedPrefix => MapBlock::ReservedPrefix,
        BlockState::Unknown => MapBlock::Unknown,
        BlockState::AssignedPrefix => MapBlock::AssignedPrefix,
    }
}

/// A subnet's SVG file name: its id with every character but ASCII letters,
/// digits, `-` and `_` replaced by `_` (an id comes from the inputs: `../x`
/// or `a/b` must not name a file outside the `--svg` directory), and a
/// number added when two ids come out the same.
fn svg_file_name(id: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        stem.push_str("subnet");
    }
    let mut name = format!("{stem}.svg");
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{stem}-{n}.svg");
        n += 1;
    }
    name
}

/// One SVG per subnet: (file name, document).
pub fn render_svgs(plan: &Plan) -> Vec<(String, String)> {
    let mut taken = std::collections::BTreeSet::new();
    plan.subnets
        .iter()
        .map(|p| {
            let map = SubnetMap {
                title: format!(
                    "{} ({})",
                    p.subnet_id,
                    p.zone.as_deref().unwrap_or("no zone")
                ),
                base: p.cidr.network(),
                prefix_len: p.cidr.prefix_len(),
                summary: match p.occupancy {
                    Occupancy::Exact => format!(
                        "{} free addresses of {} usable, {} wholly free aligned /28 blocks",
                        p.counts.free_addresses, p.counts.usable, p.counts.free_prefixes
                    ),
                    Occupancy::CountOnly { .. } => format!(
                        "{} free addresses of {} usable (AvailableIpAddressCount); which are free is unknown: {}-{} wholly free /28 blocks",
                        p.counts.free_addresses,
                        p.counts.usable,
                        p.counts.free_prefixes,
                        p.free_prefixes_best
                    ),
                },
                blocks: p.blocks.iter().copied().map(block).collect(),
            };
            (svg_file_name(&p.subnet_id, &mut taken), render_svg(&map))
        })
        .collect()
}
