//! Bad input: each error names the subnet or VPC it is about.

use ipnet::Ipv4Net;
use std::net::Ipv4Addr;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error(
        "{subnet}: IPv6-only subnet (no IPv4 CIDR); the VPC CNI's IPv4 planning does not apply"
    )]
    Ipv6OnlySubnet { subnet: String },
    #[error("subnet id {id} appears twice")]
    DuplicateSubnet { id: String },
    #[error(
        "{subnet}: {cidr} is a /{len}; an IPv4 subnet must be /16 to /28 (Amazon VPC User Guide, \"Subnet CIDR blocks\")"
    )]
    SubnetSize {
        subnet: String,
        cidr: Ipv4Net,
        len: u8,
    },
    #[error("{what} {cidr} has host bits set; did you mean {canonical}?")]
    NotCanonical {
        what: String,
        cidr: Ipv4Net,
        canonical: Ipv4Net,
    },
    #[error("{a} ({a_cidr}) and {b} ({b_cidr}) overlap; subnets in one VPC cannot overlap")]
    OverlappingSubnets {
        a: String,
        a_cidr: Ipv4Net,
        b: String,
        b_cidr: Ipv4Net,
    },
    #[error("{subnet}: {cidr} is outside {vpc}'s CIDRs ({vpc_cidrs})")]
    SubnetOutsideVpc {
        subnet: String,
        cidr: Ipv4Net,
        vpc: String,
        vpc_cidrs: String,
    },
    #[error("{subnet}: VPC {vpc} is not among the inputs")]
    UnknownVpc { subnet: String, vpc: String },
    #[error("{what} names subnet {subnet_id}, which is not among the inputs")]
    UnknownSubnet { what: String, subnet_id: String },
    #[error("{subnet}: in-use address {addr} is outside the subnet's {cidr}")]
    AddressOutsideSubnet {
        subnet: String,
        addr: Ipv4Addr,
        cidr: Ipv4Net,
    },
    #[error(
        "{subnet}: in-use address {addr} is one of the five AWS reserves (first four and last); no ENI can hold it"
    )]
    AddressAwsReserved { subnet: String, addr: Ipv4Addr },
    #[error(
        "{subnet}: assigned prefix {prefix} is not a /28 (the VPC CNI's IPv4 prefixes are /28)"
    )]
    PrefixNotSlash28 { subnet: String, prefix: Ipv4Net },
    #[error(
        "{subnet}: assigned prefix {prefix} is not aligned to a /28 boundary (did you mean {aligned}?)"
    )]
    PrefixNotAligned {
        subnet: String,
        prefix: Ipv4Net,
        aligned: Ipv4Net,
    },
    #[error("{subnet}: assigned prefix {prefix} is outside the subnet's {cidr}")]
    PrefixOutsideSubnet {
        subnet: String,
        prefix: Ipv4Net,
        cidr: Ipv4Net,
    },
    #[error("{subnet}: assigned prefix {prefix} holds an AWS-reserved address")]
    PrefixAwsReserved { subnet: String, prefix: Ipv4Net },
    #[error("{subnet}: assigned prefixes {a} and {b} overlap")]
    OverlappingPrefixes {
        subnet: String,
        a: Ipv4Net,
        b: Ipv4Net,
    },
    #[error("{subnet}: CIDR reservation {cidr} is outside the subnet's {subnet_cidr}")]
    ReservationOutsideSubnet {
        subnet: String,
        cidr: Ipv4Net,
        subnet_cidr: Ipv4Net,
    },
    #[error("{subnet}: CIDR reservations {a} and {b} overlap (reservations cannot overlap)")]
    OverlappingReservations {
        subnet: String,
        a: Ipv4Net,
        b: Ipv4Net,
    },
    #[error("instance type {name} is not in the catalog")]
    UnknownInstanceType { name: String },
    #[error("node group {instance_type}: {reason}")]
    InvalidGroup {
        instance_type: String,
        reason: String,
    },
    #[error("no node subnets: give subnets, or name node subnets that exist")]
    NoNodeSubnets,
    #[error(
        "custom networking is on but zone {zone} (nodes in {subnet}) has no ENIConfig pod subnet"
    )]
    NoPodSubnet { zone: String, subnet: String },
}
