//! Secrets inside one string, by shape: value patterns (data), URL passwords, `key=value` /
//! `key: value` / JSON / XML / connection-string / query assignments whose key names a secret,
//! and `--flag value` pairs. Only the credential component is reported, so the rest of the
//! string (scheme, host, port, other parameters) stays readable.

use super::names::is_secret_name_in;
use super::patterns::Span;
use super::policy::Policy;
use super::token::{TOKEN_OPEN, is_token, only_tokens, token_ranges};
use regex::Regex;
use std::sync::OnceLock;

/// Detector ids of the shape detectors (patterns use their rule ids).
pub(crate) const URL_PASSWORD: &str = "url-password";
/// See [`URL_PASSWORD`].
pub(crate) const ASSIGNMENT: &str = "assignment";
/// See [`URL_PASSWORD`].
pub(crate) const FLAG_VALUE: &str = "flag-value";

/// Every secret in `text`, sorted, without overlaps, tokens and allowed values left out.
pub(crate) fn scan(policy: &'static Policy, text: &str) -> Vec<Span> {
    if text.len() < 4 {
        return Vec::new();
    }
    let mut spans = Vec::new();
    policy.patterns.find(text, &mut spans);
    url_passwords(text, &mut spans);
    if policy.name_hint.is_match(text) {
        assignments(policy, text, &mut spans);
        flags(policy, text, &mut spans);
    }
    finish(policy, text, spans)
}

fn finish(policy: &Policy, text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    if spans.is_empty() {
        return spans;
    }
    let tokens = token_ranges(text);
    if !tokens.is_empty() {
        spans.retain(|s| !tokens.iter().any(|t| t.start <= s.start && s.end <= t.end));
        // A span cutting into a token takes the whole token, so no token is ever broken.
        for s in &mut spans {
            for t in &tokens {
                if t.start < s.end && s.start < t.end {
                    s.start = s.start.min(t.start);
                    s.end = s.end.max(t.end);
                }
            }
        }
    }
    spans.retain(|s| {
        let v = &text[s.start..s.end];
        !only_tokens(v) && !policy.allows(v)
    });
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `scheme://user:PASSWORD@host`: the password, which may hold `/` or `@`.
fn url_passwords(text: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    if !text.contains("://") || !text.contains('@') {
        return;
    }
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@"'<>]*:(?P<pass>[^\s"'<>]+)@[A-Za-z0-9.\-_%\[]"#,
        )
        .expect("url password regex")
    });
    static PORT: OnceLock<Regex> = OnceLock::new();
    let port = PORT.get_or_init(|| Regex::new(r"^\d{1,5}/").expect("port regex"));
    for c in re.captures_iter(text) {
        let m = c.name("pass").expect("group");
        if port.is_match(m.as_str()) {
            continue; // host:port/path@… is a path, not user-info
        }
        out.push(Span {
            start: m.start(),
            end: m.end(),
            detector: URL_PASSWORD,
        });
    }
}

/// Where an assignment sits decides where its unquoted value ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Context {
    /// `?a=1&password=x`: up to `&`, `#` or a blank.
    Query,
    /// `Server=db;Password=x;`: up to `;`.
    Connection,
    /// `password: x` alone on its line (properties, YAML, .env): the rest of the line.
    Line,
    /// Inside other text (`export PGPASSWORD=x && …`, `map[password:x]`, `--db-password=x`).
    Inline,
}

fn assignment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r#""(?P<dk>[^"\\\n]{1,100})"[ \t]*(?:=>|:=|:|=)[ \t]*"#,
            r#"|'(?P<sk>[^'\\\n]{1,100})'[ \t]*(?:=>|:=|:|=)[ \t]*"#,
            r#"|(?P<bk>[A-Za-z_][\w.\-]{0,100})[ \t]*(?P<sep>=>|:=|=|:)(?P<gap>[ \t]*)"#,
        ))
        .expect("assignment regex")
    })
}

/// An XML start tag; its own pass, so that a tag's attributes (`connectionString="…"`) are
/// still read by the assignment pass instead of being swallowed with the tag.
fn xml_tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"<(?P<xk>[A-Za-z_][\w.:\-]{0,100})(?:\s[^<>]*)?>"#).expect("xml tag regex")
    })
}

fn assignments(policy: &Policy, text: &str, out: &mut Vec<Span>) {
    if text.contains('<') {
        for c in xml_tag_re().captures_iter(text) {
            let (whole, key) = (c.get(0).expect("match"), c.name("xk").expect("key"));
            if whole.as_str().ends_with("/>") || !is_secret_name_in(policy, key.as_str()) {
                continue;
            }
            let rest = &text[whole.end()..];
            let end = rest.find('<').unwrap_or(rest.len());
            push(out, trimmed(whole.end(), &rest[..end]), text);
        }
    }
    for c in assignment_re().captures_iter(text) {
        let whole = c.get(0).expect("match");
        let Some(key) = c.name("dk").or(c.name("sk")).or(c.name("bk")) else {
            continue;
        };
        if !is_secret_name_in(policy, key.as_str()) {
            continue;
        }
        let start = whole.end();
        let rest = &text[start..];
        if rest.starts_with("//") {
            continue; // `https://…`
        }
        let before = &text[..whole.start()];
        let ctx = context(before, rest);
        let found = value_span(start, rest, ctx).filter(|&(s, e)| {
            !(ctx == Context::Inline && prose_colon(&c, before) && plain_word(&text[s..e]))
        });
        push(out, found, text);
    }
}

/// Records an assignment's value unless it hides nothing.
fn push(out: &mut Vec<Span>, found: Option<(usize, usize)>, text: &str) {
    if let Some((start, end)) = found
        && worth_redacting(&text[start..end])
    {
        out.push(Span {
            start,
            end,
            detector: ASSIGNMENT,
        });
    }
}

/// `no GitHub token: set X` is prose, not an assignment: inside other text, `key: value` (with a
/// blank after the colon) and no structural character before the key (`{password: x}`,
/// `"a", password: x` are structure). Such a value is still redacted unless it is a
/// [`plain_word`]; `key:value` (Go's `map[password:x]`) always counts.
fn prose_colon(c: &regex::Captures, before: &str) -> bool {
    let colon = c.name("sep").is_some_and(|m| m.as_str() == ":");
    let gap = c.name("gap").is_some_and(|m| !m.as_str().is_empty());
    let structural = before
        .trim_end_matches([' ', '\t'])
        .ends_with(['{', ',', '[', '(', '"', '\'', ';', '&', '?', '|']);
    colon && gap && !structural
}

/// A short word of lowercase letters (`set`, `missing`, `required`): what prose puts after
/// `token:`. A value with a digit, a capital or a symbol (`S3cret`, `hunter2`) is not one.
fn plain_word(v: &str) -> bool {
    v.len() <= 12 && v.bytes().all(|b| b.is_ascii_lowercase())
}

fn context(before: &str, rest: &str) -> Context {
    match before.chars().last() {
        Some('?' | '&') => return Context::Query,
        Some(';') => return Context::Connection,
        _ => {}
    }
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let prefix = line.trim_start().trim_start_matches("- ").trim();
    if !prefix.is_empty() {
        return Context::Inline;
    }
    let line_rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if line_rest.contains(';') && line_rest.contains('=') {
        Context::Connection
    } else {
        Context::Line
    }
}

/// The value's byte range in the whole text (`start` is where `rest` begins).
fn value_span(start: usize, rest: &str, ctx: Context) -> Option<(usize, usize)> {
    let first = rest.chars().next()?;
    if first == '"' || first == '\'' {
        let body = &rest[1..];
        let mut escaped = false;
        for (i, ch) in body.char_indices() {
            match ch {
                '\\' if !escaped => escaped = true,
                '\n' => return trimmed(start + 1, &body[..i]),
                c if c == first && !escaped => return trimmed(start + 1, &body[..i]),
                _ => escaped = false,
            }
        }
        return trimmed(start + 1, body);
    }
    let stop = |c: char| match ctx {
        Context::Query => c.is_whitespace() || "&#\"'<>".contains(c),
        Context::Connection => ";\"\n".contains(c),
        Context::Line => c == '\n',
        Context::Inline => c.is_whitespace() || ",;&\"'[]{}()<>".contains(c),
    };
    let end = rest.find(stop).unwrap_or(rest.len());
    trimmed(start, &rest[..end])
}

fn trimmed(start: usize, v: &str) -> Option<(usize, usize)> {
    let lead = v.len() - v.trim_start().len();
    let t = v.trim();
    (!t.is_empty()).then_some((start + lead, start + lead + t.len()))
}

/// Values that hide nothing: empty, null-ish, template placeholders, our own tokens.
fn worth_redacting(v: &str) -> bool {
    let v = v.trim_matches(|c: char| c == ',' || c.is_whitespace());
    if v.is_empty() || is_token(v) || (v.contains(TOKEN_OPEN) && only_tokens(v)) {
        return false;
    }
    if ["null", "true", "false", "none", "~", "''", "\"\""]
        .iter()
        .any(|n| v.eq_ignore_ascii_case(n))
    {
        return false;
    }
    let placeholder = (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("$(") && v.ends_with(')'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("#{") && v.ends_with('}'));
    !placeholder
}

/// `--password VALUE` / `-token VALUE` inside a command line.
fn flags(policy: &Policy, text: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    if !text.contains('-') {
        return;
    }
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?:^|[\s"'])--?(?P<k>[A-Za-z][\w.\-]*)[ \t]+(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s"'\-][^\s"']*)"#,
        )
        .expect("flag regex")
    });
    for c in re.captures_iter(text) {
        let (k, v) = (c.name("k").expect("k"), c.name("v").expect("v"));
        if !is_secret_name_in(policy, k.as_str()) {
            continue;
        }
        let inner = v.as_str().trim_matches(['"', '\'']);
        let lead = v.as_str().len() - v.as_str().trim_start_matches(['"', '\'']).len();
        if worth_redacting(inner) {
            out.push(Span {
                start: v.start() + lead,
                end: v.start() + lead + inner.len(),
                detector: FLAG_VALUE,
            });
        }
    }
}
