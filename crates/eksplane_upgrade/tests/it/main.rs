//! The upgrade planner: its tables against their sources, each decision on
//! small inputs, and the bundled examples end to end.

mod examples;
mod props;
mod tables;
mod unit;

use eksplane_aws_data::Catalog;
use eksplane_aws_data::eks_versions::Date;
use eksplane_load::{Loaded, load_texts};
use eksplane_upgrade::{PlanOptions, Target, UpgradePlan, plan};
use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Loads files given inline as `(name, text)`.
pub fn load(files: &[(&str, &str)]) -> Loaded {
    let l = load_texts(files.iter().copied());
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    l
}

/// The plan of `loaded` to `to`, as of 2026-01-15.
pub fn plan_to(l: &Loaded, to: u32) -> UpgradePlan {
    plan(
        &l.platform,
        &PlanOptions {
            to: Target::Minor(to),
            today: Date::new(2026, 1, 15),
            catalog: Catalog::embedded(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A minimal eksctl ClusterConfig at `version`, plus `extra` YAML appended.
pub fn cluster(version: &str, extra: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-east-1\n  version: \"{version}\"\n{extra}"
    )
}
