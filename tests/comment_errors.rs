//! The PR comment bot's failures against a local fake GitHub API: 401/403/404 exit 2 with a
//! clear message, rate limits are retried a bounded number of times, and the token never shows
//! in any output.

#[path = "support/fake_github.rs"]
mod fake_github;

use fake_github::{FakeGitHub, Run, run_comment};

const TOKEN: &str = "ghp_TOKENCANARY0123456789abcdefABCDEF";

fn run(fake_url: &str, extra: &[&str]) -> Run {
    run_on("acme/shop", fake_url, extra)
}

fn run_on(repo: &str, fake_url: &str, extra: &[&str]) -> Run {
    let r = run_comment(repo, fake_url, TOKEN, extra);
    assert!(
        !r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN),
        "the token leaked:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    r
}

fn methods(fake: &FakeGitHub) -> Vec<String> {
    fake.requests().iter().map(|r| r.method.clone()).collect()
}

/// A rejected token: exit 2, says 401 and what to check, posts nothing.
#[test]
fn unauthorized_is_a_clear_error() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(401, &[], "Bad credentials");
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("401 Unauthorized"), "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_TOKEN"), "{}", r.stderr);
    assert!(r.stderr.contains("Bad credentials"), "{}", r.stderr);
    assert_eq!(methods(&fake), ["GET"]);
    assert!(fake.comments().is_empty());
}

/// A token without write permission: exit 2, names the permission needed.
#[test]
fn forbidden_is_a_clear_error() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(403, &[], "Resource not accessible by integration");
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("403 Forbidden"), "{}", r.stderr);
    assert!(r.stderr.contains("pull-requests: write"), "{}", r.stderr);
    assert_eq!(methods(&fake), ["GET"], "a plain 403 is not retried");
}

/// A repository or pull request the token cannot see: exit 2, says what to check.
#[test]
fn not_found_is_a_clear_error() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let r = run_on("acme/other", &fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("404 Not Found"), "{}", r.stderr);
    assert!(r.stderr.contains("--repo and --pr"), "{}", r.stderr);
    assert!(r.stderr.contains("acme/other#7"), "{}", r.stderr);
}

/// Rate limits (a 429 and a secondary-limit 403, both with Retry-After) are waited out and the
/// comment is posted.
#[test]
fn rate_limits_are_retried() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(429, &[("retry-after", "0")], "slow down");
    fake.script(
        403,
        &[("retry-after", "0")],
        "You have exceeded a secondary rate limit",
    );
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(methods(&fake), ["GET", "GET", "GET", "POST"]);
    assert_eq!(
        r.stderr.matches("GitHub rate limit").count(),
        2,
        "{}",
        r.stderr
    );
    assert_eq!(fake.comments().len(), 1);
}

/// A limit that does not lift is tried four times in all, then exit 2.
#[test]
fn rate_limit_retries_are_bounded() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    for _ in 0..6 {
        fake.script(429, &[("retry-after", "0")], "slow down");
    }
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("still rate limited after 4 attempts"),
        "{}",
        r.stderr
    );
    assert_eq!(methods(&fake).len(), 4);
}

/// A primary limit resetting in an hour is reported at once, not waited for.
#[test]
fn long_rate_limit_is_not_waited_for() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600)
        .to_string();
    fake.script(
        403,
        &[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &reset),
        ],
        "API rate limit exceeded",
    );
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("longer than checkride waits"),
        "{}",
        r.stderr
    );
    assert_eq!(methods(&fake), ["GET"]);
}

/// Even when an error message from the server quotes the token, it is masked.
#[test]
fn token_is_masked_even_when_echoed() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(422, &[], &format!("Validation failed for {TOKEN}"));
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Masked by the comment job (`***`) or, first, by the secret detectors every error goes
    // through (`‹redacted›`, a GitHub token shape): either way the token is gone.
    assert!(!r.stderr.contains(TOKEN), "{}", r.stderr);
    assert!(
        r.stderr.contains("Validation failed for ***")
            || r.stderr.contains("Validation failed for ‹redacted›"),
        "{}",
        r.stderr
    );
}

/// No token, a bad --repo, an unreachable API: exit 2 before or without posting.
#[test]
fn usage_errors_exit_2() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let r = run(&fake.url, &["--token-env", "CHECKRIDE_TEST_NO_SUCH_VAR"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no GitHub token: set CHECKRIDE_TEST_NO_SUCH_VAR"),
        "{}",
        r.stderr
    );
    let r = run_on("not-a-repo", &fake.url, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--repo expects OWNER/REPO"),
        "{}",
        r.stderr
    );
    assert!(fake.requests().is_empty());

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let r = run(&url, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);
}

/// The dry run prints the body but never the token, even when one is set.
#[test]
fn dry_run_never_prints_the_token() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let r = run(&fake.url, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("| Verdict | Object |"));
    assert!(fake.requests().is_empty());
}
