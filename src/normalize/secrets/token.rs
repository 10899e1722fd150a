//! The redaction token: what replaces a secret, how humans see it, how two compare.
//!
//! A redacted value is the token `‹redacted:KEYID:HEX›` inside the string (or `‹redacted›` when
//! no fingerprint is kept). Only a *well-formed* token counts as one: text that merely starts
//! with the marker is ordinary (and suspicious) user text, scanned like any other.

use regex::Regex;
use serde_json::Value;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

/// Start of a redaction token.
pub const TOKEN_OPEN: &str = "‹redacted";
/// What humans see in place of a secret.
pub const SHOWN: &str = "‹redacted›";

pub(crate) fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"‹redacted(?::([0-9a-f]+):[0-9a-f]+)?›").expect("token regex"))
}

/// True when `s` is exactly one well-formed token.
pub(crate) fn is_token(s: &str) -> bool {
    s.starts_with(TOKEN_OPEN)
        && token_re()
            .find(s)
            .is_some_and(|m| m.start() == 0 && m.end() == s.len())
}

/// Byte ranges of the well-formed tokens in `s`.
pub(crate) fn token_ranges(s: &str) -> Vec<Range<usize>> {
    if !s.contains(TOKEN_OPEN) {
        return Vec::new();
    }
    token_re().find_iter(s).map(|m| m.range()).collect()
}

/// True when `s` holds nothing but tokens, whitespace and punctuation: redacting it again would
/// hide nothing (so normalizing twice changes nothing).
pub(crate) fn only_tokens(s: &str) -> bool {
    if !s.contains(TOKEN_OPEN) {
        return false;
    }
    token_re()
        .replace_all(s, "")
        .chars()
        .all(|c| !c.is_alphanumeric())
}

/// Replaces every redaction token with [`SHOWN`]: the only form humans ever see.
pub fn scrub(s: &str) -> Cow<'_, str> {
    if !s.contains(TOKEN_OPEN) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(token_re().replace_all(s, SHOWN).into_owned())
}

/// Scrubs every string in a JSON value.
pub fn scrub_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(scrub(s).into_owned()),
        Value::Array(a) => Value::Array(a.iter().map(scrub_value).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), scrub_value(v))).collect())
        }
        other => other.clone(),
    }
}

/// Drops the fingerprints, keeping `‹redacted›` (for snapshots written without a persistent key).
pub fn drop_fingerprints(v: &mut Value) {
    match v {
        Value::String(s) if s.contains(TOKEN_OPEN) => *s = scrub(s).into_owned(),
        Value::Array(a) => a.iter_mut().for_each(drop_fingerprints),
        Value::Object(m) => m.values_mut().for_each(drop_fingerprints),
        _ => {}
    }
}

/// How two differing strings holding redaction tokens relate.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenCompare {
    /// Different even with secrets set aside, or the fingerprints differ under one key.
    Different,
    /// Equal outside the tokens, but the tokens cannot be compared (different or no keys).
    NotCompared,
}

/// Compares two unequal strings that contain tokens.
pub fn compare_tokens(a: &str, b: &str) -> TokenCompare {
    let re = token_re();
    let shape = |s: &str| re.replace_all(s, SHOWN).into_owned();
    if shape(a) != shape(b) {
        return TokenCompare::Different;
    }
    let keys = |s: &str| -> Vec<Option<String>> {
        re.captures_iter(s)
            .map(|c| c.get(1).map(|m| m.as_str().to_string()))
            .collect()
    };
    let (ka, kb) = (keys(a), keys(b));
    let comparable = ka.len() == kb.len() && ka.iter().zip(&kb).all(|(x, y)| x.is_some() && x == y);
    if comparable {
        TokenCompare::Different
    } else {
        TokenCompare::NotCompared
    }
}
