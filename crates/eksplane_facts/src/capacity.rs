//! Pod capacity of a platform's node sources: for each source (Karpenter
//! NodePool, Auto Mode NodePool, eksctl or EKS managed node group,
//! self-managed node group), the instance types it uses (requirements
//! against the catalog's labels, or the types it names), and for each type
//! the pods its nodes admit beside the pod IPs the VPC CNI can address (from
//! `eksplane_capacity`), with the verdict and the maxPods fix.
//!
//! This is the glue between the model (node sources, aws-node settings) and
//! the pure formulas; the CNI rules, `capacity`, `ip-plan`, `inspect` and
//! `simulate` all read it through [`crate::Facts`].

use crate::nodes::{AdmittedRule, InstanceChoice, NodeFamily, NodeSource, NodeSourceKind};
use eksplane_aws_data::{Catalog, InstanceType};
use eksplane_capacity::{
    AmiFamily, CniOptions, CniVersion, Comparison, EvictionThreshold, KarpenterInputs,
    KubeletSettings, MaxPodsFix, compare, recommend_max_pods,
};
use eksplane_model::karpenter::{Ec2NodeClass, NodePool, Requirement};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{Span, Spanned};

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

/// The CNI settings in effect and where they come from, with what was
/// assumed when the inputs do not say.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveCni {
    pub options: CniOptions,
    pub source: CniSource,
    /// Where the settings are written (the DaemonSet or the add-on entry).
    pub span: Option<Span>,
    /// What eksplane assumed because the inputs do not say (shown in every
    /// output: a verdict on assumed settings is not an all-clear).
    pub assumed: Vec<String>,
}

/// A node source's pod capacity, type by type.
#[derive(Debug, Clone)]
pub struct PoolCapacity<'a> {
    pub source: NodeSource<'a>,
    /// The Karpenter NodePool, for Karpenter sources.
    pub pool: Option<&'a NodePool>,
    /// The EC2NodeClass its `nodeClassRef` names, when in the inputs.
    pub class: Option<&'a Ec2NodeClass>,
    pub inputs: KarpenterInputs,
    /// The CNI settings these nodes run with (Auto Mode: AWS's own).
    pub cni: CniOptions,
    /// Allowed types with both views, sorted by vCPUs then name.
    pub rows: Vec<Comparison>,
    /// Allowed types the catalog lacks the facts for (vCPUs or memory).
    pub incomplete: Vec<String>,
    /// Named types the catalog does not know at all.
    pub unknown: Vec<Spanned<String>>,
    /// Why some or all of the source's capacity could not be judged.
    pub notes: Vec<String>,
    /// The maxPods configuration that makes every allowed type consistent.
    pub fix: Option<MaxPodsFix>,
}

impl PoolCapacity<'_> {
    pub fn name(&self) -> &str {
        &self.source.name
    }

    pub fn kind(&self) -> NodeSourceKind {
        self.source.kind
    }

    /// How messages name the source: `NodePool default`, `eksctl managed
    /// node group ng-1`.
    pub fn label(&self) -> String {
        match self.source.kind {
            NodeSourceKind::Karpenter | NodeSourceKind::KarpenterStatic => {
                format!("NodePool {}", self.source.name)
            }
            NodeSourceKind::AutoMode => format!("Auto Mode NodePool {}", self.source.name),
            NodeSourceKind::EksctlManaged => {
                format!("managed node group {}", self.source.name)
            }
            NodeSourceKind::EksctlSelfManaged => format!("node group {}", self.source.name),
            NodeSourceKind::ManagedNodegroup => {
                format!("managed node group {}", self.source.name)
            }
        }
    }

    /// Where the source's instance types are chosen: its first requirement,
    /// the first named type, else the source.
    pub fn types_anchor(&self) -> Span {
        if let Some(pool) = self.pool {
            return pool
                .spec
                .template
                .spec
                .requirements
                .first()
                .map_or(pool.origin.span, |r| r.span);
        }
        match &self.source.instances {
            InstanceChoice::Listed(v) => v.first().map_or(self.source.span, |t| t.span),
            _ => self.source.span,
        }
    }

    /// Where the admitted pod count comes from, in words.
    pub fn admitted_from(&self) -> String {
        match self.source.admitted_rule() {
            AdmittedRule::Karpenter => match self.max_pods_set() {
                Some(m) => format!("kubelet maxPods {}", m.value),
                None => "Karpenter's per-IP ENI-limited default (no kubelet maxPods)".to_string(),
            },
            AdmittedRule::Explicit(n) => format!("maxPodsPerNode {n}"),
            AdmittedRule::ManagedCapped(n) => {
                format!("maxPodsPerNode {n} (EKS caps managed node groups at 110 / 250)")
            }
            AdmittedRule::ManagedCalculator => {
                "EKS's max-pods calculation for managed node groups".to_string()
            }
            AdmittedRule::Bootstrap if self.source.family.is_windows() => {
                "the Windows bootstrap default (primary ENI only)".to_string()
            }
            AdmittedRule::Bootstrap => {
                "the image's default max pods (the ENI formula, no prefixes)".to_string()
            }
        }
    }

    /// Whether eksplane judges this source's pod capacity against the CNI:
    /// not for EKS Auto Mode, whose CNI and kubelet AWS configures.
    pub fn judged(&self) -> bool {
        self.source.kind != NodeSourceKind::AutoMode
    }

    /// The explicit pod limit (EC2NodeClass `kubelet.maxPods`, eksctl
    /// `maxPodsPerNode`).
    pub fn max_pods_set(&self) -> Option<&Spanned<u32>> {
        self.source.max_pods.as_ref()
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
        // EKS Auto Mode names the same instance labels under its own prefix
        // (EKS user guide, "EKS Auto Mode supported instance labels":
        // `eks.amazonaws.com/instance-category`, `-family`, `-generation`,
        // `-cpu`, `-memory`, `-size`, ...).
        k if k.starts_with("eks.amazonaws.com/instance-") => {
            let kk = format!("karpenter.k8s.aws/{}", &k["eks.amazonaws.com/".len()..]);
            Some(t.karpenter_label(&kk).into_iter().collect())
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

/// The instance types a NodePool allows: every requirement holds, and a
/// pool without a `karpenter.sh/capacity-type` requirement launches
/// on-demand (the AWS provider's default; the same reading as
/// `crate::scheduling::pool_capacity_types` and the simulator).
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
/// Prefer [`crate::Facts::cni`], which derives this once.
pub fn cni_options(p: &Platform) -> (CniOptions, CniSource) {
    let e = effective_cni(p);
    (e.options, e.source)
}

/// [`cni_options`] with where the settings are written and what was assumed.
pub fn effective_cni(p: &Platform) -> EffectiveCni {
    let (options, source, span) = cni_settings(p);
    let mut assumed = Vec::new();
    if source == CniSource::Defaults {
        assumed.push(
            "no aws-node DaemonSet and no vpc-cni add-on configurationValues in the inputs: the VPC CNI as AWS ships it is assumed (secondary IPs, no prefix delegation, no custom networking, WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1)"
                .to_string(),
        );
    }
    if options.version.is_none() {
        assumed.push(
            "the VPC CNI version is not in the inputs: the current release is assumed".to_string(),
        );
    }
    EffectiveCni {
        options,
        source,
        span,
        assumed,
    }
}

fn cni_settings(p: &Platform) -> (CniOptions, CniSource, Option<Span>) {
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
        return (opts, CniSource::AwsNode, Some(a.daemonset.origin.span));
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
        return (opts, CniSource::AddonConfiguration, Some(cfg.span));
    }
    // Nothing in the inputs: the CNI as AWS ships it (aws-node manifests and
    // the managed add-on set WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1).
    (
        CniOptions::managed_addon_defaults(),
        CniSource::Defaults,
        None,
    )
}

fn to_u64(q: &eksplane_model::Quantity) -> Option<u64> {
    u64::try_from(q.units_ceil()).ok()
}

/// The capacity math's AMI family for a node family. Auto Mode runs a
/// Bottlerocket-based image (EKS user guide, "EKS Auto Mode": nodes run
/// Bottlerocket); unknown images are treated as custom.
pub fn capacity_family(f: NodeFamily) -> AmiFamily {
    match f {
        NodeFamily::Al2 => AmiFamily::Al2,
        NodeFamily::Al2023 => AmiFamily::Al2023,
        NodeFamily::Bottlerocket | NodeFamily::AutoMode => AmiFamily::Bottlerocket,
        NodeFamily::Windows => AmiFamily::Windows,
        NodeFamily::Custom | NodeFamily::Unknown => AmiFamily::Custom,
    }
}

/// What Karpenter's instance-type math reads from an EC2NodeClass.
pub fn karpenter_inputs(class: Option<&Ec2NodeClass>) -> KarpenterInputs {
    let family = capacity_family(NodeFamily::from_node_class(class));
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

/// Every node source's capacity against `catalog`. Prefer
/// [`crate::Facts::capacities`], which derives this once.
pub fn pools<'a>(p: &'a Platform, catalog: &Catalog) -> Vec<PoolCapacity<'a>> {
    let cni = effective_cni(p);
    // Read once: the controller Deployment is found by a scan of every
    // workload, which per source made `check` grow with sources x workloads.
    let settings = karpenter_settings(p);
    crate::nodes::node_sources(p)
        .into_iter()
        .map(|s| source_capacity(s, catalog, &cni, settings))
        .collect()
}

/// The CNI settings a source's nodes run with. EKS Auto Mode manages the
/// VPC CNI itself and always assigns /28 prefixes to nodes (EKS user guide,
/// "Learn about VPC Networking and Load Balancing in EKS Auto Mode": "EKS
/// Auto Mode uses prefix delegation"); aws-node settings do not apply.
fn source_cni(source: &NodeSource<'_>, cni: &CniOptions) -> CniOptions {
    if source.kind == NodeSourceKind::AutoMode {
        return CniOptions::auto_mode();
    }
    *cni
}

/// The types a source uses: Karpenter requirements against the catalog, or
/// the named types (unknown names returned apart).
pub fn source_types<'c>(
    source: &NodeSource<'_>,
    catalog: &'c Catalog,
) -> (Vec<&'c InstanceType>, Vec<Spanned<String>>) {
    match (&source.instances, source.pool) {
        (InstanceChoice::Requirements, Some(pool)) => (allowed_types(pool, catalog), Vec::new()),
        (InstanceChoice::Requirements, None) | (InstanceChoice::Selector, _) => {
            (Vec::new(), Vec::new())
        }
        (InstanceChoice::Default(name), _) => match catalog.get(name) {
            Some(t) => (vec![t], Vec::new()),
            None => (
                Vec::new(),
                vec![Spanned::new((*name).to_string(), source.span)],
            ),
        },
        (InstanceChoice::Listed(names), _) => {
            let mut known = Vec::new();
            let mut unknown = Vec::new();
            for n in names {
                match catalog.get(n.value.trim()) {
                    Some(t) if !known.iter().any(|k: &&InstanceType| k.name == t.name) => {
                        known.push(t)
                    }
                    Some(_) => {}
                    None => unknown.push(n.clone()),
                }
            }
            (known, unknown)
        }
    }
}

/// The pods a node of type `t` admits under a node group's rule (Karpenter
/// sources use Karpenter's own math instead).
fn node_group_admitted(
    rule: AdmittedRule,
    t: &InstanceType,
    cni: &CniOptions,
    family: NodeFamily,
) -> Option<u32> {
    use eksplane_capacity::calculator::{
        MaxPodsOptions, ceiling_for_vcpus, eni_max_pods, max_pods,
    };
    match rule {
        AdmittedRule::Karpenter => None,
        AdmittedRule::Explicit(n) => Some(n),
        AdmittedRule::ManagedCapped(n) => Some(n.min(ceiling_for_vcpus(t.vcpus?))),
        AdmittedRule::ManagedCalculator => {
            // Unknown CNI version: one that supports prefixes (every release since 1.9 computes the same).
            let mut o = MaxPodsOptions::new(
                cni.version
                    .unwrap_or(eksplane_capacity::CniVersion::PREFIX_DELEGATION),
            );
            o.prefix_delegation = cni.prefix_delegation;
            o.custom_networking = cni.custom_networking;
            o.cni_max_eni = cni.max_eni;
            t.vcpus?;
            Some(max_pods(t, &o).shown())
        }
        AdmittedRule::Bootstrap => {
            if family.is_windows() {
                // Windows nodes use only the primary ENI: IPv4 per ENI - 1
                // (EKS user guide, "Windows support"; eksctl's Windows
                // bootstrap passes the same to kubelet).
                Some(t.network.ipv4_per_eni.saturating_sub(1))
            } else {
                Some(eni_max_pods(t))
            }
        }
    }
}

fn source_capacity<'a>(
    source: NodeSource<'a>,
    catalog: &Catalog,
    cni: &EffectiveCni,
    settings: eksplane_capacity::KarpenterSettings,
) -> PoolCapacity<'a> {
    let class = source.class;
    let mut inputs = if source.kind.is_karpenter() && source.kind != NodeSourceKind::AutoMode {
        karpenter_inputs(class)
    } else {
        KarpenterInputs::new(capacity_family(source.family))
    };
    inputs.settings = settings;
    let node_cni = source_cni(&source, &cni.options);
    let mut notes = Vec::new();
    if let Some(missing) = &source.class_missing {
        notes.push(format!(
            "EC2NodeClass {missing} is not in the inputs: Karpenter's defaults (AL2023, no kubelet settings) are assumed"
        ));
    }
    if source.instances == InstanceChoice::Selector {
        notes.push(
            "instanceSelector: eksctl resolves the types against EC2 when it creates the group; they are not in the inputs, so pod capacity is not judged"
                .to_string(),
        );
    }
    if source.kind == NodeSourceKind::AutoMode {
        notes.push(
            "EKS Auto Mode: AWS manages the VPC CNI (prefix delegation) and the node image; aws-node settings do not apply".to_string(),
        );
    }
    if source.family == NodeFamily::Custom
        && !source.kind.is_karpenter()
        && source.max_pods.is_none()
    {
        notes.push(
            "custom AMI without maxPodsPerNode: the image's bootstrap decides max pods; the ENI formula is assumed".to_string(),
        );
    }
    let (types, unknown) = source_types(&source, catalog);
    if !unknown.is_empty() {
        notes.push(format!(
            "{} instance type(s) not in the catalog: {}",
            unknown.len(),
            unknown
                .iter()
                .map(|u| u.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let rule = source.admitted_rule();
    let mut rows = Vec::new();
    let mut incomplete = Vec::new();
    for t in types {
        let mut ti = inputs;
        if let Some(n) = node_group_admitted(rule, t, &node_cni, source.family) {
            ti.kubelet.max_pods = Some(n);
        }
        match compare(t, &ti, &node_cni) {
            Ok(c) => rows.push(c),
            Err(_) => incomplete.push(t.name.clone()),
        }
    }
    rows.sort_by(|a, b| {
        a.vcpus
            .cmp(&b.vcpus)
            .then_with(|| a.instance_type.cmp(&b.instance_type))
    });
    if !incomplete.is_empty() {
        notes.push(format!(
            "{} allowed type(s) lack vCPU or memory facts in the catalog and are not judged: {}",
            incomplete.len(),
            incomplete.join(", ")
        ));
    }
    let fix = (!rows.is_empty()).then(|| recommend_max_pods(&rows, &node_cni));
    PoolCapacity {
        pool: source.pool,
        class,
        source,
        inputs,
        cni: node_cni,
        rows,
        incomplete,
        unknown,
        notes,
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

    #[test]
    fn auto_mode_pools_honour_eks_requirements_and_use_prefixes() {
        let p = platform(
            "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: auto}
spec:
  template:
    spec:
      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}
      requirements:
        - {key: eks.amazonaws.com/instance-category, operator: In, values: [c]}
        - {key: eks.amazonaws.com/instance-generation, operator: Gt, values: ['6']}
        - {key: eks.amazonaws.com/instance-cpu, operator: In, values: ['4']}
        - {key: kubernetes.io/arch, operator: In, values: [arm64]}
",
        );
        let pc = &pools(&p, Catalog::embedded())[0];
        assert_eq!(pc.kind(), NodeSourceKind::AutoMode);
        assert!(!pc.judged(), "AWS configures Auto Mode's kubelet and CNI");
        assert!(pc.cni.prefix_delegation);
        assert!(!pc.rows.is_empty());
        for r in &pc.rows {
            let t = Catalog::embedded()
                .get(&r.instance_type)
                .unwrap_or_else(|| panic!("{}", r.instance_type));
            assert!(t.name.starts_with('c'), "{}", t.name);
            assert_eq!(t.vcpus, Some(4), "{}", t.name);
            let generation: u32 = t
                .karpenter_label("karpenter.k8s.aws/instance-generation")
                .and_then(|g| g.parse().ok())
                .unwrap_or(0);
            assert!(generation > 6, "{}", t.name);
        }
        assert!(
            pc.rows.len() < 30,
            "a few types, not the catalog: {}",
            pc.rows.len()
        );
    }
}
