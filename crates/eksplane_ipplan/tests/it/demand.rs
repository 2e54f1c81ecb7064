use eksplane_aws_data::Catalog;
use eksplane_capacity::{CniOptions, cni_view};
use eksplane_ipplan::node_addresses;

fn view(name: &str, o: &CniOptions) -> eksplane_capacity::CniView {
    let t = Catalog::embedded().get(name).expect("type in catalog");
    cni_view(t, o)
}

#[test]
fn secondary_mode_warm_eni_target_1() {
    // m5.large: 3 ENIs x 10 IPv4 (9 pod IPs each).
    let o = CniOptions::default();
    let v = view("m5.large", &o);
    let a0 = node_addresses(&v, &o, 0);
    // One ENI with all its IPs: the node IP + 9 secondary IPs.
    assert_eq!((a0.extra_enis, a0.secondary_ips), (0, 9));
    assert_eq!(a0.node_subnet_singles(), 10);
    let a10 = node_addresses(&v, &o, 10);
    // ceil(10/9) + 1 = 3 ENIs, 27 IPs.
    assert_eq!((a10.extra_enis, a10.secondary_ips), (2, 27));
    assert_eq!(a10.node_subnet_singles(), 30);
    assert_eq!(a10.pod_subnet_singles(), 0);
}

#[test]
fn prefix_mode_and_warm_ip_target() {
    let o = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    let v = view("m5.large", &o);
    let a = node_addresses(&v, &o, 0);
    assert_eq!(
        (a.prefixes, a.secondary_ips, a.node_subnet_singles()),
        (1, 0, 1)
    );
    let a = node_addresses(&v, &o, 17);
    assert_eq!(a.prefixes, 2);
    let o1 = CniOptions {
        warm_prefix_target: Some(1),
        ..o
    };
    assert_eq!(node_addresses(&v, &o1, 16).prefixes, 2);
    let wip = CniOptions {
        warm_ip_target: Some(2),
        ..o
    };
    assert_eq!(node_addresses(&v, &wip, 14).prefixes, 1);
    assert_eq!(node_addresses(&v, &wip, 15).prefixes, 2);
}

#[test]
fn custom_networking_splits_node_and_pod_subnets() {
    let o = CniOptions {
        custom_networking: true,
        ..CniOptions::default()
    };
    let v = view("m5.large", &o);
    let a = node_addresses(&v, &o, 5);
    assert_eq!(a.node_subnet_singles(), 1);
    // Pod ENIs: ceil(5/9) + 1 = 2 (of the 2 left), 18 IPs, 2 ENI primaries.
    assert_eq!(a.pod_subnet_singles(), 20);
}
