use crate::support::{catalog_type, synth};
use eksplane_aws_data::Hypervisor;
use eksplane_capacity::karpenter::{MIB, eni_limited_pods, kube_reserved_cpu_millis};
use eksplane_capacity::{
    AmiFamily, CapacityError, EvictionThreshold, KarpenterInputs, PodsSource, karpenter_view,
};

fn view(name: &str, inputs: &KarpenterInputs) -> eksplane_capacity::KarpenterView {
    karpenter_view(catalog_type(name), inputs).unwrap_or_else(|e| panic!("{e}"))
}

/// The worked example.
#[test]
fn m6i_4xlarge_worked_example() {
    for family in [AmiFamily::Al2, AmiFamily::Al2023] {
        let v = view("m6i.4xlarge", &KarpenterInputs::new(family));
        assert_eq!(v.pods, 234);
        assert_eq!(v.pods_source, PodsSource::EniLimited);
        assert_eq!(v.kube_reserved_cpu_millis, 110);
        assert_eq!(v.kube_reserved_memory_mib(), 2829);
        assert_eq!(v.vm_overhead_mib, 4916);
        assert_eq!(v.capacity_memory_mib(), 60620);
        assert_eq!(v.allocatable_memory_bytes, 57691 * MIB);
        assert_eq!(v.allocatable_cpu_millis, 16000 - 110);
    }
}

#[test]
fn c7g_medium_is_8_pods() {
    let v = view("c7g.medium", &KarpenterInputs::new(AmiFamily::Al2023));
    assert_eq!(v.pods, 8);
    // arm64: 64 MiB of Graviton CMA off before the overhead.
    assert_eq!(v.graviton_cma_mib, 64);
    assert_eq!(v.vm_overhead_mib, 149);
    assert_eq!(v.capacity_memory_mib(), 2048 - 64 - 149);
}

/// On AL2/AL2023 kube-reserved comes from the ENI-limited count even when
/// maxPods is set; on Bottlerocket from pods().
#[test]
fn max_pods_and_kube_reserved_by_family() {
    let mut i = KarpenterInputs::new(AmiFamily::Al2023);
    i.kubelet.max_pods = Some(110);
    let v = view("m6i.4xlarge", &i);
    assert_eq!((v.pods, v.kube_reserved_pods), (110, 234));
    assert_eq!(v.kube_reserved_memory_mib(), 2829);
    i.ami_family = AmiFamily::Bottlerocket;
    let v = view("m6i.4xlarge", &i);
    assert_eq!((v.pods, v.kube_reserved_pods), (110, 110));
    assert_eq!(v.kube_reserved_memory_mib(), 11 * 110 + 255);
    let v = view("m6i.4xlarge", &KarpenterInputs::new(AmiFamily::Windows));
    assert_eq!((v.pods, v.pods_source), (110, PodsSource::Default110));
}

#[test]
fn reserved_enis_efa_only_and_pods_per_core() {
    let mut i = KarpenterInputs::new(AmiFamily::Al2023);
    i.settings.reserved_enis = 1;
    let v = view("m6i.4xlarge", &i);
    assert_eq!(v.pods, 7 * 29 + 2);
    // RESERVED_ENIS does not change kube-reserved (ENILimitedPods(ctx, info, 0)).
    assert_eq!(v.kube_reserved_pods, 234);
    i.efa_only_interfaces = 1;
    assert_eq!(view("m6i.4xlarge", &i).pods, 6 * 29 + 2);
    let mut i = KarpenterInputs::new(AmiFamily::Al2);
    i.kubelet.pods_per_core = Some(4);
    let v = view("m6i.4xlarge", &i);
    assert_eq!((v.pods, v.pods_per_core_limit), (64, Some(64)));
    i.ami_family = AmiFamily::Bottlerocket;
    assert_eq!(
        view("m6i.4xlarge", &i).pods,
        234,
        "podsPerCore disabled on Bottlerocket"
    );
    assert_eq!(
        eni_limited_pods(&synth(1, 10, 2, Hypervisor::Nitro), 1, 0),
        0
    );
}

#[test]
fn overrides_replace_computed_reservations() {
    let mut i = KarpenterInputs::new(AmiFamily::Al2023);
    i.kubelet.kube_reserved_memory_bytes = Some(1024 * MIB);
    i.kubelet.system_reserved_memory_bytes = Some(100 * MIB);
    i.kubelet.eviction_hard_memory = Some(EvictionThreshold::Bytes(500 * MIB));
    let v = view("m6i.4xlarge", &i);
    assert_eq!(v.allocatable_memory_bytes, (60620 - 1024 - 100 - 500) * MIB);
    i.kubelet.eviction_hard_memory = Some(EvictionThreshold::Percent(100.0));
    assert_eq!(
        view("m6i.4xlarge", &i).eviction_memory_bytes,
        0,
        "100% disables"
    );
    i.kubelet.eviction_hard_memory = Some(EvictionThreshold::Percent(5.0));
    let v = view("m6i.4xlarge", &i);
    assert_eq!(
        v.eviction_memory_bytes,
        (60620.0 * MIB as f64 / 100.0 * 5.0).ceil() as u64
    );
}

#[test]
fn cpu_bands() {
    assert_eq!(kube_reserved_cpu_millis(1000), 60);
    assert_eq!(kube_reserved_cpu_millis(2000), 70);
    assert_eq!(kube_reserved_cpu_millis(4000), 80);
    assert_eq!(kube_reserved_cpu_millis(16000), 110);
    assert_eq!(kube_reserved_cpu_millis(500), 30);
}

#[test]
fn types_without_vcpus_are_an_error() {
    let e = karpenter_view(
        catalog_type("c7g-flex.large"),
        &KarpenterInputs::new(AmiFamily::Al2023),
    );
    assert!(matches!(
        e,
        Err(CapacityError::MissingFact { fact: "vCPUs", .. })
    ));
}

#[test]
fn explanation_cites_karpenter() {
    let i = KarpenterInputs::new(AmiFamily::Al2023);
    let v = view("m6i.4xlarge", &i);
    let steps = v.explain(&i);
    assert!(
        steps
            .iter()
            .all(|s| s.source.contains("karpenter-provider-aws"))
    );
    assert!(
        steps
            .iter()
            .any(|s| s.computation.contains("11 x 234 + 255 = 2829"))
    );
}
