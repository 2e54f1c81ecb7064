//! Remedies, each with its effect computed: the inputs are changed as the
//! remedy would change the platform and the plan is run again.
//!
//! - [`RemedyKind::SecondaryCidr`]: add a secondary VPC CIDR (100.64.0.0/16 by
//!   default, [`SRC_VPC_CIDRS`]) split into one pod subnet per zone, and turn
//!   custom networking on: pods leave the node subnets, which keep only node
//!   IPs ([`SRC_CUSTOM_NETWORKING`]). Max pods per node drops (the primary ENI
//!   carries no pods), which the re-run accounts for.
//! - [`RemedyKind::PrefixReservations`] (prefix mode): reserve aligned free
//!   /28 blocks as `prefix` CIDR reservations before secondary and ENI IPs
//!   fragment them ([`SRC_CIDR_RESERVATIONS`], [`SRC_CNI_PREFIX_RESERVATION`]).
//!   The amount balances the two pools: with `B` prefixes and `S` single IPs
//!   asked of the subnet at the target, `H` free addresses in broken blocks,
//!   `F` free unreserved blocks and `R0` already reserved, both pools last to
//!   the same scale `x = (16 R0 + H + 16 F) / (16 B + S)`, so `ceil(x B) - R0`
//!   blocks are reserved, largest aligned runs first.
//! - [`RemedyKind::WarmSettings`]: other warm-pool settings (WARM_PREFIX_TARGET=1
//!   alone, or a small WARM_IP_TARGET, with MINIMUM_IP_TARGET in secondary mode).
//! - [`RemedyKind::PrefixDelegation`]: the other IP mode (secondary IPs need no
//!   aligned /28; prefixes need fewer ENIs and EC2 calls).
//! - [`RemedyKind::LargerSubnets`]: a new, larger subnet per zone from the
//!   VPC's free space, nodes (or, with custom networking, pods) moved there;
//!   the smallest size from /24 up to /16 that meets the target.

use crate::fragment::single_counts;
use crate::input::{PlanInputs, Reservation, ReservationKind, SubnetInput, VpcInput};
use crate::plan::{AllocError, Plan, PlanOptions, SubnetRole, plan_spaces};
use crate::sources::{
    SRC_CIDR_RESERVATIONS, SRC_CNI_PREFIX_RESERVATION, SRC_CUSTOM_NETWORKING, SRC_VPC_CIDRS,
};
use crate::space::{BLOCK_SIZE, PREFIX_LEN, SubnetSpace, build_spaces};
use eksplane_aws_data::Catalog;
use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::BTreeSet;

/// A subnet a remedy creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSubnet {
    pub id: String,
    pub zone: String,
    pub cidr: Ipv4Net,
}

/// An `aws-node` environment variable a remedy sets (`None`: unset it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvSetting {
    pub name: &'static str,
    pub value: Option<u32>,
}

/// What a remedy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "remedy")]
pub enum RemedyKind {
    SecondaryCidr {
        vpc_id: Option<String>,
        cidr: Ipv4Net,
        pod_subnets: Vec<NewSubnet>,
    },
    PrefixReservations {
        reservations: Vec<Reservation>,
    },
    WarmSettings {
        env: Vec<EnvSetting>,
    },
    PrefixDelegation {
        enable: bool,
    },
    LargerSubnets {
        /// `node` or `pod` subnets replaced.
        role: &'static str,
        subnets: Vec<NewSubnet>,
    },
}

/// The plan after the remedy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemedyOutcome {
    pub fails_at_pods: Option<u32>,
    pub failing_subnet: Option<String>,
    pub error: Option<AllocError>,
    pub headroom_pods: Option<i64>,
    pub headroom_nodes: Option<i64>,
    pub nodes_at_target: u32,
    pub meets_target: bool,
    /// Change of the failure point against the current plan (pods).
    pub gain_pods: Option<i64>,
}

/// One remedy: what it changes, and its effect (or why it does not apply).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remedy {
    #[serde(flatten)]
    pub kind: RemedyKind,
    /// One line for people.
    pub description: String,
    pub outcome: Option<RemedyOutcome>,
    pub not_applicable: Option<String>,
}

fn no_remedies(opts: &PlanOptions) -> PlanOptions {
    PlanOptions {
        remedies: false,
        ..*opts
    }
}

fn outcome(p: &Plan, base: &Plan) -> RemedyOutcome {
    let c = &p.cluster;
    let gain = match (c.fails_at_pods, base.cluster.fails_at_pods) {
        (Some(a), Some(b)) => Some(i64::from(a) - i64::from(b)),
        (None, Some(b)) => Some(i64::from(c.searched_pods) - i64::from(b)),
        _ => None,
    };
    RemedyOutcome {
        fails_at_pods: c.fails_at_pods,
        failing_subnet: c.failing_subnet.clone(),
        error: c.error,
        headroom_pods: c.headroom_pods,
        headroom_nodes: c.headroom_nodes,
        nodes_at_target: c.nodes_at_target,
        meets_target: c.meets_target,
        gain_pods: gain,
    }
}

fn evaluate(
    inputs: &PlanInputs,
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Result<RemedyOutcome, String> {
    let spaces = build_spaces(inputs).map_err(|e| e.to_string())?;
    let p = plan_spaces(inputs, &spaces, catalog, &no_remedies(opts)).map_err(|e| e.to_string())?;
    Ok(outcome(&p, base))
}

fn finish(kind: RemedyKind, description: String, r: Result<RemedyOutcome, String>) -> Remedy {
    match r {
        Ok(o) => Remedy {
            kind,
            description,
            outcome: Some(o),
            not_applicable: None,
        },
        Err(e) => Remedy {
            kind,
            description,
            outcome: None,
            not_applicable: Some(e),
        },
    }
}

/// Every remedy for this plan.
pub(crate) fn remedies(
    inputs: &PlanInputs,
    spaces: &[SubnetSpace],
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Vec<Remedy> {
    let mut out = Vec::new();
    if let Some(r) = secondary_cidr(inputs, catalog, opts, base) {
        out.push(r);
    }
    if let Some(r) = prefix_reservations(inputs, spaces, catalog, opts, base) {
        out.push(r);
    }
    out.extend(warm_settings(inputs, catalog, opts, base));
    out.push(prefix_delegation(inputs, catalog, opts, base));
    if let Some(r) = larger_subnets(inputs, catalog, opts, base) {
        out.push(r);
    }
    out
}

fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// The zones nodes launch into, in order.
fn node_zones(base: &Plan) -> Vec<String> {
    base.subnets
        .iter()
        .filter(|s| matches!(s.role, SubnetRole::Node | SubnetRole::NodeAndPod))
        .map(|s| s.zone.clone().unwrap_or_default())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The VPC the nodes are in: the first node subnet's, or the only VPC.
fn node_vpc<'a>(inputs: &'a PlanInputs, base: &Plan) -> Option<&'a VpcInput> {
    let id = base
        .subnets
        .iter()
        .filter(|s| matches!(s.role, SubnetRole::Node | SubnetRole::NodeAndPod))
        .find_map(|s| s.vpc_id.clone());
    match id {
        Some(id) => inputs.vpcs.iter().find(|v| v.id == id),
        None if inputs.vpcs.len() == 1 => inputs.vpcs.first(),
        None => None,
    }
}

fn split_bits(n: usize) -> u8 {
    let mut bits = 0u8;
    while (1usize << bits) < n {
        bits += 1;
    }
    bits
}

fn secondary_cidr(
    inputs: &PlanInputs,
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Option<Remedy> {
    if inputs.cni.custom_networking {
        return None;
    }
    let zones = node_zones(base);
    if zones.is_empty() {
        return None;
    }
    let used: Vec<Ipv4Net> = inputs
        .vpcs
        .iter()
        .flat_map(|v| v.cidrs.iter().copied())
        .chain(inputs.subnets.iter().map(|s| s.cidr))
        .collect();
    let want = opts.secondary_cidr.trunc();
    // Move within RFC 6598 100.64.0.0/10 when the preferred block is taken.
    let cgnat = Ipv4Net::new(std::net::Ipv4Addr::new(100, 64, 0, 0), 10).ok()?;
    let cidr = std::iter::once(want)
        .chain(cgnat.subnets(want.prefix_len()).ok()?)
        .find(|c| !used.iter().any(|u| overlaps(u, c)))?;
    let len = (cidr.prefix_len() + split_bits(zones.len())).min(PREFIX_LEN);
    let pieces: Vec<Ipv4Net> = cidr.subnets(len).ok()?.take(zones.len()).collect();
    let vpc = node_vpc(inputs, base);
    let mut m = inputs.clone();
    if let Some(v) = vpc
        && let Some(mv) = m.vpcs.iter_mut().find(|x| x.id == v.id)
    {
        mv.cidrs.push(cidr);
    }
    let mut new = Vec::new();
    for (zone, piece) in zones.iter().zip(pieces) {
        let id = format!(
            "new-pod-subnet-{}",
            if zone.is_empty() { "any" } else { zone }
        );
        let mut s = SubnetInput::new(
            id.clone(),
            piece,
            (!zone.is_empty()).then_some(zone.as_str()),
        );
        s.label = format!(
            "new pod subnet {piece}{}",
            if zone.is_empty() {
                String::new()
            } else {
                format!(" ({zone})")
            }
        );
        s.vpc_id = vpc.map(|v| v.id.clone());
        m.subnets.push(s);
        m.pod_subnets.insert(zone.clone(), vec![id.clone()]);
        new.push(NewSubnet {
            id,
            zone: zone.clone(),
            cidr: piece,
        });
    }
    m.cni.custom_networking = true;
    let description = format!(
        "add {cidr} to the VPC as a secondary CIDR, one /{len} pod subnet per zone, and custom networking (ENIConfig per zone): pods leave the node subnets ({SRC_CUSTOM_NETWORKING}; {SRC_VPC_CIDRS})"
    );
    Some(finish(
        RemedyKind::SecondaryCidr {
            vpc_id: vpc.map(|v| v.id.clone()),
            cidr,
            pod_subnets: new,
        },
        description,
        evaluate(&m, catalog, opts, base),
    ))
}

/// Aligned CIDRs covering exactly `blocks` (sorted block indices of free,
/// unreserved /28s), maximal aligned runs first.
fn aligned_runs(space: &SubnetSpace, blocks: &[u32]) -> Vec<(u32, u32)> {
    let set: BTreeSet<u32> = blocks.iter().copied().collect();
    let mut runs = Vec::new();
    let mut i = 0usize;
    while i < blocks.len() {
        let b = blocks[i];
        let mut size = 1u32;
        while b.is_multiple_of(size * 2)
            && size * 2 <= space.block_count()
            && (b..b + size * 2).all(|x| set.contains(&x))
        {
            size *= 2;
        }
        runs.push((b, size));
        // Skip the blocks this run covers.
        while i < blocks.len() && blocks[i] < b + size {
            i += 1;
        }
    }
    runs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    runs
}

fn prefix_reservations(
    inputs: &PlanInputs,
    spaces: &[SubnetSpace],
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Option<Remedy> {
    if !inputs.cni.prefix_delegation {
        return None;
    }
    let mut reservations = Vec::new();
    for (sp, sub) in spaces.iter().zip(&base.subnets) {
        let b_t = sub.at_target.prefixes;
        if b_t == 0 {
            continue;
        }
        let s_t = sub.at_target.singles;
        let (holed, free, reserved, _) = single_counts(sp);
        let supply = 16 * u64::from(reserved) + u64::from(holed) + 16 * u64::from(free);
        let per = 16 * u64::from(b_t) + u64::from(s_t);
        // ceil(x * B) with x = supply / per.
        let want = (supply * u64::from(b_t)).div_ceil(per.max(1));
        let mut need = want
            .saturating_sub(u64::from(reserved))
            .min(u64::from(free)) as u32;
        if need == 0 {
            continue;
        }
        let candidates: Vec<u32> = (0..sp.block_count())
            .filter(|&b| sp.block_free(b) && sp.block_masks(b).3 == 0)
            .collect();
        for (start, size) in aligned_runs(sp, &candidates) {
            if need == 0 {
                break;
            }
            // Take the largest aligned piece of this run that fits the need.
            let mut s = size;
            let mut at = start;
            while need > 0 && at < start + size {
                while s > need {
                    s /= 2;
                }
                let len = PREFIX_LEN - s.trailing_zeros() as u8;
                if let Ok(cidr) = Ipv4Net::new(sp.addr(at * BLOCK_SIZE), len) {
                    reservations.push(Reservation {
                        subnet_id: sp.id.clone(),
                        cidr,
                        kind: ReservationKind::Prefix,
                    });
                }
                need -= s;
                at += s;
            }
        }
    }
    if reservations.is_empty() {
        return None;
    }
    let mut m = inputs.clone();
    m.reservations.extend(reservations.iter().cloned());
    let blocks: u32 = reservations
        .iter()
        .map(|r| 1u32 << (PREFIX_LEN - r.cidr.prefix_len()))
        .sum();
    let description = format!(
        "create {} prefix-type subnet CIDR reservation(s) ({blocks} aligned /28 blocks) so secondary and ENI IPs cannot fragment the space prefixes need ({SRC_CIDR_RESERVATIONS}; {SRC_CNI_PREFIX_RESERVATION})",
        reservations.len()
    );
    Some(finish(
        RemedyKind::PrefixReservations { reservations },
        description,
        evaluate(&m, catalog, opts, base),
    ))
}

fn warm_settings(
    inputs: &PlanInputs,
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Vec<Remedy> {
    let cur = inputs.cni;
    let median_ppn = {
        let mut v: Vec<u32> = base.groups.iter().map(|g| g.pods_per_node).collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let candidates: Vec<(Option<u32>, Option<u32>, Option<u32>)> = if cur.prefix_delegation {
        // (WARM_IP_TARGET, MINIMUM_IP_TARGET, WARM_PREFIX_TARGET)
        vec![(None, None, Some(1)), (Some(2), None, None)]
    } else {
        vec![
            (Some(2), None, None),
            (Some(2), (median_ppn > 0).then_some(median_ppn), None),
        ]
    };
    let mut out = Vec::new();
    for (wip, mip, wpt) in candidates {
        let mut c = cur;
        c.warm_ip_target = wip;
        c.minimum_ip_target = mip;
        if cur.prefix_delegation {
            c.warm_prefix_target = wpt;
        }
        if c == cur {
            continue;
        }
        let mut env = vec![
            EnvSetting {
                name: "WARM_IP_TARGET",
                value: wip,
            },
            EnvSetting {
                name: "MINIMUM_IP_TARGET",
                value: mip,
            },
        ];
        if cur.prefix_delegation {
            env.push(EnvSetting {
                name: "WARM_PREFIX_TARGET",
                value: wpt,
            });
        }
        let words: Vec<String> = env
            .iter()
            .map(|e| match e.value {
                Some(v) => format!("{}={v}", e.name),
                None => format!("{} unset", e.name),
            })
            .collect();
        let note = if wip.is_some() {
            "smaller warm pool, more EC2 calls as pods churn"
        } else {
            "one spare /28 per node, the setting AWS recommends with prefix delegation"
        };
        let mut m = inputs.clone();
        m.cni = c;
        out.push(finish(
            RemedyKind::WarmSettings { env },
            format!("aws-node: {} ({note}; aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md, docs/prefix-and-ip-target.md)", words.join(", ")),
            evaluate(&m, catalog, opts, base),
        ));
    }
    out
}

fn prefix_delegation(
    inputs: &PlanInputs,
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Remedy {
    let enable = !inputs.cni.prefix_delegation;
    let mut m = inputs.clone();
    m.cni.prefix_delegation = enable;
    let description = if enable {
        "ENABLE_PREFIX_DELEGATION=true: /28 prefixes, fewer ENIs and EC2 calls per node, but each needs a wholly free aligned /28".to_string()
    } else {
        "ENABLE_PREFIX_DELEGATION=false: secondary IPs can come from any free address, no aligned /28 needed (fewer pods per node)".to_string()
    };
    finish(
        RemedyKind::PrefixDelegation { enable },
        description,
        evaluate(&m, catalog, opts, base),
    )
}

/// `count` non-overlapping /`len` CIDRs inside `vpc` avoiding `used`.
fn free_space(vpc: &VpcInput, used: &[Ipv4Net], len: u8, count: usize) -> Option<Vec<Ipv4Net>> {
    let mut got: Vec<Ipv4Net> = Vec::new();
    for c in &vpc.cidrs {
        if c.prefix_len() > len {
            continue;
        }
        for cand in c.subnets(len).ok()? {
            if got.len() == count {
                return Some(got);
            }
            if !used.iter().chain(got.iter()).any(|u| overlaps(u, &cand)) {
                got.push(cand);
            }
        }
    }
    (got.len() == count).then_some(got)
}

fn larger_subnets(
    inputs: &PlanInputs,
    catalog: &Catalog,
    opts: &PlanOptions,
    base: &Plan,
) -> Option<Remedy> {
    let cn = inputs.cni.custom_networking;
    let role_ok = |r: SubnetRole| {
        if cn {
            matches!(r, SubnetRole::Pod | SubnetRole::NodeAndPod)
        } else {
            matches!(r, SubnetRole::Node | SubnetRole::NodeAndPod)
        }
    };
    let current: Vec<&crate::plan::SubnetPlan> =
        base.subnets.iter().filter(|s| role_ok(s.role)).collect();
    let smallest_len = current.iter().map(|s| s.cidr.prefix_len()).min()?;
    let zones: Vec<String> = current
        .iter()
        .map(|s| s.zone.clone().unwrap_or_default())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let role = if cn { "pod" } else { "node" };
    let Some(vpc) = node_vpc(inputs, base) else {
        return Some(Remedy {
            kind: RemedyKind::LargerSubnets {
                role,
                subnets: Vec::new(),
            },
            description: format!("larger {role} subnets"),
            outcome: None,
            not_applicable: Some("the VPC and its CIDRs are not among the inputs".to_string()),
        });
    };
    let used: Vec<Ipv4Net> = inputs.subnets.iter().map(|s| s.cidr).collect();
    let mut last: Option<Remedy> = None;
    let start = smallest_len.saturating_sub(1).min(24);
    for len in (16..=start).rev() {
        let Some(cidrs) = free_space(vpc, &used, len, zones.len()) else {
            break;
        };
        let mut m = inputs.clone();
        let mut new = Vec::new();
        let mut ids = Vec::new();
        for (zone, cidr) in zones.iter().zip(cidrs) {
            let id = format!(
                "new-{role}-subnet-{}",
                if zone.is_empty() { "any" } else { zone }
            );
            let mut s = SubnetInput::new(
                id.clone(),
                cidr,
                (!zone.is_empty()).then_some(zone.as_str()),
            );
            s.label = format!(
                "new {role} subnet {cidr}{}",
                if zone.is_empty() {
                    String::new()
                } else {
                    format!(" ({zone})")
                }
            );
            s.vpc_id = Some(vpc.id.clone());
            m.subnets.push(s);
            ids.push((zone.clone(), id.clone()));
            new.push(NewSubnet {
                id,
                zone: zone.clone(),
                cidr,
            });
        }
        if cn {
            m.pod_subnets.clear();
            for (zone, id) in &ids {
                m.pod_subnets.insert(zone.clone(), vec![id.clone()]);
            }
        } else {
            m.node_subnets = ids.iter().map(|(_, id)| id.clone()).collect();
            for g in &mut m.demand.groups {
                g.subnets = None;
            }
        }
        let r = evaluate(&m, catalog, opts, base);
        let meets = r.as_ref().is_ok_and(|o| o.meets_target);
        last = Some(finish(
            RemedyKind::LargerSubnets { role, subnets: new },
            format!(
                "create a /{len} {role} subnet per zone in {}'s free space and move the {} there",
                vpc.id,
                if cn { "ENIConfigs" } else { "node groups" }
            ),
            r,
        ));
        if meets {
            break;
        }
    }
    Some(last.unwrap_or_else(|| Remedy {
        kind: RemedyKind::LargerSubnets {
            role,
            subnets: Vec::new(),
        },
        description: format!("larger {role} subnets"),
        outcome: None,
        not_applicable: Some(format!(
            "{} has no free space for a larger subnet per zone; add a secondary CIDR",
            vpc.id
        )),
    }))
}
