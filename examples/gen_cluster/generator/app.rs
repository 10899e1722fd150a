//! Apps: everything the objects of one app (Deployment, Service, ConfigMap, Secret, ...) must
//! agree on.

use rand::Rng;
use rand::seq::{IndexedRandom, index};
use rand_chacha::ChaCha8Rng;

use super::plan::NsPlan;
use super::rng::{SALT_APP, rng_for};
use super::values::random_token;

/// Where an environment variable of the app container gets its value.
pub(super) enum EnvSource {
    Literal(String),
    Config(&'static str),
    Secret(&'static str),
    Field(&'static str),
}

/// An environment variable of the app container.
pub(super) struct EnvVar {
    /// The variable's name.
    pub(super) name: &'static str,
    /// Where its value comes from.
    pub(super) source: EnvSource,
}

/// A sidecar container an app may run next to its own.
pub(super) struct Sidecar {
    /// Container name.
    pub(super) name: &'static str,
    /// Image repository.
    pub(super) image: &'static str,
    /// Image tags an app picks from.
    tags: [&'static str; 3],
    /// Port name and number.
    pub(super) port: (&'static str, u32),
    /// Container arguments.
    pub(super) args: &'static [&'static str],
    /// Literal environment variables.
    pub(super) env: &'static [(&'static str, &'static str)],
}

/// The sidecars apps pick from.
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

/// Resource sizes of app containers: (cpu request, memory request, cpu limit, memory limit).
pub(super) const SIZES: [(&str, &str, &str, &str); 4] = [
    ("100m", "128Mi", "500m", "256Mi"),
    ("250m", "256Mi", "1", "512Mi"),
    ("500m", "512Mi", "2", "1Gi"),
    ("1", "1Gi", "2", "2Gi"),
];
/// Memory limits in increasing order, for a staging limit one step higher.
pub(super) const MEMORY_STEPS: [&str; 6] = ["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi"];

/// Config file key of the app's ConfigMap, and its staging-renamed key.
pub(super) const CONFIG_FILES: [(&str, &str); 3] = [
    ("app.yaml", "config.yaml"),
    ("application.properties", "app.properties"),
    ("nginx.conf", "default.conf"),
];

/// Feature flags an app enables a few of.
#[rustfmt::skip]
const FEATURE_FLAGS: [&str; 6] = [
    "new-checkout", "fast-search", "async-export", "dark-launch", "v2-api", "strict-auth",
];

/// Everything the objects of one app must agree on, drawn from the app's own stream.
pub(super) struct App {
    /// The app's name.
    pub(super) name: &'static str,
    /// Its team label (`team-<k>`, the production namespace name).
    pub(super) team: String,
    /// Image version: major, minor, patch.
    pub(super) version: [u32; 3],
    /// Deployment replicas.
    pub(super) replicas: u32,
    /// Environment of the app container, in order.
    pub(super) env: Vec<EnvVar>,
    /// Its sidecar.
    pub(super) sidecar: &'static Sidecar,
    /// The sidecar's image tag.
    pub(super) sidecar_tag: &'static str,
    /// Index into [`SIZES`].
    pub(super) size: usize,
    /// Readiness probe initial delay (seconds).
    pub(super) ready_delay: u32,
    /// Liveness probe initial delay (seconds).
    pub(super) live_delay: u32,
    /// Index into [`CONFIG_FILES`].
    pub(super) config_file: usize,
    /// The config file's contents.
    pub(super) config_body: String,
    /// `LOG_LEVEL` in the ConfigMap.
    pub(super) log_level: &'static str,
    /// `FEATURE_FLAGS` in the ConfigMap (comma-separated).
    pub(super) flags: String,
    /// `MAX_CONNECTIONS` in the ConfigMap.
    pub(super) max_connections: u32,
    /// Secret keys and their plain values.
    pub(super) secrets: Vec<(&'static str, String)>,
    /// HPA min replicas, max replicas, target CPU utilization (%).
    pub(super) hpa: (u32, u32, u32),
    /// Ingress host.
    pub(super) host: String,
    /// The app it calls (`UPSTREAM_URL`).
    pub(super) upstream: &'static str,
}

impl App {
    /// Draws the app in slot `slot` of namespace `ns`.
    pub(super) fn new(seed: u64, ns: &NsPlan, slot: u16) -> App {
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

    /// The app container's image reference.
    pub(super) fn image(&self) -> String {
        let [major, minor, patch] = self.version;
        format!(
            "registry.example.com/{}/{}:{major}.{minor}.{patch}",
            self.team, self.name
        )
    }
}

/// A variable with a literal value.
fn literal(name: &'static str, value: &str) -> EnvVar {
    EnvVar {
        name,
        source: EnvSource::Literal(value.to_string()),
    }
}

/// The body of config file `which` of [`CONFIG_FILES`].
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
