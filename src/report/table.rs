//! The terminal table: Verdict | Object | Staging says | Prod might say.

use super::{coverage_lines, display_order, object_cell, summary_line};
use crate::model::{Finding, Report, Verdict};
use comfy_table::{Cell, ContentArrangement, Table, presets};

/// Width used when stdout is not a terminal (stable output for pipes and snapshots).
pub const DEFAULT_WIDTH: u16 = 140;

fn verdict_cell(f: &Finding) -> String {
    match (f.verdict, f.severity) {
        (Verdict::Lie, Some(s)) => format!("LIE ({})", format!("{s:?}").to_lowercase()),
        (Verdict::Lie, None) => "LIE".into(),
        (Verdict::Waived, _) => format!(
            "waived ({})",
            f.waived_verdict.map(|v| v.as_str()).unwrap_or("?")
        ),
        (v, _) => v.as_str().to_string(),
    }
}

/// Renders the table, the summary line and the coverage notes.
pub fn render(r: &Report, show_noise: bool, width: u16) -> String {
    let rows = display_order(&r.findings, show_noise);
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No differences.\n");
    } else {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(vec!["Verdict", "Object", "Staging says", "Prod might say"]);
        for f in rows {
            let mut staging = f.staging_says.clone();
            let mut prod = f.prod_might_say.clone();
            if !f.line_diff.is_empty() {
                let removed: Vec<&str> = f
                    .line_diff
                    .iter()
                    .filter(|l| l.starts_with('-'))
                    .map(|l| &l[1..])
                    .collect();
                let added: Vec<&str> = f
                    .line_diff
                    .iter()
                    .filter(|l| l.starts_with('+'))
                    .map(|l| &l[1..])
                    .collect();
                if !removed.is_empty() {
                    staging = format!("{staging}\n{}", removed.join("\n"));
                }
                if !added.is_empty() {
                    prod = format!("{prod}\n{}", added.join("\n"));
                }
            }
            t.add_row(vec![
                Cell::new(verdict_cell(f)),
                Cell::new(object_cell(f)),
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
