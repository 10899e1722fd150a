//! `-o markdown` and `-o junit` on every scenario pair: reviewed snapshots of the real output,
//! plus the structural promises (one JUnit test case per finding; Markdown fits a PR comment).

use assert_cmd::Command;
use std::path::Path;

fn scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("fixtures/scenarios")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("staging").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "scenario pack missing: {names:?}");
    names
}

fn compare(name: &str, format: &str) -> String {
    let dir = Path::new("fixtures/scenarios").join(name);
    let out = Command::cargo_bin("checkride")
        .unwrap()
        .arg("compare")
        .arg(dir.join("staging"))
        .arg(dir.join("prod"))
        .args(["-o", format])
        .env_remove("CHECKRIDE_FINGERPRINT_KEY")
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{name}: exit {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Markdown of each scenario, as a PR comment would show it.
#[test]
fn markdown_snapshots() {
    for name in scenarios() {
        let md = compare(&name, "markdown");
        assert!(md.len() <= 65_536, "{name}: {} bytes", md.len());
        insta::assert_snapshot!(format!("markdown_{name}"), md);
    }
}

/// The JUnit XML of each scenario: one test case per finding (noise included), blocking lies
/// failing (preview lies do not block).
#[test]
fn junit_snapshots() {
    for name in scenarios() {
        let xml = compare(&name, "junit");
        let report: serde_json::Value = serde_json::from_str(&compare(&name, "json")).unwrap();
        let findings = report["findings"].as_array().unwrap();
        // Lies from preview rules are reported but do not block, so they do not fail.
        let lies = findings
            .iter()
            .filter(|f| f["verdict"] == "lie" && f["preview"] != true)
            .count();
        assert_eq!(xml.matches("<testcase ").count(), findings.len(), "{name}");
        assert_eq!(xml.matches("<failure ").count(), lies, "{name}");
        assert_eq!(
            xml.matches("<testsuite ").count(),
            xml.matches("</testsuite>").count(),
            "{name}"
        );
        insta::assert_snapshot!(format!("junit_{name}"), xml);
    }
}
