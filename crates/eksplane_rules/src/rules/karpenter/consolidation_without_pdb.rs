use super::util::{can_land, yaml_scalar};
use crate::declare_rule;
use eksplane_diagnostics::{Applicability, Edit, Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::workloads::ReplicaSource;
use eksplane_model::KubeObject;
use eksplane_model::k8s::{DO_NOT_DISRUPT, Workload, WorkloadKind};
use eksplane_model::karpenter::NodePool;
use eksplane_source::Span;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Flags a Deployment or StatefulSet with more than one replica at its
    /// floor (the `minReplicas` of a HorizontalPodAutoscaler targeting it,
    /// else `replicas`; an unset `replicas` with no HPA means 1, and is not
    /// flagged) that no PodDisruptionBudget in
    /// its namespace selects, when its pods can land on a NodePool that
    /// consolidates underutilized nodes: `consolidationPolicy:
    /// WhenEmptyOrUnderutilized` (the v1 CRD default), `consolidateAfter` not
    /// `Never`, and no static `replicas`. "Can land" means the pods tolerate
    /// the pool's taints and their nodeSelector and required node affinity fit
    /// the pool's labels and requirements, so workloads pinned to a managed
    /// node group (a nodeSelector on its label, a toleration of its taint) are
    /// skipped. Pods annotated `karpenter.sh/do-not-disrupt: "true"` are
    /// skipped too: Karpenter does not voluntarily disrupt their nodes.
    ///
    /// ## Why it matters
    /// Consolidation drains underutilized nodes and replaces them with fewer or
    /// cheaper ones, several at a time (the NodePool's disruption budget, 10%
    /// of its nodes by default). Drift and expiry drain nodes the same way.
    /// Without a PDB nothing stops Karpenter from evicting most replicas of a
    /// service at once; with one, each eviction waits until enough replicas are
    /// ready elsewhere. The guide lists "Karpenter with no limits and no PDBs"
    /// among its pitfalls.
    ///
    /// ## Example
    /// A Deployment `web/storefront` with `replicas: 6`, no PDB, and the
    /// `default` NodePool with `consolidationPolicy: WhenEmptyOrUnderutilized`.
    ///
    /// ## Fix
    /// Add a PodDisruptionBudget selecting the workload's pods:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: storefront
    ///   namespace: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels:
    ///       app: storefront
    /// ```
    ///
    /// `eksplane check --fix` writes it as `<workload>-pdb.yaml` beside the
    /// workload's file, with `unhealthyPodEvictionPolicy: AlwaysAllow` (a
    /// safe fix: a new file that evicts, restarts or replaces nothing; not
    /// made for Helm-rendered workloads, or when the labels also select
    /// another workload's pods).
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/disruption/#consolidation
    /// - https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html
    /// - https://kubernetes.io/docs/tasks/run-application/configure-pdb/
    pub RULE = ("KAR002", "consolidation-without-pdb", Warning, "Multi-replica workload without a PodDisruptionBudget on a consolidating NodePool", Some(check));
}

/// How many landing NodePools a finding names and points at.
const MAX_POOLS_NAMED: usize = 5;

/// Whether Karpenter consolidates this pool's underutilized nodes.
/// Source: aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml
/// (consolidationPolicy default `WhenEmptyOrUnderutilized`, "When replicas is
/// set, ConsolidationPolicy is simply ignored"; consolidateAfter `Never`
/// disables consolidation).
pub fn consolidates_underutilized(np: &NodePool) -> bool {
    let never = np
        .spec
        .disruption
        .as_ref()
        .and_then(|d| d.consolidate_after.as_ref())
        .is_some_and(|a| a.value == "Never");
    np.consolidation_policy().consolidates_underutilized() && !never && np.spec.replicas.is_none()
}

/// The place that states the pool's consolidation policy, and how to say it.
fn policy_location(np: &NodePool) -> (Span, String) {
    match np
        .spec
        .disruption
        .as_ref()
        .and_then(|d| d.consolidation_policy.as_ref())
    {
        Some(p) => (
            p.span,
            format!(
                "NodePool {} consolidates underutilized nodes (consolidationPolicy: WhenEmptyOrUnderutilized)",
                np.name()
            ),
        ),
        None => match &np.spec.disruption {
            Some(_) => (
                np.origin.locate_key(&["spec"], "disruption"),
                format!(
                    "NodePool {} consolidates underutilized nodes (no consolidationPolicy: the default WhenEmptyOrUnderutilized)",
                    np.name()
                ),
            ),
            None => (
                np.metadata.name.span,
                format!(
                    "NodePool {} has no disruption settings, so it consolidates underutilized nodes (the default WhenEmptyOrUnderutilized)",
                    np.name()
                ),
            ),
        },
    }
}

/// The labels a new PDB should select: the workload's `matchLabels`, else its
/// pod template labels.
fn pdb_labels(w: &Workload) -> BTreeMap<String, String> {
    let from_selector: BTreeMap<String, String> = w
        .selector
        .as_ref()
        .and_then(|s| s.match_labels.clone())
        .unwrap_or_default();
    if from_selector.is_empty() {
        w.template
            .metadata
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect()
    } else {
        from_selector
    }
}

/// The fix's edit: the PodDisruptionBudget, a typed object, written as
/// `<workload>-pdb.yaml` beside the workload's file.
///
/// Safe (applied by `--fix`): the file is new, nothing existing changes, and
/// applying it evicts, restarts or replaces nothing. `maxUnavailable: 1`
/// only makes voluntary evictions (Karpenter consolidation, drift and
/// expiry, `kubectl drain`) wait for a ready replica, and
/// `unhealthyPodEvictionPolicy: AlwaysAllow` (Kubernetes 1.27+; omitted on
/// older clusters) keeps a not-ready pod from wedging a drain. No edit when
/// that cannot be promised: the workload is rendered by Helm (the chart is
/// what to change), its labels also select pods of another workload of the
/// namespace (a pod under two PDBs cannot be evicted at all), the selector
/// would be empty (it would select every pod of the namespace), or a PDB of
/// that name already exists.
fn pdb_edit(facts: &Facts<'_>, w: &Workload, labels: &BTreeMap<String, String>) -> Option<Edit> {
    use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let beside = crate::fix::editable_any_version(&w.origin)?;
    if labels.is_empty() {
        return None;
    }
    let selector = LabelSelector {
        match_labels: Some(labels.clone()),
        ..LabelSelector::default()
    };
    let others = facts
        .workloads()
        .selected_by(w.namespace(), &selector)
        .iter()
        .filter(|o| o.workload.object_ref() != w.object_ref())
        .count();
    let taken = facts
        .platform
        .pdbs
        .iter()
        .any(|p| p.namespace() == w.namespace() && p.name() == w.name());
    if others > 0 || taken {
        return None;
    }
    // unhealthyPodEvictionPolicy: beta and on by default from Kubernetes
    // 1.27, GA in 1.31 (https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy).
    let old_cluster = facts.platform.cluster.version.as_ref().is_some_and(|v| {
        v.value
            .split_once('.')
            .and_then(|(major, minor)| {
                Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
            })
            .is_some_and(|(major, minor)| (major, minor) < (1, 27))
    });
    let pdb = PodDisruptionBudget {
        metadata: ObjectMeta {
            name: Some(w.name().to_string()),
            namespace: w.namespace().map(str::to_string),
            ..ObjectMeta::default()
        },
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(selector),
            unhealthy_pod_eviction_policy: (!old_cluster).then(|| "AlwaysAllow".to_string()),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    };
    Edit::create_file(beside, format!("{}-pdb.yaml", w.name()), &[pdb]).ok()
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let pools: Vec<&NodePool> = p
        .node_pools
        .iter()
        .filter(|np| consolidates_underutilized(np))
        .collect();
    if pools.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let workloads = facts.workloads();
    for wf in workloads.all() {
        let w = wf.workload;
        if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
            continue;
        }
        // The floor: what runs when the workload is quietest, which is when
        // consolidation finds its nodes underutilized.
        let Some(bounds) = wf.bounds else {
            continue;
        };
        let replicas = bounds.floor;
        if replicas <= 1 {
            continue;
        }
        if w.pod_annotation(DO_NOT_DISRUPT)
            .is_some_and(|v| v.value == "true")
        {
            continue;
        }
        let landing: Vec<&&NodePool> = pools
            .iter()
            .filter(|np| can_land(&w.template, np))
            .collect();
        if landing.is_empty() || !workloads.pdbs_selecting(w).is_empty() {
            continue;
        }
        let ns = w.namespace().unwrap_or("default");
        let labels = pdb_labels(w);
        let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        // Name a few pools, not all: on a platform with a hundred pools a
        // finding per workload naming every one grows with workloads x pools.
        let mut names: Vec<String> = landing
            .iter()
            .take(MAX_POOLS_NAMED)
            .map(|np| np.name().to_string())
            .collect();
        if landing.len() > MAX_POOLS_NAMED {
            names.push(format!("{} more", landing.len() - MAX_POOLS_NAMED));
        }
        let span = w
            .replicas
            .as_ref()
            .map(|r| r.span)
            .unwrap_or_else(|| w.origin.locate_key(&["spec"], "replicas"));
        let mut f = RULE
            .finding(
                format!(
                    "{} {ns}/{} runs {}{replicas} replicas and no PodDisruptionBudget selects its pods \
                     ({}), yet it can run on NodePool{} {} that consolidate{} underutilized nodes: \
                     consolidation, drift and expiry may evict several replicas at once",
                    w.kind.as_str(),
                    w.name(),
                    if bounds.autoscaled() { "at least " } else { "" },
                    if shown.is_empty() { "no labels".to_string() } else { shown.join(", ") },
                    if landing.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    if landing.len() == 1 { "s" } else { "" },
                ),
                span,
            )
            .object(w.object_ref().to_string());
        if let (ReplicaSource::Hpa(h), Some(span)) = (bounds.source, bounds.floor_span()) {
            f = f.related(
                span,
                format!(
                    "HorizontalPodAutoscaler {ns}/{} scales it between {} and {} replicas",
                    h.name(),
                    bounds.floor,
                    bounds.ceiling
                ),
            );
        }
        for np in landing.iter().take(MAX_POOLS_NAMED) {
            let (s, msg) = policy_location(np);
            f = f.related(s, msg);
        }
        let mut snippet = format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {}\n  namespace: {ns}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n",
            w.name()
        );
        for (k, v) in &labels {
            snippet.push_str(&format!("      {k}: {}\n", yaml_scalar(v)));
        }
        let mut fix = Fix::new(format!(
            "add a PodDisruptionBudget for {} {ns}/{} so Karpenter evicts one replica at a time",
            w.kind.as_str(),
            w.name()
        ))
        .with_snippet(snippet);
        if let Some(edit) = pdb_edit(facts, w, &labels) {
            fix = fix.with_edits(Applicability::Safe, vec![edit]);
        }
        f = f.fix(fix);
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(yaml: &str) -> Vec<Finding> {
        let l = load_texts([("t.yaml", yaml)]);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements: []
  disruption:
    consolidateAfter: 1m
";

    fn deploy(replicas: &str, extra: &str) -> String {
        format!(
            "{POOL}---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
{replicas}  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
{extra}      containers: [{{name: c, image: busybox}}]
"
        )
    }

    #[test]
    fn default_policy_consolidates() {
        let f = run(&deploy("  replicas: 3\n", ""));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("Deployment shop/api runs 3 replicas"));
        assert!(
            f[0].related[0]
                .message
                .as_deref()
                .unwrap_or("")
                .contains("default WhenEmptyOrUnderutilized")
        );
    }

    #[test]
    fn unset_replicas_is_one_and_not_flagged() {
        assert!(run(&deploy("", "")).is_empty());
        assert!(run(&deploy("  replicas: 1\n", "")).is_empty());
    }

    #[test]
    fn pinned_to_a_managed_node_group_is_skipped() {
        let extra = "      nodeSelector: {role: system}\n      tolerations: [{key: CriticalAddonsOnly, operator: Exists}]\n";
        assert!(run(&deploy("  replicas: 2\n", extra)).is_empty());
    }

    #[test]
    fn a_pdb_in_another_namespace_does_not_count() {
        let pdb = "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: other}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: api}}
";
        let text = format!("{}{pdb}", deploy("  replicas: 2\n", ""));
        assert_eq!(run(&text).len(), 1);
        let text = text.replace("namespace: other", "namespace: shop");
        assert!(run(&text).is_empty());
    }

    /// Issue 9: a Deployment without `replicas`, owned by an HPA with
    /// `minReplicas: 3`, runs at least 3 replicas.
    #[test]
    fn issue9_hpa_floor_counts() {
        let hpa = |min: &str| {
            format!(
                "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: api, namespace: shop}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: {min}
  maxReplicas: 10
"
            )
        };
        let f = run(&format!("{}{}", deploy("", ""), hpa("3")));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("runs at least 3 replicas"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].related[0]
                .message
                .as_deref()
                .unwrap_or("")
                .contains("HorizontalPodAutoscaler shop/api scales it between 3 and 10"),
            "{:?}",
            f[0].related
        );
        // An HPA floor of 1 overrides a declared 4: not flagged.
        assert!(run(&format!("{}{}", deploy("  replicas: 4\n", ""), hpa("1"))).is_empty());
    }

    #[test]
    fn never_consolidate_after_is_off() {
        let text = deploy("  replicas: 2\n", "")
            .replace("consolidateAfter: 1m", "consolidateAfter: Never");
        assert!(run(&text).is_empty());
    }
}
