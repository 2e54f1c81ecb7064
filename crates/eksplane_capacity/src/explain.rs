//! Explanations: each step of a computation with its numbers and the source
//! of the rule it applies (for `--explain`).

use std::fmt;

/// max-pods-calculator.sh, the script AWS published for AL2 nodes (removed
/// upstream 2026-03-04 together with AL2 support).
pub const SRC_CALCULATOR: &str =
    "awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh";
/// The eni-max-pods table's generator comment ("# of ENI * (# of IPv4 per ENI - 1) + 2").
pub const SRC_ENI_MAX_PODS: &str =
    "awslabs/amazon-eks-ami templates/shared/runtime/eni-max-pods.txt";
/// nodeadm's default max pods and `maxPodsExpression` evaluation.
pub const SRC_NODEADM_MAX_PODS: &str = "awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods.go (CalcMaxPods, evaluateCustomMaxPodsExpression)";
/// nodeadm's documentation of `maxPodsExpression`.
pub const SRC_NODEADM_DOC: &str =
    "awslabs/amazon-eks-ami nodeadm documentation, \"Defining a Max Pods Expression\"";
/// nodeadm's kube-reserved memory (`withDefaultReservedResources`,
/// `getMemoryMebibytesToReserve`: 11 x maxPods + 255 of nodeadm's own value).
pub const SRC_NODEADM_RESERVED: &str =
    "awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go (withDefaultReservedResources)";
/// Karpenter's instance type resolution (pods, kube-reserved, memory, eviction).
pub const SRC_KARPENTER_TYPES: &str =
    "aws/karpenter-provider-aws pkg/providers/instancetype/types.go";
/// Karpenter's AMI-family feature flags.
pub const SRC_KARPENTER_AMIFAMILY: &str = "aws/karpenter-provider-aws pkg/providers/amifamily (resolver.go DefaultFamily, bottlerocket.go, windows.go)";
/// Karpenter's settings (VM_MEMORY_OVERHEAD_PERCENT default 0.075, RESERVED_ENIS default 0).
pub const SRC_KARPENTER_OPTIONS: &str =
    "aws/karpenter-provider-aws pkg/operator/options/options.go";
/// ipamd: ENI room, warm pool targets, prefix delegation fallback.
pub const SRC_IPAMD: &str = "aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go";
/// ipamd: which instances support prefix delegation.
pub const SRC_AWSUTILS: &str =
    "aws/amazon-vpc-cni-k8s pkg/awsutils/awsutils.go (IsPrefixDelegationSupported)";
/// Windows nodes: primary ENI only, IPv4 per ENI - 1 pods.
pub const SRC_EKS_WINDOWS: &str = "EKS user guide, \"Deploy Windows nodes on EKS clusters\" (VPC resource controller: primary ENI only)";
pub const SRC_CNI_ENI_IP_TARGET: &str = "aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md";
pub const SRC_CNI_PREFIX_TARGET: &str = "aws/amazon-vpc-cni-k8s docs/prefix-and-ip-target.md";

/// One step of a computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the step decides, in words.
    pub rule: String,
    /// The formula with the numbers put in, and its result.
    pub computation: String,
    /// Where the rule comes from (repository and path, or document).
    pub source: &'static str,
}

impl Step {
    pub fn new(
        rule: impl Into<String>,
        computation: impl Into<String>,
        source: &'static str,
    ) -> Step {
        Step {
            rule: rule.into(),
            computation: computation.into(),
            source,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}  [{}]", self.rule, self.computation, self.source)
    }
}
