//! Hostile text (fixtures/scenarios/hostile: terminal escapes, bidi overrides, zero-width
//! characters, `@mentions`, `#refs`, quick actions, HTML) through every output: the table at
//! both layouts, JSON, Markdown, JUnit, the snapshot, the weekly report (Markdown and HTML),
//! the PR comment body, preflight and error messages.

mod common;
use checkride::escape::is_unsafe;
use common::{checkride, run};

const STAGING: &str = "fixtures/scenarios/hostile/staging";
const PROD: &str = "fixtures/scenarios/hostile/prod";

/// Every output of the hostile pair, by name.
fn outputs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut keep = |name: &str, args: &[&str]| {
        let (code, stdout, stderr) = run(checkride().args(args));
        assert!(
            matches!(code, 0..=3),
            "{name}: exit {code}: {stderr}\n{stdout}"
        );
        out.push((format!("{name} (stdout)"), stdout));
        out.push((format!("{name} (stderr)"), stderr));
    };
    for width in ["80", "140"] {
        keep(
            &format!("table {width}"),
            &[
                "compare", STAGING, PROD, "--width", width, "--color", "never",
            ],
        );
    }
    for format in ["json", "markdown", "junit"] {
        keep(format, &["compare", STAGING, PROD, "-o", format]);
    }
    keep("snapshot", &["snapshot", STAGING]);
    keep("comment", &["comment", STAGING, PROD, "--dry-run"]);
    keep(
        "preflight",
        &["preflight", STAGING, PROD, "--release", "app=worker"],
    );
    let history = tempfile::tempdir().unwrap();
    let h = history.path().to_str().unwrap();
    for format in ["markdown", "html"] {
        keep(
            &format!("report {format}"),
            &["report", STAGING, PROD, "--history", h, "-o", format],
        );
    }
    out
}

/// No output holds a raw control or format character (other than line feeds and tabs): each
/// is a visible escape such as `\u{1b}`.
#[test]
fn no_raw_control_or_format_characters_anywhere() {
    for (name, text) in outputs() {
        let bad: Vec<String> = text
            .chars()
            .filter(|c| is_unsafe(*c) && !matches!(c, '\n' | '\t'))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(bad.is_empty(), "{name}: raw {bad:?}\n{text}");
    }
    let (_, table, _) = run(checkride().args([
        "compare", STAGING, PROD, "--width", "140", "--color", "never",
    ]));
    assert!(table.contains("\\u{1b}[2J"), "{table}");
    assert!(table.contains("\\u{202e}"), "{table}");
}

/// Markdown (compare, the PR comment, the weekly report) links no mention or reference, runs
/// no quick action and holds no HTML from values; the HTML report holds none either.
#[test]
fn markdown_and_html_are_inert() {
    for (name, text) in outputs() {
        if name.contains("stderr") || !(name.contains("markdown") || name.contains("comment")) {
            continue;
        }
        for needle in ["@admin", "@everyone", "@platform-team", "#12", "<img"] {
            // Outside code spans and fences (GitHub links nothing inside them).
            let outside_code = text.split('`').step_by(2).any(|part| part.contains(needle));
            assert!(!outside_code, "{name}: `{needle}` outside code\n{text}");
        }
        for l in text.lines() {
            assert!(!l.starts_with('/'), "{name}: quick action line `{l}`");
        }
    }
    let (name, html) = outputs()
        .into_iter()
        .find(|(n, _)| n == "report html (stdout)")
        .unwrap();
    assert!(!html.contains("<img"), "{name}\n{html}");
}

/// An error message quotes a hostile file name with its escapes visible.
#[test]
fn errors_escape_what_they_quote() {
    let (code, _, err) = run(checkride().args(["compare", "no\x1b[2Jsuch\u{202e}", PROD]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no\\u{1b}[2Jsuch\\u{202e}"), "{err}");
    assert!(!err.contains('\x1b'), "{err}");
}
