//! The VPC CNI's view: the pod IPs a node can physically get, and what the
//! warm-pool settings hold in reserve from the subnet.

use crate::calculator::{HOST_NETWORK_PODS, IPS_PER_PREFIX};
use crate::explain::{
    SRC_AWSUTILS, SRC_CNI_ENI_IP_TARGET, SRC_CNI_PREFIX_TARGET, SRC_EKS_WINDOWS, SRC_IPAMD, Step,
};
use crate::version::CniVersion;
use eksplane_aws_data::{Hypervisor, InstanceType};

/// The `aws-node` settings this view reads (the binary maps the model's
/// `CniSettings` onto it). Defaults are the CNI's (aws/amazon-vpc-cni-k8s
/// README, ipamd.go `defaultWarm*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CniOptions {
    /// The CNI version, when known (prefix delegation needs 1.9.0).
    pub version: Option<CniVersion>,
    /// `ENABLE_PREFIX_DELEGATION`.
    pub prefix_delegation: bool,
    /// `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG`.
    pub custom_networking: bool,
    /// `ENABLE_POD_ENI` (security groups for pods).
    pub pod_eni: bool,
    /// `MAX_ENI` (unset or 0: the instance's limit).
    pub max_eni: Option<u32>,
    /// `WARM_ENI_TARGET` (default 1).
    pub warm_eni_target: u32,
    /// `WARM_IP_TARGET` (unset or 0: not defined).
    pub warm_ip_target: Option<u32>,
    /// `MINIMUM_IP_TARGET` (unset or 0: not defined).
    pub minimum_ip_target: Option<u32>,
    /// `WARM_PREFIX_TARGET` (ipamd default 0).
    pub warm_prefix_target: Option<u32>,
}

impl Default for CniOptions {
    fn default() -> Self {
        CniOptions {
            version: None,
            prefix_delegation: false,
            custom_networking: false,
            pod_eni: false,
            max_eni: None,
            warm_eni_target: 1,
            warm_ip_target: None,
            minimum_ip_target: None,
            warm_prefix_target: None,
        }
    }
}

impl CniOptions {
    /// The settings the EKS managed `vpc-cni` add-on ships, before any
    /// `configurationValues`: `WARM_ENI_TARGET=1` and `WARM_PREFIX_TARGET=1`
    /// (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/values.yaml `env` and
    /// config/master/aws-k8s-cni.yaml, at b52188387f2e2f10bf289ace929d6a63b176a4fa),
    /// where ipamd's own code default for WARM_PREFIX_TARGET is 0. Settings
    /// from the add-on's `configurationValues` start from these.
    pub fn managed_addon_defaults() -> CniOptions {
        CniOptions {
            warm_eni_target: 1,
            warm_prefix_target: Some(1),
            ..CniOptions::default()
        }
    }

    /// EKS Auto Mode's networking: the VPC CNI runs inside the node with
    /// prefix delegation always on and no `aws-node` DaemonSet to configure
    /// (EKS user guide, "Learn about VPC Networking and Load Balancing in EKS
    /// Auto Mode": "EKS Auto Mode uses prefix delegation", no custom
    /// networking via ENIConfig, no security groups for pods via the trunk
    /// ENI); warm settings are the add-on's defaults.
    pub fn auto_mode() -> CniOptions {
        CniOptions {
            version: None,
            prefix_delegation: true,
            custom_networking: false,
            pod_eni: false,
            ..CniOptions::managed_addon_defaults()
        }
    }

    /// The version the version-dependent rules assume: the configured one, else
    /// the current release ([`CniVersion::CURRENT_RELEASE`]).
    pub fn effective_version(&self) -> CniVersion {
        self.version.unwrap_or(CniVersion::CURRENT_RELEASE)
    }

    fn warm_ip(&self) -> u32 {
        self.warm_ip_target.unwrap_or(0)
    }
    fn minimum_ip(&self) -> u32 {
        self.minimum_ip_target.unwrap_or(0)
    }
    /// ipamd `datastoreTargetState`: targets are "defined" when either is non-zero.
    pub fn ip_targets_defined(&self) -> bool {
        self.warm_ip() > 0 || self.minimum_ip() > 0
    }
}

/// The node's operating system as the VPC CNI sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeOs {
    Linux,
    /// Windows: IPs are managed by the VPC resource controller on the primary
    /// ENI only; `aws-node` settings (prefix delegation, custom networking,
    /// pod ENI) do not apply.
    Windows,
}

/// How pod IPs are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpMode {
    SecondaryIps,
    /// /28 prefixes, 16 IPs per ENI slot.
    Prefixes,
}

/// Why prefix delegation, though requested, is not in effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixFallback {
    /// Neither Nitro nor bare metal: ipamd falls back to secondary IPs.
    NotNitro,
    /// CNI older than 1.9.0 does not know the setting.
    CniTooOld(CniVersion),
}

/// The CNI's view of one instance type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CniView {
    pub instance_type: String,
    pub os: NodeOs,
    pub mode: IpMode,
    pub prefix_fallback: Option<PrefixFallback>,
    /// Default-card ENIs.
    pub card_enis: u32,
    /// After `MAX_ENI`.
    pub max_enis: u32,
    /// One ENI slot held for the trunk ENI (`ENABLE_POD_ENI`).
    pub trunk_slot: bool,
    /// Whether the type supports a trunk ENI (unknown: `None`).
    pub trunking_compatible: Option<bool>,
    /// Custom networking: the primary ENI carries no pod IPs.
    pub primary_eni_excluded: bool,
    /// ENIs that carry pod IPs.
    pub pod_enis: u32,
    /// `IPv4 per ENI - 1` (the primary IP takes one slot).
    pub slots_per_eni: u32,
    /// 1 or 16.
    pub ips_per_slot: u32,
    /// Pod IPs the node can get: `pod_enis x slots x ips_per_slot`.
    pub pod_ips: u32,
    /// Pods the node can run with an IP each, plus the 2 host-network pods.
    pub max_pods: u32,
    /// Branch ENIs for pods with security groups (trunk-compatible types with
    /// `ENABLE_POD_ENI`); these pods do not use node IPs.
    pub branch_eni_pods: u32,
    /// The node's kubelet maxPods, where the warm pool stops growing (ipamd
    /// `isDatastorePoolTooLow`: "If max pods has been reached, pool is not too
    /// low", since v1.17.1). Defaults to `max_pods`; callers that know the
    /// kubelet's value set it with [`CniView::with_node_max_pods`].
    pub node_max_pods: u32,
}

fn sat(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The CNI's view for one instance type on a Linux node.
pub fn cni_view(t: &InstanceType, o: &CniOptions) -> CniView {
    cni_view_for(t, o, NodeOs::Linux)
}

/// The CNI's view for one instance type on a node of this OS.
pub fn cni_view_for(t: &InstanceType, o: &CniOptions, os: NodeOs) -> CniView {
    if os == NodeOs::Windows {
        return windows_view(t);
    }
    // Prefix delegation: Nitro or bare metal (awsutils IsPrefixDelegationSupported);
    // otherwise ipamd warns and falls back to secondary IPs (ipamd.go).
    let prefix_capable = t.hypervisor == Hypervisor::Nitro || t.bare_metal;
    let prefix_fallback = if !o.prefix_delegation {
        None
    } else if let Some(v) = o.version.filter(|v| !v.supports_prefix_delegation()) {
        Some(PrefixFallback::CniTooOld(v))
    } else if !prefix_capable {
        Some(PrefixFallback::NotNitro)
    } else {
        None
    };
    let mode = if o.prefix_delegation && prefix_fallback.is_none() {
        IpMode::Prefixes
    } else {
        IpMode::SecondaryIps
    };
    let card_enis = t.network.default_card_max_enis();
    // ipamd: maxENI = min(MAX_ENI, instance limit) when MAX_ENI > 0.
    let max_enis = match o.max_eni {
        Some(m) if m > 0 => card_enis.min(m),
        _ => card_enis,
    };
    // hasRoomForEni: ENIs < maxENI - unmanagedENI - trunkEni. Since v1.20.4
    // trunkEni = 1 only when the type is trunking-compatible and
    // ENABLE_POD_ENI is set (before: whenever ENABLE_POD_ENI is set).
    // Unknown compatibility keeps the slot held (the lower pod count).
    let trunking_compatible = t.trunking.map(|tr| tr.trunking_compatible);
    let trunk_slot = o.pod_eni
        && (o
            .effective_version()
            .holds_trunk_slot_on_incompatible_types()
            || trunking_compatible != Some(false));
    let mut pod_enis = max_enis.saturating_sub(u32::from(trunk_slot));
    if o.custom_networking {
        pod_enis = pod_enis.saturating_sub(1);
    }
    let slots_per_eni = t.network.ipv4_per_eni.saturating_sub(1);
    let ips_per_slot = match mode {
        IpMode::SecondaryIps => 1,
        IpMode::Prefixes => IPS_PER_PREFIX,
    };
    let pod_ips = sat(u64::from(pod_enis) * u64::from(slots_per_eni) * u64::from(ips_per_slot));
    let branch_eni_pods = match t.trunking {
        Some(tr) if o.pod_eni && tr.trunking_compatible => tr.branch_enis,
        _ => 0,
    };
    let max_pods = pod_ips.saturating_add(HOST_NETWORK_PODS);
    CniView {
        instance_type: t.name.clone(),
        os,
        mode,
        prefix_fallback,
        card_enis,
        max_enis,
        trunk_slot,
        trunking_compatible,
        primary_eni_excluded: o.custom_networking,
        pod_enis,
        slots_per_eni,
        ips_per_slot,
        pod_ips,
        max_pods,
        branch_eni_pods,
        node_max_pods: max_pods,
    }
}

/// Windows nodes: the VPC resource controller assigns secondary IPs on the
/// primary ENI only, so pods = IPv4 per ENI - 1 (m5.large 9, m5.4xlarge 29;
/// EKS user guide "Deploy Windows nodes on EKS clusters"; `../shared/data/SOURCES.md`
/// facts). There are no host-network pods to add. Prefix delegation on
/// Windows is a different switch (`enable-windows-prefix-delegation` in the
/// amazon-vpc-cni ConfigMap), not aws-node's ENABLE_PREFIX_DELEGATION, and is
/// not modelled: the view is secondary IPs.
fn windows_view(t: &InstanceType) -> CniView {
    let card_enis = t.network.default_card_max_enis();
    let pod_enis = u32::from(card_enis > 0);
    let slots_per_eni = t.network.ipv4_per_eni.saturating_sub(1);
    let pod_ips = pod_enis.saturating_mul(slots_per_eni);
    CniView {
        instance_type: t.name.clone(),
        os: NodeOs::Windows,
        mode: IpMode::SecondaryIps,
        prefix_fallback: None,
        card_enis,
        max_enis: pod_enis,
        trunk_slot: false,
        trunking_compatible: t.trunking.map(|tr| tr.trunking_compatible),
        primary_eni_excluded: false,
        pod_enis,
        slots_per_eni,
        ips_per_slot: 1,
        pod_ips,
        max_pods: pod_ips,
        branch_eni_pods: 0,
        node_max_pods: pod_ips,
    }
}

impl CniView {
    /// The same view on a node whose kubelet admits `max_pods` pods: the warm
    /// pool stops growing there ([`warm_pool`]).
    #[must_use]
    pub fn with_node_max_pods(mut self, max_pods: u32) -> CniView {
        self.node_max_pods = max_pods;
        self
    }

    pub fn ips_per_eni(&self) -> u32 {
        sat(u64::from(self.slots_per_eni) * u64::from(self.ips_per_slot))
    }

    pub fn explain(&self) -> Vec<Step> {
        let mut s = Vec::new();
        if self.os == NodeOs::Windows {
            s.push(Step::new(
                "Windows: secondary IPs on the primary ENI only (aws-node settings do not apply): IPv4 per ENI - 1",
                format!("{} - 1 = {} pods", self.slots_per_eni + 1, self.max_pods),
                SRC_EKS_WINDOWS,
            ));
            return s;
        }
        match self.prefix_fallback {
            Some(PrefixFallback::NotNitro) => s.push(Step::new(
                "prefix delegation needs a Nitro or bare metal instance; ipamd falls back to secondary IPs",
                "not Nitro, not bare metal: secondary IPs",
                SRC_AWSUTILS,
            )),
            Some(PrefixFallback::CniTooOld(v)) => s.push(Step::new(
                "prefix delegation needs VPC CNI >= 1.9.0",
                format!("CNI {v}: secondary IPs"),
                SRC_IPAMD,
            )),
            None => {}
        }
        s.push(Step::new(
            "ENIs: default card, capped by MAX_ENI",
            format!("{} -> {}", self.card_enis, self.max_enis),
            SRC_IPAMD,
        ));
        if self.trunk_slot {
            s.push(Step::new(
                "ENABLE_POD_ENI holds one ENI slot for the trunk ENI (hasRoomForEni)",
                match self.trunking_compatible {
                    Some(true) => "trunk ENI takes 1 slot".to_string(),
                    Some(false) => "type is not trunk-compatible and CNI < 1.20.4: the slot is held for a trunk that never attaches".to_string(),
                    None => "trunk compatibility unknown: 1 slot held".to_string(),
                },
                SRC_IPAMD,
            ));
        }
        if self.primary_eni_excluded {
            s.push(Step::new(
                "custom networking: the primary ENI carries no pod IPs",
                "1 ENI left out",
                SRC_IPAMD,
            ));
        }
        s.push(Step::new(
            match self.mode {
                IpMode::SecondaryIps => "secondary IPs: ENIs x (IPv4 per ENI - 1)",
                IpMode::Prefixes => "/28 prefixes: ENIs x (IPv4 per ENI - 1) x 16",
            },
            format!(
                "{} x {} x {} = {} pod IPs; + 2 host-network pods = {}",
                self.pod_enis, self.slots_per_eni, self.ips_per_slot, self.pod_ips, self.max_pods
            ),
            match self.mode {
                IpMode::SecondaryIps => SRC_CNI_ENI_IP_TARGET,
                IpMode::Prefixes => SRC_CNI_PREFIX_TARGET,
            },
        ));
        if self.branch_eni_pods > 0 {
            s.push(Step::new(
                "security groups for pods: branch ENIs (vpc.amazonaws.com/pod-eni) for SG pods, beside node IPs",
                format!("{} branch ENIs", self.branch_eni_pods),
                crate::explain::SRC_KARPENTER_TYPES,
            ));
        }
        s
    }
}

/// Which setting governs the warm pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarmRule {
    /// `WARM_IP_TARGET` / `MINIMUM_IP_TARGET` (they override `WARM_ENI_TARGET`
    /// and `WARM_PREFIX_TARGET`).
    IpTargets { warm_ip: u32, minimum_ip: u32 },
    /// `WARM_ENI_TARGET` (secondary IPs): whole ENIs of free IPs.
    WarmEniTarget(u32),
    /// `WARM_PREFIX_TARGET` (prefixes): whole free /28 prefixes.
    WarmPrefixTarget(u32),
}

/// What a node with `pods` pods (needing an IP each) holds from the subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarmPool {
    pub pods: u32,
    pub rule: WarmRule,
    /// ENIs with pod IPs attached.
    pub pod_enis_attached: u32,
    /// All ENIs attached: pod ENIs, the primary ENI under custom networking,
    /// and the trunk ENI when one attaches.
    pub enis_attached: u32,
    /// Prefixes attached (prefix mode).
    pub prefixes: Option<u32>,
    /// Pod IPs assigned to the node.
    pub allocated_ips: u32,
    /// Allocated but unused: the warm reserve.
    pub reserved_ips: u32,
    /// Pods beyond the node's pod IPs (they would stay ContainerCreating).
    pub pods_without_ip: u32,
}

fn div_ceil(a: u64, b: u64) -> u64 {
    if b == 0 { 0 } else { a.div_ceil(b) }
}

/// The warm pool for `pods` pods (precedence: docs/eni-and-ip-target.md,
/// docs/prefix-and-ip-target.md; ipamd `isDatastorePoolTooLow`,
/// `datastoreTargetState`). The pool stops growing once the node holds as
/// many IPs as its kubelet maxPods (`view.node_max_pods`; ipamd
/// `isDatastorePoolTooLow`: `if stats.TotalIPs >= c.maxPods` the pool is not
/// too low, since v1.17.1): m6i.4xlarge, prefixes, WARM_PREFIX_TARGET=1, 110
/// pods on a 110-pod node holds 7 prefixes (112 IPs >= 110), not 8.
pub fn warm_pool(view: &CniView, o: &CniOptions, pods: u32) -> WarmPool {
    let used = u64::from(pods.min(view.pod_ips));
    let per_eni = u64::from(view.ips_per_eni());
    let max_pod_enis = u64::from(view.pod_enis);
    let slots = u64::from(view.slots_per_eni);
    let prefix_mode = view.mode == IpMode::Prefixes;
    let rule = if o.ip_targets_defined() {
        WarmRule::IpTargets {
            warm_ip: o.warm_ip(),
            minimum_ip: o.minimum_ip(),
        }
    } else if prefix_mode {
        WarmRule::WarmPrefixTarget(o.warm_prefix_target.unwrap_or(0))
    } else {
        WarmRule::WarmEniTarget(o.warm_eni_target)
    };
    // The IPs at which growth stops: max pods, but never less than the IPs in use.
    let stop_at = u64::from(view.node_max_pods).max(used);
    let (pod_enis, prefixes, allocated) = if max_pod_enis == 0 || per_eni == 0 {
        (0, prefix_mode.then_some(0), 0)
    } else {
        match rule {
            WarmRule::IpTargets {
                warm_ip,
                minimum_ip,
            } => {
                // short = max(WARM_IP_TARGET - available, MINIMUM_IP_TARGET - total):
                // total = max(used + WARM_IP_TARGET, MINIMUM_IP_TARGET).
                let needed = (used + u64::from(warm_ip)).max(u64::from(minimum_ip));
                if prefix_mode {
                    // Whole /28 prefixes ("MINIMUM_IP_TARGET of 20 is 32 IPs").
                    let p = div_ceil(needed, 16)
                        .min(div_ceil(stop_at, 16))
                        .clamp(1, max_pod_enis * slots);
                    (div_ceil(p, slots).max(1), Some(p), p * 16)
                } else {
                    let ips = needed.min(stop_at).min(max_pod_enis * per_eni);
                    (div_ceil(ips, per_eni).max(1), None, ips)
                }
            }
            WarmRule::WarmEniTarget(w) => {
                // poolTooLow = available < maxIPsPerENI x WARM_ENI_TARGET, or
                // available == 0 with a target of 0; ENIs come with all their IPs.
                let e = if w == 0 {
                    used / per_eni + 1
                } else {
                    div_ceil(used, per_eni) + u64::from(w)
                };
                let e = e.min(div_ceil(stop_at, per_eni)).clamp(1, max_pod_enis);
                (e, None, e * per_eni)
            }
            WarmRule::WarmPrefixTarget(w) => {
                // Free (wholly unused) prefixes >= WARM_PREFIX_TARGET; with 0,
                // a prefix is added only when no IP is free.
                let p = if w == 0 {
                    used / 16 + 1
                } else {
                    div_ceil(used, 16) + u64::from(w)
                };
                let p = p.min(div_ceil(stop_at, 16)).clamp(1, max_pod_enis * slots);
                (div_ceil(p, slots).max(1), Some(p), p * 16)
            }
        }
    };
    let trunk_attached = view.trunk_slot && view.trunking_compatible == Some(true);
    let enis_attached = pod_enis + u64::from(view.primary_eni_excluded) + u64::from(trunk_attached);
    WarmPool {
        pods,
        rule,
        pod_enis_attached: sat(pod_enis),
        enis_attached: sat(enis_attached),
        prefixes: prefixes.map(sat),
        allocated_ips: sat(allocated),
        reserved_ips: sat(allocated.saturating_sub(used)),
        pods_without_ip: pods.saturating_sub(view.pod_ips),
    }
}
