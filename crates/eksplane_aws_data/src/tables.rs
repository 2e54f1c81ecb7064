//! Per-type tables merged into the catalog by name: on-demand prices and
//! VPC limits (trunk / branch ENIs).
//!
//! Inputs are the CSV exports described in `../shared/data/SOURCES.md`
//! (karpenter-provider-aws `zz_generated.pricing_aws.go` and
//! `zz_generated.vpclimits.go`); the embedded copies are compact TSV written by
//! `cargo xtask gen-data`.

use crate::error::CatalogError;
use crate::text::truncate;
use crate::types::{FactSource, Hypervisor, InstanceType, NetworkCard, NetworkFacts, Trunking};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row of karpenter-provider-aws `zz_generated.vpclimits.go`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcLimits {
    pub instance_type: String,
    /// All cards together.
    pub max_enis: u32,
    pub ipv4_per_eni: u32,
    pub trunking_compatible: bool,
    pub branch_enis: u32,
    pub default_card_index: u32,
    pub hypervisor: Hypervisor,
    pub bare_metal: bool,
    pub cards: Vec<NetworkCard>,
}

impl VpcLimits {
    /// A catalog entry built from these limits alone, for types the
    /// describe-instance-types snapshot lacks ([`FactSource::VpcLimits`]).
    pub fn to_instance_type(&self) -> InstanceType {
        InstanceType::network_only(
            &self.instance_type,
            FactSource::VpcLimits,
            self.hypervisor,
            self.bare_metal,
            NetworkFacts {
                cards: self.cards.clone(),
                default_card_index: self.default_card_index,
                max_enis: self.max_enis,
                ipv4_per_eni: self.ipv4_per_eni,
                ipv6_per_eni: None,
                efa_supported: false,
                max_efa_interfaces: None,
                encryption_in_transit: None,
                baseline_bandwidth_mbps: None,
            },
            Some(Trunking {
                trunking_compatible: self.trunking_compatible,
                branch_enis: self.branch_enis,
            }),
        )
    }
}

fn line_err(line: usize, message: String) -> CatalogError {
    CatalogError::Line { line, message }
}

fn bool_field(s: &str, name: &str, line: usize) -> Result<bool, CatalogError> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(line_err(
            line,
            format!("{name}: expected true or false, found {s:?}"),
        )),
    }
}

fn u32_field(s: &str, name: &str, line: usize) -> Result<u32, CatalogError> {
    s.parse()
        .map_err(|_| line_err(line, format!("{name}: {s:?} is not a number in range")))
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Reads `vpc-limits.csv`: `instance_type,max_enis,ipv4_per_eni,trunking_compatible,
/// branch_enis,default_network_card,hypervisor,bare_metal,network_cards(index:max_enis)`
/// (first line the header).
pub fn parse_vpc_limits_csv(text: &str) -> Result<Vec<VpcLimits>, CatalogError> {
    let mut rows = data_lines(text);
    match rows.next() {
        Some((_, h))
            if h.starts_with("instance_type,max_enis,ipv4_per_eni,trunking_compatible") => {}
        Some((line, h)) => {
            return Err(line_err(
                line,
                format!("unexpected header {:?}", truncate(h)),
            ));
        }
        None => return Err(CatalogError::Empty),
    }
    let mut out = Vec::new();
    for (line, l) in rows {
        let f: Vec<&str> = l.split(',').collect();
        let [
            name,
            max_enis,
            ipv4,
            trunk,
            branch,
            default_card,
            hyp,
            metal,
            cards,
        ] = f.as_slice()
        else {
            return Err(line_err(
                line,
                format!("expected 9 fields, found {}", f.len()),
            ));
        };
        let hypervisor = Hypervisor::parse(hyp)
            .ok_or_else(|| line_err(line, format!("hypervisor: unknown value {hyp:?}")))?;
        let mut card_list = Vec::new();
        for c in cards.split(';').filter(|c| !c.is_empty()) {
            let (i, m) = c.split_once(':').ok_or_else(|| {
                line_err(line, format!("network card {c:?}: expected index:max_enis"))
            })?;
            card_list.push(NetworkCard {
                index: u32_field(i, "network card index", line)?,
                max_enis: u32_field(m, "network card max_enis", line)?,
            });
        }
        let default_card_index = u32_field(default_card, "default_network_card", line)?;
        if !card_list.is_empty() && !card_list.iter().any(|c| c.index == default_card_index) {
            return Err(line_err(
                line,
                format!("default network card {default_card_index} is not among the cards"),
            ));
        }
        out.push(VpcLimits {
            instance_type: (*name).to_string(),
            max_enis: u32_field(max_enis, "max_enis", line)?,
            ipv4_per_eni: u32_field(ipv4, "ipv4_per_eni", line)?,
            trunking_compatible: bool_field(trunk, "trunking_compatible", line)?,
            branch_enis: u32_field(branch, "branch_enis", line)?,
            default_card_index,
            hypervisor,
            bare_metal: bool_field(metal, "bare_metal", line)?,
            cards: card_list,
        });
    }
    Ok(out)
}

/// Reads `on-demand-prices.csv` (`region,instance_type,usd_per_hour`), keeping
/// the rows of `region`.
pub fn parse_on_demand_prices_csv(
    text: &str,
    region: &str,
) -> Result<BTreeMap<String, f64>, CatalogError> {
    let mut rows = data_lines(text);
    match rows.next() {
        Some((_, h)) if h.starts_with("region,instance_type,usd_per_hour") => {}
        Some((line, h)) => {
            return Err(line_err(
                line,
                format!("unexpected header {:?}", truncate(h)),
            ));
        }
        None => return Err(CatalogError::Empty),
    }
    let mut out = BTreeMap::new();
    for (line, l) in rows {
        let f: Vec<&str> = l.split(',').collect();
        let [r, name, price] = f.as_slice() else {
            return Err(line_err(
                line,
                format!("expected 3 fields, found {}", f.len()),
            ));
        };
        if *r != region {
            continue;
        }
        out.insert((*name).to_string(), price_field(price, line)?);
    }
    Ok(out)
}

fn price_field(s: &str, line: usize) -> Result<f64, CatalogError> {
    match s.parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        _ => Err(line_err(
            line,
            format!("price {s:?} is not a non-negative number"),
        )),
    }
}

/// The embedded price table: `name<TAB>usd_per_hour` lines.
pub fn write_price_table(prices: &BTreeMap<String, f64>, header: &[String]) -> String {
    let mut out = String::new();
    for h in header {
        let _ = writeln!(out, "# {h}");
    }
    for (name, p) in prices {
        let _ = writeln!(out, "{name}\t{p}");
    }
    out
}

pub fn parse_price_table(text: &str) -> Result<BTreeMap<String, f64>, CatalogError> {
    let mut out = BTreeMap::new();
    for (line, l) in data_lines(text) {
        let (name, p) = l
            .split_once('\t')
            .ok_or_else(|| line_err(line, "expected name<TAB>price".to_string()))?;
        out.insert(name.to_string(), price_field(p, line)?);
    }
    Ok(out)
}

/// The embedded trunk table: `name<TAB>trunking_compatible(0|1)<TAB>branch_enis`.
pub fn write_trunk_table(limits: &[VpcLimits], header: &[String]) -> String {
    let mut out = String::new();
    for h in header {
        let _ = writeln!(out, "# {h}");
    }
    let mut sorted: Vec<&VpcLimits> = limits.iter().collect();
    sorted.sort_by(|a, b| a.instance_type.cmp(&b.instance_type));
    for l in sorted {
        let _ = writeln!(
            out,
            "{}\t{}\t{}",
            l.instance_type,
            u8::from(l.trunking_compatible),
            l.branch_enis
        );
    }
    out
}

pub fn parse_trunk_table(text: &str) -> Result<BTreeMap<String, Trunking>, CatalogError> {
    let mut out = BTreeMap::new();
    for (line, l) in data_lines(text) {
        let f: Vec<&str> = l.split('\t').collect();
        let [name, trunk, branch] = f.as_slice() else {
            return Err(line_err(
                line,
                format!("expected 3 fields, found {}", f.len()),
            ));
        };
        out.insert(
            (*name).to_string(),
            Trunking {
                trunking_compatible: bool_field(trunk, "trunking_compatible", line)?,
                branch_enis: u32_field(branch, "branch_enis", line)?,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vpc_limits_rows() {
        let csv = "instance_type,max_enis,ipv4_per_eni,trunking_compatible,branch_enis,default_network_card,hypervisor,bare_metal,network_cards(index:max_enis)\r\n\
                   p5.48xlarge,64,50,true,120,0,nitro,false,0:2;1:2\r\n\
                   c5.metal,15,50,true,107,0,,true,0:15\r\n";
        let rows = parse_vpc_limits_csv(csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cards.len(), 2);
        assert_eq!(rows[1].hypervisor, Hypervisor::None);
        let t = rows[0].to_instance_type();
        assert_eq!(t.network.default_card_max_enis(), 2);
        assert_eq!(t.source, FactSource::VpcLimits);
    }

    #[test]
    fn bad_tables_are_errors() {
        assert!(parse_vpc_limits_csv("nope").is_err());
        let bad = "instance_type,max_enis,ipv4_per_eni,trunking_compatible,x\nm.large,1,2,maybe,3,0,nitro,false,0:1\n";
        let e = parse_vpc_limits_csv(bad).err();
        assert!(e.is_some_and(|e| e.to_string().contains("trunking_compatible")));
        assert!(
            parse_on_demand_prices_csv(
                "region,instance_type,usd_per_hour\nus-east-1,x,-1\n",
                "us-east-1"
            )
            .is_err()
        );
        assert!(parse_price_table("x\tNaN\n").is_err());
        assert!(parse_trunk_table("x\t1\n").is_err());
    }
}
