use crate::support::{catalog_type, synth};
use eksplane_aws_data::Hypervisor;
use eksplane_capacity::{
    CniOptions, CniVersion, IpMode, PrefixFallback, WarmRule, cni_view, warm_pool,
};

fn pool(name: &str, o: &CniOptions, pods: u32) -> (u32, u32, Option<u32>) {
    let v = cni_view(catalog_type(name), o);
    let w = warm_pool(&v, o, pods);
    (w.pod_enis_attached, w.allocated_ips, w.prefixes)
}

#[test]
fn physical_capacity_by_mode() {
    let t = catalog_type("m6i.4xlarge");
    let v = cni_view(t, &CniOptions::default());
    assert_eq!(
        (v.mode, v.pod_ips, v.max_pods),
        (IpMode::SecondaryIps, 232, 234)
    );
    let pd = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    let v = cni_view(t, &pd);
    assert_eq!(
        (v.mode, v.pod_ips, v.max_pods),
        (IpMode::Prefixes, 3712, 3714)
    );
    let cn = CniOptions {
        custom_networking: true,
        ..pd
    };
    assert_eq!(cni_view(t, &cn).pod_ips, 7 * 29 * 16);
    let sg = CniOptions {
        pod_eni: true,
        ..CniOptions::default()
    };
    let v = cni_view(t, &sg);
    assert_eq!((v.pod_enis, v.branch_eni_pods), (7, 54));
    let old = CniOptions {
        version: Some(CniVersion::new(1, 7, 5)),
        ..pd
    };
    assert_eq!(
        cni_view(t, &old).prefix_fallback,
        Some(PrefixFallback::CniTooOld(CniVersion::new(1, 7, 5)))
    );
}

/// The CNI (awsutils IsPrefixDelegationSupported) accepts bare metal; the
/// calculator script does not.
#[test]
fn bare_metal_gets_prefixes_xen_falls_back() {
    let pd = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    assert_eq!(
        cni_view(catalog_type("m5.metal"), &pd).mode,
        IpMode::Prefixes
    );
    let v = cni_view(catalog_type("m4.large"), &pd);
    assert_eq!(
        (v.mode, v.prefix_fallback),
        (IpMode::SecondaryIps, Some(PrefixFallback::NotNitro))
    );
    let v = cni_view(&synth(2, 2, 1, Hypervisor::Xen), &pd);
    assert_eq!(v.pod_ips, 2);
}

/// docs/eni-and-ip-target.md's example table.
#[test]
fn eni_and_ip_target_table() {
    let d = CniOptions::default();
    assert_eq!(pool("t3.small", &d, 0), (1, 3, None));
    assert_eq!(pool("t3.small", &d, 5), (3, 9, None));
    assert_eq!(pool("t3.small", &d, 9), (3, 9, None));
    let ip11 = CniOptions {
        warm_ip_target: Some(1),
        minimum_ip_target: Some(1),
        ..d
    };
    assert_eq!(pool("t3.small", &ip11, 0), (1, 1, None));
    assert_eq!(pool("t3.small", &ip11, 5), (2, 6, None));
    assert_eq!(pool("t3.small", &ip11, 9), (3, 9, None));
    let ip25 = CniOptions {
        warm_ip_target: Some(2),
        minimum_ip_target: Some(5),
        ..d
    };
    assert_eq!(pool("t3.small", &ip25, 0), (2, 5, None));
    assert_eq!(pool("t3.small", &ip25, 5), (3, 7, None));
    assert_eq!(pool("t3.small", &ip25, 9), (3, 9, None));
    assert_eq!(pool("p3dn.24xlarge", &d, 0), (1, 49, None));
    assert_eq!(pool("p3dn.24xlarge", &d, 3), (2, 98, None));
    assert_eq!(pool("p3dn.24xlarge", &d, 95), (3, 147, None));
    let ip510 = CniOptions {
        warm_ip_target: Some(5),
        minimum_ip_target: Some(10),
        ..d
    };
    assert_eq!(pool("p3dn.24xlarge", &ip510, 0), (1, 10, None));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 7), (1, 12, None));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 15), (1, 20, None));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 45), (2, 50, None));
}

/// docs/prefix-and-ip-target.md's example table (prefix counts; IPs = 16 each).
#[test]
fn prefix_and_ip_target_table() {
    let pd = CniOptions {
        prefix_delegation: true,
        warm_prefix_target: Some(1),
        ..CniOptions::default()
    };
    assert_eq!(pool("t3.small", &pd, 0), (1, 16, Some(1)));
    assert_eq!(pool("t3.small", &pd, 5), (1, 32, Some(2)));
    assert_eq!(pool("t3.small", &pd, 16), (1, 32, Some(2)));
    assert_eq!(pool("t3.small", &pd, 17), (1, 48, Some(3)));
    assert_eq!(pool("t3.small", &pd, 58), (2, 80, Some(5)));
    let ip11 = CniOptions {
        warm_ip_target: Some(1),
        minimum_ip_target: Some(1),
        ..pd
    };
    assert_eq!(pool("t3.small", &ip11, 0).2, Some(1));
    assert_eq!(pool("t3.small", &ip11, 5).2, Some(1));
    assert_eq!(pool("t3.small", &ip11, 17).2, Some(2));
    assert_eq!(pool("t3.small", &ip11, 58), (2, 64, Some(4)));
    // "MINIMUM_IP_TARGET of 20 is 32 IPs".
    let ip720 = CniOptions {
        warm_ip_target: Some(7),
        minimum_ip_target: Some(20),
        ..pd
    };
    assert_eq!(pool("t3.small", &ip720, 0).2, Some(2));
    assert_eq!(pool("t3.small", &ip720, 5).2, Some(2));
    assert_eq!(pool("t3.small", &ip720, 17).2, Some(2));
    assert_eq!(pool("t3.small", &ip720, 58).2, Some(5));
    assert_eq!(pool("p3dn.24xlarge", &pd, 0).2, Some(1));
    assert_eq!(pool("p3dn.24xlarge", &pd, 3).2, Some(2));
    assert_eq!(pool("p3dn.24xlarge", &pd, 95).2, Some(7));
    let ip510 = CniOptions {
        warm_ip_target: Some(5),
        minimum_ip_target: Some(10),
        ..pd
    };
    assert_eq!(pool("p3dn.24xlarge", &ip510, 0).2, Some(1));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 7).2, Some(1));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 15).2, Some(2));
    assert_eq!(pool("p3dn.24xlarge", &ip510, 45).2, Some(4));
}

#[test]
fn warm_rule_precedence_and_overflow_pods() {
    let pd = CniOptions {
        prefix_delegation: true,
        warm_prefix_target: Some(1),
        warm_ip_target: Some(3),
        ..CniOptions::default()
    };
    let v = cni_view(catalog_type("t3.small"), &pd);
    let w = warm_pool(&v, &pd, 500);
    assert_eq!(
        w.rule,
        WarmRule::IpTargets {
            warm_ip: 3,
            minimum_ip: 0
        }
    );
    assert_eq!(w.pods_without_ip, 500 - 144);
    assert_eq!(w.allocated_ips, 144);
    let none = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    let w = warm_pool(&cni_view(catalog_type("t3.small"), &none), &none, 16);
    assert_eq!(
        (w.rule, w.prefixes),
        (WarmRule::WarmPrefixTarget(0), Some(2))
    );
}

/// ipamd `hasRoomForEni` since v1.20.4: the trunk slot is held only on
/// trunking-compatible types (m4.large is not: 20 pods, not 11).
#[test]
fn pod_eni_holds_the_trunk_slot_only_where_trunking_works_since_1_20_4() {
    let t = catalog_type("m4.large");
    assert_eq!(t.trunking.map(|tr| tr.trunking_compatible), Some(false));
    let sg = |v: CniVersion| CniOptions {
        pod_eni: true,
        version: Some(v),
        ..CniOptions::default()
    };
    let v = cni_view(t, &sg(CniVersion::new(1, 20, 4)));
    assert_eq!((v.trunk_slot, v.max_pods), (false, 20));
    let v = cni_view(t, &sg(CniVersion::new(1, 20, 3)));
    assert_eq!((v.trunk_slot, v.max_pods), (true, 11));
    // Unknown version: the current release's behaviour.
    let unknown = CniOptions {
        pod_eni: true,
        ..CniOptions::default()
    };
    assert_eq!(cni_view(t, &unknown).max_pods, 20);
    // A trunking-compatible type keeps the slot in every version.
    let m6i = catalog_type("m6i.4xlarge");
    assert_eq!(cni_view(m6i, &sg(CniVersion::new(1, 23, 0))).pod_enis, 7);
}

/// ipamd `isDatastorePoolTooLow`: the pool stops at the node's max pods.
#[test]
fn warm_pool_stops_at_max_pods() {
    let o = CniOptions {
        prefix_delegation: true,
        warm_prefix_target: Some(1),
        ..CniOptions::default()
    };
    let v = cni_view(catalog_type("m6i.4xlarge"), &o);
    assert_eq!(warm_pool(&v, &o, 110).prefixes, Some(8), "uncapped view");
    let v = v.with_node_max_pods(110);
    let w = warm_pool(&v, &o, 110);
    assert_eq!((w.prefixes, w.allocated_ips), (Some(7), 112));
    // Fewer pods: the warm prefix is still added below max pods.
    assert_eq!(warm_pool(&v, &o, 20).prefixes, Some(3));
}

/// The managed add-on ships WARM_PREFIX_TARGET=1 and WARM_ENI_TARGET=1
/// (charts/aws-vpc-cni/values.yaml); ipamd's code default for prefixes is 0.
#[test]
fn managed_addon_defaults() {
    let a = CniOptions::managed_addon_defaults();
    assert_eq!((a.warm_eni_target, a.warm_prefix_target), (1, Some(1)));
    assert_eq!(CniOptions::default().warm_prefix_target, None);
    let auto = CniOptions::auto_mode();
    assert!(auto.prefix_delegation && !auto.custom_networking && !auto.pod_eni);
}

/// Windows: primary ENI only, IPv4 per ENI - 1 (m5.large 9, m5.4xlarge 29),
/// whatever the Linux aws-node settings say.
#[test]
fn windows_primary_eni_only() {
    use eksplane_capacity::{NodeOs, cni_view_for};
    let pd = CniOptions {
        prefix_delegation: true,
        custom_networking: true,
        pod_eni: true,
        ..CniOptions::default()
    };
    for (name, pods) in [("m5.large", 9), ("m5.4xlarge", 29)] {
        let v = cni_view_for(catalog_type(name), &pd, NodeOs::Windows);
        assert_eq!(
            (v.mode, v.pod_enis, v.max_pods),
            (IpMode::SecondaryIps, 1, pods)
        );
        assert!(!v.explain().is_empty());
    }
}

/// EKS Auto Mode: prefix delegation always, no aws-node settings.
#[test]
fn auto_mode_uses_prefixes() {
    use eksplane_capacity::auto_mode_view;
    let v = auto_mode_view(catalog_type("m6i.4xlarge"));
    assert_eq!(
        (v.cni.mode, v.cni.max_pods, v.attainable),
        (IpMode::Prefixes, 3714, 110)
    );
    let v = auto_mode_view(catalog_type("m4.large"));
    assert_eq!(v.cni.prefix_fallback, Some(PrefixFallback::NotNitro));
    assert_eq!(v.attainable, 20);
}
