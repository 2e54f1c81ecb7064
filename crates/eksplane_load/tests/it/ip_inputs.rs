//! Inputs of the IP space planner (issue 5): describe-network-interfaces,
//! get-subnet-cidr-reservations, describe-vpcs and the NetworkPlan kind, with
//! positions; a malformed CIDR in a plan is a positioned LOAD002.

use crate::{lines, load};
use eksplane_load::{Input, LoadOptions, load as load_inputs};
use eksplane_model::KubeObject;
use eksplane_model::plan::{ReservationType, SubnetRole};
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples")).join(name)
}

/// `file-name:line` of a span.
fn at(l: &eksplane_load::Loaded, span: eksplane_source::Span) -> String {
    let d = l.db.display(span);
    let mut parts = d.rsplitn(3, ':');
    let _col = parts.next();
    let line = parts.next().unwrap_or_default();
    let file = parts
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    format!("{file}:{line}")
}

#[test]
fn the_fixed_example_loads_every_new_shape_with_positions() {
    let l = load_inputs(
        &[Input::Path(example("ip-exhaustion-fixed"))],
        LoadOptions::default(),
    );
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.stats.unrecognised, 0);
    let aws = &l.platform.aws;
    let counts: std::collections::BTreeMap<_, _> = aws.counts().into_iter().collect();
    assert_eq!(counts["describe-network-interfaces"], 51);
    assert_eq!(counts["get-subnet-cidr-reservations"], 3);
    assert_eq!(counts["describe-vpcs"], 1);
    assert_eq!(counts["describe-subnets"], 9);
    let inv = l.platform.inventory();
    assert_eq!(inv.aws.get("describe-network-interfaces"), Some(&51));
    assert_eq!(inv.kubernetes.get("NetworkPlan"), Some(&1));

    let eni = aws
        .network_interfaces
        .iter()
        .find(|e| e.id() == Some("eni-002796247ddf46341"))
        .unwrap_or_else(|| panic!("eni"));
    assert_eq!(
        at(
            &l,
            eni.value
                .network_interface_id
                .as_ref()
                .map_or(eni.span, |i| i.span)
        ),
        "ec2-describe-network-interfaces.json:30"
    );
    let with_prefix = aws
        .network_interfaces
        .iter()
        .find(|e| e.id() == Some("eni-04ac3e609d6ab7d5e"))
        .unwrap_or_else(|| panic!("eni with a prefix"));
    let prefixes = with_prefix.ipv4_prefix_cidrs();
    assert_eq!(prefixes.len(), 1);
    assert_eq!(prefixes[0].value.to_string(), "10.60.1.96/28");
    assert_eq!(
        at(&l, prefixes[0].span),
        "ec2-describe-network-interfaces.json:1285"
    );
    assert_eq!(with_prefix.device_index(), Some(0));
    let in_b: usize = aws
        .network_interfaces_in("subnet-04b8e3d61a7f0c29e")
        .map(|e| e.ipv4_addresses().len() + 16 * e.ipv4_prefix_cidrs().len())
        .sum();
    assert_eq!(in_b, 150, "taken addresses in us-east-1b");

    let vpc = aws
        .vpc("vpc-0e4d7b2a9c61f3508")
        .unwrap_or_else(|| panic!("vpc"));
    let cidrs = vpc.ipv4_cidrs();
    assert_eq!(cidrs.len(), 2);
    assert_eq!(cidrs[1].value.to_string(), "100.64.0.0/16");
    assert_eq!(at(&l, cidrs[1].span), "ec2-describe-vpcs.json:17");

    let res: Vec<_> = aws
        .cidr_reservations_of("subnet-0b2e9f4c7a1d68053")
        .collect();
    assert_eq!(res.len(), 1);
    assert!(res[0].is_prefix());
    assert_eq!(
        res[0].ipv4_cidr().map(|c| c.to_string()).as_deref(),
        Some("100.64.32.0/19")
    );
    assert_eq!(
        res[0].cidr.as_ref().map(|c| at(&l, c.span)).as_deref(),
        Some("ec2-get-subnet-cidr-reservations.json:6")
    );

    let plan = &l.platform.network_plans[0];
    assert_eq!(plan.name(), "ip-demo");
    assert_eq!(at(&l, plan.origin().span), "network-plan.yaml:3");
    assert_eq!(plan.vpc_cidrs().len(), 2);
    assert_eq!(at(&l, plan.vpc_cidrs()[1].span), "network-plan.yaml:12");
    assert_eq!(plan.spec.subnets.len(), 9);
    assert_eq!(at(&l, plan.spec.subnets[0].span), "network-plan.yaml:14");
    let pods = plan
        .subnet("ip-demo-pods-us-east-1b")
        .unwrap_or_else(|| panic!("pod subnet"));
    assert_eq!(pods.value.role.value, SubnetRole::Pod);
    assert_eq!(pods.value.cidr.value.to_string(), "100.64.64.0/18");
    assert_eq!(
        at(&l, plan.spec.eni_configs["us-east-1b"].span),
        "network-plan.yaml:26"
    );
    let target = plan
        .spec
        .target
        .as_ref()
        .unwrap_or_else(|| panic!("target"));
    assert_eq!(target.value.pods.as_ref().map(|p| p.value), Some(2400));
    assert_eq!(
        target
            .value
            .pods
            .as_ref()
            .map(|p| at(&l, p.span))
            .as_deref(),
        Some("network-plan.yaml:31")
    );
    let r = &plan.spec.reservations[0];
    assert_eq!(r.value.reservation_type.value, ReservationType::Prefix);
    assert_eq!(at(&l, r.value.cidr.span), "network-plan.yaml:36");
}

#[test]
fn the_exhausted_example_loads_without_input_problems() {
    let l = load_inputs(
        &[Input::Path(example("ip-exhaustion"))],
        LoadOptions::default(),
    );
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.stats.unrecognised, 0);
    assert_eq!(l.platform.aws.network_interfaces.len(), 51);
    assert_eq!(l.platform.aws.vpcs.len(), 1);
    assert!(l.platform.aws.subnet_cidr_reservations.is_empty());
    assert!(l.platform.network_plans.is_empty());
}

const RESERVATIONS: &str = r#"{
    "SubnetIpv4CidrReservations": [
        {"SubnetCidrReservationId": "scr-01", "SubnetId": "subnet-0a", "Cidr": "10.0.0.0/26", "ReservationType": "prefix"}
    ],
    "SubnetIpv6CidrReservations": [
        {"SubnetCidrReservationId": "scr-02", "SubnetId": "subnet-0a", "Cidr": "2600:1f18::/80", "ReservationType": "explicit"}
    ]
}"#;

#[test]
fn cidr_reservations_are_read_once_whichever_key_comes_first() {
    let v6_first = r#"{"SubnetIpv6CidrReservations": [],
 "SubnetIpv4CidrReservations": [{"SubnetId": "subnet-0b", "Cidr": "10.0.1.0/28", "ReservationType": "prefix"}]}"#;
    let only_v6 = r#"{"SubnetIpv6CidrReservations": []}"#;
    let l = load(&[
        ("r.json", RESERVATIONS),
        ("v6.json", v6_first),
        ("empty.json", only_v6),
    ]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.stats.unrecognised, 0);
    let res = &l.platform.aws.subnet_cidr_reservations;
    assert_eq!(res.len(), 3);
    assert!(res[1].is_ipv6());
    assert_eq!(at(&l, res[1].span), "r.json:6");
    assert_eq!(res[2].subnet(), Some("subnet-0b"));
    assert_eq!(l.stats.objects, 3);
}

#[test]
fn new_aws_outputs_of_the_wrong_shape_name_the_path() {
    let l = load(&[
        (
            "enis.json",
            "{\"NetworkInterfaces\": [\n  {\"Attachment\": {\"DeviceIndex\": \"zero\"}}]}",
        ),
        ("vpcs.json", "{\"Vpcs\": {\"VpcId\": \"vpc-1\"}}"),
        (
            "res.json",
            "{\"SubnetIpv4CidrReservations\": [\n\n  {\"Tags\": 7}]}",
        ),
    ]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 3, "{ls:?}");
    assert!(ls[0].starts_with("LOAD002 enis.json:2:"), "{ls:?}");
    assert!(ls[0].contains("DeviceIndex"), "{ls:?}");
    // Sorted by file load order, then position.
    assert!(ls[1].starts_with("LOAD002 vpcs.json:1:10"), "{ls:?}");
    assert!(ls[1].contains("expected a sequence"), "{ls:?}");
    assert!(ls[2].starts_with("LOAD002 res.json:3:12"), "{ls:?}");
    assert!(ls[2].contains("Tags"), "{ls:?}");
}

const PLAN: &str = "apiVersion: eksplane.io/v1alpha1
kind: NetworkPlan
metadata:
  name: demo
spec:
  vpc:
    cidrs: [10.60.0.0/16]
  subnets:
    - name: nodes-a
      zone: us-east-1a
      cidr: 10.60.0.0/24
      role: node
";

#[test]
fn a_bad_cidr_in_a_network_plan_is_a_positioned_load002() {
    let bad = PLAN.replace("cidr: 10.60.0.0/24", "cidr: 10.60.0.300/24");
    let l = load(&[("plan.yaml", &bad), ("ok.yaml", PLAN)]);
    let ls = lines(&l);
    assert_eq!(
        ls,
        vec![
            "LOAD002 plan.yaml:11:13 NetworkPlan demo: spec.subnets[0].cidr: invalid IPv4 CIDR \"10.60.0.300/24\": \"10.60.0.300\" is not an IPv4 address"
        ]
    );
    assert!(l.has_input_errors());
    // The other file's plan still loads.
    assert_eq!(l.platform.network_plans.len(), 1);

    let host_bits = PLAN.replace("[10.60.0.0/16]", "[10.60.7.0/16]");
    let l = load(&[("plan.yaml", &host_bits)]);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 plan.yaml:7:13 NetworkPlan demo: spec.vpc.cidrs[0]: invalid IPv4 CIDR \"10.60.7.0/16\": host bits are set; the network is 10.60.0.0/16"
        ]
    );
}

#[test]
fn network_plan_problems_across_fields_are_positioned_and_the_plan_kept() {
    let text = format!(
        "{PLAN}  reservations:\n    - {{subnet: nodes-b, cidr: 10.60.1.0/28, type: prefix}}\n"
    );
    let l = load(&[("plan.yaml", &text)]);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 plan.yaml:14:16 NetworkPlan demo: reservation 10.60.1.0/28: no subnet named \"nodes-b\" in spec.subnets"
        ]
    );
    assert_eq!(l.platform.network_plans.len(), 1);
}

#[test]
fn other_versions_of_network_plan_stay_opaque() {
    let l = load(&[("plan.yaml", &PLAN.replace("v1alpha1", "v1beta9"))]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert!(l.platform.network_plans.is_empty());
    assert_eq!(l.platform.opaque.len(), 1);
}
