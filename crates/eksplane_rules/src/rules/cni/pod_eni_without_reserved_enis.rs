use super::util::setting_span;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::capacity::{karpenter_deployment, karpenter_env};
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// With security groups for pods on (`ENABLE_POD_ENI=true`) and the
    /// Karpenter controller's Deployment in the inputs, flags a Karpenter
    /// without `RESERVED_ENIS` (helm `settings.reservedENIs`) of at least 1,
    /// when some EC2NodeClass leaves `kubelet.maxPods` to Karpenter.
    ///
    /// ## Why it matters
    /// The trunk ENI takes one ENI slot on every trunk-compatible node, so the
    /// CNI has one ENI fewer for pod IPs. Karpenter's ENI-limited pod count
    /// only knows this through `RESERVED_ENIS`
    /// (karpenter-provider-aws `types.go` `ENILimitedPods`); without it every
    /// node advertises one ENI's worth of pods the CNI cannot address.
    ///
    /// ## Example
    /// ```yaml
    /// # aws-node: ENABLE_POD_ENI=true; Karpenter helm values without:
    /// settings:
    ///   reservedENIs: "1"
    /// ```
    ///
    /// ## Fix
    /// Set `settings.reservedENIs: "1"` in Karpenter's helm values (env
    /// `RESERVED_ENIS=1` on the controller), or set `kubelet.maxPods` on the
    /// EC2NodeClass from the calculator.
    ///
    /// ## References
    /// - https://karpenter.sh/docs/reference/settings/
    /// - https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html
    pub RULE = ("CNI006", "pod-eni-without-reserved-enis", Warning, "Karpenter does not reserve the trunk ENI", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let cni = facts.cni().options;
    if !cni.pod_eni {
        return Vec::new();
    }
    let Some(dep) = karpenter_deployment(p) else {
        return Vec::new();
    };
    let reserved = karpenter_env(p, "RESERVED_ENIS")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0);
    if reserved >= 1 {
        return Vec::new();
    }
    let unset: Vec<String> = p
        .node_classes
        .iter()
        .filter(|c| c.kubelet().and_then(|k| k.max_pods.as_ref()).is_none())
        .map(|c| c.name().to_string())
        .collect();
    if unset.is_empty() && !p.node_classes.is_empty() {
        return Vec::new();
    }
    let mut f = RULE
        .finding(
            format!(
                "security groups for pods is on, but Karpenter ({}) does not set RESERVED_ENIS, so \
                 its ENI-limited pod count includes the ENI slot the trunk ENI takes{}",
                dep.object_ref(),
                if unset.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} {} maxPods to that count)",
                        if unset.len() == 1 {
                            "EC2NodeClass"
                        } else {
                            "EC2NodeClasses"
                        },
                        format_args!(
                            "{} {}",
                            unset.join(", "),
                            if unset.len() == 1 { "leaves" } else { "leave" }
                        )
                    )
                }
            ),
            dep.origin
                .locate(&["spec", "template", "spec", "containers"]),
        )
        .object(dep.object_ref().to_string())
        .fix(
            Fix::new("reserve one ENI for the trunk in Karpenter's settings")
                .with_snippet("# helm values for karpenter\nsettings:\n  reservedENIs: \"1\"\n"),
        );
    if let Some(s) = setting_span(p, |s| s.enable_pod_eni.span) {
        f = f.related(s, "ENABLE_POD_ENI is on");
    }
    vec![f]
}
