use crate::cli::ExplainArgs;
use crate::output;
use std::process::ExitCode;

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(rule) = eksplane_rules::find(&args.rule) else {
        anyhow::bail!("{}", eksplane_rules::unknown_rule_message(&args.rule));
    };
    let text = format!(
        "# {} {}: {}\n\nDefault severity: {}\n\n{}\n",
        rule.id,
        rule.name,
        rule.title,
        rule.severity,
        rule.docs.text().trim_end()
    );
    output::emit_human(&text, None)?;
    Ok(ExitCode::SUCCESS)
}
