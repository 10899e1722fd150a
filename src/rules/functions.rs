//! checkride's own CEL functions, for what the Kubernetes libraries do not cover: environment
//! names inside values, versions inside free text, image references.

use crate::normalize::names::EnvTokens;
use kube_cel::cel::extractors::This;
use kube_cel::cel::objects::{Key, Map as CelMap};
use kube_cel::cel::{Context, ExecutionError, FunctionContext, ResolveResult, Value as Cel};
use regex::Regex;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Names of lower environments that values often carry besides the staging/prod tokens.
const LOWER_ENVS: &[&str] = &[
    "development",
    "dev",
    "testing",
    "test",
    "qa",
    "uat",
    "preprod",
    "pre-prod",
    "nonprod",
    "non-prod",
    "int",
    "integration",
];

/// Registers the functions on a root context.
pub fn register(ctx: &mut Context<'_>, tokens: &EnvTokens) {
    let mut words: Vec<String> = tokens
        .staging
        .iter()
        .chain(&tokens.prod)
        .cloned()
        .chain(LOWER_ENVS.iter().map(|s| s.to_string()))
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    let words = Arc::new(words);
    ctx.add_function("envNeutral", move |v: Cel| -> ResolveResult {
        Ok(neutral(&v, &words))
    });
    ctx.add_function("versionOf", |s: Arc<String>| -> ResolveResult {
        Ok(Cel::String(Arc::new(version_of(&s))))
    });
    // Same semantics as CEL's `matches`, with compiled regexes kept: rules call it once per
    // difference with the same literal pattern, and compiling a regex costs far more than using it.
    ctx.add_function("matches", cached_matches);
    ctx.add_function("typeOf", |v: Cel| -> ResolveResult {
        Ok(Cel::String(Arc::new(type_name(&v).to_string())))
    });
    ctx.add_function("minorOf", |v: Cel| -> ResolveResult {
        Ok(minor_of_value(&v))
    });
    ctx.add_function("imageRepo", |s: Arc<String>| -> ResolveResult {
        Ok(Cel::String(Arc::new(split_image(&s).0.to_string())))
    });
    ctx.add_function("imageTag", |s: Arc<String>| -> ResolveResult {
        Ok(Cel::String(Arc::new(split_image(&s).1.to_string())))
    });
    ctx.add_function("imageDigest", |s: Arc<String>| -> ResolveResult {
        Ok(Cel::String(Arc::new(split_image(&s).2.to_string())))
    });
}

fn cached_matches(
    ftx: &FunctionContext,
    This(this): This<Arc<String>>,
    pattern: Arc<String>,
) -> Result<bool, ExecutionError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let cached = cache
        .lock()
        .ok()
        .and_then(|c| c.get(pattern.as_str()).cloned());
    let re = match cached {
        Some(re) => re,
        None => {
            let re = Regex::new(&pattern)
                .map_err(|e| ftx.error(format!("'{pattern}' not a valid regex: {e}")))?;
            if let Ok(mut c) = cache.lock() {
                if c.len() >= 1024 {
                    c.clear();
                }
                c.insert(pattern.to_string(), re.clone());
            }
            re
        }
    };
    Ok(re.is_match(&this))
}

/// The CEL type of a value, by name (`string`, `int`, `list`, `map`, `null`, …).
fn type_name(v: &Cel) -> &'static str {
    match v {
        Cel::List(_) => "list",
        Cel::Map(_) => "map",
        Cel::Function(..) => "function",
        Cel::Int(_) => "int",
        Cel::UInt(_) => "uint",
        Cel::Float(_) => "double",
        Cel::String(_) => "string",
        Cel::Bytes(_) => "bytes",
        Cel::Bool(_) => "bool",
        Cel::Null => "null",
        _ => "other",
    }
}

fn neutral(v: &Cel, words: &[String]) -> Cel {
    match v {
        Cel::String(s) => Cel::String(Arc::new(strip_words(s, words))),
        Cel::List(items) => Cel::List(Arc::new(items.iter().map(|x| neutral(x, words)).collect())),
        Cel::Map(m) => {
            let map: HashMap<Key, Cel> = m
                .map
                .iter()
                .map(|(k, x)| (k.clone(), neutral(x, words)))
                .collect();
            Cel::Map(CelMap { map: Arc::new(map) })
        }
        other => other.clone(),
    }
}

/// Removes environment words (at word boundaries, case-insensitively) with one adjacent
/// separator: `sign-in-dev.example.com` → `sign-in.example.com`, `staging` → ``.
pub fn strip_words(s: &str, words: &[String]) -> String {
    let mut out = s.to_string();
    for w in words {
        loop {
            let lower = out.to_ascii_lowercase();
            let Some((a, b)) = find_word(&lower, w) else {
                break;
            };
            let bytes = out.as_bytes();
            let sep = |i: usize| matches!(bytes.get(i), Some(b'-' | b'_' | b'.'));
            let (a, b) = if a > 0 && sep(a - 1) {
                (a - 1, b)
            } else if sep(b) {
                (a, b + 1)
            } else {
                (a, b)
            };
            out.replace_range(a..b, "");
        }
    }
    out
}

fn find_word(hay: &str, word: &str) -> Option<(usize, usize)> {
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = hay[from..].find(word) {
        let (a, b) = (from + i, from + i + word.len());
        let before = a == 0 || !bytes[a - 1].is_ascii_alphanumeric();
        let after = b == bytes.len() || !bytes[b].is_ascii_alphanumeric();
        if before && after {
            return Some((a, b));
        }
        from = a + 1;
    }
    None
}

/// The first `X.Y[.Z]` version inside a text (`containerd://1.7.20` → `1.7.20`), or ``.
pub fn version_of(s: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d+\.\d+(\.\d+)?").expect("version regex"));
    re.find(s)
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

/// The text up to and including the first version's `X.Y`: `v1.27.16-eks-1` → `v1.27`,
/// `containerd://1.7.20` → `containerd://1.7`; `` when there is no version.
pub fn minor_of(s: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d+\.\d+").expect("minor regex"));
    re.find(s)
        .map(|m| s[..m.end()].to_string())
        .unwrap_or_default()
}

/// [`minor_of`] of a string, or the sorted distinct values of a list of strings.
fn minor_of_value(v: &Cel) -> Cel {
    match v {
        Cel::String(s) => Cel::String(Arc::new(minor_of(s))),
        Cel::List(items) => {
            let mut out: Vec<String> = items
                .iter()
                .filter_map(|x| match x {
                    Cel::String(s) => Some(minor_of(s)),
                    _ => None,
                })
                .collect();
            out.sort();
            out.dedup();
            Cel::List(Arc::new(
                out.into_iter().map(|s| Cel::String(Arc::new(s))).collect(),
            ))
        }
        _ => Cel::String(Arc::new(String::new())),
    }
}

/// (repository, tag, digest) of an image reference; missing parts are empty.
pub fn split_image(image: &str) -> (&str, &str, &str) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, d),
        None => (image, ""),
    };
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], &rest[last_slash + i + 1..], digest),
        None => (rest, "", digest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Environment words go with one separator; words inside other words stay.
    #[test]
    fn strips_environment_words() {
        let w: Vec<String> = ["production", "staging", "dev"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            strip_words("https://sign-in-dev.example.com", &w),
            "https://sign-in.example.com"
        );
        assert_eq!(strip_words("orders-staging-db", &w), "orders-db");
        assert_eq!(strip_words("Staging", &w), "");
        assert_eq!(strip_words("device-api", &w), "device-api");
    }

    /// Image references split into repository, tag and digest, registry ports kept apart.
    #[test]
    fn splits_images() {
        assert_eq!(split_image("redis:7.2.4"), ("redis", "7.2.4", ""));
        assert_eq!(
            split_image("registry:5000/app"),
            ("registry:5000/app", "", "")
        );
        assert_eq!(
            split_image("ghcr.io/a/b:1.2@sha256:ab"),
            ("ghcr.io/a/b", "1.2", "sha256:ab")
        );
        assert_eq!(version_of("containerd://1.7.20"), "1.7.20");
        assert_eq!(version_of("latest"), "");
        assert_eq!(minor_of("v1.27.16-eks-a1"), "v1.27");
        assert_eq!(minor_of("containerd://1.7.20"), "containerd://1.7");
    }
}
