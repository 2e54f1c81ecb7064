//! Plain inputs. The loaders (describe-subnets, describe-network-interfaces,
//! get-subnet-cidr-reservations, the planning file) map onto these.

use eksplane_capacity::CniOptions;
use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// A VPC and its IPv4 CIDR blocks (primary first, then secondary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcInput {
    pub id: String,
    pub cidrs: Vec<Ipv4Net>,
}

/// A subnet with an IPv4 CIDR (IPv6-only subnets have none: the caller
/// rejects them with [`crate::PlanError::Ipv6OnlySubnet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInput {
    pub id: String,
    pub cidr: Ipv4Net,
    /// Availability zone (`us-east-1a`), when known.
    pub zone: Option<String>,
    pub vpc_id: Option<String>,
    /// For messages, e.g. `subnet-0ab (us-east-1a)`.
    pub label: String,
    /// `describe-subnets` `AvailableIpAddressCount`, when known: without a
    /// `describe-network-interfaces` snapshot it is the known free count, and
    /// which addresses are taken (the /28 fragmentation) is unknown.
    pub available_ip_address_count: Option<u32>,
}

impl SubnetInput {
    /// A subnet whose label is `id (zone)` or `id`.
    pub fn new(id: impl Into<String>, cidr: Ipv4Net, zone: Option<&str>) -> SubnetInput {
        let id = id.into();
        let label = match zone {
            Some(z) => format!("{id} ({z})"),
            None => id.clone(),
        };
        SubnetInput {
            id,
            cidr,
            zone: zone.map(str::to_string),
            vpc_id: None,
            label,
            available_ip_address_count: None,
        }
    }
}

/// What is already taken in one subnet (from describe-network-interfaces).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InUse {
    pub subnet_id: String,
    /// Every private IPv4 of every ENI in the subnet, primary and secondary.
    pub private_ips: Vec<Ipv4Addr>,
    /// `/28` `Ipv4Prefixes` assigned to ENIs.
    pub prefixes: Vec<Ipv4Net>,
}

/// `ReservationType` of a subnet CIDR reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationKind {
    /// AWS assigns the range to network interfaces as prefixes.
    Prefix,
    /// AWS never assigns the range; you assign it by hand.
    Explicit,
}

/// An EC2 subnet CIDR reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reservation {
    pub subnet_id: String,
    pub cidr: Ipv4Net,
    pub kind: ReservationKind,
}

/// How many nodes of a group there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeCount {
    /// A fixed group: this many nodes exist from the start, and they take pods
    /// first (up to their pods per node) before any share group grows.
    Fixed(u32),
    /// A growing group: it takes this relative share of the pods beyond the
    /// fixed groups, and launches nodes as its nodes fill.
    Share(u32),
}

/// One part of the node mix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    /// An instance type name in the catalog.
    pub instance_type: String,
    pub nodes: NodeCount,
    /// Pods that need a VPC IP (host-network pods excluded) per node; default:
    /// the CNI's pod IPs for the type, capped at the max-pods calculator's
    /// recommended ceiling (110, or 250 above 30 vCPUs).
    pub pods_per_node: Option<u32>,
    /// The node subnets this group launches into (default: all node subnets).
    pub subnets: Option<Vec<String>>,
}

/// The peak to plan for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Demand {
    /// Pods that need a VPC IP at the peak.
    pub target_pods: u32,
    pub groups: Vec<NodeGroup>,
}

/// Everything the planner reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanInputs {
    pub vpcs: Vec<VpcInput>,
    pub subnets: Vec<SubnetInput>,
    pub in_use: Vec<InUse>,
    pub reservations: Vec<Reservation>,
    /// The `aws-node` settings (prefix delegation, custom networking, warm targets).
    pub cni: CniOptions,
    /// The subnets nodes launch into; empty: every subnet that is not a pod subnet.
    pub node_subnets: Vec<String>,
    /// Custom networking: zone -> the ENIConfig's subnet(s) for pods (used when
    /// `cni.custom_networking`).
    pub pod_subnets: BTreeMap<String, Vec<String>>,
    pub demand: Demand,
}
