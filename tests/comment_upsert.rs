//! The PR comment bot against a local fake GitHub API: one comment per cluster pair, created on
//! the first run and updated on later ones (found across pages), the job summary appended, and
//! `--dry-run` contacting nothing.

#[path = "support/fake_github.rs"]
mod fake_github;

use assert_cmd::Command;
use fake_github::FakeGitHub;

const TOKEN: &str = "ghp_TOKENCANARY0123456789abcdefABCDEF";
const STAGING: &str = "fixtures/scenarios/demo/staging";
const PROD: &str = "fixtures/scenarios/demo/prod";

fn bot(fake: &FakeGitHub, extra: &[&str]) -> Command {
    let mut c = Command::cargo_bin("checkride").unwrap();
    c.args(["comment", STAGING, PROD, "--repo", "acme/shop", "--pr", "7"])
        .args(["--api-url", &fake.url])
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// First run creates one comment; the second finds it (on page 2, behind other comments) and
/// updates it; the pull request keeps exactly one bot comment.
#[test]
fn creates_then_updates_the_same_comment_across_pages() {
    let fake = FakeGitHub::start("acme", "shop", 7, 2);
    fake.seed("LGTM");
    fake.seed("please look at the migration");
    let out = bot(&fake, &[]).assert().success().get_output().clone();
    assert!(
        text(&out.stdout).starts_with("created comment "),
        "{}",
        text(&out.stdout)
    );
    let after_first = fake.comments();
    assert_eq!(after_first.len(), 3);
    let (bot_id, body) = after_first.last().unwrap().clone();
    assert!(body.starts_with("<!-- checkride-comment:"), "{body}");
    assert!(body.contains("| Verdict | Object | Staging says | Prod might say |"));
    // The first run listed the one (full) page, then posted.
    let methods: Vec<String> = fake.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "POST"], "{:?}", fake.requests());

    fake.seed("another human comment");
    fake.clear_requests();
    let out = bot(&fake, &[]).assert().success().get_output().clone();
    assert_eq!(
        text(&out.stdout).lines().next().unwrap(),
        format!(
            "updated comment {bot_id} on acme/shop#7: {}/acme/shop/pull/7#issuecomment-{bot_id}",
            fake.url
        )
    );
    let reqs = fake.requests();
    let summary: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.query.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            ("GET".to_string(), "per_page=100".to_string()),
            ("GET".to_string(), "per_page=100&page=2".to_string()),
            ("PATCH".to_string(), String::new()),
        ]
    );
    assert_eq!(
        reqs[2].path,
        format!("/repos/acme/shop/issues/comments/{bot_id}")
    );
    let sent: serde_json::Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(
        sent["body"].as_str().unwrap().lines().next(),
        body.lines().next()
    );
    let comments = fake.comments();
    assert_eq!(comments.len(), 4, "no second bot comment");
    let bot_comments = comments
        .iter()
        .filter(|(_, b)| b.starts_with("<!-- checkride-comment:"))
        .count();
    assert_eq!(bot_comments, 1);
    for r in &reqs {
        assert_eq!(
            r.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

/// Two cluster pairs on one pull request keep one comment each (`--name` picks the marker).
#[test]
fn one_comment_per_cluster_pair() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    for _ in 0..2 {
        bot(&fake, &["--name", "eu"]).assert().success();
        bot(&fake, &["--name", "us"]).assert().success();
    }
    let comments = fake.comments();
    assert_eq!(comments.len(), 2, "{comments:?}");
    assert!(comments[0].1.contains("checkride: eu"));
    assert!(comments[1].1.contains("checkride: us"));
    assert_ne!(comments[0].1.lines().next(), comments[1].1.lines().next());
}

/// With GITHUB_STEP_SUMMARY set, the table is appended (not overwritten) to that file, without
/// the hidden marker.
#[test]
fn appends_to_the_job_summary() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "## earlier step\n").unwrap();
    bot(&fake, &[])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .success();
    let s = std::fs::read_to_string(&summary).unwrap();
    assert!(s.starts_with("## earlier step\n### checkride: "), "{s}");
    assert!(s.contains("| Verdict | Object | Staging says | Prod might say |"));
    assert!(!s.contains("checkride-comment:"));
}

/// `--dry-run` prints the body, needs no token and sends no request.
#[test]
fn dry_run_contacts_nothing() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let out = bot(&fake, &["--dry-run"])
        .env_remove("GITHUB_TOKEN")
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("<!-- checkride-comment:"), "{stdout}");
    assert!(stdout.contains("| Verdict | Object |"));
    assert!(text(&out.stderr).contains("dry run: would create or update"));
    assert!(fake.requests().is_empty());
}
