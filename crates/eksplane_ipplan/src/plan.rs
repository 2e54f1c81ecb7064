//! The verdict: pods arrive one at a time, nodes launch as the mix needs
//! them, and each node's addresses (node IP, ENIs, warm pool) are taken from
//! its subnets by the fragmentation model, until each subnet fails. Reports
//! per subnet, per zone and for the cluster the pod count at which allocation
//! fails, the error the CNI or EC2 would report, and the headroom at the target.
//!
//! **The arrival model** (deterministic): fixed groups' nodes launch first and
//! take pods first, node by node, up to their pods per node; then pods go to
//! the share groups in proportion to their shares (smooth weighted round
//! robin), each group filling its newest node before launching the next
//! (bin-packing, as a provisioner that launches nodes for pending pods does).
//! A node's pods only grow, so ipamd only ever adds IPs, ENIs and prefixes.
//! The `n`-th node of a group goes to the zones in turn, then the zone's
//! subnets in turn. When a subnet fails, the nodes the spread would still put
//! there get nothing more from it, and the others go on: each subnet's own
//! failure point is reported, and the cluster's is the first of them. The
//! search for the other subnets' failure points stops at [`SEARCH_HORIZON`]
//! times the first failure (or the target, if larger); a subnet that has not
//! failed by then reports none, and `searched_pods` says how far it went.

use crate::demand::{GroupDemand, Mode, NodeAddresses, ResolvedGroup, resolve_groups, zone_key};
use crate::error::PlanError;
use crate::fragment::{Allocator, Policy, Shortage};
use crate::input::{NodeCount, PlanInputs};
use crate::remedy::{Remedy, remedies};
use crate::sources::{
    SRC_CNI_ADD_FAILED, SRC_CREATE_ENI_FULL, SRC_INSUFFICIENT_CIDR_BLOCKS,
    SRC_INSUFFICIENT_FREE_ADDRESSES, SRC_LAUNCH_ERRORS,
};
use crate::space::{
    BlockState, Occupancy, SpaceCounts, SubnetSpace, UnknownLayout, any_count_only, build_spaces,
    build_spaces_with,
};
use eksplane_aws_data::Catalog;
use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// After the first failure, the search goes on to this many times the
/// first failure point (or the target, if larger) for the other subnets'.
pub const SEARCH_HORIZON: u64 = 4;

/// Planner options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    /// The fragmentation model's seed.
    pub seed: u64,
    /// Stop searching for failure points beyond this many pods.
    pub max_pods: u32,
    /// Compute remedies (each re-runs the plan).
    pub remedies: bool,
    /// The secondary CIDR the custom-networking remedy adds (moved within
    /// 100.64.0.0/10 if it overlaps the VPC).
    pub secondary_cidr: Ipv4Net,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            seed: 0x5EED_1B1A,
            max_pods: 4_000_000,
            remedies: true,
            // RFC 6598 shared address space, the usual pod CIDR for custom
            // networking (EKS User Guide, cni-custom-network).
            secondary_cidr: Ipv4Net::new(std::net::Ipv4Addr::new(100, 64, 0, 0), 16)
                .unwrap_or_default(),
        }
    }
}

/// Which allocation fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The node's primary IP: the instance does not launch.
    NodeLaunch,
    /// An ENI's primary IP: ipamd cannot attach another ENI.
    EniCreate,
    /// A secondary IP for pods.
    SecondaryIp,
    /// A /28 prefix for pods: no wholly free aligned block, even when free
    /// addresses remain.
    Prefix,
}

/// The error a failure shows up as, with its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AllocError {
    pub kind: FailureKind,
    /// The EC2 error code.
    pub ec2_code: &'static str,
    /// The EC2 error message.
    pub message: &'static str,
    /// What a person sees.
    pub symptom: &'static str,
    /// Where the code and message come from.
    pub source: &'static str,
    /// Where the pod's symptom comes from.
    pub symptom_source: &'static str,
}

/// "The specified subnet does not have enough free addresses to satisfy the
/// request." ([`SRC_INSUFFICIENT_FREE_ADDRESSES`]).
pub const MSG_INSUFFICIENT_FREE_ADDRESSES: &str =
    "The specified subnet does not have enough free addresses to satisfy the request.";
/// "The specified subnet does not have enough free cidr blocks to satisfy the
/// request" ([`SRC_INSUFFICIENT_CIDR_BLOCKS`]).
pub const MSG_INSUFFICIENT_CIDR_BLOCKS: &str =
    "The specified subnet does not have enough free cidr blocks to satisfy the request.";
/// CreateNetworkInterface in a full subnet ([`SRC_CREATE_ENI_FULL`]).
pub const MSG_CREATE_ENI_FULL: &str = "There aren't sufficient free Ipv4 addresses or prefixes";
/// The pod event ([`SRC_CNI_ADD_FAILED`]).
pub const MSG_CNI_ADD_FAILED: &str = "add cmd: failed to assign an IP address to container";

impl FailureKind {
    pub fn error(self) -> AllocError {
        match self {
            FailureKind::NodeLaunch => AllocError {
                kind: self,
                ec2_code: "InsufficientFreeAddressesInSubnet",
                message: MSG_INSUFFICIENT_FREE_ADDRESSES,
                symptom: "the instance launch fails (RunInstances / CreateFleet); the node never joins and its pods stay Pending",
                source: SRC_LAUNCH_ERRORS,
                symptom_source: SRC_LAUNCH_ERRORS,
            },
            FailureKind::EniCreate => AllocError {
                kind: self,
                ec2_code: "InvalidParameterValue",
                message: MSG_CREATE_ENI_FULL,
                symptom: "ipamd cannot create an ENI (CreateNetworkInterface); pods stay ContainerCreating with \"add cmd: failed to assign an IP address to container\"",
                source: SRC_CREATE_ENI_FULL,
                symptom_source: SRC_CNI_ADD_FAILED,
            },
            FailureKind::SecondaryIp => AllocError {
                kind: self,
                ec2_code: "InsufficientFreeAddressesInSubnet",
                message: MSG_INSUFFICIENT_FREE_ADDRESSES,
                symptom: "ipamd cannot assign secondary IPs (AssignPrivateIpAddresses); pods stay ContainerCreating with \"add cmd: failed to assign an IP address to container\"",
                source: SRC_INSUFFICIENT_FREE_ADDRESSES,
                symptom_source: SRC_CNI_ADD_FAILED,
            },
            FailureKind::Prefix => AllocError {
                kind: self,
                ec2_code: "InsufficientCidrBlocks",
                message: MSG_INSUFFICIENT_CIDR_BLOCKS,
                symptom: "ipamd cannot assign a /28 prefix (no wholly free aligned /28, though free addresses may remain); pods stay ContainerCreating with \"add cmd: failed to assign an IP address to container\"",
                source: SRC_INSUFFICIENT_CIDR_BLOCKS,
                symptom_source: SRC_CNI_ADD_FAILED,
            },
        }
    }
}

/// Both codes are the ones ipamd checks for subnet exhaustion ([`SRC_IPAMD_ERRORS`](crate::sources::SRC_IPAMD_ERRORS)).
pub const IPAMD_EXHAUSTION_CODES: [&str; 2] = [
    "InsufficientCidrBlocks",
    "InsufficientFreeAddressesInSubnet",
];

/// What a subnet is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubnetRole {
    Node,
    Pod,
    NodeAndPod,
    /// Neither: its space is reported, nothing is planned into it.
    Other,
}

/// A subnet at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubnetAtTarget {
    /// Nodes with their node IP or pod ENIs here.
    pub nodes: u32,
    /// Pods whose IPs come from here.
    pub pods: u32,
    /// Single addresses the plan asks of it (node IPs, ENI IPs, secondary IPs).
    pub singles: u32,
    /// /28 prefixes the plan asks of it.
    pub prefixes: u32,
    /// `singles + 16 x prefixes`.
    pub addresses: u32,
    /// Addresses still free for single IPs then (model).
    pub free_for_secondary_left: u32,
    /// Wholly free /28 blocks left then (model).
    pub free_prefixes_left: u32,
}

/// One subnet's plan. The JSON object the issue asks for: `subnet_id`,
/// `cidr`, `zone`, `free_addresses`, `free_prefixes`, and the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubnetPlan {
    pub subnet_id: String,
    pub label: String,
    pub cidr: Ipv4Net,
    pub zone: Option<String>,
    pub vpc_id: Option<String>,
    pub role: SubnetRole,
    #[serde(flatten)]
    pub counts: SpaceCounts,
    pub at_target: SubnetAtTarget,
    /// The cluster pod count whose allocation first fails here (model).
    pub fails_at_pods: Option<u32>,
    /// With single IPs packed (the latest any placement could fail).
    pub fails_at_pods_best: Option<u32>,
    /// With single IPs scattered (the earliest).
    pub fails_at_pods_worst: Option<u32>,
    /// Nodes here when it fails.
    pub nodes_at_failure: Option<u32>,
    /// `fails_at_pods - 1 - target`: pods the cluster can still add (negative:
    /// already failing at the target).
    pub headroom_pods: Option<i64>,
    /// Nodes that can still come here before it fails.
    pub headroom_nodes: Option<i64>,
    pub error: Option<AllocError>,
    /// Whether the taken addresses are known one by one, or only by count
    /// (`AvailableIpAddressCount` without an ENI snapshot: the counts above
    /// then lay them out scattered, the worst case for /28 prefixes).
    pub occupancy: Occupancy,
    /// Wholly free /28 blocks in the best case (taken addresses packed);
    /// equal to `free_prefixes` when the occupancy is exact.
    pub free_prefixes_best: u32,
    /// Every aligned /28 in address order, for the map.
    pub blocks: Vec<BlockState>,
}

/// One zone's plan: its subnets' first failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonePlan {
    pub zone: String,
    pub subnets: Vec<String>,
    pub nodes_at_target: u32,
    pub pods_at_target: u32,
    pub free_addresses: u32,
    pub free_prefixes: u32,
    pub fails_at_pods: Option<u32>,
    pub failing_subnet: Option<String>,
    pub error: Option<AllocError>,
    pub headroom_pods: Option<i64>,
    pub headroom_nodes: Option<i64>,
}

/// Whether the subnets hold the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetVerdict {
    /// They do, even with unknown addresses laid out at their worst.
    Holds,
    /// They do not, even with unknown addresses laid out at their best.
    Fails,
    /// It depends on where the addresses only counted are (no ENI snapshot).
    Unknown,
}

/// The cluster's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterVerdict {
    pub target_pods: u32,
    /// Whether the mix can hold the target at all (fixed groups only: their
    /// nodes x pods per node).
    pub target_reached: bool,
    /// The most pods the mix holds, when it is bounded (fixed groups only).
    pub capacity_pods: Option<u32>,
    pub nodes_at_target: u32,
    /// The first failure anywhere.
    pub fails_at_pods: Option<u32>,
    pub fails_at_pods_best: Option<u32>,
    pub fails_at_pods_worst: Option<u32>,
    pub failing_subnet: Option<String>,
    pub error: Option<AllocError>,
    pub headroom_pods: Option<i64>,
    pub headroom_nodes: Option<i64>,
    /// Whether the target fits: no failure at or below it (with count-only
    /// subnets laid out at their worst).
    pub meets_target: bool,
    /// The verdict, never `holds` on unknowns: see [`TargetVerdict`].
    pub verdict: TargetVerdict,
    /// Subnets whose taken addresses are known only by count.
    pub occupancy_unknown: Vec<String>,
    /// Pods searched (failure points beyond this are not known).
    pub searched_pods: u32,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub target_pods: u32,
    /// The mode prefix delegation asks for (per-group modes may fall back).
    pub mode: Mode,
    pub custom_networking: bool,
    pub seed: u64,
    pub cluster: ClusterVerdict,
    pub zones: Vec<ZonePlan>,
    pub subnets: Vec<SubnetPlan>,
    pub groups: Vec<GroupDemand>,
    pub remedies: Vec<Remedy>,
}

/// Plans the inputs: validates them, builds each subnet's space, runs the
/// arrival model (random model, and packed/scattered bounds in prefix mode)
/// and, with `opts.remedies`, each remedy.
///
/// Subnets known only by count (`AvailableIpAddressCount`, no ENI snapshot)
/// are planned twice: taken addresses scattered (the headline figures, the
/// worst case) and packed (the best case, `*_best`).
pub fn plan(inputs: &PlanInputs, catalog: &Catalog, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let spaces = build_spaces(inputs)?;
    let mut p = plan_spaces(inputs, &spaces, catalog, opts)?;
    if any_count_only(&spaces) {
        let best_spaces = build_spaces_with(inputs, UnknownLayout::Packed)?;
        let best = plan_spaces(inputs, &best_spaces, catalog, opts)?;
        for (s, b) in p.subnets.iter_mut().zip(&best.subnets) {
            s.fails_at_pods_best = b.fails_at_pods_best;
            s.free_prefixes_best = b.counts.free_prefixes;
        }
        p.cluster.fails_at_pods_best = best.cluster.fails_at_pods_best;
        if p.cluster.verdict == TargetVerdict::Unknown && !best.cluster.meets_target {
            p.cluster.verdict = TargetVerdict::Fails;
        }
    }
    if opts.remedies {
        p.remedies = remedies(inputs, &spaces, catalog, opts, &p);
    }
    Ok(p)
}

/// The plan's layout: which subnets host nodes and pods.
pub(crate) struct Layout {
    /// zone -> pod subnet indices (custom networking).
    pub pod_subnets: BTreeMap<String, Vec<usize>>,
    pub groups: Vec<ResolvedGroup>,
}

pub(crate) fn layout(
    inputs: &PlanInputs,
    spaces: &[SubnetSpace],
    catalog: &Catalog,
) -> Result<Layout, PlanError> {
    let ids: Vec<&str> = spaces.iter().map(|s| s.id.as_str()).collect();
    let zones: Vec<String> = spaces.iter().map(|s| zone_key(&s.zone)).collect();
    let find = |id: &str, what: &str| {
        ids.iter()
            .position(|s| *s == id)
            .ok_or_else(|| PlanError::UnknownSubnet {
                what: what.to_string(),
                subnet_id: id.to_string(),
            })
    };
    let mut pod_subnets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut pod_set = BTreeSet::new();
    for (zone, list) in &inputs.pod_subnets {
        for id in list {
            let i = find(id, &format!("ENIConfig for {zone}"))?;
            pod_subnets.entry(zone.clone()).or_default().push(i);
            pod_set.insert(i);
        }
    }
    let node_subnets: Vec<usize> = if inputs.node_subnets.is_empty() {
        (0..spaces.len()).filter(|i| !pod_set.contains(i)).collect()
    } else {
        inputs
            .node_subnets
            .iter()
            .map(|id| find(id, "node subnets"))
            .collect::<Result<_, _>>()?
    };
    if node_subnets.is_empty() && !inputs.demand.groups.is_empty() {
        return Err(PlanError::NoNodeSubnets);
    }
    let groups = resolve_groups(inputs, catalog, &node_subnets, &ids, &zones)?;
    if inputs.cni.custom_networking {
        for g in &groups {
            for (zone, list) in &g.zones {
                if pod_subnets.get(zone).is_none_or(|l| l.is_empty()) {
                    let subnet = list
                        .first()
                        .and_then(|&i| spaces.get(i))
                        .map(|s| s.label.clone())
                        .unwrap_or_default();
                    return Err(PlanError::NoPodSubnet {
                        zone: if zone.is_empty() {
                            "(unknown zone)".to_string()
                        } else {
                            zone.clone()
                        },
                        subnet,
                    });
                }
            }
        }
    }
    Ok(Layout {
        pod_subnets,
        groups,
    })
}

/// Per-subnet state during a run.
#[derive(Debug, Clone, Default)]
struct SubnetRun {
    alloc: Option<Allocator>,
    failed: Option<(u32, FailureKind)>,
    /// Pod counts at which a node attached to this subnet.
    launches: Vec<u32>,
    pods: u32,
    singles: u32,
    prefixes: u32,
    at_target: Option<SubnetAtTarget>,
}

#[derive(Debug, Clone)]
struct NodeRun {
    group: usize,
    pods: u32,
    node_subnet: usize,
    pod_subnet: usize,
}

/// A run's results.
#[derive(Debug, Clone)]
struct RunResult {
    subnets: Vec<SubnetRun>,
    /// Pod counts at which each node launched.
    launches: Vec<u32>,
    group_at_target: Vec<(u32, u32)>,
    searched: u32,
    capacity: Option<u32>,
}

struct Runner<'a> {
    spaces: &'a [SubnetSpace],
    layout: &'a Layout,
    policy: Policy,
    seed: u64,
    subnets: Vec<SubnetRun>,
    nodes: Vec<NodeRun>,
    launches: Vec<u32>,
    group_nodes: Vec<Vec<usize>>,
    group_pods: Vec<u32>,
    pods: u32,
    /// Subnets the share groups keep growing into.
    growing: Vec<bool>,
    growing_failed: usize,
    first_failure: Option<u32>,
}

impl Runner<'_> {
    fn request(&mut self, s: usize, kind: FailureKind, count: u32) {
        if count == 0 {
            return;
        }
        let pods = self.pods;
        let (spaces, policy, seed) = (self.spaces, self.policy, self.seed);
        let Some(run) = self.subnets.get_mut(s) else {
            return;
        };
        if kind == FailureKind::Prefix {
            run.prefixes += count;
        } else {
            run.singles += count;
        }
        if run.failed.is_some() {
            return;
        }
        let alloc = run.alloc.get_or_insert_with(|| {
            let space = &spaces[s];
            Allocator::new(
                space,
                policy,
                seed ^ (s as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            )
        });
        for _ in 0..count {
            let r = if kind == FailureKind::Prefix {
                alloc.take_block().map(|_| ())
            } else {
                alloc.take_single().map(|_| ())
            };
            if let Err(short) = r {
                // A prefix request with no block is InsufficientCidrBlocks;
                // anything with no address left is the address error.
                let k = match (kind, short) {
                    (FailureKind::Prefix, Shortage::Block) => FailureKind::Prefix,
                    (k, _) => k,
                };
                run.failed = Some((pods, k));
                if self.growing.get(s).copied().unwrap_or(false) {
                    self.growing_failed += 1;
                }
                self.first_failure = Some(self.first_failure.map_or(pods, |f| f.min(pods)));
                return;
            }
        }
    }

    fn apply(&mut self, node: usize, from: Option<NodeAddresses>, to: NodeAddresses) {
        let Some(n) = self.nodes.get(node) else {
            return;
        };
        let (ns, ps) = (n.node_subnet, n.pod_subnet);
        let f = from.unwrap_or(NodeAddresses {
            custom_networking: to.custom_networking,
            ..NodeAddresses::default()
        });
        let pod_side = if to.custom_networking { ps } else { ns };
        self.request(
            ns,
            FailureKind::NodeLaunch,
            to.node_ip.saturating_sub(f.node_ip),
        );
        self.request(
            ns,
            FailureKind::EniCreate,
            to.trunk_eni.saturating_sub(f.trunk_eni),
        );
        self.request(
            pod_side,
            FailureKind::EniCreate,
            to.extra_enis.saturating_sub(f.extra_enis),
        );
        self.request(
            pod_side,
            FailureKind::SecondaryIp,
            to.secondary_ips.saturating_sub(f.secondary_ips),
        );
        self.request(
            pod_side,
            FailureKind::Prefix,
            to.prefixes.saturating_sub(f.prefixes),
        );
    }

    fn launch(&mut self, g: usize) -> Option<usize> {
        let group = self.layout.groups.get(g)?;
        let j = self.group_nodes.get(g)?.len() as u32;
        let (ns, zone) = group.subnet_of_node(j)?;
        let nz = group.zones.len().max(1) as u32;
        let ps = if group.view.primary_eni_excluded {
            let list = self.layout.pod_subnets.get(zone)?;
            *list.get(((j / nz) as usize) % list.len().max(1))?
        } else {
            ns
        };
        let idx = self.nodes.len();
        self.nodes.push(NodeRun {
            group: g,
            pods: 0,
            node_subnet: ns,
            pod_subnet: ps,
        });
        self.group_nodes[g].push(idx);
        self.launches.push(self.pods);
        self.subnets[ns].launches.push(self.pods);
        if ps != ns {
            self.subnets[ps].launches.push(self.pods);
        }
        let empty = *group.table.first()?;
        self.apply(idx, None, empty);
        Some(idx)
    }

    fn add_pod(&mut self, node: usize) {
        let Some(n) = self.nodes.get_mut(node) else {
            return;
        };
        n.pods += 1;
        let (g, k, ps, ns) = (n.group, n.pods, n.pod_subnet, n.node_subnet);
        self.group_pods[g] += 1;
        let Some(group) = self.layout.groups.get(g) else {
            return;
        };
        let (Some(&from), Some(&to)) =
            (group.table.get(k as usize - 1), group.table.get(k as usize))
        else {
            return;
        };
        let side = if to.custom_networking { ps } else { ns };
        self.subnets[side].pods += 1;
        self.apply(node, Some(from), to);
    }

    fn snapshot(&mut self) {
        for s in &mut self.subnets {
            let (free_singles, free_blocks) = match &s.alloc {
                Some(a) => (a.free_singles(), a.free_blocks()),
                None => (u32::MAX, u32::MAX),
            };
            s.at_target = Some(SubnetAtTarget {
                nodes: s.launches.len() as u32,
                pods: s.pods,
                singles: s.singles,
                prefixes: s.prefixes,
                addresses: s.singles.saturating_add(s.prefixes.saturating_mul(16)),
                free_for_secondary_left: free_singles,
                free_prefixes_left: free_blocks,
            });
        }
    }
}

fn run(
    spaces: &[SubnetSpace],
    layout: &Layout,
    target: u32,
    policy: Policy,
    opts: &PlanOptions,
) -> RunResult {
    let groups = &layout.groups;
    let mut r = Runner {
        spaces,
        layout,
        policy,
        seed: opts.seed,
        subnets: vec![SubnetRun::default(); spaces.len()],
        nodes: Vec::new(),
        launches: Vec::new(),
        group_nodes: vec![Vec::new(); groups.len()],
        group_pods: vec![0; groups.len()],
        pods: 0,
        growing: vec![false; spaces.len()],
        growing_failed: 0,
        first_failure: None,
    };
    // Fixed groups: all nodes launch before any pod.
    for (g, group) in groups.iter().enumerate() {
        if let NodeCount::Fixed(n) = group.nodes {
            for _ in 0..n {
                r.launch(g);
            }
        }
    }
    let fixed_nodes: Vec<usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| matches!(g.nodes, NodeCount::Fixed(_)))
        .flat_map(|(g, _)| r.group_nodes[g].clone())
        .collect();
    let shares: Vec<(usize, u64)> = groups
        .iter()
        .enumerate()
        .filter_map(|(g, gr)| match gr.nodes {
            NodeCount::Share(w) => Some((g, u64::from(w))),
            NodeCount::Fixed(_) => None,
        })
        .collect();
    let total_share: i64 = shares.iter().map(|(_, w)| *w as i64).sum();
    let mut current: Vec<i64> = vec![0; shares.len()];
    // Subnets the share groups keep growing into.
    let mut growing = BTreeSet::new();
    for &(g, _) in &shares {
        for (zone, list) in &groups[g].zones {
            growing.extend(list.iter().copied());
            if groups[g].view.primary_eni_excluded
                && let Some(p) = layout.pod_subnets.get(zone)
            {
                growing.extend(p.iter().copied());
            }
        }
    }
    for &s in &growing {
        if let Some(g) = r.growing.get_mut(s) {
            *g = true;
        }
    }
    r.growing_failed = growing
        .iter()
        .filter(|&&s| r.subnets[s].failed.is_some())
        .count();
    let capacity: Option<u32> = if shares.is_empty() {
        Some(
            fixed_nodes
                .iter()
                .map(|&n| groups[r.nodes[n].group].pods_per_node)
                .fold(0u32, u32::saturating_add),
        )
    } else {
        None
    };
    if target == 0 {
        r.snapshot();
    }
    let mut fixed_cursor = 0usize;
    loop {
        if r.pods >= opts.max_pods {
            break;
        }
        if r.pods >= target {
            if r.growing_failed == growing.len() {
                break;
            }
            // Past the first failure, search on to a horizon only: the other
            // subnets' failure points beyond it are reported as unknown.
            if let Some(f) = r.first_failure
                && u64::from(r.pods)
                    >= (SEARCH_HORIZON * u64::from(f)).max(SEARCH_HORIZON * u64::from(target))
            {
                break;
            }
        }
        // The node for the next pod.
        while let Some(&n) = fixed_nodes.get(fixed_cursor) {
            if r.nodes[n].pods < groups[r.nodes[n].group].pods_per_node {
                break;
            }
            fixed_cursor += 1;
        }
        let node = if let Some(&n) = fixed_nodes.get(fixed_cursor) {
            n
        } else if shares.is_empty() {
            break;
        } else {
            // Smooth weighted round robin over the share groups.
            let mut best = 0;
            for (i, (_, w)) in shares.iter().enumerate() {
                current[i] += *w as i64;
                if current[i] > current[best] {
                    best = i;
                }
            }
            current[best] -= total_share;
            let g = shares[best].0;
            let last = r.group_nodes[g].last().copied();
            match last {
                Some(n) if r.nodes[n].pods < groups[g].pods_per_node => n,
                _ => {
                    // The node launches for this pod: record it at this count.
                    r.pods += 1;
                    let launched = r.launch(g);
                    r.pods -= 1;
                    match launched {
                        Some(n) => n,
                        None => break,
                    }
                }
            }
        };
        r.pods += 1;
        r.add_pod(node);
        if r.pods == target {
            r.snapshot();
        }
    }
    if r.pods < target {
        r.snapshot();
    }
    let group_at_target = (0..groups.len())
        .map(|g| {
            let nodes = r.group_nodes[g].len() as u32;
            (nodes, r.group_pods[g])
        })
        .collect();
    RunResult {
        group_at_target,
        searched: r.pods,
        capacity,
        launches: r.launches,
        subnets: r.subnets,
    }
}

fn count_upto(launches: &[u32], pods: u32) -> u32 {
    launches.partition_point(|&p| p <= pods) as u32
}

fn headroom(fails_at: Option<u32>, target: u32) -> Option<i64> {
    fails_at.map(|f| i64::from(f) - 1 - i64::from(target))
}

fn min_fail(it: impl Iterator<Item = Option<u32>>) -> Option<u32> {
    it.flatten().min()
}

/// The plan without remedies.
pub(crate) fn plan_spaces(
    inputs: &PlanInputs,
    spaces: &[SubnetSpace],
    catalog: &Catalog,
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    let layout = layout(inputs, spaces, catalog)?;
    let target = inputs.demand.target_pods;
    let main = run(spaces, &layout, target, Policy::Random, opts);
    let prefix_any = layout
        .groups
        .iter()
        .any(|g| g.view.mode == eksplane_capacity::IpMode::Prefixes);
    let (best, worst) = if prefix_any {
        (
            Some(run(spaces, &layout, target, Policy::Packed, opts)),
            Some(run(spaces, &layout, target, Policy::Scattered, opts)),
        )
    } else {
        (None, None)
    };
    let fail_of = |r: &RunResult, i: usize| r.subnets.get(i).and_then(|s| s.failed).map(|f| f.0);

    let mut roles = vec![SubnetRole::Other; spaces.len()];
    let node_used: BTreeSet<usize> = layout
        .groups
        .iter()
        .flat_map(|g| g.zones.iter().flat_map(|(_, l)| l.iter().copied()))
        .collect();
    let pod_used: BTreeSet<usize> = if inputs.cni.custom_networking {
        layout.pod_subnets.values().flatten().copied().collect()
    } else {
        BTreeSet::new()
    };
    for (i, role) in roles.iter_mut().enumerate() {
        *role = match (node_used.contains(&i), pod_used.contains(&i)) {
            (true, true) => SubnetRole::NodeAndPod,
            (true, false) => SubnetRole::Node,
            (false, true) => SubnetRole::Pod,
            (false, false) => SubnetRole::Other,
        };
    }

    let mut subnets = Vec::with_capacity(spaces.len());
    for (i, sp) in spaces.iter().enumerate() {
        let sr = &main.subnets[i];
        let fails = sr.failed.map(|f| f.0);
        let at_target = sr.at_target.unwrap_or(SubnetAtTarget {
            nodes: 0,
            pods: 0,
            singles: 0,
            prefixes: 0,
            addresses: 0,
            free_for_secondary_left: 0,
            free_prefixes_left: 0,
        });
        let counts = sp.counts();
        let at_target = SubnetAtTarget {
            free_for_secondary_left: at_target
                .free_for_secondary_left
                .min(counts.free_for_secondary),
            free_prefixes_left: at_target.free_prefixes_left.min(counts.free_prefixes),
            ..at_target
        };
        let nodes_at_failure = fails.map(|f| count_upto(&sr.launches, f));
        let headroom_nodes = fails.map(|f| {
            i64::from(count_upto(&sr.launches, f.saturating_sub(1)))
                - i64::from(count_upto(&sr.launches, target))
        });
        subnets.push(SubnetPlan {
            subnet_id: sp.id.clone(),
            label: sp.label.clone(),
            cidr: sp.cidr,
            zone: sp.zone.clone(),
            vpc_id: sp.vpc_id.clone(),
            role: roles[i],
            counts,
            at_target,
            fails_at_pods: fails,
            fails_at_pods_best: best.as_ref().map_or(fails, |b| fail_of(b, i)),
            fails_at_pods_worst: worst.as_ref().map_or(fails, |w| fail_of(w, i)),
            nodes_at_failure,
            headroom_pods: headroom(fails, target),
            headroom_nodes,
            error: sr.failed.map(|f| f.1.error()),
            occupancy: sp.occupancy,
            free_prefixes_best: counts.free_prefixes,
            blocks: sp.block_states(),
        });
    }

    // Zones.
    let mut zone_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in subnets.iter().enumerate() {
        if s.role != SubnetRole::Other {
            zone_map.entry(zone_key(&s.zone)).or_default().push(i);
        }
    }
    let zones = zone_map
        .into_iter()
        .map(|(zone, list)| {
            let first = list
                .iter()
                .filter_map(|&i| subnets[i].fails_at_pods.map(|f| (f, i)))
                .min();
            let node_list: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&i| matches!(subnets[i].role, SubnetRole::Node | SubnetRole::NodeAndPod))
                .collect();
            let node_launches: Vec<u32> = {
                let mut v: Vec<u32> = node_list
                    .iter()
                    .flat_map(|&i| main.subnets[i].launches.iter().copied())
                    .collect();
                v.sort_unstable();
                v
            };
            ZonePlan {
                subnets: list.iter().map(|&i| subnets[i].subnet_id.clone()).collect(),
                nodes_at_target: count_upto(&node_launches, target),
                pods_at_target: list.iter().map(|&i| subnets[i].at_target.pods).sum(),
                free_addresses: list.iter().map(|&i| subnets[i].counts.free_addresses).sum(),
                free_prefixes: list.iter().map(|&i| subnets[i].counts.free_prefixes).sum(),
                fails_at_pods: first.map(|f| f.0),
                failing_subnet: first.map(|f| subnets[f.1].subnet_id.clone()),
                error: first.and_then(|f| subnets[f.1].error),
                headroom_pods: headroom(first.map(|f| f.0), target),
                headroom_nodes: first.map(|(f, _)| {
                    i64::from(count_upto(&node_launches, f.saturating_sub(1)))
                        - i64::from(count_upto(&node_launches, target))
                }),
                zone,
            }
        })
        .collect();

    // Cluster.
    let first = subnets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.fails_at_pods.map(|f| (f, i)))
        .min();
    let fails = first.map(|f| f.0);
    let nodes_at_target = count_upto(&main.launches, target);
    let target_reached = main.capacity.is_none_or(|c| c >= target);
    let meets_target = target_reached && fails.is_none_or(|f| f > target);
    let occupancy_unknown: Vec<String> = subnets
        .iter()
        .filter(|s| {
            s.role != SubnetRole::Other && matches!(s.occupancy, Occupancy::CountOnly { .. })
        })
        .map(|s| s.subnet_id.clone())
        .collect();
    let verdict = if meets_target {
        TargetVerdict::Holds
    } else if occupancy_unknown.is_empty() || !target_reached {
        TargetVerdict::Fails
    } else {
        TargetVerdict::Unknown
    };
    let cluster = ClusterVerdict {
        target_pods: target,
        target_reached,
        capacity_pods: main.capacity,
        nodes_at_target,
        fails_at_pods: fails,
        fails_at_pods_best: match &best {
            Some(b) => min_fail((0..spaces.len()).map(|i| fail_of(b, i))),
            None => fails,
        },
        fails_at_pods_worst: match &worst {
            Some(w) => min_fail((0..spaces.len()).map(|i| fail_of(w, i))),
            None => fails,
        },
        failing_subnet: first.map(|f| subnets[f.1].subnet_id.clone()),
        error: first.and_then(|f| subnets[f.1].error),
        headroom_pods: headroom(fails, target),
        headroom_nodes: fails.map(|f| {
            i64::from(count_upto(&main.launches, f.saturating_sub(1))) - i64::from(nodes_at_target)
        }),
        meets_target,
        verdict,
        occupancy_unknown,
        searched_pods: main.searched,
    };

    // Groups at the target: rerun the arrival bookkeeping up to the target.
    let groups = group_summaries(&layout, target, &main);
    Ok(Plan {
        target_pods: target,
        mode: if inputs.cni.prefix_delegation {
            Mode::Prefixes
        } else {
            Mode::SecondaryIps
        },
        custom_networking: inputs.cni.custom_networking,
        seed: opts.seed,
        cluster,
        zones,
        subnets,
        groups,
        remedies: Vec::new(),
    })
}

fn group_summaries(layout: &Layout, target: u32, main: &RunResult) -> Vec<GroupDemand> {
    // Recount at the target from the arrival order alone (no allocation).
    let counts = arrivals_at(layout, target);
    layout
        .groups
        .iter()
        .enumerate()
        .map(|(g, gr)| {
            let (n, p) = counts
                .get(g)
                .copied()
                .unwrap_or_else(|| main.group_at_target.get(g).copied().unwrap_or((0, 0)));
            gr.summary(n, p)
        })
        .collect()
}

/// Nodes and pods per group at `target` pods under the arrival model.
pub(crate) fn arrivals_at(layout: &Layout, target: u32) -> Vec<(u32, u32)> {
    let groups = &layout.groups;
    let mut out: Vec<(u32, u32)> = groups
        .iter()
        .map(|g| match g.nodes {
            NodeCount::Fixed(n) => (n, 0),
            NodeCount::Share(_) => (0, 0),
        })
        .collect();
    let mut left = target;
    for (g, gr) in groups.iter().enumerate() {
        if let NodeCount::Fixed(n) = gr.nodes {
            let cap = n.saturating_mul(gr.pods_per_node);
            let take = cap.min(left);
            out[g].1 = take;
            left -= take;
        }
    }
    let shares: Vec<(usize, i64)> = groups
        .iter()
        .enumerate()
        .filter_map(|(g, gr)| match gr.nodes {
            NodeCount::Share(w) => Some((g, i64::from(w))),
            NodeCount::Fixed(_) => None,
        })
        .collect();
    if shares.is_empty() {
        return out;
    }
    let total: i64 = shares.iter().map(|s| s.1).sum();
    let mut current = vec![0i64; shares.len()];
    for _ in 0..left {
        let mut best = 0;
        for (i, (_, w)) in shares.iter().enumerate() {
            current[i] += w;
            if current[i] > current[best] {
                best = i;
            }
        }
        current[best] -= total;
        out[shares[best].0].1 += 1;
    }
    for (g, _) in &shares {
        let ppn = groups[*g].pods_per_node.max(1);
        out[*g].0 = out[*g].1.div_ceil(ppn);
    }
    out
}
