//! `yaml-parsers-bench SIDE.yaml SIDE.json`: parses one generated cluster side (multi-document
//! YAML) with each Rust YAML parser into `serde_json::Value`, one thread, and the same side's
//! JSON List with serde_json for reference; prints MB/s. The documents are split at `---`
//! lines first, as checkride does.

use std::time::Instant;

/// Times `f` over the input and prints its throughput.
fn measure(name: &str, bytes: usize, f: impl FnOnce() -> usize) {
    let started = Instant::now();
    let docs = f();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name:<40} {docs:>6} docs {secs:>7.2} s {:>7.1} MB/s",
        bytes as f64 / 1e6 / secs
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [yaml_path, json_path] = args.as_slice() else {
        eprintln!("usage: yaml-parsers-bench SIDE.yaml SIDE.json");
        std::process::exit(2);
    };
    let yaml = std::fs::read_to_string(yaml_path).expect("readable YAML file");
    let json = std::fs::read_to_string(json_path).expect("readable JSON file");
    let docs: Vec<&str> = yaml
        .split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .collect();
    let n = yaml.len();
    measure("serde_json, JSON List (reference)", json.len(), || {
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        v["items"].as_array().map_or(0, Vec::len)
    });
    measure("serde-saphyr, one parser per document", n, || {
        docs.iter()
            .map(|d| serde_saphyr::from_str::<serde_json::Value>(d).expect("valid YAML"))
            .count()
    });
    measure("serde-saphyr, runs of 64 documents", n, || {
        docs.chunks(64)
            .map(|run| {
                serde_saphyr::from_multiple::<serde_json::Value>(&run.join("\n---\n"))
                    .expect("valid YAML")
                    .len()
            })
            .sum()
    });
    measure("serde_yaml (libyaml), per document", n, || {
        docs.iter()
            .map(|d| serde_yaml::from_str::<serde_json::Value>(d).expect("valid YAML"))
            .count()
    });
    measure("yaml-rust2, whole stream (own tree)", n, || {
        yaml_rust2::YamlLoader::load_from_str(&yaml)
            .expect("valid YAML")
            .len()
    });
}
