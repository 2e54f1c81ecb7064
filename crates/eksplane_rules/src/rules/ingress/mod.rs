//! Ingress with the AWS Load Balancer Controller.

pub mod deprecated_ingress_class_annotation;
pub mod https_without_certificate;
pub mod ingress_group_conflict;
pub mod ingress_without_group;
pub mod internet_facing_without_healthcheck_path;
pub mod invalid_listen_ports;
pub mod target_type_instance;
pub mod util;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &ingress_without_group::RULE,
    &target_type_instance::RULE,
    &https_without_certificate::RULE,
    &invalid_listen_ports::RULE,
    &ingress_group_conflict::RULE,
    &internet_facing_without_healthcheck_path::RULE,
    &deprecated_ingress_class_annotation::RULE,
];
