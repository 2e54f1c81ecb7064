//! Workload identity: EKS Pod Identity associations, IRSA, trust policies.

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[];
