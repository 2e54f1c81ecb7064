use crate::{check_lines as check, only};

fn pool(name: &str, limits: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: {name}
spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: [spot]
{limits}"
    )
}

#[test]
fn node_pool_without_limits_fires() {
    let text = pool("batch", "");
    let out = check(&[("nodepool.yaml", &text)]);
    insta::assert_snapshot!(out);
    assert_eq!(only(&out, "KAR001").len(), 1);
}

#[test]
fn empty_limits_also_fire() {
    let text = pool("batch", "  limits: {}\n");
    let out = check(&[("nodepool.yaml", &text)]);
    assert_eq!(only(&out, "KAR001").len(), 1, "{out}");
}

#[test]
fn node_pool_with_limits_is_clean() {
    let text = pool(
        "default",
        "  limits:\n    cpu: \"1000\"\n    memory: 4000Gi\n",
    );
    let out = check(&[("nodepool.yaml", &text)]);
    assert!(only(&out, "KAR001").is_empty(), "{out}");
}
