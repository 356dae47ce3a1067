//! Build script: the shared library's SONAME, and the host and target triples for the integration tests.
//!
//! SONAME policy (README, "Install layout"): the SONAME changes exactly when the ABI may break, which Cargo's
//! semver rules tie to the first non-zero version component. From 1.0 it is `libxpdrm.so.<major>`; before
//! 1.0 every minor release may break, so it is `libxpdrm.so.0.<minor>` (the convention of cargo-c, which
//! distributions already see for other Rust libraries). A program linked against 0.1.x therefore never loads
//! an incompatible 0.2.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");

    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let soname = if major == "0" { format!("libxpdrm.so.0.{minor}") } else { format!("libxpdrm.so.{major}") };

    // ELF platforms only: Apple's equivalent is the install name, Windows has none.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    if family.split(',').any(|f| f == "unix") && !matches!(os.as_str(), "macos" | "ios" | "tvos" | "watchos" | "visionos")
    {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    println!("cargo:rustc-env=XPDRM_SONAME={soname}");

    // The integration tests compile and run C programs for the target they were built for; when that is not
    // the host, they need the cross compiler and an emulator (tests/common/target.rs).
    println!("cargo:rustc-env=XPDRM_BUILD_HOST={}", std::env::var("HOST").unwrap());
    println!("cargo:rustc-env=XPDRM_BUILD_TARGET={}", std::env::var("TARGET").unwrap());

    // Whether this build has the HTTP client, for the local servers (testsrv/build.rs; `links` in Cargo.toml).
    println!("cargo:http={}", u8::from(std::env::var_os("CARGO_FEATURE_HTTP").is_some()));
}
