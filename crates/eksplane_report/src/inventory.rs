//! What `eksplane inspect` shows: the cluster, counts by kind, node sources,
//! node pools and classes, add-ons, the effective CNI settings, access and
//! Pod Identity associations, and what could not be judged — as text or as
//! JSON. Every derived fact is read from `eksplane_facts`; nothing here
//! computes one.

use crate::display_path;
use eksplane_aws_data::Catalog;
use eksplane_diagnostics::Note;
use eksplane_facts::Facts;
use eksplane_facts::capacity::CniSource;
use eksplane_facts::nodes::InstanceChoice;
use eksplane_load::LoadStats;
use eksplane_model::karpenter::Operator;
use eksplane_model::{Fact, Inventory, KubeObject, Platform};
use eksplane_source::{SourceDb, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Format name and version of the inventory JSON document.
pub const FORMAT: &str = "eksplane-inventory";
/// 2: `node_sources`, `cni_effective`, `pod_identity_associations`, `notes`.
pub const VERSION: u32 = 2;

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

/// One node source (Karpenter, static or Auto Mode NodePool, eksctl or
/// described node group).
#[derive(Debug, Serialize)]
pub struct NodeSourceSummary {
    /// `karpenter`, `karpenter-static`, `auto-mode`, `eksctl-managed`,
    /// `eksctl-self-managed`, `managed-nodegroup`.
    pub kind: eksplane_facts::nodes::NodeSourceKind,
    pub name: String,
    pub at: String,
    /// The types named, or `requirements: ...` / the tool's default.
    pub instance_types: String,
    /// Where the pods a node admits come from.
    pub max_pods: String,
    /// `file:line:column` of an explicit max-pods setting.
    pub max_pods_at: Option<String>,
    pub capacity_types: Vec<String>,
    pub scaling: Option<eksplane_facts::nodes::Scaling>,
    pub consolidates: bool,
}

/// The VPC CNI settings the analyses use, with their source.
#[derive(Debug, Serialize)]
pub struct EffectiveCniSummary {
    /// `aws-node DaemonSet`, `vpc-cni add-on configurationValues`, `defaults`.
    pub source: &'static str,
    pub at: Option<String>,
    pub version: Option<String>,
    pub prefix_delegation: bool,
    pub pod_eni: bool,
    pub custom_networking: bool,
    pub max_eni: Option<u32>,
    pub warm_eni_target: u32,
    pub warm_ip_target: Option<u32>,
    pub minimum_ip_target: Option<u32>,
    pub warm_prefix_target: Option<u32>,
    /// What was assumed because the inputs do not say.
    pub assumed: Vec<String>,
}

/// One Pod Identity association, merged across its sources.
#[derive(Debug, Serialize)]
pub struct PodIdentitySummary {
    pub namespace: String,
    pub service_account: String,
    /// The role ARN, else eksctl's `roleName`.
    pub role: Option<String>,
    pub owner_addon: Option<String>,
    /// Every source, first first.
    pub sources: Vec<String>,
    pub at: String,
}

/// Something the analyses could not judge or had to assume.
#[derive(Debug, Serialize)]
pub struct NoteSummary {
    pub kind: String,
    pub area: &'static str,
    pub message: String,
    pub at: Option<String>,
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
    pub node_sources: Vec<NodeSourceSummary>,
    pub node_pools: Vec<NodePoolSummary>,
    pub node_classes: Vec<NodeClassSummary>,
    pub addons: Vec<AddonSummary>,
    /// The aws-node DaemonSet as written.
    pub cni: Option<CniSummary>,
    /// The settings in effect (aws-node, else the add-on's
    /// `configurationValues`, else the defaults), with what was assumed.
    pub cni_effective: EffectiveCniSummary,
    pub access: AccessSummary,
    pub pod_identity_associations: Vec<PodIdentitySummary>,
    /// What could not be judged or was assumed.
    pub notes: Vec<NoteSummary>,
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

/// Builds the inventory of a loaded platform, with the embedded catalog.
pub fn view(
    p: &Platform,
    db: &SourceDb,
    stats: &LoadStats,
    input_problems: usize,
) -> InventoryView {
    view_of(
        &Facts::new(p, Catalog::embedded()),
        db,
        stats,
        input_problems,
    )
}

fn node_sources(facts: &Facts<'_>, db: &SourceDb) -> Vec<NodeSourceSummary> {
    facts
        .capacities()
        .iter()
        .map(|c| {
            let src = &c.source;
            let instance_types = match &src.instances {
                InstanceChoice::Listed(v) => v
                    .iter()
                    .map(|t| t.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                InstanceChoice::Default(t) => format!("{t} (default)"),
                InstanceChoice::Selector => {
                    "instanceSelector (resolved by eksctl at create time)".to_string()
                }
                InstanceChoice::Requirements => {
                    let reqs: Vec<String> = src
                        .pool
                        .map(|np| {
                            np.spec
                                .template
                                .spec
                                .requirements
                                .iter()
                                .map(|r| {
                                    let r = &r.value;
                                    if r.values.is_empty() {
                                        format!("{} {}", r.key, op(r.operator))
                                    } else {
                                        format!(
                                            "{} {} [{}]",
                                            r.key,
                                            op(r.operator),
                                            r.values.join(", ")
                                        )
                                    }
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "{} catalog type(s) allowed by requirements{}",
                        c.rows.len(),
                        if reqs.is_empty() {
                            " (none)".to_string()
                        } else {
                            format!(": {}", reqs.join("; "))
                        }
                    )
                }
            };
            NodeSourceSummary {
                kind: src.kind,
                name: src.name.clone(),
                at: at(db, src.span),
                instance_types,
                max_pods: if c.judged() {
                    c.admitted_from()
                } else {
                    "set by EKS Auto Mode".to_string()
                },
                max_pods_at: c.max_pods_set().map(|m| at(db, m.span)),
                capacity_types: src.capacity_types.iter().map(|t| t.to_string()).collect(),
                scaling: src.scaling,
                consolidates: src.consolidates,
            }
        })
        .collect()
}

fn cni_effective(facts: &Facts<'_>, db: &SourceDb) -> EffectiveCniSummary {
    let e = facts.cni();
    let o = &e.options;
    EffectiveCniSummary {
        source: match e.source {
            CniSource::AwsNode => "aws-node DaemonSet",
            CniSource::AddonConfiguration => "vpc-cni add-on configurationValues",
            CniSource::Defaults => "defaults",
        },
        at: e.span.map(|s| at(db, s)),
        version: o.version.map(|v| v.to_string()),
        prefix_delegation: o.prefix_delegation,
        pod_eni: o.pod_eni,
        custom_networking: o.custom_networking,
        max_eni: o.max_eni,
        warm_eni_target: o.warm_eni_target,
        warm_ip_target: o.warm_ip_target,
        minimum_ip_target: o.minimum_ip_target,
        warm_prefix_target: o.warm_prefix_target,
        assumed: e.assumed.clone(),
    }
}

fn note(db: &SourceDb, n: &Note) -> NoteSummary {
    NoteSummary {
        kind: format!("{:?}", n.kind).to_lowercase(),
        area: n.area,
        message: n.message.clone(),
        at: n.span.map(|s| at(db, s)),
    }
}

/// Builds the inventory from a platform's facts.
pub fn view_of(
    facts: &Facts<'_>,
    db: &SourceDb,
    stats: &LoadStats,
    input_problems: usize,
) -> InventoryView {
    let p = facts.platform;
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
        pod_identity_associations: facts.pod_identity_associations().len(),
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
        node_sources: node_sources(facts, db),
        node_pools,
        node_classes,
        addons: addons(p, db),
        cni,
        cni_effective: cni_effective(facts, db),
        access,
        pod_identity_associations: facts
            .pod_identity_associations()
            .iter()
            .map(|a| PodIdentitySummary {
                namespace: a.namespace.clone(),
                service_account: a.service_account.clone(),
                role: a
                    .role_arn
                    .as_ref()
                    .or(a.role_name.as_ref())
                    .map(|r| r.value.clone()),
                owner_addon: a.owner_addon.clone(),
                sources: a.stated.iter().map(|s| s.source.clone()).collect(),
                at: at(db, a.span()),
            })
            .collect(),
        notes: facts.notes().iter().map(|n| note(db, n)).collect(),
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
    if !v.node_sources.is_empty() {
        let _ = writeln!(s, "\nNode sources");
        for n in &v.node_sources {
            let _ = writeln!(s, "  {}  {}  {}", n.kind_label(), n.name, n.at);
            let _ = writeln!(s, "      instance types  {}", n.instance_types);
            let _ = writeln!(
                s,
                "      max pods        {}{}",
                n.max_pods,
                n.max_pods_at
                    .as_ref()
                    .map(|a| format!("  ({a})"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                s,
                "      capacity types  {}",
                if n.capacity_types.is_empty() {
                    "-".to_string()
                } else {
                    n.capacity_types.join(", ")
                }
            );
            let scaling = match n.scaling {
                Some(sc) => {
                    let f = |v: Option<i64>| v.map_or("-".to_string(), |x| x.to_string());
                    format!(
                        "min {}, desired {}, max {}",
                        f(sc.min),
                        f(sc.desired),
                        f(sc.max)
                    )
                }
                None if n.consolidates => "Karpenter (consolidates)".to_string(),
                None => "Karpenter".to_string(),
            };
            let _ = writeln!(s, "      scaling         {scaling}");
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
    let e = &v.cni_effective;
    let _ = writeln!(
        s,
        "\nVPC CNI settings in effect (from {}{})",
        e.source,
        e.at.as_ref().map(|a| format!(", {a}")).unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "  version {}, prefix delegation {}, security groups for pods {}, custom networking {}",
        e.version.as_deref().unwrap_or("unknown"),
        on(e.prefix_delegation),
        on(e.pod_eni),
        on(e.custom_networking)
    );
    let n = |v: Option<u32>| v.map_or("unset".to_string(), |x| x.to_string());
    let _ = writeln!(
        s,
        "  MAX_ENI {}, WARM_ENI_TARGET {}, WARM_IP_TARGET {}, MINIMUM_IP_TARGET {}, WARM_PREFIX_TARGET {}",
        n(e.max_eni),
        e.warm_eni_target,
        n(e.warm_ip_target),
        n(e.minimum_ip_target),
        n(e.warm_prefix_target)
    );
    for a in &e.assumed {
        let _ = writeln!(s, "  assumed: {a}");
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
    if !v.pod_identity_associations.is_empty() {
        let _ = writeln!(s, "\nPod Identity associations");
        for a in &v.pod_identity_associations {
            let _ = writeln!(
                s,
                "  {}/{} -> {}{}  ({}; {})",
                a.namespace,
                a.service_account,
                match a.role.as_deref() {
                    Some(r) => r,
                    // eksctl creates a role from the entry's policies when
                    // it names none (eksctl docs, "EKS Pod Identity
                    // Associations").
                    None if a.sources.iter().any(|s| s.starts_with("eksctl")) => {
                        "(a role eksctl creates)"
                    }
                    None => "(role not stated)",
                },
                a.owner_addon
                    .as_ref()
                    .map(|o| format!(" [add-on {o}]"))
                    .unwrap_or_default(),
                a.sources.join(", "),
                a.at
            );
        }
    }
    if !v.notes.is_empty() {
        let _ = writeln!(s, "\nNot judged or assumed");
        for n in &v.notes {
            let _ = writeln!(
                s,
                "  [{}] {}: {}{}",
                n.kind,
                n.area,
                n.message,
                n.at.as_ref()
                    .map(|a| format!("  ({a})"))
                    .unwrap_or_default()
            );
        }
    }
    // Names come from the inputs: no control character reaches the terminal.
    crate::printable(&s).into_owned()
}

impl NodeSourceSummary {
    fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}
