//! AL2023's nodeadm: its default max pods and `maxPodsExpression`.
//!
//! nodeadm computes `default_enis * (ips_per_eni - 1) + 2` from the default
//! network card, whatever the CNI's prefix delegation setting, and applies no
//! 110/250 ceiling (`CalcMaxPods` / `calculateStandardMaxPods` in
//! awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods.go). A
//! `maxPodsExpression` replaces that value when it evaluates to an integer in
//! `1..=2147483647`; otherwise nodeadm logs a warning and keeps the standard
//! value. A `maxPods` in the kubelet config takes precedence over both for the
//! kubelet's pod limit, but kube-reserved memory is `11 x maxPods + 255` MiB of
//! nodeadm's own value -- the default or the expression's result -- computed
//! before the user's kubelet config is merged (config.go
//! `withDefaultReservedResources` sets `ksc.MaxPods = CalcMaxPods(...)` and
//! `getMemoryMebibytesToReserve(ksc.MaxPods)`; nodeadm/doc/examples.md).
//! Karpenter's AL2023 view subtracts the same (types.go, ENILimitedPods with
//! `UsesENILimitedMemoryOverhead`).

use crate::calculator::per_ip_formula;
use crate::explain::{SRC_NODEADM_DOC, SRC_NODEADM_MAX_PODS, SRC_NODEADM_RESERVED, Step};
use crate::expr::{ExprError, Expression};
use eksplane_aws_data::InstanceType;

/// What nodeadm sets as the kubelet's maxPods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeadmMaxPods {
    pub instance_type: String,
    pub default_enis: u32,
    pub ips_per_eni: u32,
    /// `default_enis * (ips_per_eni - 1) + 2`.
    pub standard: u32,
    /// The expression and what it gave (an error makes nodeadm fall back).
    pub expression: Option<(String, Result<u32, ExprError>)>,
    /// `kubelet.config.maxPods`, when set: wins over everything for the pod limit.
    pub kubelet_max_pods: Option<u32>,
    /// nodeadm's own value: the expression's result, else `standard`. This is
    /// what kube-reserved memory is computed from.
    pub nodeadm_max_pods: u32,
    /// The value the kubelet gets.
    pub max_pods: u32,
    /// nodeadm's kube-reserved memory: `11 x nodeadm_max_pods + 255` MiB (not
    /// of a kubelet `maxPods` override).
    pub kube_reserved_memory_mib: u64,
}

/// nodeadm's `max_pods` for this type, with an optional `maxPodsExpression`
/// and an optional static `maxPods` from the NodeConfig's kubelet config.
pub fn nodeadm_max_pods(
    t: &InstanceType,
    expression: Option<&Expression>,
    kubelet_max_pods: Option<u32>,
) -> NodeadmMaxPods {
    let default_enis = t.network.default_card_max_enis();
    let ips_per_eni = t.network.ipv4_per_eni;
    let standard = per_ip_formula(default_enis, ips_per_eni);
    let expression = expression.map(|e| (e.source().to_string(), evaluate(e, t, standard)));
    let from_expr = match &expression {
        Some((_, Ok(v))) => Some(*v),
        _ => None,
    };
    let own = from_expr.unwrap_or(standard);
    let max_pods = kubelet_max_pods.unwrap_or(own);
    NodeadmMaxPods {
        instance_type: t.name.clone(),
        default_enis,
        ips_per_eni,
        standard,
        expression,
        kubelet_max_pods,
        nodeadm_max_pods: own,
        max_pods,
        kube_reserved_memory_mib: kube_reserved_memory_mib(own),
    }
}

/// `11 x maxPods + 255` MiB (nodeadm config.go; the same formula Karpenter uses).
pub fn kube_reserved_memory_mib(max_pods: u32) -> u64 {
    11 * u64::from(max_pods) + 255
}

/// Evaluates a `maxPodsExpression` for one type as nodeadm does: variables
/// `default_enis`, `ips_per_eni`, `max_pods` (the standard value) and no
/// others (eni_max_pods.go); the result must be a positive int32.
pub fn evaluate(e: &Expression, t: &InstanceType, standard: u32) -> Result<u32, ExprError> {
    let default_enis = i64::from(t.network.default_card_max_enis());
    let ips = i64::from(t.network.ipv4_per_eni);
    let lookup = move |name: &str| match name {
        "default_enis" => Some(default_enis),
        "ips_per_eni" => Some(ips),
        "max_pods" => Some(i64::from(standard)),
        _ => None,
    };
    let v = e.eval_int(&lookup)?;
    // "value must be a positive integer less than 2147483647".
    if v <= 0 || v > i64::from(i32::MAX) {
        return Err(ExprError::OutOfRange { value: v });
    }
    u32::try_from(v).map_err(|_| ExprError::OutOfRange { value: v })
}

impl NodeadmMaxPods {
    pub fn explain(&self) -> Vec<Step> {
        let mut s = vec![Step::new(
            "nodeadm default: default_enis x (ips_per_eni - 1) + 2, prefix delegation not considered, no 110/250 ceiling",
            format!(
                "{} x ({} - 1) + 2 = {}",
                self.default_enis, self.ips_per_eni, self.standard
            ),
            SRC_NODEADM_MAX_PODS,
        )];
        if let Some((src, r)) = &self.expression {
            s.push(match r {
                Ok(v) => Step::new(
                    "maxPodsExpression replaces the default",
                    format!("{src} = {v}"),
                    SRC_NODEADM_MAX_PODS,
                ),
                Err(e) => Step::new(
                    "maxPodsExpression failed: nodeadm logs a warning and keeps the default",
                    format!("{src}: {e}; maxPods = {}", self.standard),
                    SRC_NODEADM_MAX_PODS,
                ),
            });
        }
        if let Some(m) = self.kubelet_max_pods {
            s.push(Step::new(
                "kubelet.config.maxPods takes precedence over maxPodsExpression (Karpenter writes a concrete maxPods, so on Karpenter nodes it always wins)",
                format!("maxPods = {m}"),
                SRC_NODEADM_DOC,
            ));
        }
        s.push(Step::new(
            "kube-reserved memory from nodeadm's own max pods (default or expression), not from a kubelet maxPods override: 11 x maxPods + 255 MiB",
            format!(
                "11 x {} + 255 = {} MiB",
                self.nodeadm_max_pods, self.kube_reserved_memory_mib
            ),
            SRC_NODEADM_RESERVED,
        ));
        s
    }
}
