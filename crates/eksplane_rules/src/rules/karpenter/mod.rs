//! Node lifecycle with Karpenter: NodePools and EC2NodeClasses.

pub mod node_pool_without_limits;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[&node_pool_without_limits::RULE];
