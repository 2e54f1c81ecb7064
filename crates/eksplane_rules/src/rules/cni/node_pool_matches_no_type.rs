use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::capacity::allowed_types;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags NodePools whose requirements no instance type in the catalog
    /// satisfies (the embedded catalog, or `--catalog FILE` for your
    /// account's types), taking Karpenter's on-demand default into account
    /// when the pool says nothing about `karpenter.sh/capacity-type`.
    ///
    /// ## Why it matters
    /// Such a pool can never launch a node: pods that only it could serve stay
    /// Pending, and Karpenter logs "no instance type satisfied resources and
    /// requirements" with no other signal. Typical causes: a misspelt family
    /// (`m7gd` vs `m7g`), `Gt` bounds that exclude everything, arm64 with
    /// x86-only families.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   - {key: kubernetes.io/arch, operator: In, values: [arm64]}
    ///   - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i]}
    /// ```
    ///
    /// ## Fix
    /// Loosen or correct the requirements; `eksplane max-pods --node-pool
    /// FILE` lists what a pool allows.
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecrequirements
    pub RULE = ("CNI008", "node-pool-matches-no-type", Error, "NodePool requirements match no instance type", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, catalog) = (facts.platform, facts.catalog);
    p.node_pools
        .iter()
        .filter(|np| allowed_types(np, catalog).is_empty())
        .map(|np| {
            let reqs = &np.spec.template.spec.requirements;
            let mut f = RULE
                .finding(
                    format!(
                        "NodePool {} can never launch a node: no instance type in the catalog ({} \
                         types) satisfies its {} requirement(s)",
                        np.name(),
                        catalog.len(),
                        reqs.len()
                    ),
                    np.origin
                        .locate(&["spec", "template", "spec", "requirements"]),
                )
                .object(np.object_ref().to_string())
                .fix(Fix::new(
                    "correct or loosen the requirements (check family names, Gt/Lt bounds and \
                     architecture against the families)",
                ));
            for r in reqs {
                f = f.related(
                    r.span,
                    format!(
                        "{} {:?} {:?}",
                        r.value.key, r.value.operator, r.value.values
                    ),
                );
            }
            f
        })
        .collect()
}
