//! Shared by the access rules: IAM principal ARNs, the access entries every
//! source states (eksctl `accessConfig.accessEntries`, `aws eks
//! list-access-entries`, `describe-access-entry`, `list-associated-access-policies`),
//! the aws-auth mappings, and the CLI commands that replace one with the other.
//!
//! Sources for the facts used here:
//! - "Create access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html>
//!   (awsdocs/amazon-eks-user-guide `latest/ug/manage-access/k8s-access/creating-access-entries.adoc`):
//!   aws-auth ARNs cannot carry a role path, access-entry ARNs can; node types
//!   take no Kubernetes groups and no access policy; usernames cannot start with
//!   `system:`, `eks:`, `aws:`, `amazon:` or `iam:` and need a colon before
//!   `{{SessionName}}`; EKS creates the entries of managed node groups and
//!   Fargate profiles itself.
//! - "Migrating existing aws-auth ConfigMap entries to access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html>:
//!   an access entry overrides the aws-auth entry of the same principal.
//! - `CreateAccessEntry` rejects Kubernetes groups that start with `system:`
//!   ("The kubernetes group name system:masters is invalid, it cannot start
//!   with system:").

use eksplane_facts::Facts;
use eksplane_model::Platform;
use eksplane_model::aws::eks::access_entry_type;
use eksplane_model::k8s::AwsAuth;
use eksplane_source::{Span, Spanned};

pub(crate) use eksplane_facts::identity::{
    AccessEntries as Entries, AccessEntry as Entry, Association, EntrySource, Principal,
    PrincipalKind, associations, is_role_named, policies_of, same_principal,
};

/// The cluster's name for commands, `CLUSTER` when no source states it (the
/// rule is [`eksplane_facts::identity::ClusterIdentity`]'s).
pub(crate) fn cluster_name(facts: &Facts<'_>) -> String {
    facts.cluster_identity().name_or_placeholder().to_string()
}

/// The cluster's partition and account (`aws` and the placeholder
/// `ACCOUNT_ID` when no ARN states them; see
/// [`eksplane_facts::identity::ClusterIdentity`]).
pub(crate) fn partition_and_account(facts: &Facts<'_>) -> (String, String) {
    let id = facts.cluster_identity();
    (
        id.partition_or_default().to_string(),
        id.account_or_placeholder().to_string(),
    )
}

/// An access policy ARN in the cluster's partition.
pub(crate) fn policy_arn(facts: &Facts<'_>, name: &str) -> String {
    format!(
        "arn:{}:eks::aws:cluster-access-policy/{name}",
        facts.cluster_identity().partition_or_default()
    )
}

/// The access entries of every source, merged once in the facts layer.
pub(crate) fn entries<'f, 'a>(facts: &'f Facts<'a>) -> &'f Entries<'a> {
    facts.access_entries()
}

// ---------------------------------------------------------------------------
// authentication mode
// ---------------------------------------------------------------------------

/// Source name of facts read from eksctl's ClusterConfig.
pub(crate) const EKSCTL: &str = "eksctl ClusterConfig";
/// Source name of facts read from `aws eks describe-cluster`.
pub(crate) const DESCRIBE_CLUSTER: &str = "aws eks describe-cluster";

/// One source's statement of the authentication mode.
#[derive(Debug, Clone)]
pub(crate) struct ModeSource {
    pub value: String,
    pub span: Span,
    /// `eksctl ClusterConfig` or `aws eks describe-cluster`.
    pub source: &'static str,
}

/// Every place that states the authentication mode, ClusterConfigs first.
pub(crate) fn mode_sources(p: &Platform) -> Vec<ModeSource> {
    let mut v: Vec<ModeSource> = p
        .cluster_configs
        .iter()
        .filter_map(|cc| cc.authentication_mode())
        .map(|m| ModeSource {
            value: m.value.clone(),
            span: m.span,
            source: EKSCTL,
        })
        .collect();
    v.extend(
        p.aws
            .clusters
            .iter()
            .filter_map(|c| c.authentication_mode())
            .map(|m| ModeSource {
                value: m.value.clone(),
                span: m.span,
                source: DESCRIBE_CLUSTER,
            }),
    );
    v
}

// ---------------------------------------------------------------------------
// access entries
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// aws-auth
// ---------------------------------------------------------------------------

/// A `mapRoles` or `mapUsers` item of aws-auth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mapping<'a> {
    pub arn: &'a Spanned<String>,
    pub username: Option<&'a Spanned<String>>,
    pub groups: &'a [Spanned<String>],
    /// The whole item.
    pub span: Span,
    pub is_user: bool,
}

impl Mapping<'_> {
    pub(crate) fn has_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x.value == g)
    }

    /// `rolearn` / `userarn` span, or the item's.
    pub(crate) fn arn_span(&self) -> Span {
        if self.arn.value.is_empty() {
            self.span
        } else {
            self.arn.span
        }
    }

    /// `role/NAME (groups a, b)` for messages.
    pub(crate) fn describe(&self) -> String {
        let who = Principal::parse(&self.arn.value)
            .map(|p| p.short())
            .unwrap_or_else(|| self.arn.value.clone());
        let groups: Vec<&str> = self.groups.iter().map(|g| g.value.as_str()).collect();
        if groups.is_empty() {
            format!("{who} (no groups)")
        } else {
            format!("{who} (groups {})", groups.join(", "))
        }
    }

    /// What an access entry needs to replace this mapping.
    pub(crate) fn need(&self) -> Need {
        let node = !self.is_user && aws_auth_node_groups().iter().all(|g| self.has_group(g));
        if node {
            // Fargate pod execution roles also carry system:node-proxier;
            // Windows node roles eks:kube-proxy-windows (EKS user guide,
            // "Fargate pod execution role" and "Deploy Windows nodes").
            if self.has_group("system:node-proxier") {
                return Need::Fargate;
            }
            if self.has_group("eks:kube-proxy-windows") {
                return Need::Node(access_entry_type::EC2_WINDOWS);
            }
            return Need::Node(access_entry_type::EC2_LINUX);
        }
        Need::Standard {
            groups: self
                .groups
                .iter()
                .map(|g| g.value.clone())
                .filter(|g| !g.starts_with("system:"))
                .collect(),
            masters: self.has_group("system:masters"),
            dropped: self
                .groups
                .iter()
                .map(|g| g.value.clone())
                .filter(|g| g.starts_with("system:") && g != "system:masters")
                .collect(),
            username: self.username.map(|u| u.value.clone()),
        }
    }
}

fn aws_auth_node_groups() -> [&'static str; 2] {
    eksplane_model::k8s::NODE_GROUPS
}

/// Every `mapRoles` and `mapUsers` item.
pub(crate) fn mappings(a: &AwsAuth) -> Vec<Mapping<'_>> {
    let roles = a.map_roles.iter().map(|m| Mapping {
        arn: &m.value.rolearn,
        username: m.value.username.as_ref(),
        groups: &m.value.groups,
        span: m.span,
        is_user: false,
    });
    let users = a.map_users.iter().map(|m| Mapping {
        arn: &m.value.userarn,
        username: m.value.username.as_ref(),
        groups: &m.value.groups,
        span: m.span,
        is_user: true,
    });
    roles.chain(users).collect()
}

/// What an access entry needs in order to replace an aws-auth mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Need {
    /// A node role: an entry of this type (`EC2_LINUX`, `EC2_WINDOWS`).
    Node(&'static str),
    /// A Fargate pod execution role: EKS creates its entry itself.
    Fargate,
    /// A `STANDARD` entry with these groups (without `system:` ones), an
    /// `AmazonEKSClusterAdminPolicy` association when the mapping has
    /// `system:masters`, and the username.
    Standard {
        groups: Vec<String>,
        masters: bool,
        /// `system:` groups other than `system:masters`: no access-entry equivalent.
        dropped: Vec<String>,
        username: Option<String>,
    },
}

/// How far the access entries cover an aws-auth mapping.
#[derive(Debug, Clone)]
pub(crate) enum Coverage<'a> {
    /// An entry replaces it (as far as the inputs tell).
    Covered,
    /// EKS creates the entry itself (a managed node group's role or a Fargate
    /// role) and no complete listing says otherwise.
    ByEks,
    /// No access entry for the principal.
    Missing,
    /// An entry exists but does not grant what the mapping grants.
    Partial(&'a Entry<'a>, Gaps),
}

/// What an existing access entry lacks to replace a mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Gaps {
    /// `(have, need)` when the entry's type is wrong (types cannot be changed).
    pub wrong_type: Option<(String, String)>,
    pub missing_groups: Vec<String>,
    /// The mapping has `system:masters`; the entry no cluster-admin policy.
    pub no_cluster_admin: bool,
}

impl Gaps {
    pub(crate) fn is_empty(&self) -> bool {
        self == &Gaps::default()
    }

    pub(crate) fn describe(&self) -> String {
        let mut v = Vec::new();
        if let Some((have, need)) = &self.wrong_type {
            v.push(format!("its type is {have} where {need} is needed"));
        }
        if !self.missing_groups.is_empty() {
            v.push(format!(
                "it lacks the Kubernetes group{} {}",
                if self.missing_groups.len() == 1 {
                    ""
                } else {
                    "s"
                },
                self.missing_groups.join(", ")
            ));
        }
        if self.no_cluster_admin {
            v.push(
                "it has no AmazonEKSClusterAdminPolicy association with cluster scope (the \
                 access-entry equivalent of system:masters)"
                    .to_string(),
            );
        }
        v.join("; ")
    }
}

/// Whether `arn` is the node role of an eksctl managed node group.
pub(crate) fn is_managed_node_group_role(p: &Platform, arn: &str) -> bool {
    p.cluster_configs.iter().any(|cc| {
        cc.managed_node_groups.iter().any(|ng| {
            ng.value
                .instance_role_arn()
                .is_some_and(|r| same_principal(&r.value, arn))
        })
    })
}

pub(crate) fn coverage<'a>(
    p: &'a Platform,
    entries: &'a Entries<'a>,
    assocs: &'a [Association<'a>],
    m: &Mapping<'_>,
) -> Coverage<'a> {
    let need = m.need();
    let Some(entry) = entries.find(&m.arn.value) else {
        if !entries.complete {
            if need == Need::Fargate {
                return Coverage::ByEks;
            }
            if matches!(need, Need::Node(_)) && is_managed_node_group_role(p, &m.arn.value) {
                return Coverage::ByEks;
            }
        }
        return Coverage::Missing;
    };
    let mut gaps = Gaps::default();
    let have_type = entry.entry_type();
    match &need {
        Need::Node(t) => {
            if entry.is_ec2_node_type() == Some(false) {
                gaps.wrong_type = Some((
                    have_type.unwrap_or(access_entry_type::STANDARD).to_string(),
                    t.to_string(),
                ));
            }
        }
        Need::Fargate => {
            if let Some(t) = have_type
                && t != access_entry_type::FARGATE_LINUX
            {
                gaps.wrong_type =
                    Some((t.to_string(), access_entry_type::FARGATE_LINUX.to_string()));
            }
        }
        Need::Standard {
            groups, masters, ..
        } => {
            if let Some(t) = have_type
                && t != access_entry_type::STANDARD
            {
                gaps.wrong_type = Some((t.to_string(), access_entry_type::STANDARD.to_string()));
            }
            if let Some(have) = entry.kubernetes_groups() {
                gaps.missing_groups = groups
                    .iter()
                    .filter(|g| !have.iter().any(|h| &h.value == *g))
                    .cloned()
                    .collect();
            }
            if *masters && let Some(pols) = policies_of(p, assocs, entry.arn) {
                gaps.no_cluster_admin = !pols.iter().any(|a| {
                    a.policy_name() == "AmazonEKSClusterAdminPolicy"
                        && a.cluster_scope != Some(false)
                });
            }
        }
    }
    if gaps.is_empty() {
        Coverage::Covered
    } else {
        Coverage::Partial(entry, gaps)
    }
}

// ---------------------------------------------------------------------------
// commands
// ---------------------------------------------------------------------------

/// Why an aws-auth username cannot be carried over to an access entry.
pub(crate) use eksplane_model::vocab::access_entry_username_problem as username_problem;

/// The `aws eks create-access-entry` (and, for `system:masters`,
/// `associate-access-policy`) commands that replace a mapping, with a note on
/// what did not carry over.
pub(crate) fn replacement_commands(
    facts: &Facts<'_>,
    cluster: &str,
    arn: &str,
    need: &Need,
) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut s =
        format!("aws eks create-access-entry --cluster-name {cluster} \\\n  --principal-arn {arn}");
    match need {
        Need::Node(t) => s.push_str(&format!(" \\\n  --type {t}")),
        Need::Fargate => s.push_str(" \\\n  --type FARGATE_LINUX"),
        Need::Standard {
            groups,
            masters: _,
            dropped,
            username,
        } => {
            s.push_str(" \\\n  --type STANDARD");
            if !groups.is_empty() {
                s.push_str(&format!(" \\\n  --kubernetes-groups {}", groups.join(" ")));
            }
            if let Some(u) = username {
                match username_problem(u) {
                    None => s.push_str(&format!(" \\\n  --username '{u}'")),
                    Some(why) => {
                        notes.push(format!("username {u} is left to EKS's default: {why}"))
                    }
                }
            }
            if !dropped.is_empty() {
                notes.push(format!(
                    "group{} {} cannot be set on an access entry (EKS rejects system: groups)",
                    if dropped.len() == 1 { "" } else { "s" },
                    dropped.join(", ")
                ));
            }
        }
    }
    s.push('\n');
    if let Need::Standard { masters: true, .. } = need {
        s.push_str(&associate_cluster_admin(facts, cluster, arn));
    }
    (s, notes)
}

/// The commands that make an existing, non-equivalent entry replace a
/// mapping: recreate it when the type is wrong (a type cannot be changed),
/// else add the missing groups and the cluster-admin association.
pub(crate) fn completion_commands(
    facts: &Facts<'_>,
    cluster: &str,
    entry: &Entry<'_>,
    need: &Need,
    gaps: &Gaps,
) -> (String, Vec<String>) {
    let arn = entry.arn;
    if gaps.wrong_type.is_some() {
        let (create, notes) = replacement_commands(facts, cluster, arn, need);
        return (
            format!(
                "aws eks delete-access-entry --cluster-name {cluster} \\\n  --principal-arn {arn}\n{create}"
            ),
            notes,
        );
    }
    let mut s = String::new();
    if !gaps.missing_groups.is_empty() {
        let mut all: Vec<String> = entry
            .kubernetes_groups()
            .unwrap_or_default()
            .iter()
            .map(|g| g.value.clone())
            .collect();
        all.extend(gaps.missing_groups.iter().cloned());
        s.push_str(&format!(
            "aws eks update-access-entry --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --kubernetes-groups {}\n",
            all.join(" ")
        ));
    }
    if gaps.no_cluster_admin {
        s.push_str(&associate_cluster_admin(facts, cluster, arn));
    }
    (s, Vec::new())
}

/// `aws eks associate-access-policy` of `AmazonEKSClusterAdminPolicy` at cluster scope.
pub(crate) fn associate_cluster_admin(facts: &Facts<'_>, cluster: &str, arn: &str) -> String {
    format!(
        "aws eks associate-access-policy --cluster-name {cluster} \\\n  --principal-arn {arn} \\\n  --policy-arn {} \\\n  --access-scope type=cluster\n",
        policy_arn(facts, "AmazonEKSClusterAdminPolicy")
    )
}

/// The ARN to create an entry for: the role's full ARN (with its path) from an
/// `aws iam get-role` snapshot when there is one, else the ARN as written.
pub(crate) fn entry_arn(p: &Platform, arn: &str) -> String {
    let Some(pr) = Principal::parse(arn).filter(|x| x.kind == PrincipalKind::Role) else {
        return arn.trim().to_string();
    };
    p.aws
        .roles
        .iter()
        .filter_map(|r| r.arn())
        .find(|a| Principal::parse(a).is_some_and(|q| q.same(&pr)))
        .map(str::to_string)
        .unwrap_or_else(|| arn.trim().to_string())
}

/// Edit distance between two names (for "did you mean" hints). The
/// indices stay within the two rows, sized from `b`.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_principals() {
        let p = Principal::parse("arn:aws:iam::111122223333:role/team/a/dev-Role")
            .unwrap_or_else(|| panic!());
        assert_eq!(
            (p.kind, p.name.as_str(), p.path.as_str()),
            (PrincipalKind::Role, "dev-Role", "/team/a/")
        );
        let r = Principal::parse("arn:aws:iam::111122223333:root").unwrap_or_else(|| panic!());
        assert_eq!(r.kind, PrincipalKind::Root);
        let s = Principal::parse("arn:aws:sts::111122223333:assumed-role/dev-role/alice")
            .unwrap_or_else(|| panic!());
        assert!(s.same(&p) && s.name == "dev-role");
        assert!(same_principal(
            "arn:aws:iam::111122223333:role/dev-role",
            "arn:aws:iam::111122223333:role/x/DEV-ROLE"
        ));
        assert!(!same_principal(
            "arn:aws:iam::111122223333:role/dev-role",
            "arn:aws:iam::444455556666:role/dev-role"
        ));
        assert!(is_role_named(
            "arn:aws:iam::1:role/KarpenterNodeRole-x",
            "KarpenterNodeRole-x"
        ));
        assert!(Principal::parse("not-an-arn").is_none());
        assert!(Principal::parse("arn:aws:iam::1:role/").is_none());
    }

    #[test]
    fn usernames() {
        assert_eq!(username_problem("ci:{{SessionName}}"), None);
        assert_eq!(username_problem("breakglass-admin"), None);
        assert!(username_problem("system:node:{{EC2PrivateDNSName}}").is_some());
        assert!(username_problem("admin{{SessionName}}").is_some());
        assert!(username_problem("a:{{AccountID}}").is_some());
    }
}
