//! eksctl's `ClusterConfig` (`eksctl.io/v1alpha5`), the parts a platform check
//! needs. Field names follow eksctl's schema
//! (eksctl-io/eksctl `pkg/apis/eksctl.io/v1alpha5/assets/schema.json` and
//! `types.go`); fields eksctl accepts but eksplane does not read are ignored,
//! never an error.

mod node_group;

pub use node_group::*;

use crate::meta::Origin;
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The authentication mode eksctl gives a new cluster when
/// `accessConfig.authenticationMode` is not written. Source: eksctl docs,
/// "Access Entries" (`authenticationMode` defaults to `API_AND_CONFIG_MAP`)
/// and `pkg/apis/eksctl.io/v1alpha5/defaults.go`.
pub const DEFAULT_AUTHENTICATION_MODE: &str = "API_AND_CONFIG_MAP";

/// `kind: ClusterConfig`, `apiVersion: eksctl.io/v1alpha5`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterConfig {
    #[serde(default)]
    pub metadata: ClusterMeta,
    pub access_config: Option<Spanned<AccessConfig>>,
    pub vpc: Option<Spanned<ClusterVpc>>,
    pub kubernetes_network_config: Option<Spanned<KubernetesNetworkConfig>>,
    pub iam: Option<Spanned<ClusterIam>>,
    #[serde(default)]
    pub addons: Vec<Spanned<Addon>>,
    #[serde(default)]
    pub managed_node_groups: Vec<Spanned<ManagedNodeGroup>>,
    #[serde(default)]
    pub node_groups: Vec<Spanned<NodeGroup>>,
    /// `fargateProfiles[]`: which pods run on Fargate.
    #[serde(default)]
    pub fargate_profiles: Vec<Spanned<FargateProfile>>,
    #[serde(default)]
    pub availability_zones: Vec<Spanned<String>>,
    pub karpenter: Option<Spanned<Karpenter>>,
    pub auto_mode_config: Option<Spanned<AutoModeConfig>>,
    pub cloud_watch: Option<Spanned<CloudWatch>>,
    pub secrets_encryption: Option<Spanned<SecretsEncryption>>,
    /// Where the document was read from; set by the loader.
    #[serde(skip)]
    pub origin: Origin,
}

impl Addon {
    /// Whether eksctl creates an IAM role for the add-on's service account:
    /// a role ARN, policy ARNs, an inline policy or well-known policies
    /// (eksctl docs, "EKS Add-ons": "eksctl will create an IAM role ... with
    /// the attached policies" for `attachPolicyARNs`, `attachPolicy`,
    /// `wellKnownPolicies`), or pod identity associations.
    pub fn has_iam(&self) -> bool {
        self.service_account_role_arn.is_some()
            || !self.attach_policy_arns.is_empty()
            || self.attach_policy.is_some()
            || self.well_known_policies.is_some()
            || !self.pod_identity_associations.is_empty()
            || self
                .use_default_pod_identity_associations
                .as_ref()
                .is_some_and(|b| b.value)
    }
}

impl ClusterConfig {
    pub fn name(&self) -> &Spanned<String> {
        &self.metadata.name
    }

    pub fn region(&self) -> Option<&Spanned<String>> {
        self.metadata.region.as_ref()
    }

    pub fn version(&self) -> Option<&Spanned<String>> {
        self.metadata.version.as_ref()
    }

    /// `accessConfig.authenticationMode` as written (`None` when eksctl's
    /// default [`DEFAULT_AUTHENTICATION_MODE`] applies).
    pub fn authentication_mode(&self) -> Option<&Spanned<String>> {
        self.access_config
            .as_ref()
            .and_then(|a| a.value.authentication_mode.as_ref())
    }

    /// The authentication mode in effect: as written, or eksctl's default.
    pub fn effective_authentication_mode(&self) -> &str {
        self.authentication_mode()
            .map(|m| m.value.as_str())
            .unwrap_or(DEFAULT_AUTHENTICATION_MODE)
    }

    pub fn access_entries(&self) -> &[Spanned<AccessEntry>] {
        self.access_config
            .as_ref()
            .map(|a| a.value.access_entries.as_slice())
            .unwrap_or_default()
    }

    pub fn cluster_endpoints(&self) -> Option<&Spanned<ClusterEndpoints>> {
        self.vpc
            .as_ref()
            .and_then(|v| v.value.cluster_endpoints.as_ref())
    }

    pub fn public_access_cidrs(&self) -> Option<&Spanned<Vec<Spanned<String>>>> {
        self.vpc
            .as_ref()
            .and_then(|v| v.value.public_access_cidrs.as_ref())
    }

    /// `iam.podIdentityAssociations` and every add-on's
    /// `podIdentityAssociations`, in file order.
    pub fn pod_identity_associations(&self) -> Vec<&Spanned<PodIdentityAssociation>> {
        let mut out: Vec<_> = self
            .iam
            .as_ref()
            .map(|i| i.value.pod_identity_associations.iter().collect())
            .unwrap_or_default();
        for a in &self.addons {
            out.extend(a.value.pod_identity_associations.iter());
        }
        out
    }

    /// `iam.serviceAccounts` (IRSA roles eksctl manages).
    pub fn iam_service_accounts(&self) -> &[Spanned<IamServiceAccount>] {
        self.iam
            .as_ref()
            .map(|i| i.value.service_accounts.as_slice())
            .unwrap_or_default()
    }

    pub fn addon(&self, name: &str) -> Option<&Spanned<Addon>> {
        self.addons.iter().find(|a| a.value.name.value == name)
    }

    /// Every node group, managed first, in file order.
    pub fn node_groups(&self) -> Vec<NodeGroupRef<'_>> {
        self.managed_node_groups
            .iter()
            .map(NodeGroupRef::Managed)
            .chain(self.node_groups.iter().map(NodeGroupRef::SelfManaged))
            .collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterMeta {
    #[serde(default)]
    pub name: Spanned<String>,
    pub region: Option<Spanned<String>>,
    /// Kubernetes `major.minor`; YAML may write it as a number (`1.30`).
    pub version: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub annotations: BTreeMap<String, Spanned<String>>,
}

/// `accessConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessConfig {
    /// `CONFIG_MAP`, `API_AND_CONFIG_MAP` or `API`.
    pub authentication_mode: Option<Spanned<String>>,
    pub bootstrap_cluster_creator_admin_permissions: Option<Spanned<bool>>,
    #[serde(default)]
    pub access_entries: Vec<Spanned<AccessEntry>>,
}

/// `accessConfig.accessEntries[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    #[serde(rename = "principalARN", default)]
    pub principal_arn: Spanned<String>,
    /// `STANDARD` (default), `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, ...
    #[serde(rename = "type")]
    pub entry_type: Option<Spanned<String>>,
    #[serde(default)]
    pub kubernetes_groups: Vec<Spanned<String>>,
    pub kubernetes_username: Option<Spanned<String>>,
    #[serde(default)]
    pub access_policies: Vec<Spanned<AccessPolicy>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicy {
    #[serde(rename = "policyARN", default)]
    pub policy_arn: Spanned<String>,
    pub access_scope: Option<Spanned<AccessScope>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessScope {
    /// `cluster` or `namespace`.
    #[serde(rename = "type", default)]
    pub scope_type: Spanned<String>,
    #[serde(default)]
    pub namespaces: Vec<Spanned<String>>,
}

/// `vpc`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterVpc {
    pub id: Option<Spanned<String>>,
    pub cidr: Option<Spanned<String>>,
    pub security_group: Option<Spanned<String>>,
    pub subnets: Option<Spanned<ClusterSubnets>>,
    pub cluster_endpoints: Option<Spanned<ClusterEndpoints>>,
    #[serde(rename = "publicAccessCIDRs")]
    pub public_access_cidrs: Option<Spanned<Vec<Spanned<String>>>>,
    pub nat: Option<Spanned<Nat>>,
    #[serde(default)]
    pub extra_cidrs: Vec<Spanned<String>>,
}

/// `vpc.subnets`: private and public subnets keyed by name (usually the AZ).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSubnets {
    #[serde(default)]
    pub private: BTreeMap<String, Spanned<SubnetSpec>>,
    #[serde(default)]
    pub public: BTreeMap<String, Spanned<SubnetSpec>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetSpec {
    pub id: Option<Spanned<String>>,
    pub cidr: Option<Spanned<String>>,
    pub az: Option<Spanned<String>>,
}

/// `vpc.clusterEndpoints`. eksctl's defaults: public on, private off.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEndpoints {
    pub public_access: Option<Spanned<bool>>,
    pub private_access: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nat {
    /// `Single` (default), `HighlyAvailable` or `Disable`.
    pub gateway: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesNetworkConfig {
    /// `IPv4` (default) or `IPv6`.
    pub ip_family: Option<Spanned<String>>,
    #[serde(rename = "serviceIPv4CIDR")]
    pub service_ipv4_cidr: Option<Spanned<String>>,
}

/// `iam`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterIam {
    #[serde(rename = "withOIDC")]
    pub with_oidc: Option<Spanned<bool>>,
    #[serde(rename = "serviceRoleARN")]
    pub service_role_arn: Option<Spanned<String>>,
    #[serde(default)]
    pub service_accounts: Vec<Spanned<IamServiceAccount>>,
    #[serde(default)]
    pub pod_identity_associations: Vec<Spanned<PodIdentityAssociation>>,
}

/// `iam.podIdentityAssociations[]` and `addons[].podIdentityAssociations[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodIdentityAssociation {
    #[serde(default)]
    pub namespace: Spanned<String>,
    #[serde(default)]
    pub service_account_name: Spanned<String>,
    #[serde(rename = "roleARN")]
    pub role_arn: Option<Spanned<String>>,
    pub role_name: Option<Spanned<String>>,
    pub create_service_account: Option<Spanned<bool>>,
    #[serde(rename = "permissionPolicyARNs", default)]
    pub permission_policy_arns: Vec<Spanned<String>>,
    #[serde(default)]
    pub well_known_policies: BTreeMap<String, Spanned<bool>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
}

/// `iam.serviceAccounts[]`: an IRSA role eksctl creates (and, unless
/// `roleOnly`, the ServiceAccount annotated with it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamServiceAccount {
    #[serde(default)]
    pub metadata: IamServiceAccountMeta,
    pub role_name: Option<Spanned<String>>,
    #[serde(rename = "roleARN")]
    pub role_arn: Option<Spanned<String>>,
    pub role_only: Option<Spanned<bool>>,
    #[serde(rename = "attachPolicyARNs", default)]
    pub attach_policy_arns: Vec<Spanned<String>>,
    #[serde(default)]
    pub well_known_policies: BTreeMap<String, Spanned<bool>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamServiceAccountMeta {
    #[serde(default)]
    pub name: Spanned<String>,
    #[serde(default)]
    pub namespace: Spanned<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, Spanned<String>>,
}

/// `fargateProfiles[]`: pods matching any selector run on AWS Fargate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FargateProfile {
    #[serde(default)]
    pub name: Spanned<String>,
    #[serde(default)]
    pub selectors: Vec<Spanned<FargateSelector>>,
}

/// A Fargate profile selector: a namespace (`*` and `?` wildcards, as EKS
/// accepts since 2022: "Fargate profile wildcards",
/// <https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html>)
/// and labels every selected pod carries.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FargateSelector {
    #[serde(default)]
    pub namespace: Spanned<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl FargateSelector {
    /// Whether a pod of `namespace` with `labels` runs on this profile.
    pub fn selects<'l>(&self, namespace: &str, labels: impl Fn(&str) -> Option<&'l str>) -> bool {
        glob(&self.namespace.value, namespace)
            && self
                .labels
                .iter()
                .all(|(k, v)| labels(k).is_some_and(|have| glob(v, have)))
    }
}

/// `*` (any run) and `?` (one character) matching, as Fargate selectors use.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point for the last `*`.
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

#[cfg(test)]
mod fargate_tests {
    use super::glob;

    #[test]
    fn fargate_namespace_wildcards() {
        assert!(glob("prod-*", "prod-api"));
        assert!(glob("prod-*", "prod-"));
        assert!(!glob("prod-*", "staging"));
        assert!(glob("p?od", "prod"));
        assert!(glob("*", "anything"));
        assert!(glob("kube-system", "kube-system"));
        assert!(!glob("kube-system", "kube-system2"));
        assert!(glob("*-jobs-*", "team-jobs-nightly"));
    }
}

/// `addons[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Addon {
    #[serde(default)]
    pub name: Spanned<String>,
    /// `v1.19.2-eksbuild.1`, `latest`, or absent (the default version).
    pub version: Option<Spanned<String>>,
    /// `none` (default), `overwrite` or `preserve`.
    pub resolve_conflicts: Option<Spanned<String>>,
    #[serde(rename = "serviceAccountRoleARN")]
    pub service_account_role_arn: Option<Spanned<String>>,
    #[serde(rename = "attachPolicyARNs", default)]
    pub attach_policy_arns: Vec<Spanned<String>>,
    /// An inline IAM policy document for the add-on's role.
    pub attach_policy: Option<Spanned<serde_json::Value>>,
    /// eksctl's named policies (`ebsCSIController: true`, ...).
    pub well_known_policies: Option<Spanned<serde_json::Value>>,
    #[serde(default)]
    pub pod_identity_associations: Vec<Spanned<PodIdentityAssociation>>,
    pub use_default_pod_identity_associations: Option<Spanned<bool>>,
    /// JSON or YAML text, as the EKS API takes it.
    pub configuration_values: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<String>>,
}

/// `karpenter` (eksctl installs Karpenter itself).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Karpenter {
    pub version: Option<Spanned<String>>,
    pub create_service_account: Option<Spanned<bool>>,
    pub with_spot_interruption_queue: Option<Spanned<bool>>,
}

/// `autoModeConfig` (EKS Auto Mode).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoModeConfig {
    pub enabled: Option<Spanned<bool>>,
    #[serde(default)]
    pub node_pools: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatch {
    pub cluster_logging: Option<Spanned<ClusterLogging>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterLogging {
    #[serde(default)]
    pub enable_types: Vec<Spanned<String>>,
    pub log_retention_in_days: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretsEncryption {
    #[serde(rename = "keyARN")]
    pub key_arn: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    const TEXT: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  region: eu-west-1
  version: 1.30
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::1:role/admins
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {type: namespace, namespaces: [a, b]}
vpc:
  clusterEndpoints: {publicAccess: false, privateAccess: true}
  publicAccessCIDRs: [10.0.0.0/8]
iam:
  withOIDC: true
  podIdentityAssociations:
    - {namespace: ns, serviceAccountName: sa, roleARN: arn:aws:iam::1:role/r}
  serviceAccounts:
    - metadata: {name: legacy, namespace: ns}
      roleName: legacy-irsa
addons:
  - name: vpc-cni
    version: latest
    podIdentityAssociations:
      - {namespace: kube-system, serviceAccountName: aws-node, roleARN: arn:aws:iam::1:role/cni}
managedNodeGroups:
  - name: system
    instanceTypes: [m6i.large, m7i.large]
    spot: true
    taints: {dedicated: 'system:NoSchedule'}
";

    #[test]
    fn reads_the_parts_checks_use() {
        let cc: ClusterConfig = decode(TEXT);
        assert_eq!(cc.name().value, "demo");
        assert_eq!(cc.name().span.start.line, 4);
        // A YAML number is read as the version text.
        assert_eq!(cc.version().map(|v| v.value.as_str()), Some("1.30"));
        assert_eq!(cc.authentication_mode(), None);
        assert_eq!(cc.effective_authentication_mode(), "API_AND_CONFIG_MAP");
        let e = &cc.access_entries()[0];
        assert_eq!(e.span.start.line, 9);
        let scope = e.value.access_policies[0]
            .value
            .access_scope
            .as_ref()
            .map(|s| s.value.namespaces.len());
        assert_eq!(scope, Some(2));
        let ep = cc.cluster_endpoints().map(|e| &e.value);
        assert_eq!(
            ep.and_then(|e| e.public_access.as_ref()).map(|b| b.value),
            Some(false)
        );
        assert_eq!(cc.public_access_cidrs().map(|c| c.value.len()), Some(1));
        let pias = cc.pod_identity_associations();
        assert_eq!(pias.len(), 2);
        assert_eq!(pias[1].value.service_account_name.value, "aws-node");
        assert_eq!(pias[1].span.start.line, 27);
        assert_eq!(
            cc.iam_service_accounts()[0].value.metadata.name.value,
            "legacy"
        );
        assert_eq!(
            cc.addon("vpc-cni")
                .and_then(|a| a.value.version.as_ref())
                .map(|v| v.value.as_str()),
            Some("latest")
        );
        let ngs = cc.node_groups();
        assert_eq!(ngs.len(), 1);
        assert_eq!(ngs[0].instance_types().len(), 2);
        assert_eq!(ngs[0].taints()[0].value.effect(), "NoSchedule");
    }
}
