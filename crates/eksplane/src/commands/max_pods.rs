//! `eksplane max-pods`: AWS's max-pods calculator per instance type.

use crate::cli::{MaxPodsArgs, MaxPodsFormat};
use crate::commands::{EXIT_BAD_INPUT, EXIT_CLEAN, catalog, load_paths, report_load_findings};
use crate::output;
use eksplane_aws_data::InstanceType;
use eksplane_capacity::{Expression, MaxPodsOptions, max_pods, nodeadm_max_pods};
use eksplane_report::max_pods::{Entry, Show, render_csv, render_json, render_table, view};
use std::collections::HashSet;
use std::process::ExitCode;

pub fn run(a: MaxPodsArgs) -> anyhow::Result<ExitCode> {
    if a.explain && a.format == MaxPodsFormat::Csv {
        anyhow::bail!("--explain has no CSV form: use --format table or --format json");
    }
    if !a.all && a.types.is_empty() && a.node_pool.is_empty() {
        anyhow::bail!(
            "name one or more instance types (`eksplane max-pods m6i.large`), --all, or --node-pool PATH"
        );
    }
    let (cat, desc) = catalog::load(&a.catalog)?;
    let expression = match &a.max_pods_expression {
        Some(s) => Some(
            Expression::parse(s)
                .map_err(|e| anyhow::anyhow!("--max-pods-expression {s:?}: {e}"))?,
        ),
        None => None,
    };

    let mut selected: Vec<(Option<String>, &InstanceType)> = Vec::new();
    if a.all {
        selected.extend(cat.iter().map(|t| (None, t)));
    }
    let mut unknown = Vec::new();
    for name in &a.types {
        match catalog::find(&cat, name, &desc) {
            Ok(t) => selected.push((None, t)),
            Err(e) => unknown.push(format!("{e:#}")),
        }
    }
    if !unknown.is_empty() {
        anyhow::bail!("{}", unknown.join("\n"));
    }
    if !a.node_pool.is_empty() {
        let loaded = load_paths(&a.node_pool)?;
        if report_load_findings(&loaded) {
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
        if loaded.platform.node_pools.is_empty() {
            anyhow::bail!("no NodePool in the --node-pool inputs");
        }
        let (cni, source) = eksplane_facts::capacity::cni_options(&loaded.platform);
        if cni.prefix_delegation && !a.prefix_delegation {
            output::note(&format!(
                "note: the inputs' VPC CNI ({}) enables prefix delegation; add --prefix-delegation to compute with it (or run `eksplane capacity`)",
                match source {
                    eksplane_facts::capacity::CniSource::AwsNode => "aws-node",
                    eksplane_facts::capacity::CniSource::AddonConfiguration =>
                        "vpc-cni add-on configuration",
                    eksplane_facts::capacity::CniSource::Defaults => "defaults",
                }
            ));
        }
        for pool in &loaded.platform.node_pools {
            use eksplane_model::KubeObject;
            let allowed = eksplane_facts::capacity::allowed_types(pool, &cat);
            if allowed.is_empty() {
                output::note(&format!(
                    "note: NodePool {}: no catalog type satisfies its requirements",
                    pool.name()
                ));
            }
            selected.extend(
                allowed
                    .into_iter()
                    .map(|t| (Some(pool.name().to_string()), t)),
            );
        }
    }
    let mut seen = HashSet::new();
    selected.retain(|(p, t)| seen.insert((p.clone(), t.name.clone())));

    let options = MaxPodsOptions {
        cni_version: a.cni_version,
        prefix_delegation: a.prefix_delegation,
        custom_networking: a.custom_networking,
        cni_max_eni: a.cni_max_eni,
        show_max_allowed: a.show_max_allowed,
    };
    let with_nodeadm = a.nodeadm || expression.is_some();
    let entries: Vec<Entry> = selected
        .into_iter()
        .map(|(node_pool, t)| Entry {
            node_pool,
            max_pods: max_pods(t, &options),
            nodeadm: with_nodeadm.then(|| nodeadm_max_pods(t, expression.as_ref(), None)),
        })
        .collect();
    let show = Show {
        max_allowed: a.show_max_allowed,
        nodeadm: a.nodeadm,
        expression: expression.is_some(),
        explain: a.explain,
    };
    let v = view(&entries, &desc, a.max_pods_expression.as_deref(), show);
    let text = match a.format {
        MaxPodsFormat::Table => render_table(&v),
        MaxPodsFormat::Json => render_json(&v),
        MaxPodsFormat::Csv => render_csv(&v),
    };
    output::emit_as(&text, a.output.as_deref(), a.format == MaxPodsFormat::Table)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}
