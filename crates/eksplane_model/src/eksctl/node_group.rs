//! eksctl node groups: `managedNodeGroups` (EKS managed) and `nodeGroups`
//! (self-managed). Both embed eksctl's `NodeGroupBase`; serde cannot flatten
//! without losing positions, so [`node_group_struct!`] writes the shared fields
//! into each. Source: eksctl-io/eksctl `pkg/apis/eksctl.io/v1alpha5/assets/schema.json`
//! (definitions `ManagedNodeGroup`, `NodeGroup`, `NodeGroupIAM`, `NodeGroupTaint`,
//! `taintsWrapper`, ...) and `types.go`.

use eksplane_source::Spanned;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// `amiFamily` when not written (schema.json: `"default": "AmazonLinux2023"`).
pub const DEFAULT_AMI_FAMILY: &str = "AmazonLinux2023";
/// `volumeSize` in GiB when not written (schema.json: `"default": 80`).
pub const DEFAULT_VOLUME_SIZE_GIB: i64 = 80;
/// `volumeType` when not written (schema.json: `"default": "gp3"`).
pub const DEFAULT_VOLUME_TYPE: &str = "gp3";

macro_rules! node_group_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(default)]
            pub name: Spanned<String>,
            /// `AmazonLinux2023` (default), `AmazonLinux2`, `Bottlerocket`,
            /// `Ubuntu2404`, `WindowsServer2022CoreContainer`, ...
            pub ami_family: Option<Spanned<String>>,
            pub instance_type: Option<Spanned<String>>,
            #[serde(default)]
            pub availability_zones: Vec<Spanned<String>>,
            /// Subnet IDs, or names/AZ keys of `vpc.subnets`.
            #[serde(default)]
            pub subnets: Vec<Spanned<String>>,
            pub instance_prefix: Option<String>,
            pub instance_name: Option<String>,
            pub desired_capacity: Option<Spanned<i64>>,
            pub min_size: Option<Spanned<i64>>,
            pub max_size: Option<Spanned<i64>>,
            /// GiB; default [`DEFAULT_VOLUME_SIZE_GIB`].
            pub volume_size: Option<Spanned<i64>>,
            pub volume_type: Option<Spanned<String>>,
            pub volume_name: Option<String>,
            pub volume_encrypted: Option<Spanned<bool>>,
            #[serde(rename = "volumeKmsKeyID")]
            pub volume_kms_key_id: Option<Spanned<String>>,
            #[serde(rename = "volumeIOPS")]
            pub volume_iops: Option<Spanned<i64>>,
            pub volume_throughput: Option<Spanned<i64>>,
            pub ssh: Option<Spanned<NodeGroupSsh>>,
            #[serde(default)]
            pub labels: BTreeMap<String, Spanned<String>>,
            /// Place nodes in private subnets only (default false).
            pub private_networking: Option<Spanned<bool>>,
            #[serde(default)]
            pub tags: BTreeMap<String, Spanned<String>>,
            pub iam: Option<Spanned<NodeGroupIam>>,
            /// A custom AMI ID, `auto-ssm`, `auto` or `static`.
            pub ami: Option<Spanned<String>>,
            pub security_groups: Option<Spanned<NodeGroupSecurityGroups>>,
            pub max_pods_per_node: Option<Spanned<i64>>,
            #[serde(default)]
            pub asg_suspend_processes: Vec<String>,
            pub ebs_optimized: Option<Spanned<bool>>,
            #[serde(rename = "disableIMDSv1")]
            pub disable_imds_v1: Option<Spanned<bool>>,
            #[serde(rename = "disablePodIMDS")]
            pub disable_pod_imds: Option<Spanned<bool>>,
            #[serde(default)]
            pub pre_bootstrap_commands: Vec<Spanned<String>>,
            pub override_bootstrap_command: Option<Spanned<String>>,
            #[serde(rename = "propagateASGTags")]
            pub propagate_asg_tags: Option<Spanned<bool>>,
            pub efa_enabled: Option<Spanned<bool>>,
            pub enable_detailed_monitoring: Option<Spanned<bool>>,
            pub instance_selector: Option<Spanned<InstanceSelector>>,
            #[serde(rename = "outpostARN")]
            pub outpost_arn: Option<Spanned<String>>,
            /// Written as a list of `{key, value, effect}` or, the older form, a
            /// map of key to `value:effect`; read as a list either way.
            #[serde(default, deserialize_with = "taints")]
            pub taints: Vec<Spanned<NodeGroupTaint>>,
            pub update_config: Option<Spanned<NodeGroupUpdateConfig>>,
            pub bottlerocket: Option<Spanned<NodeGroupBottlerocket>>,
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $name {
            pub fn name(&self) -> &str {
                &self.name.value
            }

            /// `amiFamily`, or eksctl's default [`DEFAULT_AMI_FAMILY`].
            pub fn ami_family(&self) -> &str {
                self.ami_family
                    .as_ref()
                    .map(|f| f.value.as_str())
                    .unwrap_or(DEFAULT_AMI_FAMILY)
            }

            pub fn label(&self, key: &str) -> Option<&str> {
                self.labels.get(key).map(|v| v.value.as_str())
            }

            /// The node IAM role ARN, when given rather than created by eksctl.
            pub fn instance_role_arn(&self) -> Option<&Spanned<String>> {
                self.iam
                    .as_ref()
                    .and_then(|i| i.value.instance_role_arn.as_ref())
            }

            /// `privateNetworking`, default false.
            pub fn is_private_networking(&self) -> bool {
                self.private_networking.as_ref().is_some_and(|b| b.value)
            }
        }
    };
}

node_group_struct! {
    /// A `managedNodeGroups` entry: an EKS managed node group.
    pub struct ManagedNodeGroup {
        #[serde(default)]
        pub instance_types: Vec<Spanned<String>>,
        /// Spot capacity (default false).
        pub spot: Option<Spanned<bool>>,
        pub launch_template: Option<Spanned<LaunchTemplate>>,
        /// The EKS optimized AMI release to use.
        pub release_version: Option<Spanned<String>>,
        pub node_repair_config: Option<Spanned<NodeRepairConfig>>,
    }
}

node_group_struct! {
    /// A `nodeGroups` entry: a self-managed node group (an Auto Scaling group).
    pub struct NodeGroup {
        pub instances_distribution: Option<Spanned<InstancesDistribution>>,
        #[serde(rename = "clusterDNS")]
        pub cluster_dns: Option<Spanned<String>>,
        /// Arbitrary kubelet configuration merged by eksctl.
        pub kubelet_extra_config: Option<Spanned<serde_json::Value>>,
        pub container_runtime: Option<Spanned<String>>,
        #[serde(rename = "targetGroupARNs", default)]
        pub target_group_arns: Vec<Spanned<String>>,
        #[serde(default)]
        pub classic_load_balancer_names: Vec<Spanned<String>>,
        pub max_instance_lifetime: Option<Spanned<i64>>,
        #[serde(default)]
        pub local_zones: Vec<Spanned<String>>,
        pub cpu_credits: Option<Spanned<String>>,
        pub enclave_enabled: Option<Spanned<bool>>,
    }
}

impl ManagedNodeGroup {
    /// `instanceType` and `instanceTypes`, in that order.
    pub fn instance_types(&self) -> Vec<&Spanned<String>> {
        self.instance_type
            .iter()
            .chain(self.instance_types.iter())
            .collect()
    }

    pub fn is_spot(&self) -> bool {
        self.spot.as_ref().is_some_and(|b| b.value)
    }
}

impl NodeGroup {
    /// `instanceType` (unless eksctl's `mixed` placeholder) and
    /// `instancesDistribution.instanceTypes`.
    pub fn instance_types(&self) -> Vec<&Spanned<String>> {
        self.instance_type
            .iter()
            .filter(|t| t.value != "mixed")
            .chain(
                self.instances_distribution
                    .iter()
                    .flat_map(|d| d.value.instance_types.iter()),
            )
            .collect()
    }
}

/// Either kind of node group, for checks that apply to both.
#[derive(Debug, Clone, Copy)]
pub enum NodeGroupRef<'a> {
    Managed(&'a Spanned<ManagedNodeGroup>),
    SelfManaged(&'a Spanned<NodeGroup>),
}

macro_rules! both {
    ($self:ident, $ng:ident => $e:expr) => {
        match *$self {
            NodeGroupRef::Managed($ng) => $e,
            NodeGroupRef::SelfManaged($ng) => $e,
        }
    };
}

impl<'a> NodeGroupRef<'a> {
    pub fn is_managed(&self) -> bool {
        matches!(self, NodeGroupRef::Managed(_))
    }

    pub fn name(&self) -> &'a str {
        both!(self, ng => ng.value.name())
    }

    /// The whole node group entry.
    pub fn span(&self) -> eksplane_source::Span {
        both!(self, ng => ng.span)
    }

    pub fn name_spanned(&self) -> &'a Spanned<String> {
        both!(self, ng => &ng.value.name)
    }

    pub fn ami_family(&self) -> &'a str {
        both!(self, ng => ng.value.ami_family())
    }

    pub fn instance_types(&self) -> Vec<&'a Spanned<String>> {
        both!(self, ng => ng.value.instance_types())
    }

    pub fn labels(&self) -> &'a BTreeMap<String, Spanned<String>> {
        both!(self, ng => &ng.value.labels)
    }

    pub fn taints(&self) -> &'a [Spanned<NodeGroupTaint>] {
        both!(self, ng => &ng.value.taints)
    }

    pub fn max_pods_per_node(&self) -> Option<&'a Spanned<i64>> {
        both!(self, ng => ng.value.max_pods_per_node.as_ref())
    }

    pub fn iam(&self) -> Option<&'a Spanned<NodeGroupIam>> {
        both!(self, ng => ng.value.iam.as_ref())
    }

    pub fn subnets(&self) -> &'a [Spanned<String>] {
        both!(self, ng => &ng.value.subnets)
    }

    pub fn availability_zones(&self) -> &'a [Spanned<String>] {
        both!(self, ng => &ng.value.availability_zones)
    }

    pub fn is_private_networking(&self) -> bool {
        both!(self, ng => ng.value.is_private_networking())
    }

    pub fn disable_imds_v1(&self) -> Option<&'a Spanned<bool>> {
        both!(self, ng => ng.value.disable_imds_v1.as_ref())
    }

    pub fn min_size(&self) -> Option<&'a Spanned<i64>> {
        both!(self, ng => ng.value.min_size.as_ref())
    }

    pub fn max_size(&self) -> Option<&'a Spanned<i64>> {
        both!(self, ng => ng.value.max_size.as_ref())
    }

    pub fn desired_capacity(&self) -> Option<&'a Spanned<i64>> {
        both!(self, ng => ng.value.desired_capacity.as_ref())
    }
}

/// `ssh` (schema `NodeGroupSSH`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupSsh {
    pub allow: Option<Spanned<bool>>,
    pub public_key_path: Option<String>,
    pub public_key: Option<String>,
    pub public_key_name: Option<String>,
    #[serde(default)]
    pub source_security_group_ids: Vec<Spanned<String>>,
    pub enable_ssm: Option<Spanned<bool>>,
}

/// `iam` of a node group (schema `NodeGroupIAM`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupIam {
    #[serde(rename = "attachPolicyARNs", default)]
    pub attach_policy_arns: Vec<Spanned<String>>,
    pub attach_policy: Option<Spanned<serde_json::Value>>,
    /// Not supported for managed node groups.
    #[serde(rename = "instanceProfileARN")]
    pub instance_profile_arn: Option<Spanned<String>>,
    #[serde(rename = "instanceRoleARN")]
    pub instance_role_arn: Option<Spanned<String>>,
    pub instance_role_name: Option<Spanned<String>>,
    pub instance_role_permissions_boundary: Option<Spanned<String>>,
    pub with_addon_policies: Option<Spanned<NodeGroupIamAddonPolicies>>,
}

/// `iam.withAddonPolicies` (schema `NodeGroupIAMAddonPolicies`): policies eksctl
/// attaches to the node role, so every pod on the node gets them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupIamAddonPolicies {
    pub image_builder: Option<Spanned<bool>>,
    pub auto_scaler: Option<Spanned<bool>>,
    #[serde(rename = "externalDNS")]
    pub external_dns: Option<Spanned<bool>>,
    pub cert_manager: Option<Spanned<bool>>,
    pub app_mesh: Option<Spanned<bool>>,
    pub app_mesh_preview: Option<Spanned<bool>>,
    pub ebs: Option<Spanned<bool>>,
    pub fsx: Option<Spanned<bool>>,
    pub efs: Option<Spanned<bool>>,
    pub aws_load_balancer_controller: Option<Spanned<bool>>,
    pub alb_ingress: Option<Spanned<bool>>,
    pub x_ray: Option<Spanned<bool>>,
    pub cloud_watch: Option<Spanned<bool>>,
}

impl NodeGroupIamAddonPolicies {
    /// The names (as written in YAML) of the add-on policies set to true.
    pub fn enabled(&self) -> Vec<(&'static str, &Spanned<bool>)> {
        [
            ("imageBuilder", &self.image_builder),
            ("autoScaler", &self.auto_scaler),
            ("externalDNS", &self.external_dns),
            ("certManager", &self.cert_manager),
            ("appMesh", &self.app_mesh),
            ("appMeshPreview", &self.app_mesh_preview),
            ("ebs", &self.ebs),
            ("fsx", &self.fsx),
            ("efs", &self.efs),
            (
                "awsLoadBalancerController",
                &self.aws_load_balancer_controller,
            ),
            ("albIngress", &self.alb_ingress),
            ("xRay", &self.x_ray),
            ("cloudWatch", &self.cloud_watch),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_ref().filter(|b| b.value).map(|b| (n, b)))
        .collect()
    }
}

/// `securityGroups` (schema `NodeGroupSGs`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupSecurityGroups {
    #[serde(rename = "attachIDs", default)]
    pub attach_ids: Vec<Spanned<String>>,
    pub with_shared: Option<Spanned<bool>>,
    pub with_local: Option<Spanned<bool>>,
}

/// A taint (schema `NodeGroupTaint`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupTaint {
    pub key: Option<Spanned<String>>,
    pub value: Option<Spanned<String>>,
    /// `NoSchedule`, `PreferNoSchedule`, `NoExecute`.
    pub effect: Option<Spanned<String>>,
}

impl NodeGroupTaint {
    pub fn key(&self) -> &str {
        self.key.as_ref().map(|s| s.value.as_str()).unwrap_or("")
    }

    pub fn value(&self) -> &str {
        self.value.as_ref().map(|s| s.value.as_str()).unwrap_or("")
    }

    pub fn effect(&self) -> &str {
        self.effect.as_ref().map(|s| s.value.as_str()).unwrap_or("")
    }

    /// The map form `key: value:effect` or `key: :effect` or `key: effect`, split
    /// as eksctl's `pkg/utils/taints` `parseTaint` does.
    fn from_map_entry(key: Spanned<String>, value_effect: Spanned<Option<String>>) -> Self {
        let span = value_effect.span;
        let text = value_effect.value.unwrap_or_default();
        let parts: Vec<&str> = text.split(':').collect();
        let (value, effect) = match parts.as_slice() {
            [effect] => (None, Some(*effect)),
            [value, effect] => (Some(*value), Some(*effect)),
            _ => (Some(text.as_str()), None),
        };
        let keep = |s: Option<&str>| {
            s.filter(|s| !s.is_empty())
                .map(|s| Spanned::new(s.to_string(), span))
        };
        NodeGroupTaint {
            value: keep(value),
            effect: keep(effect),
            key: Some(key),
        }
    }
}

/// Reads `taints` as a list of taints or a map of key to `value:effect`
/// (eksctl's `taintsWrapper` accepts both).
fn taints<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<NodeGroupTaint>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Spanned<NodeGroupTaint>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "a list of taints ({key, value, effect}) or a map of key to \"value:effect\"",
            )
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            let mut v = Vec::new();
            while let Some(t) = s.next_element::<Spanned<NodeGroupTaint>>()? {
                v.push(t);
            }
            Ok(v)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut v = Vec::new();
            while let Some(key) = m.next_key::<Spanned<String>>()? {
                let value: Spanned<Option<String>> = m.next_value()?;
                let span = key.span.cover(value.span);
                v.push(Spanned::new(
                    NodeGroupTaint::from_map_entry(key, value),
                    span,
                ));
            }
            Ok(v)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

/// `updateConfig` (schema `NodeGroupUpdateConfig`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupUpdateConfig {
    pub max_unavailable: Option<Spanned<i64>>,
    pub max_unavailable_percentage: Option<Spanned<i64>>,
}

/// `bottlerocket` (schema `NodeGroupBottlerocket`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupBottlerocket {
    pub enable_admin_container: Option<Spanned<bool>>,
    /// Bottlerocket settings (TOML-shaped), kept as a document.
    pub settings: Option<Spanned<serde_json::Value>>,
}

/// `instanceSelector` (schema `InstanceSelector`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSelector {
    #[serde(rename = "vCPUs")]
    pub vcpus: Option<i64>,
    /// GiB unless a unit is given.
    pub memory: Option<String>,
    pub gpus: Option<i64>,
    pub cpu_architecture: Option<String>,
    pub allow: Option<String>,
    pub deny: Option<String>,
}

/// `launchTemplate` of a managed node group (schema `LaunchTemplate`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplate {
    pub id: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
}

/// `nodeRepairConfig` (schema `NodeGroupNodeRepairConfig`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRepairConfig {
    pub enabled: Option<Spanned<bool>>,
}

/// `instancesDistribution` of a self-managed node group (schema
/// `NodeGroupInstancesDistribution`): mixed instance types and Spot.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstancesDistribution {
    #[serde(default)]
    pub instance_types: Vec<Spanned<String>>,
    pub max_price: Option<f64>,
    /// Default 0.
    pub on_demand_base_capacity: Option<Spanned<i64>>,
    /// 0..=100, default 100 (all On-Demand).
    pub on_demand_percentage_above_base_capacity: Option<Spanned<i64>>,
    pub spot_instance_pools: Option<i64>,
    pub spot_allocation_strategy: Option<Spanned<String>>,
    pub capacity_rebalance: Option<bool>,
}
