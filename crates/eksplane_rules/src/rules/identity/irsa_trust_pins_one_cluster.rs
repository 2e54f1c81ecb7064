use super::util::{
    associations, cluster_name, irsa_bindings, is_eks_oidc_provider, policy_len, role_name_of,
    statement_len,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::aws::iam::{IRSA_ACTION, POD_IDENTITY_SERVICE, Role, Statement};
use eksplane_source::{Span, Spanned};

/// The default quota on a role trust policy's length: 2,048 characters, white
/// space not counted (adjustable up to 4,096). Source: IAM User Guide, "IAM and
/// AWS STS quotas" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub(crate) const TRUST_POLICY_QUOTA: usize = 2048;

declare_rule! {
    /// ## What it does
    /// Flags an IAM role (from `aws iam get-role`) whose trust policy allows
    /// `sts:AssumeRoleWithWebIdentity` to an EKS cluster's IAM OIDC provider
    /// (`Federated: arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID`):
    /// an IRSA role pinned to the clusters it names. The finding counts the
    /// per-cluster copies the role holds (providers and statements), the
    /// service accounts each admits, how many more the 2,048-character trust
    /// policy quota leaves room for, and whether this cluster's issuer is among
    /// them.
    ///
    /// ## Why it matters
    /// IRSA trust is per cluster: each cluster has its own OIDC issuer, so a role
    /// used by the same workload in N clusters needs N statements (and N IAM OIDC
    /// providers), re-edited for every cluster created or rebuilt. A typical
    /// statement (provider, `sub` and `aud` conditions) is about 440 characters,
    /// so the default 2,048-character trust policy quota holds four clusters
    /// (white space is not counted; the quota can be raised to 4,096). An EKS
    /// Pod Identity role has one trust policy
    /// (`pods.eks.amazonaws.com`) for every cluster, and the binding lives in an
    /// EKS association instead.
    ///
    /// Severity is Info: the role works for the clusters it names today. This
    /// is migration advice (the guide's "IRSA -> Pod Identity" step), and the
    /// finding is what keeps the cluster's IAM OIDC provider in use.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow",
    ///  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/1B7A1BFC0D6787319D02A19FD9BC308B"},
    ///  "Action": "sts:AssumeRoleWithWebIdentity",
    ///  "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/1B7A1BFC0D6787319D02A19FD9BC308B:sub": "system:serviceaccount:reporting:report-sa"}}}
    /// ```
    ///
    /// ## Fix
    /// Trust Pod Identity, associate each service account, remove the IRSA
    /// annotation, then drop the OIDC statements (or run
    /// `eksctl utils migrate-to-pod-identity`):
    /// ```sh
    /// aws eks create-pod-identity-association --cluster-name CLUSTER \
    ///   --namespace reporting --service-account report-sa \
    ///   --role-arn arn:aws:iam::111122223333:role/report-irsa
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html (Pod Identity compared with IRSA)
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role trust policy length)
    /// - https://github.com/aws/containers-roadmap/issues/1408 (the per-cluster trust problem)
    /// - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html (migrate-to-pod-identity)
    pub RULE = ("IDN004", "irsa-trust-pins-one-cluster", Info, "IRSA trust policy pinned to per-cluster OIDC providers", Some(check));
}

/// The IRSA trust of a role for one EKS OIDC provider (one cluster).
struct Pinned<'a> {
    provider: &'a str,
    statements: Vec<&'a Spanned<Statement>>,
    /// `namespace/name` (or the `sub` pattern as written) of each admitted service account.
    subjects: Vec<String>,
}

/// The IRSA trusts of a role, one per EKS OIDC provider.
fn pinned(role: &Role) -> Vec<Pinned<'_>> {
    let mut out: Vec<Pinned<'_>> = Vec::new();
    for t in role.oidc_trusts() {
        if !is_eks_oidc_provider(t.provider) || !t.statement.matches_action(IRSA_ACTION) {
            continue;
        }
        let subjects: Vec<String> = t
            .subjects
            .iter()
            .filter(|(op, _)| !op.contains("Not"))
            .map(|(_, s)| {
                s.strip_prefix("system:serviceaccount:")
                    .map(|rest| rest.replacen(':', "/", 1))
                    .unwrap_or_else(|| s.to_string())
            })
            .collect();
        match out
            .iter_mut()
            .find(|g| g.provider.eq_ignore_ascii_case(t.provider))
        {
            Some(g) => {
                if !g.statements.iter().any(|s| s.span == t.statement.span) {
                    g.statements.push(t.statement);
                }
                for s in subjects {
                    if !g.subjects.contains(&s) {
                        g.subjects.push(s);
                    }
                }
            }
            None => out.push(Pinned {
                provider: t.provider,
                statements: vec![t.statement],
                subjects,
            }),
        }
    }
    out
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let this_provider = p.aws.cluster().and_then(|c| c.oidc_provider());
    let cluster = cluster_name(facts);
    let irsa = irsa_bindings(p);
    let assocs = associations(facts);
    let mut out = Vec::new();
    for role in &p.aws.roles {
        let groups = pinned(role);
        let Some(first) = groups.first().and_then(|g| g.statements.first()) else {
            continue;
        };
        let name = role.name().or(role.arn()).unwrap_or("(unnamed)");
        let arn = role
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| format!("arn:aws:iam::ACCOUNT_ID:role/{name}"));
        let statements: Vec<&Spanned<Statement>> = groups
            .iter()
            .flat_map(|g| g.statements.iter().copied())
            .collect();
        let irsa_len: usize = statements.iter().map(|s| statement_len(s)).sum();
        let per_cluster = irsa_len / statements.len().max(1);
        let total = policy_len(role.trust_statements());
        let room = TRUST_POLICY_QUOTA.saturating_sub(total) / per_cluster.max(1);
        let mut subjects: Vec<String> = groups.iter().flat_map(|g| g.subjects.clone()).collect();
        subjects.sort();
        subjects.dedup();
        let providers: Vec<String> = groups
            .iter()
            .map(|g| {
                let id = g.provider.rsplit('/').next().unwrap_or(g.provider);
                if this_provider.is_some_and(|t| t.eq_ignore_ascii_case(g.provider)) {
                    format!("{id} (this cluster)")
                } else {
                    id.to_string()
                }
            })
            .collect();
        let n = groups.len();
        let statements_part = match (n, statements.len()) {
            (1, 1) => format!("one trust statement (~{per_cluster} characters)"),
            (c, s) if c == s => format!("one trust statement each (~{per_cluster} characters)"),
            (_, s) => format!("{s} trust statements (~{per_cluster} characters each)"),
        };
        let workload = match subjects.as_slice() {
            [] => "the workload".to_string(),
            [one] => one.clone(),
            many => many.join(", "),
        };
        let mut msg = format!(
            "IAM role {name} is an IRSA role pinned to {n} cluster{} (OIDC provider{} {}), {} \
             for {workload}: every further cluster that runs {} needs another copy and its own \
             IAM OIDC provider, and the trust policy (~{total} of the default {} characters) has \
             room for about {room} more. A Pod Identity trust policy is the same for every cluster",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            providers.join(", "),
            statements_part,
            if subjects.len() > 1 { "them" } else { "it" },
            thousands(TRUST_POLICY_QUOTA),
        );
        if let Some(this) = this_provider
            && !groups.iter().any(|g| g.provider.eq_ignore_ascii_case(this))
        {
            msg.push_str(&format!(
                "; none of its statements trusts this cluster's issuer ({}), so IRSA from \
                 {cluster} cannot assume it",
                this.rsplit('/').next().unwrap_or(this)
            ));
        }
        if role.trusts_service(POD_IDENTITY_SERVICE) {
            msg.push_str(&format!(
                "; it already trusts {POD_IDENTITY_SERVICE}, so the OIDC statements can go once \
                 every consumer has an association"
            ));
        }
        let mut f = RULE
            .finding(msg, first.span)
            .object(format!("IAMRole/{name}"));
        for st in statements.iter().skip(1) {
            f = f.related(st.span, "another per-cluster IRSA statement");
        }
        if let Some(issuer) = p.aws.cluster().and_then(|c| c.oidc_issuer()) {
            f = f.related(issuer.span, format!("the OIDC issuer of cluster {cluster}"));
        }
        let mut seen: Vec<Span> = Vec::new();
        for b in irsa.iter().filter(|b| {
            b.role
                .as_deref()
                .is_some_and(|r| r == arn || role_name_of(r) == name)
        }) {
            if !seen.contains(&b.span) {
                seen.push(b.span);
                f = f.related(b.span, b.source.clone());
            }
        }
        // The associations that would replace IRSA: one per exact subject that
        // has none yet.
        let mut snippet = String::new();
        if !role.trusts_service(POD_IDENTITY_SERVICE) {
            snippet.push_str(&format!(
                "# trust Pod Identity: add to the trust policy of {name}\n#   {{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"{POD_IDENTITY_SERVICE}\"}}, \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]}}\n"
            ));
        }
        let exact: Vec<&String> = subjects
            .iter()
            .filter(|s| !s.contains(['*', '?']))
            .collect();
        let associated: Vec<&String> = exact
            .iter()
            .copied()
            .filter(|s| assocs.iter().any(|a| a.key() == **s))
            .collect();
        for s in exact.iter().filter(|s| !associated.contains(s)) {
            let (ns, sa) = s.split_once('/').unwrap_or(("NAMESPACE", s.as_str()));
            snippet.push_str(&format!(
                "aws eks create-pod-identity-association --cluster-name {cluster} \\\n  --namespace {ns} --service-account {sa} \\\n  --role-arn {arn}\n"
            ));
        }
        if exact.is_empty() {
            snippet.push_str(&format!(
                "aws eks create-pod-identity-association --cluster-name {cluster} \\\n  --namespace NAMESPACE --service-account SERVICE_ACCOUNT \\\n  --role-arn {arn}\n"
            ));
        }
        if !associated.is_empty() {
            let list: Vec<String> = associated.iter().map(|s| s.to_string()).collect();
            f.message.push_str(&format!(
                "; {} already {} a Pod Identity association",
                list.join(", "),
                if list.len() == 1 { "has" } else { "have" }
            ));
        }
        snippet.push_str(&format!(
            "# then remove the eks.amazonaws.com/role-arn annotations, restart the pods, and\n# drop the AssumeRoleWithWebIdentity statements from {name}\n"
        ));
        f = f.fix(
            Fix::new(format!(
                "move {name} to EKS Pod Identity: trust {POD_IDENTITY_SERVICE}, create an \
                 association per service account, remove the IRSA annotation, then the OIDC \
                 statements (`eksctl utils migrate-to-pod-identity` does these steps)"
            ))
            .with_snippet(snippet),
        );
        out.push(f);
    }
    out
}

/// `2048` as `2,048`.
fn thousands(n: usize) -> String {
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
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

    fn irsa_statement(id: &str, sub: &str) -> String {
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/{id}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"oidc.eks.us-east-1.amazonaws.com/id/{id}:sub": "system:serviceaccount:{sub}", "oidc.eks.us-east-1.amazonaws.com/id/{id}:aud": "sts.amazonaws.com"}}}}}}"#
        )
    }

    fn role(statements: &[String]) -> String {
        format!(
            r#"{{"Role": {{"RoleName": "report-irsa", "Arn": "arn:aws:iam::111122223333:role/report-irsa", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{}]}}}}}}"#,
            statements.join(",")
        )
    }

    #[test]
    fn counts_copies_and_room() {
        let r = role(&[
            irsa_statement("AAAA1111BBBB2222CCCC3333DDDD4444", "reporting:report-sa"),
            irsa_statement("EEEE5555FFFF6666AAAA7777BBBB8888", "reporting:report-sa"),
        ]);
        let c = r#"{"cluster": {"name": "prod", "identity": {"oidc": {"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/AAAA1111BBBB2222CCCC3333DDDD4444"}}}}"#;
        let f = run(&[("r.json", &r), ("c.json", c)]);
        assert_eq!(f.len(), 1);
        let m = &f[0].message;
        assert!(m.contains("pinned to 2 clusters"), "{m}");
        assert!(
            m.contains("AAAA1111BBBB2222CCCC3333DDDD4444 (this cluster)"),
            "{m}"
        );
        assert!(
            m.contains("one trust statement each (~441 characters)"),
            "{m}"
        );
        assert!(m.contains("for reporting/report-sa"), "{m}");
        // Two 441-character statements: the policy is ~922 characters, room for 2 more.
        assert!(m.contains("(~922 of the default 2,048 characters)"), "{m}");
        assert!(m.contains("room for about 2 more"), "{m}");
        // The second statement and the cluster's issuer.
        assert_eq!(f[0].related.len(), 2);
    }

    #[test]
    fn other_identity_providers_and_missing_cluster() {
        let gh = r#"{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}"#;
        assert!(run(&[("r.json", &role(&[gh.to_string()]))]).is_empty());
        let c = r#"{"cluster": {"name": "prod", "identity": {"oidc": {"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/0000"}}}}"#;
        let r = role(&[irsa_statement("AAAA", "reporting:report-sa")]);
        let f = run(&[("r.json", &r), ("c.json", c)]);
        assert!(
            f[0].message.contains("cannot assume it"),
            "{}",
            f[0].message
        );
    }
}
