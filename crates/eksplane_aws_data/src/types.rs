//! The compact record kept per instance type.
//!
//! Field meanings follow the EC2 API's `InstanceTypeInfo` (botocore
//! `ec2/*/service-2.json`, shapes `InstanceTypeInfo`, `NetworkInfo`,
//! `NetworkCardInfo`, `EfaInfo`, `GpuInfo`, `InstanceStorageInfo`).

use std::fmt;

/// Which input an entry's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactSource {
    /// `aws ec2 describe-instance-types` output (for the embedded snapshot: the
    /// one bundled by the PyPI package moto). All facts present.
    DescribeInstanceTypes,
    /// Only in karpenter-provider-aws `zz_generated.vpclimits.go` (from
    /// aws/amazon-vpc-resource-controller-k8s): network facts, hypervisor and
    /// bare metal; no vCPUs, memory, GPUs, storage or usage classes.
    VpcLimits,
    /// aws/amazon-vpc-cni-k8s `pkg/vpc/vpc_ip_resource_limit.go`: the CNI's own
    /// table (ENIs, IPv4 per ENI, cards, hypervisor -- `unknown` for some --
    /// and bare metal).
    VpcCniTable,
    /// karpenter-provider-aws `website/.../reference/instance-types.md`
    /// (generated from live DescribeInstanceTypes): vCPUs, memory and
    /// architecture from its labels.
    KarpenterDocs,
}

impl FactSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FactSource::DescribeInstanceTypes => "describe-instance-types",
            FactSource::VpcLimits => "vpc-limits",
            FactSource::VpcCniTable => "vpc-cni-table",
            FactSource::KarpenterDocs => "karpenter-instance-types-doc",
        }
    }

    /// The one-letter code of the catalog text's `source` column.
    pub fn code(self) -> char {
        match self {
            FactSource::DescribeInstanceTypes => 'd',
            FactSource::VpcLimits => 'v',
            FactSource::VpcCniTable => 'c',
            FactSource::KarpenterDocs => 'k',
        }
    }

    pub fn from_code(c: char) -> Option<FactSource> {
        match c {
            'd' => Some(FactSource::DescribeInstanceTypes),
            'v' => Some(FactSource::VpcLimits),
            'c' => Some(FactSource::VpcCniTable),
            'k' => Some(FactSource::KarpenterDocs),
            _ => None,
        }
    }
}

/// `InstanceTypeInfo.Hypervisor`: `nitro` or `xen`; EC2 omits it on bare metal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hypervisor {
    Nitro,
    Xen,
    /// No hypervisor: bare metal.
    None,
    /// The source does not say (the VPC CNI's table writes `unknown` for a few
    /// old types). Treated as not Nitro, as the calculator's `IS_NITRO` and
    /// ipamd's prefix check do for anything but `nitro`.
    Unknown,
}

impl Hypervisor {
    /// The value as EC2 (and Karpenter's `instance-hypervisor` label) spell it;
    /// empty for [`Hypervisor::None`].
    pub fn as_str(self) -> &'static str {
        match self {
            Hypervisor::Nitro => "nitro",
            Hypervisor::Xen => "xen",
            Hypervisor::None | Hypervisor::Unknown => "",
        }
    }

    /// Reads EC2's spelling; `""` (or absent) is bare metal.
    pub fn parse(s: &str) -> Option<Hypervisor> {
        match s {
            "nitro" => Some(Hypervisor::Nitro),
            "xen" => Some(Hypervisor::Xen),
            "" | "none" => Some(Hypervisor::None),
            "unknown" => Some(Hypervisor::Unknown),
            _ => None,
        }
    }
}

impl fmt::Display for Hypervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hypervisor::None => f.write_str("none"),
            Hypervisor::Unknown => f.write_str("unknown"),
            h => f.write_str(h.as_str()),
        }
    }
}

/// One network card: `NetworkCardInfo.{NetworkCardIndex, MaximumNetworkInterfaces}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetworkCard {
    pub index: u32,
    pub max_enis: u32,
}

/// `InstanceTypeInfo.NetworkInfo`, reduced to what capacity needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkFacts {
    /// Every card with its ENI limit, by index.
    pub cards: Vec<NetworkCard>,
    /// `DefaultNetworkCardIndex`: the card the VPC CNI uses for pods.
    pub default_card_index: u32,
    /// `MaximumNetworkInterfaces`: all cards together.
    pub max_enis: u32,
    /// `Ipv4AddressesPerInterface`.
    pub ipv4_per_eni: u32,
    /// `Ipv6AddressesPerInterface`.
    pub ipv6_per_eni: Option<u32>,
    /// `EfaSupported`.
    pub efa_supported: bool,
    /// `EfaInfo.MaximumEfaInterfaces`.
    pub max_efa_interfaces: Option<u32>,
    /// `EncryptionInTransitSupported`.
    pub encryption_in_transit: Option<bool>,
    /// Sum of `NetworkCards[].BaselineBandwidthInGbps`, in Mbit/s.
    pub baseline_bandwidth_mbps: Option<u64>,
}

impl NetworkFacts {
    /// Max ENIs of the default network card: the only card the VPC CNI uses
    /// (aws/amazon-vpc-cni-k8s scripts/gen_vpc_ip_limits.go; awslabs/amazon-eks-ami
    /// templates/al2/runtime/max-pods-calculator.sh reads
    /// `NetworkCards[DefaultNetworkCardIndex].MaximumNetworkInterfaces`).
    /// Falls back to `max_enis` when no card lists the default index (inputs
    /// older than multi-card support have no `NetworkCards`).
    pub fn default_card_max_enis(&self) -> u32 {
        self.cards
            .iter()
            .find(|c| c.index == self.default_card_index)
            .map_or(self.max_enis, |c| c.max_enis)
    }
}

/// One `GpuInfo.Gpus[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gpu {
    pub count: u32,
    pub manufacturer: String,
    pub name: String,
    /// Memory per GPU (`MemoryInfo.SizeInMiB`).
    pub memory_mib: Option<u64>,
}

/// One Neuron device (`NeuronInfo.NeuronDevices[]`) or inference accelerator
/// (`InferenceAcceleratorInfo.Accelerators[]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Accelerator {
    pub count: u32,
    pub manufacturer: String,
    pub name: String,
}

/// Trunk-ENI support for security groups for pods, from karpenter-provider-aws
/// `zz_generated.vpclimits.go` (`IsTrunkingCompatible`, `BranchInterface`),
/// itself generated from aws/amazon-vpc-resource-controller-k8s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Trunking {
    pub trunking_compatible: bool,
    /// Branch ENIs per node: the `vpc.amazonaws.com/pod-eni` capacity.
    pub branch_enis: u32,
}

/// One instance type as the catalog keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    pub name: String,
    /// Where the network facts, hypervisor and bare metal came from (all facts
    /// for [`FactSource::DescribeInstanceTypes`]).
    pub source: FactSource,
    /// Where `vcpus`, `memory_mib` and `architectures` came from; `None`: no
    /// source has them (the entry is incomplete, see [`InstanceType::missing_facts`]).
    pub compute_source: Option<FactSource>,
    /// `VCpuInfo.DefaultVCpus`; `None` when no source has it.
    pub vcpus: Option<u32>,
    /// `MemoryInfo.SizeInMiB`; `None` when no source has it.
    pub memory_mib: Option<u64>,
    /// `ProcessorInfo.SupportedArchitectures` (`x86_64`, `arm64`, ...).
    pub architectures: Vec<String>,
    /// `ProcessorInfo.Manufacturer`.
    pub cpu_manufacturer: Option<String>,
    pub hypervisor: Hypervisor,
    pub bare_metal: bool,
    pub current_generation: Option<bool>,
    /// `SupportedUsageClasses` (`on-demand`, `spot`, `capacity-block`).
    pub usage_classes: Vec<String>,
    pub network: NetworkFacts,
    pub gpus: Vec<Gpu>,
    pub accelerators: Vec<Accelerator>,
    /// `InstanceStorageInfo.TotalSizeInGB`.
    pub instance_storage_gb: Option<u64>,
    /// Instance storage is NVMe (`InstanceStorageInfo.NvmeSupport` is not `unsupported`).
    pub local_nvme: bool,
    /// On-demand USD per hour in us-east-1 (merged by name from the price table).
    pub on_demand_price_usd: Option<f64>,
    /// Trunk / branch ENI limits (merged by name from the VPC-limits table).
    pub trunking: Option<Trunking>,
}

impl InstanceType {
    /// An entry from a limits table alone (the VPC limits CSV, the VPC CNI's
    /// Go table): network facts, hypervisor and bare metal; no vCPUs, memory
    /// or architecture (those come from another source or stay unknown).
    pub fn network_only(
        name: &str,
        source: FactSource,
        hypervisor: Hypervisor,
        bare_metal: bool,
        network: NetworkFacts,
        trunking: Option<Trunking>,
    ) -> InstanceType {
        InstanceType {
            name: name.to_string(),
            source,
            compute_source: None,
            vcpus: None,
            memory_mib: None,
            architectures: Vec::new(),
            cpu_manufacturer: None,
            hypervisor,
            bare_metal,
            current_generation: None,
            usage_classes: Vec::new(),
            network,
            gpus: Vec::new(),
            accelerators: Vec::new(),
            instance_storage_gb: None,
            local_nvme: false,
            on_demand_price_usd: None,
            trunking,
        }
    }

    /// The facts capacity needs that this entry lacks (vCPUs: the calculator's
    /// ceiling and Karpenter's CPU; memory: Karpenter's allocatable;
    /// architecture: the `kubernetes.io/arch` label; hypervisor: prefix
    /// delegation). Empty for a complete entry.
    pub fn missing_facts(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.vcpus.is_none() {
            m.push("vCPUs");
        }
        if self.memory_mib.is_none() {
            m.push("memory");
        }
        if self.architectures.is_empty() {
            m.push("architecture");
        }
        if self.hypervisor == Hypervisor::Unknown {
            m.push("hypervisor");
        }
        m
    }

    pub fn supports_on_demand(&self) -> bool {
        self.usage_classes.iter().any(|c| c == "on-demand")
    }

    pub fn supports_spot(&self) -> bool {
        self.usage_classes.iter().any(|c| c == "spot")
    }

    /// Total GPUs over all `GpuInfo.Gpus[]` entries.
    pub fn gpu_count(&self) -> u32 {
        self.gpus
            .iter()
            .map(|g| g.count)
            .fold(0, u32::saturating_add)
    }

    /// Local NVMe instance storage in GB (Karpenter's `instance-local-nvme`).
    pub fn local_nvme_gb(&self) -> Option<u64> {
        if self.local_nvme {
            self.instance_storage_gb
        } else {
            None
        }
    }

    /// The EFA-capable interfaces, when EFA is supported.
    pub fn efa_interfaces(&self) -> Option<u32> {
        if self.network.efa_supported {
            Some(self.network.max_efa_interfaces.unwrap_or(0))
        } else {
            None
        }
    }
}
