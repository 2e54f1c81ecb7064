//! kube-scheduler's node-label filters for one concrete node: `nodeSelector`
//! and required node affinity (the NodeAffinity plugin,
//! kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity), and
//! label selectors between pods. Operators follow core/v1
//! NodeSelectorRequirement (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`,
//! `Lt`), evaluated by the model's `Requirement::matches`.

use eksplane_model::k8s::{LabelSelector, PodTemplate};
use eksplane_model::karpenter::{Operator, Requirement};
use eksplane_source::Spanned;
use std::collections::BTreeMap;

/// Where a node's labels come from.
pub trait LabelSource {
    fn label(&self, key: &str) -> Option<String>;
}

impl LabelSource for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<String> {
        self.get(key).cloned()
    }
}

/// A pod's node-label constraints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodConstraints {
    pub node_selector: Vec<(String, String)>,
    /// Required node-affinity terms: ORed; each term's expressions ANDed.
    /// `None` in a term: an operator kube does not know (matches nothing).
    pub terms: Option<Vec<Vec<Option<Requirement>>>>,
}

impl PodConstraints {
    pub fn from_template(tpl: &PodTemplate) -> PodConstraints {
        let node_selector = tpl
            .spec
            .node_selector
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let terms = tpl
            .spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|s| {
                s.node_selector_terms
                    .iter()
                    .map(|t| {
                        t.match_expressions
                            .iter()
                            .flatten()
                            .map(|e| {
                                Operator::from_node_selector(&e.operator).map(|op| Requirement {
                                    key: e.key.clone(),
                                    operator: op,
                                    values: e.values.clone().unwrap_or_default(),
                                    min_values: None,
                                })
                            })
                            .collect()
                    })
                    .collect()
            });
        PodConstraints {
            node_selector,
            terms,
        }
    }

    /// Whether a node with these labels passes.
    pub fn matches(&self, node: &dyn LabelSource) -> bool {
        let selector_ok = self
            .node_selector
            .iter()
            .all(|(k, v)| node.label(k).as_deref() == Some(v.as_str()));
        if !selector_ok {
            return false;
        }
        match &self.terms {
            None => true,
            // An empty term list or an empty term matches no node
            // (core/v1 NodeSelector).
            Some(terms) => terms.iter().any(|t| {
                !t.is_empty()
                    && t.iter().all(|r| {
                        r.as_ref()
                            .is_some_and(|r| r.matches(node.label(&r.key).as_deref()))
                    })
            }),
        }
    }
}

/// Whether a label selector selects a pod with these labels
/// (metav1.LabelSelectorAsSelector: matchLabels and matchExpressions ANDed;
/// an empty selector selects everything).
pub fn selector_matches(sel: &LabelSelector, labels: &BTreeMap<String, Spanned<String>>) -> bool {
    let get = |k: &str| labels.get(k).map(|v| v.value.as_str());
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v.as_str()));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        match e.operator.as_str() {
            "In" => get(&e.key).is_some_and(|v| values.iter().any(|x| x == v)),
            "NotIn" => get(&e.key).is_none_or(|v| !values.iter().any(|x| x == v)),
            "Exists" => get(&e.key).is_some(),
            "DoesNotExist" => get(&e.key).is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tpl(yaml_spec: serde_json::Value) -> PodTemplate {
        serde_json::from_value(serde_json::json!({ "spec": yaml_spec }))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn node(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn affinity(exprs: serde_json::Value) -> PodConstraints {
        PodConstraints::from_template(&tpl(serde_json::json!({
            "containers": [],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [{"matchExpressions": exprs}]}}}
        })))
    }

    #[test]
    fn node_selector_needs_every_label() {
        let c = PodConstraints::from_template(&tpl(serde_json::json!({
            "containers": [], "nodeSelector": {"a": "1", "b": "2"}})));
        assert!(c.matches(&node(&[("a", "1"), ("b", "2"), ("c", "3")])));
        assert!(!c.matches(&node(&[("a", "1")])));
        assert!(!c.matches(&node(&[("a", "1"), ("b", "3")])));
    }

    #[test]
    fn affinity_operators() {
        let n = node(&[("zone", "a"), ("cpu", "8")]);
        let cases = [
            (
                serde_json::json!([{"key": "zone", "operator": "In", "values": ["a", "b"]}]),
                true,
            ),
            (
                serde_json::json!([{"key": "zone", "operator": "NotIn", "values": ["a"]}]),
                false,
            ),
            (
                serde_json::json!([{"key": "gpu", "operator": "NotIn", "values": ["x"]}]),
                true,
            ),
            (
                serde_json::json!([{"key": "zone", "operator": "Exists"}]),
                true,
            ),
            (
                serde_json::json!([{"key": "gpu", "operator": "DoesNotExist"}]),
                true,
            ),
            (
                serde_json::json!([{"key": "cpu", "operator": "Gt", "values": ["4"]}]),
                true,
            ),
            (
                serde_json::json!([{"key": "cpu", "operator": "Lt", "values": ["8"]}]),
                false,
            ),
            (
                serde_json::json!([{"key": "cpu", "operator": "Bogus", "values": ["8"]}]),
                false,
            ),
        ];
        for (exprs, want) in cases {
            assert_eq!(affinity(exprs.clone()).matches(&n), want, "{exprs}");
        }
    }

    #[test]
    fn terms_are_ored_and_an_empty_term_matches_nothing() {
        let c = PodConstraints::from_template(&tpl(serde_json::json!({
            "containers": [],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["x"]}]},
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
                ]}}}
        })));
        assert!(c.matches(&node(&[("zone", "a")])));
        let empty = PodConstraints::from_template(&tpl(serde_json::json!({
            "containers": [],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [{}]}}}
        })));
        assert!(!empty.matches(&node(&[("zone", "a")])));
    }

    proptest! {
        // In and NotIn are complements whenever the label is present.
        #[test]
        fn in_and_not_in_are_complements(v in "[a-c]", set in proptest::collection::vec("[a-c]", 1..3)) {
            let n = node(&[("k", v.as_str())]);
            let a = affinity(serde_json::json!([{"key": "k", "operator": "In", "values": set}])).matches(&n);
            let b = affinity(serde_json::json!([{"key": "k", "operator": "NotIn", "values": set}])).matches(&n);
            prop_assert_ne!(a, b);
        }

        // Gt and Lt never both hold, and agree with integer comparison.
        #[test]
        fn gt_lt_compare_integers(v in 0i64..64, b in 0i64..64) {
            let vs = v.to_string();
            let n = node(&[("k", vs.as_str())]);
            let gt = affinity(serde_json::json!([{"key": "k", "operator": "Gt", "values": [b.to_string()]}])).matches(&n);
            let lt = affinity(serde_json::json!([{"key": "k", "operator": "Lt", "values": [b.to_string()]}])).matches(&n);
            prop_assert_eq!(gt, v > b);
            prop_assert_eq!(lt, v < b);
        }
    }
}
