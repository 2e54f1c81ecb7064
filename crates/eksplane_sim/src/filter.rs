//! kube-scheduler's node-label filters for one concrete node: `nodeSelector`
//! and required node affinity (the NodeAffinity plugin,
//! kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity), and
//! label selectors between pods. Operators follow core/v1
//! NodeSelectorRequirement (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`,
//! `Lt`), evaluated by the model's `Requirement::matches`.

//
//! The predicates themselves live in the facts layer
//! (`eksplane_facts::scheduling`), shared with the rules' pool-level
//! "can this pod land on that NodePool"; this module re-exports them.

pub use eksplane_facts::scheduling::{LabelSource, PodConstraints, selector_matches};

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_model::k8s::PodTemplate;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

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
