//! IPv4 CIDR blocks written by people (`10.60.0.0/24`), checked when read.
//!
//! The text must be a network address in dotted-quad notation with a prefix
//! length of 0 to 32 and no host bits set (`10.60.0.1/24` is refused, naming
//! the network it probably meant): VPC and subnet CIDRs, subnet CIDR
//! reservations and delegated prefixes are all whole networks
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).
//! Address arithmetic lives in `eksplane_capacity`; this only parses.

use ipnet::Ipv4Net;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 network (`a.b.c.d/n`, host bits zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr(pub Ipv4Net);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IPv4 CIDR {text:?}: {why}")]
pub struct CidrError {
    pub text: String,
    pub why: String,
}

impl Ipv4Cidr {
    /// Parses `a.b.c.d/n` strictly (see the module documentation).
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let err = |why: String| CidrError {
            text: text.to_string(),
            why,
        };
        let Some((addr, len)) = text.split_once('/') else {
            return Err(err(
                "expected address/prefix-length, e.g. 10.0.0.0/16".into()
            ));
        };
        if addr.contains(':') {
            return Err(err("IPv6 is not supported here; give an IPv4 CIDR".into()));
        }
        let addr = Ipv4Addr::from_str(addr)
            .map_err(|_| err(format!("{addr:?} is not an IPv4 address")))?;
        let len: u8 = Some(len)
            .filter(|l| (1..=2).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|l| l.parse().ok())
            .filter(|l| *l <= 32)
            .ok_or_else(|| err(format!("prefix length {len:?} is not 0 to 32")))?;
        let net = Ipv4Net::new(addr, len)
            .map_err(|_| err(format!("prefix length {len} is not 0 to 32")))?;
        if net.network() != addr {
            return Err(err(format!(
                "host bits are set; the network is {}",
                net.trunc()
            )));
        }
        Ok(Ipv4Cidr(net))
    }

    pub fn net(&self) -> Ipv4Net {
        self.0
    }

    pub fn network(&self) -> Ipv4Addr {
        self.0.network()
    }

    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }

    /// Addresses in the block (2^(32 - prefix length)).
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.0.prefix_len()))
    }

    /// Whether `other` lies wholly inside this block.
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        self.0.contains(&other.0)
    }

    /// Whether the two blocks share any address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        self.0.contains(&other.0.network()) || other.0.contains(&self.0.network())
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;
    fn from_str(s: &str) -> Result<Self, CidrError> {
        Ipv4Cidr::parse(s)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for Ipv4Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ipv4Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Ipv4Cidr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an IPv4 CIDR such as 10.0.0.0/16")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ipv4Cidr, E> {
                Ipv4Cidr::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_networks() {
        let c = Ipv4Cidr::parse("10.60.0.0/24").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.prefix_len(), 24);
        assert_eq!(c.size(), 256);
        assert_eq!(c.to_string(), "10.60.0.0/24");
        let all = Ipv4Cidr::parse("0.0.0.0/0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.size(), 1 << 32);
    }

    #[test]
    fn refuses_bad_text_with_a_reason() {
        let why = |t: &str| Ipv4Cidr::parse(t).err().map(|e| e.to_string());
        assert_eq!(
            why("10.60.0.1/24").as_deref(),
            Some(
                "invalid IPv4 CIDR \"10.60.0.1/24\": host bits are set; the network is 10.60.0.0/24"
            )
        );
        assert!(why("10.60.0.0").is_some_and(|m| m.contains("address/prefix-length")));
        assert!(why("10.60.0.0/33").is_some_and(|m| m.contains("prefix length")));
        assert!(why("10.600.0.0/16").is_some_and(|m| m.contains("not an IPv4 address")));
        assert!(why("2600:1f18::/56").is_some_and(|m| m.contains("IPv6")));
        assert!(why("10.0.0.0/+8").is_some());
        assert!(why("").is_some());
    }

    #[test]
    fn containment_and_overlap() {
        let p = |t: &str| Ipv4Cidr::parse(t).unwrap_or_else(|e| panic!("{e}"));
        assert!(p("10.60.0.0/16").contains(&p("10.60.3.0/24")));
        assert!(!p("10.60.0.0/16").contains(&p("100.64.0.0/18")));
        assert!(p("10.60.0.0/24").overlaps(&p("10.60.0.128/25")));
        assert!(p("10.60.0.128/25").overlaps(&p("10.60.0.0/24")));
        assert!(!p("10.60.0.0/25").overlaps(&p("10.60.0.128/25")));
    }

    proptest! {
        #[test]
        fn display_round_trips(addr in any::<u32>(), len in 0u8..=32) {
            let net = Ipv4Net::new(Ipv4Addr::from(addr), len)
                .unwrap_or_else(|e| panic!("{e}"))
                .trunc();
            let c = Ipv4Cidr::parse(&net.to_string()).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(c.net(), net);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = Ipv4Cidr::parse(&s);
        }
    }
}
