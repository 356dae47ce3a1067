//! The Kotlin API (`bindings/kotlin/`, README "Kotlin"): complete, and working against the library.
//!
//! * `Status.kt` is generated from the header's status enum (`XPDRM_BLESS=1 cargo test --test kotlin` after
//!   a status is added);
//! * every C function of the header is declared in `Native.kt` and called by the Kotlin API, or listed in
//!   `bindings/kotlin/NOT-COVERED` with a reason (so a new export without a Kotlin form fails here);
//! * each C enum has a Kotlin enum class with exactly its values (a new DRM value fails here);
//! * every public function and property of the API is used by the JVM checks in `tests/kotlin/`;
//! * `.ci/install --kotlin` builds `xpdrm-kotlin.jar` (kotlinc, JNA); `tests/kotlin/ApiCheck.kt` calls the
//!   whole API, bad input included, against this run's shared library, and `tests/kotlin/FlowCheck.kt` (a
//!   program that uses only the Kotlin API) fetches a token from the local servers, unwraps a key and runs
//!   the device-binding flow (with the `http` feature, which brings the local servers: `cargo test --all-features`).
//!
//! Needs a JDK, JNA and kotlinc (NOT RUN without them; a failure in CI). Not for a cross target.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn kotlin_dir() -> PathBuf {
    common::root().join("bindings/kotlin")
}

fn api_sources() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(kotlin_dir().join("src/xpdrm"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

fn status_kt(header: &str) -> String {
    let mut out = String::from(
        "// Generated from include/xpdrm.h by tests/kotlin.rs: the status codes (`xpdrm_status`). Do not edit;\n\
         // after a status is added: XPDRM_BLESS=1 cargo test --test kotlin\n\
         package xpdrm\n\n\
         /** Every status code of the C API, named as in C without the `XPDRM_` prefix. Numbers never change. */\n\
         object Status {\n",
    );
    let statuses = common::header_enum(header, "xpdrm_status");
    for (name, value, doc) in &statuses {
        let short = name.strip_prefix("XPDRM_").unwrap();
        let doc = doc.replace("*/", "* /");
        out.push_str(&format!("    /** {doc} */\n    const val {short} = {value}\n"));
    }
    out.push_str(
        "\n    /** The C name of a status code, or `XPDRM_STATUS_<code>` for one this version does not know. */\n",
    );
    out.push_str("    fun name(status: Int): String = when (status) {\n");
    for (name, value, _) in &statuses {
        out.push_str(&format!("        {value} -> \"{name}\"\n"));
    }
    out.push_str("        else -> \"XPDRM_STATUS_$status\"\n    }\n}\n");
    out
}

#[test]
fn the_kotlin_status_table_is_the_headers() {
    let header = std::fs::read_to_string(common::root().join("include/xpdrm.h")).unwrap();
    let fresh = status_kt(&header);
    let path = kotlin_dir().join("src/xpdrm/Status.kt");
    if std::env::var_os("XPDRM_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "bindings/kotlin/src/xpdrm/Status.kt is stale: XPDRM_BLESS=1 cargo test --test kotlin");
}

/// `NOT-COVERED`: `function: reason` lines (and `#` comments).
fn not_covered() -> BTreeSet<String> {
    let text = std::fs::read_to_string(kotlin_dir().join("NOT-COVERED")).unwrap();
    let mut names = BTreeSet::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (name, reason) = line.split_once(':').unwrap_or_else(|| panic!("NOT-COVERED: {line:?} has no reason"));
        assert!(reason.trim().len() > 10, "NOT-COVERED: {name} needs a real reason");
        names.insert(name.trim().to_string());
    }
    names
}

#[test]
fn every_c_function_is_declared_and_called_by_the_kotlin_api() {
    let header = std::fs::read_to_string(common::root().join("include/xpdrm.h")).unwrap();
    let functions = common::header_functions(&header);
    let sources = api_sources();
    let native = &sources.iter().find(|(n, _)| n == "Native.kt").expect("Native.kt").1;
    let declared: BTreeSet<String> = native
        .lines()
        .filter_map(|l| l.trim().strip_prefix("fun xpdrm_").map(|_| &l.trim()[4..]))
        .map(|l| l.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect();
    let api: String = sources.iter().filter(|(n, _)| n != "Native.kt").map(|(_, t)| t.as_str()).collect();
    let skipped = not_covered();
    let mut missing = Vec::new();
    for f in &functions {
        let called = api.contains(&format!("lib.{f}("));
        match (declared.contains(f), called, skipped.contains(f)) {
            (true, true, false) => {}
            (_, false, true) => {}
            (_, true, true) => panic!("{f} is called by the Kotlin API but listed in NOT-COVERED"),
            (false, _, false) => missing.push(format!("{f} (not declared in Native.kt)")),
            (true, false, false) => missing.push(format!("{f} (declared, but no Kotlin API calls it)")),
        }
    }
    assert!(
        missing.is_empty(),
        "C functions without a Kotlin form (add them to bindings/kotlin/src/xpdrm/Native.kt and the API, or to \
         bindings/kotlin/NOT-COVERED with a reason): {missing:#?}"
    );
    let stale: Vec<_> = declared.difference(&functions).collect();
    assert!(stale.is_empty(), "Native.kt declares functions the header does not have: {stale:?}");
    let stale: Vec<_> = skipped.difference(&functions).collect();
    assert!(stale.is_empty(), "NOT-COVERED lists functions the header does not have: {stale:?}");
    assert!(functions.len() >= 100, "{}", functions.len());
}

/// The public names of the API: `fun x`, `val x` and `var x` declared directly in a public class, object or
/// companion object (or at top level) and not `private`, `internal` or `override`.
fn public_api() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (file, text) in api_sources() {
        if file == "Native.kt" || file == "Status.kt" {
            continue;
        }
        // One entry per open brace: whether declarations directly inside it are public.
        let mut blocks: Vec<bool> = Vec::new();
        let mut in_comment = false;
        for line in text.lines() {
            let t = line.trim();
            if in_comment || t.starts_with("/*") {
                in_comment = !t.contains("*/");
                continue;
            }
            if t.starts_with("//") {
                continue;
            }
            let visible = blocks.iter().all(|b| *b);
            let hidden_mod = ["private ", "internal ", "override ", "protected "].iter().any(|m| t.starts_with(m));
            let decl = t.trim_start_matches("inline ").trim_start_matches("operator ");
            if visible && !hidden_mod {
                for kw in ["fun ", "val ", "var "] {
                    if let Some(rest) = decl.strip_prefix(kw) {
                        let rest =
                            if rest.starts_with('<') { rest.split_once("> ").map_or(rest, |(_, r)| r) } else { rest };
                        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        if !name.is_empty() {
                            names.insert(name);
                        }
                    }
                }
            }
            let opens = t.matches('{').count();
            let closes = t.matches('}').count();
            if opens > closes {
                let container = ["class ", "object ", "companion object", "enum class "].iter().any(|k| t.contains(k))
                    && !t.contains("= ")
                    && !hidden_mod;
                for _ in closes..opens {
                    blocks.push(container && visible);
                }
            } else {
                for _ in opens..closes {
                    blocks.pop();
                }
            }
        }
    }
    names
}

#[test]
fn the_jvm_checks_use_every_public_function_of_the_kotlin_api() {
    let api = public_api();
    for expected in ["unwrap", "unwrapHex", "set", "url", "parse", "fetchToken", "runDeviceBinding", "setLogCallback"] {
        assert!(api.contains(expected), "the API scan found no {expected}: {api:?}");
    }
    let dir = common::root().join("tests/kotlin");
    let checks: String =
        ["ApiCheck.kt", "FlowCheck.kt"].iter().map(|f| std::fs::read_to_string(dir.join(f)).unwrap()).collect();
    let unused: Vec<_> = api.iter().filter(|name| !checks.contains(&format!(".{name}"))).collect();
    assert!(unused.is_empty(), "public Kotlin API not used by tests/kotlin/*.kt: {unused:?}");
}

fn tool(name: &str) -> Option<PathBuf> {
    let candidate = match std::env::var_os("JAVA_HOME") {
        Some(home) if name != "kotlinc" => Path::new(&home).join("bin").join(name),
        _ => PathBuf::from(name),
    };
    Command::new(&candidate).arg("-version").output().is_ok_and(|o| o.status.success()).then_some(candidate)
}

fn jar(var: &str, default: &str) -> Option<PathBuf> {
    let jar = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    jar.exists().then_some(jar)
}

#[test]
fn the_kotlin_api_works_against_the_library() {
    if common::target::is_emulated() {
        eprintln!("*** NOT RUN: the JVM cannot load a {} library here ***", common::target::current().triple);
        return;
    }
    let kotlinc = std::env::var_os("KOTLINC").map_or_else(|| tool("kotlinc"), |k| Some(PathBuf::from(k)));
    let (Some(java), Some(kotlinc), Some(jna), Some(stdlib)) = (
        tool("java"),
        kotlinc,
        jar("XPDRM_JNA_JAR", "/usr/share/java/jna.jar"),
        jar("XPDRM_KOTLIN_STDLIB", "/usr/share/java/kotlin-stdlib.jar"),
    ) else {
        common::tool_missing(
            "no JDK, kotlinc, JNA or the Kotlin standard library (apt-get install default-jdk-headless kotlin libjna-java)",
        );
        return;
    };
    // The install step builds the jar.
    let scratch = common::scratch_dir("kotlin-api");
    let prefix = scratch.join("prefix");
    let out = Command::new("bash")
        .arg(common::root().join(".ci/install"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--from")
        .arg(common::lib_dir())
        .arg("--kotlin")
        .env("KOTLINC", &kotlinc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        ".ci/install --kotlin failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let api_jar = prefix.join("share/java/xpdrm-kotlin.jar");
    assert!(api_jar.is_file(), "no {}", api_jar.display());

    // The checks, compiled against the installed jar only.
    let checks = scratch.join("checks.jar");
    let dir = common::root().join("tests/kotlin");
    let out = Command::new(&kotlinc)
        .arg(dir.join("ApiCheck.kt"))
        .arg(dir.join("FlowCheck.kt"))
        .arg("-cp")
        .arg(std::env::join_paths([&api_jar, &jna]).unwrap())
        .args(["-Werror", "-d"])
        .arg(&checks)
        .output()
        .unwrap();
    assert!(out.status.success(), "kotlinc failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let classpath = std::env::join_paths([&checks, &api_jar, &jna, &stdlib]).unwrap();
    let lib_dir = common::shared_lib_dir("kotlin-lib");
    let run = |main: &str, env: &[(String, String)]| {
        let out = Command::new(&java)
            .arg("-cp")
            .arg(&classpath)
            .arg(format!("-Djna.library.path={}", lib_dir.display()))
            .arg(main)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{main}:\n{stdout}\n{stderr}");
        assert!(stderr.trim().is_empty(), "{main} wrote to stderr: {stderr}");
        stdout
    };

    let stdout = run("ApiCheckKt", &[]);
    for line in [
        "unwrap: f2434ca0f6a7de822574bf2f8190f6cd",
        "token url: https://fp-gen.test.expressplay.com/hms/fp/token?",
        "api: OK (",
    ] {
        assert!(stdout.lines().any(|l| l.starts_with(line)), "missing {line:?} in:\n{stdout}");
    }
    let calls: usize =
        stdout.lines().find_map(|l| l.strip_prefix("api: OK (")?.split(' ').next()?.parse().ok()).unwrap();
    // Without the http feature the HTTP part is one check (every HTTP call is XPDRM_ERR_FEATURE_DISABLED).
    let minimum = if cfg!(feature = "http") { 220 } else { 140 };
    assert!(calls >= minimum, "only {calls} checks ran:\n{stdout}");
    flow(&run);
}

/// Runs a main class on the JVM with extra environment variables; returns its stdout.
type RunJvm<'a> = dyn Fn(&str, &[(String, String)]) -> String + 'a;

#[cfg(feature = "http")]
fn flow(run: &RunJvm<'_>) {
    let servers = xpdrm_testsrv::TestServers::start().expect("the local test servers start");
    let env = servers.env(&common::scratch_dir("kotlin-flow-pki")).unwrap();
    let stdout = run("FlowCheckKt", &env);
    println!("{stdout}");
    for line in [
        "1. token fetched from the local ExpressPlay-compatible server (PlayReady): license URL",
        "2. content key unwrapped with the device's KEK from the license: it is the content's key",
        "3. device binding: cookie registered, SPC sent, device-bound token URL received",
        "4. device-bound token redeemed, key unwrapped: it is the content's key",
        "5. another device with that token: refused with XPDRM_ERR_DEVICE_NOT_AUTHENTICATED (-4001)",
        "6. getrecord for the cookie: the device (",
        "7. another device: its own flow in one call (runDeviceBinding), license redeemed, key unwrapped",
        "8. SEES exchange (requestType 2): granted with a cookie-bound token URL",
        "9. service side (runBindingService): a cookie-bound token from the token server, granted",
        "10. pins: the servers' own key passes, the CA's key is refused with XPDRM_ERR_HTTP_TLS_PIN_MISMATCH; events with TLS handshakes",
        "flow: OK",
    ] {
        assert!(stdout.lines().any(|l| l.starts_with(line)), "missing {line:?} in:\n{stdout}");
    }
    drop(servers);
}

#[cfg(not(feature = "http"))]
fn flow(_: &RunJvm<'_>) {
    eprintln!("*** NOT RUN: the Kotlin flow against the local servers needs the http feature (the local servers) ***");
}

/// The Kotlin enum classes have exactly the header's enum values: each C enum `xpdrm_foo_bar` (the clang form
/// of the header, `typedef enum xpdrm_foo_bar : int32_t { ... }`) is `enum class FooBar(val code: Int)`,
/// with one entry per C value of the same number, named by the C name's end. A value added in C (a new DRM,
/// say) fails here until Kotlin has it.
#[test]
fn the_kotlin_enums_have_the_headers_values() {
    let header = std::fs::read_to_string(common::root().join("include/xpdrm.h")).unwrap();
    let api: String = api_sources().into_iter().map(|(_, t)| t).collect();
    let mut checked = 0;
    let mut rest = header.as_str();
    while let Some(at) = rest.find("typedef enum xpdrm_") {
        let decl = &rest[at + "typedef enum ".len()..];
        let c_type: String = decl.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !decl[c_type.len()..].starts_with(" : int32_t {") {
            rest = &decl[c_type.len()..]; // `typedef enum xpdrm_status xpdrm_status;`: the status codes are Status.kt's
            continue;
        }
        let body = &decl[decl.find('{').unwrap() + 1..decl.find("\n}").unwrap()];
        rest = &decl[decl.find("\n}").unwrap()..];
        let c_values: Vec<(String, i64)> = body
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("XPDRM_"))
            .map(|l| {
                let (n, v) = l.trim_end_matches(',').split_once(" = ").unwrap();
                (n.to_string(), v.parse().unwrap())
            })
            .collect();
        let kotlin_name: String =
            c_type.trim_start_matches("xpdrm_").split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
        let start = api.find(&format!("enum class {kotlin_name}(val code: Int)")).unwrap_or_else(|| {
            panic!("{c_type} has no Kotlin enum class {kotlin_name}(val code: Int) in bindings/kotlin")
        });
        let open = start + api[start..].find('{').unwrap() + 1;
        let entries_end = open + api[open..].find([';', '}']).unwrap();
        let entries: Vec<(String, i64)> = api[open..entries_end]
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                let (n, v) = e.trim_end_matches(')').split_once('(').unwrap();
                (n.trim().to_string(), v.parse().unwrap())
            })
            .collect();
        assert_eq!(entries.len(), c_values.len(), "{kotlin_name} {entries:?} and {c_type} {c_values:?} differ");
        for (c_name, value) in &c_values {
            assert!(
                entries.iter().any(|(k, v)| v == value && c_name.ends_with(&format!("_{k}"))),
                "{c_type}: {c_name} = {value} has no entry in Kotlin's {kotlin_name}: {entries:?}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "found only {checked} enums in the header");
}
