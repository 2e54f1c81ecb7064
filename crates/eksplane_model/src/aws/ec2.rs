//! Amazon EC2 output shapes (`aws ec2 ... --output json`). Member names follow
//! botocore `data/ec2/2016-11-15/service-2.json` (shapes `DescribeSubnetsResult`,
//! `Subnet`, `SubnetIpv6CidrBlockAssociation`, `Tag`), botocore 1.43. The CLI
//! prints the PascalCase member names, not the XML `locationName`s.

use super::{Tag, tag_value};
use crate::cidr::Ipv4Cidr;
use eksplane_source::Spanned;
use serde::Deserialize;

/// Subnet tags EKS and the AWS Load Balancer Controller read
/// (<https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html>).
pub mod subnet_tags {
    /// Subnets for internet-facing load balancers.
    pub const ROLE_ELB: &str = "kubernetes.io/role/elb";
    /// Subnets for internal load balancers.
    pub const ROLE_INTERNAL_ELB: &str = "kubernetes.io/role/internal-elb";
    /// `kubernetes.io/cluster/<name>`: `owned` or `shared`.
    pub const CLUSTER_PREFIX: &str = "kubernetes.io/cluster/";
}

/// `aws ec2 describe-subnets` (shape `DescribeSubnetsResult`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSubnetsOutput {
    #[serde(default)]
    pub subnets: Vec<Spanned<Subnet>>,
    pub next_token: Option<String>,
}

impl DescribeSubnetsOutput {
    pub const TOP_LEVEL_KEY: &'static str = "Subnets";
}

/// Shape `Subnet`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub subnet_id: Option<Spanned<String>>,
    pub subnet_arn: Option<Spanned<String>>,
    pub vpc_id: Option<Spanned<String>>,
    /// The IPv4 CIDR, e.g. `10.20.0.0/20`.
    pub cidr_block: Option<Spanned<String>>,
    /// e.g. `us-east-1a`.
    pub availability_zone: Option<Spanned<String>>,
    /// e.g. `use1-az1`.
    pub availability_zone_id: Option<Spanned<String>>,
    /// Free IPv4 addresses at the time of the snapshot.
    pub available_ip_address_count: Option<Spanned<i64>>,
    pub default_for_az: Option<Spanned<bool>>,
    pub map_public_ip_on_launch: Option<Spanned<bool>>,
    pub map_customer_owned_ip_on_launch: Option<bool>,
    pub customer_owned_ipv4_pool: Option<String>,
    /// `pending`, `available`, `unavailable`, `failed`, `failed-insufficient-capacity`.
    pub state: Option<Spanned<String>>,
    pub owner_id: Option<String>,
    pub assign_ipv6_address_on_creation: Option<Spanned<bool>>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: Vec<Spanned<SubnetIpv6CidrBlockAssociation>>,
    #[serde(default)]
    pub tags: Vec<Spanned<Tag>>,
    pub outpost_arn: Option<String>,
    pub enable_dns64: Option<bool>,
    pub ipv6_native: Option<Spanned<bool>>,
    pub private_dns_name_options_on_launch: Option<PrivateDnsNameOptionsOnLaunch>,
    pub enable_lni_at_device_index: Option<i64>,
    pub block_public_access_states: Option<BlockPublicAccessStates>,
    #[serde(rename = "Type")]
    pub subnet_type: Option<String>,
}

impl Subnet {
    pub fn id(&self) -> Option<&str> {
        self.subnet_id.as_ref().map(|s| s.value.as_str())
    }

    pub fn cidr(&self) -> Option<&str> {
        self.cidr_block.as_ref().map(|s| s.value.as_str())
    }

    /// The IPv4 CIDR, parsed; `None` when absent (IPv6-only subnets) or not
    /// an IPv4 network.
    pub fn ipv4_cidr(&self) -> Option<Spanned<Ipv4Cidr>> {
        let text = self.cidr_block.as_ref()?;
        let cidr = Ipv4Cidr::parse(&text.value).ok()?;
        Some(Spanned::new(cidr, text.span))
    }

    pub fn vpc(&self) -> Option<&str> {
        self.vpc_id.as_ref().map(|s| s.value.as_str())
    }

    pub fn az(&self) -> Option<&str> {
        self.availability_zone.as_ref().map(|s| s.value.as_str())
    }

    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.tags, key)
    }

    /// The `Name` tag.
    pub fn name(&self) -> Option<&str> {
        self.tag("Name")
    }

    /// The IPv6 CIDRs associated (state `associated`, or no state reported).
    pub fn ipv6_cidr_blocks(&self) -> Vec<&Spanned<String>> {
        self.ipv6_cidr_block_association_set
            .iter()
            .filter(|a| {
                a.ipv6_cidr_block_state
                    .as_ref()
                    .and_then(|s| s.state.as_deref())
                    .is_none_or(|s| s == "associated")
            })
            .filter_map(|a| a.value.ipv6_cidr_block.as_ref())
            .collect()
    }
}

/// Shape `SubnetIpv6CidrBlockAssociation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetIpv6CidrBlockAssociation {
    pub association_id: Option<String>,
    pub ipv6_cidr_block: Option<Spanned<String>>,
    pub ipv6_cidr_block_state: Option<SubnetCidrBlockState>,
    pub ipv6_address_attribute: Option<String>,
    pub ip_source: Option<String>,
}

/// Shape `SubnetCidrBlockState`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetCidrBlockState {
    /// `associating`, `associated`, `disassociating`, `disassociated`, `failing`, `failed`.
    pub state: Option<String>,
    pub status_message: Option<String>,
}

/// Shape `PrivateDnsNameOptionsOnLaunch`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateDnsNameOptionsOnLaunch {
    /// `ip-name` or `resource-name`.
    pub hostname_type: Option<String>,
    pub enable_resource_name_dns_a_record: Option<bool>,
    #[serde(rename = "EnableResourceNameDnsAAAARecord")]
    pub enable_resource_name_dns_aaaa_record: Option<bool>,
}

/// Shape `BlockPublicAccessStates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlockPublicAccessStates {
    /// `off`, `block-bidirectional`, `block-ingress`.
    pub internet_gateway_block_mode: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    const DESCRIBE_SUBNETS: &str = r#"{
    "Subnets": [
        {
            "AvailabilityZone": "us-east-1a",
            "AvailabilityZoneId": "use1-az1",
            "AvailableIpAddressCount": 3811,
            "CidrBlock": "10.20.0.0/20",
            "DefaultForAz": false,
            "MapPublicIpOnLaunch": false,
            "State": "available",
            "SubnetId": "subnet-0e6a49bfdbb65a522",
            "VpcId": "vpc-0c0426899463c6ada",
            "OwnerId": "111122223333",
            "AssignIpv6AddressOnCreation": false,
            "Ipv6CidrBlockAssociationSet": [
                {
                    "AssociationId": "subnet-cidr-assoc-0a1b2c3d",
                    "Ipv6CidrBlock": "2600:1f18:abcd:1200::/64",
                    "Ipv6CidrBlockState": {"State": "associated"}
                },
                {
                    "AssociationId": "subnet-cidr-assoc-0a1b2c3e",
                    "Ipv6CidrBlock": "2600:1f18:abcd:1300::/64",
                    "Ipv6CidrBlockState": {"State": "disassociated"}
                }
            ],
            "Tags": [
                {"Key": "Name", "Value": "platform-prod-private-us-east-1a"},
                {"Key": "kubernetes.io/role/internal-elb", "Value": "1"}
            ],
            "SubnetArn": "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0e6a49bfdbb65a522",
            "EnableDns64": false,
            "Ipv6Native": false,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": false,
                "EnableResourceNameDnsAAAARecord": false
            },
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"}
        },
        {
            "SubnetId": "subnet-0f2f903e2cf7685d1",
            "CidrBlock": "10.20.96.0/24",
            "MapPublicIpOnLaunch": true
        }
    ]
}"#;

    #[test]
    fn describe_subnets() {
        let out: DescribeSubnetsOutput = decode(DESCRIBE_SUBNETS);
        assert_eq!(out.subnets.len(), 2);
        let s = &out.subnets[0];
        assert_eq!(s.span.start.line, 3);
        assert_eq!(s.id(), Some("subnet-0e6a49bfdbb65a522"));
        assert_eq!(s.subnet_id.as_ref().map(|v| v.span.start.line), Some(11));
        assert_eq!(s.cidr(), Some("10.20.0.0/20"));
        assert_eq!(
            s.ipv4_cidr()
                .map(|c| (c.value.prefix_len(), c.span.start.line)),
            Some((20, 7))
        );
        assert_eq!(s.vpc(), Some("vpc-0c0426899463c6ada"));
        assert_eq!(s.cidr_block.as_ref().map(|v| v.span.start.line), Some(7));
        assert_eq!(s.az(), Some("us-east-1a"));
        let free = s
            .available_ip_address_count
            .as_ref()
            .unwrap_or_else(|| panic!("count"));
        assert_eq!((free.value, free.span.start.line), (3811, 6));
        assert_eq!(s.name(), Some("platform-prod-private-us-east-1a"));
        assert_eq!(s.tag(subnet_tags::ROLE_INTERNAL_ELB), Some("1"));
        assert_eq!(s.tag(subnet_tags::ROLE_ELB), None);
        assert_eq!(s.tags[1].span.start.line, 29);
        let v6 = s.ipv6_cidr_blocks();
        assert_eq!(v6.len(), 1);
        assert_eq!(v6[0].value, "2600:1f18:abcd:1200::/64");
        assert_eq!(v6[0].span.start.line, 18);
        assert_eq!(
            s.private_dns_name_options_on_launch
                .as_ref()
                .and_then(|p| p.enable_resource_name_dns_aaaa_record),
            Some(false)
        );

        let public = &out.subnets[1];
        assert_eq!(
            public.map_public_ip_on_launch.as_ref().map(|b| b.value),
            Some(true)
        );
        assert!(public.tags.is_empty());
        assert_eq!(public.az(), None);
    }
}
