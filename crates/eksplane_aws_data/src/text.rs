//! The compact catalog text: the embedded format, also what
//! `eksplane catalog import FILE... -o out` writes.
//!
//! One instance type per line, fields separated by tabs; lines starting with
//! `#` are comments (provenance). Lists are `,`-separated, records inside a
//! list `;`-separated with `:` between their parts; an empty field is an
//! unknown value. Text values escape `%`, tab, line breaks, `,`, `:`, `;` and
//! `#` as `%XX`, so any input round-trips.

use crate::error::CatalogError;
use crate::types::{
    Accelerator, FactSource, Gpu, Hypervisor, InstanceType, NetworkCard, NetworkFacts,
};
use std::fmt::Write as _;

/// First line of every catalog text.
pub const MAGIC: &str = "#eksplane-catalog v1";

/// Column names, in order (written as a comment for readers).
pub const COLUMNS: [&str; 23] = [
    "name",
    "source",
    "vcpus",
    "memory_mib",
    "architectures",
    "cpu_manufacturer",
    "hypervisor",
    "bare_metal",
    "current_generation",
    "usage_classes",
    "network_cards(index:max_enis)",
    "default_network_card",
    "max_enis",
    "ipv4_per_eni",
    "ipv6_per_eni",
    "efa_supported",
    "max_efa_interfaces",
    "encryption_in_transit",
    "baseline_bandwidth_mbps",
    "gpus(count:manufacturer:name:memory_mib)",
    "accelerators(count:manufacturer:name)",
    "instance_storage_gb",
    "local_nvme",
];

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '%' | '\t' | '\n' | '\r' | ',' | ':' | ';' | '#' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

fn unescape(s: &str, line: usize) -> Result<String, CatalogError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 1..i + 3).ok_or_else(|| CatalogError::Line {
            line,
            message: format!("truncated %-escape in {s:?}"),
        })?;
        let code = u8::from_str_radix(hex, 16).map_err(|_| CatalogError::Line {
            line,
            message: format!("bad %-escape %{hex} in {s:?}"),
        })?;
        out.push(char::from(code));
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

fn opt<T: std::fmt::Display>(v: Option<T>, out: &mut String) {
    if let Some(v) = v {
        let _ = write!(out, "{v}");
    }
}

fn flag(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// Writes one instance type as a line (without the newline).
pub fn write_line(t: &InstanceType, out: &mut String) {
    escape(&t.name, out);
    out.push('\t');
    // `d`, or the network source and `+` the compute source (`v+k`): see
    // [`FactSource::code`].
    out.push(t.source.code());
    if let Some(c) = t.compute_source.filter(|c| *c != t.source) {
        out.push('+');
        out.push(c.code());
    }
    out.push('\t');
    opt(t.vcpus, out);
    out.push('\t');
    opt(t.memory_mib, out);
    out.push('\t');
    for (i, a) in t.architectures.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape(a, out);
    }
    out.push('\t');
    if let Some(m) = &t.cpu_manufacturer {
        escape(m, out);
    }
    out.push('\t');
    out.push_str(match t.hypervisor {
        Hypervisor::Nitro => "nitro",
        Hypervisor::Xen => "xen",
        Hypervisor::None => "none",
        Hypervisor::Unknown => "unknown",
    });
    out.push('\t');
    out.push_str(flag(t.bare_metal));
    out.push('\t');
    if let Some(c) = t.current_generation {
        out.push_str(flag(c));
    }
    out.push('\t');
    for (i, u) in t.usage_classes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape(u, out);
    }
    out.push('\t');
    let n = &t.network;
    for (i, c) in n.cards.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        let _ = write!(out, "{}:{}", c.index, c.max_enis);
    }
    let _ = write!(
        out,
        "\t{}\t{}\t{}\t",
        n.default_card_index, n.max_enis, n.ipv4_per_eni
    );
    opt(n.ipv6_per_eni, out);
    out.push('\t');
    out.push_str(flag(n.efa_supported));
    out.push('\t');
    opt(n.max_efa_interfaces, out);
    out.push('\t');
    if let Some(e) = n.encryption_in_transit {
        out.push_str(flag(e));
    }
    out.push('\t');
    opt(n.baseline_bandwidth_mbps, out);
    out.push('\t');
    for (i, g) in t.gpus.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        let _ = write!(out, "{}:", g.count);
        escape(&g.manufacturer, out);
        out.push(':');
        escape(&g.name, out);
        out.push(':');
        opt(g.memory_mib, out);
    }
    out.push('\t');
    for (i, a) in t.accelerators.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        let _ = write!(out, "{}:", a.count);
        escape(&a.manufacturer, out);
        out.push(':');
        escape(&a.name, out);
    }
    out.push('\t');
    opt(t.instance_storage_gb, out);
    out.push('\t');
    out.push_str(flag(t.local_nvme));
}

/// Writes a whole catalog text: the magic line, `header` lines as comments,
/// the column names, then one line per type.
pub fn write_text<'a>(
    types: impl IntoIterator<Item = &'a InstanceType>,
    header: &[String],
) -> String {
    let mut out = String::with_capacity(256 * 1024);
    out.push_str(MAGIC);
    out.push('\n');
    for h in header {
        for l in h.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    out.push_str("# columns: ");
    out.push_str(&COLUMNS.join(" "));
    out.push('\n');
    for t in types {
        write_line(t, &mut out);
        out.push('\n');
    }
    out
}

struct Fields<'a> {
    it: std::str::Split<'a, char>,
    line: usize,
}

impl<'a> Fields<'a> {
    fn next(&mut self, name: &str) -> Result<&'a str, CatalogError> {
        self.it.next().ok_or_else(|| CatalogError::Line {
            line: self.line,
            message: format!("missing field {name}"),
        })
    }
}

fn num<T: std::str::FromStr>(s: &str, name: &str, line: usize) -> Result<T, CatalogError> {
    s.parse().map_err(|_| CatalogError::Line {
        line,
        message: format!("{name}: {s:?} is not a number in range"),
    })
}

fn opt_num<T: std::str::FromStr>(
    s: &str,
    name: &str,
    line: usize,
) -> Result<Option<T>, CatalogError> {
    if s.is_empty() {
        Ok(None)
    } else {
        num(s, name, line).map(Some)
    }
}

fn parse_flag(s: &str, name: &str, line: usize) -> Result<bool, CatalogError> {
    match s {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(CatalogError::Line {
            line,
            message: format!("{name}: expected 0 or 1, found {s:?}"),
        }),
    }
}

fn opt_flag(s: &str, name: &str, line: usize) -> Result<Option<bool>, CatalogError> {
    if s.is_empty() {
        Ok(None)
    } else {
        parse_flag(s, name, line).map(Some)
    }
}

fn list(s: &str, line: usize) -> Result<Vec<String>, CatalogError> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',').map(|x| unescape(x, line)).collect()
}

/// Reads one data line.
pub fn parse_line(text: &str, line: usize) -> Result<InstanceType, CatalogError> {
    let mut f = Fields {
        it: text.split('\t'),
        line,
    };
    let name = unescape(f.next("name")?, line)?;
    if name.is_empty() {
        return Err(CatalogError::Line {
            line,
            message: "empty instance type name".to_string(),
        });
    }
    let src = f.next("source")?;
    let bad_source = || CatalogError::Line {
        line,
        message: format!(
            "source: expected d, v or c, optionally +k (compute facts' source), found {src:?}"
        ),
    };
    let mut codes = src.split('+');
    let code = |s: Option<&str>| -> Option<FactSource> {
        let mut ch = s?.chars();
        let c = ch.next()?;
        if ch.next().is_some() {
            return None;
        }
        FactSource::from_code(c)
    };
    let source = code(codes.next()).ok_or_else(bad_source)?;
    let explicit_compute = match codes.next() {
        None => None,
        s => Some(code(s).ok_or_else(bad_source)?),
    };
    if codes.next().is_some() {
        return Err(bad_source());
    }
    let vcpus = opt_num(f.next("vcpus")?, "vcpus", line)?;
    let memory_mib = opt_num(f.next("memory_mib")?, "memory_mib", line)?;
    let architectures = list(f.next("architectures")?, line)?;
    let m = f.next("cpu_manufacturer")?;
    let cpu_manufacturer = if m.is_empty() {
        None
    } else {
        Some(unescape(m, line)?)
    };
    let h = f.next("hypervisor")?;
    let hypervisor = Hypervisor::parse(h).ok_or_else(|| CatalogError::Line {
        line,
        message: format!("hypervisor: expected nitro, xen, none or unknown, found {h:?}"),
    })?;
    let bare_metal = parse_flag(f.next("bare_metal")?, "bare_metal", line)?;
    let current_generation = opt_flag(f.next("current_generation")?, "current_generation", line)?;
    let usage_classes = list(f.next("usage_classes")?, line)?;
    let cards_s = f.next("network_cards")?;
    let mut cards = Vec::new();
    if !cards_s.is_empty() {
        for c in cards_s.split(';') {
            let (i, m) = c.split_once(':').ok_or_else(|| CatalogError::Line {
                line,
                message: format!("network_cards: expected index:max_enis, found {c:?}"),
            })?;
            cards.push(NetworkCard {
                index: num(i, "network card index", line)?,
                max_enis: num(m, "network card max_enis", line)?,
            });
        }
    }
    let default_card_index = num(
        f.next("default_network_card")?,
        "default_network_card",
        line,
    )?;
    if !cards.is_empty()
        && !cards
            .iter()
            .any(|c: &NetworkCard| c.index == default_card_index)
    {
        return Err(CatalogError::Line {
            line,
            message: format!("default_network_card {default_card_index} is not among the cards"),
        });
    }
    let max_enis = num(f.next("max_enis")?, "max_enis", line)?;
    let ipv4_per_eni = num(f.next("ipv4_per_eni")?, "ipv4_per_eni", line)?;
    let ipv6_per_eni = opt_num(f.next("ipv6_per_eni")?, "ipv6_per_eni", line)?;
    let efa_supported = parse_flag(f.next("efa_supported")?, "efa_supported", line)?;
    let max_efa_interfaces = opt_num(f.next("max_efa_interfaces")?, "max_efa_interfaces", line)?;
    let encryption_in_transit = opt_flag(
        f.next("encryption_in_transit")?,
        "encryption_in_transit",
        line,
    )?;
    let baseline_bandwidth_mbps = opt_num(
        f.next("baseline_bandwidth_mbps")?,
        "baseline_bandwidth_mbps",
        line,
    )?;
    let gpus_s = f.next("gpus")?;
    let mut gpus = Vec::new();
    if !gpus_s.is_empty() {
        for g in gpus_s.split(';') {
            let p: Vec<&str> = g.split(':').collect();
            let [count, manufacturer, name, memory] = p.as_slice() else {
                return Err(CatalogError::Line {
                    line,
                    message: format!(
                        "gpus: expected count:manufacturer:name:memory_mib, found {g:?}"
                    ),
                });
            };
            gpus.push(Gpu {
                count: num(count, "gpu count", line)?,
                manufacturer: unescape(manufacturer, line)?,
                name: unescape(name, line)?,
                memory_mib: opt_num(memory, "gpu memory", line)?,
            });
        }
    }
    let acc_s = f.next("accelerators")?;
    let mut accelerators = Vec::new();
    if !acc_s.is_empty() {
        for a in acc_s.split(';') {
            let p: Vec<&str> = a.split(':').collect();
            let [count, manufacturer, name] = p.as_slice() else {
                return Err(CatalogError::Line {
                    line,
                    message: format!("accelerators: expected count:manufacturer:name, found {a:?}"),
                });
            };
            accelerators.push(Accelerator {
                count: num(count, "accelerator count", line)?,
                manufacturer: unescape(manufacturer, line)?,
                name: unescape(name, line)?,
            });
        }
    }
    let instance_storage_gb = opt_num(f.next("instance_storage_gb")?, "instance_storage_gb", line)?;
    let local_nvme = parse_flag(f.next("local_nvme")?, "local_nvme", line)?;
    if f.it.next().is_some() {
        return Err(CatalogError::Line {
            line,
            message: format!("more than {} fields", COLUMNS.len()),
        });
    }
    // Without an explicit compute source, the entry's own source supplied
    // vCPUs and memory when it has them.
    let compute_source =
        explicit_compute.or((vcpus.is_some() || memory_mib.is_some()).then_some(source));
    Ok(InstanceType {
        name,
        source,
        compute_source,
        vcpus,
        memory_mib,
        architectures,
        cpu_manufacturer,
        hypervisor,
        bare_metal,
        current_generation,
        usage_classes,
        network: NetworkFacts {
            cards,
            default_card_index,
            max_enis,
            ipv4_per_eni,
            ipv6_per_eni,
            efa_supported,
            max_efa_interfaces,
            encryption_in_transit,
            baseline_bandwidth_mbps,
        },
        gpus,
        accelerators,
        instance_storage_gb,
        local_nvme,
        on_demand_price_usd: None,
        trunking: None,
    })
}

/// Reads a whole catalog text (records only; no prices or trunk limits merged).
pub fn parse_text(text: &str) -> Result<Vec<InstanceType>, CatalogError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_end() == MAGIC => {}
        Some((_, first)) => {
            return Err(CatalogError::Line {
                line: 1,
                message: format!("expected {MAGIC:?}, found {:?}", truncate(first)),
            });
        }
        None => return Err(CatalogError::Empty),
    }
    let mut out = Vec::with_capacity(text.len() / 100);
    for (i, l) in lines {
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        out.push(parse_line(l.strip_suffix('\r').unwrap_or(l), i + 1)?);
    }
    if out.is_empty() {
        return Err(CatalogError::Empty);
    }
    Ok(out)
}

pub(crate) fn truncate(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let mut s = String::new();
        escape("a%b\tc,d:e;f#g\nh", &mut s);
        assert!(!s.contains(['\t', ',', ':', ';', '#', '\n']));
        assert_eq!(
            unescape(&s, 1).unwrap_or_else(|e| panic!("{e}")),
            "a%b\tc,d:e;f#g\nh"
        );
        assert!(unescape("%zz", 1).is_err());
        assert!(unescape("abc%4", 1).is_err());
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(matches!(parse_text(""), Err(CatalogError::Empty)));
        assert!(matches!(
            parse_text("hello"),
            Err(CatalogError::Line { line: 1, .. })
        ));
        assert!(matches!(parse_text(MAGIC), Err(CatalogError::Empty)));
        let e = parse_text(&format!("{MAGIC}\nm6i.large\td\t2")).err();
        assert!(
            matches!(e, Some(CatalogError::Line { line: 2, .. })),
            "{e:?}"
        );
        let e = parse_line("x\tq", 7).err();
        assert!(e.is_some_and(|e| e.to_string().contains("source")));
    }
}
