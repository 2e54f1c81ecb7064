//! Add-ons and Kubernetes versions: managed add-ons, compatibility, support windows.

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[];
