//! VPC CNI settings read from the `kube-system/aws-node` DaemonSet.
//!
//! Every variable the analyses read is typed here with its default. Defaults
//! and meanings: aws/amazon-vpc-cni-k8s README.md ("CNI Configuration
//! Variables") and docs/eni-and-ip-target.md, docs/prefix-and-ip-target.md.

use crate::k8s::Workload;
use eksplane_source::{PathSeg, Span, Spanned};
use std::collections::BTreeMap;

/// A CNI setting: its effective value, and where it was set (`None`: the
/// CNI's default applies).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Option<Span>,
    /// The string written in the manifest, when set.
    pub raw: Option<String>,
}

impl<T> Setting<T> {
    pub fn is_set(&self) -> bool {
        self.raw.is_some()
    }
}

/// A value that could not be read as its type (e.g. `WARM_IP_TARGET: "five"`).
#[derive(Debug, Clone, PartialEq)]
pub struct BadSetting {
    pub name: String,
    pub raw: String,
    pub span: Span,
    pub expected: &'static str,
}

macro_rules! cni_settings {
    ($( $(#[$doc:meta])* $field:ident : $ty:ident = $name:literal, default $default:expr; )*) => {
        /// The VPC CNI settings of one `aws-node` DaemonSet.
        #[derive(Debug, Clone, PartialEq)]
        pub struct CniSettings {
            $( $(#[$doc])* pub $field: Setting<cni_settings!(@ty $ty)>, )*
        }

        impl CniSettings {
            /// Every variable this model types: (name, default as text).
            pub const KNOWN: &'static [(&'static str, &'static str)] = &[
                $( ($name, stringify!($default)), )*
            ];

            /// Reads the settings from env values; unknown names are ignored
            /// here (they stay in [`AwsNode::env`]); unreadable values fall
            /// back to the default and are reported.
            pub fn from_env(env: &BTreeMap<String, EnvValue>) -> (Self, Vec<BadSetting>) {
                let mut bad = Vec::new();
                let s = CniSettings {
                    $( $field: cni_settings!(@read $ty, env, $name, $default, bad), )*
                };
                (s, bad)
            }
        }
    };
    (@ty bool) => { bool };
    (@ty u32) => { u32 };
    (@ty opt_u32) => { Option<u32> };
    (@ty string) => { String };
    (@read bool, $env:ident, $name:literal, $default:expr, $bad:ident) => {
        read($env, $name, $default, &mut $bad, "true or false", |s| match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    };
    (@read u32, $env:ident, $name:literal, $default:expr, $bad:ident) => {
        read($env, $name, $default, &mut $bad, "a non-negative integer", |s| s.trim().parse::<u32>().ok())
    };
    (@read opt_u32, $env:ident, $name:literal, $default:expr, $bad:ident) => {
        read($env, $name, $default, &mut $bad, "a non-negative integer", |s| s.trim().parse::<u32>().ok().map(Some))
    };
    (@read string, $env:ident, $name:literal, $default:expr, $bad:ident) => {
        read($env, $name, String::from($default), &mut $bad, "a string", |s| Some(s.to_string()))
    };
}

fn read<T>(
    env: &BTreeMap<String, EnvValue>,
    name: &str,
    default: T,
    bad: &mut Vec<BadSetting>,
    expected: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Setting<T> {
    match env.get(name).and_then(|e| e.value.as_ref()) {
        None => Setting {
            value: default,
            span: None,
            raw: None,
        },
        Some(v) => match parse(&v.value) {
            Some(value) => Setting {
                value,
                span: Some(v.span),
                raw: Some(v.value.clone()),
            },
            None => {
                bad.push(BadSetting {
                    name: name.to_string(),
                    raw: v.value.clone(),
                    span: v.span,
                    expected,
                });
                Setting {
                    value: default,
                    span: Some(v.span),
                    raw: Some(v.value.clone()),
                }
            }
        },
    }
}

cni_settings! {
    /// Assign /28 prefixes instead of single IPs (since v1.9.0; Nitro only).
    enable_prefix_delegation: bool = "ENABLE_PREFIX_DELEGATION", default false;
    /// Free ENIs (with all their IPs) ipamd keeps attached. Ignored when
    /// WARM_IP_TARGET or MINIMUM_IP_TARGET is set.
    warm_eni_target: u32 = "WARM_ENI_TARGET", default 1;
    /// Free IPs ipamd keeps; overrides WARM_ENI_TARGET (and WARM_PREFIX_TARGET).
    warm_ip_target: opt_u32 = "WARM_IP_TARGET", default None;
    /// Floor on total IPs allocated per node; overrides WARM_ENI_TARGET.
    minimum_ip_target: opt_u32 = "MINIMUM_IP_TARGET", default None;
    /// Free /28 prefixes ipamd keeps with prefix delegation; WARM_IP_TARGET and
    /// MINIMUM_IP_TARGET, if set, override it (docs/prefix-and-ip-target.md).
    warm_prefix_target: opt_u32 = "WARM_PREFIX_TARGET", default None;
    /// Cap on ENIs per node; unset or <= 0 means the instance type's maximum.
    max_eni: opt_u32 = "MAX_ENI", default None;
    /// Security groups for pods: attach a trunk ENI and hand out branch ENIs.
    enable_pod_eni: bool = "ENABLE_POD_ENI", default false;
    /// `strict` or `standard` enforcement for pods with security groups.
    pod_security_group_enforcing_mode: string = "POD_SECURITY_GROUP_ENFORCING_MODE", default "strict";
    /// Custom networking: secondary ENIs use the ENIConfig's subnet and SGs.
    custom_network_cfg: bool = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", default false;
    /// Node label whose value names the node's ENIConfig.
    eni_config_label_def: string = "ENI_CONFIG_LABEL_DEF", default "k8s.amazonaws.com/eniConfig";
    /// Node annotation whose value names the node's ENIConfig (wins over the label).
    eni_config_annotation_def: string = "ENI_CONFIG_ANNOTATION_DEF", default "k8s.amazonaws.com/eniConfig";
    /// SNAT done outside the node (NAT gateway).
    external_snat: bool = "AWS_VPC_K8S_CNI_EXTERNALSNAT", default false;
    /// Comma-separated CIDRs excluded from SNAT.
    exclude_snat_cidrs: string = "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", default "";
    randomize_snat: string = "AWS_VPC_K8S_CNI_RANDOMIZESNAT", default "prng";
    eni_mtu: u32 = "AWS_VPC_ENI_MTU", default 9001;
    enable_ipv4: bool = "ENABLE_IPv4", default true;
    enable_ipv6: bool = "ENABLE_IPv6", default false;
    /// Discover extra subnets tagged `kubernetes.io/role/cni` (since v1.18.0).
    enable_subnet_discovery: bool = "ENABLE_SUBNET_DISCOVERY", default true;
    /// Init container setting needed for probes to SG-for-pods pods.
    disable_tcp_early_demux: bool = "DISABLE_TCP_EARLY_DEMUX", default false;
    log_level: string = "AWS_VPC_K8S_CNI_LOGLEVEL", default "DEBUG";
    veth_prefix: string = "AWS_VPC_K8S_CNI_VETHPREFIX", default "eni";
    node_port_support: bool = "AWS_VPC_CNI_NODE_PORT_SUPPORT", default true;
    annotate_pod_ip: bool = "ANNOTATE_POD_IP", default false;
    enable_bandwidth_plugin: bool = "ENABLE_BANDWIDTH_PLUGIN", default false;
    enable_nftables: bool = "ENABLE_NFTABLES", default false;
    disable_network_resource_provisioning: bool = "DISABLE_NETWORK_RESOURCE_PROVISIONING", default false;
    disable_leaked_eni_cleanup: bool = "DISABLE_LEAKED_ENI_CLEANUP", default false;
    network_policy_enforcing_mode: string = "NETWORK_POLICY_ENFORCING_MODE", default "standard";
    cluster_name: string = "CLUSTER_NAME", default "";
}

/// One env var of a container: its literal value, or `valueFrom`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvValue {
    pub value: Option<Spanned<String>>,
    pub value_from: bool,
    pub span: Span,
    /// The container it was set on.
    pub container: String,
}

/// The `kube-system/aws-node` DaemonSet seen as VPC CNI configuration.
#[derive(Debug, Clone)]
pub struct AwsNode {
    /// Every env var of the `aws-node` container and the init container
    /// (`aws-vpc-cni-init`), by name.
    pub env: BTreeMap<String, EnvValue>,
    pub settings: CniSettings,
    pub bad_settings: Vec<BadSetting>,
    /// The CNI version from the `aws-node` container image tag (`v1.19.2-eksbuild.1`).
    pub version: Option<Spanned<String>>,
    /// The DaemonSet itself.
    pub daemonset: Workload,
}

impl AwsNode {
    /// Reads the CNI settings of an `aws-node` DaemonSet. Positions of env
    /// values come from the workload's node tree.
    pub fn from_daemonset(ds: Workload) -> AwsNode {
        let mut env = BTreeMap::new();
        let spec = &ds.template.spec;
        let tpl = ds.kind.template_path();
        let containers = spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| ("initContainers", i, c))
            .chain(
                spec.containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ("containers", i, c)),
            );
        let mut version = None;
        for (list, ci, c) in containers {
            let mut base: Vec<PathSeg> = tpl.iter().map(|k| PathSeg::Key(k)).collect();
            base.extend([PathSeg::Key("spec"), PathSeg::Key(list), PathSeg::Index(ci)]);
            if c.name == "aws-node"
                && let Some(image) = &c.image
                && let Some(tag) = image.rsplit_once(':').map(|(_, t)| t)
            {
                let mut p = base.clone();
                p.push(PathSeg::Key("image"));
                version = Some(Spanned::new(tag.to_string(), ds.origin.locate_path(&p)));
            }
            for (ei, e) in c.env.iter().flatten().enumerate() {
                let mut p = base.clone();
                p.extend([PathSeg::Key("env"), PathSeg::Index(ei)]);
                let span = ds.origin.locate_path(&p);
                let mut vp = p.clone();
                vp.push(PathSeg::Key("value"));
                let value = e
                    .value
                    .as_ref()
                    .map(|v| Spanned::new(v.clone(), ds.origin.locate_path(&vp)));
                // The main container's value wins over the init container's.
                env.insert(
                    e.name.clone(),
                    EnvValue {
                        value,
                        value_from: e.value_from.is_some(),
                        span,
                        container: c.name.clone(),
                    },
                );
            }
        }
        let (settings, bad_settings) = CniSettings::from_env(&env);
        AwsNode {
            env,
            settings,
            bad_settings,
            version,
            daemonset: ds,
        }
    }

    /// The CNI version as (major, minor, patch), if the image tag has one.
    pub fn version_triple(&self) -> Option<(u32, u32, u32)> {
        let v = self.version.as_ref()?;
        parse_version(&v.value)
    }
}

/// Parses `v1.19.2-eksbuild.1` or `1.9.0` into (1, 19, 2).
pub fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.trim().trim_start_matches('v');
    let core = s.split(['-', '+']).next()?;
    let mut it = core.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next().unwrap_or("0").parse().ok()?;
    let patch = it.next().unwrap_or("0").parse().ok()?;
    Some((major, minor, patch))
}
