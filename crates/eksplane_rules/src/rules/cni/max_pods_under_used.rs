use super::util::{fix_snippet, list_long, max_pods_edits, mode, setting_span};
use crate::declare_rule;
use eksplane_capacity::Verdict;
use eksplane_diagnostics::{Applicability, Finding, Fix};
use eksplane_facts::Facts;

declare_rule! {
    /// ## What it does
    /// For each Karpenter NodePool, compares the pods Karpenter lets the
    /// kubelet admit on every allowed instance type (kubelet `maxPods`, or
    /// Karpenter's ENI-limited per-IP default) with what the VPC CNI could
    /// carry in its mode, capped at AWS's recommendation (110 up to 30 vCPUs,
    /// 250 above). Flags pools where types admit at least 10% (and 2 pods)
    /// fewer pods than attainable.
    ///
    /// ## Why it matters
    /// Karpenter never considers prefix delegation: with
    /// `ENABLE_PREFIX_DELEGATION=true` and no `maxPods`, it still sizes nodes
    /// from the per-IP formula (`ENIs x (IPv4 per ENI - 1) + 2`), so a
    /// c7g.medium admits 8 pods where the CNI could address 98
    /// (aws/karpenter-provider-aws#8210). Each node runs far fewer pods than
    /// it could, and the cluster buys nodes it does not need. The same
    /// happens when `maxPods` is set lower than large types could carry.
    ///
    /// ## Example
    /// ```yaml
    /// # aws-node: ENABLE_PREFIX_DELEGATION=true
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// spec:
    ///   amiSelectorTerms: [{alias: al2023@latest}]
    ///   # no kubelet.maxPods: Karpenter's per-IP default applies
    /// ```
    ///
    /// ## Fix
    /// Set `kubelet.maxPods` on the EC2NodeClass from AWS's calculator for the
    /// pool's types (`eksplane capacity` prints the groups: one NodeClass per
    /// group where a single value cannot fit every type), or on AL2023 a
    /// nodeadm `maxPodsExpression`. Higher maxPods also raises kube-reserved
    /// memory (11 MiB per pod): `eksplane capacity` states the change.
    ///
    /// `eksplane check --fix --unsafe-fixes` makes this change: the
    /// EC2NodeClass's `kubelet.maxPods`, and for several groups new
    /// `<class>-<N>` / `<pool>-<N>` files and a `NotIn` requirement on the
    /// pool. Unsafe: the changed EC2NodeClass drifts (Karpenter replaces its
    /// nodes), and each new NodePool copies the pool's `limits` and weight.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html
    /// - https://github.com/aws/karpenter-provider-aws/issues/8210
    /// - https://karpenter.sh/docs/concepts/nodeclasses/#speckubelet
    pub RULE = ("CNI001", "max-pods-under-used", Warning, "Nodes admit far fewer pods than the CNI can address", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, _catalog) = (facts.platform, facts.catalog);
    let mut out = Vec::new();
    for pc in facts.capacities().iter().filter(|pc| pc.judged()) {
        let mut lost: Vec<(u32, String)> = pc
            .rows
            .iter()
            .filter_map(|c| match c.verdict {
                Verdict::UnderUsed { pods_lost } => Some((
                    pods_lost,
                    format!(
                        "{} admits {} of {} ({} lost)",
                        c.instance_type, c.admitted, c.attainable, pods_lost
                    ),
                )),
                _ => None,
            })
            .collect();
        // Over-committed pools are CNI002's; one verdict per pool at a time
        // would hide the other, so both may fire.
        if lost.is_empty() {
            continue;
        }
        lost.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let worst: Vec<String> = lost.iter().map(|(_, s)| s.clone()).collect();
        let source = pc.admitted_from();
        let mut f = RULE
            .finding(
                format!(
                    "{} sizes nodes from {source}, but the VPC CNI ({}) could carry more on \
                     {} of its {} allowed instance types: {}",
                    pc.label(),
                    mode(&pc.cni),
                    lost.len(),
                    pc.rows.len(),
                    list_long(&worst, 5)
                ),
                pc.source.anchor(),
            )
            .related(pc.source.span, pc.label())
            .object(pc.source.object.clone());
        if pc.cni.prefix_delegation
            && let Some(s) = setting_span(p, |s| s.enable_prefix_delegation.span)
        {
            f = f.related(s, "prefix delegation is on");
        }
        if let Some(fix) = &pc.fix {
            f = f.fix(
                Fix::new(format!(
                    "set kubelet maxPods per group of types (run `eksplane capacity` for the \
                     table); {}",
                    fix.memory_note
                ))
                .with_snippet(fix_snippet(pc, fix))
                .with_edits(Applicability::Unsafe, max_pods_edits(pc, fix)),
            );
        }
        out.push(f);
    }
    out
}
