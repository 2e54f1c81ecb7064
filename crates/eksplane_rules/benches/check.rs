//! `check` with every rule over 10,000 generated Kubernetes objects
//! (`eksplane_load::synthetic::platform`): loading, then all rules with
//! suppressions. Figure in BENCHMARKS.md, next to the load-only figure.

use criterion::{Criterion, criterion_group, criterion_main};
use eksplane_rules::{CheckOptions, run};

fn bench(c: &mut Criterion) {
    let files = eksplane_load::synthetic::platform(10_000, 10);
    let load = || eksplane_load::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    let loaded = load();
    g.bench_function("rules_only_10k_objects", |b| {
        b.iter(|| {
            run(
                &loaded.platform,
                &loaded.db,
                Vec::new(),
                CheckOptions::default(),
            )
        })
    });
    g.bench_function("load_and_all_rules_10k_objects", |b| {
        b.iter(|| {
            let mut l = load();
            let extra = std::mem::take(&mut l.findings);
            run(&l.platform, &l.db, extra, CheckOptions::default())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
