//! The Markdown report fits a PR comment however many findings there are: detail sections go
//! first, then the last (least severe) rows, and a note says what was cut.

use checkride::model::{
    API_VERSION, Change, FieldPath, Finding, ObjectKey, Report, ReportCoverage, Severity,
    SideSummary, Verdict,
};
use checkride::report::markdown::{self, COMMENT_LIMIT};
use serde_json::json;

fn finding(i: usize, verdict: Verdict) -> Finding {
    Finding {
        id: format!("{i:016x}"),
        object: Some(ObjectKey {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: format!("svc-{i:04}"),
        }),
        staging_object: None,
        path: Some(
            FieldPath::parse(
                "spec.template.spec.containers[name=app].env[name=PAYMENTS_URL].value",
            )
            .unwrap(),
        ),
        change: Change::Changed,
        staging: json!("http://payments-mock:8080"),
        prod: json!("https://api.stripe.com"),
        equivalent: None,
        verdict,
        waived_verdict: None,
        severity: (verdict == Verdict::Lie).then_some(Severity::High),
        rule: None,
        rules: vec![],
        waiver: None,
        preview: false,
        staging_says: "payments go to a mock | never charged".into(),
        prod_might_say: "payments go to Stripe: <declines>, timeouts".into(),
        line_diff: vec![],
    }
}

fn report(findings: Vec<Finding>) -> Report {
    let side = |s: &str| SideSummary {
        source: s.into(),
        facts: Default::default(),
        objects: 1,
        ignored: Default::default(),
    };
    Report {
        api_version: API_VERSION.into(),
        kind: "Report".into(),
        staging: side("staging"),
        prod: side("prod"),
        coverage: ReportCoverage {
            complete: true,
            ..Default::default()
        },
        summary: Report::summarize(&findings),
        fidelity_score: 50,
        findings,
        rule_errors: vec![],
        waivers: Default::default(),
    }
}

/// 3,000 findings: the output stays under the limit, keeps the lies (first rows), drops the
/// detail sections and the last rows, and says how many.
#[test]
fn large_report_is_cut_to_fit() {
    let mut fs: Vec<Finding> = (0..3000)
        .map(|i| {
            finding(
                i,
                if i % 3 == 0 {
                    Verdict::Lie
                } else {
                    Verdict::Cut
                },
            )
        })
        .collect();
    fs.reverse();
    let r = report(fs);
    let md = markdown::render(&r, &markdown::Options::default());
    assert!(md.len() <= COMMENT_LIMIT, "{} bytes", md.len());
    assert!(
        md.len() > COMMENT_LIMIT - 2_000,
        "room wasted: {} bytes",
        md.len()
    );
    assert!(md.contains("not shown"), "no note");
    assert!(
        md.contains("of 3000 table rows"),
        "{}",
        &md[md.len() - 400..]
    );
    assert!(md.contains("3000 of 3000 detail sections") || md.contains("detail sections"));
    let first_row = md.lines().find(|l| l.starts_with("| **LIE**")).unwrap();
    assert!(first_row.contains("svc-0000"), "{first_row}");
    assert!(!md.contains("| cut |") || md.matches("| **LIE**").count() == 1000);
    // Cell text is escaped: a `|` inside a cell does not break the table.
    assert!(first_row.contains("mock \\| never"), "{first_row}");
    assert!(first_row.contains("&lt;declines&gt;"), "{first_row}");
}

/// A small report is not cut, and carries one details block per object.
#[test]
fn small_report_is_whole() {
    let r = report(vec![finding(1, Verdict::Lie), finding(2, Verdict::Cut)]);
    let md = markdown::render(&r, &markdown::Options::default());
    assert!(!md.contains("not shown"));
    assert_eq!(md.matches("<details>").count(), 2);
    assert_eq!(md.matches("</details>").count(), 2);
}

/// A tight custom limit is honoured too.
#[test]
fn custom_limit_is_honoured() {
    let r = report((0..50).map(|i| finding(i, Verdict::Lie)).collect());
    let opts = markdown::Options {
        limit: 4_000,
        ..Default::default()
    };
    let md = markdown::render(&r, &opts);
    assert!(md.len() <= 4_000, "{}", md.len());
    assert!(md.contains("Cut to fit 4000 characters"));
}
