//! `eksplane.io/v1alpha1` WorkloadProfile: how the inputs' workloads move over
//! time, for `eksplane simulate`. Each entry names a Deployment, StatefulSet
//! or Job of the inputs and gives its replica count as a curve (steps, a
//! diurnal shape, inline samples or a CSV file), plus rollouts; `jobs` gives
//! Job arrivals. Documented field by field in `docs/workload-profile.md`.
//!
//! ```yaml
//! apiVersion: eksplane.io/v1alpha1
//! kind: WorkloadProfile
//! metadata:
//!   name: shop-day
//! spec:
//!   workloads:
//!     - name: shop/web
//!       replicas:
//!         diurnal: {trough: 6, peak: 40, peakAt: 14h, ramp: 4h}
//!       rollouts:
//!         - {at: 10h, maxSurge: 25%}
//!     - name: shop/checkout
//!       replicas:
//!         steps:
//!           - {at: 0s, replicas: 3}
//!           - {at: 8h, replicas: 12}
//!     - name: shop/search
//!       replicas:
//!         series: [[0s, 4], [6h, 8], [18h, 4]]
//!   jobs:
//!     - {name: batch/report, every: 1h, duration: 20m, parallelism: 4}
//! ```
//!
//! Durations are [`GoDuration`]s and counts unsigned integers, checked while
//! decoding: a malformed one fails the object with its position.
//! [`WorkloadProfile::problems`] adds the checks across fields, and
//! [`WorkloadProfile::unresolved`] those against the inputs' workloads. A CSV
//! curve names a file; the model does no I/O, so the binary reads it
//! (relative to the profile's directory) and parses it with [`parse_replica_csv`].

use super::network_plan::PlanProblem;
use crate::duration::GoDuration;
use crate::k8s::{Workload, WorkloadKind};
use crate::kube_object;
use crate::meta::{KubeObject, ObjectMeta, Origin};
use eksplane_source::{Span, Spanned};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// The period of a [`Diurnal`] curve: one day.
pub const DAY: GoDuration = GoDuration::from_secs(24 * 3600);

/// A WorkloadProfile object. Cluster-scoped: `metadata.namespace` is ignored;
/// each entry names its workload's namespace.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WorkloadProfile {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: WorkloadProfileSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(WorkloadProfile, "WorkloadProfile", cluster);

/// `spec`. Unknown fields are refused, so a typo is an error rather than a
/// silently flat profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadProfileSpec {
    /// `spec.workloads`: replica curves and rollouts. A workload of the
    /// inputs that is not listed runs at its declared replicas throughout.
    #[serde(default)]
    pub workloads: Vec<Spanned<ProfiledWorkload>>,
    /// `spec.jobs`: Jobs started on a fixed period.
    #[serde(default)]
    pub jobs: Vec<Spanned<JobArrivals>>,
    /// `spec.nodeClassChanges`: an EC2NodeClass edited during the run (an
    /// AMI alias bumped, a security group added): the nodes of every
    /// NodePool that uses it drift (karpenter.sh/docs/concepts/disruption/,
    /// "Drift").
    #[serde(default)]
    pub node_class_changes: Vec<Spanned<NodeClassChange>>,
}

/// One EC2NodeClass change at a time of the run.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeClassChange {
    /// When the change is applied.
    pub at: Spanned<GoDuration>,
    /// The EC2NodeClass's name.
    pub node_class: Spanned<String>,
    /// What changed, for the report (e.g. `amiSelectorTerms alias al2023@v20250115`).
    #[serde(default)]
    pub change: Option<Spanned<String>>,
}

/// A `namespace/name` reference to an object of the inputs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadRef {
    pub namespace: String,
    pub name: String,
}

impl WorkloadRef {
    /// Parses `namespace/name`; both parts non-empty, one slash.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.split_once('/') {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                Ok(WorkloadRef {
                    namespace: ns.to_string(),
                    name: name.to_string(),
                })
            }
            _ => Err(format!(
                "invalid workload reference {text:?}: expected namespace/name, e.g. shop/web"
            )),
        }
    }

    /// Whether `w` is the object this names (namespace and name).
    pub fn matches(&self, w: &Workload) -> bool {
        w.name() == self.name && w.namespace() == Some(self.namespace.as_str())
    }
}

impl fmt::Display for WorkloadRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

impl<'de> Deserialize<'de> for WorkloadRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WorkloadRef::parse(&s).map_err(de::Error::custom)
    }
}

/// The kinds a `spec.workloads` entry may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum ProfiledKind {
    Deployment,
    StatefulSet,
    Job,
}

impl ProfiledKind {
    pub fn workload_kind(self) -> WorkloadKind {
        match self {
            ProfiledKind::Deployment => WorkloadKind::Deployment,
            ProfiledKind::StatefulSet => WorkloadKind::StatefulSet,
            ProfiledKind::Job => WorkloadKind::Job,
        }
    }
}

/// One entry of `spec.workloads`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfiledWorkload {
    /// `namespace/name` of a Deployment, StatefulSet or Job of the inputs.
    pub name: Spanned<WorkloadRef>,
    /// Which kind, when a Deployment and a StatefulSet share the name.
    pub kind: Option<Spanned<ProfiledKind>>,
    /// The replica curve; without it the declared replicas hold (rollouts
    /// still apply).
    pub replicas: Option<Spanned<ReplicaCurve>>,
    /// Rollouts of a new revision: every pod is replaced, in surge-sized
    /// batches for a Deployment, one at a time for a StatefulSet.
    #[serde(default)]
    pub rollouts: Vec<Spanned<Rollout>>,
}

/// A replica count over time. Exactly one form is given.
///
/// `steps`, `series` and `csv` are samples: each value holds from its time
/// until the next sample; before the first sample the workload runs at its
/// declared replicas. They differ only in how they are written.
#[derive(Debug, Clone)]
pub enum ReplicaCurve {
    /// `steps: [{at: 0s, replicas: 3}, ...]`.
    Steps(Vec<Spanned<ReplicaPoint>>),
    /// `diurnal: {trough, peak, peakAt, ramp, hold}`: a daily shape.
    Diurnal(Diurnal),
    /// `csv: path.csv`: samples in a file of `time,replicas` lines, relative
    /// to the profile's directory; parsed with [`parse_replica_csv`].
    Csv(Spanned<String>),
    /// `series: [[0s, 3], [1h, 5]]`: samples inline.
    Series(Vec<Spanned<ReplicaPoint>>),
}

/// The mapping as written; [`ReplicaCurve`] is built from it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCurve {
    steps: Option<Vec<Spanned<ReplicaPoint>>>,
    diurnal: Option<Diurnal>,
    csv: Option<Spanned<String>>,
    series: Option<Vec<Spanned<ReplicaPoint>>>,
}

impl<'de> Deserialize<'de> for ReplicaCurve {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawCurve::deserialize(d)?;
        let given: Vec<&str> = [
            raw.steps.as_ref().map(|_| "steps"),
            raw.diurnal.as_ref().map(|_| "diurnal"),
            raw.csv.as_ref().map(|_| "csv"),
            raw.series.as_ref().map(|_| "series"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            return Err(de::Error::custom(format!(
                "replicas takes exactly one of steps, diurnal, csv or series; found {}",
                if given.is_empty() {
                    "none".to_string()
                } else {
                    given.join(" and ")
                }
            )));
        }
        Ok(match raw {
            RawCurve { steps: Some(s), .. } => ReplicaCurve::Steps(s),
            RawCurve {
                diurnal: Some(x), ..
            } => ReplicaCurve::Diurnal(x),
            RawCurve { csv: Some(c), .. } => ReplicaCurve::Csv(c),
            RawCurve {
                series: Some(s), ..
            } => ReplicaCurve::Series(s),
            _ => return Err(de::Error::custom("replicas: no curve")),
        })
    }
}

impl ReplicaCurve {
    /// The form's name as written in the file.
    pub fn form(&self) -> &'static str {
        match self {
            ReplicaCurve::Steps(_) => "steps",
            ReplicaCurve::Diurnal(_) => "diurnal",
            ReplicaCurve::Csv(_) => "csv",
            ReplicaCurve::Series(_) => "series",
        }
    }

    /// The replicas at `t`, or `None` before the first sample (the declared
    /// replicas apply) and for `csv` (its samples are in a file: read it,
    /// then use [`held_value`]).
    pub fn replicas_at(&self, t: GoDuration) -> Option<u32> {
        match self {
            ReplicaCurve::Steps(p) | ReplicaCurve::Series(p) => held_value(
                p.iter().map(|x| (x.value.at.value, x.value.replicas.value)),
                t,
            ),
            ReplicaCurve::Diurnal(d) => Some(d.replicas_at(t)),
            ReplicaCurve::Csv(_) => None,
        }
    }
}

/// The value of the last sample at or before `t` (samples in time order).
pub fn held_value(
    samples: impl IntoIterator<Item = (GoDuration, u32)>,
    t: GoDuration,
) -> Option<u32> {
    samples
        .into_iter()
        .take_while(|(at, _)| *at <= t)
        .last()
        .map(|(_, r)| r)
}

/// A sample: from `at` (since the start of the simulation), `replicas`.
/// Written `{at: 2h, replicas: 5}` or `[2h, 5]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaPoint {
    pub at: Spanned<GoDuration>,
    pub replicas: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointMap {
    at: Spanned<GoDuration>,
    replicas: Spanned<u32>,
}

impl<'de> Deserialize<'de> for ReplicaPoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ReplicaPoint;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("{at: <duration>, replicas: <count>} or [<duration>, <count>]")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ReplicaPoint, A::Error> {
                let p = PointMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ReplicaPoint {
                    at: p.at,
                    replicas: p.replicas,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ReplicaPoint, A::Error> {
                let pair = "a sample is a pair [time, replicas], e.g. [1h30m, 5]";
                let at = seq
                    .next_element::<Spanned<GoDuration>>()?
                    .ok_or_else(|| de::Error::custom(pair))?;
                let replicas = seq
                    .next_element::<Spanned<u32>>()?
                    .ok_or_else(|| de::Error::custom(pair))?;
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(pair));
                }
                Ok(ReplicaPoint { at, replicas })
            }
        }
        d.deserialize_any(V)
    }
}

/// `diurnal`: a curve repeating every 24 hours. The count is `peak` for
/// `hold` centred on `peakAt` (time of day, from the start of the
/// simulation), falls to `trough` over `ramp` on either side along half a
/// cosine, and stays at `trough` for the rest of the day.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Diurnal {
    pub trough: Spanned<u32>,
    pub peak: Spanned<u32>,
    /// Time of day of the peak's middle, under 24h.
    pub peak_at: Spanned<GoDuration>,
    /// How long the climb from trough to peak (and the fall back) takes.
    pub ramp: Spanned<GoDuration>,
    /// How long the peak lasts; default 0 (a single instant).
    pub hold: Option<Spanned<GoDuration>>,
}

impl Diurnal {
    /// The replicas at `t`, rounded to the nearest whole pod.
    pub fn replicas_at(&self, t: GoDuration) -> u32 {
        let (lo, hi) = (self.trough.value, self.peak.value);
        if hi <= lo {
            return lo;
        }
        let day = DAY.as_secs();
        let tod = t.as_secs() % day;
        let peak = self.peak_at.value.as_secs() % day;
        let raw = tod.abs_diff(peak);
        let dist = raw.min(day - raw);
        let half_hold = self.hold.as_ref().map_or(0, |h| h.value.as_secs()) / 2;
        let from_plateau = dist.saturating_sub(half_hold);
        let ramp = self.ramp.value.as_secs();
        if from_plateau >= ramp && !(ramp == 0 && from_plateau == 0) {
            return lo;
        }
        let frac = if ramp == 0 {
            1.0
        } else {
            (1.0 + (std::f64::consts::PI * from_plateau as f64 / ramp as f64).cos()) / 2.0
        };
        let v = lo as f64 + (hi - lo) as f64 * frac;
        // In [lo, hi] by construction; the clamp keeps the cast exact.
        v.round().clamp(lo as f64, hi as f64) as u32
    }
}

/// A count or a percentage of the replicas, as Kubernetes' `intstr`
/// (`maxSurge: 25%`, `maxSurge: 2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrPercent {
    Count(u32),
    Percent(u32),
}

impl IntOrPercent {
    /// Resolved against `replicas` the way the Deployment controller does:
    /// rounded up for surge, down for unavailability
    /// (kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go,
    /// `ResolveFenceposts`).
    pub fn resolve(self, replicas: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Count(n) => n,
            IntOrPercent::Percent(p) => {
                let x = u64::from(replicas) * u64::from(p);
                let v = if round_up { x.div_ceil(100) } else { x / 100 };
                u32::try_from(v).unwrap_or(u32::MAX)
            }
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Count(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrPercent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count (2) or a percentage (25%)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercent, E> {
                u32::try_from(v)
                    .map(IntOrPercent::Count)
                    .map_err(|_| E::custom(format!("{v} is too large")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercent, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(format!("{v} is negative"))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercent, E> {
                let bad = || {
                    E::custom(format!(
                        "invalid percentage {v:?}: expected a whole number and %, e.g. 25%"
                    ))
                };
                let digits = v.strip_suffix('%').ok_or_else(bad)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                digits.parse().map(IntOrPercent::Percent).map_err(|_| bad())
            }
        }
        d.deserialize_any(V)
    }
}

/// One entry of `rollouts`: at `at`, a new revision replaces every pod.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    pub at: Spanned<GoDuration>,
    /// Pods above the desired count during the rollout; default 25%.
    pub max_surge: Option<Spanned<IntOrPercent>>,
    /// Pods below the desired count during the rollout; default 25%.
    pub max_unavailable: Option<Spanned<IntOrPercent>>,
}

impl Rollout {
    /// The Deployment defaults (`RollingUpdateDeployment`: 25% and 25%).
    pub const DEFAULT: IntOrPercent = IntOrPercent::Percent(25);

    pub fn max_surge(&self) -> IntOrPercent {
        self.max_surge.as_ref().map_or(Self::DEFAULT, |s| s.value)
    }

    pub fn max_unavailable(&self) -> IntOrPercent {
        self.max_unavailable
            .as_ref()
            .map_or(Self::DEFAULT, |s| s.value)
    }
}

/// One entry of `spec.jobs`: the Job (or CronJob's job template) `name`
/// starts at `start` and again every `every`; each run keeps `parallelism`
/// pods for `duration`. Runs may overlap, as with `concurrencyPolicy: Allow`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobArrivals {
    /// `namespace/name` of a Job or CronJob of the inputs.
    pub name: Spanned<WorkloadRef>,
    /// Period between starts.
    pub every: Spanned<GoDuration>,
    /// How long each run's pods run.
    pub duration: Spanned<GoDuration>,
    /// Pods per run; default the Job's `spec.parallelism`, else 1.
    pub parallelism: Option<Spanned<u32>>,
    /// First start; default 0s.
    pub start: Option<Spanned<GoDuration>>,
}

impl JobArrivals {
    pub fn start(&self) -> GoDuration {
        self.start.as_ref().map_or(GoDuration::ZERO, |s| s.value)
    }
}

impl WorkloadProfile {
    /// Checks across fields: a workload or job listed twice, samples out of
    /// time order or empty, a diurnal shape that does not fit in a day or
    /// whose trough exceeds its peak, a rollout that could make no progress,
    /// zero periods, durations or parallelism.
    pub fn problems(&self) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        let mut p = |span: Span, message: String| out.push(PlanProblem { span, message });
        let mut seen: BTreeMap<(&WorkloadRef, Option<ProfiledKind>), Span> = BTreeMap::new();
        for w in &self.spec.workloads {
            let w = &w.value;
            let key = (&w.name.value, w.kind.as_ref().map(|k| k.value));
            if seen.insert(key, w.name.span).is_some() {
                p(
                    w.name.span,
                    format!("workload {} is listed twice", w.name.value),
                );
            }
            if let Some(c) = &w.replicas {
                match &c.value {
                    ReplicaCurve::Steps(pts) | ReplicaCurve::Series(pts) => {
                        if pts.is_empty() {
                            p(
                                c.span,
                                format!("{}: {} is empty", w.name.value, c.value.form()),
                            );
                        }
                        for pair in pts.windows(2) {
                            if pair[1].value.at.value <= pair[0].value.at.value {
                                p(
                                    pair[1].value.at.span,
                                    format!(
                                        "{}: {} at {} does not come after {}; list samples in time order",
                                        w.name.value,
                                        c.value.form(),
                                        pair[1].value.at.value,
                                        pair[0].value.at.value
                                    ),
                                );
                            }
                        }
                    }
                    ReplicaCurve::Diurnal(d) => {
                        if d.trough.value > d.peak.value {
                            p(
                                d.trough.span,
                                format!(
                                    "{}: diurnal trough {} is above its peak {}",
                                    w.name.value, d.trough.value, d.peak.value
                                ),
                            );
                        }
                        if d.peak_at.value >= DAY {
                            p(
                                d.peak_at.span,
                                format!(
                                    "{}: diurnal peakAt {} is a time of day; give it under 24h",
                                    w.name.value, d.peak_at.value
                                ),
                            );
                        }
                        let hold = d.hold.as_ref().map_or(0, |h| h.value.as_secs());
                        if hold + 2 * d.ramp.value.as_secs() > DAY.as_secs() {
                            p(
                                d.ramp.span,
                                format!(
                                    "{}: diurnal hold {} plus twice the ramp {} is longer than a day",
                                    w.name.value,
                                    GoDuration::from_secs(hold),
                                    d.ramp.value
                                ),
                            );
                        }
                    }
                    ReplicaCurve::Csv(path) => {
                        if path.value.trim().is_empty() {
                            p(path.span, format!("{}: csv names no file", w.name.value));
                        }
                    }
                }
            }
            let mut at: BTreeMap<GoDuration, Span> = BTreeMap::new();
            for r in &w.rollouts {
                let r = &r.value;
                if at.insert(r.at.value, r.at.span).is_some() {
                    p(
                        r.at.span,
                        format!("{}: two rollouts at {}", w.name.value, r.at.value),
                    );
                }
                let zero = |x: IntOrPercent| {
                    matches!(x, IntOrPercent::Count(0) | IntOrPercent::Percent(0))
                };
                if zero(r.max_surge()) && zero(r.max_unavailable()) {
                    let span = r.max_surge.as_ref().map_or(r.at.span, |s| s.span);
                    p(
                        span,
                        format!(
                            "{}: maxSurge and maxUnavailable are both 0; the rollout could never progress",
                            w.name.value
                        ),
                    );
                }
                if let Some(u) = &r.max_unavailable
                    && matches!(u.value, IntOrPercent::Percent(x) if x > 100)
                {
                    p(
                        u.span,
                        format!("{}: maxUnavailable {} is over 100%", w.name.value, u.value),
                    );
                }
            }
        }
        let mut seen_jobs: BTreeMap<&WorkloadRef, Span> = BTreeMap::new();
        for j in &self.spec.jobs {
            let j = &j.value;
            if seen_jobs.insert(&j.name.value, j.name.span).is_some() {
                p(j.name.span, format!("job {} is listed twice", j.name.value));
            }
            for (d, what) in [(&j.every, "every"), (&j.duration, "duration")] {
                if d.value == GoDuration::ZERO {
                    p(
                        d.span,
                        format!(
                            "job {}: {what} is 0s; give a positive duration",
                            j.name.value
                        ),
                    );
                }
            }
            if let Some(n) = &j.parallelism
                && n.value == 0
            {
                p(
                    n.span,
                    format!(
                        "job {}: parallelism is 0; give a positive number or leave it out",
                        j.name.value
                    ),
                );
            }
        }
        out
    }

    /// References that name nothing in `workloads` (the inputs'): each
    /// `spec.workloads` entry must name a Deployment, StatefulSet or Job (of
    /// its `kind` when given), each `spec.jobs` entry a Job or CronJob.
    pub fn unresolved(&self, workloads: &[Workload]) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        let found = |r: &WorkloadRef, kinds: &[WorkloadKind]| {
            workloads
                .iter()
                .any(|w| kinds.contains(&w.kind) && r.matches(w))
        };
        for w in &self.spec.workloads {
            let w = &w.value;
            let kinds: Vec<WorkloadKind> = match &w.kind {
                Some(k) => vec![k.value.workload_kind()],
                None => vec![
                    WorkloadKind::Deployment,
                    WorkloadKind::StatefulSet,
                    WorkloadKind::Job,
                ],
            };
            if !found(&w.name.value, &kinds) {
                let what: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                out.push(PlanProblem {
                    span: w.name.span,
                    message: format!("no {} {} in the inputs", what.join(" or "), w.name.value),
                });
            }
        }
        for j in &self.spec.jobs {
            let j = &j.value;
            if !found(&j.name.value, &[WorkloadKind::Job, WorkloadKind::CronJob]) {
                out.push(PlanProblem {
                    span: j.name.span,
                    message: format!("no Job or CronJob {} in the inputs", j.name.value),
                });
            }
        }
        out
    }
}

/// One sample of a replica CSV, with its 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvSample {
    pub line: u32,
    pub at: GoDuration,
    pub replicas: u32,
}

/// Why a replica CSV was refused, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: u32,
    pub message: String,
}

/// Parses the text of a `csv:` curve: lines of `time,replicas`, where time
/// is a duration (`1h30m`) or whole seconds (`5400`). An optional header
/// line starting with `time`, blank lines and `#` comments are skipped.
/// Times must increase strictly. Use [`held_value`] to read the curve.
pub fn parse_replica_csv(text: &str) -> Result<Vec<CsvSample>, CsvError> {
    let mut out: Vec<CsvSample> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let err = |message: String| CsvError { line, message };
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split(',').map(str::trim).collect();
        if out.is_empty()
            && fields
                .first()
                .is_some_and(|f| f.eq_ignore_ascii_case("time"))
        {
            continue;
        }
        let [time, replicas] = fields[..] else {
            return Err(err(format!(
                "expected two fields, time,replicas; found {}",
                fields.len()
            )));
        };
        let at = if !time.is_empty() && time.bytes().all(|b| b.is_ascii_digit()) {
            time.parse::<u64>()
                .map(GoDuration::from_secs)
                .map_err(|_| err(format!("time {time:?} is too large")))?
        } else {
            GoDuration::parse(time).map_err(|e| err(e.to_string()))?
        };
        let replicas: u32 = replicas.parse().map_err(|_| {
            err(format!(
                "replicas {replicas:?} is not a whole number of pods"
            ))
        })?;
        if let Some(prev) = out.last()
            && at <= prev.at
        {
            return Err(err(format!(
                "time {at} does not come after {} (line {}); list samples in time order",
                prev.at, prev.line
            )));
        }
        out.push(CsvSample { line, at, replicas });
    }
    if out.is_empty() {
        return Err(CsvError {
            line: 1,
            message: "no samples; expected lines of time,replicas".to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::{decode, root};

    const PROFILE: &str = "apiVersion: eksplane.io/v1alpha1
kind: WorkloadProfile
metadata:
  name: shop-day
spec:
  workloads:
    - name: shop/web
      replicas:
        diurnal: {trough: 6, peak: 40, peakAt: 14h, ramp: 4h, hold: 2h}
      rollouts:
        - {at: 10h, maxSurge: 25%, maxUnavailable: 0}
    - name: shop/checkout
      kind: Deployment
      replicas:
        steps:
          - {at: 0s, replicas: 3}
          - {at: 8h, replicas: 12}
    - name: shop/search
      replicas:
        series: [[0, 4], [6h, 8], [18h, 4]]
    - name: shop/history
      replicas:
        csv: history.csv
  jobs:
    - {name: batch/report, every: 1h, duration: 20m, parallelism: 4, start: 30m}
";

    fn h(n: u64) -> GoDuration {
        GoDuration::from_secs(n * 3600)
    }

    #[test]
    fn decodes_with_positions() {
        let p: WorkloadProfile = decode(PROFILE);
        let w = &p.spec.workloads;
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].span.start.line, 7);
        assert_eq!(w[0].value.name.value.to_string(), "shop/web");
        let Some(ReplicaCurve::Diurnal(d)) = w[0].value.replicas.as_ref().map(|c| &c.value) else {
            panic!("diurnal")
        };
        assert_eq!((d.trough.value, d.peak.value), (6, 40));
        assert_eq!(d.peak_at.value, h(14));
        assert_eq!(d.peak_at.span.start.line, 9);
        let r = &w[0].value.rollouts[0].value;
        assert_eq!(r.max_surge(), IntOrPercent::Percent(25));
        assert_eq!(r.max_unavailable(), IntOrPercent::Count(0));
        assert_eq!(r.at.span.start.line, 11);
        assert_eq!(
            w[1].value.kind.as_ref().map(|k| k.value),
            Some(ProfiledKind::Deployment)
        );
        let Some(ReplicaCurve::Steps(s)) = w[1].value.replicas.as_ref().map(|c| &c.value) else {
            panic!("steps")
        };
        assert_eq!(s[1].span.start.line, 17);
        assert_eq!(s[1].value.replicas.value, 12);
        let Some(ReplicaCurve::Series(s)) = w[2].value.replicas.as_ref().map(|c| &c.value) else {
            panic!("series")
        };
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].value.at.value, GoDuration::ZERO);
        assert_eq!(s[2].value.at.value, h(18));
        assert_eq!(s[2].span.start.line, 20);
        let Some(ReplicaCurve::Csv(c)) = w[3].value.replicas.as_ref().map(|c| &c.value) else {
            panic!("csv")
        };
        assert_eq!(c.value, "history.csv");
        let j = &p.spec.jobs[0].value;
        assert_eq!(j.every.value, h(1));
        assert_eq!(j.duration.value.as_secs(), 1200);
        assert_eq!(j.parallelism.as_ref().map(|n| n.value), Some(4));
        assert_eq!(j.start().as_secs(), 1800);
        assert_eq!(j.name.span.start.line, 25);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
    }

    fn decode_err(text: &str) -> String {
        let n = root(text);
        match eksplane_source::decode::<WorkloadProfile>(&n) {
            Ok(_) => panic!("decoded"),
            Err(e) => format!("{}:{} {e}", e.span.start.line, e.span.start.col),
        }
    }

    #[test]
    fn bad_values_fail_decoding_at_their_place() {
        let cases = [
            ("peakAt: 14h", "peakAt: 14", "9:", "needs a unit"),
            ("peakAt: 14h", "peakAt: 1.5h", "9:", "fractions"),
            ("ramp: 4h", "ramp: 4hours", "9:", "unknown unit"),
            (
                "maxSurge: 25%",
                "maxSurge: 25 %",
                "11:",
                "invalid percentage",
            ),
            ("maxSurge: 25%", "maxSurge: -1", "11:", "negative"),
            ("name: shop/web", "name: web", "7:", "namespace/name"),
            (
                "{at: 8h, replicas: 12}",
                "{at: 8h, replicas: -1}",
                "17:",
                "integer",
            ),
            (
                "{at: 8h, replicas: 12}",
                "{at: 8h, replica: 12}",
                "17:",
                "replica",
            ),
            ("[6h, 8]", "[6h, 8, 9]", "20:", "pair"),
            ("[6h, 8]", "[6h]", "20:", "pair"),
            ("kind: Deployment", "kind: DaemonSet", "13:", "DaemonSet"),
            ("every: 1h", "every: 1h1h", "25:", "order"),
            (
                "        csv: history.csv",
                "        csv: history.csv\n        series: []",
                "23:",
                "found csv and series",
            ),
            (
                "        csv: history.csv",
                "        curve: history.csv",
                "23:",
                "curve",
            ),
        ];
        for (from, to, line, msg) in cases {
            let e = decode_err(&PROFILE.replace(from, to));
            assert!(e.starts_with(line) && e.contains(msg), "{to}: {e}");
        }
    }

    #[test]
    fn cross_field_problems() {
        let text = PROFILE
            .replace("trough: 6", "trough: 60")
            .replace("peakAt: 14h", "peakAt: 24h")
            .replace("ramp: 4h", "ramp: 12h")
            .replace("maxUnavailable: 0", "maxUnavailable: 0%")
            .replace("maxSurge: 25%", "maxSurge: 0")
            .replace("{at: 8h, replicas: 12}", "{at: 0s, replicas: 12}")
            .replace("name: shop/history", "name: shop/web")
            .replace("every: 1h", "every: 0s")
            .replace("parallelism: 4", "parallelism: 0");
        let p: WorkloadProfile = decode(&text);
        let lines: Vec<(u32, String)> = p
            .problems()
            .into_iter()
            .map(|p| (p.span.start.line, p.message))
            .collect();
        let want: Vec<(u32, &str)> = vec![
            (9, "shop/web: diurnal trough 60 is above its peak 40"),
            (
                9,
                "shop/web: diurnal peakAt 24h is a time of day; give it under 24h",
            ),
            (
                9,
                "shop/web: diurnal hold 2h plus twice the ramp 12h is longer than a day",
            ),
            (
                11,
                "shop/web: maxSurge and maxUnavailable are both 0; the rollout could never progress",
            ),
            (
                17,
                "shop/checkout: steps at 0s does not come after 0s; list samples in time order",
            ),
            (21, "workload shop/web is listed twice"),
            (
                25,
                "job batch/report: every is 0s; give a positive duration",
            ),
            (
                25,
                "job batch/report: parallelism is 0; give a positive number or leave it out",
            ),
        ];
        let want: Vec<(u32, String)> = want.into_iter().map(|(l, m)| (l, m.to_string())).collect();
        assert_eq!(lines, want);
    }

    fn diurnal(trough: u32, peak: u32, peak_at: u64, ramp: u64, hold: u64) -> Diurnal {
        Diurnal {
            trough: Spanned::detached(trough),
            peak: Spanned::detached(peak),
            peak_at: Spanned::detached(h(peak_at)),
            ramp: Spanned::detached(h(ramp)),
            hold: Some(Spanned::detached(h(hold))),
        }
    }

    #[test]
    fn diurnal_shape() {
        let d = diurnal(10, 80, 14, 3, 2);
        assert_eq!(d.replicas_at(h(14)), 80);
        assert_eq!(d.replicas_at(h(13)), 80, "inside the hold");
        assert_eq!(
            d.replicas_at(GoDuration::from_secs(16 * 3600 + 1800)),
            45,
            "half way down"
        );
        assert_eq!(d.replicas_at(h(18)), 10);
        assert_eq!(d.replicas_at(h(2)), 10);
        assert_eq!(d.replicas_at(h(24 + 14)), 80, "repeats daily");
        // A peak near midnight wraps round.
        let d = diurnal(0, 10, 23, 2, 0);
        assert_eq!(d.replicas_at(h(1)), 0);
        assert_eq!(d.replicas_at(GoDuration::from_secs(3600 / 2)), 1);
        assert_eq!(d.replicas_at(h(0)), 5);
        // No ramp: a square wave.
        let d = diurnal(1, 5, 12, 0, 4);
        assert_eq!(d.replicas_at(h(10)), 5);
        assert_eq!(d.replicas_at(h(9)), 1);
    }

    #[test]
    fn samples_hold_until_the_next() {
        let p: WorkloadProfile = decode(PROFILE);
        let c = p.spec.workloads[2]
            .value
            .replicas
            .as_ref()
            .map(|c| &c.value);
        let at = |t| c.and_then(|c| c.replicas_at(t));
        assert_eq!(at(GoDuration::ZERO), Some(4));
        assert_eq!(at(h(7)), Some(8));
        assert_eq!(at(h(30)), Some(4));
        let c = p.spec.workloads[3]
            .value
            .replicas
            .as_ref()
            .map(|c| &c.value);
        assert_eq!(
            c.and_then(|c| c.replicas_at(h(1))),
            None,
            "csv needs its file"
        );
        assert_eq!(held_value([(h(1), 3)], GoDuration::ZERO), None);
    }

    #[test]
    fn csv_samples() {
        let ok = parse_replica_csv("time,replicas\n0s,3\n# lunch\n\n5400,7\n2h,9\n");
        assert_eq!(
            ok,
            Ok(vec![
                CsvSample {
                    line: 2,
                    at: GoDuration::ZERO,
                    replicas: 3
                },
                CsvSample {
                    line: 5,
                    at: GoDuration::from_secs(5400),
                    replicas: 7
                },
                CsvSample {
                    line: 6,
                    at: h(2),
                    replicas: 9
                },
            ])
        );
        let err = |t: &str| {
            parse_replica_csv(t)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            err("0s,3\n1h,x\n"),
            "line 2: replicas \"x\" is not a whole number of pods"
        );
        assert_eq!(
            err("0s,3,4\n"),
            "line 1: expected two fields, time,replicas; found 3"
        );
        assert_eq!(
            err("1h,3\n30m,4\n"),
            "line 2: time 30m does not come after 1h (line 1); list samples in time order"
        );
        assert!(err("1x,3\n").starts_with("line 1: invalid duration \"1x\""));
        assert_eq!(
            err("time,replicas\n"),
            "line 1: no samples; expected lines of time,replicas"
        );
    }

    #[test]
    fn surge_resolves_like_the_deployment_controller() {
        assert_eq!(IntOrPercent::Percent(25).resolve(10, true), 3);
        assert_eq!(IntOrPercent::Percent(25).resolve(10, false), 2);
        assert_eq!(IntOrPercent::Count(2).resolve(10, true), 2);
    }
}
