use super::util::{self, Coverage, Need};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::aws::eks::authentication_mode;

declare_rule! {
    /// ## What it does
    /// Flags every `kube-system/aws-auth` mapping (`mapRoles`, `mapUsers`,
    /// `mapAccounts`) that no equivalent access entry covers while the cluster's
    /// authentication mode is `API`, as `aws eks describe-cluster` reports it
    /// (the lockout has happened) or as an eksctl ClusterConfig sets it (it will
    /// happen when applied). Coverage is judged as in ACC002: the entry exists,
    /// has the right type, carries the mapping's groups and, for
    /// `system:masters`, `AmazonEKSClusterAdminPolicy` at cluster scope; roles of
    /// managed node groups and Fargate profiles get their entries from EKS.
    ///
    /// It judges when the inputs hold a source of access entries (eksctl
    /// `accessConfig.accessEntries`, `list-access-entries`,
    /// `describe-access-entry`), or when a ClusterConfig sets `API` (its
    /// `accessEntries` are then the complete declaration).
    ///
    /// ## Why it matters
    /// In `API` mode EKS no longer reads aws-auth. Every principal only mapped
    /// there loses access to the cluster: admins are locked out, CI cannot
    /// deploy, and nodes whose role is only mapped there stop joining. The
    /// switch is one-way: a cluster cannot go back to a mode that reads the
    /// ConfigMap. The guide's first pitfall: migrate, verify, then drop
    /// `CONFIG_MAP`.
    ///
    /// ## Example
    /// ```yaml
    /// # cluster.yaml
    /// accessConfig:
    ///   authenticationMode: API
    /// # aws-auth still maps role/github-actions-deploy, which has no access entry
    /// ```
    ///
    /// ## Fix
    /// Create an access entry for each principal before switching (keep
    /// `API_AND_CONFIG_MAP` until `aws eks list-access-entries` covers them all).
    /// If the cluster is already in `API`, create the entries now:
    /// ```sh
    /// aws eks create-access-entry --cluster-name platform-prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/KarpenterNodeRole-platform-prod \
    ///   --type EC2_LINUX
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html#set-cam
    /// - https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html
    pub RULE = ("ACC003", "api-mode-lockout", Error, "API authentication mode locks out principals aws-auth still maps", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let api: Vec<util::ModeSource> = util::mode_sources(p)
        .into_iter()
        .filter(|m| m.value == authentication_mode::API)
        .collect();
    if api.is_empty() {
        return Vec::new();
    }
    let Some(auth) = &p.aws_auth else {
        return Vec::new();
    };
    let entries = util::entries(facts);
    let declares_api = api.iter().any(|m| m.source == util::EKSCTL);
    if !entries.any_source() && !declares_api {
        return Vec::new();
    }
    // `describe-cluster` says API: the cluster already ignores aws-auth.
    let live = api.iter().any(|m| m.source == util::DESCRIBE_CLUSTER);
    let assocs = util::associations(p);
    let cluster = util::cluster_name(facts);
    let object = auth.object_ref().to_string();
    let consequence = |node: bool| match (live, node) {
        (true, false) => {
            "the cluster no longer reads aws-auth, so this principal has no access now"
        }
        (true, true) => {
            "the cluster no longer reads aws-auth, so nodes with this role cannot join now"
        }
        (false, false) => {
            "applying that mode locks this principal out, and the switch cannot be undone"
        }
        (false, true) => {
            "applying that mode stops nodes with this role from joining, and the switch cannot be undone"
        }
    };
    let fix_desc = if live {
        "create the access entry now (the mode cannot return to one that reads aws-auth)"
    } else {
        "create the access entries before switching to API (keep API_AND_CONFIG_MAP until every \
         mapping has one)"
    };
    let mode_said = api
        .iter()
        .map(|m| m.source)
        .collect::<Vec<_>>()
        .join(" and ");
    let mut out = Vec::new();
    for m in util::mappings(auth) {
        let need = m.need();
        let node = matches!(need, Need::Node(_) | Need::Fargate);
        let (detail, cmd, notes, partial) = match util::coverage(p, entries, &assocs, &m) {
            Coverage::Covered | Coverage::ByEks => continue,
            Coverage::Missing => {
                let (cmd, notes) = util::replacement_commands(
                    facts,
                    &cluster,
                    &util::entry_arn(p, &m.arn.value),
                    &need,
                );
                ("no access entry covers it".to_string(), cmd, notes, None)
            }
            Coverage::Partial(e, gaps) => {
                let (cmd, notes) = util::completion_commands(facts, &cluster, e, &need, &gaps);
                (
                    format!("its access entry is not equivalent ({})", gaps.describe()),
                    cmd,
                    notes,
                    Some(e),
                )
            }
        };
        let mut desc = fix_desc.to_string();
        if !notes.is_empty() {
            desc.push_str(&format!(" ({})", notes.join("; ")));
        }
        let mut f = RULE
            .finding(
                format!(
                    "authenticationMode is API ({mode_said}) while aws-auth maps {} and {detail}: {}",
                    m.describe(),
                    consequence(node)
                ),
                m.arn_span(),
            )
            .fix(Fix::new(desc).with_snippet(cmd))
            .object(object.clone());
        for s in &api {
            f = f.related(
                s.span,
                format!("authenticationMode API in the {}", s.source),
            );
        }
        if let Some(e) = partial {
            for s in &e.sources {
                f = f.related(s.span(), format!("the {}", s.describe()));
            }
        }
        out.push(f);
    }
    for acct in &auth.map_accounts {
        let mut f = RULE
            .finding(
                format!(
                    "authenticationMode is API ({mode_said}) while aws-auth maps the whole account \
                     {} (mapAccounts), which access entries cannot express: {}",
                    acct.value,
                    if live {
                        "principals of that account have no access now"
                    } else {
                        "applying that mode removes the access of every principal of that account"
                    }
                ),
                acct.span,
            )
            .fix(
                Fix::new("create a STANDARD access entry for each principal of that account that needs the cluster")
                    .with_snippet(format!(
                        "aws eks create-access-entry --cluster-name {cluster} \\\n  --principal-arn arn:aws:iam::{}:role/ROLE_NAME \\\n  --type STANDARD --kubernetes-groups GROUP\n",
                        acct.value
                    )),
            )
            .object(object.clone());
        for s in &api {
            f = f.related(
                s.span,
                format!("authenticationMode API in the {}", s.source),
            );
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/platform-admins
      username: admin:{{SessionName}}
      groups: [system:masters]
    - rolearn: arn:aws:iam::111122223333:role/prod-mng-NodeInstanceRole
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
";

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = eksplane_load::load_texts(files.iter().copied());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn live_api_mode_without_entries_locks_out() {
        let describe = r#"{"cluster": {"name": "prod", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/prod",
  "accessConfig": {"authenticationMode": "API"}}}"#;
        let list = r#"{"accessEntries": ["arn:aws:iam::111122223333:role/platform-admins"]}"#;
        let f = run(&[("auth.yaml", AUTH), ("d.json", describe), ("l.json", list)]);
        // platform-admins has an entry (no policy snapshot: not judged further);
        // the node role has none and the listing is complete.
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("cannot join now"), "{}", f[0].message);
    }

    #[test]
    fn managed_node_group_roles_are_left_to_eks_without_a_listing() {
        let cc = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  authenticationMode: API
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/platform-admins
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: {type: cluster}
managedNodeGroups:
  - name: mng
    iam: {instanceRoleARN: arn:aws:iam::111122223333:role/prod-mng-NodeInstanceRole}
";
        assert!(run(&[("auth.yaml", AUTH), ("cc.yaml", cc)]).is_empty());
    }

    #[test]
    fn config_map_modes_are_not_judged() {
        let cc = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
";
        assert!(run(&[("auth.yaml", AUTH), ("cc.yaml", cc)]).is_empty());
    }
}

#[cfg(test)]
mod planned {
    use super::*;

    #[test]
    fn a_cluster_config_switching_to_api_is_a_planned_lockout() {
        let cc = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
accessConfig:
  authenticationMode: API
";
        let describe = r#"{"cluster": {"name": "prod", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}}"#;
        let auth = "apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ci
      groups: [ci-deployers]
";
        let l =
            eksplane_load::load_texts([("cc.yaml", cc), ("d.json", describe), ("auth.yaml", auth)]);
        let f = check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("applying that mode locks"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("(eksctl ClusterConfig)"),
            "{}",
            f[0].message
        );
    }
}
