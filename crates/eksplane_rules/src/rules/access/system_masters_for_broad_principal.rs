use super::util::{self, Principal, PrincipalKind};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_source::{Span, Spanned};

declare_rule! {
    /// ## What it does
    /// Flags the Kubernetes group `system:masters` given to a broad principal:
    /// - in aws-auth (`mapRoles`, `mapUsers`), when the principal is
    ///   - the account root (`arn:aws:iam::ACCOUNT:root`),
    ///   - an ARN with a wildcard (`*`),
    ///   - an IAM Identity Center permission-set role (`AWSReservedSSO_*`, path
    ///     `/aws-reserved/sso.amazonaws.com/`): everyone assigned the permission
    ///     set in that account,
    ///   - an IAM user: long-term access keys, the classic shared credential
    ///     (break-glass users included);
    /// - in an access entry's `kubernetesGroups` (eksctl or
    ///   `describe-access-entry`), for any principal: EKS rejects `system:`
    ///   groups on access entries, so the grant fails and must become a policy.
    ///
    /// A named role for a small admin team mapped to `system:masters` is not
    /// flagged here (ACC002 asks to migrate it); `mapAccounts` carries no groups
    /// and is reported by ACC002 / ACC003.
    ///
    /// ## Why it matters
    /// `system:masters` bypasses RBAC: no Role, binding or admission webhook can
    /// narrow it, and it cannot be revoked short of editing aws-auth. Given to a
    /// principal many people (or any leaked key) can become, it makes every one
    /// of them an unrestricted cluster administrator.
    ///
    /// ## Example
    /// ```yaml
    /// mapUsers: |
    ///   - userarn: arn:aws:iam::111122223333:user/breakglass-admin
    ///     username: breakglass-admin
    ///     groups: [system:masters]
    /// ```
    ///
    /// ## Fix
    /// Give cluster-admin through an access entry with
    /// `AmazonEKSClusterAdminPolicy` to a dedicated role (for break-glass, a role
    /// that requires MFA to assume), or a narrower policy or namespace scope to
    /// SSO roles, then remove the `system:masters` mapping:
    /// ```sh
    /// aws eks create-access-entry --cluster-name platform-prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/breakglass \
    ///   --type STANDARD
    /// aws eks associate-access-policy --cluster-name platform-prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/breakglass \
    ///   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy \
    ///   --access-scope type=cluster
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
    /// - https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
    /// - https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
    pub RULE = ("ACC005", "system-masters-for-broad-principal", Warning, "system:masters granted to a broad principal", Some(check));
}

const MASTERS: &str = "system:masters";

/// Why a principal is broad, if it is.
fn broadness(arn: &str) -> Option<String> {
    if arn.contains('*') {
        return Some("a wildcard ARN, matching any principal it expands to".to_string());
    }
    let p = Principal::parse(arn)?;
    match p.kind {
        PrincipalKind::Root => Some(format!(
            "the root of account {}, the broadest identity of that account",
            p.account
        )),
        PrincipalKind::Role
            if p.name.starts_with("AWSReservedSSO_")
                || p.path.contains("/aws-reserved/sso.amazonaws.com/") =>
        {
            Some(format!(
                "an IAM Identity Center permission-set role: every person assigned that \
                 permission set in account {} assumes it",
                p.account
            ))
        }
        PrincipalKind::User => Some(
            "an IAM user: its long-term access keys are a shared credential outside federation, \
             and whoever holds them is cluster admin"
                .to_string(),
        ),
        PrincipalKind::Role => None,
    }
}

fn short(arn: &str) -> String {
    Principal::parse(arn)
        .map(|p| p.short())
        .unwrap_or_else(|| arn.to_string())
}

fn masters_group(groups: &[Spanned<String>]) -> Option<Span> {
    groups.iter().find(|g| g.value == MASTERS).map(|g| g.span)
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let cluster = util::cluster_name(facts);
    let (partition, account) = util::partition_and_account(facts);
    let admin_policy = util::policy_arn(facts, "AmazonEKSClusterAdminPolicy");
    let mut out = Vec::new();
    if let Some(auth) = &p.aws_auth {
        for m in util::mappings(auth) {
            let Some(group_span) = masters_group(m.groups) else {
                continue;
            };
            let Some(why) = broadness(&m.arn.value) else {
                continue;
            };
            let role = format!("arn:{partition}:iam::{account}:role/ROLE_NAME");
            out.push(
                RULE.finding(
                    format!(
                        "aws-auth maps {} to system:masters; it is {why}. system:masters bypasses \
                         RBAC entirely and cannot be narrowed by any binding",
                        short(&m.arn.value)
                    ),
                    group_span,
                )
                .related(m.arn_span(), "the principal")
                .fix(
                    Fix::new(
                        "grant cluster-admin through an access entry with \
                         AmazonEKSClusterAdminPolicy to a dedicated role (MFA-protected for \
                         break-glass), or a narrower policy / namespace scope, then remove this \
                         mapping",
                    )
                    .with_snippet(format!(
                        "aws eks create-access-entry --cluster-name {cluster} \\\n  --principal-arn {role} \\\n  --type STANDARD\naws eks associate-access-policy --cluster-name {cluster} \\\n  --principal-arn {role} \\\n  --policy-arn {admin_policy} \\\n  --access-scope type=cluster\n"
                    )),
                )
                .object(auth.object_ref().to_string()),
            );
        }
    }
    // Access entries: EKS rejects groups starting with `system:`
    // ("The kubernetes group name system:masters is invalid, it cannot start with system:").
    let mut seen: Vec<&str> = Vec::new();
    let mut entry_groups: Vec<(&str, &[Spanned<String>], bool)> = Vec::new();
    for cc in &p.cluster_configs {
        for e in cc.access_entries() {
            entry_groups.push((
                &e.value.principal_arn.value,
                &e.value.kubernetes_groups,
                true,
            ));
        }
    }
    for e in &p.aws.access_entries {
        if let Some(arn) = e.value.principal_arn() {
            entry_groups.push((arn, &e.value.kubernetes_groups, false));
        }
    }
    for (arn, groups, eksctl) in entry_groups {
        let Some(group_span) = masters_group(groups) else {
            continue;
        };
        if seen.iter().any(|s| util::same_principal(s, arn)) {
            continue;
        }
        seen.push(arn);
        let broad = broadness(arn)
            .map(|w| format!(" It is {w}."))
            .unwrap_or_default();
        out.push(
            RULE.finding(
                format!(
                    "the access entry of {} lists the Kubernetes group system:masters{}: EKS \
                     rejects system: groups on access entries, so {}.{broad}",
                    short(arn),
                    if eksctl { " in the eksctl ClusterConfig" } else { "" },
                    if eksctl {
                        "creating this entry fails"
                    } else {
                        "this grant does not work"
                    }
                ),
                group_span,
            )
            .fix(
                Fix::new(
                    "remove system:masters from kubernetesGroups and associate \
                     AmazonEKSClusterAdminPolicy (cluster scope) only if this principal really \
                     needs cluster-admin; prefer a namespace-scoped policy",
                )
                .with_snippet(format!(
                    "accessEntries:\n  - principalARN: {arn}\n    accessPolicies:\n      - policyARN: {admin_policy}\n        accessScope:\n          type: cluster\n"
                )),
            )
            .object(format!("AccessEntry/{}", short(arn))),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_principals() {
        assert!(broadness("arn:aws:iam::111122223333:root").is_some());
        assert!(
            broadness(
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef")
            .is_some()
        );
        assert!(broadness("arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0a1b").is_some());
        assert!(broadness("arn:aws:iam::111122223333:user/alice").is_some());
        assert!(broadness("arn:aws:iam::111122223333:role/ci-*").is_some());
        assert!(broadness("arn:aws:iam::111122223333:role/platform-admins").is_none());
    }

    #[test]
    fn named_admin_role_is_not_flagged() {
        let auth = "apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/platform-admins
      groups: [system:masters]
    - rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b
      groups: [viewers]
";
        let l = eksplane_load::load_texts([("auth.yaml", auth)]);
        assert!(
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded()
            ))
            .is_empty()
        );
    }
}
