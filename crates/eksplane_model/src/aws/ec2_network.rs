//! Amazon EC2 address-space output shapes: what is taken in a subnet and what a
//! VPC holds. Member names follow botocore `data/ec2/2016-11-15/service-2.json`
//! (botocore 1.43): shapes `DescribeNetworkInterfacesResult`, `NetworkInterface`,
//! `NetworkInterfacePrivateIpAddress`, `Ipv4PrefixSpecification`,
//! `Ipv6PrefixSpecification`, `NetworkInterfaceAttachment`, `GroupIdentifier`,
//! `GetSubnetCidrReservationsResult`, `SubnetCidrReservation`,
//! `DescribeVpcsResult`, `Vpc`, `VpcCidrBlockAssociation`, `VpcCidrBlockState`,
//! `VpcIpv6CidrBlockAssociation`.
//!
//! CIDRs and addresses are kept as the text AWS printed; helpers parse them
//! (`None` when AWS printed something that is not an IPv4 network).

use super::{Tag, Timestamp, tag_value};
use crate::cidr::Ipv4Cidr;
use eksplane_source::Spanned;
use serde::Deserialize;
use std::net::Ipv4Addr;

/// `NetworkInterfaceType` values the planner distinguishes
/// (botocore enum `NetworkInterfaceType`; VPC CNI trunk and branch ENIs per
/// <https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html>).
pub mod interface_type {
    /// An ordinary ENI: node primary and CNI secondary ENIs.
    pub const INTERFACE: &str = "interface";
    /// The trunk ENI the VPC resource controller attaches for security groups for pods.
    pub const TRUNK: &str = "trunk";
    /// A branch ENI of a pod with its own security groups (one VPC address each).
    pub const BRANCH: &str = "branch";
    pub const EFA: &str = "efa";
    pub const EFA_ONLY: &str = "efa-only";
    pub const NAT_GATEWAY: &str = "natGateway";
    pub const VPC_ENDPOINT: &str = "vpc_endpoint";
    pub const LOAD_BALANCER: &str = "load_balancer";
    pub const NETWORK_LOAD_BALANCER: &str = "network_load_balancer";
}

/// `aws ec2 describe-network-interfaces` (shape `DescribeNetworkInterfacesResult`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNetworkInterfacesOutput {
    #[serde(default)]
    pub network_interfaces: Vec<Spanned<NetworkInterface>>,
    pub next_token: Option<String>,
}

impl DescribeNetworkInterfacesOutput {
    pub const TOP_LEVEL_KEY: &'static str = "NetworkInterfaces";
}

/// Shape `NetworkInterface`: one ENI and every IPv4 address and prefix it holds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    pub network_interface_id: Option<Spanned<String>>,
    pub subnet_id: Option<Spanned<String>>,
    pub vpc_id: Option<Spanned<String>>,
    pub availability_zone: Option<Spanned<String>>,
    pub availability_zone_id: Option<String>,
    /// See [`interface_type`]: `interface`, `trunk`, `branch`, `efa`, ...
    pub interface_type: Option<Spanned<String>>,
    /// `available`, `associated`, `attaching`, `in-use`, `detaching`.
    pub status: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    /// The primary private IPv4 address.
    pub private_ip_address: Option<Spanned<String>>,
    pub private_dns_name: Option<String>,
    /// Every private IPv4 address, the primary included (`Primary: true`).
    #[serde(default)]
    pub private_ip_addresses: Vec<Spanned<NetworkInterfacePrivateIpAddress>>,
    /// /28 prefixes delegated to the ENI (VPC CNI prefix delegation).
    #[serde(default)]
    pub ipv4_prefixes: Vec<Spanned<Ipv4PrefixSpecification>>,
    #[serde(default)]
    pub ipv6_prefixes: Vec<Spanned<Ipv6PrefixSpecification>>,
    #[serde(default)]
    pub ipv6_addresses: Vec<NetworkInterfaceIpv6Address>,
    pub attachment: Option<Spanned<NetworkInterfaceAttachment>>,
    #[serde(default)]
    pub groups: Vec<Spanned<GroupIdentifier>>,
    #[serde(default)]
    pub tag_set: Vec<Spanned<Tag>>,
    /// Whether an AWS service manages the ENI (load balancers, NAT gateways, endpoints).
    pub requester_managed: Option<Spanned<bool>>,
    pub requester_id: Option<String>,
    pub mac_address: Option<String>,
    pub owner_id: Option<String>,
    pub source_dest_check: Option<bool>,
    pub ipv6_native: Option<bool>,
    pub ipv6_address: Option<String>,
    pub deny_all_igw_traffic: Option<bool>,
    pub outpost_arn: Option<String>,
}

impl NetworkInterface {
    pub fn id(&self) -> Option<&str> {
        self.network_interface_id.as_ref().map(|s| s.value.as_str())
    }

    pub fn subnet(&self) -> Option<&str> {
        self.subnet_id.as_ref().map(|s| s.value.as_str())
    }

    pub fn az(&self) -> Option<&str> {
        self.availability_zone.as_ref().map(|s| s.value.as_str())
    }

    /// The interface type, `interface` when not printed.
    pub fn kind(&self) -> &str {
        self.interface_type
            .as_ref()
            .map_or(interface_type::INTERFACE, |s| s.value.as_str())
    }

    pub fn is_trunk(&self) -> bool {
        self.kind() == interface_type::TRUNK
    }

    pub fn is_branch(&self) -> bool {
        self.kind() == interface_type::BRANCH
    }

    /// The instance the ENI is attached to.
    pub fn instance_id(&self) -> Option<&str> {
        self.attachment
            .as_ref()
            .and_then(|a| a.value.instance_id.as_ref())
            .map(|s| s.value.as_str())
    }

    /// The attachment's device index: 0 for an instance's primary ENI.
    pub fn device_index(&self) -> Option<i64> {
        self.attachment
            .as_ref()
            .and_then(|a| a.value.device_index.as_ref())
            .map(|d| d.value)
    }

    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.tag_set, key)
    }

    /// The primary private IPv4 address, parsed: `PrivateIpAddress`, or else
    /// the entry of `PrivateIpAddresses` marked `Primary`.
    pub fn primary_ipv4(&self) -> Option<Spanned<Ipv4Addr>> {
        let text = self.private_ip_address.as_ref().or_else(|| {
            self.private_ip_addresses
                .iter()
                .find(|a| a.value.is_primary())
                .and_then(|a| a.value.private_ip_address.as_ref())
        })?;
        let addr = text.value.parse().ok()?;
        Some(Spanned::new(addr, text.span))
    }

    /// Every private IPv4 address the ENI holds (primary and secondary), each
    /// once, with the place it was read from. Addresses AWS would never print
    /// (not dotted-quad) are skipped; see [`NetworkInterface::unparsable`].
    pub fn ipv4_addresses(&self) -> Vec<Spanned<Ipv4Addr>> {
        let mut out: Vec<Spanned<Ipv4Addr>> = Vec::new();
        let listed = self
            .private_ip_addresses
            .iter()
            .filter_map(|a| a.value.private_ip_address.as_ref());
        for text in self.private_ip_address.iter().chain(listed) {
            if let Ok(addr) = text.value.parse::<Ipv4Addr>()
                && !out.iter().any(|o| o.value == addr)
            {
                out.push(Spanned::new(addr, text.span));
            }
        }
        out
    }

    /// The delegated /28 prefixes (any length AWS printed), parsed.
    pub fn ipv4_prefix_cidrs(&self) -> Vec<Spanned<Ipv4Cidr>> {
        self.ipv4_prefixes
            .iter()
            .filter_map(|p| p.value.ipv4_prefix.as_ref())
            .filter_map(|t| Some(Spanned::new(Ipv4Cidr::parse(&t.value).ok()?, t.span)))
            .collect()
    }

    /// Address and prefix texts that do not parse as IPv4, with their places:
    /// an analysis reports them rather than silently ignoring them.
    pub fn unparsable(&self) -> Vec<&Spanned<String>> {
        let addrs = self
            .private_ip_address
            .iter()
            .chain(
                self.private_ip_addresses
                    .iter()
                    .filter_map(|a| a.value.private_ip_address.as_ref()),
            )
            .filter(|t| t.value.parse::<Ipv4Addr>().is_err());
        let prefixes = self
            .ipv4_prefixes
            .iter()
            .filter_map(|p| p.value.ipv4_prefix.as_ref())
            .filter(|t| Ipv4Cidr::parse(&t.value).is_err());
        addrs.chain(prefixes).collect()
    }
}

/// Shape `NetworkInterfacePrivateIpAddress`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfacePrivateIpAddress {
    pub private_ip_address: Option<Spanned<String>>,
    pub primary: Option<Spanned<bool>>,
    pub private_dns_name: Option<String>,
    pub association: Option<NetworkInterfaceAssociation>,
}

impl NetworkInterfacePrivateIpAddress {
    pub fn is_primary(&self) -> bool {
        self.primary.as_ref().is_some_and(|p| p.value)
    }
}

/// Shape `NetworkInterfaceAssociation` (a public IP mapped to a private one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceAssociation {
    pub allocation_id: Option<String>,
    pub association_id: Option<String>,
    pub ip_owner_id: Option<String>,
    pub public_dns_name: Option<String>,
    pub public_ip: Option<String>,
    pub customer_owned_ip: Option<String>,
    pub carrier_ip: Option<String>,
}

/// Shape `Ipv4PrefixSpecification`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv4PrefixSpecification {
    /// e.g. `10.60.1.48/28`.
    pub ipv4_prefix: Option<Spanned<String>>,
}

/// Shape `Ipv6PrefixSpecification`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6PrefixSpecification {
    /// e.g. `2600:1f18:abcd:1200:8f3a::/80`.
    pub ipv6_prefix: Option<Spanned<String>>,
}

/// Shape `NetworkInterfaceIpv6Address`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceIpv6Address {
    pub ipv6_address: Option<String>,
    pub public_ipv6_dns_name: Option<String>,
    pub is_primary_ipv6: Option<bool>,
}

/// Shape `NetworkInterfaceAttachment`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceAttachment {
    pub attachment_id: Option<String>,
    pub attach_time: Option<Timestamp>,
    pub delete_on_termination: Option<bool>,
    /// 0 for the instance's primary ENI.
    pub device_index: Option<Spanned<i64>>,
    pub network_card_index: Option<Spanned<i64>>,
    pub instance_id: Option<Spanned<String>>,
    pub instance_owner_id: Option<String>,
    /// `attaching`, `attached`, `detaching`, `detached`.
    pub status: Option<String>,
    pub ena_queue_count: Option<i64>,
}

/// Shape `GroupIdentifier` (a security group).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
}

/// `aws ec2 get-subnet-cidr-reservations` (shape `GetSubnetCidrReservationsResult`).
/// The output has two lists; the loader recognises it by either key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSubnetCidrReservationsOutput {
    #[serde(default)]
    pub subnet_ipv4_cidr_reservations: Vec<Spanned<SubnetCidrReservation>>,
    #[serde(default)]
    pub subnet_ipv6_cidr_reservations: Vec<Spanned<SubnetCidrReservation>>,
    pub next_token: Option<String>,
}

impl GetSubnetCidrReservationsOutput {
    pub const TOP_LEVEL_KEY: &'static str = "SubnetIpv4CidrReservations";
    /// The output's other root key.
    pub const IPV6_KEY: &'static str = "SubnetIpv6CidrReservations";
}

/// `SubnetCidrReservationType` values
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html>).
pub mod reservation_type {
    /// Only prefixes delegated to ENIs (prefix delegation) are taken from it.
    pub const PREFIX: &str = "prefix";
    /// Only addresses assigned explicitly are taken from it.
    pub const EXPLICIT: &str = "explicit";
}

/// Shape `SubnetCidrReservation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetCidrReservation {
    pub subnet_cidr_reservation_id: Option<Spanned<String>>,
    pub subnet_id: Option<Spanned<String>>,
    /// e.g. `10.60.0.128/26`.
    pub cidr: Option<Spanned<String>>,
    /// `prefix` or `explicit` (see [`reservation_type`]).
    pub reservation_type: Option<Spanned<String>>,
    pub owner_id: Option<String>,
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Spanned<Tag>>,
}

impl SubnetCidrReservation {
    pub fn id(&self) -> Option<&str> {
        self.subnet_cidr_reservation_id
            .as_ref()
            .map(|s| s.value.as_str())
    }

    pub fn subnet(&self) -> Option<&str> {
        self.subnet_id.as_ref().map(|s| s.value.as_str())
    }

    pub fn cidr(&self) -> Option<&str> {
        self.cidr.as_ref().map(|s| s.value.as_str())
    }

    /// The reserved IPv4 block; `None` for an IPv6 reservation or bad text.
    pub fn ipv4_cidr(&self) -> Option<Ipv4Cidr> {
        Ipv4Cidr::parse(self.cidr()?).ok()
    }

    pub fn is_ipv6(&self) -> bool {
        self.cidr().is_some_and(|c| c.contains(':'))
    }

    pub fn reservation_type(&self) -> Option<&str> {
        self.reservation_type.as_ref().map(|s| s.value.as_str())
    }

    pub fn is_prefix(&self) -> bool {
        self.reservation_type() == Some(reservation_type::PREFIX)
    }
}

/// `aws ec2 describe-vpcs` (shape `DescribeVpcsResult`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcsOutput {
    #[serde(default)]
    pub vpcs: Vec<Spanned<Vpc>>,
    pub next_token: Option<String>,
}

impl DescribeVpcsOutput {
    pub const TOP_LEVEL_KEY: &'static str = "Vpcs";
}

/// Shape `Vpc`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: Option<Spanned<String>>,
    /// The primary IPv4 CIDR.
    pub cidr_block: Option<Spanned<String>>,
    /// Every IPv4 CIDR association, the primary included; secondary CIDRs
    /// (e.g. `100.64.0.0/16` for pods) appear only here.
    #[serde(default)]
    pub cidr_block_association_set: Vec<Spanned<VpcCidrBlockAssociation>>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: Vec<Spanned<VpcIpv6CidrBlockAssociation>>,
    /// `pending` or `available`.
    pub state: Option<Spanned<String>>,
    pub owner_id: Option<String>,
    pub instance_tenancy: Option<String>,
    pub is_default: Option<Spanned<bool>>,
    pub dhcp_options_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<Tag>>,
    pub block_public_access_states: Option<super::ec2::BlockPublicAccessStates>,
}

impl Vpc {
    pub fn id(&self) -> Option<&str> {
        self.vpc_id.as_ref().map(|s| s.value.as_str())
    }

    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.tags, key)
    }

    /// The `Name` tag.
    pub fn name(&self) -> Option<&str> {
        self.tag("Name")
    }

    /// Every associated IPv4 CIDR (state `associated` or not reported), the
    /// primary first, each once; `CidrBlock` counts when the association set
    /// is missing. Texts that do not parse are skipped.
    pub fn ipv4_cidrs(&self) -> Vec<Spanned<Ipv4Cidr>> {
        let associated = self
            .cidr_block_association_set
            .iter()
            .filter(|a| {
                a.value
                    .cidr_block_state
                    .as_ref()
                    .and_then(|s| s.state.as_ref())
                    .is_none_or(|s| s.value == vpc_cidr_state::ASSOCIATED)
            })
            .filter_map(|a| a.value.cidr_block.as_ref());
        let mut out: Vec<Spanned<Ipv4Cidr>> = Vec::new();
        for text in self.cidr_block.iter().chain(associated) {
            if let Ok(c) = Ipv4Cidr::parse(&text.value)
                && !out.iter().any(|o| o.value == c)
            {
                out.push(Spanned::new(c, text.span));
            }
        }
        out
    }
}

/// `VpcCidrBlockStateCode` values.
pub mod vpc_cidr_state {
    pub const ASSOCIATING: &str = "associating";
    pub const ASSOCIATED: &str = "associated";
    pub const DISASSOCIATING: &str = "disassociating";
    pub const DISASSOCIATED: &str = "disassociated";
    pub const FAILING: &str = "failing";
    pub const FAILED: &str = "failed";
}

/// Shape `VpcCidrBlockAssociation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcCidrBlockAssociation {
    pub association_id: Option<String>,
    pub cidr_block: Option<Spanned<String>>,
    pub cidr_block_state: Option<VpcCidrBlockState>,
}

/// Shape `VpcCidrBlockState`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcCidrBlockState {
    /// See [`vpc_cidr_state`].
    pub state: Option<Spanned<String>>,
    pub status_message: Option<String>,
}

/// Shape `VpcIpv6CidrBlockAssociation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcIpv6CidrBlockAssociation {
    pub association_id: Option<String>,
    pub ipv6_cidr_block: Option<Spanned<String>>,
    pub ipv6_cidr_block_state: Option<VpcCidrBlockState>,
    pub network_border_group: Option<String>,
    pub ipv6_pool: Option<String>,
    pub ipv6_address_attribute: Option<String>,
    pub ip_source: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    const DESCRIBE_NETWORK_INTERFACES: &str = r#"{
    "NetworkInterfaces": [
        {
            "Attachment": {
                "AttachTime": "2025-11-03T09:12:44+00:00",
                "AttachmentId": "eni-attach-0a1b2c3d4e5f60718",
                "DeleteOnTermination": true,
                "DeviceIndex": 1,
                "NetworkCardIndex": 0,
                "InstanceId": "i-0abc1234def567890",
                "InstanceOwnerId": "111122223333",
                "Status": "attached"
            },
            "AvailabilityZone": "us-east-1a",
            "Description": "aws-K8S-i-0abc1234def567890",
            "Groups": [{"GroupId": "sg-0123456789abcdef0", "GroupName": "eks-cluster-sg"}],
            "InterfaceType": "interface",
            "Ipv6Addresses": [],
            "MacAddress": "0e:11:22:33:44:55",
            "NetworkInterfaceId": "eni-0f1e2d3c4b5a69788",
            "OwnerId": "111122223333",
            "PrivateDnsName": "ip-10-60-0-23.ec2.internal",
            "PrivateIpAddress": "10.60.0.23",
            "PrivateIpAddresses": [
                {"Primary": true, "PrivateDnsName": "ip-10-60-0-23.ec2.internal", "PrivateIpAddress": "10.60.0.23"},
                {"Primary": false, "PrivateDnsName": "ip-10-60-0-97.ec2.internal", "PrivateIpAddress": "10.60.0.97"},
                {"Primary": false, "PrivateIpAddress": "not-an-ip"}
            ],
            "Ipv4Prefixes": [{"Ipv4Prefix": "10.60.0.48/28"}],
            "RequesterId": "AROAEXAMPLE:aws-node",
            "RequesterManaged": false,
            "SourceDestCheck": true,
            "Status": "in-use",
            "SubnetId": "subnet-0a11b22c33d44e55f",
            "TagSet": [{"Key": "node.k8s.amazonaws.com/instance_id", "Value": "i-0abc1234def567890"}],
            "VpcId": "vpc-0d5e6f7a8b9c0d1e2"
        },
        {
            "NetworkInterfaceId": "eni-0aaaabbbbccccdddd",
            "InterfaceType": "trunk",
            "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.60.0.200"}]
        }
    ]
}"#;

    #[test]
    fn describe_network_interfaces() {
        let out: DescribeNetworkInterfacesOutput = decode(DESCRIBE_NETWORK_INTERFACES);
        assert_eq!(out.network_interfaces.len(), 2);
        let eni = &out.network_interfaces[0];
        assert_eq!(eni.span.start.line, 3);
        assert_eq!(eni.id(), Some("eni-0f1e2d3c4b5a69788"));
        assert_eq!(eni.subnet(), Some("subnet-0a11b22c33d44e55f"));
        assert_eq!(eni.az(), Some("us-east-1a"));
        assert_eq!(eni.kind(), interface_type::INTERFACE);
        assert_eq!(eni.instance_id(), Some("i-0abc1234def567890"));
        assert_eq!(eni.device_index(), Some(1));
        assert_eq!(
            eni.tag("node.k8s.amazonaws.com/instance_id"),
            Some("i-0abc1234def567890")
        );
        let primary = eni.primary_ipv4().unwrap_or_else(|| panic!("primary"));
        assert_eq!(primary.value, Ipv4Addr::new(10, 60, 0, 23));
        assert_eq!(primary.span.start.line, 23);
        let addrs = eni.ipv4_addresses();
        assert_eq!(
            addrs
                .iter()
                .map(|a| a.value.to_string())
                .collect::<Vec<_>>(),
            ["10.60.0.23", "10.60.0.97"]
        );
        assert_eq!(addrs[1].span.start.line, 26);
        let prefixes = eni.ipv4_prefix_cidrs();
        assert_eq!(prefixes.len(), 1);
        assert_eq!(prefixes[0].value.to_string(), "10.60.0.48/28");
        assert_eq!(prefixes[0].span.start.line, 29);
        let bad = eni.unparsable();
        assert_eq!(bad.len(), 1);
        assert_eq!(
            (bad[0].value.as_str(), bad[0].span.start.line),
            ("not-an-ip", 27)
        );
        assert_eq!(eni.requester_managed.as_ref().map(|b| b.value), Some(false));

        let trunk = &out.network_interfaces[1];
        assert!(trunk.is_trunk());
        assert!(!trunk.is_branch());
        assert_eq!(
            trunk.primary_ipv4().map(|a| a.value),
            Some(Ipv4Addr::new(10, 60, 0, 200))
        );
        assert_eq!(trunk.instance_id(), None);
    }

    #[test]
    fn get_subnet_cidr_reservations() {
        let out: GetSubnetCidrReservationsOutput = decode(
            r#"{
    "SubnetIpv4CidrReservations": [
        {
            "SubnetCidrReservationId": "scr-0a1b2c3d4e5f60718",
            "SubnetId": "subnet-0a11b22c33d44e55f",
            "Cidr": "100.64.0.0/19",
            "ReservationType": "prefix",
            "OwnerId": "111122223333",
            "Description": "VPC CNI prefix delegation",
            "Tags": [{"Key": "team", "Value": "platform"}]
        }
    ],
    "SubnetIpv6CidrReservations": [
        {"SubnetCidrReservationId": "scr-0ffff", "Cidr": "2600:1f18:abcd:1200::/80", "ReservationType": "explicit"}
    ]
}"#,
        );
        let r = &out.subnet_ipv4_cidr_reservations[0];
        assert_eq!(r.span.start.line, 3);
        assert_eq!(r.id(), Some("scr-0a1b2c3d4e5f60718"));
        assert_eq!(r.subnet(), Some("subnet-0a11b22c33d44e55f"));
        assert_eq!(
            r.ipv4_cidr().map(|c| c.to_string()).as_deref(),
            Some("100.64.0.0/19")
        );
        assert_eq!(r.cidr.as_ref().map(|c| c.span.start.line), Some(6));
        assert!(r.is_prefix());
        assert!(!r.is_ipv6());
        let v6 = &out.subnet_ipv6_cidr_reservations[0];
        assert!(v6.is_ipv6());
        assert_eq!(v6.ipv4_cidr(), None);
        assert_eq!(v6.reservation_type(), Some(reservation_type::EXPLICIT));
    }

    #[test]
    fn describe_vpcs_with_a_secondary_cidr() {
        let out: DescribeVpcsOutput = decode(
            r#"{
    "Vpcs": [
        {
            "CidrBlock": "10.60.0.0/16",
            "DhcpOptionsId": "dopt-0a1b2c3d",
            "State": "available",
            "VpcId": "vpc-0d5e6f7a8b9c0d1e2",
            "OwnerId": "111122223333",
            "InstanceTenancy": "default",
            "CidrBlockAssociationSet": [
                {"AssociationId": "vpc-cidr-assoc-01", "CidrBlock": "10.60.0.0/16", "CidrBlockState": {"State": "associated"}},
                {"AssociationId": "vpc-cidr-assoc-02", "CidrBlock": "100.64.0.0/16", "CidrBlockState": {"State": "associated"}},
                {"AssociationId": "vpc-cidr-assoc-03", "CidrBlock": "100.65.0.0/16", "CidrBlockState": {"State": "disassociated"}}
            ],
            "IsDefault": false,
            "Tags": [{"Key": "Name", "Value": "ip-demo"}]
        }
    ]
}"#,
        );
        let vpc = &out.vpcs[0];
        assert_eq!(vpc.id(), Some("vpc-0d5e6f7a8b9c0d1e2"));
        assert_eq!(vpc.name(), Some("ip-demo"));
        let cidrs = vpc.ipv4_cidrs();
        assert_eq!(
            cidrs
                .iter()
                .map(|c| c.value.to_string())
                .collect::<Vec<_>>(),
            ["10.60.0.0/16", "100.64.0.0/16"]
        );
        assert_eq!(cidrs[0].span.start.line, 4);
        assert_eq!(cidrs[1].span.start.line, 12);
    }
}
