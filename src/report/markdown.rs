//! GitHub-flavoured Markdown: the summary, the *staging says / prod might say* table and, per
//! object, a `<details>` block with every finding's values, rules, waiver and line diff. Capped to a
//! size limit (a PR comment holds 65,536 characters): detail blocks go first, then the last table
//! rows, and a note says what was left out.

use super::{coverage_lines, summary_line};
use crate::model::drift::RunFinding;
use crate::model::{Finding, Judged, ObjectKey, Report, Verdict, VerdictLabel};
use std::fmt::Write as _;

/// The most a GitHub issue or pull-request comment body may hold.
pub const COMMENT_LIMIT: usize = 65_536;

/// What to render and how much room there is.
#[derive(Debug, Clone)]
pub struct Options {
    /// Heading text (plain; escaped here).
    pub title: String,
    /// Include noise rows.
    pub show_noise: bool,
    /// Maximum length of the output in bytes (bytes ≥ characters, so this is safe for GitHub).
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            title: "checkride: staging vs prod".into(),
            show_noise: false,
            limit: COMMENT_LIMIT,
        }
    }
}

/// Renders the report as Markdown no longer than `opts.limit` (when the limit leaves room for
/// the heading and the summary at all).
pub fn render(r: &Report, opts: &Options) -> String {
    let rows = r.display_order(opts.show_noise);
    let head = head(r, opts);
    let notes = notes(r);
    if rows.is_empty() {
        return format!("{head}No differences.\n{notes}");
    }
    let table_head = TABLE_HEAD;
    let row_texts: Vec<String> = rows.iter().map(|f| Row::from(*f).table_line()).collect();
    let groups = group_by_object(&rows);
    let detail_texts: Vec<String> = groups.iter().map(|(k, fs)| details(k, fs)).collect();

    let fixed = head.len() + table_head.len() + notes.len() + 1;
    let mut keep_rows = row_texts.len();
    let mut keep_details = detail_texts.len();
    let mut size = fixed
        + row_texts.iter().map(String::len).sum::<usize>()
        + detail_texts.iter().map(String::len).sum::<usize>();
    let note = |kr: usize, kd: usize| {
        cut_note(
            (row_texts.len() - kr, row_texts.len()),
            (detail_texts.len() - kd, detail_texts.len()),
            opts.limit,
        )
    };
    while size + note(keep_rows, keep_details).len() > opts.limit {
        if keep_details > 0 {
            keep_details -= 1;
            size -= detail_texts[keep_details].len();
        } else if keep_rows > 0 {
            keep_rows -= 1;
            size -= row_texts[keep_rows].len();
        } else {
            break;
        }
    }
    let mut out = head;
    out.push_str(table_head);
    for t in &row_texts[..keep_rows] {
        out.push_str(t);
    }
    out.push('\n');
    for t in &detail_texts[..keep_details] {
        out.push_str(t);
    }
    out.push_str(&notes);
    out.push_str(&note(keep_rows, keep_details));
    out
}

fn head(r: &Report, opts: &Options) -> String {
    format!(
        "### {}\n\n**{}**  \nstaging `{}` · prod `{}`\n\n",
        text(&opts.title),
        text(&summary_line(r)),
        code_inner(&r.staging.source, false),
        code_inner(&r.prod.source, false),
    )
}

fn notes(r: &Report) -> String {
    let lines = coverage_lines(r);
    if lines.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    for l in lines {
        let _ = writeln!(s, "- {}", text(&l));
    }
    s.push('\n');
    s
}

/// The note on what was left out: (cut, total) rows and detail sections.
fn cut_note(
    (rows_cut, rows): (usize, usize),
    (details_cut, details): (usize, usize),
    limit: usize,
) -> String {
    if rows_cut == 0 && details_cut == 0 {
        return String::new();
    }
    let mut parts = Vec::new();
    if rows_cut > 0 {
        parts.push(format!(
            "{rows_cut} of {rows} table rows (the last, least severe)"
        ));
    }
    if details_cut > 0 {
        parts.push(format!("{details_cut} of {details} detail sections"));
    }
    format!(
        "> [!NOTE]\n> Cut to fit {limit} characters (a GitHub comment holds {COMMENT_LIMIT}): {} not shown. The full report: `checkride compare … -o json`.\n",
        parts.join(" and ")
    )
}

/// What one table row shows; built from a report's [`Finding`] or a stored run's finding.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub verdict: Verdict,
    pub label: VerdictLabel,
    pub object: Option<&'a ObjectKey>,
    pub staging_object: Option<&'a ObjectKey>,
    pub path: Option<&'a str>,
    pub staging_says: &'a str,
    pub prod_might_say: &'a str,
}

impl<'a> From<&'a Finding> for Row<'a> {
    fn from(f: &'a Finding) -> Self {
        Row {
            verdict: f.verdict,
            label: f.verdict_label(),
            object: f.object.as_ref(),
            staging_object: f.staging_object.as_ref(),
            path: f.path.as_deref(),
            staging_says: &f.staging_says,
            prod_might_say: &f.prod_might_say,
        }
    }
}

impl<'a> From<&'a RunFinding> for Row<'a> {
    fn from(f: &'a RunFinding) -> Self {
        Row {
            verdict: f.verdict,
            label: f.verdict_label(),
            object: f.object.as_ref(),
            staging_object: f.staging_object.as_ref(),
            path: f.path.as_deref(),
            staging_says: &f.staging_says,
            prod_might_say: &f.prod_might_say,
        }
    }
}

impl Row<'_> {
    /// `**LIE** (high)`, `waived (lie)`, `cut`…: the verdict as the table shows it.
    pub fn verdict_label(&self) -> String {
        label(&self.label)
    }

    /// The object's display name (`Deployment shop/api`, or `cluster`).
    pub fn object_name(&self) -> String {
        object_name(self.object)
    }

    /// The row as a GFM table line.
    pub fn table_line(&self) -> String {
        let mut obj = format!("`{}`", code_inner(&self.object_name(), true));
        if let (Some(k), Some(s)) = (self.object, self.staging_object)
            && s != k
        {
            let _ = write!(obj, "<br>(staging: `{}`)", code_inner(&s.to_string(), true));
        }
        if let Some(p) = self.path {
            let _ = write!(obj, "<br>`{}`", code_inner(p, true));
        }
        format!(
            "| {} | {} | {} | {} |\n",
            self.verdict_label(),
            obj,
            cell(self.staging_says),
            cell(self.prod_might_say)
        )
    }
}

/// The GFM table header for rows.
pub(crate) const TABLE_HEAD: &str =
    "| Verdict | Object | Staging says | Prod might say |\n| --- | --- | --- | --- |\n";

/// A verdict label in Markdown: lies in bold.
pub(crate) fn label(l: &VerdictLabel) -> String {
    let shown = l.to_string();
    if l.emphasized {
        format!("**{}**{}", l.headline, &shown[l.headline.len()..])
    } else {
        shown
    }
}

fn object_name(k: Option<&ObjectKey>) -> String {
    k.map_or_else(|| "cluster".to_string(), ToString::to_string)
}

/// Findings grouped by object, objects in the order they first appear in the table.
fn group_by_object<'a>(rows: &[&'a Finding]) -> Vec<(Option<ObjectKey>, Vec<&'a Finding>)> {
    let mut groups: Vec<(Option<ObjectKey>, Vec<&Finding>)> = Vec::new();
    for f in rows {
        match groups.iter_mut().find(|(k, _)| *k == f.object) {
            Some((_, v)) => v.push(f),
            None => groups.push((f.object.clone(), vec![f])),
        }
    }
    groups
}

fn details(key: &Option<ObjectKey>, findings: &[&Finding]) -> String {
    let mut counts: Vec<(Verdict, usize)> = Vec::new();
    for f in findings {
        match counts.iter_mut().find(|(v, _)| *v == f.verdict) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.verdict, 1)),
        }
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(v, n)| format!("{n} {}", v.as_str()))
        .collect();
    let mut s = format!(
        "<details><summary><code>{}</code>: {}</summary>\n\n",
        html(&object_name(key.as_ref())),
        counts.join(", ")
    );
    for f in findings {
        finding_details(&mut s, f);
    }
    s.push_str("\n</details>\n\n");
    s
}

fn finding_details(s: &mut String, f: &Finding) {
    let path = f.path.as_deref().map_or_else(
        || "whole object".to_string(),
        |p| format!("`{}`", code_inner(p, false)),
    );
    let _ = writeln!(
        s,
        "- {} {path} ({})",
        Row::from(f).verdict_label(),
        f.change.as_str()
    );
    if f.path.is_some() {
        let _ = writeln!(
            s,
            "  - staging: {} · prod: {}",
            value(&f.staging),
            value(&f.prod)
        );
    }
    if let Some(e) = &f.equivalent {
        let _ = writeln!(s, "  - equivalent: {}", text(e));
    }
    if !f.rules.is_empty() {
        let rules: Vec<String> = f
            .rules
            .iter()
            .map(|r| format!("`{}`", code_inner(r, false)))
            .collect();
        let _ = writeln!(s, "  - rules: {}", rules.join(", "));
    } else if let Some(r) = &f.rule {
        let _ = writeln!(s, "  - rule: `{}`", code_inner(r, false));
    }
    if let Some(w) = &f.waiver {
        let _ = writeln!(
            s,
            "  - waived by {} until {}: {}",
            text(&w.owner),
            text(&w.expires),
            text(&w.reason)
        );
    }
    let _ = writeln!(s, "  - id: `{}`", code_inner(&f.id, false));
    if !f.line_diff.is_empty() {
        let body = f.line_diff.join("\n");
        let fence = fence_for(&body);
        let _ = writeln!(s, "\n  {fence}diff");
        for l in &f.line_diff {
            let _ = writeln!(s, "  {l}");
        }
        let _ = writeln!(s, "  {fence}\n");
    }
}

/// A value for the details list: null as "absent", strings bare in code, the rest as JSON.
fn value(v: &serde_json::Value) -> String {
    const MAX: usize = 200;
    let raw = match v {
        serde_json::Value::Null => return "absent".into(),
        serde_json::Value::String(s) if s.contains('\n') => {
            return format!("{}-line text", s.lines().count());
        }
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let shown = if raw.chars().count() > MAX {
        let mut c: String = raw.chars().take(MAX - 1).collect();
        c.push('…');
        c
    } else {
        raw
    };
    format!("`{}`", code_inner(&shown, false))
}

/// A fence of backticks longer than any run in the text (at least three).
fn fence_for(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// Text inside an inline code span (see [`crate::escape::markdown_code`]).
pub(crate) fn code_inner(s: &str, in_table: bool) -> String {
    crate::escape::markdown_code(s, in_table)
}

/// Plain text safe for Markdown (see [`crate::escape::markdown`]).
pub(crate) fn text(s: &str) -> String {
    crate::escape::markdown(s)
}

/// Text for a table cell: as [`text`], with line breaks kept as `<br>`.
fn cell(s: &str) -> String {
    s.split('\n').map(text).collect::<Vec<_>>().join("<br>")
}

/// HTML-escaped text (for `<summary>` and other raw HTML; see [`crate::escape::html`]).
pub(crate) fn html(s: &str) -> String {
    crate::escape::html(s)
}
