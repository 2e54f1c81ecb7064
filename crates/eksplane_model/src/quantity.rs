//! Kubernetes resource quantities (`500m`, `2Gi`, `1.5`, `1e3`), exactly.
//!
//! Format per k8s.io/apimachinery/pkg/api/resource/quantity.go: a signed decimal
//! number followed by a binary SI suffix (Ki..Ei), a decimal SI suffix
//! (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3, E-2).

use serde::{Deserialize, Deserializer};
use std::fmt;

/// A quantity, held exactly as thousandths of the unit (rounded up, as
/// Kubernetes rounds CPU up to whole millicores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    milli: i128,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid quantity {text:?}: {why}")]
pub struct QuantityError {
    pub text: String,
    pub why: &'static str,
}

impl Quantity {
    pub fn from_milli(milli: i128) -> Self {
        Quantity { milli }
    }

    pub fn from_units(units: i128) -> Self {
        Quantity {
            milli: units.saturating_mul(1000),
        }
    }

    /// Thousandths of the unit: millicores for CPU.
    pub fn milli(&self) -> i128 {
        self.milli
    }

    /// Whole units, rounded up: bytes for memory, pods for `pods`.
    pub fn units_ceil(&self) -> i128 {
        self.milli.div_euclid(1000) + i128::from(self.milli.rem_euclid(1000) != 0)
    }

    /// Mebibytes (rounded up), for memory quantities.
    pub fn mib_ceil(&self) -> i128 {
        let b = self.units_ceil();
        b.div_euclid(1 << 20) + i128::from(b.rem_euclid(1 << 20) != 0)
    }

    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let err = |why| QuantityError {
            text: text.to_string(),
            why,
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(err("empty"));
        }
        if t.len() > 64 {
            return Err(err("too long"));
        }
        let (neg, body) = match t.as_bytes()[0] {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let num_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (num, suffix) = body.split_at(num_end);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(err("expected a number"));
        }
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        // mantissa = digits as integer, scale = 10^-len(frac)
        let digits = format!("{int_part}{frac_part}");
        let mantissa: i128 = digits
            .trim_start_matches('0')
            .parse::<i128>()
            .or_else(|e| {
                if digits.chars().all(|c| c == '0') {
                    Ok(0)
                } else {
                    Err(e)
                }
            })
            .map_err(|_| err("number too large"))?;
        let mut exp10: i32 = -(frac_part.len() as i32);
        let mut mul2: u32 = 0;
        match suffix {
            "" => {}
            "n" => exp10 -= 9,
            "u" => exp10 -= 6,
            "m" => exp10 -= 3,
            "k" => exp10 += 3,
            "M" => exp10 += 6,
            "G" => exp10 += 9,
            "T" => exp10 += 12,
            "P" => exp10 += 15,
            "E" => exp10 += 18,
            "Ki" => mul2 = 10,
            "Mi" => mul2 = 20,
            "Gi" => mul2 = 30,
            "Ti" => mul2 = 40,
            "Pi" => mul2 = 50,
            "Ei" => mul2 = 60,
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().map_err(|_| err("bad exponent"))?;
                if !(-30..=30).contains(&e) {
                    return Err(err("exponent out of range"));
                }
                exp10 += e;
            }
            _ => return Err(err("unknown suffix")),
        }
        // value in milli-units = mantissa * 2^mul2 * 10^(exp10 + 3), rounded up.
        let m = mantissa
            .checked_mul(1i128 << mul2)
            .ok_or_else(|| err("number too large"))?;
        let e = exp10 + 3;
        let milli = if e >= 0 {
            10i128
                .checked_pow(e as u32)
                .and_then(|p| m.checked_mul(p))
                .ok_or_else(|| err("number too large"))?
        } else {
            let p = 10i128
                .checked_pow((-e) as u32)
                .ok_or_else(|| err("number too small"))?;
            m / p + i128::from(m % p != 0)
        };
        Ok(Quantity {
            milli: if neg { -milli } else { milli },
        })
    }
}

impl Quantity {
    /// A byte quantity in the largest binary unit that divides it exactly
    /// (`4000Gi`, `1536Mi`, `100`), as people write memory.
    pub fn to_binary_string(&self) -> String {
        if self.milli % 1000 != 0 {
            return self.to_string();
        }
        let mut v = self.milli / 1000;
        if v == 0 {
            return "0".into();
        }
        for unit in ["", "Ki", "Mi", "Gi", "Ti", "Pi"] {
            if v % 1024 != 0 || unit == "Pi" {
                return format!("{v}{unit}");
            }
            v /= 1024;
        }
        format!("{v}Ei")
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.milli % 1000 == 0 {
            write!(f, "{}", self.milli / 1000)
        } else {
            write!(f, "{}m", self.milli)
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Quantities are written as strings or as plain numbers.
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes quantity such as 500m, 2Gi or 4")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::from_units(i128::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::from_units(i128::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn binary_strings_for_memory() {
        let q = |t: &str| Quantity::parse(t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q("4000Gi").to_binary_string(), "4000Gi");
        assert_eq!(q("1.5Gi").to_binary_string(), "1536Mi");
        assert_eq!(q("100").to_binary_string(), "100");
        assert_eq!(q("1G").to_binary_string(), "1000000000");
        assert_eq!(q("0").to_binary_string(), "0");
        assert_eq!(q("500m").to_binary_string(), "500m");
    }

    #[test]
    fn known_values() {
        assert_eq!(q("500m").milli(), 500);
        assert_eq!(q("1").milli(), 1000);
        assert_eq!(q("1.5").milli(), 1500);
        assert_eq!(q("2Gi").units_ceil(), 2 << 30);
        assert_eq!(q("100Mi").mib_ceil(), 100);
        assert_eq!(q("1k").units_ceil(), 1000);
        assert_eq!(q("1e3").units_ceil(), 1000);
        assert_eq!(q("0.1m").milli(), 1, "rounded up");
        assert_eq!(q("1000").to_string(), "1000");
        assert_eq!(q("250m").to_string(), "250m");
        assert!(Quantity::parse("12Q").is_err());
        assert!(Quantity::parse("").is_err());
        assert!(Quantity::parse("1.2.3").is_err());
        assert!(Quantity::parse("99999999999999999999999999999999999999999Ei").is_err());
    }

    proptest! {
        #[test]
        fn integers_round_trip(n in 0i64..1_000_000_000) {
            prop_assert_eq!(q(&n.to_string()).units_ceil(), i128::from(n));
            prop_assert_eq!(q(&format!("{n}m")).milli(), i128::from(n));
            prop_assert_eq!(q(&format!("{n}Ki")).units_ceil(), i128::from(n) * 1024);
        }

        #[test]
        fn never_panics(s in "[-+0-9.eEkMGTPimnu]{0,20}") {
            let _ = Quantity::parse(&s);
        }
    }
}
