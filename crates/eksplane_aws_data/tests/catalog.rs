//! The embedded catalog and the import / export round trip.

use eksplane_aws_data::labels::*;
use eksplane_aws_data::{
    Catalog, CatalogError, FactSource, Hypervisor, embedded_prices, embedded_trunk_limits,
};

fn get(name: &str) -> &'static eksplane_aws_data::InstanceType {
    Catalog::embedded()
        .get(name)
        .unwrap_or_else(|| panic!("{name} is in the embedded catalog"))
}

#[test]
fn embedded_data_parses() {
    let c = Catalog::embedded();
    assert!(c.len() > 1400, "{} types", c.len());
    assert!(embedded_prices().len() > 1300);
    assert!(embedded_trunk_limits().len() > 1400);
    assert!(c.iter().any(|t| t.source == FactSource::VpcLimits));
    // Sorted by name, every name unique.
    assert!(c.types().windows(2).all(|w| w[0].name < w[1].name));
}

#[test]
fn m6i_4xlarge_facts() {
    let t = get("m6i.4xlarge");
    assert_eq!(t.vcpus, Some(16));
    assert_eq!(t.memory_mib, Some(65536));
    assert_eq!(t.architectures, ["x86_64"]);
    assert_eq!(t.hypervisor, Hypervisor::Nitro);
    assert!(!t.bare_metal);
    assert_eq!(t.network.default_card_max_enis(), 8);
    assert_eq!(t.network.ipv4_per_eni, 30);
    assert_eq!(t.network.ipv6_per_eni, Some(30));
    assert!(t.supports_on_demand() && t.supports_spot());
    // us-east-1 price from karpenter-provider-aws zz_generated.pricing_aws.go.
    assert_eq!(t.on_demand_price_usd, Some(0.768));
    let trunk = t.trunking.unwrap_or_else(|| panic!("trunk limits merged"));
    assert!(trunk.trunking_compatible);
    assert_eq!(trunk.branch_enis, 54);
}

#[test]
fn multi_card_and_gpu_types() {
    let t = get("p5.48xlarge");
    assert_eq!(t.network.cards.len(), 32);
    assert_eq!(t.network.max_enis, 64);
    assert_eq!(t.network.default_card_max_enis(), 2);
    assert_eq!(t.efa_interfaces(), Some(32));
    assert_eq!(t.gpu_count(), 8);
    assert_eq!(t.karpenter_label(LABEL_GPU_NAME).as_deref(), Some("h100"));
    assert_eq!(
        t.karpenter_label(LABEL_GPU_MANUFACTURER).as_deref(),
        Some("nvidia")
    );
    assert_eq!(t.karpenter_label(LABEL_GPU_COUNT).as_deref(), Some("8"));
    assert_eq!(
        t.karpenter_label(LABEL_GPU_MEMORY).as_deref(),
        Some("81920")
    );
    assert_eq!(
        t.karpenter_label(LABEL_LOCAL_NVME).as_deref(),
        Some("30400")
    );
    assert_eq!(
        t.karpenter_label(LABEL_NETWORK_BANDWIDTH).as_deref(),
        Some("3200000")
    );
}

#[test]
fn karpenter_labels_of_named_examples() {
    let flex = get("c7i-flex.large");
    assert_eq!(flex.karpenter_label(LABEL_CATEGORY).as_deref(), Some("c"));
    assert_eq!(
        flex.karpenter_label(LABEL_FAMILY).as_deref(),
        Some("c7i-flex")
    );
    assert_eq!(flex.karpenter_label(LABEL_GENERATION).as_deref(), Some("7"));
    assert_eq!(flex.karpenter_label(LABEL_SIZE).as_deref(), Some("large"));
    assert_eq!(
        flex.karpenter_label(LABEL_CAPABILITY_FLEX).as_deref(),
        Some("true")
    );
    assert_eq!(
        flex.karpenter_label(LABEL_HYPERVISOR).as_deref(),
        Some("nitro")
    );

    let metal = get("m7i.metal-24xl");
    assert_eq!(
        metal.karpenter_label(LABEL_SIZE).as_deref(),
        Some("metal-24xl")
    );
    assert_eq!(metal.karpenter_label(LABEL_HYPERVISOR).as_deref(), Some(""));
    assert_eq!(
        metal.karpenter_label(LABEL_CAPABILITY_FLEX).as_deref(),
        Some("false")
    );
    assert!(metal.bare_metal);

    let mac = get("mac2-m2pro.metal");
    assert_eq!(mac.karpenter_label(LABEL_CATEGORY).as_deref(), Some("mac"));
    assert_eq!(mac.karpenter_label(LABEL_GENERATION).as_deref(), Some("2"));

    let trn = get("trn1n.32xlarge");
    assert_eq!(trn.karpenter_label(LABEL_CATEGORY).as_deref(), Some("trn"));
    assert_eq!(
        trn.karpenter_label(LABEL_ACCELERATOR_MANUFACTURER)
            .as_deref(),
        Some("aws")
    );

    let g6e = get("g6e.xlarge");
    assert_eq!(g6e.karpenter_label(LABEL_GPU_NAME).as_deref(), Some("l40s"));
    assert_eq!(g6e.karpenter_label(LABEL_CPU).as_deref(), Some("4"));
    assert_eq!(g6e.karpenter_label(LABEL_MEMORY).as_deref(), Some("32768"));

    let p5en = get("p5en.48xlarge");
    assert_eq!(p5en.karpenter_label(LABEL_GENERATION).as_deref(), Some("5"));
    assert_eq!(p5en.karpenter_label(LABEL_FAMILY).as_deref(), Some("p5en"));

    // `u-6tb1.metal` is not in the moto snapshot; the name still parses.
    let u = name_parts("u-6tb1.metal");
    assert_eq!((u.category, u.generation), (Some("u"), Some("1")));
}

#[test]
fn vpc_limits_only_types_keep_network_facts() {
    let t = get("c7g-flex.large");
    assert_eq!(t.source, FactSource::VpcLimits);
    assert_eq!(t.vcpus, None);
    assert_eq!(t.network.default_card_max_enis(), 3);
    assert_eq!(t.network.ipv4_per_eni, 10);
}

#[test]
fn catalog_text_round_trips() {
    let c = Catalog::embedded();
    let header = vec!["test".to_string(), "two\nlines".to_string()];
    let text = c.to_catalog_text(&header);
    let back = Catalog::from_catalog_text(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&back, c);
    assert_eq!(back.to_catalog_text(&header), text);
    let any = Catalog::from_any_text(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(any.len(), c.len());
}

#[test]
fn describe_json_import_merges_prices_and_trunks() {
    let json = r#"{"InstanceTypes": [{"InstanceType": "m6i.4xlarge", "Hypervisor": "nitro",
        "VCpuInfo": {"DefaultVCpus": 16}, "MemoryInfo": {"SizeInMiB": 65536},
        "NetworkInfo": {"MaximumNetworkInterfaces": 8, "DefaultNetworkCardIndex": 0,
          "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 8}],
          "Ipv4AddressesPerInterface": 30}}, {"InstanceType": "zz9.large", "Hypervisor": "nitro",
        "NetworkInfo": {"MaximumNetworkInterfaces": 3, "Ipv4AddressesPerInterface": 10}}], "NextToken": null}"#;
    let c = Catalog::from_describe_instance_types_json(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.len(), 2);
    let m = c.get("m6i.4xlarge").unwrap_or_else(|| panic!("imported"));
    assert_eq!(m.on_demand_price_usd, Some(0.768));
    assert!(m.trunking.is_some());
    let z = c.get("zz9.large").unwrap_or_else(|| panic!("imported"));
    assert_eq!(z.on_demand_price_usd, None);
    assert_eq!(z.trunking, None);
    // A user's catalog can be written and read back.
    let text = c.to_catalog_text(&[]);
    assert_eq!(Catalog::from_catalog_text(&text).ok(), Some(c));
}

#[test]
fn hostile_inputs_are_errors() {
    for bad in [
        "",
        "null",
        "{\"InstanceTypes\": {}}",
        "[[]]",
        "\u{0}",
        "#eksplane-catalog v1\nx\ty",
    ] {
        let r = Catalog::from_any_text(bad);
        assert!(r.is_err(), "{bad:?} was accepted");
    }
    let e = Catalog::from_describe_instance_types_json(
        "[{\"InstanceType\": \"a b.large\", \"NetworkInfo\": {}}]",
    );
    assert!(matches!(e, Err(CatalogError::InvalidValue { .. })));
}
