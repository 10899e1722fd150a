//! JUnit XML for CI dashboards: one test suite per object (and one for the cluster), one test
//! case per finding. Findings that block under the run's policy fail, waived findings are
//! skipped, everything else passes. No timestamps, so the same report always renders the same
//! bytes.

use crate::model::{Finding, Judged, ObjectKey, Policy, Report, Verdict};
use std::fmt::Write as _;

/// Renders every finding (noise included) as JUnit XML; those that block under `policy` fail.
pub fn render(r: &Report, policy: &Policy) -> String {
    let rows = r.display_order(true);
    let mut suites: Vec<(Option<&ObjectKey>, Vec<&Finding>)> = Vec::new();
    for f in rows {
        match suites.iter_mut().find(|(k, _)| *k == f.object.as_ref()) {
            Some((_, v)) => v.push(f),
            None => suites.push((f.object.as_ref(), vec![f])),
        }
    }
    let count = |fs: &[&Finding], v: Verdict| fs.iter().filter(|f| f.verdict == v).count();
    let failing = |fs: &[&Finding]| fs.iter().filter(|f| f.blocks(policy)).count();
    let all: Vec<&Finding> = suites.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"checkride\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        all.len(),
        failing(&all),
        count(&all, Verdict::Waived)
    );
    if suites.is_empty() {
        // An empty run is still a valid, passing document; dashboards show "0 tests".
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">",
            xml(&suite_title(r))
        );
        properties(&mut out, r);
        out.push_str("  </testsuite>\n");
    }
    for (i, (key, fs)) in suites.iter().enumerate() {
        let class = key.map_or_else(|| "cluster".to_string(), ToString::to_string);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml(&class),
            fs.len(),
            failing(fs),
            count(fs, Verdict::Waived)
        );
        if i == 0 {
            properties(&mut out, r);
        }
        for f in fs {
            case(&mut out, &class, f, f.blocks(policy));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_title(r: &Report) -> String {
    format!("checkride: {} vs {}", r.staging.source, r.prod.source)
}

fn properties(out: &mut String, r: &Report) {
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("staging", r.staging.source.clone()),
        ("prod", r.prod.source.clone()),
        ("fidelity_score", r.fidelity_score.to_string()),
        ("coverage_complete", r.coverage.complete.to_string()),
    ] {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            xml(&value)
        );
    }
    out.push_str("    </properties>\n");
}

fn case(out: &mut String, class: &str, f: &Finding, blocks: bool) {
    let name = match &f.path {
        Some(p) => format!("{p} ({})", f.change.as_str()),
        None => format!("whole object ({})", f.change.as_str()),
    };
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\">",
        xml(class),
        xml(&name)
    );
    let said = format!(
        "staging says: {} / prod might say: {}",
        f.staging_says, f.prod_might_say
    );
    let inner = match f.verdict {
        _ if blocks => {
            let label = f.verdict.with_severity(f.severity);
            format!(
                "<failure type=\"{}\" message=\"{}\">{}</failure>",
                xml(&label),
                xml(&said),
                xml(&case_body(f))
            )
        }
        Verdict::Waived => {
            let msg = match &f.waiver {
                Some(w) => format!("waived by {} until {}: {}", w.owner, w.expires, w.reason),
                None => "waived".into(),
            };
            format!("<skipped message=\"{}\"/>", xml(&msg))
        }
        _ => format!(
            "<system-out>{}: {}</system-out>",
            xml(&f.verdict_label().to_string().to_lowercase()),
            xml(&said)
        ),
    };
    let _ = writeln!(out, "      {inner}\n    </testcase>");
}

fn case_body(f: &Finding) -> String {
    let mut s = format!("id: {}\n", f.id);
    if let Some(r) = &f.rule {
        let _ = writeln!(s, "rule: {r}");
    }
    let _ = writeln!(s, "staging says: {}", f.staging_says);
    let _ = writeln!(s, "prod might say: {}", f.prod_might_say);
    for l in &f.line_diff {
        let _ = writeln!(s, "{l}");
    }
    s
}

/// Escapes text for XML attributes and content (see [`crate::escape::xml`]).
pub(crate) fn xml(s: &str) -> String {
    crate::escape::xml(s)
}
