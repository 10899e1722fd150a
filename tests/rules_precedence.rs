//! Rule precedence and stable ids: user rules outrank built-ins, `overrides`, retired rules as
//! redirects, and waiver rule ids checked against the loaded rules.

mod common;
use checkride::model::{Report, Verdict};
use checkride::pipeline;
use checkride::settings::{Flags, Job, Settings};
use common::{checkride, run, side, write};
use std::path::Path;

fn judge(scenario: &str, rules: &[&Path], waivers: Option<&Path>) -> (Report, Vec<String>) {
    let flags = Flags {
        rules: rules.iter().map(|p| p.to_path_buf()).collect(),
        waivers: waivers.map(Path::to_path_buf),
        ..Flags::pair(&side(scenario, "staging"), &side(scenario, "prod"))
    };
    let settings = Settings::resolve(Job::Compare, flags).expect("settings");
    let j = pipeline::run(&settings).expect("runs");
    (j.report, j.warnings)
}

fn finding<'r>(r: &'r Report, path_end: &str) -> &'r checkride::model::Finding {
    r.findings
        .iter()
        .find(|f| f.path.as_deref().is_some_and(|p| p.ends_with(path_end)))
        .unwrap_or_else(|| panic!("no finding at …{path_end}"))
}

const NOISE_MOCK: &str = r#"title: Our payments mock is tested nightly against the real gateway
category: team
verdict: noise
match:
  kinds: [apps/Deployment]
  path: "**.env[name=PAYMENTS_URL].value"
rationale: The sandbox contract suite runs every night.
"#;

/// A user `noise` rule silences the built-in lie on the same difference, and the built-in still
/// shows among the matching rules.
#[test]
fn user_noise_rule_silences_a_builtin_lie() {
    let (before, _) = judge("demo", &[], None);
    let f = finding(&before, "env[name=PAYMENTS_URL].value");
    assert_eq!(
        (f.verdict, f.rule.as_deref()),
        (Verdict::Lie, Some("value-points-at-mock"))
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rules/payments-mock-is-fine.yaml", NOISE_MOCK);
    let (after, _) = judge("demo", &[&dir.path().join("rules")], None);
    let f = finding(&after, "env[name=PAYMENTS_URL].value");
    assert_eq!(f.verdict, Verdict::Noise);
    assert_eq!(f.rule.as_deref(), Some("payments-mock-is-fine"));
    assert_eq!(f.rules, ["payments-mock-is-fine", "value-points-at-mock"]);
    assert_eq!(after.summary.lie, before.summary.lie - 1);
}

/// Among built-ins the strongest verdict wins, as before: a high lie over a medium one, a cut
/// over noise.
#[test]
fn two_builtins_resolve_by_strength() {
    let (r, _) = judge("config-rename", &[], None);
    let f = finding(&r, "data.DATABASE_URL");
    assert_eq!(f.rule.as_deref(), Some("referenced-config-missing"));
    assert_eq!(
        f.rules,
        ["referenced-config-missing", "config-key-one-side"]
    );
    let (r, _) = judge("ingress-tls", &[], None);
    let f = finding(&r, r#"["cert-manager.io/cluster-issuer"]"#);
    assert_eq!(f.verdict, Verdict::Cut);
    assert_eq!(
        f.rules,
        ["certificate-source-differs", "env-name-only-difference"]
    );
}

/// A rule that declares `overrides` wins over the rules it names, whatever their strength; an
/// override naming no rule is an error with file and line.
#[test]
fn overrides_outrank_strength() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules/secret-env-cut.yaml",
        "title: t\ncategory: team\nverdict: cut\nmatch:\n  path: \"**.env[name=PAYMENTS_URL].value\"\noverrides: [value-points-at-mock]\nrationale: r\n",
    );
    let (r, _) = judge("demo", &[&dir.path().join("rules")], None);
    assert_eq!(finding(&r, "PAYMENTS_URL].value").verdict, Verdict::Cut);

    write(
        dir.path(),
        "bad/x.yaml",
        "title: t\ncategory: team\nverdict: cut\nmatch:\n  path: a\noverrides: [value-points-at-mok]\nrationale: r\n",
    );
    let (code, _, err) = run(checkride().args([
        "compare",
        &side("demo", "staging"),
        &side("demo", "prod"),
        "--rules",
        dir.path().join("bad").to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("x.yaml:6: `overrides`: no rule `value-points-at-mok`; did you mean `value-points-at-mock`?"), "{err}");
}

/// A retired rule is a redirect: a waiver naming it waives its successor's findings (with a
/// warning), and `rules explain` names the successor.
#[test]
fn retired_rules_redirect_to_their_successor() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    // A team's own rule, renamed: the old id stays as a retired stub.
    write(
        &rules,
        "mock-url.yaml",
        "status: retired\nreplaced_by: payments-mock-url\nrationale: Renamed in March.\n",
    );
    write(
        &rules,
        "payments-mock-url.yaml",
        "title: t\ncategory: team\nverdict: lie\nseverity: low\nmatch:\n  path: \"**.env[name=PAYMENTS_URL].value\"\nrationale: r\n",
    );
    let waivers = write(
        dir.path(),
        "waivers.yaml",
        "waivers:\n  - rule: mock-url\n    reason: r\n    owner: o\n    expires: 2099-01-01\n",
    );
    let (r, warnings) = judge("demo", &[&rules], Some(&waivers));
    let f = finding(&r, "PAYMENTS_URL].value");
    assert_eq!(f.verdict, Verdict::Waived);
    assert_eq!(f.rule.as_deref(), Some("payments-mock-url"));
    assert!(
        warnings[0].contains("waivers.yaml:2: waiver names the retired rule `mock-url`"),
        "{warnings:?}"
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.rule.as_deref() != Some("mock-url"))
    );

    let (code, out, err) = run(checkride().args([
        "rules",
        "explain",
        "mock-url",
        "--rules",
        rules.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("retired · replaced by payments-mock-url"),
        "{out}"
    );
}

/// A waiver naming no loaded rule is an error with file, line and a did-you-mean; one naming
/// a disabled rule is a warning.
#[test]
fn waiver_rule_ids_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = write(
        dir.path(),
        "waivers.yaml",
        "waivers:\n  - rule: memory-limit-higher-in-stagin\n    reason: r\n    owner: o\n    expires: 2099-01-01\n",
    );
    let (code, _, err) = run(checkride().args([
        "compare",
        &side("demo", "staging"),
        &side("demo", "prod"),
        "--waivers",
        waivers.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("waivers.yaml:2: `rule`: no rule `memory-limit-higher-in-stagin`; did you mean `memory-limit-higher-in-staging`?"),
        "{err}"
    );

    let off = dir.path().join("off");
    write(&off, "pdb-only-in-prod.yaml", "enabled: false\n");
    let waivers = write(
        dir.path(),
        "w2.yaml",
        "waivers:\n  - rule: pdb-only-in-prod\n    reason: r\n    owner: o\n    expires: 2099-01-01\n",
    );
    let (_, warnings) = judge("demo", &[&off], Some(&waivers));
    assert!(
        warnings[0].contains("w2.yaml:2: waiver names the disabled rule `pdb-only-in-prod`"),
        "{warnings:?}"
    );
}

/// A user file under a retired built-in's id keeps working: it outranks the successor. (The
/// pack has no retired rule yet; a built-in-like stub is simulated through `RuleSet::from_sources`.)
#[test]
fn user_file_of_a_retired_builtin_acts_on_its_successor() {
    use checkride::rules::{RuleSet, load::RuleSource};
    let mut sources = checkride::rules::load::builtin_sources();
    sources.push(RuleSource {
        file: "rules/config/old-mock-rule.yaml".into(),
        stem: "old-mock-rule".into(),
        folder: "config".into(),
        text: "status: retired\nreplaced_by: value-points-at-mock\n".into(),
        builtin: true,
    });
    let user = |text: &str| RuleSource {
        file: "team/old-mock-rule.yaml".into(),
        stem: "old-mock-rule".into(),
        folder: "team".into(),
        text: text.into(),
        builtin: false,
    };
    let mut off = sources.clone();
    off.push(user("enabled: false\n"));
    let set = RuleSet::from_sources(off).unwrap();
    assert!(!set.get("value-points-at-mock").unwrap().enabled);

    let mut replaced = sources;
    replaced.push(user(
        "title: t\ncategory: team\nverdict: cut\nmatch:\n  path: \"**.env[name=*_URL].value\"\nrationale: r\n",
    ));
    let set = RuleSet::from_sources(replaced).unwrap();
    assert_eq!(
        set.get("old-mock-rule").unwrap().overrides,
        ["value-points-at-mock"]
    );
}
