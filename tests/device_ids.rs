//! Device IDs and cookies through the C ABI: normalisation, matching, fingerprints, generated cookies,
//! and every export's NULL, UTF-8 and buffer behaviour.

mod common;

use std::ptr::{null, null_mut};

use common::cabi::*;
use xpdrm::Status::{self, *};
use xpdrm::ffi::device::*;

fn matches(a: &str, b: &str) -> Result<bool, Status> {
    let (a, b) = (c(a), c(b));
    let mut m = false;
    match unsafe { xpdrm_device_id_match(a.as_ptr(), b.as_ptr(), &mut m) } {
        XPDRM_OK => Ok(m),
        st => Err(st),
    }
}

fn fingerprint(id: &str) -> Result<String, Status> {
    let id = c(id);
    get_text(&|o, cap, l| unsafe { xpdrm_device_id_fingerprint(id.as_ptr(), o, cap, l) })
}

#[test]
fn normalisation_and_matching() {
    // Hex IDs: case-insensitive, surrounding ASCII whitespace ignored.
    assert_eq!(matches(" 0123456789ABCDEF0123456789abcdef\n", "0123456789abcdef0123456789ABCDEF"), Ok(true));
    assert_eq!(matches("\t\r\x0cAB", "ab"), Ok(true));
    assert_eq!(matches("ab", "ac"), Ok(false));
    assert_eq!(matches("ab", "abab"), Ok(false));
    // Anything else: byte for byte.
    assert_eq!(matches("Device-A", "device-a"), Ok(false));
    assert_eq!(matches("Device-A", " Device-A "), Ok(true));
    assert_eq!(matches("a b", "ab"), Ok(false));
    // Empty IDs are refused, not equal.
    assert_eq!(matches("", ""), Err(XPDRM_ERR_DEVICE_ID_EMPTY));
    assert_eq!(matches("ab", "   "), Err(XPDRM_ERR_DEVICE_ID_EMPTY));
    assert_eq!(matches(&"a".repeat(XPDRM_DEVICE_ID_MAX_LEN + 1), "a"), Err(XPDRM_ERR_INPUT_TOO_LARGE));
    assert_eq!(matches(&"a".repeat(XPDRM_DEVICE_ID_MAX_LEN), &"A".repeat(XPDRM_DEVICE_ID_MAX_LEN)), Ok(true));
}

#[test]
fn match_arguments() {
    let mut m = true;
    unsafe {
        assert_eq!(xpdrm_device_id_match(null(), c"a".as_ptr(), &mut m), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_device_id_match(c"a".as_ptr(), null(), &mut m), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_device_id_match(c"a".as_ptr(), c"a".as_ptr(), null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_device_id_match(NOT_UTF8.as_ptr(), c"a".as_ptr(), &mut m), XPDRM_ERR_INVALID_UTF8);
        assert_eq!(xpdrm_device_id_match(c"a".as_ptr(), NOT_UTF8.as_ptr(), &mut m), XPDRM_ERR_INVALID_UTF8);
    }
    assert!(m, "a failed call wrote *out_match");
}

#[test]
fn fingerprints() {
    // SHA-256 of "0123456789abcdef0123456789abcdef".
    let expected = "3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9";
    check_text_contract("fingerprint", expected, &|o, cap, l| unsafe {
        xpdrm_device_id_fingerprint(c" 0123456789ABCDEF0123456789ABCDEF ".as_ptr(), o, cap, l)
    });
    assert_eq!(fingerprint("0123456789abcdef0123456789abcdef").unwrap(), expected);
    assert_ne!(fingerprint("Dev-A").unwrap(), fingerprint("dev-a").unwrap());
    assert_eq!(fingerprint("x").unwrap().len(), XPDRM_DEVICE_ID_FINGERPRINT_LEN);
    for (id, want) in [(c"  ", XPDRM_ERR_DEVICE_ID_EMPTY), (NOT_UTF8, XPDRM_ERR_INVALID_UTF8)] {
        check_text_fails("bad id", want, &|o, cap, l| unsafe { xpdrm_device_id_fingerprint(id.as_ptr(), o, cap, l) });
    }
    check_text_fails("NULL id", XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe {
        xpdrm_device_id_fingerprint(null(), o, cap, l)
    });
}

#[test]
fn generated_cookies() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..500 {
        let cookie = get_text(&|o, cap, l| unsafe { xpdrm_cookie_generate(o, cap, l) }).unwrap();
        assert_eq!(cookie.len(), XPDRM_COOKIE_GENERATED_LEN);
        assert!(cookie.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{cookie}");
        assert!(seen.insert(cookie));
    }
    let mut buf = [0xA5u8; 33];
    let mut len = 0;
    assert_eq!(unsafe { xpdrm_cookie_generate(buf.as_mut_ptr().cast(), 32, &mut len) }, XPDRM_ERR_BUFFER_TOO_SMALL);
    assert_eq!(len, 32);
    assert!(buf.iter().all(|&b| b == 0xA5));
    assert_eq!(unsafe { xpdrm_cookie_generate(buf.as_mut_ptr().cast(), 33, null_mut()) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_cookie_generate(null_mut(), 33, &mut len) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_cookie_generate(buf.as_mut_ptr().cast(), 33, &mut len) }, XPDRM_OK);
    assert_eq!((len, buf[32]), (32, 0));
}
