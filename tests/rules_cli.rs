//! Writing, testing and waiving rules from the command line: user rules on top of the pack,
//! `rules list|explain|test`, preview rules, waivers with a pinned "today", CEL errors at
//! evaluation, and exit codes.

use assert_cmd::Command;
use serde_json::Value;

const DEMO_S: &str = "fixtures/scenarios/demo/staging";
const DEMO_P: &str = "fixtures/scenarios/demo/prod";

fn run(args: &[&str], now: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("checkride").expect("binary");
    cmd.args(args);
    if let Some(n) = now {
        cmd.env("CHECKRIDE_NOW", n);
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(args: &[&str], now: Option<&str>) -> (i32, Value) {
    let mut all = vec!["compare", DEMO_S, DEMO_P, "-o", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all, now);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, serde_json::from_str(&out).expect("JSON report"))
}

fn finding<'a>(r: &'a Value, path_end: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .unwrap_or_else(|| panic!("no finding at …{path_end}"))
}

/// A user rule replaces the built-in with its id, `enabled: false` switches one off, and a
/// user `noise` rule silences a difference for good.
#[test]
fn user_rules_replace_disable_and_silence() {
    let (_, r) = report(&["--rules", "fixtures/rules/user"], None);
    let replicas = finding(&r, "spec.replicas");
    assert_eq!(replicas["verdict"], "lie");
    assert_eq!(replicas["severity"], "low");
    assert_eq!(replicas["rule"], "replicas-lower-in-staging");
    assert_eq!(replicas["staging_says"], "A single checkout pod");
    let pdb = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["object"]["kind"] == "PodDisruptionBudget")
        .expect("PDB finding");
    assert_eq!(
        pdb["verdict"], "unclassified",
        "pdb-only-in-prod is disabled"
    );
    let url = finding(&r, "data.PUBLIC_BASE_URL");
    assert_eq!(url["verdict"], "noise");
    assert!(
        url["rules"]
            .as_array()
            .expect("rules")
            .contains(&"ignore-public-base-url".into())
    );
}

/// The demo's verdicts with the built-in pack, as the scenario README wants them.
#[test]
fn demo_verdicts() {
    let (code, r) = report(&[], None);
    assert_eq!(code, 1, "lies fail CI by default");
    let verdict = |p: &str| finding(&r, p)["verdict"].as_str().map(str::to_string);
    assert_eq!(
        verdict("readinessProbe.initialDelaySeconds").as_deref(),
        Some("lie")
    );
    assert_eq!(verdict("resources.limits.memory").as_deref(), Some("lie"));
    assert_eq!(
        verdict("env[name=PAYMENTS_URL].value").as_deref(),
        Some("lie")
    );
    assert_eq!(verdict("spec.replicas").as_deref(), Some("cut"));
    assert_eq!(verdict("resources.requests.cpu").as_deref(), Some("cut"));
    assert_eq!(verdict("data.PUBLIC_BASE_URL").as_deref(), Some("noise"));
    for kind in ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Job"] {
        let f = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["object"]["kind"] == kind)
            .expect("one-sided object");
        assert_eq!(f["verdict"], "lie", "{kind}");
    }
    assert_eq!(r["rule_errors"], serde_json::json!([]));
}

/// `--fail-on` picks the verdict that fails CI.
#[test]
fn fail_on_levels() {
    assert_eq!(
        run(&["compare", DEMO_S, DEMO_P, "--fail-on", "never"], None).0,
        0
    );
    assert_eq!(
        run(&["compare", DEMO_S, DEMO_P, "--fail-on", "cut"], None).0,
        1
    );
    let s = "fixtures/scenarios/quiet/staging";
    let p = "fixtures/scenarios/quiet/prod";
    assert_eq!(run(&["compare", s, p, "--fail-on", "cut"], None).0, 0);
}

/// A lie from a preview rule is reported (and marked) but fails CI only with `--preview`.
#[test]
fn preview_rules_do_not_fail_ci() {
    let s = "fixtures/rules/preview/staging";
    let p = "fixtures/rules/preview/prod";
    let (code, out, _) = run(&["compare", s, p], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("LIE (medium, preview)"), "{out}");
    assert!(out.contains("1 lie (1 preview)"), "{out}");
    assert_eq!(run(&["compare", s, p, "--preview"], None).0, 1);
    let (_, json, _) = run(&["compare", s, p, "-o", "json"], None);
    let r: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(r["findings"][0]["preview"], true);
    assert_eq!(
        r["fidelity_score"], 100,
        "preview lies do not count against fidelity"
    );
}

/// Waivers from a config file: a valid one turns a lie into `waived`; an expired one no longer
/// applies and is listed; one that matches nothing is listed. "Today" is pinned.
#[test]
fn waivers_with_pinned_today() {
    let (_, r) = report(
        &["--config", "fixtures/rules/checkride.yaml"],
        Some("2026-06-01T00:00:00Z"),
    );
    let mem = finding(&r, "resources.limits.memory");
    assert_eq!(mem["verdict"], "waived");
    assert_eq!(mem["waived_verdict"], "lie");
    assert_eq!(mem["waiver"]["owner"], "@shop-sre");
    assert_eq!(mem["waiver"]["expires"], "2026-12-31");
    assert_eq!(
        finding(&r, "env[name=PAYMENTS_URL].value")["verdict"],
        "lie"
    );
    assert_eq!(r["waivers"]["expired"][0]["rule"], "value-points-at-mock");
    assert_eq!(r["waivers"]["unmatched"][0]["finding"], "0000000000000000");
    assert_eq!(r["summary"]["waived"], 1);

    // Earlier, the mock waiver is still valid; later, the memory one has expired too.
    let (_, early) = report(
        &["--config", "fixtures/rules/checkride.yaml"],
        Some("2026-01-31"),
    );
    assert_eq!(
        finding(&early, "env[name=PAYMENTS_URL].value")["verdict"],
        "waived"
    );
    assert_eq!(early["waivers"]["expired"], serde_json::json!([]));
    let (_, late) = report(
        &["--config", "fixtures/rules/checkride.yaml"],
        Some("2027-01-01"),
    );
    assert_eq!(finding(&late, "resources.limits.memory")["verdict"], "lie");
    assert_eq!(late["waivers"]["expired"].as_array().map(Vec::len), Some(2));
}

/// Waiving every lie makes the run pass; the table shows the waiver and the notes.
#[test]
fn waived_lies_do_not_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = dir.path().join("w.yaml");
    std::fs::write(
        &w,
        "waivers:\n  - object: \"*\"\n    owner: \"@all\"\n    reason: accepted for the demo\n    expires: 2030-01-01\n",
    )
    .expect("write");
    let (code, out, _) = run(
        &[
            "compare",
            DEMO_S,
            DEMO_P,
            "--waivers",
            w.to_str().expect("utf-8"),
        ],
        Some("2026-06-01"),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("waived (lie)\n") || out.contains("waived (lie) "),
        "{out}"
    );
    assert!(out.contains("until 2030-01-01"), "{out}");
}

/// A condition that fails at evaluation counts as no match and is listed in `rule_errors`.
#[test]
fn cel_errors_at_evaluation() {
    let (_, r) = report(&["--rules", "fixtures/rules/cel-error"], None);
    let errors = r["rule_errors"].as_array().expect("rule_errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["rule"], "paused-check");
    assert!(
        errors[0]["error"]
            .as_str()
            .expect("text")
            .contains("paused"),
        "{errors:?}"
    );
    let replicas = finding(&r, "spec.replicas");
    assert_eq!(
        replicas["verdict"], "cut",
        "the built-in rule still judges it"
    );
    assert!(
        !replicas["rules"]
            .as_array()
            .expect("rules")
            .contains(&"paused-check".into())
    );
}

/// `rules list` shows every rule; `rules explain` the rationale and examples; unknown ids are
/// a usage error with suggestions.
#[test]
fn list_and_explain() {
    let (code, out, _) = run(&["rules", "list"], None);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("probe-delay-longer-in-staging ") && l.contains("lie (high)")),
        "{out}"
    );
    assert!(
        out.contains("feature-toggle-differs") && out.contains("preview"),
        "{out}"
    );
    let (_, out, _) = run(&["rules", "list", "--rules", "fixtures/rules/user"], None);
    assert!(
        out.contains("replaced by user rules: pdb-only-in-prod, replicas-lower-in-staging"),
        "{out}"
    );
    assert!(out.contains("disabled"), "{out}");
    let (code, out, _) = run(&["rules", "explain", "probe-delay-longer-in-staging"], None);
    assert_eq!(code, 0);
    for needle in [
        "Why it matters:",
        "When (CEL):",
        "Examples:",
        "→ lie",
        "→ no match",
    ] {
        assert!(out.contains(needle), "missing {needle}:\n{out}");
    }
    let (code, _, err) = run(&["rules", "explain", "probe"], None);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean"), "{err}");
}

/// `rules test DIR` runs that folder's examples; a wrong expectation fails with details.
#[test]
fn rules_test_command() {
    let (code, out, _) = run(&["rules", "test", "fixtures/rules/user"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 examples, 4 passed, 0 failed"), "{out}");
    let (code, out, _) = run(&["rules", "test", "fixtures/rules/failing"], None);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL  wrong-expectation: claims a lie, the rule says cut"),
        "{out}"
    );
    assert!(
        out.contains("changed ConfigMap default/c data.A: cut by wrong-expectation"),
        "{out}"
    );
    assert!(
        out.contains("warn  wrong-expectation: needs an example that fires and one that must not")
    );
}

/// Rule sentences never reveal secret values, even when a rule prints a Secret whole.
#[test]
fn sentences_never_reveal_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("print-secrets.yaml"),
        "title: Prints whole objects\ncategory: team\nverdict: noise\nmatch:\n  kinds: [Secret, ConfigMap, apps/Deployment]\n  path: \"**\"\n  object: true\nstaging_says: \"{{ stagingObject }} {{ staging }}\"\nprod_might_say: \"{{ prodObject }} {{ prod }} {{ entries }}\"\nrationale: A team rule that prints everything it is given.\n",
    )
    .expect("write");
    let s = "fixtures/scenarios/secrets-canary/staging";
    let p = "fixtures/scenarios/secrets-canary/prod";
    for output in ["table", "json"] {
        let (_, out, err) = run(
            &[
                "compare",
                s,
                p,
                "-o",
                output,
                "--show-noise",
                "--rules",
                dir.path().to_str().expect("utf-8"),
            ],
            None,
        );
        assert!(
            !out.contains("CANARY") && !err.contains("CANARY"),
            "{output} leaks"
        );
        assert!(!out.contains("‹redacted:"), "{output} leaks a fingerprint");
    }
}
