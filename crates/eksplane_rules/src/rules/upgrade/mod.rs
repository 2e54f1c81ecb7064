//! Kubernetes upgrades: what the cluster's current version already refuses.
//! (The plan to a newer version is `eksplane upgrade`, crate `eksplane_upgrade`.)

pub mod api_removed_at_cluster_version;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[&api_removed_at_cluster_version::RULE];
