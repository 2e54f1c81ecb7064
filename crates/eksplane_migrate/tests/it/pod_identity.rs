use crate::{example_files, load, load_files};
use eksplane_migrate::pod_identity::{KeepIrsa, Verdict, plan_pod_identity};

#[test]
fn platform_prod_lists_every_irsa_service_account() {
    let l = load_files(&example_files("platform-prod"));
    let plan = plan_pod_identity(&l.platform);
    let names: Vec<String> = plan
        .service_accounts
        .iter()
        .map(|s| format!("{}/{}", s.namespace, s.service_account))
        .collect();
    let annotated: Vec<String> = l
        .platform
        .service_accounts
        .iter()
        .filter(|s| s.irsa_role_arn().is_some())
        .map(|s| {
            use eksplane_model::KubeObject;
            format!("{}/{}", s.namespace().unwrap_or("default"), s.name())
        })
        .collect();
    assert!(!annotated.is_empty());
    for a in &annotated {
        assert!(names.contains(a), "{a} missing from {names:?}");
    }
    eprintln!("{plan:#?}");
}
