//! Helpers shared by the integration tests: paths, the built libraries, C compilation, header parsing.
#![allow(dead_code)]

pub mod cabi;
pub mod ffi;
pub mod sees;
pub mod target;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch directory for one test, under cargo's target tmpdir.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Reports that a test cannot run because a tool is not installed: NOT RUN on stderr, or a failure when
/// `XPDRM_REQUIRE_TOOLS` is set. CI installs every tool and sets it, so that a skip there cannot hide a check.
pub fn tool_missing(what: &str) {
    assert!(std::env::var_os("XPDRM_REQUIRE_TOOLS").is_none(), "{what}, and XPDRM_REQUIRE_TOOLS is set");
    eprintln!("*** NOT RUN: {what} ***");
}

/// The directory that holds the libraries cargo built for this very test run: `target/<profile>/deps`, next
/// to the test binary. (`cargo test` does not copy them up to `target/<profile>/`; what is there may be a
/// stale `cargo build` artifact.)
pub fn lib_dir() -> PathBuf {
    std::env::current_exe().unwrap().parent().unwrap().to_path_buf()
}

fn built(name: &str) -> PathBuf {
    let path = lib_dir().join(name);
    assert!(path.exists(), "{} was not built; cargo builds it with the test targets", path.display());
    path
}

/// The libraries a static libxpdrm needs on Linux (`cargo rustc -- --print native-static-libs`).
pub const NATIVE_LIBS: &[&str] = &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

pub fn static_lib() -> PathBuf {
    built("libxpdrm.a")
}

pub fn shared_lib() -> PathBuf {
    built("libxpdrm.so")
}

/// The SONAME the shared library was linked with (`build.rs`): the file name programs linked to it load.
pub const SONAME: &str = env!("XPDRM_SONAME");

/// A fresh directory named `name` that holds this run's shared library the way an installed `lib/` does: as
/// `libxpdrm.so` (what `-lxpdrm` finds) and as its SONAME (what the dynamic loader looks for).
pub fn shared_lib_dir(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    for link in ["libxpdrm.so", SONAME] {
        std::os::unix::fs::symlink(shared_lib(), dir.join(link)).unwrap();
    }
    dir
}

/// The `xpdrm_*` functions a library defines (global text symbols).
pub fn exported_symbols(lib: &Path) -> BTreeSet<String> {
    let out = target::nm().args(["-g", "--defined-only"]).arg(lib).output().expect("nm (binutils)");
    assert!(out.status.success(), "nm failed on {}", lib.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace().rev();
            let (name, kind) = (parts.next()?, parts.next()?);
            (kind == "T" && name.starts_with("xpdrm_")).then(|| name.to_string())
        })
        .collect()
}

/// The header with its comments blanked out.
pub fn strip_comments(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut rest = header;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*/").map_or(rest.len(), |e| start + e + 2);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n")
}

/// The names of the functions the header declares: identifiers `xpdrm_*` directly followed by `(`.
pub fn header_functions(header: &str) -> BTreeSet<String> {
    let code = strip_comments(header);
    let mut names = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(off) = code[i..].find("xpdrm_") {
        let start = i + off;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let preceded_ok = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if preceded_ok && bytes.get(end) == Some(&b'(') {
            names.insert(code[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    names
}

/// The integer macros of the header: `#define XPDRM_X 12`.
pub fn header_defines(header: &str) -> BTreeMap<String, i64> {
    header
        .lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("#define ")?.split_whitespace();
            let (name, value) = (w.next()?, w.next()?);
            Some((name.to_string(), value.parse().ok()?))
        })
        .collect()
}

/// The constants of the C enum `name`: (constant, value, documentation text).
pub fn header_enum(header: &str, name: &str) -> Vec<(String, i32, String)> {
    let start = header.find(&format!("enum {name}")).unwrap_or_else(|| panic!("no enum {name} in header"));
    let body_start = start + header[start..].find('{').unwrap() + 1;
    let body_end = body_start + header[body_start..].find("\n}").unwrap();
    let mut result = Vec::new();
    let mut doc = String::new();
    let mut in_doc = false;
    for line in header[body_start..body_end].lines().map(str::trim) {
        if line.starts_with("/**") {
            in_doc = true;
            doc.clear();
            let rest = line.trim_start_matches("/**").trim_end_matches("*/").trim();
            doc.push_str(rest);
            if line.ends_with("*/") {
                in_doc = false;
            }
        } else if in_doc {
            if line.starts_with("*/") {
                in_doc = false;
            } else {
                let text = line.trim_start_matches('*').trim();
                if !doc.is_empty() && !text.is_empty() {
                    doc.push(' ');
                }
                doc.push_str(text);
            }
        } else if let Some((constant, value)) = line.trim_end_matches(',').split_once('=') {
            let value: i32 = value.trim().parse().unwrap_or_else(|_| panic!("bad enum value in {line}"));
            result.push((constant.trim().to_string(), value, std::mem::take(&mut doc)));
        }
    }
    result
}
