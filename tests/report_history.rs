//! The weekly drift report over three synthetic weekly runs: new, resolved and long-open lies,
//! expiring waivers and the trend, computed from stored runs whose verdicts are set by the test.

use checkride::jobs::history;
use checkride::model::drift::Run;
use checkride::model::{
    API_VERSION, Change, FieldPath, Finding, ObjectKey, Report, ReportCoverage, Severity,
    SideSummary, Verdict, WaiverRef,
};
use serde_json::Value;

/// A finding on Deployment shop/<name> at spec.<path>.
fn f(name: &str, verdict: Verdict, severity: Option<Severity>) -> Finding {
    Finding {
        id: format!("id-{name}"),
        object: Some(ObjectKey {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }),
        staging_object: None,
        path: Some(FieldPath::parse("spec.x").unwrap()),
        change: Change::Changed,
        staging: Value::Null,
        prod: Value::Null,
        equivalent: None,
        verdict,
        waived_verdict: None,
        severity,
        rule: Some("some-rule".into()),
        rules: vec!["some-rule".into()],
        waiver: None,
        preview: false,
        staging_says: format!("{name}: staging"),
        prod_might_say: format!("{name}: prod"),
        line_diff: vec![],
    }
}

fn lie(name: &str, s: Severity) -> Finding {
    f(name, Verdict::Lie, Some(s))
}

fn waived(name: &str, expires: &str) -> Finding {
    let mut x = f(name, Verdict::Waived, None);
    x.waived_verdict = Some(Verdict::Lie);
    x.waiver = Some(WaiverRef {
        owner: "team-payments".into(),
        reason: "mock until the sandbox contract is signed".into(),
        expires: expires.into(),
    });
    x
}

fn run(at: &str, findings: Vec<Finding>) -> Run {
    let side = |s: &str| SideSummary {
        source: s.into(),
        facts: Default::default(),
        objects: 10,
        ignored: Default::default(),
    };
    let lies = findings
        .iter()
        .filter(|f| f.verdict == Verdict::Lie)
        .count();
    let r = Report {
        api_version: API_VERSION.into(),
        kind: "Report".into(),
        staging: side("context:staging"),
        prod: side("context:prod"),
        coverage: ReportCoverage {
            complete: true,
            ..Default::default()
        },
        summary: Report::summarize(&findings),
        fidelity_score: checkride::model::policy::fidelity(10, lies),
        findings,
        rule_errors: vec![],
        waivers: Default::default(),
    };
    Run::from_report(&r, at, vec![])
}

fn names<T>(items: &[T], get: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| get(i).to_string()).collect()
}

/// Three Mondays: lies come, go and stay; one returns after a week away (its streak restarts);
/// two waivers come within the 14-day window.
#[test]
fn three_weekly_runs() {
    let w1 = run(
        "2025-03-03T06:00:00Z",
        vec![
            lie("alpha", Severity::High),
            lie("bravo", Severity::Medium),
            lie("foxtrot", Severity::Low),
            f("charlie", Verdict::Cut, None),
            waived("whiskey", "2025-03-25"),
        ],
    );
    let w2 = run(
        "2025-03-10T06:00:00Z",
        vec![
            lie("alpha", Severity::High),
            lie("delta", Severity::High),
            f("bravo", Verdict::Cut, None),
            f("charlie", Verdict::Cut, None),
            waived("whiskey", "2025-03-25"),
        ],
    );
    let w3 = run(
        "2025-03-17T06:00:00Z",
        vec![
            lie("alpha", Severity::High),
            lie("echo", Severity::Medium),
            lie("foxtrot", Severity::Low),
            f("charlie", Verdict::Cut, None),
            waived("whiskey", "2025-03-25"),
            waived("xray", "2025-03-17"),
            waived("yankee", "2025-04-30"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    // Stored in a scrambled order: loading sorts by run time.
    for r in [&w2, &w1] {
        history::store::store(dir.path(), r).unwrap();
    }
    let earlier = history::store::load(dir.path()).unwrap();
    assert_eq!(
        names(&earlier, |r| &r.at),
        ["2025-03-03T06:00:00Z", "2025-03-10T06:00:00Z"]
    );

    // Week 2 against week 1.
    let d2 = history::drift(&w2, &earlier[..1], 2, 14).unwrap();
    assert_eq!(names(&d2.new_lies, |o| &o.finding.id), ["id-delta"]);
    assert_eq!(
        names(&d2.resolved_lies, |r| &r.finding.id),
        ["id-bravo", "id-foxtrot"]
    );
    assert_eq!(d2.resolved_lies[0].now, Some(Verdict::Cut));
    assert_eq!(d2.resolved_lies[1].now, None, "foxtrot is gone");
    assert!(d2.long_open_lies.is_empty(), "alpha is open one week only");
    assert!(d2.expiring_waivers.is_empty(), "whiskey expires in 15 days");

    // Week 3 against weeks 1 and 2.
    let d3 = history::drift(&w3, &earlier, 2, 14).unwrap();
    assert_eq!(d3.previous_at.as_deref(), Some("2025-03-10T06:00:00Z"));
    assert_eq!(
        names(&d3.new_lies, |o| &o.finding.id),
        ["id-echo", "id-foxtrot"],
        "medium before low; foxtrot is back, so new again"
    );
    assert_eq!(names(&d3.resolved_lies, |r| &r.finding.id), ["id-delta"]);
    assert_eq!(d3.resolved_lies[0].now, None);
    assert_eq!(names(&d3.long_open_lies, |o| &o.finding.id), ["id-alpha"]);
    assert_eq!(d3.long_open_lies[0].weeks_open, 2);
    assert_eq!(d3.long_open_lies[0].since, "2025-03-03T06:00:00Z");
    let foxtrot = d3
        .new_lies
        .iter()
        .find(|o| o.finding.id == "id-foxtrot")
        .unwrap();
    assert_eq!(foxtrot.since, "2025-03-17T06:00:00Z", "streak restarted");
    assert_eq!(
        d3.expiring_waivers
            .iter()
            .map(|w| (w.finding.id.as_str(), w.days_left))
            .collect::<Vec<_>>(),
        [("id-xray", 0), ("id-whiskey", 8)]
    );
    let trend: Vec<(usize, usize, u32)> = d3
        .trend
        .iter()
        .map(|p| (p.lies, p.cuts, p.fidelity_score))
        .collect();
    assert_eq!(trend, [(3, 1, 70), (2, 2, 80), (3, 1, 70)]);

    // The weekly Markdown, as Slack or e-mail gets it.
    insta::assert_snapshot!(
        "weekly_markdown_week3",
        checkride::report::drift_markdown::render(&d3)
    );

    // A higher threshold lists nothing; the first run ever calls every lie new.
    assert!(
        history::drift(&w3, &earlier, 3, 14)
            .unwrap()
            .long_open_lies
            .is_empty()
    );
    let first = history::drift(&w1, &[], 2, 14).unwrap();
    assert_eq!(first.new_lies.len(), 3);
    assert!(first.previous_at.is_none());
}

/// Runs in the history that are not before this run (a clock set back) are ignored, and a
/// stored run that is not a run names the file.
#[test]
fn later_runs_are_ignored_and_bad_files_named() {
    let w1 = run("2025-03-03T06:00:00Z", vec![lie("alpha", Severity::High)]);
    let w9 = run("2025-05-05T06:00:00Z", vec![]);
    let d = history::drift(&w1, &[w9], 2, 14).unwrap();
    assert!(d.previous_at.is_none());
    assert_eq!(d.trend.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("run-broken.json"), "{\"kind\": 1}").unwrap();
    std::fs::write(dir.path().join("latest.html"), "<html>").unwrap();
    let err = history::store::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("run-broken.json:1:"), "{err}");
    assert!(err.contains("not a stored checkride run"), "{err}");
}

/// Two runs at the same second are both kept.
#[test]
fn same_second_runs_do_not_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let r = run("2025-03-03T06:00:00Z", vec![]);
    let a = history::store::store(dir.path(), &r).unwrap();
    let b = history::store::store(dir.path(), &r).unwrap();
    assert_ne!(a, b);
    assert_eq!(history::store::load(dir.path()).unwrap().len(), 2);
}
