//! `karpenter.sh/v1` NodePool. Source: aws/karpenter-provider-aws
//! pkg/apis/crds/karpenter.sh_nodepools.yaml and kubernetes-sigs/karpenter
//! pkg/apis/v1/nodepool.go.

use crate::k8s::Taint;
use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use crate::quantity::Quantity;
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodePool {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NodePoolSpec,
    /// `status` as the API server reports it (absent in manifests).
    pub status: Option<Spanned<NodePoolStatus>>,
    /// The kubelet settings of a `karpenter.sh/v1beta1` NodePool
    /// (`spec.template.spec.kubelet`), which v1 moved to the EC2NodeClass.
    /// Karpenter's conversion keeps them in the annotation
    /// [`KUBELET_COMPATIBILITY_ANNOTATION`] (kubernetes-sigs/karpenter
    /// pkg/apis/v1/nodepool_conversion.go); the loader also sets them on the
    /// EC2NodeClass when this pool is the only one using it.
    #[serde(skip)]
    pub v1beta1_kubelet: Option<Spanned<crate::karpenter::KubeletConfiguration>>,
    #[serde(skip)]
    pub origin: Origin,
}

/// Where Karpenter's v1beta1 -> v1 conversion keeps a NodePool's kubelet
/// settings. Source: kubernetes-sigs/karpenter pkg/apis/v1/labels.go
/// (`KubeletCompatibilityAnnotationKey`).
pub const KUBELET_COMPATIBILITY_ANNOTATION: &str =
    "compatibility.karpenter.sh/v1beta1-kubelet-conversion";
kube_object!(NodePool, "NodePool", cluster);

/// `status` of a NodePool (karpenter.sh_nodepools.yaml: `conditions`,
/// `nodes`, `resources`, `nodeClassObservedGeneration`). Its `Ready`
/// condition is `True` when the pool and its EC2NodeClass are usable
/// (kubernetes-sigs/karpenter pkg/apis/v1/nodepool_status.go:
/// `ConditionTypeValidationSucceeded`, `ConditionTypeNodeClassReady`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePoolStatus {
    #[serde(default)]
    pub conditions: Vec<Spanned<crate::k8s::Condition>>,
    /// Nodes the pool manages.
    pub nodes: Option<Spanned<i64>>,
}

impl NodePoolStatus {
    pub fn condition(&self, t: &str) -> Option<&Spanned<crate::k8s::Condition>> {
        self.conditions.iter().find(|c| c.value.condition_type == t)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePoolSpec {
    #[serde(default)]
    pub template: NodeClaimTemplate,
    pub disruption: Option<Disruption>,
    /// Resource caps for the pool (`cpu`, `memory`, `nodes`, `pods`, ...).
    /// `None` when the field is absent: no cap at all.
    pub limits: Option<BTreeMap<String, Spanned<Quantity>>>,
    /// Higher weight is preferred; 1..=100 per the CRD. Absent means 0.
    pub weight: Option<Spanned<i32>>,
    /// Static capacity pools (`replicas`, Karpenter >= 1.7).
    pub replicas: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeClaimTemplate {
    #[serde(default)]
    pub metadata: TemplateMeta,
    #[serde(default)]
    pub spec: NodeClaimTemplateSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TemplateMeta {
    #[serde(default)]
    pub labels: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub annotations: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeClaimTemplateSpec {
    pub node_class_ref: Option<Spanned<NodeClassRef>>,
    #[serde(default)]
    pub requirements: Vec<Spanned<Requirement>>,
    #[serde(default)]
    pub taints: Vec<Spanned<Taint>>,
    #[serde(default)]
    pub startup_taints: Vec<Spanned<Taint>>,
    /// Duration (`720h`) or `Never`; the CRD default is `720h`.
    pub expire_after: Option<Spanned<String>>,
    pub termination_grace_period: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NodeClassRef {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

/// A node selector requirement with Karpenter's `minValues`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    #[serde(default)]
    pub values: Vec<String>,
    pub min_values: Option<u32>,
}

/// Every operator a NodePool requirement may use (karpenter.sh_nodepools.yaml:
/// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`; Karpenter >= 1.4 adds
/// `Gte` and `Lte`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
pub enum Operator {
    #[default]
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
    Gte,
    Lte,
}

impl Operator {
    /// A pod's node-affinity operator (core/v1 `NodeSelectorOperator`: `In`,
    /// `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`; no `Gte`/`Lte` there).
    pub fn from_node_selector(s: &str) -> Option<Operator> {
        Some(match s {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            "Gt" => Operator::Gt,
            "Lt" => Operator::Lt,
            _ => return None,
        })
    }
}

impl Requirement {
    /// Whether a label value satisfies this requirement (`None`: label absent).
    /// Semantics of k8s.io/api/core/v1 NodeSelectorRequirement, with `Gt`/`Lt`
    /// comparing integers.
    pub fn matches(&self, value: Option<&str>) -> bool {
        let num = |s: &str| s.parse::<i64>().ok();
        let bound = self.values.first().and_then(|v| num(v));
        match self.operator {
            Operator::In => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Operator::NotIn => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::Gt => matches!((value.and_then(num), bound), (Some(v), Some(b)) if v > b),
            Operator::Lt => matches!((value.and_then(num), bound), (Some(v), Some(b)) if v < b),
            Operator::Gte => matches!((value.and_then(num), bound), (Some(v), Some(b)) if v >= b),
            Operator::Lte => matches!((value.and_then(num), bound), (Some(v), Some(b)) if v <= b),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disruption {
    /// `WhenEmpty` or `WhenEmptyOrUnderutilized` (the CRD default).
    pub consolidation_policy: Option<Spanned<ConsolidationPolicy>>,
    /// Duration or `Never`; required by the v1 CRD.
    pub consolidate_after: Option<Spanned<String>>,
    #[serde(default)]
    pub budgets: Vec<Spanned<Budget>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
/// `spec.disruption.consolidationPolicy`: the CRD's enum (karpenter.sh_nodepools.yaml,
/// karpenter-provider-aws v1.14: `WhenEmpty`, `WhenEmptyOrUnderutilized`,
/// `Balanced`; default `WhenEmptyOrUnderutilized`).
pub enum ConsolidationPolicy {
    WhenEmpty,
    WhenEmptyOrUnderutilized,
    Balanced,
}

impl ConsolidationPolicy {
    /// Whether Karpenter replaces or removes nodes that still run pods.
    pub fn consolidates_underutilized(self) -> bool {
        matches!(
            self,
            ConsolidationPolicy::WhenEmptyOrUnderutilized | ConsolidationPolicy::Balanced
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// A count (`"10"`) or a percentage (`"10%"`); the CRD default is `10%`.
    #[serde(default)]
    pub nodes: String,
    pub schedule: Option<String>,
    pub duration: Option<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

impl NodePool {
    /// The requirement on a label key, if any.
    pub fn requirement(&self, key: &str) -> Option<&Spanned<Requirement>> {
        self.spec
            .template
            .spec
            .requirements
            .iter()
            .find(|r| r.value.key == key)
    }

    /// The consolidation policy in force (CRD default `WhenEmptyOrUnderutilized`).
    pub fn consolidation_policy(&self) -> ConsolidationPolicy {
        self.spec
            .disruption
            .as_ref()
            .and_then(|d| d.consolidation_policy.as_ref())
            .map(|p| p.value)
            .unwrap_or(ConsolidationPolicy::WhenEmptyOrUnderutilized)
    }
}
