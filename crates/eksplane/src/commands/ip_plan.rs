//! `eksplane ip-plan`: subnets, /28 prefixes and warm pools against a peak
//! pod count; where allocation fails, with which error, and the remedies'
//! computed effect.

use crate::cli::{IpPlanArgs, IpPlanFormat};
use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, catalog, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_facts::ip_inputs::{TargetArgs, plan_inputs};
use eksplane_ipplan::{PlanOptions, plan};
use eksplane_report::ipplan::{render_human, render_json, render_svgs};
use std::process::ExitCode;

pub fn run(a: IpPlanArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inputs(&a.input)?;
    if report_load_findings(&loaded) {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let (cat, _) = catalog::load(&a.catalog)?;
    let target = TargetArgs {
        pods: a.pods,
        instance_types: a.instance_type.clone(),
        pods_per_node: a.pods_per_node,
    };
    let (inputs, demand) = match plan_inputs(&loaded.platform, Some(&loaded.db), &cat, &target) {
        Ok(x) => x,
        Err(problems) => {
            for p in &problems {
                let at = p
                    .span
                    .map(|s| format!("{}: ", loaded.db.display(s)))
                    .unwrap_or_default();
                output::error(&format!("{at}{}", p.message));
            }
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    if inputs.subnets.is_empty() {
        anyhow::bail!(
            "no subnets in the inputs: give `aws ec2 describe-subnets --output json` output or a NetworkPlan"
        );
    }
    let opts = PlanOptions {
        remedies: !a.no_remedies,
        ..PlanOptions::default()
    };
    let p = plan(&inputs, &cat, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    let text = match a.format {
        IpPlanFormat::Human => render_human(&p, &demand),
        IpPlanFormat::Json => render_json(&p, &demand),
    };
    if let Some(dir) = &a.svg {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        for (name, svg) in render_svgs(&p) {
            let path = dir.join(name);
            output::write_file(&path, &svg)?;
        }
    }
    output::emit_as(&text, a.output.as_deref(), a.format == IpPlanFormat::Human)?;
    Ok(ExitCode::from(if p.cluster.meets_target {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }))
}
