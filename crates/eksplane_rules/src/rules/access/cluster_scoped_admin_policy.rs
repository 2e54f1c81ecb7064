use super::util::{self, Association, Principal};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::{KubeObject, Platform};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Flags an access policy association that grants administrator rights at
    /// `cluster` scope where a `namespace` scope would do:
    /// - `AmazonEKSAdminPolicy` at cluster scope, always: AWS describes it as
    ///   the policy whose scope "is typically one or more Kubernetes namespaces"
    ///   (cluster-wide administration is `AmazonEKSClusterAdminPolicy`);
    /// - `AmazonEKSClusterAdminPolicy` at cluster scope when the principal looks
    ///   like a team's, by any of these signals:
    ///   1. its IAM name contains, as a `-`/`_`-delimited part, the name of an
    ///      application namespace of the inputs (`role/payments-developers` and
    ///      namespace `payments`; `default` and `kube-*` do not count);
    ///   2. the same principal also has a namespace-scoped association;
    ///   3. its access entry's Kubernetes groups are bound only by namespaced
    ///      RoleBindings in the inputs.
    ///
    /// Associations come from the eksctl ClusterConfig and from
    /// `list-associated-access-policies` snapshots (one finding per principal and
    /// policy). A platform or admin role with none of these signals is not
    /// flagged: cluster scope is what it is for.
    ///
    /// ## Why it matters
    /// Cluster scope makes the principal an administrator of every namespace,
    /// `kube-system` included (and, for the cluster-admin policy, of nodes,
    /// CRDs and RBAC itself). A team that works in its own namespaces needs none
    /// of that; least privilege is one `--access-scope` away.
    ///
    /// ## Example
    /// ```yaml
    /// accessEntries:
    ///   - principalARN: arn:aws:iam::111122223333:role/payments-developers
    ///     accessPolicies:
    ///       - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy
    ///         accessScope: {type: cluster}
    /// ```
    ///
    /// ## Fix
    /// Scope the grant to the team's namespaces:
    /// ```yaml
    /// accessPolicies:
    ///   - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy
    ///     accessScope:
    ///       type: namespace
    ///       namespaces: [payments]
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
    pub RULE = ("ACC007", "cluster-scoped-admin-policy", Warning, "Admin access policy at cluster scope where a namespace scope would do", Some(check));
}

const ADMIN: &str = "AmazonEKSAdminPolicy";
const CLUSTER_ADMIN: &str = "AmazonEKSClusterAdminPolicy";

/// Application namespaces the inputs name (objects' namespaces and
/// Namespace objects), without `default` and `kube-*`.
fn app_namespaces(p: &Platform) -> BTreeSet<String> {
    let mut v: BTreeSet<String> = p
        .kube_objects()
        .into_iter()
        .filter_map(|o| {
            if o.kind() == "Namespace" {
                Some(o.name().to_string())
            } else {
                o.namespace().map(str::to_string)
            }
        })
        .collect();
    v.retain(|n| !n.is_empty() && n != "default" && !n.starts_with("kube-"));
    v
}

/// Whether `ns` is a `-`/`_`-delimited part of the principal's name.
fn names_namespace(name: &str, ns: &str) -> bool {
    let name = format!("-{}-", name.to_ascii_lowercase().replace(['_', '.'], "-"));
    name.contains(&format!("-{}-", ns.to_ascii_lowercase()))
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let assocs = util::associations(p);
    let entries = util::entries(facts);
    let namespaces = app_namespaces(p);
    let cluster = util::cluster_name(facts);
    let mut done: Vec<(&str, &str)> = Vec::new();
    let mut out = Vec::new();
    for a in &assocs {
        if a.cluster_scope != Some(true) {
            continue;
        }
        let policy = a.policy_name();
        if policy != ADMIN && policy != CLUSTER_ADMIN {
            continue;
        }
        if done
            .iter()
            .any(|(arn, pol)| *pol == policy && util::same_principal(arn, a.principal_arn))
        {
            continue;
        }
        let mut signals: Vec<String> = Vec::new();
        let mut suggest: BTreeSet<String> = BTreeSet::new();
        let name = Principal::parse(a.principal_arn)
            .map(|x| x.name)
            .unwrap_or_default();
        let named: Vec<&String> = namespaces
            .iter()
            .filter(|ns| !name.is_empty() && names_namespace(&name, ns))
            .collect();
        if !named.is_empty() {
            signals.push(format!(
                "its name names namespace{} {}",
                if named.len() == 1 { "" } else { "s" },
                named
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            suggest.extend(named.into_iter().cloned());
        }
        let scoped: Vec<&Association> = assocs
            .iter()
            .filter(|o| {
                o.cluster_scope == Some(false)
                    && util::same_principal(o.principal_arn, a.principal_arn)
            })
            .collect();
        for o in &scoped {
            signals.push(format!(
                "it also has {} scoped to {}",
                o.policy_name(),
                o.namespaces.join(", ")
            ));
            suggest.extend(o.namespaces.iter().map(|s| s.to_string()));
        }
        if let Some(groups) = entries
            .find(a.principal_arn)
            .and_then(|e| e.kubernetes_groups())
            .filter(|g| !g.is_empty())
        {
            let in_crb = groups.iter().any(|g| {
                p.cluster_role_bindings.iter().any(|b| {
                    b.subjects
                        .iter()
                        .any(|s| s.kind == "Group" && s.name == g.value)
                })
            });
            let rb_ns: BTreeSet<String> = p
                .role_bindings
                .iter()
                .filter(|b| {
                    b.subjects
                        .iter()
                        .any(|s| s.kind == "Group" && groups.iter().any(|g| g.value == s.name))
                })
                .filter_map(|b| b.namespace().map(str::to_string))
                .collect();
            if !in_crb && !rb_ns.is_empty() {
                signals.push(format!(
                    "its Kubernetes groups are bound only in namespace{} {}",
                    if rb_ns.len() == 1 { "" } else { "s" },
                    rb_ns.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
                suggest.extend(rb_ns);
            }
        }
        if policy == CLUSTER_ADMIN && signals.is_empty() {
            continue;
        }
        done.push((a.principal_arn, policy));
        let who = Principal::parse(a.principal_arn)
            .map(|x| x.short())
            .unwrap_or_else(|| a.principal_arn.to_string());
        let ns_list = if suggest.is_empty() {
            "NAMESPACE".to_string()
        } else {
            suggest.iter().cloned().collect::<Vec<_>>().join(",")
        };
        let why = if policy == ADMIN {
            "AmazonEKSAdminPolicy is meant for namespace scope (AWS: \"its access scope is \
             typically one or more Kubernetes namespaces\"); at cluster scope it makes the \
             principal admin of every namespace, kube-system included"
                .to_string()
        } else {
            "cluster-admin over every namespace, kube-system, nodes, CRDs and RBAC".to_string()
        };
        let hint = if signals.is_empty() {
            String::new()
        } else {
            format!(
                ", yet it looks like a team's principal: {}",
                signals.join("; ")
            )
        };
        let admin_arn = util::policy_arn(facts, ADMIN);
        let arn = a.principal_arn;
        let cli = if policy == ADMIN {
            format!(
                "aws eks disassociate-access-policy --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --policy-arn {admin_arn}\naws eks associate-access-policy --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --policy-arn {admin_arn} \\\n  --access-scope type=namespace,namespaces={ns_list}\n"
            )
        } else {
            format!(
                "aws eks associate-access-policy --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --policy-arn {admin_arn} \\\n  --access-scope type=namespace,namespaces={ns_list}\naws eks disassociate-access-policy --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --policy-arn {}\n",
                a.policy_arn.value
            )
        };
        let snippet = if a.from_eksctl {
            let yaml_ns: Vec<String> = ns_list
                .split(',')
                .map(|n| format!("          - {n}\n"))
                .collect();
            format!(
                "# eksctl ClusterConfig, accessConfig.accessEntries[]:\n- principalARN: {arn}\n  accessPolicies:\n    - policyARN: {admin_arn}\n      accessScope:\n        type: namespace\n        namespaces:\n{}# or with the AWS CLI:\n{cli}",
                yaml_ns.concat()
            )
        } else {
            cli
        };
        let mut f = RULE
            .finding(
                format!("{who} has {policy} at cluster scope: {why}{hint}"),
                a.span,
            )
            .fix(
                Fix::new(format!(
                    "scope administration to the team's namespace{} with AmazonEKSAdminPolicy",
                    if suggest.len() == 1 { "" } else { "s" }
                ))
                .with_snippet(snippet),
            )
            .object(format!("AccessEntry/{who}"));
        for o in &scoped {
            f = f.related(
                o.span,
                format!("{} scoped to {}", o.policy_name(), o.namespaces.join(", ")),
            );
        }
        for other in assocs.iter().filter(|o| {
            o.span != a.span
                && o.cluster_scope == Some(true)
                && o.policy_name() == policy
                && util::same_principal(o.principal_arn, a.principal_arn)
        }) {
            f = f.related(
                other.span,
                if other.from_eksctl {
                    "the same association in the eksctl ClusterConfig"
                } else {
                    "the same association as AWS reports it"
                },
            );
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cc: &str, extra: &str) -> Vec<Finding> {
        let l = eksplane_load::load_texts([("cc.yaml", cc), ("extra.yaml", extra)]);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const CC: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/platform-admins
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: {type: cluster}
    - principalARN: arn:aws:iam::111122223333:role/search-team
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: {type: cluster}
";

    #[test]
    fn team_named_after_a_namespace() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: search}\n";
        let f = run(CC, ns);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message.contains("role/search-team"),
            "{}",
            f[0].message
        );
        // Without that namespace in the inputs, nothing suggests a team.
        assert!(
            run(
                CC,
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn namespace_tokens() {
        assert!(names_namespace("payments-developers", "payments"));
        assert!(names_namespace("team_payments", "payments"));
        assert!(!names_namespace("paymentsdevs", "payments"));
        assert!(names_namespace("web-team-a", "team-a"));
    }
}
