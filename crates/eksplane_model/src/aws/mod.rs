//! AWS facts as the AWS CLI prints them with `--output json`: one struct per
//! operation output, named `<Operation>Output`, with member names exactly as in
//! botocore's service models (`botocore/data/{eks,ec2,iam}/*/service-2.json`,
//! botocore 1.43): EKS members are camelCase, EC2 and IAM members PascalCase.
//!
//! Every output struct has an associated `TOP_LEVEL_KEY`, the key of its JSON
//! root that tells the outputs apart. Two outputs share one: `list-addons` and
//! `describe-addon-versions` both print `addons`; the first holds strings (add-on
//! names), the second objects (see [`eks::addons_key_holds_names`]).
//!
//! Enumerated AWS values (statuses, modes) are kept as `Spanned<String>` with
//! constants and helpers beside them, so a value AWS adds later never fails
//! decoding. Timestamps are kept as text ([`Timestamp`]).

pub mod ec2;
pub mod ec2_instance_types;
pub mod ec2_network;
pub mod eks;
pub mod iam;

pub use ec2::Subnet;
pub use ec2_network::{NetworkInterface, SubnetCidrReservation, Vpc};
pub use eks::{
    AccessEntry, AccessScope, Addon, AddonInfo, AssociatedAccessPolicy, Cluster,
    ListAssociatedAccessPoliciesOutput, PodIdentityAssociation, PodIdentityAssociationSummary,
};
pub use iam::{OneOrMany, PolicyDocument, Principal, Role, Statement};

use eksplane_source::Spanned;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A timestamp as the CLI prints it: ISO-8601 text (`2024-05-01T12:00:00.123000+00:00`)
/// by default, or epoch seconds when `cli_timestamp_format` is `none`. Kept as the
/// text written; nothing in the model does date arithmetic.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub String);

impl Timestamp {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp (ISO-8601 text or epoch seconds)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An EC2 or IAM tag (`{"Key": ..., "Value": ...}`; shapes `ec2#Tag`, `iam#Tag`).
/// EKS tags are a plain map instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// The value of the tag `key` in an EC2/IAM tag list.
pub fn tag_value<'a>(tags: &'a [Spanned<Tag>], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.value.key == key)
        .map(|t| t.value.value.as_str())
}

/// The AWS facts of a platform, collected from every AWS CLI snapshot file.
/// Each list keeps the place every element was read from; one snapshot file may
/// contribute to several lists (a `describe-addon` output adds to `addons`).
#[derive(Debug, Clone, Default)]
pub struct AwsSnapshots {
    /// `aws eks describe-cluster` (`cluster`).
    pub clusters: Vec<Spanned<eks::Cluster>>,
    /// `aws eks list-access-entries` (`accessEntries`): the principal ARNs that
    /// have an access entry (despite the name, not access-entry ARNs).
    pub access_entry_arns: Vec<Spanned<String>>,
    /// `aws eks describe-access-entry` (`accessEntry`).
    pub access_entries: Vec<Spanned<eks::AccessEntry>>,
    /// `aws eks list-associated-access-policies`, one output per principal.
    pub associated_access_policies: Vec<Spanned<eks::ListAssociatedAccessPoliciesOutput>>,
    /// `aws eks describe-pod-identity-association` (`association`).
    pub pod_identity_associations: Vec<Spanned<eks::PodIdentityAssociation>>,
    /// `aws eks list-pod-identity-associations` (`associations`).
    pub pod_identity_association_summaries: Vec<Spanned<eks::PodIdentityAssociationSummary>>,
    /// `aws eks list-addons` (`addons` holding names).
    pub addon_names: Vec<Spanned<String>>,
    /// `aws eks describe-addon` (`addon`).
    pub addons: Vec<Spanned<eks::Addon>>,
    /// `aws eks describe-addon-versions` (`addons` holding objects).
    pub addon_versions: Vec<Spanned<eks::AddonInfo>>,
    /// `aws ec2 describe-subnets` (`Subnets`).
    pub subnets: Vec<Spanned<ec2::Subnet>>,
    /// `aws ec2 describe-network-interfaces` (`NetworkInterfaces`): what is
    /// taken in each subnet.
    pub network_interfaces: Vec<Spanned<ec2_network::NetworkInterface>>,
    /// `aws ec2 get-subnet-cidr-reservations`, IPv4 and IPv6 reservations
    /// together (`SubnetIpv4CidrReservations`, `SubnetIpv6CidrReservations`).
    pub subnet_cidr_reservations: Vec<Spanned<ec2_network::SubnetCidrReservation>>,
    /// `aws ec2 describe-vpcs` (`Vpcs`).
    pub vpcs: Vec<Spanned<ec2_network::Vpc>>,
    /// `aws iam get-role` (`Role`).
    pub roles: Vec<Spanned<iam::Role>>,
    /// `aws ec2 describe-instance-types` (`InstanceTypes`).
    pub instance_types: Vec<Spanned<ec2_instance_types::InstanceTypeInfo>>,
    /// `aws eks describe-nodegroup` (`nodegroup`): managed node groups.
    pub nodegroups: Vec<Spanned<eks::Nodegroup>>,
}

impl AwsSnapshots {
    /// How many facts of each shape were read, for the inventory.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("describe-cluster", self.clusters.len()),
            ("list-access-entries", self.access_entry_arns.len()),
            ("describe-access-entry", self.access_entries.len()),
            (
                "list-associated-access-policies",
                self.associated_access_policies.len(),
            ),
            (
                "describe-pod-identity-association",
                self.pod_identity_associations.len(),
            ),
            (
                "list-pod-identity-associations",
                self.pod_identity_association_summaries.len(),
            ),
            ("list-addons", self.addon_names.len()),
            ("describe-addon", self.addons.len()),
            ("describe-addon-versions", self.addon_versions.len()),
            ("describe-subnets", self.subnets.len()),
            ("describe-network-interfaces", self.network_interfaces.len()),
            (
                "get-subnet-cidr-reservations",
                self.subnet_cidr_reservations.len(),
            ),
            ("describe-vpcs", self.vpcs.len()),
            ("get-role", self.roles.len()),
            ("describe-instance-types", self.instance_types.len()),
            ("describe-nodegroup", self.nodegroups.len()),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.counts().iter().all(|(_, n)| *n == 0)
    }

    /// Principals with an access entry, from `list-access-entries` and
    /// `describe-access-entry` together (each principal once).
    pub fn access_entry_count(&self) -> usize {
        let mut arns: std::collections::BTreeSet<&str> = self
            .access_entry_arns
            .iter()
            .map(|a| a.value.as_str())
            .collect();
        arns.extend(self.access_entries.iter().filter_map(|e| e.principal_arn()));
        arns.len()
    }

    /// Pod identity associations, from `list-pod-identity-associations` and
    /// `describe-pod-identity-association` together (each namespace and
    /// service account once).
    pub fn pod_identity_association_count(&self) -> usize {
        let mut keys: std::collections::BTreeSet<(String, String)> = self
            .pod_identity_associations
            .iter()
            .map(|a| {
                (
                    a.namespace().unwrap_or_default().to_string(),
                    a.service_account().unwrap_or_default().to_string(),
                )
            })
            .collect();
        keys.extend(self.pod_identity_association_summaries.iter().map(|a| {
            (
                a.value
                    .namespace
                    .as_ref()
                    .map(|v| v.value.clone())
                    .unwrap_or_default(),
                a.value
                    .service_account
                    .as_ref()
                    .map(|v| v.value.clone())
                    .unwrap_or_default(),
            )
        }));
        keys.len()
    }

    /// The first `describe-cluster` snapshot.
    pub fn cluster(&self) -> Option<&Spanned<eks::Cluster>> {
        self.clusters.first()
    }

    /// The access entry of a principal, from `describe-access-entry`.
    pub fn access_entry(&self, principal_arn: &str) -> Option<&Spanned<eks::AccessEntry>> {
        self.access_entries
            .iter()
            .find(|e| e.principal_arn() == Some(principal_arn))
    }

    /// Every access policy associated with a principal, from
    /// `list-associated-access-policies`.
    pub fn access_policies_of<'a>(
        &'a self,
        principal_arn: &'a str,
    ) -> impl Iterator<Item = &'a Spanned<eks::AssociatedAccessPolicy>> + 'a {
        self.associated_access_policies
            .iter()
            .filter(move |o| {
                o.principal_arn.as_ref().map(|p| p.value.as_str()) == Some(principal_arn)
            })
            .flat_map(|o| o.value.associated_access_policies.iter())
    }

    /// The full pod identity association of a service account, from
    /// `describe-pod-identity-association`.
    pub fn pod_identity_association(
        &self,
        namespace: &str,
        service_account: &str,
    ) -> Option<&Spanned<eks::PodIdentityAssociation>> {
        self.pod_identity_associations.iter().find(|a| {
            a.namespace() == Some(namespace) && a.service_account() == Some(service_account)
        })
    }

    /// The installed add-on `name`, from `describe-addon`.
    pub fn addon(&self, name: &str) -> Option<&Spanned<eks::Addon>> {
        self.addons.iter().find(|a| a.name() == Some(name))
    }

    /// The versions of add-on `name`, from `describe-addon-versions`.
    pub fn addon_info(&self, name: &str) -> Option<&Spanned<eks::AddonInfo>> {
        self.addon_versions.iter().find(|a| a.name() == Some(name))
    }

    pub fn subnet(&self, subnet_id: &str) -> Option<&Spanned<ec2::Subnet>> {
        self.subnets.iter().find(|s| s.id() == Some(subnet_id))
    }

    pub fn vpc(&self, vpc_id: &str) -> Option<&Spanned<ec2_network::Vpc>> {
        self.vpcs.iter().find(|v| v.id() == Some(vpc_id))
    }

    /// The network interfaces in subnet `subnet_id`.
    pub fn network_interfaces_in<'a>(
        &'a self,
        subnet_id: &'a str,
    ) -> impl Iterator<Item = &'a Spanned<ec2_network::NetworkInterface>> + 'a {
        self.network_interfaces
            .iter()
            .filter(move |n| n.subnet() == Some(subnet_id))
    }

    /// The CIDR reservations of subnet `subnet_id`.
    pub fn cidr_reservations_of<'a>(
        &'a self,
        subnet_id: &'a str,
    ) -> impl Iterator<Item = &'a Spanned<ec2_network::SubnetCidrReservation>> + 'a {
        self.subnet_cidr_reservations
            .iter()
            .filter(move |r| r.subnet() == Some(subnet_id))
    }

    /// A role by ARN (compared exactly) or, failing that, by name.
    pub fn role(&self, arn_or_name: &str) -> Option<&Spanned<iam::Role>> {
        self.roles
            .iter()
            .find(|r| r.arn() == Some(arn_or_name))
            .or_else(|| self.roles.iter().find(|r| r.name() == Some(arn_or_name)))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use eksplane_source::{FileId, Limits, Node, parse_file};

    /// The root node of the first document of `text`, read as file 1.
    pub(crate) fn root(text: &str) -> Node {
        let p = parse_file(FileId(1), text, &Limits::default());
        assert!(p.error.is_none(), "{:?}", p.error);
        p.documents
            .into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("no document"))
    }

    /// Decodes `text` as `T`, panicking with the decode error.
    pub(crate) fn decode<T: for<'de> serde::Deserialize<'de>>(text: &str) -> T {
        let n = root(text);
        eksplane_source::decode::<T>(&n).unwrap_or_else(|e| panic!("{e} at {:?}", e.span))
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::decode;
    use super::*;

    #[derive(Debug, Deserialize)]
    struct T {
        a: Timestamp,
        b: Timestamp,
        c: Timestamp,
    }

    #[test]
    fn timestamps_keep_text_or_number() {
        let t: T = decode(
            "{\"a\": \"2024-05-01T12:00:00.123000+00:00\", \"b\": 1714564800, \"c\": 1714564800.5}",
        );
        assert_eq!(t.a.as_str(), "2024-05-01T12:00:00.123000+00:00");
        assert_eq!(t.b.as_str(), "1714564800");
        assert_eq!(t.c.as_str(), "1714564800.5");
    }

    #[test]
    fn tags_by_key() {
        let tags: Vec<Spanned<Tag>> = decode(
            "[{\"Key\": \"Name\", \"Value\": \"a\"},\n {\"Key\": \"team\", \"Value\": \"b\"}]",
        );
        assert_eq!(tag_value(&tags, "team"), Some("b"));
        assert_eq!(tags[1].span.start.line, 2);
        assert_eq!(tag_value(&tags, "missing"), None);
    }

    #[test]
    fn empty_snapshots_count_zero() {
        let s = AwsSnapshots::default();
        assert!(s.is_empty());
        assert!(s.counts().iter().all(|(_, n)| *n == 0));
    }
}
