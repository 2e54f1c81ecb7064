//! The embedded catalog against awslabs/amazon-eks-ami's eni-max-pods.txt
//! (a copy in `../shared/data/amazon-eks-ami/`, read only by this test).

use eksplane_aws_data::{Catalog, FactSource};
use eksplane_capacity::{CniVersion, MaxPodsOptions, max_pods};
use std::path::Path;

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test reports how many types it compared, or that it was skipped"
)]
fn per_ip_max_allowed_equals_eni_max_pods_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/amazon-eks-ami/eni-max-pods.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let catalog = Catalog::embedded();
    let options = MaxPodsOptions {
        show_max_allowed: true,
        ..MaxPodsOptions::new(CniVersion::new(1, 19, 2))
    };
    let (mut listed, mut compared, mut from_vpc_limits) = (0, 0, 0);
    let mut missing = Vec::new();
    let mut mismatches = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut f = line.split_whitespace();
        let (Some(name), Some(n), None) = (f.next(), f.next(), f.next()) else {
            panic!("malformed line {line:?}");
        };
        let expected: u32 = n.parse().unwrap_or_else(|e| panic!("{line:?}: {e}"));
        listed += 1;
        let Some(t) = catalog.get(name) else {
            missing.push(name);
            continue;
        };
        compared += 1;
        if t.source == FactSource::VpcLimits {
            from_vpc_limits += 1;
        }
        let got = max_pods(t, &options).shown();
        if got != expected {
            mismatches.push(format!("{name}: table {expected}, computed {got}"));
        }
    }
    eprintln!(
        "eni-max-pods.txt: {listed} types listed, {compared} compared ({from_vpc_limits} from vpc-limits.csv), \
         {} not in the catalog: {missing:?}",
        missing.len()
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(compared > 1000, "only {compared} types compared");
}
