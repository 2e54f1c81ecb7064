use super::util;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::aws::eks::{access_entry_type, authentication_mode};
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// When the authentication mode includes the EKS API (`API` or
    /// `API_AND_CONFIG_MAP`), flags a node IAM role that has no access entry of
    /// type `EC2_LINUX` / `EC2_WINDOWS` and that aws-auth does not map either:
    /// - the role of a Karpenter `EC2NodeClass` (`spec.role`, a role name,
    ///   compared with the name at the end of access-entry ARNs);
    /// - the `iam.instanceRoleARN` of an eksctl managed or self-managed node
    ///   group, only when a `list-access-entries` snapshot is given: EKS creates
    ///   the entries of managed node groups itself, and eksctl those of the
    ///   self-managed node groups it creates, so without the cluster's real list
    ///   they are assumed present.
    ///
    /// An entry of another type (`STANDARD`) is flagged too: nodes cannot join
    /// through it. A node role mapped only in aws-auth is left to ACC002
    /// (`API_AND_CONFIG_MAP`) and ACC003 (`API`). The rule judges only when the
    /// inputs hold a source of access entries.
    ///
    /// ## Why it matters
    /// A node authenticates to the cluster with its instance role. Without an
    /// access entry of a node type (or, while the ConfigMap is read, an aws-auth
    /// mapping) its kubelet cannot register: Karpenter launches instances that
    /// never become nodes, pods stay Pending and the instances are billed until
    /// Karpenter gives up on them. EKS creates entries for managed node groups and
    /// Fargate profiles, never for Karpenter's node role.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-platform-prod   # no access entry, no aws-auth mapping
    /// ```
    ///
    /// ## Fix
    /// Create an access entry of type `EC2_LINUX` (`EC2_WINDOWS` for Windows
    /// nodes) for the role; node entries take no Kubernetes groups and no policy:
    /// ```sh
    /// aws eks create-access-entry --cluster-name platform-prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/KarpenterNodeRole-platform-prod \
    ///   --type EC2_LINUX
    /// ```
    /// or declare it in the eksctl ClusterConfig:
    /// ```yaml
    /// accessConfig:
    ///   accessEntries:
    ///     - principalARN: arn:aws:iam::111122223333:role/KarpenterNodeRole-platform-prod
    ///       type: EC2_LINUX
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
    /// - https://karpenter.sh/docs/getting-started/migrating-from-cas/
    /// - https://karpenter.sh/docs/concepts/nodeclasses/#specrole
    /// - https://eksctl.io/usage/access-entries/
    pub RULE = ("ACC004", "node-role-without-access-entry", Error, "Node role has no EC2 access entry", Some(check));
}

/// A node role the inputs use, and who uses it.
struct NodeRole {
    /// A role name (Karpenter) or ARN (eksctl).
    role: String,
    span: Span,
    /// `EC2NodeClass default`, `managed node group system`, ...
    user: String,
    object: String,
    entry_type: &'static str,
    related: Vec<(Span, String)>,
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let modes = util::mode_sources(p);
    let api_only = modes.iter().any(|m| m.value == authentication_mode::API);
    let includes_api = api_only
        || p.cluster
            .authentication_mode
            .as_ref()
            .is_some_and(|m| authentication_mode::uses_access_entries(&m.value));
    if !includes_api {
        return Vec::new();
    }
    let entries = util::entries(facts);
    if !entries.any_source() {
        return Vec::new();
    }
    let mut roles = Vec::new();
    for nc in &p.node_classes {
        let Some(role) = &nc.spec.role else { continue };
        if role.value.trim().is_empty() {
            continue;
        }
        // Karpenter's amiFamily / alias names Windows AMIs `Windows2019`,
        // `Windows2022` (karpenter.sh/docs/concepts/nodeclasses/#specamifamily).
        let windows = nc
            .spec
            .ami_family
            .as_ref()
            .is_some_and(|f| f.value.to_ascii_lowercase().starts_with("windows"))
            || nc.spec.ami_selector_terms.iter().any(|t| {
                t.value
                    .alias
                    .as_deref()
                    .is_some_and(|a| a.to_ascii_lowercase().starts_with("windows"))
            });
        let related = p
            .node_pools
            .iter()
            .filter(|np| {
                np.spec
                    .template
                    .spec
                    .node_class_ref
                    .as_ref()
                    .is_some_and(|r| r.value.name == nc.name())
            })
            .map(|np| {
                (
                    np.origin
                        .locate(&["spec", "template", "spec", "nodeClassRef"]),
                    format!(
                        "NodePool {} launches its nodes with this EC2NodeClass",
                        np.name()
                    ),
                )
            })
            .collect();
        roles.push(NodeRole {
            role: role.value.clone(),
            span: role.span,
            user: format!("EC2NodeClass {}", nc.name()),
            object: nc.object_ref().to_string(),
            entry_type: if windows {
                access_entry_type::EC2_WINDOWS
            } else {
                access_entry_type::EC2_LINUX
            },
            related,
        });
    }
    if entries.complete {
        for cc in &p.cluster_configs {
            for ng in cc.node_groups() {
                let Some(arn) = ng.iam().and_then(|i| i.value.instance_role_arn.as_ref()) else {
                    continue;
                };
                let kind = if ng.is_managed() {
                    "managed node group"
                } else {
                    "self-managed node group"
                };
                roles.push(NodeRole {
                    role: arn.value.clone(),
                    span: arn.span,
                    user: format!("{kind} {}", ng.name()),
                    object: format!("ClusterConfig/{}/{kind}/{}", cc.name().value, ng.name()),
                    entry_type: if ng.ami_family().starts_with("Windows") {
                        access_entry_type::EC2_WINDOWS
                    } else {
                        access_entry_type::EC2_LINUX
                    },
                    related: vec![(ng.name_spanned().span, format!("{kind} {}", ng.name()))],
                });
            }
        }
    }

    let cluster = util::cluster_name(facts);
    let (partition, account) = util::partition_and_account(facts);
    let mode_span = p.cluster.authentication_mode.as_ref().map(|m| m.span);
    let mut out = Vec::new();
    for r in roles {
        let arn = if r.role.starts_with("arn:") {
            r.role.clone()
        } else {
            util::entry_arn(
                p,
                &format!("arn:{partition}:iam::{account}:role/{}", r.role),
            )
        };
        let name = util::Principal::parse(&arn)
            .map(|x| x.name)
            .unwrap_or_else(|| r.role.clone());
        let create = format!(
            "aws eks create-access-entry --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --type {}\n",
            r.entry_type
        );
        let mut f = match entries.find_role(&r.role) {
            Some(e) => {
                if e.is_ec2_node_type() != Some(false) {
                    continue;
                }
                let have = e.entry_type().unwrap_or(access_entry_type::STANDARD);
                let f = RULE
                    .finding(
                        format!(
                            "{} runs nodes with role {name}, whose access entry is of type {have}: \
                             nodes only join through an {} entry (and the entry overrides any aws-auth \
                             mapping), so they cannot register with the cluster",
                            r.user, r.entry_type
                        ),
                        r.span,
                    )
                    .fix(
                        Fix::new(format!(
                            "an entry's type cannot be changed: delete it and create one of type {}",
                            r.entry_type
                        ))
                        .with_snippet(format!(
                            "aws eks delete-access-entry --cluster-name {cluster} \\\n  --principal-arn {arn}\n{create}"
                        )),
                    );
                let mut f = f.related(e.type_span(), format!("the access entry of type {have}"));
                for s in e.sources.iter().skip(1) {
                    f = f.related(s.span(), format!("the {}", s.describe()));
                }
                f
            }
            None => {
                let mapped = p.aws_auth.as_ref().is_some_and(|a| {
                    a.map_roles
                        .iter()
                        .any(|m| util::is_role_named(&m.value.rolearn.value, &r.role))
                });
                if mapped {
                    // ACC002 (API_AND_CONFIG_MAP) or ACC003 (API) reports it.
                    continue;
                }
                let why = if r.user.starts_with("EC2NodeClass") {
                    "EKS creates access entries for managed node groups and Fargate, never for \
                     Karpenter's node role"
                } else {
                    "the cluster's list of access entries (aws eks list-access-entries) does not \
                     hold it"
                };
                let mut f = RULE
                    .finding(
                        format!(
                            "{} runs nodes with role {name}, which has no {} access entry and no \
                             aws-auth mapping: its nodes cannot register with the cluster ({why})",
                            r.user, r.entry_type
                        ),
                        r.span,
                    )
                    .fix(
                        Fix::new(format!(
                            "create an access entry of type {} for the node role (no groups, no policy)",
                            r.entry_type
                        ))
                        .with_snippet(format!(
                            "{create}# or in the eksctl ClusterConfig:\naccessConfig:\n  accessEntries:\n    - principalARN: {arn}\n      type: {}\n",
                            r.entry_type
                        )),
                    );
                for (span, msg) in entries.source_spans(p) {
                    f = f.related(span, format!("{msg}: none for this role"));
                }
                f
            }
        };
        for (span, msg) in &r.related {
            f = f.related(*span, msg.clone());
        }
        if let Some(s) = mode_span {
            f = f.related(s, "the authentication mode, which includes the EKS API");
        }
        out.push(f.object(r.object));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE_CLASS: &str = "apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  role: KarpenterNodeRole-prod
  amiSelectorTerms: [{alias: al2023@v20250505}]
";

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = eksplane_load::load_texts(files.iter().copied());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn cc(entries: &str) -> String {
        format!(
            "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {{name: prod, region: us-east-1}}
accessConfig:
  authenticationMode: API
  accessEntries:
{entries}"
        )
    }

    #[test]
    fn karpenter_role_needs_an_ec2_entry() {
        let admins = "    - principalARN: arn:aws:iam::111122223333:role/admins\n";
        let f = run(&[("nc.yaml", NODE_CLASS), ("cc.yaml", &cc(admins))]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("no EC2_LINUX access entry"),
            "{}",
            f[0].message
        );

        let ok = "    - principalARN: arn:aws:iam::111122223333:role/KarpenterNodeRole-prod\n      type: EC2_LINUX\n";
        assert!(run(&[("nc.yaml", NODE_CLASS), ("cc.yaml", &cc(ok))]).is_empty());

        let standard =
            "    - principalARN: arn:aws:iam::111122223333:role/KarpenterNodeRole-prod\n";
        let f = run(&[("nc.yaml", NODE_CLASS), ("cc.yaml", &cc(standard))]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("of type STANDARD"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn silent_without_a_source_of_entries_or_in_config_map_mode() {
        let describe =
            r#"{"cluster": {"name": "prod", "accessConfig": {"authenticationMode": "API"}}}"#;
        assert!(run(&[("nc.yaml", NODE_CLASS), ("d.json", describe)]).is_empty());
        let cm = cc("    - principalARN: arn:aws:iam::111122223333:role/admins\n")
            .replace("authenticationMode: API", "authenticationMode: CONFIG_MAP");
        assert!(run(&[("nc.yaml", NODE_CLASS), ("cc.yaml", &cm)]).is_empty());
    }

    #[test]
    fn node_groups_are_judged_only_against_the_listing() {
        let ng = "managedNodeGroups:\n  - name: system\n    iam: {instanceRoleARN: arn:aws:iam::111122223333:role/system-ng}\n";
        let text = cc("    - principalARN: arn:aws:iam::111122223333:role/admins\n") + ng;
        assert!(run(&[("cc.yaml", &text)]).is_empty());
        let list = r#"{"accessEntries": ["arn:aws:iam::111122223333:role/admins"]}"#;
        let f = run(&[("cc.yaml", &text), ("l.json", list)]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("managed node group system"),
            "{}",
            f[0].message
        );
    }
}
