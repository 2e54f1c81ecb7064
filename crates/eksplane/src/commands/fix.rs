//! `check --fix`, `--diff`, `--unsafe-fixes`: applies the typed edits of the
//! findings' fixes (through `eksplane_fix`), writes each changed or new file
//! atomically, then checks again and reports what remains.

use crate::cli::{CheckArgs, ColorChoice};
use crate::commands::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::output;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_source::SourceDb;
use std::path::Path;
use std::process::ExitCode;

pub use crate::cli::FixArgs;

/// Passes `--fix` makes at most (each applies at least one fix).
const MAX_PASSES: u32 = 10;

/// Refuses standard input before it is read: there is no file to write.
pub fn reject_stdin(args: &CheckArgs) -> anyhow::Result<()> {
    if args.fix.requested() && args.input.paths.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!(
            "standard input (`-`) cannot be fixed: there is no file to write back; give the files' paths (or use --diff on them)"
        );
    }
    if args.fix.requested() && args.output.is_some() {
        anyhow::bail!(
            "-o/--output writes the report; with --fix/--diff the input files are what is written: drop -o"
        );
    }
    Ok(())
}

/// Applies the fixes of `findings` (read from `db`), or prints them as a
/// diff; then re-runs `check` on the edited files.
pub fn run(
    args: CheckArgs,
    color: ColorChoice,
    db: &SourceDb,
    findings: &[Finding],
) -> anyhow::Result<ExitCode> {
    let unsafe_ok = args.fix.unsafe_fixes;
    let chosen: Vec<(&Finding, &Fix)> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|x| (f, x)))
        .filter(|(_, x)| x.applies(unsafe_ok))
        .collect();
    let hidden_unsafe = if unsafe_ok {
        0
    } else {
        findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|x| x.applies(true) && !x.applies(false))
            .count()
    };
    let fixes: Vec<&Fix> = chosen.iter().map(|(_, x)| *x).collect();
    let outcome = eksplane_fix::apply(db, &fixes, &|p: &Path| p.exists());
    let another_pass =
        !args.fix.diff && !outcome.applied.is_empty() && args.fix.pass + 1 < MAX_PASSES;
    // A fix skipped now may apply in the next pass: reported by the last.
    if !another_pass {
        for (i, why) in &outcome.skipped {
            let f = chosen[*i].0;
            output::note(&format!(
                "skipped fix for {} at {}: {why}",
                f.rule,
                db.display(f.primary.span)
            ));
        }
    }
    let mut by_rule = args.fix.applied_before.clone();
    for &i in &outcome.applied {
        *by_rule
            .entry(chosen[i].0.rule.as_str().to_string())
            .or_default() += 1;
    }
    let total: usize = by_rule.values().sum();
    let summary = |verb: &str| {
        let parts: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} x{n}")).collect();
        let mut s = format!(
            "{verb} {total} finding{}",
            if total == 1 { "" } else { "s" }
        );
        if !parts.is_empty() {
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        if !outcome.skipped.is_empty() {
            s.push_str(&format!(", {} skipped", outcome.skipped.len()));
            if args.fix.diff {
                s.push_str(" (overlapping fixes: --fix applies them in later passes)");
            }
        }
        if hidden_unsafe > 0 {
            s.push_str(&format!(
                "; {hidden_unsafe} more fix{} available with --unsafe-fixes",
                if hidden_unsafe == 1 { "" } else { "es" }
            ));
        }
        s
    };
    if args.fix.diff {
        let mut text = String::new();
        for c in &outcome.changed {
            text.push_str(&eksplane_fix::unified_diff(c));
        }
        for n in &outcome.created {
            text.push_str(&eksplane_fix::new_file_diff(n));
        }
        output::emit(&text, None)?;
        output::note(&summary("would fix"));
        let changes = !outcome.changed.is_empty() || !outcome.created.is_empty();
        return Ok(ExitCode::from(if changes {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }));
    }
    // Every file is checked against what was read before any is written, so
    // a file changed meanwhile stops the whole run, not half of it.
    for c in &outcome.changed {
        let now = std::fs::read(&c.path)
            .map_err(|e| anyhow::anyhow!("cannot re-read {}: {e}", c.path))?;
        let text = now.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&now);
        if text != c.before.as_bytes() {
            anyhow::bail!(
                "{} changed since it was read; nothing was written, run again",
                c.path
            );
        }
    }
    for c in &outcome.changed {
        let now = std::fs::read(&c.path).unwrap_or_default();
        // A byte-order mark the loader dropped is written back.
        let bom = if now.starts_with("\u{feff}".as_bytes()) {
            "\u{feff}"
        } else {
            ""
        };
        output::write_atomic(Path::new(&c.path), &format!("{bom}{}", c.after))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", c.path))?;
    }
    for n in &outcome.created {
        if n.path.exists() {
            output::note(&format!(
                "{} appeared meanwhile; not overwritten",
                n.path.display()
            ));
            continue;
        }
        output::write_atomic(&n.path, &n.text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", n.path.display()))?;
    }
    for c in &outcome.changed {
        output::note(&format!("fixed {}", c.path));
    }
    for n in &outcome.created {
        output::note(&format!("created {}", n.path.display()));
    }
    if another_pass {
        // Another pass on the files as written now.
        let next = CheckArgs {
            fix: FixArgs {
                applied_before: by_rule.clone(),
                pass: args.fix.pass + 1,
                ..args.fix.clone()
            },
            ..args
        };
        return crate::commands::check::run(next, color);
    }
    output::note(&summary("fixed"));
    // What remains: the same check on the files as written now.
    let again = CheckArgs {
        fix: FixArgs::default(),
        ..args
    };
    crate::commands::check::run(again, color)
}
