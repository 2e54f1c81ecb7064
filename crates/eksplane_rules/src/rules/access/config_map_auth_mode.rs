use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose authentication mode is `CONFIG_MAP`: IAM principals
    /// reach Kubernetes only through the `kube-system/aws-auth` ConfigMap.
    ///
    /// ## Why it matters
    /// aws-auth is one unvalidated YAML blob: one bad edit locks every admin out,
    /// and who-has-access is invisible to CloudTrail and IaC. EKS access entries
    /// (the access-management API) replace it with first-class, validated AWS
    /// resources. The switch is one-way and stepwise: `CONFIG_MAP` ->
    /// `API_AND_CONFIG_MAP` (both work while you migrate) -> `API`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: eksctl.io/v1alpha5
    /// kind: ClusterConfig
    /// accessConfig:
    ///   authenticationMode: CONFIG_MAP
    /// ```
    ///
    /// ## Fix
    /// Move to `API_AND_CONFIG_MAP`, create an access entry for every principal
    /// aws-auth maps, verify, then move to `API`:
    /// ```sh
    /// aws eks update-cluster-config --name CLUSTER \
    ///   --access-config authenticationMode=API_AND_CONFIG_MAP
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
    pub RULE = ("ACC001", "config-map-auth-mode", Warning, "Cluster authentication uses only the aws-auth ConfigMap", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let Some(mode) = &p.cluster.authentication_mode else {
        return Vec::new();
    };
    if mode.value != "CONFIG_MAP" {
        return Vec::new();
    }
    let name = p
        .cluster
        .name
        .as_ref()
        .map(|n| n.value.as_str())
        .unwrap_or("CLUSTER");
    let mut f = RULE
        .finding(
            format!(
                "cluster {name} authenticates IAM principals only through the aws-auth ConfigMap \
                 (authenticationMode CONFIG_MAP); access entries are unavailable until the mode \
                 includes API"
            ),
            mode.span,
        )
        .fix(
            Fix::new(
                "switch to API_AND_CONFIG_MAP (one-way), migrate every aws-auth mapping to an \
                 access entry, then switch to API",
            )
            .with_snippet(format!(
                "aws eks update-cluster-config --name {name} \\\n  --access-config authenticationMode=API_AND_CONFIG_MAP"
            )),
        )
        .object(format!("Cluster/{name}"));
    for s in &mode.also {
        f = f.related(*s, "also states CONFIG_MAP");
    }
    if let Some(a) = &p.aws_auth {
        f = f.related(
            a.origin.span,
            "the aws-auth ConfigMap this cluster depends on",
        );
    }
    vec![f]
}
