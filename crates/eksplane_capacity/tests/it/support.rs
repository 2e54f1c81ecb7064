use eksplane_aws_data::{
    Catalog, FactSource, Hypervisor, InstanceType, NetworkCard, NetworkFacts, Trunking,
};

pub fn catalog_type(name: &str) -> &'static InstanceType {
    Catalog::embedded()
        .get(name)
        .unwrap_or_else(|| panic!("{name} is in the embedded catalog"))
}

/// A synthetic instance type.
pub fn synth(enis: u32, ipv4: u32, vcpus: u32, hypervisor: Hypervisor) -> InstanceType {
    InstanceType {
        name: format!("syn{enis}.x{ipv4}v{vcpus}"),
        source: FactSource::DescribeInstanceTypes,
        compute_source: Some(FactSource::DescribeInstanceTypes),
        vcpus: Some(vcpus),
        memory_mib: Some(u64::from(vcpus) * 4096),
        architectures: vec!["x86_64".into()],
        cpu_manufacturer: None,
        hypervisor,
        bare_metal: hypervisor == Hypervisor::None,
        current_generation: Some(true),
        usage_classes: vec!["on-demand".into()],
        network: NetworkFacts {
            cards: vec![NetworkCard {
                index: 0,
                max_enis: enis,
            }],
            default_card_index: 0,
            max_enis: enis,
            ipv4_per_eni: ipv4,
            ipv6_per_eni: None,
            efa_supported: false,
            max_efa_interfaces: None,
            encryption_in_transit: None,
            baseline_bandwidth_mbps: None,
        },
        gpus: vec![],
        accelerators: vec![],
        instance_storage_gb: None,
        local_nvme: false,
        on_demand_price_usd: None,
        trunking: Some(Trunking {
            trunking_compatible: true,
            branch_enis: 9,
        }),
    }
}
