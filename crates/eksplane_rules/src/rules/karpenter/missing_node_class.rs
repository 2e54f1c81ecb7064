use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags a NodePool whose `spec.template.spec.nodeClassRef` names an
    /// EC2NodeClass (group `karpenter.k8s.aws`, kind `EC2NodeClass`) that is
    /// not in the inputs, when the inputs hold at least one EC2NodeClass (with
    /// none at all the node classes are taken to live elsewhere, and the rule
    /// is silent). References to other node class kinds (EKS Auto Mode's
    /// `eks.amazonaws.com` `NodeClass`) are not checked. A NodePool with no
    /// `nodeClassRef` at all is flagged too: the v1 CRD requires it.
    ///
    /// ## Why it matters
    /// Karpenter marks such a NodePool `NodeClassReady=False` and provisions
    /// nothing from it: pods that only fit this pool stay Pending. It is
    /// usually a typo, or a node class renamed without its pools.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NodePool
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: defualt}
    /// ```
    ///
    /// ## Fix
    /// Point `nodeClassRef.name` at an existing EC2NodeClass, or add the
    /// missing one.
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecnodeclassref
    /// - https://karpenter.sh/docs/concepts/nodeclasses/
    /// - https://karpenter.sh/docs/troubleshooting/
    pub RULE = ("KAR006", "missing-node-class", Error, "NodePool references a missing EC2NodeClass", Some(check));
}

/// Edit distance, to suggest the node class a typo meant.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    let mut names: Vec<&str> = p.node_classes.iter().map(|c| c.name()).collect();
    names.sort_unstable();
    names.dedup();
    for np in &p.node_pools {
        let Some(r) = &np.spec.template.spec.node_class_ref else {
            out.push(
                RULE.finding(
                    format!(
                        "NodePool {} has no nodeClassRef: the karpenter.sh/v1 CRD requires one, and \
                         Karpenter cannot launch nodes without it",
                        np.name()
                    ),
                    np.origin.locate(&["spec", "template", "spec"]),
                )
                .fix(
                    Fix::new("reference the EC2NodeClass these nodes should use").with_snippet(format!(
                        "spec:\n  template:\n    spec:\n      nodeClassRef:\n        group: karpenter.k8s.aws\n        kind: EC2NodeClass\n        name: {}\n",
                        names.first().copied().unwrap_or("default")
                    )),
                )
                .object(np.object_ref().to_string()),
            );
            continue;
        };
        let ec2 = matches!(r.value.group.as_str(), "" | "karpenter.k8s.aws")
            && matches!(r.value.kind.as_str(), "" | "EC2NodeClass");
        if !ec2 || names.is_empty() || names.contains(&r.value.name.as_str()) {
            continue;
        }
        let wanted = r.value.name.as_str();
        let closest = names
            .iter()
            .copied()
            .min_by_key(|n| distance(n, wanted))
            .unwrap_or("default");
        let span = np
            .origin
            .locate(&["spec", "template", "spec", "nodeClassRef", "name"]);
        let mut f = RULE
            .finding(
                format!(
                    "NodePool {} references EC2NodeClass {wanted}, which is not in the inputs (they define {}): \
                     Karpenter reports NodeClassReady=False and launches no nodes from this pool",
                    np.name(),
                    names.join(", ")
                ),
                span,
            )
            .object(np.object_ref().to_string());
        for c in &p.node_classes {
            f = f.related(
                c.origin.span,
                format!("EC2NodeClass {} is defined here", c.name()),
            );
        }
        f = f.fix(
            Fix::new(format!(
                "point nodeClassRef at an existing EC2NodeClass (did you mean {closest}?), or add EC2NodeClass {wanted}"
            ))
            .with_snippet(format!(
                "spec:\n  template:\n    spec:\n      nodeClassRef:\n        group: karpenter.k8s.aws\n        kind: EC2NodeClass\n        name: {closest}\n"
            )),
        );
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(yaml: &str) -> Vec<Finding> {
        let l = load_texts([("t.yaml", yaml)]);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: np}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: defualt}
";
    const CLASS: &str = "---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  role: KarpenterNodeRole
";

    #[test]
    fn missing_class_fires_only_when_classes_are_given() {
        assert!(run(POOL).is_empty());
        let f = run(&format!("{POOL}{CLASS}"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].fix
                .as_ref()
                .is_some_and(|x| x.description.contains("did you mean default"))
        );
        assert!(run(&format!("{}{CLASS}", POOL.replace("defualt", "default"))).is_empty());
    }

    #[test]
    fn auto_mode_node_classes_are_not_checked() {
        let pool = POOL.replace(
            "{group: karpenter.k8s.aws, kind: EC2NodeClass, name: defualt}",
            "{group: eks.amazonaws.com, kind: NodeClass, name: default}",
        );
        assert!(run(&format!("{pool}{CLASS}")).is_empty());
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("default", "defualt"), 2);
        assert_eq!(distance("gpu", "gpu"), 0);
        assert_eq!(distance("", "abc"), 3);
    }
}
