//! Built-in Kubernetes kinds the analyses read. Pod specs, selectors and RBAC
//! rules reuse `k8s-openapi` types; metadata is ours, with positions.

pub mod config_map;
pub mod core;
pub mod hpa;
pub mod rbac;
pub mod status;
pub mod workload;

pub use self::config_map::*;
pub use self::core::*;
pub use self::hpa::*;
pub use self::rbac::*;
pub use self::status::*;
pub use self::workload::*;

pub use k8s_openapi::api::core::v1::{Taint, Toleration};
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
pub use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Whether a label set satisfies a selector (matchLabels and matchExpressions,
/// per k8s.io/apimachinery/pkg/apis/meta/v1 LabelSelector semantics). An empty
/// selector matches everything.
pub fn selector_matches(
    sel: &LabelSelector,
    labels: &std::collections::BTreeMap<String, eksplane_source::Spanned<String>>,
) -> bool {
    let get = |k: &str| labels.get(k).map(|v| v.value.as_str());
    if let Some(ml) = &sel.match_labels
        && !ml.iter().all(|(k, v)| get(k) == Some(v.as_str()))
    {
        return false;
    }
    sel.match_expressions.iter().flatten().all(|e| {
        let vals = e.values.as_deref().unwrap_or(&[]);
        match e.operator.as_str() {
            "In" => get(&e.key).is_some_and(|v| vals.iter().any(|x| x == v)),
            "NotIn" => get(&e.key).is_none_or(|v| !vals.iter().any(|x| x == v)),
            "Exists" => get(&e.key).is_some(),
            "DoesNotExist" => get(&e.key).is_none(),
            _ => false,
        }
    })
}
