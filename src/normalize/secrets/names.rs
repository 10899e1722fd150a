//! Key names whose values are secret: `DB_PASSWORD`, `db.pass`, `SESSION_KEY`, `client-secret`,
//! but not the names that only point at or describe a secret (`secretName`, `passwordFile`,
//! `TOKEN_URL`, `max_tokens`, `checksum/secret`).
//!
//! A name is split into words (at `_ - . / [ ] :`, spaces, digits and camelCase humps) and judged
//! by three small word lists: secret words, the words that make `key` secret (`session key`),
//! and words that make the name a reference or a measure.

use super::policy::Policy;
use std::collections::HashMap;

/// Words that make a name secret wherever they stand; a word also counts when it starts or ends
/// with one of [`SECRET_STEMS`] (`dbpassword`, `authtoken`, `passwordhash`).
const SECRET_WORDS: &[&str] = &[
    "pass",
    "pwd",
    "pw",
    "passwd",
    "creds",
    "dsn",
    "salt",
    "htpasswd",
    "requirepass",
    "masterauth",
    "rootpw",
    "apikey",
    "apikeys",
    "privatekey",
    "pgpass",
];

/// Stems that make a word secret at its start or end.
const SECRET_STEMS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
];

/// Words that are not secret although they carry a stem.
const NOT_SECRET_WORDS: &[&str] = &[
    "tokenizer",
    "tokenizers",
    "tokenize",
    "tokenization",
    "secretary",
];

/// Words before `key`/`keys` that make it a secret key (`SESSION_KEY`, `accountKey`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "session",
    "signing",
    "sign",
    "encryption",
    "encrypt",
    "decryption",
    "master",
    "client",
    "shared",
    "auth",
    "hmac",
    "app",
    "application",
    "license",
    "licence",
    "webhook",
    "jwt",
    "cookie",
    "csrf",
    "crypt",
    "crypto",
    "ssh",
    "deploy",
    "consumer",
    "account",
    "storage",
    "root",
    "admin",
    "bot",
    "recaptcha",
    "captcha",
    "aes",
    "cipher",
    "sas",
    "primary",
    "secondary",
    "subscription",
    "gpg",
    "pgp",
    "rsa",
    "ecdsa",
    "ed25519",
    "machine",
    "mac",
    "token",
    "unseal",
    "recovery",
];

/// Words that may follow a secret `key` and keep it secret (`client-key-data`, `apiKeyValue`).
const KEY_ENCODINGS: &[&str] = &[
    "data", "value", "b64", "base64", "pem", "hex", "string", "text",
];

/// Words that, anywhere in a name, make it describe a secret rather than hold one.
const MEASURE_WORDS: &[&str] = &[
    "max",
    "min",
    "num",
    "count",
    "limit",
    "limits",
    "size",
    "length",
    "len",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "expires",
    "expire",
    "lifetime",
    "age",
    "duration",
    "interval",
    "period",
    "seconds",
    "minutes",
    "hours",
    "days",
    "enabled",
    "disabled",
    "enable",
    "disable",
    "required",
    "require",
    "rotation",
    "rotate",
    "policy",
    "strength",
    "complexity",
    "checksum",
    "digest",
    "hash",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "fingerprint",
    "revision",
    "generation",
    "existing",
    "use",
    "manager",
    "backend",
    "provider",
    "store",
    "engine",
    "reloader",
    "reload",
    "sync",
    "autogenerate",
    "generate",
    "create",
    "mount",
    "mounted",
    "automount",
];

/// Words that, last in a name, make it a reference to a secret (or a setting about one).
const REFERENCE_WORDS: &[&str] = &[
    "name",
    "names",
    "ref",
    "refs",
    "reference",
    "path",
    "paths",
    "file",
    "files",
    "filename",
    "dir",
    "directory",
    "namespace",
    "arn",
    "issuer",
    "type",
    "types",
    "kind",
    "version",
    "header",
    "url",
    "uri",
    "urls",
    "endpoint",
    "host",
    "hostname",
    "id",
    "ids",
    "usage",
    "class",
    "mode",
    "format",
    "algorithm",
    "algorithms",
    "alg",
    "field",
    "fields",
    "selector",
    "source",
    "sources",
    "template",
    "env",
    "var",
    "location",
    "audience",
    "audiences",
    "scope",
    "scopes",
    "role",
    "roles",
    "label",
    "labels",
    "annotation",
    "annotations",
    "prefix",
    "suffix",
    "regex",
    "pattern",
    "key",
    "keys",
    "method",
    "methods",
    "flow",
    "grant",
    "mechanism",
    "secretname",
    "user",
    "username",
    "login",
    "email",
    "account",
    "region",
    "project",
    "vault",
    "validation",
    "validator",
    "sa",
    "serviceaccount",
    "claim",
    "claims",
    "type",
    "params",
    "parameters",
    "config",
    "configuration",
    "policy",
    "class",
    "volume",
    "volumes",
    "item",
    "items",
];

/// Most names [`is_secret_name`] remembers per thread.
const NAME_MEMO_LIMIT: usize = 4096;

/// True when a key names a secret value (`DB_PASSWORD`, `stripe.api-key`), not a reference to one.
///
/// Asked for every key of every object, of a few hundred distinct keys: each thread remembers
/// its answers (up to [`NAME_MEMO_LIMIT`] names, then starts over).
pub fn is_secret_name(name: &str) -> bool {
    is_secret_name_in(super::policy::policy(), name)
}

pub(crate) fn is_secret_name_in(policy: &Policy, name: &str) -> bool {
    thread_local! {
        static MEMO: std::cell::RefCell<HashMap<Box<str>, bool>> = Default::default();
    }
    if name.is_empty() || name.len() > 200 || !policy.name_hint.is_match(name) {
        return false;
    }
    MEMO.with_borrow_mut(|memo| {
        if let Some(&known) = memo.get(name) {
            return known;
        }
        let answer = judge(policy, name);
        if memo.len() >= NAME_MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(name.into(), answer);
        answer
    })
}

/// The words of a name, lower case: `dbPassword_v2` → `db password v`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphabetic() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let hump = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if hump && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn judge(policy: &Policy, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if policy.allow_keys.contains(&lower) {
        return false;
    }
    if policy.secret_keys.contains(&lower) {
        return true;
    }
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if words.iter().any(|w| MEASURE_WORDS.contains(&w.as_str())) {
        return false;
    }
    let secret_word = |w: &str| {
        !NOT_SECRET_WORDS.contains(&w)
            && (SECRET_WORDS.contains(&w)
                || SECRET_STEMS
                    .iter()
                    .any(|s| w.starts_with(s) || w.ends_with(s)))
    };
    // `<qualifier> key`, last or followed only by words naming its encoding (`client-key-data`).
    let secret_key = words.windows(2).enumerate().any(|(i, p)| {
        matches!(p[1].as_str(), "key" | "keys")
            && KEY_QUALIFIERS.contains(&p[0].as_str())
            && words[i + 2..]
                .iter()
                .all(|w| KEY_ENCODINGS.contains(&w.as_str()))
    });
    // `key` last after a qualifier is the secret itself (`SESSION_KEY`); other reference words
    // last make the name a pointer (`secretName`, `TOKEN_URL`).
    let qualified_key_last = secret_key
        && matches!(last.as_str(), "key" | "keys")
        && words.len() >= 2
        && KEY_QUALIFIERS.contains(&words[words.len() - 2].as_str());
    if REFERENCE_WORDS.contains(&last.as_str()) && !qualified_key_last {
        return false;
    }
    secret_key || words.iter().any(|w| secret_word(w))
}

/// Literals one of which every secret name contains (ASCII case ignored): names without any are
/// told apart without splitting them into words.
pub(crate) const NAME_HINTS: &[&str] = &[
    "pass",
    "pw",
    "secret",
    "token",
    "cred",
    "key",
    "dsn",
    "salt",
    "masterauth",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that hold secrets, in the spellings seen in manifests and config files.
    #[test]
    fn secret_names_are_recognized() {
        for n in [
            "DB_PASSWORD",
            "DB_PASS",
            "REDIS_PASS",
            "SMTP_PASS",
            "db.pass",
            "credentials.pass",
            "SESSION_KEY",
            "stripe.api-key",
            "GITHUB_TOKEN",
            "client_secret",
            "clientSecret",
            "AWS_SECRET_ACCESS_KEY",
            "PGPASSWORD",
            "db.password",
            "Password",
            "passwd",
            "pwd",
            "apiKey",
            "APIKey",
            "x-api-key",
            "accountKey",
            "AccountKey",
            "SharedAccessKey",
            "webhook-signing-secret",
            "signingKey",
            "encryption-key",
            "SENTRY_DSN",
            "salt",
            "authToken",
            "refresh_token",
            "privateKey",
            "ssh-privatekey",
            "client-key-data",
            "passwordValue",
            "keyPassphrase",
            "requirepass",
            "JWT_SECRET",
            "cookieSecret",
            "db-password",
            "MYSQL_ROOT_PASSWORD",
            "api_token",
            "bearerToken",
            "token",
        ] {
            assert!(is_secret_name(n), "{n} should be a secret name");
        }
    }

    /// Names that point at, describe or measure a secret are not secret names.
    #[test]
    fn references_and_measures_are_not_secret_names() {
        for n in [
            "secretName",
            "tokenSecretRef",
            "TOKEN_URL",
            "passwordFile",
            "PASSWORD_FILE",
            "existingSecret",
            "max_tokens",
            "token_limit",
            "passwordMinLength",
            "tokenExpirationSeconds",
            "automountServiceAccountToken",
            "checksum/secret",
            "secretKeyRef",
            "AWS_ACCESS_KEY_ID",
            "secret.reloader.stakater.com/reload",
            "image",
            "name",
            "key",
            "cache_key",
            "primaryKeyColumn",
            "sort_key",
            "publicKey",
            "apiVersion",
            "containerPort",
            "tokenizer",
            "passthrough",
            "bypass",
            "compass",
            "secretProviderClass",
            "token-file",
            "secret_manager_project",
            "tls.key.path",
            "keycloak",
            "monkey",
            "SECRET_VERSION",
            "user",
            "username",
        ] {
            assert!(!is_secret_name(n), "{n} should not be a secret name");
        }
    }

    /// Words split at separators, digits and camelCase humps.
    #[test]
    fn words_split_like_people_write_names() {
        assert_eq!(words("dbPassword_v2"), ["db", "password", "v"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(
            words("x-amz-security-token"),
            ["x", "amz", "security", "token"]
        );
        assert_eq!(words("HTTPServer2Port"), ["http", "server", "port"]);
    }
}
