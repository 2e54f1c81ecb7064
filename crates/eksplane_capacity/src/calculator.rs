//! max-pods as AWS's calculator computes it (awslabs/amazon-eks-ami
//! `templates/al2/runtime/max-pods-calculator.sh`), and the eni-max-pods table
//! that is the same formula without prefix delegation.

use crate::explain::{SRC_CALCULATOR, SRC_ENI_MAX_PODS, Step};
use crate::version::CniVersion;
use eksplane_aws_data::{Hypervisor, InstanceType};

/// The calculator's recommendation ceilings: `MAX_POD_CEILING_FOR_LOW_CPU=110`,
/// `MAX_POD_CEILING_FOR_HIGH_CPU=250`, chosen by `if [ "$CPU_COUNT" -gt 30 ]`
/// (max-pods-calculator.sh): 30 vCPUs or fewer get 110.
pub const CEILING_LOW_CPU: u32 = 110;
pub const CEILING_HIGH_CPU: u32 = 250;
/// The vCPU count above which the high ceiling applies (`-gt 30`).
pub const CEILING_VCPU_THRESHOLD: u32 = 30;
/// `IPS_PER_PREFIX=16`: a /28 prefix (max-pods-calculator.sh).
pub const IPS_PER_PREFIX: u32 = 16;
/// `+ 2`: pods on the host network (aws-node and kube-proxy) need no pod IP
/// (eni-max-pods.txt header; nodeadm `numHostNetworkingPods = 2`).
pub const HOST_NETWORK_PODS: u32 = 2;

/// The calculator's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxPodsOptions {
    /// `--cni-version` (required by the script).
    pub cni_version: CniVersion,
    /// `--cni-prefix-delegation-enabled`.
    pub prefix_delegation: bool,
    /// `--cni-custom-networking-enabled`.
    pub custom_networking: bool,
    /// `--cni-max-eni`.
    pub cni_max_eni: Option<u32>,
    /// `--show-max-allowed`: print the raw maximum instead of the recommendation.
    pub show_max_allowed: bool,
}

impl MaxPodsOptions {
    pub fn new(cni_version: CniVersion) -> MaxPodsOptions {
        MaxPodsOptions {
            cni_version,
            prefix_delegation: false,
            custom_networking: false,
            cni_max_eni: None,
            show_max_allowed: false,
        }
    }
}

/// Why prefix delegation was or was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixDelegation {
    NotRequested,
    Applied,
    /// The script's `IS_NITRO` is false: `Hypervisor` is not `nitro` (bare
    /// metal, which has no hypervisor, included).
    NotNitro,
    /// CNI older than 1.9.0.
    CniTooOld,
}

/// The calculator's result for one instance type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxPods {
    pub instance_type: String,
    pub options: MaxPodsOptions,
    pub default_card_index: u32,
    /// `NetworkCards[DefaultNetworkCardIndex].MaximumNetworkInterfaces`.
    pub card_enis: u32,
    /// ENIs after `--cni-max-eni` and custom networking.
    pub enis_for_pods: u32,
    pub ipv4_per_eni: u32,
    pub hypervisor: Hypervisor,
    pub prefix_delegation: PrefixDelegation,
    /// The raw maximum (`--show-max-allowed`).
    pub max_allowed: u32,
    pub vcpus: Option<u32>,
    /// 110 or 250; `None` when the vCPU count is unknown.
    pub ceiling: Option<u32>,
    /// The recommendation: `min(ceiling, max_allowed)`. When the vCPU count is
    /// unknown the lower ceiling (110) is assumed, so this never recommends
    /// more than the script would.
    pub max_pods: u32,
}

impl MaxPods {
    /// The script's recommendation when it is known: with the vCPU count
    /// unknown it is still known when the raw maximum is at most 110 (both
    /// ceilings leave it), otherwise it is 110 or 250 and is not guessed.
    pub fn recommended(&self) -> Option<u32> {
        match self.ceiling {
            Some(_) => Some(self.max_pods),
            None if self.max_allowed <= CEILING_LOW_CPU => Some(self.max_allowed),
            None => None,
        }
    }

    /// What the script prints for these options.
    pub fn shown(&self) -> u32 {
        if self.options.show_max_allowed {
            self.max_allowed
        } else {
            self.max_pods
        }
    }

    /// The steps, with numbers and sources, for `--explain`.
    pub fn explain(&self) -> Vec<Step> {
        let o = &self.options;
        let mut steps = vec![Step::new(
            "ENIs: only the default network card carries pods",
            format!(
                "NetworkCards[{}].MaximumNetworkInterfaces = {}",
                self.default_card_index, self.card_enis
            ),
            SRC_CALCULATOR,
        )];
        let mut enis = self.card_enis;
        if let Some(m) = o.cni_max_eni {
            enis = enis.min(m);
            steps.push(Step::new(
                "--cni-max-eni caps the ENIs",
                format!("min({m}, {}) = {enis}", self.card_enis),
                SRC_CALCULATOR,
            ));
        }
        if o.custom_networking {
            steps.push(Step::new(
                "custom networking leaves the primary ENI out",
                format!("{enis} - 1 = {}", self.enis_for_pods),
                SRC_CALCULATOR,
            ));
        }
        let per_ip = |s: &mut Vec<Step>| {
            s.push(Step::new(
                "per-IP formula: ENIs x (IPv4 per ENI - 1) + 2",
                format!(
                    "{} x ({} - 1) + 2 = {}",
                    self.enis_for_pods, self.ipv4_per_eni, self.max_allowed
                ),
                SRC_ENI_MAX_PODS,
            ));
        };
        match self.prefix_delegation {
            PrefixDelegation::Applied => steps.push(Step::new(
                "prefix delegation (Nitro, CNI >= 1.9.0): ENIs x ((IPv4 per ENI - 1) x 16) + 2",
                format!(
                    "{} x (({} - 1) x 16) + 2 = {}",
                    self.enis_for_pods, self.ipv4_per_eni, self.max_allowed
                ),
                SRC_CALCULATOR,
            )),
            PrefixDelegation::NotRequested => per_ip(&mut steps),
            PrefixDelegation::NotNitro => {
                steps.push(Step::new(
                    "prefix delegation needs Hypervisor == nitro (IS_NITRO); bare metal has no hypervisor",
                    format!(
                        "Hypervisor = {:?}: not applied",
                        self.hypervisor.as_str()
                    ),
                    SRC_CALCULATOR,
                ));
                per_ip(&mut steps);
            }
            PrefixDelegation::CniTooOld => {
                steps.push(Step::new(
                    "prefix delegation needs CNI >= 1.9.0",
                    format!("CNI {}: not applied", o.cni_version),
                    SRC_CALCULATOR,
                ));
                per_ip(&mut steps);
            }
        }
        if o.show_max_allowed {
            steps.push(Step::new(
                "--show-max-allowed prints the raw maximum",
                format!("{}", self.max_allowed),
                SRC_CALCULATOR,
            ));
        }
        match (self.vcpus, self.ceiling) {
            (Some(v), Some(c)) => steps.push(Step::new(
                "recommended value capped at 110 up to 30 vCPUs, 250 above (`-gt 30`)",
                format!(
                    "{v} vCPUs -> ceiling {c}; min({c}, {}) = {}",
                    self.max_allowed, self.max_pods
                ),
                SRC_CALCULATOR,
            )),
            _ => steps.push(Step::new(
                "recommended value capped at 110 up to 30 vCPUs, 250 above",
                match self.recommended() {
                    Some(r) => format!(
                        "vCPU count unknown in every source, but {} <= 110: recommended {r}",
                        self.max_allowed
                    ),
                    None => format!(
                        "vCPU count unknown in every source: min(110, {m}) or min(250, {m}), not guessed",
                        m = self.max_allowed
                    ),
                },
                SRC_CALCULATOR,
            )),
        }
        steps
    }
}

/// `ENIs x (IPv4 per ENI - 1) + 2` (eni-max-pods.txt), saturating.
pub fn per_ip_formula(enis: u32, ipv4_per_eni: u32) -> u32 {
    let v =
        u64::from(enis) * u64::from(ipv4_per_eni.saturating_sub(1)) + u64::from(HOST_NETWORK_PODS);
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// `ENIs x ((IPv4 per ENI - 1) x 16) + 2` (max-pods-calculator.sh), saturating.
pub fn prefix_formula(enis: u32, ipv4_per_eni: u32) -> u32 {
    let v = u64::from(enis) * u64::from(ipv4_per_eni.saturating_sub(1)) * u64::from(IPS_PER_PREFIX)
        + u64::from(HOST_NETWORK_PODS);
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The recommendation ceiling for a vCPU count (`-gt 30`: 31 and more get 250).
pub fn ceiling_for_vcpus(vcpus: u32) -> u32 {
    if vcpus > CEILING_VCPU_THRESHOLD {
        CEILING_HIGH_CPU
    } else {
        CEILING_LOW_CPU
    }
}

/// The calculator for one instance type.
pub fn max_pods(t: &InstanceType, o: &MaxPodsOptions) -> MaxPods {
    // "Only one network card is used for pods, the default network card".
    let card_enis = t.network.default_card_max_enis();
    let mut enis = match o.cni_max_eni {
        Some(m) => card_enis.min(m),
        None => card_enis,
    };
    if o.custom_networking {
        // The script subtracts 1 unconditionally (it would go negative on a
        // 0-ENI result); here it saturates at 0.
        enis = enis.saturating_sub(1);
    }
    let ipv4 = t.network.ipv4_per_eni;
    // `IS_NITRO=true` only when `Hypervisor == "nitro"`: bare metal types have
    // no Hypervisor and so get the per-IP formula from the script.
    let prefix_delegation = if !o.prefix_delegation {
        PrefixDelegation::NotRequested
    } else if t.hypervisor != Hypervisor::Nitro {
        PrefixDelegation::NotNitro
    } else if !o.cni_version.supports_prefix_delegation() {
        PrefixDelegation::CniTooOld
    } else {
        PrefixDelegation::Applied
    };
    let max_allowed = if prefix_delegation == PrefixDelegation::Applied {
        prefix_formula(enis, ipv4)
    } else {
        per_ip_formula(enis, ipv4)
    };
    let ceiling = t.vcpus.map(ceiling_for_vcpus);
    let max_pods = max_allowed.min(ceiling.unwrap_or(CEILING_LOW_CPU));
    MaxPods {
        instance_type: t.name.clone(),
        options: *o,
        default_card_index: t.network.default_card_index,
        card_enis,
        enis_for_pods: enis,
        ipv4_per_eni: ipv4,
        hypervisor: t.hypervisor,
        prefix_delegation,
        max_allowed,
        vcpus: t.vcpus,
        ceiling,
        max_pods,
    }
}

/// The eni-max-pods table's value (per-IP formula, default card, no options).
pub fn eni_max_pods(t: &InstanceType) -> u32 {
    per_ip_formula(t.network.default_card_max_enis(), t.network.ipv4_per_eni)
}
