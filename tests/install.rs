//! The install layout (`.ci/install`): a prefix gets the static and shared libraries (with the SONAME and its
//! links), the header, the module map and `xpdrm.pc`; C programs build against it with nothing but
//! `pkg-config`. The libraries installed are the ones of this test run (`--from`), for its target: under
//! `cargo test --target aarch64-unknown-linux-gnu` this checks a cross install, compiled with the cross gcc
//! (pkg-config pointed at the prefix with `PKG_CONFIG_LIBDIR`, as for any cross build) and run under qemu.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Installs this run's libraries into a fresh prefix named `name`; None if pkg-config is missing.
fn install(name: &str, extra: &[&str]) -> Option<PathBuf> {
    if !Command::new("pkg-config").arg("--version").output().is_ok_and(|o| o.status.success()) {
        common::tool_missing("pkg-config is not installed (apt-get install pkg-config)");
        return None;
    }
    let prefix = common::scratch_dir(name).join("prefix");
    let out = Command::new("bash")
        .arg(common::root().join(".ci/install"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--target")
        .arg(common::target::current().triple)
        .arg("--from")
        .arg(common::lib_dir())
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), ".ci/install failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Some(prefix)
}

/// `pkg-config <args> xpdrm` against `prefix` only, split into compiler arguments.
fn pkg_config(prefix: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("pkg-config")
        .env("PKG_CONFIG_LIBDIR", prefix.join("lib/pkgconfig"))
        .env_remove("PKG_CONFIG_PATH")
        .args(args)
        .arg("xpdrm")
        .output()
        .unwrap();
    assert!(out.status.success(), "pkg-config {args:?} xpdrm: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().split_whitespace().map(str::to_string).collect()
}

fn needed_libraries(binary: &Path) -> Vec<String> {
    dynamic_entries(binary, "NEEDED")
}

/// Values of one kind of entry in the dynamic section (`readelf` reads ELF files of any architecture).
fn dynamic_entries(binary: &Path, kind: &str) -> Vec<String> {
    let out = Command::new("readelf").arg("-d").arg(binary).output().expect("readelf (binutils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&format!("({kind})")))
        .filter_map(|l| Some(l.split_once('[')?.1.trim_end_matches(']').to_string()))
        .collect()
}

/// Compiles `source` with `flags` (from pkg-config), runs it with `env`, and checks its last line.
fn build_and_run(dir: &Path, source: &Path, flags: &[String], env: &[(&str, &Path)], last_line: &str) -> PathBuf {
    let exe = dir.join(source.file_stem().unwrap());
    let out = common::target::cc().arg("-std=c99").arg(source).args(flags).arg("-o").arg(&exe).output().unwrap();
    assert!(out.status.success(), "{} with {flags:?}:\n{}", source.display(), String::from_utf8_lossy(&out.stderr));
    let run = common::target::run(&exe).envs(env.iter().copied()).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(stdout.lines().last(), Some(last_line), "{stdout}");
    exe
}

#[test]
fn the_prefix_has_the_conventional_layout_and_soname() {
    let Some(prefix) = install("install-layout", &[]) else { return };
    let lib = prefix.join("lib");
    let version = env!("CARGO_PKG_VERSION");
    for file in ["lib/libxpdrm.a", "include/xpdrm.h", "include/xpdrm/module.modulemap", "lib/pkgconfig/xpdrm.pc"] {
        assert!(prefix.join(file).is_file(), "{file} missing");
    }
    let real = format!("libxpdrm.so.{version}");
    assert!(lib.join(&real).is_file() && !lib.join(&real).is_symlink());
    assert_eq!(std::fs::read_link(lib.join(common::SONAME)).unwrap(), Path::new(&real));
    assert_eq!(std::fs::read_link(lib.join("libxpdrm.so")).unwrap(), Path::new(common::SONAME));

    // The SONAME policy: libxpdrm.so.0.<minor> before 1.0, libxpdrm.so.<major> after (build.rs).
    let (major, minor) = (env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR"));
    let policy = if major == "0" { format!("libxpdrm.so.0.{minor}") } else { format!("libxpdrm.so.{major}") };
    assert_eq!(common::SONAME, policy);
    assert_eq!(dynamic_entries(&lib.join(&real), "SONAME"), vec![policy]);

    // Libs.private is what a static link needs, the list the other tests link with.
    let private = pkg_config(&prefix, &["--static", "--libs-only-l"]);
    let expected: Vec<String> =
        std::iter::once("-lxpdrm").chain(common::NATIVE_LIBS.iter().copied()).map(str::to_string).collect();
    assert_eq!(private, expected);
    assert_eq!(pkg_config(&prefix, &["--modversion"]), vec![version.to_string()]);
}

#[test]
fn a_c_program_builds_with_pkg_config_alone_and_loads_the_installed_shared_library() {
    let Some(prefix) = install("install-shared", &[]) else { return };
    let flags = pkg_config(&prefix, &["--cflags", "--libs"]);
    assert_eq!(flags, vec![format!("-I{}/include", prefix.display()), format!("-L{}/lib", prefix.display()), "-lxpdrm".into()]);
    let source = common::root().join("examples-c/unwrap_key.c");
    let lib = prefix.join("lib");
    let exe = build_and_run(&prefix, &source, &flags, &[("LD_LIBRARY_PATH", &lib)], "unwrap_key: OK");
    // Linked against the SONAME, so it loads libxpdrm.so.0.<minor>, never a later incompatible release.
    assert!(needed_libraries(&exe).contains(&common::SONAME.to_string()), "{:?}", needed_libraries(&exe));
}

#[test]
fn a_static_only_install_links_with_pkg_config_static() {
    let Some(prefix) = install("install-static", &["--static-only"]) else { return };
    assert!(!prefix.join("lib/libxpdrm.so").exists());
    let mut flags = pkg_config(&prefix, &["--static", "--cflags", "--libs"]);
    flags.push("-Wl,--gc-sections".into());
    let source = common::root().join("examples-c/unwrap_key.c");
    let exe = build_and_run(&prefix, &source, &flags, &[], "unwrap_key: OK");
    let needed = needed_libraries(&exe);
    assert!(!needed.iter().any(|n| n.starts_with("libxpdrm")), "{needed:?}");
}

#[test]
fn clang_imports_the_installed_module_with_pkg_config_flags() {
    let Some(prefix) = install("install-module", &[]) else { return };
    let Some(mut clang) = common::target::clang() else {
        common::tool_missing("clang is not installed (apt-get install clang)");
        return;
    };
    // Only -I<prefix>/include: clang finds include/xpdrm/module.modulemap in the directory named after the
    // module, as Swift's importer does.
    let exe = prefix.join("module_import");
    let out = clang
        .arg("-fmodules")
        .arg(format!("-fmodules-cache-path={}", prefix.join("module-cache").display()))
        .arg(common::root().join("tests/c/module_import.c"))
        .args(pkg_config(&prefix, &["--cflags", "--libs"]))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = common::target::run(&exe).env("LD_LIBRARY_PATH", prefix.join("lib")).output().unwrap();
    assert!(run.status.success() && String::from_utf8_lossy(&run.stdout).contains("module xpdrm: xpdrm/"));
}
