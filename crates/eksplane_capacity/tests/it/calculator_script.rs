//! The real max-pods calculator (awslabs/amazon-eks-ami
//! templates/al2/runtime/max-pods-calculator.sh, a copy in
//! `../shared/data/amazon-eks-ami/`, read only by this test) as an oracle.
//!
//! A stand-in `aws` command on PATH answers
//! `aws ec2 describe-instance-types --instance-type T --query ...` with what
//! the embedded catalog knows of T, in the shape of the script's `--query`
//! (`{Hypervisor, NetworkInfo, CpuCount}`). The script is run once per
//! distinct answer (types with identical answers are indistinguishable to
//! it), in all four modes (per-IP, prefix delegation, custom networking,
//! both), with and without `--show-max-allowed`, and every type's result is
//! compared with [`eksplane_capacity::max_pods`].

use eksplane_aws_data::{Catalog, Hypervisor, InstanceType};
use eksplane_capacity::{CniVersion, MaxPodsOptions, max_pods};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The script's `--query` projection of DescribeInstanceTypes, as JSON; `None`
/// when the catalog cannot answer (no network card list).
fn answer(t: &InstanceType) -> Option<String> {
    if t.network.cards.is_empty() {
        return None;
    }
    let hypervisor = match t.hypervisor {
        Hypervisor::Nitro => "\"nitro\"",
        Hypervisor::Xen => "\"xen\"",
        // EC2 omits Hypervisor on bare metal: the --query gives null.
        Hypervisor::None => "null",
        Hypervisor::Unknown => return None,
    };
    let cards: Vec<String> = t
        .network
        .cards
        .iter()
        .map(|c| {
            format!(
                "{{\"NetworkCardIndex\":{},\"MaximumNetworkInterfaces\":{}}}",
                c.index, c.max_enis
            )
        })
        .collect();
    Some(format!(
        "{{\"Hypervisor\":{hypervisor},\"CpuCount\":{},\"NetworkInfo\":{{\"MaximumNetworkInterfaces\":{},\
         \"DefaultNetworkCardIndex\":{},\"NetworkCards\":[{}],\"Ipv4AddressesPerInterface\":{}}}}}",
        t.vcpus
            .map_or_else(|| "null".to_string(), |v| v.to_string()),
        t.network.max_enis,
        t.network.default_card_index,
        cards.join(","),
        t.network.ipv4_per_eni
    ))
}

const STANDIN_AWS: &str = "#!/bin/sh\n\
# Stand-in for `aws ec2 describe-instance-types --instance-type T ...`: prints $STANDIN_DIR/T.json.\n\
while [ $# -gt 0 ]; do case \"$1\" in --instance-type) t=$2; shift 2;; *) shift;; esac; done\n\
exec cat \"$STANDIN_DIR/$t.json\"\n";

/// One flag set: (prefix delegation, custom networking, show max allowed).
type Mode = (bool, bool, bool);
/// One script run: (answer group, flag set).
type Job = (usize, Mode);

/// The 8 flag sets.
fn modes() -> Vec<Mode> {
    let mut m = Vec::new();
    for pd in [false, true] {
        for cn in [false, true] {
            for show in [false, true] {
                m.push((pd, cn, show));
            }
        }
    }
    m
}

fn tools_present() -> bool {
    ["bash", "jq", "sort"].iter().all(|t| {
        Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Every catalog type, all 8 flag sets: ~1,400 script runs, each spawning jq
/// five times -- minutes on a shared 2-core machine, so opt-in:
/// `cargo test -p eksplane_capacity --test it -- --ignored calculator_script`.
/// Last run: 1,420 types, 178 distinct answers, 1,380 runs, 11,164 (type,
/// mode) results, all equal; cr1.8xlarge and hs1.8xlarge unanswerable
/// (hypervisor unknown), 47 types without vCPUs compared with
/// --show-max-allowed only.
#[test]
#[ignore = "runs the calculator script ~1,400 times (minutes); run with --ignored"]
fn eksplane_agrees_with_the_calculator_script_for_every_type_and_mode() {
    oracle(|_| true, 1300 * 8);
}

/// The same on the types -- metal and the newest families included --
/// in every run of `cargo test`.
#[test]
fn eksplane_agrees_with_the_calculator_script_on_metal_and_newest_families() {
    const TYPES: [&str; 10] = [
        "m5.metal",
        "c5a.metal",
        "i3.metal",
        "c9g.16xlarge",
        "m8idn.48xlarge",
        "g7.48xlarge",
        "p5.48xlarge",
        "m6i.4xlarge",
        "t3.nano",
        "m4.large",
    ];
    oracle(|t| TYPES.contains(&t.name.as_str()), 8 * 8);
}

#[allow(
    clippy::print_stderr,
    reason = "the test reports what it compared and which types it could not, or that it was skipped"
)]
fn oracle(select: impl Fn(&InstanceType) -> bool, min_compared: usize) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/amazon-eks-ami/max-pods-calculator.sh");
    if !script.exists() {
        eprintln!("skipped: {} is absent", script.display());
        return;
    }
    if !tools_present() {
        eprintln!("skipped: the calculator needs bash, jq and sort on PATH");
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("eksplane-calculator-{}", std::process::id()));
    let bin = dir.join("bin");
    let answers_dir = dir.join("answers");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&answers_dir).unwrap_or_else(|e| panic!("{e}"));
    let aws = bin.join("aws");
    std::fs::write(&aws, STANDIN_AWS).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    let catalog = Catalog::embedded();
    // Distinct answers -> the types that get them; the first type names the file.
    let mut groups: BTreeMap<String, Vec<&InstanceType>> = BTreeMap::new();
    let mut unanswerable = Vec::new();
    for t in catalog.iter().filter(|t| select(t)) {
        match answer(t) {
            Some(a) => groups.entry(a).or_default().push(t),
            None => unanswerable.push(format!("{} ({})", t.name, t.missing_facts().join(", "))),
        }
    }
    for (a, ts) in &groups {
        std::fs::write(answers_dir.join(format!("{}.json", ts[0].name)), a)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let version = CniVersion::CURRENT_RELEASE;
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // Jobs: (answer group, mode); types without vCPUs have `CpuCount: null`,
    // which only the --show-max-allowed runs (which exit before the ceiling)
    // can take.
    let mut jobs = Vec::new();
    let mut no_ceiling = Vec::new();
    for (gi, ts) in groups.values().enumerate() {
        for m in modes() {
            if ts[0].vcpus.is_none() && !m.2 {
                no_ceiling.push(
                    ts.iter()
                        .map(|t| t.name.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                continue;
            }
            jobs.push((gi, m));
        }
    }
    let groups: Vec<&Vec<&InstanceType>> = groups.values().collect();
    let run = |(gi, (pd, cn, show)): Job| -> Result<u32, String> {
        let rep = groups[gi][0];
        let mut c = Command::new("bash");
        c.arg(&script)
            .args([
                "--instance-type",
                &rep.name,
                "--cni-version",
                &version.to_string(),
            ])
            .env("PATH", &path)
            .env("STANDIN_DIR", &answers_dir);
        if pd {
            c.arg("--cni-prefix-delegation-enabled");
        }
        if cn {
            c.arg("--cni-custom-networking-enabled");
        }
        if show {
            c.arg("--show-max-allowed");
        }
        let out = c.output().map_err(|e| e.to_string())?;
        let s = String::from_utf8_lossy(&out.stdout);
        s.trim().parse().map_err(|_| {
            format!(
                "{}: script printed {s:?}, stderr {:?}",
                rep.name,
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    // Two workers: the script spawns jq for every field it reads.
    let results: Vec<(Job, Result<u32, String>)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<_>> = (0..2)
            .map(|w| jobs.iter().copied().skip(w).step_by(2).collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || chunk.into_iter().map(|j| (j, run(j))).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let _ = std::fs::remove_dir_all(&dir);

    let mut compared = 0usize;
    let mut mismatches = Vec::new();
    for ((gi, (pd, cn, show)), r) in results {
        let expected = match r {
            Ok(v) => v,
            Err(e) => {
                mismatches.push(e);
                continue;
            }
        };
        for t in groups[gi] {
            let o = MaxPodsOptions {
                prefix_delegation: pd,
                custom_networking: cn,
                show_max_allowed: show,
                ..MaxPodsOptions::new(version)
            };
            compared += 1;
            let got = max_pods(t, &o).shown();
            if got != expected {
                mismatches.push(format!(
                    "{} (pd {pd}, cn {cn}, show-max-allowed {show}): script {expected}, eksplane {got}",
                    t.name
                ));
            }
        }
    }
    no_ceiling.sort();
    no_ceiling.dedup();
    eprintln!(
        "max-pods-calculator.sh: {} types selected, {} distinct answers, {} script runs, {compared} (type, mode) results compared; \
         {} types the stand-in cannot answer: {unanswerable:?}; recommended value not comparable (no vCPU count) for: {no_ceiling:?}",
        catalog.iter().filter(|t| select(t)).count(),
        groups.len(),
        jobs.len(),
        unanswerable.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches: {mismatches:#?}",
        mismatches.len()
    );
    assert!(compared >= min_compared, "only {compared} results compared");
}
