//! `eksplane simulate`: the data plane under the inputs' workloads (scaled
//! by a WorkloadProfile), deterministically: nodes, cost, pods Pending and
//! pods stuck without an IP.

use crate::cli::{SimulateArgs, SimulateFormat};
use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, catalog, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_model::GoDuration;
use eksplane_report::simulate::{
    render_compare_human, render_compare_json, render_html, render_human, render_json,
    render_series_csv, view,
};
use eksplane_sim::{SimInputs, SimOptions, Simulation};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(a: SimulateArgs) -> anyhow::Result<ExitCode> {
    if a.compare {
        return compare(&a);
    }
    let Some(v) = simulate_paths(&a, &a.input.paths)? else {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    if let Some(html) = &a.report {
        output::write_file(html, &render_html(&v))?;
    }
    let text = match a.format {
        SimulateFormat::Human => render_human(&v),
        SimulateFormat::Json => render_json(&v),
        SimulateFormat::Csv => render_series_csv(&v),
    };
    output::emit_as(
        &text,
        a.output.as_deref(),
        a.format == SimulateFormat::Human,
    )?;
    let trouble = v.summary.pods_stuck_without_ip > 0 || !v.summary.unschedulable.is_empty();
    Ok(ExitCode::from(if trouble {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// `--compare`: each PATH a platform variant under the same workload
/// profile and options, side by side.
fn compare(a: &SimulateArgs) -> anyhow::Result<ExitCode> {
    if a.input.paths.len() < 2 {
        anyhow::bail!("--compare needs two or more PATHs, one per platform variant");
    }
    if a.format == SimulateFormat::Csv || a.report.is_some() {
        anyhow::bail!("--compare prints a table (--format human) or JSON (--format json)");
    }
    let mut variants = Vec::new();
    for p in &a.input.paths {
        let Some(v) = simulate_paths(a, std::slice::from_ref(p))? else {
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        };
        variants.push((p.display().to_string(), v));
    }
    let text = match a.format {
        SimulateFormat::Json => render_compare_json(&variants),
        _ => render_compare_human(&variants),
    };
    output::emit_as(
        &text,
        a.output.as_deref(),
        a.format == SimulateFormat::Human,
    )?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// Loads `inputs` (plus the workload profiles) and runs the simulation;
/// `None` when the inputs have load errors (already reported).
fn simulate_paths(
    a: &SimulateArgs,
    inputs: &[PathBuf],
) -> anyhow::Result<Option<eksplane_report::simulate::SimView>> {
    let mut paths = inputs.to_vec();
    // A profile inside an input directory is read with it, once.
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    for w in &a.workload {
        let cw = canon(w);
        if !inputs.iter().any(|i| cw.starts_with(canon(i))) {
            paths.push(w.clone());
        }
    }
    let loaded = load_inputs(&crate::cli::InputArgs { paths })?;
    if report_load_findings(&loaded) {
        return Ok(None);
    }
    let duration = GoDuration::parse(&a.duration)
        .map_err(|e| anyhow::anyhow!("--duration {:?}: {e}", a.duration))?
        .as_secs();
    if duration == 0 {
        anyhow::bail!("--duration must be longer than 0s");
    }
    let step = GoDuration::parse(&a.step)
        .map_err(|e| anyhow::anyhow!("--step {:?}: {e}", a.step))?
        .as_secs()
        .max(1);
    let (cat, _) = catalog::load(&a.catalog)?;
    let db = &loaded.db;
    let file_of =
        |prof: &eksplane_model::plan::WorkloadProfile| db.name(prof.origin.span.file).to_string();
    let read = |path: &str, profile_file: &str| -> Result<String, String> {
        let base = Path::new(profile_file).parent().unwrap_or(Path::new("."));
        let full: PathBuf = base.join(path);
        std::fs::read_to_string(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))
    };
    let spec =
        eksplane_sim::profile::spec_from_profiles(&loaded.platform, duration, &read, &file_of)
            .map_err(|problems| anyhow::anyhow!("{}", problems.join("\n")))?;
    let mut inputs =
        SimInputs::new(&loaded.platform, &cat, spec).map_err(|e| anyhow::anyhow!("{e}"))?;
    inputs.chargeback_label = a.chargeback_label.clone();
    inputs.share_idle = a.share_idle;
    inputs.price_beyond_ec2(
        &loaded.platform,
        crate::commands::check::today(a.today.as_deref())?,
    );
    let spot_prices = match &a.spot_prices {
        None => eksplane_sim::spot::SpotPrices::Discount,
        Some(f) => {
            let text = std::fs::read_to_string(f)
                .map_err(|e| anyhow::anyhow!("--spot-prices {}: {e}", f.display()))?;
            let prices = eksplane_sim::spot::parse_price_history(&text)
                .map_err(|e| anyhow::anyhow!("--spot-prices {}: {e}", f.display()))?;
            eksplane_sim::spot::SpotPrices::History {
                source: f.display().to_string(),
                prices,
            }
        }
    };
    let defaults = SimOptions::default();
    let rate = a
        .spot_interruption_rate
        .unwrap_or(defaults.spot_interruptions_per_hour);
    if !rate.is_finite() || rate < 0.0 {
        anyhow::bail!("--spot-interruption-rate must be a rate per node-hour, 0 or more");
    }
    let opts = SimOptions {
        duration_seconds: duration,
        step_seconds: step,
        seed: a.seed,
        node_startup_seconds: a.node_startup_seconds,
        consolidation: !a.no_consolidation,
        spot_prices,
        spot_interruptions_per_hour: rate,
        ..defaults
    };
    let mut sim = Simulation::new(&inputs, &opts);
    let progress = std::io::stderr().is_terminal() && duration >= 6 * 3600;
    let mut shown = 0;
    while sim.now() < duration {
        sim.tick();
        if progress {
            let pct = sim.now().saturating_mul(10) / duration;
            if pct > shown {
                shown = pct;
                output::note(&format!(
                    "simulated {}h of {}h, {} nodes",
                    sim.now() / 3600,
                    duration / 3600,
                    sim.node_count()
                ));
            }
        }
    }
    let result = sim.finish();
    // Usable addresses per subnet, for the charts' ceilings.
    let mut capacity = BTreeMap::new();
    if let Ok((pi, _)) = eksplane_facts::ip_inputs::plan_inputs(
        &loaded.platform,
        Some(db),
        &cat,
        &eksplane_facts::ip_inputs::TargetArgs::default(),
    ) && let Ok(spaces) = eksplane_ipplan::build_spaces(&pi)
    {
        for s in spaces {
            capacity.insert(s.id.clone(), s.counts().usable);
        }
    }
    Ok(Some(view(&result, duration, a.seed, capacity)))
}
