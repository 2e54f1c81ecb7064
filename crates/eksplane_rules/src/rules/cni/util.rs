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
    if !pc.kind().is_karpenter() {
        return node_group_fix(pc, fix);
    }
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

/// A node group has one pod limit for all its types: the smallest value a
/// group of the fix allows, as eksctl's `maxPodsPerNode`.
fn node_group_fix(pc: &PoolCapacity<'_>, fix: &MaxPodsFix) -> String {
    use eksplane_facts::nodes::NodeSourceKind;
    let n = fix.groups.iter().map(|g| g.max_pods).min().unwrap_or(0);
    let mut s = String::new();
    match pc.kind() {
        NodeSourceKind::EksctlManaged => {
            let _ = writeln!(
                s,
                "managedNodeGroups:\n  - name: {}\n    maxPodsPerNode: {n}",
                pc.name()
            );
        }
        NodeSourceKind::EksctlSelfManaged => {
            let _ = writeln!(
                s,
                "nodeGroups:\n  - name: {}\n    maxPodsPerNode: {n}",
                pc.name()
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "# node group {}: set max pods to {n} in the launch template's NodeConfig\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: {n}",
                pc.name()
            );
        }
    }
    if fix.groups.len() > 1 {
        let _ = writeln!(
            s,
            "# its types need different values ({}): split the group by size to use each type fully",
            fix.groups
                .iter()
                .map(|g| g.max_pods.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s
}
