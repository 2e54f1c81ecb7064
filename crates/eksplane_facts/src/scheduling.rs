//! Shared Karpenter scheduling helpers: can a pod template land on the nodes
//! a NodePool launches, and with which capacity types.
//!
//! A NodePool's nodes carry its template labels, a label for every
//! requirement key (Karpenter narrows each to one value per node), the
//! well-known labels every node has (zone, instance type, arch, ...), and
//! `karpenter.sh/nodepool`. A pod lands on the pool when it tolerates the
//! pool's taints (startup taints excluded) and its `nodeSelector` and one of
//! its required node-affinity terms are compatible with those labels.
//! Sources:
//! - https://karpenter.sh/docs/concepts/scheduling/ ("Well-Known Labels";
//!   pods requiring a label the NodePool does not define only schedule when it
//!   is a well-known label)
//! - https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecrequirements
//!   ("If a requirement is not defined for a well known label, any value
//!   available to the cloud provider may be chosen"; taints a pod does not
//!   tolerate exclude the pool; startup taints need no toleration)
//! - https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
//!
//! The check is an over-approximation where values are open (a `Gt` against
//! an open range is assumed satisfiable): "can land" means "nothing in the
//! inputs rules it out".

use eksplane_model::k8s::{LabelSelector, PodTemplate, Taint, Toleration};
use eksplane_model::karpenter::{NodePool, Operator, Requirement};
use eksplane_source::Spanned;
use std::collections::BTreeMap;

/// The capacity-type label. Source: https://karpenter.sh/docs/concepts/nodepools/#capacity-type
pub const CAPACITY_TYPE: &str = "karpenter.sh/capacity-type";
pub const SPOT: &str = "spot";
pub const ON_DEMAND: &str = "on-demand";
/// The label Karpenter sets to the NodePool's name on each node.
pub const NODEPOOL_LABEL: &str = "karpenter.sh/nodepool";
pub const INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const INSTANCE_FAMILY: &str = "karpenter.k8s.aws/instance-family";
pub const INSTANCE_CATEGORY: &str = "karpenter.k8s.aws/instance-category";
pub const INSTANCE_GENERATION: &str = "karpenter.k8s.aws/instance-generation";
pub const INSTANCE_SIZE: &str = "karpenter.k8s.aws/instance-size";

/// Labels every Karpenter node on AWS carries with some value, whether or
/// not the NodePool constrains them (karpenter.sh/docs/concepts/scheduling/
/// "Well-Known Labels"); every `karpenter.k8s.aws/` label is one too.
const WELL_KNOWN: &[&str] = &[
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "topology.k8s.aws/zone-id",
    "node.kubernetes.io/instance-type",
    "node.kubernetes.io/windows-build",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "kubernetes.io/hostname",
    CAPACITY_TYPE,
    NODEPOOL_LABEL,
];

fn is_well_known(key: &str) -> bool {
    WELL_KNOWN.contains(&key) || key.starts_with("karpenter.k8s.aws/")
}

/// Every value one label key can take on a NodePool's nodes.
struct Domain<'a> {
    /// Values the label must equal (template labels, the pool name, pins).
    fixed: Vec<&'a str>,
    reqs: Vec<&'a Requirement>,
    well_known: bool,
}

impl Domain<'_> {
    fn admits(&self, v: Option<&str>) -> bool {
        match v {
            None => {
                self.fixed.is_empty()
                    && !self.well_known
                    && self.reqs.iter().all(|r| r.matches(None))
            }
            Some(v) => {
                (self.well_known || !self.fixed.is_empty() || !self.reqs.is_empty())
                    && self.fixed.iter().all(|f| *f == v)
                    && self.reqs.iter().all(|r| r.matches(Some(v)))
            }
        }
    }

    /// Whether some value nobody in the inputs names can be set: an open
    /// domain (well-known, or a requirement such as `Exists`/`NotIn`/`Gt`).
    fn admits_other(&self) -> bool {
        self.fixed.is_empty()
            && (self.well_known || !self.reqs.is_empty())
            && self
                .reqs
                .iter()
                .all(|r| !matches!(r.operator, Operator::In | Operator::DoesNotExist))
    }

    /// The values this domain names.
    fn named(&self) -> impl Iterator<Item = &str> {
        self.fixed.iter().copied().chain(
            self.reqs
                .iter()
                .flat_map(|r| r.values.iter().map(String::as_str)),
        )
    }
}

/// One pod-side constraint on a label key.
enum PodConstraint<'a> {
    /// `nodeSelector` key: value.
    Equals(&'a str),
    /// A required node-affinity expression.
    Expr(Option<Operator>, &'a [String]),
}

impl PodConstraint<'_> {
    fn matches(&self, key: &str, v: Option<&str>) -> bool {
        match self {
            PodConstraint::Equals(x) => v == Some(*x),
            PodConstraint::Expr(None, _) => false,
            PodConstraint::Expr(Some(op), values) => Requirement {
                key: key.to_string(),
                operator: *op,
                values: values.to_vec(),
                min_values: None,
            }
            .matches(v),
        }
    }

    /// Whether a value nobody names satisfies it.
    fn matches_other(&self) -> bool {
        match self {
            PodConstraint::Equals(_) | PodConstraint::Expr(None, _) => false,
            PodConstraint::Expr(Some(op), _) => {
                !matches!(op, Operator::In | Operator::DoesNotExist)
            }
        }
    }

    fn named(&self) -> Vec<&str> {
        match self {
            PodConstraint::Equals(x) => vec![*x],
            PodConstraint::Expr(_, values) => values.iter().map(String::as_str).collect(),
        }
    }
}

/// A NodePool's label domains, optionally with one extra label pinned (to ask
/// "can the pod land here on a Spot node").
struct PoolLabels<'a> {
    np: &'a NodePool,
    pin: Option<(&'a str, &'a str)>,
}

impl<'a> PoolLabels<'a> {
    fn domain(&self, key: &str) -> Domain<'a> {
        let np = self.np;
        let mut fixed: Vec<&'a str> = np
            .spec
            .template
            .metadata
            .labels
            .get(key)
            .map(|v| v.value.as_str())
            .into_iter()
            .collect();
        if key == NODEPOOL_LABEL {
            fixed.push(np.metadata.name.value.as_str());
        }
        // A pool that says nothing about the capacity type launches
        // on-demand: "The AWS Cloud Provider defaults to [ on-demand ], so
        // spot must be explicitly included in capacity type requirements"
        // (aws/karpenter-provider-aws pkg/providers/instance/instance.go,
        // getCapacityType). One reading for sizing, the simulator and the
        // Spot rules (crate::nodes::NodeSource::capacity_types).
        if key == CAPACITY_TYPE
            && fixed.is_empty()
            && !np
                .spec
                .template
                .spec
                .requirements
                .iter()
                .any(|r| r.value.key == CAPACITY_TYPE)
        {
            fixed.push(ON_DEMAND);
        }
        if let Some((k, v)) = self.pin
            && k == key
        {
            fixed.push(v);
        }
        let reqs = np
            .spec
            .template
            .spec
            .requirements
            .iter()
            .filter(|r| r.value.key == key)
            .map(|r| &r.value)
            .collect();
        Domain {
            fixed,
            reqs,
            well_known: is_well_known(key),
        }
    }

    /// Whether the pool's nodes can satisfy every constraint on `key` at once.
    fn satisfiable(&self, key: &str, cs: &[&PodConstraint<'_>]) -> bool {
        let d = self.domain(key);
        let mut candidates: Vec<Option<&str>> = vec![None];
        candidates.extend(d.named().map(Some));
        for c in cs {
            candidates.extend(c.named().into_iter().map(Some));
        }
        candidates
            .into_iter()
            .any(|v| d.admits(v) && cs.iter().all(|c| c.matches(key, v)))
            || (d.admits_other() && cs.iter().all(|c| c.matches_other()))
    }

    /// Whether the pin (if any) holds when the pod says nothing about its key.
    fn pin_holds(&self) -> bool {
        match self.pin {
            Some((k, v)) => self.domain(k).admits(Some(v)),
            None => true,
        }
    }
}

/// Whether `tolerations` tolerate `taint` (core/v1 Toleration.ToleratesTaint).
pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect);
        let key = t.key.as_deref().unwrap_or("");
        let exists = t.operator.as_deref() == Some("Exists");
        let key_ok = if key.is_empty() {
            // An empty key is valid only with Exists: it matches every taint.
            exists
        } else {
            key == taint.key
        };
        let value_ok =
            exists || t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("");
        effect_ok && key_ok && value_ok
    })
}

/// The pool's taints the pod does not tolerate (`NoSchedule` and `NoExecute`;
/// `PreferNoSchedule` does not keep a pod off, startup taints are exempt).
pub fn untolerated_taints<'a>(tpl: &PodTemplate, np: &'a NodePool) -> Vec<&'a Taint> {
    let tolerations = tpl.spec.tolerations.as_deref().unwrap_or(&[]);
    np.spec
        .template
        .spec
        .taints
        .iter()
        .map(|t| &t.value)
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .filter(|t| !tolerates(tolerations, t))
        .collect()
}

fn labels_compatible(tpl: &PodTemplate, pool: &PoolLabels<'_>) -> bool {
    // The pod's constraints as kube-scheduler reads them (one extraction,
    // shared with the simulator's per-node filter).
    let pc = PodConstraints::from_template(tpl);
    let selector: Vec<(&str, PodConstraint<'_>)> = pc
        .node_selector
        .iter()
        .map(|(k, v)| (k.as_str(), PodConstraint::Equals(v.as_str())))
        .collect();
    // Every constraint of one term (plus the nodeSelector), grouped by key,
    // must be satisfiable by the pool's nodes.
    let check = |exprs: &[(&str, PodConstraint<'_>)]| {
        let mut by_key: BTreeMap<&str, Vec<&PodConstraint<'_>>> = BTreeMap::new();
        for (k, c) in selector.iter().chain(exprs) {
            by_key.entry(k).or_default().push(c);
        }
        let keys_ok = by_key.iter().all(|(k, cs)| pool.satisfiable(k, cs));
        // A pinned key the pod says nothing about must still be possible.
        let pin_ok = match pool.pin {
            Some((k, _)) if !by_key.contains_key(k) => pool.pin_holds(),
            _ => true,
        };
        keys_ok && pin_ok
    };
    match &pc.terms {
        None => check(&[]),
        Some(terms) => terms.iter().any(|term| {
            // An empty term matches no node (core/v1 NodeSelectorTerm; a
            // matchFields-only term names nodes, which Karpenter does not
            // provision for); an operator kube does not know matches nothing.
            if term.is_empty() || term.iter().any(Option::is_none) {
                return false;
            }
            let exprs: Vec<(&str, PodConstraint<'_>)> = term
                .iter()
                .flatten()
                .map(|r| {
                    (
                        r.key.as_str(),
                        PodConstraint::Expr(Some(r.operator), r.values.as_slice()),
                    )
                })
                .collect();
            check(&exprs)
        }),
    }
}

/// Whether pods of `tpl` can run on nodes `np` launches: they tolerate its
/// taints and their nodeSelector and required node affinity fit its labels
/// and requirements.
pub fn can_land(tpl: &PodTemplate, np: &NodePool) -> bool {
    untolerated_taints(tpl, np).is_empty() && labels_compatible(tpl, &PoolLabels { np, pin: None })
}

/// The capacity types (`spot`, `on-demand`) a NodePool may launch. With no
/// `karpenter.sh/capacity-type` requirement: on-demand only (the AWS
/// provider's default; see `PoolLabels::domain`), as sizing and the
/// simulator read it.
pub fn pool_capacity_types(np: &NodePool) -> Vec<&'static str> {
    let pool = PoolLabels { np, pin: None };
    let d = pool.domain(CAPACITY_TYPE);
    [SPOT, ON_DEMAND]
        .into_iter()
        .filter(|c| d.admits(Some(c)))
        .collect()
}

/// The capacity types pods of `tpl` can get from `np`: empty when they cannot
/// land on it at all.
pub fn capacity_types_for(tpl: &PodTemplate, np: &NodePool) -> Vec<&'static str> {
    if !untolerated_taints(tpl, np).is_empty() {
        return Vec::new();
    }
    [SPOT, ON_DEMAND]
        .into_iter()
        .filter(|c| {
            labels_compatible(
                tpl,
                &PoolLabels {
                    np,
                    pin: Some((CAPACITY_TYPE, c)),
                },
            )
        })
        .collect()
}

// ---- Concrete nodes: kube-scheduler's node-label filters (NodeAffinity plugin,
// kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity) and label
// selectors between pods; the simulator's filter.

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
