//! Aligned text tables and CSV, shared by the capacity renderers.

use std::fmt::Write;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A text table: a header row, optional group titles spanning columns, rows.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    pub headers: Vec<(&'a str, Align)>,
    /// `(title, first column, column count)`, printed above the headers.
    pub groups: Vec<(&'a str, usize, usize)>,
    pub rows: Vec<Vec<String>>,
    /// Indentation of every line.
    pub indent: &'a str,
}

const GAP: usize = 2;

impl Table<'_> {
    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self
            .headers
            .iter()
            .map(|(h, _)| h.chars().count())
            .collect();
        for r in &self.rows {
            for (i, cell) in r.iter().enumerate() {
                if let Some(x) = w.get_mut(i) {
                    *x = (*x).max(cell.chars().count());
                }
            }
        }
        w
    }

    pub fn render(&self, out: &mut String) {
        let w = self.widths();
        if !self.groups.is_empty() {
            let mut line = String::from(self.indent);
            let mut col = 0;
            for &(title, first, count) in &self.groups {
                while col < first && col < w.len() {
                    line.push_str(&" ".repeat(w[col] + GAP));
                    col += 1;
                }
                let span: usize = w.iter().skip(first).take(count).map(|x| x + GAP).sum();
                let span = span.saturating_sub(GAP);
                let dashes = span.saturating_sub(title.chars().count() + 1);
                let _ = write!(line, "{title} {}", "-".repeat(dashes));
                line.push_str(&" ".repeat(GAP));
                col = first + count;
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let header: Vec<String> = self.headers.iter().map(|(h, _)| h.to_string()).collect();
        self.line(&header, &w, out);
        for r in &self.rows {
            self.line(r, &w, out);
        }
    }

    fn line(&self, cells: &[String], w: &[usize], out: &mut String) {
        let mut line = String::from(self.indent);
        for (i, cell) in cells.iter().enumerate() {
            let width = w.get(i).copied().unwrap_or(0);
            let align = self.headers.get(i).map_or(Align::Left, |h| h.1);
            if i > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            let pad = width.saturating_sub(cell.chars().count());
            match align {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
pub(crate) fn csv_field(s: &str, out: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// One CSV record with a CRLF-free line ending.
pub(crate) fn csv_line<S: AsRef<str>>(fields: &[S], out: &mut String) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f.as_ref(), out);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_quotes() {
        let t = Table {
            headers: vec![("TYPE", Align::Left), ("PODS", Align::Right)],
            groups: vec![],
            rows: vec![
                vec!["m6i.large".into(), "29".into()],
                vec!["a".into(), "110".into()],
            ],
            indent: "",
        };
        let mut s = String::new();
        t.render(&mut s);
        assert_eq!(s, "TYPE       PODS\nm6i.large    29\na           110\n");
        let mut c = String::new();
        csv_line(&["a,b", "say \"hi\"", "x"], &mut c);
        assert_eq!(c, "\"a,b\",\"say \"\"hi\"\"\",x\n");
    }
}
