use crate::cli::{ColorChoice, InspectArgs, InspectFormat};
use crate::commands::{EXIT_BAD_INPUT, EXIT_CLEAN, load_inputs};
use crate::output;
use eksplane_report::{Report, human, inventory};
use std::process::ExitCode;

pub fn run(args: InspectArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let loaded = load_inputs(&args.input)?;
    let view = inventory::view(
        &loaded.platform,
        &loaded.db,
        &loaded.stats,
        loaded.findings.len(),
    );
    let text = match args.format {
        InspectFormat::Human => inventory::render_text(&view),
        InspectFormat::Json => {
            let mut s = serde_json::to_string_pretty(&view)?;
            s.push('\n');
            s
        }
    };
    output::emit_as(
        &text,
        args.output.as_deref(),
        args.format == InspectFormat::Human,
    )?;
    // Input problems go to stderr so the inventory stays clean.
    if !loaded.findings.is_empty() {
        let report = Report {
            findings: &loaded.findings,
            suppressed: &[],
            db: &loaded.db,
            notes: &[],
            warnings: &[],
        };
        let _ = color;
        let c = output::stderr_color();
        output::note(&human::render(
            &report,
            human::HumanOptions {
                color: c,
                ..Default::default()
            },
        ));
    }
    Ok(ExitCode::from(if loaded.has_input_errors() {
        EXIT_BAD_INPUT
    } else {
        EXIT_CLEAN
    }))
}
