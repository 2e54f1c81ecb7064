//! `eksplane.io/v1alpha1` NetworkPlan: a VPC's address space written by hand,
//! for teams planning before the VPC, its subnets or its secondary CIDR exist.
//! It states what `aws ec2 describe-vpcs`, `describe-subnets` and
//! `get-subnet-cidr-reservations` would print once they do, plus the custom
//! networking mapping and the size the cluster must reach. Documented field
//! by field in `docs/network-plan.md`.
//!
//! ```yaml
//! apiVersion: eksplane.io/v1alpha1
//! kind: NetworkPlan
//! metadata:
//!   name: ip-demo
//! spec:
//!   vpc:
//!     cidrs: [10.60.0.0/16, 100.64.0.0/16]
//!   subnets:
//!     - {name: nodes-a, zone: us-east-1a, cidr: 10.60.0.0/24, role: node}
//!     - {name: pods-a, zone: us-east-1a, cidr: 100.64.0.0/18, role: pod}
//!   eniConfigs:
//!     us-east-1a: pods-a
//!   target:
//!     pods: 3000
//!   reservations:
//!     - {subnet: pods-a, cidr: 100.64.0.0/19, type: prefix}
//! ```
//!
//! Every CIDR is an [`Ipv4Cidr`], checked when the file is read: a malformed
//! block fails decoding with its position. [`NetworkPlan::problems`] adds the
//! checks that need more than one field. Whether subnets overlap or lie
//! inside the VPC is the planner's question, not the file's.

use crate::cidr::Ipv4Cidr;
use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::{Span, Spanned};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `apiVersion` group of eksplane's own kinds.
pub const GROUP: &str = "eksplane.io";
/// The only version of `NetworkPlan` so far.
pub const VERSION: &str = "v1alpha1";

/// A NetworkPlan object. Cluster-scoped: `metadata.namespace` is ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NetworkPlan {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NetworkPlanSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(NetworkPlan, "NetworkPlan", cluster);

/// `spec`: every field is optional; unknown fields are refused, so a typo
/// (`subnet:` for `subnets:`) is an error rather than a silently empty plan.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPlanSpec {
    /// `spec.vpc`: the VPC and its IPv4 CIDRs.
    pub vpc: Option<Spanned<PlanVpc>>,
    /// `spec.subnets`: the subnets, existing or planned.
    #[serde(default)]
    pub subnets: Vec<Spanned<PlanSubnet>>,
    /// `spec.eniConfigs`: custom networking, availability zone -> the subnet
    /// (name or id) pods of nodes in that zone take addresses from, as the
    /// `ENIConfig` named after the zone would say with
    /// `ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`
    /// (<https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network-tutorial.html>).
    #[serde(default)]
    pub eni_configs: BTreeMap<String, Spanned<String>>,
    /// `spec.target`: the size the plan must hold.
    pub target: Option<Spanned<PlanTarget>>,
    /// `spec.reservations`: subnet CIDR reservations, as
    /// `aws ec2 create-subnet-cidr-reservation` would make them.
    #[serde(default)]
    pub reservations: Vec<Spanned<PlanReservation>>,
}

/// `spec.vpc`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanVpc {
    /// `spec.vpc.id`: the VPC id when it exists (`vpc-...`), to match snapshots.
    pub id: Option<Spanned<String>>,
    /// `spec.vpc.cidrs`: the primary IPv4 CIDR first, then secondary ones
    /// (e.g. `100.64.0.0/16` for pods).
    #[serde(default)]
    pub cidrs: Vec<Spanned<Ipv4Cidr>>,
}

/// What a subnet is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubnetRole {
    /// Nodes' primary ENIs, and pods too unless custom networking moves them.
    Node,
    /// Pods only, through custom networking (`spec.eniConfigs`).
    Pod,
    /// Public subnets: load balancers and NAT gateways, no pods.
    Public,
}

impl SubnetRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            SubnetRole::Node => "node",
            SubnetRole::Pod => "pod",
            SubnetRole::Public => "public",
        }
    }
}

/// One entry of `spec.subnets`. `name` or `id` (or both) is required;
/// `zone`, `cidr` and `role` are required.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanSubnet {
    /// A name for a planned subnet; matched against the `Name` tag of a
    /// `describe-subnets` snapshot.
    pub name: Option<Spanned<String>>,
    /// The subnet id of an existing subnet (`subnet-...`).
    pub id: Option<Spanned<String>>,
    /// Availability zone, e.g. `us-east-1a`.
    pub zone: Spanned<String>,
    /// The subnet's IPv4 CIDR.
    pub cidr: Spanned<Ipv4Cidr>,
    /// `node`, `pod` or `public`.
    pub role: Spanned<SubnetRole>,
}

impl PlanSubnet {
    /// The id if given, else the name: how other fields refer to the subnet.
    pub fn key(&self) -> Option<&str> {
        self.id
            .as_ref()
            .or(self.name.as_ref())
            .map(|s| s.value.as_str())
    }

    /// Whether `reference` (as written in `eniConfigs` or `reservations`)
    /// names this subnet, by id or by name.
    pub fn is(&self, reference: &str) -> bool {
        self.id.as_ref().is_some_and(|i| i.value == reference)
            || self.name.as_ref().is_some_and(|n| n.value == reference)
    }
}

/// `spec.target`: a pod count, a node mix, or both (the planner reports each).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanTarget {
    /// `spec.target.pods`: peak pods in the cluster.
    pub pods: Option<Spanned<u32>>,
    /// `spec.target.nodes`: peak nodes by instance type.
    #[serde(default)]
    pub nodes: Vec<Spanned<PlanNodes>>,
    /// `spec.target.podsPerNode`: pods each node runs at peak; without it
    /// the planner assumes each node full to its max-pods.
    pub pods_per_node: Option<Spanned<u32>>,
}

/// One entry of `spec.target.nodes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanNodes {
    /// An EC2 instance type, e.g. `m6i.xlarge`.
    pub instance_type: Spanned<String>,
    /// How many nodes of that type.
    pub count: Spanned<u32>,
}

/// `SubnetCidrReservationType`
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReservationType {
    /// Only delegated prefixes are taken from the block.
    Prefix,
    /// Only explicitly assigned addresses are taken from the block.
    Explicit,
}

impl ReservationType {
    pub fn as_str(&self) -> &'static str {
        match self {
            ReservationType::Prefix => "prefix",
            ReservationType::Explicit => "explicit",
        }
    }
}

/// One entry of `spec.reservations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanReservation {
    /// The subnet, by id or name.
    pub subnet: Spanned<String>,
    /// The reserved block, inside the subnet.
    pub cidr: Spanned<Ipv4Cidr>,
    /// `prefix` or `explicit`.
    #[serde(rename = "type")]
    pub reservation_type: Spanned<ReservationType>,
    /// Free text.
    pub description: Option<Spanned<String>>,
}

/// A problem in a plan that decoding alone cannot see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    pub span: Span,
    pub message: String,
}

impl NetworkPlan {
    /// The subnet that `reference` (an id or a name) names.
    pub fn subnet(&self, reference: &str) -> Option<&Spanned<PlanSubnet>> {
        self.spec.subnets.iter().find(|s| s.value.is(reference))
    }

    /// The VPC CIDRs, primary first.
    pub fn vpc_cidrs(&self) -> &[Spanned<Ipv4Cidr>] {
        self.spec.vpc.as_ref().map_or(&[], |v| &v.value.cidrs)
    }

    /// Checks across fields: each subnet has a name or an id, no name or id
    /// is used twice, every `eniConfigs` and `reservations` entry names a
    /// subnet of the plan (or, for an id, one that may be in a snapshot),
    /// a reservation lies inside its subnet, and counts are positive.
    pub fn problems(&self) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for s in &self.spec.subnets {
            if s.value.name.is_none() && s.value.id.is_none() {
                out.push(PlanProblem {
                    span: s.span,
                    message: format!(
                        "subnet {} in {} has neither name nor id; give one so other fields can refer to it",
                        s.value.cidr.value, s.value.zone.value
                    ),
                });
            }
            for r in [&s.value.name, &s.value.id].into_iter().flatten() {
                if seen.insert(r.value.as_str(), r.span).is_some() {
                    out.push(PlanProblem {
                        span: r.span,
                        message: format!("subnet {:?} is listed twice", r.value),
                    });
                }
            }
        }
        for (zone, r) in &self.spec.eni_configs {
            if self.subnet(&r.value).is_none() && !is_subnet_id(&r.value) {
                out.push(PlanProblem {
                    span: r.span,
                    message: format!(
                        "eniConfigs {zone}: no subnet named {:?} in spec.subnets",
                        r.value
                    ),
                });
            }
        }
        for r in &self.spec.reservations {
            match self.subnet(&r.value.subnet.value) {
                Some(s) if !s.value.cidr.value.contains(&r.value.cidr.value) => {
                    out.push(PlanProblem {
                        span: r.value.cidr.span,
                        message: format!(
                            "reservation {} is not inside subnet {:?} ({})",
                            r.value.cidr.value, r.value.subnet.value, s.value.cidr.value
                        ),
                    });
                }
                None if !is_subnet_id(&r.value.subnet.value) => out.push(PlanProblem {
                    span: r.value.subnet.span,
                    message: format!(
                        "reservation {}: no subnet named {:?} in spec.subnets",
                        r.value.cidr.value, r.value.subnet.value
                    ),
                }),
                _ => {}
            }
        }
        if let Some(t) = &self.spec.target {
            let counts = t
                .value
                .pods
                .iter()
                .map(|p| (p, "target.pods"))
                .chain(
                    t.value
                        .pods_per_node
                        .iter()
                        .map(|p| (p, "target.podsPerNode")),
                )
                .chain(
                    t.value
                        .nodes
                        .iter()
                        .map(|n| (&n.value.count, "target.nodes count")),
                );
            for (n, what) in counts {
                if n.value == 0 {
                    out.push(PlanProblem {
                        span: n.span,
                        message: format!("{what} is 0; give a positive number or leave it out"),
                    });
                }
            }
            if t.value.pods.is_none() && t.value.nodes.is_empty() {
                out.push(PlanProblem {
                    span: t.span,
                    message: "target has neither pods nor nodes".to_string(),
                });
            }
        }
        out
    }
}

/// Whether `s` looks like an EC2 subnet id (`subnet-` and hex digits).
fn is_subnet_id(s: &str) -> bool {
    s.strip_prefix("subnet-")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::{decode, root};

    const PLAN: &str = "apiVersion: eksplane.io/v1alpha1
kind: NetworkPlan
metadata:
  name: ip-demo
spec:
  vpc:
    id: vpc-0d5e6f7a8b9c0d1e2
    cidrs: [10.60.0.0/16, 100.64.0.0/16]
  subnets:
    - {name: nodes-a, zone: us-east-1a, cidr: 10.60.0.0/24, role: node}
    - {id: subnet-0a11b22c33d44e55f, name: pods-a, zone: us-east-1a, cidr: 100.64.0.0/18, role: pod}
  eniConfigs:
    us-east-1a: pods-a
  target:
    pods: 3000
    nodes:
      - {instanceType: m6i.xlarge, count: 20}
    podsPerNode: 60
  reservations:
    - {subnet: pods-a, cidr: 100.64.0.0/19, type: prefix, description: CNI prefixes}
";

    #[test]
    fn decodes_with_positions() {
        let p: NetworkPlan = decode(PLAN);
        assert_eq!(p.spec.vpc.as_ref().map(|v| v.span.start.line), Some(7));
        let cidrs = p.vpc_cidrs();
        assert_eq!(cidrs.len(), 2);
        assert_eq!(cidrs[1].value.to_string(), "100.64.0.0/16");
        assert_eq!(cidrs[1].span.start.line, 8);
        let pods = p.subnet("pods-a").unwrap_or_else(|| panic!("pods-a"));
        assert_eq!(pods.span.start.line, 11);
        assert_eq!(pods.value.role.value, SubnetRole::Pod);
        assert_eq!(pods.value.key(), Some("subnet-0a11b22c33d44e55f"));
        assert!(p.subnet("subnet-0a11b22c33d44e55f").is_some());
        assert_eq!(p.spec.eni_configs["us-east-1a"].span.start.line, 13);
        let t = p.spec.target.as_ref().unwrap_or_else(|| panic!("target"));
        assert_eq!(t.value.pods.as_ref().map(|n| n.value), Some(3000));
        assert_eq!(t.value.nodes[0].value.instance_type.value, "m6i.xlarge");
        assert_eq!(
            t.value.pods_per_node.as_ref().map(|n| n.span.start.line),
            Some(18)
        );
        let r = &p.spec.reservations[0];
        assert_eq!(r.value.reservation_type.value, ReservationType::Prefix);
        assert_eq!(r.value.cidr.span.start.line, 20);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
    }

    fn decode_err(text: &str) -> String {
        let n = root(text);
        match eksplane_source::decode::<NetworkPlan>(&n) {
            Ok(_) => panic!("decoded"),
            Err(e) => format!("{}:{} {e}", e.span.start.line, e.span.start.col),
        }
    }

    #[test]
    fn bad_cidrs_and_values_fail_decoding_at_their_place() {
        let bad = PLAN.replace("cidr: 10.60.0.0/24", "cidr: 10.60.0.7/24");
        let e = decode_err(&bad);
        assert!(e.starts_with("10:"), "{e}");
        assert!(
            e.contains("host bits are set; the network is 10.60.0.0/24"),
            "{e}"
        );
        let e = decode_err(&PLAN.replace("100.64.0.0/16]", "100.64.0.0/40]"));
        assert!(e.starts_with("8:") && e.contains("prefix length"), "{e}");
        let e = decode_err(&PLAN.replace("role: node", "role: nodes"));
        assert!(e.starts_with("10:") && e.contains("nodes"), "{e}");
        let e = decode_err(&PLAN.replace("type: prefix", "type: pfx"));
        assert!(e.starts_with("20:") && e.contains("pfx"), "{e}");
        let e = decode_err(&PLAN.replace("  subnets:", "  subnet:"));
        assert!(e.contains("subnet"), "{e}");
    }

    #[test]
    fn cross_field_problems() {
        let text = PLAN
            .replace("{name: nodes-a, ", "{")
            .replace("us-east-1a: pods-a", "us-east-1a: pods-z")
            .replace("cidr: 100.64.0.0/19", "cidr: 10.60.0.0/28")
            .replace("podsPerNode: 60", "podsPerNode: 0");
        let p: NetworkPlan = decode(&text);
        let lines: Vec<(u32, String)> = p
            .problems()
            .into_iter()
            .map(|p| (p.span.start.line, p.message))
            .collect();
        assert_eq!(
            lines,
            vec![
                (
                    10,
                    "subnet 10.60.0.0/24 in us-east-1a has neither name nor id; give one so other fields can refer to it".to_string()
                ),
                (13, "eniConfigs us-east-1a: no subnet named \"pods-z\" in spec.subnets".to_string()),
                (20, "reservation 10.60.0.0/28 is not inside subnet \"pods-a\" (100.64.0.0/18)".to_string()),
                (18, "target.podsPerNode is 0; give a positive number or leave it out".to_string()),
            ]
        );
    }

    #[test]
    fn subnet_ids_may_refer_to_snapshots() {
        assert!(is_subnet_id("subnet-0a11b22c33d44e55f"));
        assert!(!is_subnet_id("subnet-"));
        assert!(!is_subnet_id("pods-a"));
    }
}
