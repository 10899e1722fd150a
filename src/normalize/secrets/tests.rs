//! Unit tests of secret fingerprinting and redaction.

use super::*;
use serde_json::json;

/// Secret data and stringData become tokens; the same value fingerprints alike.
#[test]
fn secret_values_become_tokens() {
    let fp = Fingerprinter::from_secret("k");
    let mut body = json!({"data": {"a": "Q0FOQVJZLXg="}, "stringData": {"b": "CANARY-x"}})
        .as_object()
        .unwrap()
        .clone();
    fingerprint_secret(&fp, &mut body);
    let text = serde_json::to_string(&body).unwrap();
    assert!(!text.contains("CANARY"));
    assert_eq!(body["data"]["a"], body["data"]["b"]);
    assert_eq!(scrub(body["data"]["a"].as_str().unwrap()), SHOWN);
}

/// Fingerprinting is idempotent: tokens (raw or base64-encoded) are kept as they are.
#[test]
fn fingerprinting_twice_changes_nothing() {
    let fp = Fingerprinter::from_secret("k");
    let mut body = json!({"data": {"a": "Q0FOQVJZLXg="}})
        .as_object()
        .unwrap()
        .clone();
    fingerprint_secret(&fp, &mut body);
    let once = body.clone();
    fingerprint_secret(&fp, &mut body);
    assert_eq!(body, once);
    let token = once["data"]["a"].as_str().unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(token);
    let mut served = json!({"data": {"a": encoded, "b": SHOWN}})
        .as_object()
        .unwrap()
        .clone();
    fingerprint_secret(&fp, &mut served);
    assert_eq!(served["data"]["a"], once["data"]["a"]);
    assert_eq!(served["data"]["b"], SHOWN);
}

/// Inline shapes are redacted, the rest of the string is kept.
#[test]
fn inline_redaction_keeps_context() {
    let fp = Fingerprinter::from_secret("k");
    let r = redact_inline(&fp, "postgres://app:CANARY-pass@db:5432/app").unwrap();
    assert!(r.starts_with("postgres://app:‹redacted:"), "{r}");
    assert!(r.ends_with("@db:5432/app"));
    assert!(!r.contains("CANARY"));
    assert_eq!(
        redact_inline(&fp, &r).as_deref(),
        Some(r.as_str()),
        "idempotent"
    );
    assert!(redact_inline(&fp, "AKIACANARY1234567890").is_some());
    assert!(redact_inline(&fp, "sk_live_CANARYabcdef123456").is_some());
    assert!(redact_inline(&fp, "http://payments:8080/v1").is_none());
}

/// Config files keep their shape; only the secret line changes.
#[test]
fn line_redaction() {
    let fp = Fingerprinter::from_secret("k");
    let text = "db.host=db\ndb.password=CANARY-line\nlog.level=info\n";
    let r = redact_lines(&fp, text).unwrap();
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(lines[0], "db.host=db");
    assert!(lines[1].starts_with("db.password=‹redacted:"));
    assert_eq!(lines[2], "log.level=info");
}

/// Names: values are secret, references to secrets are not.
#[test]
fn secret_names() {
    assert!(is_secret_name("DB_PASSWORD"));
    assert!(is_secret_name("stripe.api-key"));
    assert!(is_secret_name("GITHUB_TOKEN"));
    assert!(!is_secret_name("secretName"));
    assert!(!is_secret_name("tokenSecretRef"));
    assert!(!is_secret_name("TOKEN_URL"));
}

/// The literal prefilters never change an answer of the full patterns.
#[test]
fn prefilters_agree_with_the_patterns() {
    let samples = [
        "postgres://app:CANARY-pass@db:5432/app",
        "https://user:pw@host",
        "HTTP://u:p@h",
        "http://payments:8080/v1",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        "AKIACANARY1234567890",
        "xASIAABCDEFGHIJKLMNOP",
        "sk_live_CANARYabcdef123456",
        "rk_test_abcdef",
        "ghp_abcdefghijklmnopqrstuvwxyz0123",
        "xoxb-1234567890-abcdef",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijkl",
        "AIzaSyA-abcdefghijklmnopqrstuvwxyz12345",
        "registry.example.com/team-1/export:1.27.8",
        "",
        "plain",
    ];
    for s in samples {
        assert_eq!(has_inline_secret(s), inline_re().is_match(s), "{s}");
    }
    let names = [
        "DB_PASSWORD",
        "db.passwd",
        "Pwd",
        "client_secret",
        "GITHUB_TOKEN",
        "stripe.api-key",
        "APIKEY",
        "access_key",
        "PRIVATE-KEY",
        "credentials",
        "auth_key",
        "signingKey",
        "encryption-key",
        "SENTRY_DSN",
        "salt",
        "secretName",
        "TOKEN_URL",
        "apiVersion",
        "name",
        "image",
        "containerPort",
        "AccessKeyId",
    ];
    for n in names {
        let full = secret_name_re().is_match(n) && !reference_name_re().is_match(n);
        assert_eq!(is_secret_name(n), full, "{n}");
    }
}

/// Tokens under different keys are not compared; under one key they are.
#[test]
fn token_comparison() {
    let a = Fingerprinter::from_secret("a");
    let b = Fingerprinter::from_secret("b");
    let ta = a.token(b"x");
    let tb = b.token(b"x");
    assert_eq!(compare_tokens(&ta, &tb), TokenCompare::NotCompared);
    assert_eq!(compare_tokens(&ta, &a.token(b"y")), TokenCompare::Different);
    assert_eq!(compare_tokens(&ta, SHOWN), TokenCompare::NotCompared);
    assert_eq!(
        compare_tokens(&format!("a{ta}"), &format!("b{ta}")),
        TokenCompare::Different
    );
}
