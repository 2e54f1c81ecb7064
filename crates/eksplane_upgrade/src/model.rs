//! The plan's vocabulary: steps, items (blockers and actions), API uses.

use eksplane_aws_data::api_removals::ApiSource;
use eksplane_source::Span;
use serde::Serialize;
use std::fmt;

/// A Kubernetes `1.x` minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minor(pub u32);

impl fmt::Display for Minor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.0)
    }
}

impl Serialize for Minor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Where in a step's runbook an item belongs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Before anything: manifests that will not apply after the step.
    Apis,
    /// Add-ons first (EKS refuses the control-plane update otherwise).
    Addons,
    /// Karpenter must support the new version before the control plane gets it.
    Karpenter,
    ControlPlane,
    /// Add-ons that must not be newer than the API server (kube-proxy):
    /// right after the control plane.
    AddonsAfterControlPlane,
    /// Nodes: Karpenter drift, managed node groups, self-managed groups.
    DataPlane,
    /// What stops a node from draining.
    Drain,
    /// Whether the replacement nodes fit the subnets.
    Network,
    Verify,
}

/// What an item is about (the JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An object of an API version removed in this step (or already removed).
    RemovedApi,
    /// An add-on version EKS does not list as compatible with the target.
    AddonIncompatible,
    /// Move an add-on to the target's version.
    AddonUpdate,
    /// No version known for the target: look it up.
    AddonUnknown,
    /// The Karpenter release does not support the target.
    KarpenterUnsupported,
    /// The Karpenter version could not be read.
    KarpenterUnknown,
    ControlPlaneUpdate,
    /// A pinned AMI alias release that does not exist for the target.
    AmiReleaseMissing,
    /// A pinned AMI alias: the bump, written out.
    AmiAliasPinned,
    /// `@latest`: drift recycles the nodes on its own.
    AmiAliasLatest,
    /// Amazon Linux 2 where EKS publishes no AL2 AMI.
    Al2Unsupported,
    /// Kubelet older than the control plane allows.
    VersionSkew,
    ManagedNodeGroupUpdate,
    SelfManagedNodeGroupReplace,
    /// A PodDisruptionBudget that never allows an eviction.
    PdbBlocksDrain,
    /// Pods annotated `karpenter.sh/do-not-disrupt`.
    DoNotDisrupt,
    /// A NodePool disruption budget of 0 nodes.
    DisruptionBudgetZero,
    /// The replacement nodes do not fit the subnets.
    SurgeDoesNotFit,
    /// The replacement nodes fit (with the numbers).
    SurgeFits,
    /// Surge not judged (no subnets in the inputs, ...).
    SurgeNotJudged,
    Verify,
}

/// A blocker or an action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub stage: Stage,
    /// What, in a sentence (names the object and the numbers).
    pub message: String,
    /// Where the fact is written (rendered as file:line by the report).
    #[serde(skip)]
    pub span: Option<Span>,
    /// The object it is about, `Kind/ns/name`.
    pub object: Option<String>,
    /// What to change, when it is a change to a file.
    pub fix: Option<String>,
    /// Exact commands, in order.
    pub commands: Vec<String>,
    /// The source of the fact the item is decided on.
    pub source: Option<&'static str>,
}

impl Item {
    pub fn new(kind: ItemKind, stage: Stage, message: impl Into<String>) -> Item {
        Item {
            kind,
            stage,
            message: message.into(),
            span: None,
            object: None,
            fix: None,
            commands: Vec::new(),
            source: None,
        }
    }

    pub fn at(mut self, span: Span) -> Item {
        self.span = (!span.is_detached()).then_some(span);
        self
    }

    pub fn object(mut self, o: impl Into<String>) -> Item {
        self.object = Some(o.into());
        self
    }

    pub fn fix(mut self, f: impl Into<String>) -> Item {
        self.fix = Some(f.into());
        self
    }

    pub fn command(mut self, c: impl Into<String>) -> Item {
        self.commands.push(c.into());
        self
    }

    pub fn source(mut self, s: &'static str) -> Item {
        self.source = Some(s);
        self
    }
}

/// An object of the inputs whose `apiVersion` goes away.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovedApiUse {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    #[serde(skip)]
    pub span: Span,
    /// `None` for deprecated or beta-only APIs (watched, not removed).
    pub removed_in: Option<Minor>,
    /// The `apiVersion` to write at this plan's target (`None`: no replacement).
    pub replacement: Option<String>,
    /// The kind to write, when it changes (Provisioner -> NodePool).
    pub replacement_kind: Option<String>,
    /// What else changes beyond the `apiVersion` line.
    pub field_changes: Option<String>,
    #[serde(skip)]
    pub source: ApiSource,
    pub removed_by: Option<&'static str>,
}

/// One minor-version step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub from: Minor,
    pub to: Minor,
    pub blockers: Vec<Item>,
    pub actions: Vec<Item>,
    /// Objects of APIs this step removes (the first step also those already
    /// removed at the current version).
    pub removed_apis: Vec<RemovedApiUse>,
}

impl Step {
    pub fn is_blocked(&self) -> bool {
        !self.blockers.is_empty()
    }
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradePlan {
    pub cluster: String,
    pub region: Option<String>,
    pub from: Minor,
    pub to: Minor,
    /// Where the cluster's version is written.
    #[serde(skip)]
    pub version_span: Span,
    pub today: String,
    /// Objects of APIs already removed at the cluster's current version: they
    /// cannot be applied today (also blockers of the first step).
    pub already_removed: Vec<RemovedApiUse>,
    /// Deprecated or beta-only APIs in use (not removed on the way).
    pub watched_apis: Vec<RemovedApiUse>,
    pub steps: Vec<Step>,
    pub calendar: crate::calendar::Calendar,
    pub surge: Option<crate::surge::Surge>,
}

impl UpgradePlan {
    pub fn is_blocked(&self) -> bool {
        self.steps.iter().any(Step::is_blocked)
    }
}
