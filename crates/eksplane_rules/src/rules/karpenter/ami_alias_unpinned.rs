use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_source::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags an EC2NodeClass whose `amiSelectorTerms` select the AMI by an
    /// alias at `@latest` (`al2023@latest`, `bottlerocket@latest`,
    /// `windows2022@latest`) instead of a pinned release (`al2023@v20250801`).
    ///
    /// ## Why it matters
    /// With `@latest` Karpenter resolves a new AMI whenever EKS publishes one,
    /// and drift replaces every node of the class with it: an untested
    /// operating system, kernel, containerd and kubelet build reaches
    /// production on AWS's release schedule, not yours, and two environments
    /// checked from the same files can run different AMIs. Karpenter's
    /// documentation recommends pinning the alias version in production and
    /// promoting new releases through lower environments first.
    ///
    /// ## Example
    /// ```yaml
    /// kind: EC2NodeClass
    /// spec:
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    /// ```
    ///
    /// ## Fix
    /// Pin a release tested in a lower environment and bump it deliberately:
    /// ```yaml
    /// spec:
    ///   amiSelectorTerms:
    ///     - alias: al2023@v20250801
    /// ```
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms
    /// - https://karpenter.sh/docs/tasks/managing-amis/
    pub RULE = ("KAR009", "ami-alias-unpinned", Warning, "EC2NodeClass follows the latest AMI release", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &facts.platform.node_classes {
        for (i, t) in c.spec.ami_selector_terms.iter().enumerate() {
            let Some(alias) = t.value.alias.as_deref() else {
                continue;
            };
            let Some((family, "latest")) = alias.split_once('@') else {
                continue;
            };
            out.push(
                RULE.finding(
                    format!(
                        "EC2NodeClass {} selects its AMI by the alias {alias}: every new {family} release \
                         EKS publishes replaces its nodes through drift, untested and on AWS's schedule",
                        c.name()
                    ),
                    c.origin.locate_path(&[
                        PathSeg::Key("spec"),
                        PathSeg::Key("amiSelectorTerms"),
                        PathSeg::Index(i),
                        PathSeg::Key("alias"),
                    ]),
                )
                .fix(
                    Fix::new(format!(
                        "pin the {family} release tested in a lower environment (`aws ssm get-parameters-by-path --path /aws/service/eks/optimized-ami/` lists them) and bump it deliberately"
                    ))
                    .with_snippet(format!(
                        "spec:\n  amiSelectorTerms:\n    - alias: {family}@vYYYYMMDD\n"
                    )),
                )
                .object(c.object_ref().to_string()),
            );
        }
    }
    out
}
