//! Unit tests of secret fingerprinting and redaction.

use super::*;
use base64::Engine;
use serde_json::json;

fn fp() -> Fingerprinter {
    Fingerprinter::from_secret("k")
}

/// Redacts one string as a value under `key` inside an object; returns the result.
fn under(key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut m = json!({ key: value }).as_object().unwrap().clone();
    redact_tree(&fp(), &mut m);
    m[key].clone()
}

fn text(v: &str) -> String {
    under("note", json!(v)).as_str().unwrap().to_string()
}

/// Secret data and stringData become tokens; the same value fingerprints alike.
#[test]
fn secret_values_become_tokens() {
    let mut body = json!({"data": {"a": "Q0FOQVJZLXg="}, "stringData": {"b": "CANARY-x"}})
        .as_object()
        .unwrap()
        .clone();
    let tally = fingerprint_secret(&fp(), &mut body);
    let text = serde_json::to_string(&body).unwrap();
    assert!(!text.contains("CANARY"));
    assert_eq!(body["data"]["a"], body["data"]["b"]);
    assert_eq!(scrub(body["data"]["a"].as_str().unwrap()), SHOWN);
    assert_eq!(tally.0.get("secret-data"), Some(&2));
}

/// Fingerprinting is idempotent: tokens (raw or base64-encoded) are kept as they are.
#[test]
fn fingerprinting_twice_changes_nothing() {
    let mut body = json!({"data": {"a": "Q0FOQVJZLXg="}})
        .as_object()
        .unwrap()
        .clone();
    fingerprint_secret(&fp(), &mut body);
    let once = body.clone();
    fingerprint_secret(&fp(), &mut body);
    assert_eq!(body, once);
    let token = once["data"]["a"].as_str().unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(token);
    let mut served = json!({"data": {"a": encoded, "b": SHOWN}})
        .as_object()
        .unwrap()
        .clone();
    fingerprint_secret(&fp(), &mut served);
    assert_eq!(served["data"]["a"], once["data"]["a"]);
    assert_eq!(served["data"]["b"], SHOWN);
}

/// Every annotation of a Secret is fingerprinted, except the name-only ones (still scanned).
#[test]
fn secret_annotations_become_tokens() {
    let mut body = json!({"metadata": {"annotations": {
        "kapp.k14s.io/original": "{\"stringData\":{\"p\":\"CANARY-kapp\"}}",
        "note": "rotated; old one was CANARY-note",
        "cert-manager.io/issuer-name": "letsencrypt",
    }}})
    .as_object()
    .unwrap()
    .clone();
    let tally = fingerprint_secret(&fp(), &mut body);
    let text = serde_json::to_string(&body).unwrap();
    assert!(!text.contains("CANARY"), "{text}");
    assert!(text.contains("letsencrypt"));
    assert_eq!(tally.0.get("secret-annotation"), Some(&2));
}

/// Inline shapes are redacted in place, the rest of the string is kept.
#[test]
fn inline_redaction_keeps_context() {
    let r = text("postgres://app:CANARY-pass@db:5432/app?sslmode=require");
    assert!(r.starts_with("postgres://app:‹redacted:"), "{r}");
    assert!(r.ends_with("@db:5432/app?sslmode=require"));
    assert_eq!(text(&r), r, "idempotent");
    assert!(!text("AKIACANARY1234567890").contains("CANARY"));
    assert!(!text("sk_live_CANARYabcdef123456").contains("CANARY"));
    assert_eq!(text("http://payments:8080/v1"), "http://payments:8080/v1");
    assert_eq!(
        text("https://registry.npmjs.org:443/@scope/pkg"),
        "https://registry.npmjs.org:443/@scope/pkg"
    );
}

/// URL passwords holding `/` or `@` are redacted whole; host and port stay.
#[test]
fn url_passwords_with_slashes_and_ats() {
    let r = text("redis://:CANARY/pa@ss@cache.internal:6380/0");
    assert!(!r.contains("CANARY") && !r.contains("pa@ss"), "{r}");
    assert!(r.ends_with("@cache.internal:6380/0"), "{r}");
    let r = text("amqp://u:CANARY/x@mq:5672 and rediss://u:CANARY2@r:6379");
    assert!(!r.contains("CANARY"), "{r}");
    assert!(r.contains("@mq:5672") && r.contains("rediss://u:") && r.contains("@r:6379"));
}

/// Single-line assignments in every common syntax lose only their value.
#[test]
fn assignments_in_one_line() {
    let cases = [
        ("db.password=CANARY1", "db.password="),
        ("db.pass=CANARY1", "db.pass="),
        (r#"{"Db":{"Password":"CANARY1"}}"#, r#"{"Db":{"Password":""#),
        (
            "<config><password>CANARY1</password><host>db</host></config>",
            "<host>db</host>",
        ),
        (
            "Server=db.internal;Database=app;Password=CANARY1;Encrypt=true",
            "Encrypt=true",
        ),
        (
            "jdbc:mysql://db:3306/app?user=u&password=CANARY1&useSSL=true",
            "&useSSL=true",
        ),
        ("export PGPASSWORD=CANARY1 && psql -h db", "&& psql -h db"),
        ("map[password:CANARY1 user:app]", "user:app]"),
        ("DB_PASSWORD: 13579", "DB_PASSWORD: "),
        (
            r#"<add name="Db" connectionString="Server=db;Password=CANARY1;" providerName="x"/>"#,
            r#"providerName="x"/>"#,
        ),
        ("curl -u admin:CANARY1 https://grafana", "https://grafana"),
        ("mysqldump -uroot -pCANARY1 app", " app"),
    ];
    for (input, kept) in cases {
        let r = text(input);
        assert!(
            !r.contains("CANARY1") && !r.contains("13579"),
            "{input} → {r}"
        );
        assert!(r.contains(kept), "{input} → {r} should keep {kept}");
        assert_eq!(text(&r), r, "idempotent: {input}");
    }
}

/// Config files keep their shape; only the secret lines change, whole rest of line included.
#[test]
fn line_redaction() {
    let r = text("db.host=db\ndb.password=CANARY line pass\nlog.level=info\n");
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(lines[0], "db.host=db");
    assert!(lines[1].starts_with("db.password=‹redacted:"), "{r}");
    assert!(!r.contains("CANARY") && !r.contains("line pass"));
    assert_eq!(lines[2], "log.level=info");
}

/// Command lines and argument lists lose flag values only.
#[test]
fn flags_and_arguments() {
    let r = text("/app --db-password=CANARY1 --token CANARY2 --port 8080 --password-stdin");
    assert!(!r.contains("CANARY"), "{r}");
    assert!(
        r.contains("--port 8080") && r.contains("--password-stdin"),
        "{r}"
    );
    let args = under("args", json!(["--token", "CANARY3", "--log-level", "info"]));
    let joined = args.to_string();
    assert!(!joined.contains("CANARY"), "{joined}");
    assert!(joined.contains("info"));
}

/// Values under secret names are tokens whatever their type; references stay.
#[test]
fn secret_named_keys() {
    assert!(
        under("DB_PASS", json!("CANARY"))
            .as_str()
            .unwrap()
            .starts_with(TOKEN_OPEN)
    );
    assert!(
        under("DB_PASSWORD", json!(13579))
            .as_str()
            .unwrap()
            .starts_with(TOKEN_OPEN)
    );
    assert_eq!(under("secretName", json!("db-creds")), json!("db-creds"));
    let env = under(
        "env",
        json!([{"name": "SESSION_KEY", "value": "CANARY"}, {"name": "LOG", "value": "info"}]),
    );
    assert!(!env.to_string().contains("CANARY"));
    assert!(env.to_string().contains("info"));
}

/// A value that starts with the marker cannot pass itself off as redacted.
#[test]
fn marker_cannot_be_spoofed() {
    for v in [
        "‹redacted›CANARY",
        "‹redacted:ab:cd›CANARY",
        "‹redacted:zz:CANARY›",
    ] {
        let r = under("DB_PASSWORD", json!(v));
        assert!(!r.to_string().contains("CANARY"), "{v} → {r}");
    }
    let r = text("‹redacted› db.password=CANARY");
    assert!(!r.contains("CANARY"), "{r}");
}

/// Digests, git SHAs, checksums, UUIDs and cloud ids are left alone.
#[test]
fn identifiers_are_not_secrets() {
    for v in [
        "ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "registry.example.com/app:3f2c9a1b7e6d5c4b3a2910ffee0011223344aabb",
        "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "arn:aws:iam::123456789012:role/app",
        "projects/acme/locations/eu/keyRings/ring/cryptoKeys/key",
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    ] {
        assert_eq!(text(v), v);
    }
    assert_eq!(
        under("checksum/secret", json!("4d3c2b1a0f9e8d7c")),
        json!("4d3c2b1a0f9e8d7c")
    );
}

/// Prose with a secret word before a colon and a plain word after it is not an assignment; Go
/// maps and flow maps are, and so is prose whose value looks like a credential.
#[test]
fn prose_is_not_an_assignment() {
    let prose = "no GitHub token: set GH_TOKEN (or name another variable with --token-env)";
    assert_eq!(redact_text(prose), prose);
    for s in [
        "map[user:app password:CANARY]",
        "{user: app, password: CANARY}",
        "rotated on Monday, the admin password: CANARY7x and the rest",
        "the db password: canary2024",
    ] {
        let r = redact_text(s);
        assert!(!r.to_ascii_lowercase().contains("canary"), "{s} → {r}");
    }
}

/// Free text loses secrets to the plain mark.
#[test]
fn text_redaction() {
    let r = redact_text("cannot connect to postgres://u:CANARY@db:5432 (password=CANARY2)");
    assert!(!r.contains("CANARY"), "{r}");
    assert!(r.contains("@db:5432"));
    assert!(r.contains(SHOWN));
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

/// A Secret read back from a snapshot counts only what is newly hidden: its tokens were
/// counted by the run that made them (a round trip keeps the counts), a raw value is counted.
#[test]
fn rechecked_secrets_count_only_new_redactions() {
    let fp = fp();
    let mut body = json!({"data": {"a": "CANARY-a", "b": "CANARY-b"}})
        .as_object()
        .unwrap()
        .clone();
    let first = protect(&fp, "", "Secret", &mut body);
    assert_eq!(first.to_map()["secret-data"], 2);
    body["data"]["c"] = json!("CANARY-raw");
    let again = protect_again(&fp, "", "Secret", &mut body);
    assert_eq!(again.to_map()["secret-data"], 1, "{again:?}");
    assert!(!serde_json::to_string(&body).unwrap().contains("CANARY"));
    let mut same = body.clone();
    assert!(
        protect_again(&fp, "", "Secret", &mut same)
            .to_map()
            .is_empty()
    );
    assert_eq!(same, body);
}
