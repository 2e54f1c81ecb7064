//! Pod capacity of a platform's node pools: for each Karpenter NodePool, the
//! instance types it allows (its requirements against the catalog's labels),
//! and for each type Karpenter's view beside the VPC CNI's (from
//! `eksplane_capacity`), with the verdict and the maxPods fix.
//!
//! This is the glue between the model (NodePool, EC2NodeClass, aws-node
//! settings) and the pure formulas; the CNI rules and `eksplane capacity`
//! both read it.

use eksplane_aws_data::{Catalog, InstanceType};
use eksplane_capacity::{
    AmiFamily, CniOptions, CniVersion, Comparison, EvictionThreshold, KarpenterInputs,
    KubeletSettings, MaxPodsFix, compare, recommend_max_pods,
};
use eksplane_model::karpenter::{Ec2NodeClass, NodePool, Requirement};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Spanned;

/// Well-known label keys a requirement can constrain instance types by.
/// Source: karpenter.sh docs, "NodePools" / "Well-Known Labels", and
/// karpenter-provider-aws `pkg/apis/v1/labels.go`.
pub const LABEL_INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const LABEL_ARCH: &str = "kubernetes.io/arch";
pub const LABEL_CAPACITY_TYPE: &str = "karpenter.sh/capacity-type";

/// Where the CNI settings came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CniSource {
    /// The `kube-system/aws-node` DaemonSet.
    AwsNode,
    /// The eksctl `vpc-cni` add-on's `configurationValues` env.
    AddonConfiguration,
    /// Nothing in the inputs: the CNI's defaults.
    Defaults,
}

/// A NodePool's pod capacity, type by type.
#[derive(Debug, Clone)]
pub struct PoolCapacity<'a> {
    pub pool: &'a NodePool,
    /// The EC2NodeClass its `nodeClassRef` names, when in the inputs.
    pub class: Option<&'a Ec2NodeClass>,
    pub inputs: KarpenterInputs,
    pub cni: CniOptions,
    /// Allowed types with both views, sorted by vCPUs then name.
    pub rows: Vec<Comparison>,
    /// Allowed types the catalog lacks the facts for (vCPUs or memory).
    pub incomplete: Vec<String>,
    /// The maxPods configuration that makes every allowed type consistent.
    pub fix: Option<MaxPodsFix>,
}

impl PoolCapacity<'_> {
    pub fn name(&self) -> &str {
        self.pool.name()
    }

    /// Whether kubelet `maxPods` is set on the NodeClass.
    pub fn max_pods_set(&self) -> Option<&Spanned<i32>> {
        self.class
            .and_then(|c| c.kubelet())
            .and_then(|k| k.max_pods.as_ref())
    }
}

/// The label values Karpenter gives nodes of type `t`, for the keys that
/// constrain instance types. `None`: the key does not depend on the type
/// (zones, custom labels): such requirements never exclude a type.
fn label_values(t: &InstanceType, key: &str) -> Option<Vec<String>> {
    match key {
        LABEL_INSTANCE_TYPE => Some(vec![t.name.clone()]),
        // EC2 names x86_64 and arm64; Kubernetes amd64 and arm64
        // (karpenter-provider-aws instancetype/types.go `computeRequirements`).
        LABEL_ARCH => Some(
            t.architectures
                .iter()
                .filter_map(|a| match a.as_str() {
                    "x86_64" => Some("amd64".to_string()),
                    "arm64" => Some("arm64".to_string()),
                    _ => None,
                })
                .collect(),
        ),
        LABEL_CAPACITY_TYPE => {
            let mut v = Vec::new();
            if t.supports_on_demand() {
                v.push("on-demand".to_string());
            }
            if t.supports_spot() {
                v.push("spot".to_string());
            }
            Some(v)
        }
        k if k.starts_with("karpenter.k8s.aws/instance-") => {
            Some(t.karpenter_label(k).into_iter().collect())
        }
        _ => None,
    }
}

fn requirement_allows(r: &Requirement, t: &InstanceType) -> bool {
    match label_values(t, &r.key) {
        None => true,
        // The type has no value for this label (e.g. no GPU): the label is
        // absent on the node.
        Some(values) if values.is_empty() => r.matches(None),
        // A node has one value per label; a type that can be launched with
        // several (capacity type: on-demand and spot) satisfies the
        // requirement when one of them does, for every operator.
        Some(values) => values.iter().any(|v| r.matches(Some(v))),
    }
}

/// The instance types a NodePool allows: every requirement holds. Karpenter
/// launches on-demand capacity when the pool says nothing about
/// `karpenter.sh/capacity-type` (karpenter-provider-aws
/// `pkg/cloudprovider/suite_test.go`, "CapacityType should default to
/// on-demand"); no other default narrows the set here. The risk rules take
/// the other side on purpose: `rules::karpenter::util::pool_capacity_types`
/// counts such a pool as able to launch Spot, as observed in
/// aws/karpenter-provider-aws#5015 (open). Sizing uses the documented
/// default; "could this land on Spot" assumes the worst.
pub fn allowed_types<'c>(pool: &NodePool, catalog: &'c Catalog) -> Vec<&'c InstanceType> {
    let reqs = &pool.spec.template.spec.requirements;
    let has_capacity_type = reqs.iter().any(|r| r.key == LABEL_CAPACITY_TYPE);
    catalog
        .iter()
        .filter(|t| reqs.iter().all(|r| requirement_allows(&r.value, t)))
        // issue 10 item 1: a type whose usage classes no source gives (entries
        // from vpc-limits.csv / the CNI's table) is kept, not dropped silently;
        // one missing vCPUs or memory is then listed as incomplete.
        .filter(|t| has_capacity_type || t.supports_on_demand() || t.usage_classes.is_empty())
        .collect()
}

/// The VPC CNI settings in effect: the aws-node DaemonSet's env, else the
/// eksctl vpc-cni add-on's `configurationValues` env, else the defaults.
pub fn cni_options(p: &Platform) -> (CniOptions, CniSource) {
    if let Some(a) = &p.aws_node {
        let s = &a.settings;
        let opts = CniOptions {
            version: a
                .version
                .as_ref()
                .and_then(|v| v.value.parse::<CniVersion>().ok()),
            prefix_delegation: s.enable_prefix_delegation.value,
            custom_networking: s.custom_network_cfg.value,
            pod_eni: s.enable_pod_eni.value,
            max_eni: s.max_eni.value.filter(|n| *n > 0),
            warm_eni_target: s.warm_eni_target.value,
            warm_ip_target: s.warm_ip_target.value,
            minimum_ip_target: s.minimum_ip_target.value,
            warm_prefix_target: s.warm_prefix_target.value,
        };
        return (opts, CniSource::AwsNode);
    }
    for cc in &p.cluster_configs {
        let Some(addon) = cc.addon("vpc-cni") else {
            continue;
        };
        let Some(cfg) = &addon.value.configuration_values else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&cfg.value) else {
            continue;
        };
        let env = |k: &str| v.get("env").and_then(|e| e.get(k)).and_then(|x| x.as_str());
        let flag = |k: &str| env(k).is_some_and(|x| x.eq_ignore_ascii_case("true"));
        let num = |k: &str| env(k).and_then(|x| x.trim().parse::<u32>().ok());
        let opts = CniOptions {
            version: addon
                .value
                .version
                .as_ref()
                .and_then(|v| v.value.parse::<CniVersion>().ok()),
            prefix_delegation: flag("ENABLE_PREFIX_DELEGATION"),
            custom_networking: flag("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"),
            pod_eni: flag("ENABLE_POD_ENI"),
            max_eni: num("MAX_ENI").filter(|n| *n > 0),
            // issue 10 item 8: configurationValues start from the managed
            // add-on's shipped defaults (WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1).
            warm_eni_target: num("WARM_ENI_TARGET")
                .unwrap_or(CniOptions::managed_addon_defaults().warm_eni_target),
            warm_ip_target: num("WARM_IP_TARGET"),
            minimum_ip_target: num("MINIMUM_IP_TARGET"),
            warm_prefix_target: num("WARM_PREFIX_TARGET")
                .or(CniOptions::managed_addon_defaults().warm_prefix_target),
        };
        return (opts, CniSource::AddonConfiguration);
    }
    // issue 10 item 8: nothing in the inputs -- the CNI as AWS ships it.
    (CniOptions::managed_addon_defaults(), CniSource::Defaults)
}

fn to_u64(q: &eksplane_model::Quantity) -> Option<u64> {
    u64::try_from(q.units_ceil()).ok()
}

/// What Karpenter's instance-type math reads from an EC2NodeClass.
pub fn karpenter_inputs(class: Option<&Ec2NodeClass>) -> KarpenterInputs {
    use eksplane_model::karpenter::AmiFamily as M;
    let family = match class.and_then(Ec2NodeClass::ami_family) {
        Some(M::Al2) => AmiFamily::Al2,
        Some(M::Bottlerocket) => AmiFamily::Bottlerocket,
        Some(M::Windows2019 | M::Windows2022 | M::Windows2025) => AmiFamily::Windows,
        Some(M::Custom) => AmiFamily::Custom,
        // AL2023 is the family of the `al2023@` alias and Karpenter's default.
        Some(M::Al2023) | None => AmiFamily::Al2023,
    };
    let mut inputs = KarpenterInputs::new(family);
    if let Some(k) = class.and_then(Ec2NodeClass::kubelet) {
        let cpu_millis =
            |m: &std::collections::BTreeMap<String, Spanned<eksplane_model::Quantity>>| {
                m.get("cpu")
                    .and_then(|q| u64::try_from(q.value.milli()).ok())
            };
        let mem = |m: &std::collections::BTreeMap<String, Spanned<eksplane_model::Quantity>>| {
            m.get("memory").and_then(|q| to_u64(&q.value))
        };
        inputs.kubelet = KubeletSettings {
            max_pods: k
                .max_pods
                .as_ref()
                .and_then(|m| u32::try_from(m.value).ok()),
            pods_per_core: k
                .pods_per_core
                .as_ref()
                .and_then(|m| u32::try_from(m.value).ok()),
            kube_reserved_cpu_millis: cpu_millis(&k.kube_reserved),
            kube_reserved_memory_bytes: mem(&k.kube_reserved),
            system_reserved_cpu_millis: cpu_millis(&k.system_reserved),
            system_reserved_memory_bytes: mem(&k.system_reserved),
            eviction_hard_memory: k
                .eviction_hard
                .get("memory.available")
                .and_then(|v| eviction(&v.value)),
        };
    }
    inputs
}

/// `100Mi` or `5%`.
fn eviction(text: &str) -> Option<EvictionThreshold> {
    let t = text.trim();
    if let Some(p) = t.strip_suffix('%') {
        return p.trim().parse::<f64>().ok().map(EvictionThreshold::Percent);
    }
    eksplane_model::Quantity::parse(t)
        .ok()
        .and_then(|q| to_u64(&q))
        .map(EvictionThreshold::Bytes)
}

/// Whether an EC2NodeClass `subnetSelectorTerms` entry selects `subnet`: its
/// `id` (when given) and every tag (`*` matches any value) match. A term
/// with neither selects nothing (Karpenter requires one of them).
pub fn selects_subnet(
    term: &eksplane_model::karpenter::SelectorTerm,
    subnet: &eksplane_model::aws::Subnet,
) -> bool {
    let id_ok = term.id.as_deref().is_none_or(|id| subnet.id() == Some(id));
    let tags_ok = term
        .tags
        .iter()
        .all(|(k, v)| subnet.tag(k).is_some_and(|x| v == "*" || x == v));
    id_ok && tags_ok && (term.id.is_some() || !term.tags.is_empty())
}

/// The EC2NodeClass a NodePool's `nodeClassRef` names.
pub fn node_class_of<'a>(p: &'a Platform, pool: &NodePool) -> Option<&'a Ec2NodeClass> {
    let name = pool
        .spec
        .template
        .spec
        .node_class_ref
        .as_ref()
        .map(|r| r.value.name.as_str())?;
    p.node_classes.iter().find(|c| c.name() == name)
}

/// The Karpenter controller Deployment in the inputs (named `karpenter`, or
/// with a container named `controller` in a namespace called `karpenter`).
pub fn karpenter_deployment(p: &Platform) -> Option<&eksplane_model::k8s::Workload> {
    p.workloads.iter().find(|w| {
        w.kind == eksplane_model::k8s::WorkloadKind::Deployment
            && (w.name() == "karpenter"
                || (w.namespace() == Some("karpenter")
                    && w.template
                        .spec
                        .containers
                        .iter()
                        .any(|c| c.name == "controller")))
    })
}

/// A Karpenter controller env var (`RESERVED_ENIS`, ...), when the Deployment
/// is in the inputs and sets it.
pub fn karpenter_env<'a>(p: &'a Platform, name: &str) -> Option<&'a str> {
    karpenter_deployment(p)?
        .template
        .spec
        .containers
        .iter()
        .flat_map(|c| c.env.iter().flatten())
        .find(|e| e.name == name)
        .and_then(|e| e.value.as_deref())
}

/// Karpenter's global settings from its Deployment's env (helm
/// `settings.reservedENIs`, `settings.vmMemoryOverheadPercent`), else the
/// defaults (karpenter-provider-aws `pkg/operator/options/options.go`).
pub fn karpenter_settings(p: &Platform) -> eksplane_capacity::KarpenterSettings {
    let mut s = eksplane_capacity::KarpenterSettings::default();
    if let Some(n) = karpenter_env(p, "RESERVED_ENIS").and_then(|v| v.trim().parse().ok()) {
        s.reserved_enis = n;
    }
    if let Some(f) = karpenter_env(p, "VM_MEMORY_OVERHEAD_PERCENT")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite() && (0.0..1.0).contains(f))
    {
        s.vm_memory_overhead_percent = f;
    }
    s
}

/// Every NodePool's capacity against `catalog`.
pub fn pools<'a>(p: &'a Platform, catalog: &Catalog) -> Vec<PoolCapacity<'a>> {
    let (cni, _) = cni_options(p);
    p.node_pools
        .iter()
        .map(|pool| pool_capacity(p, pool, catalog, cni))
        .collect()
}

/// One NodePool's capacity.
pub fn pool_capacity<'a>(
    p: &'a Platform,
    pool: &'a NodePool,
    catalog: &Catalog,
    cni: CniOptions,
) -> PoolCapacity<'a> {
    let class = node_class_of(p, pool);
    let mut inputs = karpenter_inputs(class);
    inputs.settings = karpenter_settings(p);
    let mut rows = Vec::new();
    let mut incomplete = Vec::new();
    for t in allowed_types(pool, catalog) {
        match compare(t, &inputs, &cni) {
            Ok(c) => rows.push(c),
            Err(_) => incomplete.push(t.name.clone()),
        }
    }
    rows.sort_by(|a, b| {
        a.vcpus
            .cmp(&b.vcpus)
            .then_with(|| a.instance_type.cmp(&b.instance_type))
    });
    let fix = (!rows.is_empty()).then(|| recommend_max_pods(&rows, &cni));
    PoolCapacity {
        pool,
        class,
        inputs,
        cni,
        rows,
        incomplete,
        fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(text: &str) -> Platform {
        let l = eksplane_load::load_texts([("t.yaml", text)]);
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        l.platform
    }

    const POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: p}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i, c7g]}
        - {key: karpenter.k8s.aws/instance-size, operator: In, values: [medium, 4xlarge]}
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
";

    #[test]
    fn requirements_select_types_from_the_catalog() {
        let p = platform(POOL);
        let names: Vec<&str> = allowed_types(&p.node_pools[0], Catalog::embedded())
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["c7g.4xlarge", "c7g.medium", "m6i.4xlarge"]);
    }

    #[test]
    fn arch_and_gt_requirements() {
        let text = POOL.replace(
            "        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n",
            "        - {key: kubernetes.io/arch, operator: In, values: [arm64]}\n        - {key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: ['8']}\n",
        );
        let p = platform(&text);
        let names: Vec<&str> = allowed_types(&p.node_pools[0], Catalog::embedded())
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["c7g.4xlarge"]);
    }

    #[test]
    fn m6i_4xlarge_matches_karpenter_and_the_cni() {
        // No NodeClass: AL2023, Karpenter's per-IP default (234); prefix
        // delegation off, so the CNI agrees.
        let p = platform(POOL);
        let pc = &pools(&p, Catalog::embedded())[0];
        let m = pc
            .rows
            .iter()
            .find(|c| c.instance_type == "m6i.4xlarge")
            .unwrap_or_else(|| panic!("m6i.4xlarge"));
        assert_eq!(m.admitted, 234);
        assert_eq!(m.cni_max_pods, 234);
        assert_eq!(m.verdict, eksplane_capacity::Verdict::Consistent);
    }
}
