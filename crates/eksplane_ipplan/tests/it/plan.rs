use crate::util::*;
use eksplane_aws_data::Catalog;
use eksplane_capacity::CniOptions;
use eksplane_ipplan::{
    FailureKind, NodeCount, PlanError, PlanOptions, RemedyKind, SubnetRole, plan,
};

fn opts() -> PlanOptions {
    PlanOptions::default()
}

#[test]
fn secondary_mode_fails_where_the_addresses_run_out() {
    // /24: 251 usable. m5.large full node: 3 ENIs + 27 IPs = 30 addresses;
    // 8 full nodes hold 216 pods in 240 addresses. Node 9 launches for pod
    // 217 (node IP + 9 IPs = 250) and its first pod asks for a second ENI and
    // 9 more IPs: the ENI takes the last address, the IPs fail.
    let i = inputs(
        vec![subnet("subnet-a", "10.0.0.0/24", "us-east-1a")],
        vec![group("m5.large", NodeCount::Share(1))],
        200,
    );
    let p = plan(&i, Catalog::embedded(), &opts()).expect("ok");
    let s = &p.subnets[0];
    assert_eq!(s.fails_at_pods, Some(217));
    assert_eq!(s.error.map(|e| e.kind), Some(FailureKind::SecondaryIp));
    assert_eq!(
        s.error.map(|e| e.ec2_code),
        Some("InsufficientFreeAddressesInSubnet")
    );
    assert_eq!(s.headroom_pods, Some(16));
    // 8 nodes at the target (200 pods / 27), 9 when it fails.
    assert_eq!(s.at_target.nodes, 8);
    assert_eq!(s.nodes_at_failure, Some(9));
    assert_eq!(s.headroom_nodes, Some(0));
    assert!(p.cluster.meets_target);
    assert_eq!(p.cluster.fails_at_pods, Some(217));
    // Secondary mode: the bounds coincide.
    assert_eq!(p.cluster.fails_at_pods_best, Some(217));
    assert_eq!(p.cluster.fails_at_pods_worst, Some(217));
}

fn story() -> eksplane_ipplan::PlanInputs {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let subnets = zones
        .iter()
        .enumerate()
        .map(|(k, z)| subnet(&format!("subnet-{k}"), &format!("10.0.{k}.0/24"), z))
        .collect();
    let mut i = inputs(subnets, vec![group("m5.large", NodeCount::Share(1))], 300);
    i.cni = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    for k in 0..3 {
        i.in_use.push(in_use(
            &format!("subnet-{k}"),
            &fragmented_ips(&format!("10.0.{k}.0/24"), 100),
            &[],
        ));
    }
    i
}

#[test]
fn fragmented_slash_24s_fail_with_insufficient_cidr_blocks() {
    let p = plan(&story(), Catalog::embedded(), &opts()).expect("ok");
    for s in &p.subnets {
        assert_eq!(s.counts.free_addresses, 151);
        assert_eq!(s.counts.free_prefixes, 0);
        assert_eq!(s.error.map(|e| e.kind), Some(FailureKind::Prefix));
        assert_eq!(s.error.map(|e| e.ec2_code), Some("InsufficientCidrBlocks"));
    }
    // The first node's first prefix already fails.
    assert_eq!(p.cluster.fails_at_pods, Some(1));
    assert!(!p.cluster.meets_target);
    assert_eq!(p.cluster.headroom_pods, Some(-300));
    let json = serde_json::to_value(&p).expect("ok");
    let s0 = &json["subnets"][0];
    for key in [
        "subnet_id",
        "cidr",
        "zone",
        "free_addresses",
        "free_prefixes",
        "usable",
        "taken",
        "reserved",
        "fails_at_pods",
        "headroom_pods",
        "error",
        "blocks",
    ] {
        assert!(s0.get(key).is_some(), "{key} missing");
    }
    assert_eq!(s0["cidr"], "10.0.0.0/24");
    assert_eq!(s0["free_prefixes"], 0);
    assert_eq!(s0["blocks"][0]["state"], "aws_reserved");
}

#[test]
fn remedies_for_the_story_are_computed() {
    let p = plan(&story(), Catalog::embedded(), &opts()).expect("ok");
    let find = |f: &dyn Fn(&RemedyKind) -> bool| {
        p.remedies
            .iter()
            .find(|r| f(&r.kind))
            .expect("remedy present")
    };
    let cidr = find(&|k| matches!(k, RemedyKind::SecondaryCidr { .. }));
    let o = cidr.outcome.as_ref().expect("evaluated");
    assert!(o.meets_target, "{cidr:?}");
    if let RemedyKind::SecondaryCidr {
        cidr, pod_subnets, ..
    } = &cidr.kind
    {
        assert_eq!(cidr.to_string(), "100.64.0.0/16");
        assert_eq!(pod_subnets.len(), 3);
        assert_eq!(pod_subnets[0].cidr.to_string(), "100.64.0.0/18");
    }
    let pd = find(&|k| matches!(k, RemedyKind::PrefixDelegation { enable: false }));
    let o = pd.outcome.as_ref().expect("evaluated");
    // Secondary IPs fit in the 453 free addresses: 3 x 151.
    assert!(o.meets_target, "{pd:?}");
    assert!(o.fails_at_pods.is_some_and(|f| f > 300));
    // No wholly free /28 exists: nothing to reserve.
    assert!(
        !p.remedies
            .iter()
            .any(|r| matches!(r.kind, RemedyKind::PrefixReservations { .. }))
    );
    let larger = find(&|k| matches!(k, RemedyKind::LargerSubnets { .. }));
    assert!(
        larger.outcome.as_ref().is_some_and(|o| o.meets_target),
        "{larger:?}"
    );
}

#[test]
fn prefix_reservations_protect_space_from_fragmentation() {
    // A clean /22 in prefix mode with a heavy secondary-IP neighbour: node IPs
    // and ENI IPs scatter; reservations keep blocks for prefixes.
    let mut i = inputs(
        vec![subnet("subnet-a", "10.0.0.0/22", "us-east-1a")],
        vec![group("m5.large", NodeCount::Share(1))],
        400,
    );
    i.cni = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    let p = plan(&i, Catalog::embedded(), &opts()).expect("ok");
    let r = p
        .remedies
        .iter()
        .find(|r| matches!(r.kind, RemedyKind::PrefixReservations { .. }))
        .expect("reservations proposed");
    let o = r.outcome.as_ref().expect("evaluated");
    let base = p.cluster.fails_at_pods.expect("fails");
    assert!(
        o.fails_at_pods.is_some_and(|f| f >= base),
        "{r:?} vs {base}"
    );
    if let RemedyKind::PrefixReservations { reservations } = &r.kind {
        assert!(!reservations.is_empty());
        assert!(reservations.iter().all(|x| x.cidr.prefix_len() <= 28));
    }
    // The bounds bracket the model.
    let c = &p.cluster;
    assert!(
        c.fails_at_pods_worst <= c.fails_at_pods && c.fails_at_pods <= c.fails_at_pods_best,
        "{c:?}"
    );
}

#[test]
fn custom_networking_puts_pods_in_the_pod_subnet() {
    let mut i = inputs(
        vec![
            subnet("subnet-node", "10.0.0.0/24", "us-east-1a"),
            subnet("subnet-pod", "10.0.16.0/20", "us-east-1a"),
        ],
        vec![group("m5.large", NodeCount::Share(1))],
        100,
    );
    i.cni.custom_networking = true;
    i.pod_subnets
        .insert("us-east-1a".to_string(), vec!["subnet-pod".to_string()]);
    let p = plan(&i, Catalog::embedded(), &opts()).expect("ok");
    let node = &p.subnets[0];
    let pod = &p.subnets[1];
    assert_eq!(node.role, SubnetRole::Node);
    assert_eq!(pod.role, SubnetRole::Pod);
    // m5.large with custom networking: 2 pod ENIs x 9 = 18 pods per node.
    assert_eq!(p.groups[0].pods_per_node, 18);
    assert_eq!(node.at_target.singles, node.at_target.nodes);
    assert_eq!(pod.at_target.pods, 100);
    assert!(pod.at_target.singles > 100);
    // The node subnet runs out of node IPs (251 nodes) long after the pod
    // subnet runs out of pod IPs.
    assert!(pod.fails_at_pods < node.fails_at_pods);
}

#[test]
fn custom_networking_without_eniconfig_is_an_error() {
    let mut i = inputs(
        vec![subnet("subnet-node", "10.0.0.0/24", "us-east-1a")],
        vec![group("m5.large", NodeCount::Share(1))],
        10,
    );
    i.cni.custom_networking = true;
    let e = plan(&i, Catalog::embedded(), &opts()).expect_err("an error");
    assert!(matches!(e, PlanError::NoPodSubnet { .. }), "{e}");
}

#[test]
fn nodes_spread_evenly_over_zones() {
    let subnets = ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(k, z)| {
            subnet(
                &format!("subnet-{z}"),
                &format!("10.0.{}.0/22", k * 4),
                &format!("us-east-1{z}"),
            )
        })
        .collect();
    let i = inputs(
        subnets,
        vec![group("m5.large", NodeCount::Share(1))],
        27 * 9,
    );
    let p = plan(&i, Catalog::embedded(), &opts()).expect("ok");
    let nodes: Vec<u32> = p.zones.iter().map(|z| z.nodes_at_target).collect();
    assert_eq!(nodes, vec![3, 3, 3]);
    assert_eq!(p.cluster.nodes_at_target, 9);
    assert_eq!(p.groups[0].nodes_at_target, 9);
}

#[test]
fn fixed_groups_bound_capacity_and_take_pods_first() {
    let mut fixed = group("m5.large", NodeCount::Fixed(2));
    fixed.pods_per_node = Some(10);
    let i = inputs(
        vec![subnet("subnet-a", "10.0.0.0/22", "us-east-1a")],
        vec![fixed],
        50,
    );
    let p = plan(&i, Catalog::embedded(), &opts()).expect("ok");
    assert_eq!(p.cluster.capacity_pods, Some(20));
    assert!(!p.cluster.target_reached);
    assert!(!p.cluster.meets_target);
    assert_eq!(p.cluster.fails_at_pods, None);
}

#[test]
fn plans_are_deterministic_and_seeded() {
    let a = plan(&story(), Catalog::embedded(), &opts()).expect("ok");
    let b = plan(&story(), Catalog::embedded(), &opts()).expect("ok");
    assert_eq!(a, b);
}

#[test]
fn unknown_instance_type_is_an_error() {
    let i = inputs(
        vec![subnet("subnet-a", "10.0.0.0/24", "us-east-1a")],
        vec![group("m5.nonesuch", NodeCount::Share(1))],
        10,
    );
    let e = plan(&i, Catalog::embedded(), &opts()).expect_err("an error");
    assert_eq!(
        e.to_string(),
        "instance type m5.nonesuch is not in the catalog"
    );
}
