//! The cluster API endpoint: public access and its CIDRs.

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[];
