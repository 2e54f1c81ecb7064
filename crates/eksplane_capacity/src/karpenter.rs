//! Karpenter's view of a node: the pods it advertises and the allocatable it
//! simulates. Every formula follows aws/karpenter-provider-aws
//! `pkg/providers/instancetype/types.go` (functions named per item).

use crate::calculator::HOST_NETWORK_PODS;
use crate::explain::{SRC_KARPENTER_AMIFAMILY, SRC_KARPENTER_OPTIONS, SRC_KARPENTER_TYPES, Step};
use eksplane_aws_data::InstanceType;
use thiserror::Error;

pub const MIB: u64 = 1024 * 1024;

/// `amiFamily` of an EC2NodeClass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmiFamily {
    Al2,
    Al2023,
    Bottlerocket,
    /// Windows2019 / Windows2022 / Windows2025.
    Windows,
    Custom,
}

/// `amifamily.FeatureFlags` (karpenter-provider-aws pkg/providers/amifamily).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureFlags {
    /// kube-reserved memory from the ENI-limited pod count, not `pods()`.
    pub uses_eni_limited_memory_overhead: bool,
    /// `podsPerCore` is honoured.
    pub pods_per_core_enabled: bool,
    /// Without `maxPods`, pods = ENI-limited count (else 110).
    pub supports_eni_limited_pod_density: bool,
}

impl AmiFamily {
    /// Reads an EC2NodeClass `amiFamily` (or an `alias` family such as `al2023`).
    pub fn parse(s: &str) -> Option<AmiFamily> {
        match s.to_ascii_lowercase().as_str() {
            "al2" => Some(AmiFamily::Al2),
            "al2023" => Some(AmiFamily::Al2023),
            "bottlerocket" => Some(AmiFamily::Bottlerocket),
            "windows2019" | "windows2022" | "windows2025" | "windows" => Some(AmiFamily::Windows),
            "custom" => Some(AmiFamily::Custom),
            _ => None,
        }
    }

    /// The OS the VPC CNI serves on nodes of this family.
    pub fn node_os(self) -> crate::cni::NodeOs {
        match self {
            AmiFamily::Windows => crate::cni::NodeOs::Windows,
            AmiFamily::Al2 | AmiFamily::Al2023 | AmiFamily::Bottlerocket | AmiFamily::Custom => {
                crate::cni::NodeOs::Linux
            }
        }
    }

    /// AL2, AL2023 and Custom use `DefaultFamily` (all flags true);
    /// Bottlerocket turns off the ENI-limited memory overhead and podsPerCore;
    /// Windows keeps podsPerCore but has no ENI-limited density (110 pods).
    pub fn feature_flags(self) -> FeatureFlags {
        match self {
            AmiFamily::Al2 | AmiFamily::Al2023 | AmiFamily::Custom => FeatureFlags {
                uses_eni_limited_memory_overhead: true,
                pods_per_core_enabled: true,
                supports_eni_limited_pod_density: true,
            },
            AmiFamily::Bottlerocket => FeatureFlags {
                uses_eni_limited_memory_overhead: false,
                pods_per_core_enabled: false,
                supports_eni_limited_pod_density: true,
            },
            AmiFamily::Windows => FeatureFlags {
                uses_eni_limited_memory_overhead: false,
                pods_per_core_enabled: true,
                supports_eni_limited_pod_density: false,
            },
        }
    }
}

/// Karpenter controller settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KarpenterSettings {
    /// `RESERVED_ENIS` (default 0).
    pub reserved_enis: u32,
    /// `VM_MEMORY_OVERHEAD_PERCENT` (default 0.075).
    pub vm_memory_overhead_percent: f64,
}

impl Default for KarpenterSettings {
    fn default() -> Self {
        // pkg/operator/options/options.go defaults.
        KarpenterSettings {
            reserved_enis: 0,
            vm_memory_overhead_percent: 0.075,
        }
    }
}

/// `evictionHard["memory.available"]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EvictionThreshold {
    Bytes(u64),
    /// A percentage of the capacity memory; `100` disables (types.go
    /// `mustParsePercentage`).
    Percent(f64),
}

/// The EC2NodeClass kubelet fields Karpenter reads, already resolved to numbers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KubeletSettings {
    pub max_pods: Option<u32>,
    pub pods_per_core: Option<u32>,
    pub kube_reserved_cpu_millis: Option<u64>,
    pub kube_reserved_memory_bytes: Option<u64>,
    pub system_reserved_cpu_millis: Option<u64>,
    pub system_reserved_memory_bytes: Option<u64>,
    pub eviction_hard_memory: Option<EvictionThreshold>,
}

/// Everything Karpenter's view depends on besides the instance type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KarpenterInputs {
    pub ami_family: AmiFamily,
    pub kubelet: KubeletSettings,
    pub settings: KarpenterSettings,
    /// EC2NodeClass `networkInterfaces` of type `efa-only` on card 0.
    pub efa_only_interfaces: u32,
}

impl KarpenterInputs {
    pub fn new(ami_family: AmiFamily) -> KarpenterInputs {
        KarpenterInputs {
            ami_family,
            kubelet: KubeletSettings::default(),
            settings: KarpenterSettings::default(),
            efa_only_interfaces: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CapacityError {
    #[error(
        "instance type {instance_type}: {fact} unknown in the catalog (entry from {origin}); Karpenter's view needs it"
    )]
    MissingFact {
        instance_type: String,
        fact: &'static str,
        origin: &'static str,
    },
}

/// Where Karpenter's pod count comes from (`pods()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodsSource {
    KubeletMaxPods,
    EniLimited,
    /// AMI families without ENI-limited density (Windows): 110.
    Default110,
}

/// Karpenter's view of one instance type.
#[derive(Debug, Clone, PartialEq)]
pub struct KarpenterView {
    pub instance_type: String,
    pub ami_family: AmiFamily,
    /// Default-card ENIs.
    pub card_enis: u32,
    /// `ENILimitedPods(RESERVED_ENIS)`.
    pub eni_limited_pods: u32,
    pub pods_source: PodsSource,
    /// `podsPerCore x vCPUs`, when it applies.
    pub pods_per_core_limit: Option<u32>,
    /// The `pods` capacity Karpenter advertises and schedules against.
    pub pods: u32,
    /// The pod count kube-reserved memory is computed from.
    pub kube_reserved_pods: u32,
    pub capacity_cpu_millis: u64,
    /// `MemoryInfo.SizeInMiB`.
    pub memory_mib: u64,
    /// 64 MiB on arm64 (Graviton CMA), else 0.
    pub graviton_cma_mib: u64,
    pub vm_overhead_mib: u64,
    /// Memory capacity after the VM overhead, bytes.
    pub capacity_memory_bytes: u64,
    pub kube_reserved_cpu_millis: u64,
    pub kube_reserved_memory_bytes: u64,
    pub system_reserved_cpu_millis: u64,
    pub system_reserved_memory_bytes: u64,
    pub eviction_memory_bytes: u64,
    pub allocatable_cpu_millis: u64,
    pub allocatable_memory_bytes: u64,
}

impl KarpenterView {
    pub fn allocatable_memory_mib(&self) -> u64 {
        self.allocatable_memory_bytes / MIB
    }
    pub fn kube_reserved_memory_mib(&self) -> u64 {
        self.kube_reserved_memory_bytes / MIB
    }
    pub fn capacity_memory_mib(&self) -> u64 {
        self.capacity_memory_bytes / MIB
    }
}

/// `ENILimitedPods(reservedENIs)`: usable = default-card ENIs - reserved -
/// EFA-only interfaces (max 0); 0 usable gives 0 pods; else
/// `usable x (IPv4 per ENI - 1) + 2`.
pub fn eni_limited_pods(t: &InstanceType, reserved_enis: u32, efa_only: u32) -> u32 {
    let usable = t
        .network
        .default_card_max_enis()
        .saturating_sub(reserved_enis)
        .saturating_sub(efa_only);
    if usable == 0 {
        return 0;
    }
    crate::calculator::per_ip_formula(usable, t.network.ipv4_per_eni)
}

/// kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of
/// cores 3-4, 0.25 % above, each band truncated to whole millicores
/// (`kubeReservedResources`, ranges from bottlerocket-os/bottlerocket#1388).
pub fn kube_reserved_cpu_millis(cpu_millis: u64) -> u64 {
    const BANDS: [(u64, u64, f64); 4] = [
        (0, 1000, 0.06),
        (1000, 2000, 0.01),
        (2000, 4000, 0.005),
        (4000, 1 << 31, 0.0025),
    ];
    let mut total = 0;
    for (start, end, pct) in BANDS {
        if cpu_millis >= start {
            let r = if cpu_millis < end {
                cpu_millis - start
            } else {
                end - start
            };
            // Go: int64(r*percentage), truncation.
            total += (r as f64 * pct) as u64;
        }
    }
    total
}

/// Karpenter's view for one instance type.
pub fn karpenter_view(
    t: &InstanceType,
    inputs: &KarpenterInputs,
) -> Result<KarpenterView, CapacityError> {
    let missing = |fact| CapacityError::MissingFact {
        instance_type: t.name.clone(),
        fact,
        origin: t.source.as_str(),
    };
    let vcpus = t.vcpus.ok_or_else(|| missing("vCPUs"))?;
    let memory_mib = t.memory_mib.ok_or_else(|| missing("memory"))?;
    let flags = inputs.ami_family.feature_flags();
    let k = &inputs.kubelet;

    // pods(): maxPods if set, else ENI-limited (RESERVED_ENIS) or 110; then
    // min(podsPerCore x vCPUs) when podsPerCore > 0 and enabled.
    let eni_limited =
        eni_limited_pods(t, inputs.settings.reserved_enis, inputs.efa_only_interfaces);
    let (mut pods, pods_source) = match k.max_pods {
        Some(m) => (m, PodsSource::KubeletMaxPods),
        None if flags.supports_eni_limited_pod_density => (eni_limited, PodsSource::EniLimited),
        None => (110, PodsSource::Default110),
    };
    let pods_per_core_limit = match k.pods_per_core {
        Some(ppc) if ppc > 0 && flags.pods_per_core_enabled => {
            let lim = u32::try_from(u64::from(ppc) * u64::from(vcpus)).unwrap_or(u32::MAX);
            pods = pods.min(lim);
            Some(lim)
        }
        _ => None,
    };
    // NewInstanceType: kube-reserved from ENILimitedPods(ctx, info, 0, ...) when
    // UsesENILimitedMemoryOverhead (AL2, AL2023, Custom) -- RESERVED_ENIS not
    // subtracted, maxPods ignored -- else from pods().
    let kube_reserved_pods = if flags.uses_eni_limited_memory_overhead {
        eni_limited_pods(t, 0, inputs.efa_only_interfaces)
    } else {
        pods
    };

    // cpu(): DefaultVCpus.
    let capacity_cpu_millis = u64::from(vcpus) * 1000;
    // memory(): arm64 loses 64 MiB (Graviton CMA); then the VM overhead,
    // ceil(bytes x VM_MEMORY_OVERHEAD_PERCENT / 1Mi) MiB, is subtracted.
    let graviton_cma_mib = if t.architectures.first().is_some_and(|a| a == "arm64") {
        64
    } else {
        0
    };
    let size_mib = memory_mib.saturating_sub(graviton_cma_mib);
    let mem_bytes = size_mib.saturating_mul(MIB);
    let pct = inputs.settings.vm_memory_overhead_percent;
    let overhead = (mem_bytes as f64 * pct / 1024.0 / 1024.0).ceil();
    let vm_overhead_mib = if overhead.is_finite() && overhead > 0.0 {
        overhead as u64
    } else {
        0
    };
    let capacity_memory_bytes = mem_bytes.saturating_sub(vm_overhead_mib.saturating_mul(MIB));

    // kubeReservedResources: memory 11 x pods + 255 Mi, CPU by bands; the
    // NodeClass's kubeReserved entries replace the computed ones (lo.Assign).
    let kube_reserved_memory_bytes = k
        .kube_reserved_memory_bytes
        .unwrap_or_else(|| (11 * u64::from(kube_reserved_pods) + 255) * MIB);
    let kube_reserved_cpu_millis = k
        .kube_reserved_cpu_millis
        .unwrap_or_else(|| kube_reserved_cpu_millis(capacity_cpu_millis));
    // systemReservedResources: only what the NodeClass sets.
    let system_reserved_cpu_millis = k.system_reserved_cpu_millis.unwrap_or(0);
    let system_reserved_memory_bytes = k.system_reserved_memory_bytes.unwrap_or(0);
    // evictionThreshold: 100Mi, or evictionHard memory.available (a percentage
    // is of the capacity memory, ceil; 100% disables).
    let eviction_memory_bytes = match k.eviction_hard_memory {
        None => 100 * MIB,
        Some(EvictionThreshold::Bytes(b)) => b,
        Some(EvictionThreshold::Percent(p)) => {
            let p = if p == 100.0 { 0.0 } else { p };
            let v = (capacity_memory_bytes as f64 / 100.0 * p).ceil();
            if v.is_finite() && v > 0.0 {
                v as u64
            } else {
                0
            }
        }
    };
    let allocatable_cpu_millis = capacity_cpu_millis
        .saturating_sub(kube_reserved_cpu_millis)
        .saturating_sub(system_reserved_cpu_millis);
    let allocatable_memory_bytes = capacity_memory_bytes
        .saturating_sub(kube_reserved_memory_bytes)
        .saturating_sub(system_reserved_memory_bytes)
        .saturating_sub(eviction_memory_bytes);
    Ok(KarpenterView {
        instance_type: t.name.clone(),
        ami_family: inputs.ami_family,
        card_enis: t.network.default_card_max_enis(),
        eni_limited_pods: eni_limited,
        pods_source,
        pods_per_core_limit,
        pods,
        kube_reserved_pods,
        capacity_cpu_millis,
        memory_mib,
        graviton_cma_mib,
        vm_overhead_mib,
        capacity_memory_bytes,
        kube_reserved_cpu_millis,
        kube_reserved_memory_bytes,
        system_reserved_cpu_millis,
        system_reserved_memory_bytes,
        eviction_memory_bytes,
        allocatable_cpu_millis,
        allocatable_memory_bytes,
    })
}

impl KarpenterView {
    /// The steps, with numbers and sources, for `--explain`.
    pub fn explain(&self, inputs: &KarpenterInputs) -> Vec<Step> {
        let flags = self.ami_family.feature_flags();
        let mut s = Vec::new();
        let reserved = inputs.settings.reserved_enis;
        s.push(Step::new(
            "ENILimitedPods: (default-card ENIs - RESERVED_ENIS - EFA-only interfaces) x (IPv4 per ENI - 1) + 2",
            format!(
                "({} - {reserved} - {}) x (IPv4 per ENI - 1) + {HOST_NETWORK_PODS} = {}",
                self.card_enis, inputs.efa_only_interfaces, self.eni_limited_pods
            ),
            SRC_KARPENTER_TYPES,
        ));
        s.push(Step::new(
            "pods(): kubelet maxPods if set, else the ENI-limited count (110 without ENI-limited density)",
            match self.pods_source {
                PodsSource::KubeletMaxPods => format!("maxPods = {}", inputs.kubelet.max_pods.unwrap_or(self.pods)),
                PodsSource::EniLimited => format!("ENI-limited = {}", self.eni_limited_pods),
                PodsSource::Default110 => "110".to_string(),
            },
            SRC_KARPENTER_TYPES,
        ));
        if let Some(l) = self.pods_per_core_limit {
            s.push(Step::new(
                "podsPerCore x vCPUs caps pods",
                format!("{} -> pods = {}", l, self.pods),
                SRC_KARPENTER_TYPES,
            ));
        }
        s.push(Step::new(
            if flags.uses_eni_limited_memory_overhead {
                "kube-reserved pods: ENILimitedPods with 0 reserved ENIs (UsesENILimitedMemoryOverhead), maxPods ignored"
            } else {
                "kube-reserved pods: pods() (no ENI-limited memory overhead for this AMI family)"
            },
            format!("{}", self.kube_reserved_pods),
            SRC_KARPENTER_AMIFAMILY,
        ));
        s.push(Step::new(
            "kube-reserved memory: 11 x pods + 255 MiB (unless the NodeClass sets kubeReserved.memory)",
            format!(
                "11 x {} + 255 = {} MiB{}",
                self.kube_reserved_pods,
                11 * u64::from(self.kube_reserved_pods) + 255,
                if inputs.kubelet.kube_reserved_memory_bytes.is_some() {
                    format!(" (overridden: {} MiB)", self.kube_reserved_memory_mib())
                } else {
                    String::new()
                }
            ),
            SRC_KARPENTER_TYPES,
        ));
        s.push(Step::new(
            "kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above",
            format!("{}m of {}m", self.kube_reserved_cpu_millis, self.capacity_cpu_millis),
            SRC_KARPENTER_TYPES,
        ));
        s.push(Step::new(
            "memory(): SizeInMiB (minus 64 MiB on arm64) minus ceil(VM_MEMORY_OVERHEAD_PERCENT x memory)",
            format!(
                "{} - {} - ceil({} x {}) = {} - {} = {} MiB",
                self.memory_mib,
                self.graviton_cma_mib,
                self.memory_mib.saturating_sub(self.graviton_cma_mib),
                inputs.settings.vm_memory_overhead_percent,
                self.memory_mib.saturating_sub(self.graviton_cma_mib),
                self.vm_overhead_mib,
                self.capacity_memory_mib()
            ),
            SRC_KARPENTER_OPTIONS,
        ));
        s.push(Step::new(
            "evictionThreshold: 100Mi unless evictionHard memory.available is set",
            format!("{} MiB", self.eviction_memory_bytes as f64 / MIB as f64),
            SRC_KARPENTER_TYPES,
        ));
        s.push(Step::new(
            "allocatable = capacity - kube-reserved - system-reserved - eviction",
            format!(
                "memory {} - {} - {} - {} = {} MiB; CPU {}m - {}m - {}m = {}m",
                self.capacity_memory_mib(),
                self.kube_reserved_memory_mib(),
                self.system_reserved_memory_bytes / MIB,
                self.eviction_memory_bytes as f64 / MIB as f64,
                self.allocatable_memory_bytes as f64 / MIB as f64,
                self.capacity_cpu_millis,
                self.kube_reserved_cpu_millis,
                self.system_reserved_cpu_millis,
                self.allocatable_cpu_millis
            ),
            SRC_KARPENTER_TYPES,
        ));
        s
    }
}
