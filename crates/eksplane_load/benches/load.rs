//! Loading 10,000 Kubernetes objects (`eksplane_load::synthetic::platform`:
//! Deployments, Services, ConfigMaps, ServiceAccounts, PDBs, Ingresses and
//! NodePools across 10 files) in one run.
//! Figure in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};

#[allow(clippy::print_stderr, reason = "the bench reports the fixture size")]
fn bench(c: &mut Criterion) {
    let files = eksplane_load::synthetic::platform(10_000, 10);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    eprintln!(
        "fixture: 10,000 objects, {bytes} bytes in {} files",
        files.len()
    );
    // Sanity: every object loads.
    let l = eksplane_load::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert_eq!(l.stats.objects, 10_000);
    assert!(l.findings.iter().all(|f| f.rule.as_str() != "LOAD002"));
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("10k_kubernetes_objects", |b| {
        b.iter(|| eksplane_load::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
