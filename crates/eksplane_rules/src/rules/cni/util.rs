//! Shared by the CNI rules: where settings are written, how pools are named.

use eksplane_capacity::{CniOptions, MaxPodsFix};
use eksplane_facts::capacity::PoolCapacity;
use eksplane_model::cni::CniSettings;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;
use std::fmt::Write;

/// Where an aws-node setting is written; else the DaemonSet; else nothing.
pub(crate) fn setting_span(p: &Platform, f: impl Fn(&CniSettings) -> Option<Span>) -> Option<Span> {
    let a = p.aws_node.as_ref()?;
    Some(f(&a.settings).unwrap_or(a.daemonset.origin.span))
}

/// The most specific place a pool's pod count comes from: the NodeClass's
/// `kubelet.maxPods`, else the NodeClass, else the NodePool's `nodeClassRef`.
pub(crate) fn pool_anchor(pc: &PoolCapacity<'_>) -> Span {
    if let Some(m) = pc.max_pods_set() {
        return m.span;
    }
    if let Some(c) = pc.class {
        return c.origin.locate(&["spec", "kubelet"]);
    }
    pc.pool
        .spec
        .template
        .spec
        .node_class_ref
        .as_ref()
        .map_or(pc.pool.origin.span, |r| r.span)
}

/// `a, b, c and 12 more`.
pub(crate) fn list(items: &[String], max: usize) -> String {
    list_with(items, max, ", ")
}

/// Like [`list`], for items that contain commas: `a; b; c; and 12 more`.
pub(crate) fn list_long(items: &[String], max: usize) -> String {
    list_with(items, max, "; ")
}

fn list_with(items: &[String], max: usize, sep: &str) -> String {
    if items.len() <= max {
        return items.join(sep);
    }
    format!(
        "{}{sep}and {} more",
        items[..max].join(sep),
        items.len() - max
    )
}

/// Groups shown in a finding's fix; `eksplane capacity` prints them all.
const FIX_GROUPS: usize = 3;

/// A short description of the CNI mode.
pub(crate) fn mode(cni: &CniOptions) -> String {
    let mut s = if cni.prefix_delegation {
        "prefix delegation".to_string()
    } else {
        "secondary IPs".to_string()
    };
    if cni.custom_networking {
        s.push_str(", custom networking");
    }
    if cni.pod_eni {
        s.push_str(", security groups for pods");
    }
    s
}

/// The fix as YAML: one EC2NodeClass `kubelet.maxPods` per group with the
/// NodePool requirement that selects it, then the nodeadm expression.
pub(crate) fn fix_snippet(pc: &PoolCapacity<'_>, fix: &MaxPodsFix) -> String {
    use eksplane_capacity::GroupSelector;
    let class = pc.class.map_or("default", |c| c.name());
    let mut s = String::new();
    for (i, g) in fix.groups.iter().enumerate().take(FIX_GROUPS) {
        let name = if fix.groups.len() == 1 {
            class.to_string()
        } else {
            format!("{class}-{}", g.max_pods)
        };
        let (key, values) = match &g.selector {
            GroupSelector::InstanceCpu(v) => (
                "karpenter.k8s.aws/instance-cpu",
                v.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>(),
            ),
            GroupSelector::InstanceTypes(v) => (
                "node.kubernetes.io/instance-type",
                v.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>(),
            ),
        };
        if i > 0 {
            s.push_str("---\n");
        }
        let _ = writeln!(
            s,
            "# EC2NodeClass {name}: {} type(s)\nspec:\n  kubelet:\n    maxPods: {}",
            g.instance_types.len(),
            g.max_pods
        );
        if fix.groups.len() > 1 {
            let _ = writeln!(
                s,
                "# NodePool for it (nodeClassRef.name: {name}):\n#   requirements:\n#     - key: {key}\n#       operator: In\n#       values: [{}]",
                values.join(", ")
            );
        }
    }
    if fix.groups.len() > FIX_GROUPS {
        let _ = writeln!(
            s,
            "# ... {} more group(s): `eksplane capacity` prints every one",
            fix.groups.len() - FIX_GROUPS
        );
    }
    let _ = writeln!(
        s,
        "---\n# or, AL2023 nodes bootstrapped by nodeadm (NodeConfig):\nspec:\n  kubelet:\n    maxPodsExpression: \"{}\"",
        fix.nodeadm_expression
    );
    s
}
