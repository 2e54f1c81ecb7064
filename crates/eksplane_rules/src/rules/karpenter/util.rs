//! Karpenter helpers for rules: requirement places and YAML. Scheduling
//! predicates live in `eksplane_facts::scheduling`.

pub use eksplane_facts::scheduling::*;
use eksplane_model::karpenter::{NodePool, Operator, Requirement};

/// The requirements on `key` whose operator is `In` with exactly one value.
pub fn single_value<'a>(
    np: &'a NodePool,
    key: &str,
) -> Option<&'a eksplane_source::Spanned<Requirement>> {
    np.spec.template.spec.requirements.iter().find(|r| {
        r.value.key == key && r.value.operator == Operator::In && r.value.values.len() == 1
    })
}

/// The place of the first requirement on `key` matching `pred`: its
/// `values` line when it has one, else the requirement itself.
pub fn requirement_span(
    np: &NodePool,
    key: &str,
    pred: impl Fn(&Requirement) -> bool,
) -> Option<eksplane_source::Span> {
    use eksplane_source::PathSeg::{Index, Key};
    let (i, r) = np
        .spec
        .template
        .spec
        .requirements
        .iter()
        .enumerate()
        .find(|(_, r)| r.value.key == key && pred(&r.value))?;
    let base = [
        Key("spec"),
        Key("template"),
        Key("spec"),
        Key("requirements"),
        Index(i),
    ];
    Some(if r.value.values.is_empty() {
        np.origin.locate_path(&base)
    } else {
        let mut path = base.to_vec();
        path.push(Key("values"));
        np.origin.locate_path(&path)
    })
}

/// A Requirement rendered as a YAML list item (for fix snippets).
pub fn requirement_yaml(r: &Requirement, indent: &str) -> String {
    let op = match r.operator {
        Operator::In => "In",
        Operator::NotIn => "NotIn",
        Operator::Exists => "Exists",
        Operator::DoesNotExist => "DoesNotExist",
        Operator::Gt => "Gt",
        Operator::Lt => "Lt",
        Operator::Gte => "Gte",
        Operator::Lte => "Lte",
    };
    let mut s = format!("{indent}- key: {}\n{indent}  operator: {op}\n", r.key);
    if !r.values.is_empty() {
        let vals: Vec<String> = r.values.iter().map(|v| format!("\"{v}\"")).collect();
        s.push_str(&format!("{indent}  values: [{}]\n", vals.join(", ")));
    }
    if let Some(m) = r.min_values {
        s.push_str(&format!("{indent}  minValues: {m}\n"));
    }
    s
}

/// A label value as a YAML scalar: quoted when YAML would read it as
/// something other than the same string.
pub fn yaml_scalar(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && v.parse::<f64>().is_err()
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
        );
    if plain {
        v.to_string()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;
    use eksplane_model::Platform;

    fn platform(yaml: &str) -> Platform {
        let l = load_texts([("t.yaml", yaml)]);
        assert!(
            l.findings.is_empty(),
            "input errors: {:?}",
            l.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        l.platform
    }

    const POOLS: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    metadata:
      labels: {workload-tier: general}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
        - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ['5']}
        - {key: team, operator: Exists}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: batch}
spec:
  template:
    metadata:
      labels: {workload-type: batch}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      taints:
        - {key: workload-type, value: batch, effect: NoSchedule}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: open}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
";

    fn pod(spec: &str) -> String {
        format!(
            "{POOLS}---
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: default}}
spec:
{spec}  containers: [{{name: c, image: busybox}}]
"
        )
    }

    fn landing(spec: &str) -> Vec<(String, Vec<&'static str>)> {
        let p = platform(&pod(spec));
        let w = &p.workloads[0];
        p.node_pools
            .iter()
            .filter(|np| can_land(&w.template, np))
            .map(|np| {
                (
                    np.metadata.name.value.clone(),
                    capacity_types_for(&w.template, np),
                )
            })
            .collect()
    }

    fn names<'a>(v: &'a [(String, Vec<&'static str>)]) -> Vec<&'a str> {
        v.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn plain_pod_lands_on_untainted_pools_with_both_capacity_types() {
        let l = landing("");
        assert_eq!(names(&l), ["default", "open"]);
        assert_eq!(l[0].1, [SPOT, ON_DEMAND]);
        // No capacity-type requirement: on-demand, the AWS provider's default
        // (karpenter-provider-aws instance.go getCapacityType).
        assert_eq!(l[1].1, [ON_DEMAND]);
    }

    #[test]
    fn taint_needs_a_toleration() {
        let l = landing(
            "  nodeSelector: {workload-type: batch}
  tolerations: [{key: workload-type, operator: Equal, value: batch, effect: NoSchedule}]
",
        );
        assert_eq!(names(&l), ["batch"]);
        assert_eq!(l[0].1, [SPOT]);
        // Wrong value: not tolerated.
        let l = landing(
            "  tolerations: [{key: workload-type, operator: Equal, value: stateful, effect: NoSchedule}]
",
        );
        assert_eq!(names(&l), ["default", "open"]);
        // Exists with no key tolerates everything.
        let l = landing("  tolerations: [{operator: Exists}]\n");
        assert_eq!(names(&l), ["default", "batch", "open"]);
    }

    #[test]
    fn node_selector_on_custom_label_needs_the_pool_to_define_it() {
        assert_eq!(
            names(&landing("  nodeSelector: {workload-tier: general}\n")),
            ["default"]
        );
        assert!(landing("  nodeSelector: {workload-tier: batch}\n").is_empty());
        // Defined by an Exists requirement: any value works.
        assert_eq!(
            names(&landing("  nodeSelector: {team: payments}\n")),
            ["default"]
        );
        // A managed node group label: no Karpenter pool.
        assert!(
            landing(
                "  nodeSelector: {role: system}
  tolerations: [{key: CriticalAddonsOnly, operator: Exists, effect: NoSchedule}]
"
            )
            .is_empty()
        );
    }

    #[test]
    fn well_known_labels_are_open_unless_constrained() {
        assert_eq!(
            names(&landing(
                "  nodeSelector: {topology.kubernetes.io/zone: us-east-1a}\n"
            )),
            ["default", "open"]
        );
        assert_eq!(
            names(&landing("  nodeSelector: {karpenter.sh/nodepool: open}\n")),
            ["open"]
        );
        // Generation Gt 5 excludes an In [4] request.
        let l = landing(
            "  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: karpenter.k8s.aws/instance-generation, operator: In, values: ['4']}
",
        );
        assert_eq!(names(&l), ["open"]);
    }

    #[test]
    fn on_demand_selector_removes_spot() {
        let l = landing("  nodeSelector: {karpenter.sh/capacity-type: on-demand}\n");
        assert_eq!(names(&l), ["default", "open"]);
        assert_eq!(l[0].1, [ON_DEMAND]);
        assert_eq!(l[1].1, [ON_DEMAND]);
    }

    #[test]
    fn affinity_terms_are_ored_and_expressions_anded() {
        let l = landing(
            "  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: karpenter.sh/capacity-type, operator: NotIn, values: [spot]}
              - {key: workload-tier, operator: In, values: [general]}
          - matchExpressions:
              - {key: karpenter.sh/nodepool, operator: In, values: [open]}
",
        );
        assert_eq!(names(&l), ["default", "open"]);
        assert_eq!(l[0].1, [ON_DEMAND]);
        assert_eq!(l[1].1, [ON_DEMAND]);
        // DoesNotExist on a label the pool sets: excluded.
        let l = landing(
            "  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: workload-tier, operator: DoesNotExist}
",
        );
        assert_eq!(names(&l), ["open"]);
    }

    #[test]
    fn pool_capacity_types_follow_requirements() {
        let p = platform(POOLS);
        let got: Vec<Vec<&str>> = p.node_pools.iter().map(pool_capacity_types).collect();
        assert_eq!(got, [vec![SPOT, ON_DEMAND], vec![SPOT], vec![ON_DEMAND]]);
    }

    #[test]
    fn yaml_scalars_are_quoted_when_needed() {
        assert_eq!(yaml_scalar("storefront"), "storefront");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("1.2"), "\"1.2\"");
        assert_eq!(yaml_scalar("a b"), "\"a b\"");
    }
}
