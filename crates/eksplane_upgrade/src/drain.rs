//! What stops nodes from draining during the roll: PodDisruptionBudgets that
//! never allow an eviction, pods annotated `karpenter.sh/do-not-disrupt`,
//! NodePool disruption budgets of zero nodes.
//!
//! - The eviction API refuses an eviction that would break a PDB
//!   (<https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/>);
//!   `maxUnavailable: 0`, or `minAvailable` at or above the pods it covers,
//!   refuses them all (<https://kubernetes.io/docs/tasks/run-application/configure-pdb/>;
//!   percentages of `minAvailable` round up). A managed node group update
//!   gives up after 15 minutes of failed evictions unless forced
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html>,
//!   `PodEvictionFailure`); Karpenter waits, up to the NodePool's
//!   `terminationGracePeriod` when set.
//! - Karpenter does not voluntarily disrupt a node running a pod annotated
//!   `karpenter.sh/do-not-disrupt: "true"`, drift included, until the
//!   NodePool's `terminationGracePeriod` (<https://karpenter.sh/docs/concepts/disruption/#pod-level-controls>).
//! - A disruption budget of `nodes: "0"` with no schedule, for all reasons or
//!   for `Drifted`, stops drift for good (<https://karpenter.sh/docs/concepts/disruption/#disruption-budgets>;
//!   the CRD default budget is `nodes: 10%`).

use eksplane_facts::workloads::{PdbBlock as FactsBlock, Workloads, shown};
use eksplane_model::k8s::DO_NOT_DISRUPT;
use eksplane_model::karpenter::NodePool;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;

/// A percentage (`"25%"`) as a number.
fn percent(s: &str) -> Option<i64> {
    s.trim().strip_suffix('%')?.trim().parse().ok()
}

pub const SRC_PDB: &str = "https://kubernetes.io/docs/tasks/run-application/configure-pdb/";
pub const SRC_DO_NOT_DISRUPT: &str =
    "https://karpenter.sh/docs/concepts/disruption/#pod-level-controls";
pub const SRC_BUDGETS: &str = "https://karpenter.sh/docs/concepts/disruption/#disruption-budgets";

/// Why a PDB allows no eviction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdbBlock {
    MaxUnavailableZero {
        written: String,
    },
    /// `minAvailable: "100%"`.
    MinAvailableAll {
        written: String,
    },
    /// `minAvailable` (as a pod count) at or above the replicas it covers.
    MinAvailableAtReplicas {
        written: String,
        min_pods: i64,
        replicas: i64,
    },
}

/// A PDB that blocks the drain, with the workloads it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingPdb {
    pub pdb: String,
    pub span: Span,
    pub why: PdbBlock,
    /// `Kind/ns/name` of the workloads it selects.
    pub workloads: Vec<String>,
}

/// Every PDB that blocks the drain, judged as KAR003 judges it
/// ([`eksplane_facts::workloads::Workloads::pdb_blocks`]: HPA ceilings
/// counted, unknown counts never assumed).
pub fn blocking_pdbs(p: &Platform) -> Vec<BlockingPdb> {
    let workloads = Workloads::new(p);
    let mut out = Vec::new();
    for pdb in &p.pdbs {
        let Some(b) = workloads.pdb_blocks(pdb) else {
            continue;
        };
        let written = shown(&b.field.value);
        let why = match b.why {
            FactsBlock::MaxUnavailableZero => PdbBlock::MaxUnavailableZero { written },
            FactsBlock::MinAvailableAll => PdbBlock::MinAvailableAll { written },
            FactsBlock::MinAvailableAtReplicas { min_pods, replicas } => {
                PdbBlock::MinAvailableAtReplicas {
                    written,
                    min_pods,
                    replicas,
                }
            }
        };
        out.push(BlockingPdb {
            pdb: pdb.object_ref().to_string(),
            span: b.field.span,
            why,
            workloads: b
                .workloads
                .iter()
                .map(|w| w.workload.object_ref().to_string())
                .collect(),
        });
    }
    out
}

/// A workload whose pods carry `karpenter.sh/do-not-disrupt: "true"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoNotDisrupt {
    pub workload: String,
    pub span: Span,
}

pub fn do_not_disrupt(p: &Platform) -> Vec<DoNotDisrupt> {
    p.workloads
        .iter()
        .filter_map(|w| {
            let a = w.pod_annotation(DO_NOT_DISRUPT)?;
            (a.value.trim() == "true").then(|| DoNotDisrupt {
                workload: w.object_ref().to_string(),
                span: a.span,
            })
        })
        .collect()
}

/// Whether every NodePool bounds how long a blocked drain may wait.
pub fn pools_without_grace_period(p: &Platform) -> Vec<&NodePool> {
    p.node_pools
        .iter()
        .filter(|np| np.spec.template.spec.termination_grace_period.is_none())
        .collect()
}

/// A NodePool budget that allows no drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZeroBudget {
    pub pool: String,
    pub span: Span,
    /// `Some`: only within this schedule (cron) for `duration`.
    pub schedule: Option<(String, Option<String>)>,
}

fn is_zero(nodes: &str) -> bool {
    let t = nodes.trim();
    t == "0" || percent(t) == Some(0)
}

pub fn zero_budgets(p: &Platform) -> Vec<ZeroBudget> {
    let mut out = Vec::new();
    for np in &p.node_pools {
        let Some(d) = &np.spec.disruption else {
            continue;
        };
        for b in &d.budgets {
            let applies_to_drift =
                b.value.reasons.is_empty() || b.value.reasons.iter().any(|r| r == "Drifted");
            if applies_to_drift && is_zero(&b.value.nodes) {
                out.push(ZeroBudget {
                    pool: np.object_ref().to_string(),
                    span: b.span,
                    schedule: b
                        .value
                        .schedule
                        .clone()
                        .map(|s| (s, b.value.duration.clone())),
                });
            }
        }
    }
    out
}

/// The drift budget of a NodePool as a fraction of its nodes, or a count:
/// the smallest budget without a schedule that applies to drift (CRD default
/// `10%` when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftBudget {
    Percent(u32),
    Nodes(u32),
}

pub fn drift_budget(np: &NodePool) -> DriftBudget {
    let mut best: Option<DriftBudget> = None;
    let budgets = np
        .spec
        .disruption
        .as_ref()
        .map(|d| d.budgets.as_slice())
        .unwrap_or_default();
    for b in budgets {
        let b = &b.value;
        if b.schedule.is_some() {
            continue;
        }
        if !(b.reasons.is_empty() || b.reasons.iter().any(|r| r == "Drifted")) {
            continue;
        }
        let t = b.nodes.trim();
        let this = if let Some(pct) = percent(t) {
            DriftBudget::Percent(u32::try_from(pct.max(0)).unwrap_or(0))
        } else if let Ok(n) = t.parse::<u32>() {
            DriftBudget::Nodes(n)
        } else {
            continue;
        };
        best = Some(match best {
            None => this,
            // Keep the tighter of a percentage and a count per pool size at use.
            Some(prev) => match (prev, this) {
                (DriftBudget::Percent(a), DriftBudget::Percent(b)) => {
                    DriftBudget::Percent(a.min(b))
                }
                (DriftBudget::Nodes(a), DriftBudget::Nodes(b)) => DriftBudget::Nodes(a.min(b)),
                (DriftBudget::Nodes(n), _) | (_, DriftBudget::Nodes(n)) => DriftBudget::Nodes(n),
            },
        });
    }
    best.unwrap_or(DriftBudget::Percent(10))
}

impl DriftBudget {
    /// Nodes that may be disrupted at once out of `nodes`: a percentage
    /// rounds up (Karpenter `GetAllowedDisruptionsByReason`,
    /// `intstr.GetScaledValueFromIntOrPercent(..., roundUp=true)`).
    pub fn allowed(self, nodes: u32) -> u32 {
        match self {
            DriftBudget::Nodes(n) => n.min(nodes),
            DriftBudget::Percent(p) => {
                let scaled = u64::from(nodes) * u64::from(p);
                u32::try_from(scaled.div_ceil(100)).unwrap_or(u32::MAX)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_budgets_round_up() {
        assert_eq!(DriftBudget::Percent(10).allowed(19), 2);
        assert_eq!(DriftBudget::Percent(10).allowed(10), 1);
        assert_eq!(DriftBudget::Percent(10).allowed(1), 1);
        assert_eq!(DriftBudget::Percent(10).allowed(0), 0);
        assert_eq!(DriftBudget::Nodes(3).allowed(2), 2);
        assert_eq!(DriftBudget::Percent(0).allowed(50), 0);
    }

    #[test]
    fn zero_budgets_are_recognised() {
        assert!(is_zero("0"));
        assert!(is_zero(" 0% "));
        assert!(!is_zero("10%"));
        assert!(!is_zero("1"));
    }
}
