use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags a Karpenter NodePool with no `spec.limits` (or an empty one).
    ///
    /// ## Why it matters
    /// Limits are the circuit breaker: without them a runaway controller, a
    /// bad HPA or a pending-pod storm makes Karpenter launch capacity without
    /// bound, and the bill (and IP space) follows. With limits, Karpenter stops
    /// provisioning for the pool once the sum of its nodes' capacity reaches them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: batch
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    /// ```
    ///
    /// ## Fix
    /// Set a CPU (and memory) cap sized for the pool's expected peak plus headroom:
    /// ```yaml
    /// spec:
    ///   limits:
    ///     cpu: "1000"
    ///     memory: 4000Gi
    /// ```
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodepools/#speclimits
    pub RULE = ("KAR001", "node-pool-without-limits", Warning, "NodePool has no limits", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    p.node_pools
        .iter()
        .filter(|np| np.spec.limits.as_ref().is_none_or(|l| l.is_empty()))
        .map(|np| {
            let span = match &np.spec.limits {
                Some(_) => np.origin.locate_key(&["spec"], "limits"),
                None => np.origin.locate_key(&[], "spec"),
            };
            RULE.finding(
                format!(
                    "NodePool {} has no limits: nothing caps how much capacity Karpenter may launch for it",
                    np.name()
                ),
                span,
            )
            .fix(
                Fix::new("add spec.limits with a CPU and memory cap for this pool").with_snippet(
                    "spec:\n  limits:\n    cpu: \"1000\"\n    memory: 4000Gi\n",
                ),
            )
            .object(np.object_ref().to_string())
        })
        .collect()
}
