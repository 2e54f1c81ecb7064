//! Karpenter's compatibility matrix: which Kubernetes minors each Karpenter
//! release supports.
//!
//! Source: aws/karpenter-provider-aws
//! `hack/docs/compatibilitymatrix_gen/compatibility.yaml` at commit
//! 1d927085dd81a9df9301e613f371dac5b4d16bfe (copied into `../shared/data`,
//! see its SOURCES.md), transcribed 2026-12-07; rendered as the
//! "Compatibility Matrix" of <https://karpenter.sh/docs/upgrading/compatibility/>.
//! The file's duplicated rows (1.12.x, 1.14.x) are kept once. A test in
//! `eksplane_upgrade` compares this table with the file.

use std::cmp::Ordering;
use std::fmt;

/// A Karpenter release as written (`1.0.5`, `v0.37.0`), compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KarpenterVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl KarpenterVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        KarpenterVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `1.0.5`, `v1.0.5`, `1.0.5-rc.1` (pre-release ignored), `1.0`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches('v');
        let core = s.split(['-', '+']).next()?;
        let mut it = core.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next()?.parse().ok()?;
        let patch = match it.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if it.next().is_some() {
            return None;
        }
        Some(KarpenterVersion::new(major, minor, patch))
    }
}

impl Ord for KarpenterVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch))
    }
}

impl PartialOrd for KarpenterVersion {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Display for KarpenterVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Which releases a row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppVersion {
    /// `1.0.x`: every patch of a minor.
    Minor { major: u32, minor: u32 },
    /// `1.0.5`: from this patch on (within its minor), overriding the `x` row.
    FromPatch(KarpenterVersion),
}

impl fmt::Display for AppVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppVersion::Minor { major, minor } => write!(f, "{major}.{minor}.x"),
            AppVersion::FromPatch(v) => write!(f, "{v}"),
        }
    }
}

/// One row: the Kubernetes minors (`1.x`) a release line supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compat {
    pub app_version: AppVersion,
    pub min_k8s_minor: u32,
    pub max_k8s_minor: u32,
}

const fn x(major: u32, minor: u32, min: u32, max: u32) -> Compat {
    Compat {
        app_version: AppVersion::Minor { major, minor },
        min_k8s_minor: min,
        max_k8s_minor: max,
    }
}

/// The matrix, oldest first (see the module documentation for the source).
pub const KARPENTER_COMPATIBILITY: &[Compat] = &[
    x(0, 21, 21, 24),
    x(0, 22, 21, 24),
    x(0, 23, 21, 24),
    x(0, 24, 21, 24),
    x(0, 25, 21, 25),
    x(0, 26, 21, 25),
    x(0, 27, 21, 25),
    x(0, 28, 23, 27),
    x(0, 29, 23, 27),
    x(0, 30, 23, 27),
    x(0, 31, 23, 28),
    x(0, 32, 23, 28),
    x(0, 33, 23, 28),
    x(0, 34, 23, 29),
    x(0, 35, 23, 29),
    x(0, 36, 23, 29),
    x(0, 37, 23, 30),
    x(1, 0, 25, 30),
    Compat {
        app_version: AppVersion::FromPatch(KarpenterVersion::new(1, 0, 5)),
        min_k8s_minor: 25,
        max_k8s_minor: 31,
    },
    x(1, 1, 25, 31),
    x(1, 2, 25, 32),
    x(1, 3, 25, 32),
    x(1, 4, 25, 32),
    x(1, 5, 26, 33),
    x(1, 6, 26, 34),
    x(1, 7, 26, 34),
    x(1, 8, 26, 34),
    x(1, 9, 26, 35),
    x(1, 10, 26, 35),
    x(1, 11, 26, 35),
    x(1, 12, 26, 35),
    x(1, 13, 26, 36),
    x(1, 14, 26, 36),
];

/// The row that applies to a release: a `FromPatch` row of its minor at or
/// below its patch, else its minor's `x` row. `None`: not in the matrix.
pub fn compat_of(v: KarpenterVersion) -> Option<&'static Compat> {
    let patch_row = KARPENTER_COMPATIBILITY.iter().rev().find(|c| {
        matches!(c.app_version, AppVersion::FromPatch(p)
            if p.major == v.major && p.minor == v.minor && p.patch <= v.patch)
    });
    patch_row.or_else(|| {
        KARPENTER_COMPATIBILITY.iter().find(|c| {
            matches!(c.app_version, AppVersion::Minor { major, minor }
                if major == v.major && minor == v.minor)
        })
    })
}

/// The oldest release line that supports Kubernetes `1.k8s_minor`, at or
/// after `from` (so an upgrade never goes backwards).
pub fn oldest_supporting(k8s_minor: u32, from: KarpenterVersion) -> Option<&'static Compat> {
    KARPENTER_COMPATIBILITY.iter().find(|c| {
        let first = match c.app_version {
            AppVersion::Minor { major, minor } => KarpenterVersion::new(major, minor, 0),
            AppVersion::FromPatch(p) => p,
        };
        let last_of_line = KarpenterVersion::new(first.major, first.minor, u32::MAX);
        last_of_line >= from && c.min_k8s_minor <= k8s_minor && k8s_minor <= c.max_k8s_minor
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_order() {
        assert_eq!(
            KarpenterVersion::parse("v1.0.5"),
            Some(KarpenterVersion::new(1, 0, 5))
        );
        assert_eq!(
            KarpenterVersion::parse("0.37"),
            Some(KarpenterVersion::new(0, 37, 0))
        );
        assert_eq!(
            KarpenterVersion::parse("1.2.0-rc.1"),
            Some(KarpenterVersion::new(1, 2, 0))
        );
        assert_eq!(KarpenterVersion::parse("latest"), None);
        assert!(KarpenterVersion::new(0, 37, 9) < KarpenterVersion::new(1, 0, 0));
    }

    #[test]
    fn patch_rows_override_the_minor_row() {
        let c =
            |s| compat_of(KarpenterVersion::parse(s).expect("version")).map(|c| c.max_k8s_minor);
        assert_eq!(c("1.0.4"), Some(30));
        assert_eq!(c("1.0.5"), Some(31));
        assert_eq!(c("1.0.8"), Some(31));
        assert_eq!(c("1.1.0"), Some(31));
        assert_eq!(c("0.20.0"), None);
    }

    #[test]
    fn oldest_supporting_never_goes_back() {
        let from = KarpenterVersion::new(1, 0, 0);
        let row = oldest_supporting(31, from).expect("row");
        assert_eq!(row.app_version.to_string(), "1.0.5");
        let row = oldest_supporting(33, from).expect("row");
        assert_eq!(row.app_version.to_string(), "1.5.x");
        let row = oldest_supporting(29, KarpenterVersion::new(1, 3, 0)).expect("row");
        assert_eq!(row.app_version.to_string(), "1.3.x");
    }
}
