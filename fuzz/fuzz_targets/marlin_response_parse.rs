//! Arbitrary Marlin answers (MS3 or BB, HTTP status, content type, body) through the C ABI: never a panic;
//! an MS3 token only as the single `b` value of the compound URL kept as given, its content URL the
//! fragment decoded; a BB token only as the body itself, byte for byte, and only a well-formed `ActionToken`
//! document; an error answer never yields either; no accessor writes past its buffer. Half of the inputs
//! are wrapped in a compound URL or an `ActionToken` element so that the deeper checks are reached.
#![no_main]

use core::ffi::{CStr, c_char};

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::ffi::marlin::*;
use xpdrm::ffi::token::*;

type Getter = unsafe extern "C" fn(*const xpdrm_token_response, *mut c_char, usize, *mut usize) -> Status;

const CONTENT_TYPES: [Option<&CStr>; 8] = [
    None,
    Some(c"text/uri-list"),
    Some(c"application/vnd.marlin.drm.actiontoken+xml"),
    Some(c"application/json"),
    Some(c"text/html; charset=utf-8"),
    Some(c"text/plain"),
    Some(c"application/xml"),
    Some(c"image/png"),
];

/// Reads an output with a size query, then a buffer of exactly that size (plus a canary); `text` adds the
/// NUL. Checks that nothing lands past the buffer, and nothing at all on failure.
fn read(get: Getter, resp: *const xpdrm_token_response, text: bool) -> Result<Vec<u8>, Status> {
    let mut len = usize::MAX;
    let st = unsafe { get(resp, core::ptr::null_mut(), 0, &mut len) };
    if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
        assert_ne!(st, Status::XPDRM_OK);
        assert_ne!(st, Status::XPDRM_ERR_PANIC);
        return Err(st);
    }
    let cap = len + usize::from(text);
    let mut buf = vec![0xA5u8; cap + 16];
    let mut got = usize::MAX;
    let st = unsafe { get(resp, buf.as_mut_ptr().cast(), cap, &mut got) };
    assert_eq!(st, Status::XPDRM_OK);
    assert_eq!(got, len);
    assert!(buf[cap..].iter().all(|&b| b == 0xA5), "wrote past out_cap");
    if text {
        assert_eq!(buf[len], 0);
    }
    buf.truncate(len);
    Ok(buf)
}

fn action_token(resp: *const xpdrm_token_response, out: *mut c_char, cap: usize, len: *mut usize) -> Status {
    unsafe { xpdrm_token_response_action_token(resp, out.cast(), cap, len) }
}

/// `action_token` as a [`Getter`].
unsafe extern "C" fn action_token_getter(
    r: *const xpdrm_token_response,
    o: *mut c_char,
    c: usize,
    l: *mut usize,
) -> Status {
    action_token(r, o, c, l)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'%' {
            let hex = core::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let drm = if data[0] & 1 == 0 { XPDRM_DRM_MARLIN_MS3 } else { XPDRM_DRM_MARLIN_BB };
    let http_status = if data[0] & 2 == 0 { 200 } else { u16::from_le_bytes([data[1], data[2]]) % 700 };
    let content_type = CONTENT_TYPES[usize::from(data[3] % 8)];
    let wrap = data[3] & 0x80 != 0;
    let raw = &data[4..];
    let body: Vec<u8> = match (wrap, drm) {
        (false, _) => raw.to_vec(),
        (true, XPDRM_DRM_MARLIN_MS3) => [&b"https://ms3.example:8443/hms/ms3/rights/?b=AAwAAwAAAxkA"[..], raw].concat(),
        (true, _) => {
            [&b"<?xml version=\"1.0\"?><ActionToken xmlns=\"urn:marlin\">"[..], raw, b"</ActionToken>"].concat()
        }
    };
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
    let code = unsafe { xpdrm_token_response_error_code(resp) };
    if code != 0 {
        for get in [
            xpdrm_token_response_license_url as Getter,
            xpdrm_token_response_token,
            xpdrm_token_response_content_url,
            action_token_getter,
        ] {
            assert_eq!(read(get, resp, true).err(), Some(Status::XPDRM_ERR_RESPONSE_IS_ERROR));
        }
    } else if drm == XPDRM_DRM_MARLIN_MS3 {
        assert!((200..300).contains(&http_status), "a token from HTTP {http_status}");
        let url = String::from_utf8(read(xpdrm_token_response_license_url, resp, true).unwrap()).unwrap();
        let token = String::from_utf8(read(xpdrm_token_response_token, resp, true).unwrap()).unwrap();
        assert!(core::str::from_utf8(&body).unwrap().contains(&url), "the URL is kept as given");
        assert!(
            !token.is_empty()
                && token.trim_end_matches('=').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let (main, fragment) = url.split_once('#').map_or((url.as_str(), None), |(m, f)| (m, Some(f)));
        let query = main.split_once('?').unwrap().1;
        let bs: Vec<_> = query.split('&').filter_map(|s| s.strip_prefix("b=")).collect();
        assert_eq!(bs, [token.as_str()]);
        match (fragment, read(xpdrm_token_response_content_url, resp, true)) {
            (Some(f), Ok(content)) if !f.is_empty() => assert_eq!(percent_decode(f).unwrap(), content),
            (_, Err(st)) => assert_eq!(st, Status::XPDRM_ERR_RESPONSE_NO_CONTENT_URL),
            (f, Ok(c)) => panic!("content URL {c:?} without a fragment {f:?}"),
        }
        assert_eq!(read(action_token_getter, resp, false).err(), Some(Status::XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN));
    } else {
        assert!((200..300).contains(&http_status), "a token from HTTP {http_status}");
        let xml = read(action_token_getter, resp, false).unwrap();
        assert_eq!(xml, body, "the action token is the body, unchanged");
        assert_eq!(xpdrm::token::response::check_action_token(&xml), Ok(()));
        assert_eq!(
            read(xpdrm_token_response_license_url, resp, true).err(),
            Some(Status::XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN)
        );
        assert_eq!(
            read(xpdrm_token_response_token, resp, true).err(),
            Some(Status::XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN)
        );
        assert_eq!(
            read(xpdrm_token_response_content_url, resp, true).err(),
            Some(Status::XPDRM_ERR_RESPONSE_NO_CONTENT_URL)
        );
    }
    unsafe { xpdrm_token_response_free(resp) };
});
