//! One file per command.

mod capacity;
mod catalog;
mod check;
mod completions;
mod explain;
pub(crate) mod fix;
mod inspect;
mod ip_plan;
mod max_pods;
mod migrate;
mod rules;
mod simulate;
mod upgrade;
pub(crate) mod verify;

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
        Command::MaxPods(a) => max_pods::run(a),
        Command::Capacity(a) => capacity::run(a),
        Command::IpPlan(a) => ip_plan::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Upgrade(a) => upgrade::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Migrate(c) => migrate::run(c),
        Command::Catalog(c) => catalog::run(c),
        Command::Completions(a) => completions::run(a),
    }
}

/// Reads the inputs (`-` is stdin, read once). No input file at all (an
/// empty directory, one without `.yaml`/`.yml`/`.json` files) is bad usage:
/// checking nothing must not look like a clean result.
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
    let loaded = eksplane_load::load(&inputs, LoadOptions::default());
    require_files(&args.paths, &loaded)?;
    Ok(loaded)
}

/// Reads inputs from these paths (no stdin).
pub fn load_paths(paths: &[std::path::PathBuf]) -> anyhow::Result<Loaded> {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::Path(p.clone())).collect();
    let loaded = eksplane_load::load(&inputs, LoadOptions::default());
    require_files(paths, &loaded)?;
    Ok(loaded)
}

/// Fails when the inputs hold no file to read (and no read error explains
/// why): exit 2 naming the paths.
fn require_files(paths: &[std::path::PathBuf], loaded: &Loaded) -> anyhow::Result<()> {
    if loaded.stats.files == 0 && loaded.findings.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no input file: {} holds no .yaml, .yml or .json file (hidden files and directories are skipped)",
            names.join(", ")
        );
    }
    Ok(())
}

/// Prints the load findings (input problems) to stderr as `check` renders
/// them; true when one is an error (exit 2).
pub fn report_load_findings(loaded: &Loaded) -> bool {
    if loaded.findings.is_empty() {
        return false;
    }
    let report = eksplane_report::Report {
        findings: &loaded.findings,
        suppressed: &[],
        db: &loaded.db,
        notes: &[],
        warnings: &[],
    };
    let text = eksplane_report::human::render(
        &report,
        eksplane_report::human::HumanOptions {
            color: crate::output::stderr_color(),
            ..Default::default()
        },
    );
    crate::output::note(text.trim_end());
    loaded
        .findings
        .iter()
        .any(|f| f.severity == eksplane_diagnostics::Severity::Error)
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

/// Today's date (UTC) from the system clock: the binary is the only crate
/// that reads it.
pub fn today_utc() -> eksplane_aws_data::eks_versions::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    eksplane_aws_data::eks_versions::Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}
