use super::util::{
    CAPACITY_TYPE, ON_DEMAND, SPOT, capacity_types_for, pool_capacity_types, requirement_span,
    requirement_yaml, yaml_scalar,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::k8s::{DO_NOT_DISRUPT, Workload, WorkloadKind};
use eksplane_model::karpenter::NodePool;
use eksplane_source::Span;

/// A Job runs "long" past this many seconds of `activeDeadlineSeconds`.
pub const LONG_JOB_SECONDS: i64 = 3600;

declare_rule! {
    /// ## What it does
    /// Flags StatefulSets and long-running Jobs and CronJobs whose pods can be
    /// placed on Spot capacity: some NodePool they can land on (they tolerate
    /// its taints, their nodeSelector and required node affinity fit its
    /// labels) allows `karpenter.sh/capacity-type: spot` (a pool with no
    /// capacity-type requirement allows Spot too), and the pods do not
    /// require `on-demand` through a nodeSelector or node affinity.
    ///
    /// A Job or CronJob is long-running when its `activeDeadlineSeconds` is
    /// over 3600 (one hour), or when it sets no deadline but its pods carry
    /// `karpenter.sh/do-not-disrupt: "true"` (its authors say it must not be
    /// interrupted). A Job with no deadline and no such annotation is not
    /// flagged: most are short, and its run time cannot be read from files.
    ///
    /// ## Why it matters
    /// EC2 reclaims Spot instances with a two-minute warning. Karpenter then
    /// drains the node, but a StatefulSet member loses its node and waits for
    /// its volume to detach and re-attach, and a multi-hour job restarts from
    /// scratch. `karpenter.sh/do-not-disrupt` only stops Karpenter's own
    /// voluntary disruption, never a Spot interruption. The guide: "Spot is
    /// safe for stateless tiers ... Keep stateful or long-running jobs on
    /// on-demand via a separate NodePool."
    ///
    /// ## Example
    /// A CronJob with `activeDeadlineSeconds: 14400` whose pods select the
    /// Spot-only `batch` NodePool.
    ///
    /// ## Fix
    /// Require on-demand capacity in the pod template, and give such pods an
    /// on-demand-only NodePool (a copy of the pool they use now, with
    /// `capacity-type: on-demand` and `WhenEmpty` consolidation):
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: on-demand
    /// ---
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: batch-on-demand
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    ///       requirements:
    ///         - key: karpenter.sh/capacity-type
    ///           operator: In
    ///           values: ["on-demand"]
    ///   disruption:
    ///     consolidationPolicy: WhenEmpty
    ///     consolidateAfter: 10m
    ///   limits:
    ///     cpu: "100"
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html
    /// - https://karpenter.sh/docs/concepts/disruption/#interruption
    /// - https://karpenter.sh/docs/concepts/nodepools/#capacity-type
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-interruptions.html
    pub RULE = ("KAR004", "stateful-on-spot", Warning, "Stateful or long-running workload can run on Spot", Some(check));
}

/// Why this workload should not run on Spot, or `None`.
fn needs_on_demand(w: &Workload) -> Option<String> {
    match w.kind {
        WorkloadKind::StatefulSet => (w.effective_replicas().unwrap_or(0) > 0).then(|| {
            if w.volume_claim_templates > 0 {
                "keeps state on persistent volumes".to_string()
            } else {
                "is stateful".to_string()
            }
        }),
        WorkloadKind::Job | WorkloadKind::CronJob => {
            let what = if w.kind == WorkloadKind::Job {
                "runs"
            } else {
                "runs jobs"
            };
            match w.active_deadline_seconds {
                Some(s) if s > LONG_JOB_SECONDS => Some(format!(
                    "{what} for up to {} (activeDeadlineSeconds {s})",
                    hours(s)
                )),
                Some(_) => None,
                None => w
                    .pod_annotation(DO_NOT_DISRUPT)
                    .is_some_and(|v| v.value == "true")
                    .then(|| format!("{what} with no deadline and pods marked {DO_NOT_DISRUPT}")),
            }
        }
        _ => None,
    }
}

fn hours(s: i64) -> String {
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else {
        format!("{}m", s / 60)
    }
}

/// Where the pool states it allows Spot.
fn capacity_span(np: &NodePool) -> Span {
    requirement_span(np, CAPACITY_TYPE, |_| true).unwrap_or_else(|| {
        np.origin
            .locate_key(&["spec", "template", "spec"], "requirements")
    })
}

/// The path of the pod spec inside the workload, as YAML keys.
fn pod_spec_path(kind: WorkloadKind) -> Vec<&'static str> {
    let mut v = kind.template_path().to_vec();
    v.push("spec");
    v
}

fn selector_snippet(w: &Workload) -> String {
    let path = pod_spec_path(w.kind);
    let mut s = String::new();
    for (depth, k) in path.iter().enumerate() {
        s.push_str(&format!("{}{k}:\n", "  ".repeat(depth)));
    }
    let indent = "  ".repeat(path.len());
    s.push_str(&format!("{indent}nodeSelector:\n"));
    s.push_str(&format!("{indent}  {CAPACITY_TYPE}: {ON_DEMAND}\n"));
    for (k, v) in w.template.spec.node_selector.iter().flatten() {
        if k != CAPACITY_TYPE {
            s.push_str(&format!("{indent}  {k}: {}\n", yaml_scalar(v)));
        }
    }
    s
}

/// An on-demand-only copy of `np`: same labels, taints, node class and
/// requirements, capacity type on-demand, and only empty nodes consolidated.
fn on_demand_copy(np: &NodePool) -> String {
    let t = &np.spec.template;
    let mut s = format!(
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: {}-on-demand\nspec:\n  template:\n",
        np.name()
    );
    if !t.metadata.labels.is_empty() {
        s.push_str("    metadata:\n      labels:\n");
        for (k, v) in &t.metadata.labels {
            s.push_str(&format!("        {k}: {}\n", yaml_scalar(&v.value)));
        }
    }
    s.push_str("    spec:\n");
    if let Some(r) = &t.spec.node_class_ref {
        s.push_str(&format!(
            "      nodeClassRef: {{group: {}, kind: {}, name: {}}}\n",
            r.value.group, r.value.kind, r.value.name
        ));
    }
    if let Some(e) = &t.spec.expire_after {
        s.push_str(&format!("      expireAfter: {}\n", e.value));
    }
    if !t.spec.taints.is_empty() {
        s.push_str("      taints:\n");
        for taint in &t.spec.taints {
            s.push_str(&format!("        - key: {}\n", taint.value.key));
            if let Some(v) = &taint.value.value {
                s.push_str(&format!("          value: {}\n", yaml_scalar(v)));
            }
            s.push_str(&format!("          effect: {}\n", taint.value.effect));
        }
    }
    s.push_str(&format!(
        "      requirements:\n        - key: {CAPACITY_TYPE}\n          operator: In\n          values: [\"{ON_DEMAND}\"]\n"
    ));
    for r in &t.spec.requirements {
        if r.value.key != CAPACITY_TYPE {
            s.push_str(&requirement_yaml(&r.value, "        "));
        }
    }
    s.push_str(
        "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 10m\n  limits:\n    cpu: \"100\" # size for the peak of these workloads\n",
    );
    s
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for w in &p.workloads {
        let Some(why) = needs_on_demand(w) else {
            continue;
        };
        let spot_pools: Vec<&NodePool> = p
            .node_pools
            .iter()
            .filter(|np| capacity_types_for(&w.template, np).contains(&SPOT))
            .collect();
        let Some(first) = spot_pools.first() else {
            continue;
        };
        // Pools these pods could use on-demand once they ask for it.
        let od_only: Vec<&NodePool> = p
            .node_pools
            .iter()
            .filter(|np| pool_capacity_types(np) == [ON_DEMAND])
            .collect();
        let od_only_fits: Vec<&&NodePool> = od_only
            .iter()
            .filter(|np| capacity_types_for(&w.template, np).contains(&ON_DEMAND))
            .collect();
        let ns = w.namespace().unwrap_or("default");
        let pools: Vec<String> = spot_pools
            .iter()
            .map(|np| {
                let cts = pool_capacity_types(np);
                if cts == [SPOT] {
                    format!("{} (Spot only)", np.name())
                } else {
                    format!("{} (Spot and on-demand)", np.name())
                }
            })
            .collect();
        let tail = if od_only.is_empty() {
            "; the inputs have no on-demand-only NodePool".to_string()
        } else {
            let names: Vec<&str> = od_only.iter().map(|np| np.name()).collect();
            format!(
                "; on-demand-only NodePool{} {} exist{} but nothing sends these pods there",
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                if names.len() == 1 { "s" } else { "" }
            )
        };
        // Where the on-demand selector goes: the nodeSelector, else the pod spec.
        let span = if w.template.spec.node_selector.is_some() {
            w.origin.locate_key(&pod_spec_path(w.kind), "nodeSelector")
        } else {
            w.origin.locate_key(w.kind.template_path(), "spec")
        };
        let mut f = RULE
            .finding(
                format!(
                    "{} {ns}/{} {why}, yet its pods can run on Spot capacity from NodePool {}: a Spot \
                     interruption (two minutes' notice) takes the node, and {DO_NOT_DISRUPT} does not \
                     prevent it{tail}",
                    w.kind.as_str(),
                    w.name(),
                    pools.join(", "),
                ),
                span,
            )
            .object(w.object_ref().to_string());
        for np in &spot_pools {
            let msg = if np.requirement(CAPACITY_TYPE).is_some() {
                format!("NodePool {} allows Spot capacity", np.name())
            } else {
                format!(
                    "NodePool {} has no capacity-type requirement, so Spot is allowed",
                    np.name()
                )
            };
            f = f.related(capacity_span(np), msg);
        }
        for np in &od_only_fits {
            f = f.related(
                capacity_span(np),
                format!(
                    "NodePool {} is on-demand only and fits these pods",
                    np.name()
                ),
            );
        }
        let mut snippet = selector_snippet(w);
        let desc = if od_only_fits.is_empty() {
            snippet.push_str("---\n");
            snippet.push_str(&on_demand_copy(first));
            format!(
                "require on-demand capacity in the pod template, and add an on-demand-only copy of \
                 NodePool {} for these pods",
                first.name()
            )
        } else {
            format!(
                "require on-demand capacity in the pod template so these pods use NodePool {}",
                od_only_fits.first().map(|np| np.name()).unwrap_or_default()
            )
        };
        f = f.fix(Fix::new(desc).with_snippet(snippet));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    const POOLS: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: batch}
spec:
  template:
    metadata:
      labels: {workload-type: batch}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      taints: [{key: workload-type, value: batch, effect: NoSchedule}]
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: general}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
";

    fn run(doc: &str) -> Vec<Finding> {
        let yaml = format!("{POOLS}---\n{doc}");
        let l = load_texts([("t.yaml", yaml.as_str())]);
        assert!(l.findings.is_empty());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn job(deadline: &str, annotations: &str) -> String {
        format!(
            "apiVersion: batch/v1
kind: Job
metadata: {{name: backfill, namespace: data}}
spec:
{deadline}  template:
    metadata:
      annotations: {{{annotations}}}
    spec:
      restartPolicy: Never
      nodeSelector: {{workload-type: batch}}
      tolerations: [{{key: workload-type, operator: Equal, value: batch, effect: NoSchedule}}]
      containers: [{{name: c, image: busybox}}]
"
        )
    }

    #[test]
    fn long_job_on_spot_only_pool_fires_with_an_on_demand_copy() {
        let f = run(&job("  activeDeadlineSeconds: 7200\n", ""));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("runs for up to 2h"),
            "{}",
            f[0].message
        );
        let snip = f[0]
            .fix
            .as_ref()
            .and_then(|x| x.snippet.clone())
            .unwrap_or_default();
        assert!(snip.contains("name: batch-on-demand"), "{snip}");
        assert!(snip.contains("workload-type: batch"), "{snip}");
    }

    #[test]
    fn short_or_unknown_jobs_are_not_flagged() {
        assert!(run(&job("  activeDeadlineSeconds: 1800\n", "")).is_empty());
        assert!(run(&job("", "")).is_empty());
        // No deadline but do-not-disrupt: its authors want no interruption.
        assert_eq!(
            run(&job("", "karpenter.sh/do-not-disrupt: 'true'")).len(),
            1
        );
    }

    #[test]
    fn statefulset_requiring_on_demand_is_fine() {
        let sts = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      NODESELECTOR
      containers: [{name: c, image: busybox}]
";
        let f = run(&sts.replace(
            "NODESELECTOR",
            "nodeSelector: {karpenter.sh/capacity-type: on-demand}",
        ));
        assert!(f.is_empty());
        let f = run(&sts.replace("NODESELECTOR", "nodeSelector: {}"));
        assert_eq!(f.len(), 1);
        // general already offers on-demand, but no pool is on-demand only.
        assert!(
            f[0].message.contains("no on-demand-only NodePool"),
            "{}",
            f[0].message
        );
    }
}
