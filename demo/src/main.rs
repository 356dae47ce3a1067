//! The offline demo (the README's main command):
//!
//! ```sh
//! cargo run --release -p xpdrm-demo
//! ```
//!
//! It starts the local servers (an ExpressPlay-compatible token, license and record server, and a SEES
//! reference server over mutual TLS, all on 127.0.0.1 with certificates made at start), builds the C program
//! `examples-c/http_device_binding.c` against the release static library with the README's link line, runs
//! it with the servers' addresses, and relays what it prints: a device registers its cookie, sends a
//! stand-in SPC, gets its device bound, obtains a device-bound token, redeems it for a license and unwraps
//! the content key; another device is refused. Then it shows what the servers saw. Nothing leaves the
//! machine. It exits non-zero if any step fails.
//!
//! `--valgrind` runs the C program under valgrind (memcheck, definite and indirect leaks counted as errors,
//! `.ci/valgrind.supp` for two false positives of ring's AES-GCM assembly): CI does, to check the C paths of
//! the HTTP client for leaks and memory errors besides the sanitizer runs of the tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use xpdrm_testsrv::TestServers;

/// What Rust's standard library needs from the system when linked statically (README, "Building and
/// linking").
const NATIVE_LIBS: &[&str] = &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];
const PROGRAM: &str = "http_device_binding";

fn fail(what: &str) -> ExitCode {
    eprintln!("xpdrm-demo: {what}");
    ExitCode::FAILURE
}

/// The static library of this build: cargo builds it next to this binary (in `deps/`, as the library's
/// other crate types) when it builds the demo.
fn static_library() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join("deps/libxpdrm.a"), dir.join("libxpdrm.a")].into_iter().find(|p| p.exists())
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn main() -> ExitCode {
    // The repository root: the demo package is one of its workspace members (demo/).
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(Path::to_path_buf).unwrap_or(manifest);
    println!("xpdrm demo: the device-binding flow of SEES (SPEC.md §6), offline, against local servers");
    // SAFETY: a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(xpdrm::ffi::basics::xpdrm_version()) };
    println!("  ({}; the C program links the same library)", version.to_string_lossy());
    let servers = match TestServers::start() {
        Ok(s) => s,
        Err(e) => return fail(&format!("the local servers did not start: {e}")),
    };
    println!("servers: a test CA made just now; every server on 127.0.0.1");
    println!(
        "servers: ExpressPlay-compatible token, license and getrecord server at {}",
        servers.expressplay.base_url()
    );
    println!(
        "servers: SEES at {} (mutual TLS: the device needs a client certificate of the test CA)",
        servers.sees.url()
    );
    println!("servers: two provisioned devices, each with its own KEK; one piece of test content (PlayReady)");

    let Some(lib) = static_library() else {
        return fail("libxpdrm.a was not found next to this program: run it with cargo run --release -p xpdrm-demo");
    };
    let work = lib.parent().and_then(Path::parent).unwrap_or(&root).join("demo");
    if let Err(e) = std::fs::create_dir_all(&work) {
        return fail(&format!("cannot create {}: {e}", work.display()));
    }
    let source = root.join("examples-c").join(format!("{PROGRAM}.c"));
    let exe = work.join(PROGRAM);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let mut build = Command::new(&cc);
    build.arg("-std=c99").arg(format!("-I{}", root.join("include").display())).arg(&source).arg(&lib);
    build.args(NATIVE_LIBS).arg("-Wl,--gc-sections").arg("-o").arg(&exe);
    println!(
        "build: {cc} -std=c99 -Iinclude {} {} {} -Wl,--gc-sections -o {}",
        shown(&source, &root),
        shown(&lib, &root),
        NATIVE_LIBS.join(" "),
        shown(&exe, &root)
    );
    match build.output() {
        Err(e) => return fail(&format!("cannot run the C compiler {cc:?} ({e}); install one (cc) or set CC")),
        Ok(out) if !out.status.success() => {
            return fail(&format!("the C program did not compile:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(_) => {}
    }

    let env = match servers.env(&work.join("pki")) {
        Ok(env) => env,
        Err(e) => return fail(&format!("cannot write the test certificates: {e}")),
    };
    println!("run: {} (the servers' addresses and the test data in XPDRM_TEST_* variables)", shown(&exe, &root));
    let valgrind = std::env::args().skip(1).any(|a| a == "--valgrind");
    let mut run = if valgrind {
        let mut c = Command::new("valgrind");
        c.args(["--quiet", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99"]);
        // ring's AES-GCM assembly gives two known false positives; see the file.
        c.arg(format!("--suppressions={}", root.join(".ci/valgrind.supp").display()));
        c.arg(&exe);
        println!("     under valgrind (memcheck; a leak or a memory error fails the run)");
        c
    } else {
        Command::new(&exe)
    };
    let mut child = match run.envs(env).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => {
            return fail(&format!(
                "cannot run {}{}: {e}",
                exe.display(),
                if valgrind { " under valgrind" } else { "" }
            ));
        }
    };
    let mut ok_line = false;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            ok_line |= line == format!("{PROGRAM}: OK");
            println!("  {line}");
        }
    }
    let mut errors = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut err, &mut errors);
    }
    let status = child.wait();
    println!("what the servers saw:");
    for event in servers.events.take() {
        println!("  {event}");
    }
    let succeeded = matches!(status, Ok(s) if s.success()) && ok_line && errors.is_empty();
    if !succeeded {
        return fail(&format!("the device-binding story did not complete ({status:?}):\n{errors}"));
    }
    println!("xpdrm demo: OK (the device got its license; the other device was refused)");
    ExitCode::SUCCESS
}
