//! What `eksplane capacity` prints: per NodePool, Karpenter's view of each
//! allowed instance type beside the VPC CNI's, the verdict, and the maxPods
//! fix as YAML. The comparison comes computed
//! ([`eksplane_facts::capacity::pools`]); this module lays it out.

use crate::display_path;
use crate::table::{Align, Table};
use eksplane_capacity::{
    Comparison, GroupSelector, IpMode, MaxPodsFix, PodsSource, PrefixFallback, Verdict,
};
use eksplane_facts::capacity::{CniSource, EffectiveCni, PoolCapacity};
use eksplane_facts::nodes::NodeSourceKind;
use eksplane_model::Platform;
use eksplane_model::cni::aws_node::Setting;
use eksplane_source::{SourceDb, Span};
use serde::Serialize;
use std::fmt::Write;

/// Format name and version of the JSON document.
pub const FORMAT: &str = "eksplane-capacity";
pub const VERSION: u32 = 1;

/// Rows printed in full before the human output switches to a summary
/// (counts per verdict and the worst cases).
pub const FULL_TABLE_ROWS: usize = 24;
/// Worst cases shown in the summary.
pub const WORST_ROWS: usize = 15;

#[derive(Debug, Serialize)]
pub struct Located<T> {
    pub value: T,
    /// `file:line:column`.
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct SettingView {
    pub name: &'static str,
    pub value: String,
    pub at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CniSummary {
    /// `aws-node`, `addon-configuration` or `defaults`.
    pub source: &'static str,
    /// Where the settings were read (the DaemonSet or the add-on's
    /// `configurationValues`).
    pub at: Option<String>,
    pub version: Option<String>,
    pub prefix_delegation: bool,
    pub custom_networking: bool,
    pub pod_eni: bool,
    pub max_eni: Option<u32>,
    pub warm_eni_target: u32,
    pub warm_ip_target: Option<u32>,
    pub minimum_ip_target: Option<u32>,
    pub warm_prefix_target: Option<u32>,
    /// The capacity-relevant settings written in the aws-node manifest.
    pub settings: Vec<SettingView>,
}

#[derive(Debug, Serialize)]
pub struct KarpenterCell {
    pub pods: u32,
    /// `kubelet-max-pods`, `eni-limited` or `default-110`.
    pub pods_source: &'static str,
    pub pods_per_core_limit: Option<u32>,
    pub eni_limited_pods: u32,
    pub kube_reserved_cpu_millis: u64,
    pub kube_reserved_memory_mib: u64,
    pub allocatable_memory_mib: u64,
}

#[derive(Debug, Serialize)]
pub struct CniCell {
    /// `prefixes` or `secondary-ips`.
    pub mode: &'static str,
    /// Why prefix delegation, though on, is not in effect for this type.
    pub prefix_fallback: Option<String>,
    pub pod_enis: u32,
    pub pod_ips: u32,
    pub max_pods: u32,
    pub trunk_slot: bool,
    pub branch_eni_pods: u32,
}

#[derive(Debug, Serialize)]
pub struct RowView {
    pub instance_type: String,
    pub vcpus: u32,
    pub karpenter: KarpenterCell,
    pub cni: CniCell,
    pub ceiling: u32,
    pub attainable: u32,
    /// `consistent`, `over-committed` or `under-used`.
    pub verdict: &'static str,
    /// Pods admitted beyond the CNI's capacity (stuck in ContainerCreating).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_committed_by: Option<u32>,
    /// Pods per node the CNI could carry that are not admitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods_lost: Option<u32>,
}

#[derive(Debug, Default, Serialize)]
pub struct VerdictCounts {
    pub consistent: usize,
    pub over_committed: usize,
    pub under_used: usize,
}

#[derive(Debug, Serialize)]
pub struct SelectorView {
    pub key: &'static str,
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct MemoryView {
    pub instance_type: String,
    pub karpenter_kube_reserved_mib: u64,
    pub kubelet_before_mib: u64,
    pub kubelet_after_mib: u64,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub max_pods: u32,
    pub vcpus: Vec<u32>,
    pub instance_types: Vec<String>,
    pub selector: SelectorView,
    pub memory: Vec<MemoryView>,
}

#[derive(Debug, Serialize)]
pub struct FixView {
    /// Whether any allowed type is over-committed or under-used today.
    pub needed: bool,
    pub groups: Vec<GroupView>,
    pub nodeadm_expression: String,
    pub nodeadm_expression_without_vcpus: String,
    pub expression_mismatches: Vec<String>,
    pub memory_note: String,
}

#[derive(Debug, Serialize)]
pub struct PoolView {
    pub name: String,
    /// `karpenter`, `karpenter-static`, `auto-mode`, `eksctl-managed`,
    /// `eksctl-self-managed`, `managed-nodegroup`.
    pub kind: NodeSourceKind,
    /// How the output names it (`NodePool default`, `node group ng-1`).
    pub label: String,
    pub at: String,
    /// Where the admitted pod count comes from.
    pub admitted_from: String,
    /// What could not be judged or was assumed for this source.
    pub notes: Vec<String>,
    /// Named instance types the catalog does not know.
    pub unknown_types: Vec<String>,
    /// The EC2NodeClass named by `nodeClassRef`.
    pub node_class: Option<String>,
    /// Where it is; `None` when it is not in the inputs.
    pub node_class_at: Option<String>,
    pub ami_family: &'static str,
    pub kubelet_max_pods: Option<Located<i32>>,
    pub kubelet_pods_per_core: Option<Located<i32>>,
    pub allowed_types: usize,
    /// Allowed types the catalog lacks vCPUs or memory for (not compared).
    pub incomplete: Vec<String>,
    pub counts: VerdictCounts,
    /// Allowed types with both views, by vCPUs then name.
    pub rows: Vec<RowView>,
    pub fix: Option<FixView>,
}

#[derive(Debug, Serialize)]
pub struct CapacityView {
    pub format: &'static str,
    pub version: u32,
    pub catalog: String,
    pub cni: CniSummary,
    /// What eksplane assumed because the inputs do not say (CNI settings,
    /// versions): the verdicts below hold only under these assumptions.
    pub assumed: Vec<String>,
    pub node_pools: Vec<PoolView>,
}

impl CapacityView {
    /// Whether any pool has an over-committed or under-used type.
    pub fn has_problems(&self) -> bool {
        self.node_pools
            .iter()
            .any(|p| p.counts.over_committed + p.counts.under_used > 0)
    }
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

fn setting<T>(db: &SourceDb, name: &'static str, s: &Setting<T>, out: &mut Vec<SettingView>) {
    if let Some(raw) = &s.raw {
        out.push(SettingView {
            name,
            value: raw.clone(),
            at: s.span.map(|sp| at(db, sp)),
        });
    }
}

fn cni_summary(
    p: &Platform,
    db: &SourceDb,
    source: CniSource,
    pc: Option<&PoolCapacity<'_>>,
) -> CniSummary {
    let o = pc.map(|pc| pc.cni).unwrap_or_default();
    let mut settings = Vec::new();
    let (source_name, location, version) = match source {
        CniSource::AwsNode => {
            let a = p.aws_node.as_ref();
            if let Some(a) = a {
                let s = &a.settings;
                setting(
                    db,
                    "ENABLE_PREFIX_DELEGATION",
                    &s.enable_prefix_delegation,
                    &mut settings,
                );
                setting(
                    db,
                    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG",
                    &s.custom_network_cfg,
                    &mut settings,
                );
                setting(db, "ENABLE_POD_ENI", &s.enable_pod_eni, &mut settings);
                setting(db, "MAX_ENI", &s.max_eni, &mut settings);
                setting(db, "WARM_ENI_TARGET", &s.warm_eni_target, &mut settings);
                setting(db, "WARM_IP_TARGET", &s.warm_ip_target, &mut settings);
                setting(db, "MINIMUM_IP_TARGET", &s.minimum_ip_target, &mut settings);
                setting(
                    db,
                    "WARM_PREFIX_TARGET",
                    &s.warm_prefix_target,
                    &mut settings,
                );
            }
            (
                "aws-node",
                a.map(|a| at(db, a.daemonset.origin.span)),
                a.and_then(|a| a.version.as_ref().map(|v| v.value.clone())),
            )
        }
        CniSource::AddonConfiguration => {
            let addon = p.cluster_configs.iter().find_map(|cc| cc.addon("vpc-cni"));
            (
                "addon-configuration",
                addon.and_then(|a| {
                    a.value
                        .configuration_values
                        .as_ref()
                        .map(|c| at(db, c.span))
                }),
                addon.and_then(|a| a.value.version.as_ref().map(|v| v.value.clone())),
            )
        }
        CniSource::Defaults => ("defaults", None, None),
    };
    CniSummary {
        source: source_name,
        at: location,
        version: version.or_else(|| o.version.map(|v| v.to_string())),
        prefix_delegation: o.prefix_delegation,
        custom_networking: o.custom_networking,
        pod_eni: o.pod_eni,
        max_eni: o.max_eni,
        warm_eni_target: o.warm_eni_target,
        warm_ip_target: o.warm_ip_target,
        minimum_ip_target: o.minimum_ip_target,
        warm_prefix_target: o.warm_prefix_target,
        settings,
    }
}

fn pods_source(s: PodsSource) -> &'static str {
    match s {
        PodsSource::KubeletMaxPods => "kubelet-max-pods",
        PodsSource::EniLimited => "eni-limited",
        PodsSource::Default110 => "default-110",
    }
}

fn ami_family(f: eksplane_capacity::AmiFamily) -> &'static str {
    use eksplane_capacity::AmiFamily as A;
    match f {
        A::Al2 => "AL2",
        A::Al2023 => "AL2023",
        A::Bottlerocket => "Bottlerocket",
        A::Windows => "Windows",
        A::Custom => "Custom",
    }
}

fn row(c: &Comparison) -> RowView {
    let k = &c.karpenter;
    let (verdict, by, lost) = match c.verdict {
        Verdict::Consistent => ("consistent", None, None),
        Verdict::OverCommitted { by } => ("over-committed", Some(by), None),
        Verdict::UnderUsed { pods_lost } => ("under-used", None, Some(pods_lost)),
    };
    RowView {
        instance_type: c.instance_type.clone(),
        vcpus: c.vcpus,
        karpenter: KarpenterCell {
            pods: k.pods,
            pods_source: pods_source(k.pods_source),
            pods_per_core_limit: k.pods_per_core_limit,
            eni_limited_pods: k.eni_limited_pods,
            kube_reserved_cpu_millis: k.kube_reserved_cpu_millis,
            kube_reserved_memory_mib: k.kube_reserved_memory_mib(),
            allocatable_memory_mib: k.allocatable_memory_mib(),
        },
        cni: CniCell {
            mode: match c.cni.mode {
                IpMode::Prefixes => "prefixes",
                IpMode::SecondaryIps => "secondary-ips",
            },
            prefix_fallback: c.cni.prefix_fallback.map(|f| match f {
                PrefixFallback::NotNitro => "not Nitro: secondary IPs".to_string(),
                PrefixFallback::CniTooOld(v) => format!("CNI {v} < 1.9.0: secondary IPs"),
            }),
            pod_enis: c.cni.pod_enis,
            pod_ips: c.cni.pod_ips,
            max_pods: c.cni.max_pods,
            trunk_slot: c.cni.trunk_slot,
            branch_eni_pods: c.cni.branch_eni_pods,
        },
        ceiling: c.ceiling,
        attainable: c.attainable,
        verdict,
        over_committed_by: by,
        pods_lost: lost,
    }
}

fn fix_view(f: &MaxPodsFix, needed: bool) -> FixView {
    FixView {
        needed,
        groups: f
            .groups
            .iter()
            .map(|g| GroupView {
                max_pods: g.max_pods,
                vcpus: g.vcpus.clone(),
                instance_types: g.instance_types.clone(),
                selector: match &g.selector {
                    GroupSelector::InstanceCpu(v) => SelectorView {
                        key: "karpenter.k8s.aws/instance-cpu",
                        values: v.iter().map(ToString::to_string).collect(),
                    },
                    GroupSelector::InstanceTypes(v) => SelectorView {
                        key: "node.kubernetes.io/instance-type",
                        values: v.clone(),
                    },
                },
                memory: g
                    .memory
                    .iter()
                    .map(|m| MemoryView {
                        instance_type: m.instance_type.clone(),
                        karpenter_kube_reserved_mib: m.karpenter_kube_reserved_mib,
                        kubelet_before_mib: m.kubelet_before_mib,
                        kubelet_after_mib: m.kubelet_after_mib,
                    })
                    .collect(),
            })
            .collect(),
        nodeadm_expression: f.nodeadm_expression.clone(),
        nodeadm_expression_without_vcpus: f.nodeadm_expression_without_vcpus.clone(),
        expression_mismatches: f.expression_mismatches.clone(),
        memory_note: f.memory_note.clone(),
    }
}

/// Builds the view of computed pool capacities.
pub fn view(
    p: &Platform,
    db: &SourceDb,
    pools: &[PoolCapacity<'_>],
    cni: &EffectiveCni,
    catalog: &str,
) -> CapacityView {
    let cni_source = cni.source;
    let node_pools = pools
        .iter()
        .map(|pc| {
            let rows: Vec<RowView> = pc.rows.iter().map(row).collect();
            let mut counts = VerdictCounts::default();
            for r in &pc.rows {
                match r.verdict {
                    Verdict::Consistent => counts.consistent += 1,
                    Verdict::OverCommitted { .. } => counts.over_committed += 1,
                    Verdict::UnderUsed { .. } => counts.under_used += 1,
                }
            }
            let needed = counts.over_committed + counts.under_used > 0;
            let kubelet = pc.class.and_then(|c| c.kubelet());
            PoolView {
                name: pc.name().to_string(),
                kind: pc.kind(),
                label: pc.label(),
                at: at(db, pc.source.span),
                admitted_from: pc.admitted_from(),
                notes: pc.notes.clone(),
                unknown_types: pc.unknown.iter().map(|u| u.value.clone()).collect(),
                node_class: pc
                    .pool
                    .and_then(|pool| pool.spec.template.spec.node_class_ref.as_ref())
                    .map(|r| r.value.name.clone()),
                node_class_at: pc.class.map(|c| at(db, c.origin.span)),
                ami_family: ami_family(pc.inputs.ami_family),
                kubelet_max_pods: kubelet.and_then(|k| k.max_pods.as_ref()).map(|m| Located {
                    value: m.value,
                    at: at(db, m.span),
                }),
                kubelet_pods_per_core: kubelet.and_then(|k| k.pods_per_core.as_ref()).map(|m| {
                    Located {
                        value: m.value,
                        at: at(db, m.span),
                    }
                }),
                allowed_types: pc.rows.len() + pc.incomplete.len(),
                incomplete: pc.incomplete.clone(),
                counts,
                rows,
                fix: pc.fix.as_ref().map(|f| fix_view(f, needed)),
            }
        })
        .collect();
    CapacityView {
        format: FORMAT,
        version: VERSION,
        catalog: catalog.to_string(),
        cni: cni_summary(p, db, cni_source, pools.first()),
        assumed: cni.assumed.clone(),
        node_pools,
    }
}

/// Options of the human output.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Every allowed type, not only the summary and the worst cases.
    pub all_types: bool,
}

fn mib(v: u64) -> String {
    format!("{v}Mi")
}

fn verdict_cell(r: &RowView) -> String {
    match (r.over_committed_by, r.pods_lost) {
        (Some(by), _) => format!("OVER-COMMITTED by {by}"),
        (_, Some(lost)) => format!("UNDER-USED, {lost} lost"),
        _ => "consistent".to_string(),
    }
}

fn pods_from(r: &RowView) -> String {
    let base = match r.karpenter.pods_source {
        "kubelet-max-pods" => "maxPods",
        "eni-limited" => "ENI-limited",
        _ => "default",
    };
    match r.karpenter.pods_per_core_limit {
        Some(l) if l == r.karpenter.pods => format!("{base}, podsPerCore"),
        _ => base.to_string(),
    }
}

fn rows_table(rows: &[&RowView], out: &mut String) {
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                r.instance_type.clone(),
                r.vcpus.to_string(),
                r.karpenter.pods.to_string(),
                pods_from(r),
                format!("{}m", r.karpenter.kube_reserved_cpu_millis),
                mib(r.karpenter.kube_reserved_memory_mib),
                mib(r.karpenter.allocatable_memory_mib),
                match (r.cni.mode, &r.cni.prefix_fallback) {
                    ("prefixes", _) => "/28 prefixes".to_string(),
                    (_, Some(_)) => "IPs (fallback)".to_string(),
                    _ => "secondary IPs".to_string(),
                },
                r.cni.pod_enis.to_string(),
                r.cni.pod_ips.to_string(),
                r.cni.max_pods.to_string(),
                if r.cni.trunk_slot { "1" } else { "-" }.to_string(),
                if r.cni.branch_eni_pods > 0 {
                    r.cni.branch_eni_pods.to_string()
                } else {
                    "-".to_string()
                },
                r.attainable.to_string(),
                verdict_cell(r),
            ]
        })
        .collect();
    let t = Table {
        headers: vec![
            ("TYPE", Align::Left),
            ("VCPU", Align::Right),
            ("PODS", Align::Right),
            ("FROM", Align::Left),
            ("KR CPU", Align::Right),
            ("KR MEM", Align::Right),
            ("ALLOC MEM", Align::Right),
            ("MODE", Align::Left),
            ("ENIS", Align::Right),
            ("POD IPS", Align::Right),
            ("MAX PODS", Align::Right),
            ("TRUNK", Align::Right),
            ("BRANCH", Align::Right),
            ("ATTAINABLE", Align::Right),
            ("VERDICT", Align::Left),
        ],
        groups: vec![("Karpenter", 2, 5), ("VPC CNI", 7, 6)],
        rows: cells,
        indent: "    ",
    };
    t.render(out);
}

/// Worst first: over-committed by the most, then under-used by the most.
fn severity_key(r: &RowView) -> (u8, std::cmp::Reverse<u32>) {
    match (r.over_committed_by, r.pods_lost) {
        (Some(by), _) => (0, std::cmp::Reverse(by)),
        (_, Some(lost)) => (1, std::cmp::Reverse(lost)),
        _ => (2, std::cmp::Reverse(0)),
    }
}

/// The worst cases of a large set: the most over-committed and the most
/// under-used types, [`WORST_ROWS`] at most, half each when both kinds are
/// there; a consistent type when nothing is wrong.
fn worst(rows: &[RowView]) -> Vec<&RowView> {
    let mut sorted: Vec<&RowView> = rows.iter().collect();
    sorted.sort_by_key(|r| (severity_key(r), r.vcpus, r.instance_type.clone()));
    let over: Vec<&RowView> = sorted
        .iter()
        .copied()
        .filter(|r| r.over_committed_by.is_some())
        .collect();
    let under: Vec<&RowView> = sorted
        .iter()
        .copied()
        .filter(|r| r.pods_lost.is_some())
        .collect();
    let n_over = over
        .len()
        .min(WORST_ROWS.saturating_sub(under.len()).max(WORST_ROWS / 2));
    let n_under = under.len().min(WORST_ROWS - n_over);
    let mut out: Vec<&RowView> = over.into_iter().take(n_over).collect();
    out.extend(under.into_iter().take(n_under));
    if out.is_empty() {
        out.extend(sorted.into_iter().take(1));
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A YAML double-quoted scalar.
fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn range(v: impl IntoIterator<Item = u64>) -> String {
    let mut lo = u64::MAX;
    let mut hi = 0;
    for x in v {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if lo == u64::MAX {
        "-".into()
    } else if lo == hi {
        format!("{lo}")
    } else {
        format!("{lo}-{hi}")
    }
}

fn list(values: &[String], max: usize) -> String {
    if values.len() <= max {
        values.join(", ")
    } else {
        format!(
            "{}, ... ({} more)",
            values[..max].join(", "),
            values.len() - max
        )
    }
}

fn wrap(text: &str, indent: &str, width: usize, out: &mut String) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}

/// Values of a YAML selector list shown before the human output elides the rest.
const SELECTOR_VALUES_SHOWN: usize = 12;

fn render_fix(pool: &PoolView, f: &FixView, all: bool, out: &mut String) {
    let class = pool.node_class.as_deref().unwrap_or("default");
    if f.groups.len() == 1 {
        let g = &f.groups[0];
        let _ = writeln!(
            out,
            "  Fix: one kubelet.maxPods fits every allowed type: {} (EC2NodeClass {class}):",
            g.max_pods
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "    # EC2NodeClass {class}");
        let _ = writeln!(out, "    spec:");
        let _ = writeln!(out, "      kubelet:");
        let _ = writeln!(out, "        maxPods: {}", g.max_pods);
    } else {
        let _ = writeln!(
            out,
            "  Fix: one kubelet.maxPods cannot fit every allowed type; split by size into {} EC2NodeClass + NodePool pairs:",
            f.groups.len()
        );
        for g in &f.groups {
            let _ = writeln!(
                out,
                "    maxPods {:>4}  {} vCPUs, {} ({})",
                g.max_pods,
                list(
                    &g.vcpus.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    12
                ),
                plural(g.instance_types.len(), "type", "types"),
                list(&g.instance_types, 4)
            );
        }
        for g in &f.groups {
            let name = format!("{}-pods-{}", pool.name, g.max_pods);
            let cname = format!("{class}-pods-{}", g.max_pods);
            let _ = writeln!(out);
            let _ = writeln!(out, "    ---");
            let _ = writeln!(out, "    apiVersion: karpenter.k8s.aws/v1");
            let _ = writeln!(out, "    kind: EC2NodeClass");
            let _ = writeln!(out, "    metadata:");
            let _ = writeln!(out, "      name: {cname}");
            let _ = writeln!(out, "    spec:");
            let _ = writeln!(
                out,
                "      # the rest of EC2NodeClass {class}'s spec, unchanged"
            );
            let _ = writeln!(out, "      kubelet:");
            let _ = writeln!(out, "        maxPods: {}", g.max_pods);
            let _ = writeln!(out, "    ---");
            let _ = writeln!(out, "    apiVersion: karpenter.sh/v1");
            let _ = writeln!(out, "    kind: NodePool");
            let _ = writeln!(out, "    metadata:");
            let _ = writeln!(out, "      name: {name}");
            let _ = writeln!(out, "    spec:");
            let _ = writeln!(out, "      template:");
            let _ = writeln!(out, "        spec:");
            let _ = writeln!(out, "          nodeClassRef:");
            let _ = writeln!(out, "            group: karpenter.k8s.aws");
            let _ = writeln!(out, "            kind: EC2NodeClass");
            let _ = writeln!(out, "            name: {cname}");
            let _ = writeln!(out, "          requirements:");
            let _ = writeln!(
                out,
                "            # NodePool {}'s requirements, plus:",
                pool.name
            );
            let _ = writeln!(out, "            - key: {}", g.selector.key);
            let _ = writeln!(out, "              operator: In");
            let shown = if all {
                g.selector.values.len()
            } else {
                SELECTOR_VALUES_SHOWN
            };
            let values: Vec<String> = g
                .selector
                .values
                .iter()
                .take(shown)
                .map(|v| yaml_str(v))
                .collect();
            let mut line = String::from("              values: [");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                    if line.len() + v.len() > 96 {
                        let _ = writeln!(out, "{}", line.trim_end());
                        line = String::from("                ");
                    }
                }
                line.push_str(v);
            }
            let _ = writeln!(out, "{line}]");
            let hidden = g.selector.values.len().saturating_sub(values.len());
            if hidden > 0 {
                let _ = writeln!(
                    out,
                    "              # ... and {hidden} more: the whole list with --all-types or --format json"
                );
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  AL2023 nodeadm (managed or self-managed node groups; with Karpenter only where the EC2NodeClass leaves kubelet.maxPods unset):"
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "    apiVersion: node.eks.aws/v1alpha1");
    let _ = writeln!(out, "    kind: NodeConfig");
    let _ = writeln!(out, "    spec:");
    let _ = writeln!(out, "      kubelet:");
    let _ = writeln!(
        out,
        "        maxPodsExpression: {}",
        yaml_str(&f.nodeadm_expression)
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "    # nodeadm versions without the `vcpus` variable (caps every type at 110):"
    );
    let _ = writeln!(
        out,
        "    #   maxPodsExpression: {}",
        yaml_str(&f.nodeadm_expression_without_vcpus)
    );
    if !f.expression_mismatches.is_empty() {
        let _ = writeln!(
            out,
            "    # the expression does not give the attainable count for {} type(s): {}",
            f.expression_mismatches.len(),
            list(&f.expression_mismatches, 8)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  Memory (kube-reserved, MiB):");
    for g in &f.groups {
        let _ = writeln!(
            out,
            "    maxPods {:>4}: kubelet reserves {} today -> {}; Karpenter's simulation subtracts {}",
            g.max_pods,
            range(g.memory.iter().map(|m| m.kubelet_before_mib)),
            range(g.memory.iter().map(|m| m.kubelet_after_mib)),
            range(g.memory.iter().map(|m| m.karpenter_kube_reserved_mib)),
        );
    }
    wrap(&f.memory_note, "    ", 100, out);
}

/// The human report.
pub fn render_human(v: &CapacityView, o: HumanOptions) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let c = &v.cni;
    let mode = if c.prefix_delegation {
        "prefix delegation (/28 prefixes, 16 IPs per ENI slot)"
    } else {
        "secondary IPs (one per ENI slot)"
    };
    let _ = writeln!(out, "VPC CNI: {mode}");
    let from = match c.source {
        "aws-node" => "the aws-node DaemonSet",
        "addon-configuration" => "the vpc-cni add-on's configurationValues",
        _ => "nothing in the inputs: the CNI's defaults",
    };
    let _ = writeln!(
        out,
        "  from {from}{}{}",
        c.at.as_ref().map(|a| format!(" ({a})")).unwrap_or_default(),
        c.version
            .as_ref()
            .map(|v| format!(", version {v}"))
            .unwrap_or_default()
    );
    let mut flags = Vec::new();
    if c.custom_networking {
        flags.push("custom networking (primary ENI carries no pod IPs)".to_string());
    }
    if c.pod_eni {
        flags.push("ENABLE_POD_ENI (one ENI slot for the trunk)".to_string());
    }
    if let Some(m) = c.max_eni {
        flags.push(format!("MAX_ENI {m}"));
    }
    if !flags.is_empty() {
        let _ = writeln!(out, "  {}", flags.join("; "));
    }
    for s in &c.settings {
        let _ = writeln!(
            out,
            "  {}={}{}",
            s.name,
            s.value,
            s.at.as_ref()
                .map(|a| format!("  ({a})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "Catalog: {}", v.catalog);
    for a in &v.assumed {
        let _ = writeln!(out, "ASSUMED: {a}");
    }
    if v.node_pools.is_empty() {
        let _ = writeln!(
            out,
            "\nNo node source in the inputs (no Karpenter NodePool, eksctl node group or describe-nodegroup snapshot): nothing to judge."
        );
    }
    for p in &v.node_pools {
        let _ = writeln!(out, "\n{}  ({})", p.label, p.at);
        for n in &p.notes {
            let _ = writeln!(out, "  NOTE: {n}");
        }
        if !p.kind.is_karpenter() {
            node_group_body(p, o, &mut out);
            continue;
        }
        match (&p.node_class, &p.node_class_at) {
            (Some(n), Some(a)) => {
                let _ = writeln!(out, "  EC2NodeClass  {n}  ({a})");
            }
            (Some(n), None) => {
                let _ = writeln!(
                    out,
                    "  EC2NodeClass  {n}  (not in the inputs: Karpenter's defaults assumed)"
                );
            }
            _ => {
                let _ = writeln!(out, "  EC2NodeClass  none referenced");
            }
        }
        let _ = writeln!(out, "  AMI family    {}", p.ami_family);
        let mp = match &p.kubelet_max_pods {
            Some(m) => format!("maxPods {} ({})", m.value, m.at),
            None => "maxPods not set (Karpenter: ENI-limited per-IP count)".to_string(),
        };
        let ppc = match &p.kubelet_pods_per_core {
            Some(m) => format!("podsPerCore {} ({})", m.value, m.at),
            None => "podsPerCore not set".to_string(),
        };
        let _ = writeln!(out, "  kubelet       {mp}; {ppc}");
        let _ = writeln!(
            out,
            "  allowed       {}{}",
            plural(p.allowed_types, "instance type", "instance types"),
            if p.incomplete.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} without vCPU or memory facts, not compared: {}",
                    p.incomplete.len(),
                    list(&p.incomplete, 6)
                )
            }
        );
        if p.rows.is_empty() {
            let _ = writeln!(out, "  no catalog type satisfies the requirements");
            continue;
        }
        let worst_over = p.rows.iter().filter_map(|r| r.over_committed_by).max();
        let worst_lost = p.rows.iter().filter_map(|r| r.pods_lost).max();
        let _ = writeln!(
            out,
            "  verdicts      {} consistent, {} OVER-COMMITTED{}, {} UNDER-USED{}",
            p.counts.consistent,
            p.counts.over_committed,
            worst_over
                .map(|w| format!(" (up to {w} pods per node stuck ContainerCreating)"))
                .unwrap_or_default(),
            p.counts.under_used,
            worst_lost
                .map(|w| format!(" (up to {w} pods per node lost)"))
                .unwrap_or_default(),
        );
        let _ = writeln!(out);
        if o.all_types || p.rows.len() <= FULL_TABLE_ROWS {
            let rows: Vec<&RowView> = p.rows.iter().collect();
            rows_table(&rows, &mut out);
        } else {
            let rows = worst(&p.rows);
            let _ = writeln!(
                out,
                "  worst {} of {} types (--all-types prints every row):",
                rows.len(),
                p.rows.len()
            );
            rows_table(&rows, &mut out);
        }
        let _ = writeln!(out);
        if let Some(f) = &p.fix {
            if f.needed {
                render_fix(p, f, o.all_types, &mut out);
            } else {
                let _ = writeln!(out, "  No fix needed: every allowed type is consistent.");
            }
        }
    }
    let _ = writeln!(out);
    wrap(
        "PODS: what Karpenter advertises and schedules against (FROM: kubelet maxPods, or its \
         ENI-limited per-IP count). KR: kube-reserved. ALLOC MEM: Karpenter's allocatable memory. \
         MODE, ENIS, POD IPS: how the CNI gives pods IPs; MAX PODS: pod IPs + 2 host-network pods. \
         TRUNK: ENI slot held for the trunk (ENABLE_POD_ENI); BRANCH: branch ENIs for pods with \
         security groups. ATTAINABLE: MAX PODS capped at 110 (30 vCPUs or fewer) or 250. \
         OVER-COMMITTED: pods admitted beyond the CNI's IPs stay in ContainerCreating. UNDER-USED: \
         pods per node the CNI could carry but the kubelet does not admit, so the cluster buys \
         nodes it does not need.",
        "",
        100,
        &mut out,
    );
    let total: usize = v.node_pools.len();
    let bad = v
        .node_pools
        .iter()
        .filter(|p| p.counts.over_committed + p.counts.under_used > 0)
        .count();
    let _ = writeln!(
        out,
        "\n{total} node source(s), {bad} with over-committed or under-used instance types."
    );
    out
}

/// A node group: its types, where its pod count comes from, the table and
/// the one `maxPodsPerNode` that fits.
fn node_group_body(p: &PoolView, o: HumanOptions, out: &mut String) {
    let _ = writeln!(out, "  AMI family    {}", p.ami_family);
    let _ = writeln!(out, "  max pods      {}", p.admitted_from);
    let _ = writeln!(
        out,
        "  types         {}{}",
        plural(p.allowed_types, "instance type", "instance types"),
        if p.unknown_types.is_empty() {
            String::new()
        } else {
            format!("; not in the catalog: {}", p.unknown_types.join(", "))
        }
    );
    if p.rows.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let rows: Vec<&RowView> = if o.all_types || p.rows.len() <= FULL_TABLE_ROWS {
        p.rows.iter().collect()
    } else {
        worst(&p.rows)
    };
    rows_table(&rows, out);
    let _ = writeln!(out);
    if let Some(f) = &p.fix {
        if f.needed {
            let n = f.groups.iter().map(|g| g.max_pods).min().unwrap_or(0);
            let key = match p.kind {
                NodeSourceKind::EksctlManaged => "managedNodeGroups",
                _ => "nodeGroups",
            };
            let _ = writeln!(
                out,
                "  Fix: a node group has one pod limit for all its types; {n} fits every one:"
            );
            let _ = writeln!(out);
            let _ = writeln!(out, "    {key}:");
            let _ = writeln!(out, "      - name: {}", p.name);
            let _ = writeln!(out, "        maxPodsPerNode: {n}");
            if f.groups.len() > 1 {
                let _ = writeln!(
                    out,
                    "    # its types could each carry more ({}): split the group by size",
                    f.groups
                        .iter()
                        .map(|g| g.max_pods.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        } else {
            let _ = writeln!(out, "  No fix needed: every type is consistent.");
        }
    }
}

/// The versioned JSON document.
pub fn render_json(v: &CapacityView) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
