//! The C examples are documentation and tests: each `examples-c/*.c` is compiled against the header and the
//! static library with `-std=c99 -Wall -Wextra -Werror -pedantic`, run, and checked: it must exit 0 and print
//! every line its source announces with `EXPECT:`. Then again under AddressSanitizer (with LeakSanitizer) and
//! UndefinedBehaviorSanitizer when the compiler supports them, and once linked against the shared library.
//! Every run must leave stderr empty: the examples write there only on failure, and xpdrm never writes to the
//! host's streams.
//!
//! For a cross test run (`cargo test --target aarch64-unknown-linux-gnu`) the examples are built with the
//! cross compiler and run under qemu (`tests/common/target.rs`).
//!
//! An example whose opening comment says `NEEDS: test-servers` talks to the local servers: when the cargo
//! feature `http` is compiled in (the local servers of testsrv/ exist then), each test starts them in this process (on 127.0.0.1) and passes
//! their addresses, certificate files and test data in `XPDRM_TEST_*` variables; without it the example is
//! skipped with a NOT RUN note. That skip is a build choice, not a missing tool, so `XPDRM_REQUIRE_TOOLS`
//! does not turn it into a failure (CI runs the examples with `--all-features` too).

mod common;

use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(common::root().join("examples-c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no C examples found");
    v
}

/// True when the example's opening comment says `NEEDS: test-servers`.
fn needs_servers(source: &Path) -> bool {
    std::fs::read_to_string(source)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with("#include"))
        .any(|l| l.trim_start_matches([' ', '*', '/']).trim() == "NEEDS: test-servers")
}

/// The environment of the examples that need the local servers, and the servers (stopped when dropped), or
/// None when this build has no `http` feature (and so no local servers).
/// The local servers and, when tinyproxy is installed, a proxy (both stopped when dropped).
#[cfg(feature = "http")]
type Running = (xpdrm_testsrv::TestServers, Option<http_net_support::Tinyproxy>);

#[cfg(feature = "http")]
fn servers(name: &str) -> Option<(Running, Vec<(String, String)>)> {
    let servers = xpdrm_testsrv::TestServers::start().expect("the local test servers start");
    let mut env = servers.env(&common::scratch_dir(&format!("{name}-pki"))).unwrap();
    // A real proxy for examples/http_network.c, when tinyproxy is installed (.ci/run installs it).
    let proxy = (!http_net_support::missing("tinyproxy")).then(|| http_net_support::Tinyproxy::start(None, &[]));
    if let Some(p) = &proxy {
        env.push(("XPDRM_TEST_PROXY_URL".to_owned(), p.url()));
    }
    Some(((servers, proxy), env))
}

#[cfg(feature = "http")]
mod http_net_support;

#[cfg(not(feature = "http"))]
fn servers(_: &str) -> Option<((), Vec<(String, String)>)> {
    None
}

/// Runs each example with `env` plus the servers' environment for those that need it (skipping those when
/// there are no servers in this build).
fn run_all(name: &str, env: &[(&str, &str)], mut run: impl FnMut(&Path, &[(&str, &str)])) {
    let mut served = None;
    for source in examples() {
        if !needs_servers(&source) {
            run(&source, env);
            continue;
        }
        if served.is_none() {
            served = Some(servers(name));
        }
        match served.as_ref().and_then(Option::as_ref) {
            Some((_servers, server_env)) => {
                let mut all: Vec<(&str, &str)> = env.to_vec();
                all.extend(server_env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                run(&source, &all);
            }
            None => eprintln!(
                "*** NOT RUN: {} needs the local test servers (they exist in a build with the cargo feature http; --all-features runs it) ***",
                source.display()
            ),
        }
    }
}

fn expectations(source: &Path) -> Vec<String> {
    std::fs::read_to_string(source)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim_start_matches([' ', '*', '/']).strip_prefix("EXPECT: ").map(str::to_string))
        .collect()
}

fn compile(source: &Path, exe: &Path, extra: &[&str], link: &[String]) {
    common::target::build(
        common::target::cc()
            .args(["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
            .arg(common::root().join("include"))
            .args(extra)
            .arg(source)
            .args(link),
        exe,
        &source.display().to_string(),
    );
}

fn run_and_check(source: &Path, exe: &Path, env: &[(&str, &str)]) {
    let out = common::target::run(exe).envs(env.iter().copied()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{} failed ({:?}):\n{stdout}\n{stderr}", exe.display(), out.status);
    assert!(stderr.is_empty(), "{} wrote to stderr:\n{stderr}", exe.display());
    let expected = expectations(source);
    assert!(!expected.is_empty(), "{} announces no EXPECT: lines", source.display());
    for line in expected {
        assert!(stdout.lines().any(|l| l == line), "{}: missing output line {line:?} in:\n{stdout}", exe.display());
    }
}

fn static_link() -> Vec<String> {
    let mut v = vec![common::static_lib().display().to_string()];
    v.extend(common::NATIVE_LIBS.iter().map(|s| s.to_string()));
    v
}

/// True if the compiler can build and run a program with these sanitizer flags and options here.
fn sanitizer_works(flags: &[&str], env: &[(&str, &str)]) -> bool {
    let dir = common::scratch_dir("sanitizer-probe");
    let src = dir.join("probe.c");
    std::fs::write(&src, "#include <stdlib.h>\nint main(void) { void *p = malloc(4); free(p); return 0; }\n").unwrap();
    let exe = dir.join("probe");
    let built =
        common::target::cc().args(flags).arg(&src).arg("-o").arg(&exe).output().is_ok_and(|o| o.status.success());
    built && common::target::run(&exe).envs(env.iter().copied()).output().is_ok_and(|o| o.status.success())
}

#[test]
fn c_examples_build_and_pass_against_the_static_library() {
    let dir = common::scratch_dir("c-examples-static");
    run_all("c-examples-static", &[], |source, env| {
        let exe = dir.join(source.file_stem().unwrap());
        compile(source, &exe, &[], &static_link());
        run_and_check(source, &exe, env);
    });
}

#[test]
fn c_examples_pass_under_address_and_undefined_behavior_sanitizers() {
    let flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];
    // LeakSanitizer needs ptrace, which qemu user-mode emulation does not provide: under emulation, ASan and
    // UBSan run without leak detection (the native run of this test checks leaks).
    let asan = if common::target::is_emulated() {
        eprintln!(
            "*** NOTE: leak detection is off under emulation ({}); ASan and UBSan still run ***",
            common::target::current().triple
        );
        "detect_leaks=0:abort_on_error=1"
    } else {
        "detect_leaks=1:abort_on_error=1"
    };
    let env = [("ASAN_OPTIONS", asan), ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")];
    if !sanitizer_works(&flags, &env) {
        common::tool_missing(&format!(
            "{} cannot build and run ASan/UBSan programs here",
            common::target::current().cc
        ));
        return;
    }
    let dir = common::scratch_dir("c-examples-asan");
    run_all("c-examples-asan", &env, |source, env| {
        let exe = dir.join(source.file_stem().unwrap());
        compile(source, &exe, &flags, &static_link());
        run_and_check(source, &exe, env);
    });
}

#[test]
fn c_examples_pass_against_the_shared_library() {
    let dir = common::scratch_dir("c-examples-shared");
    let lib_dir = common::shared_lib_dir("c-examples-shared-lib").display().to_string();
    let link = vec![format!("-L{lib_dir}"), format!("-Wl,-rpath,{lib_dir}"), "-lxpdrm".to_string()];
    // cargo puts target/<profile> (where an older `cargo build` may have left another libxpdrm.so) on
    // LD_LIBRARY_PATH, which outranks the RUNPATH: name this run's library directory explicitly.
    run_all("c-examples-shared", &[("LD_LIBRARY_PATH", lib_dir.as_str())], |source, env| {
        let exe = dir.join(source.file_stem().unwrap());
        compile(source, &exe, &[], &link);
        run_and_check(source, &exe, env);
    });
}
