use crate::cli::{CheckArgs, CheckFormat, ColorChoice, FailOn};
use crate::commands::{EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, load_inputs};
use crate::output;
use eksplane_aws_data::eks_versions::Date;
use eksplane_diagnostics::Severity;
use eksplane_report::{Report, human, json, sarif};
use eksplane_rules::CheckOptions;
use std::path::PathBuf;
use std::process::ExitCode;

const DEFAULT_CONFIG: &str = ".eksplane.yaml";

pub fn run(args: CheckArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    crate::commands::fix::reject_stdin(&args)?;
    let mut loaded = load_inputs(&args.input)?;
    let user_catalog = match &args.catalog.catalog {
        Some(p) => Some(crate::commands::catalog::read_file(p)?),
        None => None,
    };
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => discover_config(&args.input.paths),
    };
    let mut extra = std::mem::take(&mut loaded.findings);
    let mut config = None;
    if let Some(path) = &config_path {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
        match eksplane_load::load_config(&mut loaded.db, &path.display().to_string(), &text) {
            Ok(c) => config = Some(c),
            Err(f) => extra.push(*f),
        }
        if args.verbose {
            output::note(&format!("using configuration {}", path.display()));
        }
    }
    // One platform per cluster: a directory of several ClusterConfigs is
    // several clusters, each checked alone.
    let parts = eksplane_load::split_clusters(&loaded);
    let inputs = parts
        .iter()
        .map(|c| eksplane_rules::ClusterInput {
            name: c.name.as_deref(),
            platform: &c.platform,
            findings: c.findings.clone(),
        })
        .collect();
    let result = eksplane_rules::run_clusters(
        inputs,
        &loaded.db,
        extra,
        CheckOptions {
            config: config.as_ref(),
            catalog: user_catalog.as_ref(),
            today: Some(today(args.today.as_deref())?),
        },
    );
    // The findings own what they say; the model is not needed to render them.
    // Freed here, a large platform's objects do not stack on the report's
    // memory (BENCHMARKS.md: check at 50,000 objects).
    drop(parts);
    loaded.platform = Default::default();
    loaded.clusters = Vec::new();
    if args.fix.requested() {
        return crate::commands::fix::run(args, color, &loaded.db, &result.findings);
    }
    let report = Report {
        findings: &result.findings,
        suppressed: &result.suppressed,
        db: &loaded.db,
        notes: &result.notes,
    };
    let text = match args.format {
        CheckFormat::Human => {
            let c = output::color_enabled(color, args.output.is_some());
            human::render(
                &report,
                human::HumanOptions {
                    color: c,
                    verbose: args.verbose,
                },
            )
        }
        CheckFormat::Json => json::render(&report),
        CheckFormat::Sarif => sarif::render(&report, &eksplane_rules::all()),
    };
    output::emit(&text, args.output.as_deref())?;
    let input_error = result
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error && matches!(f.rule.area(), "LOAD" | "CFG"));
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| result.findings.iter().any(|f| f.severity >= t));
    Ok(ExitCode::from(if input_error {
        EXIT_BAD_INPUT
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// `.eksplane.yaml` in the working directory, else in the first input
/// directory that has one.
fn discover_config(inputs: &[PathBuf]) -> Option<PathBuf> {
    std::iter::once(PathBuf::from(DEFAULT_CONFIG))
        .chain(
            inputs
                .iter()
                .filter(|p| p.is_dir())
                .map(|d| d.join(DEFAULT_CONFIG)),
        )
        .find(|p| p.is_file())
}

/// The environment variable `--today` defaults to.
const TODAY_ENV: &str = "EKSPLANE_TODAY";

/// The date to judge as of: `--today`, else `EKSPLANE_TODAY`, else the system
/// clock's UTC date.
pub(crate) fn today(given: Option<&str>) -> anyhow::Result<Date> {
    let from_env = std::env::var(TODAY_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty());
    if let Some(s) = given.map(str::to_string).or(from_env) {
        return Date::parse(s.trim()).ok_or_else(|| {
            anyhow::anyhow!("{s:?} is not a date (YYYY-MM-DD) for --today / {TODAY_ENV}")
        });
    }
    Ok(crate::commands::today_utc())
}
