//! The upgrade planner: from the cluster's Kubernetes version to a target,
//! one minor at a time, each step with its blockers and its actions in the
//! order the guide's runbook gives ("Cluster-upgrade runbook", "Add-ons and
//! upgrades"): removed APIs, add-ons first, Karpenter, the control plane,
//! then the data plane under PDBs, then verify.
//!
//! Pure: reads the model (and, through [`inputs`], the facts other analyses
//! derive); no I/O, no clock (`today` is an argument), no printing.
//!
//! - [`apis`]: objects whose `apiVersion` is removed (or deprecated) on the way.
//! - [`addons`]: the version of each installed add-on at each step.
//! - [`karpenter`]: the controller's version against its compatibility matrix.
//! - [`dataplane`]: AMI aliases, AL2, node-group version skew, the roll order.
//! - [`drain`]: what stops nodes from draining (PDBs, do-not-disrupt, budgets).
//! - [`surge`]: the extra nodes a roll launches, and whether the subnets hold them.
//! - [`calendar`]: support windows and what staying costs.
//! - [`plan()`]: all of it, per step.

pub mod addons;
pub mod apis;
pub mod calendar;
pub mod dataplane;
pub mod drain;
pub mod inputs;
pub mod karpenter;
mod model;
mod plan;
pub mod surge;

pub use model::{Item, ItemKind, Minor, RemovedApiUse, Stage, Step, UpgradePlan};
pub use plan::{PlanError, PlanOptions, Target, plan};
