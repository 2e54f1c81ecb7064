//! The workload file's Rust shape: how the inputs' workloads change over a
//! simulated run. The YAML format and its parser live with the CLI; this is
//! the contract both sides agree on.
//!
//! Every entry names a workload of the inputs as `namespace/name` (a
//! Deployment, StatefulSet or Job; `default/` when the object has no
//! namespace). Times are seconds from the start of the run.
//!
//! - [`ReplicaCurve`]: a Deployment's or StatefulSet's replicas over time.
//!   Workloads without a curve run at their declared replicas.
//! - [`JobArrivals`]: a Job started every `every_seconds` (first at `start_seconds`),
//!   `parallelism` pods each running `duration_seconds` once started. Jobs
//!   without arrivals run once from t = 0 with their declared parallelism for
//!   the whole run; CronJobs run only when given arrivals.
//! - [`Rollout`]: a rolling update at `at_seconds`: every pod is replaced,
//!   `max_surge` new pods at a time, an old pod deleted once a new one runs
//!   (`maxUnavailable: 0`).
//!
//! ```text
//! WorkloadSpec {
//!   curves:   [ { workload: "shop/web", replicas: Diurnal { trough: 20, peak: 200,
//!                 peak_at_seconds: 50400, ramp_seconds: 21600 } } ],
//!   jobs:     [ { workload: "batch/report", every_seconds: 3600,
//!                 duration_seconds: 900, parallelism: 10 } ],
//!   rollouts: [ { workload: "shop/web", at_seconds: 7200, max_surge: 25 } ],
//! }
//! ```

use serde::Serialize;

/// How a workload's replicas change over the run.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WorkloadSpec {
    pub curves: Vec<WorkloadCurve>,
    pub jobs: Vec<JobArrivals>,
    pub rollouts: Vec<Rollout>,
    /// EC2NodeClass changes: the nodes of the pools using the class drift.
    pub node_class_changes: Vec<NodeClassChange>,
}

/// An EC2NodeClass edited at `at_seconds`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeClassChange {
    pub at_seconds: u64,
    pub node_class: String,
    pub change: String,
}

/// One workload's replica curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadCurve {
    /// `namespace/name` of a Deployment or StatefulSet in the inputs.
    pub workload: String,
    pub replicas: ReplicaCurve,
}

/// Replicas as a function of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaCurve {
    /// Piecewise constant: `(seconds, replicas)`, each value holding until the
    /// next point; before the first point, the first value.
    Steps(Vec<(u64, u32)>),
    /// A 24 h cycle: `peak` at `peak_at_seconds` (mod 86,400), falling along a
    /// half cosine to `trough` at `ramp_seconds` either side, `trough` beyond.
    Diurnal {
        trough: u32,
        peak: u32,
        peak_at_seconds: u64,
        ramp_seconds: u64,
    },
    /// Measured points (a CSV of `time,replicas`), linearly interpolated and
    /// rounded; held flat before the first and after the last point.
    Series(Vec<(u64, u32)>),
}

/// Length of the diurnal cycle.
pub const DAY_SECONDS: u64 = 86_400;

impl ReplicaCurve {
    /// Replicas at `t` seconds.
    pub fn at(&self, t: u64) -> u32 {
        match self {
            ReplicaCurve::Steps(points) => {
                let mut v = points.first().map_or(0, |p| p.1);
                for &(s, r) in points {
                    if s <= t {
                        v = r;
                    } else {
                        break;
                    }
                }
                v
            }
            ReplicaCurve::Series(points) => {
                let Some(first) = points.first() else {
                    return 0;
                };
                if t <= first.0 {
                    return first.1;
                }
                for w in points.windows(2) {
                    let (t0, r0) = w[0];
                    let (t1, r1) = w[1];
                    if t >= t0 && t <= t1 {
                        if t1 == t0 {
                            return r1;
                        }
                        let f = (t - t0) as f64 / (t1 - t0) as f64;
                        return (f64::from(r0) + f * (f64::from(r1) - f64::from(r0))).round()
                            as u32;
                    }
                }
                points.last().map_or(0, |p| p.1)
            }
            ReplicaCurve::Diurnal {
                trough,
                peak,
                peak_at_seconds,
                ramp_seconds,
            } => {
                let tod = t % DAY_SECONDS;
                let p = peak_at_seconds % DAY_SECONDS;
                let d = tod.abs_diff(p);
                let d = d.min(DAY_SECONDS - d);
                if *ramp_seconds == 0 || d >= *ramp_seconds {
                    return if d == 0 { *peak } else { *trough };
                }
                let x = d as f64 / *ramp_seconds as f64;
                let shape = 0.5 * (1.0 + (std::f64::consts::PI * x).cos());
                let lo = f64::from(*trough);
                let hi = f64::from(*peak);
                (lo + (hi - lo) * shape).round().max(0.0) as u32
            }
        }
    }
}

/// Jobs started at a fixed interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobArrivals {
    /// `namespace/name` of a Job (or CronJob) in the inputs: its pod template.
    pub workload: String,
    pub every_seconds: u64,
    /// The first arrival (0: at the start of the run).
    pub start_seconds: u64,
    pub duration_seconds: u64,
    pub parallelism: u32,
}

/// A rolling update.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollout {
    /// `namespace/name` of a Deployment or StatefulSet in the inputs.
    pub workload: String,
    pub at_seconds: u64,
    /// Pods above the desired count during the rollout (at least 1).
    pub max_surge: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_hold_until_the_next_point() {
        let c = ReplicaCurve::Steps(vec![(0, 2), (100, 5), (200, 1)]);
        assert_eq!([c.at(0), c.at(99), c.at(100), c.at(250)], [2, 2, 5, 1]);
    }

    #[test]
    fn series_interpolates() {
        let c = ReplicaCurve::Series(vec![(0, 0), (100, 10)]);
        assert_eq!([c.at(0), c.at(50), c.at(100), c.at(1000)], [0, 5, 10, 10]);
    }

    #[test]
    fn diurnal_peaks_and_troughs() {
        let c = ReplicaCurve::Diurnal {
            trough: 10,
            peak: 110,
            peak_at_seconds: 43_200,
            ramp_seconds: 21_600,
        };
        assert_eq!(c.at(43_200), 110);
        assert_eq!(c.at(43_200 - 10_800), 60);
        assert_eq!(c.at(0), 10);
        assert_eq!(c.at(43_200 + DAY_SECONDS), 110);
    }
}
