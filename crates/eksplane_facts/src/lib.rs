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
use eksplane_model::Platform;
use std::cell::OnceCell;

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

    /// Every node source's capacity, type by type (see [`capacity::pools`]).
    pub fn capacities(&self) -> &[capacity::PoolCapacity<'a>] {
        self.capacities
            .get_or_init(|| capacity::pools(self.platform, self.catalog))
    }
}
