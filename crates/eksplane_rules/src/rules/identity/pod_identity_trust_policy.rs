use super::util::{Association, associations};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::aws::iam::{POD_IDENTITY_ACTIONS, POD_IDENTITY_SERVICE};
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// For every Pod Identity association whose role is in an `aws iam get-role`
    /// snapshot (matched by ARN, or by name), checks the role's trust policy: an
    /// `Allow` statement must name the `pods.eks.amazonaws.com` service principal
    /// and allow both `sts:AssumeRole` and `sts:TagSession`.
    ///
    /// ## Why it matters
    /// EKS Pod Identity obtains credentials by having the EKS Auth service assume
    /// the association's role as `pods.eks.amazonaws.com`, and it tags every
    /// session with the cluster, namespace, service account and pod. A trust
    /// policy without that principal (typically an IRSA role whose trust still
    /// names only the cluster's OIDC provider) or without `sts:TagSession` makes
    /// the assume fail: the pods get no credentials, and the error names neither
    /// the missing principal nor the missing action.
    ///
    /// ## Example
    /// A role associated with `payments/checkout-sa` whose trust policy is
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Fix
    /// Add this statement to the role's trust policy (keep any others the role
    /// still needs; `update-assume-role-policy` replaces the whole document):
    /// ```json
    /// {
    ///   "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
    ///   "Effect": "Allow",
    ///   "Principal": {"Service": "pods.eks.amazonaws.com"},
    ///   "Action": ["sts:AssumeRole", "sts:TagSession"]
    /// }
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html (session tags)
    /// - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
    pub RULE = ("IDN003", "pod-identity-trust-policy", Error, "Pod Identity role does not trust pods.eks.amazonaws.com", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let assocs = associations(facts);
    // One finding per role, with every association that uses it.
    let mut by_role: Vec<(Span, Vec<&Association>)> = Vec::new();
    for a in assocs {
        let Some(role) = a.role(p) else { continue };
        match by_role.iter_mut().find(|(s, _)| *s == role.span) {
            Some((_, v)) => v.push(a),
            None => by_role.push((role.span, vec![a])),
        }
    }
    let mut out = Vec::new();
    for (_, users) in by_role {
        let Some(role) = users.first().and_then(|a| a.role(p)) else {
            continue;
        };
        let Some(doc) = &role.assume_role_policy_document else {
            continue;
        };
        let trusts = role.trusts_service(POD_IDENTITY_SERVICE);
        let missing: Vec<&str> = POD_IDENTITY_ACTIONS
            .iter()
            .copied()
            .filter(|act| !role.allows_action_for_service(POD_IDENTITY_SERVICE, act))
            .collect();
        if trusts && missing.is_empty() {
            continue;
        }
        let name = role.name().or(role.arn()).unwrap_or("(unnamed)");
        let keys: Vec<String> = users.iter().map(|a| a.key()).collect();
        let for_whom = format!(
            "the role of the Pod Identity association{} for {}",
            if keys.len() == 1 { "" } else { "s" },
            keys.join(", ")
        );
        let (span, what) = if trusts {
            // Point at the statement that names the principal but lacks an action.
            let st = role
                .trust_statements()
                .iter()
                .find(|s| s.is_allow() && s.names_service(POD_IDENTITY_SERVICE))
                .map(|s| s.span)
                .unwrap_or(doc.span);
            (
                st,
                format!(
                    "its trust policy names {POD_IDENTITY_SERVICE} without allowing {}: EKS \
                     Auth assumes the role with sts:AssumeRole and tags every session \
                     (sts:TagSession), so the assume is denied",
                    missing.join(" or ")
                ),
            )
        } else {
            let others: Vec<String> = role
                .trust_principals()
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            (
                doc.span,
                format!(
                    "its trust policy does not trust {POD_IDENTITY_SERVICE}{}: EKS Auth cannot \
                     assume it",
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (it trusts {})", others.join(", "))
                    }
                ),
            )
        };
        let mut f = RULE
            .finding(
                format!(
                    "IAM role {name} is {for_whom}, but {what}; pods using {} get no AWS \
                     credentials",
                    if keys.len() == 1 {
                        "that service account"
                    } else {
                        "those service accounts"
                    }
                ),
                span,
            )
            .object(format!("IAMRole/{name}"));
        if span != doc.span {
            f = f.related(doc.span, format!("trust policy of role {name}"));
        }
        for a in &users {
            f = f.related(
                a.role_span(),
                format!(
                    "Pod Identity association for {} uses role {name} ({})",
                    a.key(),
                    a.stated
                        .first()
                        .map(|s| s.source.as_str())
                        .unwrap_or_default()
                ),
            );
        }
        let statement = "{\n  \"Sid\": \"AllowEksAuthToAssumeRoleForPodIdentity\",\n  \"Effect\": \"Allow\",\n  \"Principal\": {\"Service\": \"pods.eks.amazonaws.com\"},\n  \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]\n}";
        let others = role.trust_statements().len();
        let desc = if others == 0 || (trusts && others == 1) {
            format!("make this the trust policy of role {name}")
        } else {
            format!(
                "add this statement to the trust policy of role {name} (keeping the statements \
                 it still needs; update-assume-role-policy replaces the whole document)"
            )
        };
        f = f.fix(Fix::new(desc).with_snippet(format!(
            "{statement}\n\naws iam update-assume-role-policy --role-name {name} \\\n  --policy-document file://trust-policy.json\n"
        )));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = load_texts(files.iter().copied());
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn role(name: &str, statement: &str) -> String {
        format!(
            r#"{{"Role": {{"RoleName": "{name}", "Arn": "arn:aws:iam::111122223333:role/{name}",
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{statement}]}}}}}}"#
        )
    }

    const ASSOC: &str = r#"{"association": {"namespace": "payments", "serviceAccount": "checkout-sa", "roleArn": "arn:aws:iam::111122223333:role/checkout-app"}}"#;

    #[test]
    fn wildcard_action_is_enough() {
        let r = role(
            "checkout-app",
            r#"{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:*"}"#,
        );
        assert!(run(&[("a.json", ASSOC), ("r.json", &r)]).is_empty());
    }

    #[test]
    fn deny_only_does_not_trust() {
        let r = role(
            "checkout-app",
            r#"{"Effect": "Deny", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}"#,
        );
        let f = run(&[("a.json", ASSOC), ("r.json", &r)]);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("does not trust"), "{}", f[0].message);
    }

    #[test]
    fn eksctl_role_name_matches_and_unknown_roles_are_silent() {
        let cc = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1}\niam:\n  podIdentityAssociations:\n    - {namespace: payments, serviceAccountName: checkout-sa, roleName: checkout-app}\n    - {namespace: payments, serviceAccountName: other-sa, roleName: not-in-inputs}\n";
        let r = role(
            "checkout-app",
            r#"{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}"#,
        );
        let f = run(&[("cluster.yaml", cc), ("r.json", &r)]);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("sts:TagSession"), "{}", f[0].message);
        assert_eq!(f[0].object.as_deref(), Some("IAMRole/checkout-app"));
    }
}
