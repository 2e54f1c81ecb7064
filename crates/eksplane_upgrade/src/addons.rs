//! Add-ons first: for each installed EKS add-on (eksctl `addons[]`,
//! `aws eks describe-addon` snapshots), whether its version is compatible
//! with a step's target and the version to move to.
//!
//! Compatibility and the version to move to come from an
//! `aws eks describe-addon-versions` snapshot when it lists the add-on for
//! the target (`compatibilities[].clusterVersion`, `defaultVersion`; botocore
//! EKS model, shapes `AddonInfo`, `AddonVersionInfo`, `Compatibility`), else
//! from the embedded table ([`eksplane_aws_data::addon_versions`]).
//! EKS refuses `update-cluster-version` while an installed add-on is not
//! compatible with the new version ("Update existing cluster to new
//! Kubernetes version", <https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html>):
//! an incompatible version is a blocker.

use eksplane_aws_data::addon_versions::{self, KnownAddon};
use eksplane_facts::addons::version_matches;
use eksplane_model::Platform;
use eksplane_source::Span;

pub use eksplane_facts::addons::AddonFrom as InstalledFrom;

/// An installed add-on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: String,
    /// `None`: eksctl with no version or `latest` (EKS picks the default).
    pub version: Option<String>,
    pub span: Span,
    pub from: InstalledFrom,
}

/// Every installed add-on, one per name; a describe-addon snapshot wins over
/// eksctl for the same name (it is what runs). Read by the facts layer
/// ([`eksplane_facts::addons::effective`]), as the ADD rules read it.
pub fn installed(p: &Platform) -> Vec<Installed> {
    eksplane_facts::addons::effective(p)
        .into_iter()
        .map(|a| Installed {
            name: a.name.to_string(),
            version: a.version_str().map(str::to_string),
            span: a.span,
            from: a.from,
        })
        .collect()
}

/// Where a verdict comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictSource {
    Snapshot,
    EmbeddedTable,
    None,
}

/// An add-on at one target version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddonAtTarget {
    /// `Some(false)`: not compatible (a blocker); `None`: not judged.
    pub compatible: Option<bool>,
    /// The version to move to, when known.
    pub target_version: Option<String>,
    pub source: VerdictSource,
}

/// Whether the add-on is updated after the control plane rather than
/// before: kube-proxy must not be newer than the API server.
pub fn after_control_plane(a: &Installed) -> bool {
    KnownAddon::from_name(&a.name) == Some(KnownAddon::KubeProxy)
}

/// The verdict for `a` at Kubernetes `1.minor`.
pub fn at_target(p: &Platform, a: &Installed, minor: u32) -> AddonAtTarget {
    let cluster_version = format!("1.{minor}");
    if let Some(info) = p.aws.addon_info(&a.name)
        && info.value.versions_for(&cluster_version).next().is_some()
    {
        let target_version = info
            .value
            .default_version_for(&cluster_version)
            .or_else(|| {
                info.value
                    .versions_for(&cluster_version)
                    .find_map(|v| v.value.version())
            })
            .map(str::to_string);
        let compatible = if after_control_plane(a) {
            // kube-proxy builds are listed per cluster minor, but an older
            // kube-proxy within the skew policy runs under the new API
            // server until it is updated right after it.
            a.version
                .as_deref()
                .and_then(|have| addon_versions::compatible(KnownAddon::KubeProxy, have, minor))
        } else {
            a.version.as_deref().map(|have| {
                info.value.versions_for(&cluster_version).any(|v| {
                    v.value
                        .version()
                        .is_some_and(|listed| version_matches(have, listed))
                })
            })
        };
        return AddonAtTarget {
            compatible,
            target_version,
            source: VerdictSource::Snapshot,
        };
    }
    match KnownAddon::from_name(&a.name) {
        Some(k) => AddonAtTarget {
            compatible: a
                .version
                .as_deref()
                .and_then(|have| addon_versions::compatible(k, have, minor)),
            target_version: addon_versions::listed_version(k, minor).map(str::to_string),
            source: VerdictSource::EmbeddedTable,
        },
        None => AddonAtTarget {
            compatible: None,
            target_version: None,
            source: VerdictSource::None,
        },
    }
}
