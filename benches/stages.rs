//! Per-stage benches of `checkride compare` on a generated JSON pair.
//!
//! Run: `cargo bench --bench stages` (filter with e.g. `cargo bench --bench stages -- normalize`).
//! Generates a [`OBJECTS`]-object staging/prod pair (seed 42) with the `gen_cluster` example's
//! generator into a temporary directory, then times each stage of `compare` on `prod.json` and
//! `staging.json`: `load` (read and parse both sides), `normalize` (build both sides),
//! `pair_diff`, `classify` (built-in rules, no waivers), `render_json`, `render_table`, and
//! `whole` (all of them in sequence, as `compare` runs them, with the table output).
//! Like `compare`, which forgets both sides before exiting, the timings leave out freeing the
//! loaded sides.

#[path = "../examples/gen_cluster/generator/mod.rs"]
mod gen_cluster;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use checkride::collect::{self, LoadOptions, Parsed, SideSpec};
use checkride::diff::{self, DiffResult, pair::NameMapping};
use checkride::model::{Report, Side};
use checkride::normalize::secrets::Fingerprinter;
use checkride::pipeline;
use checkride::report;
use checkride::rules::{self, Judge, RuleSet};
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};

/// The allocator of the `checkride` binary (see `src/main.rs`), so stages cost what they cost
/// in `compare`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Objects on each side of the generated pair.
const OBJECTS: usize = 5_000;
/// Seed of the generated pair.
const SEED: u64 = 42;
/// Table width of the `render_table` stage (the table's default when there is no terminal).
const TABLE_WIDTH: u16 = 140;

/// The two side arguments, as `compare --staging … --prod …` gets them.
struct Specs {
    /// `staging.json` of the generated pair.
    staging: String,
    /// `prod.json` of the generated pair.
    prod: String,
}

impl Specs {
    /// The JSON pair in `dir`.
    fn in_dir(dir: &Path) -> Specs {
        let side = |stem: &str| dir.join(format!("{stem}.json")).display().to_string();
        Specs {
            staging: side("staging"),
            prod: side("prod"),
        }
    }
}

/// Load options of either side: `compare`'s defaults with a fixed fingerprint secret.
fn load_options() -> LoadOptions {
    LoadOptions::new("default", Fingerprinter::from_secret("bench"))
}

/// The `load` stage: reads and parses both sides, in parallel as `compare` does.
fn load(specs: &Specs) -> (Parsed, Parsed) {
    let parse = |arg: &str| {
        let spec = SideSpec::parse(arg).expect("a file side");
        collect::parse_side(&spec).expect("the generated side parses")
    };
    rayon::join(|| parse(&specs.staging), || parse(&specs.prod))
}

/// The `normalize` stage: builds both sides from their parsed documents.
fn normalize((staging, prod): (Parsed, Parsed), opts: &LoadOptions) -> (Side, Side) {
    collect::build_pair(staging, prod, opts, opts).expect("the generated sides normalize")
}

/// The judge `compare` uses without `--rules`, `--waivers` or `--preview`.
fn builtin_judge() -> Judge<'static> {
    Judge {
        rules: RuleSet::builtin().expect("built-in rules"),
        waivers: None,
        preview: false,
        today: checkride::clock::today(),
        builtin_kind: pipeline::builtin_kind,
    }
}

/// Everything the later stages start from: both sides, their differences and the report.
struct Fixture {
    /// The normalized staging side.
    staging: Side,
    /// The normalized production side.
    prod: Side,
    /// Differences of the pair.
    diff: DiffResult,
    /// The judged report.
    report: Report,
}

impl Fixture {
    /// Runs every stage once on the pair named by `specs`.
    fn build(specs: &Specs, opts: &LoadOptions, mapping: &NameMapping, judge: &Judge) -> Fixture {
        let (staging, prod) = normalize(load(specs), opts);
        let diff = diff::diff_sides(&staging, &prod, mapping);
        let report = rules::judge(&staging, &prod, &diff, mapping, judge);
        Fixture {
            staging,
            prod,
            diff,
            report,
        }
    }
}

/// All stages in sequence, as `compare` runs them; returns the sides (left for the caller to
/// drop outside the timing) and the rendered table.
fn whole(
    specs: &Specs,
    opts: &LoadOptions,
    mapping: &NameMapping,
    judge: &Judge,
) -> ((Side, Side), String) {
    let (staging, prod) = normalize(load(specs), opts);
    let report = pipeline::judge_sides(&staging, &prod, mapping, judge);
    let table = report::table::render(&report, false, TABLE_WIDTH);
    ((staging, prod), table)
}

/// Generates the pair, then benches each stage of `compare` and the whole sequence.
fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    gen_cluster::generate(OBJECTS, SEED, dir.path()).expect("generate the pair");
    let specs = Specs::in_dir(dir.path());
    let opts = load_options();
    let mapping = NameMapping::default();
    let judge = builtin_judge();
    let fixture = Fixture::build(&specs, &opts, &mapping, &judge);

    let mut group = c.benchmark_group("stages");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("load", |b| b.iter_with_large_drop(|| load(&specs)));
    group.bench_function("normalize", |b| {
        b.iter_batched(
            || load(&specs),
            |parsed| normalize(parsed, &opts),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("pair_diff", |b| {
        b.iter(|| diff::diff_sides(&fixture.staging, &fixture.prod, &mapping))
    });
    group.bench_function("classify", |b| {
        b.iter(|| {
            let (staging, prod) = (&fixture.staging, &fixture.prod);
            rules::judge(staging, prod, &fixture.diff, &mapping, &judge)
        })
    });
    group.bench_function("render_json", |b| {
        b.iter(|| report::json::render(black_box(&fixture.report)))
    });
    group.bench_function("render_table", |b| {
        b.iter(|| report::table::render(black_box(&fixture.report), false, TABLE_WIDTH))
    });
    group.bench_function("whole", |b| {
        b.iter_with_large_drop(|| whole(&specs, &opts, &mapping, &judge))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
