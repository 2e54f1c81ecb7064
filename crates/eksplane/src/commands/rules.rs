use crate::cli::{ListFormat, RulesArgs};
use crate::output;
use std::fmt::Write;
use std::process::ExitCode;

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let rules = eksplane_rules::all();
    let text = match args.format {
        ListFormat::Human => {
            let mut s = String::new();
            let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in &rules {
                let _ = writeln!(
                    s,
                    "{:<7} {:<8} {:<width$} {}",
                    r.id.as_str(),
                    r.severity.as_str(),
                    r.name,
                    r.title
                );
            }
            s
        }
        ListFormat::Json => {
            let v: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id.as_str(),
                        "name": r.name,
                        "severity": r.severity.as_str(),
                        "title": r.title,
                        "summary": r.docs.summary(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
    };
    output::emit_as(&text, None, args.format == ListFormat::Human)?;
    Ok(ExitCode::SUCCESS)
}
