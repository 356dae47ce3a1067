//! `include/module.modulemap` makes the header a clang module, which is what Swift imports. Swift is not
//! available here; clang's module support is the same machinery: a C file (`#pragma clang module import`)
//! and an Objective-C file (`@import xpdrm;`) import the module with `-fmodules`, call into it, are linked
//! against the static library, and run. Needs clang (CI installs it); prints NOT RUN without it.
//!
//! The installed module map (`.ci/install`, `include/xpdrm/module.modulemap`) is checked in `tests/install.rs`.

mod common;

use std::path::Path;

fn import_and_run(source: &str, include: &Path, expect: &str) {
    let Some(mut clang) = common::target::clang() else {
        common::tool_missing("clang is not installed (apt-get install clang)");
        return;
    };
    let dir = common::scratch_dir(&format!("module-map-{source}"));
    let exe = dir.join("module_import");
    common::target::build(
        clang
            .args(["-fmodules", "-Wall", "-Wextra", "-Werror"])
            .arg(format!("-fmodules-cache-path={}", dir.join("cache").display()))
            .arg("-I")
            .arg(include)
            .arg(common::root().join("tests/c").join(source))
            .arg(common::static_lib())
            .args(common::NATIVE_LIBS),
        &exe,
        "the module import (clang could not import the module)",
    );
    let run = common::target::run(&exe).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains(expect), "{stdout}");
    // The module was really built from the map (not a textual include): its precompiled form is in the cache.
    let pcm = walk(&dir.join("cache")).into_iter().any(|p| {
        p.file_name().unwrap().to_string_lossy().starts_with("xpdrm-") && p.extension().is_some_and(|e| e == "pcm")
    });
    assert!(pcm, "no xpdrm-*.pcm in the module cache");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn c_imports_the_xpdrm_module_and_calls_it() {
    import_and_run("module_import.c", &common::root().join("include"), "module xpdrm: xpdrm/");
}

#[test]
fn objective_c_at_import_finds_the_module() {
    import_and_run("module_import.m", &common::root().join("include"), "@import xpdrm: xpdrm/");
}

#[test]
fn the_module_map_declares_the_header_and_the_library_to_link() {
    let map = std::fs::read_to_string(common::root().join("include/module.modulemap")).unwrap();
    let words: Vec<&str> = map.split_whitespace().collect();
    for needed in [["module", "xpdrm"], ["header", "\"xpdrm.h\""], ["link", "\"xpdrm\""], ["export", "*"]] {
        assert!(words.windows(2).any(|w| w == needed), "module.modulemap lacks `{}`:\n{map}", needed.join(" "));
    }
}
