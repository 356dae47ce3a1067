//! The Swift-ready pass over cbindgen's output (README, "Swift"): every pointer of every function gets
//! `XPDRM_NULLABLE` or `XPDRM_NONNULL` (`_Nullable` / `_Nonnull` on clang, empty elsewhere), and the C enums
//! become closed enums (`XPDRM_CLOSED_ENUM`) with a fixed `int32_t` type on clang, so that Swift imports them
//! as Swift enums. Other compilers see what cbindgen wrote: `int32_t` typedefs and `#define`s.
//!
//! Nullability of a function's pointers, in this order:
//! 1. `/// cbindgen:nullable=\[name, ...\]` in the export's doc comment (in `src/ffi/`; `return` names the
//!    result; the brackets escaped for rustdoc) makes those pointers `_Nullable`. cbindgen keeps such lines
//!    out of the header's text.
//! 2. Rules: the argument of a `_free` function; an output buffer (a non-const pointer followed by a
//!    `size_t ..._cap`); a `(const uint8_t *ptr, size_t len)` input (NULL with length 0); a `userdata`; the
//!    object written through a `**out` (`T *_Nullable *_Nonnull out`).
//! 3. Everything else is `_Nonnull`: the export fails with `XPDRM_ERR_NULL_ARGUMENT` on NULL.
//! 4. A pointer field of a struct the library fills in (the HTTP event record) is `_Nonnull`.
//!
//! A check keeps rule 3 honest: an export whose body reads an argument with `opt_text(p)`, `p.is_null()`
//! (other than right before `XPDRM_ERR_NULL_ARGUMENT`), `p.as_ref()` or `p.as_mut()` accepts NULL there,
//! and generating the header fails until the argument is listed in rule 1 (or a rule covers it). Returned pointers are `_Nonnull` unless `return` is listed; a
//! body that returns `core::ptr::null()` must list it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the export's source says: the annotated nullable names, and the names its body treats as optional.
#[derive(Default, Debug)]
struct Export {
    annotated: BTreeSet<String>,
    accepts_null: BTreeSet<String>,
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Scans `src/ffi/*.rs` for exports (`fn xpdrm_...(`), their doc annotations and what their bodies accept.
fn exports(root: &Path) -> BTreeMap<String, Export> {
    let mut result = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("src/ffi")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(at) = line.find("extern \"C\" fn xpdrm_") else { continue };
            let name: String = line[at + 14..].chars().take_while(|&c| ident_char(c)).collect();
            let mut export = Export::default();
            // The attribute and doc block above.
            for above in lines[..i].iter().rev().map(|l| l.trim()) {
                if !(above.starts_with("///") || above.starts_with("#[")) {
                    break;
                }
                if let Some(list) =
                    above.strip_prefix("///").map(str::trim).and_then(|l| l.strip_prefix("cbindgen:nullable="))
                {
                    let list = list.trim().trim_start_matches(['\\', '[']).trim_end_matches([']', '\\']);
                    export.annotated.extend(list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
                }
            }
            // The signature's argument names and the body, up to the closing brace in column 0.
            let end = lines[i..].iter().position(|l| *l == "}").map_or(lines.len(), |p| i + p);
            let item = lines[i..end].join("\n");
            let sig_end = item.find('{').unwrap_or(item.len());
            let params: Vec<String> = item[..sig_end]
                .split(['(', ','])
                .skip(1)
                .filter_map(|p| p.split_once(':').map(|(n, _)| n.trim().to_string()))
                .collect();
            let body = &item[sig_end..];
            for p in params {
                let pats = [
                    format!("opt_text({p})"),
                    format!("{p}.is_null()"),
                    format!("{p}.as_ref()"),
                    format!("{p}.as_mut()"),
                ];
                let used = pats.iter().any(|pat| {
                    body.match_indices(pat.as_str()).any(|(at, _)| {
                        let standalone = at == 0 || !body[..at].ends_with(|c: char| ident_char(c) || c == '.');
                        // `if p.is_null() { return Err(XPDRM_ERR_NULL_ARGUMENT) }` refuses NULL: not optional.
                        let after = &body[at..body.len().min(at + 160)];
                        let refuses = pat.ends_with("is_null()") && after.contains("XPDRM_ERR_NULL_ARGUMENT");
                        (standalone || pat.starts_with("opt_text")) && !refuses
                    })
                });
                if used {
                    export.accepts_null.insert(p);
                }
            }
            if body.contains("ptr::null()") {
                export.accepts_null.insert("return".into());
            }
            result.insert(name, export);
        }
    }
    result
}

/// `T *name` -> `T *XPDRM_NULLABLE name` (or NONNULL); `T **name` -> `T *XPDRM_NULLABLE *XPDRM_NONNULL name`;
/// a function-pointer typedef gets the qualifier after it.
fn annotate_param(param: &str, nullable: bool, fn_ptr_types: &BTreeSet<String>) -> String {
    let q = if nullable { "XPDRM_NULLABLE" } else { "XPDRM_NONNULL" };
    let name_start = param.rfind(|c: char| !ident_char(c)).map_or(0, |p| p + 1);
    let (ty, name) = (param[..name_start].trim_end(), &param[name_start..]);
    if let Some(base) = ty.strip_suffix("**") {
        format!("{}*XPDRM_NULLABLE *XPDRM_NONNULL {name}", base)
    } else if ty.ends_with('*') {
        format!("{ty}{q} {name}")
    } else if fn_ptr_types.contains(ty) {
        format!("{ty} {q} {name}")
    } else {
        param.to_string()
    }
}

fn param_name(param: &str) -> &str {
    let start = param.rfind(|c: char| !ident_char(c)).map_or(0, |p| p + 1);
    &param[start..]
}

/// Nullability of each parameter of `function` (rules 1 and 2; false is `_Nonnull`), checked against what
/// the body accepts.
fn decide(function: &str, params: &[&str], export: Option<&Export>) -> Vec<bool> {
    let mut result = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let name = param_name(p);
        let ty = p[..p.len() - name.len()].trim_end();
        let next = params.get(i + 1).map(|n| n.trim()).unwrap_or("");
        let by_rule = function.ends_with("_free")
            || name == "userdata"
            || (ty.ends_with('*') && !ty.starts_with("const") && next.starts_with("size_t ") && next.ends_with("cap"))
            || (ty == "const uint8_t *" && next.starts_with("size_t ") && !next.contains('*'));
        let annotated = export.is_some_and(|e| e.annotated.contains(name));
        if let Some(e) = export {
            assert!(
                !e.accepts_null.contains(name) || by_rule || annotated || ty.ends_with("**"),
                "{function} accepts NULL for `{name}` (its body reads it as optional), but the header would say \
                 _Nonnull: add `/// cbindgen:nullable=\\[{name}\\]` to its doc comment (tests/header_support/mod.rs)"
            );
        }
        result.push(by_rule || annotated);
    }
    result
}

/// Rewrites the function declarations and the function-pointer typedefs.
fn nullability(header: &str, exports: &BTreeMap<String, Export>) -> String {
    let mut fn_ptr_types = BTreeSet::new();
    for line in header.lines() {
        if let Some(rest) = line.strip_prefix("typedef ").and_then(|l| l.split_once("(*")) {
            fn_ptr_types.insert(rest.1.chars().take_while(|&c| ident_char(c)).collect::<String>());
        }
    }
    for e in exports.values() {
        for name in &e.annotated {
            assert!(!name.contains(' '), "bad cbindgen:nullable entry {name:?}");
        }
    }
    let lines: Vec<&str> = header.lines().collect();
    let mut out = String::with_capacity(header.len() + header.len() / 8);
    let mut seen = BTreeSet::new();
    let mut in_struct = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let starts_decl = !line.starts_with(['#', ' ', '*', '/', '}'])
            && !line.is_empty()
            && line.contains("xpdrm_")
            && line.contains('(')
            && !line.starts_with("XPDRM_MUST_USE");
        if !starts_decl {
            if line.starts_with("typedef struct ") && line.ends_with('{') {
                in_struct = true;
            } else if line.starts_with('}') {
                in_struct = false;
            }
            // A pointer field of a struct the library fills in (the event record's `host`, `path`): always
            // valid while the struct is, so `_Nonnull`.
            let field = line.trim_start();
            if in_struct
                && line.starts_with("    ")
                && !field.starts_with(['*', '/'])
                && field.ends_with(';')
                && let Some(star) = field.rfind('*')
            {
                let indent = &line[..line.len() - field.len()];
                out.push_str(&format!("{indent}{}*XPDRM_NONNULL {}\n", &field[..star], field[star + 1..].trim_start()));
                i += 1;
                continue;
            }
            out.push_str(line);
            out.push('\n');
            i += 1;
            continue;
        }
        let mut end = i;
        while !lines[end].trim_end().ends_with(';') {
            end += 1;
        }
        let decl = lines[i..=end].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        let decl = decl.trim_end_matches(';');
        let typedef = decl.starts_with("typedef ");
        // Head (return type and name, or the typedef's head) and the parameter list.
        let (head, params) = if typedef {
            let close = decl.find(")(").expect("function-pointer typedef") + 1;
            (decl[..close].to_string(), &decl[close + 1..decl.len() - 1])
        } else {
            let open = decl.find('(').unwrap();
            (decl[..open].to_string(), &decl[open + 1..decl.len() - 1])
        };
        let function: String = if typedef {
            fn_ptr_types.iter().find(|t| head.contains(&format!("(*{t})"))).cloned().unwrap_or_default()
        } else {
            param_name(&head).to_string()
        };
        let export = exports.get(&function);
        if !typedef {
            assert!(export.is_some(), "{function} is declared in the header but not found in src/ffi/");
            seen.insert(function.clone());
        }
        let params: Vec<&str> = if params.trim() == "void" { vec![] } else { params.split(", ").collect() };
        let nullable = decide(&function, &params, export);
        let head = if !typedef && head[..head.len() - function.len()].trim_end().ends_with('*') {
            let ret_nullable = export.is_some_and(|e| e.annotated.contains("return"));
            assert!(
                ret_nullable || !export.is_some_and(|e| e.accepts_null.contains("return")),
                "{function} can return NULL: add `/// cbindgen:nullable=\\[return\\]` to its doc comment"
            );
            let ret = head[..head.len() - function.len()].trim_end();
            format!("{ret}{} {function}", if ret_nullable { "XPDRM_NULLABLE" } else { "XPDRM_NONNULL" })
        } else {
            head
        };
        let annotated: Vec<String> =
            params.iter().zip(&nullable).map(|(p, &n)| annotate_param(p, n, &fn_ptr_types)).collect();
        if annotated.is_empty() {
            out.push_str(&format!("{head}(void);\n"));
        } else {
            let indent = " ".repeat(head.len() + 1);
            out.push_str(&format!("{head}({});\n", annotated.join(&format!(",\n{indent}"))));
        }
        i = end + 1;
    }
    let unseen: Vec<_> = exports.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(unseen.is_empty(), "exports in src/ffi/ that the header pass did not see: {unseen:?}");
    out
}

/// The `int32_t` "enums" (a typedef and `#define`s of its constants, which `pub type xpdrm_x = i32;` and
/// `pub const XPDRM_..: xpdrm_x` give) become real enums with a fixed `int32_t` type on clang; the status
/// enum gets the fixed type on clang too. Both are marked closed.
fn enums(header: &str, root: &Path) -> String {
    // Constant -> its typedef, from the Rust sources.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("src/ffi")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub const XPDRM_")
                && let Some((name, rest)) = rest.split_once(": xpdrm_")
            {
                let ty: String = rest.chars().take_while(|&c| ident_char(c)).collect();
                owner.insert(format!("XPDRM_{name}"), format!("xpdrm_{ty}"));
            }
        }
    }
    // Cut each such #define (with its doc comment) out of the header.
    let lines: Vec<&str> = header.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut constants: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new(); // type -> [(define, doc)]
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in &lines {
        let define = line.strip_prefix("#define ").and_then(|r| r.split_once(' '));
        if let Some((name, value)) = define.filter(|(n, _)| owner.contains_key(*n)) {
            // The doc comment just above belongs to it.
            let mut doc = Vec::new();
            if kept.last().is_some_and(|l| l.trim() == "*/") {
                while let Some(l) = kept.pop() {
                    doc.insert(0, l.to_string());
                    if l.trim_start().starts_with("/**") {
                        break;
                    }
                }
            }
            while kept.last().is_some_and(|l| l.is_empty()) && kept.len() > 1 && kept[kept.len() - 2].is_empty() {
                kept.pop();
            }
            let ty = owner[name].clone();
            order.entry(ty.clone()).or_default().push(name.to_string());
            constants.entry(ty).or_default().push((format!("{name} = {value}"), doc));
        } else {
            kept.push(line);
        }
    }
    let mut out = String::new();
    for line in kept {
        if let Some(ty) = line.strip_prefix("typedef int32_t ").and_then(|r| r.strip_suffix(';'))
            && let Some(values) = constants.get(ty)
        {
            {
                out.push_str("#if XPDRM_C_FIXED_ENUMS\n");
                out.push_str(&format!("typedef enum {ty} : int32_t {{\n"));
                for (value, doc) in values {
                    for d in doc {
                        out.push_str(&format!("    {}\n", d.trim_start()).replace("    *", "     *"));
                    }
                    out.push_str(&format!("    {value},\n"));
                }
                out.push_str(&format!("}} XPDRM_CLOSED_ENUM {ty};\n#else\n{line}\n"));
                for (value, doc) in values {
                    for d in doc {
                        out.push_str(d);
                        out.push('\n');
                    }
                    let (name, v) = value.split_once(" = ").unwrap();
                    out.push_str(&format!("#define {name} {v}\n"));
                }
                out.push_str("#endif\n");
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    let missing: Vec<_> = constants.keys().filter(|t| !out.contains(&format!("typedef enum {t} :"))).collect();
    assert!(missing.is_empty(), "constants of types without a `typedef int32_t`: {missing:?}");
    // The status enum: the fixed type on clang too, and closed.
    let out = out.replace(
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n  : int32_t",
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L || XPDRM_C_FIXED_ENUMS\n  : int32_t",
    );
    let out = out.replace(
        "#if __STDC_VERSION__ >= 202311L\ntypedef enum xpdrm_status xpdrm_status;",
        "#if __STDC_VERSION__ >= 202311L || XPDRM_C_FIXED_ENUMS\ntypedef enum xpdrm_status xpdrm_status;",
    );
    let start = out.find("enum xpdrm_status\n").expect("the status enum");
    let close = start + out[start..].find("\n};\n").expect("end of the status enum");
    format!("{}\n}} XPDRM_CLOSED_ENUM;\n{}", &out[..close], &out[close + 4..])
}

/// cbindgen writes the trailer (`#pragma clang diagnostic pop`) after the include guard's `#endif`: it must be
/// inside, or a second `#include` pops what it never pushed.
fn trailer_inside_the_guard(header: &str) -> String {
    const POP: &str = "\n#ifdef __clang__\n#pragma clang diagnostic pop\n#endif\n";
    const GUARD_END: &str = "#endif  /* XPDRM_H */\n";
    let body = header.strip_suffix(POP).expect("the header ends with cbindgen.toml's trailer");
    let at = body.rfind(GUARD_END).expect("the include guard's end");
    format!("{}{}\n{}", &body[..at], POP.trim_start_matches('\n'), &body[at..])
}

/// The whole pass over cbindgen's output.
pub fn swift_ready(header: &str, root: &Path) -> String {
    let exports = exports(root);
    trailer_inside_the_guard(&enums(&nullability(header, &exports), root))
}
