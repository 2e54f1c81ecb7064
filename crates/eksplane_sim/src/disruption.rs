//! Karpenter's disruption vocabulary: reasons, NodePool disruption budgets
//! (nodes or a percentage, per reason, with a cron schedule and a duration),
//! disruption cost, and PodDisruptionBudgets' allowed evictions.
//!
//! Sources: kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go
//! (`GetAllowedDisruptionsByReason`, `Budget.GetAllowedDisruptions`,
//! `Budget.IsActive`), pkg/controllers/disruption/helpers.go
//! (`BuildDisruptionBudgetMapping`), pkg/utils/disruption/disruption.go
//! (`EvictionCost`, `ReschedulingCost`, `LifetimeRemaining`); Kubernetes
//! pkg/controller/disruption/disruption.go (PDB `disruptionsAllowed`).
//!
//! The simulated clock starts at [`CLOCK_ORIGIN`], 00:00 UTC on a Monday, so
//! that budget schedules ("0 9 * * 1-5") have days to match.

use crate::filter;
use eksplane_model::KubeObject;
use eksplane_model::k8s::{IntOrString, PodDisruptionBudget, Workload};
use eksplane_model::karpenter::{Budget, NodePool};

/// The pod annotation that blocks voluntary disruption of its node
/// (karpenter.sh/docs/concepts/disruption/, "Pod-Level Controls").
pub const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";

/// A NodePool's disruption settings beyond consolidation policy and
/// consolidateAfter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolDisruption {
    pub budgets: Vec<PoolBudget>,
    /// `spec.template.spec.expireAfter` (v1 default 720h; `Never`: `None`).
    pub expire_after_seconds: Option<u64>,
    /// `spec.template.spec.terminationGracePeriod`: how long a drain may be
    /// blocked (by PDBs, do-not-disrupt) before pods are deleted anyway.
    pub termination_grace_seconds: Option<u64>,
    /// `spec.template.spec.nodeClassRef.name`, for drift on a class change.
    pub node_class: Option<String>,
}

impl PoolDisruption {
    /// Reads the NodePool; problems (unreadable budgets) go to `notes`.
    pub fn from_node_pool(np: &NodePool, notes: &mut Vec<String>) -> PoolDisruption {
        let mut budgets = Vec::new();
        for b in np.spec.disruption.iter().flat_map(|d| d.budgets.iter()) {
            let (pb, problem) = PoolBudget::from_model(&b.value);
            if let Some(p) = problem {
                notes.push(format!("nodepool {}: {p}", np.name()));
            }
            budgets.push(pb);
        }
        let tpl = &np.spec.template.spec;
        // karpenter.sh/docs/concepts/nodepools/ "spec.template.spec.expireAfter":
        // default 720h.
        let expire_after_seconds = match tpl.expire_after.as_ref().map(|s| s.value.as_str()) {
            None => Some(720 * 3600),
            Some("Never") => None,
            Some(d) => crate::inputs::parse_duration(d),
        };
        PoolDisruption {
            budgets,
            expire_after_seconds,
            termination_grace_seconds: tpl
                .termination_grace_period
                .as_ref()
                .and_then(|s| crate::inputs::parse_duration(&s.value)),
            node_class: tpl.node_class_ref.as_ref().map(|r| r.value.name.clone()),
        }
    }
}

/// The PDBs of the inputs over the pod workloads (same namespace, selector
/// over template labels); `pods[i]`: the i-th shape's workload.
pub fn pdbs(pdbs: &[PodDisruptionBudget], pods: &[&Workload]) -> Vec<Pdb> {
    let iop = |v: &Option<eksplane_source::Spanned<IntOrString>>| {
        v.as_ref().and_then(|v| match &v.value {
            IntOrString::Int(i) => u32::try_from(*i).ok().map(IntOrPercent::Int),
            IntOrString::String(s) => IntOrPercent::parse(s),
        })
    };
    pdbs.iter()
        .map(|p| {
            let ns = p.namespace().unwrap_or("default");
            let selects =
                pods.iter()
                    .enumerate()
                    .filter(|(_, w)| w.namespace().unwrap_or("default") == ns)
                    .filter(|(_, w)| {
                        p.spec.selector.as_ref().is_some_and(|s| {
                            filter::selector_matches(s, &w.template.metadata.labels)
                        })
                    })
                    .map(|(i, _)| i)
                    .collect();
            Pdb {
                key: format!("{ns}/{}", p.name()),
                selects,
                min_available: iop(&p.spec.min_available),
                max_unavailable: iop(&p.spec.max_unavailable),
            }
        })
        .collect()
}

/// Simulated t = 0: 2026-01-05T00:00:00Z, a Monday.
pub const CLOCK_ORIGIN: &str = "2026-01-05T00:00:00Z";
/// Days from 1970-01-01 to [`CLOCK_ORIGIN`].
const ORIGIN_DAYS: i64 = 20_458;

/// Why a node is disrupted (pkg/apis/v1/nodepool.go `DisruptionReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Reason {
    Empty,
    Drifted,
    Underutilized,
}

impl Reason {
    /// The CRD's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "Empty",
            Reason::Drifted => "Drifted",
            Reason::Underutilized => "Underutilized",
        }
    }

    fn parse(s: &str) -> Option<Reason> {
        match s {
            "Empty" => Some(Reason::Empty),
            "Drifted" => Some(Reason::Drifted),
            "Underutilized" => Some(Reason::Underutilized),
            _ => None,
        }
    }
}

/// A count or a percentage (an `intstr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(u32),
    Percent(u32),
}

impl IntOrPercent {
    pub fn parse(s: &str) -> Option<IntOrPercent> {
        let s = s.trim();
        match s.strip_suffix('%') {
            Some(p) => p.parse().ok().map(IntOrPercent::Percent),
            None => s.parse().ok().map(IntOrPercent::Int),
        }
    }

    /// `intstr.GetScaledValueFromIntOrPercent(v, total, round_up)`.
    pub fn scaled(self, total: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let x = u64::from(p) * u64::from(total);
                let v = if round_up { x.div_ceil(100) } else { x / 100 };
                u32::try_from(v).unwrap_or(u32::MAX)
            }
        }
    }
}

/// One `spec.disruption.budgets` entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolBudget {
    pub nodes: IntOrPercent,
    /// Empty: every reason.
    pub reasons: Vec<Reason>,
    /// Active for `duration` seconds after each hit of the schedule.
    pub window: Option<(Cron, u64)>,
}

impl PoolBudget {
    /// Parses a budget; a malformed one fails closed (0 nodes), as Karpenter
    /// does ("If the budget is misconfigured, fail closed").
    pub fn from_model(b: &Budget) -> (PoolBudget, Option<String>) {
        let mut problem = None;
        let nodes = IntOrPercent::parse(if b.nodes.is_empty() { "10%" } else { &b.nodes })
            .unwrap_or_else(|| {
                problem = Some(format!(
                    "budget nodes {:?} is not a count or a percentage: read as 0",
                    b.nodes
                ));
                IntOrPercent::Int(0)
            });
        let reasons = b.reasons.iter().filter_map(|r| Reason::parse(r)).collect();
        let window = match (&b.schedule, &b.duration) {
            (Some(s), Some(d)) => match (Cron::parse(s), crate::inputs::parse_duration(d)) {
                (Some(c), Some(d)) => Some((c, d)),
                _ => {
                    problem = Some(format!(
                        "budget schedule {s:?} / duration {d:?} unreadable: the budget is read as 0 nodes at all times"
                    ));
                    return (
                        PoolBudget {
                            nodes: IntOrPercent::Int(0),
                            reasons,
                            window: None,
                        },
                        problem,
                    );
                }
            },
            _ => None,
        };
        (
            PoolBudget {
                nodes,
                reasons,
                window,
            },
            problem,
        )
    }

    /// `Budget.IsActive`: the last schedule hit is within `duration` of `t`.
    pub fn active(&self, t: u64) -> bool {
        match &self.window {
            None => true,
            Some((cron, duration)) => {
                // robfig/cron `Next(now - duration)`: the first hit strictly
                // after the checkpoint, active while it is not after now.
                let now_min = t / 60;
                let from = match t.checked_sub(*duration) {
                    Some(c) => c / 60 + 1,
                    None => 0,
                };
                (from..=now_min).any(|m| cron.hits(m))
            }
        }
    }
}

/// `GetAllowedDisruptionsByReason`: the smallest active budget that applies
/// to `reason`; no budgets is the CRD default, one of `10%`. `None`: unbounded.
pub fn allowed_disruptions(
    budgets: &[PoolBudget],
    nodes: u32,
    reason: Reason,
    t: u64,
) -> Option<u32> {
    let default = [PoolBudget {
        nodes: IntOrPercent::Percent(10),
        reasons: Vec::new(),
        window: None,
    }];
    let budgets = if budgets.is_empty() {
        &default[..]
    } else {
        budgets
    };
    budgets
        .iter()
        .filter(|b| b.reasons.is_empty() || b.reasons.contains(&reason))
        .filter(|b| b.active(t))
        .map(|b| b.nodes.scaled(nodes, true))
        .min()
}

/// A standard five-field cron schedule in UTC (minute hour day-of-month
/// month day-of-week) or a macro (`@daily`, ...), as robfig/cron's
/// `ParseStandard` reads it (Karpenter's budgets use it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

impl Cron {
    pub fn parse(s: &str) -> Option<Cron> {
        let s = s.trim();
        let expanded = match s {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let f: Vec<&str> = expanded.split_whitespace().collect();
        if f.len() != 5 {
            return None;
        }
        let dow = field(f[4], 0, 7)?;
        // 7 is Sunday too.
        let dow = if dow & (1 << 7) != 0 {
            (dow | 1) & !(1 << 7)
        } else {
            dow
        };
        Some(Cron {
            minute: field(f[0], 0, 59)?,
            hour: field(f[1], 0, 23)?,
            dom: field(f[2], 1, 31)?,
            month: field(f[3], 1, 12)?,
            dow,
            dom_star: f[2].starts_with('*') || f[2] == "?",
            dow_star: f[4].starts_with('*') || f[4] == "?",
        })
    }

    /// Whether the schedule fires at simulated minute `m`.
    pub fn hits(&self, m: u64) -> bool {
        let minute = m % 60;
        let hour = (m / 60) % 24;
        let day = (m / 1440) as i64 + ORIGIN_DAYS;
        let (_, month, dom) = civil_from_days(day);
        let dow = (day + 4).rem_euclid(7) as u64; // 1970-01-01 was a Thursday
        let bit = |set: u64, v: u64| set & (1 << v) != 0;
        // Vixie cron: when both day fields are restricted, either may match.
        let day_ok = if self.dom_star || self.dow_star {
            bit(self.dom, dom) && bit(self.dow, dow)
        } else {
            bit(self.dom, dom) || bit(self.dow, dow)
        };
        bit(self.minute, minute) && bit(self.hour, hour) && bit(self.month, month) && day_ok
    }
}

/// One cron field as a bit set over `lo..=hi`.
fn field(s: &str, lo: u64, hi: u64) -> Option<u64> {
    let mut set = 0u64;
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => (r, st.parse::<u64>().ok().filter(|&x| x > 0)?),
            None => (part, 1),
        };
        let (a, b) = if range == "*" || range == "?" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().ok()?, b.parse().ok()?)
        } else {
            let a: u64 = range.parse().ok()?;
            (a, if part.contains('/') { hi } else { a })
        };
        if a < lo || b > hi || a > b {
            return None;
        }
        let mut v = a;
        while v <= b {
            set |= 1 << v;
            v += step;
        }
    }
    Some(set)
}

/// (year, month 1-12, day 1-31) from days since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A PodDisruptionBudget over the simulator's workloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdb {
    /// `namespace/name`.
    pub key: String,
    /// Workloads (shape indices) whose pods the selector matches.
    pub selects: Vec<usize>,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
}

impl Pdb {
    /// `disruptionsAllowed` (kubernetes pkg/controller/disruption/disruption.go
    /// `getExpectedPodCount`, `updatePdbStatus`): `healthy - desiredHealthy`,
    /// with `expected` the controllers' scale. minAvailable percentages round
    /// up; maxUnavailable percentages round up too.
    pub fn allowed(&self, healthy: u32, expected: u32) -> u32 {
        let desired = match (self.max_unavailable, self.min_available) {
            (Some(mu), _) => expected.saturating_sub(mu.scaled(expected, true)),
            (None, Some(ma)) => ma.scaled(expected, true),
            // Neither set (policy/v1 has no default): nothing is required.
            (None, None) => 0,
        };
        healthy.saturating_sub(desired)
    }
}

/// `EvictionCost` of one pod without a deletion-cost annotation or
/// priority: 1.0; a candidate's disruption cost is the sum over its pods
/// times `LifetimeRemaining` (1.0 without expireAfter).
pub fn disruption_cost(pods: u32, age_seconds: u64, expire_after: Option<u64>) -> f64 {
    let remaining = match expire_after {
        Some(e) if e > 0 => ((e as f64 - age_seconds as f64) / e as f64).clamp(0.0, 1.0),
        _ => 1.0,
    };
    f64::from(pods) * remaining
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_a_monday_in_january_2026() {
        assert_eq!(civil_from_days(ORIGIN_DAYS), (2026, 1, 5));
        let weekdays = Cron::parse("0 0 * * 1").map(|c| c.hits(0));
        assert_eq!(weekdays, Some(true));
        let sunday = Cron::parse("0 0 * * 0").map(|c| c.hits(6 * 1440));
        assert_eq!(sunday, Some(true));
    }

    #[test]
    fn schedule_window_is_active_for_its_duration() {
        let b = PoolBudget {
            nodes: IntOrPercent::Int(0),
            reasons: Vec::new(),
            window: Cron::parse("0 9 * * 1-5").map(|c| (c, 8 * 3600)),
        };
        assert!(!b.active(8 * 3600 + 3599));
        assert!(b.active(9 * 3600));
        assert!(b.active(17 * 3600 - 10));
        assert!(!b.active(17 * 3600));
        // Saturday (day 5): inactive.
        assert!(!b.active(5 * 86_400 + 10 * 3600));
        assert_eq!(
            allowed_disruptions(std::slice::from_ref(&b), 10, Reason::Empty, 10 * 3600),
            Some(0)
        );
        assert_eq!(
            allowed_disruptions(&[b], 10, Reason::Empty, 20 * 3600),
            None
        );
    }

    #[test]
    fn budgets_round_up_and_filter_by_reason() {
        let b = |n: &str, r: &[Reason]| PoolBudget {
            nodes: IntOrPercent::parse(n).unwrap_or(IntOrPercent::Int(99)),
            reasons: r.to_vec(),
            window: None,
        };
        assert_eq!(allowed_disruptions(&[], 15, Reason::Empty, 0), Some(2));
        let set = [b("5%", &[]), b("0", &[Reason::Drifted])];
        assert_eq!(allowed_disruptions(&set, 10, Reason::Empty, 0), Some(1));
        assert_eq!(allowed_disruptions(&set, 10, Reason::Drifted, 0), Some(0));
    }

    #[test]
    fn pdb_allowed() {
        let p = |mu: Option<&str>, ma: Option<&str>| Pdb {
            key: "a/b".into(),
            selects: vec![0],
            min_available: ma.and_then(IntOrPercent::parse),
            max_unavailable: mu.and_then(IntOrPercent::parse),
        };
        assert_eq!(p(Some("1"), None).allowed(6, 6), 1);
        assert_eq!(p(Some("1"), None).allowed(5, 6), 0);
        assert_eq!(p(None, Some("50%")).allowed(6, 6), 3);
        assert_eq!(p(None, Some("100%")).allowed(6, 6), 0);
        assert_eq!(p(None, None).allowed(4, 6), 4);
    }

    #[test]
    fn cron_fields() {
        assert!(
            Cron::parse("*/15 2 * * *")
                .is_some_and(|c| c.hits(2 * 60 + 45) && !c.hits(2 * 60 + 44))
        );
        assert!(Cron::parse("61 * * * *").is_none());
        assert!(Cron::parse("@daily").is_some_and(|c| c.hits(1440) && !c.hits(1441)));
    }
}
