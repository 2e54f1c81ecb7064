//! eksplane's own planning kinds (`eksplane.io/v1alpha1`): files a team writes
//! to describe what does not exist yet, read like any Kubernetes-style object.

pub mod network_plan;
pub mod workload_profile;

pub use network_plan::*;
pub use workload_profile::*;
