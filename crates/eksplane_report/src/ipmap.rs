//! The SVG map of a subnet's aligned /28 blocks: one square per block,
//! coloured by what it is (free, partly or fully taken by ENI IPs, an
//! assigned prefix, AWS-reserved, reserved for prefixes or explicitly), with
//! the block's CIDR and state as a tooltip. A person sees at a glance why a
//! subnet with free addresses has no room for a /28.

use std::fmt::Write;
use std::net::Ipv4Addr;

/// What one /28 block is, as drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapBlock {
    Free,
    /// `taken` of 16 addresses hold ENI IPs.
    Partial(u8),
    Full,
    AssignedPrefix,
    AwsReserved,
    ReservedPrefix,
    ReservedExplicit,
    /// Which addresses are taken here is unknown (occupancy known only by
    /// count, no ENI snapshot).
    Unknown,
}

impl MapBlock {
    fn colour(self) -> &'static str {
        match self {
            MapBlock::Free => "#2e9d4f",
            MapBlock::Partial(n) if n <= 4 => "#f2c14e",
            MapBlock::Partial(n) if n <= 10 => "#f08a3c",
            MapBlock::Partial(_) => "#d9541e",
            MapBlock::Full => "#a8321b",
            MapBlock::AssignedPrefix => "#3a6fd8",
            MapBlock::AwsReserved => "#7a7a7a",
            MapBlock::ReservedPrefix => "#9fd6ad",
            MapBlock::ReservedExplicit => "#b9b9b9",
            MapBlock::Unknown => "#c9b8e8",
        }
    }

    fn describe(self) -> String {
        match self {
            MapBlock::Free => "free: a /28 prefix fits".into(),
            MapBlock::Partial(n) => format!("{n} of 16 addresses taken by ENI IPs: no prefix fits"),
            MapBlock::Full => "all 16 addresses taken by ENI IPs".into(),
            MapBlock::AssignedPrefix => "an assigned /28 prefix".into(),
            MapBlock::AwsReserved => "holds an address AWS reserves".into(),
            MapBlock::ReservedPrefix => "free, in a prefix reservation".into(),
            MapBlock::ReservedExplicit => "in an explicit reservation".into(),
            MapBlock::Unknown => {
                "unknown: AvailableIpAddressCount says how many addresses are taken, not which (no ENI snapshot)"
                    .into()
            }
        }
    }
}

/// One subnet to draw.
#[derive(Debug, Clone)]
pub struct SubnetMap {
    /// e.g. `subnet-0ab12 (us-east-1a)`.
    pub title: String,
    /// The subnet's first address; blocks follow in address order.
    pub base: Ipv4Addr,
    pub prefix_len: u8,
    /// One line under the title: free addresses against free /28s.
    pub summary: String,
    pub blocks: Vec<MapBlock>,
}

/// Block size in pixels: large enough to label when the subnet is small.
fn cell_size(blocks: u32) -> u32 {
    match blocks {
        0..=64 => 34,
        65..=1024 => 14,
        _ => 8,
    }
}
const GAP: u32 = 2;
const MARGIN: u32 = 16;
const MAX_COLUMNS: u32 = 64;

fn escape(s: &str) -> String {
    crate::markup_escape(s)
}

/// The SVG document for one subnet.
pub fn render_svg(m: &SubnetMap) -> String {
    let n = m.blocks.len() as u32;
    let cell = cell_size(n);
    // 16 columns for a /24 (one row per /24 of 16 blocks), up to 64.
    let columns = n
        .clamp(1, MAX_COLUMNS)
        .min(16.max(n.isqrt().next_power_of_two()));
    let rows = n.div_ceil(columns.max(1));
    let grid_w = columns * (cell + GAP);
    let legend_h = 4 * 18;
    let width = (2 * MARGIN + grid_w).max(560);
    let height = 2 * MARGIN + 44 + rows * (cell + GAP) + 12 + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{}" font-size="14" font-weight="bold">{} {}/{}</text>"#,
        MARGIN + 12,
        escape(&m.title),
        m.base,
        m.prefix_len
    );
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{}">{}</text>"#,
        MARGIN + 30,
        escape(&m.summary)
    );
    let top = MARGIN + 44;
    let base = u32::from(m.base);
    for (i, b) in m.blocks.iter().enumerate() {
        let i = i as u32;
        let x = MARGIN + (i % columns) * (cell + GAP);
        let y = top + (i / columns) * (cell + GAP);
        let start = Ipv4Addr::from(base.wrapping_add(i * 16));
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{}"><title>{start}/28: {}</title></rect>"#,
            b.colour(),
            escape(&b.describe())
        );
        if cell >= 30 {
            // The block's first address, last octet: `.16`, `.32`, ...
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="white">.{}</text>"#,
                x + cell / 2,
                y + cell / 2 + 4,
                start.octets()[3]
            );
        }
    }
    let legend = [
        (MapBlock::Free, "free /28"),
        (MapBlock::ReservedPrefix, "prefix reservation"),
        (MapBlock::AssignedPrefix, "assigned prefix"),
        (MapBlock::Partial(3), "1-4 IPs taken"),
        (MapBlock::Partial(8), "5-10 IPs taken"),
        (MapBlock::Partial(14), "11-15 IPs taken"),
        (MapBlock::Full, "16 IPs taken"),
        (MapBlock::AwsReserved, "AWS-reserved address"),
        (MapBlock::ReservedExplicit, "explicit reservation"),
        (MapBlock::Unknown, "unknown (count only)"),
    ];
    let ly = top + rows * (cell + GAP) + 12;
    for (k, (b, label)) in legend.iter().enumerate() {
        let k = k as u32;
        let x = MARGIN + (k % 3) * 180;
        let y = ly + (k / 3) * 18;
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{label}</text>"#,
            b.colour(),
            x + 16,
            y + 10
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_24_draws_sixteen_blocks_with_tooltips() {
        let mut blocks = vec![MapBlock::Free; 16];
        blocks[0] = MapBlock::AwsReserved;
        blocks[15] = MapBlock::AwsReserved;
        blocks[3] = MapBlock::Partial(2);
        let svg = render_svg(&SubnetMap {
            title: "subnet-0a <demo> & co".into(),
            base: Ipv4Addr::new(10, 0, 1, 0),
            prefix_len: 24,
            summary: "200 free addresses, 13 free /28 blocks".into(),
            blocks,
        });
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<title>").count(), 16);
        assert!(svg.contains("<title>10.0.1.48/28: 2 of 16 addresses taken"));
        assert!(svg.contains("subnet-0a &lt;demo&gt; &amp; co 10.0.1.0/24"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
