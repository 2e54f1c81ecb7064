//! How good is the packing: a lower bound on the hourly cost of the nodes
//! the peak needs, from the LP relaxation of covering the pods' requests.
//!
//! Pods are grouped into classes by the instance offerings they may use
//! (a NodePool's instance type at a capacity type, priced at its cheapest
//! zone). With `x_o` nodes of offering `o` (any real number >= 0) and
//! `f_co` the fraction of class `c`'s pods placed on offering `o`:
//!
//! ```text
//! minimise   sum_o price_o x_o
//! subject to sum_o f_co = 1                               for each class c
//!            sum_c demand_cr f_co <= capacity_or x_o       for each o, r in {cpu, memory, pods}
//! ```
//!
//! Every real packing is a solution of this LP (integer nodes, each pod on
//! one node), so its optimum is a lower bound on any packing's cost. What
//! the relaxation drops (whole nodes, whole pods, topology, NodePool
//! limits) only lowers it. Offerings another offering beats per dollar on
//! every resource, for the same classes or more, are left out first: they
//! never lower the optimum. Solved with `microlp` (pure Rust).

use serde::Serialize;

/// An instance offering: capacity for pods (allocatable minus DaemonSets)
/// and its price.
#[derive(Debug, Clone, PartialEq)]
pub struct Offering {
    /// `type/capacity-type` (`m6i.large/spot`), with the pool when several.
    pub name: String,
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub pods: u32,
    pub usd_per_hour: f64,
}

/// Pods alike in where they may run: their summed requests and the
/// offerings (indices) they may use.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub pods: u64,
    pub offerings: Vec<usize>,
}

/// The LP's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// The optimum: no packing of the demand costs less per hour.
    pub usd_per_hour: f64,
    /// Offerings in the LP after dominated ones were left out.
    pub offerings_used: usize,
    /// Offerings given.
    pub offerings_given: usize,
}

/// Why no bound: a class no offering can hold, or the solver failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    #[error("a class of pods has no offering that can hold one of them")]
    NoOffering,
    #[error("the LP solver failed: {0}")]
    Solver(String),
}

// Scales that keep the rows' coefficients near 1: cores, GiB, pods.
const CPU_UNIT: f64 = 1000.0;
const MEM_UNIT: f64 = 1024.0 * 1024.0 * 1024.0;

fn per_dollar(o: &Offering) -> [f64; 3] {
    let p = o.usd_per_hour.max(f64::MIN_POSITIVE);
    [
        o.cpu_millis as f64 / p,
        o.memory_bytes as f64 / p,
        f64::from(o.pods) / p,
    ]
}

/// Offerings that no other offering dominates (at least as much of every
/// resource per dollar, usable by every class that can use it); among
/// equals the first is kept.
pub fn undominated(offerings: &[Offering], classes: &[Class]) -> Vec<usize> {
    let n = offerings.len();
    let words = classes.len().div_ceil(64).max(1);
    let mut sets = vec![vec![0u64; words]; n];
    for (c, class) in classes.iter().enumerate() {
        for &o in &class.offerings {
            if let Some(set) = sets.get_mut(o) {
                set[c / 64] |= 1 << (c % 64);
            }
        }
    }
    let used: Vec<usize> = (0..n)
        .filter(|&o| sets[o].iter().any(|w| *w != 0) && offerings[o].usd_per_hour > 0.0)
        .collect();
    let pd: Vec<[f64; 3]> = offerings.iter().map(per_dollar).collect();
    let mut keep = Vec::new();
    for &o in &used {
        let dominated = used.iter().any(|&q| {
            if q == o {
                return false;
            }
            let superset = sets[o].iter().zip(&sets[q]).all(|(a, b)| a & !b == 0);
            if !superset {
                return false;
            }
            let ge = (0..3).all(|r| pd[q][r] >= pd[o][r]);
            let gt = (0..3).any(|r| pd[q][r] > pd[o][r]);
            let same_sets = sets[o] == sets[q];
            // Strictly better, or equal and earlier with the same classes.
            ge && (gt || !same_sets || q < o)
        });
        if !dominated {
            keep.push(o);
        }
    }
    keep
}

/// The LP lower bound on the hourly cost of holding `classes`.
pub fn lower_bound(offerings: &[Offering], classes: &[Class]) -> Result<Bound, BoundError> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOutcome};
    let classes: Vec<&Class> = classes
        .iter()
        .filter(|c| c.pods > 0 || c.cpu_millis > 0 || c.memory_bytes > 0)
        .collect();
    if classes.is_empty() {
        return Ok(Bound {
            usd_per_hour: 0.0,
            offerings_used: 0,
            offerings_given: offerings.len(),
        });
    }
    let owned: Vec<Class> = classes.iter().map(|c| (*c).clone()).collect();
    let keep = undominated(offerings, &owned);
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<Option<microlp::Variable>> = {
        let mut v = vec![None; offerings.len()];
        for &o in &keep {
            v[o] = Some(lp.add_var(offerings[o].usd_per_hour, (0.0, f64::INFINITY)));
        }
        v
    };
    // f[c] = (offering, variable) for the offerings class c may use.
    let mut rows: Vec<Vec<Vec<(microlp::Variable, f64)>>> =
        vec![vec![Vec::new(); 3]; offerings.len()];
    for c in &owned {
        let mut one = Vec::new();
        for &o in &c.offerings {
            let Some(Some(_)) = x.get(o) else {
                continue;
            };
            let f = lp.add_var(0.0, (0.0, 1.0));
            one.push((f, 1.0));
            let d = [
                c.cpu_millis as f64 / CPU_UNIT,
                c.memory_bytes as f64 / MEM_UNIT,
                c.pods as f64,
            ];
            for (r, dr) in d.into_iter().enumerate() {
                if dr > 0.0 {
                    rows[o][r].push((f, dr));
                }
            }
        }
        if one.is_empty() {
            return Err(BoundError::NoOffering);
        }
        lp.add_constraint(one.as_slice(), ComparisonOp::Eq, 1.0);
    }
    for &o in &keep {
        let Some(xo) = x[o] else { continue };
        let of = &offerings[o];
        let cap = [
            of.cpu_millis as f64 / CPU_UNIT,
            of.memory_bytes as f64 / MEM_UNIT,
            f64::from(of.pods),
        ];
        for r in 0..3 {
            if rows[o][r].is_empty() {
                continue;
            }
            let mut expr = std::mem::take(&mut rows[o][r]);
            expr.push((xo, -cap[r]));
            lp.add_constraint(expr.as_slice(), ComparisonOp::Le, 0.0);
        }
    }
    match lp.solve() {
        Ok(SolveOutcome::Solution(sol)) => Ok(Bound {
            usd_per_hour: sol.objective().max(0.0),
            offerings_used: keep.len(),
            offerings_given: offerings.len(),
        }),
        Ok(SolveOutcome::Interrupted(_)) => Err(BoundError::Solver("interrupted".into())),
        Err(e) => Err(BoundError::Solver(e.to_string())),
    }
}

/// The packing at the peak against the bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackingBound {
    /// When the provisioned hourly cost peaked.
    pub t_seconds: u64,
    /// Pods (Pending or placed) then, in the bound.
    pub pods: u64,
    /// Pods no offering could hold, left out of the bound.
    pub pods_left_out: u64,
    /// The nodes' hourly price then.
    pub provisioned_usd_per_hour: f64,
    /// The LP lower bound for the same pods.
    pub bound_usd_per_hour: f64,
    /// How far above the bound the provisioned cost is, in percent.
    pub within_percent: f64,
    pub classes: usize,
    pub offerings_used: usize,
    pub offerings_given: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off(cpu: u64, mem_gib: u64, pods: u32, price: f64) -> Offering {
        Offering {
            name: format!("{cpu}/{mem_gib}/{pods}/{price}"),
            cpu_millis: cpu * 1000,
            memory_bytes: mem_gib << 30,
            pods,
            usd_per_hour: price,
        }
    }

    fn class(cpu: u64, mem_gib: u64, pods: u64, offerings: Vec<usize>) -> Class {
        Class {
            cpu_millis: cpu * 1000,
            memory_bytes: mem_gib << 30,
            pods,
            offerings,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn known_optima() {
        // 4 cores of demand, a 2-core node at $1: two nodes' worth.
        let b = lower_bound(&[off(2, 8, 110, 1.0)], &[class(4, 1, 4, vec![0])])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(close(b.usd_per_hour, 2.0), "{b:?}");
        // Memory binds: 32 GiB on 16 GiB nodes at $0.5.
        let b = lower_bound(&[off(8, 16, 110, 0.5)], &[class(1, 32, 2, vec![0])])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(close(b.usd_per_hour, 1.0), "{b:?}");
        // The cheaper per core wins: 8 cores on (4 cores, $1) vs (2 cores, $0.6).
        let b = lower_bound(
            &[off(4, 16, 110, 1.0), off(2, 8, 29, 0.6)],
            &[class(8, 1, 8, vec![0, 1])],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(close(b.usd_per_hour, 2.0), "{b:?}");
        assert_eq!(b.offerings_used, 1);
        // A class restricted to the dear offering pays for it.
        let b = lower_bound(
            &[off(4, 16, 110, 1.0), off(4, 16, 110, 2.0)],
            &[class(4, 1, 1, vec![0]), class(4, 1, 1, vec![1])],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(close(b.usd_per_hour, 3.0), "{b:?}");
        // Nothing to hold costs nothing; a class with no offering is an error.
        let b = lower_bound(&[off(2, 8, 110, 1.0)], &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.usd_per_hour, 0.0);
        assert_eq!(
            lower_bound(&[off(2, 8, 110, 1.0)], &[class(1, 1, 1, vec![])]),
            Err(BoundError::NoOffering)
        );
    }
}
