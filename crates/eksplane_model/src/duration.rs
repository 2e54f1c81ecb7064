//! [`GoDuration`]: a span of time written the way Go's `time.ParseDuration`
//! prints it (`90s`, `15m`, `2h`, `1h30m`), the format Kubernetes and
//! Karpenter use for durations (`consolidateAfter: 1m`, `expireAfter: 720h`).
//!
//! Parsing is stricter than Go's, so that a typo is an error rather than a
//! surprise: whole numbers only, units `h`, `m` and `s` (no `ms`, `us`, `ns`,
//! `d`), each unit at most once and in that order, no sign, no spaces. A bare
//! `0` is allowed, as in Go. Resolution is one second: the simulator's clock.

use serde::{Deserialize, Deserializer};
use std::fmt;
use std::str::FromStr;

/// A non-negative duration in whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration {
    seconds: u64,
}

/// Why a duration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {text:?}: {why}")]
pub struct DurationError {
    pub text: String,
    pub why: String,
}

/// The largest duration accepted: 100 years, far past any simulation, and
/// small enough that sums of a few never overflow.
const MAX_SECONDS: u64 = 100 * 365 * 24 * 3600;

impl GoDuration {
    pub const ZERO: GoDuration = GoDuration { seconds: 0 };

    pub const fn from_secs(seconds: u64) -> Self {
        GoDuration { seconds }
    }

    pub const fn as_secs(&self) -> u64 {
        self.seconds
    }

    /// Parses `1h30m`, `90s`, `0`; see the module documentation.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let err = |why: &str| DurationError {
            text: text.to_string(),
            why: why.to_string(),
        };
        if text.is_empty() {
            return Err(err("empty; write e.g. 90s, 15m, 2h or 1h30m"));
        }
        if text == "0" {
            return Ok(GoDuration::ZERO);
        }
        if text.starts_with(['-', '+']) {
            return Err(err("durations have no sign"));
        }
        let mut total: u64 = 0;
        // Index into UNITS of the last unit seen: units must come in order.
        let mut last: Option<usize> = None;
        const UNITS: [(&str, u64); 3] = [("h", 3600), ("m", 60), ("s", 1)];
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err(&format!(
                    "expected a number at {:?}; write e.g. 90s, 15m, 2h or 1h30m",
                    rest
                )));
            }
            let (num, tail) = rest.split_at(digits);
            let unit_len = tail.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            let (unit, after) = tail.split_at(unit_len);
            if unit.is_empty() {
                let why = match tail.chars().next() {
                    Some('.') => "fractions are not supported; write 1h30m for 1.5h".to_string(),
                    Some(c) => format!("unexpected {c:?} after {num}"),
                    None => format!("{num} has no unit; add h, m or s"),
                };
                return Err(err(&why));
            }
            let Some(i) = UNITS.iter().position(|(u, _)| *u == unit) else {
                let why = match unit {
                    "ms" | "us" | "µs" | "ns" => {
                        format!("unit {unit:?}: the simulator counts whole seconds")
                    }
                    "d" => "unit \"d\": write days as hours (24h)".to_string(),
                    _ => format!("unknown unit {unit:?}; use h, m or s"),
                };
                return Err(err(&why));
            };
            if last.is_some_and(|l| l >= i) {
                return Err(err("units must appear once each, in the order h, m, s"));
            }
            last = Some(i);
            let n: u64 = num.parse().map_err(|_| err("number too large"))?;
            total = n
                .checked_mul(UNITS[i].1)
                .and_then(|x| total.checked_add(x))
                .filter(|t| *t <= MAX_SECONDS)
                .ok_or_else(|| err("longer than 100 years"))?;
            rest = after;
        }
        Ok(GoDuration { seconds: total })
    }
}

impl FromStr for GoDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, DurationError> {
        GoDuration::parse(s)
    }
}

/// Prints the shortest form Go would accept: `1h30m`, `90s` as `1m30s`, `0s`.
impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds % 3600 / 60,
            self.seconds % 60,
        );
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

impl serde::Serialize for GoDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = GoDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as 90s, 15m, 2h or 1h30m")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GoDuration, E> {
                GoDuration::parse(v).map_err(E::custom)
            }
            // A bare `0` reads as an integer in YAML.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<GoDuration, E> {
                if v == 0 {
                    Ok(GoDuration::ZERO)
                } else {
                    Err(E::custom(format!(
                        "invalid duration {v}: a number needs a unit; write {v}s, {v}m or {v}h"
                    )))
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<GoDuration, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(format!(
                        "invalid duration {v}: durations have no sign"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(s: &str) -> u64 {
        GoDuration::parse(s)
            .unwrap_or_else(|e| panic!("{e}"))
            .as_secs()
    }

    #[test]
    fn parses_go_durations() {
        assert_eq!(secs("0"), 0);
        assert_eq!(secs("0s"), 0);
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("15m"), 900);
        assert_eq!(secs("2h"), 7200);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("1h0m5s"), 3605);
        assert_eq!(secs("720h"), 720 * 3600);
    }

    #[test]
    fn refuses_with_a_reason() {
        let why = |s: &str| match GoDuration::parse(s) {
            Ok(d) => panic!("{s} parsed as {d}"),
            Err(e) => e.why,
        };
        assert!(why("").contains("empty"));
        assert!(why("10").contains("no unit"));
        assert!(why("1.5h").contains("fractions"));
        assert!(why("500ms").contains("whole seconds"));
        assert!(why("1d").contains("24h"));
        assert!(why("5x").contains("unknown unit"));
        assert!(why("-5m").contains("sign"));
        assert!(why("30m1h").contains("order"));
        assert!(why("1h1h").contains("order"));
        assert!(why("h").contains("expected a number"));
        assert!(why("1h 30m").contains("expected a number"));
        assert!(why("1h+").contains("expected a number"));
        assert!(why("99999999999999999999h").contains("too large"));
        assert!(why("999999999h").contains("100 years"));
    }

    #[test]
    fn displays_shortest_form() {
        for (s, d) in [
            ("90s", "1m30s"),
            ("0", "0s"),
            ("2h", "2h"),
            ("1h30m", "1h30m"),
        ] {
            assert_eq!(
                GoDuration::parse(s).map(|x| x.to_string()),
                Ok(d.to_string())
            );
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(n in 0u64..MAX_SECONDS) {
            let d = GoDuration::from_secs(n);
            prop_assert_eq!(GoDuration::parse(&d.to_string()), Ok(d));
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = GoDuration::parse(&s);
        }
    }
}
