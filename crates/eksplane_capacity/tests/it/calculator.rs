use crate::support::{catalog_type, synth};
use eksplane_aws_data::Hypervisor;
use eksplane_capacity::{CniVersion, MaxPodsOptions, PrefixDelegation, max_pods};

const CNI: CniVersion = CniVersion::new(1, 19, 2);

#[test]
fn m6i_4xlarge_per_ip_and_prefix() {
    let t = catalog_type("m6i.4xlarge");
    let r = max_pods(t, &MaxPodsOptions::new(CNI));
    assert_eq!((r.max_allowed, r.max_pods), (234, 110));
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CNI)
    };
    let r = max_pods(t, &o);
    // 8 x ((30 - 1) x 16) + 2: what prefix delegation can back.
    assert_eq!(r.max_allowed, 3714);
    assert_eq!(r.max_pods, 110);
    assert_eq!(r.prefix_delegation, PrefixDelegation::Applied);
    let text: Vec<String> = r.explain().iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|s| s.contains("8 x ((30 - 1) x 16) + 2 = 3714")),
        "{text:#?}"
    );
    assert!(text.iter().all(|s| s.contains("amazon-eks-ami")));
}

#[test]
fn c7g_medium_with_prefix_delegation_is_98() {
    let t = catalog_type("c7g.medium");
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CNI)
    };
    let r = max_pods(t, &o);
    assert_eq!((r.max_allowed, r.max_pods), (98, 98));
    let r = max_pods(t, &MaxPodsOptions::new(CNI));
    assert_eq!((r.max_allowed, r.max_pods), (8, 8));
}

#[test]
fn prefix_delegation_needs_cni_1_9_and_nitro() {
    let t = catalog_type("m6i.4xlarge");
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CniVersion::new(1, 8, 0))
    };
    let r = max_pods(t, &o);
    assert_eq!(r.prefix_delegation, PrefixDelegation::CniTooOld);
    assert_eq!(r.max_allowed, 234);
    // Bare metal has no Hypervisor: the script's IS_NITRO is false.
    let metal = catalog_type("m5.metal");
    assert_eq!(metal.hypervisor, Hypervisor::None);
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CNI)
    };
    let r = max_pods(metal, &o);
    assert_eq!(r.prefix_delegation, PrefixDelegation::NotNitro);
    assert_eq!(r.max_allowed, 15 * 49 + 2);
    let xen = catalog_type("m4.large");
    assert_eq!(
        max_pods(xen, &o).prefix_delegation,
        PrefixDelegation::NotNitro
    );
}

#[test]
fn custom_networking_and_cni_max_eni() {
    let t = catalog_type("m6i.4xlarge");
    let o = MaxPodsOptions {
        custom_networking: true,
        ..MaxPodsOptions::new(CNI)
    };
    assert_eq!(max_pods(t, &o).max_allowed, 7 * 29 + 2);
    let o = MaxPodsOptions {
        cni_max_eni: Some(2),
        ..MaxPodsOptions::new(CNI)
    };
    assert_eq!(max_pods(t, &o).max_allowed, 2 * 29 + 2);
    let o = MaxPodsOptions {
        cni_max_eni: Some(0),
        custom_networking: true,
        ..MaxPodsOptions::new(CNI)
    };
    assert_eq!(max_pods(t, &o).max_allowed, 2, "saturates at 0 ENIs");
    let o = MaxPodsOptions {
        show_max_allowed: true,
        ..MaxPodsOptions::new(CNI)
    };
    assert_eq!(max_pods(t, &o).shown(), 234);
}

/// `if [ "$CPU_COUNT" -gt 30 ]`: 30 vCPUs get 110, 31 get 250.
#[test]
fn ceiling_boundary_at_30_vcpus() {
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CNI)
    };
    let at30 = max_pods(&synth(8, 30, 30, Hypervisor::Nitro), &o);
    assert_eq!((at30.ceiling, at30.max_pods), (Some(110), 110));
    let at31 = max_pods(&synth(8, 30, 31, Hypervisor::Nitro), &o);
    assert_eq!((at31.ceiling, at31.max_pods), (Some(250), 250));
    let at32 = max_pods(catalog_type("m6i.8xlarge"), &o);
    assert_eq!(at32.max_pods, 250);
}

#[test]
fn unknown_vcpus_assume_the_lower_ceiling() {
    let t = catalog_type("c7g-flex.large");
    assert_eq!(t.vcpus, None);
    let o = MaxPodsOptions {
        prefix_delegation: true,
        ..MaxPodsOptions::new(CNI)
    };
    let r = max_pods(t, &o);
    assert_eq!(r.ceiling, None);
    assert_eq!(r.max_pods, 110.min(r.max_allowed));
    assert!(
        r.explain()
            .last()
            .is_some_and(|s| s.computation.contains("unknown"))
    );
}

/// Issue 10: types no source gives vCPUs for (i3.metal) have no guessed
/// recommendation when the ceiling matters; small ones still have theirs.
#[test]
fn unknown_vcpus_leave_the_recommendation_unknown_when_the_ceiling_matters() {
    let o = MaxPodsOptions::new(CNI);
    let t = catalog_type("i3.metal");
    assert_eq!(t.vcpus, None);
    let r = max_pods(t, &o);
    assert_eq!((r.max_allowed, r.recommended()), (15 * 49 + 2, None));
    let r = max_pods(catalog_type("c7g-flex.medium"), &o);
    assert_eq!(r.recommended(), Some(8));
    // Karpenter's reference now gives c9g.16xlarge its 64 vCPUs: 250.
    assert_eq!(
        max_pods(catalog_type("c9g.16xlarge"), &o).recommended(),
        Some(250)
    );
}
