//! Who the cluster is and who may act in it, merged once across sources:
//! the cluster's identity (name, region, partition, account), its access
//! entries (eksctl `accessConfig.accessEntries`, `aws eks
//! describe-access-entry`, `list-access-entries`) and its Pod Identity
//! associations (eksctl `iam.podIdentityAssociations` and
//! `addons[].podIdentityAssociations`, `describe-pod-identity-association`,
//! `list-pod-identity-associations`).
//!
//! Sources:
//! - ARN format `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>.
//! - One association per service account: "You can only associate one IAM
//!   role with a Kubernetes service account" (EKS User Guide,
//!   <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html>).
//! - IAM names are unique case-insensitively, and aws-auth ARNs cannot carry a
//!   role path while access-entry ARNs can
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html>):
//!   access entries are merged by principal, not by the ARN's text.

use eksplane_model::Platform;
use eksplane_model::aws::eks::{self as aws_eks, access_entry_type};
use eksplane_model::aws::iam::Role;
use eksplane_model::eksctl;
use eksplane_source::{Span, Spanned};
use std::collections::HashMap;

/// The placeholder a command gets when no input names the cluster.
pub const CLUSTER_PLACEHOLDER: &str = "CLUSTER";
/// The placeholder a command gets when no input states the account.
pub const ACCOUNT_PLACEHOLDER: &str = "ACCOUNT_ID";

/// The namespace EKS add-ons install into; eksctl's `addons[].podIdentityAssociations`
/// entries may leave `namespace` out and mean it (the EKS `CreateAddon` API's
/// `AddonPodIdentityAssociations` has no namespace at all: the add-on's own applies).
pub const ADDON_NAMESPACE: &str = "kube-system";

// ---------------------------------------------------------------------------
// cluster identity
// ---------------------------------------------------------------------------

/// The cluster's name, region, partition and account.
///
/// One fallback rule, used by every analysis:
/// - **name**: the merged cluster view (eksctl `metadata.name`,
///   `describe-cluster` `name`; the loader reports a disagreement as
///   LOAD003 and keeps the first), else the `describe-cluster` snapshot's own
///   name; a command that needs one says `CLUSTER` when none is known.
/// - **region**: the merged view (eksctl `metadata.region`,
///   `describe-cluster`), else the region of the `describe-cluster` ARN.
/// - **partition and account**: the `describe-cluster` ARN; else the first
///   ARN that states an account, in this order: eksctl access entries, eksctl
///   node group `instanceRoleARN`s, `list-access-entries`, aws-auth
///   `mapRoles`, `get-role` snapshots, Pod Identity association role ARNs;
///   else partition `aws` and the placeholder `ACCOUNT_ID`.
#[derive(Debug, Clone, Default)]
pub struct ClusterIdentity {
    pub name: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    /// `aws`, `aws-cn`, `aws-us-gov`; `None` when no ARN states one.
    pub partition: Option<String>,
    pub account: Option<String>,
    /// The ARN the partition and account were read from.
    pub account_from: Option<String>,
}

impl ClusterIdentity {
    /// The name for messages and commands (`CLUSTER` when unknown).
    pub fn name_or_placeholder(&self) -> &str {
        self.name
            .as_ref()
            .map_or(CLUSTER_PLACEHOLDER, |n| n.value.as_str())
    }

    /// The account for commands (`ACCOUNT_ID` when unknown).
    pub fn account_or_placeholder(&self) -> &str {
        self.account.as_deref().unwrap_or(ACCOUNT_PLACEHOLDER)
    }

    /// The partition for ARNs (`aws` when unknown).
    pub fn partition_or_default(&self) -> &str {
        self.partition.as_deref().unwrap_or("aws")
    }
}

/// The fields of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`).
fn arn_fields(arn: &str) -> Option<(&str, &str, &str)> {
    let mut it = arn.trim().splitn(6, ':');
    if it.next()? != "arn" {
        return None;
    }
    let partition = it.next().filter(|p| !p.is_empty())?;
    let _service = it.next()?;
    let region = it.next()?;
    let account = it.next()?;
    it.next()?;
    Some((partition, region, account))
}

/// See [`ClusterIdentity`] for the rule.
pub fn cluster_identity(p: &Platform, associations: &[PodIdentityAssociation]) -> ClusterIdentity {
    let described = p.aws.cluster();
    let name = p
        .cluster
        .name
        .as_ref()
        .filter(|n| !n.value.is_empty())
        .map(|n| Spanned::new(n.value.clone(), n.span))
        .or_else(|| {
            let c = described?;
            let n = c.name()?;
            (!n.is_empty()).then(|| Spanned::new(n.to_string(), c.span))
        });
    let cluster_arn = described.and_then(|c| c.arn.as_ref());
    let region = p
        .cluster
        .region
        .as_ref()
        .filter(|r| !r.value.is_empty())
        .map(|r| Spanned::new(r.value.clone(), r.span))
        .or_else(|| {
            let a = cluster_arn?;
            let (_, region, _) = arn_fields(&a.value)?;
            (!region.is_empty()).then(|| Spanned::new(region.to_string(), a.span))
        });
    let mut arns: Vec<&str> = Vec::new();
    arns.extend(cluster_arn.map(|a| a.value.as_str()));
    for cc in &p.cluster_configs {
        arns.extend(
            cc.access_entries()
                .iter()
                .map(|e| e.value.principal_arn.value.as_str()),
        );
        for ng in cc.node_groups() {
            if let Some(r) = ng.iam().and_then(|i| i.value.instance_role_arn.as_ref()) {
                arns.push(&r.value);
            }
        }
    }
    arns.extend(p.aws.access_entry_arns.iter().map(|a| a.value.as_str()));
    if let Some(a) = &p.aws_auth {
        arns.extend(a.map_roles.iter().map(|m| m.value.rolearn.value.as_str()));
    }
    arns.extend(p.aws.roles.iter().filter_map(|r| r.arn()));
    arns.extend(
        associations
            .iter()
            .filter_map(|a| a.role_arn.as_ref().map(|r| r.value.as_str())),
    );
    let found = arns.iter().find_map(|arn| {
        let (partition, _, account) = arn_fields(arn)?;
        (!account.is_empty()).then(|| (partition.to_string(), account.to_string(), arn.to_string()))
    });
    ClusterIdentity {
        name,
        region,
        partition: found.as_ref().map(|f| f.0.clone()),
        account: found.as_ref().map(|f| f.1.clone()),
        account_from: found.map(|f| f.2),
    }
}

// ---------------------------------------------------------------------------
// IAM principals
// ---------------------------------------------------------------------------

/// The kind of IAM principal an ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    Role,
    User,
    /// `arn:aws:iam::ACCOUNT:root`: the account itself.
    Root,
}

/// An IAM principal ARN, parsed: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`,
/// `...:user/PATH/NAME`, `...:root`, or an STS assumed-role ARN (read as its role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub partition: String,
    pub account: String,
    pub kind: PrincipalKind,
    /// The name without its path, as written.
    pub name: String,
    /// The path, `/` when none (`/aws-reserved/sso.amazonaws.com/` for SSO roles).
    pub path: String,
}

impl Principal {
    pub fn parse(arn: &str) -> Option<Principal> {
        let mut it = arn.trim().splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(_region), Some(account), Some(res)) = (
            it.next(),
            it.next(),
            it.next(),
            it.next(),
            it.next(),
            it.next(),
        ) else {
            return None;
        };
        let named = |kind, rest: &str| {
            let (path, name) = match rest.rsplit_once('/') {
                Some((p, n)) => (format!("/{p}/"), n),
                None => ("/".to_string(), rest),
            };
            (!name.is_empty()).then(|| Principal {
                partition: partition.to_string(),
                account: account.to_string(),
                kind,
                name: name.to_string(),
                path,
            })
        };
        match service {
            "iam" if res == "root" => Some(Principal {
                partition: partition.to_string(),
                account: account.to_string(),
                kind: PrincipalKind::Root,
                name: String::new(),
                path: "/".to_string(),
            }),
            "iam" => {
                if let Some(rest) = res.strip_prefix("role/") {
                    named(PrincipalKind::Role, rest)
                } else if let Some(rest) = res.strip_prefix("user/") {
                    named(PrincipalKind::User, rest)
                } else {
                    None
                }
            }
            // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
            "sts" => res
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split('/').next())
                .and_then(|n| named(PrincipalKind::Role, n)),
            _ => None,
        }
    }

    /// Whether two principals are the same IAM identity: same account and
    /// kind, and the same name regardless of case and path (IAM names are
    /// unique case-insensitively; aws-auth ARNs cannot carry a role's path).
    pub fn same(&self, other: &Principal) -> bool {
        self.account == other.account
            && self.kind == other.kind
            && self.name.eq_ignore_ascii_case(&other.name)
    }

    /// `role/NAME`, `user/NAME` or `account ACCOUNT (root)`, for messages.
    pub fn short(&self) -> String {
        match self.kind {
            PrincipalKind::Role => format!("role/{}", self.name),
            PrincipalKind::User => format!("user/{}", self.name),
            PrincipalKind::Root => format!("account {} (root)", self.account),
        }
    }

    /// The merge key: account, kind and the lower-cased name.
    fn key(&self) -> (String, PrincipalKind, String) {
        (
            self.account.clone(),
            self.kind,
            self.name.to_ascii_lowercase(),
        )
    }
}

/// Whether two ARNs name the same principal (exact text when either does not parse).
pub fn same_principal(a: &str, b: &str) -> bool {
    match (Principal::parse(a), Principal::parse(b)) {
        (Some(x), Some(y)) => x.same(&y),
        _ => a.trim() == b.trim(),
    }
}

/// Whether `arn` is the role called `name` (a role name, or an ARN; the account
/// is compared only when both sides state one).
pub fn is_role_named(arn: &str, name_or_arn: &str) -> bool {
    let Some(p) = Principal::parse(arn).filter(|p| p.kind == PrincipalKind::Role) else {
        return false;
    };
    match Principal::parse(name_or_arn) {
        Some(q) => p.same(&q),
        None => p.name.eq_ignore_ascii_case(name_or_arn.trim()),
    }
}

// ---------------------------------------------------------------------------
// access entries
// ---------------------------------------------------------------------------

/// One place that states an access entry.
#[derive(Debug, Clone, Copy)]
pub enum EntrySource<'a> {
    Eksctl(&'a Spanned<eksctl::AccessEntry>),
    Described(&'a Spanned<aws_eks::AccessEntry>),
    Listed(&'a Spanned<String>),
}

impl EntrySource<'_> {
    /// The span of the principal ARN in this source.
    pub fn span(&self) -> Span {
        match self {
            EntrySource::Eksctl(e) => e.value.principal_arn.span,
            EntrySource::Described(e) => e
                .value
                .principal_arn
                .as_ref()
                .map(|a| a.span)
                .unwrap_or(e.span),
            EntrySource::Listed(a) => a.span,
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            EntrySource::Eksctl(_) => "access entry in the eksctl ClusterConfig",
            EntrySource::Described(_) => "access entry (aws eks describe-access-entry)",
            EntrySource::Listed(_) => "access entry (aws eks list-access-entries)",
        }
    }
}

/// One principal's access entry, with every source that states it.
#[derive(Debug, Clone)]
pub struct AccessEntry<'a> {
    /// The principal ARN as the first source writes it.
    pub arn: &'a str,
    pub sources: Vec<EntrySource<'a>>,
}

impl<'a> AccessEntry<'a> {
    pub fn span(&self) -> Span {
        self.sources.first().map(|s| s.span()).unwrap_or_default()
    }

    /// The type, when a source states it (eksctl's default is `STANDARD`).
    pub fn entry_type(&self) -> Option<&'a str> {
        self.sources.iter().find_map(|s| match s {
            EntrySource::Eksctl(e) => Some(
                e.value
                    .entry_type
                    .as_ref()
                    .map(|t| t.value.as_str())
                    .unwrap_or(access_entry_type::STANDARD),
            ),
            EntrySource::Described(e) => Some(e.value.entry_type()),
            EntrySource::Listed(_) => None,
        })
    }

    /// The span of the type (or of the entry when the type is a default).
    pub fn type_span(&self) -> Span {
        self.sources
            .iter()
            .find_map(|s| match s {
                EntrySource::Eksctl(e) => Some(
                    e.value
                        .entry_type
                        .as_ref()
                        .map(|t| t.span)
                        .unwrap_or(e.span),
                ),
                EntrySource::Described(e) => Some(
                    e.value
                        .entry_type
                        .as_ref()
                        .map(|t| t.span)
                        .unwrap_or(e.span),
                ),
                EntrySource::Listed(_) => None,
            })
            .unwrap_or_else(|| self.span())
    }

    /// The Kubernetes groups, when a detailed source (eksctl or
    /// describe-access-entry) states the entry: the union over those sources.
    pub fn kubernetes_groups(&self) -> Option<Vec<&'a Spanned<String>>> {
        let mut out: Vec<&Spanned<String>> = Vec::new();
        let mut known = false;
        for s in &self.sources {
            let groups: &[Spanned<String>] = match s {
                EntrySource::Eksctl(e) => &e.value.kubernetes_groups,
                EntrySource::Described(e) => &e.value.kubernetes_groups,
                EntrySource::Listed(_) => continue,
            };
            known = true;
            for g in groups {
                if !out.iter().any(|o| o.value == g.value) {
                    out.push(g);
                }
            }
        }
        known.then_some(out)
    }

    /// Whether the entry is of a node type (`EC2_LINUX`, `EC2_WINDOWS`).
    pub fn is_ec2_node_type(&self) -> Option<bool> {
        self.entry_type()
            .map(|t| t == access_entry_type::EC2_LINUX || t == access_entry_type::EC2_WINDOWS)
    }
}

/// The access entries of every source, one per principal, in the order
/// eksctl, `describe-access-entry`, `list-access-entries`.
#[derive(Debug, Default)]
pub struct AccessEntries<'a> {
    pub all: Vec<AccessEntry<'a>>,
    /// Whether `list-access-entries` was given: the complete list of the
    /// cluster's entries, so a principal missing from it has none.
    pub complete: bool,
    /// Entry index by principal key (parsed ARNs).
    by_principal: HashMap<(String, PrincipalKind, String), usize>,
}

impl<'a> AccessEntries<'a> {
    pub fn of(p: &'a Platform) -> AccessEntries<'a> {
        let mut e = AccessEntries {
            complete: !p.aws.access_entry_arns.is_empty(),
            ..AccessEntries::default()
        };
        for cc in &p.cluster_configs {
            for a in cc.access_entries() {
                e.add(&a.value.principal_arn.value, EntrySource::Eksctl(a));
            }
        }
        for a in &p.aws.access_entries {
            if let Some(arn) = a.value.principal_arn() {
                e.add(arn, EntrySource::Described(a));
            }
        }
        for a in &p.aws.access_entry_arns {
            e.add(&a.value, EntrySource::Listed(a));
        }
        e
    }

    fn add(&mut self, arn: &'a str, s: EntrySource<'a>) {
        if arn.trim().is_empty() {
            return;
        }
        let at = match Principal::parse(arn) {
            Some(pr) => self.by_principal.get(&pr.key()).copied(),
            // Unparsed ARNs merge by exact text; they are rare.
            None => self.all.iter().position(|x| same_principal(x.arn, arn)),
        };
        match at {
            Some(i) => self.all[i].sources.push(s),
            None => {
                if let Some(pr) = Principal::parse(arn) {
                    self.by_principal.insert(pr.key(), self.all.len());
                }
                self.all.push(AccessEntry {
                    arn,
                    sources: vec![s],
                });
            }
        }
    }

    /// Whether any source of access entries is present.
    pub fn any_source(&self) -> bool {
        !self.all.is_empty()
    }

    pub fn find(&self, arn: &str) -> Option<&AccessEntry<'a>> {
        match Principal::parse(arn) {
            Some(pr) => self.by_principal.get(&pr.key()).map(|&i| &self.all[i]),
            None => self.all.iter().find(|e| same_principal(e.arn, arn)),
        }
    }

    /// The entry of the role called `name_or_arn` (see [`is_role_named`]).
    pub fn find_role(&self, name_or_arn: &str) -> Option<&AccessEntry<'a>> {
        self.all.iter().find(|e| is_role_named(e.arn, name_or_arn))
    }

    /// Where the entries are declared, for related locations: the first
    /// source of each kind.
    pub fn source_spans(&self, p: &Platform) -> Vec<(Span, &'static str)> {
        let mut v = Vec::new();
        if let Some(cc) = p
            .cluster_configs
            .iter()
            .find(|cc| !cc.access_entries().is_empty())
        {
            v.push((
                cc.origin.locate_key(&["accessConfig"], "accessEntries"),
                "the access entries the eksctl ClusterConfig declares",
            ));
        }
        if let Some(a) = p.aws.access_entry_arns.first() {
            v.push((
                a.span,
                "the access entries AWS lists (aws eks list-access-entries)",
            ));
        }
        v
    }
}

// ---------------------------------------------------------------------------
// Pod Identity associations
// ---------------------------------------------------------------------------

/// One place that states a Pod Identity association.
#[derive(Debug, Clone)]
pub struct Stated {
    pub span: Span,
    /// e.g. `eksctl iam.podIdentityAssociations`, `list-pod-identity-associations (a-9oiy...)`.
    pub source: String,
}

/// A Pod Identity association: one per namespace and service account (EKS allows
/// one association per service account), merged from every source.
#[derive(Debug, Clone)]
pub struct PodIdentityAssociation {
    pub namespace: String,
    pub service_account: String,
    /// The role ARN, where a source names one, and where.
    pub role_arn: Option<Spanned<String>>,
    /// eksctl's `roleName` (a role eksctl creates) when no source names the ARN.
    pub role_name: Option<Spanned<String>>,
    /// The EKS add-on that owns the association (eksctl `addons[]`, or the
    /// `ownerArn` of a listed association).
    pub owner_addon: Option<String>,
    /// Every place that states it: `describe-pod-identity-association` first,
    /// then eksctl, then `list-pod-identity-associations`.
    pub stated: Vec<Stated>,
}

impl PodIdentityAssociation {
    /// `namespace/service-account`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.service_account)
    }

    /// Where it is first stated.
    pub fn span(&self) -> Span {
        self.stated.first().map(|s| s.span).unwrap_or_default()
    }

    /// The span of its role (ARN or eksctl role name), else of the association.
    pub fn role_span(&self) -> Span {
        self.role_arn
            .as_ref()
            .map(|r| r.span)
            .or(self.role_name.as_ref().map(|r| r.span))
            .unwrap_or_else(|| self.span())
    }

    /// The role's name: eksctl's `roleName`, or the last segment of the ARN.
    pub fn role_label(&self) -> Option<&str> {
        match (&self.role_arn, &self.role_name) {
            (Some(arn), _) => Some(role_name_of(&arn.value)),
            (None, Some(name)) => Some(name.value.as_str()),
            _ => None,
        }
    }

    /// The `get-role` snapshot of its role, matched by ARN, then by name.
    pub fn role<'p>(&self, p: &'p Platform) -> Option<&'p Spanned<Role>> {
        find_role(p, self.role_arn.as_ref().map(|a| a.value.as_str()))
            .or_else(|| find_role(p, self.role_name.as_ref().map(|n| n.value.as_str())))
    }
}

/// A role by ARN (exactly) or name; also by the name part of an ARN, for
/// snapshots whose ARN carries a path the reference leaves out.
pub fn find_role<'p>(p: &'p Platform, arn_or_name: Option<&str>) -> Option<&'p Spanned<Role>> {
    let key = arn_or_name?;
    p.aws.role(key).or_else(|| {
        let name = role_name_of(key);
        p.aws.roles.iter().find(|r| r.name() == Some(name))
    })
}

/// The role name of `arn:aws:iam::111122223333:role/path/name` (`name`); a
/// plain name is returned as is.
pub fn role_name_of(arn_or_name: &str) -> &str {
    match arn_or_name.split_once(":role/") {
        Some((_, rest)) => rest.rsplit('/').next().unwrap_or(rest),
        None => arn_or_name,
    }
}

/// The add-on name in an EKS add-on ARN
/// (`arn:aws:eks:us-east-1:111122223333:addon/CLUSTER/ADDON/UUID`).
pub fn addon_of_owner_arn(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":addon/")?;
    rest.split('/').nth(1).filter(|a| !a.is_empty())
}

/// Every Pod Identity association in the inputs, one per namespace and service
/// account: `describe-pod-identity-association`, eksctl `iam.podIdentityAssociations`
/// and `addons[].podIdentityAssociations`, and `list-pod-identity-associations`.
/// For each field the first source that states it wins, in that order.
pub fn pod_identity_associations(p: &Platform) -> Vec<PodIdentityAssociation> {
    let mut out: Vec<PodIdentityAssociation> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut add = |ns: &str,
                   sa: &str,
                   role_arn: Option<Spanned<String>>,
                   role_name: Option<Spanned<String>>,
                   owner: Option<String>,
                   stated: Stated| {
        if sa.is_empty() {
            return;
        }
        match index.get(&(ns.to_string(), sa.to_string())) {
            Some(&i) => {
                let a = &mut out[i];
                if a.role_arn.is_none() {
                    a.role_arn = role_arn;
                }
                if a.role_name.is_none() {
                    a.role_name = role_name;
                }
                if a.owner_addon.is_none() {
                    a.owner_addon = owner;
                }
                a.stated.push(stated);
            }
            None => {
                index.insert((ns.to_string(), sa.to_string()), out.len());
                out.push(PodIdentityAssociation {
                    namespace: ns.to_string(),
                    service_account: sa.to_string(),
                    role_arn,
                    role_name,
                    owner_addon: owner,
                    stated: vec![stated],
                });
            }
        }
    };

    for a in &p.aws.pod_identity_associations {
        let (Some(ns), Some(sa)) = (a.namespace(), a.service_account()) else {
            continue;
        };
        let owner = a
            .owner_arn
            .as_ref()
            .and_then(|o| addon_of_owner_arn(&o.value))
            .map(str::to_string);
        add(
            ns,
            sa,
            a.role_arn.clone(),
            None,
            owner,
            Stated {
                span: a.service_account.as_ref().map(|s| s.span).unwrap_or(a.span),
                source: "describe-pod-identity-association".into(),
            },
        );
    }
    for cc in &p.cluster_configs {
        if let Some(iam) = &cc.iam {
            for a in &iam.value.pod_identity_associations {
                add(
                    &a.value.namespace.value,
                    &a.value.service_account_name.value,
                    a.value.role_arn.clone(),
                    a.value.role_name.clone(),
                    None,
                    Stated {
                        span: a.value.service_account_name.span,
                        source: "eksctl iam.podIdentityAssociations".into(),
                    },
                );
            }
        }
        for addon in &cc.addons {
            for a in &addon.value.pod_identity_associations {
                let ns = if a.value.namespace.value.is_empty() {
                    ADDON_NAMESPACE
                } else {
                    a.value.namespace.value.as_str()
                };
                add(
                    ns,
                    &a.value.service_account_name.value,
                    a.value.role_arn.clone(),
                    a.value.role_name.clone(),
                    Some(addon.value.name.value.clone()),
                    Stated {
                        span: a.value.service_account_name.span,
                        source: format!(
                            "eksctl addons[{}].podIdentityAssociations",
                            addon.value.name.value
                        ),
                    },
                );
            }
        }
    }
    for a in &p.aws.pod_identity_association_summaries {
        let (Some(ns), Some(sa)) = (a.namespace.as_ref(), a.service_account.as_ref()) else {
            continue;
        };
        let owner = a
            .owner_arn
            .as_ref()
            .and_then(|o| addon_of_owner_arn(&o.value))
            .map(str::to_string);
        let id = a
            .association_id
            .as_ref()
            .map(|i| format!(" ({})", i.value))
            .unwrap_or_default();
        add(
            &ns.value,
            &sa.value,
            None,
            None,
            owner,
            Stated {
                span: sa.span,
                source: format!("list-pod-identity-associations{id}"),
            },
        );
    }
    out
}

/// Whether the inputs hold a complete list of associations: an eksctl
/// ClusterConfig (the declared state) or a `list-pod-identity-associations`
/// snapshot. Without one, the absence of an association proves nothing.
pub fn associations_are_listed(p: &Platform) -> bool {
    !p.cluster_configs.is_empty() || !p.aws.pod_identity_association_summaries.is_empty()
}

/// An access policy association, from eksctl or `list-associated-access-policies`.
#[derive(Debug, Clone)]
pub struct Association<'a> {
    pub principal_arn: &'a str,
    pub policy_arn: &'a Spanned<String>,
    /// `Some(true)` cluster scope, `Some(false)` namespace scope, `None` unstated.
    pub cluster_scope: Option<bool>,
    pub namespaces: Vec<&'a str>,
    /// The whole association (list item).
    pub span: Span,
    /// Whether it was read from eksctl (else from an AWS snapshot).
    pub from_eksctl: bool,
}

impl Association<'_> {
    /// The policy's name (`AmazonEKSClusterAdminPolicy`), or the ARN when it is none.
    pub fn policy_name(&self) -> &str {
        aws_eks::access_policy_name(&self.policy_arn.value).unwrap_or(&self.policy_arn.value)
    }
}

/// Every access policy association the inputs state (eksctl
/// `accessEntries[].accessPolicies`, `list-associated-access-policies`), in
/// input order: read once for the access rules and the migration planner.
pub fn associations(p: &Platform) -> Vec<Association<'_>> {
    let mut v = Vec::new();
    for cc in &p.cluster_configs {
        for e in cc.access_entries() {
            for ap in &e.value.access_policies {
                let scope = ap.value.access_scope.as_ref();
                v.push(Association {
                    principal_arn: &e.value.principal_arn.value,
                    policy_arn: &ap.value.policy_arn,
                    cluster_scope: scope
                        .map(|s| s.value.scope_type.value == aws_eks::access_scope_type::CLUSTER),
                    namespaces: scope
                        .map(|s| {
                            s.value
                                .namespaces
                                .iter()
                                .map(|n| n.value.as_str())
                                .collect()
                        })
                        .unwrap_or_default(),
                    span: ap.span,
                    from_eksctl: true,
                });
            }
        }
    }
    for out in &p.aws.associated_access_policies {
        let Some(principal) = out.value.principal_arn.as_ref() else {
            continue;
        };
        for ap in &out.value.associated_access_policies {
            let Some(arn) = ap.value.policy_arn.as_ref() else {
                continue;
            };
            let scope = ap.value.access_scope.as_ref();
            v.push(Association {
                principal_arn: &principal.value,
                policy_arn: arn,
                cluster_scope: scope
                    .and_then(|s| s.value.scope_type.as_ref())
                    .map(|t| t.value == aws_eks::access_scope_type::CLUSTER),
                namespaces: scope
                    .map(|s| {
                        s.value
                            .namespaces
                            .iter()
                            .map(|n| n.value.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
                span: ap.span,
                from_eksctl: false,
            });
        }
    }
    v
}

/// The policies associated with `arn` in the inputs, or `None` when no source
/// states its associations (no eksctl entry, no list-associated-access-policies).
pub fn policies_of<'a>(
    p: &'a Platform,
    assocs: &'a [Association<'a>],
    arn: &str,
) -> Option<Vec<&'a Association<'a>>> {
    let known = p
        .cluster_configs
        .iter()
        .flat_map(|cc| cc.access_entries())
        .any(|e| same_principal(&e.value.principal_arn.value, arn))
        || p.aws.associated_access_policies.iter().any(|o| {
            o.value
                .principal_arn
                .as_ref()
                .is_some_and(|a| same_principal(&a.value, arn))
        });
    known.then(|| {
        assocs
            .iter()
            .filter(|a| same_principal(a.principal_arn, arn))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    #[test]
    fn names_arns_and_owners() {
        assert_eq!(
            role_name_of("arn:aws:iam::111122223333:role/teams/pay/checkout-app"),
            "checkout-app"
        );
        assert_eq!(role_name_of("checkout-app"), "checkout-app");
        assert_eq!(
            addon_of_owner_arn(
                "arn:aws:eks:us-east-1:111122223333:addon/platform-prod/vpc-cni/d6c9c1f4"
            ),
            Some("vpc-cni")
        );
        assert_eq!(addon_of_owner_arn("arn:aws:iam::1:role/x"), None);
        assert!(same_principal(
            "arn:aws:iam::111122223333:role/Admin",
            "arn:aws:iam::111122223333:role/team/admin"
        ));
        assert!(!same_principal(
            "arn:aws:iam::111122223333:role/admin",
            "arn:aws:iam::444455556666:role/admin"
        ));
        assert_eq!(arn_fields("not-an-arn"), None);
    }

    const CONFIG: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: eu-west-1}
accessConfig:
  accessEntries:
    - principalARN: arn:aws-cn:iam::111122223333:role/Admin
    - principalARN: arn:aws-cn:iam::111122223333:role/team/admin
      kubernetesGroups: [ops]
iam:
  podIdentityAssociations:
    - namespace: shop
      serviceAccountName: api
      roleARN: arn:aws-cn:iam::111122223333:role/api
addons:
  - name: vpc-cni
    podIdentityAssociations:
      - serviceAccountName: aws-node
        roleARN: arn:aws-cn:iam::111122223333:role/cni
";

    #[test]
    fn merged_once_across_sources() {
        let l = load_texts([("c.yaml", CONFIG)]);
        let p = &l.platform;
        let assocs = pod_identity_associations(p);
        let keys: Vec<String> = assocs.iter().map(|a| a.key()).collect();
        assert_eq!(keys, ["shop/api", "kube-system/aws-node"]);
        assert_eq!(assocs[1].owner_addon.as_deref(), Some("vpc-cni"));
        let id = cluster_identity(p, &assocs);
        assert_eq!(id.name_or_placeholder(), "shop");
        assert_eq!(
            id.region.as_ref().map(|r| r.value.as_str()),
            Some("eu-west-1")
        );
        assert_eq!(id.partition_or_default(), "aws-cn");
        assert_eq!(id.account_or_placeholder(), "111122223333");
        // One entry per principal: the path and the case do not split it.
        let entries = AccessEntries::of(p);
        assert_eq!(entries.all.len(), 1);
        assert_eq!(entries.all[0].sources.len(), 2);
        assert!(
            entries
                .find("arn:aws-cn:iam::111122223333:role/ADMIN")
                .is_some()
        );
        assert!(
            entries
                .find("arn:aws-cn:iam::444455556666:role/admin")
                .is_none()
        );
        assert_eq!(entries.all[0].kubernetes_groups().map(|g| g.len()), Some(1));
    }

    #[test]
    fn nothing_stated_gives_placeholders() {
        let l = load_texts([(
            "d.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n",
        )]);
        let id = cluster_identity(&l.platform, &[]);
        assert_eq!(id.name_or_placeholder(), CLUSTER_PLACEHOLDER);
        assert_eq!(id.account_or_placeholder(), ACCOUNT_PLACEHOLDER);
        assert_eq!(id.partition_or_default(), "aws");
    }
}
