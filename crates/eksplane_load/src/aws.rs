//! AWS CLI JSON output (`--output json`), recognised by the key at the root of
//! the document (each operation's output has its own; see
//! `eksplane_model::aws`). One document may hold several keys (a hand-merged
//! snapshot); each recognised key is read.

use crate::{Ctx, decode_or_report};
use eksplane_model::aws::{ec2, ec2_instance_types, ec2_network, eks, iam};
use eksplane_source::Node;

/// Reads `root` as AWS CLI output. Returns false when no key is recognised.
pub(crate) fn load_aws(ctx: &mut Ctx, root: Node) -> bool {
    let Some(entries) = root.as_map() else {
        return false;
    };
    let keys: Vec<String> = entries
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    let mut recognised = false;
    let mut cidr_reservations_read = false;
    for key in keys {
        let read = match key.as_str() {
            eks::DescribeClusterOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::DescribeClusterOutput>(
                    ctx,
                    "aws eks describe-cluster output",
                    &root,
                ) && let Some(c) = out.cluster
                {
                    crate::merge::facts_from_describe_cluster(ctx, &c.value);
                    ctx.platform.aws.clusters.push(c);
                    ctx.stats.objects += 1;
                }
                true
            }
            eks::DescribeNodegroupOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::DescribeNodegroupOutput>(
                    ctx,
                    "aws eks describe-nodegroup output",
                    &root,
                ) && let Some(n) = out.nodegroup
                {
                    ctx.platform.aws.nodegroups.push(n);
                    ctx.stats.objects += 1;
                }
                true
            }
            // `aws eks list-access-entries` lists principal ARNs (strings); a
            // list of mappings under the same key is a fragment of an eksctl
            // ClusterConfig's `accessConfig` (e.g. the EKS workshop's
            // cluster/eksctl/access-entries.yaml), not this output.
            eks::ListAccessEntriesOutput::TOP_LEVEL_KEY
                if root
                    .get(eks::ListAccessEntriesOutput::TOP_LEVEL_KEY)
                    .and_then(Node::as_seq)
                    .is_some_and(|items| items.iter().any(|i| i.as_map().is_some())) =>
            {
                false
            }
            eks::ListAccessEntriesOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::ListAccessEntriesOutput>(
                    ctx,
                    "aws eks list-access-entries output",
                    &root,
                ) {
                    ctx.stats.objects += out.access_entries.len();
                    ctx.platform
                        .aws
                        .access_entry_arns
                        .extend(out.access_entries);
                }
                true
            }
            eks::DescribeAccessEntryOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::DescribeAccessEntryOutput>(
                    ctx,
                    "aws eks describe-access-entry output",
                    &root,
                ) && let Some(e) = out.access_entry
                {
                    ctx.platform.aws.access_entries.push(e);
                    ctx.stats.objects += 1;
                }
                true
            }
            eks::ListAssociatedAccessPoliciesOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::ListAssociatedAccessPoliciesOutput>(
                    ctx,
                    "aws eks list-associated-access-policies output",
                    &root,
                ) {
                    ctx.stats.objects += 1;
                    ctx.platform
                        .aws
                        .associated_access_policies
                        .push(eksplane_source::Spanned::new(out, root.span));
                }
                true
            }
            eks::ListPodIdentityAssociationsOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::ListPodIdentityAssociationsOutput>(
                    ctx,
                    "aws eks list-pod-identity-associations output",
                    &root,
                ) {
                    ctx.stats.objects += out.associations.len();
                    ctx.platform
                        .aws
                        .pod_identity_association_summaries
                        .extend(out.associations);
                }
                true
            }
            eks::DescribePodIdentityAssociationOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::DescribePodIdentityAssociationOutput>(
                    ctx,
                    "aws eks describe-pod-identity-association output",
                    &root,
                ) && let Some(a) = out.association
                {
                    ctx.platform.aws.pod_identity_associations.push(a);
                    ctx.stats.objects += 1;
                }
                true
            }
            "addons" => {
                match eks::addons_key_holds_names(&root) {
                    Some(true) => {
                        if let Some(out) = decode_or_report::<eks::ListAddonsOutput>(
                            ctx,
                            "aws eks list-addons output",
                            &root,
                        ) {
                            ctx.stats.objects += out.addons.len();
                            ctx.platform.aws.addon_names.extend(out.addons);
                        }
                    }
                    Some(false) => {
                        if let Some(out) = decode_or_report::<eks::DescribeAddonVersionsOutput>(
                            ctx,
                            "aws eks describe-addon-versions output",
                            &root,
                        ) {
                            ctx.stats.objects += out.addons.len();
                            ctx.platform.aws.addon_versions.extend(out.addons);
                        }
                    }
                    None => {}
                }
                true
            }
            eks::DescribeAddonOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<eks::DescribeAddonOutput>(
                    ctx,
                    "aws eks describe-addon output",
                    &root,
                ) && let Some(a) = out.addon
                {
                    ctx.platform.aws.addons.push(a);
                    ctx.stats.objects += 1;
                }
                true
            }
            ec2::DescribeSubnetsOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<ec2::DescribeSubnetsOutput>(
                    ctx,
                    "aws ec2 describe-subnets output",
                    &root,
                ) {
                    ctx.stats.objects += out.subnets.len();
                    ctx.platform.aws.subnets.extend(out.subnets);
                }
                true
            }
            ec2_network::DescribeNetworkInterfacesOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<ec2_network::DescribeNetworkInterfacesOutput>(
                    ctx,
                    "aws ec2 describe-network-interfaces output",
                    &root,
                ) {
                    ctx.stats.objects += out.network_interfaces.len();
                    ctx.platform
                        .aws
                        .network_interfaces
                        .extend(out.network_interfaces);
                }
                true
            }
            // One output, two root keys: read it once, at whichever key comes first.
            ec2_network::GetSubnetCidrReservationsOutput::TOP_LEVEL_KEY
            | ec2_network::GetSubnetCidrReservationsOutput::IPV6_KEY => {
                if !cidr_reservations_read {
                    cidr_reservations_read = true;
                    if let Some(out) = decode_or_report::<
                        ec2_network::GetSubnetCidrReservationsOutput,
                    >(
                        ctx, "aws ec2 get-subnet-cidr-reservations output", &root
                    ) {
                        let all = out
                            .subnet_ipv4_cidr_reservations
                            .into_iter()
                            .chain(out.subnet_ipv6_cidr_reservations);
                        let before = ctx.platform.aws.subnet_cidr_reservations.len();
                        ctx.platform.aws.subnet_cidr_reservations.extend(all);
                        ctx.stats.objects +=
                            ctx.platform.aws.subnet_cidr_reservations.len() - before;
                    }
                }
                true
            }
            ec2_network::DescribeVpcsOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<ec2_network::DescribeVpcsOutput>(
                    ctx,
                    "aws ec2 describe-vpcs output",
                    &root,
                ) {
                    ctx.stats.objects += out.vpcs.len();
                    ctx.platform.aws.vpcs.extend(out.vpcs);
                }
                true
            }
            ec2_instance_types::DescribeInstanceTypesOutput::TOP_LEVEL_KEY => {
                if let Some(out) = decode_or_report::<ec2_instance_types::DescribeInstanceTypesOutput>(
                    ctx,
                    "aws ec2 describe-instance-types output",
                    &root,
                ) {
                    ctx.stats.objects += out.instance_types.len();
                    ctx.platform.aws.instance_types.extend(out.instance_types);
                }
                true
            }
            iam::GetRoleOutput::TOP_LEVEL_KEY => {
                if let Some(out) =
                    decode_or_report::<iam::GetRoleOutput>(ctx, "aws iam get-role output", &root)
                    && let Some(r) = out.role
                {
                    ctx.platform.aws.roles.push(r);
                    ctx.stats.objects += 1;
                }
                true
            }
            _ => false,
        };
        recognised |= read;
    }
    recognised
}
