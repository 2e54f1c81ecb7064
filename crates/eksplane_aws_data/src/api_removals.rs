//! API versions that stop being served: the Kubernetes removals from 1.16 to
//! 1.36, and the beta CRDs of the ecosystem the guide's platform runs
//! (Karpenter, the AWS Load Balancer Controller, the VPC resource controller).
//!
//! Kubernetes rows: the "Deprecated API Migration Guide",
//! <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
//! (kubernetes/website `content/en/docs/reference/using-api/deprecation-guide.md`),
//! section "Removed APIs by release", one `###` heading per release (v1.16,
//! v1.22, v1.25, v1.26, v1.27, v1.29, v1.32). The guide lists no removal for
//! 1.17-1.21, 1.23, 1.24, 1.28, 1.30, 1.31 or 1.33-1.36. Transcribed 2026-12-07;
//! the stored copies of the guide read then (kubernetes/website commits
//! 02afb71016ac and 6a6fc841d44f) cover v1.16, v1.22 and v1.25 and agree with
//! these rows; the later sections are from the published page. The test
//! `tests/it/api_removals.rs` of `eksplane_upgrade` checks this table
//! release by release against a transcription of the guide's headings.
//!
//! Ecosystem rows cite their project's CRDs and upgrade guides; a CRD version
//! removed by a controller release is "removed" at the first Kubernetes
//! minor no controller release that still serves it supports
//! ([`crate::karpenter_compat`]).

use std::fmt;

/// Who documents a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiSource {
    /// The Kubernetes deprecated API migration guide.
    KubernetesGuide,
    /// Karpenter (aws/karpenter-provider-aws): its upgrade guide and CRDs.
    Karpenter,
    /// The AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller).
    AwsLoadBalancerController,
    /// The VPC resource controller (aws/amazon-vpc-resource-controller-k8s).
    VpcResourceController,
}

impl ApiSource {
    pub fn citation(self) -> &'static str {
        match self {
            ApiSource::KubernetesGuide => {
                "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"
            }
            ApiSource::Karpenter => "https://karpenter.sh/docs/upgrading/upgrade-guide/",
            ApiSource::AwsLoadBalancerController => {
                "kubernetes-sigs/aws-load-balancer-controller config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml"
            }
            ApiSource::VpcResourceController => {
                "aws/amazon-vpc-resource-controller-k8s config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml"
            }
        }
    }
}

/// What happens to an API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStatus {
    /// No longer served from this Kubernetes minor (`1.x`): objects of it
    /// cannot be applied, and clients using it fail.
    Removed { minor: u32 },
    /// Still served, superseded; no removal scheduled in Kubernetes terms.
    Deprecated,
    /// The only version of its kind (beta): nothing to migrate to yet.
    BetaOnly,
}

/// Whether objects must change beyond their `apiVersion` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldChanges {
    /// "No notable changes": change `apiVersion` only.
    None,
    /// The guide's notable changes (a field renamed, removed, a new default).
    Notable(&'static str),
    /// There is no replacement API at all.
    NoReplacement(&'static str),
}

/// One API version of one kind that goes away (or is watched).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiRemoval {
    /// `group/version` as written in `apiVersion`.
    pub api_version: &'static str,
    pub kind: &'static str,
    pub status: ApiStatus,
    /// The `apiVersion` to move to (`None`: no replacement).
    pub replacement: Option<&'static str>,
    /// The replacement's kind when it is renamed (Karpenter's Provisioner -> NodePool).
    pub replacement_kind: Option<&'static str>,
    /// The Kubernetes minor the replacement is served from, when stated.
    pub replacement_since: Option<u32>,
    pub fields: FieldChanges,
    pub source: ApiSource,
    /// The controller release that stopped serving it (ecosystem rows).
    pub removed_by: Option<&'static str>,
}

impl ApiRemoval {
    /// The minor it stops being served in, for removed rows.
    pub fn removed_in(&self) -> Option<u32> {
        match self.status {
            ApiStatus::Removed { minor } => Some(minor),
            _ => None,
        }
    }
}

impl fmt::Display for ApiRemoval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)
    }
}

const K8S: ApiSource = ApiSource::KubernetesGuide;

const fn k8s(
    api_version: &'static str,
    kind: &'static str,
    minor: u32,
    replacement: Option<&'static str>,
    since: Option<u32>,
    fields: FieldChanges,
) -> ApiRemoval {
    ApiRemoval {
        api_version,
        kind,
        status: ApiStatus::Removed { minor },
        replacement,
        replacement_kind: None,
        replacement_since: since,
        fields,
        source: K8S,
        removed_by: None,
    }
}

use FieldChanges::{NoReplacement, None as NoChange, Notable};

const APPS_SELECTOR: FieldChanges = Notable(
    "spec.selector is required and immutable (use the template labels); defaults changed (RollingUpdate, revisionHistoryLimit 10, maxSurge/maxUnavailable 25%)",
);
const INGRESS_FIELDS: FieldChanges = Notable(
    "spec.backend -> spec.defaultBackend; serviceName -> service.name; servicePort -> service.port.number / service.port.name; pathType is required",
);
const WEBHOOK_FIELDS: FieldChanges = Notable(
    "failurePolicy defaults to Fail, matchPolicy to Equivalent, timeoutSeconds to 10s; sideEffects and admissionReviewVersions are required",
);
const CRD_FIELDS: FieldChanges = Notable(
    "spec.scope required; spec.version/validation/subresources/additionalPrinterColumns move under spec.versions[*]; a structural openAPIV3Schema is required",
);
const SAR_FIELDS: FieldChanges = Notable("spec.group is renamed spec.groups");
const HPA_FIELDS: FieldChanges = Notable(
    "metrics targets move under target (targetAverageUtilization -> target.averageUtilization, targetAverageValue -> target.averageValue, targetValue -> target.value)",
);
const FLOW_V1BETA2_FIELDS: FieldChanges = Notable(
    "PriorityLevelConfiguration spec.limited.assuredConcurrencyShares is renamed spec.limited.nominalConcurrencyShares",
);

/// Every row, Kubernetes releases oldest first, then the ecosystem.
// One row per line reads as the guide does; rustfmt would split each over seven.
#[rustfmt::skip]
pub const API_REMOVALS: &[ApiRemoval] = &[
    // ---- v1.16 (guide: "### v1.16")
    k8s("extensions/v1beta1", "NetworkPolicy", 16, Some("networking.k8s.io/v1"), Some(8), NoChange),
    k8s("extensions/v1beta1", "PodSecurityPolicy", 16, Some("policy/v1beta1"), Some(10), NoChange),
    k8s("extensions/v1beta1", "DaemonSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta2", "DaemonSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("extensions/v1beta1", "Deployment", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta1", "Deployment", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta2", "Deployment", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta1", "StatefulSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta2", "StatefulSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("extensions/v1beta1", "ReplicaSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta1", "ReplicaSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    k8s("apps/v1beta2", "ReplicaSet", 16, Some("apps/v1"), Some(9), APPS_SELECTOR),
    // ---- v1.22 (guide: "### v1.22")
    k8s("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 22, Some("admissionregistration.k8s.io/v1"), Some(16), WEBHOOK_FIELDS),
    k8s("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 22, Some("admissionregistration.k8s.io/v1"), Some(16), WEBHOOK_FIELDS),
    k8s("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 22, Some("apiextensions.k8s.io/v1"), Some(16), CRD_FIELDS),
    k8s("apiregistration.k8s.io/v1beta1", "APIService", 22, Some("apiregistration.k8s.io/v1"), Some(10), NoChange),
    k8s("authentication.k8s.io/v1beta1", "TokenReview", 22, Some("authentication.k8s.io/v1"), Some(6), NoChange),
    k8s("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 22, Some("authorization.k8s.io/v1"), Some(6), SAR_FIELDS),
    k8s("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 22, Some("authorization.k8s.io/v1"), Some(6), SAR_FIELDS),
    k8s("authorization.k8s.io/v1beta1", "SubjectAccessReview", 22, Some("authorization.k8s.io/v1"), Some(6), SAR_FIELDS),
    k8s("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 22, Some("authorization.k8s.io/v1"), Some(6), SAR_FIELDS),
    k8s("certificates.k8s.io/v1beta1", "CertificateSigningRequest", 22, Some("certificates.k8s.io/v1"), Some(19), Notable("spec.signerName and spec.usages are required; kubernetes.io/legacy-unknown cannot be requested")),
    k8s("coordination.k8s.io/v1beta1", "Lease", 22, Some("coordination.k8s.io/v1"), Some(14), NoChange),
    k8s("extensions/v1beta1", "Ingress", 22, Some("networking.k8s.io/v1"), Some(19), INGRESS_FIELDS),
    k8s("networking.k8s.io/v1beta1", "Ingress", 22, Some("networking.k8s.io/v1"), Some(19), INGRESS_FIELDS),
    k8s("networking.k8s.io/v1beta1", "IngressClass", 22, Some("networking.k8s.io/v1"), Some(19), NoChange),
    k8s("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 22, Some("rbac.authorization.k8s.io/v1"), Some(8), NoChange),
    k8s("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 22, Some("rbac.authorization.k8s.io/v1"), Some(8), NoChange),
    k8s("rbac.authorization.k8s.io/v1beta1", "Role", 22, Some("rbac.authorization.k8s.io/v1"), Some(8), NoChange),
    k8s("rbac.authorization.k8s.io/v1beta1", "RoleBinding", 22, Some("rbac.authorization.k8s.io/v1"), Some(8), NoChange),
    k8s("scheduling.k8s.io/v1beta1", "PriorityClass", 22, Some("scheduling.k8s.io/v1"), Some(14), NoChange),
    k8s("storage.k8s.io/v1beta1", "CSIDriver", 22, Some("storage.k8s.io/v1"), Some(19), NoChange),
    k8s("storage.k8s.io/v1beta1", "CSINode", 22, Some("storage.k8s.io/v1"), Some(17), NoChange),
    k8s("storage.k8s.io/v1beta1", "StorageClass", 22, Some("storage.k8s.io/v1"), Some(6), NoChange),
    k8s("storage.k8s.io/v1beta1", "VolumeAttachment", 22, Some("storage.k8s.io/v1"), Some(13), NoChange),
    // ---- v1.25 (guide: "### v1.25")
    k8s("batch/v1beta1", "CronJob", 25, Some("batch/v1"), Some(21), NoChange),
    k8s("discovery.k8s.io/v1beta1", "EndpointSlice", 25, Some("discovery.k8s.io/v1"), Some(21), Notable("topology[\"kubernetes.io/hostname\"] -> per-endpoint nodeName; topology[\"topology.kubernetes.io/zone\"] -> zone; topology -> deprecatedTopology (read-only)")),
    k8s("events.k8s.io/v1beta1", "Event", 25, Some("events.k8s.io/v1"), Some(19), Notable("type limited to Normal/Warning; involvedObject -> regarding; firstTimestamp/lastTimestamp/count/source -> eventTime/series/reportingComponent/reportingInstance")),
    k8s("autoscaling/v2beta1", "HorizontalPodAutoscaler", 25, Some("autoscaling/v2"), Some(23), HPA_FIELDS),
    k8s("policy/v1beta1", "PodDisruptionBudget", 25, Some("policy/v1"), Some(21), Notable("an empty spec.selector ({}) selects every pod of the namespace in policy/v1 (none in v1beta1)")),
    k8s("policy/v1beta1", "PodSecurityPolicy", 25, None, None, NoReplacement("PodSecurityPolicy is removed: use Pod Security Admission (namespace labels) or a third-party admission webhook")),
    k8s("node.k8s.io/v1beta1", "RuntimeClass", 25, Some("node.k8s.io/v1"), Some(20), NoChange),
    // ---- v1.26 (guide: "### v1.26")
    // The guide: "Migrate ... to use the flowcontrol.apiserver.k8s.io/v1beta2
    // API version" (served since 1.23, itself removed in 1.29).
    k8s("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 26, Some("flowcontrol.apiserver.k8s.io/v1beta2"), Some(23), NoChange),
    k8s("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 26, Some("flowcontrol.apiserver.k8s.io/v1beta2"), Some(23), NoChange),
    k8s("autoscaling/v2beta2", "HorizontalPodAutoscaler", 26, Some("autoscaling/v2"), Some(23), HPA_FIELDS),
    // ---- v1.27 (guide: "### v1.27")
    k8s("storage.k8s.io/v1beta1", "CSIStorageCapacity", 27, Some("storage.k8s.io/v1"), Some(24), NoChange),
    // ---- v1.29 (guide: "### v1.29")
    k8s("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 29, Some("flowcontrol.apiserver.k8s.io/v1"), Some(29), FLOW_V1BETA2_FIELDS),
    k8s("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", 29, Some("flowcontrol.apiserver.k8s.io/v1"), Some(29), FLOW_V1BETA2_FIELDS),
    // ---- v1.32 (guide: "### v1.32")
    k8s("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 32, Some("flowcontrol.apiserver.k8s.io/v1"), Some(29), NoChange),
    k8s("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 32, Some("flowcontrol.apiserver.k8s.io/v1"), Some(29), Notable("spec.limited.nominalConcurrencyShares defaults to 30 only when unspecified; an explicit 0 is no longer changed to 30")),
    // ---- Karpenter. v0.32 introduced v1beta1 beside v1alpha5; v0.33.0 stopped
    // serving v1alpha5/v1alpha1 (upgrade guide, "Upgrading to 0.33.0"). The
    // newest release serving them, 0.32.x, supports Kubernetes up to 1.28
    // (compatibility.yaml), so from 1.29 no Karpenter can serve them.
    eco("karpenter.sh/v1alpha5", "Provisioner", 29, "karpenter.sh/v1", Some("NodePool"), "Karpenter v0.33.0"),
    eco("karpenter.sh/v1alpha5", "Machine", 29, "karpenter.sh/v1", Some("NodeClaim"), "Karpenter v0.33.0"),
    eco("karpenter.k8s.aws/v1alpha1", "AWSNodeTemplate", 29, "karpenter.k8s.aws/v1", Some("EC2NodeClass"), "Karpenter v0.33.0"),
    // v1.0 serves v1 and v1beta1 (conversion webhook); v1.1.0 stopped serving
    // v1beta1 (upgrade guide, "Upgrading to 1.1.0"). The newest release
    // serving v1beta1, 1.0.x, supports up to 1.31 (1.0.5+), so from 1.32.
    eco("karpenter.sh/v1beta1", "NodePool", 32, "karpenter.sh/v1", None, "Karpenter v1.1.0"),
    eco("karpenter.sh/v1beta1", "NodeClaim", 32, "karpenter.sh/v1", None, "Karpenter v1.1.0"),
    eco("karpenter.k8s.aws/v1beta1", "EC2NodeClass", 32, "karpenter.k8s.aws/v1", None, "Karpenter v1.1.0"),
    // The Load Balancer Controller serves v1alpha1 beside its storage version
    // v1beta1 (served: true, storage: false); no removal announced.
    ApiRemoval {
        api_version: "elbv2.k8s.aws/v1alpha1",
        kind: "TargetGroupBinding",
        status: ApiStatus::Deprecated,
        replacement: Some("elbv2.k8s.aws/v1beta1"),
        replacement_kind: None,
        replacement_since: None,
        fields: Notable("v1beta1 adds spec.networking, spec.ipAddressType and spec.nodeSelector; spec.targetType is immutable"),
        source: ApiSource::AwsLoadBalancerController,
        removed_by: None,
    },
    // SecurityGroupPolicy has only ever had v1beta1.
    ApiRemoval {
        api_version: "vpcresources.k8s.aws/v1beta1",
        kind: "SecurityGroupPolicy",
        status: ApiStatus::BetaOnly,
        replacement: None,
        replacement_kind: None,
        replacement_since: None,
        fields: NoChange,
        source: ApiSource::VpcResourceController,
        removed_by: None,
    },
];

const fn eco(
    api_version: &'static str,
    kind: &'static str,
    minor: u32,
    replacement: &'static str,
    replacement_kind: Option<&'static str>,
    removed_by: &'static str,
) -> ApiRemoval {
    ApiRemoval {
        api_version,
        kind,
        status: ApiStatus::Removed { minor },
        replacement: Some(replacement),
        replacement_kind,
        replacement_since: None,
        fields: Notable(
            "the schema changed: migrate with the project's upgrade guide, not by renaming apiVersion",
        ),
        source: ApiSource::Karpenter,
        removed_by: Some(removed_by),
    }
}

/// The row for an object's `apiVersion` and `kind`, if any.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static ApiRemoval> {
    let api_version = api_version.trim();
    API_REMOVALS
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind)
}

/// The replacement to write when moving to `target`: follows a replacement
/// that is itself removed by `target` (flowcontrol v1beta1 -> v1beta3 -> v1).
pub fn replacement_at(row: &ApiRemoval, target: u32) -> Option<&'static str> {
    let mut api = row.replacement?;
    let kind = row.replacement_kind.unwrap_or(row.kind);
    for _ in 0..API_REMOVALS.len() {
        match lookup(api, kind) {
            Some(next) if next.removed_in().is_some_and(|m| m <= target) => {
                api = next.replacement?;
            }
            _ => break,
        }
    }
    Some(api)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_and_removed_rows_have_a_replacement_or_say_why() {
        for (i, a) in API_REMOVALS.iter().enumerate() {
            for b in &API_REMOVALS[i + 1..] {
                assert!(
                    !(a.api_version == b.api_version && a.kind == b.kind),
                    "duplicate {a}"
                );
            }
            if a.replacement.is_none() {
                assert!(
                    matches!(
                        a.fields,
                        FieldChanges::NoReplacement(_) | FieldChanges::None
                    ),
                    "{a}"
                );
            }
            if let (Some(since), Some(removed)) = (a.replacement_since, a.removed_in()) {
                assert!(since <= removed, "{a}: replacement after removal");
            }
        }
    }

    #[test]
    fn replacement_chains_follow_later_removals() {
        let fs = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema");
        let fs = fs.expect("row");
        assert_eq!(
            replacement_at(fs, 28),
            Some("flowcontrol.apiserver.k8s.io/v1beta2")
        );
        assert_eq!(
            replacement_at(fs, 32),
            Some("flowcontrol.apiserver.k8s.io/v1")
        );
        let psp = lookup("extensions/v1beta1", "PodSecurityPolicy").expect("row");
        // extensions -> policy/v1beta1, itself removed in 1.25 with no replacement.
        assert_eq!(replacement_at(psp, 24), Some("policy/v1beta1"));
        assert_eq!(replacement_at(psp, 25), None);
        let prov = lookup("karpenter.sh/v1alpha5", "Provisioner").expect("row");
        assert_eq!(replacement_at(prov, 33), Some("karpenter.sh/v1"));
    }
}
