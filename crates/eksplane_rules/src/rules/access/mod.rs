//! Access: how humans and nodes reach the cluster (access entries, aws-auth).

pub mod config_map_auth_mode;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[&config_map_auth_mode::RULE];
