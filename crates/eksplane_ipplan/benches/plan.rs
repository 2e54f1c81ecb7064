//! A /16 VPC split into 64 /22 subnets over three zones, 20,000 addresses
//! taken at random (seeded), planned to exhaustion in both IP modes, with
//! and without remedies.
//!
//! `cargo bench -p eksplane_ipplan --bench plan`

use criterion::{Criterion, criterion_group, criterion_main};
use eksplane_aws_data::Catalog;
use eksplane_capacity::CniOptions;
use eksplane_ipplan::{
    Demand, InUse, NodeCount, NodeGroup, PlanInputs, PlanOptions, SplitMix64, SubnetInput,
    VpcInput, plan,
};
use ipnet::Ipv4Net;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::net::Ipv4Addr;

fn inputs(prefix_delegation: bool) -> PlanInputs {
    let vpc: Ipv4Net = "10.0.0.0/16".parse().unwrap_or_default();
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let mut subnets = Vec::new();
    let mut in_use = Vec::new();
    let mut rng = SplitMix64::new(42);
    let per_subnet = 20_000 / 64 + 1;
    let mut total = 0;
    for (i, cidr) in vpc.subnets(22).into_iter().flatten().enumerate() {
        let zone = zones[i % zones.len()];
        let id = format!("subnet-{i:02}");
        let mut s = SubnetInput::new(id.clone(), cidr, Some(zone));
        s.vpc_id = Some("vpc-1".to_string());
        subnets.push(s);
        let base = u32::from(cidr.network());
        let mut taken = BTreeSet::new();
        while taken.len() < per_subnet && total < 20_000 {
            let off = 4 + rng.below(1024 - 5);
            if taken.insert(off) {
                total += 1;
            }
        }
        in_use.push(InUse {
            subnet_id: id,
            private_ips: taken
                .into_iter()
                .map(|o| Ipv4Addr::from(base + o))
                .collect(),
            prefixes: Vec::new(),
        });
    }
    PlanInputs {
        vpcs: vec![VpcInput {
            id: "vpc-1".to_string(),
            cidrs: vec![vpc],
        }],
        subnets,
        in_use,
        cni: CniOptions {
            prefix_delegation,
            ..CniOptions::default()
        },
        demand: Demand {
            target_pods: 20_000,
            groups: vec![NodeGroup {
                instance_type: "m5.xlarge".to_string(),
                nodes: NodeCount::Share(1),
                pods_per_node: None,
                subnets: None,
            }],
        },
        ..PlanInputs::default()
    }
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let bare = PlanOptions {
        remedies: false,
        ..PlanOptions::default()
    };
    let full = PlanOptions::default();
    for (name, pd) in [("secondary_ips", false), ("prefixes", true)] {
        let i = inputs(pd);
        c.bench_function(&format!("plan/vpc16_64x22_20k_taken/{name}"), |b| {
            b.iter(|| plan(black_box(&i), catalog, &bare).map(|p| p.cluster.fails_at_pods))
        });
        c.bench_function(
            &format!("plan/vpc16_64x22_20k_taken/{name}/with_remedies"),
            |b| b.iter(|| plan(black_box(&i), catalog, &full).map(|p| p.remedies.len())),
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
