use crate::declare_rule;
use eksplane_diagnostics::{Applicability, Edit, Finding, Fix, Severity, YamlPath};
use eksplane_facts::Facts;
use eksplane_model::karpenter::Ec2NodeClass;
use eksplane_model::{KubeObject, Platform};

declare_rule! {
    /// ## What it does
    /// Flags an EC2NodeClass whose `spec.metadataOptions` weakens the
    /// instance metadata service (IMDS) of the nodes it launches:
    /// - `httpTokens: optional` (IMDSv1 allowed): an error;
    /// - `httpPutResponseHopLimit` above 1: a warning.
    ///
    /// Karpenter's CRD defaults are `httpTokens: required` and a hop limit of
    /// 1, so only values written in the inputs are flagged, and nothing is
    /// flagged when `httpEndpoint: disabled` turns IMDS off.
    ///
    /// ## Why it matters
    /// IMDS hands out the node IAM role's credentials: everything the node
    /// role may do (pull any ECR image, describe and modify ENIs, often much
    /// more). With IMDSv1 any pod, or a server-side request forgery in one,
    /// reads them with a plain GET. With IMDSv2 a caller first needs a token
    /// from a PUT whose response carries an IP TTL of the hop limit: at 1 the
    /// response dies at the extra hop into a pod's network namespace, so only
    /// the node itself (and pods with `hostNetwork: true`, which share the
    /// node's namespace) can get one. At 2 or more every pod can, and so
    /// escapes the least-privilege role IRSA or Pod Identity gives it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: EC2NodeClass
    /// spec:
    ///   metadataOptions:
    ///     httpPutResponseHopLimit: 2
    ///     httpTokens: optional
    /// ```
    ///
    /// ## Fix
    /// Require IMDSv2 and keep tokens on the node; give pods that need AWS
    /// access their own role through Pod Identity (or IRSA):
    /// ```yaml
    /// spec:
    ///   metadataOptions:
    ///     httpEndpoint: enabled
    ///     httpProtocolIPv6: disabled
    ///     httpPutResponseHopLimit: 1
    ///     httpTokens: required
    /// ```
    ///
    /// `eksplane check --fix --unsafe-fixes` sets the flagged field
    /// (`httpTokens: required`, `httpPutResponseHopLimit: 1`). Unsafe: the
    /// changed EC2NodeClass drifts, so Karpenter replaces every node launched
    /// with it, and pods that used the node role through IMDS lose it.
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodeclasses/#specmetadataoptions
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
    pub RULE = ("KAR007", "imds-not-hardened", Warning, "EC2NodeClass lets pods reach the node's instance metadata", Some(check));
}

const SNIPPET: &str = "spec:\n  metadataOptions:\n    httpEndpoint: enabled\n    httpProtocolIPv6: disabled\n    httpPutResponseHopLimit: 1\n    httpTokens: required\n";

/// The NodePools launching nodes with this class, for related locations.
fn users<'a>(p: &'a Platform, c: &Ec2NodeClass) -> Vec<&'a eksplane_model::karpenter::NodePool> {
    p.node_pools
        .iter()
        .filter(|np| {
            np.spec
                .template
                .spec
                .node_class_ref
                .as_ref()
                .is_some_and(|r| r.value.name == c.name())
        })
        .collect()
}

/// The fix's edit: the one `metadataOptions` field set to Karpenter's
/// default. Unsafe (only with `--unsafe-fixes`): a changed EC2NodeClass
/// drifts every node launched with it, so Karpenter replaces them all, and
/// pods that relied on the node role through IMDS (the example's fluent-bit)
/// lose their credentials until they get a role of their own.
fn with_edit(fix: Fix, c: &Ec2NodeClass, field: &str, value: serde_json::Value) -> Fix {
    let Some(target) = crate::fix::editable(&c.origin, KARPENTER_V1) else {
        return fix;
    };
    match Edit::set(
        target,
        YamlPath::keys(["spec", "metadataOptions", field]),
        value,
    ) {
        Ok(e) => fix.with_edits(Applicability::Unsafe, vec![e]),
        Err(_) => fix,
    }
}

/// The EC2NodeClass API version whose paths the edits write.
const KARPENTER_V1: &str = "karpenter.k8s.aws/v1";

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for c in &p.node_classes {
        let Some(mo) = &c.spec.metadata_options else {
            continue;
        };
        let mo = &mo.value;
        if mo
            .http_endpoint
            .as_ref()
            .is_some_and(|e| e.value.eq_ignore_ascii_case("disabled"))
        {
            continue;
        }
        let pools = users(p, c);
        let pool_note = if pools.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = pools.iter().map(|np| np.name()).collect();
            format!(
                " (NodePool{} {})",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )
        };
        let role = c
            .spec
            .role
            .as_ref()
            .map(|r| format!("role {}", r.value))
            .unwrap_or_else(|| "instance profile".to_string());
        let relate = |mut f: Finding| {
            for np in &pools {
                let span = np
                    .origin
                    .locate(&["spec", "template", "spec", "nodeClassRef", "name"]);
                f = f.related(
                    span,
                    format!("NodePool {} launches nodes with this class", np.name()),
                );
            }
            f.object(c.object_ref().to_string())
        };
        if let Some(t) = &mo.http_tokens
            && t.value.eq_ignore_ascii_case("optional")
        {
            let mut f = RULE.finding(
                format!(
                    "EC2NodeClass {} sets httpTokens: optional, so its nodes{pool_note} answer IMDSv1: any \
                     pod, or a request forgery in one, can read the credentials of the node {role} \
                     with a plain GET",
                    c.name()
                ),
                t.span,
            );
            f.severity = Severity::Error;
            out.push(
                relate(f).fix(with_edit(
                    Fix::new(
                        "require IMDSv2 tokens (Karpenter's default) and keep the hop limit at 1",
                    )
                    .with_snippet(SNIPPET),
                    c,
                    "httpTokens",
                    serde_json::json!("required"),
                )),
            );
        }
        if let Some(h) = &mo.http_put_response_hop_limit
            && h.value > 1
        {
            let f = RULE.finding(
                format!(
                    "EC2NodeClass {} sets httpPutResponseHopLimit: {}, so IMDSv2 tokens reach every pod \
                     on its nodes{pool_note}, not only the node and hostNetwork pods: any pod can assume \
                     the node {role} instead of its own IRSA or Pod Identity role",
                    c.name(),
                    h.value
                ),
                h.span,
            );
            out.push(relate(f).fix(with_edit(
                Fix::new(
                    "set the hop limit to 1 (Karpenter's default) and give pods that call AWS their own \
                     role through Pod Identity or IRSA",
                )
                .with_snippet(SNIPPET),
                c,
                "httpPutResponseHopLimit",
                serde_json::json!(1),
            )));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(mo: &str) -> Vec<Finding> {
        let yaml = format!(
            "apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {{name: default}}
spec:
  role: KarpenterNodeRole-prod
{mo}"
        );
        let l = load_texts([("t.yaml", yaml.as_str())]);
        assert!(l.findings.is_empty());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn defaults_are_hardened() {
        assert!(run("").is_empty());
        assert!(
            run("  metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 1}\n")
                .is_empty()
        );
    }

    #[test]
    fn optional_tokens_is_an_error_and_hop_limit_a_warning() {
        let f = run("  metadataOptions: {httpTokens: optional, httpPutResponseHopLimit: 2}\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[1].severity, Severity::Warning);
    }

    #[test]
    fn disabled_endpoint_is_fine() {
        assert!(run("  metadataOptions: {httpEndpoint: disabled, httpTokens: optional, httpPutResponseHopLimit: 3}\n").is_empty());
    }
}
