//! The Amazon EKS Kubernetes version calendar: when each minor version was
//! released on EKS, and when its standard and extended support end.
//!
//! Plain data, a civil-date type and a lookup; no clock: callers pass "today".
//!
//! Source: AWS, "Understand the Kubernetes version lifecycle on EKS",
//! section "Amazon EKS Kubernetes release calendar",
//! <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>
//! (awsdocs/amazon-eks-user-guide `latest/ug/versioning/kubernetes-versions.adoc`).
//! Dates are UTC+0 as the page states; extended-support billing starts at the
//! beginning of the end-of-standard-support day. Rows 1.23-1.26 are from
//! earlier revisions of the same table (they have since left the page); the
//! page's FAQ still states the 1.23 dates. Rows 1.35 and 1.36 were not yet in
//! the stored copy of the table the dates were taken from: 1.35's end dates
//! (2027-03-27, 2028-03-27) are as published by AWS's own
//! `aws-samples/sample-apex-skills` EKS calendar (verified 2026-04-24) and
//! endoflife.date; 1.36's EKS release (2026-06-02) and end of standard support
//! (2027-08-02) are from secondary sources, its end of extended support from
//! the page's rule (14 months of standard support, then 12 of extended).
//! Check both rows against the live page when refreshing this table.

use std::fmt;

/// A calendar date (proleptic Gregorian), ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub const fn new(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    /// Parses `YYYY-MM-DD` (a valid date only).
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let year: i32 = it.next()?.parse().ok()?;
        let month: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.parse().ok()?;
        let d = Date { year, month, day };
        (Date::from_days(d.days()) == d).then_some(d)
    }

    /// Days since 1970-01-01 (negative before). Algorithm: Howard Hinnant,
    /// "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`.
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// The date `n` days later (earlier when negative).
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One row of the EKS release calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksVersion {
    /// Kubernetes minor version, `1.31`.
    pub version: &'static str,
    /// Minor number (`31` of `1.31`), for ordering.
    pub minor: u32,
    /// Amazon EKS release.
    pub released: Date,
    /// End of standard support: extended support (and its billing) starts on
    /// this day.
    pub end_of_standard: Date,
    /// End of extended support: after it EKS upgrades the control plane.
    pub end_of_extended: Date,
}

const fn row(version: &'static str, minor: u32, r: Date, s: Date, e: Date) -> EksVersion {
    EksVersion {
        version,
        minor,
        released: r,
        end_of_standard: s,
        end_of_extended: e,
    }
}

const fn d(year: i32, month: u8, day: u8) -> Date {
    Date::new(year, month, day)
}

/// The calendar, oldest first. See the module documentation for the source.
pub const EKS_VERSIONS: &[EksVersion] = &[
    row("1.23", 23, d(2022, 8, 11), d(2023, 10, 11), d(2024, 10, 11)),
    row("1.24", 24, d(2022, 11, 15), d(2024, 1, 31), d(2025, 1, 31)),
    row("1.25", 25, d(2023, 2, 22), d(2024, 5, 1), d(2025, 5, 1)),
    row("1.26", 26, d(2023, 4, 11), d(2024, 6, 11), d(2025, 6, 11)),
    row("1.27", 27, d(2023, 5, 24), d(2024, 7, 24), d(2025, 7, 24)),
    row("1.28", 28, d(2023, 9, 26), d(2024, 11, 26), d(2025, 11, 26)),
    row("1.29", 29, d(2024, 1, 23), d(2025, 3, 23), d(2026, 3, 23)),
    row("1.30", 30, d(2024, 5, 23), d(2025, 7, 23), d(2026, 7, 23)),
    row("1.31", 31, d(2024, 9, 26), d(2025, 11, 26), d(2026, 11, 26)),
    row("1.32", 32, d(2025, 1, 23), d(2026, 3, 23), d(2027, 3, 23)),
    row("1.33", 33, d(2025, 5, 29), d(2026, 7, 29), d(2027, 7, 29)),
    row("1.34", 34, d(2025, 10, 2), d(2026, 12, 2), d(2027, 12, 2)),
    row("1.35", 35, d(2026, 1, 27), d(2027, 3, 27), d(2028, 3, 27)),
    row("1.36", 36, d(2026, 6, 2), d(2027, 8, 2), d(2028, 8, 2)),
];

/// The `1.x` minor number of a version as written (`1.31`, `"1.31"`,
/// `v1.31.2`, `1.31.2-eks-...`); `None` for anything else.
pub fn minor_of(version: &str) -> Option<u32> {
    let v = version.trim().trim_matches('"');
    let v = v.strip_prefix('v').unwrap_or(v);
    let rest = v.strip_prefix("1.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The calendar row of a Kubernetes version, if the table has it.
pub fn lookup(version: &str) -> Option<&'static EksVersion> {
    let minor = minor_of(version)?;
    EKS_VERSIONS.iter().find(|v| v.minor == minor)
}

/// The newest version in the table.
pub fn newest() -> Option<&'static EksVersion> {
    EKS_VERSIONS.last()
}

/// Where a version stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// In standard support, more than `warn_days` before its end.
    Standard(&'static EksVersion),
    /// In standard support, ending within `warn_days`.
    StandardEndingSoon(&'static EksVersion),
    /// Past end of standard support: in (paid) extended support.
    Extended(&'static EksVersion),
    /// Past end of extended support: EKS upgrades the control plane.
    Ended(&'static EksVersion),
    /// Older than every row of the table: its extended support ended before
    /// the oldest row's did.
    OlderThanTable { minor: u32 },
}

/// The support status of `version` on `today`, warning `warn_days` before the
/// end of standard support. `None` for a version the table does not know
/// (newer than its newest row, or not `1.x`).
pub fn support_on(version: &str, today: Date, warn_days: i64) -> Option<Support> {
    let minor = minor_of(version)?;
    let oldest = EKS_VERSIONS.first()?;
    if minor < oldest.minor {
        return Some(Support::OlderThanTable { minor });
    }
    let v = EKS_VERSIONS.iter().find(|v| v.minor == minor)?;
    Some(if today >= v.end_of_extended {
        Support::Ended(v)
    } else if today >= v.end_of_standard {
        Support::Extended(v)
    } else if today >= v.end_of_standard.plus_days(-warn_days) {
        Support::StandardEndingSoon(v)
    } else {
        Support::Standard(v)
    })
}

/// The oldest version still in standard support on `today`.
pub fn oldest_in_standard_support(today: Date) -> Option<&'static EksVersion> {
    EKS_VERSIONS.iter().find(|v| today < v.end_of_standard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_order() {
        assert_eq!(Date::new(1970, 1, 1).days(), 0);
        assert_eq!(Date::new(2000, 3, 1).days(), 11_017);
        assert_eq!(Date::from_days(11_017), Date::new(2000, 3, 1));
        for n in [-800_000_i64, -1, 0, 59, 60, 19_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_days(n).days(), n, "{n}");
        }
        assert_eq!(Date::new(2024, 2, 28).plus_days(1), Date::new(2024, 2, 29));
        assert_eq!(Date::new(2025, 2, 28).plus_days(1), Date::new(2025, 3, 1));
        assert!(Date::new(2025, 12, 31) < Date::new(2026, 1, 1));
        assert_eq!(Date::new(2026, 3, 9).to_string(), "2026-03-09");
    }

    #[test]
    fn parse_accepts_only_real_dates() {
        assert_eq!(Date::parse("2026-11-25"), Some(Date::new(2026, 11, 25)));
        assert_eq!(Date::parse(" 2024-02-29 "), Some(Date::new(2024, 2, 29)));
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2025-13-01"), None);
        assert_eq!(Date::parse("2025-1"), None);
        assert_eq!(Date::parse("yesterday"), None);
    }

    #[test]
    fn table_is_ordered_and_follows_the_14_plus_12_month_rule() {
        for w in EKS_VERSIONS.windows(2) {
            assert_eq!(w[0].minor + 1, w[1].minor, "{}", w[1].version);
            assert!(w[0].released < w[1].released, "{}", w[1].version);
        }
        for v in EKS_VERSIONS {
            assert_eq!(minor_of(v.version), Some(v.minor));
            assert!(v.released < v.end_of_standard && v.end_of_standard < v.end_of_extended);
            // Extended support is 12 months after standard support.
            assert_eq!(
                v.end_of_extended.year,
                v.end_of_standard.year + 1,
                "{}",
                v.version
            );
            assert_eq!(
                v.end_of_extended.month, v.end_of_standard.month,
                "{}",
                v.version
            );
            // Standard support is about 14 months (1.23-1.25 were longer,
            // when extended support was introduced).
            let days = v.end_of_standard.days() - v.released.days();
            assert!((420..=540).contains(&days), "{}: {days}", v.version);
        }
    }

    #[test]
    fn versions_as_written() {
        assert_eq!(minor_of("1.31"), Some(31));
        assert_eq!(minor_of("\"1.30\""), Some(30));
        assert_eq!(minor_of("v1.29.3-eks-ae9a62a"), Some(29));
        assert_eq!(minor_of("2.0"), None);
        assert_eq!(minor_of("latest"), None);
        assert_eq!(
            lookup("1.31").map(|v| v.end_of_standard),
            Some(d(2025, 11, 26))
        );
        assert!(lookup("1.99").is_none());
    }

    #[test]
    fn support_status_boundaries() {
        let v = "1.31";
        let s = |y, m, dd| support_on(v, d(y, m, dd), 60);
        assert!(matches!(s(2025, 9, 26), Some(Support::Standard(_))));
        // 60 days before 2025-11-26 is 2025-09-27.
        assert!(matches!(
            s(2025, 9, 27),
            Some(Support::StandardEndingSoon(_))
        ));
        assert!(matches!(
            s(2025, 11, 25),
            Some(Support::StandardEndingSoon(_))
        ));
        assert!(matches!(s(2025, 11, 26), Some(Support::Extended(_))));
        assert!(matches!(s(2026, 11, 25), Some(Support::Extended(_))));
        assert!(matches!(s(2026, 11, 26), Some(Support::Ended(_))));
        assert_eq!(
            support_on("1.21", d(2020, 1, 1), 60),
            Some(Support::OlderThanTable { minor: 21 })
        );
        assert_eq!(support_on("1.37", d(2026, 1, 1), 60), None);
        assert_eq!(
            oldest_in_standard_support(d(2026, 11, 25)).map(|v| v.version),
            Some("1.34")
        );
    }
}
