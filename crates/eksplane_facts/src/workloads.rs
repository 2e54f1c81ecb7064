//! Workloads with their replica floor and ceiling, and the indexes that let
//! an analysis ask "which PodDisruptionBudgets select this workload?" or
//! "which workloads does this selector pick?" without scanning every object
//! for every object (the quadratic scans that made `check` on 50,000 objects
//! take seconds; see BENCHMARKS.md).
//!
//! Replica bounds, per Kubernetes:
//! - `spec.replicas` set, no HorizontalPodAutoscaler: floor = ceiling = the
//!   declared count.
//! - `spec.replicas` unset, no HPA: 1 ("Defaults to 1", DeploymentSpec,
//!   StatefulSetSpec and ReplicaSetSpec in the Kubernetes API reference).
//! - one HPA targets it (`scaleTargetRef` kind and name, same namespace): the
//!   HPA owns the count, floor = `minReplicas` (1 when unset), ceiling =
//!   `maxReplicas`, whatever `spec.replicas` says; except that a target
//!   scaled to `replicas: 0` is not autoscaled (kubernetes/kubernetes
//!   pkg/controller/podautoscaler/horizontal.go: "if scale.Spec.Replicas == 0
//!   && minReplicas != 0 { // Autoscaling is disabled for this resource").
//! - several HPAs target it: the HPA controller refuses to scale pods that
//!   more than one HPA selects (condition `AmbiguousSelector`, same file), so
//!   the declared count stands, and [`Workloads::notes`] says so.

use eksplane_diagnostics::{Note, NoteKind};
use eksplane_model::k8s::{
    HorizontalPodAutoscaler, IntOrString, LabelSelector, PodDisruptionBudget, Workload,
    WorkloadKind, selector_matches,
};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{Span, Spanned};
use std::collections::HashMap;

/// Why a PodDisruptionBudget allows no voluntary eviction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdbBlock {
    /// `maxUnavailable: 0` (or `"0%"`).
    MaxUnavailableZero,
    /// `minAvailable: "100%"`: every pod, whatever the count.
    MinAvailableAll,
    /// `minAvailable` (as pods, percentages rounded up) at or above the most
    /// replicas the selected workloads run.
    MinAvailableAtReplicas { min_pods: i64, replicas: i64 },
}

/// A PodDisruptionBudget that blocks every eviction, with the field that
/// does it and the workloads it covers.
#[derive(Debug, Clone)]
pub struct BlockingPdb<'w, 'a> {
    pub pdb: &'a PodDisruptionBudget,
    /// `maxUnavailable` or `minAvailable`, as written.
    pub field: &'a Spanned<IntOrString>,
    pub why: PdbBlock,
    pub workloads: Vec<&'w WorkloadFacts<'a>>,
    /// The most replicas they run together, when every count is known.
    pub total: Option<i64>,
}

/// A percentage (`"25%"`) as a number.
fn percent(s: &str) -> Option<u64> {
    s.trim().strip_suffix('%')?.trim().parse().ok()
}

/// How an int-or-percent reads in a message: `1`, `"50%"`.
pub fn shown(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => format!("\"{s}\""),
    }
}

/// Where a workload's replica bounds come from.
#[derive(Debug, Clone, Copy)]
pub enum ReplicaSource<'a> {
    /// `spec.replicas`, with no autoscaler.
    Declared(Span),
    /// `spec.replicas` unset and no autoscaler: Kubernetes runs 1.
    DefaultOne,
    /// The one HorizontalPodAutoscaler targeting the workload.
    Hpa(&'a HorizontalPodAutoscaler),
    /// An HPA targets it, but the workload is scaled to 0, which disables
    /// autoscaling.
    ScaledToZero(&'a HorizontalPodAutoscaler),
    /// More than one HPA targets it: none of them scales it
    /// (`AmbiguousSelector`); the declared count (or 1) stands.
    AmbiguousHpas,
}

/// A workload's replica floor and ceiling.
#[derive(Debug, Clone, Copy)]
pub struct ReplicaBounds<'a> {
    pub floor: i32,
    pub ceiling: i32,
    pub source: ReplicaSource<'a>,
}

impl ReplicaBounds<'_> {
    /// Whether an autoscaler sets the count between the bounds.
    pub fn autoscaled(&self) -> bool {
        matches!(self.source, ReplicaSource::Hpa(_))
    }

    /// Where the floor is stated: the HPA's `minReplicas` (or the HPA), the
    /// declared `replicas`, or nothing for the implicit 1.
    pub fn floor_span(&self) -> Option<Span> {
        match self.source {
            ReplicaSource::Declared(s) => Some(s),
            ReplicaSource::Hpa(h) => Some(
                h.spec
                    .min_replicas
                    .as_ref()
                    .map_or(h.metadata.name.span, |m| m.span),
            ),
            ReplicaSource::ScaledToZero(_)
            | ReplicaSource::DefaultOne
            | ReplicaSource::AmbiguousHpas => None,
        }
    }
}

/// One workload of the platform and what is derived about it.
#[derive(Debug, Clone)]
pub struct WorkloadFacts<'a> {
    pub workload: &'a Workload,
    /// For Deployments, StatefulSets and ReplicaSets; `None` for the kinds
    /// whose pod count is not a replica count (DaemonSets, Jobs, CronJobs,
    /// Pods).
    pub bounds: Option<ReplicaBounds<'a>>,
    /// The HPAs targeting it (more than one is an error Kubernetes reports).
    pub hpas: Vec<&'a HorizontalPodAutoscaler>,
}

type LabelKey<'a> = (Option<&'a str>, &'a str, &'a str);

/// Every workload's facts, and the namespace and label indexes over
/// workloads and PodDisruptionBudgets.
#[derive(Debug)]
pub struct Workloads<'a> {
    all: Vec<WorkloadFacts<'a>>,
    pdbs: &'a [PodDisruptionBudget],
    /// Workload indexes by namespace.
    workloads_by_ns: HashMap<Option<&'a str>, Vec<usize>>,
    /// Workload indexes by (namespace, pod label key, value).
    workloads_by_label: HashMap<LabelKey<'a>, Vec<usize>>,
    /// PDB indexes by (namespace, first `matchLabels` pair).
    pdbs_by_label: HashMap<LabelKey<'a>, Vec<usize>>,
    /// PDBs of a namespace whose selector has no `matchLabels` (only
    /// expressions, or empty).
    pdbs_unkeyed: HashMap<Option<&'a str>, Vec<usize>>,
}

/// The first `matchLabels` pair of a selector, if any.
fn first_match_label(sel: &LabelSelector) -> Option<(&str, &str)> {
    sel.match_labels
        .as_ref()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

/// A workload's replica bounds from its declared count and its HPAs.
fn bounds<'a>(w: &Workload, hpas: &[&'a HorizontalPodAutoscaler]) -> Option<ReplicaBounds<'a>> {
    if !matches!(
        w.kind,
        WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::ReplicaSet
    ) {
        return None;
    }
    let declared = w.replicas.as_ref().map(|r| (r.value.max(0), r.span));
    let fixed = |source| {
        let n = declared.map_or(1, |d| d.0);
        ReplicaBounds {
            floor: n,
            ceiling: n,
            source,
        }
    };
    Some(match hpas {
        [] => fixed(declared.map_or(ReplicaSource::DefaultOne, |d| ReplicaSource::Declared(d.1))),
        [h] if declared.is_some_and(|d| d.0 == 0) => ReplicaBounds {
            floor: 0,
            ceiling: 0,
            source: ReplicaSource::ScaledToZero(h),
        },
        [h] => {
            let floor = h.min_replicas().max(0);
            ReplicaBounds {
                floor,
                // The API server rejects maxReplicas < minReplicas; read such
                // an HPA as pinned at its floor.
                ceiling: h.max_replicas().max(floor),
                source: ReplicaSource::Hpa(h),
            }
        }
        _ => fixed(ReplicaSource::AmbiguousHpas),
    })
}

impl<'a> Workloads<'a> {
    pub fn new(p: &'a Platform) -> Workloads<'a> {
        let mut hpas_by_target: HashMap<(Option<&'a str>, &'a str, &'a str), Vec<_>> =
            HashMap::new();
        for h in &p.hpas {
            let t = &h.spec.scale_target_ref.value;
            hpas_by_target
                .entry((h.namespace(), t.kind.as_str(), t.name.as_str()))
                .or_default()
                .push(h);
        }
        let mut all = Vec::with_capacity(p.workloads.len());
        let mut workloads_by_ns: HashMap<Option<&'a str>, Vec<usize>> = HashMap::new();
        let mut workloads_by_label: HashMap<LabelKey<'a>, Vec<usize>> = HashMap::new();
        for (i, w) in p.workloads.iter().enumerate() {
            let ns = w.namespace();
            let hpas = hpas_by_target
                .get(&(ns, w.kind.as_str(), w.name()))
                .cloned()
                .unwrap_or_default();
            all.push(WorkloadFacts {
                workload: w,
                bounds: bounds(w, &hpas),
                hpas,
            });
            workloads_by_ns.entry(ns).or_default().push(i);
            for (k, v) in &w.template.metadata.labels {
                workloads_by_label
                    .entry((ns, k.as_str(), v.value.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        let mut pdbs_by_label: HashMap<LabelKey<'a>, Vec<usize>> = HashMap::new();
        let mut pdbs_unkeyed: HashMap<Option<&'a str>, Vec<usize>> = HashMap::new();
        for (i, pdb) in p.pdbs.iter().enumerate() {
            // policy/v1: a null selector selects no pods; not indexed.
            let Some(sel) = &pdb.spec.selector else {
                continue;
            };
            match first_match_label(sel) {
                Some((k, v)) => pdbs_by_label
                    .entry((pdb.namespace(), k, v))
                    .or_default()
                    .push(i),
                None => pdbs_unkeyed.entry(pdb.namespace()).or_default().push(i),
            }
        }
        Workloads {
            all,
            pdbs: &p.pdbs,
            workloads_by_ns,
            workloads_by_label,
            pdbs_by_label,
            pdbs_unkeyed,
        }
    }

    /// Every workload, in the platform's order.
    pub fn all(&self) -> &[WorkloadFacts<'a>] {
        &self.all
    }

    /// The PodDisruptionBudgets of the workload's namespace whose selector
    /// matches its pod template labels, in the platform's order.
    pub fn pdbs_selecting(&self, w: &Workload) -> Vec<&'a PodDisruptionBudget> {
        let ns = w.namespace();
        let labels = &w.template.metadata.labels;
        let mut idx: Vec<usize> = self
            .pdbs_unkeyed
            .get(&ns)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for (k, v) in labels {
            // A PDB is keyed by one pair, and a label key has one value, so
            // no PDB is reached twice.
            if let Some(is) = self.pdbs_by_label.get(&(ns, k.as_str(), v.value.as_str())) {
                idx.extend(is);
            }
        }
        idx.sort_unstable();
        idx.into_iter()
            .map(|i| &self.pdbs[i])
            .filter(|pdb| {
                pdb.spec
                    .selector
                    .as_ref()
                    .is_some_and(|s| selector_matches(s, labels))
            })
            .collect()
    }

    /// The workloads of `namespace` (any kind, Pods included) whose pod
    /// template labels `sel` matches, in the platform's order.
    pub fn selected_by(
        &self,
        namespace: Option<&str>,
        sel: &LabelSelector,
    ) -> Vec<&WorkloadFacts<'a>> {
        let candidates = match first_match_label(sel) {
            Some((k, v)) => self.workloads_by_label.get(&(namespace, k, v)),
            None => self.workloads_by_ns.get(&namespace),
        };
        candidates
            .into_iter()
            .flatten()
            .map(|&i| &self.all[i])
            .filter(|wf| selector_matches(sel, &wf.workload.template.metadata.labels))
            .collect()
    }

    /// The workloads a PodDisruptionBudget selects (Pods aside; a
    /// Deployment counted instead of its ReplicaSets, which select the same
    /// pods), and their total replicas at the most (each one's ceiling: an
    /// HPA's `maxReplicas`, else `replicas`) when every count is known. An
    /// unset `replicas` with no HPA in the inputs is often owned by an
    /// autoscaler defined elsewhere (KEDA, another repository): unknown.
    pub fn pdb_selection(
        &self,
        pdb: &PodDisruptionBudget,
    ) -> (Vec<&WorkloadFacts<'a>>, Option<i64>) {
        let Some(sel) = &pdb.spec.selector else {
            // policy/v1: a null selector selects no pods.
            return (Vec::new(), Some(0));
        };
        let ws: Vec<&WorkloadFacts<'a>> = self
            .selected_by(pdb.namespace(), sel)
            .into_iter()
            .filter(|wf| wf.workload.kind != WorkloadKind::Pod)
            .collect();
        let has_deployment = ws
            .iter()
            .any(|wf| wf.workload.kind == WorkloadKind::Deployment);
        let ws: Vec<&WorkloadFacts<'a>> = ws
            .into_iter()
            .filter(|wf| !(has_deployment && wf.workload.kind == WorkloadKind::ReplicaSet))
            .collect();
        let mut total = 0i64;
        for wf in &ws {
            match wf.bounds.map(|b| (b.ceiling, b.source)) {
                None | Some((_, ReplicaSource::DefaultOne)) => return (ws, None),
                Some((ceiling, _)) => total += i64::from(ceiling.max(0)),
            }
        }
        (ws, Some(total))
    }

    /// Whether a PodDisruptionBudget refuses every voluntary eviction of the
    /// pods it selects, read once for KAR003 and the upgrade planner's drain
    /// check. A budget whose workloads are all scaled to zero blocks nothing.
    pub fn pdb_blocks(&self, pdb: &'a PodDisruptionBudget) -> Option<BlockingPdb<'_, 'a>> {
        pdb.spec.selector.as_ref()?;
        let (workloads, total) = self.pdb_selection(pdb);
        if total == Some(0) && !workloads.is_empty() {
            return None;
        }
        let blocked = |field: &'a Spanned<IntOrString>, why: PdbBlock| BlockingPdb {
            pdb,
            field,
            why,
            workloads: workloads.clone(),
            total,
        };
        if let Some(mu) = &pdb.spec.max_unavailable {
            let zero = match &mu.value {
                IntOrString::Int(i) => *i <= 0,
                IntOrString::String(s) => percent(s) == Some(0),
            };
            return zero.then(|| blocked(mu, PdbBlock::MaxUnavailableZero));
        }
        let ma = pdb.spec.min_available.as_ref()?;
        if let IntOrString::String(s) = &ma.value
            && percent(s).is_some_and(|p| p >= 100)
        {
            return Some(blocked(ma, PdbBlock::MinAvailableAll));
        }
        let n = total.filter(|n| *n > 0)?;
        // Kubernetes rounds a minAvailable percentage up
        // (pkg/controller/disruption: GetScaledValueFromIntOrPercent(..., true)).
        let min_pods = match &ma.value {
            IntOrString::Int(i) => i64::from(*i),
            IntOrString::String(s) => (i64::try_from(percent(s)?).ok()? * n + 99) / 100,
        };
        (min_pods >= n).then(|| {
            blocked(
                ma,
                PdbBlock::MinAvailableAtReplicas {
                    min_pods,
                    replicas: n,
                },
            )
        })
    }

    /// What the bounds could not settle: workloads with several HPAs.
    pub fn notes(&self) -> Vec<Note> {
        self.all
            .iter()
            .filter(|wf| matches!(wf.bounds.map(|b| b.source), Some(ReplicaSource::AmbiguousHpas)))
            .map(|wf| {
                let names: Vec<&str> = wf.hpas.iter().map(|h| h.name()).collect();
                Note::new(
                    NoteKind::Assumed,
                    "workloads",
                    format!(
                        "{} {} is the target of {} HorizontalPodAutoscalers ({}); Kubernetes scales it with none of them (AmbiguousSelector), so its declared replica count was used",
                        wf.workload.kind.as_str(),
                        wf.workload.object_ref(),
                        wf.hpas.len(),
                        names.join(", ")
                    ),
                )
                .at(wf.workload.origin.span)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
REPLICAS  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api, tier: web}
    spec:
      containers: [{name: c, image: busybox}]
";

    fn hpa(name: &str, min: &str) -> String {
        format!(
            "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}, namespace: shop}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
{min}  maxReplicas: 10
"
        )
    }

    fn bounds_of(yaml: &str) -> (i32, i32, String) {
        let l = load_texts([("t.yaml", yaml)]);
        let w = Workloads::new(&l.platform);
        let b = w.all()[0].bounds.expect("a Deployment has bounds");
        let src = match b.source {
            ReplicaSource::Declared(_) => "declared",
            ReplicaSource::DefaultOne => "default",
            ReplicaSource::Hpa(_) => "hpa",
            ReplicaSource::ScaledToZero(_) => "zero",
            ReplicaSource::AmbiguousHpas => "ambiguous",
        };
        (b.floor, b.ceiling, src.to_string())
    }

    #[test]
    fn declared_unset_and_hpa_bounds() {
        assert_eq!(
            bounds_of(&DEPLOY.replace("REPLICAS", "  replicas: 4\n")),
            (4, 4, "declared".into())
        );
        assert_eq!(
            bounds_of(&DEPLOY.replace("REPLICAS", "")),
            (1, 1, "default".into())
        );
        let with_hpa = format!(
            "{}{}",
            DEPLOY.replace("REPLICAS", ""),
            hpa("api", "  minReplicas: 3\n")
        );
        assert_eq!(bounds_of(&with_hpa), (3, 10, "hpa".into()));
        // The HPA owns the count even when replicas is declared.
        let with_hpa = format!(
            "{}{}",
            DEPLOY.replace("REPLICAS", "  replicas: 1\n"),
            hpa("api", "")
        );
        assert_eq!(bounds_of(&with_hpa), (1, 10, "hpa".into()));
    }

    #[test]
    fn scaled_to_zero_disables_the_hpa() {
        let y = format!(
            "{}{}",
            DEPLOY.replace("REPLICAS", "  replicas: 0\n"),
            hpa("api", "  minReplicas: 3\n")
        );
        assert_eq!(bounds_of(&y), (0, 0, "zero".into()));
    }

    #[test]
    fn two_hpas_are_ambiguous_and_noted() {
        let y = format!(
            "{}{}{}",
            DEPLOY.replace("REPLICAS", "  replicas: 2\n"),
            hpa("a", "  minReplicas: 3\n"),
            hpa("b", "  minReplicas: 5\n")
        );
        assert_eq!(bounds_of(&y), (2, 2, "ambiguous".into()));
        let l = load_texts([("t.yaml", y.as_str())]);
        let notes = Workloads::new(&l.platform).notes();
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("(a, b)"), "{}", notes[0].message);
    }

    #[test]
    fn an_hpa_in_another_namespace_does_not_own_it() {
        let y = format!(
            "{}{}",
            DEPLOY.replace("REPLICAS", ""),
            hpa("api", "  minReplicas: 3\n").replace("namespace: shop", "namespace: other")
        );
        assert_eq!(bounds_of(&y), (1, 1, "default".into()));
    }

    /// The indexes give what a scan of every object gives.
    #[test]
    fn indexes_agree_with_a_full_scan() {
        let mut y = String::new();
        for (i, ns) in ["a", "b", "a", "c"].iter().enumerate() {
            y.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}, namespace: {ns}}}\nspec:\n  selector: {{matchLabels: {{app: w{}}}}}\n  template:\n    metadata:\n      labels: {{app: w{}, tier: t{}}}\n    spec:\n      containers: [{{name: c, image: x}}]\n",
                i % 2,
                i % 2,
                i % 3
            ));
        }
        for (i, (ns, sel)) in [
            ("a", "{matchLabels: {app: w0}}"),
            ("a", "{matchLabels: {app: w0, tier: t2}}"),
            (
                "a",
                "{matchExpressions: [{key: tier, operator: In, values: [t0]}]}",
            ),
            ("b", "{}"),
            ("c", "{matchLabels: {tier: t0}}"),
            ("c", "{matchLabels: {app: w1}}"),
        ]
        .iter()
        .enumerate()
        {
            y.push_str(&format!(
                "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p{i}, namespace: {ns}}}\nspec:\n  maxUnavailable: 1\n  selector: {sel}\n"
            ));
        }
        let l = load_texts([("t.yaml", y.as_str())]);
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        let p = &l.platform;
        let idx = Workloads::new(p);
        let mut hits = 0;
        for w in &p.workloads {
            let scanned: Vec<&str> = p
                .pdbs
                .iter()
                .filter(|pdb| {
                    pdb.namespace() == w.namespace()
                        && pdb
                            .spec
                            .selector
                            .as_ref()
                            .is_some_and(|s| selector_matches(s, &w.template.metadata.labels))
                })
                .map(|pdb| pdb.name())
                .collect();
            let indexed: Vec<&str> = idx.pdbs_selecting(w).iter().map(|p| p.name()).collect();
            assert_eq!(scanned, indexed, "{}", w.name());
            hits += indexed.len();
        }
        assert!(hits >= 4, "the fixture should exercise matches: {hits}");
        for pdb in &p.pdbs {
            let sel = pdb
                .spec
                .selector
                .as_ref()
                .expect("every fixture PDB has one");
            let scanned: Vec<&str> = p
                .workloads
                .iter()
                .filter(|w| {
                    w.namespace() == pdb.namespace()
                        && selector_matches(sel, &w.template.metadata.labels)
                })
                .map(|w| w.name())
                .collect();
            let indexed: Vec<&str> = idx
                .selected_by(pdb.namespace(), sel)
                .iter()
                .map(|wf| wf.workload.name())
                .collect();
            assert_eq!(scanned, indexed, "{}", pdb.name());
        }
    }

    fn block_of(yaml: &str) -> Option<PdbBlock> {
        let l = load_texts([("w.yaml", yaml)]);
        let w = Workloads::new(&l.platform);
        let pdb = l.platform.pdbs.first().unwrap_or_else(|| panic!("no PDB"));
        w.pdb_blocks(pdb).map(|b| b.why)
    }

    /// One judgement of "this budget never allows an eviction", for KAR003
    /// and the upgrade planner's drain check.
    #[test]
    fn pdb_blocks_counts_replica_ceilings() {
        let pdb = |spec: &str| {
            format!(
                "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p, namespace: shop}}\nspec:\n  selector: {{matchLabels: {{app: api}}}}\n  {spec}\n"
            )
        };
        let two = DEPLOY.replace("REPLICAS", "  replicas: 2\n");
        assert_eq!(
            block_of(&format!("{two}{}", pdb("minAvailable: 2"))),
            Some(PdbBlock::MinAvailableAtReplicas {
                min_pods: 2,
                replicas: 2
            })
        );
        // 50% of 2 rounds up to 1: one eviction allowed.
        assert_eq!(
            block_of(&format!("{two}{}", pdb("minAvailable: \"50%\""))),
            None
        );
        assert_eq!(
            block_of(&format!("{two}{}", pdb("maxUnavailable: 0"))),
            Some(PdbBlock::MaxUnavailableZero)
        );
        assert_eq!(
            block_of(&format!("{two}{}", pdb("minAvailable: \"100%\""))),
            Some(PdbBlock::MinAvailableAll)
        );
        // An HPA may run up to 10: minAvailable 2 does not block at that count.
        let scaled = format!(
            "{two}{}{}",
            hpa("h", "  minReplicas: 2\n"),
            pdb("minAvailable: 2")
        );
        assert_eq!(block_of(&scaled), None);
        // No replicas and no HPA: the count is unknown, not assumed.
        let unset = DEPLOY.replace("REPLICAS", "");
        assert_eq!(
            block_of(&format!("{unset}{}", pdb("minAvailable: 1"))),
            None
        );
        // Scaled to zero: nothing to evict.
        let zero = DEPLOY.replace("REPLICAS", "  replicas: 0\n");
        assert_eq!(
            block_of(&format!("{zero}{}", pdb("maxUnavailable: 0"))),
            None
        );
    }
}
