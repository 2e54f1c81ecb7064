use super::util::{fix_snippet, list_long, max_pods_edits, mode, setting_span};
use crate::declare_rule;
use eksplane_capacity::{PrefixFallback, Verdict};
use eksplane_diagnostics::{Applicability, Finding, Fix};
use eksplane_facts::Facts;

declare_rule! {
    /// ## What it does
    /// For each Karpenter NodePool, flags allowed instance types whose kubelet
    /// admits more pods than the VPC CNI can give IP addresses to in its mode:
    /// `maxPods` set above the per-IP capacity when prefix delegation is off
    /// or cannot apply (non-Nitro types, CNI older than 1.9), custom
    /// networking's lost primary ENI not accounted for, or a trunk ENI
    /// (`ENABLE_POD_ENI`) taking an ENI slot.
    ///
    /// ## Why it matters
    /// The scheduler places pods up to the advertised capacity; the CNI then
    /// fails to assign an address and the pods sit in `ContainerCreating`
    /// ("failed to assign an IP address to container"). This is the guide's
    /// failure story told correctly: a NodeClass-wide `maxPods: 110` on a
    /// c4.xlarge (Xen: no prefix delegation; 4 ENIs x 14 IPs + 2 = 58) admits
    /// 52 pods that can never start.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// spec:
    ///   kubelet:
    ///     maxPods: 110   # the NodePool also allows c4/m4 (Xen)
    /// ```
    ///
    /// ## Fix
    /// Keep types where the value cannot be met out of the pool (e.g.
    /// `karpenter.k8s.aws/instance-hypervisor In [nitro]`), or split the
    /// NodeClass by size with a maxPods each type can back (`eksplane
    /// capacity` prints the groups), or use a nodeadm `maxPodsExpression`.
    ///
    /// `eksplane check --fix --unsafe-fixes` makes this change: the
    /// EC2NodeClass's `kubelet.maxPods`, and for several groups new
    /// `<class>-<N>` / `<pool>-<N>` files and a `NotIn` requirement on the
    /// pool. Unsafe: the changed EC2NodeClass drifts (Karpenter replaces its
    /// nodes), and each new NodePool copies the pool's `limits` and weight.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html
    /// - https://github.com/awslabs/amazon-eks-ami/blob/main/templates/al2/runtime/max-pods-calculator.sh
    /// - https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/prefix-and-ip-target.md
    pub RULE = ("CNI002", "max-pods-over-committed", Error, "Nodes admit more pods than the CNI can address", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, _catalog) = (facts.platform, facts.catalog);
    let mut out = Vec::new();
    for pc in facts.capacities().iter().filter(|pc| pc.judged()) {
        let mut over: Vec<(u32, String)> = pc
            .rows
            .iter()
            .filter_map(|c| match c.verdict {
                Verdict::OverCommitted { by } => {
                    let why = match c.cni.prefix_fallback {
                        Some(PrefixFallback::NotNitro) => " (not Nitro: no prefixes)",
                        Some(PrefixFallback::CniTooOld(_)) => " (CNI < 1.9: no prefixes)",
                        None if c.cni.primary_eni_excluded => " (custom networking)",
                        None if c.cni.trunk_slot => " (the trunk ENI takes a slot)",
                        None => "",
                    };
                    Some((
                        by,
                        format!(
                            "{} admits {}, the CNI can address {}{why}",
                            c.instance_type, c.admitted, c.cni_max_pods
                        ),
                    ))
                }
                _ => None,
            })
            .collect();
        if over.is_empty() {
            continue;
        }
        over.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let worst: Vec<String> = over.iter().map(|(_, s)| s.clone()).collect();
        let mut f = RULE
            .finding(
                format!(
                    "{} admits more pods than the VPC CNI ({}) can give addresses to on {} \
                     of its {} allowed instance types, so pods beyond the CNI's capacity stay in \
                     ContainerCreating: {}",
                    pc.label(),
                    mode(&pc.cni),
                    over.len(),
                    pc.rows.len(),
                    list_long(&worst, 5)
                ),
                pc.source.anchor(),
            )
            .related(pc.source.span, pc.label())
            .object(pc.source.object.clone());
        if let Some(s) = setting_span(p, |s| s.enable_prefix_delegation.span) {
            f = f.related(
                s,
                if pc.cni.prefix_delegation {
                    "prefix delegation is on, but not for every type"
                } else {
                    "prefix delegation is off"
                },
            );
        }
        if let Some(fix) = &pc.fix {
            f = f.fix(
                Fix::new(
                    "give each group of types a maxPods it can back, or keep the failing types \
                     out of the pool",
                )
                .with_snippet(fix_snippet(pc, fix))
                .with_edits(Applicability::Unsafe, max_pods_edits(pc, fix)),
            );
        }
        out.push(f);
    }
    out
}
