use super::util::{
    CAPACITY_TYPE, INSTANCE_CATEGORY, INSTANCE_FAMILY, INSTANCE_GENERATION, INSTANCE_SIZE,
    INSTANCE_TYPE, SPOT, pool_capacity_types, requirement_span, single_value,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix, Severity};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::karpenter::NodePool;
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a NodePool whose requirements leave Karpenter a single instance
    /// type or a single family:
    /// - `node.kubernetes.io/instance-type` `In` one value;
    /// - `karpenter.k8s.aws/instance-family` `In` one value;
    /// - `karpenter.k8s.aws/instance-category`, `instance-generation` and
    ///   `instance-size` each `In` one value (for example `m`, `6`, `large`:
    ///   the handful of `m6*.large` variants).
    ///
    /// Findings are warnings when the pool allows Spot (explicitly, or by
    /// having no `karpenter.sh/capacity-type` requirement) and info for
    /// on-demand-only pools, where a pinned type (a GPU pool, a licensed
    /// workload) is often deliberate.
    ///
    /// ## Why it matters
    /// Karpenter picks the cheapest type that fits the pending pods and, with
    /// Spot, lets EC2 Fleet's price-capacity-optimized strategy choose among
    /// many Spot pools. With one type it cannot right-size nodes, consolidation
    /// cannot replace a node with a smaller one, every node comes from the same
    /// few Spot pools (interrupted together, and insufficient-capacity errors
    /// leave pods pending), and Spot-to-Spot consolidation needs at least 15
    /// candidate types. AWS's Karpenter best practices: avoid overly
    /// constraining instance types, especially when using Spot; EC2's Spot
    /// guidance is to be flexible across at least 10 instance types.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   - key: node.kubernetes.io/instance-type
    ///     operator: In
    ///     values: ["m5.xlarge"]
    ///   - key: karpenter.sh/capacity-type
    ///     operator: In
    ///     values: ["spot"]
    /// ```
    ///
    /// ## Fix
    /// Constrain only what the workload needs (arch, a category, a minimum
    /// generation) and let Karpenter choose the type; `minValues` keeps a
    /// floor on the diversity:
    /// ```yaml
    /// requirements:
    ///   - key: karpenter.k8s.aws/instance-category
    ///     operator: In
    ///     values: ["c", "m", "r"]
    ///   - key: karpenter.k8s.aws/instance-generation
    ///     operator: Gt
    ///     values: ["5"]
    ///   - key: karpenter.k8s.aws/instance-family
    ///     operator: Exists
    ///     minValues: 5
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html
    /// - https://karpenter.sh/docs/concepts/nodepools/#instance-types
    /// - https://karpenter.sh/docs/concepts/disruption/#spot-consolidation
    /// - https://aws.amazon.com/blogs/compute/applying-spot-to-spot-consolidation-best-practices-with-karpenter/
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html
    pub RULE = ("KAR005", "node-pool-too-narrow", Warning, "NodePool allows a single instance type or family", Some(check));
}

/// What pins the pool, where, and the family it stays in (for the fix).
fn narrowing(np: &NodePool) -> Option<(Span, String, Option<String>)> {
    if let Some(r) = single_value(np, INSTANCE_TYPE) {
        let t = r.value.values.first().cloned().unwrap_or_default();
        let family = t.split('.').next().map(str::to_string);
        let span = requirement_span(np, INSTANCE_TYPE, |x| x == &r.value).unwrap_or(r.span);
        return Some((span, format!("one instance type ({t})"), family));
    }
    if let Some(r) = single_value(np, INSTANCE_FAMILY) {
        let fam = r.value.values.first().cloned().unwrap_or_default();
        let span = requirement_span(np, INSTANCE_FAMILY, |x| x == &r.value).unwrap_or(r.span);
        return Some((
            span,
            format!("one instance family ({fam}), only its sizes"),
            Some(fam),
        ));
    }
    let cat = single_value(np, INSTANCE_CATEGORY)?;
    let gen_ = single_value(np, INSTANCE_GENERATION)?;
    let size = single_value(np, INSTANCE_SIZE)?;
    let v = |r: &eksplane_source::Spanned<eksplane_model::karpenter::Requirement>| {
        r.value.values.first().cloned().unwrap_or_default()
    };
    let (c, g, s) = (v(cat), v(gen_), v(size));
    Some((
        requirement_span(np, INSTANCE_SIZE, |x| x == &size.value).unwrap_or(size.span),
        format!("one category, generation and size ({c}, {g}, {s}: only the {c}{g}*.{s} variants)"),
        Some(format!("{c}{g}")),
    ))
}

/// `m6i` -> (`m`, 6).
fn category_generation(family: &str) -> Option<(String, u32)> {
    let cat: String = family
        .chars()
        .take_while(|c| c.is_ascii_lowercase())
        .collect();
    let digits: String = family[cat.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if cat.is_empty() {
        return None;
    }
    Some((cat, digits.parse().ok()?))
}

fn fix_snippet(family: Option<&str>) -> String {
    let (cats, gen_floor) = match family.and_then(category_generation) {
        Some((c, g)) if g > 1 => (format!("\"{c}\""), g - 1),
        _ => ("\"c\", \"m\", \"r\"".to_string(), 5),
    };
    format!(
        "requirements:\n  - key: karpenter.k8s.aws/instance-category\n    operator: In\n    values: [{cats}]\n  - key: karpenter.k8s.aws/instance-generation\n    operator: Gt\n    values: [\"{gen_floor}\"]\n  - key: karpenter.k8s.aws/instance-family\n    operator: Exists\n    minValues: 3\n"
    )
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for np in &p.node_pools {
        let Some((span, what, family)) = narrowing(np) else {
            continue;
        };
        let spot = pool_capacity_types(np).contains(&SPOT);
        let why = if spot {
            "with Spot allowed, every node comes from the same few Spot pools (interrupted together, \
             insufficient capacity leaves pods pending), Spot-to-Spot consolidation (which needs 15 \
             candidate types) cannot replace its nodes, and consolidation cannot move pods to a smaller type"
        } else {
            "Karpenter cannot right-size nodes to the pending pods, consolidation cannot replace a node \
             with a smaller type, and an insufficient-capacity error for that type leaves pods pending"
        };
        let mut f = RULE
            .finding(format!("NodePool {} allows {what}: {why}", np.name()), span)
            .object(np.object_ref().to_string());
        if !spot {
            f.severity = Severity::Info;
        }
        if spot {
            let (s, msg) = match requirement_span(np, CAPACITY_TYPE, |_| true) {
                Some(s) => (s, format!("NodePool {} allows Spot here", np.name())),
                None => (
                    np.origin
                        .locate_key(&["spec", "template", "spec"], "requirements"),
                    format!(
                        "NodePool {} has no capacity-type requirement, so Spot is allowed",
                        np.name()
                    ),
                ),
            };
            f = f.related(s, msg);
        }
        f = f.fix(
            Fix::new(format!(
                "replace the pin with a category and a minimum generation so Karpenter can choose among \
                 many types (keep only constraints the workloads really need){}",
                if spot { "; with Spot aim for 15 or more types" } else { "" }
            ))
            .with_snippet(fix_snippet(family.as_deref())),
        );
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(reqs: &str) -> Vec<Finding> {
        let yaml = format!(
            "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: np}}
spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
{reqs}"
        );
        let l = load_texts([("t.yaml", yaml.as_str())]);
        assert!(l.findings.is_empty());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn one_type_with_spot_is_a_warning() {
        let f = run(
            "        - {key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge]}\n        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        let snip = f[0]
            .fix
            .as_ref()
            .and_then(|x| x.snippet.clone())
            .unwrap_or_default();
        assert!(
            snip.contains("values: [\"m\"]") && snip.contains("values: [\"4\"]"),
            "{snip}"
        );
    }

    #[test]
    fn one_type_on_demand_only_is_info() {
        let f = run(
            "        - {key: node.kubernetes.io/instance-type, operator: In, values: [p4d.24xlarge]}\n        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn no_capacity_type_means_on_demand_only() {
        // The AWS provider defaults to on-demand (karpenter-provider-aws
        // instance.go getCapacityType): no Spot pool to run dry.
        let f = run(
            "        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [c6i]}\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn category_generation_and_size_pinned() {
        let f = run(
            "        - {key: karpenter.k8s.aws/instance-category, operator: In, values: [m]}\n        - {key: karpenter.k8s.aws/instance-generation, operator: In, values: ['6']}\n        - {key: karpenter.k8s.aws/instance-size, operator: In, values: [large]}\n",
        );
        assert_eq!(f.len(), 1);
        // Two of the three leave room.
        assert!(run("        - {key: karpenter.k8s.aws/instance-category, operator: In, values: [m]}\n        - {key: karpenter.k8s.aws/instance-generation, operator: In, values: ['6']}\n").is_empty());
    }

    #[test]
    fn several_types_are_fine() {
        assert!(run("        - {key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge, m6i.xlarge]}\n").is_empty());
    }
}
