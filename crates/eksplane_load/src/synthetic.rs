//! A synthetic platform of any size, for benchmarks and scale tests: realistic
//! objects (Deployments with full pod templates, Services, ConfigMaps,
//! ServiceAccounts, some with IRSA annotations, PDBs, ALB Ingresses, Karpenter
//! NodePools) spread over several multi-document YAML files.

use std::fmt::Write;

/// `objects` Kubernetes objects in `files` files (named `objects-N.yaml`).
/// Deterministic: the same arguments give the same text.
pub fn platform(objects: usize, files: usize) -> Vec<(String, String)> {
    let files = files.max(1);
    let per_file = objects.div_ceil(files);
    (0..files)
        .map(|f| {
            let mut s = String::new();
            let first = f * per_file;
            let last = ((f + 1) * per_file).min(objects);
            for n in first..last {
                object(&mut s, n);
            }
            (format!("objects-{f}.yaml"), s)
        })
        .collect()
}

fn object(s: &mut String, n: usize) {
    let ns = format!("team-{}", n % 40);
    let _ = if n % 500 == 499 {
        write!(
            s,
            "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: pool-{n}\nspec:\n  template:\n    spec:\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}\n      requirements:\n        - {{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}}\n        - {{key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r]}}\n        - {{key: karpenter.k8s.aws/instance-generation, operator: Gt, values: [\"5\"]}}\n  disruption:\n    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: 1m\n  limits: {{cpu: \"1000\", memory: 4000Gi}}\n"
        )
    } else if n % 50 == 49 {
        write!(
            s,
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-{n}\n  namespace: {ns}\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/group.name: {ns}\n    alb.ingress.kubernetes.io/listen-ports: '[{{\"HTTPS\": 443}}]'\n    alb.ingress.kubernetes.io/healthcheck-path: /healthz\nspec:\n  ingressClassName: alb\n  rules:\n    - host: app-{n}.example.com\n      http:\n        paths:\n          - {{path: /, pathType: Prefix, backend: {{service: {{name: svc-{n}, port: {{number: 80}}}}}}}}\n"
        )
    } else {
        match n % 5 {
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
            3 if n.is_multiple_of(3) => write!(
                s,
                "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{n}\n  namespace: {ns}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app-{n}\n"
            ),
            3 => write!(
                s,
                "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{n}\n  namespace: {ns}\n"
            ),
            _ => write!(
                s,
                "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb-{n}\n  namespace: {ns}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {{app: app-{}}}\n",
                n - 4
            ),
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_generated_object_loads() {
        let files = super::platform(1_003, 4);
        assert_eq!(files.len(), 4);
        let l = crate::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        assert_eq!(l.stats.objects, 1_003);
        assert_eq!(l.platform.node_pools.len(), 2);
        // Every 50th object is an Ingress, except where a NodePool (every 500th) is.
        assert_eq!(l.platform.ingresses.len(), 18);
    }
}
