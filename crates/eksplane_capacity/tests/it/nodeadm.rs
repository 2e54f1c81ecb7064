use crate::support::catalog_type;
use eksplane_capacity::{ExprError, Expression, nodeadm_max_pods};

fn expr(s: &str) -> Expression {
    Expression::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn default_is_per_ip_without_ceiling() {
    let r = nodeadm_max_pods(catalog_type("m6i.4xlarge"), None, None);
    assert_eq!(r.max_pods, 234);
    assert_eq!(r.kube_reserved_memory_mib, 2829);
    let r = nodeadm_max_pods(catalog_type("m6i.32xlarge"), None, None);
    assert_eq!(r.max_pods, 737, "no 250 ceiling");
}

#[test]
fn expression_and_precedence() {
    let t = catalog_type("c7g.medium");
    let e = expr("(default_enis * ((ips_per_eni - 1) * 16)) + 2");
    let r = nodeadm_max_pods(t, Some(&e), None);
    assert_eq!(r.max_pods, 98);
    assert_eq!(r.kube_reserved_memory_mib, 11 * 98 + 255);
    let r = nodeadm_max_pods(t, Some(&e), Some(20));
    assert_eq!(r.max_pods, 20, "kubelet maxPods wins");
    // ... but kube-reserved stays nodeadm's: computed from the expression's
    // result before the user's kubelet config is merged (config.go).
    assert_eq!(r.kube_reserved_memory_mib, 11 * 98 + 255);
    let r = nodeadm_max_pods(catalog_type("m6i.4xlarge"), None, Some(110));
    assert_eq!((r.max_pods, r.nodeadm_max_pods), (110, 234));
    assert_eq!(r.kube_reserved_memory_mib, 11 * 234 + 255);
    // A failing expression falls back to the standard value.
    let r = nodeadm_max_pods(t, Some(&expr("max_pods - 8")), None);
    assert_eq!(r.max_pods, 8);
    assert!(matches!(
        r.expression,
        Some((_, Err(ExprError::OutOfRange { value: 0 })))
    ));
    assert!(
        r.explain()
            .iter()
            .any(|s| s.rule.contains("falls back") || s.rule.contains("keeps the default"))
    );
}

#[test]
fn unknown_variables_are_named() {
    let e = Expression::parse("default_enis * pods_per_eni");
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("pods_per_eni") && msg.contains("ips_per_eni"),
        "{msg}"
    );
}

/// nodeadm declares `default_enis`, `ips_per_eni`, `max_pods` only
/// (eni_max_pods.go): `vcpus` is a compile error listing them.
#[test]
fn vcpus_is_not_a_nodeadm_variable() {
    let msg = Expression::parse("vcpus > 30 ? 250 : 110")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.contains("\"vcpus\"") && msg.contains("default_enis, ips_per_eni, max_pods"),
        "{msg}"
    );
}

/// nodeadm's default against its own cached table (awslabs/amazon-eks-ami
/// nodeadm/internal/kubelet/instance-info.jsonl; a copy in `../shared/data/`):
/// `defaultMaxENIs x (ipv4AddressesPerInterface - 1) + 2` for every type it lists.
#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test reports how many types it compared, or that it was skipped"
)]
fn default_equals_nodeadm_instance_info_for_every_type() {
    use eksplane_aws_data::Catalog;
    use eksplane_aws_data::sources::parse_instance_info_jsonl;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/amazon-eks-ami/instance-info.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let infos = parse_instance_info_jsonl(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut missing = Vec::new();
    let mut mismatches = Vec::new();
    for i in &infos {
        let Some(t) = Catalog::embedded().get(&i.instance_type) else {
            missing.push(i.instance_type.clone());
            continue;
        };
        let want = i.default_max_enis * (i.ipv4_addresses_per_interface - 1) + 2;
        let got = nodeadm_max_pods(t, None, None).standard;
        if got != want {
            mismatches.push(format!(
                "{}: nodeadm {want}, eksplane {got}",
                i.instance_type
            ));
        }
    }
    eprintln!(
        "instance-info.jsonl: {} types, {} not in the catalog: {missing:?}",
        infos.len(),
        missing.len()
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(missing.is_empty());
}
