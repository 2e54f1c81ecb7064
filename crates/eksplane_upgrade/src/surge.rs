//! Surge fits the network: replacing nodes launches new ones before the old
//! ones go, and each new node takes addresses (its primary IP and the VPC
//! CNI's warm pool) from the subnets. This module counts the extra nodes,
//! what they take, and whether the subnets hold it on top of what the
//! platform already uses.
//!
//! - Karpenter drift replaces at most the pool's disruption budget at once
//!   (CRD default `nodes: 10%`, rounded up; [`crate::drain::DriftBudget`]),
//!   launching the replacement before draining
//!   (<https://karpenter.sh/docs/concepts/disruption/#drift>).
//! - A managed node group update scales the Auto Scaling group up by the
//!   larger of twice its Availability Zones and `maxUnavailable`
//!   (default 1) ("Scale up phase",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html>).
//! - A self-managed (eksctl `nodeGroups`) group is replaced by a new group of
//!   the same size before the old one is drained and deleted
//!   (<https://eksctl.io/usage/nodegroup-upgrade/>): all its nodes at once.
//! - A new node holds what an empty node holds: primary IP, trunk ENI, and
//!   the warm pool (`WARM_ENI_TARGET`, `WARM_IP_TARGET`,
//!   `WARM_PREFIX_TARGET`), from [`eksplane_ipplan::node_addresses`]. Pods
//!   move from the old node to the new one, so their IPs are counted once.
//! - What is free is the IP planner's `free_for_secondary_left` and
//!   `free_prefixes_left` at the platform's current demand (the workloads at
//!   their replicas), summed over the node subnets (and, with custom
//!   networking, the pod subnets for the pod side).

use crate::drain::drift_budget;
use crate::inputs;
use eksplane_aws_data::Catalog;
use eksplane_ipplan::{Mode, NodeAddresses, PlanOptions, SubnetRole, node_addresses};
use eksplane_model::eksctl::NodeGroupRef;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;
use serde::Serialize;

/// The eksctl default instance type and node count of a node group
/// (eksctl.io, "Nodegroups": m5.large, 2 nodes).
const EKSCTL_DEFAULT_TYPE: &str = "m5.large";
const EKSCTL_DEFAULT_NODES: u32 = 2;

/// What launches the extra nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSource {
    NodePool,
    ManagedNodeGroup,
    SelfManagedNodeGroup,
}

/// One node source's surge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurgeGroup {
    pub source: NodeSource,
    pub name: String,
    #[serde(skip)]
    pub span: Span,
    pub instance_type: String,
    /// Nodes it runs (estimated for NodePools: the IP planner's nodes at the
    /// workloads' replicas).
    pub nodes: u32,
    /// Nodes launched at once during the roll.
    pub surge_nodes: u32,
    /// How `surge_nodes` was decided.
    pub rule: String,
    /// What one new node takes.
    pub per_node: NodeAddresses,
}

/// Need against what is free, on one side (node subnets, or custom
/// networking's pod subnets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Side {
    /// Single addresses plus 16 per /28 prefix.
    pub need_addresses: u32,
    pub need_prefixes: u32,
    pub free_addresses: u32,
    pub free_prefixes: u32,
}

impl Side {
    pub fn short_addresses(&self) -> u32 {
        self.need_addresses.saturating_sub(self.free_addresses)
    }
    pub fn short_prefixes(&self) -> u32 {
        self.need_prefixes.saturating_sub(self.free_prefixes)
    }
    pub fn fits(&self) -> bool {
        self.short_addresses() == 0 && self.short_prefixes() == 0
    }
}

/// The verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surge {
    pub mode: Mode,
    pub custom_networking: bool,
    pub groups: Vec<SurgeGroup>,
    pub node_side: Side,
    /// With custom networking only.
    pub pod_side: Option<Side>,
    /// Whether the subnets already hold the current demand.
    pub current_demand_fits: bool,
    /// Node subnets, as labels.
    pub subnets: Vec<String>,
    /// The most new nodes (of the largest per-node need) that fit at once.
    pub nodes_that_fit: u32,
}

impl Surge {
    pub fn fits(&self) -> bool {
        self.current_demand_fits && self.node_side.fits() && self.pod_side.is_none_or(|s| s.fits())
    }
    pub fn total_surge_nodes(&self) -> u32 {
        self.groups.iter().map(|g| g.surge_nodes).sum()
    }
}

/// Judged, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum SurgeOutcome {
    Judged(Surge),
    NotJudged(String),
}

fn smallest_type(np: &eksplane_model::karpenter::NodePool, catalog: &Catalog) -> Option<String> {
    inputs::allowed_types(np, catalog)
        .into_iter()
        .filter(|t| t.vcpus.is_some())
        .min_by(|a, b| a.vcpus.cmp(&b.vcpus).then_with(|| a.name.cmp(&b.name)))
        .map(|t| t.name.clone())
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Computes the surge of a roll of every node source.
pub fn surge(p: &Platform, catalog: &Catalog) -> SurgeOutcome {
    let ins = match inputs::ip_plan_inputs(p, catalog) {
        Ok(i) => i,
        Err(problems) => return SurgeOutcome::NotJudged(problems.join("; ")),
    };
    // Node groups run their nodes today whatever the pods: the facts layer's
    // planner inputs hold them as fixed groups (eksplane_facts::ip_inputs).
    if ins.subnets.is_empty() {
        return SurgeOutcome::NotJudged(
            "no subnets in the inputs: give `aws ec2 describe-subnets --output json` output (and `describe-network-interfaces` for what is in use) or a NetworkPlan".to_string(),
        );
    }
    let opts = PlanOptions {
        remedies: false,
        ..PlanOptions::default()
    };
    let base = match eksplane_ipplan::plan(&ins, catalog, &opts) {
        Ok(b) => b,
        Err(e) => {
            return SurgeOutcome::NotJudged(format!("the IP planner refused the inputs: {e}"));
        }
    };
    let per_node = |type_name: &str| -> Option<NodeAddresses> {
        let t = catalog.get(type_name)?;
        let view = eksplane_capacity::cni_view(t, &ins.cni);
        Some(node_addresses(&view, &ins.cni, 0))
    };
    let mut groups = Vec::new();
    // Karpenter: each pool's smallest type is what the planner sized.
    let pool_types: Vec<Option<String>> = p
        .node_pools
        .iter()
        .map(|np| smallest_type(np, catalog))
        .collect();
    for (np, ty) in p.node_pools.iter().zip(&pool_types) {
        let Some(t) = ty.clone() else {
            continue;
        };
        let sharing = pool_types
            .iter()
            .filter(|x| x.as_deref() == Some(t.as_str()))
            .count()
            .max(1) as u32;
        let nodes = match &np.spec.replicas {
            Some(r) => u32_of(r.value),
            None => base
                .groups
                .iter()
                .find(|g| g.instance_type == t)
                .map_or(0, |g| g.nodes_at_target.div_ceil(sharing)),
        };
        let budget = drift_budget(np);
        let surge_nodes = budget.allowed(nodes);
        let Some(per) = per_node(&t) else { continue };
        groups.push(SurgeGroup {
            source: NodeSource::NodePool,
            name: np.name().to_string(),
            span: np.origin.span,
            instance_type: t,
            nodes,
            surge_nodes,
            rule: match budget {
                crate::drain::DriftBudget::Percent(pc) => {
                    format!("drift budget {pc}% of {nodes} node(s), rounded up")
                }
                crate::drain::DriftBudget::Nodes(n) => format!("drift budget {n} node(s)"),
            },
            per_node: per,
        });
    }
    let zones_in_inputs = {
        let mut z: Vec<&str> = ins
            .subnets
            .iter()
            .filter_map(|s| s.zone.as_deref())
            .collect();
        z.sort_unstable();
        z.dedup();
        z.len().max(1) as u32
    };
    for cc in &p.cluster_configs {
        for ng in cc.node_groups() {
            let t = ng
                .instance_types()
                .first()
                .map(|t| t.value.clone())
                .unwrap_or_else(|| EKSCTL_DEFAULT_TYPE.to_string());
            let nodes = ng
                .desired_capacity()
                .map(|d| u32_of(d.value))
                .unwrap_or(EKSCTL_DEFAULT_NODES);
            let Some(per) = per_node(&t) else { continue };
            let (source, surge_nodes, rule) = match ng {
                NodeGroupRef::Managed(m) => {
                    let azs = if !m.value.availability_zones.is_empty() {
                        m.value.availability_zones.len() as u32
                    } else if !cc.availability_zones.is_empty() {
                        cc.availability_zones.len() as u32
                    } else {
                        zones_in_inputs
                    };
                    let uc = m.value.update_config.as_ref();
                    let max_unavailable = uc
                        .and_then(|u| u.value.max_unavailable.as_ref())
                        .map(|v| u32_of(v.value))
                        .or_else(|| {
                            uc.and_then(|u| u.value.max_unavailable_percentage.as_ref())
                                .map(|pc| {
                                    (u64::from(nodes) * u64::from(u32_of(pc.value))).div_ceil(100)
                                        as u32
                                })
                        })
                        .unwrap_or(1);
                    let surge = (2 * azs).max(max_unavailable);
                    (
                        NodeSource::ManagedNodeGroup,
                        surge,
                        format!(
                            "the larger of 2 x {azs} Availability Zone(s) and maxUnavailable {max_unavailable}"
                        ),
                    )
                }
                NodeGroupRef::SelfManaged(_) => (
                    NodeSource::SelfManagedNodeGroup,
                    nodes,
                    format!("a replacement group of {nodes} node(s) before the old one drains"),
                ),
            };
            groups.push(SurgeGroup {
                source,
                name: ng.name().to_string(),
                span: ng.span(),
                instance_type: t,
                nodes,
                surge_nodes,
                rule,
                per_node: per,
            });
        }
    }
    let cn = ins.cni.custom_networking;
    let mut node_side = Side::default();
    let mut pod_side = Side::default();
    let mut labels = Vec::new();
    for s in &base.subnets {
        let at = &s.at_target;
        match s.role {
            SubnetRole::Node | SubnetRole::NodeAndPod => {
                node_side.free_addresses += at.free_for_secondary_left;
                node_side.free_prefixes += at.free_prefixes_left;
                labels.push(s.label.clone());
                if cn && s.role == SubnetRole::NodeAndPod {
                    pod_side.free_addresses += at.free_for_secondary_left;
                    pod_side.free_prefixes += at.free_prefixes_left;
                }
            }
            SubnetRole::Pod => {
                pod_side.free_addresses += at.free_for_secondary_left;
                pod_side.free_prefixes += at.free_prefixes_left;
            }
            SubnetRole::Other => {}
        }
    }
    for g in &groups {
        let n = g.surge_nodes;
        let a = &g.per_node;
        node_side.need_addresses += n * a.node_subnet_singles();
        if cn {
            pod_side.need_addresses += n * (a.pod_subnet_singles() + 16 * a.prefixes);
            pod_side.need_prefixes += n * a.prefixes;
        } else {
            node_side.need_addresses += n * 16 * a.prefixes;
            node_side.need_prefixes += n * a.prefixes;
        }
    }
    // The most new nodes of the largest need that fit at once.
    let worst = groups
        .iter()
        .map(|g| &g.per_node)
        .max_by_key(|a| a.total_addresses());
    let nodes_that_fit = worst.map_or(0, |a| {
        let node_need = if cn {
            a.node_subnet_singles()
        } else {
            a.node_subnet_singles() + 16 * a.prefixes
        };
        let free_prefixes = if cn {
            pod_side.free_prefixes
        } else {
            node_side.free_prefixes
        };
        let pod_need = a.pod_subnet_singles() + 16 * a.prefixes;
        // Each bound applies only when a node needs that resource at all.
        let bounds = [
            node_side.free_addresses.checked_div(node_need),
            free_prefixes.checked_div(a.prefixes),
            if cn {
                pod_side.free_addresses.checked_div(pod_need)
            } else {
                None
            },
        ];
        bounds.into_iter().flatten().min().unwrap_or(0)
    });
    SurgeOutcome::Judged(Surge {
        mode: base.mode,
        custom_networking: cn,
        groups,
        node_side,
        pod_side: cn.then_some(pod_side),
        current_demand_fits: base.cluster.meets_target,
        subnets: labels,
        nodes_that_fit,
    })
}
