//! Arbitrary token-server answers (DRM, HTTP status, content type, body) through the C ABI: never a panic;
//! a token only from a 2xx answer, and then a well-formed one that the license URL carries; an error answer
//! never yields a token; no accessor writes past its buffer.
#![no_main]

use core::ffi::{CStr, c_char};

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::ffi::token::*;

type Getter = unsafe extern "C" fn(*const xpdrm_token_response, *mut c_char, usize, *mut usize) -> Status;

const CONTENT_TYPES: [Option<&CStr>; 8] = [
    None,
    Some(c"text/uri-list"),
    Some(c"application/json"),
    Some(c"text/html; charset=utf-8"),
    Some(c"text/plain"),
    Some(c""),
    Some(c"application/octet-stream"),
    Some(c"Text/URI-List ; x=y"),
];

/// Reads a text output with a buffer of `cap` bytes; checks that nothing lands past it.
fn read(get: Getter, resp: *const xpdrm_token_response, cap: usize) -> (Status, Option<String>) {
    let mut buf = vec![0xA5u8; cap + 16];
    let mut len = usize::MAX;
    let st = unsafe { get(resp, buf.as_mut_ptr().cast(), cap, &mut len) };
    assert!(buf[cap..].iter().all(|&b| b == 0xA5), "wrote past out_cap");
    assert_ne!(st, Status::XPDRM_ERR_PANIC);
    if st == Status::XPDRM_OK {
        assert!(len < cap && buf[len] == 0);
        buf.truncate(len);
        (st, Some(String::from_utf8(buf).expect("UTF-8 output")))
    } else {
        if st == Status::XPDRM_ERR_BUFFER_TOO_SMALL {
            assert!(len >= cap);
        }
        assert!(buf.iter().all(|&b| b == 0xA5), "wrote on failure {st:?}");
        (st, None)
    }
}

/// Reads a text output: a size query, then a buffer of exactly that size.
fn read_all(get: Getter, resp: *const xpdrm_token_response) -> (Status, Option<String>) {
    let mut len = usize::MAX;
    let st = unsafe { get(resp, core::ptr::null_mut(), 0, &mut len) };
    if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
        assert_ne!(st, Status::XPDRM_OK);
        return (st, None);
    }
    read(get, resp, len + 1)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    // 5 is not a DRM; the Marlin ones (3, 4) have their own target (marlin_response_parse).
    let drm = [0, 1, 2, 5][usize::from(data[0] % 4)];
    let http_status = u16::from_le_bytes([data[1], data[2]]) % 700;
    let content_type = CONTENT_TYPES[usize::from(data[3] % 8)];
    let body = &data[4..];
    let mut resp = core::ptr::null_mut();
    let st = unsafe {
        xpdrm_token_response_parse(
            drm,
            http_status,
            content_type.map_or(core::ptr::null(), CStr::as_ptr),
            body.as_ptr(),
            body.len(),
            &mut resp,
        )
    };
    if st != Status::XPDRM_OK {
        assert!(resp.is_null());
        assert_ne!(st, Status::XPDRM_ERR_PANIC);
        return;
    }
    assert!((100..600).contains(&http_status) && drm < 3);
    let code = unsafe { xpdrm_token_response_error_code(resp) };
    if code == 0 {
        assert!((200..300).contains(&http_status), "a token from HTTP {http_status}");
        let url = read_all(xpdrm_token_response_license_url, resp).1.unwrap();
        let base = read_all(xpdrm_token_response_license_base_url, resp).1.unwrap();
        let token = read_all(xpdrm_token_response_token, resp).1.unwrap();
        assert!(!token.is_empty());
        assert!(token.trim_end_matches('=').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(
            url.starts_with("http://") || url.starts_with("https://") || url.to_ascii_lowercase().starts_with("http")
        );
        assert!(url.contains("ExpressPlayToken="), "{url}");
        let parsed: Vec<_> =
            form_urlencoded::parse(url.split_once('?').unwrap().1.split('#').next().unwrap().as_bytes())
                .filter(|(k, _)| k == "ExpressPlayToken")
                .map(|(_, v)| v.into_owned())
                .collect();
        assert_eq!(parsed, [token.clone()]);
        assert!(!base.contains("ExpressPlayToken="));
        let (st, text) = read(xpdrm_token_response_error_text, resp, 8);
        assert_eq!((st, text.as_deref()), (Status::XPDRM_OK, Some("")));
        // Small buffers: too small, nothing written.
        let (st, _) = read(xpdrm_token_response_token, resp, token.len());
        assert_eq!(st, Status::XPDRM_ERR_BUFFER_TOO_SMALL);
    } else {
        for get in [
            xpdrm_token_response_license_url as Getter,
            xpdrm_token_response_license_base_url,
            xpdrm_token_response_token,
        ] {
            assert_eq!(read_all(get, resp).0, Status::XPDRM_ERR_RESPONSE_IS_ERROR);
        }
        let text = read(xpdrm_token_response_error_text, resp, 2048).1.unwrap();
        assert!(text.len() <= 1024);
        let _ = read(xpdrm_token_response_error_text, resp, usize::from(data[3]) % 16);
    }
    unsafe { xpdrm_token_response_free(resp) };
});
