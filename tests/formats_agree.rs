//! Every format renders the same judged report: table, JSON, Markdown, JUnit and the PR comment
//! (`comment --dry-run`) show the same findings with the same verdict labels in the same order,
//! and agree with the model on which findings block and on the exit code.

mod common;
use checkride::model::{FailOn, Judged, Policy, Report};
use common::{checkride, run};

/// `checkride ARGS…` with "today" pinned (waivers expire).
fn out(args: &[&str]) -> (i32, String) {
    let (code, stdout, err) = run(checkride()
        .args(args)
        .env("CHECKRIDE_NOW", "2026-06-01T00:00:00Z"));
    assert!(code == 0 || code == 1, "{args:?}: exit {code}: {err}");
    (code, stdout)
}

/// Verdict labels of a Markdown findings table, top to bottom (`**LIE** (high)` → `LIE (high)`).
fn markdown_labels(md: &str) -> Vec<String> {
    md.lines()
        .skip_while(|l| !l.starts_with("| --- "))
        .skip(1)
        .take_while(|l| l.starts_with("| "))
        .map(|l| l[2..].split(" | ").next().unwrap().replace("**", ""))
        .collect()
}

/// Verdict labels of the terminal table: the first cell of each row's first line.
fn table_labels(table: &str) -> Vec<String> {
    const HEADS: [&str; 5] = ["LIE", "cut", "noise", "waived", "unclassified"];
    table
        .lines()
        .filter_map(|l| l.strip_prefix("│ "))
        .map(|l| l.split('┆').next().unwrap().trim().to_string())
        .filter(|c| HEADS.iter().any(|h| c.starts_with(h)))
        .collect()
}

/// Finding ids of the JUnit test cases that fail.
fn junit_failing_ids(xml: &str) -> Vec<String> {
    let mut ids: Vec<String> = xml
        .split("<failure ")
        .skip(1)
        .map(|f| {
            let id = f.split("id: ").nth(1).unwrap();
            id[..id.find('\n').unwrap()].to_string()
        })
        .collect();
    ids.sort();
    ids
}

/// One scenario through every format: labels in order, blocking set and exit code agree.
fn agree(extra: &[&'static str], expect_blocking: usize, expect_preview: bool) {
    let argv = |head: &[&'static str], tail: &[&'static str]| -> Vec<&str> {
        head.iter().chain(extra).chain(tail).copied().collect()
    };
    let (code_json, json) = out(&argv(&["compare"], &["-o", "json"]));
    let report: Report = serde_json::from_str(&json).unwrap();
    let policy = Policy::fail_on(FailOn::Lie);

    // The model's answers.
    let labels: Vec<String> = report
        .display_order(false)
        .iter()
        .map(|f| f.verdict_label().to_string())
        .collect();
    let mut blocking: Vec<String> = report
        .blocking(&policy)
        .iter()
        .map(|f| f.id.clone())
        .collect();
    blocking.sort();
    assert_eq!(blocking.len(), expect_blocking, "{labels:?}");
    assert_eq!(labels.iter().any(|l| l.contains("preview")), expect_preview);
    assert_eq!(code_json, report.exit_code(&policy).code());

    let (code_table, table) = out(&argv(&["compare"], &["--width", "400"]));
    let (code_md, md) = out(&argv(&["compare"], &["-o", "markdown"]));
    let (code_junit, junit) = out(&argv(&["compare"], &["-o", "junit"]));
    let (code_comment, comment) = out(&argv(&["comment", "--dry-run"], &["--fail-on", "lie"]));

    assert_eq!(table_labels(&table), labels, "table\n{table}");
    assert_eq!(markdown_labels(&md), labels, "markdown\n{md}");
    assert_eq!(markdown_labels(&comment), labels, "comment\n{comment}");
    assert_eq!(junit_failing_ids(&junit), blocking, "junit\n{junit}");
    for (name, code) in [
        ("table", code_table),
        ("markdown", code_md),
        ("junit", code_junit),
        ("comment", code_comment),
    ] {
        assert_eq!(code, code_json, "{name}'s exit code");
    }
    // Blocking findings are exactly the lies not marked preview, in every label list.
    let unmarked_lies = labels
        .iter()
        .filter(|l| l.starts_with("LIE") && !l.contains("preview"))
        .count();
    assert_eq!(unmarked_lies, blocking.len());
}

/// The demo with a waivers file (one waiver applies, one has expired): five lies block, the
/// waived one does not, in every format.
#[test]
fn formats_agree_on_demo_with_waivers() {
    agree(
        &[
            "fixtures/scenarios/demo/staging",
            "fixtures/scenarios/demo/prod",
            "--waivers",
            "fixtures/rules/waivers.yaml",
        ],
        5,
        false,
    );
}

/// A lie from a preview rule is shown, marked preview, and blocks in no format.
#[test]
fn formats_agree_on_a_preview_lie() {
    agree(
        &[
            "fixtures/rules/preview/staging",
            "fixtures/rules/preview/prod",
        ],
        0,
        true,
    );
}
