//! RBAC: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Role {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub rules: Vec<PolicyRule>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(Role, "Role", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterRole {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub rules: Vec<PolicyRule>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(ClusterRole, "ClusterRole", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleBinding {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub role_ref: Option<RoleRef>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(RoleBinding, "RoleBinding", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRoleBinding {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub role_ref: Option<RoleRef>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(ClusterRoleBinding, "ClusterRoleBinding", cluster);
