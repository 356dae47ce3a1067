//! Repository chores as commands (README, "Layout"; run from anywhere in the repository):
//!
//! * `cargo xtask bless`: regenerates in one step what the tests compare against: the token parameter
//!   reference in `src/ffi/token.rs` (from the tables, `tests/token_docs.rs`), then `include/xpdrm.h` (cbindgen
//!   and the header pass of `tests/header_support`, `tests/header.rs`), then
//!   `bindings/kotlin/src/xpdrm/Status.kt` (from the header, `tests/kotlin.rs`). Each is the test that checks
//!   it, run with `XPDRM_BLESS=1`, in that order (each reads what the one before wrote); the tests then check
//!   what they wrote, so a failure here is a real one. On a clean tree it changes nothing.
//! * `cargo xtask size-report [ARGS]`: the size report, `.ci/size-report [--check] [--build-std] [--targets
//!   "TRIPLE ..."]` (README, "Size").

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The blessing tests, in order, each with the one test function that writes its file.
const BLESS: &[(&str, &str)] = &[
    ("token_docs", "the_header_reference_is_generated_from_the_tables"),
    ("header", "committed_header_matches_a_fresh_generation"),
    ("kotlin", "the_kotlin_status_table_is_the_headers"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ is in the repository root").to_path_buf()
}

fn run(mut command: Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    match command.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{shown} failed ({s})")),
        Err(e) => Err(format!("cannot run {shown}: {e}")),
    }
}

fn bless() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for (test, function) in BLESS {
        println!("xtask bless: {test}");
        let mut c = Command::new(&cargo);
        c.current_dir(root()).env("XPDRM_BLESS", "1");
        c.args(["test", "--quiet", "-p", "xpdrm", "--all-features", "--test", test, "--", "--exact", function]);
        run(c)?;
    }
    Ok(())
}

fn size_report(args: &[String]) -> Result<(), String> {
    let mut c = Command::new(root().join(".ci/size-report"));
    c.current_dir(root()).args(args);
    run(c)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bless") if args.len() == 1 => bless(),
        Some("size-report") => size_report(&args[1..]),
        _ => {
            Err("usage: cargo xtask bless | cargo xtask size-report [--check] [--build-std] [--targets \"TRIPLE ...\"]"
                .to_owned())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
