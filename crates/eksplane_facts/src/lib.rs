//! Platform facts: what every analysis needs to know about a loaded platform,
//! derived in one place beneath the rules, the simulator, the planners and
//! the reports (none of which derive them again).
//!
//! [`Facts`] wraps one cluster's [`Platform`] and the instance catalog and
//! computes each fact lazily, once per run: the rules of a `check` share one
//! `Facts`, so a NodePool's allowed instance types or the effective CNI
//! settings are computed once however many rules read them.

pub mod capacity;
pub mod ip_inputs;
pub mod nodes;
pub mod scheduling;

use eksplane_aws_data::Catalog;
use eksplane_diagnostics::{Note, NoteKind};
use eksplane_model::Platform;
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// The facts of one platform, derived on first use and cached.
#[derive(Debug)]
pub struct Facts<'a> {
    pub platform: &'a Platform,
    /// The embedded catalog, or the one given with `--catalog`.
    pub catalog: &'a Catalog,
    cni: OnceCell<capacity::EffectiveCni>,
    capacities: OnceCell<Vec<capacity::PoolCapacity<'a>>>,
}

impl<'a> Facts<'a> {
    pub fn new(platform: &'a Platform, catalog: &'a Catalog) -> Facts<'a> {
        Facts {
            platform,
            catalog,
            cni: OnceCell::new(),
            capacities: OnceCell::new(),
        }
    }

    /// The VPC CNI settings in effect, with where they come from.
    pub fn cni(&self) -> &capacity::EffectiveCni {
        self.cni
            .get_or_init(|| capacity::effective_cni(self.platform))
    }

    /// Every node source (see [`nodes::node_sources`]), as its capacity
    /// entry holds it.
    pub fn node_sources(&self) -> impl Iterator<Item = &nodes::NodeSource<'a>> {
        self.capacities().iter().map(|c| &c.source)
    }

    /// What the analyses could not judge or had to assume on this platform,
    /// for every output (a clean result on assumptions is not an all-clear).
    pub fn notes(&self) -> Vec<Note> {
        let p = self.platform;
        let mut out = Vec::new();
        let has_sources = !self.capacities().is_empty();
        if !p.cluster_configs.is_empty() || !p.aws.clusters.is_empty() {
            // cluster facts present
        } else {
            out.push(Note::new(
                NoteKind::Missing,
                "cluster",
                "no cluster facts (eksctl ClusterConfig or `aws eks describe-cluster`): the authentication mode, Kubernetes version support and endpoint checks had nothing to judge",
            ));
        }
        if !has_sources {
            out.push(Note::new(
                NoteKind::Missing,
                "capacity",
                "no node source (Karpenter NodePool, eksctl node group or `aws eks describe-nodegroup`): pod capacity against the VPC CNI was not judged",
            ));
        }
        let cni_relevant = has_sources
            || !p.security_group_policies.is_empty()
            || !p.eni_configs.is_empty()
            || !p.aws.subnets.is_empty();
        if cni_relevant {
            let cni = self.cni();
            for a in &cni.assumed {
                out.push(Note::new(NoteKind::Assumed, "cni", a.clone()));
            }
        }
        for c in self.capacities() {
            for n in &c.notes {
                out.push(
                    Note::new(NoteKind::Skipped, "capacity", format!("{}: {n}", c.label()))
                        .at(c.source.span),
                );
            }
        }
        if has_sources && p.aws.subnets.is_empty() && p.network_plans.is_empty() {
            out.push(Note::new(
                NoteKind::Missing,
                "ip-space",
                "no subnets (`aws ec2 describe-subnets` or a NetworkPlan): IP space and free /28 prefixes were not judged",
            ));
        }
        let mut opaque: BTreeMap<String, usize> = BTreeMap::new();
        for o in &p.opaque {
            *opaque
                .entry(format!("{} ({})", o.origin.kind, o.origin.api_version))
                .or_default() += 1;
        }
        if !opaque.is_empty() {
            let total: usize = opaque.values().sum();
            let list: Vec<String> = opaque
                .iter()
                .take(8)
                .map(|(k, n)| format!("{k} x{n}"))
                .collect();
            let more = opaque.len().saturating_sub(8);
            out.push(Note::new(
                NoteKind::Skipped,
                "inputs",
                format!(
                    "{total} object(s) of kinds eksplane does not analyse were read and not checked: {}{}",
                    list.join(", "),
                    if more > 0 {
                        format!(", and {more} more kind(s)")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        out
    }

    /// Every node source's capacity, type by type (see [`capacity::pools`]).
    pub fn capacities(&self) -> &[capacity::PoolCapacity<'a>] {
        self.capacities
            .get_or_init(|| capacity::pools(self.platform, self.catalog))
    }
}
