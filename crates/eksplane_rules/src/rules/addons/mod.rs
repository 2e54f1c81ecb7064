//! Add-ons and Kubernetes versions: managed add-ons, compatibility, support windows.

pub mod addon_version_incompatible;
pub mod cluster_version_support;
pub mod core_addon_unmanaged;

use crate::Rule;

pub(crate) static RULES: &[&Rule] = &[
    &core_addon_unmanaged::RULE,
    &addon_version_incompatible::RULE,
    &cluster_version_support::RULE,
];
