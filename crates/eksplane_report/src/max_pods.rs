//! What `eksplane max-pods` prints: AWS's max-pods calculator per instance
//! type, as an aligned table, a versioned JSON document or CSV, with the
//! explanation of each figure on request. The figures come computed
//! ([`eksplane_capacity::max_pods`], [`eksplane_capacity::nodeadm_max_pods`]);
//! this module only lays them out.

use crate::table::{Align, Table, csv_line};
use eksplane_capacity::{MaxPods, NodeadmMaxPods, PrefixDelegation, Step};
use serde::Serialize;
use std::fmt::Write;

/// Format name and version of the JSON document.
pub const FORMAT: &str = "eksplane-max-pods";
pub const VERSION: u32 = 1;

/// One computed row: the calculator's result, and nodeadm's when asked.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The NodePool whose allowed set the type came from (`--node-pool`).
    pub node_pool: Option<String>,
    pub max_pods: MaxPods,
    pub nodeadm: Option<NodeadmMaxPods>,
}

/// What to show besides the required columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Show {
    /// The raw maximum column in the table (always in JSON and CSV).
    pub max_allowed: bool,
    /// nodeadm's default per-IP figure.
    pub nodeadm: bool,
    /// The `maxPodsExpression` result.
    pub expression: bool,
    /// The steps of each computation with their sources.
    pub explain: bool,
}

#[derive(Debug, Serialize)]
pub struct OptionsView {
    pub cni_version: String,
    pub prefix_delegation: bool,
    pub custom_networking: bool,
    pub cni_max_eni: Option<u32>,
    pub show_max_allowed: bool,
    pub max_pods_expression: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub rule: String,
    pub computation: String,
    pub source: &'static str,
}

impl From<Step> for StepView {
    fn from(s: Step) -> Self {
        StepView {
            rule: s.rule,
            computation: s.computation,
            source: s.source,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct NodeadmView {
    /// `default_enis x (ips_per_eni - 1) + 2`, whatever prefix delegation says.
    pub standard: u32,
    /// The expression's value; `None` when it failed (see `expression_error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_value: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_error: Option<String>,
    /// What the kubelet gets.
    pub max_pods: u32,
    pub kube_reserved_memory_mib: u64,
}

#[derive(Debug, Serialize)]
pub struct Row {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_pool: Option<String>,
    pub instance_type: String,
    pub vcpus: Option<u32>,
    /// ENIs of the default network card.
    pub enis: u32,
    /// ENIs left for pods after `--cni-max-eni` and custom networking.
    pub enis_for_pods: u32,
    pub ipv4_per_eni: u32,
    pub hypervisor: String,
    /// `applied`, `not-requested`, `not-nitro` or `cni-too-old`.
    pub prefix_delegation: &'static str,
    /// The raw maximum (`--show-max-allowed`).
    pub max_allowed: u32,
    /// The recommended value: the raw maximum capped at 110 (30 vCPUs or
    /// fewer) or 250; `None` when the vCPU count is unknown and the cap
    /// matters (110 or 250: not guessed).
    pub max_pods: Option<u32>,
    pub ceiling: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodeadm: Option<NodeadmView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<StepView>,
}

#[derive(Debug, Serialize)]
pub struct MaxPodsView {
    pub format: &'static str,
    pub version: u32,
    /// Where the instance facts came from.
    pub catalog: String,
    pub options: OptionsView,
    pub rows: Vec<Row>,
    #[serde(skip)]
    show: Show,
}

pub fn prefix_status(p: PrefixDelegation) -> &'static str {
    match p {
        PrefixDelegation::NotRequested => "not-requested",
        PrefixDelegation::Applied => "applied",
        PrefixDelegation::NotNitro => "not-nitro",
        PrefixDelegation::CniTooOld => "cni-too-old",
    }
}

/// Builds the view of computed entries (all computed with the same options).
pub fn view(entries: &[Entry], catalog: &str, expression: Option<&str>, show: Show) -> MaxPodsView {
    let options = match entries.first() {
        Some(e) => {
            let o = &e.max_pods.options;
            OptionsView {
                cni_version: o.cni_version.to_string(),
                prefix_delegation: o.prefix_delegation,
                custom_networking: o.custom_networking,
                cni_max_eni: o.cni_max_eni,
                show_max_allowed: o.show_max_allowed,
                max_pods_expression: expression.map(str::to_string),
            }
        }
        None => OptionsView {
            cni_version: String::new(),
            prefix_delegation: false,
            custom_networking: false,
            cni_max_eni: None,
            show_max_allowed: show.max_allowed,
            max_pods_expression: expression.map(str::to_string),
        },
    };
    let rows = entries
        .iter()
        .map(|e| {
            let m = &e.max_pods;
            let mut explain: Vec<StepView> = Vec::new();
            if show.explain {
                explain.extend(m.explain().into_iter().map(StepView::from));
                if let Some(n) = &e.nodeadm {
                    explain.extend(n.explain().into_iter().map(StepView::from));
                }
            }
            Row {
                node_pool: e.node_pool.clone(),
                instance_type: m.instance_type.clone(),
                vcpus: m.vcpus,
                enis: m.card_enis,
                enis_for_pods: m.enis_for_pods,
                ipv4_per_eni: m.ipv4_per_eni,
                hypervisor: m.hypervisor.to_string(),
                prefix_delegation: prefix_status(m.prefix_delegation),
                max_allowed: m.max_allowed,
                max_pods: m.recommended(),
                ceiling: m.ceiling,
                nodeadm: e.nodeadm.as_ref().map(|n| NodeadmView {
                    standard: n.standard,
                    expression_value: n.expression.as_ref().and_then(|(_, r)| r.clone().ok()),
                    expression_error: n
                        .expression
                        .as_ref()
                        .and_then(|(_, r)| r.as_ref().err().map(ToString::to_string)),
                    max_pods: n.max_pods,
                    kube_reserved_memory_mib: n.kube_reserved_memory_mib,
                }),
                explain,
            }
        })
        .collect();
    MaxPodsView {
        format: FORMAT,
        version: VERSION,
        catalog: catalog.to_string(),
        options,
        rows,
        show,
    }
}

fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The aligned table, then (with `explain`) each type's steps.
pub fn render_table(v: &MaxPodsView) -> String {
    let show = v.show;
    let pools = v.rows.iter().any(|r| r.node_pool.is_some());
    let mut headers = Vec::new();
    if pools {
        headers.push(("NODEPOOL", Align::Left));
    }
    headers.extend([
        ("INSTANCE TYPE", Align::Left),
        ("VCPUS", Align::Right),
        ("ENIS", Align::Right),
        ("IPV4/ENI", Align::Right),
        ("HYPERVISOR", Align::Left),
        ("PREFIX DELEGATION", Align::Left),
        ("MAX PODS", Align::Right),
    ]);
    if show.max_allowed {
        headers.push(("MAX ALLOWED", Align::Right));
    }
    if show.nodeadm {
        headers.push(("NODEADM", Align::Right));
    }
    if show.expression {
        headers.push(("EXPRESSION", Align::Right));
    }
    let mut failed = 0usize;
    let mut first_error: Option<&str> = None;
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let mut cells = Vec::with_capacity(headers.len());
            if pools {
                cells.push(r.node_pool.clone().unwrap_or_default());
            }
            cells.extend([
                r.instance_type.clone(),
                opt(r.vcpus),
                if r.enis_for_pods == r.enis {
                    r.enis.to_string()
                } else {
                    format!("{}/{}", r.enis_for_pods, r.enis)
                },
                r.ipv4_per_eni.to_string(),
                r.hypervisor.clone(),
                r.prefix_delegation.to_string(),
                r.max_pods
                    .map_or_else(|| "?".to_string(), |m| m.to_string()),
            ]);
            if show.max_allowed {
                cells.push(r.max_allowed.to_string());
            }
            if show.nodeadm {
                cells.push(
                    r.nodeadm
                        .as_ref()
                        .map_or("-".into(), |n| n.standard.to_string()),
                );
            }
            if show.expression {
                cells.push(match &r.nodeadm {
                    Some(n) => match (&n.expression_value, &n.expression_error) {
                        (Some(x), _) => x.to_string(),
                        (None, e) => {
                            failed += 1;
                            if first_error.is_none() {
                                first_error = e.as_deref();
                            }
                            format!("{} (fallback)", n.max_pods)
                        }
                    },
                    None => "-".into(),
                });
            }
            cells
        })
        .collect();
    let table = Table {
        headers,
        groups: vec![],
        rows,
        indent: "",
    };
    let mut out = String::with_capacity(96 * (v.rows.len() + 4));
    table.render(&mut out);
    let unknown: Vec<&str> = v
        .rows
        .iter()
        .filter(|r| r.max_pods.is_none())
        .map(|r| r.instance_type.as_str())
        .collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "\n? no source gives the vCPU count of {}: the recommendation is 110 (30 vCPUs or fewer) or 250, not guessed; the raw maximum is in --show-max-allowed",
            unknown.join(", ")
        );
    }
    if failed > 0 {
        let _ = writeln!(
            out,
            "\nmaxPodsExpression failed for {failed} type(s); nodeadm logs a warning and keeps its default: {}",
            first_error.unwrap_or("error")
        );
    }
    let _ = writeln!(
        out,
        "\nMAX PODS is the recommended value (capped at 110 up to 30 vCPUs, 250 above); CNI {}, prefix delegation {}{}{}.",
        v.options.cni_version,
        if v.options.prefix_delegation {
            "requested"
        } else {
            "off"
        },
        if v.options.custom_networking {
            ", custom networking"
        } else {
            ""
        },
        v.options
            .cni_max_eni
            .map(|m| format!(", at most {m} ENIs"))
            .unwrap_or_default()
    );
    if show.explain {
        for r in &v.rows {
            let _ = writeln!(
                out,
                "\n{}{}: max allowed {}, recommended {}",
                r.instance_type,
                r.node_pool
                    .as_ref()
                    .map(|p| format!(" (NodePool {p})"))
                    .unwrap_or_default(),
                r.max_allowed,
                r.max_pods.map_or_else(
                    || "110 or 250 (vCPU count unknown)".to_string(),
                    |m| m.to_string()
                )
            );
            for (i, s) in r.explain.iter().enumerate() {
                let _ = writeln!(out, "  {}. {}", i + 1, s.rule);
                let _ = writeln!(out, "     {}", s.computation);
                let _ = writeln!(out, "     source: {}", s.source);
            }
        }
    }
    out
}

/// The versioned JSON document.
pub fn render_json(v: &MaxPodsView) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// CSV: `instance_type,max_pods,max_allowed,vcpus,enis,ipv4_per_eni,hypervisor,prefix_delegation`,
/// led by `node_pool` when the types came from NodePools, followed by
/// `nodeadm_max_pods` and `expression_max_pods` when asked.
pub fn render_csv(v: &MaxPodsView) -> String {
    let pools = v.rows.iter().any(|r| r.node_pool.is_some());
    let show = v.show;
    let mut out = String::with_capacity(64 * (v.rows.len() + 1));
    let mut header: Vec<&str> = Vec::new();
    if pools {
        header.push("node_pool");
    }
    header.extend([
        "instance_type",
        "max_pods",
        "max_allowed",
        "vcpus",
        "enis",
        "enis_for_pods",
        "ipv4_per_eni",
        "hypervisor",
        "prefix_delegation",
    ]);
    if show.nodeadm {
        header.push("nodeadm_max_pods");
    }
    if show.expression {
        header.push("expression_max_pods");
    }
    csv_line(&header, &mut out);
    let mut cells: Vec<String> = Vec::with_capacity(header.len());
    for r in &v.rows {
        cells.clear();
        if pools {
            cells.push(r.node_pool.clone().unwrap_or_default());
        }
        cells.extend([
            r.instance_type.clone(),
            r.max_pods.map(|m| m.to_string()).unwrap_or_default(),
            r.max_allowed.to_string(),
            r.vcpus.map(|x| x.to_string()).unwrap_or_default(),
            r.enis.to_string(),
            r.enis_for_pods.to_string(),
            r.ipv4_per_eni.to_string(),
            r.hypervisor.clone(),
            r.prefix_delegation.to_string(),
        ]);
        if show.nodeadm {
            cells.push(
                r.nodeadm
                    .as_ref()
                    .map(|n| n.standard.to_string())
                    .unwrap_or_default(),
            );
        }
        if show.expression {
            // The value the kubelet gets: the expression's, or nodeadm's
            // default when it failed.
            cells.push(
                r.nodeadm
                    .as_ref()
                    .map(|n| n.max_pods.to_string())
                    .unwrap_or_default(),
            );
        }
        csv_line(&cells, &mut out);
    }
    out
}
