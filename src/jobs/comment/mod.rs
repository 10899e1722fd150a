//! The PR comment bot: one comment per cluster pair on a pull request, created on the first run
//! and updated on every later one. A hidden marker (an HTML comment holding a hash of the pair's
//! name) finds it again across paginated comment lists.

pub mod github;

use crate::error::Error;
use crate::report::markdown::{self, COMMENT_LIMIT};
use github::{GitHub, next_link};
use http::Method;
use serde_json::{Value, json};

/// At most this many pages of 100 comments are read looking for the marker: far past any
/// real pull request (GitHub caps an issue's comments at a few thousand). Reaching it, or a
/// `next` link seen before, is an error: the bot never posts without having read the list to
/// its end, since that could duplicate its comment.
pub const MAX_PAGES: usize = 1000;

/// A GitHub token. Never printed: it has no `Display`, and `Debug` shows `***`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Reads the token from the environment variable `var`.
    pub fn from_env(var: &str) -> Result<Token, Error> {
        match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Ok(Token(t.trim().to_string())),
            _ => Err(Error::Usage(format!(
                "no GitHub token: set {var} (or name another variable with --token-env)"
            ))),
        }
    }

    /// The secret, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced by `***`, then every other
    /// GitHub-token-shaped string and every credential in a URL masked too (see [`clean`]).
    pub fn scrub(&self, text: &str) -> String {
        let text = if self.0.len() < 4 {
            text.to_string()
        } else {
            text.replace(&self.0, "***")
        };
        clean(&text)
    }
}

/// `text` with GitHub token shapes (`ghp_…`, `github_pat_…`) replaced by `***` and the
/// user-info of every URL (`https://user:pass@host`) removed. Every message the comment bot
/// prints about GitHub goes through it (after [`Token::scrub`] of the token itself).
pub fn clean(text: &str) -> String {
    static TOKENS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static USERINFO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tokens = TOKENS.get_or_init(|| {
        regex::Regex::new(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})")
            .expect("a valid pattern")
    });
    let userinfo = USERINFO.get_or_init(|| {
        regex::Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@").expect("a valid pattern")
    });
    let text = tokens.replace_all(text, "***");
    userinfo.replace_all(&text, "$1").into_owned()
}

/// An API URL without its user-info (`https://user:pass@host/api` → `https://host/api`), and
/// whether there was one: the bot authenticates with the token only, and never prints or sends
/// credentials a URL carries.
pub fn strip_credentials(url: &str) -> (String, bool) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), false);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => (format!("{scheme}://{}", &rest[at + 1..]), true),
        None => (url.to_string(), false),
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Where the comment goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// API root, e.g. `https://api.github.com`.
    pub api_url: String,
    /// Repository owner.
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// Pull request number.
    pub pr: u64,
}

impl Target {
    /// Parses `OWNER/REPO`. Credentials in `api_url` are dropped (with a warning that does not
    /// repeat them).
    pub fn new(api_url: &str, repo: &str, pr: u64) -> Result<Target, Error> {
        let (api_url, had_credentials) = strip_credentials(api_url);
        if had_credentials {
            eprintln!(
                "checkride: warning: ignoring the credentials in --api-url ({api_url}); the bot authenticates with the token only"
            );
        }
        let api_url = api_url.as_str();
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match repo.split_once('/') {
            Some((o, r)) if ok(o) && ok(r) => Ok(Target {
                api_url: api_url.to_string(),
                owner: o.to_string(),
                repo: r.to_string(),
                pr,
            }),
            _ => Err(Error::Usage(format!(
                "--repo expects OWNER/REPO, got `{repo}`"
            ))),
        }
    }

    /// `owner/repo#N`.
    pub fn display(&self) -> String {
        format!("{}/{}#{}", self.owner, self.repo, self.pr)
    }
}

/// The hidden marker of a cluster pair: the same name always gives the same marker.
pub fn marker(pair_name: &str) -> String {
    let hash = blake3::hash(pair_name.as_bytes()).to_hex();
    format!("<!-- checkride-comment:{} -->", &hash[..16])
}

/// The comment body: the marker, then the Markdown report cut so the whole body fits one comment.
pub fn body(marker: &str, report: &crate::model::Report, opts: &markdown::Options) -> String {
    let opts = markdown::Options {
        limit: opts.limit.min(COMMENT_LIMIT) - marker.len() - 1,
        ..opts.clone()
    };
    format!("{marker}\n{}", markdown::render(report, &opts))
}

/// What the bot did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new comment (its id and web URL).
    Created(u64, String),
    /// The existing comment was updated.
    Updated(u64, String),
}

/// Creates the pair's comment on the pull request, or updates it when the marker is found.
pub async fn upsert(
    target: &Target,
    token: Token,
    marker: &str,
    body: &str,
) -> Result<Outcome, Error> {
    let gh = GitHub::new(&target.api_url, token.clone())?;
    let result = upsert_with(&gh, target, marker, body).await;
    result.map_err(|e| Error::Other(token.scrub(&e.to_string())))
}

async fn upsert_with(gh: &GitHub, t: &Target, marker: &str, body: &str) -> Result<Outcome, Error> {
    let repo = format!("/repos/{}/{}", t.owner, t.repo);
    let mut url = gh.url(&format!("{repo}/issues/{}/comments?per_page=100", t.pr));
    let mut found: Vec<u64> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        if !seen.insert(url.clone()) {
            return Err(Error::Other(format!(
                "GitHub: the comment list of {} points back to a page already read; not posting, so as not to duplicate the comment",
                t.display()
            )));
        }
        if pages == MAX_PAGES {
            return Err(Error::Other(format!(
                "GitHub: the comment list of {} goes on past {MAX_PAGES} pages; not posting, so as not to duplicate the comment",
                t.display()
            )));
        }
        pages += 1;
        let reply = gh
            .send(
                Method::GET,
                &url,
                None,
                &format!("list the comments of {}", t.display()),
            )
            .await?;
        let comments = reply.json.as_array().ok_or_else(|| {
            Error::Other(format!(
                "GitHub: the comment list of {} is not a JSON array",
                t.display()
            ))
        })?;
        found.extend(comments.iter().filter_map(|c| {
            let has = c.get("body").and_then(Value::as_str)?.contains(marker);
            has.then(|| c.get("id").and_then(Value::as_u64)).flatten()
        }));
        match next_link(&reply.headers) {
            Some(next) => url = next,
            None => break,
        }
    }
    let payload = json!({ "body": body });
    let html_url = |v: &Value| {
        v.get("html_url")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match found.first() {
        Some(&id) => {
            if found.len() > 1 {
                eprintln!(
                    "checkride: warning: {} comments carry this pair's marker; updating the oldest ({id})",
                    found.len()
                );
            }
            let reply = gh
                .send(
                    Method::PATCH,
                    &gh.url(&format!("{repo}/issues/comments/{id}")),
                    Some(&payload),
                    &format!("update comment {id} on {}", t.display()),
                )
                .await?;
            Ok(Outcome::Updated(id, html_url(&reply.json)))
        }
        None => {
            let reply = gh
                .send(
                    Method::POST,
                    &gh.url(&format!("{repo}/issues/{}/comments", t.pr)),
                    Some(&payload),
                    &format!("comment on {}", t.display()),
                )
                .await?;
            let id = reply.json.get("id").and_then(Value::as_u64).unwrap_or(0);
            Ok(Outcome::Created(id, html_url(&reply.json)))
        }
    }
}

/// Appends the Markdown to the GitHub Actions job summary file (`GITHUB_STEP_SUMMARY`).
pub fn append_step_summary(path: &std::path::Path, markdown: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            Error::file(
                path.display().to_string(),
                format!("cannot open the step summary: {e}"),
            )
        })?;
    f.write_all(markdown.as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .map_err(|e| {
            Error::file(
                path.display().to_string(),
                format!("cannot append to the step summary: {e}"),
            )
        })
}
