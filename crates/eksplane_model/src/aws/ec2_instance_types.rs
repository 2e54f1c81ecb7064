//! `aws ec2 describe-instance-types` (`InstanceTypes`). Members as botocore's
//! `ec2` service model names them (shapes `InstanceTypeInfo`, `NetworkInfo`,
//! `NetworkCardInfo`, `EfaInfo`, `GpuInfo`, `InstanceStorageInfo`, ...).
//!
//! Plain (unspanned) fields: the same shapes are read from the ~1,200-type
//! catalog snapshots, where positions inside a type are of no use; the type as a
//! whole keeps its span in [`super::AwsSnapshots::instance_types`].

use eksplane_source::Spanned;
use serde::Deserialize;

/// The output of `aws ec2 describe-instance-types --output json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceTypesOutput {
    #[serde(default)]
    pub instance_types: Vec<Spanned<InstanceTypeInfo>>,
    pub next_token: Option<String>,
}

impl DescribeInstanceTypesOutput {
    pub const TOP_LEVEL_KEY: &'static str = "InstanceTypes";
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceTypeInfo {
    #[serde(default)]
    pub instance_type: String,
    pub current_generation: Option<bool>,
    pub free_tier_eligible: Option<bool>,
    /// `on-demand`, `spot`, `capacity-block`.
    #[serde(default)]
    pub supported_usage_classes: Vec<String>,
    #[serde(default)]
    pub supported_root_device_types: Vec<String>,
    #[serde(default)]
    pub supported_virtualization_types: Vec<String>,
    pub bare_metal: Option<bool>,
    /// `nitro` or `xen`; absent on bare metal.
    pub hypervisor: Option<String>,
    pub processor_info: Option<ProcessorInfo>,
    pub v_cpu_info: Option<VCpuInfo>,
    pub memory_info: Option<MemoryInfo>,
    pub instance_storage_supported: Option<bool>,
    pub instance_storage_info: Option<InstanceStorageInfo>,
    pub network_info: Option<NetworkInfo>,
    pub gpu_info: Option<GpuInfo>,
    pub neuron_info: Option<NeuronInfo>,
    pub inference_accelerator_info: Option<InferenceAcceleratorInfo>,
    pub hibernation_supported: Option<bool>,
    pub burstable_performance_supported: Option<bool>,
    pub dedicated_hosts_supported: Option<bool>,
    pub auto_recovery_supported: Option<bool>,
    #[serde(default)]
    pub supported_boot_modes: Vec<String>,
    pub nitro_enclaves_support: Option<String>,
    pub nitro_tpm_support: Option<String>,
}

impl InstanceTypeInfo {
    pub fn vcpus(&self) -> Option<u32> {
        self.v_cpu_info.as_ref().and_then(|v| v.default_v_cpus)
    }

    pub fn memory_mib(&self) -> Option<u64> {
        self.memory_info.as_ref().and_then(|m| m.size_in_mi_b)
    }

    pub fn architectures(&self) -> &[String] {
        self.processor_info
            .as_ref()
            .map(|p| p.supported_architectures.as_slice())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessorInfo {
    /// `x86_64`, `arm64`, `i386`, `x86_64_mac`, `arm64_mac`.
    #[serde(default)]
    pub supported_architectures: Vec<String>,
    pub sustained_clock_speed_in_ghz: Option<f64>,
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub supported_features: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VCpuInfo {
    #[serde(rename = "DefaultVCpus")]
    pub default_v_cpus: Option<u32>,
    pub default_cores: Option<u32>,
    pub default_threads_per_core: Option<u32>,
    #[serde(default)]
    pub valid_cores: Vec<u32>,
    #[serde(default)]
    pub valid_threads_per_core: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct MemoryInfo {
    #[serde(rename = "SizeInMiB")]
    pub size_in_mi_b: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceStorageInfo {
    #[serde(rename = "TotalSizeInGB")]
    pub total_size_in_gb: Option<u64>,
    #[serde(default)]
    pub disks: Vec<DiskInfo>,
    /// `unsupported`, `supported`, `required`.
    pub nvme_support: Option<String>,
    pub encryption_support: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskInfo {
    #[serde(rename = "SizeInGB")]
    pub size_in_gb: Option<u64>,
    pub count: Option<u32>,
    /// `hdd` or `ssd`.
    #[serde(rename = "Type")]
    pub disk_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInfo {
    pub network_performance: Option<String>,
    /// All cards together.
    pub maximum_network_interfaces: Option<u32>,
    pub maximum_network_cards: Option<u32>,
    pub default_network_card_index: Option<u32>,
    #[serde(default)]
    pub network_cards: Vec<NetworkCardInfo>,
    pub ipv4_addresses_per_interface: Option<u32>,
    pub ipv6_addresses_per_interface: Option<u32>,
    pub ipv6_supported: Option<bool>,
    /// `unsupported`, `supported`, `required`.
    pub ena_support: Option<String>,
    pub efa_supported: Option<bool>,
    pub efa_info: Option<EfaInfo>,
    pub encryption_in_transit_supported: Option<bool>,
    pub ena_srd_supported: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkCardInfo {
    pub network_card_index: Option<u32>,
    pub network_performance: Option<String>,
    pub maximum_network_interfaces: Option<u32>,
    pub baseline_bandwidth_in_gbps: Option<f64>,
    pub peak_bandwidth_in_gbps: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfaInfo {
    pub maximum_efa_interfaces: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GpuInfo {
    #[serde(default)]
    pub gpus: Vec<GpuDeviceInfo>,
    #[serde(rename = "TotalGpuMemoryInMiB")]
    pub total_gpu_memory_in_mi_b: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GpuDeviceInfo {
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    pub count: Option<u32>,
    pub memory_info: Option<MemoryInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NeuronInfo {
    #[serde(default)]
    pub neuron_devices: Vec<NeuronDeviceInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NeuronDeviceInfo {
    pub count: Option<u32>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InferenceAcceleratorInfo {
    #[serde(default)]
    pub accelerators: Vec<InferenceDeviceInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InferenceDeviceInfo {
    pub count: Option<u32>,
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    #[test]
    fn reads_network_cards_and_limits() {
        let text = r#"{"InstanceTypes": [
  {"InstanceType": "m6i.4xlarge", "CurrentGeneration": true, "Hypervisor": "nitro",
   "BareMetal": false, "SupportedUsageClasses": ["on-demand", "spot"],
   "ProcessorInfo": {"SupportedArchitectures": ["x86_64"], "SustainedClockSpeedInGhz": 3.5},
   "VCpuInfo": {"DefaultVCpus": 16}, "MemoryInfo": {"SizeInMiB": 65536},
   "NetworkInfo": {"MaximumNetworkInterfaces": 8, "MaximumNetworkCards": 1,
     "DefaultNetworkCardIndex": 0,
     "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 8, "BaselineBandwidthInGbps": 6.25}],
     "Ipv4AddressesPerInterface": 30, "Ipv6AddressesPerInterface": 30, "EfaSupported": false}}
]}"#;
        let out: DescribeInstanceTypesOutput = decode(text);
        let t = &out.instance_types[0];
        assert_eq!(t.span.start.line, 2);
        assert_eq!(t.value.vcpus(), Some(16));
        assert_eq!(t.value.memory_mib(), Some(65536));
        assert_eq!(t.value.architectures(), ["x86_64"]);
        let n = t
            .value
            .network_info
            .as_ref()
            .unwrap_or_else(|| panic!("net"));
        assert_eq!(n.network_cards[0].maximum_network_interfaces, Some(8));
        assert_eq!(n.ipv4_addresses_per_interface, Some(30));
    }
}
