//! Workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod (and
//! ReplicaSet), each reduced to what scheduling and disruption analyses need:
//! replicas, selector and the pod template with positions.

use super::LabelSelector;
use crate::karpenter::TemplateMeta;
use crate::meta::{KubeObject, ObjectMeta, Origin};
use eksplane_source::{DecodeError, Node, Spanned, decode};
use k8s_openapi::api::core::v1::PodSpec;
use serde::Deserialize;

/// The annotation that keeps Karpenter from voluntarily disrupting a pod.
/// Source: https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
pub const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    Pod,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 7] = [
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::ReplicaSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
        WorkloadKind::Pod,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::Pod => "Pod",
        }
    }

    pub fn from_kind(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// Path from the object root to its pod template (`metadata` + `spec`).
    pub fn template_path(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            WorkloadKind::Pod => &[],
            _ => &["spec", "template"],
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PodTemplate {
    #[serde(default)]
    pub metadata: TemplateMeta,
    #[serde(default)]
    pub spec: PodSpec,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub metadata: ObjectMeta,
    /// `spec.replicas` where the kind has it (Deployment, StatefulSet, ReplicaSet;
    /// Kubernetes defaults it to 1), `spec.parallelism` for Jobs.
    pub replicas: Option<Spanned<i32>>,
    pub selector: Option<LabelSelector>,
    pub template: PodTemplate,
    /// CronJob `spec.schedule`.
    pub schedule: Option<Spanned<String>>,
    /// Job (or CronJob job template) `activeDeadlineSeconds`.
    pub active_deadline_seconds: Option<i64>,
    /// StatefulSet `volumeClaimTemplates` count.
    pub volume_claim_templates: usize,
    /// A DaemonSet's `status`, as the API server reports it (absent in
    /// manifests).
    pub daemon_set_status: Option<Spanned<super::DaemonSetStatus>>,
    pub origin: Origin,
}

impl KubeObject for Workload {
    fn kind(&self) -> &'static str {
        self.kind.as_str()
    }
    fn namespaced(&self) -> bool {
        true
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
    fn origin_mut(&mut self) -> &mut Origin {
        &mut self.origin
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ControllerSpec {
    replicas: Option<Spanned<i32>>,
    parallelism: Option<Spanned<i32>>,
    selector: Option<LabelSelector>,
    #[serde(default)]
    template: PodTemplate,
    active_deadline_seconds: Option<i64>,
    #[serde(default)]
    volume_claim_templates: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Controller {
    #[serde(default)]
    metadata: ObjectMeta,
    spec: Option<ControllerSpec>,
}

#[derive(Deserialize)]
struct DaemonSetStatusOnly {
    status: Option<Spanned<super::DaemonSetStatus>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronJobSpec {
    schedule: Option<Spanned<String>>,
    job_template: Option<JobTemplate>,
}

#[derive(Deserialize)]
struct JobTemplate {
    spec: Option<ControllerSpec>,
}

#[derive(Deserialize)]
struct CronJob {
    #[serde(default)]
    metadata: ObjectMeta,
    spec: Option<CronJobSpec>,
}

#[derive(Deserialize)]
struct Pod {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default)]
    spec: PodSpec,
}

impl Workload {
    /// Decodes a workload object of the given kind from its node tree.
    pub fn decode(kind: WorkloadKind, node: &Node) -> Result<Workload, DecodeError> {
        let mut w = Workload {
            kind,
            metadata: ObjectMeta::default(),
            replicas: None,
            selector: None,
            template: PodTemplate::default(),
            schedule: None,
            active_deadline_seconds: None,
            volume_claim_templates: 0,
            daemon_set_status: None,
            origin: Origin::default(),
        };
        let apply = |w: &mut Workload, s: ControllerSpec| {
            w.replicas = s.replicas.or(s.parallelism);
            w.selector = s.selector;
            w.template = s.template;
            w.active_deadline_seconds = s.active_deadline_seconds;
            w.volume_claim_templates = s.volume_claim_templates.len();
        };
        match kind {
            WorkloadKind::Pod => {
                let p: Pod = decode(node)?;
                w.template = PodTemplate {
                    metadata: TemplateMeta {
                        labels: p.metadata.labels.clone(),
                        annotations: p.metadata.annotations.clone(),
                    },
                    spec: p.spec,
                };
                w.metadata = p.metadata;
            }
            WorkloadKind::CronJob => {
                let c: CronJob = decode(node)?;
                w.metadata = c.metadata;
                if let Some(spec) = c.spec {
                    w.schedule = spec.schedule;
                    if let Some(s) = spec.job_template.and_then(|j| j.spec) {
                        apply(&mut w, s);
                    }
                }
            }
            _ => {
                let c: Controller = decode(node)?;
                w.metadata = c.metadata;
                if let Some(s) = c.spec {
                    apply(&mut w, s);
                }
                if kind == WorkloadKind::DaemonSet {
                    w.daemon_set_status = decode::<DaemonSetStatusOnly>(node)?.status;
                }
            }
        }
        Ok(w)
    }

    /// Replicas as Kubernetes runs them: the declared count, 1 when a
    /// Deployment/StatefulSet/ReplicaSet leaves it out; `None` for DaemonSets
    /// (one per node) and CronJobs (per schedule).
    pub fn effective_replicas(&self) -> Option<i32> {
        match self.kind {
            WorkloadKind::DaemonSet | WorkloadKind::CronJob => None,
            WorkloadKind::Pod => Some(1),
            _ => Some(self.replicas.as_ref().map(|r| r.value).unwrap_or(1)),
        }
    }

    pub fn pod_annotation(&self, key: &str) -> Option<&Spanned<String>> {
        self.template.metadata.annotations.get(key)
    }

    pub fn service_account_name(&self) -> &str {
        self.template
            .spec
            .service_account_name
            .as_deref()
            .unwrap_or("default")
    }
}
