//! The WorkloadProfile kind: recognised by content, decoded with positions,
//! bad durations and percentages as positioned LOAD002s, references checked
//! against the inputs' workloads once every file is read, in any order.

use crate::{lines, load};
use eksplane_model::GoDuration;
use eksplane_model::KubeObject;
use eksplane_model::plan::{IntOrPercent, ReplicaCurve};

const WORKLOADS: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: db:1}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: batch}
spec:
  schedule: '*/15 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: r, image: r:1}]
";

const PROFILE: &str = "apiVersion: eksplane.io/v1alpha1
kind: WorkloadProfile
metadata:
  name: day
spec:
  workloads:
    - name: shop/web
      replicas:
        diurnal: {trough: 3, peak: 30, peakAt: 14h, ramp: 3h}
      rollouts:
        - {at: 2h, maxSurge: 25%}
    - name: shop/db
      kind: StatefulSet
      replicas:
        steps:
          - {at: 0s, replicas: 3}
          - {at: 1h30m, replicas: 5}
    - name: shop/web
      kind: Deployment
      rollouts:
        - {at: 20h, maxSurge: 2, maxUnavailable: 0}
  jobs:
    - name: batch/report
      every: 15m
      duration: 10m
      parallelism: 4
";

#[test]
fn loads_with_positions_in_any_file_order() {
    // The profile before the workloads it names: references resolve after
    // every file is read.
    let l = load(&[("profile.yaml", PROFILE), ("workloads.yaml", WORKLOADS)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.stats.unrecognised, 0);
    assert_eq!(l.platform.workload_profiles.len(), 1);
    assert_eq!(
        l.platform.inventory().kubernetes.get("WorkloadProfile"),
        Some(&1)
    );
    let p = &l.platform.workload_profiles[0];
    assert_eq!(p.name(), "day");
    assert_eq!(l.db.display(p.origin.span), "profile.yaml:1:1");
    let w = &p.spec.workloads;
    assert_eq!(l.db.display(w[0].value.name.span), "profile.yaml:7:13");
    let Some(ReplicaCurve::Diurnal(d)) = w[0].value.replicas.as_ref().map(|c| &c.value) else {
        panic!("diurnal")
    };
    assert_eq!(d.peak_at.value, GoDuration::from_secs(14 * 3600));
    assert_eq!(l.db.display(d.peak_at.span), "profile.yaml:9:48");
    assert_eq!(
        w[0].value.rollouts[0].value.max_surge(),
        IntOrPercent::Percent(25)
    );
    let Some(ReplicaCurve::Steps(s)) = w[1].value.replicas.as_ref().map(|c| &c.value) else {
        panic!("steps")
    };
    assert_eq!(s[1].value.at.value, GoDuration::from_secs(5400));
    assert_eq!(l.db.display(s[1].value.at.span), "profile.yaml:17:18");
    let r = &w[2].value.rollouts[0].value;
    assert_eq!(r.max_surge(), IntOrPercent::Count(2));
    assert_eq!(r.max_unavailable(), IntOrPercent::Count(0));
    let j = &p.spec.jobs[0].value;
    assert_eq!(j.every.value, GoDuration::from_secs(900));
    assert_eq!(l.db.display(j.duration.span), "profile.yaml:25:17");
}

#[test]
fn bad_durations_and_percentages_are_positioned_load002s() {
    let bad = PROFILE.replace("peakAt: 14h", "peakAt: 2pm");
    let l = load(&[("profile.yaml", &bad), ("workloads.yaml", WORKLOADS)]);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 profile.yaml:9:48 WorkloadProfile day: spec.workloads[0].replicas.diurnal.peakAt: invalid duration \"2pm\": unknown unit \"pm\"; use h, m or s"
        ]
    );
    assert!(l.has_input_errors());
    assert!(l.platform.workload_profiles.is_empty());
    // The workloads still load.
    assert_eq!(l.platform.workloads.len(), 3);

    let cases = [
        (
            "every: 15m",
            "every: 15",
            "LOAD002 profile.yaml:24:14 WorkloadProfile day: spec.jobs[0].every: invalid duration 15: a number needs a unit; write 15s, 15m or 15h",
        ),
        (
            "{at: 1h30m, replicas: 5}",
            "{at: 1.5h, replicas: 5}",
            "LOAD002 profile.yaml:17:18 WorkloadProfile day: spec.workloads[1].replicas.steps[1].at: invalid duration \"1.5h\": fractions are not supported; write 1h30m for 1.5h",
        ),
        (
            "maxSurge: 25%",
            "maxSurge: 25pc",
            "LOAD002 profile.yaml:11:30 WorkloadProfile day: spec.workloads[0].rollouts[0].maxSurge: invalid percentage \"25pc\": expected a whole number and %, e.g. 25%",
        ),
        (
            "- name: shop/db",
            "- name: db",
            "LOAD002 profile.yaml:12:13 WorkloadProfile day: spec.workloads[1].name: invalid workload reference \"db\": expected namespace/name, e.g. shop/web",
        ),
    ];
    for (from, to, want) in cases {
        let l = load(&[("profile.yaml", &PROFILE.replace(from, to))]);
        assert_eq!(lines(&l), vec![want.to_string()], "{to}");
    }
}

#[test]
fn cross_field_problems_keep_the_profile() {
    let bad = PROFILE
        .replace("trough: 3, peak: 30", "trough: 30, peak: 3")
        .replace("{at: 1h30m, replicas: 5}", "{at: 0s, replicas: 5}")
        .replace("duration: 10m", "duration: 0s");
    let l = load(&[("profile.yaml", &bad), ("workloads.yaml", WORKLOADS)]);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 profile.yaml:9:27 WorkloadProfile day: shop/web: diurnal trough 30 is above its peak 3",
            "LOAD002 profile.yaml:17:18 WorkloadProfile day: shop/db: steps at 0s does not come after 0s; list samples in time order",
            "LOAD002 profile.yaml:25:17 WorkloadProfile day: job batch/report: duration is 0s; give a positive duration",
        ]
    );
    assert_eq!(l.platform.workload_profiles.len(), 1);
}

#[test]
fn references_must_name_workloads_of_the_inputs() {
    let bad = PROFILE
        .replace("kind: StatefulSet", "kind: Deployment")
        .replace("- name: batch/report", "- name: batch/nightly");
    let l = load(&[("workloads.yaml", WORKLOADS), ("profile.yaml", &bad)]);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 profile.yaml:12:13 WorkloadProfile day: no Deployment shop/db in the inputs",
            "LOAD002 profile.yaml:23:13 WorkloadProfile day: no Job or CronJob batch/nightly in the inputs",
        ]
    );
    // Alone, the profile names nothing.
    let l = load(&[("profile.yaml", PROFILE)]);
    assert_eq!(lines(&l).len(), 4, "{:?}", lines(&l));
}

#[test]
fn the_simulate_example_loads_clean() {
    use eksplane_load::{Input, LoadOptions, load as load_inputs};
    let dir = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/simulate"
    ));
    let l = load_inputs(&[Input::Path(dir)], LoadOptions::default());
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let p = &l.platform.workload_profiles;
    assert_eq!(p.len(), 1);
    let forms: Vec<&str> = p[0]
        .spec
        .workloads
        .iter()
        .filter_map(|w| w.value.replicas.as_ref().map(|c| c.value.form()))
        .collect();
    assert_eq!(forms, vec!["diurnal", "diurnal", "steps", "series"]);
    assert_eq!(p[0].spec.jobs.len(), 2);
}
