//! The canary corpus (`fixtures/secrets-corpus`): one fixture per shape a secret hides in, run
//! through every path a value can leave by — compare in every format, snapshot (with and
//! without a key), a hand-made raw snapshot, report (history file, Markdown, HTML, JSON),
//! comment (dry-run body), preflight and its debrief, error messages (parser, kustomize). No
//! canary may appear in any of them, not even base64-encoded (nested) or gzipped inside base64.
//! The live paths (serve, `-v`, the live collector) are in `secrets_corpus_live.rs`.

mod corpus_support;
mod live_support;

use corpus_support::{
    PROD, RAW_SNAPSHOT, STAGING, assert_clean, assert_no_fingerprint, assert_out_clean,
    crawl_served, leaks, run,
};
use std::path::{Path, PathBuf};

/// The corpus is not vacuous: its canaries are really in the inputs, in every side and shape,
/// and the test's own decoder finds them (plain, base64, gzip + base64).
#[test]
fn corpus_holds_canaries_the_check_can_find() {
    let mut files = 0;
    for side in [STAGING, PROD] {
        for e in std::fs::read_dir(side).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let mut found = Vec::new();
            leaks(&text, 3, &mut found);
            assert!(!found.is_empty(), "a corpus file without canary");
            files += 1;
        }
    }
    assert!(files >= 22, "{files} files");
    let helm = std::fs::read_to_string(format!("{PROD}/08-helm-configmap-release.yaml")).unwrap();
    assert!(
        !helm.contains("CANARY"),
        "the Helm canary is only inside gzip + base64"
    );
    let mut found = Vec::new();
    leaks(&helm, 3, &mut found);
    assert!(
        found.iter().any(|f| f.starts_with("CANARYHelmCm")),
        "{found:?}"
    );
}

/// compare, in every format, with fingerprints and with `--secrets keys`, leaks nothing and
/// shows no fingerprint; the differences are really reported (the outputs are not empty of the
/// objects that hold the canaries), and every structural detector is counted.
#[test]
fn compare_in_every_format() {
    for fmt in ["table", "json", "markdown", "junit"] {
        for (key, mode) in [(false, None), (true, None), (false, Some("keys"))] {
            let mut args = vec!["compare", STAGING, PROD, "-o", fmt, "--show-noise"];
            if let Some(m) = mode {
                args.extend_from_slice(&["--secrets", m]);
            }
            let out = run(&args, key);
            assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
            assert_out_clean(&format!("{args:?}"), &out);
            assert_no_fingerprint(&format!("{args:?}"), &out.stdout);
        }
    }
    let json = run(&["compare", STAGING, PROD, "-o", "json"], false).json();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 40, "{} findings", findings.len());
    let redactions = &json["coverage"]["redactions"];
    for detector in [
        "key-name",
        "assignment",
        "url-password",
        "flag-value",
        "secret-data",
        "secret-annotation",
    ] {
        assert!(
            redactions[detector].as_u64().unwrap_or(0) > 0,
            "{detector}: {redactions}"
        );
    }
    let ignored = json["prod"]["ignored"].to_string();
    assert!(ignored.contains("Helm release ConfigMap"), "{ignored}");
}

/// Snapshots, with and without a key, hold no canary; compared again they leak nothing.
#[test]
fn snapshots_and_their_comparison() {
    let dir = tempfile::tempdir().unwrap();
    for key in [false, true] {
        let mut paths = Vec::new();
        for side in [STAGING, PROD] {
            let out = run(&["snapshot", side], key);
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert_out_clean(&format!("snapshot {side} key={key}"), &out);
            if !key {
                assert_no_fingerprint("keyless snapshot", &out.stdout);
            }
            let p = dir.path().join(format!("{}-{key}.json", paths.len()));
            std::fs::write(&p, &out.stdout).unwrap();
            paths.push(p);
        }
        let (a, b) = (paths[0].to_str().unwrap(), paths[1].to_str().unwrap());
        for fmt in ["table", "json"] {
            let out = run(&["compare", a, b, "-o", fmt], key);
            assert_out_clean("compare of snapshots", &out);
        }
    }
}

/// A hand-made snapshot holding raw values is checked again on load: compare, snapshot and
/// serve pass none of them on (source and coverage notes included).
#[test]
fn raw_snapshot_is_rechecked() {
    let text = std::fs::read_to_string(RAW_SNAPSHOT).unwrap();
    assert!(text.contains("CANARYSnapData") && text.contains("8642097531"));
    for args in [
        vec!["snapshot", RAW_SNAPSHOT],
        vec!["compare", RAW_SNAPSHOT, PROD, "-o", "json"],
        vec!["compare", PROD, RAW_SNAPSHOT, "-o", "markdown"],
    ] {
        for key in [false, true] {
            let out = run(&args, key);
            assert!(out.code <= 1, "{args:?}: {}", out.stderr);
            assert_out_clean(&format!("{args:?}"), &out);
        }
    }
    crawl_served(Path::new(RAW_SNAPSHOT), &[]);
}

/// The weekly report: the history file, and the Markdown, HTML and JSON views.
#[test]
fn report_history_and_views() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let h = history.to_str().unwrap();
    for fmt in ["markdown", "html", "json"] {
        let out_file = dir.path().join(format!("report.{fmt}"));
        let out = run(
            &[
                "report",
                STAGING,
                PROD,
                "--history",
                h,
                "-o",
                fmt,
                "--out",
                out_file.to_str().unwrap(),
            ],
            false,
        );
        assert!(out.code <= 1, "{fmt}: {}", out.stderr);
        assert_out_clean(&format!("report -o {fmt}"), &out);
        let text = std::fs::read_to_string(&out_file).unwrap();
        assert_clean(&format!("report -o {fmt} file"), &text);
        assert_no_fingerprint(&format!("report -o {fmt} file"), &text);
    }
    let mut runs = 0;
    for e in std::fs::read_dir(&history).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert_clean("history run file", &text);
        assert_no_fingerprint("history run file", &text);
        runs += 1;
    }
    assert!(runs >= 1);
}

/// History keeps no ConfigMap content: a value that is no secret at all is not stored, and
/// neither are the sentences that quote it (docs/jobs.md).
#[test]
fn history_keeps_no_configmap_content() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h");
    let out = run(
        &[
            "report",
            "fixtures/scenarios/config-rename/staging",
            "fixtures/scenarios/config-rename/prod",
            "--history",
            h.to_str().unwrap(),
        ],
        false,
    );
    assert!(out.code <= 1, "{}", out.stderr);
    let e = std::fs::read_dir(&h).unwrap().next().unwrap().unwrap();
    let text = std::fs::read_to_string(e.path()).unwrap();
    assert!(!text.contains("checkout-db.shop.svc"), "{text}");
    assert!(!text.contains("staging_says"), "{text}");
    assert!(
        text.contains("\"rule\""),
        "the run still stores its findings: {text}"
    );
}

/// The PR comment body (dry run), noise shown too.
#[test]
fn comment_dry_run_body() {
    for extra in [&[][..], &["--show-noise"][..]] {
        let mut args = vec![
            "comment",
            STAGING,
            PROD,
            "--repo",
            "acme/app",
            "--pr",
            "7",
            "--dry-run",
        ];
        args.extend_from_slice(extra);
        let out = run(&args, false);
        assert!(out.code <= 1, "{}", out.stderr);
        assert!(!out.stdout.is_empty());
        assert_out_clean("comment --dry-run", &out);
        assert_no_fingerprint("comment --dry-run", &out.stdout);
    }
}

/// Preflight of a release touching the canary objects, and its debrief file.
#[test]
fn preflight_and_debrief() {
    let dir = tempfile::tempdir().unwrap();
    for release in ["app=names", "deployment/numeric", "cronjob/args"] {
        let debrief = dir.path().join("debrief.md");
        let out = run(
            &[
                "preflight",
                STAGING,
                PROD,
                "--release",
                release,
                "--debrief",
                debrief.to_str().unwrap(),
            ],
            false,
        );
        assert!(out.code <= 1 || out.code == 4, "{release}: {}", out.stderr);
        assert_out_clean(&format!("preflight {release}"), &out);
        if let Ok(text) = std::fs::read_to_string(&debrief) {
            assert_clean("debrief", &text);
        }
    }
}

fn overlay(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for (f, text) in files {
        std::fs::write(d.join(f), text).unwrap();
    }
    d
}

/// Error messages of parsers and of `kubectl kustomize` go through the same detectors: a
/// broken Secret, a secretGenerator literal, a kyaml node dump.
#[test]
fn error_messages() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: \"CANARYErrYaml\n  other: [\n",
    )
    .unwrap();
    let out = run(&["compare", bad.to_str().unwrap(), PROD], false);
    assert_eq!(out.code, 2);
    assert_out_clean("parse error", &out);

    let bad_json = dir.path().join("bad.json");
    std::fs::write(
        &bad_json,
        r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"CANARYErrJson"} garbage"#,
    )
    .unwrap();
    let out = run(&["compare", bad_json.to_str().unwrap(), PROD], false);
    assert_eq!(out.code, 2);
    assert_out_clean("JSON parse error", &out);

    let literal = overlay(
        dir.path(),
        "literal",
        &[(
            "kustomization.yaml",
            "secretGenerator:\n- name: db\n  literals:\n  - CANARYErrLiteral\n",
        )],
    );
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {password: CANARYErrNode}\n";
    let node = overlay(
        dir.path(),
        "node",
        &[
            ("s.yaml", secret),
            (
                "kustomization.yaml",
                "resources: [s.yaml]\nreplacements:\n- source: {kind: Secret, name: x, fieldPath: metadata.name}\n  targets:\n  - select: {kind: Secret}\n    fieldPaths: [stringData.password.sub]\n",
            ),
        ],
    );
    for o in [literal, node] {
        let side = format!("kustomize:{}", o.display());
        let out = run(&["compare", &side, PROD], false);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("kubectl kustomize"), "{}", out.stderr);
        assert_out_clean(&format!("kustomize error {side}"), &out);
    }
}
