//! The command line's definition, shared by the `eksplane` binary and by
//! `cargo xtask man` (the man pages are generated from it). Everything else of
//! the binary (commands, printing) lives in `main.rs` and its modules.

pub mod cli;

use eksplane_aws_data::{EMBEDDED_CATALOG, EMBEDDED_PRICES, EMBEDDED_TRUNK_LIMITS};

/// The commit the binary was built from (`build.rs`): `abcdef123456
/// 2026-12-08`, or `unknown commit` without git.
pub const COMMIT: &str = env!("EKSPLANE_COMMIT");

/// `0.1.0 (abcdef123456 2026-12-08)`: what `-V` prints.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("EKSPLANE_COMMIT"),
    ")"
);

/// The dates in an embedded data file's header: when it was generated and
/// the newest date a source names (`generated YYYY-MM-DD`).
fn data_dates(text: &str) -> (Option<String>, Option<String>) {
    let mut generated = None;
    let mut newest_source: Option<String> = None;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(rest) = line.strip_prefix("# generated: ") {
            generated = rest.get(..10).map(str::to_string);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("generated ") {
            rest = &rest[i + "generated ".len()..];
            if let Some(d) = rest.get(..10).filter(|d| is_date(d))
                && newest_source.as_deref().is_none_or(|n| n < d)
            {
                newest_source = Some(d.to_string());
            }
        }
    }
    (generated, newest_source)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// What `--version` prints: the version, the commit and the dates of the
/// embedded data.
pub fn long_version() -> String {
    let mut s = format!("{VERSION}\nembedded data:");
    for (what, text) in [
        ("instance catalog", EMBEDDED_CATALOG),
        ("on-demand prices (us-east-1)", EMBEDDED_PRICES),
        ("trunk ENI limits", EMBEDDED_TRUNK_LIMITS),
    ] {
        let (generated, source) = data_dates(text);
        s.push_str(&format!(
            "\n  {what}: generated {}",
            generated.as_deref().unwrap_or("(no date)")
        ));
        if let Some(d) = source {
            s.push_str(&format!(", newest source {d}"));
        }
    }
    let newest = eksplane_aws_data::eks_versions::newest().map(|v| {
        format!(
            "\n  EKS version calendar: up to {} (released {})",
            v.version, v.released
        )
    });
    if let Some(n) = newest {
        s.push_str(&n);
    }
    s
}

/// The full command definition with the commit and data dates in its
/// version, as the binary parses it.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let long: &'static str = Box::leak(long_version().into_boxed_str());
    cli::Cli::command().version(VERSION).long_version(long)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dates_reads_the_headers() {
        let (g, s) = data_dates(EMBEDDED_PRICES);
        assert!(g.as_deref().is_some_and(is_date), "{g:?}");
        assert!(s.as_deref().is_some_and(is_date), "{s:?}");
        assert_eq!(data_dates("# nothing\nx"), (None, None));
    }
}
