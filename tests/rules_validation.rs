//! Rule, waiver and config files are validated like a compiler: every error of every file at
//! once, each naming file, line and field; exit 2, never a panic.

use assert_cmd::Command;

fn checkride(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("checkride")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// All mistakes of all rule files come out in one run, sorted by file and line.
#[test]
fn every_rule_error_at_once() {
    let (code, stdout, stderr) = checkride(&["rules", "list", "--rules", "fixtures/rules/invalid"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    insta::assert_snapshot!("invalid_rules", stderr);
}

/// Each kind of error names its file, line and field.
#[test]
fn errors_name_file_line_and_field() {
    let (_, _, e) = checkride(&["rules", "list", "--rules", "fixtures/rules/invalid"]);
    for needle in [
        "invalid/typos.yaml:5: `verdit`: unknown field `verdit`; did you mean `verdict`?",
        "invalid/typos.yaml:7: `mathc`: unknown field",
        "invalid/typos.yaml:11: `examples[0].expct`: unknown field",
        "invalid/bad-values.yaml:7: `match.kinds`: bad glob `apps/[Deployment`",
        "invalid/bad-values.yaml:8: `match.path`:",
        "invalid/bad-values.yaml:9: `match.change`: `modified` is not one of",
        "invalid/bad-values.yaml:10: `when`: CEL does not compile",
        "invalid/bad-values.yaml:11: `staging_says`: template does not compile",
        "invalid/bad-values.yaml:15: `examples[0].expect`: `maybe`",
        "invalid/unknown-variable.yaml:6: `when`: CEL does not compile: unknown variable(s) `stagin`",
        "invalid/too-expensive.yaml:9: `when`: too expensive: up to ",
        "invalid/template-too-expensive.yaml:7: `staging_says`: template too expensive even without data (line 1): used up its budget of 250000 steps",
        "invalid/lie-without-severity.yaml:3: `severity`: a lie needs a severity",
        "dup-b/same-id.yaml: duplicate rule id `same-id`: also defined in",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
    assert!(!e.contains("panicked"));
}

/// A waivers file with several mistakes: every one reported, exit 2.
#[test]
fn invalid_waivers() {
    let (code, _, e) = checkride(&[
        "compare",
        "fixtures/scenarios/quiet/staging",
        "fixtures/scenarios/quiet/prod",
        "--waivers",
        "fixtures/rules/invalid-waivers.yaml",
    ]);
    assert_eq!(code, 2);
    let needle = "invalid-waivers.yaml:8: `waivers[1].until`: unknown field `until`";
    assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
}

/// Once the unknown field is gone, the remaining waiver mistakes are all reported together.
#[test]
fn invalid_waiver_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.yaml");
    std::fs::write(
        &path,
        "waivers:\n  - reason: no selector, no owner, a bad date\n    expires: 31/12/2026\n  - rule: x\n    owner: me\n    reason: fine\n    expires: 2026-12-31\n    path: \"spec.[\"\n",
    )
    .expect("write");
    let (code, _, e) = checkride(&[
        "compare",
        "fixtures/scenarios/quiet/staging",
        "fixtures/scenarios/quiet/prod",
        "--waivers",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 2);
    for needle in [
        ":2: `waivers[0]`: needs a selector",
        ":2: `waivers[0].owner`: is required",
        ":2: `waivers[0].expires`: `31/12/2026` is not a date",
        ":4: `waivers[1].path`:",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
}

/// A config file with an unknown key is refused with its line.
#[test]
fn invalid_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("checkride.yaml");
    std::fs::write(&path, "rules: [x]\nwaiver: w.yaml\n").expect("write");
    let (code, _, e) = checkride(&["rules", "list", "--config", path.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(
        e.contains(":2: `waiver`: unknown field `waiver`; did you mean `waivers`?"),
        "{e}"
    );
}

/// A rules folder that does not exist is a usage error, not an empty rule set.
#[test]
fn missing_rules_folder() {
    let (code, _, e) = checkride(&["rules", "list", "--rules", "fixtures/rules/nope"]);
    assert_eq!(code, 2);
    assert!(
        e.contains("fixtures/rules/nope: no such rules folder"),
        "{e}"
    );
}
