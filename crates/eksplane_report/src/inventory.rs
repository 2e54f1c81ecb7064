//! What `eksplane inspect` shows: the cluster, counts by kind, node pools and
//! classes, add-ons, CNI settings, access — as text or as JSON.

use crate::display_path;
use eksplane_load::LoadStats;
use eksplane_model::karpenter::Operator;
use eksplane_model::{Fact, Inventory, KubeObject, Platform};
use eksplane_source::{SourceDb, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Format name and version of the inventory JSON document.
pub const FORMAT: &str = "eksplane-inventory";
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Located<T> {
    pub value: T,
    /// `file:line:column` of the first source.
    pub at: String,
}

#[derive(Debug, Serialize, Default)]
pub struct ClusterSummary {
    pub name: Option<Located<String>>,
    pub region: Option<Located<String>>,
    pub version: Option<Located<String>>,
    pub authentication_mode: Option<Located<String>>,
    pub endpoint_public_access: Option<Located<bool>>,
    pub endpoint_private_access: Option<Located<bool>>,
    pub public_access_cidrs: Option<Located<Vec<String>>>,
}

#[derive(Debug, Serialize)]
pub struct NodePoolSummary {
    pub name: String,
    pub node_class: Option<String>,
    pub weight: Option<i32>,
    pub limits: BTreeMap<String, String>,
    pub consolidation_policy: String,
    /// Requirement keys and their allowed values, as written.
    pub requirements: Vec<String>,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct NodeClassSummary {
    pub name: String,
    pub role: Option<String>,
    pub instance_profile: Option<String>,
    pub ami: Vec<String>,
    pub max_pods: Option<i32>,
    pub pods_per_core: Option<i32>,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct AddonSummary {
    pub name: String,
    pub version: Option<String>,
    pub source: &'static str,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct CniSummary {
    pub version: Option<String>,
    /// The settings written in the manifest (name -> value).
    pub set: BTreeMap<String, String>,
    pub prefix_delegation: bool,
    pub pod_eni: bool,
    pub custom_networking: bool,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct AccessSummary {
    pub aws_auth_map_roles: usize,
    pub aws_auth_map_users: usize,
    pub aws_auth_map_accounts: usize,
    pub access_entries: usize,
    pub pod_identity_associations: usize,
    pub irsa_service_accounts: usize,
}

#[derive(Debug, Serialize)]
pub struct InventoryView {
    pub format: &'static str,
    pub version: u32,
    pub cluster: ClusterSummary,
    pub counts: Inventory,
    pub node_pools: Vec<NodePoolSummary>,
    pub node_classes: Vec<NodeClassSummary>,
    pub addons: Vec<AddonSummary>,
    pub cni: Option<CniSummary>,
    pub access: AccessSummary,
    pub stats: LoadStats,
    /// Input problems found while loading (see `eksplane check`).
    pub input_problems: usize,
}

fn at(db: &SourceDb, s: Span) -> String {
    if s.is_detached() {
        return display_path(db.name(s.file));
    }
    format!(
        "{}:{}:{}",
        display_path(db.name(s.file)),
        s.start.line,
        s.start.col
    )
}

fn located<T: Clone>(db: &SourceDb, f: &Option<Fact<T>>) -> Option<Located<T>> {
    f.as_ref().map(|f| Located {
        value: f.value.clone(),
        at: at(db, f.span),
    })
}

fn op(o: Operator) -> &'static str {
    match o {
        Operator::In => "In",
        Operator::NotIn => "NotIn",
        Operator::Exists => "Exists",
        Operator::DoesNotExist => "DoesNotExist",
        Operator::Gt => "Gt",
        Operator::Lt => "Lt",
        Operator::Gte => "Gte",
        Operator::Lte => "Lte",
    }
}

/// Builds the inventory of a loaded platform.
pub fn view(
    p: &Platform,
    db: &SourceDb,
    stats: &LoadStats,
    input_problems: usize,
) -> InventoryView {
    let c = &p.cluster;
    let node_pools = p
        .node_pools
        .iter()
        .map(|np| NodePoolSummary {
            name: np.name().to_string(),
            node_class: np
                .spec
                .template
                .spec
                .node_class_ref
                .as_ref()
                .map(|r| r.value.name.clone()),
            weight: np.spec.weight.as_ref().map(|w| w.value),
            limits: np
                .spec
                .limits
                .iter()
                .flatten()
                .map(|(k, v)| {
                    let text = if k == "cpu" || k == "pods" || k.contains("gpu") {
                        v.value.to_string()
                    } else {
                        v.value.to_binary_string()
                    };
                    (k.clone(), text)
                })
                .collect(),
            consolidation_policy: format!("{:?}", np.consolidation_policy()),
            requirements: np
                .spec
                .template
                .spec
                .requirements
                .iter()
                .map(|r| {
                    let r = &r.value;
                    if r.values.is_empty() {
                        format!("{} {}", r.key, op(r.operator))
                    } else {
                        format!("{} {} [{}]", r.key, op(r.operator), r.values.join(", "))
                    }
                })
                .collect(),
            at: at(db, np.origin.span),
        })
        .collect();
    let node_classes = p
        .node_classes
        .iter()
        .map(|nc| NodeClassSummary {
            name: nc.name().to_string(),
            role: nc.spec.role.as_ref().map(|r| r.value.clone()),
            instance_profile: nc.spec.instance_profile.as_ref().map(|r| r.value.clone()),
            ami: nc
                .spec
                .ami_selector_terms
                .iter()
                .map(|t| {
                    let t = &t.value;
                    t.alias
                        .clone()
                        .or_else(|| t.id.clone())
                        .or_else(|| t.name.clone())
                        .or_else(|| t.ssm_parameter.clone())
                        .unwrap_or_else(|| "tags".into())
                })
                .collect(),
            max_pods: nc
                .kubelet()
                .and_then(|k| k.max_pods.as_ref())
                .map(|m| m.value),
            pods_per_core: nc
                .kubelet()
                .and_then(|k| k.pods_per_core.as_ref())
                .map(|m| m.value),
            at: at(db, nc.origin.span),
        })
        .collect();
    let cni = p.aws_node.as_ref().map(|a| CniSummary {
        version: a.version.as_ref().map(|v| v.value.clone()),
        set: a
            .env
            .iter()
            .filter_map(|(k, v)| v.value.as_ref().map(|x| (k.clone(), x.value.clone())))
            .collect(),
        prefix_delegation: a.settings.enable_prefix_delegation.value,
        pod_eni: a.settings.enable_pod_eni.value,
        custom_networking: a.settings.custom_network_cfg.value,
        at: at(db, a.daemonset.origin.span),
    });
    let access = AccessSummary {
        aws_auth_map_roles: p.aws_auth.as_ref().map_or(0, |a| a.map_roles.len()),
        aws_auth_map_users: p.aws_auth.as_ref().map_or(0, |a| a.map_users.len()),
        aws_auth_map_accounts: p.aws_auth.as_ref().map_or(0, |a| a.map_accounts.len()),
        access_entries: p.aws.access_entry_count(),
        pod_identity_associations: p.aws.pod_identity_association_count(),
        irsa_service_accounts: p
            .service_accounts
            .iter()
            .filter(|s| s.irsa_role_arn().is_some())
            .count(),
    };
    InventoryView {
        format: FORMAT,
        version: VERSION,
        cluster: ClusterSummary {
            name: located(db, &c.name),
            region: located(db, &c.region),
            version: located(db, &c.version),
            authentication_mode: located(db, &c.authentication_mode),
            endpoint_public_access: located(db, &c.endpoint_public_access),
            endpoint_private_access: located(db, &c.endpoint_private_access),
            public_access_cidrs: located(db, &c.public_access_cidrs),
        },
        counts: p.inventory(),
        node_pools,
        node_classes,
        addons: addons(p, db),
        cni,
        access,
        stats: stats.clone(),
        input_problems,
    }
}

fn addons(p: &Platform, db: &SourceDb) -> Vec<AddonSummary> {
    let mut out = Vec::new();
    for cc in &p.cluster_configs {
        for a in &cc.addons {
            out.push(AddonSummary {
                name: a.value.name.value.clone(),
                version: a.value.version.as_ref().map(|v| v.value.clone()),
                source: "eksctl ClusterConfig",
                at: at(db, a.span),
            });
        }
    }
    for a in &p.aws.addons {
        out.push(AddonSummary {
            name: a
                .value
                .addon_name
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_default(),
            version: a.value.addon_version.as_ref().map(|v| v.value.clone()),
            source: "aws eks describe-addon",
            at: at(db, a.span),
        });
    }
    out
}

fn opt<T: std::fmt::Display>(v: &Option<Located<T>>) -> String {
    match v {
        Some(l) => format!("{}  ({})", l.value, l.at),
        None => "-".to_string(),
    }
}

/// The inventory as text for a person.
pub fn render_text(v: &InventoryView) -> String {
    let mut s = String::new();
    let c = &v.cluster;
    let _ = writeln!(s, "Cluster");
    let _ = writeln!(s, "  name                 {}", opt(&c.name));
    let _ = writeln!(s, "  region               {}", opt(&c.region));
    let _ = writeln!(s, "  Kubernetes version   {}", opt(&c.version));
    let _ = writeln!(s, "  authentication mode  {}", opt(&c.authentication_mode));
    let _ = writeln!(
        s,
        "  public endpoint      {}",
        opt(&c.endpoint_public_access)
    );
    let _ = writeln!(
        s,
        "  private endpoint     {}",
        opt(&c.endpoint_private_access)
    );
    if let Some(cidrs) = &c.public_access_cidrs {
        let _ = writeln!(
            s,
            "  public access CIDRs  {}  ({})",
            cidrs.value.join(", "),
            cidrs.at
        );
    }
    let st = &v.stats;
    let _ = writeln!(
        s,
        "\nInputs: {} files, {} documents, {} objects typed, {} kept opaque, {} unrecognised documents, {} input problems",
        st.files, st.documents, st.objects, st.opaque, st.unrecognised, v.input_problems
    );
    let _ = writeln!(s, "\nKubernetes objects by kind");
    for (k, n) in &v.counts.kubernetes {
        let _ = writeln!(s, "  {n:>5}  {k}");
    }
    if !v.counts.aws.is_empty() {
        let _ = writeln!(s, "\nAWS snapshots");
        for (k, n) in &v.counts.aws {
            let _ = writeln!(s, "  {n:>5}  {k}");
        }
    }
    if !v.counts.opaque.is_empty() {
        let _ = writeln!(s, "\nOther objects (kept, not checked)");
        for (k, n) in &v.counts.opaque {
            let _ = writeln!(s, "  {n:>5}  {k}");
        }
    }
    if !v.node_pools.is_empty() {
        let _ = writeln!(s, "\nKarpenter NodePools");
        for np in &v.node_pools {
            let limits = if np.limits.is_empty() {
                "none".to_string()
            } else {
                np.limits
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                s,
                "  {}  (class {}, weight {}, limits {}, {})  {}",
                np.name,
                np.node_class.as_deref().unwrap_or("-"),
                np.weight.map_or("-".to_string(), |w| w.to_string()),
                limits,
                np.consolidation_policy,
                np.at
            );
            for r in &np.requirements {
                let _ = writeln!(s, "      {r}");
            }
        }
    }
    if !v.node_classes.is_empty() {
        let _ = writeln!(s, "\nEC2NodeClasses");
        for nc in &v.node_classes {
            let _ = writeln!(
                s,
                "  {}  (role {}, AMI {}, maxPods {}, podsPerCore {})  {}",
                nc.name,
                nc.role
                    .as_deref()
                    .or(nc.instance_profile.as_deref())
                    .unwrap_or("-"),
                if nc.ami.is_empty() {
                    "-".to_string()
                } else {
                    nc.ami.join(", ")
                },
                nc.max_pods.map_or("default".to_string(), |m| m.to_string()),
                nc.pods_per_core.map_or("-".to_string(), |m| m.to_string()),
                nc.at
            );
        }
    }
    if !v.addons.is_empty() {
        let _ = writeln!(s, "\nAdd-ons");
        for a in &v.addons {
            let _ = writeln!(
                s,
                "  {:<28} {:<24} {}  {}",
                a.name,
                a.version.as_deref().unwrap_or("(default)"),
                a.source,
                a.at
            );
        }
    }
    if let Some(cni) = &v.cni {
        let _ = writeln!(
            s,
            "\nVPC CNI (aws-node {})  {}",
            cni.version.as_deref().unwrap_or("version unknown"),
            cni.at
        );
        let _ = writeln!(
            s,
            "  prefix delegation {}, security groups for pods {}, custom networking {}",
            on(cni.prefix_delegation),
            on(cni.pod_eni),
            on(cni.custom_networking)
        );
        for (k, v) in &cni.set {
            let _ = writeln!(s, "  {k}={v}");
        }
    }
    let a = &v.access;
    let _ = writeln!(s, "\nAccess and identity");
    let _ = writeln!(
        s,
        "  aws-auth: {} mapRoles, {} mapUsers, {} mapAccounts",
        a.aws_auth_map_roles, a.aws_auth_map_users, a.aws_auth_map_accounts
    );
    let _ = writeln!(
        s,
        "  access entries: {}, pod identity associations: {}, IRSA-annotated service accounts: {}",
        a.access_entries, a.pod_identity_associations, a.irsa_service_accounts
    );
    s
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}
