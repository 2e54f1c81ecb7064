//! VPC CNI versions (`1.19.2`, `v1.19.2-eksbuild.1`).

use std::fmt;
use std::str::FromStr;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CniVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{input:?} is not a CNI version: expected MAJOR.MINOR[.PATCH] such as 1.19.2 (a leading v and a -suffix are allowed)"
)]
pub struct VersionError {
    pub input: String,
}

impl CniVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> CniVersion {
        CniVersion {
            major,
            minor,
            patch,
        }
    }

    /// Prefix delegation needs VPC CNI 1.9.0 or later. The calculator tests
    /// `major > 1 || (major == 1 && minor > 8)` (max-pods-calculator.sh).
    pub const PREFIX_DELEGATION: CniVersion = CniVersion::new(1, 9, 0);

    pub fn supports_prefix_delegation(self) -> bool {
        self >= CniVersion::PREFIX_DELEGATION
    }

    /// From v1.20.4 `ENABLE_POD_ENI` holds the trunk ENI slot only on
    /// trunking-compatible types (aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go
    /// `hasRoomForEni`: `IsTrunkingCompatible() && enablePodENI`, commit
    /// a637a528f "Optimize ENI slot reservation for non-supported instance
    /// type (#3250)", first tagged v1.20.4); before, on every type.
    pub const TRUNK_SLOT_ONLY_WHEN_COMPATIBLE: CniVersion = CniVersion::new(1, 20, 4);

    /// The newest VPC CNI release eksplane knows (aws/amazon-vpc-cni-k8s tag
    /// v1.23.0, the newest tag at b52188387f2e2f10bf289ace929d6a63b176a4fa,
    /// 2026-08-20): the default of `max-pods --cni-version`, and what an
    /// unknown version is taken to be where behaviour changed between versions.
    pub const CURRENT_RELEASE: CniVersion = CniVersion::new(1, 23, 0);

    /// Whether `ENABLE_POD_ENI` holds a slot on types that cannot trunk.
    pub fn holds_trunk_slot_on_incompatible_types(self) -> bool {
        self < CniVersion::TRUNK_SLOT_ONLY_WHEN_COMPATIBLE
    }
}

impl FromStr for CniVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || VersionError {
            input: s.to_string(),
        };
        let t = s.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let core = t.split(['-', '+']).next().unwrap_or_default();
        let mut parts = core.split('.');
        let mut num = |required: bool| -> Result<u32, VersionError> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map_err(|_| err())
                }
                None if !required => Ok(0),
                _ => Err(err()),
            }
        };
        let v = CniVersion::new(num(true)?, num(true)?, num(false)?);
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(v)
    }
}

impl fmt::Display for CniVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("1.19.2".parse(), Ok(CniVersion::new(1, 19, 2)));
        assert_eq!("v1.19.2-eksbuild.1".parse(), Ok(CniVersion::new(1, 19, 2)));
        assert_eq!("1.9".parse(), Ok(CniVersion::new(1, 9, 0)));
        for bad in ["", "1", "x.y", "1.2.3.4", "1..2", "-1.2", "1.99999999999"] {
            assert!(bad.parse::<CniVersion>().is_err(), "{bad}");
        }
        assert!(!CniVersion::new(1, 8, 9).supports_prefix_delegation());
        assert!(CniVersion::new(1, 9, 0).supports_prefix_delegation());
        assert!(CniVersion::new(2, 0, 0).supports_prefix_delegation());
    }
}
