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
    assert!(
        out.status.success(),
        ".ci/install failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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
    common::target::build(
        common::target::cc().arg("-std=c99").arg(source).args(flags),
        &exe,
        &format!("{} with {flags:?}", source.display()),
    );
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
    assert_eq!(
        flags,
        vec![format!("-I{}/include", prefix.display()), format!("-L{}/lib", prefix.display()), "-lxpdrm".into()]
    );
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
    common::target::build(
        clang
            .arg("-fmodules")
            .arg(format!("-fmodules-cache-path={}", prefix.join("module-cache").display()))
            .arg(common::root().join("tests/c/module_import.c"))
            .args(pkg_config(&prefix, &["--cflags", "--libs"])),
        &exe,
        "tests/c/module_import.c against the installed module",
    );
    let run = common::target::run(&exe).env("LD_LIBRARY_PATH", prefix.join("lib")).output().unwrap();
    assert!(run.status.success() && String::from_utf8_lossy(&run.stdout).contains("module xpdrm: xpdrm/"));
}

/// CMake alone finds the installed package (`lib/cmake/xpdrm`): `tests/cmake/` is a C++ program with
/// `find_package(xpdrm 0.1 CONFIG REQUIRED)`, linked once to `xpdrm::xpdrm` (the shared library, loaded by
/// its SONAME) and once to `xpdrm::xpdrm_static` (no libxpdrm at run time). For a cross target (`cargo
/// test --target armv7-unknown-linux-gnueabihf`, which `.ci/run` runs) CMake gets
/// `.ci/toolchains/<triple>.cmake` and the programs run under qemu. A request for 0.2 is refused.
#[test]
fn cmake_finds_the_installed_package_for_a_cpp_program_shared_and_static() {
    if !Command::new("cmake").arg("--version").output().is_ok_and(|o| o.status.success()) {
        common::tool_missing("cmake is not installed (apt-get install cmake)");
        return;
    }
    let target = common::target::current();
    if common::target::is_emulated() {
        let cxx = target.cc.replace("-gcc", "-g++");
        if !Command::new(&cxx).arg("--version").output().is_ok_and(|o| o.status.success()) {
            common::tool_missing(&format!("no {cxx} (apt-get install g++-{})", target.cc.trim_end_matches("-gcc")));
            return;
        }
    }
    let Some(prefix) = install("install-cmake", &[]) else { return };
    for file in ["xpdrmConfig.cmake", "xpdrmConfigVersion.cmake"] {
        assert!(prefix.join("lib/cmake/xpdrm").join(file).is_file(), "{file} missing");
    }
    let build = prefix.parent().unwrap().join("build");
    let _ = std::fs::remove_dir_all(&build);
    let configure = |source: &Path, build: &Path| {
        let mut cmake = Command::new("cmake");
        cmake.arg("-S").arg(source).arg("-B").arg(build).arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()));
        if common::target::is_emulated() {
            let toolchain = common::root().join(".ci/toolchains").join(format!("{}.cmake", target.triple));
            assert!(toolchain.is_file(), "no toolchain file {}", toolchain.display());
            cmake.arg(format!("-DCMAKE_TOOLCHAIN_FILE={}", toolchain.display()));
        }
        cmake.output().unwrap()
    };
    let out = configure(&common::root().join("tests/cmake"), &build);
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "cmake configure failed:\n{log}");
    assert!(
        log.contains(&format!("xpdrm {} from {}", env!("CARGO_PKG_VERSION"), prefix.join("lib/cmake/xpdrm").display())),
        "{log}"
    );
    let out = Command::new("cmake").arg("--build").arg(&build).output().unwrap();
    assert!(
        out.status.success(),
        "cmake --build failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let lib = prefix.join("lib");
    for (exe, shared) in [("player_shared", true), ("player_static", false)] {
        let exe = build.join(exe);
        let run = common::target::run(&exe).env("LD_LIBRARY_PATH", &lib).output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{}: {stdout}{}", exe.display(), String::from_utf8_lossy(&run.stderr));
        assert_eq!(stdout.lines().last(), Some("cmake player: OK"), "{stdout}");
        assert!(stdout.contains("key f2434ca0f6a7de822574bf2f8190f6cd"), "{stdout}");
        let needed = needed_libraries(&exe);
        assert_eq!(needed.contains(&common::SONAME.to_string()), shared, "{}: {needed:?}", exe.display());
        assert!(!needed.iter().any(|n| n.starts_with("libxpdrm") && n != common::SONAME), "{needed:?}");
    }

    // The version file: 0.1 finds 0.1.x; 0.2 (another ABI line before 1.0) does not.
    let newer = prefix.parent().unwrap().join("wants-0.2");
    std::fs::create_dir_all(&newer).unwrap();
    std::fs::write(
        newer.join("CMakeLists.txt"),
        "cmake_minimum_required(VERSION 3.13)\nproject(p LANGUAGES C)\nfind_package(xpdrm 0.2 CONFIG REQUIRED)\n",
    )
    .unwrap();
    let out = configure(&newer, &newer.join("build"));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && log.contains("0.1.0"), "find_package(xpdrm 0.2) must refuse 0.1.0:\n{log}");
}
