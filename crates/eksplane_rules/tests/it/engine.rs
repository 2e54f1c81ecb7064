//! Suppression (annotations, `.eksplane.yaml`) and severity overrides.

use crate::{check_with, lines, only};

fn pool(name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: {name}
{annotations}spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
"
    )
}

#[test]
fn annotation_suppresses_and_is_reported() {
    let text = pool(
        "batch",
        "  annotations:\n    eksplane.io/ignore: kar001, ING001\n",
    );
    let (l, r) = check_with(&[("np.yaml", &text)], None);
    let out = lines(&l, &r);
    // KAR001 is suppressed; ING001 matches nothing on this object, which is
    // itself reported so stale suppressions do not pile up.
    assert!(only(&out, "KAR001").is_empty(), "{out}");
    assert_eq!(only(&out, "CFG001").len(), 1, "{out}");
    assert_eq!(r.suppressed.len(), 1);
    assert_eq!(l.db.display(r.suppressed[0].by), "np.yaml:6:25");
}

#[test]
fn annotation_with_unknown_rule_is_a_config_error() {
    let text = pool(
        "batch",
        "  annotations:\n    eksplane.io/ignore: KAR001,NOPE42\n",
    );
    let (l, r) = check_with(&[("np.yaml", &text)], None);
    let out = lines(&l, &r);
    assert_eq!(only(&out, "CFG002").len(), 1, "{out}");
    assert!(out.contains("NOPE42"), "{out}");
}

#[test]
fn config_ignores_by_object_and_reports_unused_entries() {
    let a = pool("batch", "");
    let b = pool("gpu", "");
    let cfg = "ignore:
  - rule: KAR001
    object: NodePool/batch
    reason: capped by an SCP
  - rule: ING001
    reason: nothing matches this
";
    let (l, r) = check_with(&[("a.yaml", &a), ("b.yaml", &b)], Some(cfg));
    let out = lines(&l, &r);
    insta::assert_snapshot!(out);
    assert_eq!(only(&out, "KAR001").len(), 1, "gpu still fires: {out}");
    assert_eq!(only(&out, "CFG001").len(), 1, "unused ING001 ignore: {out}");
    assert_eq!(r.suppressed[0].reason, "capped by an SCP");
}

#[test]
fn config_ignores_by_path_prefix() {
    let a = pool("batch", "");
    let cfg = "ignore:\n  - rule: KAR001\n    path: legacy/\n";
    let (l, r) = check_with(&[("legacy/a.yaml", &a)], Some(cfg));
    assert!(r.findings.is_empty(), "{}", lines(&l, &r));
}

#[test]
fn severity_overrides_raise_lower_and_turn_off() {
    let a = pool("batch", "");
    let (_, r) = check_with(&[("a.yaml", &a)], Some("severity:\n  KAR001: error\n"));
    assert_eq!(
        r.findings[0].severity,
        eksplane_diagnostics::Severity::Error
    );
    let (l, r) = check_with(&[("a.yaml", &a)], Some("severity:\n  KAR001: off\n"));
    assert!(r.findings.is_empty(), "{}", lines(&l, &r));
}

#[test]
fn bad_config_values_point_into_the_config() {
    let a = pool("batch", "");
    let cfg = "severity:\n  KAR001: loud\n  XYZ123: error\n";
    let (l, r) = check_with(&[("a.yaml", &a)], Some(cfg));
    let out = lines(&l, &r);
    let errs = only(&out, "CFG002");
    assert_eq!(errs.len(), 2, "{out}");
    assert!(
        errs.iter().any(|e| e.contains(".eksplane.yaml:2:11")),
        "{out}"
    );
    assert!(
        errs.iter().any(|e| e.contains(".eksplane.yaml:3:11")),
        "{out}"
    );
}

#[test]
fn malformed_config_is_an_error_not_a_panic() {
    let a = pool("batch", "");
    let (l, r) = check_with(&[("a.yaml", &a)], Some("ignore: [\n"));
    let out = lines(&l, &r);
    assert!(out.lines().any(|x| x.contains(".eksplane.yaml")), "{out}");
    let (l, r) = check_with(&[("a.yaml", &a)], Some("ignores: []\n"));
    let out = lines(&l, &r);
    assert!(out.contains("ignores"), "{out}");
}
