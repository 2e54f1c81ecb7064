use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::workloads::{BlockingPdb, PdbBlock, ReplicaSource, shown};
use eksplane_model::KubeObject;
use eksplane_model::k8s::{DO_NOT_DISRUPT, IntOrString, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Flags a PodDisruptionBudget that can never allow a voluntary eviction:
    /// - `maxUnavailable: 0` or `"0%"`;
    /// - `minAvailable: "100%"`;
    /// - `minAvailable` (a count, or a percentage rounded up as Kubernetes
    ///   does) at or above the replica count of the workloads it selects in the
    ///   inputs (Deployments, StatefulSets and ReplicaSets of its namespace
    ///   whose pod labels match; a workload with `replicas: 1` and
    ///   `minAvailable: 1` counts). A workload a HorizontalPodAutoscaler
    ///   scales counts at its `maxReplicas`: a budget at or above it blocks
    ///   even at the busiest. When a selected workload leaves `replicas` unset
    ///   and no HPA in the inputs targets it (an autoscaler defined elsewhere
    ///   may own it), or the budget also selects a DaemonSet, Job or CronJob,
    ///   the pod count is unknown and only the first two cases are judged; a
    ///   workload scaled to 0 is not flagged.
    ///
    /// ## Why it matters
    /// The eviction API refuses every eviction such a budget covers. Karpenter
    /// consolidation and drift skip or stall on every node running these pods,
    /// node expiry and managed node group upgrades hang until a forced
    /// deletion (Karpenter's `terminationGracePeriod`, the node group's update
    /// timeout), and `kubectl drain` never finishes. The guide's upgrade
    /// runbook relies on nodes being "recycled gracefully under PDBs".
    ///
    /// ## Example
    /// A StatefulSet with `replicas: 3` and a PDB with `minAvailable: 3`.
    ///
    /// ## Fix
    /// Allow one pod at a time to be evicted (a PDB sets either
    /// `minAvailable` or `maxUnavailable`, not both):
    /// ```yaml
    /// spec:
    ///   maxUnavailable: 1
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions
    /// - https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
    /// - https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html
    pub RULE = ("KAR003", "pdb-blocks-eviction", Warning, "PodDisruptionBudget never allows an eviction", Some(check));
}

/// The phrase for why a budget blocks every eviction.
fn why(b: &BlockingPdb<'_, '_>) -> String {
    let written = shown(&b.field.value);
    match b.why {
        PdbBlock::MaxUnavailableZero => format!("sets maxUnavailable {written}"),
        PdbBlock::MinAvailableAll => format!("requires minAvailable {written}"),
        PdbBlock::MinAvailableAtReplicas { min_pods, replicas } => {
            let pods = if replicas == 1 { "pod" } else { "pods" };
            match &b.field.value {
                IntOrString::Int(_) => {
                    format!("requires minAvailable {written} and selects only {replicas} {pods}")
                }
                IntOrString::String(_) => format!(
                    "requires minAvailable {written} ({min_pods} of the {replicas} {pods} it selects, rounded up)"
                ),
            }
        }
    }
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    let workloads = facts.workloads();
    for pdb in &p.pdbs {
        let Some(block) = workloads.pdb_blocks(pdb) else {
            continue;
        };
        let (field, why, ws, total) = (block.field, why(&block), &block.workloads, block.total);
        let ns = pdb.namespace().unwrap_or("default");
        let who = if ws.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = ws
                .iter()
                .map(|wf| {
                    format!(
                        "{} {}/{}",
                        wf.workload.kind.as_str(),
                        ns,
                        wf.workload.name()
                    )
                })
                .collect();
            format!(" ({})", names.join(", "))
        };
        let mut f = RULE
            .finding(
                format!(
                    "PodDisruptionBudget {ns}/{} {why}{who}: it never allows a voluntary eviction, so \
                     Karpenter consolidation, drift and expiry, node group upgrades and kubectl drain \
                     stall on every node running these pods",
                    pdb.name()
                ),
                field.span,
            )
            .object(pdb.object_ref().to_string());
        for wf in ws {
            let w = wf.workload;
            if let Some(b) = wf.bounds
                && let ReplicaSource::Hpa(h) = b.source
            {
                f = f.related(
                    h.spec.max_replicas.span,
                    format!(
                        "{} {ns}/{} is scaled by HorizontalPodAutoscaler {ns}/{} to at most {} replica{}",
                        w.kind.as_str(),
                        w.name(),
                        h.name(),
                        b.ceiling,
                        if b.ceiling == 1 { "" } else { "s" }
                    ),
                );
                continue;
            }
            let span = w.replicas.as_ref().map(|r| r.span).unwrap_or(w.origin.span);
            let mut msg = match w.replicas.as_ref().map(|r| r.value) {
                Some(r) => format!(
                    "{} {ns}/{} runs {r} replica{}",
                    w.kind.as_str(),
                    w.name(),
                    if r == 1 { "" } else { "s" }
                ),
                None if matches!(
                    w.kind,
                    WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::ReplicaSet
                ) =>
                {
                    format!(
                        "{} {ns}/{} leaves replicas unset (an autoscaler may own it)",
                        w.kind.as_str(),
                        w.name()
                    )
                }
                None => format!("{} {ns}/{} is selected", w.kind.as_str(), w.name()),
            };
            if w.pod_annotation(DO_NOT_DISRUPT)
                .is_some_and(|v| v.value == "true")
            {
                msg.push_str(&format!(
                    "; its pods are also annotated {DO_NOT_DISRUPT}, which blocks voluntary disruption on its own"
                ));
            }
            f = f.related(span, msg);
        }
        let suggestion = match total {
            Some(n) if n > 1 => format!(
                "allow one eviction at a time: replace {} with maxUnavailable: 1 (or minAvailable: {})",
                if pdb.spec.min_available.is_some() {
                    "minAvailable"
                } else {
                    "maxUnavailable 0"
                },
                n - 1
            ),
            _ => format!(
                "allow one eviction at a time: replace {} with maxUnavailable: 1; a single replica cannot \
                 stay available during a drain, so run at least 2",
                if pdb.spec.min_available.is_some() {
                    "minAvailable"
                } else {
                    "maxUnavailable 0"
                },
            ),
        };
        f = f.fix(Fix::new(suggestion).with_snippet("spec:\n  maxUnavailable: 1\n"));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(pdb_spec: &str, replicas: &str) -> Vec<Finding> {
        let yaml = format!(
            "apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db, namespace: data}}
spec:
{replicas}  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers: [{{name: c, image: busybox}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: db, namespace: data}}
spec:
{pdb_spec}  selector: {{matchLabels: {{app: db}}}}
"
        );
        let l = load_texts([("t.yaml", yaml.as_str())]);
        assert!(l.findings.is_empty());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn max_unavailable_zero_blocks() {
        assert_eq!(run("  maxUnavailable: 0\n", "  replicas: 3\n").len(), 1);
        assert_eq!(
            run("  maxUnavailable: \"0%\"\n", "  replicas: 3\n").len(),
            1
        );
        assert!(run("  maxUnavailable: \"10%\"\n", "  replicas: 3\n").is_empty());
        assert!(run("  maxUnavailable: 1\n", "  replicas: 3\n").is_empty());
    }

    #[test]
    fn min_available_at_replicas_blocks() {
        let f = run("  minAvailable: 3\n", "  replicas: 3\n");
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("requires minAvailable 3 and selects only 3 pods"),
            "{}",
            f[0].message
        );
        assert!(run("  minAvailable: 2\n", "  replicas: 3\n").is_empty());
        assert_eq!(run("  minAvailable: 1\n", "  replicas: 1\n").len(), 1);
        // Unset replicas (an HPA may own it): unknown, not judged.
        assert!(run("  minAvailable: 1\n", "").is_empty());
        assert_eq!(run("  maxUnavailable: 0\n", "").len(), 1);
    }

    #[test]
    fn min_available_percent_rounds_up() {
        // ceil(0.9 * 3) = 3.
        assert_eq!(run("  minAvailable: \"90%\"\n", "  replicas: 3\n").len(), 1);
        // ceil(0.5 * 3) = 2.
        assert!(run("  minAvailable: \"50%\"\n", "  replicas: 3\n").is_empty());
        assert_eq!(
            run("  minAvailable: \"100%\"\n", "  replicas: 10\n").len(),
            1
        );
    }

    /// Issue 9: an HPA's ceiling is the count; at or above it, never.
    #[test]
    fn issue9_hpa_ceiling_is_the_count() {
        let with_hpa = |pdb: &str, max: u32| {
            let l = load_texts([(
                "t.yaml",
                format!(
                    "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: data}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers: [{{name: c, image: busybox}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: data}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 2
  maxReplicas: {max}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: data}}
spec:
{pdb}  selector: {{matchLabels: {{app: web}}}}
"
                )
                .as_str(),
            )]);
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded(),
            ))
        };
        let f = with_hpa("  minAvailable: 4\n", 4);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("selects only 4 pods"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].related[0]
                .message
                .as_deref()
                .unwrap_or("")
                .contains("to at most 4 replicas")
        );
        assert!(with_hpa("  minAvailable: 4\n", 5).is_empty());
    }

    #[test]
    fn scaled_to_zero_is_not_flagged() {
        assert!(run("  minAvailable: 1\n", "  replicas: 0\n").is_empty());
    }
}
