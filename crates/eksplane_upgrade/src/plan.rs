//! The plan: from the cluster's version to the target, one minor at a time.

use crate::addons::{self, InstalledFrom, VerdictSource};
use crate::apis;
use crate::calendar;
use crate::dataplane::{self, AmiSelection};
use crate::drain::{self, PdbBlock};
use crate::karpenter::{self, AtTarget};
use crate::model::{Item, ItemKind, Minor, RemovedApiUse, Stage, Step, UpgradePlan};
use crate::surge::{self, Surge, SurgeOutcome};
use eksplane_aws_data::Catalog;
use eksplane_aws_data::eks_versions::{self, Date};
use eksplane_model::eksctl::NodeGroupRef;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;

/// The version to plan to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The newest version in the EKS calendar.
    Latest,
    Minor(u32),
}

impl Target {
    /// `1.33`, `v1.33` or `latest`.
    pub fn parse(s: &str) -> Option<Target> {
        if s.trim().eq_ignore_ascii_case("latest") {
            return Some(Target::Latest);
        }
        let m = eks_versions::minor_of(s)?;
        // Only `1.x` exactly (a patch is not a target).
        let t = s.trim().trim_start_matches('v');
        (t == format!("1.{m}")).then_some(Target::Minor(m))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PlanOptions<'a> {
    pub to: Target,
    pub today: Date,
    pub catalog: &'a Catalog,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the cluster's Kubernetes version is not in the inputs: give the eksctl ClusterConfig (metadata.version) or `aws eks describe-cluster --output json`"
    )]
    NoClusterVersion,
    #[error("the cluster's version {value:?} is not a Kubernetes 1.x version")]
    BadClusterVersion { value: String, span: Span },
    #[error("the target {to} is not newer than the cluster's version {from}")]
    NotNewer { from: Minor, to: Minor, span: Span },
    #[error("the target {to} is not in the EKS version calendar (newest: {newest})")]
    UnknownTarget { to: Minor, newest: Minor },
}

impl PlanError {
    /// Where the fact the error is about is written.
    pub fn span(&self) -> Option<Span> {
        match self {
            PlanError::BadClusterVersion { span, .. } | PlanError::NotNewer { span, .. } => {
                Some(*span)
            }
            _ => None,
        }
    }
}

/// Builds the plan.
pub fn plan(p: &Platform, o: &PlanOptions<'_>) -> Result<UpgradePlan, PlanError> {
    let cv = p
        .cluster
        .version
        .as_ref()
        .ok_or(PlanError::NoClusterVersion)?;
    let from = eks_versions::minor_of(&cv.value).ok_or_else(|| PlanError::BadClusterVersion {
        value: cv.value.clone(),
        span: cv.span,
    })?;
    let newest = eks_versions::newest().map_or(from, |v| v.minor);
    let to = match o.to {
        Target::Latest => newest,
        Target::Minor(m) => m,
    };
    if to > newest {
        return Err(PlanError::UnknownTarget {
            to: Minor(to),
            newest: Minor(newest),
        });
    }
    if to <= from {
        return Err(PlanError::NotNewer {
            from: Minor(from),
            to: Minor(to),
            span: cv.span,
        });
    }
    let ctx = Ctx::new(p);
    let scanned = apis::scan(p, to);
    let already_removed: Vec<RemovedApiUse> = scanned
        .iter()
        .filter(|u| u.removed_in.is_some_and(|r| r.0 <= from))
        .cloned()
        .collect();
    let watched_apis: Vec<RemovedApiUse> = scanned
        .iter()
        .filter(|u| !apis::is_removal(u))
        .cloned()
        .collect();
    let surge = surge::surge(p, o.catalog);
    let mut steps = Vec::new();
    for m in from..to {
        let mut step = Step {
            from: Minor(m),
            to: Minor(m + 1),
            blockers: Vec::new(),
            actions: Vec::new(),
            // The first step also carries what is already removed: nothing
            // of the plan can be applied until those are rewritten.
            removed_apis: scanned
                .iter()
                .filter(|u| {
                    u.removed_in == Some(Minor(m + 1))
                        || (m == from && u.removed_in.is_some_and(|r| r.0 <= from))
                })
                .cloned()
                .collect(),
        };
        for u in &step.removed_apis {
            let already = u.removed_in.is_some_and(|r| r.0 <= from);
            step.blockers.push(removed_api_item(u, already));
        }
        ctx.addons(&mut step);
        ctx.karpenter(&mut step);
        ctx.control_plane(&mut step);
        ctx.data_plane(&mut step);
        ctx.drain(&mut step);
        ctx.network(&mut step, &surge);
        ctx.verify(&mut step);
        step.blockers.sort_by_key(|i| i.stage);
        step.actions.sort_by_key(|i| i.stage);
        steps.push(step);
    }
    Ok(UpgradePlan {
        cluster: ctx.cluster.clone(),
        region: p.cluster.region.as_ref().map(|r| r.value.clone()),
        from: Minor(from),
        to: Minor(to),
        version_span: cv.span,
        today: o.today.to_string(),
        already_removed,
        watched_apis,
        steps,
        calendar: calendar::calendar(from, to, o.today),
        surge: match surge {
            SurgeOutcome::Judged(s) => Some(s),
            SurgeOutcome::NotJudged(_) => None,
        },
    })
}

fn removed_api_item(u: &RemovedApiUse, already: bool) -> Item {
    let removed = u.removed_in.map_or(String::new(), |r| r.to_string());
    let what = if already {
        format!(
            "{} uses {} {}, no longer served since {removed}: it cannot be applied to the cluster at all",
            apis::object_ref(u),
            u.api_version,
            u.kind
        )
    } else {
        format!(
            "{} uses {} {}, which {removed} no longer serves",
            apis::object_ref(u),
            u.api_version,
            u.kind
        )
    };
    let mut item = Item::new(ItemKind::RemovedApi, Stage::Apis, what)
        .at(u.span)
        .object(apis::object_ref(u))
        .source(u.source.citation());
    let kind = u.replacement_kind.as_deref().unwrap_or(&u.kind);
    item = match &u.replacement {
        Some(r) => {
            let mut fix = format!("write apiVersion: {r}");
            if kind != u.kind {
                fix.push_str(&format!(" and kind: {kind}"));
            }
            if let Some(f) = &u.field_changes {
                fix.push_str(&format!("; also: {f}"));
            }
            if let Some(by) = u.removed_by {
                fix.push_str(&format!(" (removed by {by})"));
            }
            item.fix(fix)
        }
        None => item.fix(
            u.field_changes
                .clone()
                .unwrap_or_else(|| "remove it: there is no replacement".to_string()),
        ),
    };
    if let Some(r) = &u.replacement
        && u.removed_by.is_none()
    {
        item = item.command(format!("kubectl-convert -f FILE --output-version {r}"));
    }
    item
}

/// Facts read once for every step.
struct Ctx<'a> {
    p: &'a Platform,
    cluster: String,
    installed: Vec<addons::Installed>,
    karpenter: Result<Option<karpenter::Controller>, (String, Span)>,
    pdbs: Vec<drain::BlockingPdb>,
    do_not_disrupt: Vec<drain::DoNotDisrupt>,
    zero_budgets: Vec<drain::ZeroBudget>,
    uses_karpenter: bool,
}

impl<'a> Ctx<'a> {
    fn new(p: &'a Platform) -> Ctx<'a> {
        let karpenter = karpenter::controller(p);
        let uses_karpenter = !p.node_pools.is_empty() || matches!(karpenter, Ok(Some(_)));
        Ctx {
            p,
            cluster: p
                .cluster
                .name
                .as_ref()
                .map_or_else(|| "CLUSTER".to_string(), |n| n.value.clone()),
            installed: addons::installed(p),
            karpenter,
            pdbs: drain::blocking_pdbs(p),
            do_not_disrupt: drain::do_not_disrupt(p),
            zero_budgets: drain::zero_budgets(p),
            uses_karpenter,
        }
    }

    fn addons(&self, step: &mut Step) {
        let to = step.to.0;
        let c = &self.cluster;
        for a in &self.installed {
            let v = addons::at_target(self.p, a, to);
            let src = match v.source {
                VerdictSource::Snapshot => "aws eks describe-addon-versions snapshot in the inputs",
                VerdictSource::EmbeddedTable => {
                    eksplane_aws_data::addon_versions::KnownAddon::from_name(&a.name)
                        .map_or("", |k| k.source())
                }
                VerdictSource::None => "",
            };
            let have = a.version.as_deref().unwrap_or("(EKS default)");
            let update_cmds = |item: Item, target: &str| {
                item.command(format!(
                    "aws eks update-addon --cluster-name {c} --addon-name {} --addon-version {target} --resolve-conflicts PRESERVE",
                    a.name
                ))
                .command(format!(
                    "aws eks wait addon-active --cluster-name {c} --addon-name {}",
                    a.name
                ))
            };
            match (v.compatible, &v.target_version) {
                (Some(false), target) => {
                    let target = target
                        .as_deref()
                        .unwrap_or("a version compatible with the target");
                    let mut item = Item::new(
                        ItemKind::AddonIncompatible,
                        Stage::Addons,
                        format!(
                            "add-on {} {have} is not compatible with {}: EKS refuses the control-plane update until it is updated",
                            a.name, step.to
                        ),
                    )
                    .at(a.span)
                    .object(format!("addon/{}", a.name));
                    if !src.is_empty() {
                        item = item.source(src);
                    }
                    if a.from == InstalledFrom::Eksctl {
                        item = item.fix(format!("set addons[{}].version to {target}", a.name));
                    }
                    step.blockers.push(update_cmds(item, target));
                }
                (_, Some(target)) => {
                    let same = a.version.as_deref().is_some_and(|h| {
                        h.trim_start_matches('v') == target.trim_start_matches('v')
                    });
                    if same {
                        continue;
                    }
                    let after = addons::after_control_plane(a);
                    let mut item = Item::new(
                        ItemKind::AddonUpdate,
                        if after {
                            Stage::AddonsAfterControlPlane
                        } else {
                            Stage::Addons
                        },
                        format!(
                            "update add-on {} {have} -> {target} ({})",
                            a.name,
                            if after {
                                "right after the control plane: it must not be newer than the API server"
                            } else {
                                "before the control plane"
                            }
                        ),
                    )
                    .at(a.span)
                    .object(format!("addon/{}", a.name));
                    if !src.is_empty() {
                        item = item.source(src);
                    }
                    if a.from == InstalledFrom::Eksctl && a.version.is_some() {
                        item = item.fix(format!("set addons[{}].version to {target}", a.name));
                    }
                    step.actions.push(update_cmds(item, target));
                }
                (_, None) => {
                    step.actions.push(
                        Item::new(
                            ItemKind::AddonUnknown,
                            Stage::Addons,
                            format!(
                                "add-on {} {have}: no version known for {} (neither a describe-addon-versions snapshot nor the embedded table lists one): look it up and update it before the control plane",
                                a.name, step.to
                            ),
                        )
                        .at(a.span)
                        .object(format!("addon/{}", a.name))
                        .command(format!(
                            "aws eks describe-addon-versions --addon-name {} --kubernetes-version {} --query 'addons[].addonVersions[?compatibilities[0].defaultVersion].addonVersion' --output text",
                            a.name, step.to
                        )),
                    );
                }
            }
        }
    }

    fn karpenter(&self, step: &mut Step) {
        let to = step.to.0;
        match &self.karpenter {
            Err((msg, span)) => step.blockers.push(
                Item::new(
                    ItemKind::KarpenterUnknown,
                    Stage::Karpenter,
                    format!("{msg}: cannot tell whether it supports {}", step.to),
                )
                .at(*span)
                .source(eksplane_aws_data::api_removals::ApiSource::Karpenter.citation()),
            ),
            Ok(None) => {}
            Ok(Some(c)) => {
                let src = "aws/karpenter-provider-aws hack/docs/compatibilitymatrix_gen/compatibility.yaml";
                match karpenter::at_target(c, to) {
                    AtTarget::Supported(_) => {}
                    AtTarget::UpgradeFirst { current, to: row } => {
                        let range = current
                            .map_or("is not in the compatibility matrix".to_string(), |r| {
                                format!("supports 1.{}-1.{}", r.min_k8s_minor, r.max_k8s_minor)
                            });
                        let version = match row.app_version {
                            eksplane_aws_data::karpenter_compat::AppVersion::Minor {
                                major,
                                minor,
                            } => {
                                format!("{major}.{minor}.0")
                            }
                            eksplane_aws_data::karpenter_compat::AppVersion::FromPatch(v) => {
                                v.to_string()
                            }
                        };
                        let ns = &c.namespace;
                        step.blockers.push(
                            Item::new(
                                ItemKind::KarpenterUnsupported,
                                Stage::Karpenter,
                                format!(
                                    "Karpenter {} {range}: upgrade Karpenter to {} (or later) before the control plane goes to {}",
                                    c.version, row.app_version, step.to
                                ),
                            )
                            .at(c.span)
                            .object(c.object.clone())
                            .fix(format!("render the chart at version {version}"))
                            .command(format!(
                                "helm upgrade --install karpenter-crd oci://public.ecr.aws/karpenter/karpenter-crd --version {version} --namespace {ns}"
                            ))
                            .command(format!(
                                "helm upgrade karpenter oci://public.ecr.aws/karpenter/karpenter --version {version} --namespace {ns} --reuse-values --wait"
                            ))
                            .source(src),
                        );
                    }
                    AtTarget::NoRelease { .. } => step.blockers.push(
                        Item::new(
                            ItemKind::KarpenterUnsupported,
                            Stage::Karpenter,
                            format!(
                                "no Karpenter release in the compatibility matrix supports {}",
                                step.to
                            ),
                        )
                        .at(c.span)
                        .object(c.object.clone())
                        .source(src),
                    ),
                }
            }
        }
    }

    fn control_plane(&self, step: &mut Step) {
        let c = &self.cluster;
        step.actions.push(
            Item::new(
                ItemKind::ControlPlaneUpdate,
                Stage::ControlPlane,
                format!("update the control plane {} -> {}", step.from, step.to),
            )
            .at(self
                .p
                .cluster
                .version
                .as_ref()
                .map_or(Span::detached(), |v| v.span))
            .fix(format!("set the cluster version to \"{}\"", step.to))
            .command(format!(
                "aws eks update-cluster-version --name {c} --kubernetes-version {}",
                step.to
            ))
            .command(format!("aws eks wait cluster-active --name {c}"))
            .source(calendar::SRC_CALENDAR),
        );
    }

    fn data_plane(&self, step: &mut Step) {
        let to = step.to.0;
        let c = &self.cluster;
        for nc in &self.p.node_classes {
            let name = dataplane::class_ref(nc);
            if to > dataplane::LAST_AL2_MINOR
                && let Some(span) = dataplane::al2_span(nc)
            {
                step.blockers.push(
                    Item::new(
                        ItemKind::Al2Unsupported,
                        Stage::DataPlane,
                        format!(
                            "{name} boots Amazon Linux 2: EKS publishes no AL2 AMI for {} (the last is 1.{})",
                            step.to,
                            dataplane::LAST_AL2_MINOR
                        ),
                    )
                    .at(span)
                    .object(name.clone())
                    .fix("move to Amazon Linux 2023 (amiSelectorTerms: [{alias: al2023@latest}]) or Bottlerocket, and test the workloads on it")
                    .source(dataplane::SRC_AL2),
                );
            }
            let (sel, span) = dataplane::ami_selection(nc);
            match sel {
                AmiSelection::Latest { alias } => step.actions.push(
                    Item::new(
                        ItemKind::AmiAliasLatest,
                        Stage::DataPlane,
                        format!(
                            "{name}: {alias} resolves to the {} AMI once the control plane is updated; Karpenter drifts its nodes on its own within the NodePools' disruption budgets",
                            step.to
                        ),
                    )
                    .at(span)
                    .object(name.clone())
                    .command("kubectl get nodeclaims -o wide --watch")
                    .source(dataplane::SRC_ALIAS),
                ),
                AmiSelection::Pinned {
                    alias,
                    family,
                    release,
                    date,
                } => {
                    let released = eks_versions::EKS_VERSIONS
                        .iter()
                        .find(|v| v.minor == to)
                        .map(|v| v.released);
                    let ssm = format!(
                        "aws ssm get-parameters-by-path --path /aws/service/eks/optimized-ami/{}/amazon-linux-2023/x86_64/standard/ --query 'Parameters[].Name' --output text",
                        step.to
                    );
                    if dataplane::pinned_release_exists(date, to) == Some(false) {
                        let since = released.map_or(String::new(), |d| d.to_string());
                        step.blockers.push(
                            Item::new(
                                ItemKind::AmiReleaseMissing,
                                Stage::DataPlane,
                                format!(
                                    "{name} pins {alias}: release {release} predates {} on EKS ({since}), so no such AMI exists for {}; after the control-plane update Karpenter cannot resolve an AMI and launches no node",
                                    step.to, step.to
                                ),
                            )
                            .at(span)
                            .object(name.clone())
                            .fix(format!(
                                "bump the alias to a release built for {} (on or after {since}), e.g. {family}@latest, or {family}@vYYYYMMDD of such a release, before the control plane",
                                step.to
                            ))
                            .command(ssm)
                            .command("kubectl apply -f FILE")
                            .source(dataplane::SRC_ALIAS),
                        );
                    } else {
                        step.actions.push(
                            Item::new(
                                ItemKind::AmiAliasPinned,
                                Stage::DataPlane,
                                format!(
                                    "{name} pins {alias}: after the control-plane update it resolves to release {release} built for {}, and Karpenter drifts the nodes; to take a newer release, bump the alias",
                                    step.to
                                ),
                            )
                            .at(span)
                            .object(name.clone())
                            .fix(format!("set alias: {family}@vYYYYMMDD (a release listed for {})", step.to))
                            .command(ssm)
                            .command("kubectl apply -f FILE")
                            .source(dataplane::SRC_ALIAS),
                        );
                    }
                }
                AmiSelection::Explicit => step.actions.push(
                    Item::new(
                        ItemKind::AmiAliasPinned,
                        Stage::DataPlane,
                        format!(
                            "{name} selects AMIs by id, name, tag or SSM parameter: select AMIs built for {} yourself, or Karpenter keeps launching the old kubelet",
                            step.to
                        ),
                    )
                    .at(span)
                    .object(name.clone())
                    .source(dataplane::SRC_ALIAS),
                ),
            }
        }
        let allowed = dataplane::allowed_kubelet_skew(to);
        for (cc, ng) in dataplane::node_groups(self.p) {
            let name = ng.name();
            let object = format!(
                "{}/{}",
                if ng.is_managed() {
                    "managedNodeGroup"
                } else {
                    "nodeGroup"
                },
                name
            );
            if to > dataplane::LAST_AL2_MINOR && dataplane::node_group_is_al2(&ng) {
                step.blockers.push(
                    Item::new(
                        ItemKind::Al2Unsupported,
                        Stage::DataPlane,
                        format!(
                            "node group {name} uses amiFamily AmazonLinux2: EKS publishes no AL2 AMI for {} (the last is 1.{})",
                            step.to,
                            dataplane::LAST_AL2_MINOR
                        ),
                    )
                    .at(ng.span())
                    .object(object.clone())
                    .fix("create a replacement group with amiFamily: AmazonLinux2023 (or Bottlerocket), move the workloads, delete this one")
                    .source(dataplane::SRC_AL2),
                );
            }
            if let Some((kubelet, span)) = dataplane::pinned_kubelet_minor(&ng) {
                let skew = to.saturating_sub(kubelet);
                let item = Item::new(
                    ItemKind::VersionSkew,
                    Stage::DataPlane,
                    format!(
                        "node group {name} pins releaseVersion to Kubernetes 1.{kubelet}: {skew} minor(s) behind {} (kubelet may be {allowed} behind)",
                        step.to
                    ),
                )
                .at(span)
                .object(object.clone())
                .fix("remove releaseVersion (or set one built for the new version) so the update moves the nodes")
                .source(dataplane::SRC_SKEW);
                if skew > allowed {
                    step.blockers.push(item);
                } else {
                    step.actions.push(item);
                }
            }
            if let Some((ami, span)) = dataplane::custom_ami(&ng) {
                step.actions.push(
                    Item::new(
                        ItemKind::VersionSkew,
                        Stage::DataPlane,
                        format!(
                            "node group {name} runs custom AMI {ami}: its kubelet version is not in the inputs; build one for {} (kubelet may be {allowed} minors behind)",
                            step.to
                        ),
                    )
                    .at(span)
                    .object(object.clone())
                    .source(dataplane::SRC_SKEW),
                );
            }
            let file_hint = format!("the ClusterConfig of {}", cc.name().value);
            match ng {
                NodeGroupRef::Managed(_) => step.actions.push(
                    Item::new(
                        ItemKind::ManagedNodeGroupUpdate,
                        Stage::DataPlane,
                        format!(
                            "roll managed node group {name} to {} (rolling update: new nodes first, old ones drained under PDBs)",
                            step.to
                        ),
                    )
                    .at(ng.span())
                    .object(object.clone())
                    .command(format!(
                        "eksctl upgrade nodegroup --cluster {c} --name {name} --kubernetes-version {}",
                        step.to
                    ))
                    .command(format!(
                        "aws eks wait nodegroup-active --cluster-name {c} --nodegroup-name {name}"
                    ))
                    .source(dataplane::SRC_MNG_UPDATE),
                ),
                NodeGroupRef::SelfManaged(_) => step.actions.push(
                    Item::new(
                        ItemKind::SelfManagedNodeGroupReplace,
                        Stage::DataPlane,
                        format!(
                            "replace self-managed node group {name}: a new group at {} from {file_hint}, then drain and delete the old one",
                            step.to
                        ),
                    )
                    .at(ng.span())
                    .object(object.clone())
                    .fix(format!("add a copy of {name} with a new name (e.g. {name}-1-{})", to))
                    .command(format!(
                        "eksctl create nodegroup --config-file FILE --include '{name}-1-{to}'"
                    ))
                    .command(format!(
                        "eksctl delete nodegroup --cluster {c} --name {name} --drain"
                    ))
                    .source("https://eksctl.io/usage/nodegroup-upgrade/"),
                ),
            }
        }
    }

    fn drain(&self, step: &mut Step) {
        for b in &self.pdbs {
            let (why, fix) = match &b.why {
                PdbBlock::MaxUnavailableZero { written } => (
                    format!("maxUnavailable: {written}"),
                    "set maxUnavailable: 1".to_string(),
                ),
                PdbBlock::MinAvailableAll { written } => (
                    format!("minAvailable: {written} (every pod)"),
                    "set maxUnavailable: 1 instead of minAvailable".to_string(),
                ),
                PdbBlock::MinAvailableAtReplicas {
                    written,
                    min_pods,
                    replicas,
                } => (
                    format!(
                        "minAvailable: {written} ({min_pods} pod(s)) with {replicas} replica(s)"
                    ),
                    format!(
                        "set maxUnavailable: 1 instead of minAvailable, or run at least {} replicas",
                        min_pods + 1
                    ),
                ),
            };
            let covers = if b.workloads.is_empty() {
                String::new()
            } else {
                format!(" (covers {})", b.workloads.join(", "))
            };
            step.blockers.push(
                Item::new(
                    ItemKind::PdbBlocksDrain,
                    Stage::Drain,
                    format!(
                        "{}{covers} allows no eviction ({why}): draining its nodes never finishes",
                        b.pdb
                    ),
                )
                .at(b.span)
                .object(b.pdb.clone())
                .fix(fix)
                .source(drain::SRC_PDB),
            );
        }
        if self.uses_karpenter {
            let unbounded = drain::pools_without_grace_period(self.p);
            for d in &self.do_not_disrupt {
                let item = Item::new(
                    ItemKind::DoNotDisrupt,
                    Stage::Drain,
                    if unbounded.is_empty() {
                        format!(
                            "{} is annotated karpenter.sh/do-not-disrupt: its nodes drift only when every NodePool's terminationGracePeriod runs out",
                            d.workload
                        )
                    } else {
                        format!(
                            "{} is annotated karpenter.sh/do-not-disrupt and NodePool(s) {} set no terminationGracePeriod: Karpenter never drifts the nodes it runs on",
                            d.workload,
                            unbounded.iter().map(|n| n.name()).collect::<Vec<_>>().join(", ")
                        )
                    },
                )
                .at(d.span)
                .object(d.workload.clone())
                .fix("remove the annotation for the upgrade window, or set spec.template.spec.terminationGracePeriod on the NodePools")
                .source(drain::SRC_DO_NOT_DISRUPT);
                if unbounded.is_empty() {
                    step.actions.push(item);
                } else {
                    step.blockers.push(item);
                }
            }
        }
        for z in &self.zero_budgets {
            match &z.schedule {
                None => step.blockers.push(
                    Item::new(
                        ItemKind::DisruptionBudgetZero,
                        Stage::Drain,
                        format!(
                            "{} has a disruption budget of 0 nodes for drift at all times: its nodes never move to {}",
                            z.pool, step.to
                        ),
                    )
                    .at(z.span)
                    .object(z.pool.clone())
                    .fix("allow drift, e.g. budgets: [{nodes: \"10%\"}], or give the 0 budget a schedule and duration outside the upgrade window")
                    .source(drain::SRC_BUDGETS),
                ),
                Some((schedule, duration)) => step.actions.push(
                    Item::new(
                        ItemKind::DisruptionBudgetZero,
                        Stage::Drain,
                        format!(
                            "{} blocks drift during \"{schedule}\"{}: roll outside that window",
                            z.pool,
                            duration.as_deref().map_or(String::new(), |d| format!(" for {d}"))
                        ),
                    )
                    .at(z.span)
                    .object(z.pool.clone())
                    .source(drain::SRC_BUDGETS),
                ),
            }
        }
    }

    fn network(&self, step: &mut Step, s: &SurgeOutcome) {
        match s {
            SurgeOutcome::NotJudged(why) => {
                if self.uses_karpenter
                    || self
                        .p
                        .cluster_configs
                        .iter()
                        .any(|c| !c.node_groups().is_empty())
                {
                    step.actions.push(Item::new(
                        ItemKind::SurgeNotJudged,
                        Stage::Network,
                        format!(
                            "whether the replacement nodes fit the subnets is not judged: {why}"
                        ),
                    ));
                }
            }
            SurgeOutcome::Judged(s) => {
                if s.groups.is_empty() {
                    return;
                }
                step_network_item(step, s);
            }
        }
    }

    fn verify(&self, step: &mut Step) {
        step.actions.push(
            Item::new(
                ItemKind::Verify,
                Stage::Verify,
                format!(
                    "verify: every node reports kubelet {}, add-ons are ACTIVE, workloads are Ready; re-run the checks",
                    step.to
                ),
            )
            .command("kubectl get nodes -L node.kubernetes.io/instance-type -o wide")
            .command(format!(
                "aws eks list-addons --cluster-name {} --output text",
                self.cluster
            ))
            .command("kubectl get pods -A --field-selector=status.phase!=Running,status.phase!=Succeeded")
            .command("eksplane check PATH"),
        );
    }
}

fn step_network_item(step: &mut Step, s: &Surge) {
    let groups = s
        .groups
        .iter()
        .filter(|g| g.surge_nodes > 0)
        .map(|g| {
            format!(
                "{} {} {} x {} ({}; {} address(es){} each)",
                match g.source {
                    surge::NodeSource::NodePool => "NodePool",
                    surge::NodeSource::ManagedNodeGroup => "managed node group",
                    surge::NodeSource::SelfManagedNodeGroup => "node group",
                },
                g.name,
                g.surge_nodes,
                g.instance_type,
                g.rule,
                g.per_node.total_addresses(),
                if g.per_node.prefixes > 0 {
                    format!(", {} /28 prefix(es)", g.per_node.prefixes)
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let total = s.total_surge_nodes();
    let n = &s.node_side;
    let mut short = Vec::new();
    if n.short_addresses() > 0 {
        short.push(format!("{} address(es)", n.short_addresses()));
    }
    if n.short_prefixes() > 0 {
        short.push(format!("{} /28 prefix(es)", n.short_prefixes()));
    }
    if let Some(ps) = &s.pod_side {
        if ps.short_addresses() > 0 {
            short.push(format!(
                "{} address(es) in the pod subnets",
                ps.short_addresses()
            ));
        }
        if ps.short_prefixes() > 0 {
            short.push(format!(
                "{} /28 prefix(es) in the pod subnets",
                ps.short_prefixes()
            ));
        }
    }
    let need = format!(
        "{total} extra node(s) at once: {groups}; they need {} address(es){} in the node subnets, which have {} free{} at the current demand",
        n.need_addresses,
        if n.need_prefixes > 0 {
            format!(" ({} /28 prefix(es))", n.need_prefixes)
        } else {
            String::new()
        },
        n.free_addresses,
        if n.need_prefixes > 0 {
            format!(" ({} whole /28s)", n.free_prefixes)
        } else {
            String::new()
        }
    );
    // Point at the node source that launches the most nodes at once.
    let span = s
        .groups
        .iter()
        .max_by_key(|g| g.surge_nodes * g.per_node.total_addresses())
        .map(|g| g.span);
    if !s.current_demand_fits {
        let mut item = Item::new(
            ItemKind::SurgeDoesNotFit,
            Stage::Network,
            format!("the subnets do not hold the current demand already ({need})"),
        )
        .fix("add subnets or a secondary CIDR before the upgrade (eksplane ip-plan shows where allocation fails and the remedies)")
        .command("eksplane ip-plan PATH")
        .source("https://karpenter.sh/docs/concepts/disruption/#drift");
        if let Some(sp) = span {
            item = item.at(sp);
        }
        step.blockers.push(item);
        return;
    }
    if s.fits() {
        step.actions.push(
            Item::new(ItemKind::SurgeFits, Stage::Network, format!("surge fits: {need}"))
                .source("https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html"),
        );
        return;
    }
    let mut item = Item::new(
        ItemKind::SurgeDoesNotFit,
        Stage::Network,
        format!("surge does not fit: {need}; short by {}", short.join(" and ")),
    )
    .fix(format!(
        "add a node subnet (or a secondary VPC CIDR with custom networking) holding at least the shortfall, or roll fewer nodes at once: at most {} new node(s) fit (Karpenter: spec.disruption.budgets: [{{nodes: \"{}\"}}]; managed node groups surge by at least 2 per Availability Zone whatever maxUnavailable says)",
        s.nodes_that_fit,
        s.nodes_that_fit.max(1)
    ))
    .command("eksplane ip-plan PATH")
    .source("https://karpenter.sh/docs/concepts/disruption/#drift");
    if let Some(sp) = span {
        item = item.at(sp);
    }
    step.blockers.push(item);
}
