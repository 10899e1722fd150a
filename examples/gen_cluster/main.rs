//! `gen_cluster --objects N --seed S --out DIR`: writes a synthetic, live-server-shaped
//! production/staging cluster dump pair for checkride benchmarks.
//!
//! Run: `cargo run --release --example gen_cluster -- --objects 50000 --seed 42 --out /tmp/pair`.
//! Writes `DIR/prod.json`, `DIR/staging.json`, `DIR/prod.yaml`, `DIR/staging.yaml` and
//! `DIR/truth.json`; the same seed gives the same bytes. The generator itself is in
//! `generator/` (see its module docs); the stage benches call [`generator::generate`] too.

mod generator;

use std::io;
use std::path::PathBuf;

use clap::Parser;

/// Command line of `gen_cluster`.
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

/// Generates the pair and reports its sizes on stderr.
fn main() -> io::Result<()> {
    let args = Args::parse();
    let summary = generator::generate(args.objects, args.seed, &args.out)?;
    eprintln!("{summary}");
    Ok(())
}
