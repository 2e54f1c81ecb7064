//! The rules, one module per rule, grouped by area.

pub mod access;
pub mod ingress;
pub mod karpenter;
pub mod load;

use crate::Rule;

/// Every area's rule list.
pub(crate) static AREAS: &[&[&Rule]] =
    &[access::RULES, ingress::RULES, karpenter::RULES, load::RULES];
