//! Every exported function goes through the one boundary guard, lives in `src/ffi/`, and is declared in the
//! header; every status-returning export is `#[must_use]` (XPDRM_MUST_USE in C).
//!
//! The check reads the source with `syn`: an export is any `extern "C"` function or `no_mangle` item in the
//! crate. Its body must be a single `ffi_guard!` invocation.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{Attribute, Item, Stmt};

struct Export {
    name: String,
    file: PathBuf,
    guarded: bool,
    no_mangle: bool,
    must_use: bool,
    returns_status: bool,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn has_attr(attrs: &[Attribute], word: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident(word)
            || (a.path().is_ident("unsafe") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == word))
    })
}

fn is_guard_call(stmts: &[Stmt]) -> bool {
    let mac = match stmts {
        [Stmt::Expr(syn::Expr::Macro(m), None)] => &m.mac,
        [Stmt::Macro(m)] => &m.mac,
        _ => return false,
    };
    mac.path.is_ident("ffi_guard")
}

fn collect(items: &[Item], file: &Path, out: &mut Vec<Export>) {
    for item in items {
        match item {
            Item::Fn(f) => {
                let is_extern = f.sig.abi.is_some();
                let no_mangle = has_attr(&f.attrs, "no_mangle");
                if is_extern || no_mangle {
                    let returns_status = match &f.sig.output {
                        syn::ReturnType::Type(_, ty) => {
                            matches!(&**ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "xpdrm_status"))
                        }
                        _ => false,
                    };
                    out.push(Export {
                        name: f.sig.ident.to_string(),
                        file: file.to_path_buf(),
                        guarded: is_guard_call(&f.block.stmts),
                        no_mangle,
                        must_use: has_attr(&f.attrs, "must_use"),
                        returns_status,
                    });
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, file, out);
                }
            }
            Item::Static(s) if has_attr(&s.attrs, "no_mangle") => {
                panic!("{}: exported static {} (the C API exports functions only)", file.display(), s.ident)
            }
            _ => {}
        }
    }
}

fn exports() -> Vec<Export> {
    let mut files = Vec::new();
    rust_files(&common::root().join("src"), &mut files);
    let mut out = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let parsed = syn::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        collect(&parsed.items, &file, &mut out);
    }
    out
}

#[test]
fn every_export_is_guarded_and_lives_in_the_ffi_folder() {
    let exports = exports();
    assert!(exports.len() >= 8, "found only {} exports: the scan is broken", exports.len());
    let ffi_dir = common::root().join("src/ffi");
    let mut problems = Vec::new();
    for e in &exports {
        if !e.file.starts_with(&ffi_dir) {
            problems.push(format!("{} is exported from {} (exports belong in src/ffi/)", e.name, e.file.display()));
        }
        if !e.guarded {
            problems.push(format!("{} does not consist of a single ffi_guard! invocation", e.name));
        }
        if !e.no_mangle {
            problems.push(format!("{} is extern \"C\" but not #[unsafe(no_mangle)]", e.name));
        }
        if !e.name.starts_with("xpdrm_") {
            problems.push(format!("{} lacks the xpdrm_ prefix", e.name));
        }
        if e.returns_status && !e.must_use {
            problems.push(format!("{} returns xpdrm_status but is not #[must_use]", e.name));
        }
    }
    assert!(problems.is_empty(), "boundary violations:\n{}", problems.join("\n"));
}

#[test]
fn the_guarded_exports_are_exactly_the_header_functions() {
    let found: BTreeSet<String> = exports().into_iter().map(|e| e.name).collect();
    let header = std::fs::read_to_string(common::root().join("include/xpdrm.h")).unwrap();
    assert_eq!(found, common::header_functions(&header));
}

#[test]
fn the_scan_recognises_an_unguarded_export() {
    // The checker itself must be able to fail.
    let bad: syn::File = syn::parse_str(
        r#"#[unsafe(no_mangle)] pub extern "C" fn xpdrm_bad(p: *const u8) -> xpdrm_status { unsafe { *p }; todo!() }"#,
    )
    .unwrap();
    let mut out = Vec::new();
    collect(&bad.items, Path::new("src/ffi/bad.rs"), &mut out);
    assert_eq!(out.len(), 1);
    assert!(!out[0].guarded && !out[0].must_use && out[0].returns_status);
}

/// A panic poisons the objects its call borrowed (src/ffi/guard.rs); that works only if every handle is
/// borrowed through the guard's helpers, never dereferenced directly.
#[test]
fn handles_are_borrowed_only_through_the_guards_helpers() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi"), &mut files);
    let mut direct = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("guard.rs")) {
        for (n, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            let raw_deref = line.contains("unsafe {") && (line.contains(".as_ref()") || line.contains(".as_mut()"));
            if raw_deref || line.contains("Box::from_raw") {
                direct.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(direct.is_empty(), "handles dereferenced outside src/ffi/guard.rs: {direct:#?}");
}
