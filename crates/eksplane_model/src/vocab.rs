//! The platform's vocabulary as types: what EKS, IAM and Karpenter accept as
//! a closed set is an enum here, parsed once, so analyses compare variants
//! instead of strings. Values AWS may add later parse to `Other` (kept as
//! written) rather than failing to load.

use crate::duration::GoDuration;
use serde::Serialize;
use std::fmt;

/// An EKS cluster's authentication mode (EKS API `AuthenticationMode`:
/// `API`, `API_AND_CONFIG_MAP`, `CONFIG_MAP`; botocore `eks` service model).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AuthenticationMode {
    ConfigMap,
    ApiAndConfigMap,
    Api,
    Other(String),
}

impl AuthenticationMode {
    pub fn parse(s: &str) -> AuthenticationMode {
        match s.trim() {
            "CONFIG_MAP" => AuthenticationMode::ConfigMap,
            "API_AND_CONFIG_MAP" => AuthenticationMode::ApiAndConfigMap,
            "API" => AuthenticationMode::Api,
            other => AuthenticationMode::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AuthenticationMode::ConfigMap => "CONFIG_MAP",
            AuthenticationMode::ApiAndConfigMap => "API_AND_CONFIG_MAP",
            AuthenticationMode::Api => "API",
            AuthenticationMode::Other(s) => s,
        }
    }

    /// Whether the cluster reads the `aws-auth` ConfigMap.
    pub fn reads_config_map(&self) -> bool {
        matches!(
            self,
            AuthenticationMode::ConfigMap | AuthenticationMode::ApiAndConfigMap
        )
    }

    /// Whether the cluster reads access entries.
    pub fn reads_access_entries(&self) -> bool {
        matches!(
            self,
            AuthenticationMode::Api | AuthenticationMode::ApiAndConfigMap
        )
    }
}

impl fmt::Display for AuthenticationMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An access entry's type (EKS `CreateAccessEntry` `type`: `STANDARD`,
/// `FARGATE_LINUX`, `EC2_LINUX`, `EC2_WINDOWS`, `EC2` (Auto Mode), `HYBRID_LINUX`,
/// `HYPERPOD_LINUX`; the default is `STANDARD`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AccessEntryType {
    Standard,
    FargateLinux,
    Ec2Linux,
    Ec2Windows,
    Ec2,
    HybridLinux,
    HyperpodLinux,
    Other(String),
}

impl AccessEntryType {
    pub fn parse(s: &str) -> AccessEntryType {
        match s.trim().to_ascii_uppercase().as_str() {
            "STANDARD" => AccessEntryType::Standard,
            "FARGATE_LINUX" => AccessEntryType::FargateLinux,
            "EC2_LINUX" => AccessEntryType::Ec2Linux,
            "EC2_WINDOWS" => AccessEntryType::Ec2Windows,
            "EC2" => AccessEntryType::Ec2,
            "HYBRID_LINUX" => AccessEntryType::HybridLinux,
            "HYPERPOD_LINUX" => AccessEntryType::HyperpodLinux,
            _ => AccessEntryType::Other(s.trim().to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AccessEntryType::Standard => "STANDARD",
            AccessEntryType::FargateLinux => "FARGATE_LINUX",
            AccessEntryType::Ec2Linux => "EC2_LINUX",
            AccessEntryType::Ec2Windows => "EC2_WINDOWS",
            AccessEntryType::Ec2 => "EC2",
            AccessEntryType::HybridLinux => "HYBRID_LINUX",
            AccessEntryType::HyperpodLinux => "HYPERPOD_LINUX",
            AccessEntryType::Other(s) => s,
        }
    }

    /// Whether the entry lets nodes (or Fargate pods) join: EKS maps these
    /// to `system:nodes` itself and refuses Kubernetes groups on them.
    pub fn is_node(&self) -> bool {
        !matches!(self, AccessEntryType::Standard | AccessEntryType::Other(_))
    }
}

impl fmt::Display for AccessEntryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a node is bought: the values of Karpenter's `karpenter.sh/capacity-type`
/// label (`on-demand`, `spot`, `reserved`; karpenter.sh/docs/concepts/nodepools)
/// and of a managed node group's `capacityType` (`ON_DEMAND`, `SPOT`,
/// `CAPACITY_BLOCK`; EKS API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityType {
    OnDemand,
    Spot,
    /// Capacity reservations / capacity blocks.
    Reserved,
}

impl CapacityType {
    /// Karpenter's label value or the EKS API's enum value.
    pub fn parse(s: &str) -> Option<CapacityType> {
        match s.trim() {
            "on-demand" | "ON_DEMAND" => Some(CapacityType::OnDemand),
            "spot" | "SPOT" => Some(CapacityType::Spot),
            "reserved" | "CAPACITY_BLOCK" => Some(CapacityType::Reserved),
            _ => None,
        }
    }

    /// The Karpenter label value.
    pub fn label(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
            CapacityType::Reserved => "reserved",
        }
    }
}

impl fmt::Display for CapacityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An Amazon Resource Name, split (`arn:partition:service:region:account:resource`;
/// AWS General Reference, "Amazon Resource Names"). Parsing never fails on a
/// well-formed ARN of any service; [`Arn::parse`] returns `None` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    /// Everything after the account: `role/path/name`, `cluster/name`, ...
    pub resource: String,
}

impl Arn {
    pub fn parse(s: &str) -> Option<Arn> {
        let mut it = s.trim().splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        let partition = it.next()?.to_string();
        let service = it.next()?.to_string();
        let region = it.next()?.to_string();
        let account = it.next()?.to_string();
        let resource = it.next()?.to_string();
        if partition.is_empty() || service.is_empty() || resource.is_empty() {
            return None;
        }
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// For IAM roles and users: the name without the path (`role/a/b/name` ->
    /// `name`).
    pub fn principal_name(&self) -> Option<&str> {
        let rest = self
            .resource
            .strip_prefix("role/")
            .or_else(|| self.resource.strip_prefix("user/"))
            .or_else(|| self.resource.strip_prefix("assumed-role/"))?;
        if self.resource.starts_with("assumed-role/") {
            // assumed-role/NAME/SESSION
            return rest.split('/').next();
        }
        rest.rsplit('/').next()
    }

    pub fn is_role(&self) -> bool {
        self.service == "iam" && self.resource.starts_with("role/")
    }

    pub fn is_user(&self) -> bool {
        self.service == "iam" && self.resource.starts_with("user/")
    }

    /// The form EKS stores for a role: IAM role ARNs with their path removed
    /// are what `aws-auth` matches against (EKS user guide, "aws-auth
    /// ConfigMap": the path must be removed from role ARNs there).
    pub fn without_path(&self) -> String {
        match self.principal_name() {
            Some(name) if self.is_role() => {
                format!("arn:{}:iam::{}:role/{name}", self.partition, self.account)
            }
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// A NodePool's `spec.disruption.consolidateAfter`: `Never` or a duration
/// (karpenter.sh_nodepools.yaml: pattern `^(([0-9]+(s|m|h))+|Never)$`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsolidateAfter {
    Never,
    After(GoDuration),
}

impl ConsolidateAfter {
    /// Parses as the CRD does: a typo is an error, not a default.
    pub fn parse(s: &str) -> Result<ConsolidateAfter, String> {
        let t = s.trim();
        if t == "Never" {
            return Ok(ConsolidateAfter::Never);
        }
        t.parse::<GoDuration>()
            .map(ConsolidateAfter::After)
            .map_err(|e| format!("consolidateAfter {t:?}: expected `Never` or a duration such as `30s` or `5m` ({e})"))
    }
}

/// Why an aws-auth username cannot be an access-entry username, if it cannot
/// (EKS user guide, "Create access entries").
pub fn access_entry_username_problem(u: &str) -> Option<&'static str> {
    const RESERVED: [&str; 5] = ["system:", "eks:", "aws:", "amazon:", "iam:"];
    if RESERVED.iter().any(|r| u.starts_with(r)) {
        return Some(
            "access-entry usernames cannot start with system:, eks:, aws:, amazon: or iam:",
        );
    }
    let mut offset = 0;
    while let Some(i) = u.get(offset..).and_then(|r| r.find("{{")) {
        let start = offset + i;
        let Some(j) = u.get(start + 2..).and_then(|r| r.find("}}")) else {
            break;
        };
        let var = u.get(start + 2..start + 2 + j).unwrap_or("");
        if var != "SessionName" && var != "SessionNameRaw" {
            return Some("access entries expand only {{SessionName}} and {{SessionNameRaw}}");
        }
        if !u.get(..start).unwrap_or("").contains(':') {
            return Some("access entries need a colon before {{SessionName}}");
        }
        offset = start + 2 + j + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_split_and_strip_paths() {
        let a = Arn::parse("arn:aws:iam::111122223333:role/teams/dev/Admin").expect("arn");
        assert_eq!(a.account, "111122223333");
        assert_eq!(a.principal_name(), Some("Admin"));
        assert!(a.is_role());
        assert_eq!(a.without_path(), "arn:aws:iam::111122223333:role/Admin");
        let s = Arn::parse("arn:aws:sts::111122223333:assumed-role/Admin/me").expect("arn");
        assert_eq!(s.principal_name(), Some("Admin"));
        assert_eq!(
            Arn::parse("arn:aws-cn:eks:cn-north-1:1:cluster/x").map(|a| a.partition),
            Some("aws-cn".to_string())
        );
        assert!(Arn::parse("not-an-arn").is_none());
        assert!(Arn::parse("arn:aws:iam::1").is_none());
    }

    #[test]
    fn vocabularies_round_trip() {
        for m in ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"] {
            assert_eq!(AuthenticationMode::parse(m).as_str(), m);
        }
        assert!(AuthenticationMode::parse("API").reads_access_entries());
        assert!(!AuthenticationMode::parse("API").reads_config_map());
        for t in [
            "STANDARD",
            "EC2_LINUX",
            "EC2_WINDOWS",
            "FARGATE_LINUX",
            "EC2",
        ] {
            assert_eq!(AccessEntryType::parse(t).as_str(), t);
        }
        assert!(AccessEntryType::parse("EC2_LINUX").is_node());
        assert_eq!(CapacityType::parse("SPOT"), Some(CapacityType::Spot));
        assert_eq!(
            CapacityType::parse("on-demand"),
            Some(CapacityType::OnDemand)
        );
        assert_eq!(CapacityType::parse("bogus"), None);
    }

    #[test]
    fn consolidate_after_is_strict() {
        assert_eq!(
            ConsolidateAfter::parse("Never"),
            Ok(ConsolidateAfter::Never)
        );
        assert!(matches!(
            ConsolidateAfter::parse("30s"),
            Ok(ConsolidateAfter::After(_))
        ));
        assert!(ConsolidateAfter::parse("never").is_err());
        assert!(ConsolidateAfter::parse("30 seconds").is_err());
    }
}
