//! Secrets never reach any output: canary values in every format, in every renderer and in
//! snapshots written with and without a fingerprint key.

mod common;
use common::{checkride, run, scenarios, side};

/// The canary marker every Secret-like value in the scenario pack carries.
const CANARY: &str = "CANARY";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks a canary:\n{text}");
    assert!(!text.contains("Q0FOQVJZ"), "{what} leaks a base64 canary");
    assert!(!text.contains("‹redacted:"), "{what} shows a fingerprint");
}

/// Table and JSON of every scenario are free of canaries and fingerprints.
#[test]
fn reports_never_show_secret_values() {
    for name in scenarios() {
        for fmt in ["table", "json"] {
            let (_, out, err) = run(checkride().args([
                "compare",
                &side(&name, "staging"),
                &side(&name, "prod"),
                "-o",
                fmt,
            ]));
            assert_clean(&format!("{name} {fmt}"), &out);
            assert_clean(&format!("{name} {fmt} stderr"), &err);
        }
    }
}

/// The canary scenario really differs in its secrets (so the test above is not vacuous).
#[test]
fn canary_scenario_reports_secret_differences_by_key_only() {
    let (_, json, _) = run(checkride().args([
        "compare",
        &side("secrets-canary", "staging"),
        &side("secrets-canary", "prod"),
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let secret_rows: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["object"]["kind"] == "Secret")
        .collect();
    assert!(secret_rows.len() >= 3, "{json}");
    assert!(secret_rows.iter().any(|f| f["staging"] == "‹redacted›"));
    // Helm release and service-account-token Secrets are ignored, and counted.
    assert!(json.contains("Helm release Secret"));
    assert!(json.contains("service-account-token Secret"));
}

/// Snapshots without a key keep key names only; with a key they keep fingerprints but no values.
#[test]
fn snapshots_never_hold_secret_values() {
    for side_name in ["staging", "prod"] {
        let (code, snap, err) =
            run(checkride().args(["snapshot", &side("secrets-canary", side_name)]));
        assert_eq!(code, 0, "{err}");
        assert!(!snap.contains(CANARY), "snapshot leaks");
        assert!(
            !snap.contains("‹redacted:"),
            "snapshot without key keeps fingerprints"
        );
        assert!(snap.contains("‹redacted›"));

        let (code, snap, err) = run(checkride()
            .env("CHECKRIDE_FINGERPRINT_KEY", "test-key")
            .args(["snapshot", &side("secrets-canary", side_name)]));
        assert_eq!(code, 0, "{err}");
        assert!(!snap.contains(CANARY), "keyed snapshot leaks");
        assert!(
            snap.contains("‹redacted:"),
            "keyed snapshot keeps fingerprints"
        );
        assert!(!snap.contains("\"fingerprintKeyId\": null"));
    }
}

/// A parse error inside a Secret names file and line but quotes nothing.
#[test]
fn parse_errors_quote_no_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = common::write(
        dir.path(),
        "s.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: \"CANARY-unterminated\n  other: [\n",
    );
    let (code, out, err) = run(checkride().args([
        "compare",
        bad.to_str().unwrap(),
        "fixtures/scenarios/quiet/prod",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("s.yaml:"), "{err}");
    assert_clean("parse error", &format!("{out}{err}"));
}
