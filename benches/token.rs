//! Token requests and responses through the C ABI. Run: `cargo bench --bench token`.
//!
//! * `request/fairplay_url_into_buffer`: check a complete FairPlay request (required parameters, rules)
//!   and encode its GET URL into the caller's buffer: the path that must stay under 1 us and allocation-free
//!   (`tests/token_no_alloc.rs` proves the latter).
//! * `request/fairplay_new_set_url_free`: the same, with creating the request and setting its six values.
//! * `request/widevine_three_keys_url_into_buffer`: the same for a three-key Widevine request (SD, HD, UHD,
//!   each with its own kid, content key, security level, HDCP version and track type: the HbbTV form, 19
//!   parameters), whose per-key rules are checked on every build. Also under 1 us and allocation-free.
//! * `response/uri_list_300_bytes_parse_free`: parse a 300-byte `text/uri-list` answer and free it (which
//!   wipes it), as a C player does. (Parsing alone is not measured apart: keeping the responses alive for a
//!   later drop costs criterion more page faults than the parse itself.)

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use xpdrm::Status;
use xpdrm::ffi::token::*;

const PARAMS: [(&std::ffi::CStr, &std::ffi::CStr); 6] = [
    (c"customerAuthenticator", c"201722,1ad8eed133edf43cbcc185f0236828ae"),
    (c"contentKey", c"b366360da82e9c6e0b0984002a362cf2"),
    (c"iv", c"d5fbd6b82ed93e4ef98ae40931ee8d9d"),
    (c"expirationTime", c"+3600"),
    (c"cookie", c"living room #2"),
    (c"rentalDuration", c"86400"),
];

fn fairplay() -> *mut xpdrm_token_request {
    let mut req = std::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &mut req) }, Status::XPDRM_OK);
    for (n, v) in PARAMS {
        assert_eq!(unsafe { xpdrm_token_request_set(req, n.as_ptr(), v.as_ptr()) }, Status::XPDRM_OK);
    }
    req
}

/// The three-key Widevine request of `examples-c/multikey_token.c`.
fn widevine_three_keys() -> *mut xpdrm_token_request {
    let mut req = std::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_WIDEVINE, &mut req) }, Status::XPDRM_OK);
    for (n, v) in [
        (c"customerAuthenticator", c"201722,1ad8eed133edf43cbcc185f0236828ae"),
        (c"expirationTime", c"+2592000"),
        (c"generalFlags", c"00000001"),
        (c"useHttps", c"true"),
        (c"errorFormat", c"json"),
        (c"contentId", c"Test123412351236"),
    ] {
        assert_eq!(unsafe { xpdrm_token_request_set(req, n.as_ptr(), v.as_ptr()) }, Status::XPDRM_OK);
    }
    let keys = [
        [c"43215678123412341234123412341234", c"12341234123412341234123412341234", c"1", c"0", c"0"],
        [c"43215678123412341234123412341235", c"12341234123412341234123412341235", c"3", c"1", c"1"],
        [c"43215678123412341234123412341236", c"12341234123412341234123412341236", c"5", c"4", c"3"],
    ];
    for (i, values) in keys.iter().enumerate() {
        let names = [c"kid", c"contentKey", c"securityLevel", c"hdcpOutputControl", c"trackType"];
        for (n, v) in names.iter().zip(values) {
            let st = unsafe { xpdrm_token_request_set_indexed(req, n.as_ptr(), i as u32, v.as_ptr()) };
            assert_eq!(st, Status::XPDRM_OK);
        }
    }
    req
}

fn request(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    let req = fairplay();
    let mut buf = [0u8; 512];
    let mut len = 0usize;
    let st = unsafe { xpdrm_token_request_url(req, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    assert_eq!((st, len), (Status::XPDRM_OK, 260));
    group.bench_function("fairplay_url_into_buffer", |b| {
        b.iter(|| {
            let st = unsafe { xpdrm_token_request_url(black_box(req), buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            assert_eq!(st, Status::XPDRM_OK);
            black_box(&buf);
        })
    });
    unsafe { xpdrm_token_request_free(req) };
    let req = widevine_three_keys();
    let mut big = [0u8; 1024];
    let st = unsafe { xpdrm_token_request_url(req, big.as_mut_ptr().cast(), big.len(), &mut len) };
    assert_eq!((st, len), (Status::XPDRM_OK, 635));
    group.bench_function("widevine_three_keys_url_into_buffer", |b| {
        b.iter(|| {
            let st = unsafe { xpdrm_token_request_url(black_box(req), big.as_mut_ptr().cast(), big.len(), &mut len) };
            assert_eq!(st, Status::XPDRM_OK);
            black_box(&big);
        })
    });
    unsafe { xpdrm_token_request_free(req) };
    group.bench_function("fairplay_new_set_url_free", |b| {
        b.iter(|| {
            let req = fairplay();
            let st = unsafe { xpdrm_token_request_url(req, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            assert_eq!(st, Status::XPDRM_OK);
            unsafe { xpdrm_token_request_free(req) };
            black_box(&buf);
        })
    });
    group.finish();
}

fn uri_list_300() -> Vec<u8> {
    let head =
        "# ExpressPlay FairPlay license URL\r\nhttps://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=";
    let token_len = 300 - head.len() - 2;
    let token: String = (0..token_len)
        .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i % 64] as char)
        .collect();
    let body = format!("{head}{token}\r\n").into_bytes();
    assert_eq!(body.len(), 300);
    body
}

fn response(c: &mut Criterion) {
    let mut group = c.benchmark_group("response");
    let body = uri_list_300();
    group.bench_function("uri_list_300_bytes_parse_free", |b| {
        b.iter(|| {
            let mut resp = std::ptr::null_mut();
            let st = unsafe {
                xpdrm_token_response_parse(
                    XPDRM_DRM_FAIRPLAY,
                    200,
                    c"text/uri-list".as_ptr(),
                    black_box(body.as_ptr()),
                    body.len(),
                    &mut resp,
                )
            };
            assert_eq!(st, Status::XPDRM_OK);
            unsafe { xpdrm_token_response_free(black_box(resp)) };
        })
    });
    group.finish();
}

criterion_group!(benches, request, response);
criterion_main!(benches);
