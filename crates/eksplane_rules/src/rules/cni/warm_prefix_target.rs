use super::util::setting_span;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::capacity::CniSource;

declare_rule! {
    /// ## What it does
    /// With prefix delegation on, flags warm-pool settings that defeat it:
    /// `WARM_PREFIX_TARGET=0` with no IP targets (no prefix is kept warm), and
    /// `WARM_IP_TARGET` / `MINIMUM_IP_TARGET` set, which override
    /// `WARM_PREFIX_TARGET` (amazon-vpc-cni-k8s
    /// docs/prefix-and-ip-target.md).
    ///
    /// ## Why it matters
    /// Prefix delegation is there to make pod start-up fast and cheap on EC2
    /// API calls. With nothing warm, the pod that needs a new /28 waits for
    /// an `AssignPrivateIpAddresses` call; small IP targets make ipamd attach
    /// and release prefixes as pods churn, and a `MINIMUM_IP_TARGET` sized for
    /// secondary IPs can hold far more /28s than needed, eating subnet space
    /// 16 addresses at a time.
    ///
    /// ## Example
    /// ```yaml
    /// - {name: ENABLE_PREFIX_DELEGATION, value: "true"}
    /// - {name: WARM_IP_TARGET, value: "5"}
    /// ```
    ///
    /// ## Fix
    /// Use `WARM_PREFIX_TARGET=1` (the default manifest's value) and leave
    /// `WARM_IP_TARGET` / `MINIMUM_IP_TARGET` unset, unless subnet space is
    /// the binding constraint and the churn is understood.
    ///
    /// ## References
    /// - https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/prefix-and-ip-target.md
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/prefix-mode-linux.html
    pub RULE = ("CNI007", "prefix-warm-targets", Warning, "Warm-pool settings defeat prefix delegation", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let (cni, source) = (facts.cni().options, facts.cni().source);
    if !cni.prefix_delegation || source == CniSource::Defaults {
        return Vec::new();
    }
    let mut out = Vec::new();
    if cni.ip_targets_defined() {
        let span = setting_span(p, |s| s.warm_ip_target.span.or(s.minimum_ip_target.span));
        let mut f = RULE
            .finding(
                format!(
                    "prefix delegation is on but {} set, which override WARM_PREFIX_TARGET: ipamd \
                     sizes the pool in IPs and attaches or releases whole /28 prefixes to meet \
                     them",
                    match (cni.warm_ip_target, cni.minimum_ip_target) {
                        (Some(w), Some(m)) if w > 0 && m > 0 =>
                            format!("WARM_IP_TARGET={w} and MINIMUM_IP_TARGET={m} are"),
                        (Some(w), _) if w > 0 => format!("WARM_IP_TARGET={w} is"),
                        (_, Some(m)) => format!("MINIMUM_IP_TARGET={m} is"),
                        _ => "IP targets are".to_string(),
                    }
                ),
                span.unwrap_or_default(),
            )
            .fix(Fix::new(
                "unset WARM_IP_TARGET and MINIMUM_IP_TARGET and keep WARM_PREFIX_TARGET=1, unless \
                 subnet space forces fine-grained targets",
            ));
        if let Some(s) = setting_span(p, |s| s.enable_prefix_delegation.span) {
            f = f.related(s, "prefix delegation is on");
        }
        out.push(f);
    } else if cni.warm_prefix_target == Some(0) {
        let span = setting_span(p, |s| s.warm_prefix_target.span);
        let mut f = RULE
            .finding(
                "prefix delegation is on with WARM_PREFIX_TARGET=0 and no IP targets: no /28 is \
                 kept warm, so the pod that needs a new prefix waits for an EC2 call",
                span.unwrap_or_default(),
            )
            .fix(Fix::new("set WARM_PREFIX_TARGET=1").with_snippet(
                "kubectl set env daemonset aws-node -n kube-system WARM_PREFIX_TARGET=1\n",
            ));
        if let Some(s) = setting_span(p, |s| s.enable_prefix_delegation.span) {
            f = f.related(s, "prefix delegation is on");
        }
        out.push(f);
    }
    out
}
