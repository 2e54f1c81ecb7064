use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{PathSeg, Spanned};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Flags an EC2NodeClass whose `spec.tags` (the tags Karpenter puts on
    /// the instances, volumes and launch templates it creates) hold no
    /// cost-allocation tag, and likewise an eksctl node group (managed or
    /// self-managed) whose `tags`, together with the ClusterConfig's
    /// `metadata.tags`, hold none.
    ///
    /// A tag counts as cost allocation when its key, lowercased, with any
    /// `prefix/` or `prefix:` removed and `-`, `_`, `.` and spaces dropped, is
    /// one of: `team`, `owner`, `costcenter`, `environment`, `env`, `stage`,
    /// `project`, `application`, `app`, `service`, `product`,
    /// `businessunit`, `department`. So `team`, `cost-center`, `CostCenter`,
    /// `acme.com/environment` and `Owner` all count; `Name` and
    /// `karpenter.sh/discovery` do not.
    ///
    /// ## Why it matters
    /// Without such tags Cost Explorer and the Cost and Usage Report can only
    /// say what the cluster's instances cost in total, not which team,
    /// environment or product they ran for. The guide's cost-visibility
    /// checklist: "Tag NodePool-provisioned instances (via EC2NodeClass tags)
    /// so Cost Explorer can group by team", then activate those keys as
    /// cost allocation tags in the Billing console (and enable split cost
    /// allocation data for EKS to go down to pods).
    ///
    /// ## Example
    /// An EC2NodeClass with no `spec.tags`.
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   tags:
    ///     team: platform
    ///     environment: prod
    ///     cost-center: CC-1042
    /// ```
    /// Then activate the keys in Billing > Cost allocation tags.
    ///
    /// ## References
    /// - https://karpenter.sh/docs/concepts/nodeclasses/#spectags
    /// - https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html
    /// - https://docs.aws.amazon.com/cur/latest/userguide/split-cost-allocation-data.html
    /// - https://eksctl.io/usage/schema/#managedNodeGroups-tags
    pub RULE = ("KAR008", "no-cost-allocation-tags", Info, "Nodes launched without cost-allocation tags", Some(check));
}

/// Normalised tag keys that count as cost allocation (see the rule docs).
pub const COST_TAG_KEYS: &[&str] = &[
    "team",
    "owner",
    "costcenter",
    "environment",
    "env",
    "stage",
    "project",
    "application",
    "app",
    "service",
    "product",
    "businessunit",
    "department",
];

/// Whether a tag key is a cost-allocation key.
pub fn is_cost_tag(key: &str) -> bool {
    let last = key.rsplit(['/', ':']).next().unwrap_or(key);
    let norm: String = last
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    COST_TAG_KEYS.contains(&norm.as_str())
}

fn has_cost_tag<'a>(tags: impl IntoIterator<Item = &'a String>) -> bool {
    tags.into_iter().any(|k| is_cost_tag(k))
}

const SNIPPET_TAGS: &str =
    "  tags:\n    team: <team>\n    environment: <environment>\n    cost-center: <cost-center>\n";

/// A node group's name and tags.
type NamedTags<'a> = (&'a str, &'a BTreeMap<String, Spanned<String>>);

fn node_group_findings(p: &Platform, out: &mut Vec<Finding>) {
    for cc in &p.cluster_configs {
        let cluster_tags: &BTreeMap<String, Spanned<String>> = &cc.metadata.tags;
        let lists: [(&str, Vec<NamedTags<'_>>); 2] = [
            (
                "managedNodeGroups",
                cc.managed_node_groups
                    .iter()
                    .map(|ng| (ng.value.name(), &ng.value.tags))
                    .collect(),
            ),
            (
                "nodeGroups",
                cc.node_groups
                    .iter()
                    .map(|ng| (ng.value.name(), &ng.value.tags))
                    .collect(),
            ),
        ];
        for (field, groups) in lists {
            for (i, (name, tags)) in groups.into_iter().enumerate() {
                if has_cost_tag(tags.keys().chain(cluster_tags.keys())) {
                    continue;
                }
                let span = if tags.is_empty() {
                    cc.origin.locate_path(&[
                        PathSeg::Key(field),
                        PathSeg::Index(i),
                        PathSeg::Key("name"),
                    ])
                } else {
                    cc.origin.locate_path(&[
                        PathSeg::Key(field),
                        PathSeg::Index(i),
                        PathSeg::Key("tags"),
                    ])
                };
                let kind = if field == "managedNodeGroups" {
                    "managed node group"
                } else {
                    "node group"
                };
                out.push(
                    RULE.finding(
                        format!(
                            "eksctl {kind} {name} of cluster {} has no cost-allocation tag (team, \
                             cost-center, environment, owner, project, application, ...) in its tags or \
                             the ClusterConfig's metadata.tags: its instances cannot be attributed in \
                             Cost Explorer",
                            cc.name().value
                        ),
                        span,
                    )
                    .fix(
                        Fix::new("tag the node group (or every eksctl resource through metadata.tags), then activate the keys as cost allocation tags")
                            .with_snippet(format!(
                                "{field}:\n  - name: {name}\n    tags:\n      team: <team>\n      environment: <environment>\n      cost-center: <cost-center>\n"
                            )),
                    )
                    .object(format!("NodeGroup/{name}")),
                );
            }
        }
    }
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for c in &p.node_classes {
        if has_cost_tag(c.spec.tags.keys()) {
            continue;
        }
        let span = if c.spec.tags.is_empty() {
            c.origin.locate_key(&[], "spec")
        } else {
            c.origin.locate_key(&["spec"], "tags")
        };
        let present = if c.spec.tags.is_empty() {
            "no spec.tags".to_string()
        } else {
            let keys: Vec<&str> = c.spec.tags.keys().map(String::as_str).collect();
            format!(
                "spec.tags ({}) but none for cost allocation",
                keys.join(", ")
            )
        };
        out.push(
            RULE.finding(
                format!(
                    "EC2NodeClass {} has {present}: the instances and volumes Karpenter launches with it \
                     cannot be grouped by team, environment or cost center in Cost Explorer",
                    c.name()
                ),
                span,
            )
            .fix(
                Fix::new("add cost-allocation tags to the node class, then activate the keys as cost allocation tags in the Billing console")
                    .with_snippet(format!("spec:\n{SNIPPET_TAGS}")),
            )
            .object(c.object_ref().to_string()),
        );
    }
    node_group_findings(p, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    #[test]
    fn cost_tag_keys_are_normalised() {
        for k in [
            "team",
            "cost-center",
            "CostCenter",
            "cost_center",
            "acme.com/environment",
            "Owner",
            "app:team",
        ] {
            assert!(is_cost_tag(k), "{k}");
        }
        for k in ["Name", "karpenter.sh/discovery", "teams", ""] {
            assert!(!is_cost_tag(k), "{k}");
        }
    }

    fn run(yaml: &str) -> Vec<Finding> {
        let l = load_texts([("t.yaml", yaml)]);
        assert!(
            l.findings.is_empty(),
            "{:?}",
            l.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn node_class_tags() {
        let base = "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n  role: R\n";
        assert_eq!(run(base).len(), 1);
        assert_eq!(
            run(&format!("{base}  tags: {{Name: karpenter}}\n")).len(),
            1
        );
        assert!(run(&format!("{base}  tags: {{CostCenter: CC-1}}\n")).is_empty());
    }

    #[test]
    fn node_groups_inherit_cluster_tags() {
        let cfg = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: us-east-1
TAGS
managedNodeGroups:
  - name: system
    instanceType: m6i.large
";
        let f = run(&cfg.replace("TAGS\n", ""));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("managed node group system"),
            "{}",
            f[0].message
        );
        assert!(run(&cfg.replace("TAGS", "  tags: {team: platform}")).is_empty());
    }
}
