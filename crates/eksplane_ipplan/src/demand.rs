//! What nodes take from their subnets: the node's primary IP, the ENIs the
//! CNI attaches (each with its own primary IP), and the pod IPs it holds,
//! warm pool included, as secondary IPs or /28 prefixes. The warm pool is
//! `eksplane_capacity::warm_pool` (WARM_ENI_TARGET / WARM_IP_TARGET /
//! MINIMUM_IP_TARGET / WARM_PREFIX_TARGET, per the VPC CNI's docs and ipamd).
//!
//! Where it goes: without custom networking every ENI of a node is in the
//! node's subnet ([`SRC_ENI_SUBNET`](crate::sources::SRC_ENI_SUBNET)); with custom networking the primary ENI
//! (the node IP) stays in the node's subnet and the pod ENIs go to the
//! ENIConfig's subnet for the node's zone ([`SRC_CUSTOM_NETWORKING`](crate::sources::SRC_CUSTOM_NETWORKING)). The trunk
//! ENI of security groups for pods is counted in the node's subnet (its
//! branch ENIs, for pods with their own security groups, are not modelled).

use crate::error::PlanError;
use crate::input::{NodeCount, NodeGroup, PlanInputs};
use eksplane_aws_data::Catalog;
use eksplane_capacity::calculator::{CEILING_LOW_CPU, ceiling_for_vcpus};
use eksplane_capacity::{CniOptions, CniView, IpMode, cni_view, warm_pool};
use serde::Serialize;
use std::collections::BTreeMap;

/// How pod IPs are assigned (serialisable mirror of `eksplane_capacity::IpMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    SecondaryIps,
    Prefixes,
}

impl From<IpMode> for Mode {
    fn from(m: IpMode) -> Mode {
        match m {
            IpMode::SecondaryIps => Mode::SecondaryIps,
            IpMode::Prefixes => Mode::Prefixes,
        }
    }
}

/// What one node holds from its subnets with `pods` pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NodeAddresses {
    pub pods: u32,
    /// The node's primary IP (primary ENI), in the node's subnet: always 1.
    pub node_ip: u32,
    /// The trunk ENI's primary IP (security groups for pods), node's subnet.
    pub trunk_eni: u32,
    /// ENIs for pods besides the primary ENI, each with a primary IP that no
    /// pod uses; in the pod-side subnet.
    pub extra_enis: u32,
    /// Secondary IPs held (used + warm), pod-side subnet; 0 in prefix mode.
    pub secondary_ips: u32,
    /// /28 prefixes held (used + warm), pod-side subnet; 0 in secondary mode.
    pub prefixes: u32,
    /// Pod IPs held but unused: the warm reserve.
    pub warm_ips: u32,
    /// Pods beyond the node's pod IPs.
    pub pods_without_ip: u32,
    /// Whether the pod side is a custom-networking pod subnet.
    pub custom_networking: bool,
}

impl NodeAddresses {
    /// Single addresses in the node's subnet.
    pub fn node_subnet_singles(&self) -> u32 {
        let own = self.node_ip + self.trunk_eni;
        if self.custom_networking {
            own
        } else {
            own + self.extra_enis + self.secondary_ips
        }
    }

    /// Single addresses in the pod subnet (custom networking only).
    pub fn pod_subnet_singles(&self) -> u32 {
        if self.custom_networking {
            self.extra_enis + self.secondary_ips
        } else {
            0
        }
    }

    /// All addresses the node holds, prefixes at 16 each.
    pub fn total_addresses(&self) -> u32 {
        self.node_ip + self.trunk_eni + self.extra_enis + self.secondary_ips + self.prefixes * 16
    }
}

/// The addresses a node of this view holds with `pods` pods.
pub fn node_addresses(view: &CniView, opts: &CniOptions, pods: u32) -> NodeAddresses {
    let wp = warm_pool(view, opts, pods);
    let prefix_mode = view.mode == IpMode::Prefixes;
    let cn = view.primary_eni_excluded;
    let trunk = wp
        .enis_attached
        .saturating_sub(wp.pod_enis_attached)
        .saturating_sub(u32::from(cn));
    // Without custom networking the first pod ENI is the primary ENI, whose
    // primary IP is the node IP.
    let extra_enis = if cn {
        wp.pod_enis_attached
    } else {
        wp.pod_enis_attached.saturating_sub(1)
    };
    NodeAddresses {
        pods,
        node_ip: 1,
        trunk_eni: trunk,
        extra_enis,
        secondary_ips: if prefix_mode { 0 } else { wp.allocated_ips },
        prefixes: wp.prefixes.unwrap_or(0),
        warm_ips: wp.reserved_ips,
        pods_without_ip: wp.pods_without_ip,
        custom_networking: cn,
    }
}

/// A node group resolved against the catalog and the subnets.
#[derive(Debug, Clone)]
pub struct ResolvedGroup {
    pub instance_type: String,
    pub nodes: NodeCount,
    pub view: CniView,
    pub pods_per_node: u32,
    /// Node subnets (indices into the plan's subnets), by zone in zone order.
    pub zones: Vec<(String, Vec<usize>)>,
    /// `table[k]`: what a node holds with `k` pods, `k` in `0..=pods_per_node`.
    pub table: Vec<NodeAddresses>,
}

/// The default pods per node: the CNI's pod IPs, capped at the max-pods
/// calculator's recommendation ceiling (110; 250 above 30 vCPUs;
/// awslabs/amazon-eks-ami max-pods-calculator.sh, via `eksplane_capacity`).
pub fn default_pods_per_node(view: &CniView, vcpus: Option<u32>) -> u32 {
    let ceiling = vcpus.map_or(CEILING_LOW_CPU, ceiling_for_vcpus);
    view.pod_ips.min(ceiling)
}

/// The zone key of a subnet (`""` when unknown).
pub(crate) fn zone_key(z: &Option<String>) -> String {
    z.clone().unwrap_or_default()
}

/// Resolves each group: its CNI view, pods per node (clamped to the node's
/// pod IPs), node subnets grouped by zone, and its per-pod address table.
pub fn resolve_groups(
    inputs: &PlanInputs,
    catalog: &Catalog,
    node_subnets: &[usize],
    subnet_ids: &[&str],
    subnet_zones: &[String],
) -> Result<Vec<ResolvedGroup>, PlanError> {
    inputs
        .demand
        .groups
        .iter()
        .map(|g| resolve_group(g, inputs, catalog, node_subnets, subnet_ids, subnet_zones))
        .collect()
}

fn resolve_group(
    g: &NodeGroup,
    inputs: &PlanInputs,
    catalog: &Catalog,
    node_subnets: &[usize],
    subnet_ids: &[&str],
    subnet_zones: &[String],
) -> Result<ResolvedGroup, PlanError> {
    let t = catalog
        .get(&g.instance_type)
        .ok_or_else(|| PlanError::UnknownInstanceType {
            name: g.instance_type.clone(),
        })?;
    let view = cni_view(t, &inputs.cni);
    // The node's kubelet maxPods, where ipamd stops growing the warm pool
    // (`isDatastorePoolTooLow`): taken to be the max-pods calculator's
    // recommendation, min(CNI max pods, 110 / 250) (max-pods-calculator.sh),
    // or the pods per node asked for when more.
    let recommended = view
        .max_pods
        .min(t.vcpus.map_or(CEILING_LOW_CPU, ceiling_for_vcpus));
    let invalid = |reason: String| PlanError::InvalidGroup {
        instance_type: g.instance_type.clone(),
        reason,
    };
    if view.pod_ips == 0 {
        return Err(invalid(
            "the CNI gives this type no pod IPs with these settings".to_string(),
        ));
    }
    let pods_per_node = match g.pods_per_node {
        Some(0) => return Err(invalid("pods per node is 0".to_string())),
        Some(p) => p.min(view.pod_ips),
        None => default_pods_per_node(&view, t.vcpus),
    };
    let view = view.with_node_max_pods(recommended.max(pods_per_node));
    if let NodeCount::Share(0) = g.nodes {
        return Err(invalid("a share of 0 never gets pods".to_string()));
    }
    let subnets: Vec<usize> = match &g.subnets {
        None => node_subnets.to_vec(),
        Some(ids) => {
            ids.iter()
                .map(|id| {
                    subnet_ids.iter().position(|s| s == id).ok_or_else(|| {
                        PlanError::UnknownSubnet {
                            what: format!("node group {}", g.instance_type),
                            subnet_id: id.clone(),
                        }
                    })
                })
                .collect::<Result<_, _>>()?
        }
    };
    if subnets.is_empty() {
        return Err(PlanError::NoNodeSubnets);
    }
    let mut zones: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in subnets {
        let z = subnet_zones.get(i).cloned().unwrap_or_default();
        let list = zones.entry(z).or_default();
        if !list.contains(&i) {
            list.push(i);
        }
    }
    let table = (0..=pods_per_node)
        .map(|k| node_addresses(&view, &inputs.cni, k))
        .collect();
    Ok(ResolvedGroup {
        instance_type: g.instance_type.clone(),
        nodes: g.nodes,
        view,
        pods_per_node,
        zones: zones.into_iter().collect(),
        table,
    })
}

/// One group's demand, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDemand {
    pub instance_type: String,
    pub nodes: NodeCount,
    pub mode: Mode,
    /// Pod IPs the CNI can give one node.
    pub cni_pod_ips: u32,
    pub pods_per_node: u32,
    /// Per node with no pods (what a new node takes at launch).
    pub empty_node: NodeAddresses,
    /// Per node with `pods_per_node` pods.
    pub full_node: NodeAddresses,
    /// At the target.
    pub nodes_at_target: u32,
    pub pods_at_target: u32,
}

impl ResolvedGroup {
    pub(crate) fn summary(&self, nodes_at_target: u32, pods_at_target: u32) -> GroupDemand {
        let last = self.table.len().saturating_sub(1);
        GroupDemand {
            instance_type: self.instance_type.clone(),
            nodes: self.nodes,
            mode: self.view.mode.into(),
            cni_pod_ips: self.view.pod_ips,
            pods_per_node: self.pods_per_node,
            empty_node: self.table.first().copied().unwrap_or_default(),
            full_node: self.table.get(last).copied().unwrap_or_default(),
            nodes_at_target,
            pods_at_target,
        }
    }

    /// The node subnet of this group's `j`-th node: zones in turn, then the
    /// zone's subnets in turn (nodes spread evenly over zones, as Karpenter
    /// and zone-balanced Auto Scaling groups do; a model, documented).
    pub fn subnet_of_node(&self, j: u32) -> Option<(usize, &str)> {
        let nz = self.zones.len() as u32;
        if nz == 0 {
            return None;
        }
        let (zone, list) = self.zones.get((j % nz) as usize)?;
        let k = list.len() as u32;
        if k == 0 {
            return None;
        }
        list.get(((j / nz) % k) as usize)
            .map(|&s| (s, zone.as_str()))
    }
}
