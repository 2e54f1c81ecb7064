use super::util::{self, Principal};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::aws::eks::{
    ACCESS_POLICY_ARN_PREFIX, KNOWN_ACCESS_POLICIES, access_policy_name, is_known_access_policy,
};

declare_rule! {
    /// ## What it does
    /// Flags an access policy ARN that is not one of the AWS-managed EKS access
    /// policies eksplane knows (`arn:aws:eks::aws:cluster-access-policy/NAME`,
    /// in any partition), in the eksctl ClusterConfig
    /// (`accessConfig.accessEntries[].accessPolicies[].policyARN`) or in a
    /// `list-associated-access-policies` snapshot. An ARN that is not an access
    /// policy ARN at all (an IAM policy, a typo in the prefix) is called out as
    /// such; a near miss of a known name gets a "did you mean".
    ///
    /// ## Why it matters
    /// Access policies are managed by AWS only: you cannot create your own, and
    /// IAM policies do not apply to access entries. An unknown ARN in eksctl
    /// fails `eksctl create accessentry` / `create cluster` (the access the
    /// entry was meant to give never exists). In an AWS snapshot the policy
    /// exists, so it is newer than eksplane's list: check what it grants.
    ///
    /// ## Example
    /// ```yaml
    /// accessPolicies:
    ///   - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdmin
    ///     accessScope: {type: cluster}
    /// ```
    ///
    /// ## Fix
    /// Use a policy `aws eks list-access-policies` returns:
    /// ```yaml
    /// accessPolicies:
    ///   - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
    ///     accessScope: {type: cluster}
    /// ```
    /// For bespoke permissions, give the entry Kubernetes groups and bind them
    /// with RBAC instead.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
    /// - https://docs.aws.amazon.com/cli/latest/reference/eks/list-access-policies.html
    pub RULE = ("ACC008", "unknown-access-policy", Warning, "Unknown EKS access policy", Some(check));
}

/// The closest known policy name, when it is a near miss.
fn nearest(name: &str) -> Option<&'static str> {
    KNOWN_ACCESS_POLICIES
        .iter()
        .filter_map(|k| k.strip_prefix(ACCESS_POLICY_ARN_PREFIX))
        .map(|k| {
            (
                util::levenshtein(&name.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| {
            *d <= 3
                || (name.len() >= 8
                    && k.to_ascii_lowercase()
                        .starts_with(&name.to_ascii_lowercase()))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for a in util::associations(p) {
        let arn = &a.policy_arn.value;
        if is_known_access_policy(arn) {
            continue;
        }
        let who = Principal::parse(a.principal_arn)
            .map(|x| x.short())
            .unwrap_or_else(|| a.principal_arn.to_string());
        // A policy AWS reports exists: no "did you mean" for it.
        let suggestion = if a.from_eksctl {
            access_policy_name(arn)
                .or_else(|| arn.rsplit('/').next())
                .and_then(nearest)
        } else {
            None
        };
        let did_you_mean = suggestion
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        let what = match access_policy_name(arn) {
            None => format!(
                "{arn} is not an EKS access policy ARN (they read \
                 arn:aws:eks::aws:cluster-access-policy/NAME; IAM policies cannot be associated \
                 with access entries){did_you_mean}"
            ),
            Some(name) => format!(
                "{name} is not an AWS-managed EKS access policy eksplane knows{did_you_mean}"
            ),
        };
        let consequence = if a.from_eksctl {
            "eksctl fails to associate it, so the entry never gets the access it was meant to have"
        } else {
            "EKS reports it, so it is newer than eksplane's list: check what it grants with \
             aws eks list-access-policies"
        };
        let fix = if !a.from_eksctl {
            Fix::new(
                "confirm what the policy grants and that this principal needs it; a newer \
                 eksplane knows more policies",
            )
            .with_snippet("aws eks list-access-policies --output table\n")
        } else {
            match suggestion {
                Some(s) => Fix::new(format!("use the AWS-managed policy {s}"))
                    .with_snippet(format!("policyARN: {}\n", util::policy_arn(facts, s))),
                None => Fix::new(
                    "use an AWS-managed access policy (aws eks list-access-policies), or \
                     Kubernetes groups bound with RBAC for bespoke permissions",
                )
                .with_snippet(format!(
                    "policyARN: {}   # or Edit/Admin/ClusterAdmin\n",
                    util::policy_arn(facts, "AmazonEKSViewPolicy")
                )),
            }
        };
        out.push(
            RULE.finding(
                format!("the access policy associated with {who}: {what}; {consequence}"),
                a.policy_arn.span,
            )
            .fix(fix)
            .object(format!("AccessEntry/{who}")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        assert_eq!(
            nearest("AmazonEKSClusterAdmin"),
            Some("AmazonEKSClusterAdminPolicy")
        );
        assert_eq!(nearest("AmazonEKSViewPolicyy"), Some("AmazonEKSViewPolicy"));
        assert_eq!(nearest("AdministratorAccess"), None);
    }
}
