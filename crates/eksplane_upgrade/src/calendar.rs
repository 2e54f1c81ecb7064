//! Support windows as of a date, and what staying costs.
//!
//! Dates: [`eksplane_aws_data::eks_versions`] (the EKS release calendar).
//! Rates: Amazon EKS pricing, <https://aws.amazon.com/eks/pricing/>: a cluster
//! in standard support is billed $0.10 per hour, in extended support $0.60
//! per hour (per cluster; also stated in "Understand the Kubernetes version
//! lifecycle on EKS", <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).

use crate::model::Minor;
use eksplane_aws_data::eks_versions::{self, Date, Support};
use serde::Serialize;

pub const SRC_PRICING: &str = "https://aws.amazon.com/eks/pricing/";
pub const SRC_CALENDAR: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";
/// USD per cluster-hour in standard support.
pub const STANDARD_RATE_USD_HOUR: f64 = 0.10;
/// USD per cluster-hour in extended support.
pub const EXTENDED_RATE_USD_HOUR: f64 = 0.60;
/// Hours in the average month AWS bills by (730 = 8760 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Standard,
    Extended,
    /// Past end of extended support: EKS upgrades the control plane itself.
    Ended,
    /// Not in the calendar.
    Unknown,
}

/// One version of the path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionRow {
    pub version: Minor,
    pub end_of_standard: Option<String>,
    pub end_of_extended: Option<String>,
    pub status: Status,
    /// Days left in the current support tier (standard, else extended).
    pub days_left: Option<i64>,
    /// USD per cluster-hour today.
    pub rate_usd_hour: Option<f64>,
}

/// The calendar of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub versions: Vec<VersionRow>,
    pub standard_rate_usd_hour: f64,
    pub extended_rate_usd_hour: f64,
    /// What staying on the current version costs per month more than a
    /// version in standard support (0 while in standard support).
    pub staying_extra_usd_month: f64,
    pub source_rates: &'static str,
    pub source_dates: &'static str,
}

pub fn row(minor: u32, today: Date) -> VersionRow {
    let version = Minor(minor);
    let Some(v) = eks_versions::EKS_VERSIONS.iter().find(|v| v.minor == minor) else {
        return VersionRow {
            version,
            end_of_standard: None,
            end_of_extended: None,
            status: Status::Unknown,
            days_left: None,
            rate_usd_hour: None,
        };
    };
    let status = match eks_versions::support_on(v.version, today, 0) {
        Some(Support::Standard(_) | Support::StandardEndingSoon(_)) => Status::Standard,
        Some(Support::Extended(_)) => Status::Extended,
        Some(Support::Ended(_) | Support::OlderThanTable { .. }) => Status::Ended,
        None => Status::Unknown,
    };
    let days_left = match status {
        Status::Standard => Some(v.end_of_standard.days() - today.days()),
        Status::Extended => Some(v.end_of_extended.days() - today.days()),
        _ => None,
    };
    VersionRow {
        version,
        end_of_standard: Some(v.end_of_standard.to_string()),
        end_of_extended: Some(v.end_of_extended.to_string()),
        status,
        days_left,
        rate_usd_hour: match status {
            Status::Standard => Some(STANDARD_RATE_USD_HOUR),
            // Past its end EKS upgrades the cluster; it is billed as extended until then.
            Status::Extended | Status::Ended => Some(EXTENDED_RATE_USD_HOUR),
            Status::Unknown => None,
        },
    }
}

pub fn calendar(from: u32, to: u32, today: Date) -> Calendar {
    let versions: Vec<VersionRow> = (from..=to).map(|m| row(m, today)).collect();
    let staying_extra_usd_month = match versions.first().map(|r| r.status) {
        Some(Status::Extended | Status::Ended) => {
            ((EXTENDED_RATE_USD_HOUR - STANDARD_RATE_USD_HOUR) * HOURS_PER_MONTH * 100.0).round()
                / 100.0
        }
        _ => 0.0,
    };
    Calendar {
        versions,
        standard_rate_usd_hour: STANDARD_RATE_USD_HOUR,
        extended_rate_usd_hour: EXTENDED_RATE_USD_HOUR,
        staying_extra_usd_month,
        source_rates: SRC_PRICING,
        source_dates: SRC_CALENDAR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_cost_as_of_a_date() {
        let today = Date::new(2025, 6, 1);
        let c = calendar(29, 31, today);
        // 1.29: standard ended 2025-03-23, extended until 2026-03-23.
        assert_eq!(c.versions[0].status, Status::Extended);
        assert_eq!(c.versions[0].days_left, Some(295));
        assert_eq!(c.versions[2].status, Status::Standard);
        assert_eq!(c.staying_extra_usd_month, 365.0);
        assert_eq!(calendar(31, 31, today).staying_extra_usd_month, 0.0);
        assert_eq!(row(99, today).status, Status::Unknown);
    }
}
