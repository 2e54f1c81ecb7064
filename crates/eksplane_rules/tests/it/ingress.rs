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
