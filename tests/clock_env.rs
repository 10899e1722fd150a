//! `CHECKRIDE_NOW` reads the same way in every command: an RFC 3339 time (any offset, taken in
//! UTC) or a `YYYY-MM-DD` date (midnight UTC); anything else is a usage error (exit 2) naming
//! the variable, before the command does any work.

#[path = "support/cli.rs"]
mod support;

use serde_json::Value;
use support::checkride;

const DEMO_S: &str = "fixtures/scenarios/demo/staging";
const DEMO_P: &str = "fixtures/scenarios/demo/prod";

/// The verdict `compare` gives the mock-gateway finding, whose waiver expires on 2026-01-31
/// (valid through that day, UTC), with "now" pinned to `now`.
fn mock_verdict(now: &str) -> String {
    let args = [
        "compare",
        DEMO_S,
        DEMO_P,
        "--config",
        "fixtures/rules/checkride.yaml",
        "-o",
        "json",
    ];
    let (code, out, err) = checkride(&args, &[("CHECKRIDE_NOW", now)], &[]);
    assert!(code == 0 || code == 1, "{now}: exit {code}: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("env[name=PAYMENTS_URL].value"))
        })
        .expect("the mock-gateway finding");
    finding["verdict"].as_str().unwrap().to_string()
}

/// `compare` takes a date and RFC 3339 times alike, and judges waiver expiry on the UTC day: a
/// time with an offset whose local date is already the next day is still the waiver's last day.
#[test]
fn compare_reads_every_format_alike() {
    for (now, verdict) in [
        ("2026-01-31", "waived"),
        (" 2026-01-31 ", "waived"),
        ("2026-01-31T23:59:59Z", "waived"),
        ("2026-02-01T01:00:00+02:00", "waived"),
        ("2026-01-31T20:00:00-05:00", "lie"),
        ("2026-02-01T00:00:00Z", "lie"),
        ("2026-02-01", "lie"),
    ] {
        assert_eq!(mock_verdict(now), verdict, "CHECKRIDE_NOW={now}");
    }
}

/// `report` stores the pinned time in UTC, whichever accepted form it was given, and names the
/// run file after it.
#[test]
fn report_stores_the_pinned_time_in_utc() {
    for (now, stored) in [
        ("2025-03-03T06:00:00Z", "2025-03-03T06:00:00Z"),
        ("2025-03-03T08:00:00+02:00", "2025-03-03T06:00:00Z"),
        ("2025-03-03", "2025-03-03T00:00:00Z"),
    ] {
        let h = tempfile::tempdir().unwrap();
        let args = [
            "report",
            DEMO_S,
            DEMO_P,
            "--history",
            h.path().to_str().unwrap(),
            "-o",
            "json",
        ];
        let (code, _, err) = checkride(&args, &[("CHECKRIDE_NOW", now)], &[]);
        assert_eq!(code, 0, "{now}: {err}");
        let files: Vec<_> = std::fs::read_dir(h.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{now}");
        let name = format!("run-{}.json", stored.replace(':', "_"));
        assert_eq!(files[0].file_name().unwrap().to_str(), Some(name.as_str()));
        let run: Value =
            serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
        assert_eq!(run["at"], stored, "{now}");
    }
}

/// A value that is neither RFC 3339 nor a date is refused by every command with exit 2 and a
/// message naming the variable and the value; nothing is printed or stored.
#[test]
fn every_command_refuses_a_bad_now() {
    let h = tempfile::tempdir().unwrap();
    let history = h.path().join("history");
    let commands: [Vec<&str>; 5] = [
        vec!["compare", DEMO_S, DEMO_P],
        vec![
            "report",
            DEMO_S,
            DEMO_P,
            "--history",
            history.to_str().unwrap(),
        ],
        vec!["comment", DEMO_S, DEMO_P, "--dry-run"],
        vec!["snapshot", DEMO_S],
        vec!["rules", "list"],
    ];
    for bad in [
        "last tuesday",
        "2025-03-03 06:00:00",
        "2025-03-03T06:00:00",
        "1741000000",
        "03/03/2025",
    ] {
        for args in &commands {
            let (code, out, err) = checkride(args, &[("CHECKRIDE_NOW", bad)], &[]);
            assert_eq!(code, 2, "{args:?} with {bad}: {err}");
            assert!(
                err.contains(&format!("CHECKRIDE_NOW: `{bad}` is not an RFC 3339 time")),
                "{args:?}: {err}"
            );
            assert_eq!(out, "", "{args:?} printed a result");
        }
    }
    assert!(!history.exists(), "report stored a run");
    // Unset or empty, the real clock is used.
    let (code, _, err) = checkride(&["rules", "list"], &[("CHECKRIDE_NOW", "")], &[]);
    assert_eq!(code, 0, "{err}");
}
