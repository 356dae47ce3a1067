//! The target these tests were built for, and how to compile and run C programs for it.
//!
//! `cargo test` builds for the host, and the C programs are compiled with `cc` and run directly.
//! `cargo test --target aarch64-unknown-linux-gnu` builds for ARM and runs the test binaries under qemu
//! (`.cargo/config.toml`); the C programs they build must then be compiled with the cross compiler and run
//! under the same emulator. This is the one place that knows the difference: tests call [`cc`], [`clang`],
//! [`run`] and [`nm`], and ask [`is_emulated`] when something cannot work under emulation.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// How to build and run C programs for one target.
#[derive(Debug)]
pub struct Target {
    /// The Rust target triple the tests were built for.
    pub triple: &'static str,
    /// The C compiler for it.
    pub cc: String,
    /// `nm` for its object files.
    pub nm: String,
    /// The `--target` that makes clang compile for it (None: the host).
    pub clang_target: Option<String>,
    /// The emulator command that runs its programs here; empty when the target is the host.
    pub runner: Vec<String>,
}

/// Cross targets the tests know: (triple, GNU tool prefix, qemu user-mode emulator). Debian's packages put
/// the target's libraries under `/usr/<prefix>`, which the emulator is given with `-L`.
const CROSS: &[(&str, &str, &str)] = &[
    ("aarch64-unknown-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64"),
    ("armv7-unknown-linux-gnueabihf", "arm-linux-gnueabihf", "qemu-arm"),
];

/// The target of this test run.
pub fn current() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let triple = env!("XPDRM_BUILD_TARGET");
        if triple == env!("XPDRM_BUILD_HOST") {
            return Target {
                triple,
                cc: std::env::var("CC").unwrap_or_else(|_| "cc".into()),
                nm: "nm".into(),
                clang_target: None,
                runner: Vec::new(),
            };
        }
        let &(_, prefix, qemu) = CROSS.iter().find(|(t, _, _)| *t == triple).unwrap_or_else(|| {
            panic!("tests/common/target.rs does not know how to build C programs for {triple}; add it to CROSS")
        });
        // The variables that cc-rs and cargo read, so that one setting serves both.
        let under = triple.replace('-', "_");
        let cc = std::env::var(format!("CC_{under}")).unwrap_or_else(|_| format!("{prefix}-gcc"));
        let runner = match std::env::var(format!("CARGO_TARGET_{}_RUNNER", under.to_uppercase())) {
            Ok(r) => r.split_whitespace().map(str::to_string).collect(),
            Err(_) => vec![qemu.to_string(), "-L".to_string(), format!("/usr/{prefix}")],
        };
        Target { triple, cc, nm: format!("{prefix}-nm"), clang_target: Some(prefix.to_string()), runner }
    })
}

/// True when the target's programs run under an emulator here (a cross test run).
pub fn is_emulated() -> bool {
    !current().runner.is_empty()
}

/// A command that runs the target's C compiler.
pub fn cc() -> Command {
    Command::new(&current().cc)
}

/// A command that runs clang for the target (it finds Debian's cross sysroots by the GNU triple), or None
/// when clang is not installed.
pub fn clang() -> Option<Command> {
    let found = Command::new("clang").arg("--version").output().is_ok_and(|o| o.status.success());
    found.then(|| {
        let mut c = Command::new("clang");
        if let Some(t) = &current().clang_target {
            c.arg(format!("--target={t}"));
        }
        c
    })
}

/// Finishes `cmd` (the target's C compiler with its flags, sources and libraries) with `-o exe` and runs it;
/// a failed build panics with `what` and the compiler's messages.
pub fn build(cmd: &mut Command, exe: &Path, what: &str) {
    let out = cmd.arg("-o").arg(exe).output().unwrap_or_else(|e| panic!("{what}: the compiler does not start: {e}"));
    assert!(out.status.success(), "{what} did not build:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// A command that runs `nm` for the target's objects.
pub fn nm() -> Command {
    Command::new(&current().nm)
}

/// A command that runs a program built for the target: directly, or under the emulator.
pub fn run(exe: &Path) -> Command {
    match current().runner.split_first() {
        None => Command::new(exe),
        Some((emulator, args)) => {
            let mut c = Command::new(emulator);
            c.args(args).arg(exe);
            c
        }
    }
}
