use crate::util::*;
use eksplane_ipplan::{BlockState, PlanError, ReservationKind, SubnetSpace, build_spaces};

#[test]
fn aws_reserves_first_four_and_last() {
    let s = space("10.0.0.0/24");
    let c = s.counts();
    assert_eq!((c.size, c.usable, c.reserved), (256, 251, 5));
    for off in [0, 1, 2, 3, 255] {
        assert!(s.is_aws_reserved(off), "{off}");
    }
    for off in [4, 15, 16, 254] {
        assert!(!s.is_aws_reserved(off), "{off}");
    }
    // First and last /28 hold reserved addresses: 14 of 16 blocks are free.
    assert_eq!(c.free_addresses, 251);
    assert_eq!(c.free_prefixes, 14);
    assert_eq!(s.block_state(0), BlockState::AwsReserved);
    assert_eq!(s.block_state(15), BlockState::AwsReserved);
    assert_eq!(s.block_state(1), BlockState::Free);
}

#[test]
fn a_slash_28_has_eleven_addresses_and_no_prefix() {
    let c = space("10.0.0.16/28").counts();
    assert_eq!((c.usable, c.free_addresses, c.free_prefixes), (11, 11, 0));
}

#[test]
fn a_slash_16_counts_exactly() {
    let c = space("10.1.0.0/16").counts();
    assert_eq!((c.size, c.usable, c.free_prefixes), (65_536, 65_531, 4_094));
}

#[test]
fn subnet_sizes_outside_16_to_28_are_rejected() {
    for cidr in ["10.0.0.0/29", "10.0.0.0/15"] {
        let e = SubnetSpace::new(&subnet("subnet-a", cidr, "az")).expect_err("an error");
        assert!(matches!(e, PlanError::SubnetSize { .. }), "{e}");
        assert!(e.to_string().contains("subnet-a (az)"), "{e}");
    }
    let e = SubnetSpace::new(&subnet("subnet-a", "10.0.0.5/24", "az")).expect_err("an error");
    assert!(matches!(e, PlanError::NotCanonical { .. }), "{e}");
}

#[test]
fn taken_addresses_and_prefixes() {
    let mut s = space("10.0.0.0/24");
    s.add_in_use(&in_use(
        "subnet-a",
        &[ip("10.0.0.4"), ip("10.0.0.20"), ip("10.0.0.21")],
        &["10.0.0.32/28"],
    ))
    .expect("ok");
    let c = s.counts();
    assert_eq!(c.taken, 3 + 16);
    assert_eq!(c.free_addresses, 251 - 19);
    assert_eq!(c.assigned_prefixes, 1);
    assert_eq!(c.free_prefixes, 14 - 2);
    assert_eq!(s.block_state(1), BlockState::Partial { taken: 2 });
    assert_eq!(s.block_state(2), BlockState::AssignedPrefix);
}

#[test]
fn prefixes_must_be_aligned_slash_28_inside_the_subnet() {
    let mut s = space("10.0.0.0/24");
    let e = s
        .add_in_use(&in_use("subnet-a", &[], &["10.0.0.8/28"]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::PrefixNotAligned { .. }), "{e}");
    assert!(e.to_string().contains("10.0.0.0/28"), "{e}");
    let e = s
        .add_in_use(&in_use("subnet-a", &[], &["10.0.0.16/29"]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::PrefixNotSlash28 { .. }), "{e}");
    let e = s
        .add_in_use(&in_use("subnet-a", &[], &["10.0.1.16/28"]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::PrefixOutsideSubnet { .. }), "{e}");
    let e = s
        .add_in_use(&in_use("subnet-a", &[], &["10.0.0.0/28"]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::PrefixAwsReserved { .. }), "{e}");
}

#[test]
fn in_use_addresses_outside_or_reserved_are_rejected() {
    let mut s = space("10.0.0.0/24");
    let e = s
        .add_in_use(&in_use("subnet-a", &[ip("10.0.1.4")], &[]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::AddressOutsideSubnet { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("subnet-a (us-east-1a): in-use address 10.0.1.4"),
        "{e}"
    );
    let e = s
        .add_in_use(&in_use("subnet-a", &[ip("10.0.0.255")], &[]))
        .expect_err("an error");
    assert!(matches!(e, PlanError::AddressAwsReserved { .. }), "{e}");
}

#[test]
fn reservations_explicit_and_prefix() {
    let mut s = space("10.0.0.0/24");
    s.add_reservation(&reservation(
        "subnet-a",
        "10.0.0.64/26",
        ReservationKind::Prefix,
    ))
    .expect("ok");
    s.add_reservation(&reservation(
        "subnet-a",
        "10.0.0.128/27",
        ReservationKind::Explicit,
    ))
    .expect("ok");
    s.add_reservation(&reservation(
        "subnet-a",
        "10.0.0.16/30",
        ReservationKind::Explicit,
    ))
    .expect("ok");
    let c = s.counts();
    assert_eq!(c.reserved_prefix, 64);
    assert_eq!(c.reserved_explicit, 32 + 4);
    // Explicit reservations are not free; prefix reservations are (for prefixes).
    assert_eq!(c.free_addresses, 251 - 36);
    assert_eq!(c.free_for_secondary, 251 - 36 - 64);
    // 14 free blocks, less 2 explicit /28s and the one the /30 touches.
    assert_eq!(c.free_prefixes, 11);
    assert_eq!(c.free_prefixes_reserved, 4);
    assert_eq!(s.block_state(4), BlockState::ReservedPrefix);
    assert_eq!(s.block_state(8), BlockState::ReservedExplicit);
    assert_eq!(s.block_state(1), BlockState::ReservedExplicit);
    let e = s
        .add_reservation(&reservation(
            "subnet-a",
            "10.0.0.64/28",
            ReservationKind::Explicit,
        ))
        .expect_err("an error");
    assert!(
        matches!(e, PlanError::OverlappingReservations { .. }),
        "{e}"
    );
    let e = s
        .add_reservation(&reservation(
            "subnet-a",
            "10.0.1.0/28",
            ReservationKind::Prefix,
        ))
        .expect_err("an error");
    assert!(
        matches!(e, PlanError::ReservationOutsideSubnet { .. }),
        "{e}"
    );
}

/// The story: a /24 with about 60% of its addresses free and not one
/// wholly free /28.
#[test]
fn a_slash_24_sixty_percent_free_with_zero_free_prefixes() {
    let mut s = space("10.0.0.0/24");
    s.add_in_use(&in_use(
        "subnet-a",
        &fragmented_ips("10.0.0.0/24", 100),
        &[],
    ))
    .expect("ok");
    let c = s.counts();
    assert_eq!(c.taken, 100);
    assert_eq!(c.free_addresses, 151);
    assert!(f64::from(c.free_addresses) / f64::from(c.usable) > 0.6);
    assert_eq!(c.free_prefixes, 0);
    assert!(s.free_prefix_blocks().is_empty());
    assert!(s.block_states().iter().all(|b| !b.prefix_possible()));
}

#[test]
fn validation_names_the_subnet() {
    let mut i = inputs(
        vec![
            subnet("subnet-a", "10.0.0.0/24", "us-east-1a"),
            subnet("subnet-b", "10.0.0.128/25", "us-east-1b"),
        ],
        vec![],
        0,
    );
    let e = build_spaces(&i).expect_err("an error");
    assert!(matches!(e, PlanError::OverlappingSubnets { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "subnet-a (us-east-1a) (10.0.0.0/24) and subnet-b (us-east-1b) (10.0.0.128/25) overlap; subnets in one VPC cannot overlap"
    );

    i.subnets[1] = subnet("subnet-b", "10.1.0.0/24", "us-east-1b");
    let e = build_spaces(&i).expect_err("an error");
    assert!(matches!(e, PlanError::SubnetOutsideVpc { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("outside vpc-1's CIDRs (10.0.0.0/16)"),
        "{e}"
    );

    i.subnets[1] = subnet("subnet-a", "10.0.1.0/24", "us-east-1b");
    assert!(matches!(
        build_spaces(&i),
        Err(PlanError::DuplicateSubnet { .. })
    ));

    i.subnets[1] = subnet("subnet-b", "10.0.1.0/24", "us-east-1b");
    i.subnets[1].vpc_id = Some("vpc-2".to_string());
    assert!(matches!(
        build_spaces(&i),
        Err(PlanError::UnknownVpc { .. })
    ));

    i.subnets[1].vpc_id = Some("vpc-1".to_string());
    i.in_use.push(in_use("subnet-z", &[], &[]));
    assert!(matches!(
        build_spaces(&i),
        Err(PlanError::UnknownSubnet { .. })
    ));
    i.in_use.clear();
    assert_eq!(build_spaces(&i).expect("ok").len(), 2);
}

#[test]
fn subnets_of_different_vpcs_may_overlap() {
    let mut i = inputs(
        vec![
            subnet("subnet-a", "10.0.0.0/24", "us-east-1a"),
            subnet("subnet-b", "10.0.0.0/24", "us-east-1a"),
        ],
        vec![],
        0,
    );
    i.subnets[1].vpc_id = Some("vpc-2".to_string());
    let mut v2 = vpc(&["10.0.0.0/16"]);
    v2.id = "vpc-2".to_string();
    i.vpcs.push(v2);
    assert!(build_spaces(&i).is_ok());
}
