//! `eksplane max-pods --all` without the process: the calculator over every
//! embedded catalog type, the view and the table rendering (and CSV beside
//! it). Figure in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use eksplane_aws_data::Catalog;
use eksplane_capacity::{CniVersion, MaxPodsOptions, max_pods};
use eksplane_report::max_pods::{Entry, Show, render_csv, render_table, view};
use std::hint::black_box;

fn all(catalog: &Catalog, o: &MaxPodsOptions) -> Vec<Entry> {
    catalog
        .iter()
        .map(|t| Entry {
            node_pool: None,
            max_pods: max_pods(t, o),
            nodeadm: None,
        })
        .collect()
}

#[allow(clippy::print_stderr, reason = "the bench reports the fixture size")]
fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    eprintln!("catalog: {} instance types", catalog.len());
    let o = MaxPodsOptions::new(CniVersion::new(1, 19, 2));
    let mut g = c.benchmark_group("max_pods");
    g.bench_function("all_types_table", |b| {
        b.iter(|| {
            let entries = all(catalog, black_box(&o));
            render_table(&view(&entries, "embedded", None, Show::default()))
        })
    });
    g.bench_function("all_types_csv", |b| {
        b.iter(|| {
            let entries = all(catalog, black_box(&o));
            render_csv(&view(&entries, "embedded", None, Show::default()))
        })
    });
    let mut pd = o;
    pd.prefix_delegation = true;
    g.bench_function("all_types_table_explain_prefix_delegation", |b| {
        b.iter(|| {
            let entries = all(catalog, black_box(&pd));
            let show = Show {
                explain: true,
                ..Show::default()
            };
            render_table(&view(&entries, "embedded", None, show))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
