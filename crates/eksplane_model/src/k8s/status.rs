//! Status as the API server reports it (`kubectl get -o yaml`): conditions
//! (`metav1.Condition`, k8s.io/apimachinery/pkg/apis/meta/v1/types.go) and
//! the status of the kinds `verify` reads. A manifest written by hand has no
//! `status`: every status field is optional, and "no status" is kept apart
//! from "status without the field" so an analysis can say which it lacks.

use eksplane_source::Spanned;
use serde::Deserialize;

/// One condition (`metav1.Condition`; Karpenter's NodePool, NodeClaim and
/// EC2NodeClass use it: kubernetes-sigs/karpenter pkg/apis/v1, operatorpkg
/// `status.Condition`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type", default)]
    pub condition_type: String,
    /// `True`, `False` or `Unknown`.
    pub status: Option<Spanned<String>>,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition_time: Option<String>,
    pub observed_generation: Option<i64>,
}

impl Condition {
    /// `True`, `False`, `Unknown` as written (`Unknown` when absent).
    pub fn status_str(&self) -> &str {
        self.status.as_ref().map_or("Unknown", |s| s.value.as_str())
    }

    pub fn is_true(&self) -> bool {
        self.status_str() == "True"
    }
}

/// A `status` that carries `conditions` (Karpenter's kinds).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionedStatus {
    #[serde(default)]
    pub conditions: Vec<Spanned<Condition>>,
}

impl ConditionedStatus {
    /// The condition of type `t`, if reported.
    pub fn condition(&self, t: &str) -> Option<&Spanned<Condition>> {
        self.conditions.iter().find(|c| c.value.condition_type == t)
    }
}

/// `status` of an `apps/v1` DaemonSet (k8s.io/api/apps/v1 `DaemonSetStatus`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetStatus {
    pub desired_number_scheduled: Option<Spanned<i64>>,
    pub current_number_scheduled: Option<Spanned<i64>>,
    pub number_ready: Option<Spanned<i64>>,
    pub number_available: Option<Spanned<i64>>,
    pub number_unavailable: Option<Spanned<i64>>,
    pub number_misscheduled: Option<Spanned<i64>>,
    pub updated_number_scheduled: Option<Spanned<i64>>,
    pub observed_generation: Option<i64>,
}

/// `status` of a `networking.k8s.io/v1` Ingress (`IngressStatus`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressStatus {
    pub load_balancer: Option<Spanned<IngressLoadBalancerStatus>>,
}

/// `IngressLoadBalancerStatus`: the load balancer's addresses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressLoadBalancerStatus {
    #[serde(default)]
    pub ingress: Vec<Spanned<IngressLoadBalancerIngress>>,
}

/// `IngressLoadBalancerIngress`: one address (an ALB's DNS name is `hostname`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressLoadBalancerIngress {
    pub hostname: Option<Spanned<String>>,
    pub ip: Option<Spanned<String>>,
}

impl IngressLoadBalancerIngress {
    /// The hostname, else the IP.
    pub fn address(&self) -> Option<&Spanned<String>> {
        self.hostname.as_ref().or(self.ip.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    #[test]
    fn conditions_and_counts_decode_with_positions() {
        let s: ConditionedStatus = decode(
            "conditions:\n- type: Ready\n  status: \"True\"\n  reason: Ready\n- type: Launched\n  status: \"False\"\n",
        );
        let ready = s.condition("Ready").unwrap_or_else(|| panic!("no Ready"));
        assert!(ready.value.is_true());
        assert_eq!(ready.span.start.line, 2);
        let launched = s
            .condition("Launched")
            .unwrap_or_else(|| panic!("no Launched"));
        assert_eq!(launched.value.status_str(), "False");
        assert!(s.condition("Registered").is_none());
        let d: DaemonSetStatus = decode("desiredNumberScheduled: 3\nnumberReady: 2\n");
        assert_eq!(
            d.number_ready
                .as_ref()
                .map(|n| (n.value, n.span.start.line)),
            Some((2, 2))
        );
        let i: IngressStatus =
            decode("loadBalancer:\n  ingress:\n  - hostname: k8s-x.elb.amazonaws.com\n");
        let lb = i.load_balancer.unwrap_or_else(|| panic!("no lb"));
        assert_eq!(
            lb.value.ingress[0]
                .value
                .address()
                .map(|a| a.value.as_str()),
            Some("k8s-x.elb.amazonaws.com")
        );
    }
}
