//! Writes a synthetic platform (see `eksplane_load::synthetic`) to a
//! directory, for end-to-end scale measurements of the binary
//! (`scripts/bench-check.sh`):
//!
//! ```sh
//! cargo run --release -p eksplane_load --example synth -- 50000 50 /tmp/synth-50k
//! ```

#![allow(
    clippy::print_stderr,
    reason = "a command-line example reports bad usage and I/O errors on the terminal"
)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(objects), Some(files), Some(dir)) = (
        args.first().and_then(|s| s.parse::<usize>().ok()),
        args.get(1).and_then(|s| s.parse::<usize>().ok()),
        args.get(2).map(PathBuf::from),
    ) else {
        eprintln!("usage: synth OBJECTS FILES DIR");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for (name, text) in eksplane_load::synthetic::platform(objects, files) {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
