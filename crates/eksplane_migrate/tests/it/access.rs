use crate::{example_files, load, load_files};
use eksplane_migrate::access::{AccessOptions, plan_access_entries};

#[test]
fn platform_prod_refuses_for_map_accounts() {
    let l = load_files(&example_files("platform-prod"));
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    eprintln!("{plan:#?}");
    assert!(plan.refused());
}
