//! Capacity formulas (max-pods, Karpenter and CNI views) and address arithmetic; pure.
//!
//! - [`calculator`]: max-pods as AWS's max-pods calculator computes it (and the
//!   eni-max-pods table, its per-IP case).
//! - [`nodeadm`] and [`expr`]: AL2023 nodeadm's default and `maxPodsExpression`.
//! - [`karpenter`]: Karpenter's pods, kube-reserved and allocatable.
//! - [`cni`]: the VPC CNI's pod IPs and warm pool.
//! - [`compare`]: both views side by side, the verdict and the fix.
//! - [`auto_mode`]: EKS Auto Mode's networking (prefix delegation always).
//!
//! No I/O: inputs are catalog records and plain option structs. Every formula
//! cites its source in a comment and in its `explain()` steps.

pub mod auto_mode;
pub mod calculator;
pub mod cni;
pub mod compare;
pub mod explain;
pub mod expr;
pub mod karpenter;
pub mod nodeadm;
pub mod version;

pub use auto_mode::{AutoModeView, auto_mode_view};
pub use calculator::{MaxPods, MaxPodsOptions, PrefixDelegation, eni_max_pods, max_pods};
pub use cni::{
    CniOptions, CniView, IpMode, NodeOs, PrefixFallback, WarmPool, WarmRule, cni_view,
    cni_view_for, warm_pool,
};
pub use compare::{
    Comparison, GroupSelector, MaxPodsFix, MaxPodsGroup, MemoryChange, Verdict, compare,
    recommend_max_pods, verdict,
};
pub use explain::Step;
pub use expr::{ExprError, Expression};
pub use karpenter::{
    AmiFamily, CapacityError, EvictionThreshold, KarpenterInputs, KarpenterSettings, KarpenterView,
    KubeletSettings, PodsSource, karpenter_view,
};
pub use nodeadm::{NodeadmMaxPods, nodeadm_max_pods};
pub use version::{CniVersion, VersionError};
