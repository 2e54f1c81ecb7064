use super::util::setting_span;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::ip_inputs::{TargetArgs, plan_inputs};

/// Below this many wholly free /28 blocks a subnet cannot take one more node
/// in prefix mode: the first prefix plus the warm one (`WARM_PREFIX_TARGET=1`).
const MIN_FREE_PREFIXES: u32 = 2;

declare_rule! {
    /// ## What it does
    /// With prefix delegation on and `aws ec2 describe-network-interfaces`
    /// output in the inputs, flags node and pod subnets that have free
    /// addresses but fewer than two wholly free, aligned /28 blocks (AWS
    /// reserves the first four and the last address of a subnet; explicit
    /// CIDR reservations count as taken).
    ///
    /// ## Why it matters
    /// A /28 prefix needs 16 free addresses on a 16-address boundary.
    /// Secondary IPs and node primary IPs land anywhere, so a subnet used in
    /// secondary-IP mode (or by other ENIs) can have a hundred free addresses
    /// and not one free /28. The next node's CNI then fails with EC2
    /// `InsufficientCidrBlocks` and its pods stay in `ContainerCreating`,
    /// while the console's free-address count looks healthy.
    ///
    /// ## Example
    /// A /24 node subnet with 95 free addresses and 0 free /28 blocks, and
    /// `ENABLE_PREFIX_DELEGATION=true`.
    ///
    /// ## Fix
    /// Run `eksplane ip-plan` for the failure point and the remedies with
    /// their effect: a secondary CIDR (100.64.0.0/16) with custom networking,
    /// prefix-type subnet CIDR reservations before space fragments, or larger
    /// subnets.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html
    /// - https://github.com/aws/amazon-vpc-cni-k8s/issues/2749
    pub RULE = ("CNI010", "subnet-out-of-prefixes", Error, "Subnet has free addresses but no free /28 blocks", catalog check);
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let (p, catalog) = (facts.platform, facts.catalog);
    let cni = facts.cni().options;
    if !cni.prefix_delegation || p.aws.network_interfaces.is_empty() {
        return Vec::new();
    }
    // Subnet labels are not printed here: no source positions needed.
    let Ok((inputs, _)) = plan_inputs(p, None, catalog, &TargetArgs::default()) else {
        return Vec::new();
    };
    let Ok(spaces) = eksplane_ipplan::build_spaces(&inputs) else {
        // Invalid subnets are reported by `eksplane ip-plan`.
        return Vec::new();
    };
    let pod_side: Vec<&String> = if cni.custom_networking {
        inputs.pod_subnets.values().flatten().collect()
    } else {
        inputs.node_subnets.iter().collect()
    };
    let mut out = Vec::new();
    for space in &spaces {
        if !pod_side.iter().any(|id| **id == space.id) {
            continue;
        }
        let c = space.counts();
        if c.free_prefixes >= MIN_FREE_PREFIXES || c.free_addresses < 16 {
            continue;
        }
        let Some(subnet) = p.aws.subnet(&space.id) else {
            continue;
        };
        let span = subnet
            .value
            .cidr_block
            .as_ref()
            .map_or(subnet.span, |c| c.span);
        let mut f = RULE
            .finding(
                format!(
                    "subnet {} ({}, {}) has {} free addresses but {} wholly free aligned /28 \
                     block{}: with prefix delegation the next node's CNI fails with EC2 \
                     InsufficientCidrBlocks and its pods stay in ContainerCreating",
                    space.id,
                    subnet.value.az().unwrap_or("no zone"),
                    subnet
                        .value
                        .cidr_block
                        .as_ref()
                        .map_or("-", |c| c.value.as_str()),
                    c.free_addresses,
                    c.free_prefixes,
                    if c.free_prefixes == 1 { "" } else { "s" }
                ),
                span,
            )
            .object(format!("Subnet/{}", space.id))
            .fix(
                Fix::new(
                    "plan the fix with its effect: `eksplane ip-plan` (secondary CIDR with custom \
                     networking, prefix reservations, larger subnets)",
                )
                .with_snippet(
                    "eksplane ip-plan PATH... --svg ip-maps/   # failure point, remedies, a map of the /28 blocks\n",
                ),
            );
        if let Some(s) = setting_span(p, |s| s.enable_prefix_delegation.span) {
            f = f.related(s, "prefix delegation is on");
        }
        out.push(f);
    }
    out
}
