//! Ingress with the AWS Load Balancer Controller.

pub mod ingress_without_group;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[&ingress_without_group::RULE];
