//! The cluster API endpoint: public access and its CIDRs.

pub mod public_endpoint_open_to_world;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[&public_endpoint_open_to_world::RULE];
