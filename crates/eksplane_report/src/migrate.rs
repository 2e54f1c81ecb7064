//! Outputs of `eksplane migrate`: a human summary (with the lockout proof), a
//! shell script of guarded `aws`/`kubectl` phases, eksctl ClusterConfig
//! fragments, Terraform, and JSON (`format: eksplane-migrate-access-entries` /
//! `eksplane-migrate-pod-identity`, version 1). Renders only: every decision is
//! the planner's (`eksplane_migrate`).

use eksplane_migrate::AwsCall;
use eksplane_migrate::access::{AccessPlan, EntryAction, Verify};
use eksplane_migrate::pod_identity::{PodIdentityPlan, Verdict};
use eksplane_source::{SourceDb, Span};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

pub const ACCESS_FORMAT: &str = "eksplane-migrate-access-entries";
pub const POD_IDENTITY_FORMAT: &str = "eksplane-migrate-pod-identity";
pub const VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// shared
// ---------------------------------------------------------------------------

/// A word for a POSIX shell: as is when it is plain, else single-quoted.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '@')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `aws SERVICE OP --param value ...` on one line.
pub fn shell_command(c: &AwsCall) -> String {
    let mut s = format!("aws {} {}", c.service, c.operation);
    for (name, value) in &c.params {
        let _ = write!(s, " --{name}");
        if let Some(v) = value {
            // `--kubernetes-groups a b` takes a list: one word per item.
            if *name == "kubernetes-groups" {
                for g in v.split(' ') {
                    let _ = write!(s, " {}", shell_word(g));
                }
            } else {
                let _ = write!(s, " {}", shell_word(v));
            }
        }
    }
    s
}

fn at(db: &SourceDb, span: Option<Span>) -> String {
    span.map(|s| db.display(s)).unwrap_or_default()
}

/// A Terraform string literal (`${` and `%{` escaped: they start templates).
fn hcl_str(s: &str) -> String {
    let json = Value::String(s.to_string()).to_string();
    json.replace("${", "$${").replace("%{", "%%{")
}

/// A Terraform resource name from free text.
fn hcl_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        format!("r_{out}")
    } else {
        out
    }
}

/// YAML from a JSON value: block style, strings double-quoted when they
/// could read as anything else (JSON string syntax is YAML's double-quoted style).
pub fn yaml(v: &Value) -> String {
    let mut out = String::new();
    yaml_into(v, 0, &mut out);
    out
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@')
                })
                && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == ':')
                && !s.ends_with(':')
                && !s.contains(": ")
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
                );
            if plain { s.clone() } else { v.to_string() }
        }
        other => other.to_string(),
    }
}

fn yaml_into(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                match val {
                    Value::Object(inner) if !inner.is_empty() => {
                        let _ = writeln!(out, "{pad}{k}:");
                        yaml_into(val, indent + 2, out);
                    }
                    Value::Array(items) if !items.is_empty() => {
                        let _ = writeln!(out, "{pad}{k}:");
                        yaml_into(val, indent + 2, out);
                    }
                    Value::Object(_) => {
                        let _ = writeln!(out, "{pad}{k}: {{}}");
                    }
                    Value::Array(_) => {
                        let _ = writeln!(out, "{pad}{k}: []");
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{k}: {}", yaml_scalar(val));
                    }
                }
            }
        }
        Value::Array(items) => {
            for it in items {
                match it {
                    Value::Object(m) if !m.is_empty() => {
                        let mut sub = String::new();
                        yaml_into(it, indent + 2, &mut sub);
                        // The first key goes on the dash's line.
                        let first = sub.get(indent + 2..).unwrap_or("");
                        let _ = write!(out, "{pad}- {first}");
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", yaml_scalar(it));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", yaml_scalar(other));
        }
    }
}

fn cluster_metadata(c: &eksplane_migrate::ClusterRef) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(c.name));
    if let Some(r) = &c.region {
        m.insert("region".into(), json!(r));
    }
    Value::Object(m)
}

// ---------------------------------------------------------------------------
// access entries
// ---------------------------------------------------------------------------

pub fn render_access_human(plan: &AccessPlan, db: &SourceDb) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "aws-auth -> access entries for cluster {} (authentication mode now: {})",
        plan.cluster.name,
        plan.mode
            .as_deref()
            .unwrap_or("not stated; CONFIG_MAP assumed")
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Lockout proof: every principal that reaches the cluster today"
    );
    for pr in &plan.proof {
        let mark = if pr.lost.is_empty() {
            "keeps"
        } else if pr.accepted {
            "loses (accepted)"
        } else {
            "LOSES"
        };
        let _ = writeln!(
            o,
            "  {mark:<16} {}  via {}  [{}]",
            pr.principal,
            pr.via,
            at(db, pr.span)
        );
        for l in &pr.lost {
            let _ = writeln!(o, "                   - {l}");
        }
    }
    let _ = writeln!(o);
    if plan.refused() {
        let _ = writeln!(
            o,
            "REFUSED: phase 3 (switch to API) and phase 4 (remove aws-auth) are withheld: the \
             principals marked LOSES would lose access. Decide for each (below), then re-run, \
             e.g. with --accept-loss PRINCIPAL."
        );
    } else {
        let _ = writeln!(
            o,
            "PROVEN: after the plan every principal keeps equal access, or narrower by choice."
        );
    }
    if !plan.decisions.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Decisions for you:");
        for d in &plan.decisions {
            let _ = writeln!(o, "  {} [{}]: {}", d.principal, at(db, d.span), d.problem);
            for opt in &d.options {
                let _ = writeln!(o, "    - {opt}");
            }
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Phase 1: create the access entries");
    if plan.enable_entries {
        let _ = writeln!(
            o,
            "  switch to API_AND_CONFIG_MAP first (access entries exist only in that mode or API; \
             aws-auth keeps being read)"
        );
    }
    if plan.entries.is_empty() {
        let _ = writeln!(o, "  nothing to create: every mapping has its entry");
    }
    for e in &plan.entries {
        let _ = writeln!(
            o,
            "  {} {} ({}) [{}]",
            match e.action {
                EntryAction::Create => "create",
                EntryAction::Recreate => "recreate",
                EntryAction::Complete => "complete",
            },
            e.principal_arn,
            e.entry_type,
            at(db, Some(e.span))
        );
        for c in e.calls(&plan.cluster.name) {
            let _ = writeln!(o, "    {}", shell_command(&c));
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Phase 2: verify");
    for v in &plan.verify {
        match v {
            Verify::Aws { call } => {
                let _ = writeln!(o, "  {}", shell_command(call));
            }
            Verify::Kubectl { args, expect } => {
                let words: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
                let _ = writeln!(o, "  kubectl {}   # expect {expect}", words.join(" "));
            }
        }
    }
    let _ = writeln!(o);
    if plan.switch_to_api {
        let _ = writeln!(
            o,
            "Phase 3: switch to API (one-way)\n  {}",
            shell_command(&api_call(plan, "API"))
        );
    } else if plan.refused() {
        let _ = writeln!(o, "Phase 3: withheld (the lockout proof refused)");
    } else {
        let _ = writeln!(o, "Phase 3: nothing to do: the cluster is on API already");
    }
    if plan.remove_aws_auth {
        let _ = writeln!(
            o,
            "Phase 4: back up and delete aws-auth\n  kubectl -n kube-system delete configmap aws-auth"
        );
    } else if plan.refused() {
        let _ = writeln!(o, "Phase 4: withheld (the lockout proof refused)");
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Notes:");
        for n in &plan.notes {
            let _ = writeln!(o, "  - {n}");
        }
    }
    o
}

fn api_call(plan: &AccessPlan, mode: &str) -> AwsCall {
    AwsCall::new("eks", "update-cluster-config")
        .arg("name", plan.cluster.name.clone())
        .arg("access-config", format!("authenticationMode={mode}"))
}

const SCRIPT_HELPERS: &str = r#"mode() {
  aws eks describe-cluster --name "$1" --query cluster.accessConfig.authenticationMode --output text
}
entry_type() {
  aws eks describe-access-entry --cluster-name "$1" --principal-arn "$2" --query accessEntry.type --output text 2>/dev/null || true
}
has_policy() {
  aws eks list-associated-access-policies --cluster-name "$1" --principal-arn "$2" --query "associatedAccessPolicies[?policyArn=='$3'].policyArn" --output text 2>/dev/null | grep -q .
}
"#;

pub fn render_access_script(plan: &AccessPlan) -> String {
    let c = &plan.cluster.name;
    let cq = shell_word(c);
    let mut o = String::new();
    let _ = writeln!(o, "#!/usr/bin/env bash");
    let _ = writeln!(
        o,
        "# eksplane migrate access-entries: aws-auth -> EKS access entries for cluster {c}."
    );
    let _ = writeln!(
        o,
        "# Each phase is guarded: re-running skips what is done. Phase 3 is one-way and runs\n# only with EKSPLANE_CONFIRM_API=yes, after phase 2's output was checked."
    );
    let _ = writeln!(o, "set -euo pipefail");
    let _ = writeln!(o);
    o.push_str(SCRIPT_HELPERS);
    let _ = writeln!(o);
    let _ = writeln!(o, "# Phase 1: access entries and policy associations");
    if plan.enable_entries {
        let _ = writeln!(o, "if [ \"$(mode {cq})\" = CONFIG_MAP ]; then");
        let _ = writeln!(
            o,
            "  {}",
            shell_command(&api_call(plan, "API_AND_CONFIG_MAP"))
        );
        let _ = writeln!(o, "  aws eks wait cluster-active --name {cq}");
        let _ = writeln!(o, "fi");
    }
    for e in &plan.entries {
        let arn = shell_word(&e.principal_arn);
        let _ = writeln!(o, "# {} ({})", e.principal_arn, e.entry_type);
        for call in e.calls(c) {
            let line = shell_command(&call);
            match call.operation {
                "delete-access-entry" => {
                    let _ = writeln!(
                        o,
                        "t=$(entry_type {cq} {arn})\nif [ -n \"$t\" ] && [ \"$t\" != {} ]; then\n  {line}\nfi",
                        shell_word(&e.entry_type)
                    );
                }
                "create-access-entry" => {
                    let _ = writeln!(
                        o,
                        "if [ -z \"$(entry_type {cq} {arn})\" ]; then\n  {line}\nfi"
                    );
                }
                "associate-access-policy" => {
                    let pol = call.param("policy-arn").unwrap_or_default();
                    let _ = writeln!(
                        o,
                        "if ! has_policy {cq} {arn} {}; then\n  {line}\nfi",
                        shell_word(pol)
                    );
                }
                _ => {
                    let _ = writeln!(o, "{line}");
                }
            }
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "# Phase 2: verify (read the output before phase 3)");
    for v in &plan.verify {
        match v {
            Verify::Aws { call } => {
                let _ = writeln!(o, "{}", shell_command(call));
            }
            Verify::Kubectl { args, expect } => {
                let words: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
                let _ = writeln!(o, "# expect {expect}");
                let _ = writeln!(o, "kubectl {}", words.join(" "));
            }
        }
    }
    let _ = writeln!(o);
    if plan.refused() {
        let _ = writeln!(
            o,
            "# Phase 3 and phase 4 withheld: the lockout proof refused. Blocking principals:"
        );
        for pr in plan.proof.iter().filter(|p| p.blocks()) {
            let _ = writeln!(o, "#   {}: {}", pr.principal, pr.lost.join("; "));
        }
        return o;
    }
    if plan.switch_to_api {
        let _ = writeln!(
            o,
            "# Phase 3: switch to API (one-way: aws-auth stops being read)"
        );
        let _ = writeln!(o, "if [ \"$(mode {cq})\" != API ]; then");
        let _ = writeln!(
            o,
            "  : \"${{EKSPLANE_CONFIRM_API:?set EKSPLANE_CONFIRM_API=yes once phase 2 shows every entry}}\""
        );
        let _ = writeln!(o, "  [ \"$EKSPLANE_CONFIRM_API\" = yes ] || exit 1");
        let _ = writeln!(o, "  {}", shell_command(&api_call(plan, "API")));
        let _ = writeln!(o, "  aws eks wait cluster-active --name {cq}");
        let _ = writeln!(o, "fi");
        let _ = writeln!(o);
    }
    if plan.remove_aws_auth {
        let _ = writeln!(o, "# Phase 4: back up, then delete aws-auth");
        let _ = writeln!(
            o,
            "if [ \"$(mode {cq})\" = API ] && kubectl -n kube-system get configmap aws-auth >/dev/null 2>&1; then"
        );
        let _ = writeln!(
            o,
            "  kubectl -n kube-system get configmap aws-auth -o yaml > aws-auth.backup.yaml"
        );
        let _ = writeln!(o, "  kubectl -n kube-system delete configmap aws-auth");
        let _ = writeln!(o, "fi");
    }
    o
}

/// The eksctl ClusterConfig fragment: `accessConfig` with the planned entries
/// (the mode is `API` when the proof passes, else `API_AND_CONFIG_MAP`).
pub fn render_access_eksctl(plan: &AccessPlan) -> String {
    let entries: Vec<Value> = plan
        .entries
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("principalARN".into(), json!(e.principal_arn));
            m.insert("type".into(), json!(e.entry_type));
            if !e.kubernetes_groups.is_empty() {
                m.insert("kubernetesGroups".into(), json!(e.kubernetes_groups));
            }
            if let Some(u) = &e.username {
                m.insert("kubernetesUsername".into(), json!(u));
            }
            if !e.policies.is_empty() {
                let pols: Vec<Value> = e
                    .policies
                    .iter()
                    .map(|p| {
                        let scope = if p.namespaces.is_empty() {
                            json!({"type": "cluster"})
                        } else {
                            json!({"type": "namespace", "namespaces": p.namespaces})
                        };
                        json!({"policyARN": p.policy_arn, "accessScope": scope})
                    })
                    .collect();
                m.insert("accessPolicies".into(), Value::Array(pols));
            }
            Value::Object(m)
        })
        .collect();
    let mode = if plan.refused() {
        "API_AND_CONFIG_MAP"
    } else {
        "API"
    };
    let doc = json!({
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": cluster_metadata(&plan.cluster),
        "accessConfig": {
            "authenticationMode": mode,
            "accessEntries": entries,
        },
    });
    format!(
        "# eksctl ClusterConfig fragment (eksplane migrate access-entries): merge\n# accessConfig.accessEntries into the cluster's ClusterConfig; entries the\n# cluster has already are not repeated.\n{}",
        yaml(&doc)
    )
}

pub fn render_access_terraform(plan: &AccessPlan) -> String {
    let c = hcl_str(&plan.cluster.name);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Terraform (eksplane migrate access-entries) for cluster {}.",
        plan.cluster.name
    );
    let _ = writeln!(
        o,
        "# The mode lives on aws_eks_cluster: access_config {{ authentication_mode = \"{}\" }}.",
        if plan.refused() {
            "API_AND_CONFIG_MAP"
        } else {
            "API"
        }
    );
    for e in &plan.entries {
        let name = hcl_name(&eksplane_migrate::short_principal(&e.principal_arn));
        let _ = writeln!(o);
        if e.action == EntryAction::Complete {
            let _ = writeln!(
                o,
                "# {} has an access entry already: import it (terraform import aws_eks_access_entry.{name} {}:{}) before applying.",
                e.principal_arn, plan.cluster.name, e.principal_arn
            );
        }
        let _ = writeln!(o, "resource \"aws_eks_access_entry\" \"{name}\" {{");
        let _ = writeln!(o, "  cluster_name  = {c}");
        let _ = writeln!(o, "  principal_arn = {}", hcl_str(&e.principal_arn));
        let _ = writeln!(o, "  type          = {}", hcl_str(&e.entry_type));
        if !e.kubernetes_groups.is_empty() {
            let g: Vec<String> = e.kubernetes_groups.iter().map(|g| hcl_str(g)).collect();
            let _ = writeln!(o, "  kubernetes_groups = [{}]", g.join(", "));
        }
        if let Some(u) = &e.username {
            let _ = writeln!(o, "  user_name     = {}", hcl_str(u));
        }
        let _ = writeln!(o, "}}");
        for (i, p) in e.policies.iter().enumerate() {
            let pname = hcl_name(p.policy_arn.rsplit('/').next().unwrap_or("policy"));
            let suffix = if i == 0 {
                String::new()
            } else {
                format!("_{i}")
            };
            let _ = writeln!(o);
            let _ = writeln!(
                o,
                "resource \"aws_eks_access_policy_association\" \"{name}_{pname}{suffix}\" {{"
            );
            let _ = writeln!(o, "  cluster_name  = {c}");
            let _ = writeln!(o, "  policy_arn    = {}", hcl_str(&p.policy_arn));
            let _ = writeln!(
                o,
                "  principal_arn = aws_eks_access_entry.{name}.principal_arn"
            );
            let _ = writeln!(o, "  access_scope {{");
            if p.namespaces.is_empty() {
                let _ = writeln!(o, "    type = \"cluster\"");
            } else {
                let ns: Vec<String> = p.namespaces.iter().map(|n| hcl_str(n)).collect();
                let _ = writeln!(o, "    type       = \"namespace\"");
                let _ = writeln!(o, "    namespaces = [{}]", ns.join(", "));
            }
            let _ = writeln!(o, "  }}");
            let _ = writeln!(o, "}}");
        }
    }
    o
}

pub fn render_access_json(plan: &AccessPlan, db: &SourceDb) -> String {
    let proof: Vec<Value> = plan
        .proof
        .iter()
        .map(|p| {
            json!({
                "principal": p.principal,
                "via": p.via,
                "at": p.span.map(|s| db.display(s)),
                "before": p.before,
                "after": p.after,
                "lost": p.lost,
                "accepted": p.accepted,
                "blocks": p.blocks(),
            })
        })
        .collect();
    let decisions: Vec<Value> = plan
        .decisions
        .iter()
        .map(|d| {
            json!({
                "principal": d.principal,
                "at": d.span.map(|s| db.display(s)),
                "problem": d.problem,
                "options": d.options,
            })
        })
        .collect();
    let entries: Vec<Value> = plan
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("at".into(), json!(db.display(e.span)));
                m.insert(
                    "commands".into(),
                    json!(
                        e.calls(&plan.cluster.name)
                            .iter()
                            .map(shell_command)
                            .collect::<Vec<_>>()
                    ),
                );
            }
            v
        })
        .collect();
    let doc = json!({
        "format": ACCESS_FORMAT,
        "version": VERSION,
        "cluster": plan.cluster,
        "mode": plan.mode,
        "refused": plan.refused(),
        "phases": {
            "enable_access_entries": plan.enable_entries,
            "entries": entries,
            "verify": plan.verify,
            "switch_to_api": plan.switch_to_api,
            "remove_aws_auth": plan.remove_aws_auth,
        },
        "proof": proof,
        "decisions": decisions,
        "notes": plan.notes,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

// ---------------------------------------------------------------------------
// pod identity
// ---------------------------------------------------------------------------

fn trust_statement_json(plan: &PodIdentityPlan) -> Value {
    json!({
        "Effect": "Allow",
        "Principal": {"Service": plan.trust_statement.service},
        "Action": plan.trust_statement.actions,
    })
}

pub fn render_pod_identity_human(plan: &PodIdentityPlan, db: &SourceDb) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "IRSA -> EKS Pod Identity for cluster {}",
        plan.cluster.name
    );
    let _ = writeln!(
        o,
        "Agent add-on {}: {}",
        eksplane_migrate::pod_identity::AGENT_ADDON,
        match plan.agent_missing {
            Some(true) => "missing: the plan installs it first",
            Some(false) => "present",
            None =>
                "not stated by the inputs: the script installs it when describe-addon finds none",
        }
    );
    let _ = writeln!(
        o,
        "Trust statement each migrating role gets: {}",
        trust_statement_json(plan)
    );
    let _ = writeln!(o);
    if plan.service_accounts.is_empty() {
        let _ = writeln!(o, "No ServiceAccount carries an IRSA annotation.");
    }
    for s in &plan.service_accounts {
        let _ = writeln!(
            o,
            "{}/{} -> {} [{}]",
            s.namespace,
            s.service_account,
            s.role_arn,
            db.display(s.span)
        );
        match &s.verdict {
            Verdict::Migrate {
                trust_present,
                associated,
                addon,
            } => {
                let _ = writeln!(
                    o,
                    "  migrate: 1. trust {} ({}); 2. {} ({}); 3. restart {}; 4. remove the annotation; 5. drop the role's OIDC trust",
                    s.role_name,
                    if *trust_present {
                        "present already"
                    } else {
                        "add the statement"
                    },
                    match addon {
                        Some(a) => format!("associate through add-on {a}"),
                        None => "associate".to_string(),
                    },
                    if *associated {
                        "the association exists already"
                    } else {
                        "new association"
                    },
                    if s.workloads.is_empty() {
                        "its pods (no workload in the inputs runs as it)".to_string()
                    } else {
                        s.workloads.join(", ")
                    }
                );
            }
            Verdict::KeepIrsa(k) => {
                let _ = writeln!(o, "  keep IRSA: {}", k.describe());
            }
        }
        if let (true, Some(span)) = (s.migrates(), s.eksctl_irsa) {
            let _ = writeln!(
                o,
                "  also remove its eksctl iam.serviceAccounts item [{}] from the ClusterConfig (not with `eksctl delete iamserviceaccount`: that deletes the role's CloudFormation stack)",
                db.display(span)
            );
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Minimum AWS SDK versions for Pod Identity (EKS user guide, pod-id-minimum-sdk.html):"
    );
    let v: Vec<String> = eksplane_migrate::pod_identity::MIN_SDK_VERSIONS
        .iter()
        .map(|(l, v)| format!("{l} {v}"))
        .collect();
    let _ = writeln!(o, "  {}", v.join(", "));
    for n in &plan.notes {
        let _ = writeln!(o, "  - {n}");
    }
    o
}

pub fn render_pod_identity_script(plan: &PodIdentityPlan) -> String {
    let c = &plan.cluster.name;
    let cq = shell_word(c);
    let agent = eksplane_migrate::pod_identity::AGENT_ADDON;
    let mut o = String::new();
    let _ = writeln!(o, "#!/usr/bin/env bash");
    let _ = writeln!(
        o,
        "# eksplane migrate pod-identity: IRSA -> EKS Pod Identity for cluster {c}.\n# Needs jq. Each step is guarded: re-running skips what is done. The IRSA trust\n# statement stays on each role, so re-annotating and restarting rolls back."
    );
    let _ = writeln!(o, "set -euo pipefail");
    let _ = writeln!(o, "command -v jq >/dev/null");
    let _ = writeln!(o);
    let _ = writeln!(o, "# Phase 1: the Pod Identity agent");
    let describe = AwsCall::new("eks", "describe-addon")
        .arg("cluster-name", c.clone())
        .arg("addon-name", agent);
    let create = AwsCall::new("eks", "create-addon")
        .arg("cluster-name", c.clone())
        .arg("addon-name", agent);
    let _ = writeln!(
        o,
        "if ! {} >/dev/null 2>&1; then\n  {}\n  aws eks wait addon-active --cluster-name {cq} --addon-name {agent}\nfi",
        shell_command(&describe),
        shell_command(&create)
    );
    let statement = trust_statement_json(plan).to_string();
    for s in &plan.service_accounts {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "# {}/{} (role {})",
            s.namespace, s.service_account, s.role_arn
        );
        if let Verdict::KeepIrsa(k) = &s.verdict {
            let _ = writeln!(o, "# keeps IRSA: {}", k.describe());
            continue;
        }
        let _ = writeln!(o, "# Phase 2: trust pods.eks.amazonaws.com, then associate");
        let get = AwsCall::new("iam", "get-role").arg("role-name", s.role_name.clone());
        let _ = writeln!(
            o,
            "trust=$({} --query Role.AssumeRolePolicyDocument --output json)",
            shell_command(&get)
        );
        let _ = writeln!(
            o,
            "if ! printf '%s' \"$trust\" | jq -e '.Statement[] | select(.Principal.Service == \"pods.eks.amazonaws.com\" or (.Principal.Service | arrays | index(\"pods.eks.amazonaws.com\")))' >/dev/null; then"
        );
        let _ = writeln!(
            o,
            "  printf '%s' \"$trust\" | jq --argjson st {} '.Statement += [$st]' > trust-{}.json",
            shell_word(&statement),
            s.role_name
        );
        let upd = AwsCall::new("iam", "update-assume-role-policy")
            .arg("role-name", s.role_name.clone())
            .arg(
                "policy-document",
                format!("file://trust-{}.json", s.role_name),
            );
        let _ = writeln!(o, "  {}", shell_command(&upd));
        let _ = writeln!(o, "fi");
        if let Some(call) = s.association_call(c) {
            let list = AwsCall::new("eks", "list-pod-identity-associations")
                .arg("cluster-name", c.clone())
                .arg("namespace", s.namespace.clone())
                .arg("service-account", s.service_account.clone());
            let _ = writeln!(
                o,
                "if [ -z \"$({} --query 'associations[].associationId' --output text)\" ]; then\n  {}\nfi",
                shell_command(&list),
                shell_command(&call)
            );
        }
        let _ = writeln!(
            o,
            "# Phase 3: restart its pods (new pods get the Pod Identity credentials; EKS gives them\n# precedence over the annotation), check their AWS calls, then remove the annotation"
        );
        for w in &s.workloads {
            // `Kind ns/name`
            let Some((kind, rest)) = w.split_once(' ') else {
                continue;
            };
            let Some((_, name)) = rest.split_once('/') else {
                continue;
            };
            let k = kind.to_ascii_lowercase();
            if matches!(k.as_str(), "deployment" | "statefulset" | "daemonset") {
                let _ = writeln!(
                    o,
                    "kubectl -n {ns} rollout restart {k}/{n}\nkubectl -n {ns} rollout status {k}/{n}",
                    ns = shell_word(&s.namespace),
                    n = shell_word(name)
                );
            } else {
                let _ = writeln!(
                    o,
                    "# {w}: its next run starts with Pod Identity credentials"
                );
            }
        }
        let _ = writeln!(
            o,
            "kubectl -n {} annotate serviceaccount {} eks.amazonaws.com/role-arn-",
            shell_word(&s.namespace),
            shell_word(&s.service_account)
        );
        let _ = writeln!(
            o,
            "# Last, once no pod uses IRSA for this role: drop its OIDC statement from the trust policy."
        );
    }
    o
}

pub fn render_pod_identity_eksctl(plan: &PodIdentityPlan) -> String {
    let mut assocs = Vec::new();
    let mut addons: Vec<Value> = Vec::new();
    for s in &plan.service_accounts {
        let Verdict::Migrate { addon, .. } = &s.verdict else {
            continue;
        };
        match addon {
            Some(a) => addons.push(json!({
                "name": a,
                "podIdentityAssociations": [{
                    "namespace": s.namespace,
                    "serviceAccountName": s.service_account,
                    "roleARN": s.role_arn,
                }],
            })),
            None => assocs.push(json!({
                "namespace": s.namespace,
                "serviceAccountName": s.service_account,
                "roleARN": s.role_arn,
            })),
        }
    }
    let mut doc = json!({
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": cluster_metadata(&plan.cluster),
        "iam": {"podIdentityAssociations": assocs},
    });
    if plan.agent_missing != Some(false) || !addons.is_empty() {
        let mut all = vec![json!({"name": eksplane_migrate::pod_identity::AGENT_ADDON})];
        all.extend(addons);
        if let Value::Object(m) = &mut doc {
            m.insert("addons".into(), Value::Array(all));
        }
    }
    format!(
        "# eksctl ClusterConfig fragment (eksplane migrate pod-identity): merge into the\n# cluster's ClusterConfig, then remove the IRSA annotations listed by the plan.\n{}",
        yaml(&doc)
    )
}

pub fn render_pod_identity_terraform(plan: &PodIdentityPlan) -> String {
    let c = hcl_str(&plan.cluster.name);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Terraform (eksplane migrate pod-identity) for cluster {}.",
        plan.cluster.name
    );
    if plan.agent_missing != Some(false) {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "resource \"aws_eks_addon\" \"eks_pod_identity_agent\" {{"
        );
        let _ = writeln!(o, "  cluster_name = {c}");
        let _ = writeln!(o, "  addon_name   = \"eks-pod-identity-agent\"");
        let _ = writeln!(o, "}}");
    }
    for s in &plan.service_accounts {
        let Verdict::Migrate { addon, .. } = &s.verdict else {
            continue;
        };
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "# Add to the trust policy of {}: {}",
            s.role_name,
            trust_statement_json(plan)
        );
        if let Some(a) = addon {
            let _ = writeln!(
                o,
                "# {}/{} belongs to add-on {a}: set pod_identity_association {{ role_arn, service_account }} on its aws_eks_addon instead.",
                s.namespace, s.service_account
            );
            continue;
        }
        let name = hcl_name(&format!("{}_{}", s.namespace, s.service_account));
        let _ = writeln!(
            o,
            "resource \"aws_eks_pod_identity_association\" \"{name}\" {{"
        );
        let _ = writeln!(o, "  cluster_name    = {c}");
        let _ = writeln!(o, "  namespace       = {}", hcl_str(&s.namespace));
        let _ = writeln!(o, "  service_account = {}", hcl_str(&s.service_account));
        let _ = writeln!(o, "  role_arn        = {}", hcl_str(&s.role_arn));
        let _ = writeln!(o, "}}");
    }
    o
}

pub fn render_pod_identity_json(plan: &PodIdentityPlan, db: &SourceDb) -> String {
    let sas: Vec<Value> = plan
        .service_accounts
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("at".into(), json!(db.display(s.span)));
                if let Verdict::KeepIrsa(k) = &s.verdict {
                    m.insert("why".into(), json!(k.describe()));
                }
                if let Some(span) = s.eksctl_irsa {
                    m.insert("eksctl_irsa_at".into(), json!(db.display(span)));
                }
                if let Some(c) = s.association_call(&plan.cluster.name) {
                    m.insert("command".into(), json!(shell_command(&c)));
                }
            }
            v
        })
        .collect();
    let sdk: Vec<Value> = eksplane_migrate::pod_identity::MIN_SDK_VERSIONS
        .iter()
        .map(|(l, v)| json!({"sdk": l, "minimum": v}))
        .collect();
    let doc = json!({
        "format": POD_IDENTITY_FORMAT,
        "version": VERSION,
        "cluster": plan.cluster,
        "agent_missing": plan.agent_missing,
        "trust_statement": trust_statement_json(plan),
        "service_accounts": sas,
        "minimum_sdk_versions": sdk,
        "notes": plan.notes,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_what_the_shell_would_read() {
        assert_eq!(shell_word("ci-deployers"), "ci-deployers");
        assert_eq!(shell_word("a:{{SessionName}}"), "'a:{{SessionName}}'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn hcl_strings_escape_templates() {
        assert_eq!(hcl_str("a${b}"), "\"a$${b}\"");
        assert_eq!(hcl_name("role/Karpenter-Node"), "role_karpenter_node");
        assert_eq!(hcl_name("777"), "r_777");
    }

    #[test]
    fn yaml_nests_lists_of_maps() {
        let v = json!({"a": [{"b": "x", "c": ["y", "true"]}], "d": {}});
        assert_eq!(
            yaml(&v),
            "a:\n  - b: x\n    c:\n      - y\n      - \"true\"\nd: {}\n"
        );
    }
}
