//! `eksplane`: reads, checks, sizes and simulates production Amazon EKS platforms.
//!
//! The binary is thin: it parses arguments, calls the libraries, prints and
//! sets the exit code (0 clean, 1 findings at or above `--fail-on`, 2 bad
//! usage or input). No other crate prints.

mod commands;
mod output;

use clap::FromArgMatches;
use eksplane::cli;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: loading a large platform allocates
/// and frees millions of small YAML nodes and strings, and glibc's
/// consolidation and page clearing took over a third of `check`'s time on
/// 50,000 objects (profile in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut command = eksplane::command();
    let matches = command.get_matches_mut();
    if let Some(msg) = output_named_like_a_format(&command, &matches) {
        command
            .error(clap::error::ErrorKind::ValueValidation, msg)
            .exit();
    }
    let cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    output::init(cli.color);
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            output::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// `-o json` where `json` is one of the command's formats and no file of that
/// name exists: kubectl's habit, which would otherwise write the report to a
/// file named `json`.
fn output_named_like_a_format(
    command: &clap::Command,
    matches: &clap::ArgMatches,
) -> Option<String> {
    let (mut cmd, mut m) = (command, matches);
    while let Some((name, sub)) = m.subcommand() {
        cmd = cmd.find_subcommand(name)?;
        m = sub;
    }
    let out = m.try_get_one::<std::path::PathBuf>("output").ok()??;
    let value = out.to_str()?;
    if std::path::Path::new(value).exists() {
        return None;
    }
    let format = cmd.get_arguments().find(|a| a.get_id() == "format")?;
    let long = format.get_long().unwrap_or("format");
    let known = format
        .get_possible_values()
        .into_iter()
        .any(|p| p.matches(value, true));
    known.then(|| {
        format!(
            "-o/--output names the output file, and no file {value:?} exists: did you mean --{long} {value}? \
             (to write a file of that name, use -o ./{value})"
        )
    })
}
