//! `eksplane completions SHELL`: a completion script generated from the
//! command definitions (clap_complete), so it never falls behind the flags.

use crate::cli::CompletionsArgs;
use crate::commands::EXIT_CLEAN;
use crate::output;
use std::process::ExitCode;

pub fn run(a: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut cmd = eksplane::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "eksplane", &mut buf);
    let text = String::from_utf8(buf)
        .map_err(|e| anyhow::anyhow!("completion script is not UTF-8: {e}"))?;
    output::emit(&text, a.output.as_deref())?;
    Ok(ExitCode::from(EXIT_CLEAN))
}
