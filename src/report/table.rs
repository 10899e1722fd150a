//! The terminal table: Verdict | Object | Staging says | Prod might say.

use super::{coverage_lines, object_cell, summary_line};
use crate::model::{Finding, Judged, Report, Verdict};
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width, presets};

/// Width used when stdout is not a terminal (stable output for pipes and snapshots).
pub const DEFAULT_WIDTH: u16 = 140;

fn verdict_cell(f: &Finding) -> String {
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

/// Wraps long lines of an object cell at `.` and `[` so paths break between segments.
fn wrap_path(cell: &str, max: usize) -> String {
    let mut out = Vec::new();
    for line in cell.lines() {
        let mut cur = String::new();
        for piece in split_keep(line) {
            if !cur.is_empty() && cur.chars().count() + piece.chars().count() > max {
                out.push(std::mem::take(&mut cur));
            }
            cur.push_str(piece);
        }
        out.push(cur);
    }
    out.join("\n")
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

/// Renders the table, the summary line and the coverage notes.
pub fn render(r: &Report, show_noise: bool, width: u16) -> String {
    let rows = r.display_order(show_noise);
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No differences.\n");
    } else {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(vec!["Verdict", "Object", "Staging says", "Prod might say"]);
        let widest = rows
            .iter()
            .flat_map(|f| {
                wrap_path(&object_cell(f), path_width(width))
                    .lines()
                    .map(|l| l.chars().count())
                    .max()
            })
            .max()
            .unwrap_or(10)
            .min(path_width(width));
        if let Some(c) = t.column_mut(1) {
            // Content plus one space of padding either side.
            c.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                (widest + 2) as u16,
            )));
        }
        for f in rows {
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
            t.add_row(vec![
                Cell::new(verdict_cell(f)),
                Cell::new(wrap_path(&object_cell(f), path_width(width))),
                Cell::new(staging),
                Cell::new(prod),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&summary_line(r));
    out.push('\n');
    for l in coverage_lines(r) {
        out.push_str(&l);
        out.push('\n');
    }
    out
}
