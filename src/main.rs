//! The `checkride` binary: parse, run, map the outcome to the documented exit code.

use clap::Parser;

/// mimalloc: the loader allocates millions of small strings and maps from two threads; glibc
/// malloc spent about a quarter of a 50k-object `compare` in allocation and arena growth.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = checkride::cli::Cli::parse();
    let code = match checkride::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "checkride: error: {}",
                checkride::escape::visible(&e.to_string())
            );
            checkride::model::ExitCode::Error.code()
        }
    };
    std::process::exit(code);
}
