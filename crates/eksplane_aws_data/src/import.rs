//! Reading `aws ec2 describe-instance-types --output json` into catalog records.
//!
//! Accepted shapes: the CLI's `{"InstanceTypes": [...]}`, a bare list of
//! `InstanceTypeInfo` objects, and an object keyed by instance type (the shape of
//! moto's `moto/ec2/resources/instance_types.json.gz`). Member names as botocore's
//! `ec2` service model spells them (`InstanceTypeInfo`, `NetworkInfo`, ...).
//!
//! These are plain serde structs on purpose: this crate sits below the model
//! (`eksplane_model::aws::ec2_instance_types` keeps spans for the same shapes).

use crate::error::CatalogError;
use crate::types::{
    Accelerator, FactSource, Gpu, Hypervisor, InstanceType, NetworkCard, NetworkFacts,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawType {
    instance_type: Option<String>,
    current_generation: Option<bool>,
    #[serde(default)]
    supported_usage_classes: Vec<String>,
    bare_metal: Option<bool>,
    hypervisor: Option<String>,
    processor_info: Option<RawProcessor>,
    v_cpu_info: Option<RawVCpu>,
    memory_info: Option<RawMemory>,
    instance_storage_info: Option<RawStorage>,
    network_info: Option<RawNetwork>,
    gpu_info: Option<RawGpuInfo>,
    neuron_info: Option<RawNeuronInfo>,
    inference_accelerator_info: Option<RawInferenceInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawProcessor {
    #[serde(default)]
    supported_architectures: Vec<String>,
    manufacturer: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawVCpu {
    #[serde(rename = "DefaultVCpus")]
    default_v_cpus: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
struct RawMemory {
    #[serde(rename = "SizeInMiB")]
    size_in_mib: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawStorage {
    #[serde(rename = "TotalSizeInGB")]
    total_size_in_gb: Option<u64>,
    nvme_support: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawNetwork {
    maximum_network_interfaces: Option<u32>,
    default_network_card_index: Option<u32>,
    #[serde(default)]
    network_cards: Vec<RawCard>,
    ipv4_addresses_per_interface: Option<u32>,
    ipv6_addresses_per_interface: Option<u32>,
    efa_supported: Option<bool>,
    efa_info: Option<RawEfa>,
    encryption_in_transit_supported: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawCard {
    network_card_index: Option<u32>,
    maximum_network_interfaces: Option<u32>,
    baseline_bandwidth_in_gbps: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawEfa {
    maximum_efa_interfaces: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGpuInfo {
    #[serde(default)]
    gpus: Vec<RawGpu>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGpu {
    name: Option<String>,
    manufacturer: Option<String>,
    count: Option<u32>,
    memory_info: Option<RawMemory>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawNeuronInfo {
    #[serde(default)]
    neuron_devices: Vec<RawDevice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInferenceInfo {
    #[serde(default)]
    accelerators: Vec<RawDevice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawDevice {
    name: Option<String>,
    manufacturer: Option<String>,
    count: Option<u32>,
}

/// Reads describe-instance-types JSON into records, in input order, without
/// merging prices or trunk limits (see [`crate::Catalog::from_describe_instance_types_json`]).
pub fn parse_describe_instance_types(text: &str) -> Result<Vec<InstanceType>, CatalogError> {
    let value: Value = serde_json::from_str(text).map_err(|e| CatalogError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    // (position, key of a keyed object, the InstanceTypeInfo)
    let items: Vec<(Option<String>, Value)> = match value {
        Value::Object(mut map) => {
            if let Some(list) = map.remove("InstanceTypes") {
                match list {
                    Value::Array(a) => a.into_iter().map(|v| (None, v)).collect(),
                    other => {
                        return Err(CatalogError::Shape {
                            found: format!("\"InstanceTypes\" is {}", kind(&other)),
                        });
                    }
                }
            } else {
                map.into_iter().map(|(k, v)| (Some(k), v)).collect()
            }
        }
        Value::Array(a) => a.into_iter().map(|v| (None, v)).collect(),
        other => {
            return Err(CatalogError::Shape {
                found: kind(&other).to_string(),
            });
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut seen = HashSet::with_capacity(items.len());
    for (index, (key, v)) in items.into_iter().enumerate() {
        if !v.is_object() {
            return Err(CatalogError::InvalidType {
                index,
                instance_type: key,
                message: format!("expected an InstanceTypeInfo object, found {}", kind(&v)),
            });
        }
        let raw: RawType = serde_json::from_value(v).map_err(|e| CatalogError::InvalidType {
            index,
            instance_type: key.clone(),
            message: e.to_string(),
        })?;
        let t = convert(raw, key)?;
        if !seen.insert(t.name.clone()) {
            return Err(CatalogError::Duplicate {
                instance_type: t.name,
            });
        }
        out.push(t);
    }
    if out.is_empty() {
        return Err(CatalogError::Empty);
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn convert(raw: RawType, key: Option<String>) -> Result<InstanceType, CatalogError> {
    let name = match (non_empty(raw.instance_type), key) {
        (Some(n), Some(k)) if n != k => {
            return Err(CatalogError::InvalidValue {
                instance_type: k,
                field: "InstanceType",
                value: n,
                reason: "differs from the key it is listed under",
            });
        }
        (Some(n), _) => n,
        (None, Some(k)) if !k.trim().is_empty() => k,
        (None, k) => {
            return Err(CatalogError::MissingField {
                instance_type: k.unwrap_or_default(),
                field: "InstanceType",
            });
        }
    };
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(CatalogError::InvalidValue {
            instance_type: name.clone(),
            field: "InstanceType",
            value: format!("{name:?}"),
            reason: "an instance type name has no spaces or control characters",
        });
    }
    let hypervisor = match raw.hypervisor.as_deref() {
        None => Hypervisor::None,
        Some(h) => Hypervisor::parse(h).ok_or_else(|| CatalogError::InvalidValue {
            instance_type: name.clone(),
            field: "Hypervisor",
            value: h.to_string(),
            reason: "EC2 documents only \"nitro\" and \"xen\"",
        })?,
    };
    let net = raw.network_info.ok_or_else(|| CatalogError::MissingField {
        instance_type: name.clone(),
        field: "NetworkInfo",
    })?;
    let network = convert_network(&name, net)?;
    let (instance_storage_gb, local_nvme) = match raw.instance_storage_info {
        // Karpenter: `NvmeSupport != unsupported && TotalSizeInGB != nil`.
        Some(s) => (
            s.total_size_in_gb,
            s.nvme_support
                .as_deref()
                .is_some_and(|n| n != "unsupported"),
        ),
        None => (None, false),
    };
    let gpus = raw
        .gpu_info
        .map(|g| g.gpus)
        .unwrap_or_default()
        .into_iter()
        .map(|g| Gpu {
            count: g.count.unwrap_or(0),
            manufacturer: non_empty(g.manufacturer).unwrap_or_default(),
            name: non_empty(g.name).unwrap_or_default(),
            memory_mib: g.memory_info.and_then(|m| m.size_in_mib),
        })
        .collect();
    // Neuron devices first (Karpenter prefers NeuronInfo and labels its
    // manufacturer "aws"); inference accelerators only without NeuronInfo.
    let accelerators = match (raw.neuron_info, raw.inference_accelerator_info) {
        (Some(n), _) => n
            .neuron_devices
            .into_iter()
            .map(|d| Accelerator {
                count: d.count.unwrap_or(0),
                manufacturer: "AWS".to_string(),
                name: non_empty(d.name).unwrap_or_default(),
            })
            .collect(),
        (None, Some(i)) => i
            .accelerators
            .into_iter()
            .map(|d| Accelerator {
                count: d.count.unwrap_or(0),
                manufacturer: non_empty(d.manufacturer).unwrap_or_default(),
                name: non_empty(d.name).unwrap_or_default(),
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    let (architectures, cpu_manufacturer) = match raw.processor_info {
        Some(p) => (p.supported_architectures, non_empty(p.manufacturer)),
        None => (Vec::new(), None),
    };
    let vcpus = raw.v_cpu_info.and_then(|v| v.default_v_cpus);
    let memory_mib = raw.memory_info.and_then(|m| m.size_in_mib);
    Ok(InstanceType {
        bare_metal: raw.bare_metal.unwrap_or(hypervisor == Hypervisor::None),
        name,
        source: FactSource::DescribeInstanceTypes,
        compute_source: (vcpus.is_some() || memory_mib.is_some())
            .then_some(FactSource::DescribeInstanceTypes),
        vcpus,
        memory_mib,
        architectures,
        cpu_manufacturer,
        hypervisor,
        current_generation: raw.current_generation,
        usage_classes: raw.supported_usage_classes,
        network,
        gpus,
        accelerators,
        instance_storage_gb,
        local_nvme,
        on_demand_price_usd: None,
        trunking: None,
    })
}

fn convert_network(name: &str, net: RawNetwork) -> Result<NetworkFacts, CatalogError> {
    let missing = |field| CatalogError::MissingField {
        instance_type: name.to_string(),
        field,
    };
    let ipv4_per_eni = net
        .ipv4_addresses_per_interface
        .ok_or_else(|| missing("NetworkInfo.Ipv4AddressesPerInterface"))?;
    if ipv4_per_eni == 0 {
        return Err(CatalogError::InvalidValue {
            instance_type: name.to_string(),
            field: "NetworkInfo.Ipv4AddressesPerInterface",
            value: "0".to_string(),
            reason: "every interface has at least its primary IPv4 address",
        });
    }
    let mut cards = Vec::with_capacity(net.network_cards.len());
    let mut bandwidth_gbps = 0.0_f64;
    let mut any_bandwidth = false;
    for (i, c) in net.network_cards.iter().enumerate() {
        let index = c
            .network_card_index
            .unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
        let max_enis = c
            .maximum_network_interfaces
            .ok_or_else(|| missing("NetworkInfo.NetworkCards[].MaximumNetworkInterfaces"))?;
        if cards.iter().any(|x: &NetworkCard| x.index == index) {
            return Err(CatalogError::InvalidValue {
                instance_type: name.to_string(),
                field: "NetworkInfo.NetworkCards[].NetworkCardIndex",
                value: index.to_string(),
                reason: "two cards have the same index",
            });
        }
        if let Some(b) = c.baseline_bandwidth_in_gbps
            && b.is_finite()
            && b >= 0.0
        {
            bandwidth_gbps += b;
            any_bandwidth = true;
        }
        cards.push(NetworkCard { index, max_enis });
    }
    cards.sort_by_key(|c| c.index);
    let default_card_index = net.default_network_card_index.unwrap_or(0);
    let max_enis = match net.maximum_network_interfaces {
        Some(m) => m,
        None if !cards.is_empty() => cards
            .iter()
            .map(|c| c.max_enis)
            .fold(0, u32::saturating_add),
        None => return Err(missing("NetworkInfo.MaximumNetworkInterfaces")),
    };
    if !cards.is_empty() && !cards.iter().any(|c| c.index == default_card_index) {
        return Err(CatalogError::InvalidValue {
            instance_type: name.to_string(),
            field: "NetworkInfo.DefaultNetworkCardIndex",
            value: default_card_index.to_string(),
            reason: "no network card has this index",
        });
    }
    let baseline_bandwidth_mbps = any_bandwidth.then(|| {
        // `as` saturates; the value is finite and non-negative.
        (bandwidth_gbps * 1000.0).round() as u64
    });
    Ok(NetworkFacts {
        cards,
        default_card_index,
        max_enis,
        ipv4_per_eni,
        ipv6_per_eni: net.ipv6_addresses_per_interface,
        efa_supported: net.efa_supported.unwrap_or(false),
        max_efa_interfaces: net.efa_info.and_then(|e| e.maximum_efa_interfaces),
        encryption_in_transit: net.encryption_in_transit_supported,
        baseline_bandwidth_mbps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const M6I: &str = r#"{"InstanceType": "m6i.4xlarge", "CurrentGeneration": true, "Hypervisor": "nitro",
       "BareMetal": false, "SupportedUsageClasses": ["on-demand", "spot"],
       "ProcessorInfo": {"SupportedArchitectures": ["x86_64"], "Manufacturer": "Intel"},
       "VCpuInfo": {"DefaultVCpus": 16}, "MemoryInfo": {"SizeInMiB": 65536},
       "NetworkInfo": {"MaximumNetworkInterfaces": 8, "MaximumNetworkCards": 1,
         "DefaultNetworkCardIndex": 0, "EncryptionInTransitSupported": true,
         "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 8, "BaselineBandwidthInGbps": 6.25}],
         "Ipv4AddressesPerInterface": 30, "Ipv6AddressesPerInterface": 30, "EfaSupported": false}}"#;

    fn err(text: &str) -> CatalogError {
        match parse_describe_instance_types(text) {
            Ok(v) => panic!("expected an error, got {} types", v.len()),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_the_cli_shape_the_list_and_the_keyed_object() {
        for text in [
            format!(r#"{{"InstanceTypes": [{M6I}]}}"#),
            format!("[{M6I}]"),
            format!(r#"{{"m6i.4xlarge": {M6I}}}"#),
        ] {
            let types = parse_describe_instance_types(&text).unwrap_or_else(|e| panic!("{e}"));
            let t = &types[0];
            assert_eq!(t.name, "m6i.4xlarge");
            assert_eq!(t.vcpus, Some(16));
            assert_eq!(t.memory_mib, Some(65536));
            assert_eq!(t.hypervisor, Hypervisor::Nitro);
            assert_eq!(t.network.default_card_max_enis(), 8);
            assert_eq!(t.network.ipv4_per_eni, 30);
            assert_eq!(t.network.baseline_bandwidth_mbps, Some(6250));
            assert_eq!(t.cpu_manufacturer.as_deref(), Some("Intel"));
        }
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(matches!(err("{"), CatalogError::Json { line: 1, .. }));
        assert!(matches!(err("42"), CatalogError::Shape { .. }));
        assert!(matches!(
            err(r#"{"InstanceTypes": 3}"#),
            CatalogError::Shape { .. }
        ));
        assert!(matches!(
            err(r#"{"InstanceTypes": []}"#),
            CatalogError::Empty
        ));
        assert!(matches!(
            err("[1]"),
            CatalogError::InvalidType { index: 0, .. }
        ));
        let e = err(r#"[{"InstanceType": "x.large"}]"#);
        assert_eq!(
            e,
            CatalogError::MissingField {
                instance_type: "x.large".into(),
                field: "NetworkInfo"
            }
        );
        let e = err(
            r#"[{"InstanceType": "x.large", "NetworkInfo": {"Ipv4AddressesPerInterface": 2,
               "DefaultNetworkCardIndex": 3, "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 2}]}}]"#,
        );
        assert!(e.to_string().contains("DefaultNetworkCardIndex"), "{e}");
        let e = err(r#"[{"InstanceType": "x.large", "Hypervisor": "kvm", "NetworkInfo": {}}]"#);
        assert!(e.to_string().contains("kvm"), "{e}");
        let e = err(
            r#"[{"InstanceType": "x.large", "VCpuInfo": {"DefaultVCpus": -1}, "NetworkInfo": {}}]"#,
        );
        assert!(matches!(e, CatalogError::InvalidType { .. }), "{e}");
        let e = err(&format!("[{M6I}, {M6I}]"));
        assert!(matches!(e, CatalogError::Duplicate { .. }));
        let e = err(&format!(r#"{{"m6i.large": {M6I}}}"#));
        assert!(
            matches!(
                e,
                CatalogError::InvalidValue {
                    field: "InstanceType",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(matches!(err(&text), CatalogError::Json { .. }));
    }

    #[test]
    fn old_outputs_without_network_cards_use_the_total() {
        let t = parse_describe_instance_types(
            r#"[{"InstanceType": "m4.large", "Hypervisor": "xen", "NetworkInfo": {"MaximumNetworkInterfaces": 2, "Ipv4AddressesPerInterface": 10}}]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t[0].network.default_card_max_enis(), 2);
        assert!(!t[0].bare_metal);
    }
}
