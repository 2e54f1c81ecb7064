//! EKS Auto Mode: the VPC CNI runs inside the node, prefix delegation always
//! on, no `aws-node` DaemonSet to configure (EKS user guide, "Learn about VPC
//! Networking and Load Balancing in EKS Auto Mode"), and its own node class
//! (`eks.amazonaws.com/v1` `NodeClass`) instead of an EC2NodeClass.
//!
//! What is computed here is the networking side: the CNI's view with
//! [`CniOptions::auto_mode`] and the pods it can back, capped at the
//! calculator's recommendation ceiling. Auto Mode's own advertised pods and
//! kube-reserved are not published in a source this project holds (its
//! Karpenter is AWS-managed and closed), so they are not guessed: callers
//! compare a NodePool's kubelet settings, when they have them, against
//! [`AutoModeView::attainable`].

use crate::calculator::ceiling_for_vcpus;
use crate::cni::{CniOptions, CniView, cni_view};
use eksplane_aws_data::InstanceType;

/// One instance type under EKS Auto Mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoModeView {
    pub instance_type: String,
    /// The CNI's view with prefix delegation (Nitro and bare metal; other
    /// types fall back to secondary IPs, as ipamd does).
    pub cni: CniView,
    /// 110 up to 30 vCPUs, 250 above (max-pods-calculator.sh); `None` when
    /// the vCPU count is unknown.
    pub ceiling: Option<u32>,
    /// `min(cni.max_pods, ceiling)`, or the CNI's count when the ceiling is
    /// unknown.
    pub attainable: u32,
}

/// The Auto Mode view of one instance type.
pub fn auto_mode_view(t: &InstanceType) -> AutoModeView {
    let cni = cni_view(t, &CniOptions::auto_mode());
    let ceiling = t.vcpus.map(ceiling_for_vcpus);
    let attainable = ceiling.map_or(cni.max_pods, |c| cni.max_pods.min(c));
    AutoModeView {
        instance_type: t.name.clone(),
        cni,
        ceiling,
        attainable,
    }
}
