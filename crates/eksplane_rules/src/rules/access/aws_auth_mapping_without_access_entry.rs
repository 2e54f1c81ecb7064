use super::util::{self, Coverage, Need};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::aws::eks::authentication_mode;

declare_rule! {
    /// ## What it does
    /// In authentication mode `API_AND_CONFIG_MAP`, lists every
    /// `kube-system/aws-auth` mapping (`mapRoles`, `mapUsers`, `mapAccounts`)
    /// that no equivalent access entry replaces yet, each with the
    /// `aws eks create-access-entry` (and `associate-access-policy`) commands that
    /// would replace it. Access entries are read from the eksctl ClusterConfig
    /// (`accessConfig.accessEntries`) and from `aws eks list-access-entries`,
    /// `describe-access-entry` and `list-associated-access-policies` snapshots.
    ///
    /// An entry is equivalent when it exists and, as far as the inputs show it:
    /// a node role (`system:bootstrappers` + `system:nodes`) has an `EC2_LINUX`
    /// (`EC2_WINDOWS` with `eks:kube-proxy-windows`) entry; other mappings have a
    /// `STANDARD` entry carrying the same non-`system:` groups, and
    /// `system:masters` has `AmazonEKSClusterAdminPolicy` at cluster scope. Roles
    /// of managed node groups (eksctl `managedNodeGroups[].iam.instanceRoleARN`)
    /// and Fargate pod execution roles need nothing: EKS creates their entries,
    /// unless a `list-access-entries` snapshot shows it did not. `mapAccounts` has
    /// no access-entry equivalent at all.
    ///
    /// The rule judges only when the inputs hold at least one source of access
    /// entries: with none, it cannot tell a migrated mapping from a pending one
    /// and stays silent (give it `aws eks list-access-entries --output json`).
    ///
    /// ## Why it matters
    /// `API_AND_CONFIG_MAP` is the migration mode: both mechanisms work, and a
    /// mapping without an access entry keeps working only while aws-auth is
    /// read. Each one left is a principal that loses access (or nodes that stop
    /// joining) when the cluster moves to `API`, and one more line in the
    /// unvalidated ConfigMap whose bad edit can lock everyone out.
    ///
    /// ## Example
    /// ```yaml
    /// mapRoles: |
    ///   - rolearn: arn:aws:iam::111122223333:role/github-actions-deploy
    ///     username: github-actions:{{SessionName}}
    ///     groups: [ci-deployers]
    /// ```
    /// with no access entry for `role/github-actions-deploy`.
    ///
    /// ## Fix
    /// Create the access entry, verify the principal still works, then delete
    /// the mapping (`eksctl delete iamidentitymapping --arn ...`):
    /// ```sh
    /// aws eks create-access-entry --cluster-name platform-prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/github-actions-deploy \
    ///   --type STANDARD --kubernetes-groups ci-deployers \
    ///   --username 'github-actions:{{SessionName}}'
    /// ```
    /// A node role takes `--type EC2_LINUX` and no policy; a `system:masters`
    /// mapping takes `aws eks associate-access-policy ... --policy-arn
    /// arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
    /// --access-scope type=cluster` (EKS rejects `system:` groups on entries).
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
    pub RULE = ("ACC002", "aws-auth-mapping-without-access-entry", Warning, "aws-auth mapping has no equivalent access entry", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let Some(mode) = &p.cluster.authentication_mode else {
        return Vec::new();
    };
    if mode.value != authentication_mode::API_AND_CONFIG_MAP {
        return Vec::new();
    }
    let Some(auth) = &p.aws_auth else {
        return Vec::new();
    };
    let entries = util::entries(facts);
    if !entries.any_source() {
        return Vec::new();
    }
    let assocs = util::associations(p);
    let cluster = util::cluster_name(facts);
    let object = auth.object_ref().to_string();
    let mut out = Vec::new();
    for m in util::mappings(auth) {
        let partial = match util::coverage(p, entries, &assocs, &m) {
            Coverage::Covered | Coverage::ByEks => continue,
            Coverage::Missing => None,
            Coverage::Partial(e, gaps) => Some((e, gaps)),
        };
        let need = m.need();
        let message = match &partial {
            None => format!(
                "aws-auth maps {} but no access entry exists for it{}; it works only while \
                 aws-auth is read and loses access when the cluster moves to API",
                m.describe(),
                match &need {
                    Need::Node(t) => format!(" (a node role: its nodes need an {t} entry)"),
                    _ => String::new(),
                }
            ),
            Some((_, gaps)) => format!(
                "aws-auth maps {} and an access entry exists for it, but not an equivalent one: \
                 {}; the entry overrides the mapping, so what it lacks is already lost",
                m.describe(),
                gaps.describe()
            ),
        };
        let (cmd, notes) = match &partial {
            None => util::replacement_commands(
                facts,
                &cluster,
                &util::entry_arn(p, &m.arn.value),
                &need,
            ),
            Some((e, gaps)) => util::completion_commands(facts, &cluster, e, &need, gaps),
        };
        let mut desc = match &partial {
            None => "create the equivalent access entry, verify access, then delete the aws-auth \
                     mapping (eksctl delete iamidentitymapping)"
                .to_string(),
            Some(_) => "complete the access entry, verify access, then delete the aws-auth mapping"
                .to_string(),
        };
        if !notes.is_empty() {
            desc.push_str(&format!(" ({})", notes.join("; ")));
        }
        let mut f = RULE
            .finding(message, m.arn_span())
            .fix(Fix::new(desc).with_snippet(cmd))
            .object(object.clone());
        if let Some((e, _)) = &partial {
            for s in &e.sources {
                f = f.related(s.span(), format!("the {}", s.describe()));
            }
        }
        f = f.related(
            mode.span,
            "authenticationMode API_AND_CONFIG_MAP: aws-auth is still read",
        );
        out.push(f);
    }
    for acct in &auth.map_accounts {
        out.push(
            RULE.finding(
                format!(
                    "aws-auth maps the whole account {} (mapAccounts): every IAM principal in it \
                     authenticates to the cluster; access entries have no equivalent, so this \
                     access ends when the cluster moves to API",
                    acct.value
                ),
                acct.span,
            )
            .fix(
                Fix::new(
                    "create a STANDARD access entry for each principal of that account that \
                     really needs the cluster, then remove the account from mapAccounts",
                )
                .with_snippet(format!(
                    "aws eks create-access-entry --cluster-name {cluster} \\\n  --principal-arn arn:aws:iam::{}:role/ROLE_NAME \\\n  --type STANDARD --kubernetes-groups GROUP\n",
                    acct.value
                )),
            )
            .related(mode.span, "authenticationMode API_AND_CONFIG_MAP: aws-auth is still read")
            .object(object.clone()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CC: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/platform-admins
";

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = eksplane_load::load_texts(files.iter().copied());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn auth(map_roles: &str) -> String {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: aws-auth, namespace: kube-system}}\ndata:\n  mapRoles: |\n{map_roles}"
        )
    }

    fn snippet(f: &Finding) -> &str {
        f.fix
            .as_ref()
            .and_then(|x| x.snippet.as_deref())
            .unwrap_or_default()
    }

    #[test]
    fn windows_nodes_and_role_paths() {
        let a = auth(
            "    - rolearn: arn:aws:iam::111122223333:role/win-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows]
",
        );
        // The role really has a path: get-role gives the ARN the entry needs.
        let role = r#"{"Role": {"RoleName": "win-nodes", "Path": "/nodes/",
  "Arn": "arn:aws:iam::111122223333:role/nodes/win-nodes"}}"#;
        let f = run(&[("cc.yaml", CC), ("auth.yaml", &a), ("role.json", role)]);
        assert_eq!(f.len(), 1);
        let s = snippet(&f[0]);
        assert!(s.contains("--type EC2_WINDOWS"), "{s}");
        assert!(s.contains("role/nodes/win-nodes"), "{s}");
    }

    #[test]
    fn usernames_that_entries_cannot_take_are_left_out() {
        let a = auth(
            "    - rolearn: arn:aws:iam::111122223333:role/devs
      username: devs{{SessionName}}
      groups: [devs, system:authenticated]
",
        );
        let f = run(&[("cc.yaml", CC), ("auth.yaml", &a)]);
        assert_eq!(f.len(), 1);
        let s = snippet(&f[0]);
        assert!(!s.contains("--username"), "{s}");
        assert!(s.contains("--kubernetes-groups devs\n"), "{s}");
        let desc = f[0]
            .fix
            .as_ref()
            .map(|x| x.description.as_str())
            .unwrap_or_default();
        assert!(desc.contains("colon before {{SessionName}}"), "{desc}");
        assert!(desc.contains("system:authenticated"), "{desc}");
    }

    #[test]
    fn silent_without_a_source_of_entries() {
        let cc = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
";
        let a = auth("    - rolearn: arn:aws:iam::111122223333:role/devs\n      groups: [devs]\n");
        assert!(run(&[("cc.yaml", cc), ("auth.yaml", &a)]).is_empty());
    }

    #[test]
    fn cluster_admin_is_judged_from_the_policy_snapshot() {
        let a = auth(
            "    - rolearn: arn:aws:iam::111122223333:role/ops
      groups: [system:masters]
",
        );
        let describe = r#"{"accessEntry": {"principalArn": "arn:aws:iam::111122223333:role/ops",
  "kubernetesGroups": [], "type": "STANDARD"}}"#;
        let view = r#"{"principalArn": "arn:aws:iam::111122223333:role/ops",
  "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    "accessScope": {"type": "cluster", "namespaces": []}}]}"#;
        let f = run(&[
            ("cc.yaml", CC),
            ("auth.yaml", &a),
            ("d.json", describe),
            ("p.json", view),
        ]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("not an equivalent one"),
            "{}",
            f[0].message
        );
        assert!(
            snippet(&f[0]).starts_with("aws eks associate-access-policy"),
            "{}",
            snippet(&f[0])
        );
    }
}
