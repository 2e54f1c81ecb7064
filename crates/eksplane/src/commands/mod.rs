//! One file per command.

mod check;
mod explain;
mod inspect;
mod rules;

use crate::cli::{Cli, Command, InputArgs};
use eksplane_load::{Input, LoadOptions, Loaded};
use std::io::Read;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(a) => inspect::run(a, cli.color),
        Command::Check(a) => check::run(a, cli.color),
        Command::Rules(a) => rules::run(a),
        Command::Explain(a) => explain::run(a),
    }
}

/// Reads the inputs (`-` is stdin, read once).
pub fn load_inputs(args: &InputArgs) -> anyhow::Result<Loaded> {
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for p in &args.paths {
        if p.as_os_str() == "-" {
            if stdin_read {
                anyhow::bail!("`-` (standard input) given more than once");
            }
            stdin_read = true;
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            inputs.push(Input::Stdin(buf));
        } else {
            inputs.push(Input::Path(p.clone()));
        }
    }
    Ok(eksplane_load::load(&inputs, LoadOptions::default()))
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
