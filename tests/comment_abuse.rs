//! The PR comment bot against a long, a looping and a chatty fake GitHub: it reads the comment
//! list to its end however long (never posting a duplicate), refuses a list that loops, masks
//! the token before GitHub's message is cut, and never prints credentials embedded in
//! `--api-url`.

#[path = "support/fake_github.rs"]
mod fake_github;

use fake_github::{FakeGitHub, Run, run_comment};

const TOKEN: &str = "ghp_TOKENCANARY0123456789abcdefABCDEF";
const URL_SECRET: &str = "pa55-in-the-url";

fn run(api_url: &str, extra: &[&str]) -> Run {
    let r = run_comment("acme/shop", api_url, TOKEN, extra);
    let all = format!("{}\n{}", r.stdout, r.stderr);
    // No piece of the token of 8 characters or more, anywhere.
    for i in 0..=TOKEN.len() - 8 {
        let piece = &TOKEN[i..i + 8];
        assert!(
            !all.contains(piece),
            "part of the token (`{piece}`) leaked:\n{all}"
        );
    }
    assert!(
        !all.contains(URL_SECRET),
        "the URL's password leaked:\n{all}"
    );
    r
}

fn bot_comments(fake: &FakeGitHub) -> usize {
    fake.comments()
        .iter()
        .filter(|(_, b)| b.starts_with("<!-- checkride-comment:"))
        .count()
}

/// With the bot's comment behind 130 one-comment pages (past the old 100-page cap), the second
/// run still finds and updates it: the pull request keeps exactly one bot comment.
#[test]
fn follows_pagination_to_the_end() {
    let fake = FakeGitHub::start("acme", "shop", 7, 1);
    for i in 0..130 {
        fake.seed(&format!("human comment {i}"));
    }
    let first = run(&fake.url, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.starts_with("created comment "),
        "{}",
        first.stdout
    );
    assert_eq!(bot_comments(&fake), 1);
    fake.clear_requests();
    let second = run(&fake.url, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stdout.starts_with("updated comment "),
        "{}",
        second.stdout
    );
    assert_eq!(bot_comments(&fake), 1, "no duplicate comment");
    let reqs = fake.requests();
    assert_eq!(reqs.iter().filter(|r| r.method == "GET").count(), 131);
    assert_eq!(reqs.last().unwrap().method, "PATCH");
}

/// A comment list whose `next` link points back to a page already read is an error (exit 2)
/// and nothing is posted.
#[test]
fn looping_pagination_stops_without_posting() {
    let fake = FakeGitHub::start("acme", "shop", 7, 1);
    fake.seed("a");
    fake.seed("b");
    fake.loop_links();
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already read"), "{}", r.stderr);
    assert!(r.stderr.contains("not posting"), "{}", r.stderr);
    assert!(
        fake.requests().iter().all(|x| x.method == "GET"),
        "{:?}",
        fake.requests()
    );
    assert_eq!(bot_comments(&fake), 0);
}

/// GitHub's message is masked before it is cut: a token straddling the cut (at 300
/// characters) leaves no part of itself, and a token-shaped string that is not ours is masked
/// too.
#[test]
fn token_is_masked_before_the_message_is_cut() {
    for pad in [280, 290, 295, 299] {
        let fake = FakeGitHub::start("acme", "shop", 7, 100);
        let message = format!("{}{TOKEN} and more", "x".repeat(pad));
        fake.script(422, &[], &message);
        let r = run(&fake.url, &[]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("GitHub answered 422"), "{}", r.stderr);
    }
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(
        422,
        &[],
        "Validation failed: ghs_0123456789abcdefghijklmnopqrstuvwxyz is not allowed",
    );
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("ghs_0123456789abcdef"), "{}", r.stderr);
    assert!(r.stderr.contains("Validation failed: ***"), "{}", r.stderr);
}

/// An answer over the reply limit (64 MiB) is an error naming the limit (exit 2), read no
/// further than the limit, and nothing is posted.
#[test]
fn oversized_answers_are_refused() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    fake.script(
        200,
        &[],
        &"x".repeat(checkride::jobs::comment::github::MAX_REPLY_BYTES),
    );
    let r = run(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("over 64 MiB"), "{}", r.stderr);
    assert_eq!(bot_comments(&fake), 0);
}

/// Credentials in `--api-url` (`http://user:pass@host`) are never printed: not in the dry
/// run, not in a success, not in a connection error, not in a bad-URL error; the comment is
/// still posted with the token.
#[test]
fn credentials_in_the_api_url_are_never_printed() {
    let fake = FakeGitHub::start("acme", "shop", 7, 100);
    let with_creds = fake
        .url
        .replace("http://", &format!("http://bot:{URL_SECRET}@"));
    let dry = run(&with_creds, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stderr.contains(&fake.url), "{}", dry.stderr);
    let posted = run(&with_creds, &[]);
    assert_eq!(posted.code, 0, "{}", posted.stderr);
    assert!(
        posted.stderr.contains("ignoring the credentials"),
        "{}",
        posted.stderr
    );
    assert_eq!(bot_comments(&fake), 1);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))),
        "authenticated with the token only"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let unreachable = run(&format!("http://bot:{URL_SECRET}@127.0.0.1:{port}"), &[]);
    assert_eq!(unreachable.code, 2);
    assert!(
        unreachable.stderr.contains("cannot reach"),
        "{}",
        unreachable.stderr
    );
    let bad = run(&format!("ftp://bot:{URL_SECRET}@127.0.0.1:{port}"), &[]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not an http(s) URL"), "{}", bad.stderr);
}
