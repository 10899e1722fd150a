//! `parse_floor PROD.json STAGING.json`: the parse floor for a dump comparison: reads both
//! `kubectl get -A -o json` dumps and parses each into a `serde_json::Value`, the two in
//! parallel, prints the item counts and exits.
//!
//! Run: `cargo run --release --example parse_floor -- /tmp/pair/prod.json /tmp/pair/staging.json`
//! (measure with `/usr/bin/time -v`). Meant to be built with serde_json *without* its
//! `preserve_order` feature (BTreeMap objects); it warns on stderr if the feature is on, e.g.
//! through Cargo feature unification in a crate that enables it. The parsed trees are not freed:
//! the process exits right away, as a CLI may, so the floor excludes deallocation.

use std::path::Path;
use std::process::ExitCode;
use std::thread;

use serde_json::Value;

/// The same allocator as the `checkride` binary, so that the ratio measures the work done, not
/// the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn item_count(dump: &Value) -> usize {
    dump.get("items")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let [prod, staging] = paths.as_slice() else {
        eprintln!("usage: parse_floor PROD.json STAGING.json");
        return ExitCode::from(2);
    };
    let probe: Value = serde_json::from_str(r#"{"b":0,"a":0}"#).expect("valid JSON");
    if probe
        .as_object()
        .and_then(|m| m.keys().next())
        .is_some_and(|k| k == "b")
    {
        eprintln!(
            "parse_floor: warning: serde_json `preserve_order` is enabled (IndexMap objects)"
        );
    }
    let (prod, staging) = thread::scope(|s| {
        let staging = s.spawn(|| parse(Path::new(staging)));
        let prod = parse(Path::new(prod));
        (prod, staging.join().expect("parser thread panicked"))
    });
    match (prod, staging) {
        (Ok(prod), Ok(staging)) => {
            println!("prod items: {}", item_count(&prod));
            println!("staging items: {}", item_count(&staging));
            std::mem::forget((prod, staging));
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("parse_floor: {e}");
            ExitCode::FAILURE
        }
    }
}
