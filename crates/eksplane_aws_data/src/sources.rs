//! Readers for the further AWS-format sources the catalog is rebuilt from
//! (`cargo xtask gen-data`) and that tests use as oracles:
//!
//! - aws/amazon-vpc-cni-k8s `pkg/vpc/vpc_ip_resource_limit.go`: the VPC CNI's
//!   own per-type table ([`parse_vpc_cni_limits_go`]);
//! - aws/karpenter-provider-aws `website/content/en/preview/reference/instance-types.md`:
//!   every Karpenter label and Karpenter's computed allocatable per type
//!   ([`parse_karpenter_instance_types_md`]);
//! - awslabs/amazon-eks-ami `nodeadm/internal/kubelet/instance-info.jsonl`:
//!   what nodeadm computes its default max pods from ([`parse_instance_info_jsonl`]).

use crate::error::CatalogError;
use crate::text::truncate;
use crate::types::{FactSource, Hypervisor, InstanceType, NetworkCard, NetworkFacts};
use std::collections::BTreeMap;

fn line_err(line: usize, message: String) -> CatalogError {
    CatalogError::Line { line, message }
}

/// One entry of the VPC CNI's `instanceNetworkingLimits` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CniLimits {
    pub instance_type: String,
    /// `ENILimit`: all cards together.
    pub eni_limit: u32,
    /// `IPv4Limit`: IPv4 addresses per ENI.
    pub ipv4_limit: u32,
    pub default_card_index: u32,
    pub cards: Vec<NetworkCard>,
    /// `HypervisorType` (`nitro`, `xen`, or `unknown`; on bare metal
    /// [`Hypervisor::None`]).
    pub hypervisor: Hypervisor,
    pub bare_metal: bool,
}

impl CniLimits {
    /// A catalog entry from these limits alone ([`FactSource::VpcCniTable`]):
    /// network facts, hypervisor and bare metal; no vCPUs or memory.
    pub fn to_instance_type(&self) -> InstanceType {
        InstanceType::network_only(
            &self.instance_type,
            FactSource::VpcCniTable,
            self.hypervisor,
            self.bare_metal,
            NetworkFacts {
                cards: self.cards.clone(),
                default_card_index: self.default_card_index,
                max_enis: self.eni_limit,
                ipv4_per_eni: self.ipv4_limit,
                ipv6_per_eni: None,
                efa_supported: false,
                max_efa_interfaces: None,
                encryption_in_transit: None,
                baseline_bandwidth_mbps: None,
            },
            None,
        )
    }
}

fn go_value<'a>(l: &'a str, key: &str) -> Option<&'a str> {
    let rest = l.trim().strip_prefix(key)?.strip_prefix(':')?;
    Some(rest.trim().trim_end_matches(',').trim_matches('"'))
}

/// Reads `vpc_ip_resource_limit.go` (generated Go: one `"type": {` block per
/// type with `ENILimit`, `IPv4Limit`, `DefaultNetworkCardIndex`,
/// `NetworkCards` (`MaximumNetworkInterfaces`, `NetworkCardIndex`),
/// `HypervisorType`, `IsBareMetal`).
pub fn parse_vpc_cni_limits_go(text: &str) -> Result<Vec<CniLimits>, CatalogError> {
    let mut out = Vec::new();
    let mut cur: Option<(CniLimits, [bool; 5])> = None;
    let mut card_max: Option<u32> = None;
    let num = |v: &str, key: &str, line: usize| -> Result<u32, CatalogError> {
        v.parse()
            .map_err(|_| line_err(line, format!("{key}: {v:?} is not a number")))
    };
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        let t = l.trim();
        if let Some(name) = t.strip_prefix('"').and_then(|r| r.strip_suffix("\": {")) {
            if cur.is_some() {
                return Err(line_err(line, format!("{name}: previous entry not closed")));
            }
            cur = Some((
                CniLimits {
                    instance_type: name.to_string(),
                    eni_limit: 0,
                    ipv4_limit: 0,
                    default_card_index: 0,
                    cards: Vec::new(),
                    hypervisor: Hypervisor::Unknown,
                    bare_metal: false,
                },
                [false; 5],
            ));
            continue;
        }
        let Some((e, seen)) = cur.as_mut() else {
            continue;
        };
        if let Some(v) = go_value(t, "ENILimit") {
            e.eni_limit = num(v, "ENILimit", line)?;
            seen[0] = true;
        } else if let Some(v) = go_value(t, "IPv4Limit") {
            e.ipv4_limit = num(v, "IPv4Limit", line)?;
            seen[1] = true;
        } else if let Some(v) = go_value(t, "DefaultNetworkCardIndex") {
            e.default_card_index = num(v, "DefaultNetworkCardIndex", line)?;
            seen[2] = true;
        } else if let Some(v) = go_value(t, "MaximumNetworkInterfaces") {
            card_max = Some(num(v, "MaximumNetworkInterfaces", line)?);
        } else if let Some(v) = go_value(t, "NetworkCardIndex") {
            let max_enis = card_max.take().ok_or_else(|| {
                line_err(
                    line,
                    "NetworkCardIndex before MaximumNetworkInterfaces".into(),
                )
            })?;
            e.cards.push(NetworkCard {
                index: num(v, "NetworkCardIndex", line)?,
                max_enis,
            });
        } else if let Some(v) = go_value(t, "HypervisorType") {
            e.hypervisor = Hypervisor::parse(v)
                .ok_or_else(|| line_err(line, format!("HypervisorType: unknown value {v:?}")))?;
            seen[3] = true;
        } else if let Some(v) = go_value(t, "IsBareMetal") {
            e.bare_metal = match v {
                "true" => true,
                "false" => false,
                _ => return Err(line_err(line, format!("IsBareMetal: {v:?}"))),
            };
            seen[4] = true;
        } else if l.starts_with("\t},") {
            let Some((mut e, seen)) = cur.take() else {
                continue;
            };
            if seen.contains(&false) {
                return Err(line_err(
                    line,
                    format!("{}: a field is missing", e.instance_type),
                ));
            }
            // EC2 has no hypervisor on bare metal; the table says `unknown`.
            if e.bare_metal && e.hypervisor == Hypervisor::Unknown {
                e.hypervisor = Hypervisor::None;
            }
            out.push(e);
        }
    }
    if cur.is_some() {
        return Err(CatalogError::Line {
            line: text.lines().count(),
            message: "last entry not closed".into(),
        });
    }
    if out.is_empty() {
        return Err(CatalogError::Empty);
    }
    Ok(out)
}

/// One type of Karpenter's generated instance-types reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KarpenterDocType {
    pub name: String,
    /// Label -> value (`karpenter.k8s.aws/instance-cpu` -> `2`).
    pub labels: BTreeMap<String, String>,
    /// Resource -> quantity as printed (`cpu` -> `1930m`, `memory` -> `6903Mi`).
    pub resources: BTreeMap<String, String>,
}

impl KarpenterDocType {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }
    pub fn resource(&self, key: &str) -> Option<&str> {
        self.resources.get(key).map(String::as_str)
    }
    /// `karpenter.k8s.aws/instance-cpu`.
    pub fn vcpus(&self) -> Option<u32> {
        self.label("karpenter.k8s.aws/instance-cpu")?.parse().ok()
    }
    /// `karpenter.k8s.aws/instance-memory` (MiB).
    pub fn memory_mib(&self) -> Option<u64> {
        self.label("karpenter.k8s.aws/instance-memory")?
            .parse()
            .ok()
    }
    /// `kubernetes.io/arch` in EC2's spelling (`amd64` -> `x86_64`).
    pub fn architecture(&self) -> Option<&'static str> {
        match self.label("kubernetes.io/arch")? {
            "amd64" => Some("x86_64"),
            "arm64" => Some("arm64"),
            _ => None,
        }
    }
}

/// Reads the Markdown reference: `### \`type\`` headings, then a `#### Labels`
/// table and a `#### Resources` table of `|key|value|` rows.
pub fn parse_karpenter_instance_types_md(
    text: &str,
) -> Result<Vec<KarpenterDocType>, CatalogError> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Labels,
        Resources,
    }
    let mut out: Vec<KarpenterDocType> = Vec::new();
    let mut section = Section::None;
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        if let Some(name) = l.strip_prefix("### `").and_then(|r| r.strip_suffix('`')) {
            out.push(KarpenterDocType {
                name: name.to_string(),
                ..KarpenterDocType::default()
            });
            section = Section::None;
        } else if l.starts_with("#### Labels") {
            section = Section::Labels;
        } else if l.starts_with("#### Resources") {
            section = Section::Resources;
        } else if l.starts_with('#') {
            section = Section::None;
        } else if section != Section::None {
            let cells: Vec<&str> = l.trim().trim_matches('|').split('|').collect();
            let [k, v] = cells.as_slice() else {
                continue;
            };
            if *k == "--" || *k == "Label" || *k == "Resource" {
                continue;
            }
            let Some(t) = out.last_mut() else {
                return Err(line_err(
                    line,
                    format!("row before any type: {:?}", truncate(l)),
                ));
            };
            let map = if section == Section::Labels {
                &mut t.labels
            } else {
                &mut t.resources
            };
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    if out.is_empty() {
        return Err(CatalogError::Empty);
    }
    Ok(out)
}

/// One line of nodeadm's `instance-info.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    pub instance_type: String,
    #[serde(rename = "defaultMaxENIs")]
    pub default_max_enis: u32,
    pub ipv4_addresses_per_interface: u32,
}

/// Reads `instance-info.jsonl`: one JSON object per line.
pub fn parse_instance_info_jsonl(text: &str) -> Result<Vec<InstanceInfo>, CatalogError> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(l)
                .map_err(|e| line_err(i + 1, format!("{e}: {:?}", truncate(l))))?,
        );
    }
    if out.is_empty() {
        return Err(CatalogError::Empty);
    }
    Ok(out)
}

/// Fills vCPUs, memory and architecture from Karpenter's reference into an
/// entry that lacks them, recording [`FactSource::KarpenterDocs`] as their
/// source. Facts the entry has are kept.
pub fn fill_compute_facts(t: &mut InstanceType, k: &KarpenterDocType) {
    if t.vcpus.is_some() || t.memory_mib.is_some() {
        return;
    }
    let (Some(v), Some(m)) = (k.vcpus(), k.memory_mib()) else {
        return;
    };
    t.vcpus = Some(v);
    t.memory_mib = Some(m);
    if t.architectures.is_empty() {
        t.architectures = k.architecture().map(str::to_string).into_iter().collect();
    }
    t.compute_source = Some(FactSource::KarpenterDocs);
}
