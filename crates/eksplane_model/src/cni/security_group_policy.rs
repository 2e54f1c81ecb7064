//! `vpcresources.k8s.aws/v1beta1` SecurityGroupPolicy: security groups for pods.
//! Source: https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html

use crate::k8s::LabelSelector;
use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SecurityGroupPolicy {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: SecurityGroupPolicySpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(SecurityGroupPolicy, "SecurityGroupPolicy", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupPolicySpec {
    pub pod_selector: Option<LabelSelector>,
    pub service_account_selector: Option<LabelSelector>,
    #[serde(default)]
    pub security_groups: SecurityGroups,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroups {
    #[serde(default)]
    pub group_ids: Vec<Spanned<String>>,
}
