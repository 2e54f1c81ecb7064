//! Karpenter v1 custom resources (karpenter.sh/v1 NodePool and NodeClaim,
//! karpenter.k8s.aws/v1 EC2NodeClass). Field names and defaults follow the v1 CRDs in
//! aws/karpenter-provider-aws pkg/apis/crds/ (v1.14).

pub mod ec2_node_class;
pub mod node_claim;
pub mod node_pool;

pub use ec2_node_class::*;
pub use node_claim::*;
pub use node_pool::*;
