//! `eksplane migrate access-entries` and `eksplane migrate pod-identity`:
//! the plans of `eksplane_migrate`, rendered; exit 1 when the access-entry
//! lockout proof refuses.

use crate::cli::{MigrateAccessArgs, MigrateCommand, MigrateFormat, MigratePodIdentityArgs};
use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_migrate::access::{AccessOptions, plan_access_entries};
use eksplane_migrate::pod_identity::plan_pod_identity;
use eksplane_report::migrate as render;
use std::process::ExitCode;

pub fn run(c: MigrateCommand) -> anyhow::Result<ExitCode> {
    match c {
        MigrateCommand::AccessEntries(a) => access_entries(a),
        MigrateCommand::PodIdentity(a) => pod_identity(a),
    }
}

/// The principals a decisions file accepts: one per line, `#` comments.
fn read_decisions(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn access_entries(a: MigrateAccessArgs) -> anyhow::Result<ExitCode> {
    let mut accept = a.accept_loss.clone();
    if let Some(path) = &a.decisions {
        match std::fs::read_to_string(path) {
            Ok(t) => accept.extend(read_decisions(&t)),
            Err(e) => {
                output::error(&format!("--decisions {}: {e}", path.display()));
                return Ok(ExitCode::from(EXIT_BAD_INPUT));
            }
        }
    }
    let loaded = load_inputs(&a.input)?;
    if report_load_findings(&loaded) {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    if loaded.platform.aws_auth.is_none() {
        output::error("no aws-auth ConfigMap in the inputs: nothing to migrate");
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let plan = plan_access_entries(
        &loaded.platform,
        &AccessOptions {
            accept_loss: accept,
        },
    );
    let text = match a.format {
        MigrateFormat::Human => render::render_access_human(&plan, &loaded.db),
        MigrateFormat::Script => render::render_access_script(&plan),
        MigrateFormat::Eksctl => render::render_access_eksctl(&plan),
        MigrateFormat::Terraform => render::render_access_terraform(&plan),
        MigrateFormat::Json => render::render_access_json(&plan, &loaded.db),
    };
    output::emit_as(&text, a.output.as_deref(), a.format == MigrateFormat::Human)?;
    if plan.refused() {
        for pr in plan.proof.iter().filter(|p| p.blocks()) {
            output::error(&format!(
                "lockout: {} would lose {}",
                pr.principal,
                pr.lost.join("; ")
            ));
        }
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn pod_identity(a: MigratePodIdentityArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inputs(&a.input)?;
    if report_load_findings(&loaded) {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let plan = plan_pod_identity(&loaded.platform);
    let text = match a.format {
        MigrateFormat::Human => render::render_pod_identity_human(&plan, &loaded.db),
        MigrateFormat::Script => render::render_pod_identity_script(&plan),
        MigrateFormat::Eksctl => render::render_pod_identity_eksctl(&plan),
        MigrateFormat::Terraform => render::render_pod_identity_terraform(&plan),
        MigrateFormat::Json => render::render_pod_identity_json(&plan, &loaded.db),
    };
    output::emit_as(&text, a.output.as_deref(), a.format == MigrateFormat::Human)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

#[cfg(test)]
mod tests {
    use super::read_decisions;

    #[test]
    fn decisions_files_skip_comments_and_blanks() {
        assert_eq!(
            read_decisions(
                "# accepted\n777788889999  # the old account\n\n arn:aws:iam::1:user/x\n"
            ),
            vec!["777788889999", "arn:aws:iam::1:user/x"]
        );
    }
}
