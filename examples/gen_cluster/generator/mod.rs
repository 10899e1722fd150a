//! The generator behind `gen_cluster`: a synthetic, live-server-shaped production/staging
//! cluster dump pair for checkride benchmarks, written by [`generate`].
//!
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
//!
//! This file is a `mod.rs` so that its submodules resolve the same way whether it is the
//! example's `mod generator;` or included elsewhere with `#[path = ".../generator/mod.rs"]`
//! (the stage benches do). Submodules refer to each other through `super::`.

mod app;
mod change;
mod json;
mod kinds;
mod managed;
mod objects;
mod output;
mod plan;
mod rng;
mod server;
mod values;
mod yaml;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread::ScopedJoinHandle;
use std::time::{Duration, Instant};

use kinds::Side;
use output::{write_side, write_truth};
use plan::Plan;

/// What [`generate`] wrote; its `Display` is the report `gen_cluster` prints on stderr.
pub struct Summary {
    /// Objects on each side.
    objects_per_side: usize,
    /// Namespaces on each side.
    namespaces: usize,
    /// The RNG seed.
    seed: u64,
    /// The output directory.
    out: PathBuf,
    /// Wall time of the whole generation.
    elapsed: Duration,
    /// Sizes in bytes of each side's JSON and YAML dump.
    sizes: [(Side, (u64, u64)); 2],
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gen_cluster: {} objects/side, {} namespaces, seed {} -> {} in {:.2?}",
            self.objects_per_side,
            self.namespaces,
            self.seed,
            self.out.display(),
            self.elapsed
        )?;
        for (side, bytes) in self.sizes {
            write!(
                f,
                "\n  {}: json {} B ({:.0} B/object), yaml {} B",
                side.file_stem(),
                bytes.0,
                bytes.0 as f64 / self.objects_per_side.max(1) as f64,
                bytes.1
            )?;
        }
        Ok(())
    }
}

/// Writes the pair for `objects` objects per side and `seed` into `out` (created if missing):
/// `prod.json`, `staging.json`, `prod.yaml`, `staging.yaml` and `truth.json`.
pub fn generate(objects: usize, seed: u64, out: &Path) -> io::Result<Summary> {
    let started = Instant::now();
    fs::create_dir_all(out)?;
    let plan = Plan::build(objects, seed);
    let (prod, staging) = std::thread::scope(|s| {
        let prod = s.spawn(|| write_side(&plan, Side::Prod, out));
        let staging = s.spawn(|| write_side(&plan, Side::Staging, out));
        (join(prod), join(staging))
    });
    let (prod, staging) = (prod?, staging?);
    write_truth(&plan, &out.join("truth.json"))?;
    Ok(Summary {
        objects_per_side: objects,
        namespaces: plan.namespaces.len(),
        seed,
        out: out.to_path_buf(),
        elapsed: started.elapsed(),
        sizes: [(Side::Prod, prod), (Side::Staging, staging)],
    })
}

/// The result of a writer thread; a panic becomes an error.
fn join<T>(handle: ScopedJoinHandle<'_, io::Result<T>>) -> io::Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
}
