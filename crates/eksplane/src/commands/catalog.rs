//! `eksplane catalog import|show`, and the `--catalog FILE` loading every
//! capacity command shares.

use crate::cli::{CatalogArg, CatalogCommand, CatalogImportArgs, CatalogShowArgs};
use crate::commands::EXIT_CLEAN;
use crate::output;
use eksplane_aws_data::{Catalog, CatalogError, InstanceType};
use std::borrow::Cow;
use std::path::Path;
use std::process::ExitCode;

pub fn run(c: CatalogCommand) -> anyhow::Result<ExitCode> {
    match c {
        CatalogCommand::Import(a) => import(a),
        CatalogCommand::Show(a) => show(a),
    }
}

/// `FILE:line:column: message` for JSON errors (as editors read them),
/// `FILE:line: message` for lines of the catalog text, else `FILE: message`.
fn located(path: &Path, e: &CatalogError) -> String {
    let p = path.display();
    match e {
        CatalogError::Json {
            line,
            column,
            message,
        } => format!("{p}:{line}:{column}: not valid JSON: {message}"),
        CatalogError::Line { line, message } => format!("{p}:{line}: {message}"),
        e => format!("{p}: {e}"),
    }
}

/// Reads a catalog file: describe-instance-types JSON or the catalog text.
pub fn read_file(path: &Path) -> anyhow::Result<Catalog> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read catalog {}: {e}", path.display()))?;
    Catalog::from_any_text(&text).map_err(|e| anyhow::anyhow!("{}", located(path, &e)))
}

/// The catalog `--catalog` names, else the embedded one, with a description
/// of where its facts come from.
pub fn load(arg: &CatalogArg) -> anyhow::Result<(Cow<'static, Catalog>, String)> {
    match &arg.catalog {
        Some(p) => {
            let c = read_file(p)?;
            let desc = format!("{} ({} instance types)", p.display(), c.len());
            Ok((Cow::Owned(c), desc))
        }
        None => {
            let c = Catalog::embedded();
            Ok((Cow::Borrowed(c), embedded_description(c)))
        }
    }
}

fn embedded_description(c: &Catalog) -> String {
    let generated = eksplane_aws_data::EMBEDDED_CATALOG
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# generated: "))
        .and_then(|g| g.split_whitespace().next())
        .map(|d| format!(", generated {d}"))
        .unwrap_or_default();
    format!(
        "embedded ({} instance types: DescribeInstanceTypes snapshot from the PyPI package moto, VPC limits, the VPC CNI's table and Karpenter's instance-type reference{generated}; --catalog FILE for your own)",
        c.len()
    )
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Close names for an unknown type: the same family first (`m6i.4xlarg` ->
/// the m6i sizes), else names a few edits away.
pub fn suggestions(catalog: &Catalog, name: &str) -> Vec<String> {
    let family = name.split('.').next().unwrap_or(name);
    let mut same: Vec<(usize, u32, &str)> = catalog
        .iter()
        .filter(|t| t.name.split('.').next() == Some(family))
        .map(|t| {
            (
                levenshtein(name, &t.name),
                t.vcpus.unwrap_or(0),
                t.name.as_str(),
            )
        })
        .collect();
    if same.is_empty() {
        let limit = (name.len() / 4).max(2);
        same = catalog
            .iter()
            .map(|t| (levenshtein(name, &t.name), 0, t.name.as_str()))
            .filter(|(d, _, _)| *d <= limit)
            .collect();
    }
    same.sort();
    same.into_iter()
        .take(6)
        .map(|(_, _, n)| n.to_string())
        .collect()
}

/// The type named, or an error naming it with close names.
pub fn find<'c>(catalog: &'c Catalog, name: &str, desc: &str) -> anyhow::Result<&'c InstanceType> {
    let wanted = name.trim().to_ascii_lowercase();
    if let Some(t) = catalog.get(&wanted) {
        return Ok(t);
    }
    let s = suggestions(catalog, &wanted);
    let hint = if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", s.join(", "))
    };
    let source = if desc.starts_with("embedded") {
        "the embedded catalog".to_string()
    } else {
        desc.to_string()
    };
    anyhow::bail!("unknown instance type `{name}`: not in {source}{hint}")
}

fn import(a: CatalogImportArgs) -> anyhow::Result<ExitCode> {
    let mut merged = Catalog::default();
    let mut header = vec![
        "Instance catalog written by `eksplane catalog import`; read it with --catalog FILE."
            .to_string(),
        format!("generated: {} (UTC)", crate::commands::today_utc()),
    ];
    let mut replaced = 0usize;
    for p in &a.files {
        let c = read_file(p)?;
        replaced += c.iter().filter(|t| merged.get(&t.name).is_some()).count();
        header.push(format!("source: {} ({} types)", p.display(), c.len()));
        merged.extend(c);
    }
    let text = merged.to_catalog_text(&header);
    output::emit(&text, Some(&a.output))?;
    output::note(&format!(
        "wrote {}: {} instance types from {} file(s){}",
        a.output.display(),
        merged.len(),
        a.files.len(),
        if replaced > 0 {
            format!("; {replaced} listed in more than one file (the later file's facts kept)")
        } else {
            String::new()
        }
    ));
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn show(a: CatalogShowArgs) -> anyhow::Result<ExitCode> {
    let (cat, desc) = load(&a.catalog)?;
    let t = find(&cat, &a.instance_type, &desc)?;
    let text = eksplane_report::catalog::render_instance_type(t);
    output::emit_human(&text, None)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_same_family() {
        let s = suggestions(Catalog::embedded(), "m6i.4xlarg");
        assert_eq!(s.first().map(String::as_str), Some("m6i.4xlarge"));
        assert!(s.iter().all(|n| n.starts_with("m6i.")), "{s:?}");
        let s = suggestions(Catalog::embedded(), "m6x.large");
        assert!(s.iter().any(|n| n == "m6i.large"), "{s:?}");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
