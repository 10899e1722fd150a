//! The weekly drift report as one self-contained HTML page: inline CSS, an inline SVG trend chart,
//! no scripts, fonts, images or links to fetch. Opens from a file, a bucket or an e-mail.

use super::drift_markdown::{date, days_left};
use super::markdown::{Row, html};
use super::trend_svg;
use crate::model::display_order;
use crate::model::drift::{Drift, OpenLie, RunFinding, Says};
use std::fmt::Write as _;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d1f23}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px}
.sources{color:#555;margin:0 0 16px}
code{background:#eceef1;border-radius:3px;padding:1px 4px;font-size:90%}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:110px;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card .n{display:block;font-size:28px;font-weight:700}
.card.lie .n{color:#c62828}.card.cut .n{color:#1565c0}.card.unclassified .n{color:#8d6e00}
.card.waived .n{color:#6a1b9a}.card.score .n{color:#2e7d32}
.panel{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.12)}
ul.items{margin:0;padding-left:20px}ul.items li{margin:4px 0}
.none{color:#777}
table{border-collapse:collapse;width:100%;table-layout:fixed;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.12)}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid #e3e5e8;font-size:14px}
th{background:#2b2f36;color:#fff}
td{overflow-wrap:anywhere}
th.c-verdict{width:12%}th.c-object{width:38%}
#trend{width:100%;height:auto}
td.verdict{font-weight:700;white-space:nowrap}
tr.v-lie td.verdict{color:#c62828}tr.v-cut td.verdict{color:#1565c0}
tr.v-unclassified td.verdict{color:#8d6e00}tr.v-waived td.verdict{color:#6a1b9a}
.warn{background:#fff3cd;border-left:4px solid #c69500;padding:8px 12px;margin:12px 0}
footer{color:#777;font-size:12px;margin-top:32px}
";

/// Renders the drift report as a complete HTML document.
pub fn render(d: &Drift) -> String {
    let c = &d.current;
    let mut s =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        s,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>checkride drift report {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        html(&date(&c.at))
    );
    let _ = writeln!(
        s,
        "<h1>checkride weekly drift report</h1>\n<p class=\"sources\">run {} · staging <code>{}</code> · prod <code>{}</code>{}</p>",
        html(&c.at),
        html(&c.staging),
        html(&c.prod),
        d.previous_at
            .as_deref()
            .map(|p| format!(" · previous run {}", html(p)))
            .unwrap_or_default()
    );
    if !c.coverage_complete {
        s.push_str("<p class=\"warn\">Coverage incomplete: this run did not see everything (see the notes at the end).</p>\n");
    }
    s.push_str("<section class=\"cards\">\n");
    let sm = &c.summary;
    for (class, n, label) in [
        ("lie", sm.lie.to_string(), "lies"),
        ("unclassified", sm.unclassified.to_string(), "unclassified"),
        ("cut", sm.cut.to_string(), "cuts"),
        ("waived", sm.waived.to_string(), "waived"),
        (
            "score",
            format!("{}/100", c.fidelity_score),
            "fidelity score",
        ),
    ] {
        let _ = writeln!(
            s,
            "<div class=\"card {class}\"><span class=\"n\">{n}</span>{label}</div>"
        );
    }
    s.push_str("</section>\n");

    let _ = writeln!(
        s,
        "<h2>Lies and cuts per run</h2>\n<div class=\"panel\">\n{}</div>",
        trend_svg::chart(&d.trend)
    );

    let first = d.previous_at.is_none();
    list(
        &mut s,
        "new",
        if first {
            "Lies (first run: all are new)"
        } else {
            "New lies"
        },
        d.new_lies.iter().map(|o| item(&o.finding, "")).collect(),
    );
    if !first {
        list(
            &mut s,
            "resolved",
            "Resolved lies",
            d.resolved_lies
                .iter()
                .map(|r| {
                    let now = match r.now {
                        None => "gone".to_string(),
                        Some(v) => format!("now {}", v.as_str()),
                    };
                    item(&r.finding, &format!(" ({now})"))
                })
                .collect(),
        );
    }
    list(
        &mut s,
        "long-open",
        &format!("Lies open for {} weeks or more", d.open_weeks),
        d.long_open_lies.iter().map(open_item).collect(),
    );
    list(
        &mut s,
        "expiring",
        &format!("Waivers expiring within {} days", d.expiring_days),
        d.expiring_waivers
            .iter()
            .map(|w| {
                let who = w
                    .finding
                    .waiver
                    .as_ref()
                    .map(|w| format!(", owner {}: {}", html(&w.owner), html(&w.reason)))
                    .unwrap_or_default();
                item(
                    &w.finding,
                    &format!(
                        " expires {} ({}{who})",
                        html(&w.expires),
                        days_left(w.days_left)
                    ),
                )
            })
            .collect(),
    );
    table(&mut s, &c.findings);
    if !c.notes.is_empty() {
        s.push_str("<h2>Notes</h2>\n<ul class=\"items notes\">\n");
        for n in &c.notes {
            let _ = writeln!(s, "<li>{}</li>", html(n));
        }
        s.push_str("</ul>\n");
    }
    let _ = writeln!(
        s,
        "<footer>checkride {} · one file, no external assets</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn list(s: &mut String, id: &str, title: &str, items: Vec<String>) {
    let _ = writeln!(
        s,
        "<h2 id=\"{id}\">{} ({})</h2>\n<div class=\"panel\">",
        html(title),
        items.len()
    );
    if items.is_empty() {
        s.push_str("<p class=\"none\">None.</p>\n");
    } else {
        s.push_str("<ul class=\"items\">\n");
        for i in items {
            let _ = writeln!(s, "<li>{i}</li>");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</div>\n");
}

fn target(f: &RunFinding) -> String {
    let r = Row::from(f);
    let mut t = format!("<code>{}</code>", html(&r.object_name()));
    if let Some(p) = &f.path {
        let _ = write!(t, " <code>{}</code>", html(p));
    }
    t
}

fn verdict(r: &Row) -> String {
    html(&r.label.to_string())
}

fn item(f: &RunFinding, suffix: &str) -> String {
    let says = match f.says() {
        Says::Sentences(s, p) => format!("staging says {}; prod might say {}", html(s), html(p)),
        Says::Title(t) => html(t),
    };
    format!(
        "<b>{}</b> {}{suffix}: {says}",
        verdict(&Row::from(f)),
        target(f)
    )
}

fn open_item(o: &OpenLie) -> String {
    format!(
        "<b>{}</b> {}: open {} weeks (since {})",
        verdict(&Row::from(&o.finding)),
        target(&o.finding),
        o.weeks_open,
        html(&date(&o.since))
    )
}

fn table(s: &mut String, findings: &[RunFinding]) {
    let rows: Vec<Row> = display_order(findings, false)
        .into_iter()
        .map(Row::from)
        .collect();
    let hidden = findings.len() - rows.len();
    let _ = writeln!(
        s,
        "<h2>This run: staging says / prod might say ({} rows{})</h2>",
        rows.len(),
        if hidden > 0 {
            format!(", {hidden} noise hidden")
        } else {
            String::new()
        }
    );
    if rows.is_empty() {
        s.push_str("<p class=\"panel none\">No differences.</p>\n");
        return;
    }
    s.push_str("<table id=\"findings\">\n<thead><tr><th class=\"c-verdict\">Verdict</th><th class=\"c-object\">Object</th><th>Staging says</th><th>Prod might say</th></tr></thead>\n<tbody>\n");
    for r in rows {
        let mut obj = format!("<code>{}</code>", html(&r.object_name()));
        if let (Some(k), Some(st)) = (r.object, r.staging_object)
            && st != k
        {
            let _ = write!(obj, "<br>(staging: <code>{}</code>)", html(&st.to_string()));
        }
        if let Some(p) = r.path {
            let _ = write!(obj, "<br><code>{}</code>", html(p));
        }
        let _ = writeln!(
            s,
            "<tr class=\"v-{}\"><td class=\"verdict\">{}</td><td>{obj}</td><td>{}</td><td>{}</td></tr>",
            r.verdict.as_str(),
            verdict(&r),
            html(r.staging_says).replace('\n', "<br>"),
            html(r.prod_might_say).replace('\n', "<br>")
        );
    }
    s.push_str("</tbody>\n</table>\n");
}
