//! Spot: the price model a run uses, interruptions drawn from the seed.
//!
//! - **Prices**: by default Spot = on-demand x a discount factor
//!   ([`SpotPrices::Discount`], `SimOptions::spot_price_factor`, 0.35: AWS
//!   quotes Spot "at up to a 90% discount compared to On-Demand prices",
//!   aws.amazon.com/ec2/spot/pricing/; 65% off is the middle of the range
//!   the Spot Instance Advisor shows for general-purpose families). Or the
//!   latest price per (type, zone) from `aws ec2 describe-spot-price-history`
//!   JSON ([`parse_price_history`]); pools missing from it fall back to the
//!   factor. The model is named in every output.
//! - **Choice**: Karpenter launches Spot with EC2 Fleet's
//!   price-capacity-optimized strategy (karpenter.sh/docs/concepts/nodepools/,
//!   capacity type; docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-allocation-strategy.html):
//!   the pools with the most spare capacity, then the cheapest of those.
//!   With one interruption rate for every pool, capacity does not separate
//!   them, so the cheapest available Spot offering wins; a pool that just
//!   interrupted is unavailable for Karpenter's unavailable-offerings TTL
//!   (3 minutes, karpenter-provider-aws pkg/cache/cache.go
//!   `UnavailableOfferingsTTL`), and with no Spot offering left the launch
//!   falls back to on-demand where the NodePool allows it.
//! - **Interruptions**: each Spot node is interrupted in a tick with
//!   probability `1 - exp(-rate x tick)`, drawn from SplitMix64 keyed by the
//!   seed, the node and the tick: two seeds give two runs, one seed the same
//!   run. A notice gives two minutes (docs.aws.amazon.com/AWSEC2/latest/
//!   UserGuide/spot-instance-termination-notices.html); Karpenter's
//!   interruption controller taints and drains the node at once
//!   (pkg/controllers/interruption); its pods are recreated and provisioned
//!   like any pending pod; at the end of the notice the instance is gone,
//!   and pods still on it are deleted (counted beyond their PDB).

use std::collections::BTreeMap;

/// How long an interruption notice gives.
pub const NOTICE_SECONDS: u64 = 120;
/// Karpenter-provider-aws `UnavailableOfferingsTTL`.
pub const UNAVAILABLE_SECONDS: u64 = 180;

/// Where Spot prices come from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SpotPrices {
    /// On-demand x `SimOptions::spot_price_factor`.
    #[default]
    Discount,
    /// Latest `SpotPrice` per (instance type, zone), and the file it came from.
    History {
        source: String,
        prices: BTreeMap<(String, String), f64>,
    },
}

impl SpotPrices {
    /// The Spot price of `ty` in `zone`.
    pub fn price(&self, ty: &str, zone: &str, on_demand: f64, factor: f64) -> f64 {
        match self {
            SpotPrices::Discount => on_demand * factor,
            SpotPrices::History { prices, .. } => prices
                .get(&(ty.to_string(), zone.to_string()))
                .copied()
                .unwrap_or(on_demand * factor),
        }
    }

    /// One line naming the model, for every output.
    pub fn describe(&self, factor: f64) -> String {
        match self {
            SpotPrices::Discount => format!(
                "Spot prices: on-demand x {factor} (a flat discount model; --spot-prices FILE takes describe-spot-price-history JSON)"
            ),
            SpotPrices::History { source, prices } => format!(
                "Spot prices: latest of describe-spot-price-history {source} ({} type/zone pools; others on-demand x {factor})",
                prices.len()
            ),
        }
    }
}

/// Reads `aws ec2 describe-spot-price-history` output (`SpotPriceHistory[]`
/// with `InstanceType`, `AvailabilityZone`, `SpotPrice`, `Timestamp`): the
/// latest price per (type, zone), Linux/UNIX products only when the product
/// is given.
pub fn parse_price_history(text: &str) -> Result<BTreeMap<(String, String), f64>, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Doc {
        spot_price_history: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Entry {
        instance_type: String,
        availability_zone: String,
        spot_price: String,
        #[serde(default)]
        timestamp: String,
        #[serde(default)]
        product_description: Option<String>,
    }
    let doc: Doc = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut latest: BTreeMap<(String, String), (String, f64)> = BTreeMap::new();
    for e in doc.spot_price_history {
        if e.product_description
            .as_deref()
            .is_some_and(|p| !p.starts_with("Linux/UNIX"))
        {
            continue;
        }
        let price: f64 = e
            .spot_price
            .parse()
            .map_err(|_| format!("SpotPrice {:?} is not a number", e.spot_price))?;
        if !price.is_finite() || price < 0.0 {
            return Err(format!("SpotPrice {:?} is not a price", e.spot_price));
        }
        let key = (e.instance_type, e.availability_zone);
        // RFC 3339 timestamps in one zone order as strings.
        match latest.get(&key) {
            Some((ts, _)) if *ts >= e.timestamp => {}
            _ => {
                latest.insert(key, (e.timestamp, price));
            }
        }
    }
    Ok(latest.into_iter().map(|(k, (_, p))| (k, p)).collect())
}

/// A uniform draw in [0, 1) from (seed, node, tick): SplitMix64.
pub fn draw(seed: u64, node: u64, tick: u64) -> f64 {
    let mut z =
        seed ^ node.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ tick.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The chance a node is interrupted within `seconds` at `per_hour`.
pub fn chance(per_hour: f64, seconds: u64) -> f64 {
    if per_hour <= 0.0 || !per_hour.is_finite() {
        return 0.0;
    }
    1.0 - (-per_hour * seconds as f64 / 3600.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_price_per_pool() {
        let json = r#"{"SpotPriceHistory": [
          {"AvailabilityZone": "us-east-1a", "InstanceType": "m6i.large", "ProductDescription": "Linux/UNIX", "SpotPrice": "0.040000", "Timestamp": "2026-01-01T00:00:00+00:00"},
          {"AvailabilityZone": "us-east-1a", "InstanceType": "m6i.large", "ProductDescription": "Linux/UNIX", "SpotPrice": "0.045000", "Timestamp": "2026-01-02T00:00:00+00:00"},
          {"AvailabilityZone": "us-east-1a", "InstanceType": "m6i.large", "ProductDescription": "Windows", "SpotPrice": "0.09", "Timestamp": "2026-01-03T00:00:00+00:00"},
          {"AvailabilityZone": "us-east-1b", "InstanceType": "m6i.large", "SpotPrice": "0.039", "Timestamp": "2026-01-01T00:00:00+00:00"}
        ]}"#;
        let m = parse_price_history(json).unwrap_or_default();
        assert_eq!(m.len(), 2);
        assert_eq!(
            m.get(&("m6i.large".into(), "us-east-1a".into())),
            Some(&0.045)
        );
        assert_eq!(
            m.get(&("m6i.large".into(), "us-east-1b".into())),
            Some(&0.039)
        );
        assert!(parse_price_history("{}").is_err());
        assert!(parse_price_history(r#"{"SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"b","SpotPrice":"x"}]}"#).is_err());
    }

    #[test]
    fn draws_are_uniform_enough_and_reproducible() {
        let n = 20_000;
        let mean: f64 = (0..n).map(|i| draw(7, i, 3)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert_eq!(draw(1, 2, 3).to_bits(), draw(1, 2, 3).to_bits());
        assert_ne!(draw(1, 2, 3).to_bits(), draw(2, 2, 3).to_bits());
        assert!((chance(1.0, 3600) - 0.632).abs() < 0.001);
        assert_eq!(chance(0.0, 10), 0.0);
    }
}
