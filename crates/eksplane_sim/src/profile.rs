//! From the inputs' `WorkloadProfile` objects (eksplane.io/v1alpha1, see
//! docs/workload-profile.md) to a [`WorkloadSpec`]. Curves keep the profile's
//! semantics exactly: `steps`, `series` and `csv` hold each value until the
//! next sample; `diurnal` is sampled from the model's own curve once a
//! minute over the run (so its plateau, `hold`, is honoured). CSV files are
//! read by the caller (`read`), relative to the profile's file.

use crate::workload::{
    JobArrivals, NodeClassChange, ReplicaCurve, Rollout, WorkloadCurve, WorkloadSpec,
};
use eksplane_model::plan::{CsvSample, ReplicaCurve as Curve, parse_replica_csv};
use eksplane_model::{GoDuration, Platform};

/// Resolution at which a diurnal curve is sampled.
const DIURNAL_STEP_SECONDS: u64 = 60;

/// The spec of every WorkloadProfile in `p`, for a run of `duration_seconds`.
/// `read(path, profile_file)` returns a CSV file's text. Problems (a CSV
/// that cannot be read or parsed) are returned as messages naming the file.
pub fn spec_from_profiles(
    p: &Platform,
    duration_seconds: u64,
    read: &dyn Fn(&str, &str) -> Result<String, String>,
    profile_file: &dyn Fn(&eksplane_model::plan::WorkloadProfile) -> String,
) -> Result<WorkloadSpec, Vec<String>> {
    let mut spec = WorkloadSpec::default();
    let mut problems = Vec::new();
    for prof in &p.workload_profiles {
        for w in &prof.spec.workloads {
            let name = format!(
                "{}/{}",
                w.value.name.value.namespace, w.value.name.value.name
            );
            if let Some(curve) = &w.value.replicas {
                let steps: Option<Vec<(u64, u32)>> = match &curve.value {
                    Curve::Steps(pts) | Curve::Series(pts) => Some(
                        pts.iter()
                            .map(|x| (x.value.at.value.as_secs(), x.value.replicas.value))
                            .collect(),
                    ),
                    Curve::Diurnal(d) => Some(
                        (0..=duration_seconds / DIURNAL_STEP_SECONDS)
                            .map(|i| {
                                let t = i * DIURNAL_STEP_SECONDS;
                                (t, d.replicas_at(GoDuration::from_secs(t)))
                            })
                            .collect(),
                    ),
                    Curve::Csv(path) => {
                        let file = profile_file(prof);
                        match read(&path.value, &file)
                            .and_then(|text| parse_replica_csv(&text).map_err(|e| e.to_string()))
                        {
                            Ok(samples) => Some(
                                samples
                                    .iter()
                                    .map(|s: &CsvSample| (s.at.as_secs(), s.replicas))
                                    .collect(),
                            ),
                            Err(e) => {
                                problems.push(format!(
                                    "{file}: replicas csv {:?} for {name}: {e}",
                                    path.value
                                ));
                                None
                            }
                        }
                    }
                };
                if let Some(points) = steps.filter(|s| !s.is_empty()) {
                    spec.curves.push(WorkloadCurve {
                        workload: name.clone(),
                        replicas: ReplicaCurve::Steps(points),
                    });
                }
            }
            for r in &w.value.rollouts {
                // maxSurge as a count of the declared replicas (25% default,
                // rounded up as Kubernetes rounds maxSurge).
                let declared = p
                    .workloads
                    .iter()
                    .find(|x| w.value.name.value.matches(x))
                    .and_then(|x| x.effective_replicas())
                    .map_or(1, |n| u32::try_from(n.max(1)).unwrap_or(1));
                spec.rollouts.push(Rollout {
                    workload: name.clone(),
                    at_seconds: r.value.at.value.as_secs(),
                    max_surge: r.value.max_surge().resolve(declared, true).max(1),
                });
            }
        }
        for c in &prof.spec.node_class_changes {
            spec.node_class_changes.push(NodeClassChange {
                at_seconds: c.value.at.value.as_secs(),
                node_class: c.value.node_class.value.clone(),
                change: c
                    .value
                    .change
                    .as_ref()
                    .map_or_else(|| "changed".to_string(), |x| x.value.clone()),
            });
        }
        for j in &prof.spec.jobs {
            spec.jobs.push(JobArrivals {
                workload: format!(
                    "{}/{}",
                    j.value.name.value.namespace, j.value.name.value.name
                ),
                every_seconds: j.value.every.value.as_secs().max(1),
                start_seconds: j.value.start().as_secs(),
                duration_seconds: j.value.duration.value.as_secs(),
                parallelism: j.value.parallelism.as_ref().map_or(1, |p| p.value),
            });
        }
    }
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems)
    }
}
