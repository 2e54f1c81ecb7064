//! What `upgrade` prints: the runbook for a person (numbered, blockers
//! first, exact commands), Markdown for a change ticket, and the versioned
//! JSON document. Renders the plan as given; computes nothing.

use eksplane_source::{SourceDb, Span};
use eksplane_upgrade::calendar::Status;
use eksplane_upgrade::{Item, RemovedApiUse, Step, UpgradePlan};
use serde::Serialize;
use std::fmt::Write;

pub const FORMAT: &str = "eksplane-upgrade";
pub const VERSION: u32 = 1;

fn at(db: &SourceDb, span: Option<Span>) -> Option<String> {
    span.filter(|s| !s.is_detached())
        .map(|s| format!("{}:{}", db.name(s.file), s.start.line))
}

/// A command with `FILE` replaced by the file the item is written in.
fn command(db: &SourceDb, i: &Item, c: &str) -> String {
    match i.span.filter(|s| !s.is_detached()) {
        Some(sp) if c.contains(" FILE") => c.replace(" FILE", &format!(" {}", db.name(sp.file))),
        _ => c.to_string(),
    }
}

// ---------------------------------------------------------------- JSON

#[derive(Debug, Serialize)]
struct ItemDoc<'a> {
    kind: eksplane_upgrade::ItemKind,
    stage: eksplane_upgrade::Stage,
    message: &'a str,
    object: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    fix: Option<&'a str>,
    commands: Vec<String>,
    source: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct ApiDoc<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    removed_in: Option<String>,
    replacement: Option<&'a str>,
    replacement_kind: Option<&'a str>,
    field_changes: Option<&'a str>,
    source: &'static str,
}

#[derive(Debug, Serialize)]
struct StepDoc<'a> {
    from: String,
    to: String,
    blocked: bool,
    blockers: Vec<ItemDoc<'a>>,
    actions: Vec<ItemDoc<'a>>,
    removed_apis: Vec<ApiDoc<'a>>,
}

#[derive(Debug, Serialize)]
struct PlanDoc<'a> {
    format: &'static str,
    version: u32,
    cluster: &'a str,
    region: Option<&'a str>,
    from: String,
    to: String,
    today: &'a str,
    blocked: bool,
    already_removed: Vec<ApiDoc<'a>>,
    watched_apis: Vec<ApiDoc<'a>>,
    steps: Vec<StepDoc<'a>>,
    calendar: &'a eksplane_upgrade::calendar::Calendar,
    surge: Option<&'a eksplane_upgrade::surge::Surge>,
}

fn file_line(db: &SourceDb, span: Option<Span>) -> (Option<&str>, Option<u32>) {
    match span.filter(|s| !s.is_detached()) {
        Some(s) => (Some(db.name(s.file)), Some(s.start.line)),
        None => (None, None),
    }
}

fn item_doc<'a>(db: &'a SourceDb, i: &'a Item) -> ItemDoc<'a> {
    let (file, line) = file_line(db, i.span);
    let commands = i.commands.iter().map(|c| command(db, i, c)).collect();
    ItemDoc {
        kind: i.kind,
        stage: i.stage,
        message: &i.message,
        object: i.object.as_deref(),
        file,
        line,
        fix: i.fix.as_deref(),
        commands,
        source: i.source,
    }
}

fn api_doc<'a>(db: &'a SourceDb, u: &'a RemovedApiUse) -> ApiDoc<'a> {
    let (file, line) = file_line(db, Some(u.span));
    ApiDoc {
        api_version: &u.api_version,
        kind: &u.kind,
        name: &u.name,
        namespace: u.namespace.as_deref(),
        file,
        line,
        removed_in: u.removed_in.map(|m| m.to_string()),
        replacement: u.replacement.as_deref(),
        replacement_kind: u.replacement_kind.as_deref(),
        field_changes: u.field_changes.as_deref(),
        source: u.source.citation(),
    }
}

pub fn render_json(plan: &UpgradePlan, db: &SourceDb) -> String {
    let doc = PlanDoc {
        format: FORMAT,
        version: VERSION,
        cluster: &plan.cluster,
        region: plan.region.as_deref(),
        from: plan.from.to_string(),
        to: plan.to.to_string(),
        today: &plan.today,
        blocked: plan.is_blocked(),
        already_removed: plan
            .already_removed
            .iter()
            .map(|u| api_doc(db, u))
            .collect(),
        watched_apis: plan.watched_apis.iter().map(|u| api_doc(db, u)).collect(),
        steps: plan
            .steps
            .iter()
            .map(|s| StepDoc {
                from: s.from.to_string(),
                to: s.to.to_string(),
                blocked: s.is_blocked(),
                blockers: s.blockers.iter().map(|i| item_doc(db, i)).collect(),
                actions: s.actions.iter().map(|i| item_doc(db, i)).collect(),
                removed_apis: s.removed_apis.iter().map(|u| api_doc(db, u)).collect(),
            })
            .collect(),
        calendar: &plan.calendar,
        surge: plan.surge.as_ref(),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

// ---------------------------------------------------------------- shared text

fn status(s: Status) -> &'static str {
    match s {
        Status::Standard => "standard support",
        Status::Extended => "EXTENDED support (billed)",
        Status::Ended => "support ENDED (EKS upgrades it)",
        Status::Unknown => "not in the calendar",
    }
}

fn calendar_lines(plan: &UpgradePlan) -> Vec<String> {
    let c = &plan.calendar;
    let mut out = Vec::new();
    for r in &c.versions {
        out.push(format!(
            "{}: {}; standard support until {}, extended until {}{}{}",
            r.version,
            status(r.status),
            r.end_of_standard.as_deref().unwrap_or("?"),
            r.end_of_extended.as_deref().unwrap_or("?"),
            r.days_left
                .map_or(String::new(), |d| format!(" ({d} days left)")),
            r.rate_usd_hour
                .map_or(String::new(), |x| format!("; ${x:.2} per cluster-hour")),
        ));
    }
    out
}

fn cost_line(plan: &UpgradePlan) -> String {
    let c = &plan.calendar;
    if c.staying_extra_usd_month > 0.0 {
        format!(
            "Staying on {} costs ${:.2} a month more than a version in standard support (${:.2} vs ${:.2} per cluster-hour, 730 h/month; {}).",
            plan.from,
            c.staying_extra_usd_month,
            c.extended_rate_usd_hour,
            c.standard_rate_usd_hour,
            c.source_rates
        )
    } else {
        format!(
            "{} is in standard support (${:.2} per cluster-hour); extended support would bill ${:.2} ({}).",
            plan.from, c.standard_rate_usd_hour, c.extended_rate_usd_hour, c.source_rates
        )
    }
}

fn headline(plan: &UpgradePlan) -> String {
    let blocked = plan.steps.iter().filter(|s| s.is_blocked()).count();
    format!(
        "Upgrade plan for {}{}: {} -> {}, {} step(s), as of {}{}",
        plan.cluster,
        plan.region
            .as_deref()
            .map_or(String::new(), |r| format!(" ({r})")),
        plan.from,
        plan.to,
        plan.steps.len(),
        plan.today,
        if blocked > 0 {
            format!(": BLOCKED ({blocked} step(s) with blockers; fix them before running anything)")
        } else {
            ": no blockers".to_string()
        }
    )
}

fn stage_label(i: &Item) -> &'static str {
    use eksplane_upgrade::Stage::*;
    match i.stage {
        Apis => "APIs",
        Addons => "add-ons",
        Karpenter => "Karpenter",
        ControlPlane => "control plane",
        AddonsAfterControlPlane => "add-ons (after the control plane)",
        DataPlane => "data plane",
        Drain => "drain",
        Network => "network",
        Verify => "verify",
    }
}

// ---------------------------------------------------------------- human

fn human_item(s: &mut String, db: &SourceDb, n: usize, i: &Item, blocker: bool) {
    let _ = writeln!(
        s,
        "  {n:>2}. {}[{}] {}",
        if blocker { "BLOCKER " } else { "" },
        stage_label(i),
        i.message
    );
    if let Some(a) = at(db, i.span) {
        let _ = writeln!(s, "      at {a}");
    }
    if let Some(f) = &i.fix {
        let _ = writeln!(s, "      fix: {f}");
    }
    for c in &i.commands {
        let _ = writeln!(s, "      $ {}", command(db, i, c));
    }
    if let Some(src) = i.source {
        let _ = writeln!(s, "      source: {src}");
    }
}

fn human_step(s: &mut String, db: &SourceDb, k: usize, st: &Step) {
    let _ = writeln!(
        s,
        "\nStep {k}: {} -> {}{}",
        st.from,
        st.to,
        if st.is_blocked() {
            format!(" (BLOCKED: {} blocker(s))", st.blockers.len())
        } else {
            String::new()
        }
    );
    let mut n = 0;
    for i in &st.blockers {
        n += 1;
        human_item(s, db, n, i, true);
    }
    for i in &st.actions {
        n += 1;
        human_item(s, db, n, i, false);
    }
}

/// The runbook for a person.
pub fn render_human(plan: &UpgradePlan, db: &SourceDb) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", headline(plan));
    let _ = writeln!(s, "\nSupport calendar ({}):", plan.calendar.source_dates);
    for l in calendar_lines(plan) {
        let _ = writeln!(s, "  {l}");
    }
    let _ = writeln!(s, "  {}", cost_line(plan));
    if !plan.watched_apis.is_empty() {
        let _ = writeln!(
            s,
            "\nDeprecated or beta-only APIs in use (not removed on this path):"
        );
        for u in &plan.watched_apis {
            let _ = writeln!(
                s,
                "  - {} {} {}{}{}",
                u.api_version,
                u.kind,
                u.name,
                at(db, Some(u.span)).map_or(String::new(), |a| format!(" at {a}")),
                u.replacement
                    .as_deref()
                    .map_or(String::new(), |r| format!(": move to {r}"))
            );
        }
    }
    for (k, st) in plan.steps.iter().enumerate() {
        human_step(&mut s, db, k + 1, st);
    }
    s
}

// ---------------------------------------------------------------- Markdown

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_item(s: &mut String, db: &SourceDb, i: &Item, blocker: bool) {
    let _ = writeln!(
        s,
        "- [ ] {}**{}**: {}{}",
        if blocker { "**Blocker** " } else { "" },
        stage_label(i),
        i.message,
        at(db, i.span).map_or(String::new(), |a| format!(" (`{a}`)"))
    );
    if let Some(f) = &i.fix {
        let _ = writeln!(s, "  - Fix: {f}");
    }
    if let Some(src) = i.source {
        let _ = writeln!(s, "  - Source: {src}");
    }
    if !i.commands.is_empty() {
        let _ = writeln!(s, "\n  ```sh");
        for c in &i.commands {
            let _ = writeln!(s, "  {}", command(db, i, c));
        }
        let _ = writeln!(s, "  ```\n");
    }
}

/// Markdown, to paste into a change ticket.
pub fn render_markdown(plan: &UpgradePlan, db: &SourceDb) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Upgrade {} {} -> {}\n\n{}\n",
        plan.cluster,
        plan.from,
        plan.to,
        headline(plan)
    );
    let _ = writeln!(s, "## Support calendar\n");
    let _ = writeln!(
        s,
        "| Version | Status | End of standard | End of extended | Days left | $/cluster-hour |\n|---|---|---|---|---|---|"
    );
    for r in &plan.calendar.versions {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.version,
            status(r.status),
            r.end_of_standard.as_deref().unwrap_or("?"),
            r.end_of_extended.as_deref().unwrap_or("?"),
            r.days_left.map_or("-".to_string(), |d| d.to_string()),
            r.rate_usd_hour
                .map_or("-".to_string(), |x| format!("{x:.2}"))
        );
    }
    let _ = writeln!(
        s,
        "\n{} Dates: {}\n",
        cost_line(plan),
        plan.calendar.source_dates
    );
    // The first step carries the APIs already removed.
    let all: Vec<&RemovedApiUse> = plan
        .steps
        .iter()
        .flat_map(|st| st.removed_apis.iter())
        .collect();
    if !all.is_empty() {
        let _ = writeln!(s, "## Removed APIs in the manifests\n");
        let _ = writeln!(
            s,
            "| Object | apiVersion | Removed in | Replacement | Where |\n|---|---|---|---|---|"
        );
        for u in all {
            let _ = writeln!(
                s,
                "| {} {}{} | `{}` | {} | {} | `{}` |",
                u.kind,
                u.namespace
                    .as_deref()
                    .map_or(String::new(), |n| format!("{n}/")),
                u.name,
                u.api_version,
                u.removed_in.map_or("-".to_string(), |m| m.to_string()),
                md_escape(u.replacement.as_deref().unwrap_or("none")),
                at(db, Some(u.span)).unwrap_or_default()
            );
        }
        let _ = writeln!(s);
    }
    for (k, st) in plan.steps.iter().enumerate() {
        let _ = writeln!(
            s,
            "## Step {}: {} -> {}{}\n",
            k + 1,
            st.from,
            st.to,
            if st.is_blocked() { " (blocked)" } else { "" }
        );
        if !st.blockers.is_empty() {
            let _ = writeln!(s, "### Blockers\n");
            for i in &st.blockers {
                md_item(&mut s, db, i, true);
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "### Runbook\n");
        for i in &st.actions {
            md_item(&mut s, db, i, false);
        }
        let _ = writeln!(s);
    }
    s
}
