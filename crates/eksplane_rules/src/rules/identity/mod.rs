//! Workload identity: EKS Pod Identity associations, IRSA, trust policies.

pub mod controller_on_node_role;
pub mod irsa_and_pod_identity;
pub mod irsa_trust_pins_one_cluster;
pub mod pod_identity_trust_policy;
pub mod pod_identity_without_agent;
mod util;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &irsa_and_pod_identity::RULE,
    &pod_identity_without_agent::RULE,
    &pod_identity_trust_policy::RULE,
    &irsa_trust_pins_one_cluster::RULE,
    &controller_on_node_role::RULE,
];
