//! The servers need xpdrm's HTTP client; xpdrm's build script says whether this build has it (DEP_XPDRM_HTTP,
//! through `links = "xpdrm"`). Without it this crate is empty, so that xpdrm's tests can depend on it and
//! still test the core alone (`cargo test --no-default-features`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xpdrm_http)");
    if std::env::var("DEP_XPDRM_HTTP").as_deref() == Ok("1") {
        println!("cargo::rustc-cfg=xpdrm_http");
    }
}
