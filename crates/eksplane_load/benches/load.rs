//! Loading 10,000 Kubernetes objects (a generated fixture of Deployments,
//! Services, ConfigMaps, ServiceAccounts and PDBs across 10 files) in one run.
//! Figure in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;

fn fixture(objects: usize, files: usize) -> Vec<(String, String)> {
    let per_file = objects / files;
    (0..files)
        .map(|f| {
            let mut s = String::new();
            for i in 0..per_file {
                let n = f * per_file + i;
                let ns = format!("team-{}", n % 40);
                let _ = match n % 5 {
                    0 => write!(
                        s,
                        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{n}\n  namespace: {ns}\n  labels: {{app: app-{n}, team: t{}}}\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: app-{n}}}\n  template:\n    metadata:\n      labels: {{app: app-{n}}}\n    spec:\n      serviceAccountName: sa-{n}\n      containers:\n        - name: app\n          image: registry.example.com/app:{n}\n          resources:\n            requests: {{cpu: 250m, memory: 256Mi}}\n            limits: {{memory: 512Mi}}\n          env:\n            - {{name: MODE, value: prod}}\n",
                        n % 7
                    ),
                    1 => write!(
                        s,
                        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{n}\n  namespace: {ns}\nspec:\n  type: ClusterIP\n  selector: {{app: app-{n}}}\n  ports:\n    - {{name: http, port: 80, targetPort: 8080}}\n"
                    ),
                    2 => write!(
                        s,
                        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{n}\n  namespace: {ns}\ndata:\n  LOG_LEVEL: info\n  FEATURE_X: \"true\"\n"
                    ),
                    3 => write!(
                        s,
                        "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{n}\n  namespace: {ns}\n"
                    ),
                    _ => write!(
                        s,
                        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb-{n}\n  namespace: {ns}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {{app: app-{n}}}\n"
                    ),
                };
            }
            (format!("objects-{f}.yaml"), s)
        })
        .collect()
}

#[allow(clippy::print_stderr, reason = "the bench reports the fixture size")]
fn bench(c: &mut Criterion) {
    let files = fixture(10_000, 10);
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
