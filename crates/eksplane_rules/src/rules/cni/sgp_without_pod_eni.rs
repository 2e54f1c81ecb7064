use super::util::setting_span;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags `SecurityGroupPolicy` objects when the VPC CNI does not have
    /// `ENABLE_POD_ENI=true` (security groups for pods is off).
    ///
    /// ## Why it matters
    /// Without `ENABLE_POD_ENI`, no trunk ENI is attached and the VPC resource
    /// controller never gives the selected pods a branch ENI: they run with
    /// the node's security groups, silently, and whatever the policy was meant
    /// to allow or deny (a database security group, say) does not apply.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// spec:
    ///   podSelector: {matchLabels: {app: checkout}}
    ///   securityGroups: {groupIds: [sg-0123456789abcdef0]}
    /// # aws-node: ENABLE_POD_ENI unset (false)
    /// ```
    ///
    /// ## Fix
    /// Turn security groups for pods on (the cluster role needs
    /// `AmazonEKSVPCResourceController`):
    /// ```sh
    /// kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
    /// ```
    /// or set it in the vpc-cni add-on's `configurationValues`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html
    pub RULE = ("CNI004", "sgp-without-pod-eni", Error, "SecurityGroupPolicy without security groups for pods", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    if p.security_group_policies.is_empty() {
        return Vec::new();
    }
    let (cni, source) = (facts.cni().options, facts.cni().source);
    if cni.pod_eni || source == eksplane_facts::capacity::CniSource::Defaults {
        // On, or nothing in the inputs says how the CNI is configured.
        return Vec::new();
    }
    p.security_group_policies
        .iter()
        .map(|sgp| {
            let mut f = RULE
                .finding(
                    format!(
                        "{} has no effect: the VPC CNI does not have \
                         ENABLE_POD_ENI=true, so its pods get no branch ENI and run with the node's \
                         security groups",
                        sgp.object_ref()
                    ),
                    sgp.origin.span,
                )
                .object(sgp.object_ref().to_string())
                .fix(
                    Fix::new("turn on security groups for pods in the VPC CNI")
                        .with_snippet("kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true\n"),
                );
            let set = p
                .aws_node
                .as_ref()
                .is_some_and(|a| a.settings.enable_pod_eni.is_set());
            if let Some(s) = setting_span(p, |s| s.enable_pod_eni.span) {
                f = f.related(
                    s,
                    if set {
                        "ENABLE_POD_ENI is not true here"
                    } else {
                        "aws-node does not set ENABLE_POD_ENI (default false)"
                    },
                );
            }
            f
        })
        .collect()
}
