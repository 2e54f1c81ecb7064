//! `crd.k8s.amazonaws.com/v1alpha1` ENIConfig: the subnet and security groups
//! of secondary ENIs under custom networking.
//! Source: https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network-tutorial.html

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EniConfig {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: EniConfigSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(EniConfig, "ENIConfig", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EniConfigSpec {
    pub subnet: Option<Spanned<String>>,
    #[serde(default)]
    pub security_groups: Vec<Spanned<String>>,
}
