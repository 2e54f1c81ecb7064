//! Where each AWS fact this crate applies comes from. Cited in comments next
//! to the code that applies it, and carried in results so a report can show it.

/// "The first four IP addresses and the last IP address in each subnet CIDR
/// block are not available for your use": network address, VPC router, DNS,
/// future use, broadcast. "The allowed IPv4 CIDR block size for a subnet is
/// between a /28 netmask and /16 netmask." Subnet CIDRs in one VPC cannot overlap.
pub const SRC_SUBNET_SIZING: &str = "Amazon VPC User Guide, \"Subnet CIDR blocks\" (docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)";

/// Subnet CIDR reservations: `prefix` (AWS assigns the reserved addresses to
/// network interfaces as prefixes), `explicit` (AWS does not use them; you
/// assign them by hand). Ranges in one VPC cannot overlap; with several prefix
/// reservations "we randomly choose"; a reservation may include addresses in use.
pub const SRC_CIDR_RESERVATIONS: &str = "Amazon VPC User Guide, \"Subnet CIDR reservations\" (docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html); EC2 API CreateSubnetCidrReservation (ReservationType prefix | explicit)";

/// The VPC CNI takes a /28 from a prefix reservation first, then from the
/// general pool, which must hold a contiguous, aligned /28 ("there is no
/// contiguous /28 block anywhere in the subnet"); WARM_PREFIX_TARGET=1 is the
/// recommended setting.
pub const SRC_CNI_PREFIX_RESERVATION: &str = "aws/amazon-vpc-cni-k8s issue #2749 (maintainer's analysis); EKS User Guide \"Increase the available IP addresses\" (cni-increase-ip-addresses)";

/// ipamd names both EC2 error codes it treats as subnet exhaustion:
/// `INSUFFICIENT_CIDR_BLOCKS = "InsufficientCidrBlocks"`,
/// `INSUFFICIENT_FREE_IP_SUBNET = "InsufficientFreeAddressesInSubnet"`.
pub const SRC_IPAMD_ERRORS: &str = "aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go (INSUFFICIENT_CIDR_BLOCKS, INSUFFICIENT_FREE_IP_SUBNET); PR #1773";

/// `ErrInsufficientCidrBlocks = "InsufficientCidrBlocks: The specified subnet
/// does not have enough free cidr blocks to satisfy the request"` (the same
/// text appears in ipamd's logs, issues #1836 and PR #1585).
pub const SRC_INSUFFICIENT_CIDR_BLOCKS: &str = "aws/amazon-vpc-resource-controller-k8s pkg/utils/errors.go (ErrInsufficientCidrBlocks); ipamd log lines in aws/amazon-vpc-cni-k8s #1585, #1836";

/// "InsufficientFreeAddressesInSubnet: The specified subnet does not have
/// enough free addresses to satisfy the request." (ipamd log in PR #1773).
pub const SRC_INSUFFICIENT_FREE_ADDRESSES: &str =
    "aws/amazon-vpc-cni-k8s PR #1773 (ipamd log of AssignPrivateIpAddresses)";

/// CreateNetworkInterface in a full subnet: "InvalidParameterValue: There
/// aren't sufficient free Ipv4 addresses or prefixes" (ipamd log, issue #3105;
/// AWS support quoted in cilium/cilium PR #31016).
pub const SRC_CREATE_ENI_FULL: &str = "aws/amazon-vpc-cni-k8s issue #3105 (awsutils CreateNetworkInterface log); cilium/cilium PR #31016";

/// The pod's event when ipamd has no IP for it: "add cmd: failed to assign an
/// IP address to container" (the CNI plugin, cmd/routed-eni-cni-plugin).
pub const SRC_CNI_ADD_FAILED: &str = "aws/amazon-vpc-cni-k8s cmd/routed-eni-cni-plugin/cni.go; EKS best practices, VPC CNI (\"failed to assign an IP address to container\")";

/// EC2 launches (RunInstances, CreateFleet) fail with
/// `InsufficientFreeAddressesInSubnet` when the node's primary IP has no room;
/// Karpenter lists the code among its launch errors.
pub const SRC_LAUNCH_ERRORS: &str = "EC2 API error codes (InsufficientFreeAddressesInSubnet); aws/karpenter-provider-aws pkg/errors";

/// Custom networking: the primary ENI (the node IP) stays in the node's
/// subnet; the ENIs for pods are created in the ENIConfig's subnet for the
/// node's zone; the 100.64.0.0/10 (CG-NAT) space may be added to a VPC as a
/// secondary CIDR for pods.
pub const SRC_CUSTOM_NETWORKING: &str = "EKS User Guide \"Customize the secondary network interface in Amazon EKS nodes\" (cni-custom-network); aws/amazon-vpc-cni-k8s docs (ENIConfig)";

/// Without custom networking ipamd creates additional ENIs in the subnet of
/// the node's primary ENI.
pub const SRC_ENI_SUBNET: &str = "aws/amazon-vpc-cni-k8s pkg/awsutils/awsutils.go (AllocENI: CreateNetworkInterface in the primary ENI's subnet unless custom networking)";

/// A VPC's CIDR blocks (primary and secondary) are /16 to /28; RFC 6598
/// 100.64.0.0/10 is allowed as a secondary CIDR.
pub const SRC_VPC_CIDRS: &str = "Amazon VPC User Guide, \"VPC CIDR blocks\" (vpc-cidr-blocks), IPv4 VPC CIDR block association restrictions";
