//! `gen_cluster --objects N --seed S --out DIR`: writes a synthetic, live-server-shaped
//! production/staging cluster dump pair for checkride benchmarks.
//!
//! Run: `cargo run --release --example gen_cluster -- --objects 50000 --seed 42 --out /tmp/pair`.
//! Writes `DIR/prod.json` and `DIR/staging.json` (`kubectl get -A -o json` List shape, one
//! item per line), `DIR/prod.yaml` and `DIR/staging.yaml` (the same objects as `---`-separated
//! block YAML with sorted keys) and `DIR/truth.json` (every staging perturbation and every
//! one-sided object, to score a differ against). N is the object count of each side.
//! Staging = production with ~5 % of objects perturbed, ~1 % present on one side only (half
//! each way), every namespace `team-<k>` with `k % 4 == 3` renamed to `team-<k>-stg`, and all
//! server-populated fields (uid, resourceVersion, generation, timestamps, managedFields times,
//! status, clusterIP, revision annotation) drawn independently per side. Namespace names appear
//! only in `metadata.namespace`, so a rename-aware differ should find exactly the perturbations.
//! Output is byte-identical for a given seed (ChaCha8 streams, sorted keys, no hash iteration);
//! objects are generated and written one at a time, both sides in parallel.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use clap::Parser;
use rand::seq::{IndexedRandom, index};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Number, Value, json};

/// Share of paired objects whose staging copy is perturbed.
const PERTURBED_SHARE: f64 = 0.05;
/// Share of objects that exist on one side only (half prod-only, half staging-only).
const ONE_SIDED_SHARE: f64 = 0.01;

#[derive(Parser)]
#[command(about = "Write a synthetic production/staging cluster dump pair")]
struct Args {
    /// Objects per side.
    #[arg(long)]
    objects: usize,
    /// RNG seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    fs::create_dir_all(&args.out)?;
    let plan = Plan::build(args.objects, args.seed);
    let (prod, staging) = std::thread::scope(|s| {
        let prod = s.spawn(|| write_side(&plan, Side::Prod, &args.out));
        let staging = s.spawn(|| write_side(&plan, Side::Staging, &args.out));
        (join(prod), join(staging))
    });
    let (prod, staging) = (prod?, staging?);
    write_truth(&plan, &args.out.join("truth.json"))?;
    eprintln!(
        "gen_cluster: {} objects/side, {} namespaces, seed {} -> {} in {:.2?}",
        args.objects,
        plan.namespaces.len(),
        args.seed,
        args.out.display(),
        started.elapsed()
    );
    for (side, bytes) in [(Side::Prod, prod), (Side::Staging, staging)] {
        eprintln!(
            "  {}: json {} B ({:.0} B/object), yaml {} B",
            side.file_stem(),
            bytes.0,
            bytes.0 as f64 / args.objects.max(1) as f64,
            bytes.1
        );
    }
    Ok(())
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, io::Result<T>>) -> io::Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

const SALT_NAMESPACE: u64 = 1;
const SALT_APP: u64 = 2;
const SALT_FATE: u64 = 3;
const SALT_CHANGE: u64 = 4;
const SALT_PROD: u64 = 5;
const SALT_STAGING: u64 = 6;

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An independent ChaCha stream per (seed, purpose, id), so any object can be rebuilt alone.
fn rng_for(seed: u64, salt: u64, id: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(splitmix(splitmix(splitmix(seed) ^ salt) ^ id))
}

// ---------------------------------------------------------------------------------------------
// The plan: namespaces, apps and the fate of every object (small; objects are built lazily)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    ConfigMap,
    Secret,
    ServiceAccount,
    Service,
    Deployment,
    HorizontalPodAutoscaler,
    Ingress,
    CronJob,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::ConfigMap,
        Kind::Secret,
        Kind::ServiceAccount,
        Kind::Service,
        Kind::Deployment,
        Kind::HorizontalPodAutoscaler,
        Kind::Ingress,
        Kind::CronJob,
    ];

    /// Relative odds that an object of this kind is perturbed on staging.
    fn drift_weight(self) -> f64 {
        match self {
            Kind::Deployment => 4.0,
            Kind::Ingress | Kind::CronJob => 2.0,
            Kind::ConfigMap | Kind::HorizontalPodAutoscaler => 1.5,
            Kind::Secret | Kind::Service => 1.0,
            Kind::ServiceAccount => 0.3,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Service => "Service",
            Kind::Deployment => "Deployment",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::Ingress => "Ingress",
            Kind::CronJob => "CronJob",
        }
    }

    fn api_version(self) -> &'static str {
        match self {
            Kind::ConfigMap | Kind::Secret | Kind::ServiceAccount | Kind::Service => "v1",
            Kind::Deployment => "apps/v1",
            Kind::HorizontalPodAutoscaler => "autoscaling/v2",
            Kind::Ingress => "networking.k8s.io/v1",
            Kind::CronJob => "batch/v1",
        }
    }

    fn has_generation(self) -> bool {
        matches!(
            self,
            Kind::Deployment | Kind::HorizontalPodAutoscaler | Kind::Ingress | Kind::CronJob
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Prod,
    Staging,
}

impl Side {
    fn file_stem(self) -> &'static str {
        match self {
            Side::Prod => "prod",
            Side::Staging => "staging",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Same,
    Perturbed,
    ProdOnly,
    StagingOnly,
}

impl Fate {
    fn present_on(self, side: Side) -> bool {
        !matches!(
            (self, side),
            (Fate::ProdOnly, Side::Staging) | (Fate::StagingOnly, Side::Prod)
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Manager {
    Helm,
    Argo,
    Flux,
}

impl Manager {
    fn field_manager(self) -> &'static str {
        match self {
            Manager::Helm => "helm",
            Manager::Argo => "argocd-controller",
            Manager::Flux => "kustomize-controller",
        }
    }
}

struct AppMeta {
    name: &'static str,
    hpa: bool,
    ingress: bool,
}

struct JobMeta {
    app: u16,
    task: &'static str,
}

struct NsPlan {
    k: u32,
    prod: String,
    staging: String,
    manager: Manager,
    apps: Vec<AppMeta>,
    jobs: Vec<JobMeta>,
}

impl NsPlan {
    fn name(&self, side: Side) -> &str {
        match side {
            Side::Prod => &self.prod,
            Side::Staging => &self.staging,
        }
    }
}

/// Who an object belongs to inside its namespace.
#[derive(Clone, Copy)]
enum Owner {
    App(u16),
    Job(u16),
    DefaultServiceAccount,
    RegistrySecret,
}

struct PlannedObject {
    ns: u32,
    kind: Kind,
    owner: Owner,
    fate: Fate,
}

struct Plan {
    seed: u64,
    objects_per_side: usize,
    namespaces: Vec<NsPlan>,
    objects: Vec<PlannedObject>,
}

#[rustfmt::skip]
const APP_NAMES: [&str; 32] = [
    "audit", "auth", "billing", "cart", "catalog", "checkout", "export", "fraud",
    "gateway", "geo", "inventory", "invoices", "ledger", "loyalty", "mailer", "media",
    "notifier", "orders", "payments", "pricing", "profile", "quotes", "recommender", "reports",
    "scheduler", "search", "session", "shipping", "tax", "users", "webhooks", "wishlist",
];

#[rustfmt::skip]
const CRON_TASKS: [&str; 8] = [
    "backup", "cleanup", "compact", "digest", "nightly-report", "reconcile", "rotate-keys", "sync",
];

impl Plan {
    fn build(objects_per_side: usize, seed: u64) -> Plan {
        let one_sided_each = (objects_per_side as f64 * ONE_SIDED_SHARE / 2.0).round() as usize;
        let universe = objects_per_side + one_sided_each;
        let mut namespaces = Vec::new();
        let mut objects = Vec::with_capacity(universe + 64);
        while objects.len() < universe {
            let ns = NsPlan::new(seed, namespaces.len() as u32 + 1);
            let ns_index = namespaces.len() as u32;
            let mut push = |kind, owner| {
                objects.push(PlannedObject {
                    ns: ns_index,
                    kind,
                    owner,
                    fate: Fate::Same,
                })
            };
            push(Kind::ServiceAccount, Owner::DefaultServiceAccount);
            push(Kind::Secret, Owner::RegistrySecret);
            for (slot, app) in ns.apps.iter().enumerate() {
                let owner = Owner::App(slot as u16);
                for kind in [
                    Kind::ConfigMap,
                    Kind::Secret,
                    Kind::ServiceAccount,
                    Kind::Service,
                    Kind::Deployment,
                ] {
                    push(kind, owner);
                }
                if app.hpa {
                    push(Kind::HorizontalPodAutoscaler, owner);
                }
                if app.ingress {
                    push(Kind::Ingress, owner);
                }
            }
            for job in 0..ns.jobs.len() {
                push(Kind::CronJob, Owner::Job(job as u16));
            }
            namespaces.push(ns);
        }
        objects.truncate(universe);

        // One-sided objects first (exact counts), then the perturbed share of the rest.
        let mut rng = rng_for(seed, SALT_FATE, 0);
        let picked = index::sample(&mut rng, universe, 2 * one_sided_each).into_vec();
        for (i, &obj) in picked.iter().enumerate() {
            objects[obj].fate = if i < one_sided_each {
                Fate::ProdOnly
            } else {
                Fate::StagingOnly
            };
        }
        // Perturb PERTURBED_SHARE of the paired objects, spread over kinds by count x weight
        // (Deployments carry most of the drift a checker cares about), uniform within a kind.
        let paired = objects.iter().filter(|o| o.fate == Fate::Same).count();
        let target = paired as f64 * PERTURBED_SHARE;
        let by_kind: Vec<Vec<usize>> = Kind::ALL
            .iter()
            .map(|&kind| {
                (0..universe)
                    .filter(|&i| objects[i].kind == kind && objects[i].fate == Fate::Same)
                    .collect()
            })
            .collect();
        let weighted_total: f64 = Kind::ALL
            .iter()
            .zip(&by_kind)
            .map(|(kind, members)| members.len() as f64 * kind.drift_weight())
            .sum();
        for (kind, members) in Kind::ALL.iter().zip(&by_kind) {
            let share = members.len() as f64 * kind.drift_weight() / weighted_total;
            let count = ((target * share).round() as usize).min(members.len());
            for i in index::sample(&mut rng, members.len(), count) {
                objects[members[i]].fate = Fate::Perturbed;
            }
        }
        Plan {
            seed,
            objects_per_side,
            namespaces,
            objects,
        }
    }

    fn object_name(&self, obj: &PlannedObject) -> String {
        let ns = &self.namespaces[obj.ns as usize];
        match (obj.owner, obj.kind) {
            (Owner::DefaultServiceAccount, _) => "default".to_string(),
            (Owner::RegistrySecret, _) => "registry-credentials".to_string(),
            (Owner::Job(j), _) => {
                let job = &ns.jobs[j as usize];
                format!("{}-{}", ns.apps[job.app as usize].name, job.task)
            }
            (Owner::App(a), Kind::ConfigMap) => format!("{}-config", ns.apps[a as usize].name),
            (Owner::App(a), Kind::Secret) => format!("{}-secrets", ns.apps[a as usize].name),
            (Owner::App(a), _) => ns.apps[a as usize].name.to_string(),
        }
    }

    fn change_for(&self, index: usize) -> Change {
        Change::pick(
            &self.objects[index],
            &mut rng_for(self.seed, SALT_CHANGE, index as u64),
        )
    }

    /// Builds one object as it appears on `side`, server fields included.
    fn build_object(&self, index: usize, side: Side) -> Value {
        let obj = &self.objects[index];
        let ns = &self.namespaces[obj.ns as usize];
        let app_slot = match obj.owner {
            Owner::App(a) => Some(a),
            Owner::Job(j) => Some(ns.jobs[j as usize].app),
            Owner::DefaultServiceAccount | Owner::RegistrySecret => None,
        };
        let app = app_slot.map(|slot| App::new(self.seed, ns, slot));
        let mut v = match (obj.kind, &app) {
            (Kind::ServiceAccount, None) => default_service_account(),
            (Kind::Secret, None) => registry_secret(ns),
            (Kind::ConfigMap, Some(app)) => config_map(app, ns.manager),
            (Kind::Secret, Some(app)) => secret(app, ns.manager),
            (Kind::ServiceAccount, Some(app)) => service_account(app, ns.manager),
            (Kind::Service, Some(app)) => service(app, ns.manager),
            (Kind::Deployment, Some(app)) => deployment(app, ns.manager),
            (Kind::HorizontalPodAutoscaler, Some(app)) => hpa(app, ns.manager),
            (Kind::Ingress, Some(app)) => ingress(app, ns.manager),
            (Kind::CronJob, Some(app)) => {
                let Owner::Job(j) = obj.owner else {
                    unreachable!("CronJobs are owned by jobs")
                };
                cron_job(app, ns.jobs[j as usize].task, ns.manager)
            }
            _ => unreachable!("app-less objects are the default SA and the registry secret"),
        };
        if side == Side::Staging && obj.fate == Fate::Perturbed {
            let mut rng = rng_for(self.seed, SALT_CHANGE, index as u64);
            let change = Change::pick(obj, &mut rng);
            change.apply(&mut v, app.as_ref(), &mut rng);
        }
        let salt = match side {
            Side::Prod => SALT_PROD,
            Side::Staging => SALT_STAGING,
        };
        let manager = match obj.owner {
            Owner::DefaultServiceAccount => "kube-controller-manager",
            Owner::RegistrySecret => "kubectl-create",
            _ => ns.manager.field_manager(),
        };
        let mut rng = rng_for(self.seed, salt, index as u64);
        add_server_fields(&mut v, obj.kind, ns.name(side), manager, &mut rng);
        v
    }
}

impl NsPlan {
    fn new(seed: u64, k: u32) -> NsPlan {
        let mut rng = rng_for(seed, SALT_NAMESPACE, k.into());
        let app_count = rng.random_range(3..=6);
        let mut names: Vec<&'static str> = APP_NAMES
            .choose_multiple(&mut rng, app_count)
            .copied()
            .collect();
        names.sort_unstable();
        let apps = names
            .into_iter()
            .map(|name| AppMeta {
                name,
                hpa: rng.random_bool(0.6),
                ingress: rng.random_bool(0.45),
            })
            .collect();
        let job_count = rng.random_range(0..=3);
        let tasks: Vec<&'static str> = CRON_TASKS
            .choose_multiple(&mut rng, job_count)
            .copied()
            .collect();
        let jobs = tasks
            .into_iter()
            .map(|task| JobMeta {
                app: rng.random_range(0..app_count as u16),
                task,
            })
            .collect();
        let manager = *[Manager::Helm, Manager::Argo, Manager::Flux]
            .choose(&mut rng)
            .expect("non-empty");
        let prod = format!("team-{k}");
        let staging = if k % 4 == 3 {
            format!("{prod}-stg")
        } else {
            prod.clone()
        };
        NsPlan {
            k,
            prod,
            staging,
            manager,
            apps,
            jobs,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Apps: everything the objects of one app must agree on
// ---------------------------------------------------------------------------------------------

enum EnvSource {
    Literal(String),
    Config(&'static str),
    Secret(&'static str),
    Field(&'static str),
}

struct EnvVar {
    name: &'static str,
    source: EnvSource,
}

struct Sidecar {
    name: &'static str,
    image: &'static str,
    tags: [&'static str; 3],
    port: (&'static str, u32),
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const SIDECARS: [Sidecar; 3] = [
    Sidecar {
        name: "envoy",
        image: "envoyproxy/envoy",
        tags: ["v1.28.4", "v1.29.7", "v1.30.4"],
        port: ("admin", 9901),
        args: &["-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"],
        env: &[],
    },
    Sidecar {
        name: "otel-collector",
        image: "otel/opentelemetry-collector-contrib",
        tags: ["0.98.0", "0.102.1", "0.104.0"],
        port: ("otlp-grpc", 4317),
        args: &["--config=/conf/otel.yaml"],
        env: &[("GOMEMLIMIT", "160MiB")],
    },
    Sidecar {
        name: "fluent-bit",
        image: "fluent/fluent-bit",
        tags: ["3.0.7", "3.1.4", "3.1.9"],
        port: ("http", 2020),
        args: &[],
        env: &[("FLB_LOG_LEVEL", "warn")],
    },
];

/// (cpu request, memory request, cpu limit, memory limit)
const SIZES: [(&str, &str, &str, &str); 4] = [
    ("100m", "128Mi", "500m", "256Mi"),
    ("250m", "256Mi", "1", "512Mi"),
    ("500m", "512Mi", "2", "1Gi"),
    ("1", "1Gi", "2", "2Gi"),
];
const MEMORY_STEPS: [&str; 6] = ["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi"];

/// Config file key, its staging-renamed key.
const CONFIG_FILES: [(&str, &str); 3] = [
    ("app.yaml", "config.yaml"),
    ("application.properties", "app.properties"),
    ("nginx.conf", "default.conf"),
];

#[rustfmt::skip]
const FEATURE_FLAGS: [&str; 6] = [
    "new-checkout", "fast-search", "async-export", "dark-launch", "v2-api", "strict-auth",
];

struct App {
    name: &'static str,
    team: String,
    version: [u32; 3],
    replicas: u32,
    env: Vec<EnvVar>,
    sidecar: &'static Sidecar,
    sidecar_tag: &'static str,
    size: usize,
    ready_delay: u32,
    live_delay: u32,
    config_file: usize,
    config_body: String,
    log_level: &'static str,
    flags: String,
    max_connections: u32,
    secrets: Vec<(&'static str, String)>,
    hpa: (u32, u32, u32),
    host: String,
    upstream: &'static str,
}

impl App {
    fn new(seed: u64, ns: &NsPlan, slot: u16) -> App {
        let mut rng = rng_for(seed, SALT_APP, (u64::from(ns.k) << 16) | u64::from(slot));
        let name = ns.apps[slot as usize].name;
        let team = format!("team-{}", ns.k);
        let upstream = ns
            .apps
            .iter()
            .map(|a| a.name)
            .filter(|&n| n != name)
            .collect::<Vec<_>>()
            .choose(&mut rng)
            .copied()
            .unwrap_or("gateway");
        let version = [
            rng.random_range(1..=3),
            rng.random_range(1..=40),
            rng.random_range(0..=12),
        ];
        let timeout_ms = rng.random_range(5..=60) * 100;
        let cache_ttl = rng.random_range(1..=20) * 30;

        // 5 fixed variables plus 3..=10 from the pool (pool order kept): 8..=15 in total.
        let mut env = vec![
            literal("PORT", "8080"),
            EnvVar {
                name: "LOG_LEVEL",
                source: EnvSource::Config("LOG_LEVEL"),
            },
            literal("UPSTREAM_URL", &format!("http://{upstream}:8080")),
            EnvVar {
                name: "DATABASE_URL",
                source: EnvSource::Secret("database-url"),
            },
            EnvVar {
                name: "POD_NAME",
                source: EnvSource::Field("metadata.name"),
            },
        ];
        let pool_len = 14;
        let pick_count = rng.random_range(3..=10);
        let mut picks = index::sample(&mut rng, pool_len, pick_count).into_vec();
        picks.sort_unstable();
        let mut secrets = vec![(
            "database-url",
            format!(
                "postgres://{name}:{}@db.{team}.internal:5432/{name}?sslmode=require",
                random_token(&mut rng, 20)
            ),
        )];
        for pick in picks {
            env.push(match pick {
                0 => literal("TZ", "UTC"),
                1 => literal("HTTP_TIMEOUT_MS", &timeout_ms.to_string()),
                2 => literal("CACHE_TTL_SECONDS", &cache_ttl.to_string()),
                3 => EnvVar {
                    name: "FEATURE_FLAGS",
                    source: EnvSource::Config("FEATURE_FLAGS"),
                },
                4 => {
                    secrets.push(("api-key", random_token(&mut rng, 32)));
                    EnvVar {
                        name: "API_KEY",
                        source: EnvSource::Secret("api-key"),
                    }
                }
                5 => literal(
                    "REDIS_URL",
                    &format!("redis://redis:6379/{}", rng.random_range(0..16)),
                ),
                6 => literal("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317"),
                7 => literal("GOMAXPROCS", "2"),
                8 => literal("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75.0"),
                9 => EnvVar {
                    name: "MAX_CONNECTIONS",
                    source: EnvSource::Config("MAX_CONNECTIONS"),
                },
                10 => literal("ENABLE_TRACING", "true"),
                11 => {
                    secrets.push((
                        "sentry-dsn",
                        format!(
                            "https://{}@sentry.example.com/{}",
                            random_token(&mut rng, 24),
                            rng.random_range(2..400)
                        ),
                    ));
                    EnvVar {
                        name: "SENTRY_DSN",
                        source: EnvSource::Secret("sentry-dsn"),
                    }
                }
                12 => literal("RETRY_BACKOFF", "250ms"),
                _ => EnvVar {
                    name: "NODE_NAME",
                    source: EnvSource::Field("spec.nodeName"),
                },
            });
        }
        secrets.push(("signing-key", random_token(&mut rng, 40)));

        let config_file = rng.random_range(0..CONFIG_FILES.len());
        let config_body = config_body(config_file, name, upstream, timeout_ms, cache_ttl, &mut rng);
        let flag_count = rng.random_range(1..=3);
        let flags = FEATURE_FLAGS
            .choose_multiple(&mut rng, flag_count)
            .copied()
            .collect::<Vec<_>>()
            .join(",");
        let hpa_min = rng.random_range(2..=3);
        let sidecar = SIDECARS.choose(&mut rng).expect("non-empty");
        let sidecar_tag = sidecar.tags.choose(&mut rng).copied().expect("non-empty");
        App {
            name,
            host: format!("{name}.{team}.example.com"),
            team,
            version,
            replicas: rng.random_range(2..=6),
            env,
            sidecar,
            sidecar_tag,
            size: rng.random_range(0..SIZES.len()),
            ready_delay: rng.random_range(1..=3) * 5,
            live_delay: rng.random_range(3..=6) * 5,
            config_file,
            config_body,
            log_level: ["info", "info", "warn", "debug"]
                .choose(&mut rng)
                .copied()
                .expect("non-empty"),
            flags,
            max_connections: rng.random_range(1..=20) * 50,
            secrets,
            hpa: (
                hpa_min,
                hpa_min + rng.random_range(3..=10),
                rng.random_range(6..=8) * 10,
            ),
            upstream,
        }
    }

    fn image(&self) -> String {
        let [major, minor, patch] = self.version;
        format!(
            "registry.example.com/{}/{}:{major}.{minor}.{patch}",
            self.team, self.name
        )
    }
}

fn literal(name: &'static str, value: &str) -> EnvVar {
    EnvVar {
        name,
        source: EnvSource::Literal(value.to_string()),
    }
}

fn random_token(rng: &mut ChaCha8Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn config_body(
    which: usize,
    name: &str,
    upstream: &str,
    timeout_ms: u32,
    cache_ttl: u32,
    rng: &mut ChaCha8Rng,
) -> String {
    match which {
        0 => format!(
            "server:\n  port: 8080\n  readTimeout: {}s\nupstream:\n  url: http://{upstream}:8080\n  \
             timeoutMs: {timeout_ms}\n# cache tuned per environment\ncache:\n  ttl: {cache_ttl}s\n  \
             maxEntries: {}\nlogging:\n  format: json\n",
            rng.random_range(5..=30),
            rng.random_range(1..=64) * 1000,
        ),
        1 => format!(
            "spring.application.name={name}\nserver.port=8080\n\
             management.endpoints.web.exposure.include=health,info,prometheus\n\
             upstream.base-url=http://{upstream}:8080\nhttp.client.timeout-ms={timeout_ms}\n\
             cache.ttl-seconds={cache_ttl}"
        ),
        _ => format!(
            "worker_processes auto;\nevents {{ worker_connections {}; }}\nhttp {{\n  server {{\n    \
             listen 8080;\n    location /healthz {{ return 200 'ok'; }}\n    location / {{\n      \
             proxy_pass http://{upstream}:8080;\n      proxy_read_timeout {}s;\n    }}\n  }}\n}}\n",
            rng.random_range(1..=16) * 256,
            timeout_ms / 1000 + 1,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Object builders: the desired state as applied, plus the API defaults the server fills in
// ---------------------------------------------------------------------------------------------

fn labels(app: &App, manager: Manager) -> Value {
    let mut labels = json!({ "app.kubernetes.io/name": app.name, "team": app.team });
    match manager {
        Manager::Helm => {
            labels["app.kubernetes.io/managed-by"] = json!("Helm");
            labels["helm.sh/chart"] = json!(format!("{}-2.{}.0", app.name, app.version[1]));
        }
        Manager::Argo => labels["app.kubernetes.io/instance"] = json!(app.name),
        Manager::Flux => {
            labels["kustomize.toolkit.fluxcd.io/name"] = json!(format!("{}-apps", app.team));
            labels["kustomize.toolkit.fluxcd.io/namespace"] = json!("flux-system");
        }
    }
    labels
}

fn metadata(name: &str, app: &App, manager: Manager) -> Value {
    let mut meta = json!({ "name": name });
    meta["labels"] = labels(app, manager);
    match manager {
        Manager::Helm => meta["annotations"] = json!({ "meta.helm.sh/release-name": app.name }),
        Manager::Argo => meta["annotations"] = json!({ "argocd.argoproj.io/sync-wave": "1" }),
        Manager::Flux => {}
    }
    meta
}

fn env_json(var: &EnvVar, app: &App) -> Value {
    match &var.source {
        EnvSource::Literal(value) => json!({ "name": var.name, "value": value }),
        EnvSource::Config(key) => json!({
            "name": var.name,
            "valueFrom": { "configMapKeyRef": { "key": key, "name": format!("{}-config", app.name) } },
        }),
        EnvSource::Secret(key) => json!({
            "name": var.name,
            "valueFrom": { "secretKeyRef": { "key": key, "name": format!("{}-secrets", app.name) } },
        }),
        EnvSource::Field(path) => json!({
            "name": var.name,
            "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": path } },
        }),
    }
}

fn probe(path: &str, delay: u32, period: u32) -> Value {
    json!({
        "failureThreshold": 3,
        "httpGet": { "path": path, "port": "http", "scheme": "HTTP" },
        "initialDelaySeconds": delay,
        "periodSeconds": period,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    })
}

fn app_container(app: &App) -> Value {
    let (cpu_req, mem_req, cpu_lim, mem_lim) = SIZES[app.size];
    let mut c = json!({
        "image": app.image(),
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": probe("/healthz", app.live_delay, 20),
        "name": app.name,
        "ports": [
            { "containerPort": 8080, "name": "http", "protocol": "TCP" },
            { "containerPort": 9090, "name": "metrics", "protocol": "TCP" },
        ],
        "readinessProbe": probe("/ready", app.ready_delay, 10),
        "resources": {
            "limits": { "cpu": cpu_lim, "memory": mem_lim },
            "requests": { "cpu": cpu_req, "memory": mem_req },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [
            { "mountPath": format!("/etc/{}", app.name), "name": "config", "readOnly": true },
            { "mountPath": "/var/run/secrets/app", "name": "secrets", "readOnly": true },
            { "mountPath": "/tmp", "name": "tmp" },
        ],
    });
    c["env"] = app.env.iter().map(|var| env_json(var, app)).collect();
    c
}

fn sidecar_container(app: &App) -> Value {
    let car = app.sidecar;
    let mut c = json!({
        "image": format!("{}:{}", car.image, app.sidecar_tag),
        "imagePullPolicy": "IfNotPresent",
        "name": car.name,
        "ports": [{ "containerPort": car.port.1, "name": car.port.0, "protocol": "TCP" }],
        "resources": {
            "limits": { "cpu": "200m", "memory": "128Mi" },
            "requests": { "cpu": "50m", "memory": "64Mi" },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [{ "mountPath": "/tmp", "name": "tmp" }],
    });
    if !car.args.is_empty() {
        c["args"] = json!(car.args);
    }
    if !car.env.is_empty() {
        c["env"] = car
            .env
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
    }
    c
}

fn pod_spec(app: &App, containers: Vec<Value>, restart_policy: &str) -> Value {
    let mut spec = json!({
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": { "fsGroup": 2000, "runAsNonRoot": true },
        "serviceAccount": app.name,
        "serviceAccountName": app.name,
        "terminationGracePeriodSeconds": 30,
        "volumes": [
            { "configMap": { "defaultMode": 420, "name": format!("{}-config", app.name) }, "name": "config" },
            { "name": "secrets", "secret": { "defaultMode": 420, "secretName": format!("{}-secrets", app.name) } },
            { "emptyDir": {}, "name": "tmp" },
        ],
    });
    spec["containers"] = Value::Array(containers);
    spec
}

/// `{apiVersion, kind, metadata}` plus the fields of `body`, all moved in (no deep copies:
/// `json!` interpolation of a `Value` would re-serialize it).
fn object(kind: Kind, metadata: Value, body: Value) -> Value {
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    obj.insert("apiVersion".into(), json!(kind.api_version()));
    obj.insert("kind".into(), json!(kind.name()));
    obj.insert("metadata".into(), metadata);
    Value::Object(obj)
}

fn deployment(app: &App, manager: Manager) -> Value {
    let mut body = json!({
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": app.replicas,
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "app.kubernetes.io/name": app.name } },
            "strategy": {
                "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": "25%" },
                "type": "RollingUpdate",
            },
            "template": {
                "metadata": {
                    "annotations": { "prometheus.io/port": "9090", "prometheus.io/scrape": "true" },
                    "creationTimestamp": null,
                    "labels": { "app.kubernetes.io/name": app.name, "team": app.team },
                },
            },
        },
    });
    body["spec"]["template"]["spec"] = pod_spec(
        app,
        vec![app_container(app), sidecar_container(app)],
        "Always",
    );
    object(Kind::Deployment, metadata(app.name, app, manager), body)
}

fn service(app: &App, manager: Manager) -> Value {
    let body = json!({
        "spec": {
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                { "name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080 },
                { "name": "metrics", "port": 9090, "protocol": "TCP", "targetPort": 9090 },
            ],
            "selector": { "app.kubernetes.io/name": app.name },
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
    });
    object(Kind::Service, metadata(app.name, app, manager), body)
}

fn config_map(app: &App, manager: Manager) -> Value {
    let mut data = Map::new();
    data.insert(
        CONFIG_FILES[app.config_file].0.to_string(),
        json!(app.config_body),
    );
    data.insert("FEATURE_FLAGS".to_string(), json!(app.flags));
    data.insert("LOG_LEVEL".to_string(), json!(app.log_level));
    data.insert(
        "MAX_CONNECTIONS".to_string(),
        json!(app.max_connections.to_string()),
    );
    let name = format!("{}-config", app.name);
    let body = Value::Object(Map::from_iter([("data".to_string(), Value::Object(data))]));
    object(Kind::ConfigMap, metadata(&name, app, manager), body)
}

fn secret(app: &App, manager: Manager) -> Value {
    let data: Map<String, Value> = app
        .secrets
        .iter()
        .map(|(key, value)| (key.to_string(), json!(base64(value.as_bytes()))))
        .collect();
    let mut body = json!({ "type": "Opaque" });
    body["data"] = Value::Object(data);
    let name = format!("{}-secrets", app.name);
    object(Kind::Secret, metadata(&name, app, manager), body)
}

/// The namespace's image pull secret, referenced by every app ServiceAccount.
fn registry_secret(ns: &NsPlan) -> Value {
    let auth = base64(format!("{}-puller:{}", ns.prod, splitmix(u64::from(ns.k))).as_bytes());
    let config = format!(r#"{{"auths":{{"registry.example.com":{{"auth":"{auth}"}}}}}}"#);
    let body = json!({
        "data": { ".dockerconfigjson": base64(config.as_bytes()) },
        "type": "kubernetes.io/dockerconfigjson",
    });
    object(
        Kind::Secret,
        json!({ "name": "registry-credentials" }),
        body,
    )
}

fn service_account(app: &App, manager: Manager) -> Value {
    let body = json!({ "imagePullSecrets": [{ "name": "registry-credentials" }] });
    object(Kind::ServiceAccount, metadata(app.name, app, manager), body)
}

fn default_service_account() -> Value {
    object(
        Kind::ServiceAccount,
        json!({ "name": "default" }),
        json!({}),
    )
}

fn hpa(app: &App, manager: Manager) -> Value {
    let (min, max, cpu) = app.hpa;
    let body = json!({
        "spec": {
            "maxReplicas": max,
            "metrics": [{
                "resource": { "name": "cpu", "target": { "averageUtilization": cpu, "type": "Utilization" } },
                "type": "Resource",
            }],
            "minReplicas": min,
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": app.name },
        },
    });
    object(
        Kind::HorizontalPodAutoscaler,
        metadata(app.name, app, manager),
        body,
    )
}

fn ingress(app: &App, manager: Manager) -> Value {
    let mut meta = metadata(app.name, app, manager);
    meta["annotations"]["cert-manager.io/cluster-issuer"] = json!("letsencrypt");
    meta["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] = json!("8m");
    let body = json!({
        "spec": {
            "ingressClassName": "nginx",
            "rules": [{
                "host": app.host,
                "http": { "paths": [{
                    "backend": { "service": { "name": app.name, "port": { "number": 80 } } },
                    "path": "/",
                    "pathType": "Prefix",
                }] },
            }],
            "tls": [{ "hosts": [app.host], "secretName": format!("{}-tls", app.name) }],
        },
    });
    object(Kind::Ingress, meta, body)
}

fn cron_job(app: &App, task: &str, manager: Manager) -> Value {
    let name = format!("{}-{task}", app.name);
    let (cpu_req, mem_req, cpu_lim, mem_lim) = SIZES[app.size.min(1)];
    let mut container = json!({
        "args": ["--task", task],
        "image": app.image(),
        "imagePullPolicy": "IfNotPresent",
        "name": task,
        "resources": {
            "limits": { "cpu": cpu_lim, "memory": mem_lim },
            "requests": { "cpu": cpu_req, "memory": mem_req },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [{ "mountPath": format!("/etc/{}", app.name), "name": "config", "readOnly": true }],
    });
    container["env"] = app
        .env
        .iter()
        .take(5)
        .map(|var| env_json(var, app))
        .collect();
    let mut pod = pod_spec(app, vec![container], "OnFailure");
    pod["volumes"].as_array_mut().expect("volumes").truncate(1);
    let schedule = match task.len() % 3 {
        0 => "*/15 * * * *",
        1 => "0 3 * * *",
        _ => "30 */6 * * *",
    };
    let mut body = json!({
        "spec": {
            "concurrencyPolicy": "Forbid",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {
                "metadata": { "creationTimestamp": null },
                "spec": {
                    "backoffLimit": 2,
                    "template": {
                        "metadata": {
                            "creationTimestamp": null,
                            "labels": { "app.kubernetes.io/name": app.name, "job": task },
                        },
                    },
                },
            },
            "schedule": schedule,
            "successfulJobsHistoryLimit": 3,
            "suspend": false,
        },
    });
    body["spec"]["jobTemplate"]["spec"]["template"]["spec"] = pod;
    object(Kind::CronJob, metadata(&name, app, manager), body)
}

// ---------------------------------------------------------------------------------------------
// Staging perturbations
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Change {
    ReplicasLower,
    MemoryLimitHigher,
    ReadinessDelay300,
    EnvRemoved,
    EnvAdded,
    EnvMockUrl,
    ImageOlder,
    ImageLatest,
    ConfigKeyRenamed,
    SecretKeyRemoved,
    SecretRotated,
    AutomountDisabled,
    TargetPortChanged,
    HpaMaxLower,
    TlsRemoved,
    CronJobSuspended,
}

const DEPLOYMENT_CHANGES: [Change; 8] = [
    Change::ReplicasLower,
    Change::MemoryLimitHigher,
    Change::ReadinessDelay300,
    Change::EnvRemoved,
    Change::EnvAdded,
    Change::EnvMockUrl,
    Change::ImageOlder,
    Change::ImageLatest,
];

impl Change {
    fn label(self) -> &'static str {
        match self {
            Change::ReplicasLower => "replicas-lower",
            Change::MemoryLimitHigher => "memory-limit-higher",
            Change::ReadinessDelay300 => "readiness-delay-300",
            Change::EnvRemoved => "env-removed",
            Change::EnvAdded => "env-added",
            Change::EnvMockUrl => "env-mock-url",
            Change::ImageOlder => "image-older",
            Change::ImageLatest => "image-latest",
            Change::ConfigKeyRenamed => "configmap-key-renamed",
            Change::SecretKeyRemoved => "secret-key-removed",
            Change::SecretRotated => "secret-value-changed",
            Change::AutomountDisabled => "automount-disabled",
            Change::TargetPortChanged => "service-target-port",
            Change::HpaMaxLower => "hpa-max-lower",
            Change::TlsRemoved => "ingress-tls-removed",
            Change::CronJobSuspended => "cronjob-suspended",
        }
    }

    fn pick(obj: &PlannedObject, rng: &mut ChaCha8Rng) -> Change {
        match obj.kind {
            Kind::Deployment => *DEPLOYMENT_CHANGES.choose(rng).expect("non-empty"),
            Kind::ConfigMap => Change::ConfigKeyRenamed,
            Kind::Secret if matches!(obj.owner, Owner::RegistrySecret) => Change::SecretRotated,
            Kind::Secret => Change::SecretKeyRemoved,
            Kind::ServiceAccount => Change::AutomountDisabled,
            Kind::Service => Change::TargetPortChanged,
            Kind::HorizontalPodAutoscaler => Change::HpaMaxLower,
            Kind::Ingress => Change::TlsRemoved,
            Kind::CronJob => Change::CronJobSuspended,
        }
    }

    fn apply(self, v: &mut Value, app: Option<&App>, rng: &mut ChaCha8Rng) {
        let container = "/spec/template/spec/containers/0";
        match self {
            Change::ReplicasLower => {
                let replicas = v["spec"]["replicas"].as_u64().unwrap_or(2);
                v["spec"]["replicas"] = json!(rng.random_range(1..replicas.max(2)));
            }
            Change::MemoryLimitHigher => {
                let limit = pointer(v, &format!("{container}/resources/limits/memory"));
                let step = MEMORY_STEPS
                    .iter()
                    .position(|m| limit.as_str() == Some(*m))
                    .unwrap_or(0);
                *limit = json!(MEMORY_STEPS[(step + 1).min(MEMORY_STEPS.len() - 1)]);
            }
            Change::ReadinessDelay300 => {
                *pointer(
                    v,
                    &format!("{container}/readinessProbe/initialDelaySeconds"),
                ) = json!(300);
            }
            Change::EnvRemoved => {
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                let victim = rng.random_range(0..env.len());
                env.remove(victim);
            }
            Change::EnvAdded => {
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                let extra = [("DEBUG", "true"), ("LOG_SQL", "1"), ("PROFILER", "on")];
                let (name, value) = extra.choose(rng).expect("non-empty");
                env.push(json!({ "name": name, "value": value }));
            }
            Change::EnvMockUrl => {
                let upstream = app.expect("deployments have an app").upstream;
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                for var in env.iter_mut().filter(|var| var["name"] == "UPSTREAM_URL") {
                    var["value"] = json!(format!("http://{upstream}-mock:8080"));
                }
            }
            Change::ImageOlder => {
                let app = app.expect("deployments have an app");
                let [major, minor, patch] = app.version;
                let older = if patch > 0 {
                    format!("{major}.{minor}.{}", patch - 1)
                } else {
                    format!("{major}.{}.{}", minor - 1, rng.random_range(0..=9))
                };
                *pointer(v, &format!("{container}/image")) = json!(format!(
                    "registry.example.com/{}/{}:{older}",
                    app.team, app.name
                ));
            }
            Change::ImageLatest => {
                let app = app.expect("deployments have an app");
                *pointer(v, &format!("{container}/image")) = json!(format!(
                    "registry.example.com/{}/{}:latest",
                    app.team, app.name
                ));
            }
            Change::ConfigKeyRenamed => {
                let (from, to) = CONFIG_FILES[app.expect("config maps have an app").config_file];
                let data = v["data"].as_object_mut().expect("data");
                let body = data.remove(from).expect("config file key");
                data.insert(to.to_string(), body);
            }
            Change::SecretKeyRemoved => {
                let data = v["data"].as_object_mut().expect("data");
                data.remove("signing-key");
            }
            Change::SecretRotated => {
                let token = random_token(rng, 24);
                let auth = base64(format!("staging-puller:{token}").as_bytes());
                let config =
                    format!(r#"{{"auths":{{"registry.example.com":{{"auth":"{auth}"}}}}}}"#);
                v["data"][".dockerconfigjson"] = json!(base64(config.as_bytes()));
            }
            Change::AutomountDisabled => v["automountServiceAccountToken"] = json!(false),
            Change::TargetPortChanged => v["spec"]["ports"][0]["targetPort"] = json!(8081),
            Change::HpaMaxLower => {
                let (min, max, _) = app.expect("HPAs have an app").hpa;
                v["spec"]["maxReplicas"] = json!(rng.random_range(min..max));
            }
            Change::TlsRemoved => {
                v["spec"].as_object_mut().expect("spec").remove("tls");
            }
            Change::CronJobSuspended => v["spec"]["suspend"] = json!(true),
        }
    }
}

fn pointer<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    v.pointer_mut(path)
        .unwrap_or_else(|| panic!("generated object lacks {path}"))
}

// ---------------------------------------------------------------------------------------------
// Server-populated fields, drawn per side
// ---------------------------------------------------------------------------------------------

const T_MIN: i64 = 1_672_531_200; // 2023-01-01T00:00:00Z
const T_MAX: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
const DAY: i64 = 86_400;

fn add_server_fields(
    v: &mut Value,
    kind: Kind,
    namespace: &str,
    manager: &str,
    rng: &mut ChaCha8Rng,
) {
    let created = rng.random_range(T_MIN..T_MAX);
    let updated = created + rng.random_range(0..120 * DAY);
    let observed = updated + rng.random_range(0..DAY);
    let generation = if kind.has_generation() {
        Some(rng.random_range(1..=40u32))
    } else {
        None
    };
    let mut client = json!({
        "apiVersion": kind.api_version(),
        "fieldsType": "FieldsV1",
        "manager": manager,
        "operation": "Update",
        "time": rfc3339(updated),
    });
    client["fieldsV1"] = client_fields(v);
    let mut managed = vec![client];
    let status = match kind {
        Kind::Deployment => Some(deployment_status(
            v,
            generation.unwrap_or(1),
            created,
            observed,
            rng,
        )),
        Kind::HorizontalPodAutoscaler => Some(hpa_status(v, observed, rng)),
        Kind::CronJob => Some(json!({
            "lastScheduleTime": rfc3339(observed + rng.random_range(0..DAY)),
            "lastSuccessfulTime": rfc3339(observed + rng.random_range(0..DAY)),
        })),
        Kind::Ingress => Some(json!({
            "loadBalancer": { "ingress": [{ "ip": format!("203.0.113.{}", rng.random_range(1..255)) }] },
        })),
        _ => None,
    };
    if let Some(status) = status {
        let mut fields = Map::new();
        if kind == Kind::Deployment {
            let revision = rng.random_range(1..=30u32).to_string();
            v["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!(revision);
            fields.insert(
                "f:metadata".to_string(),
                json!({ "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } }),
            );
        }
        fields.insert("f:status".to_string(), field_entry("status", &status));
        let status_manager = if kind == Kind::Ingress {
            "nginx-ingress-controller"
        } else {
            "kube-controller-manager"
        };
        let mut entry = json!({
            "apiVersion": kind.api_version(),
            "fieldsType": "FieldsV1",
            "manager": status_manager,
            "operation": "Update",
            "subresource": "status",
            "time": rfc3339(observed),
        });
        entry["fieldsV1"] = Value::Object(fields);
        managed.push(entry);
        v["status"] = status;
    }
    if kind == Kind::Service {
        let ip = format!(
            "10.{}.{}.{}",
            rng.random_range(96..112),
            rng.random_range(0..256),
            rng.random_range(1..255)
        );
        v["spec"]["clusterIP"] = json!(ip);
        v["spec"]["clusterIPs"] = json!([ip]);
        v["status"] = json!({ "loadBalancer": {} });
    }
    let meta = v["metadata"].as_object_mut().expect("metadata");
    meta.insert("namespace".into(), json!(namespace));
    meta.insert("uid".into(), json!(uuid4(rng)));
    meta.insert(
        "resourceVersion".into(),
        json!(rng.random_range(1_000_000..900_000_000u32).to_string()),
    );
    meta.insert("creationTimestamp".into(), json!(rfc3339(created)));
    if let Some(generation) = generation {
        meta.insert("generation".into(), json!(generation));
    }
    meta.insert("managedFields".into(), Value::Array(managed));
}

fn deployment_status(
    v: &Value,
    generation: u32,
    created: i64,
    observed: i64,
    rng: &mut ChaCha8Rng,
) -> Value {
    let replicas = v["spec"]["replicas"].as_u64().unwrap_or(1);
    let name = v["metadata"]["name"].as_str().unwrap_or_default();
    let hash = random_token(rng, 10).to_lowercase();
    let available = rfc3339(observed - rng.random_range(0..DAY));
    json!({
        "availableReplicas": replicas,
        "conditions": [
            {
                "lastTransitionTime": available,
                "lastUpdateTime": available,
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available",
            },
            {
                "lastTransitionTime": rfc3339(created),
                "lastUpdateTime": rfc3339(observed),
                "message": format!("ReplicaSet \"{name}-{hash}\" has successfully progressed."),
                "reason": "NewReplicaSetAvailable",
                "status": "True",
                "type": "Progressing",
            },
        ],
        "observedGeneration": generation,
        "readyReplicas": replicas,
        "replicas": replicas,
        "updatedReplicas": replicas,
    })
}

fn hpa_status(v: &Value, observed: i64, rng: &mut ChaCha8Rng) -> Value {
    let min = v["spec"]["minReplicas"].as_u64().unwrap_or(1);
    let current = min + rng.random_range(0..3);
    let utilization = rng.random_range(20..90u32);
    let since = rfc3339(observed - rng.random_range(0..30 * DAY));
    json!({
        "conditions": [
            {
                "lastTransitionTime": since,
                "message": "recommended size matches current size",
                "reason": "ReadyForNewScale",
                "status": "True",
                "type": "AbleToScale",
            },
            {
                "lastTransitionTime": since,
                "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                "reason": "ValidMetricFound",
                "status": "True",
                "type": "ScalingActive",
            },
            {
                "lastTransitionTime": since,
                "message": "the desired count is within the acceptable range",
                "reason": "DesiredWithinRange",
                "status": "False",
                "type": "ScalingLimited",
            },
        ],
        "currentMetrics": [{
            "resource": {
                "current": { "averageUtilization": utilization, "averageValue": format!("{}m", utilization * 3) },
                "name": "cpu",
            },
            "type": "Resource",
        }],
        "currentReplicas": current,
        "desiredReplicas": current,
    })
}

/// The FieldsV1 tree the applying client owns: labels, annotations and everything that is
/// not metadata or status (server defaults included, as for an `Update` that created it).
fn client_fields(v: &Value) -> Value {
    let mut root = Map::new();
    let Some(obj) = v.as_object() else {
        return Value::Object(root);
    };
    let mut meta = Map::new();
    for key in ["annotations", "labels"] {
        if let Some(Value::Object(m)) = obj.get("metadata").and_then(|m| m.get(key))
            && !m.is_empty()
        {
            let mut owned = fields_of_map(m);
            owned.insert(".".into(), json!({}));
            meta.insert(prefixed("f:", key), Value::Object(owned));
        }
    }
    if !meta.is_empty() {
        root.insert("f:metadata".into(), Value::Object(meta));
    }
    for (key, child) in obj {
        if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "status") {
            root.insert(prefixed("f:", key), field_entry(key, child));
        }
    }
    Value::Object(root)
}

fn fields_of_map(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .map(|(key, child)| (prefixed("f:", key), field_entry(key, child)))
        .collect()
}

fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + key.len());
    s.push_str(prefix);
    s.push_str(key);
    s
}

/// FieldsV1 entry for field `name` holding `child`: `{}` for leaves and atomic values,
/// nested `f:` entries for structs and maps, `k:{...}` entries for associative lists.
fn field_entry(name: &str, child: &Value) -> Value {
    const PLAIN_STRUCTS: [&str; 9] = [
        "metadata",
        "spec",
        "status",
        "template",
        "jobTemplate",
        "strategy",
        "resources",
        "scaleTargetRef",
        "http",
    ];
    match child {
        Value::Object(m) if !m.is_empty() && name != "selector" => {
            let mut owned = fields_of_map(m);
            if !PLAIN_STRUCTS.contains(&name) {
                owned.insert(".".into(), json!({}));
            }
            Value::Object(owned)
        }
        Value::Array(items) if !items.is_empty() => {
            let keys = list_keys(name, &items[0]);
            if keys.is_empty() {
                return json!({});
            }
            let mut owned = Map::new();
            for item in items {
                let Some(item_map) = item.as_object() else {
                    continue;
                };
                let mut key = Map::new();
                for &k in keys {
                    key.insert(
                        k.to_string(),
                        item_map.get(k).cloned().unwrap_or(Value::Null),
                    );
                }
                let mut entry = fields_of_map(item_map);
                entry.insert(".".into(), json!({}));
                owned.insert(
                    prefixed("k:", &compact_json(&Value::Object(key))),
                    Value::Object(entry),
                );
            }
            Value::Object(owned)
        }
        _ => json!({}),
    }
}

/// Merge keys of the associative lists these objects use; empty = atomic list.
fn list_keys(name: &str, first: &Value) -> &'static [&'static str] {
    match name {
        "containers" | "initContainers" | "env" | "volumes" | "imagePullSecrets" => &["name"],
        "volumeMounts" => &["mountPath"],
        "conditions" => &["type"],
        "ports" if first.get("containerPort").is_some() => &["containerPort", "protocol"],
        "ports" => &["port", "protocol"],
        _ => &[],
    }
}

// ---------------------------------------------------------------------------------------------
// Small value helpers
// ---------------------------------------------------------------------------------------------

fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(DAY), secs.rem_euclid(DAY));
    // Civil-from-days (H. Hinnant), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn uuid4(rng: &mut ChaCha8Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        let sextet = |shift: u32| ALPHABET[((n >> shift) & 63) as usize] as char;
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

fn compact_json(v: &Value) -> String {
    let mut buf = Vec::new();
    write_json(&mut buf, v).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("JSON is UTF-8")
}

// ---------------------------------------------------------------------------------------------
// Output: per-side streaming writers
// ---------------------------------------------------------------------------------------------

/// Writes `<side>.json` and `<side>.yaml`; returns their sizes in bytes.
fn write_side(plan: &Plan, side: Side, dir: &Path) -> io::Result<(u64, u64)> {
    // kubectl order: by resource type, then namespace, then name.
    let mut order: Vec<usize> = (0..plan.objects.len())
        .filter(|&i| plan.objects[i].fate.present_on(side))
        .collect();
    order.sort_by_cached_key(|&i| {
        let obj = &plan.objects[i];
        (
            obj.kind,
            plan.namespaces[obj.ns as usize].name(side).to_string(),
            plan.object_name(obj),
        )
    });
    let stem = side.file_stem();
    let json_path = dir.join(format!("{stem}.json"));
    let yaml_path = dir.join(format!("{stem}.yaml"));
    let mut json_out = BufWriter::with_capacity(1 << 20, File::create(&json_path)?);
    let mut yaml_out = BufWriter::with_capacity(1 << 20, File::create(&yaml_path)?);
    json_out.write_all(b"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[")?;
    for (n, &i) in order.iter().enumerate() {
        let obj = plan.build_object(i, side);
        json_out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        write_json(&mut json_out, &obj)?;
        write_yaml_doc(&mut yaml_out, &obj)?;
    }
    json_out.write_all(b"\n],\"metadata\":{\"resourceVersion\":\"\"}}\n")?;
    json_out.flush()?;
    yaml_out.flush()?;
    Ok((
        fs::metadata(json_path)?.len(),
        fs::metadata(yaml_path)?.len(),
    ))
}

fn write_truth(plan: &Plan, path: &Path) -> io::Result<()> {
    let mut perturbed = Vec::new();
    let mut prod_only = Vec::new();
    let mut staging_only = Vec::new();
    let mut counts: Map<String, Value> = Map::new();
    for (i, obj) in plan.objects.iter().enumerate() {
        let ns = &plan.namespaces[obj.ns as usize];
        let mut entry = json!({
            "kind": obj.kind.name(),
            "name": plan.object_name(obj),
            "namespace": ns.prod,
            "stagingNamespace": ns.staging,
        });
        match obj.fate {
            Fate::Same => continue,
            Fate::Perturbed => {
                let label = plan.change_for(i).label();
                entry["change"] = json!(label);
                let count = counts.entry(label).or_insert(json!(0));
                *count = json!(count.as_u64().unwrap_or(0) + 1);
                perturbed.push(entry);
            }
            Fate::ProdOnly => prod_only.push(entry),
            Fate::StagingOnly => staging_only.push(entry),
        }
    }
    let renamed = plan
        .namespaces
        .iter()
        .filter(|ns| ns.prod != ns.staging)
        .count();
    let truth = json!({
        "seed": plan.seed,
        "objectsPerSide": plan.objects_per_side,
        "namespaces": plan.namespaces.len(),
        "renamedNamespaces": renamed,
        "renameRule": "team-<k> with k % 4 == 3 is team-<k>-stg on staging",
        "paired": plan.objects.len() - prod_only.len() - staging_only.len(),
        "perturbedCount": perturbed.len(),
        "prodOnlyCount": prod_only.len(),
        "stagingOnlyCount": staging_only.len(),
        "changeCounts": counts,
        "perturbed": perturbed,
        "prodOnly": prod_only,
        "stagingOnly": staging_only,
    });
    let mut out = BufWriter::new(File::create(path)?);
    write_json(&mut out, &truth)?;
    out.write_all(b"\n")?;
    out.flush()
}

// ---------------------------------------------------------------------------------------------
// JSON writer: compact, keys sorted (independent of serde_json's `preserve_order` feature)
// ---------------------------------------------------------------------------------------------

fn write_json<W: Write>(out: &mut W, v: &Value) -> io::Result<()> {
    match v {
        Value::Object(m) => {
            out.write_all(b"{")?;
            for (i, (key, child)) in sorted_entries(m).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
                out.write_all(b":")?;
                write_json(out, child)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, child) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_json(out, child)?;
            }
            out.write_all(b"]")
        }
        scalar => serde_json::to_writer(&mut *out, scalar).map_err(io::Error::other),
    }
}

/// Entries in key order. Without serde_json's `preserve_order` feature (this crate) `Map` is a
/// `BTreeMap` and already iterates sorted; with it (a crate that enables the feature) we sort.
fn sorted_entries(m: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    static MAP_IS_SORTED: LazyLock<bool> = LazyLock::new(|| {
        let mut probe = Map::new();
        probe.insert("b".into(), Value::Null);
        probe.insert("a".into(), Value::Null);
        probe.keys().next().is_some_and(|k| k == "a")
    });
    let (direct, sorted) = if *MAP_IS_SORTED {
        (Some(m.iter()), None)
    } else {
        let mut entries: Vec<_> = m.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        (None, Some(entries))
    };
    direct
        .into_iter()
        .flatten()
        .chain(sorted.into_iter().flatten())
}

// ---------------------------------------------------------------------------------------------
// YAML emitter: block style like kubectl (sorted keys, sequences not indented under their key),
// plain scalars only when they cannot read back as anything but the same string (YAML 1.1 and
// 1.2 resolvers), `|` literal blocks for clean multi-line strings, double quotes otherwise.
// ---------------------------------------------------------------------------------------------

fn write_yaml_doc<W: Write>(out: &mut W, v: &Value) -> io::Result<()> {
    out.write_all(b"---\n")?;
    match v {
        Value::Object(m) if !m.is_empty() => yaml_map(out, m, 0, false),
        Value::Array(items) if !items.is_empty() => yaml_seq(out, items, 0, false),
        scalar => yaml_scalar_line(out, scalar, 2),
    }
}

fn pad<W: Write>(out: &mut W, n: usize) -> io::Result<()> {
    const SPACES: [u8; 64] = [b' '; 64];
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        left -= k;
    }
    Ok(())
}

/// `inline_first`: the first key goes right after an already written `- `.
fn yaml_map<W: Write>(
    out: &mut W,
    m: &Map<String, Value>,
    indent: usize,
    inline_first: bool,
) -> io::Result<()> {
    for (i, (key, child)) in sorted_entries(m).enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent)?;
        }
        let explicit = yaml_key(out, key, indent)?;
        match child {
            Value::Object(c) if !c.is_empty() => {
                out.write_all(b"\n")?;
                yaml_map(out, c, indent + 2, false)?;
            }
            Value::Array(c) if !c.is_empty() => {
                out.write_all(b"\n")?;
                yaml_seq(out, c, if explicit { indent + 2 } else { indent }, false)?;
            }
            scalar => {
                out.write_all(b" ")?;
                yaml_scalar_line(out, scalar, indent + 2)?;
            }
        }
    }
    Ok(())
}

fn yaml_seq<W: Write>(
    out: &mut W,
    items: &[Value],
    indent: usize,
    inline_first: bool,
) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent)?;
        }
        out.write_all(b"- ")?;
        match item {
            Value::Object(c) if !c.is_empty() => yaml_map(out, c, indent + 2, true)?,
            Value::Array(c) if !c.is_empty() => yaml_seq(out, c, indent + 2, true)?,
            scalar => yaml_scalar_line(out, scalar, indent + 2)?,
        }
    }
    Ok(())
}

/// Writes `key:`; a key too long for an implicit key (1024 chars) gets `? key\n:`.
/// Returns whether the explicit form was used.
fn yaml_key<W: Write>(out: &mut W, key: &str, indent: usize) -> io::Result<bool> {
    let mut rendered = Vec::with_capacity(key.len() + 2);
    if plain_ok(key) {
        rendered.extend_from_slice(key.as_bytes());
    } else {
        write_double_quoted(&mut rendered, key)?;
    }
    if rendered.len() < 1000 {
        out.write_all(&rendered)?;
        out.write_all(b":")?;
        return Ok(false);
    }
    out.write_all(b"? ")?;
    out.write_all(&rendered)?;
    out.write_all(b"\n")?;
    pad(out, indent)?;
    out.write_all(b":")?;
    Ok(true)
}

/// A scalar (or empty collection) followed by its line break; `indent` is where the lines
/// of a literal block go.
fn yaml_scalar_line<W: Write>(out: &mut W, v: &Value, indent: usize) -> io::Result<()> {
    match v {
        Value::Null => out.write_all(b"null\n"),
        Value::Bool(true) => out.write_all(b"true\n"),
        Value::Bool(false) => out.write_all(b"false\n"),
        Value::Number(n) => {
            out.write_all(yaml_number(n).as_bytes())?;
            out.write_all(b"\n")
        }
        Value::String(s) if plain_ok(s) => {
            out.write_all(s.as_bytes())?;
            out.write_all(b"\n")
        }
        Value::String(s) if literal_ok(s) => write_literal(out, s, indent),
        Value::String(s) => {
            write_double_quoted(out, s)?;
            out.write_all(b"\n")
        }
        Value::Array(_) => out.write_all(b"[]\n"),
        Value::Object(_) => out.write_all(b"{}\n"),
    }
}

/// JSON numbers are YAML numbers, except that YAML 1.1 floats need a `.` and a signed exponent.
fn yaml_number(n: &Number) -> String {
    let s = n.to_string();
    if !n.is_f64() {
        return s;
    }
    match s.split_once(['e', 'E']) {
        Some((mantissa, exp)) => {
            let dot = if mantissa.contains('.') { "" } else { ".0" };
            let sign = if exp.starts_with(['+', '-']) { "" } else { "+" };
            format!("{mantissa}{dot}e{sign}{exp}")
        }
        None => s,
    }
}

fn is_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// Characters that may appear raw in a plain or literal scalar (no breaks, tabs or BOM).
fn is_plain_char(c: char) -> bool {
    is_printable(c)
        && !matches!(
            c,
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// Can `s` be written as a plain (unquoted) scalar and read back as the same string?
fn plain_ok(s: &str) -> bool {
    const INDICATORS: &[u8] = b" -?:,[]{}#&*!|>'\"%@`";
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if s == "." {
        return true;
    }
    if INDICATORS.contains(first) || b" :".contains(last) || s.starts_with("...") {
        return false;
    }
    let mut prev = 0u8;
    for &b in bytes {
        // No comments, no `: `, no control characters (tab and line breaks included).
        if b == b'#' || (b == b' ' && prev == b':') || b < 0x20 || b == 0x7f {
            return false;
        }
        prev = b;
    }
    (s.is_ascii() || s.chars().all(is_plain_char)) && !looks_typed(s)
}

/// Would a YAML 1.1 or 1.2 resolver read this plain scalar as null, bool, number, timestamp
/// or merge/value key? Errs towards yes: anything starting like a number and made only of
/// characters that numbers, `.inf`/`.nan` and timestamps use is quoted.
fn looks_typed(s: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "~", "true", "false", "yes", "no", "y", "n", "on", "off", "=", "<<",
    ];
    const NUMERIC_EXTRAS: &[u8] = b"xXoOiInNtTzZ_.:+- ";
    if s.len() <= 5 && WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    matches!(body.first(), Some(b'0'..=b'9' | b'.'))
        && body
            .iter()
            .all(|b| b.is_ascii_hexdigit() || NUMERIC_EXTRAS.contains(b))
}

/// Multi-line strings a `|` block reproduces exactly: every line clean (no tabs, no trailing
/// spaces, nothing needing escapes) and the first non-empty line not indented.
fn literal_ok(s: &str) -> bool {
    let body = s.trim_end_matches('\n');
    s.contains('\n')
        && !body.is_empty()
        && !body.trim_start_matches('\n').starts_with(' ')
        && body
            .split('\n')
            .all(|line| !line.ends_with(' ') && line.chars().all(is_plain_char))
}

fn write_literal<W: Write>(out: &mut W, s: &str, indent: usize) -> io::Result<()> {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.write_all(match trailing {
        0 => b"|-\n".as_slice(),
        1 => b"|\n",
        _ => b"|+\n",
    })?;
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent)?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    for _ in 1..trailing {
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_double_quoted<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => Some("\\\"".to_string()),
            '\\' => Some("\\\\".to_string()),
            '\n' => Some("\\n".to_string()),
            '\t' => Some("\\t".to_string()),
            '\r' => Some("\\r".to_string()),
            c if !is_plain_char(c) => Some(format!("\\u{:04X}", u32::from(c))),
            _ => None,
        };
        if let Some(escape) = escape {
            out.write_all(&s.as_bytes()[start..i])?;
            out.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    out.write_all(&s.as_bytes()[start..])?;
    out.write_all(b"\"")
}
