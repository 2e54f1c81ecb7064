//! Access: how humans and nodes reach the cluster (access entries, aws-auth).

pub mod access_entry_groups_without_rbac;
pub mod api_mode_lockout;
pub mod aws_auth_mapping_without_access_entry;
pub mod cluster_scoped_admin_policy;
pub mod config_map_auth_mode;
pub mod node_role_without_access_entry;
pub mod system_masters_for_broad_principal;
pub mod unknown_access_policy;
mod util;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &config_map_auth_mode::RULE,
    &aws_auth_mapping_without_access_entry::RULE,
    &api_mode_lockout::RULE,
    &node_role_without_access_entry::RULE,
    &system_masters_for_broad_principal::RULE,
    &access_entry_groups_without_rbac::RULE,
    &cluster_scoped_admin_policy::RULE,
    &unknown_access_policy::RULE,
];
