//! Findings about the input itself. The loader and the engine emit them; they
//! are declared here so that `rules`, `explain`, the docs and SARIF know them.

use crate::{Rule, declare_rule};

pub(crate) static RULES: &[&Rule] = &[
    &UNREADABLE,
    &INVALID_OBJECT,
    &CONFLICT,
    &MULTIPLE_CLUSTERS,
    &DUPLICATE_OBJECT,
    &DUPLICATE_KEY,
    &UNRENDERED_TEMPLATE,
    &KUSTOMIZE_PATCH,
    &RETIRED_API,
    &UNKNOWN_FIELD,
    &UNATTRIBUTED_OBJECTS,
    &UNUSED_SUPPRESSION,
    &INVALID_CONFIG,
];

declare_rule! {
    /// ## What it does
    /// Reports a file or document that could not be read: a YAML or JSON syntax
    /// error, a binary file, or input over a safety limit (file or document size,
    /// nesting depth, alias expansion).
    ///
    /// ## Why it matters
    /// Nothing in that document was checked. Documents before a syntax error in
    /// the same file are still read; the run exits with code 2.
    ///
    /// ## Fix
    /// Correct the syntax at the reported line and column. For generated files,
    /// regenerate them (`helm template`, `aws ... --output json`).
    pub UNREADABLE = ("LOAD001", "unreadable-input", Error, "Input could not be read", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a recognised object (a NodePool, an aws-auth mapping, an AWS CLI
    /// snapshot...) with a field of the wrong type or an invalid value.
    ///
    /// ## Why it matters
    /// The API server (or AWS) would reject it, and eksplane skips it, so
    /// nothing about that object is checked. The other objects still are.
    ///
    /// ## Fix
    /// Correct the field at the reported path; the message says what was expected.
    pub INVALID_OBJECT = ("LOAD002", "invalid-object", Error, "Object does not match its schema", None);
}

declare_rule! {
    /// ## What it does
    /// Reports two sources that state different values for the same cluster fact
    /// (name, region, Kubernetes version, authentication mode, endpoint access):
    /// for example an eksctl ClusterConfig that says `1.31` beside a
    /// `describe-cluster` snapshot that says `1.30`.
    ///
    /// ## Why it matters
    /// One of them is stale: configuration not applied yet, or a snapshot taken
    /// before a change. Checks use the first source; both places are shown.
    ///
    /// ## Fix
    /// Apply the configuration or take a fresh snapshot, so both agree.
    pub CONFLICT = ("LOAD003", "conflicting-facts", Warning, "Sources disagree about the cluster", None);
}

declare_rule! {
    /// ## What it does
    /// Says that the inputs describe more than one cluster (different cluster
    /// names in ClusterConfigs or `describe-cluster` snapshots), as a
    /// directory of eksctl examples does.
    ///
    /// ## Why it matters
    /// Each cluster is checked on its own: its facts are merged only with its
    /// own sources, and Kubernetes objects and AWS snapshots belong to the
    /// cluster whose ClusterConfig or `describe-cluster` output sits in their
    /// directory. Objects that no single cluster owns are checked without
    /// cluster facts (LOAD011).
    ///
    /// ## Fix
    /// Nothing, if several clusters were meant; otherwise pass only one
    /// cluster's files.
    pub MULTIPLE_CLUSTERS = ("LOAD004", "multiple-clusters", Info, "Inputs describe more than one cluster", None);
}

declare_rule! {
    /// ## What it does
    /// Reports an object (same kind, namespace and name) defined more than once.
    ///
    /// ## Why it matters
    /// Applied in order, the last definition wins and silently replaces the
    /// other; usually two copies of a manifest have drifted apart.
    ///
    /// ## Fix
    /// Keep one definition.
    pub DUPLICATE_OBJECT = ("LOAD005", "duplicate-object", Warning, "Object defined twice", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a mapping key written twice in the same mapping.
    ///
    /// ## Why it matters
    /// YAML forbids it; Kubernetes' decoder keeps the last value, so the first
    /// is silently ignored (or the apply is rejected, depending on the client).
    ///
    /// ## Fix
    /// Remove one of the two keys.
    pub DUPLICATE_KEY = ("LOAD006", "duplicate-key", Warning, "Mapping key written twice", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a file (or document) that is an unrendered Helm template: Go
    /// template actions (`{{ ... }}`, `{{- ... }}`) where YAML is expected.
    ///
    /// ## Why it matters
    /// A chart's templates are not what is applied: their values come from
    /// `values.yaml` and the release. Nothing in that file is checked.
    ///
    /// ## Fix
    /// Render it first and check the output:
    /// `helm template <release> <chart-dir> > rendered.yaml`.
    pub UNRENDERED_TEMPLATE = ("LOAD007", "unrendered-template", Error, "Unrendered Helm template", None);
}

declare_rule! {
    /// ## What it does
    /// Says that a document is a Kustomize patch and was skipped: a file that a
    /// `kustomization.yaml` of the inputs lists under `patches`,
    /// `patchesStrategicMerge` or `patchesJson6902`, or a workload without
    /// the `spec.selector` or pod template the API requires.
    ///
    /// ## Why it matters
    /// A patch is a fragment merged into another object; judged as a whole
    /// object it gives wrong answers (a Deployment patch has no replicas,
    /// probes or resources of its own).
    ///
    /// ## Fix
    /// Check what `kubectl kustomize <dir>` renders to see the patched objects.
    pub KUSTOMIZE_PATCH = ("LOAD008", "kustomize-patch", Info, "Kustomize patch skipped", None);
}

declare_rule! {
    /// ## What it does
    /// Reports Karpenter objects of a retired API version. `karpenter.sh/v1beta1`
    /// NodePools and `karpenter.k8s.aws/v1beta1` EC2NodeClasses are checked
    /// as Karpenter's own conversion to v1 reads them (the message lists what
    /// was converted); `v1alpha5` Provisioners and Machines, `v1alpha1`
    /// AWSNodeTemplates and v1beta1 NodeClaims are not analysed. Also reports
    /// a v1beta1 NodePool's kubelet settings that have no EC2NodeClass to go
    /// to in v1 (several pools with different settings share one).
    ///
    /// ## Why it matters
    /// Karpenter v1 no longer serves these versions: the objects must be
    /// migrated before upgrading, and v1 moved fields (`expireAfter`, `kubelet`).
    ///
    /// ## Fix
    /// Migrate to v1 following the guide.
    ///
    /// ## References
    /// - <https://karpenter.sh/v1.0/upgrading/v1-migration/>
    pub RETIRED_API = ("LOAD009", "retired-api-version", Warning, "Retired Karpenter API version", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a field that the kind's schema does not define: the Karpenter v1
    /// CRDs (NodePool, NodeClaim, EC2NodeClass) and eksctl's ClusterConfig
    /// schema. For example `kubelet` on a v1 NodePool's template, or
    /// `spec.disruption.expireAfter`, both moved by v1.
    ///
    /// ## Why it matters
    /// The API server drops fields its CRD does not define (or rejects the
    /// object under strict field validation), so the setting silently does
    /// nothing; eksctl rejects the whole file.
    ///
    /// ## Fix
    /// Correct the field's name or move it where the current API expects it.
    pub UNKNOWN_FIELD = ("LOAD010", "unknown-field", Warning, "Field not defined by the schema", None);
}

declare_rule! {
    /// ## What it does
    /// Says which objects could not be attributed to one cluster when the
    /// inputs describe several: objects whose directory holds the sources of
    /// no cluster, or of more than one.
    ///
    /// ## Why it matters
    /// They are checked on their own, without any cluster's facts (version,
    /// CNI, node sources), so checks that need those facts skip them.
    ///
    /// ## Fix
    /// Pass each cluster's files (its ClusterConfig or snapshots with its
    /// manifests) together, or one cluster at a time.
    pub UNATTRIBUTED_OBJECTS = ("LOAD011", "unattributed-objects", Info, "Objects not attributed to a cluster", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a suppression that matches no finding: an `eksplane.io/ignore`
    /// annotation entry or an `ignore` entry of `.eksplane.yaml`.
    ///
    /// ## Why it matters
    /// Stale suppressions hide the next real finding of that rule.
    ///
    /// ## Fix
    /// Remove the suppression.
    pub UNUSED_SUPPRESSION = ("CFG001", "unused-suppression", Warning, "Suppression matches nothing", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a configuration entry (`.eksplane.yaml` or an `eksplane.io/ignore`
    /// annotation) that names an unknown rule, or a severity that does not exist.
    ///
    /// ## Why it matters
    /// The entry has no effect, which is rarely what was meant.
    ///
    /// ## Fix
    /// Use an id from `eksplane rules`, and one of `info`, `warning`, `error`, `off`.
    pub INVALID_CONFIG = ("CFG002", "invalid-config", Error, "Invalid eksplane configuration", None);
}
