//! `checkride serve`: parse the fault flags, load the snapshot, serve until interrupted.

use super::live::init_logging;
use crate::collect::live::parse_duration;
use crate::collect::{self, LoadOptions, SideSpec};
use crate::error::Error;
use crate::normalize::secrets::Fingerprinter;
use crate::serve::{self, Faults, ServeOptions};
use clap::{ArgAction, Args};
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// `checkride serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The snapshot to serve (manifests and dumps are normalized first).
    pub snapshot: String,
    /// Where to listen (port 0 picks a free port; the URL is printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8001")]
    pub addr: SocketAddr,
    /// Serve this server version at /version instead of the snapshot's (e.g. v1.28.9).
    #[arg(long, value_name = "VERSION")]
    pub server_version: Option<String>,
    /// Serve secret fingerprints as the snapshot holds them (default: `‹redacted›` only).
    #[arg(long)]
    pub with_fingerprints: bool,
    /// Answer only the classic per-group discovery documents.
    #[arg(long)]
    pub no_aggregated_discovery: bool,
    /// Close a connection whose request head has not arrived within this time (also closes
    /// idle keep-alive connections).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub header_timeout: Duration,
    /// Serve at most this many connections at once; more are answered 503 and closed.
    #[arg(long, value_name = "N", default_value_t = serve::MAX_CONNECTIONS, value_parser = clap::value_parser!(usize))]
    pub max_connections: usize,
    /// Fault injection: latency added to every request (e.g. 20ms).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Fault injection")]
    pub latency: Option<Duration>,
    /// Fault injection: answer 403 for this kind (plural or Kind; repeatable).
    #[arg(long, value_name = "KIND", help_heading = "Fault injection")]
    pub forbid: Vec<String>,
    /// Fault injection: answer 503 for this API group (repeatable).
    #[arg(long, value_name = "GROUP", help_heading = "Fault injection")]
    pub unavailable_group: Vec<String>,
    /// Fault injection: answer STATUS for this fraction of requests (e.g. 429=0.1; repeatable).
    #[arg(long, value_name = "STATUS=FRACTION", value_parser = parse_rate, help_heading = "Fault injection")]
    pub error_rate: Vec<(u16, f64)>,
    /// Fault injection: fail every distinct request N times with STATUS first (e.g. 429=2).
    #[arg(long, value_name = "STATUS=N", value_parser = parse_burst, help_heading = "Fault injection")]
    pub error_burst: Vec<(u16, u32)>,
    /// Fault injection: Retry-After seconds sent with injected 429/503.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1,
        help_heading = "Fault injection"
    )]
    pub retry_after: u64,
    /// Fault injection: the first N requests with a continue token answer 410 Gone.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Fault injection"
    )]
    pub expire_continue: u32,
    /// Fault injection: requests for this kind never answer (repeatable).
    #[arg(long, value_name = "KIND", help_heading = "Fault injection")]
    pub hang: Vec<String>,
    /// Fault injection: seed of --error-rate.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Fault injection"
    )]
    pub fault_seed: u64,
    /// Log every request on stderr.
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,
}

fn parse_status(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(c) if (400..600).contains(&c) => Ok(c),
        _ => Err(format!("`{s}` is not an HTTP error status (400-599)")),
    }
}

fn parse_rate(s: &str) -> Result<(u16, f64), String> {
    let (code, frac) = s
        .split_once('=')
        .ok_or("expected STATUS=FRACTION, e.g. 429=0.1")?;
    let f: f64 = frac
        .trim()
        .parse()
        .map_err(|_| format!("`{frac}` is not a fraction"))?;
    if !(0.0..=1.0).contains(&f) {
        return Err(format!("`{frac}` is not between 0 and 1"));
    }
    Ok((parse_status(code)?, f))
}

fn parse_burst(s: &str) -> Result<(u16, u32), String> {
    let (code, n) = s.split_once('=').ok_or("expected STATUS=N, e.g. 429=2")?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a count"))?;
    Ok((parse_status(code)?, n))
}

impl ServeArgs {
    fn options(&self) -> ServeOptions {
        ServeOptions {
            server_version: self.server_version.clone(),
            with_fingerprints: self.with_fingerprints,
            no_aggregated_discovery: self.no_aggregated_discovery,
            limits: serve::ConnLimits {
                header_timeout: self.header_timeout,
                max_connections: self.max_connections.max(1),
            },
            faults: Faults {
                latency: self.latency.unwrap_or_default(),
                forbid: self.forbid.clone(),
                unavailable_groups: self.unavailable_group.clone(),
                error_rates: self.error_rate.clone(),
                error_bursts: self.error_burst.clone(),
                retry_after: self.retry_after,
                expire_continue: self.expire_continue,
                hang: self.hang.clone(),
                seed: self.fault_seed,
            },
        }
    }
}

/// Serves until Ctrl-C (or SIGTERM).
pub(crate) fn run(args: &ServeArgs) -> crate::Result<i32> {
    init_logging(args.verbose);
    if args.header_timeout.is_zero() {
        return Err(Error::Usage(
            "--header-timeout must be longer than 0".into(),
        ));
    }
    let spec = SideSpec::parse(&args.snapshot)?;
    if matches!(spec, SideSpec::Context(_)) {
        return Err(Error::Usage(
            "serve replays a snapshot; take one first: `checkride snapshot context:NAME > side.json`".into(),
        ));
    }
    let side = collect::load_one(
        &spec,
        &LoadOptions {
            // An empty snapshot is a legitimate thing to serve (kubectl dry runs against it).
            allow_empty: true,
            ..LoadOptions::new("default", Fingerprinter::from_env())
        },
    )?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the server runtime: {e}")))?;
    rt.block_on(async {
        let (addr, server) =
            serve::bind(&side, &args.options(), args.addr, shutdown_signal()).await?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{addr}");
        let _ = out.flush();
        drop(out);
        eprintln!(
            "checkride: serving {} ({} objects) on http://{addr} — read-only; Ctrl-C stops",
            side.source,
            side.objects.len()
        );
        server
            .await
            .map_err(|e| Error::Other(format!("server stopped: {e}")))
    })?;
    Ok(0)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
