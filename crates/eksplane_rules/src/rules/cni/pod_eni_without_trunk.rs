use super::util::{list, setting_span};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// With security groups for pods on (`ENABLE_POD_ENI=true`), flags
    /// NodePools that allow instance types without trunk ENI support (the
    /// per-type `IsTrunkingCompatible` of the VPC resource controller's
    /// limits table).
    ///
    /// ## Why it matters
    /// Pods selected by a `SecurityGroupPolicy` need a branch ENI, which only
    /// trunk-compatible types have. On other types such pods never start
    /// (the resource `vpc.amazonaws.com/pod-eni` is never advertised), so
    /// Karpenter may launch nodes they cannot use.
    ///
    /// ## Example
    /// ```yaml
    /// # ENABLE_POD_ENI=true, and a NodePool allowing t3 or older families
    /// - {key: karpenter.k8s.aws/instance-family, operator: In, values: [t3, m4]}
    /// ```
    ///
    /// ## Fix
    /// Keep pods with security groups on a NodePool of trunk-compatible types
    /// (most Nitro types except t3/t3a and a few others), selected by a label
    /// the SGP pods require.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html
    /// - https://github.com/aws/amazon-vpc-resource-controller-k8s/blob/master/pkg/aws/vpc/limits.go
    pub RULE = ("CNI005", "pod-eni-without-trunk-support", Warning, "Security groups for pods on types without trunk ENIs", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, _catalog) = (facts.platform, facts.catalog);
    let mut out = Vec::new();
    for pc in facts.capacities().iter().filter(|pc| pc.judged()) {
        if !pc.cni.pod_eni {
            continue;
        }
        let lacking: Vec<String> = pc
            .rows
            .iter()
            .filter(|c| c.cni.trunking_compatible == Some(false))
            .map(|c| c.instance_type.clone())
            .collect();
        if lacking.is_empty() {
            continue;
        }
        let mut f = RULE
            .finding(
                format!(
                    "security groups for pods is on, but {} allows {} of {} instance types \
                     with no trunk ENI, where pods with a SecurityGroupPolicy cannot run: {}",
                    pc.label(),
                    lacking.len(),
                    pc.rows.len(),
                    list(&lacking, 8)
                ),
                pc.types_anchor(),
            )
            .object(pc.source.object.clone())
            .fix(Fix::new(
                "run pods that have security groups on a NodePool limited to trunk-compatible types, \
                 or exclude the listed families from this pool",
            ));
        if let Some(s) = setting_span(p, |s| s.enable_pod_eni.span) {
            f = f.related(s, "ENABLE_POD_ENI is on");
        }
        for sgp in &p.security_group_policies {
            f = f.related(
                sgp.origin.span,
                format!("{} selects pods for branch ENIs", sgp.object_ref()),
            );
        }
        out.push(f);
    }
    out
}
