//! Installed EKS add-ons, read once for the rules and the upgrade planner:
//! eksctl `addons[]` (a pin in a file you apply) and `aws eks describe-addon`
//! snapshots (what the cluster runs), and how a written version names a
//! version listed by `aws eks describe-addon-versions`.

use eksplane_model::Platform;
use eksplane_source::{Span, Spanned};

/// Where an installed add-on's version is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddonFrom {
    /// eksctl ClusterConfig `addons[].version`.
    Eksctl,
    /// `aws eks describe-addon` (the cluster's state).
    DescribeAddon,
}

impl AddonFrom {
    /// Where the version is written, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            AddonFrom::Eksctl => "eksctl addons[].version",
            AddonFrom::DescribeAddon => "describe-addon",
        }
    }
}

/// One add-on as one source states it.
#[derive(Debug, Clone, Copy)]
pub struct InstalledAddon<'a> {
    pub name: &'a str,
    /// The version as written; `None` for eksctl with no version or
    /// `latest` (EKS picks the default version at create time).
    pub version: Option<&'a Spanned<String>>,
    /// The version's position, else the add-on's.
    pub span: Span,
    pub from: AddonFrom,
}

impl InstalledAddon<'_> {
    /// The version, trimmed.
    pub fn version_str(&self) -> Option<&str> {
        self.version.map(|v| v.value.trim())
    }
}

/// Every add-on of every source, `describe-addon` snapshots first, then
/// eksctl `addons[]` in file order.
pub fn installed(p: &Platform) -> Vec<InstalledAddon<'_>> {
    let mut out = Vec::new();
    for a in &p.aws.addons {
        if let Some(name) = a.value.name() {
            let version = a
                .value
                .addon_version
                .as_ref()
                .filter(|v| !v.value.trim().is_empty());
            out.push(InstalledAddon {
                name,
                version,
                span: version.map(|v| v.span).unwrap_or(a.span),
                from: AddonFrom::DescribeAddon,
            });
        }
    }
    for cc in &p.cluster_configs {
        for a in &cc.addons {
            let version = a.value.version.as_ref().filter(|v| {
                let t = v.value.trim();
                !t.is_empty() && !t.eq_ignore_ascii_case("latest")
            });
            out.push(InstalledAddon {
                name: &a.value.name.value,
                version,
                // `version: latest` is still where the version is decided.
                span: a.value.version.as_ref().map(|v| v.span).unwrap_or(a.span),
                from: AddonFrom::Eksctl,
            });
        }
    }
    out
}

/// One add-on per name, as the cluster runs it: a `describe-addon` snapshot
/// wins over an eksctl pin of the same add-on.
pub fn effective(p: &Platform) -> Vec<InstalledAddon<'_>> {
    let mut out: Vec<InstalledAddon<'_>> = Vec::new();
    for a in installed(p) {
        if !out.iter().any(|o| o.name == a.name) {
            out.push(a);
        }
    }
    out
}

/// Whether a version as written names a listed version: equal ignoring a
/// leading `v`, or written without the `-eksbuild.N` suffix the listed one
/// has (eksctl resolves a version without a build to its latest build:
/// <https://eksctl.io/usage/addons/>).
pub fn version_matches(written: &str, listed: &str) -> bool {
    let w = written.trim().trim_start_matches('v');
    let l = listed.trim().trim_start_matches('v');
    w == l
        || (!w.contains("-eksbuild")
            && l.strip_prefix(w)
                .is_some_and(|rest| rest.starts_with("-eksbuild.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matching() {
        assert!(version_matches("v1.19.2-eksbuild.1", "v1.19.2-eksbuild.1"));
        assert!(version_matches("1.19.2-eksbuild.1", "v1.19.2-eksbuild.1"));
        assert!(version_matches("v1.19.2", "v1.19.2-eksbuild.3"));
        assert!(!version_matches("v1.19.2", "v1.19.20-eksbuild.1"));
        assert!(!version_matches("v1.19.2-eksbuild.1", "v1.19.2-eksbuild.2"));
        assert!(!version_matches(
            "v1.11.4-eksbuild.2",
            "v1.11.4-eksbuild.24"
        ));
        assert!(!version_matches("v1.11", "v1.11.4-eksbuild.24"));
    }

    #[test]
    fn a_snapshot_wins_over_an_eksctl_pin() {
        let l = eksplane_load::load_texts([
            (
                "cluster.yaml",
                "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: eu-west-1}\naddons:\n  - {name: vpc-cni, version: v1.18.0}\n  - {name: coredns, version: latest}\n",
            ),
            (
                "addon.json",
                r#"{"addon": {"addonName": "vpc-cni", "clusterName": "c", "addonVersion": "v1.19.2-eksbuild.1", "status": "ACTIVE"}}"#,
            ),
        ]);
        let all = installed(&l.platform);
        let seen: Vec<(&str, Option<&str>, AddonFrom)> = all
            .iter()
            .map(|a| (a.name, a.version_str(), a.from))
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "vpc-cni",
                    Some("v1.19.2-eksbuild.1"),
                    AddonFrom::DescribeAddon
                ),
                ("vpc-cni", Some("v1.18.0"), AddonFrom::Eksctl),
                ("coredns", None, AddonFrom::Eksctl),
            ]
        );
        let eff: Vec<(&str, AddonFrom)> = effective(&l.platform)
            .iter()
            .map(|a| (a.name, a.from))
            .collect();
        assert_eq!(
            eff,
            vec![
                ("vpc-cni", AddonFrom::DescribeAddon),
                ("coredns", AddonFrom::Eksctl)
            ]
        );
    }
}
