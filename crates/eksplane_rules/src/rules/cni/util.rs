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

/// The maxPods fix as edits, for a Karpenter NodePool and its EC2NodeClass
/// (both `v1`, read from the user's files as written).
///
/// One group: `spec.kubelet.maxPods` of the EC2NodeClass set to its value.
/// Several: the group already at the class's value (else the one with the
/// most types) stays on the pool and its class; every other group's types
/// leave the pool (a `NotIn` requirement per label key) and, when they span
/// two families or more, get a copy of the class (`<class>-<N>`,
/// `kubelet.maxPods: N`) and of the pool (`<pool>-<N>`, pointing at it and
/// requiring the group's types), each in a new file beside the original. A
/// group of one family is only excluded (a pool of one family is one
/// Karpenter cannot diversify: KAR005), and so is a group of types that are
/// all not Nitro (CNI003 asks for them to leave the pool).
///
/// Unsafe (only with `--unsafe-fixes`): a changed EC2NodeClass drifts, so
/// Karpenter replaces every node launched with it; a split adds NodePools,
/// each with a copy of the pool's `limits` (together they may grow past the
/// old cap) and its weight.
pub(crate) fn max_pods_edits(
    pc: &PoolCapacity<'_>,
    fix: &MaxPodsFix,
) -> Vec<eksplane_diagnostics::Edit> {
    use eksplane_capacity::GroupSelector;
    use eksplane_diagnostics::{Edit, YamlPath};
    use eksplane_facts::nodes::NodeSourceKind;
    use serde_json::json;
    let (Some(pool), Some(class)) = (pc.pool, pc.class) else {
        return Vec::new();
    };
    if pc.kind() != NodeSourceKind::Karpenter || fix.groups.is_empty() {
        return Vec::new();
    }
    let (Some(pool_at), Some(class_at)) = (
        crate::fix::editable(&pool.origin, "karpenter.sh/v1"),
        crate::fix::editable(&class.origin, "karpenter.k8s.aws/v1"),
    ) else {
        return Vec::new();
    };
    let max_pods = YamlPath::keys(["spec", "kubelet", "maxPods"]);
    // The group that stays: the one already at the class's value (fewest
    // changes), else the one with the most types.
    let current = class
        .spec
        .kubelet
        .as_ref()
        .and_then(|k| k.value.max_pods.as_ref())
        .and_then(|m| u32::try_from(m.value).ok());
    let Some(main) = fix
        .groups
        .iter()
        .find(|g| Some(g.max_pods) == current)
        .or_else(|| {
            fix.groups
                .iter()
                .max_by_key(|g| (g.instance_types.len(), g.max_pods))
        })
    else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    let Ok(e) = Edit::set(class_at, max_pods, main.max_pods) else {
        return Vec::new();
    };
    edits.push(e);
    // Types leaving the pool, one `NotIn` requirement per label key.
    let mut leaving: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for g in fix.groups.iter().filter(|g| !std::ptr::eq(*g, main)) {
        let (key, values): (&str, Vec<String>) = match &g.selector {
            GroupSelector::InstanceCpu(v) => (
                "karpenter.k8s.aws/instance-cpu",
                v.iter().map(u32::to_string).collect(),
            ),
            GroupSelector::InstanceTypes(v) => ("node.kubernetes.io/instance-type", v.clone()),
        };
        leaving
            .entry(key)
            .or_default()
            .extend(values.iter().cloned());
        // Types of one family alone would make a pool Karpenter cannot
        // diversify (KAR005): they only leave the pool.
        let families: std::collections::BTreeSet<&str> = g
            .instance_types
            .iter()
            .map(|t| t.split_once('.').map_or(t.as_str(), |(f, _)| f))
            .collect();
        // Types that are not Nitro (prefix delegation cannot apply) only
        // leave the pool too: CNI003 asks for them to go, a copy would keep
        // them.
        let all_xen = g.instance_types.iter().all(|t| {
            pc.rows.iter().any(|r| {
                r.instance_type == *t
                    && r.cni.prefix_fallback == Some(eksplane_capacity::PrefixFallback::NotNitro)
            })
        });
        if families.len() < 2 || all_xen {
            continue;
        }
        let class_name = format!("{}-{}", class.name(), g.max_pods);
        let pool_name = format!("{}-{}", pool.name(), g.max_pods);
        let (Some(mut class_copy), Some(mut pool_copy)) = (
            crate::fix::object_value(&class.origin),
            crate::fix::object_value(&pool.origin),
        ) else {
            return Vec::new();
        };
        crate::fix::put(&mut class_copy, &["metadata", "name"], json!(class_name));
        crate::fix::put(
            &mut class_copy,
            &["spec", "kubelet", "maxPods"],
            json!(g.max_pods),
        );
        crate::fix::put(&mut pool_copy, &["metadata", "name"], json!(pool_name));
        crate::fix::put(
            &mut pool_copy,
            &["spec", "template", "spec", "nodeClassRef", "name"],
            json!(class_name),
        );
        let requirement = |op: &str| json!({"key": key, "operator": op, "values": values});
        match crate::fix::get_mut(
            &mut pool_copy,
            &["spec", "template", "spec", "requirements"],
        )
        .and_then(|r| r.as_array_mut())
        {
            Some(list) => list.push(requirement("In")),
            None => crate::fix::put(
                &mut pool_copy,
                &["spec", "template", "spec", "requirements"],
                json!([requirement("In")]),
            ),
        }
        let created = [
            Edit::create_file(
                class_at,
                format!("{class_name}.ec2nodeclass.yaml"),
                &[class_copy],
            ),
            Edit::create_file(pool_at, format!("{pool_name}.nodepool.yaml"), &[pool_copy]),
        ];
        for e in created {
            match e {
                Ok(e) => edits.push(e),
                Err(_) => return Vec::new(),
            }
        }
    }
    for (key, mut values) in leaving {
        values.sort_by_key(|v| (v.parse::<u32>().unwrap_or(u32::MAX), v.clone()));
        match Edit::append(
            pool_at,
            YamlPath::keys(["spec", "template", "spec", "requirements"]),
            json!({"key": key, "operator": "NotIn", "values": values}),
        ) {
            Ok(e) => edits.push(e),
            Err(_) => return Vec::new(),
        }
    }
    edits
}
