//! Karpenter's retired APIs. `karpenter.sh/v1beta1` NodePools and
//! `karpenter.k8s.aws/v1beta1` EC2NodeClasses are converted to v1 the way
//! Karpenter's conversion webhook does, then decoded through the v1 model,
//! each with a warning naming the migration; `v1alpha5` Provisioners and
//! Machines, `v1alpha1` AWSNodeTemplates and v1beta1 NodeClaims are
//! recognised and reported as not analysed (never a silent pass).
//!
//! Sources: kubernetes-sigs/karpenter pkg/apis/v1/nodepool_conversion.go
//! (`ConvertFrom`), aws/karpenter-provider-aws
//! pkg/apis/v1/ec2nodeclass_conversion.go (`ConvertFrom`), and the v1
//! migration guide ([`MIGRATION_GUIDE`]).

use crate::{Ctx, decode_or_report, with_node};
use eksplane_diagnostics::{Finding, Severity, input};
use eksplane_model::karpenter::{Ec2NodeClass, KubeletConfiguration, NodePool};
use eksplane_model::{KubeObject, ObjectMeta, OpaqueObject, Origin};
use eksplane_source::{Node, NodeKind, Scalar, ScalarStyle, Span, Spanned, decode};
use std::collections::BTreeMap;

/// Karpenter's v1 migration guide.
pub(crate) const MIGRATION_GUIDE: &str = "https://karpenter.sh/v1.0/upgrading/v1-migration/";
/// Karpenter's v1beta1 migration guide (from v1alpha5/v1alpha1).
pub(crate) const V1BETA1_MIGRATION_GUIDE: &str =
    "https://karpenter.sh/v0.32/upgrading/v1beta1-migration/";

fn scalar(text: &str, span: Span) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar(Scalar {
            text: text.to_string(),
            style: ScalarStyle::Plain,
        }),
    }
}

fn entries_mut(n: &mut Node) -> Option<&mut Vec<(Node, Node)>> {
    match &mut n.kind {
        NodeKind::Map(m) => Some(m),
        _ => None,
    }
}

fn get_mut<'a>(n: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    entries_mut(n)?
        .iter_mut()
        .rev()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// Removes `key` from a mapping, returning its key and value nodes.
fn take(n: &mut Node, key: &str) -> Option<(Node, Node)> {
    let m = entries_mut(n)?;
    let i = m.iter().rposition(|(k, _)| k.as_str() == Some(key))?;
    Some(m.remove(i))
}

/// The mapping at `key`, created (empty, at `span`) when absent.
fn map_at<'a>(n: &'a mut Node, key: &str, span: Span) -> Option<&'a mut Node> {
    if n.get(key).is_none() {
        entries_mut(n)?.push((
            scalar(key, span),
            Node {
                span,
                kind: NodeKind::Map(Vec::new()),
            },
        ));
    }
    get_mut(n, key).filter(|v| v.as_map().is_some())
}

fn set(n: &mut Node, key: Node, value: Node) {
    let Some(name) = key.as_str().map(str::to_string) else {
        return;
    };
    if let Some(m) = entries_mut(n) {
        m.retain(|(k, _)| k.as_str() != Some(name.as_str()));
        m.push((key, value));
    }
}

fn name_of(node: &Node) -> String {
    node.get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("<unnamed>")
        .to_string()
}

fn retired_warning(origin: &Origin, node: &Node, message: String) -> Finding {
    let span = node.get("apiVersion").map_or(origin.span, |v| v.span);
    Finding::new(
        input::RETIRED_API,
        Severity::Warning,
        "Retired Karpenter API version",
        message,
        span,
    )
    .object(format!("{}/{}", origin.kind, name_of(node)))
}

/// A `karpenter.sh/v1beta1` NodePool, converted as `NodePool.ConvertFrom`
/// does, then decoded as v1.
pub(crate) fn load_v1beta1_node_pool(ctx: &mut Ctx, mut node: Node, origin: Origin) {
    let mut changes: Vec<&str> = Vec::new();
    let at = node.span;
    let mut kubelet: Option<(Node, Node)> = None;
    if let Some(spec) = get_mut(&mut node, "spec") {
        // `spec.disruption.expireAfter` -> `spec.template.spec.expireAfter`.
        let expire = get_mut(spec, "disruption").and_then(|d| take(d, "expireAfter"));
        if let Some(d) = get_mut(spec, "disruption") {
            // `WhenUnderutilized` -> `WhenEmptyOrUnderutilized` with
            // `consolidateAfter: 0s` (v1beta1 forbade consolidateAfter with it).
            if let Some(p) = get_mut(d, "consolidationPolicy")
                && p.as_str() == Some("WhenUnderutilized")
                && let NodeKind::Scalar(s) = &mut p.kind
            {
                s.text = "WhenEmptyOrUnderutilized".to_string();
                let span = p.span;
                if d.get("consolidateAfter").is_none() {
                    set(d, scalar("consolidateAfter", span), scalar("0s", span));
                }
                changes.push("consolidationPolicy WhenUnderutilized -> WhenEmptyOrUnderutilized (consolidateAfter 0s)");
            }
        }
        let tspec = map_at(spec, "template", at).and_then(|t| map_at(t, "spec", at));
        if let Some(tspec) = tspec {
            if let Some((k, v)) = expire {
                if tspec.get("expireAfter").is_none() {
                    set(tspec, scalar("expireAfter", k.span), v);
                }
                changes.push("spec.disruption.expireAfter -> spec.template.spec.expireAfter");
            }
            // `nodeClassRef {apiVersion, kind, name}` -> `{group, kind, name}`;
            // the defaults are the provider's one node class
            // (karpenter.k8s.aws EC2NodeClass).
            if let Some(r) = get_mut(tspec, "nodeClassRef")
                && r.as_map().is_some()
            {
                let span = r.span;
                let api = take(r, "apiVersion");
                let group = api
                    .as_ref()
                    .and_then(|(_, v)| v.as_str())
                    .map(|a| a.split('/').next().unwrap_or_default().to_string())
                    .filter(|g| !g.is_empty())
                    .unwrap_or_else(|| "karpenter.k8s.aws".to_string());
                let gspan = api.as_ref().map_or(span, |(_, v)| v.span);
                if r.get("group").is_none() {
                    set(r, scalar("group", gspan), scalar(&group, gspan));
                }
                if r.get("kind").is_none() {
                    set(r, scalar("kind", span), scalar("EC2NodeClass", span));
                }
                changes.push("nodeClassRef apiVersion -> group");
            }
            // `spec.template.spec.kubelet` -> the EC2NodeClass (v1).
            kubelet = take(tspec, "kubelet");
        }
    }
    let what = format!("NodePool {}", name_of(&node));
    let kubelet_value = match &kubelet {
        Some((k, v)) => match decode::<KubeletConfiguration>(v) {
            Ok(c) => {
                ctx.v1beta1_kubelets.insert(name_of(&node), canonical(v));
                changes.push("spec.template.spec.kubelet -> EC2NodeClass spec.kubelet");
                Some(Spanned::new(c, k.span))
            }
            Err(e) => {
                ctx.findings.push(crate::decode_error(&what, &e));
                None
            }
        },
        None => None,
    };
    let done = if changes.is_empty() {
        "no field needed converting".to_string()
    } else {
        format!("converted: {}", changes.join("; "))
    };
    ctx.findings.push(retired_warning(
        &origin,
        &node,
        format!(
            "{what} uses karpenter.sh/v1beta1, which Karpenter v1 no longer serves; it is checked as Karpenter's conversion to v1 reads it ({done}); migrate it: {MIGRATION_GUIDE}"
        ),
    ));
    crate::schema::check_unknown_fields(ctx, &node, &origin);
    if let Some(mut pool) = decode_or_report::<NodePool>(ctx, &what, &node) {
        pool.v1beta1_kubelet = kubelet_value;
        pool.origin = with_node(origin, node);
        ctx.stats.objects += 1;
        ctx.platform.node_pools.push(pool);
    }
}

/// A `karpenter.k8s.aws/v1beta1` EC2NodeClass, converted as
/// `EC2NodeClass.ConvertFrom` does (the AMI family becomes an
/// `amiSelectorTerms` alias when no terms are given), then decoded as v1.
pub(crate) fn load_v1beta1_node_class(ctx: &mut Ctx, mut node: Node, origin: Origin) {
    let mut changes: Vec<String> = Vec::new();
    let mut unusable = false;
    if let Some(spec) = get_mut(&mut node, "spec") {
        let family = spec
            .get("amiFamily")
            .and_then(Node::as_str)
            .map(str::to_string);
        let has_terms = spec
            .get("amiSelectorTerms")
            .and_then(Node::as_seq)
            .is_some_and(|t| !t.is_empty());
        match family.as_deref() {
            Some(f @ ("AL2" | "AL2023" | "Bottlerocket" | "Windows2019" | "Windows2022"))
                if !has_terms =>
            {
                if let Some((k, v)) = take(spec, "amiFamily") {
                    let alias = format!("{}@latest", f.to_ascii_lowercase());
                    let term = Node {
                        span: v.span,
                        kind: NodeKind::Map(vec![(
                            scalar("alias", k.span),
                            scalar(&alias, v.span),
                        )]),
                    };
                    set(
                        spec,
                        scalar("amiSelectorTerms", k.span),
                        Node {
                            span: v.span,
                            kind: NodeKind::Seq(vec![term]),
                        },
                    );
                    changes.push(format!("amiFamily {f} -> amiSelectorTerms alias {alias}"));
                }
            }
            Some("AL2" | "AL2023" | "Bottlerocket" | "Windows2019" | "Windows2022") => {}
            // Ubuntu is not a v1 family: AL2 bootstrapping (same user data);
            // without amiSelectorTerms the class is marked incompatible and
            // Karpenter ignores it for provisioning.
            Some("Ubuntu") => {
                if let Some(v) = get_mut(spec, "amiFamily")
                    && let NodeKind::Scalar(s) = &mut v.kind
                {
                    s.text = "AL2".to_string();
                }
                unusable = !has_terms;
                changes.push("amiFamily Ubuntu -> AL2 (Ubuntu is not a v1 AMI family)".into());
            }
            Some(other) => {
                if let Some(v) = get_mut(spec, "amiFamily")
                    && let NodeKind::Scalar(s) = &mut v.kind
                {
                    if other != "Custom" {
                        changes.push(format!("amiFamily {other} -> Custom"));
                    }
                    s.text = "Custom".to_string();
                }
            }
            None => {}
        }
    }
    let what = format!("EC2NodeClass {}", name_of(&node));
    let mut done = if changes.is_empty() {
        "no field needed converting".to_string()
    } else {
        format!("converted: {}", changes.join("; "))
    };
    if unusable {
        done.push_str("; with no amiSelectorTerms, Karpenter v1 marks this EC2NodeClass incompatible and launches nothing from it");
    }
    ctx.findings.push(retired_warning(
        &origin,
        &node,
        format!(
            "{what} uses karpenter.k8s.aws/v1beta1, which Karpenter v1 no longer serves; it is checked as Karpenter's conversion to v1 reads it ({done}); migrate it: {MIGRATION_GUIDE}"
        ),
    ));
    crate::schema::check_unknown_fields(ctx, &node, &origin);
    if let Some(mut class) = decode_or_report::<Ec2NodeClass>(ctx, &what, &node) {
        class.origin = with_node(origin, node);
        ctx.stats.objects += 1;
        ctx.platform.node_classes.push(class);
    }
}

/// Karpenter kinds eksplane does not analyse in this version: kept opaque,
/// with a warning saying so and where to migrate.
pub(crate) fn load_not_analysed(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = format!("{} {}", origin.kind, name_of(&node));
    let message = match origin.kind.as_str() {
        "Provisioner" | "AWSNodeTemplate" | "Machine" => format!(
            "{what} uses {}, retired since Karpenter v0.32 (Provisioner -> NodePool, AWSNodeTemplate -> EC2NodeClass, Machine -> NodeClaim); it is not analysed; migrate it ({V1BETA1_MIGRATION_GUIDE}, then {MIGRATION_GUIDE})",
            origin.api_version
        ),
        _ => format!(
            "{what} uses {}, which Karpenter v1 no longer serves; NodeClaims are created by Karpenter, not configured, and are not analysed; migrate: {MIGRATION_GUIDE}",
            origin.api_version
        ),
    };
    ctx.findings.push(retired_warning(&origin, &node, message));
    let metadata = node
        .get("metadata")
        .and_then(|m| decode::<ObjectMeta>(m).ok())
        .unwrap_or_default();
    ctx.stats.opaque += 1;
    ctx.platform.opaque.push(OpaqueObject {
        metadata,
        origin: with_node(origin, node),
    });
}

/// After every input is read: a v1beta1 NodePool's kubelet settings go to
/// the EC2NodeClass it uses, as the v1 migration guide says to do by hand,
/// when that is unambiguous (the class has none of its own and every pool
/// using it carries the same settings). Otherwise the pools are reported:
/// one EC2NodeClass per kubelet configuration is needed.
pub(crate) fn attach_v1beta1_kubelets(ctx: &mut Ctx) {
    let mut users: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in ctx.platform.node_pools.iter().enumerate() {
        if let Some(r) = &p.spec.template.spec.node_class_ref {
            users.entry(r.value.name.clone()).or_default().push(i);
        }
    }
    let mut found = Vec::new();
    for (class_name, pools) in users {
        let with: Vec<usize> = pools
            .iter()
            .copied()
            .filter(|i| ctx.platform.node_pools[*i].v1beta1_kubelet.is_some())
            .collect();
        let Some(&first) = with.first() else {
            continue;
        };
        let Some(ci) = ctx
            .platform
            .node_classes
            .iter()
            .position(|c| c.name() == class_name)
        else {
            continue;
        };
        let text_of = |i: usize| {
            ctx.v1beta1_kubelets
                .get(ctx.platform.node_pools[i].name())
                .cloned()
        };
        let same = with.len() == pools.len() && with.iter().all(|i| text_of(*i) == text_of(first));
        let class_has_own = ctx.platform.node_classes[ci].spec.kubelet.is_some();
        if same && !class_has_own {
            let k = ctx.platform.node_pools[first].v1beta1_kubelet.clone();
            ctx.platform.node_classes[ci].spec.kubelet = k;
            continue;
        }
        let names: Vec<String> = pools
            .iter()
            .map(|i| ctx.platform.node_pools[*i].name().to_string())
            .collect();
        let why = if class_has_own {
            "the EC2NodeClass sets its own kubelet".to_string()
        } else {
            format!(
                "NodePools {} share it with different kubelet settings",
                names.join(", ")
            )
        };
        for i in &with {
            let p = &ctx.platform.node_pools[*i];
            let Some(k) = &p.v1beta1_kubelet else {
                continue;
            };
            found.push(
                Finding::new(
                    input::RETIRED_API,
                    Severity::Warning,
                    "Retired Karpenter API version",
                    format!(
                        "NodePool {}: its v1beta1 kubelet settings have no EC2NodeClass to go to in v1 ({why} of EC2NodeClass {class_name}); give this NodePool its own EC2NodeClass with these settings in spec.kubelet ({MIGRATION_GUIDE}); checks use the EC2NodeClass's settings for it",
                        p.name()
                    ),
                    k.span,
                )
                .related(ctx.platform.node_classes[ci].origin.span, "the EC2NodeClass")
                .object(format!("NodePool/{}", p.name())),
            );
        }
    }
    ctx.findings.extend(found);
}

/// A node tree as text without positions, to compare settings written in
/// different places.
fn canonical(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar(s) => format!("{:?}", s.text),
        NodeKind::Seq(items) => {
            let v: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", v.join(","))
        }
        NodeKind::Map(entries) => {
            let mut v: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", canonical(k), canonical(v)))
                .collect();
            v.sort();
            format!("{{{}}}", v.join(","))
        }
    }
}
