//! Node lifecycle with Karpenter: NodePools and EC2NodeClasses.

pub mod ami_alias_unpinned;
pub mod consolidation_without_pdb;
pub mod imds_not_hardened;
pub mod missing_node_class;
pub mod no_cost_allocation_tags;
pub mod node_pool_too_narrow;
pub mod node_pool_without_limits;
pub mod pdb_blocks_eviction;
pub mod stateful_on_spot;
pub mod util;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &node_pool_without_limits::RULE,
    &consolidation_without_pdb::RULE,
    &pdb_blocks_eviction::RULE,
    &stateful_on_spot::RULE,
    &node_pool_too_narrow::RULE,
    &missing_node_class::RULE,
    &imds_not_hardened::RULE,
    &no_cost_allocation_tags::RULE,
    &ami_alias_unpinned::RULE,
];
