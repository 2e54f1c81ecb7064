//! The Amazon VPC CNI: the `aws-node` DaemonSet's settings, `ENIConfig` and
//! `SecurityGroupPolicy`.

pub mod aws_node;
pub mod eni_config;
pub mod security_group_policy;

pub use aws_node::*;
pub use eni_config::*;
pub use security_group_policy::*;
