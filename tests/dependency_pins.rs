//! ureq's `unversioned` API is outside its semver promise, so Cargo.toml pins ureq to the exact release in
//! Cargo.lock, and rustls (whose ClientConfig xpdrm builds for ureq) to the exact release ureq resolves to.

fn manifest_version(manifest: &str, name: &str) -> String {
    let line = manifest
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("{name} is not a dependency in Cargo.toml"));
    let after = line.split("version = \"").nth(1).unwrap_or_else(|| panic!("{line}"));
    after.split('"').next().unwrap().to_string()
}

fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == format!("name = \"{name}\"")
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            out.push(v.trim_end_matches('"').to_string());
        }
    }
    out
}

#[test]
fn ureq_and_rustls_are_pinned_to_the_locked_releases() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).unwrap();
    for name in ["ureq", "rustls"] {
        let wanted = manifest_version(&manifest, name);
        let locked = locked_versions(&lock, name);
        assert_eq!(locked.len(), 1, "{name}: exactly one release in Cargo.lock, found {locked:?}");
        assert_eq!(wanted, format!("={}", locked[0]), "{name}: Cargo.toml must pin the locked release exactly");
    }
}
