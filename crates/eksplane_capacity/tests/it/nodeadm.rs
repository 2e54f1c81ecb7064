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
