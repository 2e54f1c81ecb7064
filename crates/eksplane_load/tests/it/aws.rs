//! AWS CLI JSON snapshots: every supported output recognised by content, with
//! positions. Uses the bundled example's real-shaped snapshots.

use crate::lines;
use eksplane_load::{Input, LoadOptions, load as load_inputs};
use std::path::PathBuf;

fn aws_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/platform-prod/aws"
    ))
}

#[test]
fn every_aws_output_of_the_example_loads_with_positions() {
    let l = load_inputs(&[Input::Path(aws_dir())], LoadOptions::default());
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.stats.unrecognised, 0);
    let aws = &l.platform.aws;
    let counts: std::collections::BTreeMap<_, _> = aws.counts().into_iter().collect();
    assert_eq!(counts["describe-cluster"], 1);
    assert_eq!(counts["list-access-entries"], 4);
    assert_eq!(counts["describe-access-entry"], 4);
    assert_eq!(counts["list-associated-access-policies"], 3);
    assert_eq!(counts["list-pod-identity-associations"], 5);
    assert_eq!(counts["describe-pod-identity-association"], 1);
    assert_eq!(counts["list-addons"], 5);
    assert_eq!(counts["describe-addon"], 2);
    assert_eq!(counts["describe-addon-versions"], 1);
    assert_eq!(counts["describe-subnets"], 6);
    assert_eq!(counts["describe-instance-types"], 3);
    assert_eq!(counts["get-role"], 2);

    let name_line = |span: eksplane_source::Span| {
        let d = l.db.display(span);
        let mut parts = d.rsplitn(3, ':');
        let _col = parts.next();
        let line = parts.next().unwrap_or("").to_string();
        let file = parts
            .next()
            .unwrap_or("")
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        (file, line)
    };

    let entry = aws
        .access_entry("arn:aws:iam::111122223333:role/platform-admins")
        .unwrap_or_else(|| panic!("access entry"));
    let arn = entry
        .principal_arn
        .as_ref()
        .unwrap_or_else(|| panic!("arn"));
    assert_eq!(
        name_line(arn.span),
        (
            "eks-describe-access-entry-platform-admins.json".into(),
            "4".into()
        )
    );
    let policies: Vec<_> = aws
        .access_policies_of("arn:aws:iam::111122223333:role/payments-developers")
        .collect();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        policies[0].value.policy_arn(),
        Some("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy")
    );
    assert_eq!(policies[0].span.start.line, 5);

    let subnet = aws
        .subnet("subnet-0b762511d2d4a9a09")
        .unwrap_or_else(|| panic!("subnet"));
    assert_eq!(subnet.value.id(), Some("subnet-0b762511d2d4a9a09"));
    assert!(subnet.span.start.line < 98 && subnet.span.end.line > 98);

    let it = aws
        .instance_types
        .iter()
        .find(|t| t.value.instance_type == "m6i.4xlarge")
        .unwrap_or_else(|| panic!("m6i.4xlarge"));
    assert_eq!(it.value.vcpus(), Some(16));
    assert!(it.span.start.line < 116 && it.span.end.line > 116);

    let pia = aws
        .pod_identity_association("payments", "checkout-sa")
        .unwrap_or_else(|| panic!("pod identity association"));
    assert_eq!(
        pia.value.role_arn(),
        Some("arn:aws:iam::111122223333:role/checkout-app")
    );
    assert_eq!(aws.pod_identity_association_count(), 5);
    assert_eq!(aws.access_entry_count(), 4);

    let addon = aws.addon("vpc-cni").unwrap_or_else(|| panic!("vpc-cni"));
    assert_eq!(addon.value.version(), Some("v1.19.2-eksbuild.1"));
    assert_eq!(
        addon.value.addon_name.as_ref().map(|n| name_line(n.span)),
        Some(("eks-describe-addon-vpc-cni.json".into(), "3".into()))
    );
    assert!(aws.addon_info("aws-ebs-csi-driver").is_some());
    assert_eq!(aws.addon_names.len(), 5);

    let role = aws.role("checkout-app").unwrap_or_else(|| panic!("role"));
    assert_eq!(role.value.name(), Some("checkout-app"));
    let c = aws.cluster().unwrap_or_else(|| panic!("cluster"));
    assert_eq!(c.value.name(), Some("platform-prod"));
    // describe-cluster also feeds the merged cluster view, with its region
    // taken from the cluster ARN.
    let region = l.platform.cluster.region.as_ref().map(|r| r.value.as_str());
    assert_eq!(region, Some("us-east-1"));
}

#[test]
fn list_addons_and_describe_addon_versions_share_a_key() {
    let l = crate::load(&[
        ("names.json", "{\"addons\": [\"vpc-cni\", \"coredns\"]}"),
        (
            "versions.json",
            "{\"addons\": [{\"addonName\": \"vpc-cni\", \"addonVersions\": []}]}",
        ),
        ("empty.json", "{\"addons\": []}"),
    ]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.platform.aws.addon_names.len(), 2);
    assert_eq!(l.platform.aws.addon_versions.len(), 1);
    assert_eq!(l.stats.unrecognised, 0);
}

#[test]
fn a_snapshot_of_the_wrong_shape_names_the_path() {
    let l = crate::load(&[(
        "cluster.json",
        "{\"cluster\": {\"name\": \"x\",\n \"resourcesVpcConfig\": {\"endpointPublicAccess\": \"maybe\"}}}",
    )]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(ls[0].starts_with("LOAD002 cluster.json:2:"), "{ls:?}");
    assert!(ls[0].contains("endpointPublicAccess"), "{ls:?}");
}

#[test]
fn unrecognised_json_is_counted_not_an_error() {
    let l = crate::load(&[("other.json", "{\"Reservations\": []}")]);
    assert!(l.findings.is_empty());
    assert_eq!(l.stats.unrecognised, 1);
}
