//! The `secrets:` section of the config file tunes redaction: an allow-list lets a known value
//! through, extra key names and patterns redact a team's own shapes, and a bad entry is an
//! input error naming the file.

mod common;
use common::{checkride, run, write};

const STAGING: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata:\n  DB_PASSWORD: example-password\n  LICENCE_CODE: CANARYlic-stg\n  note: acme_0123456789abcdef0123456789abcdef\n";
const PROD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata:\n  DB_PASSWORD: example-passwort\n  LICENCE_CODE: CANARYlic-prd\n  note: acme_fedcba9876543210fedcba9876543210\n";

/// Without the section, the team's shapes pass (the test is not vacuous); with it, the allowed
/// value shows, the extra key name and pattern redact, and the report counts them.
#[test]
fn allow_list_and_extra_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "staging/c.yaml", STAGING);
    let p = write(dir.path(), "prod/c.yaml", PROD);
    let (s, p) = (s.parent().unwrap(), p.parent().unwrap());
    let args = |cfg: Option<&str>| {
        let mut a = vec![
            "compare".to_string(),
            s.display().to_string(),
            p.display().to_string(),
            "-o".into(),
            "json".into(),
        ];
        if let Some(c) = cfg {
            a.extend(["--config".into(), c.to_string()]);
        }
        a
    };
    let (_, plain, _) = run(checkride().args(args(None)));
    assert!(
        plain.contains("CANARYlic") && plain.contains("acme_0123"),
        "{plain}"
    );
    assert!(!plain.contains("example-password"));

    let cfg = write(
        dir.path(),
        "checkride.yaml",
        "secrets:\n  allow: ['example-passw(or|or)[dt]']\n  secretKeys: [LICENCE_CODE]\n  patterns:\n  - id: acme-token\n    keywords: [acme_]\n    pattern: '\\b(acme_[0-9a-f]{32})\\b'\n",
    );
    let (code, out, err) = run(checkride().args(args(Some(cfg.to_str().unwrap()))));
    assert!(code <= 1, "{err}");
    assert!(
        out.contains("example-password"),
        "allowed value shows: {out}"
    );
    assert!(!out.contains("CANARYlic"), "{out}");
    assert!(
        !out.contains("acme_0123") && !out.contains("acme_fedc"),
        "{out}"
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["coverage"]["redactions"]["acme-token"], 2, "{out}");
}

/// A bad regex in the section stops the run with exit 2, naming the file and the entry.
#[test]
fn bad_entries_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "checkride.yaml",
        "secrets:\n  allow: ['(']\n  patterns:\n  - id: broken\n    pattern: '[a-'\n",
    );
    let (code, _, err) = run(checkride().args([
        "compare",
        "fixtures/scenarios/quiet/staging",
        "fixtures/scenarios/quiet/prod",
        "--config",
        cfg.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("checkride.yaml") && err.contains("broken"),
        "{err}"
    );
    assert!(err.contains("secrets.allow"), "{err}");
}
