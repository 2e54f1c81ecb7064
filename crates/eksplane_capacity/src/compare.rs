//! Karpenter's view against the CNI's, per instance type, and the maxPods
//! configuration that makes every type consistent.

use crate::calculator::{CEILING_LOW_CPU, ceiling_for_vcpus};
use crate::cni::{CniOptions, CniView, IpMode, NodeOs, cni_view_for};
use crate::expr::Expression;
use crate::karpenter::{CapacityError, KarpenterInputs, KarpenterView, MIB, karpenter_view};
use eksplane_aws_data::InstanceType;
use std::collections::BTreeSet;

/// Under-use threshold: a type is under-used when the pods it could carry
/// (the CNI's capacity, capped by AWS's recommended ceiling of 110 / 250)
/// exceed what is admitted by at least 10 % of that attainable count and by
/// at least 2 pods. Smaller gaps are rounding, not a capacity decision.
pub const UNDER_USE_PERCENT: u32 = 10;
pub const UNDER_USE_MIN_PODS: u32 = 2;

/// How the two views relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Consistent,
    /// The kubelet admits more pods than the CNI can give an IP: the excess
    /// stays in ContainerCreating.
    OverCommitted {
        by: u32,
    },
    /// The CNI could carry far more than is admitted: the cluster buys nodes
    /// it does not need.
    UnderUsed {
        pods_lost: u32,
    },
}

/// Both views of one instance type.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub instance_type: String,
    pub vcpus: u32,
    pub karpenter: KarpenterView,
    pub cni: CniView,
    /// Pods admitted (Karpenter's `pods`, what the node advertises).
    pub admitted: u32,
    /// The CNI's capacity including the 2 host-network pods.
    pub cni_max_pods: u32,
    /// 110 up to 30 vCPUs, 250 above (max-pods-calculator.sh).
    pub ceiling: u32,
    /// `min(cni_max_pods, ceiling)`: what a consistent maxPods would be.
    pub attainable: u32,
    pub verdict: Verdict,
}

/// The verdict for admitted pods against the CNI's capacity and the ceiling.
pub fn verdict(admitted: u32, cni_max_pods: u32, ceiling: u32) -> Verdict {
    if admitted > cni_max_pods {
        return Verdict::OverCommitted {
            by: admitted - cni_max_pods,
        };
    }
    let attainable = cni_max_pods.min(ceiling);
    let lost = attainable.saturating_sub(admitted);
    if lost >= UNDER_USE_MIN_PODS
        && u64::from(lost) * 100 >= u64::from(attainable) * u64::from(UNDER_USE_PERCENT)
    {
        Verdict::UnderUsed { pods_lost: lost }
    } else {
        Verdict::Consistent
    }
}

/// Compares the two views for one instance type.
pub fn compare(
    t: &InstanceType,
    karpenter: &KarpenterInputs,
    cni: &CniOptions,
) -> Result<Comparison, CapacityError> {
    let k = karpenter_view(t, karpenter)?;
    let os = karpenter.ami_family.node_os();
    // The node's kubelet admits Karpenter's pods: the warm pool stops there.
    let c = cni_view_for(t, cni, os).with_node_max_pods(k.pods);
    let vcpus = t.vcpus.unwrap_or_default();
    // Windows: the CNI's primary-ENI count is the whole story; the 110/250
    // ceilings are the Linux calculator's.
    let ceiling = match os {
        NodeOs::Linux => ceiling_for_vcpus(vcpus),
        NodeOs::Windows => c.max_pods,
    };
    let admitted = k.pods;
    let cni_max_pods = c.max_pods;
    Ok(Comparison {
        instance_type: t.name.clone(),
        vcpus,
        admitted,
        cni_max_pods,
        ceiling,
        attainable: cni_max_pods.min(ceiling),
        verdict: verdict(admitted, cni_max_pods, ceiling),
        karpenter: k,
        cni: c,
    })
}

/// How a group of types can be selected in a NodePool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSelector {
    /// `karpenter.k8s.aws/instance-cpu` In these values (the groups' vCPU sets
    /// do not overlap).
    InstanceCpu(Vec<u32>),
    /// `node.kubernetes.io/instance-type` In these names.
    InstanceTypes(Vec<String>),
}

/// The kube-reserved memory consequence for one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryChange {
    pub instance_type: String,
    /// What Karpenter subtracts today (AL2/AL2023/Custom: 11 x the ENI-limited
    /// count + 255, whatever maxPods says; Bottlerocket/Windows: from pods()).
    pub karpenter_kube_reserved_mib: u64,
    /// What it subtracts with the recommended maxPods.
    pub karpenter_kube_reserved_after_mib: u64,
    /// Whether maxPods changes kube-reserved memory on this family: no on
    /// AL2/AL2023/Custom (nodeadm reserves from its own default max pods or
    /// the maxPodsExpression result, never from a kubelet maxPods override;
    /// Karpenter the same), yes on Bottlerocket and Windows.
    pub follows_max_pods: bool,
}

/// One maxPods value for a set of types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxPodsGroup {
    pub max_pods: u32,
    pub instance_types: Vec<String>,
    pub vcpus: Vec<u32>,
    pub selector: GroupSelector,
    pub memory: Vec<MemoryChange>,
}

/// The maxPods configuration that makes every compared type consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxPodsFix {
    /// One EC2NodeClass `kubelet.maxPods` per group (one group: one value fits all).
    pub groups: Vec<MaxPodsGroup>,
    /// AL2023 nodeadm `maxPodsExpression` over nodeadm's only variables
    /// (`default_enis`, `ips_per_eni`, `max_pods`): the CNI's count capped at
    /// 110. nodeadm cannot see vCPUs, so types above 30 vCPUs get 110, not 250.
    /// It applies to nodes nodeadm configures without a kubelet `maxPods`;
    /// Karpenter writes a concrete maxPods, which wins over the expression.
    pub nodeadm_expression: String,
    /// Types for which `nodeadm_expression` does not give the attainable count
    /// (above 30 vCPUs; non-Nitro types, which fall back from prefixes).
    pub expression_mismatches: Vec<String>,
    /// The kube-reserved memory consequence, in words.
    pub memory_note: String,
}

/// The nodeadm expression for these CNI settings: ENIs of the default card
/// (capped by MAX_ENI, minus the trunk slot and the custom-networking primary
/// ENI) times the IPs per ENI in the mode, plus 2, capped at 110. Only
/// nodeadm's variables (`default_enis`, `ips_per_eni`; awslabs/amazon-eks-ami
/// nodeadm/internal/kubelet/eni_max_pods.go) appear.
pub fn nodeadm_expression(cni: &CniOptions) -> String {
    let mut enis = "default_enis".to_string();
    if let Some(m) = cni.max_eni.filter(|m| *m > 0) {
        enis = format!("(default_enis < {m} ? default_enis : {m})");
    }
    let minus = u32::from(cni.pod_eni) + u32::from(cni.custom_networking);
    if minus > 0 {
        enis = format!("({enis} - {minus})");
    }
    let per_eni = if cni.prefix_delegation {
        "((ips_per_eni - 1) * 16)"
    } else {
        "(ips_per_eni - 1)"
    };
    let raw = format!("({enis} * {per_eni} + 2)");
    format!("{raw} < {CEILING_LOW_CPU} ? {raw} : {CEILING_LOW_CPU}")
}

/// Groups the compared types by the maxPods that fits them: types sorted by
/// attainable count, a group's value is its smallest attainable count (so no
/// type over-commits), and a new group starts where a type would be under-used
/// by that value ([`verdict`]'s threshold).
pub fn recommend_max_pods(comparisons: &[Comparison], cni: &CniOptions) -> MaxPodsFix {
    let mut sorted: Vec<&Comparison> = comparisons.iter().collect();
    sorted.sort_by(|a, b| (a.attainable, &a.instance_type).cmp(&(b.attainable, &b.instance_type)));
    let mut groups: Vec<Vec<&Comparison>> = Vec::new();
    for c in sorted {
        match groups.last_mut() {
            Some(g)
                if matches!(
                    verdict(g[0].attainable, c.cni_max_pods, c.ceiling),
                    Verdict::Consistent
                ) =>
            {
                g.push(c);
            }
            _ => groups.push(vec![c]),
        }
    }
    let vcpu_sets: Vec<BTreeSet<u32>> = groups
        .iter()
        .map(|g| g.iter().map(|c| c.vcpus).collect())
        .collect();
    let disjoint = vcpu_sets
        .iter()
        .enumerate()
        .all(|(i, a)| vcpu_sets.iter().skip(i + 1).all(|b| a.is_disjoint(b)));
    let groups: Vec<MaxPodsGroup> = groups
        .into_iter()
        .zip(vcpu_sets)
        .map(|(g, vcpus)| {
            let v = g[0].attainable;
            let mut names: Vec<String> = g.iter().map(|c| c.instance_type.clone()).collect();
            names.sort();
            MaxPodsGroup {
                max_pods: v,
                selector: if disjoint {
                    GroupSelector::InstanceCpu(vcpus.iter().copied().collect())
                } else {
                    GroupSelector::InstanceTypes(names.clone())
                },
                vcpus: vcpus.into_iter().collect(),
                memory: g.iter().map(|c| memory_change(c, v)).collect(),
                instance_types: names,
            }
        })
        .collect();
    let expr_text = nodeadm_expression(cni);
    let mut expression_mismatches = Vec::new();
    if let Ok(e) = Expression::parse(&expr_text) {
        for c in comparisons {
            let got = e.eval_int(&|name| match name {
                "default_enis" => Some(i64::from(c.cni.card_enis)),
                "ips_per_eni" => Some(i64::from(c.cni.slots_per_eni) + 1),
                _ => None,
            });
            if c.cni.os == NodeOs::Windows || got != Ok(i64::from(c.attainable)) {
                expression_mismatches.push(c.instance_type.clone());
            }
        }
    }
    expression_mismatches.sort();
    let prefix = comparisons.iter().any(|c| c.cni.mode == IpMode::Prefixes);
    let follows = comparisons.iter().any(|c| {
        !c.karpenter
            .ami_family
            .feature_flags()
            .uses_eni_limited_memory_overhead
    });
    let mut memory_note = format!(
        "kube-reserved memory on AL2023 nodes is 11 x maxPods + 255 MiB of nodeadm's own max pods (its ENI \
         default, or the maxPodsExpression result), never of a kubelet maxPods override (nodeadm config.go \
         withDefaultReservedResources); Karpenter subtracts the same on AL2/AL2023 (types.go, \
         UsesENILimitedMemoryOverhead). So changing maxPods{} changes neither and the two stay equal: \
         no kubeReserved.memory setting is needed. On Karpenter nodes the concrete kubelet maxPods Karpenter \
         writes wins over any maxPodsExpression.",
        if prefix {
            " (prefix delegation included)"
        } else {
            ""
        }
    );
    if follows {
        memory_note.push_str(
            " Bottlerocket and Windows compute kube-reserved from the pods the node admits: it follows maxPods.",
        );
    }
    MaxPodsFix {
        groups,
        nodeadm_expression: expr_text,
        expression_mismatches,
        memory_note,
    }
}

/// kube-reserved memory today and with `max_pods` for one compared type
/// (karpenter-provider-aws types.go `kubeReservedResources`: 11 x pods + 255
/// MiB, from the ENI-limited count where `UsesENILimitedMemoryOverhead`).
fn memory_change(c: &Comparison, max_pods: u32) -> MemoryChange {
    let k = &c.karpenter;
    let before = k.kube_reserved_memory_bytes / MIB;
    let computed = (11 * u64::from(k.kube_reserved_pods) + 255) * MIB;
    // A NodeClass kubeReserved.memory replaces the computed value: no change.
    let overridden = k.kube_reserved_memory_bytes != computed;
    let follows = !k
        .ami_family
        .feature_flags()
        .uses_eni_limited_memory_overhead;
    let after = if follows && !overridden {
        let pods = k.pods_per_core_limit.map_or(max_pods, |l| max_pods.min(l));
        11 * u64::from(pods) + 255
    } else {
        before
    };
    MemoryChange {
        instance_type: c.instance_type.clone(),
        karpenter_kube_reserved_mib: before,
        karpenter_kube_reserved_after_mib: after,
        follows_max_pods: follows && !overridden,
    }
}
