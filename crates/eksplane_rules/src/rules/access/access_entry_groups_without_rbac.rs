use super::util::{self, EntrySource};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::aws::eks::access_entry_type;

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes group on a `STANDARD` access entry (eksctl
    /// `accessConfig.accessEntries[].kubernetesGroups`, or a
    /// `describe-access-entry` snapshot) that no RoleBinding or
    /// ClusterRoleBinding in the inputs names as a `Group` subject. It judges only
    /// when the inputs hold RBAC bindings at all; `system:` groups are left out
    /// (EKS rejects them on access entries; see ACC005).
    ///
    /// ## Why it matters
    /// EKS does not check that a group is bound to anything: an entry whose
    /// groups no binding grants gives the principal nothing beyond API discovery
    /// (and its access policies, if any). It is usually a typo, or RBAC that was
    /// never applied, and shows up as `Forbidden` for the team that expected
    /// access.
    ///
    /// ## Example
    /// ```yaml
    /// accessEntries:
    ///   - principalARN: arn:aws:iam::111122223333:role/payments-developers
    ///     kubernetesGroups: [payment-oncall]   # the RoleBinding names payments-oncall
    /// ```
    ///
    /// ## Fix
    /// Bind the group (or correct its name on the entry):
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: payments-oncall, namespace: payments}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: payments-oncall}
    /// subjects:
    ///   - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: payments-oncall}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/create-k8s-group-entry.html
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
    pub RULE = ("ACC006", "access-entry-groups-without-rbac", Warning, "Access entry group is bound by no RBAC binding", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    if p.role_bindings.is_empty() && p.cluster_role_bindings.is_empty() {
        return Vec::new();
    }
    let bound = |g: &str| {
        p.role_bindings
            .iter()
            .flat_map(|b| b.subjects.iter())
            .chain(
                p.cluster_role_bindings
                    .iter()
                    .flat_map(|b| b.subjects.iter()),
            )
            .any(|s| s.kind == "Group" && s.name == g)
    };
    let bound_groups: Vec<String> = {
        let mut v: Vec<String> = p
            .role_bindings
            .iter()
            .flat_map(|b| b.subjects.iter())
            .chain(
                p.cluster_role_bindings
                    .iter()
                    .flat_map(|b| b.subjects.iter()),
            )
            .filter(|s| s.kind == "Group" && !s.name.starts_with("system:"))
            .map(|s| s.name.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let entries = util::entries(facts);
    let cluster = util::cluster_name(facts);
    let mut out = Vec::new();
    for e in &entries.all {
        if e.entry_type()
            .is_some_and(|t| t != access_entry_type::STANDARD)
        {
            continue;
        }
        let Some(groups) = e.kubernetes_groups() else {
            continue;
        };
        let unbound: Vec<_> = groups
            .iter()
            .filter(|g| !g.value.starts_with("system:") && !bound(&g.value))
            .collect();
        for g in &unbound {
            let who = util::Principal::parse(e.arn)
                .map(|x| x.short())
                .unwrap_or_else(|| e.arn.to_string());
            let near = bound_groups
                .iter()
                .filter(|b| close(b, &g.value))
                .map(|b| format!(" (did you mean {b}?)"))
                .next()
                .unwrap_or_default();
            let mut f = RULE
                .finding(
                    format!(
                        "the access entry of {who} puts it in the Kubernetes group {}, which no \
                         RoleBinding or ClusterRoleBinding in the inputs binds{near}: the group \
                         grants it nothing",
                        g.value
                    ),
                    g.span,
                )
                .fix(
                    Fix::new(
                        "bind the group to a Role or ClusterRole, or correct the group name on the \
                         access entry",
                    )
                    .with_snippet(format!(
                        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {g}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: {g}\n---\n# or fix the entry:\n# aws eks update-access-entry --cluster-name {cluster} --principal-arn {} --kubernetes-groups GROUP\n",
                        e.arn,
                        g = g.value
                    )),
                )
                .object(format!("AccessEntry/{who}"));
            for s in &e.sources {
                if matches!(s, EntrySource::Listed(_)) {
                    continue;
                }
                if s.span() != g.span {
                    f = f.related(s.span(), format!("the {}", s.describe()));
                }
            }
            out.push(f);
        }
    }
    out
}

/// Whether two group names look like one typo apart (edit distance 1 or 2,
/// or equal ignoring case and `-`/`_`).
fn close(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    norm(a) == norm(b) || (a.len().abs_diff(b.len()) <= 2 && util::levenshtein(a, b) <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_distance() {
        assert_eq!(util::levenshtein("payments-oncall", "payment-oncall"), 1);
        assert!(close("payments-oncall", "payment-oncall"));
        assert!(!close("ci-deployers", "payments-oncall"));
    }

    #[test]
    fn silent_without_rbac_in_the_inputs() {
        let cc = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/devs
      kubernetesGroups: [devs]
";
        let l = eksplane_load::load_texts([("cc.yaml", cc)]);
        assert!(
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded()
            ))
            .is_empty()
        );
    }
}
