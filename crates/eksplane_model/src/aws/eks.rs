//! Amazon EKS output shapes (`aws eks ... --output json`). Member names follow
//! botocore `data/eks/2017-11-01/service-2.json` (shapes `DescribeClusterResponse`,
//! `Cluster`, `VpcConfigResponse`, `AccessEntry`, `AssociatedAccessPolicy`,
//! `PodIdentityAssociation`, `Addon`, `AddonInfo`, ...), botocore 1.43.

use super::Timestamp;
use eksplane_source::{Node, NodeKind, Spanned};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Values of `accessConfig.authenticationMode` (shape `AuthenticationMode`).
pub mod authentication_mode {
    pub const API: &str = "API";
    pub const API_AND_CONFIG_MAP: &str = "API_AND_CONFIG_MAP";
    pub const CONFIG_MAP: &str = "CONFIG_MAP";

    /// The mode of a cluster created through the EKS API, SDKs or CloudFormation
    /// without `accessConfig` (botocore `CreateAccessConfigRequest.authenticationMode`:
    /// "the default is CONFIG_MAP"; the console defaults to API_AND_CONFIG_MAP).
    pub const EKS_API_DEFAULT: &str = CONFIG_MAP;

    /// Whether access entries authenticate principals in this mode.
    pub fn uses_access_entries(mode: &str) -> bool {
        mode == API || mode == API_AND_CONFIG_MAP
    }

    /// Whether the `kube-system/aws-auth` ConfigMap is read in this mode.
    pub fn uses_config_map(mode: &str) -> bool {
        mode == CONFIG_MAP || mode == API_AND_CONFIG_MAP
    }
}

/// Values of `accessScope.type` (shape `AccessScopeType`).
pub mod access_scope_type {
    pub const CLUSTER: &str = "cluster";
    pub const NAMESPACE: &str = "namespace";
}

/// Values of an access entry's `type` (`CreateAccessEntryRequest.type`).
pub mod access_entry_type {
    pub const STANDARD: &str = "STANDARD";
    pub const EC2_LINUX: &str = "EC2_LINUX";
    pub const EC2_WINDOWS: &str = "EC2_WINDOWS";
    pub const FARGATE_LINUX: &str = "FARGATE_LINUX";
    pub const EC2: &str = "EC2";
    pub const HYBRID_LINUX: &str = "HYBRID_LINUX";
    pub const HYPERPOD_LINUX: &str = "HYPERPOD_LINUX";
}

/// The ARN prefix of the AWS-managed EKS access policies.
pub const ACCESS_POLICY_ARN_PREFIX: &str = "arn:aws:eks::aws:cluster-access-policy/";

/// The AWS-managed EKS access policies (you cannot create your own).
///
/// Source: "Review access policy permissions",
/// <https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>
/// (awsdocs/amazon-eks-user-guide `latest/ug/manage-access/k8s-access/access-policy-reference.adoc`),
/// completed with the names `aws eks list-access-policies` returned in 2026
/// (the page lists the common ones and defers to that command for the rest).
/// In other partitions the ARN starts `arn:aws-cn:` or `arn:aws-us-gov:`; see
/// [`access_policy_name`].
pub const KNOWN_ACCESS_POLICIES: &[&str] = &[
    "arn:aws:eks::aws:cluster-access-policy/AIDevOpsAgentAccessPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonAIOpsAssistantPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSACKPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSArgoCDClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSArgoCDPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSBlockStorageClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSBlockStoragePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputeClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEventPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSHybridPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSKROPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSLoadBalancingClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSLoadBalancingPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSNetworkingClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSNetworkingPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSPodIdentityPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSSecretAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSSecretReaderPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodClusterPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodControllerPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodSpacePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodSpaceTemplatePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodSystemNamespacePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodUserClusterPolicy",
];

/// The four policies that mirror Kubernetes' user-facing roles, plus
/// `AmazonEKSAdminViewPolicy` (view including Secrets), same source.
pub const CLUSTER_ADMIN_POLICY: &str =
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
pub const ADMIN_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy";
pub const ADMIN_VIEW_POLICY: &str =
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";
pub const EDIT_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";
pub const VIEW_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

/// The policy name of an access-policy ARN in any partition
/// (`arn:<partition>:eks::aws:cluster-access-policy/<Name>`), if it is one.
pub fn access_policy_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let name = rest.strip_prefix("eks::aws:cluster-access-policy/")?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// Whether `arn` names an AWS-managed access policy this build knows, in any partition.
pub fn is_known_access_policy(arn: &str) -> bool {
    access_policy_name(arn).is_some_and(|name| {
        KNOWN_ACCESS_POLICIES
            .iter()
            .any(|k| k.strip_prefix(ACCESS_POLICY_ARN_PREFIX) == Some(name))
    })
}

fn opt_str(s: &Option<Spanned<String>>) -> Option<&str> {
    s.as_ref().map(|s| s.value.as_str())
}

// ---------------------------------------------------------------------------
// describe-cluster
// ---------------------------------------------------------------------------

/// `aws eks describe-cluster` (shape `DescribeClusterResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeClusterOutput {
    pub cluster: Option<Spanned<Cluster>>,
}

impl DescribeClusterOutput {
    pub const TOP_LEVEL_KEY: &'static str = "cluster";
}

/// Shape `Cluster`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub name: Option<Spanned<String>>,
    pub arn: Option<Spanned<String>>,
    pub created_at: Option<Timestamp>,
    /// `major.minor`, e.g. `1.31`.
    pub version: Option<Spanned<String>>,
    pub endpoint: Option<Spanned<String>>,
    /// The cluster IAM role.
    pub role_arn: Option<Spanned<String>>,
    pub resources_vpc_config: Option<Spanned<VpcConfigResponse>>,
    pub kubernetes_network_config: Option<Spanned<KubernetesNetworkConfigResponse>>,
    pub logging: Option<Spanned<Logging>>,
    pub identity: Option<Identity>,
    /// `CREATING`, `ACTIVE`, `DELETING`, `FAILED`, `UPDATING`, `PENDING`.
    pub status: Option<Spanned<String>>,
    pub certificate_authority: Option<Certificate>,
    pub client_request_token: Option<String>,
    /// e.g. `eks.12`.
    pub platform_version: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub encryption_config: Vec<Spanned<EncryptionConfig>>,
    pub connector_config: Option<ConnectorConfigResponse>,
    pub id: Option<String>,
    pub health: Option<ClusterHealth>,
    pub outpost_config: Option<Spanned<OutpostConfigResponse>>,
    pub access_config: Option<Spanned<AccessConfigResponse>>,
    pub upgrade_policy: Option<Spanned<UpgradePolicyResponse>>,
    pub zonal_shift_config: Option<Spanned<ZonalShiftConfigResponse>>,
    pub remote_network_config: Option<Spanned<RemoteNetworkConfigResponse>>,
    /// EKS Auto Mode compute.
    pub compute_config: Option<Spanned<ComputeConfigResponse>>,
    pub storage_config: Option<Spanned<StorageConfigResponse>>,
    pub deletion_protection: Option<Spanned<bool>>,
    pub control_plane_scaling_config: Option<Spanned<ControlPlaneScalingConfig>>,
}

impl Cluster {
    pub fn name(&self) -> Option<&str> {
        opt_str(&self.name)
    }

    pub fn version(&self) -> Option<&str> {
        opt_str(&self.version)
    }

    /// `accessConfig.authenticationMode` as reported (no default applied; see
    /// [`authentication_mode::EKS_API_DEFAULT`]).
    pub fn authentication_mode(&self) -> Option<&Spanned<String>> {
        self.access_config
            .as_ref()
            .and_then(|a| a.value.authentication_mode.as_ref())
    }

    /// The OIDC issuer URL, e.g. `https://oidc.eks.us-east-1.amazonaws.com/id/ABC`.
    pub fn oidc_issuer(&self) -> Option<&Spanned<String>> {
        self.identity
            .as_ref()
            .and_then(|i| i.oidc.as_ref())
            .and_then(|o| o.issuer.as_ref())
    }

    /// The issuer without its scheme: the IAM OIDC provider's name, as it appears in
    /// an IRSA trust policy (`.../oidc-provider/<this>`).
    pub fn oidc_provider(&self) -> Option<&str> {
        self.oidc_issuer().map(|i| {
            i.value
                .strip_prefix("https://")
                .unwrap_or(&i.value)
                .trim_end_matches('/')
        })
    }

    pub fn endpoint_public_access(&self) -> Option<&Spanned<bool>> {
        self.resources_vpc_config
            .as_ref()
            .and_then(|v| v.value.endpoint_public_access.as_ref())
    }

    pub fn endpoint_private_access(&self) -> Option<&Spanned<bool>> {
        self.resources_vpc_config
            .as_ref()
            .and_then(|v| v.value.endpoint_private_access.as_ref())
    }

    pub fn public_access_cidrs(&self) -> Option<&Spanned<Vec<Spanned<String>>>> {
        self.resources_vpc_config
            .as_ref()
            .and_then(|v| v.value.public_access_cidrs.as_ref())
    }

    /// Whether EKS Auto Mode compute is enabled.
    pub fn auto_mode_enabled(&self) -> bool {
        self.compute_config
            .as_ref()
            .and_then(|c| c.value.enabled.as_ref())
            .is_some_and(|e| e.value)
    }

    /// The control-plane log types that are enabled.
    pub fn enabled_log_types(&self) -> Vec<&str> {
        self.logging
            .iter()
            .flat_map(|l| l.value.cluster_logging.iter())
            .filter(|s| s.enabled == Some(true))
            .flat_map(|s| s.types.iter().map(String::as_str))
            .collect()
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(|v| v.value.as_str())
    }
}

/// Shape `VpcConfigResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcConfigResponse {
    #[serde(default)]
    pub subnet_ids: Vec<Spanned<String>>,
    #[serde(default)]
    pub security_group_ids: Vec<Spanned<String>>,
    pub cluster_security_group_id: Option<Spanned<String>>,
    pub vpc_id: Option<Spanned<String>>,
    pub endpoint_public_access: Option<Spanned<bool>>,
    pub endpoint_private_access: Option<Spanned<bool>>,
    /// The list as a whole (for pointing at it) and each CIDR.
    pub public_access_cidrs: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Shape `KubernetesNetworkConfigResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesNetworkConfigResponse {
    pub service_ipv4_cidr: Option<Spanned<String>>,
    pub service_ipv6_cidr: Option<Spanned<String>>,
    /// `ipv4` or `ipv6`.
    pub ip_family: Option<Spanned<String>>,
    /// EKS Auto Mode load balancing.
    pub elastic_load_balancing: Option<Spanned<Enabled>>,
}

/// A structure whose only member is `enabled` (shapes `ElasticLoadBalancing`,
/// `BlockStorage`, `ZonalShiftConfigResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enabled {
    pub enabled: Option<Spanned<bool>>,
}

/// Shape `Logging`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Logging {
    #[serde(default)]
    pub cluster_logging: Vec<LogSetup>,
}

/// Shape `LogSetup`: `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogSetup {
    #[serde(default)]
    pub types: Vec<String>,
    pub enabled: Option<bool>,
}

/// Shape `Identity`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub oidc: Option<Oidc>,
}

/// Shape `OIDC`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Oidc {
    pub issuer: Option<Spanned<String>>,
}

/// Shape `Certificate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub data: Option<String>,
}

/// Shape `EncryptionConfig` (envelope encryption of Secrets).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionConfig {
    #[serde(default)]
    pub resources: Vec<String>,
    pub provider: Option<Provider>,
}

/// Shape `Provider`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub key_arn: Option<Spanned<String>>,
}

/// Shape `ConnectorConfigResponse` (EKS Connector clusters).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorConfigResponse {
    pub activation_id: Option<String>,
    pub activation_expiry: Option<Timestamp>,
    pub provider: Option<String>,
    pub role_arn: Option<String>,
}

/// Shape `ClusterHealth`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    #[serde(default)]
    pub issues: Vec<Spanned<HealthIssue>>,
}

/// Shapes `ClusterIssue` and `AddonIssue`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthIssue {
    pub code: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
    pub resource_ids: Vec<String>,
}

/// Shape `OutpostConfigResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutpostConfigResponse {
    #[serde(default)]
    pub outpost_arns: Vec<String>,
    pub control_plane_instance_type: Option<String>,
}

/// Shape `AccessConfigResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessConfigResponse {
    /// Default `true` (botocore `CreateAccessConfigRequest`).
    pub bootstrap_cluster_creator_admin_permissions: Option<Spanned<bool>>,
    /// See [`authentication_mode`].
    pub authentication_mode: Option<Spanned<String>>,
}

/// Shape `UpgradePolicyResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradePolicyResponse {
    /// `STANDARD` or `EXTENDED`.
    pub support_type: Option<Spanned<String>>,
}

/// Shape `ZonalShiftConfigResponse`.
pub type ZonalShiftConfigResponse = Enabled;

/// Shape `RemoteNetworkConfigResponse` (hybrid nodes).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNetworkConfigResponse {
    #[serde(default)]
    pub remote_node_networks: Vec<RemoteNetwork>,
    #[serde(default)]
    pub remote_pod_networks: Vec<RemoteNetwork>,
}

/// Shapes `RemoteNodeNetwork` and `RemotePodNetwork`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNetwork {
    #[serde(default)]
    pub cidrs: Vec<Spanned<String>>,
}

/// Shape `ComputeConfigResponse` (EKS Auto Mode).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputeConfigResponse {
    pub enabled: Option<Spanned<bool>>,
    #[serde(default)]
    pub node_pools: Vec<Spanned<String>>,
    pub node_role_arn: Option<Spanned<String>>,
}

/// Shape `StorageConfigResponse` (EKS Auto Mode).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageConfigResponse {
    pub block_storage: Option<Enabled>,
}

/// Shape `ControlPlaneScalingConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlPlaneScalingConfig {
    /// `standard`, `tier-xl`, ...
    pub tier: Option<Spanned<String>>,
}

// ---------------------------------------------------------------------------
// access entries
// ---------------------------------------------------------------------------

/// `aws eks list-access-entries` (shape `ListAccessEntriesResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAccessEntriesOutput {
    /// Principal ARNs with an access entry.
    #[serde(default)]
    pub access_entries: Vec<Spanned<String>>,
    pub next_token: Option<String>,
}

impl ListAccessEntriesOutput {
    pub const TOP_LEVEL_KEY: &'static str = "accessEntries";
}

/// `aws eks describe-access-entry` (shape `DescribeAccessEntryResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAccessEntryOutput {
    pub access_entry: Option<Spanned<AccessEntry>>,
}

impl DescribeAccessEntryOutput {
    pub const TOP_LEVEL_KEY: &'static str = "accessEntry";
}

/// Shape `AccessEntry`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    pub cluster_name: Option<Spanned<String>>,
    pub principal_arn: Option<Spanned<String>>,
    #[serde(default)]
    pub kubernetes_groups: Vec<Spanned<String>>,
    pub access_entry_arn: Option<Spanned<String>>,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    pub username: Option<Spanned<String>>,
    /// See [`access_entry_type`].
    #[serde(rename = "type")]
    pub entry_type: Option<Spanned<String>>,
}

impl AccessEntry {
    pub fn principal_arn(&self) -> Option<&str> {
        opt_str(&self.principal_arn)
    }

    /// The type, `STANDARD` when not reported.
    pub fn entry_type(&self) -> &str {
        opt_str(&self.entry_type).unwrap_or(access_entry_type::STANDARD)
    }
}

/// `aws eks list-associated-access-policies` (shape
/// `ListAssociatedAccessPoliciesResponse`): the policies of one principal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAssociatedAccessPoliciesOutput {
    pub cluster_name: Option<Spanned<String>>,
    pub principal_arn: Option<Spanned<String>>,
    pub next_token: Option<String>,
    #[serde(default)]
    pub associated_access_policies: Vec<Spanned<AssociatedAccessPolicy>>,
}

impl ListAssociatedAccessPoliciesOutput {
    pub const TOP_LEVEL_KEY: &'static str = "associatedAccessPolicies";
}

/// Shape `AssociatedAccessPolicy`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedAccessPolicy {
    pub policy_arn: Option<Spanned<String>>,
    pub access_scope: Option<Spanned<AccessScope>>,
    pub associated_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
}

impl AssociatedAccessPolicy {
    pub fn policy_arn(&self) -> Option<&str> {
        opt_str(&self.policy_arn)
    }
}

/// Shape `AccessScope`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessScope {
    /// `cluster` or `namespace` (see [`access_scope_type`]).
    #[serde(rename = "type")]
    pub scope_type: Option<Spanned<String>>,
    #[serde(default)]
    pub namespaces: Vec<Spanned<String>>,
}

impl AccessScope {
    pub fn is_cluster(&self) -> bool {
        opt_str(&self.scope_type) == Some(access_scope_type::CLUSTER)
    }
}

// ---------------------------------------------------------------------------
// pod identity
// ---------------------------------------------------------------------------

/// `aws eks list-pod-identity-associations` (shape `ListPodIdentityAssociationsResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPodIdentityAssociationsOutput {
    #[serde(default)]
    pub associations: Vec<Spanned<PodIdentityAssociationSummary>>,
    pub next_token: Option<String>,
}

impl ListPodIdentityAssociationsOutput {
    pub const TOP_LEVEL_KEY: &'static str = "associations";
}

/// Shape `PodIdentityAssociationSummary` (no role: describe the association for it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodIdentityAssociationSummary {
    pub cluster_name: Option<Spanned<String>>,
    pub namespace: Option<Spanned<String>>,
    pub service_account: Option<Spanned<String>>,
    pub association_arn: Option<Spanned<String>>,
    pub association_id: Option<Spanned<String>>,
    /// Set when an EKS add-on owns the association.
    pub owner_arn: Option<Spanned<String>>,
}

/// `aws eks describe-pod-identity-association` (shape
/// `DescribePodIdentityAssociationResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribePodIdentityAssociationOutput {
    pub association: Option<Spanned<PodIdentityAssociation>>,
}

impl DescribePodIdentityAssociationOutput {
    pub const TOP_LEVEL_KEY: &'static str = "association";
}

/// Shape `PodIdentityAssociation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodIdentityAssociation {
    pub cluster_name: Option<Spanned<String>>,
    pub namespace: Option<Spanned<String>>,
    pub service_account: Option<Spanned<String>>,
    pub role_arn: Option<Spanned<String>>,
    pub association_arn: Option<Spanned<String>>,
    pub association_id: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    pub owner_arn: Option<Spanned<String>>,
    pub disable_session_tags: Option<Spanned<bool>>,
    /// The role assumed in a second step (cross-account role chaining).
    pub target_role_arn: Option<Spanned<String>>,
    pub external_id: Option<Spanned<String>>,
    /// A session policy that narrows the role's permissions.
    pub policy: Option<Spanned<String>>,
}

impl PodIdentityAssociation {
    pub fn namespace(&self) -> Option<&str> {
        opt_str(&self.namespace)
    }

    pub fn service_account(&self) -> Option<&str> {
        opt_str(&self.service_account)
    }

    pub fn role_arn(&self) -> Option<&str> {
        opt_str(&self.role_arn)
    }
}

// ---------------------------------------------------------------------------
// add-ons
// ---------------------------------------------------------------------------

/// `aws eks list-addons` (shape `ListAddonsResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAddonsOutput {
    /// Add-on names.
    #[serde(default)]
    pub addons: Vec<Spanned<String>>,
    pub next_token: Option<String>,
}

impl ListAddonsOutput {
    /// Shared with [`DescribeAddonVersionsOutput`]; see [`addons_key_holds_names`].
    pub const TOP_LEVEL_KEY: &'static str = "addons";
}

/// Whether the `addons` list of a JSON root holds names (`list-addons`) rather
/// than objects (`describe-addon-versions`). `None` when there is no `addons`
/// list or it is empty (then either shape decodes it, to nothing).
pub fn addons_key_holds_names(root: &Node) -> Option<bool> {
    let first = root.get("addons")?.as_seq()?.first()?;
    Some(matches!(first.kind, NodeKind::Scalar(_)))
}

/// `aws eks describe-addon` (shape `DescribeAddonResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAddonOutput {
    pub addon: Option<Spanned<Addon>>,
}

impl DescribeAddonOutput {
    pub const TOP_LEVEL_KEY: &'static str = "addon";
}

/// Shape `Addon`: an installed add-on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Addon {
    pub addon_name: Option<Spanned<String>>,
    pub cluster_name: Option<Spanned<String>>,
    /// `CREATING`, `ACTIVE`, `CREATE_FAILED`, `UPDATING`, `DELETING`,
    /// `DELETE_FAILED`, `DEGRADED`, `UPDATE_FAILED`.
    pub status: Option<Spanned<String>>,
    /// e.g. `v1.19.2-eksbuild.1`.
    pub addon_version: Option<Spanned<String>>,
    pub health: Option<AddonHealth>,
    pub addon_arn: Option<Spanned<String>>,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    /// IRSA role of the add-on's service account.
    pub service_account_role_arn: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    pub publisher: Option<String>,
    pub owner: Option<String>,
    pub marketplace_information: Option<MarketplaceInformation>,
    /// JSON or YAML text.
    pub configuration_values: Option<Spanned<String>>,
    /// ARNs of the pod identity associations the add-on owns.
    #[serde(default)]
    pub pod_identity_associations: Vec<Spanned<String>>,
    pub namespace_config: Option<AddonNamespaceConfigResponse>,
}

impl Addon {
    pub fn name(&self) -> Option<&str> {
        opt_str(&self.addon_name)
    }

    pub fn version(&self) -> Option<&str> {
        opt_str(&self.addon_version)
    }
}

/// Shape `AddonHealth`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonHealth {
    #[serde(default)]
    pub issues: Vec<Spanned<HealthIssue>>,
}

/// Shape `MarketplaceInformation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketplaceInformation {
    pub product_id: Option<String>,
    pub product_url: Option<String>,
}

/// Shape `AddonNamespaceConfigResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonNamespaceConfigResponse {
    pub namespace: Option<String>,
}

/// `aws eks describe-addon-versions` (shape `DescribeAddonVersionsResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAddonVersionsOutput {
    #[serde(default)]
    pub addons: Vec<Spanned<AddonInfo>>,
    pub next_token: Option<String>,
}

impl DescribeAddonVersionsOutput {
    /// Shared with [`ListAddonsOutput`]; see [`addons_key_holds_names`].
    pub const TOP_LEVEL_KEY: &'static str = "addons";
}

/// Shape `AddonInfo`: the versions of one add-on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonInfo {
    pub addon_name: Option<Spanned<String>>,
    /// e.g. `networking`, `storage`.
    #[serde(rename = "type")]
    pub addon_type: Option<String>,
    #[serde(default)]
    pub addon_versions: Vec<Spanned<AddonVersionInfo>>,
    pub publisher: Option<String>,
    pub owner: Option<String>,
    pub marketplace_information: Option<MarketplaceInformation>,
    pub default_namespace: Option<String>,
}

impl AddonInfo {
    pub fn name(&self) -> Option<&str> {
        opt_str(&self.addon_name)
    }

    /// The versions compatible with a cluster version (`1.31`).
    pub fn versions_for<'a>(
        &'a self,
        cluster_version: &'a str,
    ) -> impl Iterator<Item = &'a Spanned<AddonVersionInfo>> + 'a {
        self.addon_versions
            .iter()
            .filter(move |v| v.compatibility(cluster_version).is_some())
    }

    /// The version EKS installs by default on a cluster version.
    pub fn default_version_for(&self, cluster_version: &str) -> Option<&str> {
        self.addon_versions
            .iter()
            .find(|v| {
                v.compatibility(cluster_version)
                    .is_some_and(|c| c.default_version == Some(true))
            })
            .and_then(|v| v.version())
    }

    pub fn version(&self, version: &str) -> Option<&Spanned<AddonVersionInfo>> {
        self.addon_versions
            .iter()
            .find(|v| v.version() == Some(version))
    }
}

/// Shape `AddonVersionInfo`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonVersionInfo {
    pub addon_version: Option<Spanned<String>>,
    /// `amd64`, `arm64`.
    #[serde(default)]
    pub architecture: Vec<String>,
    /// `ec2`, `auto`, `hybrid`.
    #[serde(default)]
    pub compute_types: Vec<String>,
    #[serde(default)]
    pub compatibilities: Vec<Compatibility>,
    pub requires_configuration: Option<bool>,
    pub requires_iam_permissions: Option<bool>,
}

impl AddonVersionInfo {
    pub fn version(&self) -> Option<&str> {
        opt_str(&self.addon_version)
    }

    /// The compatibility entry for a cluster version, if the version supports it.
    pub fn compatibility(&self, cluster_version: &str) -> Option<&Compatibility> {
        self.compatibilities
            .iter()
            .find(|c| c.cluster_version.as_deref() == Some(cluster_version))
    }
}

/// Shape `Compatibility`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Compatibility {
    pub cluster_version: Option<String>,
    #[serde(default)]
    pub platform_versions: Vec<String>,
    pub default_version: Option<bool>,
}

/// `aws eks describe-nodegroup` (shape `DescribeNodegroupResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeNodegroupOutput {
    pub nodegroup: Option<Spanned<Nodegroup>>,
}

impl DescribeNodegroupOutput {
    pub const TOP_LEVEL_KEY: &'static str = "nodegroup";
}

/// Shape `Nodegroup`: a managed node group as EKS reports it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nodegroup {
    pub nodegroup_name: Option<Spanned<String>>,
    pub cluster_name: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub release_version: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    /// `ON_DEMAND`, `SPOT` or `CAPACITY_BLOCK`.
    pub capacity_type: Option<Spanned<String>>,
    pub scaling_config: Option<Spanned<NodegroupScalingConfig>>,
    #[serde(default)]
    pub instance_types: Vec<Spanned<String>>,
    #[serde(default)]
    pub subnets: Vec<Spanned<String>>,
    /// `AL2_x86_64`, `AL2023_x86_64_STANDARD`, `BOTTLEROCKET_x86_64`,
    /// `WINDOWS_CORE_2022_x86_64`, `CUSTOM`, ... (shape `AMITypes`).
    pub ami_type: Option<Spanned<String>>,
    pub node_role: Option<Spanned<String>>,
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub taints: Vec<Spanned<NodegroupTaint>>,
    pub launch_template: Option<Spanned<NodegroupLaunchTemplate>>,
    pub update_config: Option<Spanned<NodegroupUpdateConfig>>,
}

/// Shape `NodegroupScalingConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodegroupScalingConfig {
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub desired_size: Option<i64>,
}

/// Shape `Taint` (effect `NO_SCHEDULE`, `NO_EXECUTE`, `PREFER_NO_SCHEDULE`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodegroupTaint {
    pub key: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
}

/// Shape `LaunchTemplateSpecification`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodegroupLaunchTemplate {
    pub name: Option<String>,
    pub version: Option<String>,
    pub id: Option<String>,
}

/// Shape `NodegroupUpdateConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodegroupUpdateConfig {
    pub max_unavailable: Option<i64>,
    pub max_unavailable_percentage: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::{decode, root};

    const DESCRIBE_CLUSTER: &str = r#"{
    "cluster": {
        "name": "platform-prod",
        "arn": "arn:aws:eks:us-east-1:111122223333:cluster/platform-prod",
        "createdAt": "2024-03-14T09:26:53.123000+00:00",
        "version": "1.31",
        "endpoint": "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com",
        "roleArn": "arn:aws:iam::111122223333:role/platform-prod-cluster",
        "resourcesVpcConfig": {
            "subnetIds": ["subnet-0e6a49bfdbb65a522", "subnet-0b762511d2d4a9a09"],
            "securityGroupIds": ["sg-053042d6dae747ad6"],
            "clusterSecurityGroupId": "sg-0aa11bb22cc33dd44",
            "vpcId": "vpc-0c0426899463c6ada",
            "endpointPublicAccess": true,
            "endpointPrivateAccess": true,
            "publicAccessCidrs": [
                "0.0.0.0/0"
            ]
        },
        "kubernetesNetworkConfig": {
            "serviceIpv4Cidr": "172.20.0.0/16",
            "ipFamily": "ipv4",
            "elasticLoadBalancing": {"enabled": false}
        },
        "logging": {"clusterLogging": [
            {"types": ["api", "controllerManager", "scheduler"], "enabled": false},
            {"types": ["audit", "authenticator"], "enabled": true}
        ]},
        "identity": {"oidc": {"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}},
        "status": "ACTIVE",
        "certificateAuthority": {"data": "LS0tLS1CRUdJTi..."},
        "platformVersion": "eks.12",
        "tags": {"team": "platform"},
        "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:us-east-1:111122223333:key/7d3c2f1e"}}],
        "health": {"issues": []},
        "accessConfig": {
            "bootstrapClusterCreatorAdminPermissions": true,
            "authenticationMode": "API_AND_CONFIG_MAP"
        },
        "upgradePolicy": {"supportType": "EXTENDED"},
        "computeConfig": {"enabled": false},
        "storageConfig": {"blockStorage": {"enabled": false}},
        "deletionProtection": false,
        "someFutureField": {"x": 1}
    }
}"#;

    #[test]
    fn describe_cluster() {
        let out: DescribeClusterOutput = decode(DESCRIBE_CLUSTER);
        let c = out.cluster.unwrap_or_else(|| panic!("cluster"));
        assert_eq!(c.span.start.line, 2);
        assert_eq!(c.name(), Some("platform-prod"));
        assert_eq!(c.name.as_ref().map(|n| n.span.start.line), Some(3));
        assert_eq!(c.version(), Some("1.31"));
        assert_eq!(c.version.as_ref().map(|n| n.span.start.line), Some(6));
        let mode = c.authentication_mode().unwrap_or_else(|| panic!("mode"));
        assert_eq!(
            (mode.value.as_str(), mode.span.start.line),
            ("API_AND_CONFIG_MAP", 38)
        );
        assert!(authentication_mode::uses_access_entries(&mode.value));
        assert!(authentication_mode::uses_config_map(&mode.value));
        let public = c
            .endpoint_public_access()
            .unwrap_or_else(|| panic!("public"));
        assert_eq!((public.value, public.span.start.line), (true, 14));
        let cidrs = c.public_access_cidrs().unwrap_or_else(|| panic!("cidrs"));
        assert_eq!(cidrs.span.start.line, 16);
        assert_eq!(cidrs.value[0].value, "0.0.0.0/0");
        assert_eq!(cidrs.value[0].span.start.line, 17);
        assert_eq!(
            c.oidc_provider(),
            Some("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
        );
        assert_eq!(c.enabled_log_types(), vec!["audit", "authenticator"]);
        assert_eq!(c.tag("team"), Some("platform"));
        assert_eq!(
            c.created_at.as_ref().map(Timestamp::as_str),
            Some("2024-03-14T09:26:53.123000+00:00")
        );
        let vpc = c
            .resources_vpc_config
            .as_ref()
            .unwrap_or_else(|| panic!("vpc"));
        assert_eq!(vpc.subnet_ids.len(), 2);
        assert_eq!(vpc.subnet_ids[1].span.start.line, 10);
        assert!(!c.auto_mode_enabled());
        let support = c
            .upgrade_policy
            .as_ref()
            .and_then(|u| u.support_type.as_ref());
        assert_eq!(support.map(|s| s.value.as_str()), Some("EXTENDED"));
    }

    #[test]
    fn describe_cluster_partial_and_epoch_time() {
        let out: DescribeClusterOutput =
            decode(r#"{"cluster": {"name": "a", "createdAt": 1710408413.123}}"#);
        let c = out.cluster.unwrap_or_else(|| panic!("cluster"));
        assert_eq!(
            c.created_at.as_ref().map(|t| t.0.clone()),
            Some("1710408413.123".to_string())
        );
        assert!(c.authentication_mode().is_none());
        assert!(c.public_access_cidrs().is_none());
    }

    #[test]
    fn access_entries() {
        let list: ListAccessEntriesOutput = decode(
            r#"{
    "accessEntries": [
        "arn:aws:iam::111122223333:role/platform-admins",
        "arn:aws:iam::111122223333:role/payments-developers"
    ]
}"#,
        );
        assert_eq!(list.access_entries.len(), 2);
        assert_eq!(list.access_entries[1].span.start.line, 4);

        let d: DescribeAccessEntryOutput = decode(
            r#"{
    "accessEntry": {
        "clusterName": "platform-prod",
        "principalArn": "arn:aws:iam::111122223333:role/payments-developers",
        "kubernetesGroups": ["payments-oncall"],
        "accessEntryArn": "arn:aws:eks:us-east-1:111122223333:access-entry/platform-prod/role/111122223333/payments-developers/a1b2",
        "createdAt": "2024-05-01T10:00:00+00:00",
        "modifiedAt": "2024-05-01T10:00:00+00:00",
        "tags": {},
        "username": "arn:aws:sts::111122223333:assumed-role/payments-developers/{{SessionName}}",
        "type": "STANDARD"
    }
}"#,
        );
        let e = d.access_entry.unwrap_or_else(|| panic!("entry"));
        let p = e
            .principal_arn
            .as_ref()
            .unwrap_or_else(|| panic!("principal"));
        assert_eq!(p.span.start.line, 4);
        assert_eq!(
            e.principal_arn(),
            Some("arn:aws:iam::111122223333:role/payments-developers")
        );
        assert_eq!(e.kubernetes_groups[0].value, "payments-oncall");
        assert_eq!(e.kubernetes_groups[0].span.start.line, 5);
        assert_eq!(e.entry_type(), access_entry_type::STANDARD);
        assert_eq!(e.entry_type.as_ref().map(|t| t.span.start.line), Some(11));
    }

    #[test]
    fn associated_access_policies() {
        let out: ListAssociatedAccessPoliciesOutput = decode(
            r#"{
    "clusterName": "platform-prod",
    "principalArn": "arn:aws:iam::111122223333:role/payments-developers",
    "associatedAccessPolicies": [
        {
            "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            "accessScope": {"type": "namespace", "namespaces": ["payments"]},
            "associatedAt": "2024-05-01T10:00:00+00:00",
            "modifiedAt": "2024-05-01T10:00:00+00:00"
        }
    ]
}"#,
        );
        assert_eq!(
            out.principal_arn.as_ref().map(|p| p.span.start.line),
            Some(3)
        );
        let p = &out.associated_access_policies[0];
        assert_eq!(p.span.start.line, 5);
        assert_eq!(p.policy_arn(), Some(EDIT_POLICY));
        assert_eq!(p.policy_arn.as_ref().map(|a| a.span.start.line), Some(6));
        let scope = p.access_scope.as_ref().unwrap_or_else(|| panic!("scope"));
        assert!(!scope.is_cluster());
        assert_eq!(scope.namespaces[0].value, "payments");
        assert!(is_known_access_policy(EDIT_POLICY));

        let mut snaps = crate::aws::AwsSnapshots::default();
        let principal = "arn:aws:iam::111122223333:role/payments-developers";
        snaps
            .associated_access_policies
            .push(Spanned::detached(out));
        assert_eq!(snaps.access_policies_of(principal).count(), 1);
        assert_eq!(snaps.access_policies_of("arn:aws:iam::1:role/x").count(), 0);
    }

    #[test]
    fn access_policy_names() {
        assert_eq!(
            access_policy_name(CLUSTER_ADMIN_POLICY),
            Some("AmazonEKSClusterAdminPolicy")
        );
        assert!(is_known_access_policy(
            "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
        ));
        assert!(!is_known_access_policy(
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSMadeUpPolicy"
        ));
        assert_eq!(
            access_policy_name("arn:aws:iam::aws:policy/AdministratorAccess"),
            None
        );
        for p in [
            CLUSTER_ADMIN_POLICY,
            ADMIN_POLICY,
            ADMIN_VIEW_POLICY,
            EDIT_POLICY,
            VIEW_POLICY,
        ] {
            assert!(KNOWN_ACCESS_POLICIES.contains(&p), "{p}");
        }
        assert!(
            KNOWN_ACCESS_POLICIES
                .iter()
                .all(|p| p.starts_with(ACCESS_POLICY_ARN_PREFIX))
        );
    }

    #[test]
    fn pod_identity_associations() {
        let list: ListPodIdentityAssociationsOutput = decode(
            r#"{
    "associations": [
        {
            "clusterName": "platform-prod",
            "namespace": "kube-system",
            "serviceAccount": "aws-node",
            "associationArn": "arn:aws:eks:us-east-1:111122223333:podidentityassociation/platform-prod/a-abcdefghijklmnop1",
            "associationId": "a-abcdefghijklmnop1",
            "ownerArn": "arn:aws:eks:us-east-1:111122223333:addon/platform-prod/vpc-cni/abc"
        }
    ]
}"#,
        );
        let s = &list.associations[0];
        assert_eq!(s.span.start.line, 3);
        assert_eq!(
            s.service_account.as_ref().map(|v| v.span.start.line),
            Some(6)
        );
        assert!(s.owner_arn.is_some());

        let d: DescribePodIdentityAssociationOutput = decode(
            r#"{
    "association": {
        "clusterName": "platform-prod",
        "namespace": "payments",
        "serviceAccount": "checkout-sa",
        "roleArn": "arn:aws:iam::111122223333:role/checkout-app",
        "associationArn": "arn:aws:eks:us-east-1:111122223333:podidentityassociation/platform-prod/a-1",
        "associationId": "a-1",
        "tags": {},
        "createdAt": "2024-05-01T10:00:00+00:00",
        "modifiedAt": "2024-05-01T10:00:00+00:00",
        "disableSessionTags": false,
        "targetRoleArn": "arn:aws:iam::444455556666:role/checkout-data",
        "externalId": "b6f2c0c4-1d2e-4f3a-9b8c-7d6e5f4a3b2c"
    }
}"#,
        );
        let a = d.association.unwrap_or_else(|| panic!("association"));
        assert_eq!(a.namespace(), Some("payments"));
        assert_eq!(a.service_account(), Some("checkout-sa"));
        assert_eq!(
            a.role_arn(),
            Some("arn:aws:iam::111122223333:role/checkout-app")
        );
        assert_eq!(a.role_arn.as_ref().map(|r| r.span.start.line), Some(6));
        assert_eq!(
            a.disable_session_tags.as_ref().map(|b| b.value),
            Some(false)
        );
        assert_eq!(
            a.target_role_arn.as_ref().map(|r| r.span.start.line),
            Some(13)
        );
    }

    #[test]
    fn addons() {
        let list_text = "{\n  \"addons\": [\n    \"coredns\",\n    \"vpc-cni\"\n  ]\n}";
        assert_eq!(addons_key_holds_names(&root(list_text)), Some(true));
        let list: ListAddonsOutput = decode(list_text);
        assert_eq!(list.addons[1].value, "vpc-cni");
        assert_eq!(list.addons[1].span.start.line, 4);

        let d: DescribeAddonOutput = decode(
            r#"{
    "addon": {
        "addonName": "vpc-cni",
        "clusterName": "platform-prod",
        "status": "ACTIVE",
        "addonVersion": "v1.19.2-eksbuild.1",
        "health": {"issues": [{"code": "ConfigurationConflict", "message": "x", "resourceIds": ["aws-node"]}]},
        "addonArn": "arn:aws:eks:us-east-1:111122223333:addon/platform-prod/vpc-cni/abc",
        "createdAt": "2024-05-01T10:00:00+00:00",
        "modifiedAt": "2024-05-01T10:00:00+00:00",
        "serviceAccountRoleArn": "arn:aws:iam::111122223333:role/AmazonEKSVPCCNIRole",
        "tags": {},
        "configurationValues": "{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}",
        "podIdentityAssociations": ["arn:aws:eks:us-east-1:111122223333:podidentityassociation/platform-prod/a-1"]
    }
}"#,
        );
        let a = d.addon.unwrap_or_else(|| panic!("addon"));
        assert_eq!(a.name(), Some("vpc-cni"));
        assert_eq!(a.version(), Some("v1.19.2-eksbuild.1"));
        assert_eq!(a.addon_version.as_ref().map(|v| v.span.start.line), Some(6));
        assert_eq!(a.health.as_ref().map(|h| h.issues.len()), Some(1));
        assert_eq!(a.pod_identity_associations.len(), 1);
        assert!(
            a.configuration_values
                .as_ref()
                .is_some_and(|c| c.value.contains("ENABLE_PREFIX_DELEGATION"))
        );

        let versions_text = r#"{
    "addons": [
        {
            "addonName": "vpc-cni",
            "type": "networking",
            "addonVersions": [
                {
                    "addonVersion": "v1.19.2-eksbuild.1",
                    "architecture": ["amd64", "arm64"],
                    "computeTypes": ["ec2", "hybrid"],
                    "compatibilities": [
                        {"clusterVersion": "1.31", "platformVersions": ["*"], "defaultVersion": false},
                        {"clusterVersion": "1.30", "platformVersions": ["*"], "defaultVersion": true}
                    ],
                    "requiresConfiguration": false,
                    "requiresIamPermissions": true
                },
                {
                    "addonVersion": "v1.18.5-eksbuild.1",
                    "compatibilities": [
                        {"clusterVersion": "1.31", "platformVersions": ["*"], "defaultVersion": true}
                    ]
                }
            ],
            "publisher": "eks",
            "owner": "aws"
        }
    ],
    "nextToken": null
}"#;
        assert_eq!(addons_key_holds_names(&root(versions_text)), Some(false));
        assert_eq!(addons_key_holds_names(&root("{\"addons\": []}")), None);
        let v: DescribeAddonVersionsOutput = decode(versions_text);
        let info = &v.addons[0];
        assert_eq!(info.span.start.line, 3);
        assert_eq!(info.name(), Some("vpc-cni"));
        assert_eq!(info.addon_versions[1].span.start.line, 18);
        assert_eq!(info.default_version_for("1.31"), Some("v1.18.5-eksbuild.1"));
        assert_eq!(info.default_version_for("1.30"), Some("v1.19.2-eksbuild.1"));
        assert_eq!(info.versions_for("1.31").count(), 2);
        assert_eq!(info.versions_for("1.29").count(), 0);
        let latest = info
            .version("v1.19.2-eksbuild.1")
            .unwrap_or_else(|| panic!("v"));
        assert_eq!(latest.requires_iam_permissions, Some(true));
        assert_eq!(
            latest.addon_version.as_ref().map(|s| s.span.start.line),
            Some(8)
        );
    }
}
