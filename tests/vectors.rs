//! The third-party AES key-wrap suites, every case through the C ABI: Wycheproof (KW and KWP), NIST CAVP
//! SP 800-38F (KW and KWP, encrypt and decrypt files), pyca's Botan-derived KWP set, and the RFC examples.
//!
//! The suites live outside the repository; `XPDRM_VECTORS_DIR` names their directory (`.ci/run` sets it to
//! `../shared/vectors`). Rules: every valid case must wrap to the expected output and unwrap back; every
//! invalid case must be refused at unwrap, and at wrap too when its key has a length the mode cannot wrap.
//! Wycheproof's "acceptable" cases (an 8-byte key as a single AES block, which SP 800-38F forbids) are refused.

mod common;

use std::path::PathBuf;

use common::ffi::{RawFn, UNWRAP, UNWRAP_PADDED, WRAP, WRAP_PADDED, hex, run};
use xpdrm::Status;

fn vectors_dir() -> Option<PathBuf> {
    match std::env::var_os("XPDRM_VECTORS_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(dir.join("aes_wrap_test.json").exists(), "XPDRM_VECTORS_DIR={} holds no vectors", dir.display());
            Some(dir)
        }
        None => {
            eprintln!(
                "\n*** NOT RUN: the third-party key-wrap suites. Set XPDRM_VECTORS_DIR to their directory \
                 (e.g. XPDRM_VECTORS_DIR=../shared/vectors); .ci/run does. ***\n"
            );
            None
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Mode {
    Kw,
    Kwp,
}

impl Mode {
    fn fns(self) -> (RawFn, RawFn) {
        match self {
            Mode::Kw => (WRAP, UNWRAP),
            Mode::Kwp => (WRAP_PADDED, UNWRAP_PADDED),
        }
    }
    fn wrappable(self, len: usize) -> bool {
        match self {
            Mode::Kw => len >= 16 && len.is_multiple_of(8),
            Mode::Kwp => len >= 1,
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
}

fn check_valid(mode: Mode, kek: &[u8], key: &[u8], wrapped: &[u8], id: &str) {
    let (wrap, unwrap) = mode.fns();
    assert_eq!(run(wrap, kek, key).as_deref(), Ok(wrapped), "{id}: wrap");
    assert_eq!(run(unwrap, kek, wrapped).as_deref(), Ok(key), "{id}: unwrap");
}

fn check_invalid(mode: Mode, kek: &[u8], key: Option<&[u8]>, wrapped: &[u8], id: &str) {
    let (wrap, unwrap) = mode.fns();
    let refused = run(unwrap, kek, wrapped);
    assert!(refused.is_err(), "{id}: an invalid case unwrapped to {refused:?}");
    assert_ne!(refused, Err(Status::XPDRM_ERR_PANIC), "{id}");
    if let Some(key) = key {
        let wrapped_again = run(wrap, kek, key);
        if mode.wrappable(key.len()) {
            assert_ne!(wrapped_again.as_deref(), Ok(wrapped), "{id}: wrap reproduces an invalid ciphertext");
        } else {
            assert_eq!(wrapped_again, Err(Status::XPDRM_ERR_KEY_LENGTH), "{id}: wrap of a {}-byte key", key.len());
        }
    }
}

fn wycheproof(dir: &std::path::Path, file: &str, mode: Mode) -> Tally {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut tally = Tally::default();
    for group in json["testGroups"].as_array().unwrap() {
        for t in group["tests"].as_array().unwrap() {
            let id = format!("{file} tcId {}", t["tcId"]);
            let (kek, msg, ct) =
                (hex(t["key"].as_str().unwrap()), hex(t["msg"].as_str().unwrap()), hex(t["ct"].as_str().unwrap()));
            match t["result"].as_str().unwrap() {
                "valid" => {
                    check_valid(mode, &kek, &msg, &ct, &id);
                    tally.valid += 1;
                }
                "invalid" | "acceptable" => {
                    check_invalid(mode, &kek, Some(&msg), &ct, &id);
                    tally.invalid += 1;
                }
                other => panic!("{id}: unknown result {other}"),
            }
        }
    }
    assert_eq!(
        tally.valid + tally.invalid,
        json["numberOfTests"].as_u64().unwrap() as usize,
        "{file}: not every case was run"
    );
    tally
}

/// NIST CAVP files: records of `COUNT`, `K`, then `P` and `C`, or `C` and `FAIL`.
fn cavp(dir: &std::path::Path, file: &str, mode: Mode) -> Tally {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut tally = Tally::default();
    let (mut count, mut k, mut p, mut c, mut fail) = (None::<String>, None, None, None, false);
    let mut finish = |count: &mut Option<String>,
                      k: &mut Option<Vec<u8>>,
                      p: &mut Option<Vec<u8>>,
                      c: &mut Option<Vec<u8>>,
                      fail: &mut bool| {
        if let Some(n) = count.take() {
            let id = format!("{file} COUNT {n}");
            let (kek, wrapped) = (k.take().expect("K"), c.take().expect("C"));
            if *fail {
                check_invalid(mode, &kek, None, &wrapped, &id);
                tally.invalid += 1;
            } else {
                check_valid(mode, &kek, &p.take().expect("P"), &wrapped, &id);
                tally.valid += 1;
            }
            *p = None;
            *fail = false;
        }
    };
    for line in text.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("COUNT = ") {
            finish(&mut count, &mut k, &mut p, &mut c, &mut fail);
            count = Some(n.to_string());
        } else if let Some(v) = line.strip_prefix("K = ") {
            k = Some(hex(v));
        } else if let Some(v) = line.strip_prefix("P = ") {
            p = Some(hex(v));
        } else if let Some(v) = line.strip_prefix("C = ") {
            c = Some(hex(v));
        } else if line == "FAIL" {
            fail = true;
        }
    }
    finish(&mut count, &mut k, &mut p, &mut c, &mut fail);
    tally
}

#[test]
fn wycheproof_kw_and_kwp() {
    let Some(dir) = vectors_dir() else { return };
    let kw = wycheproof(&dir, "aes_wrap_test.json", Mode::Kw);
    let kwp = wycheproof(&dir, "aes_kwp_test.json", Mode::Kwp);
    // Counts from the suite's README: KW 36 valid, 126 invalid, 3 acceptable; KWP 77 valid, 177 invalid.
    assert_eq!((kw.valid, kw.invalid), (36, 129));
    assert_eq!((kwp.valid, kwp.invalid), (77, 177));
}

#[test]
fn nist_cavp_kw_and_kwp() {
    let Some(dir) = vectors_dir() else { return };
    for (prefix, mode) in [("KW", Mode::Kw), ("KWP", Mode::Kwp)] {
        for bits in [128, 192, 256] {
            let ae = cavp(&dir, &format!("{prefix}_AE_{bits}.txt"), mode);
            assert_eq!((ae.valid, ae.invalid), (500, 0), "{prefix}_AE_{bits}");
            let ad = cavp(&dir, &format!("{prefix}_AD_{bits}.txt"), mode);
            assert_eq!((ad.valid, ad.invalid), (400, 100), "{prefix}_AD_{bits}");
        }
    }
}

#[test]
fn botan_kwp_set() {
    let Some(dir) = vectors_dir() else { return };
    let text = std::fs::read_to_string(dir.join("kwp_botan.txt")).unwrap();
    let mut n = 0;
    let (mut key, mut input) = (None, None);
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Key = ") {
            key = Some(hex(v));
        } else if let Some(v) = line.strip_prefix("Input = ") {
            input = Some(hex(v));
        } else if let Some(v) = line.strip_prefix("Output = ") {
            check_valid(Mode::Kwp, key.as_ref().unwrap(), input.as_ref().unwrap(), &hex(v), &format!("botan #{n}"));
            n += 1;
        }
    }
    assert_eq!(n, 129);
}

#[test]
fn rfc_transcription() {
    let Some(dir) = vectors_dir() else { return };
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("rfc3394_rfc5649.json")).unwrap()).unwrap();
    let cases = json.as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for c in cases {
        let mode = if c["kind"] == "kwp" { Mode::Kwp } else { Mode::Kw };
        let s = |k: &str| hex(c[k].as_str().unwrap());
        check_valid(mode, &s("kek"), &s("key"), &s("wrapped"), c["source"].as_str().unwrap());
    }
}
