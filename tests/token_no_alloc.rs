//! Building, checking and encoding a complete token request into a caller's buffer does not touch the heap
//! (a counting allocator, not a timer, is the proof).

mod alloc_support;

use alloc_support::allocations;

use xpdrm::Status::*;
use xpdrm::ffi::token::*;

fn set(req: *mut xpdrm_token_request, name: &std::ffi::CStr, value: &std::ffi::CStr) {
    assert_eq!(unsafe { xpdrm_token_request_set(req, name.as_ptr(), value.as_ptr()) }, XPDRM_OK);
}

// Counted per thread: a process-wide counter also sees the test harness's threads (it saw 4 stray allocations
// in one run here).
#[test]
fn writing_a_checked_url_or_form_into_a_buffer_allocates_nothing() {
    let mut fp = std::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &mut fp) }, XPDRM_OK);
    set(fp, c"customerAuthenticator", c"201722,1ad8eed133edf43cbcc185f0236828ae");
    set(fp, c"contentKey", c"b366360da82e9c6e0b0984002a362cf2");
    set(fp, c"iv", c"0123456789abcdef0123456789abcdef");
    assert_eq!(unsafe { xpdrm_token_request_set_clock(fp, 4_070_000_000) }, XPDRM_OK);
    set(fp, c"expirationTime", c"2099-01-01T00:00:00Z");
    set(fp, c"cookie", c"player 7 + session & more");
    set(fp, c"fpExtension", c"wudo,AAAAAA==");

    // A Widevine request with kek + ek: the build-time unwrap is on the path too.
    let mut wv = std::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_WIDEVINE, &mut wv) }, XPDRM_OK);
    set(wv, c"kid", c"^movie-1");
    set(wv, c"kek", c"000102030405060708090A0B0C0D0E0F");
    set(wv, c"ek", c"1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
    set(wv, c"securityLevel", c"1");
    set(wv, c"hdcpOutputControl", c"0");

    // Several keys in one token: a three-key Widevine request (SD, HD, UHD) in the HbbTV form; the per-key
    // rules (every contentKey.N has its kid.N) run at build time.
    let mut mk = std::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_WIDEVINE, &mut mk) }, XPDRM_OK);
    set(mk, c"customerAuthenticator", c"201722,1ad8eed133edf43cbcc185f0236828ae");
    set(mk, c"useHttps", c"true");
    set(mk, c"generalFlags", c"00000001");
    for (i, (kid, key, sl, hdcp, track)) in [
        (c"43215678123412341234123412341234", c"12341234123412341234123412341234", c"1", c"0", c"0"),
        (c"43215678123412341234123412341235", c"12341234123412341234123412341235", c"3", c"1", c"1"),
        (c"43215678123412341234123412341236", c"12341234123412341234123412341236", c"5", c"4", c"3"),
    ]
    .into_iter()
    .enumerate()
    {
        for (name, value) in [
            (c"kid", kid),
            (c"contentKey", key),
            (c"securityLevel", sl),
            (c"hdcpOutputControl", hdcp),
            (c"trackType", track),
        ] {
            let st = unsafe { xpdrm_token_request_set_indexed(mk, name.as_ptr(), i as u32, value.as_ptr()) };
            assert_eq!(st, XPDRM_OK);
        }
    }

    let mut buf = [0u8; 1024];
    let mut len = 0usize;
    // Warm up once (the boundary's one-time panic-hook installation allocates).
    assert_eq!(unsafe { xpdrm_token_request_url(fp, buf.as_mut_ptr().cast(), buf.len(), &mut len) }, XPDRM_OK);

    let before = allocations();
    for _ in 0..100 {
        for req in [fp, wv, mk] {
            let st = unsafe { xpdrm_token_request_url(req, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            assert_eq!(st, XPDRM_OK);
            let st = unsafe { xpdrm_token_request_form(req, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            assert_eq!(st, XPDRM_OK);
            // Size queries too.
            let st = unsafe { xpdrm_token_request_url(req, std::ptr::null_mut(), 0, &mut len) };
            assert_eq!(st, XPDRM_ERR_BUFFER_TOO_SMALL);
        }
    }
    let after = allocations();
    assert_eq!(after - before, 0, "the URL path allocated {} times", after - before);

    // The counter works: a refusal records its reason, which allocates.
    assert_eq!(unsafe { xpdrm_token_request_unset(fp, c"iv".as_ptr()) }, XPDRM_OK);
    let before = allocations();
    let st = unsafe { xpdrm_token_request_url(fp, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    assert_eq!(st, XPDRM_ERR_INVALID_IV);
    assert!(allocations() > before);

    unsafe {
        xpdrm_token_request_free(fp);
        xpdrm_token_request_free(wv);
        xpdrm_token_request_free(mk);
    }
}
