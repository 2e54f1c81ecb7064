use crate::{check_lines as check, only};

fn ingress(ns: &str, name: &str, annotations: &str, class: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
{annotations}spec:
  ingressClassName: {class}
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: {name}, port: {{number: 80}}}}}}
"
    )
}

const CLASS: &str = "apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
spec:
  controller: ingress.k8s.aws/alb
";

#[test]
fn several_ungrouped_albs_fire_once_each() {
    let a = ingress("shop", "cart", "", "alb");
    let b = ingress("shop", "search", "", "alb");
    let c = ingress(
        "web",
        "home",
        "    alb.ingress.kubernetes.io/group.name: public\n",
        "alb",
    );
    let out = check(&[
        ("class.yaml", CLASS),
        ("a.yaml", &a),
        ("b.yaml", &b),
        ("c.yaml", &c),
    ]);
    insta::assert_snapshot!(out);
    assert_eq!(only(&out, "ING001").len(), 2);
}

#[test]
fn one_alb_or_all_grouped_is_clean() {
    let a = ingress("shop", "cart", "", "alb");
    assert!(only(&check(&[("class.yaml", CLASS), ("a.yaml", &a)]), "ING001").is_empty());
    let g = "    alb.ingress.kubernetes.io/group.name: public\n";
    let a = ingress("shop", "cart", g, "alb");
    let b = ingress("shop", "search", g, "alb");
    let out = check(&[("class.yaml", CLASS), ("a.yaml", &a), ("b.yaml", &b)]);
    assert!(only(&out, "ING001").is_empty(), "{out}");
}

#[test]
fn other_controllers_are_not_albs() {
    let a = ingress("shop", "cart", "", "nginx");
    let b = ingress("shop", "search", "", "nginx");
    let out = check(&[("class.yaml", CLASS), ("a.yaml", &a), ("b.yaml", &b)]);
    assert!(only(&out, "ING001").is_empty(), "{out}");
}

/// An ungrouped Ingress alone in its scheme, next to a group of the other
/// scheme, needs its own ALB: nothing to save, no finding (the EKS workshop's
/// rendered ingress module has this shape).
#[test]
fn an_ungrouped_alb_alone_in_its_scheme_is_clean() {
    let a = ingress("shop", "cart", "", "alb").replace(
        "alb.ingress.kubernetes.io/scheme: internet-facing",
        "alb.ingress.kubernetes.io/scheme: internal",
    );
    let g = ingress(
        "web",
        "home",
        "    alb.ingress.kubernetes.io/group.name: public\n",
        "alb",
    );
    let out = check(&[("class.yaml", CLASS), ("a.yaml", &a), ("g.yaml", &g)]);
    assert!(only(&out, "ING001").is_empty(), "{out}");
    // The same Ingress internet-facing can join the public group: 1 ALB saved.
    let a = ingress("shop", "cart", "", "alb");
    let out = check(&[("class.yaml", CLASS), ("a.yaml", &a), ("g.yaml", &g)]);
    let f = only(&out, "ING001");
    assert_eq!(f.len(), 1, "{out}");
    assert!(f[0].contains("would remove 1 ALB,"), "{out}");
}
