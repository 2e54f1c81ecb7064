//! The VPC CNI and pod capacity: max-pods against what the CNI can address.

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[];
