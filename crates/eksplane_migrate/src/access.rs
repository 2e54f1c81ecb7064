//! `aws-auth` -> EKS access entries, in phases, with a lockout proof.
//!
//! Sources for the facts used here (EKS user guide):
//! - "Create access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html>:
//!   entry types (`STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`); node
//!   types take no Kubernetes groups, no username and no access policy; usernames
//!   cannot start with `system:`, `eks:`, `aws:`, `amazon:` or `iam:`; the only
//!   template variables are `{{SessionName}}` and `{{SessionNameRaw}}` and they
//!   need a colon before them; Kubernetes groups cannot start with `system:`.
//! - "Migrating existing aws-auth ConfigMap entries to access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html>:
//!   an access entry overrides the aws-auth mapping of the same principal;
//!   `system:masters` has no group equivalent, `AmazonEKSClusterAdminPolicy` at
//!   cluster scope is its access-policy equivalent.
//! - "Change authentication mode to use access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html>:
//!   access entries can be created only in `API_AND_CONFIG_MAP` or `API`; the
//!   change is one-way (`CONFIG_MAP` -> `API_AND_CONFIG_MAP` -> `API`).
//! - "Grant IAM users and roles access to Kubernetes APIs" (aws-auth `mapAccounts`):
//!   every IAM principal of a mapped account authenticates with its ARN as the
//!   username; no access entry names a whole account.
//!
//! Node and Fargate roles in aws-auth carry `system:bootstrappers` and
//! `system:nodes` (plus `system:node-proxier` for Fargate pod execution roles,
//! `eks:kube-proxy-windows` for Windows node roles; "Fargate pod execution
//! role", "Deploy Windows nodes").

use crate::{AwsCall, ClusterRef, principal_key, short_principal};
use eksplane_model::Platform;
use eksplane_model::k8s::{AwsAuth, NODE_GROUPS};
use eksplane_model::vocab::{AccessEntryType, AuthenticationMode};
use eksplane_source::Span;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The access policy that replaces `system:masters`.
pub const CLUSTER_ADMIN_POLICY: &str = "AmazonEKSClusterAdminPolicy";

/// What the user decided beforehand.
#[derive(Debug, Clone, Default)]
pub struct AccessOptions {
    /// Principals (ARNs) or accounts (`mapAccounts` IDs) whose loss of access
    /// the user accepts: the narrowing is then by choice.
    pub accept_loss: Vec<String>,
}

/// What a principal can do in the cluster, as far as authentication decides it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Access {
    /// Whether the principal authenticates at all.
    pub authenticates: bool,
    /// A node type (`EC2_LINUX`, ...) when it joins nodes or runs Fargate pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_type: Option<String>,
    /// Kubernetes groups (`system:masters` is `cluster_admin` instead).
    pub groups: BTreeSet<String>,
    /// `system:masters` or `AmazonEKSClusterAdminPolicy` at cluster scope.
    pub cluster_admin: bool,
    /// Other access policies (`NAME` or `NAME (namespaces a, b)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// The Kubernetes username; `None` is the EKS default (the principal's ARN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Whether the contents are known (a `list-access-entries` line alone is not).
    pub known: bool,
}

/// One access entry the inputs state, merged over its sources.
#[derive(Debug, Clone)]
pub struct ExistingEntry {
    pub arn: String,
    pub span: Span,
    pub access: Access,
}

/// Every access entry of every source (eksctl `accessConfig.accessEntries`,
/// `describe-access-entry`, `list-access-entries`,
/// `list-associated-access-policies`), one per principal.
pub fn existing_entries(p: &Platform) -> BTreeMap<String, ExistingEntry> {
    let mut out: BTreeMap<String, ExistingEntry> = BTreeMap::new();
    for cc in &p.cluster_configs {
        for e in cc.access_entries() {
            let v = &e.value;
            let t = v
                .entry_type
                .as_ref()
                .map(|t| AccessEntryType::parse(&t.value))
                .unwrap_or(AccessEntryType::Standard);
            let a = Access {
                authenticates: true,
                node_type: t.is_node().then(|| t.as_str().to_string()),
                groups: v
                    .kubernetes_groups
                    .iter()
                    .map(|g| g.value.clone())
                    .collect(),
                username: v.kubernetes_username.as_ref().map(|u| u.value.clone()),
                known: true,
                ..Access::default()
            };
            merge(&mut out, &v.principal_arn.value, v.principal_arn.span, a);
        }
    }
    for e in &p.aws.access_entries {
        let Some(arn) = e.value.principal_arn.as_ref() else {
            continue;
        };
        let t = AccessEntryType::parse(e.value.entry_type());
        let a = Access {
            authenticates: true,
            node_type: t.is_node().then(|| t.as_str().to_string()),
            groups: e
                .value
                .kubernetes_groups
                .iter()
                .map(|g| g.value.clone())
                .collect(),
            username: e.value.username.as_ref().map(|u| u.value.clone()),
            known: true,
            ..Access::default()
        };
        merge(&mut out, &arn.value, arn.span, a);
    }
    for arn in &p.aws.access_entry_arns {
        let a = Access {
            authenticates: true,
            ..Access::default()
        };
        merge(&mut out, &arn.value, arn.span, a);
    }
    // Policies from eksctl `accessPolicies` and `list-associated-access-policies`,
    // as the access rules read them (an unstated scope counts as cluster-wide).
    for assoc in eksplane_facts::identity::associations(p) {
        let Some(entry) = out.get_mut(&principal_key(assoc.principal_arn)) else {
            continue;
        };
        add_policy(
            &mut entry.access,
            &assoc.policy_arn.value,
            assoc.cluster_scope.unwrap_or(true),
            &assoc.namespaces,
        );
    }
    out
}

fn add_policy(a: &mut Access, arn: &str, cluster_scope: bool, namespaces: &[&str]) {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    if name == CLUSTER_ADMIN_POLICY && cluster_scope {
        a.cluster_admin = true;
        return;
    }
    let text = if cluster_scope {
        name.to_string()
    } else {
        format!("{name} (namespaces {})", namespaces.join(", "))
    };
    if !a.policies.contains(&text) {
        a.policies.push(text);
    }
}

fn merge(out: &mut BTreeMap<String, ExistingEntry>, arn: &str, span: Span, a: Access) {
    let key = principal_key(arn);
    match out.get_mut(&key) {
        None => {
            out.insert(
                key,
                ExistingEntry {
                    arn: arn.to_string(),
                    span,
                    access: a,
                },
            );
        }
        Some(e) => {
            let x = &mut e.access;
            if a.known {
                if !x.known {
                    x.node_type = a.node_type;
                    x.username = a.username;
                }
                x.groups.extend(a.groups);
                x.cluster_admin |= a.cluster_admin;
                for pol in a.policies {
                    if !x.policies.contains(&pol) {
                        x.policies.push(pol);
                    }
                }
                x.known = true;
            }
        }
    }
}

/// An access policy association to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyAssociation {
    pub policy_arn: String,
    /// Empty: cluster scope.
    pub namespaces: Vec<String>,
}

/// What phase 1 does for one principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryAction {
    /// No entry yet: create it.
    Create,
    /// An entry of the wrong type: types cannot change, delete and recreate
    /// (the aws-auth mapping serves the principal meanwhile).
    Recreate,
    /// An entry that lacks groups or the cluster-admin association: complete it.
    Complete,
}

/// The access entry a mapping becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryPlan {
    pub principal_arn: String,
    pub action: EntryAction,
    pub entry_type: String,
    pub kubernetes_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub policies: Vec<PolicyAssociation>,
    /// The aws-auth item it replaces.
    #[serde(skip)]
    pub span: Span,
}

impl EntryPlan {
    /// The AWS CLI calls that make the entry (without the guards the script adds).
    pub fn calls(&self, cluster: &str) -> Vec<AwsCall> {
        let mut v = Vec::new();
        let base = |op| {
            AwsCall::new("eks", op)
                .arg("cluster-name", cluster)
                .arg("principal-arn", self.principal_arn.clone())
        };
        let groups = || -> Option<String> {
            (!self.kubernetes_groups.is_empty()).then(|| self.kubernetes_groups.join(" "))
        };
        match self.action {
            EntryAction::Create | EntryAction::Recreate => {
                if self.action == EntryAction::Recreate {
                    v.push(base("delete-access-entry"));
                }
                let mut c = base("create-access-entry").arg("type", self.entry_type.clone());
                if let Some(g) = groups() {
                    c = c.arg("kubernetes-groups", g);
                }
                if let Some(u) = &self.username {
                    c = c.arg("username", u.clone());
                }
                v.push(c);
            }
            EntryAction::Complete => {
                if let Some(g) = groups() {
                    v.push(base("update-access-entry").arg("kubernetes-groups", g));
                }
            }
        }
        for pol in &self.policies {
            let scope = if pol.namespaces.is_empty() {
                "type=cluster".to_string()
            } else {
                format!("type=namespace,namespaces={}", pol.namespaces.join(","))
            };
            v.push(
                base("associate-access-policy")
                    .arg("policy-arn", pol.policy_arn.clone())
                    .arg("access-scope", scope),
            );
        }
        v
    }
}

/// One principal that can reach the cluster today, before and after the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalProof {
    /// The ARN, or the account ID of a `mapAccounts` item.
    pub principal: String,
    /// How it reaches the cluster today.
    pub via: String,
    #[serde(skip)]
    pub span: Option<Span>,
    pub before: Access,
    pub after: Access,
    /// What it would lose; empty when the access after is equal or wider.
    pub lost: Vec<String>,
    /// Whether the user accepted the loss (`--accept-loss`).
    pub accepted: bool,
}

impl PrincipalProof {
    /// Whether this principal blocks the switch to `API`.
    pub fn blocks(&self) -> bool {
        !self.lost.is_empty() && !self.accepted
    }
}

/// Something the plan cannot translate exactly; the user decides.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub principal: String,
    #[serde(skip)]
    pub span: Option<Span>,
    pub problem: String,
    pub options: Vec<String>,
}

/// One verification command of phase 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "tool")]
pub enum Verify {
    Aws { call: AwsCall },
    Kubectl { args: Vec<String>, expect: String },
}

/// The migration from aws-auth to access entries.
#[derive(Debug, Clone, Serialize)]
pub struct AccessPlan {
    pub cluster: ClusterRef,
    /// The mode today; `None` when no input states it (then `CONFIG_MAP` is assumed).
    pub mode: Option<String>,
    /// Phase 1, step 0: `API_AND_CONFIG_MAP` first when the cluster is on
    /// `CONFIG_MAP` (access entries cannot be created before).
    pub enable_entries: bool,
    /// Phase 1: entries and associations.
    pub entries: Vec<EntryPlan>,
    /// Phase 2.
    pub verify: Vec<Verify>,
    /// Phase 3: `API`; `false` when the proof refuses or the cluster is on `API` already.
    pub switch_to_api: bool,
    /// Phase 4: delete aws-auth (after a backup); only when the proof passes.
    pub remove_aws_auth: bool,
    pub proof: Vec<PrincipalProof>,
    pub decisions: Vec<Decision>,
    pub notes: Vec<String>,
}

impl AccessPlan {
    /// Whether the lockout proof refuses phases 3 and 4.
    pub fn refused(&self) -> bool {
        self.proof.iter().any(PrincipalProof::blocks)
    }
}

/// Why an aws-auth username cannot be an access-entry username (one rule for
/// the planner and the ACC rules: `eksplane_model::vocab`).
pub use eksplane_model::vocab::access_entry_username_problem as username_problem;

/// RBAC subjects of the inputs: `(kind, name)` -> the bindings that name them.
fn rbac_subjects(p: &Platform) -> BTreeMap<(String, String), Vec<String>> {
    let mut m: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for b in &p.role_bindings {
        let ns = b
            .metadata
            .namespace
            .as_ref()
            .map(|n| n.value.as_str())
            .unwrap_or("default");
        for s in &b.subjects {
            m.entry((s.kind.clone(), s.name.clone()))
                .or_default()
                .push(format!("RoleBinding {ns}/{}", b.metadata.name.value));
        }
    }
    for b in &p.cluster_role_bindings {
        for s in &b.subjects {
            m.entry((s.kind.clone(), s.name.clone()))
                .or_default()
                .push(format!("ClusterRoleBinding {}", b.metadata.name.value));
        }
    }
    m
}

/// The RBAC bindings that name a user whose name the template `u` produces.
fn user_bindings(subjects: &BTreeMap<(String, String), Vec<String>>, u: &str) -> Vec<String> {
    let prefix = u.split("{{").next().unwrap_or(u);
    let templated = u.contains("{{");
    subjects
        .iter()
        .filter(|((kind, name), _)| {
            kind == "User" && (name == u || (templated && name.starts_with(prefix)))
        })
        .flat_map(|(_, v)| v.iter().cloned())
        .collect()
}

struct MappingView<'a> {
    arn: &'a str,
    span: Span,
    groups: Vec<&'a str>,
    username: Option<&'a str>,
    is_user: bool,
}

fn mappings(a: &AwsAuth) -> Vec<MappingView<'_>> {
    let roles = a.map_roles.iter().map(|m| MappingView {
        arn: &m.value.rolearn.value,
        span: m.span,
        groups: m.value.groups.iter().map(|g| g.value.as_str()).collect(),
        username: m.value.username.as_ref().map(|u| u.value.as_str()),
        is_user: false,
    });
    let users = a.map_users.iter().map(|m| MappingView {
        arn: &m.value.userarn.value,
        span: m.span,
        groups: m.value.groups.iter().map(|g| g.value.as_str()).collect(),
        username: m.value.username.as_ref().map(|u| u.value.as_str()),
        is_user: true,
    });
    roles.chain(users).collect()
}

/// The access an aws-auth mapping grants, and the entry type it needs.
fn mapping_access(m: &MappingView<'_>) -> Access {
    let node = !m.is_user && NODE_GROUPS.iter().all(|g| m.groups.contains(g));
    if node {
        let t = if m.groups.contains(&"system:node-proxier") {
            AccessEntryType::FargateLinux
        } else if m.groups.contains(&"eks:kube-proxy-windows") {
            AccessEntryType::Ec2Windows
        } else {
            AccessEntryType::Ec2Linux
        };
        return Access {
            authenticates: true,
            node_type: Some(t.as_str().to_string()),
            known: true,
            ..Access::default()
        };
    }
    Access {
        authenticates: true,
        groups: m
            .groups
            .iter()
            .filter(|g| **g != "system:masters")
            .map(|g| g.to_string())
            .collect(),
        cluster_admin: m.groups.contains(&"system:masters"),
        username: m.username.map(str::to_string),
        known: true,
        ..Access::default()
    }
}

/// What `before` has that `after` lacks. Usernames count only when an RBAC
/// binding in the inputs names the user.
fn losses(
    before: &Access,
    after: &Access,
    subjects: &BTreeMap<(String, String), Vec<String>>,
) -> Vec<String> {
    let mut lost = Vec::new();
    if before.authenticates && !after.authenticates {
        lost.push("authentication: no access entry will name it".to_string());
        return lost;
    }
    if !after.known {
        return lost;
    }
    if let Some(t) = &before.node_type
        && after.node_type.as_ref() != Some(t)
    {
        lost.push(format!("node access (an access entry of type {t})"));
    }
    for g in before.groups.difference(&after.groups) {
        lost.push(format!("Kubernetes group {g}"));
    }
    if before.cluster_admin && !after.cluster_admin {
        lost.push(format!(
            "cluster admin (system:masters / {CLUSTER_ADMIN_POLICY} at cluster scope)"
        ));
    }
    if let Some(u) = &before.username
        && after.username.as_ref() != Some(u)
    {
        let b = user_bindings(subjects, u);
        if !b.is_empty() {
            lost.push(format!("username {u} (bound by {})", b.join(", ")));
        }
    }
    lost
}

fn accepted(opts: &AccessOptions, principal: &str) -> bool {
    let key = principal_key(principal);
    opts.accept_loss
        .iter()
        .any(|a| a.trim() == principal.trim() || principal_key(a) == key)
}

/// Plans the migration and runs the lockout proof.
pub fn plan_access_entries(p: &Platform, opts: &AccessOptions) -> AccessPlan {
    let cluster = ClusterRef::of(p);
    let mode_text = p
        .cluster
        .authentication_mode
        .as_ref()
        .map(|m| m.value.clone());
    let mode = mode_text
        .as_deref()
        .map(AuthenticationMode::parse)
        .unwrap_or(AuthenticationMode::ConfigMap);
    let reads_entries = mode.reads_access_entries();
    let existing = existing_entries(p);
    let subjects = rbac_subjects(p);
    let has_rbac = !p.role_bindings.is_empty() || !p.cluster_role_bindings.is_empty();
    let mut notes = Vec::new();
    if mode_text.is_none() {
        notes.push(
            "no input states the authentication mode (eksctl accessConfig or describe-cluster): \
             CONFIG_MAP assumed; phase 1 first switches to API_AND_CONFIG_MAP, which is safe \
             from any mode"
                .to_string(),
        );
    }
    let mut entries = Vec::new();
    let mut proof = Vec::new();
    let mut decisions = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();

    let aws_auth = p.aws_auth.as_ref();
    for m in aws_auth.map(mappings).unwrap_or_default() {
        let key = principal_key(m.arn);
        if !seen.insert(key.clone()) {
            notes.push(format!(
                "{} is mapped more than once in aws-auth; the first mapping is planned",
                short_principal(m.arn)
            ));
            continue;
        }
        let want = mapping_access(&m);
        let ex = existing.get(&key);
        let shadowed = reads_entries && ex.is_some();
        let before = match ex {
            Some(e) if shadowed => e.access.clone(),
            _ => want.clone(),
        };
        // The entry that replaces the mapping.
        let node_type = want.node_type.clone();
        let mut groups: Vec<String> = want
            .groups
            .iter()
            .filter(|g| !g.starts_with("system:"))
            .cloned()
            .collect();
        let mut username = None;
        if node_type.is_none()
            && let Some(u) = want.username.as_deref()
        {
            match username_problem(u) {
                None => username = Some(u.to_string()),
                Some(why) => decisions.push(Decision {
                    principal: m.arn.to_string(),
                    span: Some(m.span),
                    problem: format!("username {u}: {why}"),
                    options: vec![
                        "keep the EKS default username (the principal's ARN) and rebind any \
                         RBAC that names the old username"
                            .to_string(),
                        format!(
                            "pick a valid username and create the entry with --username \
                             (accept with --accept-loss {} once RBAC is rebound)",
                            m.arn
                        ),
                    ],
                }),
            }
        }
        for g in want.groups.iter().filter(|g| g.starts_with("system:")) {
            decisions.push(Decision {
                principal: m.arn.to_string(),
                span: Some(m.span),
                problem: format!(
                    "group {g}: access entries cannot carry system: groups and no access \
                     policy grants it"
                ),
                options: vec![
                    format!("bind the permissions {g} gives through a group without the system: prefix, then re-run"),
                    format!("accept the narrower access: --accept-loss {}", m.arn),
                ],
            });
        }
        if has_rbac {
            for g in &groups {
                if !subjects.contains_key(&("Group".to_string(), g.clone())) {
                    decisions.push(Decision {
                        principal: m.arn.to_string(),
                        span: Some(m.span),
                        problem: format!(
                            "group {g} is bound by no RoleBinding or ClusterRoleBinding in the \
                             inputs: it grants nothing today"
                        ),
                        options: vec![
                            "carried over as is (the plan keeps it)".to_string(),
                            "drop it from the entry, or bind it".to_string(),
                        ],
                    });
                }
            }
        }
        let mut policies = Vec::new();
        if want.cluster_admin {
            policies.push(PolicyAssociation {
                policy_arn: cluster.access_policy_arn(CLUSTER_ADMIN_POLICY),
                namespaces: Vec::new(),
            });
        }
        let entry_type = node_type
            .clone()
            .unwrap_or_else(|| AccessEntryType::Standard.as_str().to_string());
        let mut after;
        if shadowed {
            // The entry already decides this principal's access; the mapping
            // is dead for it and the plan leaves the entry alone.
            after = before.clone();
            notes.push(format!(
                "{}: its aws-auth mapping is shadowed by its access entry (an access entry \
                 overrides aws-auth); the entry is kept as is",
                short_principal(m.arn)
            ));
        } else {
            let mut action = EntryAction::Create;
            after = want.clone();
            if let Some(e) = ex {
                let have = &e.access;
                if have.known && have.node_type != node_type {
                    action = EntryAction::Recreate;
                } else {
                    action = EntryAction::Complete;
                    let union: BTreeSet<String> =
                        have.groups.iter().chain(groups.iter()).cloned().collect();
                    groups = if union == have.groups {
                        Vec::new()
                    } else {
                        union.into_iter().collect()
                    };
                    if have.cluster_admin {
                        policies.clear();
                    }
                    username = None;
                    after = have.clone();
                    after.groups.extend(want.groups.iter().cloned());
                    after.cluster_admin |= want.cluster_admin;
                }
            }
            if action != EntryAction::Complete {
                after = Access {
                    authenticates: true,
                    node_type: node_type.clone(),
                    groups: groups.iter().cloned().collect(),
                    cluster_admin: want.cluster_admin,
                    policies: Vec::new(),
                    username: username.clone(),
                    known: true,
                };
            } else {
                after.groups.retain(|g| !g.starts_with("system:"));
            }
            if action != EntryAction::Complete || !groups.is_empty() || !policies.is_empty() {
                entries.push(EntryPlan {
                    principal_arn: m.arn.to_string(),
                    action,
                    entry_type,
                    kubernetes_groups: groups,
                    username,
                    policies,
                    span: m.span,
                });
            }
        }
        let lost = losses(&before, &after, &subjects);
        proof.push(PrincipalProof {
            accepted: !lost.is_empty() && accepted(opts, m.arn),
            principal: m.arn.to_string(),
            via: if shadowed {
                "access entry (shadows its aws-auth mapping)".to_string()
            } else if m.is_user {
                "aws-auth mapUsers".to_string()
            } else {
                "aws-auth mapRoles".to_string()
            },
            span: Some(m.span),
            before,
            after,
            lost,
        });
    }

    for acct in aws_auth.map(|a| a.map_accounts.as_slice()).unwrap_or(&[]) {
        let id = acct.value.trim().to_string();
        let before = Access {
            authenticates: true,
            known: true,
            ..Access::default()
        };
        let lost = losses(&before, &Access::default(), &subjects);
        decisions.push(Decision {
            principal: id.clone(),
            span: Some(acct.span),
            problem: format!(
                "aws-auth mapAccounts maps every IAM role and user of account {id} (username: \
                 its ARN); no access entry can name a whole account"
            ),
            options: vec![
                format!(
                    "add an access entry for each role or user of {id} that must keep access \
                     (eksctl accessConfig.accessEntries), include it in the inputs and re-run"
                ),
                format!("accept that the rest of account {id} loses access: --accept-loss {id}"),
            ],
        });
        proof.push(PrincipalProof {
            accepted: accepted(opts, &id),
            principal: id,
            via: "aws-auth mapAccounts (every principal of the account)".to_string(),
            span: Some(acct.span),
            before,
            after: Access::default(),
            lost,
        });
    }

    for (key, e) in &existing {
        if seen.contains(key) {
            continue;
        }
        let before = if reads_entries {
            e.access.clone()
        } else {
            Access::default()
        };
        proof.push(PrincipalProof {
            principal: e.arn.clone(),
            via: if reads_entries {
                "access entry".to_string()
            } else {
                "access entry (ignored today in CONFIG_MAP mode; takes effect)".to_string()
            },
            span: Some(e.span),
            before,
            after: e.access.clone(),
            lost: Vec::new(),
            accepted: false,
        });
    }

    let creator = p.cluster_configs.iter().find_map(|cc| {
        cc.access_config
            .as_ref()
            .and_then(|a| a.value.bootstrap_cluster_creator_admin_permissions.as_ref())
            .map(|b| (b.value, b.span))
    });
    match creator {
        Some((true, span)) => {
            let admin = Access {
                authenticates: true,
                cluster_admin: true,
                known: true,
                ..Access::default()
            };
            proof.push(PrincipalProof {
                principal: "cluster creator".to_string(),
                via: "bootstrapClusterCreatorAdminPermissions: the access entry EKS made at \
                      creation, with AmazonEKSClusterAdminPolicy; the plan does not touch it"
                    .to_string(),
                span: Some(span),
                before: admin.clone(),
                after: admin,
                lost: Vec::new(),
                accepted: false,
            });
        }
        _ if !reads_entries => notes.push(
            "the cluster creator's admin access is not in aws-auth and the inputs do not say \
             whether EKS made an access entry for it: after phase 1, check `aws eks \
             list-access-entries` for it before phase 3"
                .to_string(),
        ),
        _ => {}
    }

    let mut verify = vec![Verify::Aws {
        call: AwsCall::new("eks", "list-access-entries").arg("cluster-name", cluster.name.clone()),
    }];
    for e in &entries {
        verify.push(Verify::Aws {
            call: AwsCall::new("eks", "describe-access-entry")
                .arg("cluster-name", cluster.name.clone())
                .arg("principal-arn", e.principal_arn.clone()),
        });
        if !e.policies.is_empty() {
            verify.push(Verify::Aws {
                call: AwsCall::new("eks", "list-associated-access-policies")
                    .arg("cluster-name", cluster.name.clone())
                    .arg("principal-arn", e.principal_arn.clone()),
            });
        }
    }
    let groups: BTreeSet<&String> = entries.iter().flat_map(|e| &e.kubernetes_groups).collect();
    for g in groups {
        verify.push(Verify::Kubectl {
            args: vec![
                "auth".into(),
                "can-i".into(),
                "--list".into(),
                "--as=eksplane-migration-check".into(),
                format!("--as-group={g}"),
            ],
            expect: format!("the rules RBAC binds to group {g}"),
        });
    }

    let refused = proof.iter().any(PrincipalProof::blocks);
    AccessPlan {
        enable_entries: !reads_entries,
        switch_to_api: !refused && mode != AuthenticationMode::Api,
        remove_aws_auth: !refused && aws_auth.is_some(),
        cluster,
        mode: mode_text,
        entries,
        verify,
        proof,
        decisions,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_access_entries_refuse() {
        assert_eq!(username_problem("github-actions:{{SessionName}}"), None);
        assert_eq!(username_problem("breakglass-admin"), None);
        assert!(username_problem("system:node:{{EC2PrivateDNSName}}").is_some());
        assert!(username_problem("admin:{{AccountID}}").is_some());
        assert!(username_problem("{{SessionName}}").is_some());
        assert!(username_problem("a:{{SessionName").is_none());
        assert!(username_problem("é:{{SessionName}}{{").is_none());
    }
}
