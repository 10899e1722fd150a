//! Replays the fuzz targets' seeds (`fuzz/seeds/<target>/`) and every input a fuzz run ever
//! broke on (`fuzz/regressions/<target>/`) through the same entry points the targets call
//! (`checkride::fuzzing`), so each crash found stays fixed under plain `cargo test`.

use std::path::{Path, PathBuf};

type Entry = fn(&[u8]);

const TARGETS: &[(&str, Entry)] = &[
    ("manifests_yaml", checkride::fuzzing::manifests_yaml),
    ("manifests_json", checkride::fuzzing::manifests_json),
    ("snapshot", checkride::fuzzing::snapshot),
    ("rules_waivers", checkride::fuzzing::rules_or_waivers),
    ("serve_request", checkride::fuzzing::serve_request),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Every seed of every target runs through its entry point without panicking; each target
/// has seeds.
#[test]
fn seeds_run_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, entry) in TARGETS {
        let seeds = files(&root.join(target));
        assert!(!seeds.is_empty(), "{target} has seeds");
        for s in seeds {
            entry(&std::fs::read(&s).unwrap());
        }
    }
}

/// Every input a fuzz run ever broke on runs clean now.
#[test]
fn past_crashes_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for (target, entry) in TARGETS {
        for f in files(&root.join(target)) {
            let data = std::fs::read(&f).unwrap();
            let shown = f.display().to_string();
            let r = std::panic::catch_unwind(|| entry(&data));
            assert!(r.is_ok(), "{shown} breaks {target} again");
        }
    }
}

/// The serve target answers what it is given: a seed list request is 200, a watch 405, an
/// invalid selector 400, an unknown path 404 (so a fuzz run explores real answers).
#[test]
fn serve_target_answers() {
    let code = checkride::serve::fuzz_one;
    assert_eq!(code("GET /apis/apps/v1/deployments"), 200);
    assert_eq!(code("GET /apis/apps/v1/deployments?watch=True"), 405);
    assert_eq!(code("GET /api/v1/configmaps?labelSelector=!!!"), 400);
    assert_eq!(code("GET /nope"), 404);
    assert_eq!(code("GET /api/v1/namespaces/shop/secrets/db"), 200);
    assert_eq!(code("GET not a uri"), 0);
}
