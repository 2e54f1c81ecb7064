//! Helpers: inputs built from strings, one place to change when the API does.

use eksplane_ipplan::{
    Demand, InUse, NodeCount, NodeGroup, PlanInputs, Reservation, ReservationKind, SubnetInput,
    SubnetSpace, VpcInput,
};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub fn net(s: &str) -> Ipv4Net {
    s.parse().expect("test CIDR")
}

pub fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("test address")
}

pub fn subnet(id: &str, cidr: &str, zone: &str) -> SubnetInput {
    let mut s = SubnetInput::new(id, net(cidr), Some(zone));
    s.vpc_id = Some("vpc-1".to_string());
    s
}

pub fn vpc(cidrs: &[&str]) -> VpcInput {
    VpcInput {
        id: "vpc-1".to_string(),
        cidrs: cidrs.iter().map(|c| net(c)).collect(),
    }
}

pub fn in_use(subnet_id: &str, ips: &[Ipv4Addr], prefixes: &[&str]) -> InUse {
    InUse {
        subnet_id: subnet_id.to_string(),
        private_ips: ips.to_vec(),
        prefixes: prefixes.iter().map(|p| net(p)).collect(),
    }
}

pub fn reservation(subnet_id: &str, cidr: &str, kind: ReservationKind) -> Reservation {
    Reservation {
        subnet_id: subnet_id.to_string(),
        cidr: net(cidr),
        kind,
    }
}

pub fn space(cidr: &str) -> SubnetSpace {
    SubnetSpace::new(&subnet("subnet-a", cidr, "us-east-1a")).expect("valid subnet")
}

pub fn group(instance_type: &str, nodes: NodeCount) -> NodeGroup {
    NodeGroup {
        instance_type: instance_type.to_string(),
        nodes,
        pods_per_node: None,
        subnets: None,
    }
}

/// One taken address in every /28 block of `cidr` (offset 4 of the first
/// block, offset 5 of the others) and more until `taken` addresses are taken,
/// none of them AWS-reserved.
pub fn fragmented_ips(cidr: &str, taken: usize) -> Vec<Ipv4Addr> {
    let n = net(cidr);
    let base = u32::from(n.network());
    let size = 1u32 << (32 - n.prefix_len());
    let mut offs: Vec<u32> = (0..size / 16)
        .map(|b| b * 16 + if b == 0 { 4 } else { 5 })
        .collect();
    let mut extra = 6u32;
    while offs.len() < taken {
        for b in 0..size / 16 {
            let off = b * 16 + extra;
            if offs.len() < taken && off < size - 1 && !offs.contains(&off) {
                offs.push(off);
            }
        }
        extra += 1;
    }
    offs.into_iter().map(|o| Ipv4Addr::from(base + o)).collect()
}

pub fn inputs(subnets: Vec<SubnetInput>, groups: Vec<NodeGroup>, target: u32) -> PlanInputs {
    PlanInputs {
        vpcs: vec![vpc(&["10.0.0.0/16"])],
        subnets,
        demand: Demand {
            target_pods: target,
            groups,
        },
        ..PlanInputs::default()
    }
}
