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
    let titles = [("some-rule".to_string(), "Some rule's title".to_string())].into();
    Run::from_report(&r, at, vec![], &titles)
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

/// A stored run keeps identity, verdict, severity, rule, rule title and waiver, and no sentence
/// (sentences quote values): a value that is only in a sentence never reaches the history file.
#[test]
fn stored_runs_keep_no_values() {
    let mut secretish = lie("alpha", Severity::High);
    secretish.staging_says = "token=CANARY-7f3a9b".into();
    secretish.prod_might_say = "token=CANARY-d41c08".into();
    let w1 = run(
        "2025-03-03T06:00:00Z",
        vec![secretish, waived("whiskey", "2025-03-25")],
    );
    assert_eq!(
        w1.findings[0].staging_says, "token=CANARY-7f3a9b",
        "this run still says it"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = history::store::store(dir.path(), &w1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(!text.contains("CANARY"), "{text}");
    assert!(!text.contains("staging_says"), "{text}");
    let stored: Value = serde_json::from_str(&text).unwrap();
    let alpha = &stored["findings"][0];
    assert_eq!(alpha["id"], "id-alpha");
    assert_eq!(alpha["rule"], "some-rule");
    assert_eq!(alpha["title"], "Some rule's title");
    assert_eq!(alpha["severity"], "high");
    assert_eq!(stored["findings"][1]["waiver"]["owner"], "team-payments");

    // Read back, a stored lie speaks through its rule's title.
    let back = history::store::load(dir.path()).unwrap();
    assert_eq!(
        back[0].findings[0].says(),
        checkride::model::drift::Says::Title("Some rule's title")
    );
}

/// A history written by checkride 0.1.0 (paths as text, sentences, no titles) still loads, and
/// its lies count in the streaks and resolutions of a run of today's format.
#[test]
fn runs_written_by_0_1_0_still_load() {
    let old = history::store::load(std::path::Path::new("fixtures/history/v0.1.0")).unwrap();
    assert_eq!(old.len(), 1);
    let o = &old[0];
    assert_eq!(o.notes.len(), 1);
    assert_eq!(o.findings.len(), 4);
    assert_eq!(
        o.findings[0].path.as_deref(),
        Some("spec.template.spec.containers[name=api].readinessProbe.initialDelaySeconds")
    );
    assert_eq!(
        o.findings[1].path.as_deref(),
        Some("data[\"app.properties\"]")
    );
    assert_eq!(o.findings[1].title, None);
    assert_eq!(o.findings[3].waived_verdict, Some(Verdict::Lie));

    let mut alpha = lie("alpha", Severity::High);
    alpha.id = "id-alpha".into();
    let now = run("2025-03-17T06:00:00Z", vec![alpha]);
    let d = history::drift(&now, &old, 2, 14).unwrap();
    assert_eq!(d.previous_at.as_deref(), Some("2025-03-03T06:00:00Z"));
    assert_eq!(names(&d.long_open_lies, |o| &o.finding.id), ["id-alpha"]);
    assert_eq!(d.long_open_lies[0].since, "2025-03-03T06:00:00Z");
    assert_eq!(names(&d.resolved_lies, |r| &r.finding.id), ["id-bravo"]);
    // The old run's own sentences are what it says about a lie it resolved.
    let md = checkride::report::drift_markdown::render(&d);
    assert!(
        md.contains("payments.url=http://mock-payments:8080"),
        "{md}"
    );
}
