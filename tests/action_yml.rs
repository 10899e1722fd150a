//! The composite GitHub Action stays in step with the command line: every `--flag` its script
//! passes to `checkride comment` exists, every `inputs.X` it uses is declared, and a command line
//! built the way the script builds it parses.

use clap::Parser;
use serde_json::Value;

fn action() -> Value {
    let text = std::fs::read_to_string("action.yml").unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// A composite action whose inputs are declared and whose flags checkride accepts.
#[test]
fn action_matches_the_cli() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    let inputs = a["inputs"].as_object().unwrap();
    for required in ["staging", "prod"] {
        assert_eq!(inputs[required]["required"], true, "{required}");
    }
    let steps = a["runs"]["steps"].as_array().unwrap();
    let mut script = String::new();
    for s in steps {
        assert_eq!(s["shell"], "bash");
        script.push_str(s["run"].as_str().unwrap());
        for v in s["env"].as_object().into_iter().flat_map(|m| m.values()) {
            let v = v.as_str().unwrap();
            if let Some(name) = v.strip_prefix("${{ inputs.") {
                let name = name.trim_end_matches(" }}");
                assert!(inputs.contains_key(name), "undeclared input {name}");
            }
        }
    }
    assert!(
        !script.contains("${{"),
        "expressions in scripts allow injection; use env"
    );
    let call = &script[script.find("checkride comment").expect("checkride comment")..];
    let flags: Vec<&str> = call
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(['"', ')']))
        .collect();
    assert!(flags.contains(&"--repo") && flags.contains(&"--pr"));
    // `--name` is added through a bash array when the input is set.
    assert!(script.contains("name=(--name \"$CHECKRIDE_NAME\")"));
    let mut argv = vec![
        "checkride",
        "comment",
        "kustomize:a",
        "kustomize:b",
        "--name",
        "eu",
    ];
    for f in &flags {
        argv.push(f);
        argv.push(match *f {
            "--repo" => "acme/shop",
            "--pr" => "7",
            "--api-url" => "https://api.github.com",
            "--fail-on" => "never",
            _ => "value",
        });
    }
    if let Err(e) = checkride::cli::Cli::try_parse_from(&argv) {
        panic!("action.yml passes flags checkride rejects: {argv:?}: {e}");
    }
}
