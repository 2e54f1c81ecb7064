//! `karpenter.k8s.aws/v1` EC2NodeClass. Source: aws/karpenter-provider-aws
//! pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml and pkg/apis/v1/ec2nodeclass.go.

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use crate::quantity::Quantity;
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ec2NodeClass {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: Ec2NodeClassSpec,
    /// `status` as the API server reports it (absent in manifests): its
    /// `Ready` condition sums `AMIsReady`, `SubnetsReady`,
    /// `SecurityGroupsReady`, `InstanceProfileReady` and `ValidationSucceeded`
    /// (aws/karpenter-provider-aws pkg/apis/v1/ec2nodeclass_status.go).
    pub status: Option<Spanned<crate::k8s::ConditionedStatus>>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(Ec2NodeClass, "EC2NodeClass", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ec2NodeClassSpec {
    /// IAM role name for nodes; exactly one of `role` and `instanceProfile`.
    pub role: Option<Spanned<String>>,
    pub instance_profile: Option<Spanned<String>>,
    /// Deprecated in v1 in favour of `amiSelectorTerms[].alias`, still accepted.
    pub ami_family: Option<Spanned<String>>,
    #[serde(default)]
    pub ami_selector_terms: Vec<Spanned<AmiSelectorTerm>>,
    #[serde(default)]
    pub subnet_selector_terms: Vec<Spanned<SelectorTerm>>,
    #[serde(default)]
    pub security_group_selector_terms: Vec<Spanned<SelectorTerm>>,
    #[serde(default)]
    pub capacity_reservation_selector_terms: Vec<Spanned<SelectorTerm>>,
    pub kubelet: Option<Spanned<KubeletConfiguration>>,
    pub metadata_options: Option<Spanned<MetadataOptions>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub block_device_mappings: Vec<Spanned<BlockDeviceMapping>>,
    pub user_data: Option<Spanned<String>>,
    pub detailed_monitoring: Option<Spanned<bool>>,
    #[serde(rename = "associatePublicIPAddress")]
    pub associate_public_ip_address: Option<Spanned<bool>>,
    pub instance_store_policy: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmiSelectorTerm {
    /// `family@version`, e.g. `al2023@latest`, `bottlerocket@v1.20.0`.
    pub alias: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub ssm_parameter: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectorTerm {
    pub id: Option<String>,
    pub name: Option<String>,
    pub owner_id: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// The kubelet settings Karpenter passes to nodes (ec2nodeclass.go KubeletConfiguration).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeletConfiguration {
    pub max_pods: Option<Spanned<i32>>,
    pub pods_per_core: Option<Spanned<i32>>,
    #[serde(default)]
    pub system_reserved: BTreeMap<String, Spanned<Quantity>>,
    #[serde(default)]
    pub kube_reserved: BTreeMap<String, Spanned<Quantity>>,
    /// Signal to threshold, e.g. `memory.available: 100Mi` or `5%`.
    #[serde(default)]
    pub eviction_hard: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub eviction_soft: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub eviction_soft_grace_period: BTreeMap<String, Spanned<String>>,
    pub eviction_max_pod_grace_period: Option<Spanned<i32>>,
    #[serde(rename = "clusterDNS", default)]
    pub cluster_dns: Vec<String>,
    #[serde(rename = "cpuCFSQuota")]
    pub cpu_cfs_quota: Option<bool>,
    pub image_gc_high_threshold_percent: Option<i32>,
    pub image_gc_low_threshold_percent: Option<i32>,
}

/// IMDS options. CRD defaults: httpEndpoint enabled, httpProtocolIPv6 disabled,
/// httpPutResponseHopLimit 1, httpTokens required.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataOptions {
    pub http_endpoint: Option<Spanned<String>>,
    #[serde(rename = "httpProtocolIPv6")]
    pub http_protocol_ipv6: Option<Spanned<String>>,
    pub http_put_response_hop_limit: Option<Spanned<i64>>,
    pub http_tokens: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockDeviceMapping {
    pub device_name: Option<String>,
    pub ebs: Option<BlockDevice>,
    #[serde(default)]
    pub root_volume: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockDevice {
    pub delete_on_termination: Option<bool>,
    pub encrypted: Option<bool>,
    pub iops: Option<i64>,
    #[serde(rename = "kmsKeyID")]
    pub kms_key_id: Option<String>,
    #[serde(rename = "snapshotID")]
    pub snapshot_id: Option<String>,
    pub throughput: Option<i64>,
    pub volume_size: Option<Quantity>,
    pub volume_type: Option<String>,
}

/// The AMI family a node class boots, from its alias or `amiFamily`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AmiFamily {
    Al2,
    Al2023,
    Bottlerocket,
    Windows2019,
    Windows2022,
    Windows2025,
    Custom,
}

impl AmiFamily {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "al2" => AmiFamily::Al2,
            "al2023" => AmiFamily::Al2023,
            "bottlerocket" => AmiFamily::Bottlerocket,
            "windows2019" => AmiFamily::Windows2019,
            "windows2022" => AmiFamily::Windows2022,
            "windows2025" => AmiFamily::Windows2025,
            "custom" => AmiFamily::Custom,
            _ => return None,
        })
    }
}

impl Ec2NodeClass {
    /// The AMI family: the alias of the first alias term (`al2023@latest`), else
    /// `amiFamily`. Karpenter v1 allows an alias only as the single term.
    pub fn ami_family(&self) -> Option<AmiFamily> {
        let from_alias = self
            .spec
            .ami_selector_terms
            .iter()
            .find_map(|t| t.value.alias.as_deref())
            .and_then(|a| AmiFamily::parse(a.split('@').next().unwrap_or(a)));
        from_alias.or_else(|| {
            self.spec
                .ami_family
                .as_ref()
                .and_then(|f| AmiFamily::parse(&f.value))
        })
    }

    pub fn kubelet(&self) -> Option<&KubeletConfiguration> {
        self.spec.kubelet.as_ref().map(|k| &k.value)
    }
}
