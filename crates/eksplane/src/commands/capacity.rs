//! `eksplane capacity`: per NodePool and allowed instance type, Karpenter's
//! view beside the VPC CNI's, the verdict and the maxPods fix.

use crate::cli::{CapacityArgs, CapacityFormat};
use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, catalog, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_report::capacity::{HumanOptions, render_human, render_json, view};
use std::process::ExitCode;

pub fn run(a: CapacityArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inputs(&a.input)?;
    let input_error = report_load_findings(&loaded);
    let (cat, desc) = catalog::load(&a.catalog)?;
    let facts = eksplane_facts::Facts::new(&loaded.platform, &cat);
    let v = view(
        &loaded.platform,
        &loaded.db,
        facts.capacities(),
        facts.cni(),
        &desc,
    );
    let text = match a.format {
        CapacityFormat::Human => render_human(
            &v,
            HumanOptions {
                all_types: a.all_types,
            },
        ),
        CapacityFormat::Json => render_json(&v),
    };
    output::emit_as(
        &text,
        a.output.as_deref(),
        a.format == CapacityFormat::Human,
    )?;
    Ok(ExitCode::from(if input_error {
        EXIT_BAD_INPUT
    } else if v.has_problems() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}
