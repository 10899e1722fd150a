//! Names that differ only by environment: env tokens (`db-staging` ↔ `db-production`,
//! `job-x` ↔ `job-x-prod`) and kustomize hash suffixes (`app-config-5fh2k8g9tb`).

use regex::Regex;
use std::sync::OnceLock;

/// Environment-name tokens for each side, lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvTokens {
    /// Tokens that name staging (`staging`, `stg`, `stage`).
    pub staging: Vec<String>,
    /// Tokens that name prod (`production`, `prod`, `prd`).
    pub prod: Vec<String>,
}

impl Default for EnvTokens {
    fn default() -> Self {
        EnvTokens {
            staging: vec!["staging".into(), "stage".into(), "stg".into()],
            prod: vec!["production".into(), "prod".into(), "prd".into()],
        }
    }
}

impl EnvTokens {
    /// Adds a `staging=production` pair given on the command line.
    pub fn add_pair(&mut self, pair: &str) -> Result<(), String> {
        let (s, p) = pair
            .split_once('=')
            .filter(|(s, p)| !s.is_empty() && !p.is_empty())
            .ok_or_else(|| format!("--env-token expects STAGING=PROD, got `{pair}`"))?;
        for (list, t) in [(&mut self.staging, s), (&mut self.prod, p)] {
            let t = t.to_ascii_lowercase();
            if !list.contains(&t) {
                list.push(t);
            }
        }
        // Longest first, so `production` wins over `prod`.
        self.staging.sort_by_key(|t| std::cmp::Reverse(t.len()));
        self.prod.sort_by_key(|t| std::cmp::Reverse(t.len()));
        Ok(())
    }

    /// The name with the side's tokens (and one adjacent separator) removed: the pairing form.
    pub fn strip(&self, name: &str, staging_side: bool) -> String {
        let tokens = if staging_side {
            &self.staging
        } else {
            &self.prod
        };
        strip_tokens(name, tokens)
    }

    /// Replaces every token of either side with `{env}`: the comparison form of values.
    pub fn substitute(&self, value: &str) -> String {
        let mut out = value.to_string();
        for t in self.staging.iter().chain(&self.prod) {
            out = replace_word(&out, t, "{env}");
        }
        out
    }

    /// Do two differing values become equal once environment names are set aside?
    pub fn equivalent(&self, staging: &str, prod: &str) -> bool {
        self.substitute(staging) == self.substitute(prod)
            || self.strip(staging, true) == self.strip(prod, false)
    }
}

/// Does `token` (lowercase) occur anywhere in `s`, ignoring ASCII case? A check without
/// allocation, so that the many names holding no token at all skip [`word_matches`].
fn contains_token(s: &str, token: &str) -> bool {
    let t = token.as_bytes();
    !t.is_empty()
        && s.as_bytes()
            .windows(t.len())
            .any(|w| w.eq_ignore_ascii_case(t))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Finds `token` at word boundaries, case-insensitively; yields byte ranges.
fn word_matches(s: &str, token: &str) -> Vec<(usize, usize)> {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(token) {
        let start = from + i;
        let end = start + token.len();
        let before_ok = start == 0 || !is_word(bytes[start - 1]);
        let after_ok = end == bytes.len() || !is_word(bytes[end]);
        if before_ok && after_ok {
            out.push((start, end));
        }
        from = end;
    }
    out
}

fn replace_word(s: &str, token: &str, with: &str) -> String {
    if !contains_token(s, token) {
        return s.to_string();
    }
    let matches = word_matches(s, token);
    if matches.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, b) in matches {
        out.push_str(&s[last..a]);
        out.push_str(with);
        last = b;
    }
    out.push_str(&s[last..]);
    out
}

fn strip_tokens(name: &str, tokens: &[String]) -> String {
    let mut out = name.to_string();
    for t in tokens {
        if !contains_token(&out, t) {
            continue;
        }
        while let Some(&(a, b)) = word_matches(&out, t).first() {
            let bytes = out.as_bytes();
            // Take one separator with the token: the one after it, else the one before it.
            let (a, b) = if b < bytes.len() && matches!(bytes[b], b'-' | b'_' | b'.') {
                (a, b + 1)
            } else if a > 0 && matches!(bytes[a - 1], b'-' | b'_' | b'.') {
                (a - 1, b)
            } else {
                (a, b)
            };
            if a == 0 && b == out.len() {
                break; // the whole name is the token: keep it
            }
            out.replace_range(a..b, "");
        }
    }
    out
}

fn hash_suffix_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"-[bcdfghkmt2456789]{10}$").expect("hash suffix regex"))
}

/// The name without a kustomize generator hash suffix.
pub fn strip_hash_suffix(name: &str) -> &str {
    match hash_suffix_re().find(name) {
        Some(m) if m.start() > 0 => &name[..m.start()],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that differ only by the environment token pair up.
    #[test]
    fn strips_env_tokens() {
        let t = EnvTokens::default();
        assert_eq!(t.strip("db-staging", true), t.strip("db-production", false));
        assert_eq!(t.strip("job-x", true), t.strip("job-x-prod", false));
        assert_eq!(t.strip("shop-stg", true), "shop");
        assert_eq!(t.strip("Staging-API", true), "API");
        assert_eq!(t.strip("prodigy", false), "prodigy");
        assert_eq!(t.strip("staging", true), "staging");
    }

    /// Values that differ only by environment name are equivalent; others are not.
    #[test]
    fn equivalent_values() {
        let t = EnvTokens::default();
        assert!(t.equivalent(
            "https://api.staging.example.com",
            "https://api.production.example.com"
        ));
        assert!(t.equivalent("orders-staging-db", "orders-production-db"));
        assert!(!t.equivalent("http://payments-mock:8080", "https://api.stripe.com"));
        let mut t2 = EnvTokens::default();
        t2.add_pair("qa=live").unwrap();
        assert!(t2.equivalent("bucket-qa", "bucket-live"));
        assert!(t2.add_pair("nope").is_err());
    }

    /// Kustomize hash suffixes are recognized by their alphabet and length.
    #[test]
    fn hash_suffixes() {
        assert_eq!(strip_hash_suffix("app-config-5fh2k8g9tb"), "app-config");
        assert_eq!(
            strip_hash_suffix("app-config-production"),
            "app-config-production"
        );
        assert_eq!(strip_hash_suffix("app-config"), "app-config");
    }
}
