//! Auth: access entries resolve, no stale aws-auth dependency (the guide's
//! `aws eks list-access-entries`).
//!
//! - The authentication mode uses access entries (`API` or
//!   `API_AND_CONFIG_MAP`; `CONFIG_MAP` ignores them).
//! - Every principal `list-access-entries` lists resolves: a
//!   `describe-access-entry` gives its type, and a `STANDARD` entry grants
//!   something (Kubernetes groups, or a policy in
//!   `list-associated-access-policies`).
//! - No aws-auth mapping lacks an access entry: in `API` mode aws-auth is not
//!   read (the principal has no access), in `API_AND_CONFIG_MAP` it still
//!   depends on aws-auth ("Migrating existing aws-auth ConfigMap entries to
//!   access entries", <https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html>).
//! - Node roles (aws-auth node mappings, EC2NodeClass `spec.role`, managed
//!   node groups' `nodeRole`) have entries of a node type (`EC2_LINUX`,
//!   `EC2_WINDOWS`): the guide, Step 4, and "Create access entries",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html>.

use crate::Check;
use eksplane_facts::Facts;
use eksplane_facts::identity::{AccessEntry, EntrySource, Principal, role_name_of, same_principal};
use eksplane_model::KubeObject;
use eksplane_model::aws::eks::{access_entry_type, authentication_mode};
use eksplane_source::{Span, Spanned};

const NEEDS_LIST: &str = "aws eks list-access-entries --cluster-name CLUSTER --output json";

fn short(arn: &str) -> String {
    Principal::parse(arn).map_or_else(|| arn.to_string(), |p| p.short())
}

fn described<'a>(
    e: &AccessEntry<'a>,
) -> Option<&'a Spanned<eksplane_model::aws::eks::AccessEntry>> {
    e.sources.iter().find_map(|s| match s {
        EntrySource::Described(d) => Some(*d),
        _ => None,
    })
}

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    let mut out = Vec::new();
    let Some(mode) = &p.cluster.authentication_mode else {
        return vec![Check::skipped(
            "the cluster's authentication mode is not in the inputs: needs `aws eks \
             describe-cluster --name CLUSTER --output json` (accessConfig.authenticationMode)",
        )];
    };
    let mode_check = if authentication_mode::uses_access_entries(&mode.value) {
        Check::pass(format!(
            "authenticationMode {}: access entries authenticate principals",
            mode.value
        ))
    } else {
        Check::fail(format!(
            "authenticationMode {}: access entries are ignored and every principal depends on \
             aws-auth; `aws eks update-cluster-config --name CLUSTER --access-config \
             authenticationMode=API_AND_CONFIG_MAP`, migrate, then API",
            mode.value
        ))
    };
    out.push(
        mode_check
            .object("cluster")
            .field("accessConfig.authenticationMode")
            .at(mode.span),
    );
    if !authentication_mode::uses_access_entries(&mode.value) {
        return out;
    }
    let entries = facts.access_entries();
    if !entries.complete {
        out.push(Check::skipped(format!(
            "no list of the cluster's access entries: needs `{NEEDS_LIST}` (and `aws eks \
             describe-access-entry` per principal)"
        )));
        return out;
    }
    for e in &entries.all {
        out.push(resolves(facts, e));
    }
    out.extend(aws_auth(facts, &mode.value));
    out.extend(node_roles(facts));
    out
}

/// One listed principal resolves to an entry that grants something.
fn resolves(facts: &Facts<'_>, e: &AccessEntry<'_>) -> Check {
    let p = facts.platform;
    let who = short(e.arn);
    let object = format!("access entry {who}");
    let Some(d) = described(e) else {
        return Check::skipped(format!(
            "{who} is listed but not described: needs `aws eks describe-access-entry \
             --cluster-name CLUSTER --principal-arn {} --output json`",
            e.arn
        ))
        .object(object)
        .at(e.span());
    };
    let t = d.value.entry_type();
    let type_span = d.value.entry_type.as_ref().map_or(d.span, |s| s.span);
    if t != access_entry_type::STANDARD {
        return Check::pass(format!("{who}: {t} entry"))
            .object(object)
            .field("accessEntry.type")
            .at(type_span);
    }
    let groups: Vec<&str> = d
        .value
        .kubernetes_groups
        .iter()
        .map(|g| g.value.as_str())
        .collect();
    let listed = p.aws.associated_access_policies.iter().any(|o| {
        o.value
            .principal_arn
            .as_ref()
            .is_some_and(|a| same_principal(&a.value, e.arn))
    });
    let policy_arns: Vec<&Spanned<String>> = p
        .aws
        .associated_access_policies
        .iter()
        .filter(|o| {
            o.value
                .principal_arn
                .as_ref()
                .is_some_and(|a| same_principal(&a.value, e.arn))
        })
        .flat_map(|o| o.value.associated_access_policies.iter())
        .filter_map(|a| a.value.policy_arn.as_ref())
        .collect();
    let policies: Vec<&str> = policy_arns
        .iter()
        .map(|a| eksplane_model::aws::eks::access_policy_name(&a.value).unwrap_or(&a.value))
        .collect();
    let mut grants = Vec::new();
    if !groups.is_empty() {
        grants.push(format!("groups {}", groups.join(", ")));
    }
    if !policies.is_empty() {
        grants.push(format!("policies {}", policies.join(", ")));
    }
    if !grants.is_empty() {
        let c =
            Check::pass(format!("{who}: STANDARD entry with {}", grants.join("; "))).object(object);
        return match (groups.is_empty(), policy_arns.first()) {
            (true, Some(a)) => c.field("associatedAccessPolicies[].policyArn").at(a.span),
            _ => c.field("accessEntry.kubernetesGroups").at(d
                .value
                .kubernetes_groups
                .first()
                .map_or(type_span, |g| g.span)),
        };
    }
    if !listed {
        return Check::skipped(format!(
            "{who}: STANDARD entry with no Kubernetes group; its access policies are not in \
             the inputs: needs `aws eks list-associated-access-policies --cluster-name CLUSTER \
             --principal-arn {} --output json`",
            e.arn
        ))
        .object(object)
        .at(type_span);
    }
    Check::fail(format!(
        "{who}: STANDARD entry with no Kubernetes group and no access policy: it authenticates \
         but grants nothing; `aws eks associate-access-policy` or `--kubernetes-groups`"
    ))
    .object(object)
    .field("accessEntry.kubernetesGroups")
    .at(type_span)
}

/// aws-auth mappings without an access entry.
fn aws_auth(facts: &Facts<'_>, mode: &str) -> Vec<Check> {
    let p = facts.platform;
    let Some(auth) = &p.aws_auth else {
        return vec![Check::skipped(
            "kube-system/aws-auth is not in the inputs, so a stale dependency on it was not \
             ruled out: needs `kubectl get configmap aws-auth -n kube-system -o yaml`",
        )];
    };
    let object = auth.object_ref().to_string();
    let entries = facts.access_entries();
    let mut out = Vec::new();
    let mappings = auth
        .map_roles
        .iter()
        .map(|m| {
            (
                &m.value.rolearn,
                &m.value.groups,
                m.span,
                "data.mapRoles[].rolearn",
            )
        })
        .chain(auth.map_users.iter().map(|m| {
            (
                &m.value.userarn,
                &m.value.groups,
                m.span,
                "data.mapUsers[].userarn",
            )
        }));
    let mut count = 0;
    for (arn, groups, span, field) in mappings {
        count += 1;
        let who = short(&arn.value);
        let g: Vec<&str> = groups.iter().map(|g| g.value.as_str()).collect();
        let at: Span = if arn.value.is_empty() { span } else { arn.span };
        match entries.find(&arn.value) {
            Some(e) => out.push(
                Check::pass(format!(
                    "aws-auth maps {who} and it has an access entry{}",
                    e.entry_type()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default()
                ))
                .object(object.clone())
                .field(field)
                .at(at),
            ),
            None => {
                let why = if mode == authentication_mode::API {
                    "in mode API aws-auth is not read: it has no access"
                } else {
                    "it works only through aws-auth (a stale dependency: it loses access when \
                     the cluster moves to API)"
                };
                out.push(
                    Check::fail(format!(
                        "aws-auth maps {who} (groups {}) but no access entry exists for it: {why}; \
                         `eksplane migrate access-entries` plans the entry",
                        if g.is_empty() {
                            "none".to_string()
                        } else {
                            g.join(", ")
                        }
                    ))
                    .object(object.clone())
                    .field(field)
                    .at(at),
                );
            }
        }
    }
    for acct in &auth.map_accounts {
        out.push(
            Check::fail(format!(
                "aws-auth maps the whole account {} (mapAccounts): access entries have no \
                 equivalent, so its principals depend on aws-auth",
                acct.value
            ))
            .object(object.clone())
            .field("data.mapAccounts")
            .at(acct.span),
        );
    }
    if count == 0 && auth.map_accounts.is_empty() {
        out.push(
            Check::pass("aws-auth maps no principal: nothing depends on it")
                .object(object)
                .at(auth.origin.span),
        );
    }
    out
}

/// Node roles with entries of a node type.
fn node_roles(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    // (role name or ARN, where it is named, the object, the field)
    let mut roles: Vec<(&str, Span, String, &str)> = Vec::new();
    if let Some(auth) = &p.aws_auth {
        for m in &auth.map_roles {
            if m.value.is_node_role() {
                roles.push((
                    m.value.rolearn.value.as_str(),
                    m.value.rolearn.span,
                    auth.object_ref().to_string(),
                    "data.mapRoles[].rolearn (a node mapping)",
                ));
            }
        }
    }
    for c in &p.node_classes {
        if let Some(r) = &c.spec.role {
            roles.push((
                r.value.as_str(),
                r.span,
                c.object_ref().to_string(),
                "spec.role",
            ));
        }
    }
    for ng in &p.aws.nodegroups {
        if let Some(r) = &ng.value.node_role {
            let name = ng
                .value
                .nodegroup_name
                .as_ref()
                .map_or("?", |n| n.value.as_str());
            roles.push((
                r.value.as_str(),
                r.span,
                format!("describe-nodegroup {name}"),
                "nodegroup.nodeRole",
            ));
        }
    }
    let entries = facts.access_entries();
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (role, span, object, field) in roles {
        let name = role_name_of(role).to_ascii_lowercase();
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let entry = if role.starts_with("arn:") {
            entries.find(role)
        } else {
            entries.find_role(role)
        };
        let who = format!("node role {}", role_name_of(role));
        let c = match entry {
            None => Check::fail(format!(
                "{who} has no access entry: its nodes cannot join once aws-auth is not read; `aws \
                 eks create-access-entry --cluster-name CLUSTER --principal-arn ROLE_ARN --type \
                 EC2_LINUX`"
            )),
            Some(e) => match (e.entry_type(), described(e)) {
                (Some(t), Some(_)) if e.is_ec2_node_type() == Some(true) => {
                    Check::pass(format!("{who}: access entry of type {t}"))
                }
                (Some(t), Some(_)) => Check::fail(format!(
                    "{who}: its access entry is of type {t}, not EC2_LINUX or EC2_WINDOWS: nodes \
                     do not get system:nodes from it (a type cannot be changed: delete and \
                     recreate the entry)"
                )),
                _ => Check::skipped(format!(
                    "{who}: listed, but its type is not in the inputs: needs `aws eks \
                     describe-access-entry --principal-arn {}`",
                    e.arn
                )),
            },
        };
        out.push(c.object(object).field(field).at(span));
    }
    out
}
