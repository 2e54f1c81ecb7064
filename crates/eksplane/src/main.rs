//! `eksplane`: reads, checks, sizes and simulates production Amazon EKS platforms.
//!
//! The binary is thin: it parses arguments, calls the libraries, prints and
//! sets the exit code (0 clean, 1 findings at or above `--fail-on`, 2 bad
//! usage or input). No other crate prints.

mod cli;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: loading a large platform allocates
/// and frees millions of small YAML nodes and strings, and glibc's
/// consolidation and page clearing took over a third of `check`'s time on
/// 50,000 objects (profile in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            output::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}
