//! Properties of the whole pipeline on generated clusters (proptest, bounded cases so they stay
//! fast under `cargo test`): normalization is idempotent (a loaded side written back out as
//! manifests loads to the same objects); swapping staging and prod mirrors every finding
//! (`only_in_staging` ↔ `only_in_prod`, values swapped); and a canary put into any secret
//! value position never appears, raw or base64-encoded, in any rendered output.

use base64::Engine;
use checkride::collect::{self, LoadOptions, SideSpec};
use checkride::model::{Change, FailOn, Policy, Report, Side};
use checkride::normalize::secrets::Fingerprinter;
use checkride::pipeline;
use checkride::report::{json, junit, markdown, table};
use checkride::settings::{Flags, Job, Settings};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

fn opts() -> LoadOptions {
    LoadOptions {
        allow_empty: true,
        ..LoadOptions::new("default", Fingerprinter::from_secret("properties"))
    }
}

/// Writes manifests as one JSON List file in `dir` and loads it as a side.
fn load(dir: &Path, name: &str, objects: &[Value]) -> Side {
    let path = dir.join(format!("{name}.json"));
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    std::fs::write(&path, serde_json::to_vec_pretty(&list).unwrap()).unwrap();
    collect::load_one(&SideSpec::Path(path), &opts()).expect("generated manifests load")
}

/// The report of the pair `load_pair` wrote to `dir`, through the one pipeline every command
/// runs (built-in rules); `swapped` compares prod against staging.
fn compare(dir: &Path, swapped: bool) -> Report {
    let (s, p) = (dir.join("staging.json"), dir.join("prod.json"));
    let (s, p) = if swapped { (p, s) } else { (s, p) };
    let flags = Flags {
        allow_empty: true,
        ..Flags::pair(s.to_str().unwrap(), p.to_str().unwrap())
    };
    let settings = Settings::resolve(Job::Compare, flags).expect("settings");
    pipeline::run(&settings).expect("the pair loads").report
}

fn load_pair(dir: &Path, staging: &[Value], prod: &[Value]) -> (Side, Side) {
    let s = dir.join("staging.json");
    let p = dir.join("prod.json");
    for (path, objects) in [(&s, staging), (&p, prod)] {
        let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
        std::fs::write(path, serde_json::to_vec(&list).unwrap()).unwrap();
    }
    collect::load_pair(&SideSpec::Path(s), &SideSpec::Path(p), &opts(), &opts())
        .expect("generated manifests load")
}

// ---- generators -------------------------------------------------------------------------

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}"
}

/// A scalar as manifests hold them: text (with characters YAML and JSON care about), numbers,
/// booleans, quantities.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[ -~]{0,12}".prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        (
            1u32..4000,
            prop::sample::select(vec!["m", "", "Mi", "Gi", "k"])
        )
            .prop_map(|(n, u)| Value::from(format!("{n}{u}"))),
    ]
}

fn env_var() -> impl Strategy<Value = Value> {
    ("[A-Z][A-Z_]{0,8}", "[ -~]{0,10}").prop_map(|(n, v)| json!({"name": n, "value": v}))
}

fn container() -> impl Strategy<Value = Value> {
    (
        ident(),
        ident(),
        prop::collection::vec(env_var(), 0..3),
        prop::option::of((1u32..4000, 1u32..4096)),
        prop::option::of(1u16..65535),
    )
        .prop_map(|(name, image, env, res, port)| {
            let mut c = json!({"name": name, "image": format!("{image}:1.{}", name.len())});
            if !env.is_empty() {
                c["env"] = Value::Array(env);
            }
            if let Some((cpu, mem)) = res {
                c["resources"] =
                    json!({"limits": {"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}});
            }
            if let Some(p) = port {
                c["ports"] = json!([{"containerPort": p}]);
            }
            c
        })
}

/// One object of a common kind; `n` keeps names unique.
fn object(n: usize) -> impl Strategy<Value = Value> {
    let name = format!("obj{n}");
    let cm = {
        let name = name.clone();
        prop::collection::btree_map(ident(), scalar(), 0..4).prop_map(move |data| {
            let data: serde_json::Map<String, Value> = data
                .into_iter()
                .map(|(k, v)| (k, Value::from(v.to_string().trim_matches('"').to_string())))
                .collect();
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": name, "namespace": "shop"}, "data": data})
        })
    };
    let deploy = {
        let name = name.clone();
        (0u32..5, prop::collection::vec(container(), 1..3), ident()).prop_map(
            move |(replicas, containers, app)| {
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": name, "namespace": "shop", "labels": {"app": app}},
                       "spec": {"replicas": replicas,
                                "selector": {"matchLabels": {"app": app}},
                                "template": {"metadata": {"labels": {"app": app}},
                                             "spec": {"containers": containers}}}})
            },
        )
    };
    let svc = {
        let name = name.clone();
        (1u16..65535, ident()).prop_map(move |(port, app)| {
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": name, "namespace": "shop"},
                   "spec": {"selector": {"app": app}, "ports": [{"port": port}]}})
        })
    };
    let secret = prop::collection::btree_map(ident(), "[ -~]{1,12}", 0..3).prop_map(move |d| {
        let data: serde_json::Map<String, Value> = d
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    Value::from(base64::engine::general_purpose::STANDARD.encode(v)),
                )
            })
            .collect();
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": name, "namespace": "shop"}, "data": data})
    });
    prop_oneof![cm, deploy, svc, secret]
}

fn side() -> impl Strategy<Value = Vec<Value>> {
    (0usize..6).prop_flat_map(|n| (0..n).map(object).collect::<Vec<_>>())
}

/// A staging side and a prod side that shares some of its objects, changes others and has
/// objects of its own.
fn pair() -> impl Strategy<Value = (Vec<Value>, Vec<Value>)> {
    (side(), side(), prop::collection::vec(any::<u8>(), 6)).prop_map(|(a, b, pick)| {
        let mut prod = Vec::new();
        for (i, o) in a.iter().enumerate() {
            match pick.get(i).copied().unwrap_or(0) % 3 {
                0 => prod.push(o.clone()),
                1 => {
                    // Same identity, another body (when b has an object of the same kind).
                    if let Some(other) = b.iter().find(|x| x["kind"] == o["kind"]) {
                        let mut c = other.clone();
                        c["metadata"]["name"] = o["metadata"]["name"].clone();
                        prod.push(c);
                    }
                }
                _ => {}
            }
        }
        for (i, o) in b.into_iter().enumerate() {
            let mut o = o;
            o["metadata"]["name"] = Value::from(format!("prod-only{i}"));
            prod.push(o);
        }
        (a, prod)
    })
}

fn fast() -> ProptestConfig {
    ProptestConfig {
        cases: 24,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

// ---- properties -------------------------------------------------------------------------

proptest! {
    #![proptest_config(fast())]

    /// Normalizing twice changes nothing: a side's objects, written back out as manifests and
    /// loaded again, are the same objects (secret fingerprints included).
    #[test]
    fn normalization_is_idempotent(objects in side()) {
        let dir = tempfile::tempdir().unwrap();
        let once = load(dir.path(), "once", &objects);
        let manifests: Vec<Value> = once.objects.iter().map(|o| o.to_manifest()).collect();
        let twice = load(dir.path(), "twice", &manifests);
        prop_assert_eq!(once.objects.len(), twice.objects.len());
        for (a, b) in once.objects.iter().zip(&twice.objects) {
            prop_assert_eq!(&a.key, &b.key);
            prop_assert_eq!(&a.body, &b.body, "{:?} changed when normalized again", a.key);
        }
    }

    /// `compare B A` holds exactly the mirror of `compare A B`'s differences: the same
    /// objects and paths, only_in_staging and only_in_prod exchanged, values swapped.
    #[test]
    fn swapping_sides_mirrors_every_finding((staging, prod) in pair()) {
        let dir = tempfile::tempdir().unwrap();
        let (s, p) = load_pair(dir.path(), &staging, &prod);
        drop((s, p));
        let forward = differences(&compare(dir.path(), false), false);
        let backward = differences(&compare(dir.path(), true), true);
        prop_assert_eq!(forward, backward);
    }
}

type Diff = (String, Option<String>, String, String, String);

/// Each finding as (object, path, change, staging value, prod value); `mirror` reads a
/// report of the swapped pair back into the original's terms.
fn differences(r: &Report, mirror: bool) -> BTreeSet<Diff> {
    r.findings
        .iter()
        .map(|f| {
            let (change, staging, prod) = match (mirror, f.change) {
                (false, c) => (c, &f.staging, &f.prod),
                (true, Change::OnlyInStaging) => (Change::OnlyInProd, &f.prod, &f.staging),
                (true, Change::OnlyInProd) => (Change::OnlyInStaging, &f.prod, &f.staging),
                (true, c) => (c, &f.prod, &f.staging),
            };
            (
                format!("{:?}", f.object),
                f.path.as_ref().map(|p| p.to_string()),
                format!("{change:?}"),
                staging.to_string(),
                prod.to_string(),
            )
        })
        .collect()
}

// ---- canaries ---------------------------------------------------------------------------

/// Where a secret value can sit in a manifest.
#[derive(Debug, Clone, Copy)]
enum Position {
    SecretData,
    SecretStringData,
    SecretLastApplied,
    EnvPassword,
    EnvToken,
    EnvApiKey,
    UrlPassword,
    DockerConfig,
}

const POSITIONS: &[Position] = &[
    Position::SecretData,
    Position::SecretStringData,
    Position::SecretLastApplied,
    Position::EnvPassword,
    Position::EnvToken,
    Position::EnvApiKey,
    Position::UrlPassword,
    Position::DockerConfig,
];

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// An object holding `canary` at `pos`, named `obj{n}`.
fn with_canary(pos: Position, n: usize, key: &str, canary: &str) -> Value {
    let name = format!("obj{n}");
    let meta = json!({"name": name, "namespace": "shop"});
    let deploy = |env_name: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
               "spec": {"selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "app", "image": "app:1",
                                              "env": [{"name": env_name, "value": canary}]}]}}}})
    };
    match pos {
        Position::SecretData => json!({"apiVersion": "v1", "kind": "Secret", "metadata": meta,
                                       "data": {key: b64(canary)}}),
        Position::SecretStringData => json!({"apiVersion": "v1", "kind": "Secret",
                                             "metadata": meta, "stringData": {key: canary}}),
        Position::SecretLastApplied => {
            let last = json!({"apiVersion": "v1", "kind": "Secret",
                              "metadata": {"name": name, "namespace": "shop"},
                              "stringData": {key: canary}});
            json!({"apiVersion": "v1", "kind": "Secret",
                   "metadata": {"name": name, "namespace": "shop", "annotations": {
                       "kubectl.kubernetes.io/last-applied-configuration": last.to_string()}},
                   "data": {key: b64(canary)}})
        }
        Position::EnvPassword => deploy(&format!("{}_PASSWORD", key.to_uppercase())),
        Position::EnvToken => deploy(&format!("{}_TOKEN", key.to_uppercase())),
        Position::EnvApiKey => deploy(&format!("{}_API_KEY", key.to_uppercase())),
        Position::UrlPassword => json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
            "data": {key: format!("postgres://app:{canary}@db.shop.svc:5432/orders?sslmode=require")}}),
        Position::DockerConfig => {
            let cfg =
                json!({"auths": {"registry.example.com": {"auth": b64(&format!("bot:{canary}"))}}});
            json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
                   "metadata": meta, "data": {".dockerconfigjson": b64(&cfg.to_string())}})
        }
    }
}

/// Canaries spread over positions on both sides (different on each, so every one of them is
/// a difference the outputs talk about).
fn canary_pair() -> impl Strategy<Value = (Vec<Value>, Vec<Value>, Vec<String>)> {
    prop::collection::vec(
        (
            prop::sample::select(POSITIONS.to_vec()),
            ident(),
            "[A-Za-z0-9]{12,20}",
            "[A-Za-z0-9]{12,20}",
            any::<bool>(),
        ),
        1..6,
    )
    .prop_map(|specs| {
        let (mut staging, mut prod, mut canaries) = (Vec::new(), Vec::new(), Vec::new());
        for (n, (pos, key, a, b, only_staging)) in specs.into_iter().enumerate() {
            let (a, b) = (format!("cnryS{a}"), format!("cnryP{b}"));
            staging.push(with_canary(pos, n, &key, &a));
            if !only_staging {
                prod.push(with_canary(pos, n, &key, &b));
            }
            canaries.push(a);
            canaries.push(b);
        }
        (staging, prod, canaries)
    })
}

/// Every way a report or a side leaves checkride in these tests.
fn outputs(s: &Side, p: &Side, r: &Report) -> Vec<(&'static str, String)> {
    let md = markdown::render(r, &markdown::Options::default());
    let marker = checkride::jobs::comment::marker("props");
    vec![
        ("table", table::render(r, true, 200)),
        ("json", json::render(r)),
        ("markdown", md),
        ("junit", junit::render(r, &Policy::fail_on(FailOn::Lie))),
        (
            "comment",
            checkride::jobs::comment::body(&marker, r, &markdown::Options::default()),
        ),
        ("snapshot staging", collect::snapshot_io::write(s, true)),
        ("snapshot prod", collect::snapshot_io::write(p, false)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..fast() })]

    /// No canary placed in a secret value position (Secret data, stringData, last-applied,
    /// env vars named *_PASSWORD/*_TOKEN/*_API_KEY, a URL's password, a docker config) shows
    /// in the table, JSON, Markdown, JUnit, the PR comment body or a snapshot, raw or in
    /// base64.
    #[test]
    fn no_canary_reaches_any_output((staging, prod, canaries) in canary_pair()) {
        let dir = tempfile::tempdir().unwrap();
        let (s, p) = load_pair(dir.path(), &staging, &prod);
        let r = compare(dir.path(), false);
        prop_assert!(!r.findings.is_empty(), "the canaries differ, so there are findings");
        for (format, text) in outputs(&s, &p, &r) {
            for c in &canaries {
                prop_assert!(!text.contains(c.as_str()), "{} leaks {} in {}", format, c, text);
                prop_assert!(!text.contains(&b64(c)), "{} leaks base64 of {}", format, c);
            }
        }
    }
}
