//! What a cluster costs beyond its EC2 nodes, shared by the rules (ING001's
//! ALB count) and the simulator (cost over a run): the EKS control plane by
//! the cluster's version and the date, and the Application Load Balancers
//! the Ingresses imply.

use eksplane_aws_data::eks_versions::{self, Date, Support};
use eksplane_model::ingress::{ALB_CONTROLLER, Ingress};
use eksplane_model::{KubeObject, Platform};
use std::collections::BTreeSet;

/// Amazon EKS pricing: a cluster in standard support is billed $0.10 per
/// hour, in extended support $0.60 per hour
/// (<https://aws.amazon.com/eks/pricing/>; also stated in "Understand the
/// Kubernetes version lifecycle on EKS",
/// <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).
pub const EKS_STANDARD_USD_HOUR: f64 = 0.10;
pub const EKS_EXTENDED_USD_HOUR: f64 = 0.60;
pub const SRC_EKS_PRICING: &str = "https://aws.amazon.com/eks/pricing/";
pub const SRC_EKS_CALENDAR: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";

/// us-east-1 Application Load Balancer hourly price, USD, before LCUs.
/// Source: <https://aws.amazon.com/elasticloadbalancing/pricing/> (ALB-hour).
pub const ALB_HOURLY_USD: f64 = 0.0225;
pub const SRC_ELB_PRICING: &str = "https://aws.amazon.com/elasticloadbalancing/pricing/";

/// The control plane's hourly rate on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlPlane {
    /// The cluster's version as the inputs state it.
    pub version: String,
    /// In extended support (or past it, still billed at the extended rate
    /// until EKS upgrades it) on `on`.
    pub extended: bool,
    pub usd_per_hour: f64,
    pub on: Date,
    /// How the rate was decided, with its sources.
    pub basis: String,
}

/// The control plane's rate on `on`, by the cluster's version and the EKS
/// calendar (`eksplane_aws_data::eks_versions`). Without a version in the
/// inputs, or a version the calendar does not know, the standard rate is
/// assumed and `basis` says so.
pub fn control_plane(p: &Platform, on: Date) -> ControlPlane {
    let version = p.cluster.version.as_ref().map(|v| v.value.clone());
    let status = version
        .as_deref()
        .and_then(|v| eks_versions::support_on(v, on, 0));
    let (extended, why) = match (&version, status) {
        (None, _) => (
            false,
            "the cluster's version is not in the inputs: standard support assumed".to_string(),
        ),
        (Some(v), None) => (
            false,
            format!("{v} is not in the EKS calendar: standard support assumed"),
        ),
        (Some(v), Some(Support::Standard(e) | Support::StandardEndingSoon(e))) => (
            false,
            format!(
                "{v} is in standard support on {on} (until {})",
                e.end_of_standard
            ),
        ),
        (Some(v), Some(Support::Extended(e))) => (
            true,
            format!(
                "{v} is in extended support on {on} (standard support ended {})",
                e.end_of_standard
            ),
        ),
        (Some(v), Some(Support::Ended(_) | Support::OlderThanTable { .. })) => (
            true,
            format!(
                "{v} is past the end of extended support on {on}: extended rate until EKS upgrades it"
            ),
        ),
    };
    let usd_per_hour = if extended {
        EKS_EXTENDED_USD_HOUR
    } else {
        EKS_STANDARD_USD_HOUR
    };
    ControlPlane {
        version: version.unwrap_or_else(|| "(unknown)".into()),
        extended,
        usd_per_hour,
        on,
        basis: format!(
            "{why}; ${usd_per_hour:.2}/h ({SRC_EKS_PRICING}; calendar {SRC_EKS_CALENDAR})"
        ),
    }
}

/// Whether the AWS Load Balancer Controller handles this Ingress: its class
/// (by `ingressClassName` or the legacy annotation) is an IngressClass with
/// controller `ingress.k8s.aws/alb`, or is named `alb` when the inputs hold no
/// IngressClass of that name.
pub fn is_alb(p: &Platform, ing: &Ingress) -> bool {
    match ing.class_name() {
        Some(c) => match p.ingress_classes.iter().find(|ic| ic.name() == c) {
            Some(ic) => ic
                .spec
                .controller
                .as_ref()
                .is_some_and(|x| x.value == ALB_CONTROLLER),
            None => c == "alb",
        },
        // No class: the cluster's default IngressClass, if it is an ALB one.
        None => p.ingress_classes.iter().any(|ic| {
            ic.is_alb()
                && ic
                    .meta()
                    .annotation("ingressclass.kubernetes.io/is-default-class")
                    .is_some_and(|v| v.value == "true")
        }),
    }
}

/// The IngressGroup an Ingress joins: IngressClassParams `spec.group.name`
/// wins over the annotation (controller docs, IngressClassParams).
pub fn group_of(p: &Platform, ing: &Ingress) -> Option<String> {
    let from_params = ing
        .class_name()
        .and_then(|c| p.ingress_classes.iter().find(|ic| ic.name() == c))
        .and_then(|ic| ic.spec.parameters.as_ref())
        .and_then(|r| r.name.as_deref())
        .and_then(|n| p.ingress_class_params.iter().find(|icp| icp.name() == n))
        .and_then(|icp| icp.spec.group.as_ref())
        .and_then(|g| g.name.as_ref())
        .map(|n| n.value.clone());
    from_params.or_else(|| ing.alb().group_name.map(|g| g.value))
}

/// The ALBs the Ingresses imply: one per IngressGroup, one per Ingress
/// without a group (kubernetes-sigs/aws-load-balancer-controller,
/// docs/guide/ingress/annotations.md "IngressGroup"). ING001 counts the same.
pub fn alb_count(p: &Platform) -> usize {
    let albs: Vec<&Ingress> = p.ingresses.iter().filter(|i| is_alb(p, i)).collect();
    let groups: BTreeSet<String> = albs.iter().filter_map(|i| group_of(p, i)).collect();
    groups.len() + albs.iter().filter(|i| group_of(p, i).is_none()).count()
}
