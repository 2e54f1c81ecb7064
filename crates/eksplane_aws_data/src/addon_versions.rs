//! The EKS add-on versions the Amazon EKS User Guide lists per Kubernetes
//! version, used when no `aws eks describe-addon-versions` snapshot is given
//! (a snapshot's `compatibilities[].defaultVersion` always wins).
//!
//! Sources (transcribed 2026-12-07; each table is "the latest version of the
//! Amazon EKS add-on type for each Kubernetes version"):
//! - kube-proxy: <https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html>,
//!   table "kube-proxy versions" (rows 1.31-1.36 from the revision listing
//!   1.36; rows 1.27-1.30 from the earlier revisions that still listed them).
//! - CoreDNS: <https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html>,
//!   table "CoreDNS versions" (rows 1.28-1.34; rows 1.23-1.27 from the
//!   revision that listed 1.23-1.30).
//! - Amazon VPC CNI: <https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html>,
//!   table "Amazon VPC CNI versions" (revision listing 1.23-1.32).
//! - eks-pod-identity-agent and aws-ebs-csi-driver: the guide publishes no
//!   per-version table; no row here, so the plan asks `describe-addon-versions`.
//!
//! Versions the guide did not list for a Kubernetes version have no row:
//! the planner says so rather than guess.

/// An EKS add-on the embedded table knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KnownAddon {
    VpcCni,
    CoreDns,
    KubeProxy,
    PodIdentityAgent,
    EbsCsiDriver,
}

/// How an installed version is judged against a cluster version without a
/// snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatRule {
    /// kube-proxy must not be newer than the API server and may be up to
    /// three minors older from 1.28 (two before, as kubelet)
    /// (<https://kubernetes.io/releases/version-skew-policy/#kube-proxy>): an
    /// older kube-proxy does not stop the control-plane update, and it is
    /// moved to the cluster's minor right after it.
    WithinProxySkew,
    /// At least the `major.minor` the guide lists for the cluster version
    /// (CoreDNS: the guide moves to a newer CoreDNS minor as Kubernetes moves).
    AtLeastListedMinor,
    /// Not judged without a snapshot (one build line serves every version).
    NotJudged,
}

impl KnownAddon {
    pub const ALL: [KnownAddon; 5] = [
        KnownAddon::VpcCni,
        KnownAddon::CoreDns,
        KnownAddon::KubeProxy,
        KnownAddon::PodIdentityAgent,
        KnownAddon::EbsCsiDriver,
    ];

    /// The EKS add-on name (`aws eks ... --addon-name`).
    pub fn name(self) -> &'static str {
        match self {
            KnownAddon::VpcCni => "vpc-cni",
            KnownAddon::CoreDns => "coredns",
            KnownAddon::KubeProxy => "kube-proxy",
            KnownAddon::PodIdentityAgent => "eks-pod-identity-agent",
            KnownAddon::EbsCsiDriver => "aws-ebs-csi-driver",
        }
    }

    pub fn from_name(name: &str) -> Option<KnownAddon> {
        KnownAddon::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn rule(self) -> CompatRule {
        match self {
            KnownAddon::KubeProxy => CompatRule::WithinProxySkew,
            KnownAddon::CoreDns => CompatRule::AtLeastListedMinor,
            _ => CompatRule::NotJudged,
        }
    }

    pub fn source(self) -> &'static str {
        match self {
            KnownAddon::KubeProxy => {
                "https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html"
            }
            KnownAddon::CoreDns => {
                "https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html"
            }
            KnownAddon::VpcCni => {
                "https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html"
            }
            KnownAddon::PodIdentityAgent | KnownAddon::EbsCsiDriver => {
                "https://docs.aws.amazon.com/cli/latest/reference/eks/describe-addon-versions.html"
            }
        }
    }
}

/// `(add-on, Kubernetes minor, version)`.
pub const ADDON_VERSIONS: &[(KnownAddon, u32, &str)] = &[
    (KnownAddon::KubeProxy, 27, "v1.27.16-eksbuild.41"),
    (KnownAddon::KubeProxy, 28, "v1.28.15-eksbuild.31"),
    (KnownAddon::KubeProxy, 29, "v1.29.15-eksbuild.16"),
    (KnownAddon::KubeProxy, 30, "v1.30.14-eksbuild.28"),
    (KnownAddon::KubeProxy, 31, "v1.31.14-eksbuild.20"),
    (KnownAddon::KubeProxy, 32, "v1.32.13-eksbuild.16"),
    (KnownAddon::KubeProxy, 33, "v1.33.10-eksbuild.13"),
    (KnownAddon::KubeProxy, 34, "v1.34.6-eksbuild.13"),
    (KnownAddon::KubeProxy, 35, "v1.35.3-eksbuild.13"),
    (KnownAddon::KubeProxy, 36, "v1.36.0-eksbuild.14"),
    (KnownAddon::CoreDns, 23, "v1.8.7-eksbuild.10"),
    (KnownAddon::CoreDns, 24, "v1.9.3-eksbuild.15"),
    (KnownAddon::CoreDns, 25, "v1.9.3-eksbuild.15"),
    (KnownAddon::CoreDns, 26, "v1.9.3-eksbuild.15"),
    (KnownAddon::CoreDns, 27, "v1.10.1-eksbuild.11"),
    (KnownAddon::CoreDns, 28, "v1.10.1-eksbuild.38"),
    (KnownAddon::CoreDns, 29, "v1.11.4-eksbuild.24"),
    (KnownAddon::CoreDns, 30, "v1.11.4-eksbuild.24"),
    (KnownAddon::CoreDns, 31, "v1.11.4-eksbuild.24"),
    (KnownAddon::CoreDns, 32, "v1.11.4-eksbuild.24"),
    (KnownAddon::CoreDns, 33, "v1.12.4-eksbuild.1"),
    (KnownAddon::CoreDns, 34, "v1.12.4-eksbuild.1"),
    (KnownAddon::VpcCni, 23, "v1.18.5-eksbuild.1"),
    (KnownAddon::VpcCni, 24, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 25, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 26, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 27, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 28, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 29, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 30, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 31, "v1.19.0-eksbuild.1"),
    (KnownAddon::VpcCni, 32, "v1.19.2-eksbuild.1"),
];

/// The guide's version of `addon` for Kubernetes `1.minor`, if listed.
pub fn listed_version(addon: KnownAddon, minor: u32) -> Option<&'static str> {
    ADDON_VERSIONS
        .iter()
        .find(|(a, m, _)| *a == addon && *m == minor)
        .map(|(_, _, v)| *v)
}

/// `(major, minor)` of an add-on version as written (`v1.11.4-eksbuild.24`).
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().trim_start_matches('v');
    let mut it = v.split(['.', '-']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

/// Whether `installed` is compatible with Kubernetes `1.minor` by the
/// embedded table. `None`: not judged (no rule, no row, or unparsable).
pub fn compatible(addon: KnownAddon, installed: &str, minor: u32) -> Option<bool> {
    let have = major_minor(installed)?;
    match addon.rule() {
        CompatRule::WithinProxySkew => {
            let skew = if minor >= 28 { 3 } else { 2 };
            Some(have.0 == 1 && have.1 <= minor && minor - have.1 <= skew)
        }
        CompatRule::AtLeastListedMinor => {
            let want = major_minor(listed_version(addon, minor)?)?;
            Some(have >= want)
        }
        CompatRule::NotJudged => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_parse_and_kube_proxy_matches_its_cluster_minor() {
        for (a, m, v) in ADDON_VERSIONS {
            let (maj, min) = major_minor(v).expect("parses");
            assert_eq!(maj, 1, "{v}");
            if *a == KnownAddon::KubeProxy {
                assert_eq!(min, *m, "{v}");
            }
            assert!(v.contains("-eksbuild."), "{v}");
        }
    }

    #[test]
    fn compatibility_rules() {
        assert_eq!(
            compatible(KnownAddon::KubeProxy, "v1.29.0-eksbuild.1", 29),
            Some(true)
        );
        let kp = |v, m| compatible(KnownAddon::KubeProxy, v, m);
        assert_eq!(kp("v1.29.0-eksbuild.1", 32), Some(true));
        assert_eq!(kp("v1.29.0-eksbuild.1", 33), Some(false));
        assert_eq!(kp("v1.30.0-eksbuild.1", 29), Some(false));
        assert_eq!(kp("v1.24.0-eksbuild.1", 27), Some(false));
        assert_eq!(
            compatible(KnownAddon::CoreDns, "v1.10.1-eksbuild.6", 29),
            Some(false)
        );
        assert_eq!(
            compatible(KnownAddon::CoreDns, "v1.11.1-eksbuild.9", 30),
            Some(true)
        );
        assert_eq!(compatible(KnownAddon::CoreDns, "v1.11.1", 36), None);
        assert_eq!(compatible(KnownAddon::VpcCni, "v1.12.0", 30), None);
        assert_eq!(KnownAddon::from_name("coredns"), Some(KnownAddon::CoreDns));
    }
}
