//! ConfigMaps, and the `kube-system/aws-auth` ConfigMap parsed.
//! Source for aws-auth's format: https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfigMap {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub data: BTreeMap<String, Spanned<String>>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(ConfigMap, "ConfigMap", namespaced);

/// `kube-system/aws-auth`, with its embedded YAML parsed; every mapping's span
/// points into the outer file.
#[derive(Debug, Clone, Default)]
pub struct AwsAuth {
    pub metadata: ObjectMeta,
    pub map_roles: Vec<Spanned<RoleMapping>>,
    pub map_users: Vec<Spanned<UserMapping>>,
    pub map_accounts: Vec<Spanned<String>>,
    pub origin: Origin,
}
kube_object!(AwsAuth, "ConfigMap", namespaced);

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RoleMapping {
    #[serde(default)]
    pub rolearn: Spanned<String>,
    pub username: Option<Spanned<String>>,
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserMapping {
    #[serde(default)]
    pub userarn: Spanned<String>,
    pub username: Option<Spanned<String>>,
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
}

/// The groups EKS gives node roles in aws-auth.
pub const NODE_GROUPS: [&str; 2] = ["system:bootstrappers", "system:nodes"];

impl RoleMapping {
    /// Whether this maps a node role (both node groups present).
    pub fn is_node_role(&self) -> bool {
        NODE_GROUPS
            .iter()
            .all(|g| self.groups.iter().any(|x| x.value == *g))
    }
}
