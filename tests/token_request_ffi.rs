//! The token-request exports at the C boundary: NULL pointers, invalid UTF-8, unknown enum values, short
//! buffers and size queries at every export; nothing written on failure; the reason of the last failure;
//! base URLs and environments; the redacted rendering.

mod token_support;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use token_support::{Req, read_text};
use xpdrm::Status::*;
use xpdrm::ffi::token::*;

const AUTH: &str = "201722,1ad8eed133edf43cbcc185f0236828ae";
const KEY: &str = "b366360da82e9c6e0b0984002a362cf2";
const IV: &str = "0123456789abcdef0123456789abcdef";

fn fairplay() -> Req {
    let mut r = Req::new(XPDRM_DRM_FAIRPLAY);
    r.ok("customerAuthenticator", AUTH).ok("contentKey", KEY).ok("iv", IV);
    r
}

#[test]
fn new_refuses_unknown_drms_and_a_null_out() {
    for bad in [-1, 5, 100, i32::MIN, i32::MAX] {
        let mut p = std::ptr::dangling_mut::<xpdrm_token_request>();
        assert_eq!(unsafe { xpdrm_token_request_new(bad, &mut p) }, XPDRM_ERR_UNKNOWN_DRM);
        assert_eq!(p, std::ptr::dangling_mut(), "*out written on failure");
    }
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, null_mut()) }, XPDRM_ERR_NULL_ARGUMENT);
    assert!(
        XPDRM_ERR_UNKNOWN_DRM.text().contains("XPDRM_DRM_PLAYREADY (2)")
            && XPDRM_ERR_UNKNOWN_DRM.text().contains("XPDRM_DRM_MARLIN_BB (4)")
    );
}

#[test]
fn every_export_refuses_a_null_request() {
    let n = c"kid".as_ptr();
    let mut buf = [0u8; 8];
    let mut len = 0usize;
    let o = buf.as_mut_ptr().cast::<c_char>();
    unsafe {
        assert_eq!(xpdrm_token_request_set(null_mut(), n, n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_set_unchecked(null_mut(), n, n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_unset(null_mut(), n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_set_base_url(null_mut(), n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_set_environment(null_mut(), 0), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_set_clock(null_mut(), 1), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_url(null(), o, 8, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_form(null(), o, 8, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_redacted(null(), o, 8, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_last_error(null(), o, 8, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        xpdrm_token_request_free(null_mut());
    }
    assert_eq!(buf, [0; 8]);
}

#[test]
fn null_and_non_utf8_text_arguments_are_statuses_with_a_reason() {
    let r = fairplay();
    let before = r.form().unwrap();
    let bad = c"k\xffid".as_ptr();
    unsafe {
        assert_eq!(xpdrm_token_request_set(r.0, null(), c"x".as_ptr()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(r.last_error(), "the parameter name is NULL. Status 1: A required pointer argument was NULL.");
        assert_eq!(xpdrm_token_request_set(r.0, c"iv".as_ptr(), null()), XPDRM_ERR_NULL_ARGUMENT);
        assert!(r.last_error().starts_with("the value of iv is NULL."), "{}", r.last_error());
        assert_eq!(xpdrm_token_request_set(r.0, bad, c"x".as_ptr()), XPDRM_ERR_INVALID_UTF8);
        assert_eq!(xpdrm_token_request_set(r.0, c"cookie".as_ptr(), bad), XPDRM_ERR_INVALID_UTF8);
        assert!(r.last_error().starts_with("the value of cookie is not valid UTF-8."), "{}", r.last_error());
        assert_eq!(xpdrm_token_request_set_unchecked(r.0, c"x".as_ptr(), bad), XPDRM_ERR_INVALID_UTF8);
        assert_eq!(xpdrm_token_request_set_unchecked(r.0, null(), c"x".as_ptr()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_unset(r.0, bad), XPDRM_ERR_INVALID_UTF8);
        assert_eq!(xpdrm_token_request_unset(r.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_request_set_base_url(r.0, bad), XPDRM_ERR_INVALID_UTF8);
        assert_eq!(xpdrm_token_request_set_base_url(r.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert!(r.last_error().starts_with("the base URL is NULL."), "{}", r.last_error());
    }
    assert_eq!(r.form().unwrap(), before, "a refused call changed the request");
}

#[test]
fn output_buffers_follow_the_convention_and_nothing_is_written_on_failure() {
    let r = fairplay();
    // read_text checks the size query, the one-byte-short buffer and the exact fit.
    let url = r.url().unwrap();
    let form = r.form().unwrap();
    assert_eq!(url, format!("https://fp-gen.test.expressplay.com/hms/fp/token?{form}"));
    // NULL out_len, and NULL out with a capacity.
    let mut buf = [0u8; 512];
    unsafe {
        assert_eq!(xpdrm_token_request_url(r.0, buf.as_mut_ptr().cast(), 512, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        let mut len = 7usize;
        assert_eq!(xpdrm_token_request_url(r.0, null_mut(), 512, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(len, 7);
    }
    assert!(buf.iter().all(|&b| b == 0));
    // An invalid request writes neither the buffer nor the length.
    let mut incomplete = Req::new(XPDRM_DRM_FAIRPLAY);
    incomplete.ok("contentKey", KEY);
    let mut buf = [0x5Au8; 512];
    let mut len = 12345usize;
    let st = unsafe { xpdrm_token_request_url(incomplete.0, buf.as_mut_ptr().cast(), 512, &mut len) };
    assert_eq!((st, len), (XPDRM_ERR_INVALID_IV, 12345));
    assert!(buf.iter().all(|&b| b == 0x5A));
    // A size query on an invalid request gets the validation code, not a size.
    let st = unsafe { xpdrm_token_request_form(incomplete.0, null_mut(), 0, &mut len) };
    assert_eq!((st, len), (XPDRM_ERR_INVALID_IV, 12345));
}

#[test]
fn last_error_follows_the_reason_rule() {
    let mut r = fairplay();
    assert_eq!(r.last_error(), "");
    assert_eq!(r.set("kid", "^"), XPDRM_ERR_INVALID_KID);
    let reason = r.last_error();
    assert_eq!(
        reason,
        "kid has nothing after ^. Rule for kid: 32 hexadecimal digits, or ^ followed by 1 to 64 characters (the key \
         storage derives that key's KID as the first 16 bytes of SHA-1 of the name: xpdrm_kid_from_name) \
         [vendor's table; key storage spec]. Status -4022: Invalid kid."
    );
    // `const` calls only read: a size query, and a failed build, leave the reason of the failed setter.
    let mut len = 0usize;
    assert_eq!(unsafe { xpdrm_token_request_url(r.0, null_mut(), 0, &mut len) }, XPDRM_ERR_BUFFER_TOO_SMALL);
    assert_eq!(r.last_error(), reason);
    assert_eq!(r.unset("iv"), XPDRM_OK);
    // The successful setter cleared it: the reason is now the whole request's, derived from its state.
    let missing = "iv is missing; a FairPlay request requires it.";
    assert!(r.last_error().starts_with(missing), "{}", r.last_error());
    assert_eq!(r.set("kid", "^"), XPDRM_ERR_INVALID_KID);
    assert_eq!(r.url(), Err(XPDRM_ERR_INVALID_IV));
    assert_eq!(r.last_error(), reason, "a const call recorded its own reason");
    r.ok("kid", "^movie");
    assert!(r.last_error().starts_with(missing), "{}", r.last_error());
    assert_eq!(r.set_environment(7), XPDRM_ERR_INVALID_ARGUMENT);
    assert!(r.last_error().contains("neither XPDRM_ENVIRONMENT_TEST"), "{}", r.last_error());
    assert_eq!(r.set_environment(XPDRM_ENVIRONMENT_TEST), XPDRM_OK);
    assert!(r.last_error().starts_with(missing), "{}", r.last_error());
}

#[test]
fn values_are_encoded_so_that_they_decode_back_exactly() {
    let mut r = fairplay();
    let cookie = "a b+c&d=e%f#g/h?i\u{e9}";
    r.ok("cookie", cookie).ok("expirationTime", "+60").ok("kid", "^x y");
    let url = r.url().unwrap();
    assert!(url.ends_with("&cookie=a+b%2Bc%26d%3De%25f%23g%2Fh%3Fi%C3%A9&expirationTime=%2B60&kid=%5Ex+y"), "{url}");
    let query = url.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = form_pairs(query);
    assert!(pairs.contains(&("cookie".into(), cookie.into())));
    assert!(pairs.contains(&("expirationTime".into(), "+60".into())));
    assert_eq!(r.form().unwrap(), query);
}

fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// A decoder written here, independent of the encoder's crate.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn redacted_rendering_hides_every_secret_and_every_unchecked_value() {
    let mut r = Req::new(XPDRM_DRM_PLAYREADY);
    r.ok("customerAuthenticator", AUTH)
        .ok("kid", KEY)
        .ok("kek", "000102030405060708090a0b0c0d0e0f")
        .ok("ek", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5")
        .ok("deviceId", "0123456789abcdef0123456789abcdef")
        .ok("cookie", "visible cookie");
    assert_eq!(r.set_unchecked("proxyToken", "hunter2"), XPDRM_OK);
    let red = r.redacted();
    assert_eq!(
        red,
        "https://pr-gen.test.expressplay.com/hms/pr/token?customerAuthenticator=<redacted>&kid=b366360da82e9c6e0b0984002a362cf2\
         &kek=<redacted>&ek=<redacted>&deviceId=<redacted>&cookie=visible+cookie&proxyToken=<redacted>"
    );
    // Incomplete requests render too (the redacted form is for logs, before anything is checked).
    assert_eq!(r.url(), Err(XPDRM_ERR_MISSING_RIGHTS_TYPE));
}

#[test]
fn unchecked_parameters() {
    let mut r = fairplay();
    assert_eq!(r.set_unchecked("prFlag", "true"), XPDRM_OK);
    assert_eq!(r.set_unchecked("x y", "1 2"), XPDRM_OK);
    assert!(r.url().unwrap().ends_with("&prFlag=true&x+y=1+2"));
    // useHttps is a listed parameter now (real clients send it): its rule cannot be bypassed.
    assert_eq!(r.set_unchecked("useHttps", "true"), XPDRM_ERR_KNOWN_PARAMETER);
    assert_eq!(r.set_unchecked("contentKey", KEY), XPDRM_ERR_KNOWN_PARAMETER);
    assert_eq!(r.set_unchecked("CONTENTKEY", KEY), XPDRM_ERR_KNOWN_PARAMETER);
    assert!(r.last_error().contains("differs only in letter case from the FairPlay parameter contentKey"));
    assert_eq!(r.set_unchecked("", "v"), XPDRM_ERR_INVALID_ARGUMENT);
    // Another DRM's parameter is an extra one here.
    assert_eq!(r.set_unchecked("securityLevel", "1"), XPDRM_OK);
    assert_eq!(r.unset("prFlag"), XPDRM_OK);
    assert_eq!(r.unset("x y"), XPDRM_OK);
    assert_eq!(r.unset("securityLevel"), XPDRM_OK);
    assert_eq!(r.unset("securityLevel"), XPDRM_ERR_UNKNOWN_PARAMETER);
    assert_eq!(r.unset("cookie"), XPDRM_OK, "a listed parameter that is not set");
    assert!(!r.url().unwrap().contains("prFlag"));
}

#[test]
fn base_urls_and_environments() {
    let mut r = fairplay();
    assert!(r.url().unwrap().starts_with("https://fp-gen.test.expressplay.com/hms/fp/token?"));
    assert_eq!(r.set_environment(XPDRM_ENVIRONMENT_PRODUCTION), XPDRM_OK);
    assert!(r.url().unwrap().starts_with("https://fp-gen.service.expressplay.com/hms/fp/token?"));
    assert_eq!(r.set_environment(2), XPDRM_ERR_INVALID_ARGUMENT);
    assert!(r.last_error().contains("neither XPDRM_ENVIRONMENT_TEST (0) nor XPDRM_ENVIRONMENT_PRODUCTION (1)"));
    assert_eq!(r.set_base_url("https://fp-gen.service.expressplay.cn/hms/fp/token"), XPDRM_OK);
    assert!(r.url().unwrap().starts_with("https://fp-gen.service.expressplay.cn/hms/fp/token?"));
    assert_eq!(r.set_base_url("http://127.0.0.1:8080/t?x=1"), XPDRM_ERR_INVALID_BASE_URL);
    assert!(r.last_error().starts_with("the base URL has a query or a fragment."), "{}", r.last_error());
    assert!(r.url().unwrap().starts_with("https://fp-gen.service.expressplay.cn/"), "a refused base URL was kept");
    assert_eq!(r.set_environment(XPDRM_ENVIRONMENT_TEST), XPDRM_OK);
    assert!(r.url().unwrap().starts_with("https://fp-gen.test.expressplay.com/"));
    for (drm, host) in [(XPDRM_DRM_WIDEVINE, "wv-gen"), (XPDRM_DRM_PLAYREADY, "pr-gen")] {
        let mut r = Req::new(drm);
        assert!(r.redacted().starts_with(&format!("https://{host}.test.expressplay.com/")));
        assert_eq!(r.set_environment(XPDRM_ENVIRONMENT_PRODUCTION), XPDRM_OK);
        assert!(r.redacted().starts_with(&format!("https://{host}.service.expressplay.com/")));
    }
}

#[test]
fn a_large_request_is_written_whole() {
    let mut r = fairplay();
    for i in 0..200 {
        assert_eq!(r.set("fpExtension", &format!("t{:03},{}", i % 1000, "QUFB".repeat(50))), XPDRM_OK);
    }
    let url = r.url().unwrap();
    assert_eq!(url.matches("fpExtension=").count(), 200);
    assert!(url.len() > 40_000);
}

#[test]
fn reading_text_checks_the_protocol_even_for_empty_text() {
    let r = Req::new(XPDRM_DRM_WIDEVINE);
    let p = r.0;
    // A new request has no failed setter: its reason is why the whole request fails the check.
    let reason = read_text(|o, cap, len| unsafe { xpdrm_token_request_last_error(p, o, cap, len) }).unwrap();
    assert!(reason.contains("is missing"), "{reason}");
}

#[test]
fn set_indexed_checks_its_arguments_and_changes_nothing_on_failure() {
    let mut r = Req::new(XPDRM_DRM_WIDEVINE);
    r.ok("kid", KEY);
    let before = r.url().unwrap();
    let value = c"00112233445566778899aabbccddeeff";
    let st = unsafe { xpdrm_token_request_set_indexed(r.0, std::ptr::null(), 0, value.as_ptr()) };
    assert_eq!(st, XPDRM_ERR_NULL_ARGUMENT);
    assert!(r.last_error().contains("the parameter name is NULL"), "{}", r.last_error());
    let st = unsafe { xpdrm_token_request_set_indexed(r.0, c"kid".as_ptr(), 0, std::ptr::null()) };
    assert_eq!(st, XPDRM_ERR_NULL_ARGUMENT);
    assert!(r.last_error().contains("the value of kid.0 is NULL"), "{}", r.last_error());
    let bad = [0xFFu8, 0];
    let st = unsafe { xpdrm_token_request_set_indexed(r.0, bad.as_ptr().cast(), 0, value.as_ptr()) };
    assert_eq!(st, XPDRM_ERR_INVALID_UTF8);
    let st = unsafe { xpdrm_token_request_set_indexed(std::ptr::null_mut(), c"kid".as_ptr(), 0, value.as_ptr()) };
    assert_eq!(st, XPDRM_ERR_NULL_ARGUMENT);
    // A name that takes no index, and one that already has one.
    assert_eq!(r.set_indexed("licenseDuration", 0, "60"), XPDRM_ERR_UNKNOWN_PARAMETER);
    assert!(r.last_error().contains("takes no index"), "{}", r.last_error());
    assert_eq!(r.set_indexed("kid.0", 1, KEY), XPDRM_ERR_UNKNOWN_PARAMETER);
    // A value that fails its plain name's rule: that code, and the indexed name in the reason.
    assert_eq!(r.set_indexed("contentKey", 4294967295, "12"), XPDRM_ERR_CONTENT_KEY_NOT_32_HEX);
    assert!(r.last_error().starts_with("contentKey.4294967295 has 2 characters"), "{}", r.last_error());
    assert_eq!(r.url().unwrap(), before);
    // The same as the plain setter with the formatted name.
    assert_eq!(r.set_indexed("trackType", 3, "4"), XPDRM_OK);
    assert!(r.url().unwrap().ends_with("&trackType.3=4"));
}
