//! Records the git commit the binary is built from, for `eksplane --version`.
//! Without git or a repository (a source tarball) the commit is "unknown";
//! `EKSPLANE_COMMIT` set at build time overrides both.

// A build script speaks to cargo on standard output.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=EKSPLANE_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");
    let commit = match std::env::var("EKSPLANE_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => {
            // Rebuild when HEAD moves: HEAD itself, the branch it names, and
            // packed refs.
            if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
                let dir = absolute(&dir);
                println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
                if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
                    let common = absolute(&common);
                    println!(
                        "cargo:rerun-if-changed={}",
                        common.join("packed-refs").display()
                    );
                    if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
                        println!("cargo:rerun-if-changed={}", common.join(r).display());
                    }
                }
            }
            match (
                git(&["rev-parse", "--short=12", "HEAD"]),
                git(&["log", "-1", "--format=%cs"]),
            ) {
                (Some(c), Some(d)) => format!("{c} {d}"),
                (Some(c), None) => c,
                _ => "unknown commit".to_string(),
            }
        }
    };
    println!("cargo:rustc-env=EKSPLANE_COMMIT={commit}");
}

fn absolute(p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
    }
}
