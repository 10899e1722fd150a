//! Bad input: a clear message naming the file (and line), exit code 2, never a panic.

mod common;
use common::{checkride, run, write};

fn compare(staging: &str, prod: &str) -> (i32, String, String) {
    run(checkride().args(["compare", staging, prod]))
}

/// Broken YAML names file:line; broken JSON names file:line:column.
#[test]
fn syntax_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = write(
        dir.path(),
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n",
    );
    let (code, out, err) = compare(yaml.to_str().unwrap(), "fixtures/scenarios/quiet/prod");
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "no partial result on stdout: {out}");
    assert!(err.contains("bad.yaml:8"), "{err}");
    assert!(!err.contains("panicked"));

    let json = write(
        dir.path(),
        "bad.json",
        "{\"apiVersion\": \"v1\",\n \"kind\": \"List\", \"items\": [}\n",
    );
    let (code, _, err) = compare("fixtures/scenarios/quiet/staging", json.to_str().unwrap());
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:2:"), "{err}");
}

/// Two different objects with one identity on one side: both places are named.
#[test]
fn conflicting_duplicates_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let cm = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: x\ndata:\n  k: {v}\n"
        )
    };
    write(dir.path(), "side/a.yaml", &cm("1"));
    write(
        dir.path(),
        "side/b.yaml",
        &format!("# leading comment\n---\n{}", cm("2")),
    );
    let side = dir.path().join("side");
    let (code, _, err) = compare(side.to_str().unwrap(), "fixtures/scenarios/quiet/prod");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("b.yaml:3") && err.contains("a.yaml:1"),
        "{err}"
    );
    assert!(err.contains("ConfigMap x/app"), "{err}");

    // Identical copies (two overlays rendering one shared object) are compared once and noted.
    write(dir.path(), "same/a.yaml", &cm("1"));
    write(dir.path(), "same/b.yaml", &cm("1"));
    let same = dir.path().join("same");
    let (code, out, err) = compare(same.to_str().unwrap(), same.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("defined twice, identically"), "{out}");
}

/// Missing paths, empty folders, objects without kind or name, and two stdin sides.
#[test]
fn unusable_inputs() {
    let (code, _, err) = compare("no/such/dir", "fixtures/scenarios/quiet/prod");
    assert_eq!(code, 2);
    assert!(
        err.contains("no/such/dir") && err.contains("no such file"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = compare(
        dir.path().to_str().unwrap(),
        "fixtures/scenarios/quiet/prod",
    );
    assert_eq!(code, 2);
    assert!(err.contains("no *.yaml"), "{err}");

    let nokind = write(
        dir.path(),
        "nokind.yaml",
        "apiVersion: v1\nmetadata:\n  name: a\n",
    );
    let (code, _, err) = compare(nokind.to_str().unwrap(), "fixtures/scenarios/quiet/prod");
    assert_eq!(code, 2);
    assert!(
        err.contains("nokind.yaml:1") && err.contains("no `kind`"),
        "{err}"
    );

    let noname = write(
        dir.path(),
        "noname.yaml",
        "apiVersion: v1\nkind: ConfigMap\ndata: {}\n",
    );
    let (code, _, err) = compare(noname.to_str().unwrap(), "fixtures/scenarios/quiet/prod");
    assert_eq!(code, 2);
    assert!(err.contains("metadata.name"), "{err}");

    let (code, _, err) = compare("-", "-");
    assert_eq!(code, 2);
    assert!(err.contains("standard input"), "{err}");

    let (code, _, err) = run(checkride().args(["compare", "a", "b", "--map-namespace", "oops"]));
    assert_eq!(code, 2);
    assert!(err.contains("--map-namespace"), "{err}");
}

/// A side can come from stdin, in either format.
#[test]
fn stdin_side() {
    let text =
        std::fs::read_to_string(common::root().join("fixtures/scenarios/quiet/staging/app.yaml"))
            .or_else(|_| {
                let dir = common::root().join("fixtures/scenarios/quiet/staging");
                let first = std::fs::read_dir(&dir)
                    .unwrap()
                    .next()
                    .unwrap()
                    .unwrap()
                    .path();
                std::fs::read_to_string(first)
            })
            .unwrap();
    let out = checkride()
        .args([
            "compare",
            "-",
            "fixtures/scenarios/quiet/prod",
            "-o",
            "json",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["staging"]["source"], "-");
}
