//! The weekly drift report as Markdown, for Slack, e-mail or a wiki page: what changed since the
//! previous run, what is overdue, what expires, the trend, and the table of this run.

use super::markdown::{Row, TABLE_HEAD, code_inner, text};
use crate::model::drift::{Drift, OpenLie, RunFinding, Says, TrendPoint};
use crate::model::{Verdict, display_order};
use std::fmt::Write as _;

/// How many runs the trend table shows (the newest).
pub const TREND_ROWS: usize = 12;

/// Renders the drift report.
pub fn render(d: &Drift) -> String {
    let c = &d.current;
    let mut s = format!(
        "### checkride weekly drift report: {}\n\n",
        text(&date(&c.at))
    );
    let s_ = &c.summary;
    let _ = write!(
        s,
        "**{}, {} unclassified, {}, {} waived · fidelity score {}/100**",
        plural(s_.lie, "lie", "lies"),
        s_.unclassified,
        plural(s_.cut, "cut", "cuts"),
        s_.waived,
        c.fidelity_score
    );
    if let Some(prev) = d.trend.iter().rev().nth(1) {
        let _ = write!(
            s,
            " (previous run {}: {}, {}/100)",
            text(&date(&prev.at)),
            plural(prev.lies, "lie", "lies"),
            prev.fidelity_score
        );
    }
    let _ = write!(
        s,
        "  \nstaging `{}` · prod `{}`\n\n",
        code_inner(&c.staging, false),
        code_inner(&c.prod, false)
    );
    if !c.coverage_complete {
        s.push_str("> [!WARNING]\n> Coverage incomplete: this run did not see everything; see the notes below.\n\n");
    }

    let first = d.previous_at.is_none();
    section(
        &mut s,
        if first {
            "Lies (first run: all are new)"
        } else {
            "New lies"
        },
        d.new_lies.len(),
        d.new_lies.iter().map(|o| lie_line(&o.finding, "")),
    );
    if !first {
        section(
            &mut s,
            "Resolved lies",
            d.resolved_lies.len(),
            d.resolved_lies.iter().map(|r| {
                let now = match r.now {
                    None => "gone".to_string(),
                    Some(Verdict::Waived) => "now waived".to_string(),
                    Some(v) => format!("now {}", v.as_str()),
                };
                lie_line(&r.finding, &format!(" ({now})"))
            }),
        );
    }
    section(
        &mut s,
        &format!("Lies open for {} weeks or more", d.open_weeks),
        d.long_open_lies.len(),
        d.long_open_lies.iter().map(open_line),
    );
    section(
        &mut s,
        &format!("Waivers expiring within {} days", d.expiring_days),
        d.expiring_waivers.len(),
        d.expiring_waivers.iter().map(|w| {
            let who = w
                .finding
                .waiver
                .as_ref()
                .map(|w| format!(", owner {}: {}", text(&w.owner), text(&w.reason)))
                .unwrap_or_default();
            format!(
                "{} on {} ({}{who})",
                target(&w.finding),
                text(&w.expires),
                days_left(w.days_left)
            )
        }),
    );
    trend(&mut s, &d.trend);

    let rows: Vec<Row> = display_order(&c.findings, false)
        .into_iter()
        .map(Row::from)
        .collect();
    s.push_str("#### This run\n\n");
    if rows.is_empty() {
        s.push_str("No differences.\n\n");
    } else {
        s.push_str(TABLE_HEAD);
        for r in &rows {
            s.push_str(&r.table_line());
        }
        s.push('\n');
    }
    for n in &c.notes {
        let _ = writeln!(s, "- {}", text(n));
    }
    s
}

fn section(s: &mut String, title: &str, n: usize, lines: impl Iterator<Item = String>) {
    let _ = writeln!(s, "#### {} ({n})\n", text(title));
    if n == 0 {
        s.push_str("None.\n\n");
        return;
    }
    for l in lines {
        let _ = writeln!(s, "- {l}");
    }
    s.push('\n');
}

fn target(f: &RunFinding) -> String {
    let r = Row::from(f);
    let mut t = format!("`{}`", code_inner(&r.object_name(), false));
    if let Some(p) = &f.path {
        let _ = write!(t, " `{}`", code_inner(p, false));
    }
    t
}

fn lie_line(f: &RunFinding, suffix: &str) -> String {
    let says = match f.says() {
        Says::Sentences(s, p) => format!("staging says {}; prod might say {}", text(s), text(p)),
        Says::Title(t) => text(t),
    };
    format!(
        "{} {}{suffix}: {says}",
        Row::from(f).verdict_label(),
        target(f)
    )
}

fn open_line(o: &OpenLie) -> String {
    format!(
        "{} {}: open {} weeks (since {})",
        Row::from(&o.finding).verdict_label(),
        target(&o.finding),
        o.weeks_open,
        text(&date(&o.since))
    )
}

fn trend(s: &mut String, points: &[TrendPoint]) {
    let shown = &points[points.len().saturating_sub(TREND_ROWS)..];
    let _ = writeln!(
        s,
        "#### Trend (last {} of {} runs)\n",
        shown.len(),
        points.len()
    );
    s.push_str("| Run | Lies | Unclassified | Cuts | Waived | Fidelity |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for p in shown {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            text(&date(&p.at)),
            p.lies,
            p.unclassified,
            p.cuts,
            p.waived,
            p.fidelity_score
        );
    }
    s.push('\n');
}

/// `1 lie`, `2 lies`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `today`, `tomorrow`, `in 8 days`.
pub(crate) fn days_left(n: i64) -> String {
    match n {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n => format!("in {n} days"),
    }
}

/// The date part of an RFC 3339 time.
pub(crate) fn date(at: &str) -> String {
    at.split('T').next().unwrap_or(at).to_string()
}
