//! The rules, one module per rule, grouped by area. Adding a rule: one file
//! in its area and one line in that area's `RULES`.

pub mod access;
pub mod addons;
pub mod cni;
pub mod endpoint;
pub mod identity;
pub mod ingress;
pub mod karpenter;
pub mod load;
pub mod upgrade;

use crate::Rule;

/// Every area's rule list.
pub(crate) static AREAS: &[&[&Rule]] = &[
    access::RULES,
    addons::RULES,
    cni::RULES,
    endpoint::RULES,
    identity::RULES,
    ingress::RULES,
    karpenter::RULES,
    load::RULES,
    upgrade::RULES,
];
