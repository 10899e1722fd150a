//! The `checkride` binary: parse, run, map the outcome to the documented exit code.

use clap::Parser;

fn main() {
    let cli = checkride::cli::Cli::parse();
    let code = match checkride::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("checkride: error: {e}");
            2
        }
    };
    std::process::exit(code);
}
