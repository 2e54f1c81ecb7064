//! Add-ons: every installed EKS add-on `ACTIVE`, with no health issue, on a
//! version compatible with the cluster's Kubernetes version (the guide's
//! `aws eks list-addons` and `describe-addon ... --query
//! 'addon.{v:addonVersion,status:status}'`). Shapes: botocore
//! `data/eks/2017-11-01/service-2.json` (`Addon.status`: `AddonStatus`,
//! `Addon.health.issues[]`: `AddonIssue`). Compatibility: a
//! `describe-addon-versions` snapshot for the cluster's version, else the
//! EKS user guide's tables embedded in `eksplane_aws_data::addon_versions`.

use crate::Check;
use eksplane_aws_data::addon_versions::{KnownAddon, compatible};
use eksplane_aws_data::eks_versions::minor_of;
use eksplane_facts::Facts;
use eksplane_model::aws::eks::Addon;
use eksplane_source::Spanned;

/// `AddonStatus` of a working add-on.
const ACTIVE: &str = "ACTIVE";

fn same_version(a: &str, b: &str) -> bool {
    a.trim().trim_start_matches('v') == b.trim().trim_start_matches('v')
}

/// Every add-on name the inputs list or describe, in order, once.
fn names(facts: &Facts<'_>) -> Vec<String> {
    let aws = &facts.platform.aws;
    let mut out: Vec<String> = Vec::new();
    let listed = aws.addon_names.iter().map(|n| n.value.as_str());
    let described = aws.addons.iter().filter_map(|a| a.name());
    for n in listed.chain(described) {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let names = names(facts);
    if names.is_empty() {
        return vec![Check::skipped(
            "no add-on in the inputs: needs `aws eks list-addons --output json` and `aws eks \
             describe-addon --addon-name NAME --output json` for each",
        )];
    }
    let mut out = Vec::new();
    for name in &names {
        let object = format!("describe-addon {name}");
        let Some(addon) = facts.platform.aws.addon(name) else {
            let listed = facts
                .platform
                .aws
                .addon_names
                .iter()
                .find(|n| n.value == *name);
            let mut c = Check::skipped(format!(
                "add-on {name} is listed but not described: needs `aws eks describe-addon \
                 --cluster-name CLUSTER --addon-name {name} --output json`"
            ))
            .object(format!("list-addons {name}"));
            if let Some(l) = listed {
                c = c.at(l.span);
            }
            out.push(c);
            continue;
        };
        out.push(health(name, &object, addon));
        out.push(version(facts, name, &object, addon));
    }
    out
}

fn health(name: &str, object: &str, addon: &Spanned<Addon>) -> Check {
    let a = &addon.value;
    let issues: Vec<String> = a
        .health
        .iter()
        .flat_map(|h| h.issues.iter())
        .map(|i| {
            let i = &i.value;
            let mut s = i.code.clone().unwrap_or_else(|| "issue".into());
            if let Some(m) = &i.message {
                s.push_str(&format!(": {m}"));
            }
            if !i.resource_ids.is_empty() {
                s.push_str(&format!(" ({})", i.resource_ids.join(", ")));
            }
            s
        })
        .collect();
    let Some(status) = &a.status else {
        return Check::skipped(format!(
            "add-on {name}: describe-addon output has no status: needs `aws eks describe-addon \
             --addon-name {name} --output json`"
        ))
        .object(object)
        .at(addon.span);
    };
    let issue_span = a
        .health
        .as_ref()
        .and_then(|h| h.issues.first())
        .map(|i| i.span);
    if status.value != ACTIVE {
        let extra = if issues.is_empty() {
            String::new()
        } else {
            format!("; health issues: {}", issues.join("; "))
        };
        return Check::fail(format!(
            "add-on {name}: status {} (not ACTIVE){extra}",
            status.value
        ))
        .object(object)
        .field("addon.status")
        .at(status.span);
    }
    if !issues.is_empty() {
        return Check::fail(format!(
            "add-on {name}: ACTIVE but with health issues: {}",
            issues.join("; ")
        ))
        .object(object)
        .field("addon.health.issues")
        .at(issue_span.unwrap_or(status.span));
    }
    Check::pass(format!("add-on {name}: status ACTIVE, no health issues"))
        .object(object)
        .field("addon.status")
        .at(status.span)
}

fn version(facts: &Facts<'_>, name: &str, object: &str, addon: &Spanned<Addon>) -> Check {
    let p = facts.platform;
    let Some(v) = &addon.value.addon_version else {
        return Check::skipped(format!(
            "add-on {name}: describe-addon output has no addonVersion"
        ))
        .object(object)
        .at(addon.span);
    };
    let Some(cv) = &p.cluster.version else {
        return Check::skipped(format!(
            "add-on {name} {}: the cluster's Kubernetes version is not in the inputs: needs `aws \
             eks describe-cluster --name CLUSTER --output json`",
            v.value
        ))
        .object(object)
        .field("addon.addonVersion")
        .at(v.span);
    };
    let Some(minor) = minor_of(&cv.value) else {
        return Check::skipped(format!(
            "add-on {name} {}: cluster version {:?} is not a 1.NN version",
            v.value, cv.value
        ))
        .object(object)
        .at(v.span);
    };
    let kv = format!("1.{minor}");
    if let Some(info) = p.aws.addon_info(name) {
        let compatible: Vec<&str> = info.versions_for(&kv).filter_map(|x| x.version()).collect();
        if !compatible.is_empty() {
            if compatible.iter().any(|c| same_version(c, &v.value)) {
                return Check::pass(format!(
                    "add-on {name} {} is compatible with Kubernetes {kv} (describe-addon-versions)",
                    v.value
                ))
                .object(object)
                .field("addon.addonVersion")
                .at(v.span);
            }
            let default = info
                .default_version_for(&kv)
                .or_else(|| compatible.first().copied())
                .unwrap_or_default();
            return Check::fail(format!(
                "add-on {name} {} is not among the {} version(s) describe-addon-versions lists as \
                 compatible with Kubernetes {kv} (default: {default}); `aws eks update-addon \
                 --addon-name {name} --addon-version {default} --resolve-conflicts PRESERVE`",
                v.value,
                compatible.len()
            ))
            .object(object)
            .field("addon.addonVersion")
            .at(v.span);
        }
    }
    let judged =
        KnownAddon::from_name(name).and_then(|k| Some((k, compatible(k, &v.value, minor)?)));
    match judged {
        Some((k, true)) => Check::pass(format!(
            "add-on {name} {} is compatible with Kubernetes {kv} (EKS user guide table, {})",
            v.value,
            k.source()
        ))
        .object(object)
        .field("addon.addonVersion")
        .at(v.span),
        Some((k, false)) => Check::fail(format!(
            "add-on {name} {} is not compatible with Kubernetes {kv} by the EKS user guide's \
             table ({}); update it to the version listed for {kv}",
            v.value,
            k.source()
        ))
        .object(object)
        .field("addon.addonVersion")
        .at(v.span),
        None => Check::skipped(format!(
            "add-on {name} {}: compatibility with Kubernetes {kv} not judged: needs `aws eks \
             describe-addon-versions --addon-name {name} --kubernetes-version {kv} --output json`",
            v.value
        ))
        .object(object)
        .field("addon.addonVersion")
        .at(v.span),
    }
}
