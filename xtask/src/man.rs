//! Man pages from the binary's clap definitions (clap_mangen): one for
//! `eksplane` and one per subcommand (`eksplane-check.1`,
//! `eksplane-migrate-access-entries.1`, ...).

use anyhow::Result;
use std::path::Path;

/// (file name, roff text) for every page. The version is the crate's (no
/// commit), so the pages change only when the command line does.
pub fn pages() -> Result<Vec<(String, String)>> {
    use clap::CommandFactory;
    let root = eksplane::cli::Cli::command();
    let mut out = Vec::new();
    add(&root, "eksplane", &mut out)?;
    Ok(out)
}

fn add(cmd: &clap::Command, name: &str, out: &mut Vec<(String, String)>) -> Result<()> {
    // clap names commands with `&'static str`; xtask runs once, so leaking
    // the few names is fine.
    let static_name: &'static str = Box::leak(name.to_string().into_boxed_str());
    let page = cmd
        .clone()
        .name(static_name)
        .bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    out.push((format!("{name}.1"), String::from_utf8(buf)?));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        add(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

/// Pages whose committed file differs from `pages` (or is missing), and
/// committed pages no command has any more.
pub fn stale(dir: &Path, pages: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = pages
        .iter()
        .filter(|(name, text)| {
            std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text)
        })
        .map(|(name, _)| name.clone())
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.ends_with(".1") && !pages.iter().any(|(p, _)| *p == n) {
                out.push(format!("{n} (no such command)"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_man_pages_are_up_to_date() {
        let pages = pages().unwrap_or_else(|e| panic!("{e}"));
        assert!(pages.iter().any(|(n, _)| n == "eksplane-check.1"));
        assert!(
            pages
                .iter()
                .any(|(n, _)| n == "eksplane-migrate-access-entries.1")
        );
        let check = pages
            .iter()
            .find(|(n, _)| n == "eksplane-check.1")
            .map(|(_, t)| t.as_str())
            .unwrap_or_default();
        assert!(check.contains("output\\-format"), "{check}");
        let dir = crate::workspace_root().join("docs/man");
        let stale = stale(&dir, &pages);
        assert!(
            stale.is_empty(),
            "stale man pages: {stale:?}; run `cargo xtask man`"
        );
    }
}
