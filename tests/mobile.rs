//! The iOS and Android packages of `.ci/mobile` (README, "iOS and Android"): `.ci/mobile-check` reads
//! `xpdrm.xcframework/Info.plist` with Python's plistlib, checks the layout, and the object format of every
//! member of every static library (Mach-O arm64/x86_64 marked for iOS or the simulator, the simulator slice
//! a fat archive; ELF of each Android ABI's machine). This test runs the check on what `.ci/mobile` made and
//! then on broken copies, each of which it must refuse.
//!
//! Building the six targets takes minutes, so this test does not build them: it checks
//! `$XPDRM_MOBILE_DIR` (`.ci/run` runs `.ci/mobile` and then this test with it set), or `target/mobile`
//! when `.ci/mobile` ran; otherwise it prints NOT RUN.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn check(dir: &Path) -> (bool, String) {
    let out = Command::new("python3").arg(common::root().join(".ci/mobile-check")).arg(dir).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const XC: &str = "xpdrm.xcframework";

/// Breaks a copy of the output in place.
type Breakage = dyn Fn(&Path);

#[test]
fn the_xcframework_and_the_android_archives_have_the_right_structure_and_objects() {
    let dir =
        std::env::var_os("XPDRM_MOBILE_DIR").map(PathBuf::from).unwrap_or_else(|| common::root().join("target/mobile"));
    if !dir.join("xpdrm.xcframework/Info.plist").exists() {
        assert!(std::env::var_os("XPDRM_MOBILE_DIR").is_none(), "{} holds no xpdrm.xcframework", dir.display());
        eprintln!("*** NOT RUN: no {} (run .ci/mobile first) ***", dir.display());
        return;
    }
    let (ok, report) = check(&dir);
    assert!(ok, "{report}");
    for line in [
        "ios-arm64: arm64 Mach-O objects",
        "ios-arm64_x86_64-simulator: arm64 Mach-O objects",
        "ios-arm64_x86_64-simulator: x86_64 Mach-O objects",
        "android arm64-v8a: ELF objects",
        "android armeabi-v7a: ELF objects",
        "android x86_64: ELF objects",
        "mobile-check: OK",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }

    // Broken copies: each must be refused, with the fault named.
    let breakages: [(&str, &Breakage, &str); 5] = [
        (
            "device library in the simulator slice",
            &|d: &Path| {
                std::fs::copy(
                    d.join(XC).join("ios-arm64/libxpdrm.a"),
                    d.join(XC).join("ios-arm64_x86_64-simulator/libxpdrm.a"),
                )
                .unwrap();
            },
            "the slice is ios-simulator",
        ),
        (
            "simulator library in the device slice",
            &|d: &Path| {
                std::fs::copy(
                    d.join(XC).join("ios-arm64_x86_64-simulator/libxpdrm.a"),
                    d.join(XC).join("ios-arm64/libxpdrm.a"),
                )
                .unwrap();
            },
            "built for ios-simulator, the slice is ios\n",
        ),
        (
            "no simulator entry in Info.plist",
            &|d: &Path| {
                let plist = std::fs::read_to_string(d.join(XC).join("Info.plist")).unwrap();
                let cut = plist.replace("<string>simulator</string>", "<string>maccatalyst</string>");
                std::fs::write(d.join(XC).join("Info.plist"), cut).unwrap();
            },
            "expected one device and one simulator library",
        ),
        (
            "module map missing",
            &|d: &Path| {
                std::fs::remove_file(d.join(XC).join("ios-arm64/Headers/module.modulemap")).unwrap();
            },
            "module.modulemap is missing",
        ),
        (
            "x86_64 archive as the arm64 Android one",
            &|d: &Path| {
                std::fs::copy(d.join("android/x86_64/libxpdrm.a"), d.join("android/arm64-v8a/libxpdrm.a")).unwrap();
            },
            "expected 183",
        ),
    ];
    for (what, break_it, expect) in breakages {
        let copy = common::scratch_dir(&format!("mobile-{}", what.replace(' ', "-")));
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&dir.join(XC), &copy.join(XC));
        copy_dir(&dir.join("android"), &copy.join("android"));
        break_it(&copy);
        let (ok, report) = check(&copy);
        assert!(!ok && report.contains(expect), "{what}: expected a refusal with {expect:?}, got:\n{report}");
        let _ = std::fs::remove_dir_all(&copy);
    }
}
