//! The VPC CNI and pod capacity: what Karpenter admits against what the CNI
//! can address, prefix delegation, security groups for pods, warm pools.

pub mod custom_networking_eni_config;
pub mod max_pods_over_committed;
pub mod max_pods_under_used;
pub mod node_pool_matches_no_type;
pub mod pod_eni_without_reserved_enis;
pub mod pod_eni_without_trunk;
pub mod prefix_delegation_non_nitro;
pub mod sgp_without_pod_eni;
pub mod subnet_out_of_prefixes;
pub(crate) mod util;
pub mod warm_prefix_target;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &max_pods_under_used::RULE,
    &max_pods_over_committed::RULE,
    &prefix_delegation_non_nitro::RULE,
    &sgp_without_pod_eni::RULE,
    &pod_eni_without_trunk::RULE,
    &pod_eni_without_reserved_enis::RULE,
    &warm_prefix_target::RULE,
    &node_pool_matches_no_type::RULE,
    &custom_networking_eni_config::RULE,
    &subnet_out_of_prefixes::RULE,
];
