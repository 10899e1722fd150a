//! `checkride report` end to end: each run stored in the history folder (no secret values, no
//! fingerprints), compared with the runs before, rendered as Markdown, HTML or JSON.

use assert_cmd::Command;
use std::path::Path;

fn report(pair: &str, history: &Path, at: &str, extra: &[&str]) -> std::process::Output {
    let dir = Path::new("fixtures/scenarios").join(pair);
    Command::cargo_bin("checkride")
        .unwrap()
        .arg("report")
        .arg(dir.join("staging"))
        .arg(dir.join("prod"))
        .arg("--history")
        .arg(history)
        .args(extra)
        .env("CHECKRIDE_NOW", at)
        .output()
        .unwrap()
}

/// Three weekly runs: three files, a three-row trend, JSON that parses.
#[test]
fn three_runs_build_a_history() {
    let h = tempfile::tempdir().unwrap();
    for at in ["2025-03-03T06:00:00Z", "2025-03-10T06:00:00Z"] {
        let out = report("demo", h.path(), at, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = report("demo", h.path(), "2025-03-17T06:00:00Z", &["-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let drift: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(drift["trend"].as_array().unwrap().len(), 3);
    assert_eq!(drift["previous_at"], "2025-03-10T06:00:00Z");
    let mut files: Vec<String> = std::fs::read_dir(h.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "run-2025-03-03T06_00_00Z.json",
            "run-2025-03-10T06_00_00Z.json",
            "run-2025-03-17T06_00_00Z.json"
        ]
    );
    let md = report("demo", h.path(), "2025-03-24T06:00:00Z", &["--no-store"]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("#### Trend (last 4 of 4 runs)"), "{md}");
    assert!(md.contains("| 2025-03-24 |"));
    assert_eq!(
        std::fs::read_dir(h.path()).unwrap().count(),
        3,
        "--no-store stored"
    );
}

/// The stored run of the secrets pair holds no secret value, no base64 of one, no fingerprint.
#[test]
fn history_is_secrets_safe() {
    let h = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("checkride")
        .unwrap()
        .args([
            "report",
            "fixtures/scenarios/secrets-canary/staging",
            "fixtures/scenarios/secrets-canary/prod",
            "--history",
        ])
        .arg(h.path())
        .env("CHECKRIDE_NOW", "2025-03-03T06:00:00Z")
        .env(
            "CHECKRIDE_FINGERPRINT_KEY",
            "a-key-so-fingerprints-are-kept",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for e in std::fs::read_dir(h.path()).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(!text.contains("CANARY"), "secret value stored");
        assert!(!text.contains("Q0FOQVJZ"), "base64 of a secret stored");
        assert!(!text.contains("‹redacted:"), "fingerprint stored");
        assert!(text.contains("\"kind\": \"DriftRun\""));
    }
    assert!(!String::from_utf8_lossy(&out.stdout).contains("CANARY"));
}

/// A pinned time that is not RFC 3339 is a usage error; a history folder that cannot be
/// created is an error naming it. Both exit 2.
#[test]
fn bad_time_or_folder_exit_2() {
    let h = tempfile::tempdir().unwrap();
    let out = report("demo", h.path(), "last tuesday", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CHECKRIDE_NOW: `last tuesday`"));
    let file = h.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = report("demo", &file.join("sub"), "2025-03-03T06:00:00Z", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-file/sub"), "{err}");
}
