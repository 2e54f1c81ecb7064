//! max-pods for the whole embedded catalog (what `eksplane max-pods --all`
//! computes), plus parsing the embedded catalog text.
//!
//! `cargo bench -p eksplane_capacity --bench max_pods`

use criterion::{Criterion, criterion_group, criterion_main};
use eksplane_aws_data::{Catalog, EMBEDDED_CATALOG};
use eksplane_capacity::{
    AmiFamily, CniOptions, CniVersion, KarpenterInputs, MaxPodsOptions, compare, max_pods,
};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let per_ip = MaxPodsOptions::new(CniVersion::new(1, 19, 2));
    let prefix = MaxPodsOptions {
        prefix_delegation: true,
        ..per_ip
    };
    c.bench_function("max_pods/all_types/per_ip", |b| {
        b.iter(|| {
            catalog
                .iter()
                .map(|t| max_pods(black_box(t), &per_ip).max_pods)
                .fold(0u64, |a, v| a + u64::from(v))
        })
    });
    c.bench_function("max_pods/all_types/prefix_delegation", |b| {
        b.iter(|| {
            catalog
                .iter()
                .map(|t| max_pods(black_box(t), &prefix).max_pods)
                .fold(0u64, |a, v| a + u64::from(v))
        })
    });
    let k = KarpenterInputs::new(AmiFamily::Al2023);
    let cni = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    c.bench_function("compare/all_types/prefix_delegation", |b| {
        b.iter(|| {
            catalog
                .iter()
                .filter_map(|t| compare(black_box(t), &k, &cni).ok())
                .count()
        })
    });
    c.bench_function("catalog/parse_embedded", |b| {
        b.iter(|| Catalog::from_catalog_text(black_box(EMBEDDED_CATALOG)).map(|c| c.len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
