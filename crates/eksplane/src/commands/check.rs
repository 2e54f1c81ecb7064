use crate::cli::{CheckArgs, CheckFormat, ColorChoice, FailOn};
use crate::commands::{EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, load_inputs};
use crate::output;
use eksplane_aws_data::eks_versions::Date;
use eksplane_diagnostics::Severity;
use eksplane_report::{Report, concise, github, human, json, sarif, statistics};
use eksplane_rules::CheckOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Configuration file names, in the order looked for in each directory.
const CONFIG_NAMES: [&str; 2] = [".eksplane.yaml", "eksplane.yaml"];

pub fn run(args: CheckArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    crate::commands::fix::reject_stdin(&args)?;
    let mut loaded = load_inputs(&args.input)?;
    let user_catalog = match &args.catalog.catalog {
        Some(p) => Some(crate::commands::catalog::read_file(p)?),
        None => None,
    };
    let rules = selected_rules(&args.select, &args.ignore)?;
    let config_paths = match &args.config {
        Some(p) => vec![p.clone()],
        None => discover_configs(&args.input.paths),
    };
    let mut extra = std::mem::take(&mut loaded.findings);
    let mut config: Option<eksplane_diagnostics::Config> = None;
    for path in &config_paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
        let (c, errors) =
            eksplane_load::load_config_all(&mut loaded.db, &path.display().to_string(), &text);
        extra.extend(errors);
        config = Some(match config {
            None => c,
            Some(mut merged) => {
                merged.ignore.extend(c.ignore);
                for (k, v) in c.severity {
                    merged.severity.entry(k).or_insert(v);
                }
                merged.today = merged.today.or(c.today);
                merged
            }
        });
        if args.verbose {
            output::note(&format!("using configuration {}", path.display()));
        }
    }
    let config_today = config.as_ref().and_then(|c| c.today.as_ref()).map(|t| {
        (
            t.value.clone(),
            loaded.db.name(t.span.file).to_string(),
            t.span.start.line,
        )
    });
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
            today: Some(today_or_config(args.today.as_deref(), config_today)?),
            rules: rules.as_ref(),
        },
    );
    let warnings: Vec<String> =
        eksplane_facts::nothing_to_analyse(&loaded.platform, loaded.stats.files)
            .into_iter()
            .collect();
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
        warnings: &warnings,
    };
    let colored = output::color_for(args.output.as_deref());
    let limit = (!args.show_all).then_some(eksplane_report::SIMILAR_LIMIT);
    let text = match args.format {
        _ if args.statistics => match args.format {
            CheckFormat::Json => statistics::render_json(&report),
            _ => statistics::render(&report),
        },
        CheckFormat::Human => human::render(
            &report,
            human::HumanOptions {
                color: colored,
                verbose: args.verbose,
                similar_limit: limit,
            },
        ),
        CheckFormat::Concise => concise::render(&report, limit),
        CheckFormat::Grouped => concise::render_grouped(&report, limit),
        CheckFormat::Github => github::render(&report, limit),
        CheckFormat::Json => json::render(&report),
        CheckFormat::Sarif => sarif::render(&report, &eksplane_rules::all()),
    };
    let plain = matches!(args.format, CheckFormat::Concise | CheckFormat::Grouped)
        || (args.statistics && args.format != CheckFormat::Json);
    output::emit_as(&text, args.output.as_deref(), plain)?;
    // Nothing to analyse is said on standard error too when the report
    // itself goes to a file or a machine format.
    if !matches!(
        args.format,
        CheckFormat::Human | CheckFormat::Concise | CheckFormat::Grouped
    ) || !output::to_stdout(args.output.as_deref())
    {
        for w in &warnings {
            output::warning(w);
        }
    }
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

/// The configuration files that apply, as ruff finds them: for each input,
/// the nearest `.eksplane.yaml` or `eksplane.yaml` walking up from it (a
/// directory input starts in itself, a file in its directory); when no input
/// has one, the nearest walking up from the working directory. Each file
/// once, in input order.
fn discover_configs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut seen = BTreeSet::new();
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        let start = if input.is_dir() {
            Some(input.as_path())
        } else {
            input.parent()
        };
        let Some(start) = start else { continue };
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        if let Some(c) = nearest_config(start) {
            let key = std::fs::canonicalize(&c).unwrap_or_else(|_| c.clone());
            if seen.insert(key) {
                found.push(c);
            }
        }
    }
    if found.is_empty()
        && let Some(c) = nearest_config(Path::new("."))
    {
        found.push(c);
    }
    found
}

/// The nearest configuration file in `dir` or a directory above it.
fn nearest_config(dir: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(dir).ok()?;
    for d in abs.ancestors() {
        for name in CONFIG_NAMES {
            let p = d.join(name);
            if p.is_file() {
                // Report it relative to the working directory when it is below it.
                let shown = std::env::current_dir()
                    .ok()
                    .and_then(|cwd| p.strip_prefix(&cwd).ok().map(Path::to_path_buf))
                    .unwrap_or(p);
                return Some(shown);
            }
        }
    }
    None
}

/// The rules `--select` and `--ignore` leave (ids, names or areas; an
/// unknown one is an error with a suggestion); `None` when neither is given.
fn selected_rules(
    select: &[String],
    ignore: &[String],
) -> anyhow::Result<Option<BTreeSet<eksplane_diagnostics::RuleId>>> {
    if select.is_empty() && ignore.is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let mut resolve = |flag: &str, keys: &[String]| -> BTreeSet<eksplane_diagnostics::RuleId> {
        let mut out = BTreeSet::new();
        for k in keys.iter().filter(|k| !k.trim().is_empty()) {
            match eksplane_rules::select(k) {
                Ok(rules) => out.extend(rules.iter().map(|r| r.id)),
                Err(e) => errors.push(format!("--{flag}: {e}")),
            }
        }
        out
    };
    let mut set: BTreeSet<_> = if select.is_empty() {
        eksplane_rules::all().iter().map(|r| r.id).collect()
    } else {
        resolve("select", select)
    };
    for id in resolve("ignore", ignore) {
        set.remove(&id);
    }
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("; "));
    }
    Ok(Some(set))
}

/// `--today`, else `EKSPLANE_TODAY`, else the configuration's `today:`, else
/// the clock.
fn today_or_config(
    given: Option<&str>,
    config: Option<(String, String, u32)>,
) -> anyhow::Result<Date> {
    let from_env = std::env::var(TODAY_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty());
    if given.is_some() || from_env.is_some() {
        return today(given);
    }
    match config {
        Some((value, file, line)) => Date::parse(value.trim()).ok_or_else(|| {
            anyhow::anyhow!("{file}:{line}: today: {value:?} is not a date (YYYY-MM-DD)")
        }),
        None => today(None),
    }
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
