//! HorizontalPodAutoscaler (`autoscaling/v2`, and `autoscaling/v1` whose
//! `spec` has the same three fields read here): the replica floor and ceiling
//! of the workload it scales. Metrics are not modelled.

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;

/// `spec.minReplicas` when unset.
/// Source: Kubernetes API reference, HorizontalPodAutoscalerSpec
/// (autoscaling/v2): "minReplicas ... It defaults to 1 pod."
pub const DEFAULT_MIN_REPLICAS: i32 = 1;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HorizontalPodAutoscaler {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: HpaSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(
    HorizontalPodAutoscaler,
    "HorizontalPodAutoscaler",
    namespaced
);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaSpec {
    /// The object scaled (required by the API).
    pub scale_target_ref: Spanned<ScaleTargetRef>,
    pub min_replicas: Option<Spanned<i32>>,
    /// Required by the API.
    pub max_replicas: Spanned<i32>,
}

/// `CrossVersionObjectReference`: the target, in the HPA's namespace.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ScaleTargetRef {
    pub api_version: Option<String>,
    pub kind: String,
    pub name: String,
}

impl HorizontalPodAutoscaler {
    /// The replica floor: `spec.minReplicas`, 1 when unset.
    pub fn min_replicas(&self) -> i32 {
        self.spec
            .min_replicas
            .as_ref()
            .map_or(DEFAULT_MIN_REPLICAS, |m| m.value)
    }

    pub fn max_replicas(&self) -> i32 {
        self.spec.max_replicas.value
    }

    /// Whether this HPA scales the object of `kind` named `name` in `namespace`.
    pub fn targets(&self, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        let t = &self.spec.scale_target_ref.value;
        t.kind == kind && t.name == name && namespace == crate::KubeObject::namespace(self)
    }

    /// Problems the API server would reject: a ceiling below the floor, a
    /// floor below 1. (`minReplicas: 0` needs the alpha `HPAScaleToZero` gate.)
    pub fn problems(&self) -> Vec<(eksplane_source::Span, String)> {
        let mut out = Vec::new();
        if let Some(m) = &self.spec.min_replicas
            && m.value < 1
        {
            out.push((
                m.span,
                format!("spec.minReplicas is {}; it must be at least 1", m.value),
            ));
        }
        let max = &self.spec.max_replicas;
        if max.value < self.min_replicas() {
            out.push((
                max.span,
                format!(
                    "spec.maxReplicas {} is below spec.minReplicas {}",
                    max.value,
                    self.min_replicas()
                ),
            ));
        }
        out
    }
}
