//! The table for narrow terminals (below [`super::table::NARROW_BELOW`] columns): four columns
//! would leave a dozen characters each, so every finding becomes a block instead: a rule line
//! with the verdict, the object and its path on lines of their own, then *staging says* and
//! *prod might say* under each other.
//!
//! ```text
//! ── LIE (high) ──────────────────────────────────────────────
//! Deployment shop/checkout
//! spec.template.spec.containers[name=checkout].env
//! [name=PAYMENTS_URL].value
//!   Staging says    PAYMENTS_URL → http://payments-mock…
//!   Prod might say  PAYMENTS_URL → https://api.stripe.com…
//! ```

use super::table::{Style, cells, verdict_color, wrap_path};
use super::wrap::{self, wrap};
use crate::model::Finding;
use comfy_table::Color;
use std::fmt::Write as _;

/// The labels of the two value lines, padded to one width.
const LABELS: [&str; 2] = ["Staging says", "Prod might say"];
const INDENT: usize = 2;
const LABEL_WIDTH: usize = 16;
/// Below this many columns for values, they go under their label instead of beside it.
const MIN_VALUE_WIDTH: usize = 20;

/// Renders the findings as blocks, each line at most `style.width` columns wide.
pub(crate) fn render(rows: &[&Finding], style: Style) -> String {
    let width = usize::from(style.width).max(10);
    let mut out = String::new();
    for f in rows {
        let [verdict, object, staging, prod] = cells(f);
        let verdict = verdict.replace('\n', " ");
        rule_line(&mut out, &verdict, f, style, width);
        for line in wrap(&wrap_path(&object, width), width) {
            let _ = writeln!(out, "{line}");
        }
        for (label, text) in LABELS.iter().zip([staging, prod]) {
            values(&mut out, label, &text, width);
        }
    }
    out
}

/// `── LIE (high) ───…` across the width, the verdict coloured when asked.
fn rule_line(out: &mut String, verdict: &str, f: &Finding, style: Style, width: usize) {
    let lines = wrap(verdict, width.saturating_sub(3));
    let first = &lines[0];
    let fill = width.saturating_sub(wrap::width(first) + 4);
    let shown = match verdict_color(f.verdict).filter(|_| style.color) {
        Some(c) => format!("{}{first}\x1b[0m", sgr(c)),
        None => first.clone(),
    };
    let _ = writeln!(out, "── {shown} {}", "─".repeat(fill));
    for l in &lines[1..] {
        let _ = writeln!(out, "{l}");
    }
}

/// A label and its wrapped text, beside it when there is room, else under it.
fn values(out: &mut String, label: &str, text: &str, width: usize) {
    let beside = width.saturating_sub(INDENT + LABEL_WIDTH);
    if beside >= MIN_VALUE_WIDTH {
        for (i, line) in wrap(text, beside).iter().enumerate() {
            let head = if i == 0 { label } else { "" };
            let _ = writeln!(
                out,
                "{:INDENT$}{head:<LABEL_WIDTH$}{line}",
                "",
                line = line.trim_end()
            );
        }
        return;
    }
    let _ = writeln!(out, "{:INDENT$}{label}", "");
    for line in wrap(text, width.saturating_sub(INDENT * 2)) {
        let _ = writeln!(out, "{:w$}{line}", "", w = INDENT * 2);
    }
}

/// The ANSI escape comfy-table (crossterm) writes for a foreground colour, so both layouts
/// colour alike.
fn sgr(c: Color) -> &'static str {
    match c {
        Color::Red => "\x1b[38;5;9m",
        Color::Blue => "\x1b[38;5;12m",
        Color::Yellow => "\x1b[38;5;11m",
        _ => "",
    }
}
