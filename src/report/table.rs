//! The terminal table: Verdict | Object | Staging says | Prod might say.

use super::wrap::{self, wrap_joined};
use super::{coverage_lines, narrow, object_cell, summary_line};
use crate::escape::visible;
use crate::model::{Finding, Judged, Report, Verdict};
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets};

/// Width used when stdout is not a terminal (stable output for pipes and snapshots).
pub const DEFAULT_WIDTH: u16 = 140;

/// Below this width the table becomes a list: object and path on lines of their own.
pub const NARROW_BELOW: u16 = 100;

/// How the table is laid out and whether verdicts are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Terminal width in columns; no output line is wider (display width).
    pub width: u16,
    /// Colour the verdicts (ANSI escapes): lies red, cuts blue, unclassified yellow.
    pub color: bool,
}

/// The verdict as the table shows it (the model's label; a waiver's date under it).
pub(crate) fn verdict_cell(f: &Finding) -> String {
    let label = f.verdict_label().to_string();
    match &f.waiver {
        Some(w) if f.verdict == Verdict::Waived => format!("{label}\nuntil {}", w.expires),
        _ => label,
    }
}

/// Most changed lines shown per cell; the rest are counted.
const MAX_LINES: usize = 8;

/// The changed lines on one side of a line diff, whitespace collapsed, capped.
fn changed_lines(diff: &[String], sign: char) -> Vec<String> {
    let lines: Vec<String> = diff
        .iter()
        .filter_map(|l| l.strip_prefix(sign))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() <= MAX_LINES {
        return lines;
    }
    let more = lines.len() - MAX_LINES;
    let mut out: Vec<String> = lines.into_iter().take(MAX_LINES).collect();
    out.push(format!("… {more} more changed line(s)"));
    out
}

/// Widest a path line may be before it is wrapped at a segment boundary.
fn path_width(width: u16) -> usize {
    (width as usize * 3 / 10).max(30)
}

/// Wraps long lines of an object cell at `.` and `[` so paths break between segments; a
/// segment still too long is wrapped at other separators (see [`wrap`]).
pub(crate) fn wrap_path(cell: &str, max: usize) -> String {
    let mut out = Vec::new();
    for line in cell.lines() {
        let mut cur = String::new();
        for piece in split_keep(line) {
            if !cur.is_empty() && wrap::width(&cur) + wrap::width(piece) > max {
                out.push(std::mem::take(&mut cur));
            }
            cur.push_str(piece);
        }
        out.push(cur);
    }
    wrap_joined(&out.join("\n"), max)
}

/// Splits before every `.` and `[` that starts a path segment (not inside `["…"]` or `[…]`).
fn split_keep(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut depth = 0u32;
    for (i, c) in line.char_indices() {
        match c {
            '[' if depth == 0 => {
                if i > start {
                    pieces.push(&line[start..i]);
                    start = i;
                }
                depth += 1;
            }
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && i > start => {
                pieces.push(&line[start..i]);
                start = i;
            }
            _ => {}
        }
    }
    pieces.push(&line[start..]);
    pieces
}

/// The colour of a verdict: lies red, cuts blue, unclassified yellow; others plain.
pub(crate) fn verdict_color(v: Verdict) -> Option<Color> {
    match v {
        Verdict::Lie => Some(Color::Red),
        Verdict::Cut => Some(Color::Blue),
        Verdict::Unclassified => Some(Color::Yellow),
        _ => None,
    }
}

/// A finding's four cells: verdict, object (with its path), staging says, prod might say.
pub(crate) fn cells(f: &Finding) -> [String; 4] {
    let mut staging = f.staging_says.clone();
    let mut prod = f.prod_might_say.clone();
    // A rule's sentences say what matters; raw changed lines only for unjudged ones.
    if !f.line_diff.is_empty() && f.rule.is_none() {
        let removed = changed_lines(&f.line_diff, '-');
        let added = changed_lines(&f.line_diff, '+');
        if !removed.is_empty() {
            staging = format!("{staging}\n{}", removed.join("\n"));
        }
        if !added.is_empty() {
            prod = format!("{prod}\n{}", added.join("\n"));
        }
    }
    [verdict_cell(f), object_cell(f), staging, prod].map(|c| visible(&c).into_owned())
}

/// Renders the table, the summary line and the coverage notes at `width`, without colour.
pub fn render(r: &Report, show_noise: bool, width: u16) -> String {
    render_styled(
        r,
        show_noise,
        Style {
            width,
            color: false,
        },
    )
}

/// Renders the table (a list below [`NARROW_BELOW`] columns), the summary line and the
/// coverage notes; no line is wider than `style.width` columns.
pub fn render_styled(r: &Report, show_noise: bool, style: Style) -> String {
    let rows = r.display_order(show_noise);
    let width = usize::from(style.width);
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No differences.\n");
    } else if style.width < NARROW_BELOW {
        out.push_str(&narrow::render(&rows, style));
    } else {
        out.push_str(&wide(&rows, style));
        out.push('\n');
    }
    for l in std::iter::once(summary_line(r)).chain(coverage_lines(r)) {
        out.push_str(&wrap_joined(&visible(&l), width));
        out.push('\n');
    }
    out
}

const HEADER: [&str; 4] = ["Verdict", "Object", "Staging says", "Prod might say"];

fn new_table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .force_no_tty();
    t
}

/// Four columns. comfy-table picks the column widths; the cells are then wrapped to those
/// widths here (at separators, see [`wrap`]) so that comfy-table never cuts a word.
fn wide(rows: &[&Finding], style: Style) -> String {
    let max_object = path_width(style.width);
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|f| {
            let [v, o, s, p] = cells(f);
            [v, wrap_path(&o, max_object), s, p]
        })
        .collect();
    let widest = cells
        .iter()
        .flat_map(|c| c[1].lines().map(wrap::width).max())
        .max()
        .unwrap_or(10)
        .min(max_object);
    let mut t = new_table(style.width);
    t.set_header(HEADER);
    if let Some(c) = t.column_mut(1) {
        // Content plus one space of padding either side.
        c.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
            (widest + 2) as u16,
        )));
    }
    for c in &cells {
        t.add_row(c.to_vec());
    }
    let Some(widths) = column_widths(&t) else {
        return t.to_string();
    };
    let mut t = new_table(style.width);
    if style.color {
        t.enforce_styling();
    }
    let fit = |i: usize, text: &str| wrap_joined(text, widths[i].saturating_sub(2));
    t.set_header(
        HEADER
            .iter()
            .enumerate()
            .map(|(i, h)| fit(i, h))
            .collect::<Vec<_>>(),
    );
    for (f, c) in rows.iter().zip(&cells) {
        let mut verdict = Cell::new(fit(0, &c[0]));
        if let Some(colour) = verdict_color(f.verdict).filter(|_| style.color) {
            verdict = verdict.fg(colour);
        }
        t.add_row(vec![
            verdict,
            Cell::new(fit(1, &c[1])),
            Cell::new(fit(2, &c[2])),
            Cell::new(fit(3, &c[3])),
        ]);
    }
    // After the rows: comfy-table applies constraints to the columns that exist.
    t.set_constraints(
        widths
            .iter()
            .map(|w| ColumnConstraint::Absolute(Width::Fixed(*w as u16))),
    );
    t.to_string()
}

/// The widths comfy-table chose for the columns (padding included), read off the top border.
fn column_widths(t: &Table) -> Option<Vec<usize>> {
    let top = t.lines().next()?;
    let inner = top.strip_prefix('┌')?.strip_suffix('┐')?;
    let widths: Vec<usize> = inner.split('┬').map(|s| s.chars().count()).collect();
    (widths.len() == HEADER.len()).then_some(widths)
}
