//! What fuzzing and the replay found, one test each, named after the
//! finding. The inputs that found them are also kept under
//! `fuzz/regressions/<target>/`.

use eksplane_source::{FileId, Limits, Pos, parse_file};

/// A block mapping running to the end of a file without a final newline
/// ended one line past the file (`line 45` of a 44-line file): SARIF
/// `endLine` and the human snippet named a line that does not exist.
#[test]
fn spans_at_the_end_of_a_file_without_a_final_newline_stay_inside_it() {
    for text in [
        "a:\n  b: c",
        "spec:\n  containers:\n    - name: x\n      image: y",
        "- a\n- b",
        "a: [1, 2",
    ] {
        eksplane_fuzzing::parse(text.as_bytes());
        eksplane_fuzzing::load_file(text.as_bytes());
        let parsed = parse_file(FileId(1), text, &Limits::default());
        let lines = text.split('\n').count() as u32;
        let last = text
            .split('\n')
            .next_back()
            .unwrap_or_default()
            .chars()
            .count() as u32;
        for d in &parsed.documents {
            assert!(
                d.root.span.end <= Pos::new(lines, last + 1),
                "{text:?}: {:?}",
                d.root.span
            );
        }
        if let Some(e) = &parsed.error {
            assert!(e.span().end <= Pos::new(lines, last + 1), "{text:?}: {e}");
        }
    }
}

/// Lone `\r` line breaks (fuzz/regressions/parse, config): the parser's
/// column ran past the line as eksplane shows it (without its `\r`s).
#[test]
fn positions_after_carriage_returns_stay_inside_their_line() {
    eksplane_fuzzing::parse(b"a\r\r\r\r\r+\r\r\r\r\r\rname: eks-pod-h[entity-agen\r\r\r");
    eksplane_fuzzing::config(b"\rseverity:\n  ING00\r\r\r\r\r2\r\r");
}

/// A file that is not UTF-8 (fuzz/regressions/load and the targets built on
/// it): its error names the line of the first bad byte, which the database
/// now holds (lossily) so the line exists and can be shown.
#[test]
fn a_file_that_is_not_utf8_keeps_the_line_its_error_names() {
    let mut bytes = b"a: 1\nb: 2\nc: ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    eksplane_fuzzing::load_file(&bytes);
    let loaded = eksplane_load::load_bytes_files(
        vec![("x.yaml".into(), bytes)],
        eksplane_load::LoadOptions::default(),
    );
    let f = &loaded.findings[0];
    assert_eq!(f.primary.span.start.line, 3, "{f:?}");
    let file = loaded
        .db
        .get(f.primary.span.file)
        .unwrap_or_else(|| panic!("no file"));
    assert!(
        file.line(3).is_some_and(|l| l.starts_with("c: ")),
        "{:?}",
        file.line(3)
    );
}
