//! Namespace, ServiceAccount, PodDisruptionBudget, Service.

use super::{IntOrString, LabelSelector};
use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The annotation that binds a ServiceAccount to an IAM role through IRSA.
/// Source: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
pub const IRSA_ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Namespace {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(Namespace, "Namespace", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub automount_service_account_token: Option<bool>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(ServiceAccount, "ServiceAccount", namespaced);

impl ServiceAccount {
    /// The IRSA role ARN annotation, if present.
    pub fn irsa_role_arn(&self) -> Option<&Spanned<String>> {
        self.metadata.annotation(IRSA_ROLE_ANNOTATION)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PodDisruptionBudget {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PdbSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(PodDisruptionBudget, "PodDisruptionBudget", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbSpec {
    pub min_available: Option<Spanned<IntOrString>>,
    pub max_unavailable: Option<Spanned<IntOrString>>,
    pub selector: Option<LabelSelector>,
    pub unhealthy_pod_eviction_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Service {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ServiceSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(Service, "Service", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`.
    #[serde(rename = "type")]
    pub type_: Option<Spanned<String>>,
    pub load_balancer_class: Option<Spanned<String>>,
    #[serde(default)]
    pub selector: BTreeMap<String, String>,
    #[serde(default)]
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    pub target_port: Option<IntOrString>,
}

impl Service {
    pub fn is_load_balancer(&self) -> bool {
        self.spec
            .type_
            .as_ref()
            .is_some_and(|t| t.value == "LoadBalancer")
    }
}
