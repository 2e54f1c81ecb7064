use super::util::{list_long, setting_span};
use crate::declare_rule;
use eksplane_capacity::PrefixFallback;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;

declare_rule! {
    /// ## What it does
    /// Flags NodePools that allow instance types on which prefix delegation
    /// cannot apply while `ENABLE_PREFIX_DELEGATION=true`: types that are
    /// neither Nitro nor bare metal (Xen: c4, m4, r4, t2, ...), or every type
    /// when the CNI is older than 1.9.0.
    ///
    /// ## Why it matters
    /// On those nodes ipamd falls back to one secondary IP per pod
    /// (amazon-vpc-cni-k8s `awsutils.IsPrefixDelegationSupported`), so their
    /// capacity is the per-IP figure while everything else in the platform
    /// (maxPods, subnet sizing, warm targets) was planned for prefixes. A
    /// NodeClass-wide `maxPods` then over-commits them (see CNI002).
    ///
    /// ## Example
    /// ```yaml
    /// # aws-node: ENABLE_PREFIX_DELEGATION=true
    /// kind: NodePool
    /// spec:
    ///   template:
    ///     spec:
    ///       requirements:
    ///         - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m]}
    ///         # no generation or hypervisor requirement: c4/m4 are allowed
    /// ```
    ///
    /// ## Fix
    /// Require Nitro in the pool:
    /// ```yaml
    /// - key: karpenter.k8s.aws/instance-hypervisor
    ///   operator: In
    ///   values: ["nitro"]
    /// ```
    /// (or `instance-generation Gt 4`), and run CNI 1.9.0 or later.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html
    /// - https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/prefix-and-ip-target.md
    pub RULE = ("CNI003", "prefix-delegation-non-nitro", Warning, "Prefix delegation cannot apply to some allowed types", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, _catalog) = (facts.platform, facts.catalog);
    let mut out = Vec::new();
    for pc in facts.capacities().iter().filter(|pc| pc.judged()) {
        if !pc.cni.prefix_delegation {
            continue;
        }
        let mut not_nitro = Vec::new();
        let mut too_old = None;
        for c in &pc.rows {
            match c.cni.prefix_fallback {
                Some(PrefixFallback::NotNitro) => not_nitro.push(format!(
                    "{}: {} pods on secondary IPs",
                    c.instance_type, c.cni_max_pods
                )),
                Some(PrefixFallback::CniTooOld(v)) => too_old = Some(v),
                None => {}
            }
        }
        let span = setting_span(p, |s| s.enable_prefix_delegation.span);
        if let Some(v) = too_old {
            let mut f = RULE
                .finding(
                    format!(
                        "ENABLE_PREFIX_DELEGATION is on but the VPC CNI is {}.{}.{}: prefix \
                         delegation needs 1.9.0 or later, so no node of {} gets prefixes",
                        v.major,
                        v.minor,
                        v.patch,
                        pc.label()
                    ),
                    span.unwrap_or(pc.source.span),
                )
                .related(pc.source.span, pc.label())
                .object(pc.source.object.clone())
                .fix(Fix::new("upgrade the vpc-cni add-on to 1.9.0 or later (one minor version at a time with the cluster's supported versions)"));
            if let Some(a) = &p.aws_node
                && let Some(ver) = &a.version
            {
                f = f.related(ver.span, "the CNI image version");
            }
            out.push(f);
            continue;
        }
        if not_nitro.is_empty() {
            continue;
        }
        let anchor = pc.types_anchor();
        let mut f = RULE
            .finding(
                format!(
                    "{} allows {} instance type(s) that are not Nitro, where the VPC CNI \
                     cannot use prefix delegation and falls back to one IP per pod: {}",
                    pc.label(),
                    not_nitro.len(),
                    list_long(&not_nitro, 6)
                ),
                anchor,
            )
            .object(pc.source.object.clone())
            .fix(
                Fix::new("require Nitro instance types in the NodePool").with_snippet(
                    "spec:\n  template:\n    spec:\n      requirements:\n        - key: karpenter.k8s.aws/instance-hypervisor\n          operator: In\n          values: [\"nitro\"]\n",
                ),
            );
        if let Some(s) = span {
            f = f.related(s, "prefix delegation is on");
        }
        out.push(f);
    }
    out
}
