//! Secrets never survive loading. Secret values become keyed BLAKE3 fingerprints; secret-looking
//! literals elsewhere (env values, ConfigMap lines, URL passwords, tokens) are redacted the same way.
//!
//! A redacted value is the token `‹redacted:KEYID:HEX›` inside the string (or `‹redacted›` when no
//! fingerprint is kept). Renderers show only `‹redacted›`: see [`scrub`].

use aho_corasick::AhoCorasick;
use base64::Engine;
use regex::Regex;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Start of a redaction token.
pub const TOKEN_OPEN: &str = "‹redacted";
/// What humans see in place of a secret.
pub const SHOWN: &str = "‹redacted›";

/// Makes keyed fingerprints. The key is random per run unless `CHECKRIDE_FINGERPRINT_KEY` is set.
#[derive(Clone)]
pub struct Fingerprinter {
    key: [u8; 32],
    id: String,
    /// True when the key came from the environment (fingerprints may be saved).
    pub persistent: bool,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprinter({})", self.id)
    }
}

impl Fingerprinter {
    /// From a user-given key string (any length).
    pub fn from_secret(secret: &str) -> Self {
        Self::from_key(
            blake3::derive_key("checkride 2026 fingerprint key", secret.as_bytes()),
            true,
        )
    }

    /// A random key for this run only.
    pub fn random() -> Self {
        Self::from_key(rand::random(), false)
    }

    /// `CHECKRIDE_FINGERPRINT_KEY` when set, else random.
    pub fn from_env() -> Self {
        match std::env::var("CHECKRIDE_FINGERPRINT_KEY") {
            Ok(s) if !s.is_empty() => Self::from_secret(&s),
            _ => Self::random(),
        }
    }

    fn from_key(key: [u8; 32], persistent: bool) -> Self {
        let id = blake3::derive_key("checkride 2026 fingerprint key id", &key);
        Fingerprinter {
            key,
            id: hex::encode(&id[..6]),
            persistent,
        }
    }

    /// The key id recorded in snapshots (reveals nothing about the key).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The redaction token for a secret value.
    pub fn token(&self, value: &[u8]) -> String {
        let h = blake3::keyed_hash(&self.key, value);
        format!("{TOKEN_OPEN}:{}:{}›", self.id, &h.to_hex()[..32])
    }
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

fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"‹redacted(?::([0-9a-f]+):[0-9a-f]+)?›").expect("token regex"))
}

/// Names (env vars, ConfigMap keys, config lines) whose values are secret.
fn secret_name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(passw(or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth[_-]?key|signing[_-]?key|encryption[_-]?key|dsn|salt)")
            .expect("secret name regex")
    })
}

/// Names that contain a secret-ish word but only name or point at one.
fn reference_name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(name|ref|path|file|dir|namespace|arn|mount|issuer|type|kind|version|ttl|expiry|expires|enabled|length|duration|timeout|seconds|header|url|uri|endpoint|host|id|usage|provider|store|class|mode)$")
            .expect("reference name regex")
    })
}

/// True when a key names a secret value (`DB_PASSWORD`, `stripe.api-key`), not a reference to one.
///
/// Asked for every key of every object, of a few hundred distinct keys: each thread remembers
/// its answers (up to [`NAME_MEMO_LIMIT`] names, then starts over).
pub fn is_secret_name(name: &str) -> bool {
    thread_local! {
        static MEMO: std::cell::RefCell<HashMap<Box<str>, bool>> = Default::default();
    }
    if !secret_word_hint().is_match(name) {
        return false;
    }
    MEMO.with_borrow_mut(|memo| {
        if let Some(&known) = memo.get(name) {
            return known;
        }
        let answer = secret_name_re().is_match(name) && !reference_name_re().is_match(name);
        if memo.len() >= NAME_MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(name.into(), answer);
        answer
    })
}

/// Most names [`is_secret_name`] remembers per thread.
const NAME_MEMO_LIMIT: usize = 4096;

/// Words that every match of [`secret_name_re`] contains (ignoring case): names without any
/// of them are not secret names, and are told apart without a regex search.
fn secret_word_hint() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "passw",
                "pwd",
                "secret",
                "token",
                "api",
                "access",
                "private",
                "credential",
                "auth",
                "signing",
                "encryption",
                "dsn",
                "salt",
            ])
            .expect("secret word literals")
    })
}

/// Literals that every match of [`inline_re`] contains: strings without any of them are not
/// searched with the full pattern (the literal search needs no per-thread regex cache and is
/// many times faster on the millions of short strings of a large cluster).
fn inline_hint() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        let mut literals = vec!["://", "-----BEGIN", "AKIA", "ASIA", "eyJ", "AIza"];
        literals.extend(["sk_live_", "sk_test_", "rk_live_", "rk_test_"]);
        literals.extend(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]);
        literals.extend(["xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"]);
        AhoCorasick::new(literals).expect("inline secret literals")
    })
}

/// True when `s` holds secret-looking content ([`inline_re`]).
fn has_inline_secret(s: &str) -> bool {
    inline_hint().is_match(s) && inline_re().is_match(s)
}

/// Secret-looking content inside any string: URL passwords, PEM blocks, well-known token shapes.
fn inline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?s)(?P<url>[a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]*:)(?P<urlpass>[^@\s/]+)@",
            r"|(?P<pem>-----BEGIN [A-Z0-9 ]*-----.*?(-----END [A-Z0-9 ]*-----|$))",
            r"|(?P<tok>\b(AKIA|ASIA)[0-9A-Z]{12,}\b|\b[sr]k_(live|test)_[0-9A-Za-z]{6,}\b|\bgh[pousr]_[0-9A-Za-z]{20,}\b|\bxox[abposr]-[0-9A-Za-z\-]{10,}\b|\beyJ[0-9A-Za-z_\-]{10,}\.[0-9A-Za-z_\-]{10,}\.[0-9A-Za-z_\-]{10,}\b|\bAIza[0-9A-Za-z_\-]{30,}\b)"
        ))
        .expect("inline secret regex")
    })
}

/// `key = value` / `key: value` lines whose key names a secret.
fn line_assign_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"^(?P<head>\s*(export\s+)?["']?(?P<key>[A-Za-z0-9_.\-\[\]]+)["']?\s*[:=]\s*)(?P<val>\S.*?)\s*$"#)
            .expect("line regex")
    })
}

/// Redacts secret-looking parts inside a string. Returns `None` when nothing was found.
pub fn redact_inline(fp: &Fingerprinter, s: &str) -> Option<String> {
    if !has_inline_secret(s) {
        return None;
    }
    let re = inline_re();
    let out = re.replace_all(s, |c: &regex::Captures| {
        if let (Some(head), Some(pass)) = (c.name("url"), c.name("urlpass")) {
            if pass.as_str().starts_with(TOKEN_OPEN) {
                return c[0].to_string(); // already redacted: normalizing twice changes nothing
            }
            format!("{}{}@", head.as_str(), fp.token(pass.as_str().as_bytes()))
        } else {
            fp.token(c.get(0).map_or("", |m| m.as_str()).as_bytes())
        }
    });
    Some(out.into_owned())
}

/// Redacts a multi-line config file line by line, so line diffs still work.
pub fn redact_lines(fp: &Fingerprinter, text: &str) -> Option<String> {
    let mut changed = false;
    let mut out = String::with_capacity(text.len());
    let line_re = line_assign_re();
    // PEM blocks span lines: handle them on the whole text first.
    let text: Cow<str> = match text.contains("-----BEGIN") && has_inline_secret(text) {
        true => {
            changed = true;
            Cow::Owned(redact_inline(fp, text).unwrap_or_else(|| text.to_string()))
        }
        false => Cow::Borrowed(text),
    };
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        // Only a line naming a secret word can assign a secret: skip the capturing search on
        // the rest (the key is part of the line, so this changes no answer).
        let assignment = match secret_name_re().is_match(body) {
            true => line_re.captures(body),
            false => None,
        };
        let redacted = match assignment {
            Some(c) if is_secret_name(&c["key"]) && !c["val"].starts_with(TOKEN_OPEN) => {
                Some(format!("{}{}", &c["head"], fp.token(c["val"].as_bytes())))
            }
            _ => redact_inline(fp, body),
        };
        match redacted {
            Some(r) => {
                changed = true;
                out.push_str(&r);
            }
            None => out.push_str(body),
        }
        out.push_str(nl);
    }
    changed.then_some(out)
}

/// A value's token; a value that already is one token (a Secret read back from a snapshot
/// served by `checkride serve`, or fingerprinted as its page was read) stays as it is, so
/// normalizing twice changes nothing.
fn token_once(fp: &Fingerprinter, bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes)
        && text.starts_with(TOKEN_OPEN)
        && token_re()
            .find(text)
            .is_some_and(|m| m.start() == 0 && m.end() == text.len())
    {
        return text.to_string();
    }
    fp.token(bytes)
}

/// Turns a Secret's `data` (base64) and `stringData` into one `data` map of tokens.
pub fn fingerprint_secret(fp: &Fingerprinter, body: &mut Map<String, Value>) {
    let mut merged = Map::new();
    if let Some(Value::Object(data)) = body.remove("data") {
        for (k, v) in data {
            let bytes = match &v {
                Value::String(s) => base64::engine::general_purpose::STANDARD
                    .decode(s.trim())
                    .unwrap_or_else(|_| s.as_bytes().to_vec()),
                other => other.to_string().into_bytes(),
            };
            merged.insert(k, Value::String(token_once(fp, &bytes)));
        }
    }
    if let Some(Value::Object(data)) = body.remove("stringData") {
        for (k, v) in data {
            let bytes = match &v {
                Value::String(s) => s.as_bytes().to_vec(),
                other => other.to_string().into_bytes(),
            };
            merged.insert(k, Value::String(token_once(fp, &bytes)));
        }
    }
    if !merged.is_empty() {
        body.insert("data".into(), Value::Object(merged));
    }
}

/// Redacts secret-looking literals anywhere in a non-Secret body: values under secret-like
/// keys, env entries with secret-like names, multi-line files line by line, inline tokens.
pub fn redact_tree(fp: &Fingerprinter, map: &mut Map<String, Value>) {
    // Env-style entries: {name: DB_PASSWORD, value: "..."}.
    let env_secret = map
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(is_secret_name);
    for (k, v) in map.iter_mut() {
        match v {
            Value::String(s) => {
                if s.contains(TOKEN_OPEN) && !has_inline_secret(s) {
                    continue; // already redacted (e.g. loaded from a snapshot)
                }
                if (env_secret && k == "value") || is_secret_name(k) {
                    if !s.is_empty() && !s.starts_with(TOKEN_OPEN) {
                        *s = fp.token(s.as_bytes());
                    }
                } else if s.contains('\n') {
                    if let Some(r) = redact_lines(fp, s) {
                        *s = r;
                    }
                } else if let Some(r) = redact_inline(fp, s) {
                    *s = r;
                }
            }
            Value::Object(m) => redact_tree(fp, m),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Object(m) => redact_tree(fp, m),
                        Value::String(s) => {
                            if let Some(r) = redact_inline(fp, s) {
                                *s = r;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
