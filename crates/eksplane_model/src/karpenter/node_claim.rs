//! `karpenter.sh/v1` NodeClaim: one node Karpenter launched (or is
//! launching). Source: aws/karpenter-provider-aws
//! pkg/apis/crds/karpenter.sh_nodeclaims.yaml and kubernetes-sigs/karpenter
//! pkg/apis/v1/nodeclaim_status.go (conditions `Launched`, `Registered`,
//! `Initialized`, `Ready`, ...). Only what `verify` reads is typed.

use crate::k8s::Condition;
use crate::karpenter::NodeClassRef;
use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;

/// The label naming a NodeClaim's NodePool
/// (kubernetes-sigs/karpenter pkg/apis/v1/labels.go `NodePoolLabelKey`).
pub const NODE_POOL_LABEL: &str = "karpenter.sh/nodepool";

/// The conditions a NodeClaim passes through on its way to a working node,
/// in order (nodeclaim_status.go).
pub const NODE_CLAIM_LIFECYCLE: [&str; 3] = ["Launched", "Registered", "Initialized"];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeClaim {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NodeClaimSpec,
    pub status: Option<Spanned<NodeClaimStatus>>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(NodeClaim, "NodeClaim", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeClaimSpec {
    pub node_class_ref: Option<Spanned<NodeClassRef>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeClaimStatus {
    #[serde(default)]
    pub conditions: Vec<Spanned<Condition>>,
    /// The Node's name once registered.
    pub node_name: Option<Spanned<String>>,
    /// `aws:///us-east-1a/i-0123...` once launched.
    #[serde(rename = "providerID")]
    pub provider_id: Option<Spanned<String>>,
}

impl NodeClaimStatus {
    pub fn condition(&self, t: &str) -> Option<&Spanned<Condition>> {
        self.conditions.iter().find(|c| c.value.condition_type == t)
    }
}

impl NodeClaim {
    /// The NodePool that owns it (label `karpenter.sh/nodepool`).
    pub fn node_pool(&self) -> Option<&str> {
        self.metadata.label(NODE_POOL_LABEL)
    }
}
