//! The HTTP exports' boundary: without the feature every one exists and returns XPDRM_ERR_FEATURE_DISABLED
//! having written nothing; with it, NULLs, invalid UTF-8, out-of-range values, bad PEM and short reason
//! buffers give their statuses and write nothing they should not. (The faults and the flows themselves are
//! in tests/http_faults.rs and tests/http_flow.rs.)

#[cfg(feature = "http")]
mod http_support;

use std::ffi::CStr;
use std::ptr;

#[cfg(feature = "http")]
use http_support::*;
#[cfg(not(feature = "http"))]
use xpdrm::Status;
use xpdrm::Status::*;
use xpdrm::ffi::basics::{XPDRM_FEATURE_HTTP, xpdrm_has_feature, xpdrm_version};
use xpdrm::ffi::http::*;

#[test]
fn version_and_feature_query_say_whether_http_is_built_in() {
    let version = unsafe { CStr::from_ptr(xpdrm_version()) }.to_str().unwrap();
    let has = xpdrm_has_feature(XPDRM_FEATURE_HTTP);
    assert_eq!(has, cfg!(feature = "http"));
    assert_eq!(version.ends_with("(http)"), has, "{version}");
    assert_eq!(version.ends_with("(core)"), !has, "{version}");
    assert!(!xpdrm_has_feature(0) && !xpdrm_has_feature(99));
}

#[test]
fn bytes_accessors_and_frees_take_null() {
    unsafe {
        assert!(xpdrm_bytes_data(ptr::null()).is_null());
        assert_eq!(xpdrm_bytes_len(ptr::null()), 0);
        xpdrm_bytes_free(ptr::null_mut());
        xpdrm_http_config_free(ptr::null_mut());
        xpdrm_http_client_free(ptr::null_mut());
        xpdrm_http_response_free(ptr::null_mut());
    }
}

/// Every status-returning HTTP export, called with non-NULL but never-dereferenced arguments: without the
/// feature none may touch them.
#[cfg(not(feature = "http"))]
#[test]
fn without_the_feature_every_export_is_disabled_and_writes_nothing() {
    let junk = 0x10 as *mut u8; // would crash if dereferenced
    let mut out: *mut u8 = 0x20 as *mut u8;
    let out_pp: *mut *mut u8 = &mut out;
    let mut len = 7usize;
    let mut reason = [0x5Au8; 16];
    let r = reason.as_mut_ptr().cast();
    let t = c"x".as_ptr();
    let calls: Vec<(&str, Status)> = unsafe {
        vec![
            ("config_new", xpdrm_http_config_new(out_pp.cast())),
            ("set_timeouts", xpdrm_http_config_set_timeouts(junk.cast(), 1, 1, 1)),
            ("add_ca_pem", xpdrm_http_config_add_ca_pem(junk.cast(), junk, 1)),
            ("set_client_cert_pem", xpdrm_http_config_set_client_cert_pem(junk.cast(), junk, 1, junk, 1)),
            ("set_max_response_size", xpdrm_http_config_set_max_response_size(junk.cast(), 1)),
            ("set_retry", xpdrm_http_config_set_retry(junk.cast(), 1, 1, 1)),
            ("set_user_agent", xpdrm_http_config_set_user_agent(junk.cast(), t)),
            ("config_reason", xpdrm_http_config_reason(junk.cast(), r, 16, &mut len)),
            ("client_new", xpdrm_http_client_new(junk.cast(), out_pp.cast())),
            ("execute", xpdrm_http_execute(junk.cast(), junk.cast(), out_pp.cast(), r, 16)),
            ("response_status", xpdrm_http_response_status(junk.cast(), junk.cast())),
            ("response_content_type", xpdrm_http_response_content_type(junk.cast(), r, 16, &mut len)),
            ("response_body", xpdrm_http_response_body(junk.cast(), out_pp.cast(), &mut len)),
            ("fetch_token", xpdrm_http_fetch_token(junk.cast(), junk.cast(), XPDRM_HTTP_GET, out_pp.cast(), r, 16)),
            (
                "redeem_license",
                xpdrm_http_redeem_license(junk.cast(), t, junk, 1, XPDRM_TOKEN_IN_URL, out_pp.cast(), r, 16),
            ),
            (
                "exchange_entitlement",
                xpdrm_http_exchange_entitlement(junk.cast(), t, junk.cast(), out_pp.cast(), r, 16),
            ),
            ("lookup_record", xpdrm_http_lookup_record(junk.cast(), t, t, t, r, 16, &mut len, r, 16)),
            ("run_device_binding", xpdrm_http_run_device_binding(junk.cast(), junk.cast(), junk, 1, r, 16)),
            ("run_binding_service", xpdrm_http_run_binding_service(junk.cast(), junk.cast(), r, 16)),
            ("cancel_new", xpdrm::ffi::http_net::xpdrm_http_cancel_new(out_pp.cast())),
            ("cancel_fire", xpdrm::ffi::http_net::xpdrm_http_cancel_fire(junk.cast())),
            ("cancel_reset", xpdrm::ffi::http_net::xpdrm_http_cancel_reset(junk.cast())),
            ("client_set_cancel", xpdrm::ffi::http_net::xpdrm_http_client_set_cancel(junk.cast(), junk.cast())),
            ("set_trust", xpdrm::ffi::http_net::xpdrm_http_config_set_trust(junk.cast(), 0)),
            ("add_pin", xpdrm::ffi::http_net::xpdrm_http_config_add_pin(junk.cast(), t)),
            ("clear_pins", xpdrm::ffi::http_net::xpdrm_http_config_clear_pins(junk.cast())),
            ("set_proxy", xpdrm::ffi::http_net::xpdrm_http_config_set_proxy(junk.cast(), t, t, t, t)),
            (
                "set_event_callback",
                xpdrm::ffi::http_net::xpdrm_http_config_set_event_callback(junk.cast(), None, junk.cast()),
            ),
            ("response_header", xpdrm::ffi::http_net::xpdrm_http_response_header(junk.cast(), t, r, 16, &mut len)),
            ("clock_offset", xpdrm::ffi::http_net::xpdrm_http_client_clock_offset(junk.cast(), junk.cast())),
            ("pin_of_cert_pem", xpdrm::ffi::http_net::xpdrm_http_pin_of_cert_pem(junk, 1, r, 16, &mut len)),
        ]
    };
    assert!(!unsafe { xpdrm::ffi::http_net::xpdrm_http_cancel_is_fired(junk.cast()) });
    unsafe { xpdrm::ffi::http_net::xpdrm_http_cancel_free(ptr::null_mut()) };
    for (name, status) in calls {
        assert_eq!(status, XPDRM_ERR_FEATURE_DISABLED, "{name}");
    }
    assert_eq!(out, 0x20 as *mut u8, "an out-pointer was written");
    assert_eq!(len, 7, "a length was written");
    assert!(reason.iter().all(|&b| b == 0x5A), "a reason was written");
    // The header declares them all; tests/header.rs checks that the library exports exactly those.
}

#[cfg(feature = "http")]
mod with_http {
    use super::*;

    #[test]
    fn config_setters_check_their_values_and_say_why() {
        let cfg = Config::new();
        unsafe {
            assert_eq!(xpdrm_http_config_set_timeouts(cfg.0, 0, 1, 1), XPDRM_ERR_INVALID_ARGUMENT);
            assert!(cfg.reason().contains("connect timeout is 0 ms"), "{}", cfg.reason());
            assert_eq!(xpdrm_http_config_set_timeouts(cfg.0, 1, 1, 1), XPDRM_OK);
            assert_eq!(cfg.reason(), "", "a success clears the reason");
            assert_eq!(xpdrm_http_config_set_timeouts(cfg.0, 1, 86_400_001, 1), XPDRM_ERR_INVALID_ARGUMENT);
            assert_eq!(xpdrm_http_config_set_retry(cfg.0, 0, 0, 0), XPDRM_ERR_INVALID_ARGUMENT);
            assert_eq!(
                xpdrm_http_config_set_retry(cfg.0, XPDRM_HTTP_MAX_ATTEMPTS + 1, 0, 0),
                XPDRM_ERR_INVALID_ARGUMENT
            );
            assert_eq!(xpdrm_http_config_set_retry(cfg.0, 3, 10, 5), XPDRM_ERR_INVALID_ARGUMENT);
            assert_eq!(
                xpdrm_http_config_set_retry(cfg.0, 3, 0, XPDRM_HTTP_MAX_BACKOFF_MS + 1),
                XPDRM_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                xpdrm_http_config_set_retry(cfg.0, XPDRM_HTTP_MAX_ATTEMPTS, 0, XPDRM_HTTP_MAX_BACKOFF_MS),
                XPDRM_OK
            );
            assert_eq!(xpdrm_http_config_set_max_response_size(cfg.0, 0), XPDRM_ERR_INVALID_ARGUMENT);
            assert_eq!(
                xpdrm_http_config_set_max_response_size(cfg.0, XPDRM_HTTP_MAX_RESPONSE_SIZE_LIMIT + 1),
                XPDRM_ERR_INVALID_ARGUMENT
            );
            assert_eq!(xpdrm_http_config_set_max_response_size(cfg.0, XPDRM_HTTP_MAX_RESPONSE_SIZE_LIMIT), XPDRM_OK);
            for bad in [&b"\0"[..], b"a\tb\0", b"\xc3\xa9\0"] {
                assert_eq!(xpdrm_http_config_set_user_agent(cfg.0, bad.as_ptr().cast()), XPDRM_ERR_INVALID_ARGUMENT);
            }
            assert_eq!(xpdrm_http_config_set_user_agent(cfg.0, c"\xff".as_ptr()), XPDRM_ERR_INVALID_UTF8);
            assert_eq!(xpdrm_http_config_set_user_agent(cfg.0, ptr::null()), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_set_user_agent(cfg.0, c"player/1.0 (STB)".as_ptr()), XPDRM_OK);
        }
        // NULL configs and outputs.
        unsafe {
            assert_eq!(xpdrm_http_config_new(ptr::null_mut()), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_set_timeouts(ptr::null_mut(), 1, 1, 1), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_set_retry(ptr::null_mut(), 1, 1, 1), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_set_max_response_size(ptr::null_mut(), 1), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_add_ca_pem(ptr::null_mut(), b"x".as_ptr(), 1), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_config_add_ca_pem(cfg.0, ptr::null(), 1), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(
                xpdrm_http_config_set_client_cert_pem(cfg.0, ptr::null(), 1, ptr::null(), 0),
                XPDRM_ERR_NULL_ARGUMENT
            );
            let mut len = 0;
            assert_eq!(xpdrm_http_config_reason(ptr::null(), ptr::null_mut(), 0, &mut len), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_client_new(ptr::null(), &mut ptr::null_mut()), XPDRM_ERR_NULL_ARGUMENT);
            assert_eq!(xpdrm_http_client_new(cfg.0, ptr::null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        }
        // The reason follows the (out, out_cap, out_len) convention.
        assert_eq!(unsafe { xpdrm_http_config_set_retry(cfg.0, 0, 0, 0) }, XPDRM_ERR_INVALID_ARGUMENT);
        let mut len = 0;
        assert_eq!(
            unsafe { xpdrm_http_config_reason(cfg.0, ptr::null_mut(), 0, &mut len) },
            XPDRM_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(len, cfg.reason().len());
        let _client = cfg.client();
    }

    #[test]
    fn bad_pem_is_refused_with_its_status_and_changes_nothing() {
        let mut cfg = Config::new();
        for bad in [
            "",
            "hello",
            "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n",
        ] {
            assert_eq!(cfg.add_ca(bad), XPDRM_ERR_HTTP_BAD_PEM, "{bad:?}");
            assert!(!cfg.reason().is_empty());
        }
        let huge = "x".repeat(xpdrm::http::MAX_PEM_LEN + 1);
        assert_eq!(cfg.add_ca(&huge), XPDRM_ERR_INPUT_TOO_LARGE);
        assert_eq!(cfg.client_cert("", ""), XPDRM_ERR_HTTP_BAD_PEM);
    }

    #[cfg(feature = "http")]
    #[test]
    fn a_client_key_must_belong_to_its_certificate() {
        let pki = xpdrm_testsrv::Pki::generate();
        let mut cfg = Config::new();
        assert_eq!(cfg.add_ca(&pki.ca_pem), XPDRM_OK);
        assert_eq!(cfg.add_ca(&pki.client.key_pem), XPDRM_ERR_HTTP_BAD_PEM, "a key in a CA bundle");
        assert_eq!(cfg.client_cert(&pki.client.cert_pem, &pki.other_client.key_pem), XPDRM_ERR_HTTP_BAD_PEM);
        assert!(cfg.reason().contains("does not belong"), "{}", cfg.reason());
        assert_eq!(cfg.client_cert(&pki.client.cert_pem, ""), XPDRM_ERR_HTTP_BAD_PEM);
        assert_eq!(cfg.client_cert(&pki.client.cert_pem, &pki.client.cert_pem), XPDRM_ERR_HTTP_BAD_PEM);
        let two_keys = format!("{}{}", pki.client.key_pem, pki.other_client.key_pem);
        assert_eq!(cfg.client_cert(&pki.client.cert_pem, &two_keys), XPDRM_ERR_HTTP_BAD_PEM);
        assert_eq!(cfg.client_cert(&pki.client.cert_pem, &pki.client.key_pem), XPDRM_OK);
        // The reason never quotes the key.
        assert_eq!(cfg.client_cert(&pki.client.key_pem, &pki.client.key_pem), XPDRM_ERR_HTTP_BAD_PEM);
        assert!(!cfg.reason().contains("PRIVATE KEY-----"), "{}", cfg.reason());
        let _client = cfg.client();
    }

    #[test]
    fn operations_check_their_arguments_and_write_nothing() {
        let cfg = Config::new();
        let client = cfg.client();
        let url = c("https://127.0.0.1:1/");
        let mut reason = ReasonBuf::new();
        let sentinel = std::ptr::dangling_mut::<xpdrm_bytes>();
        let mut out = sentinel;
        unsafe {
            // A reason buffer that is NULL with a capacity is an error of its own.
            assert_eq!(
                xpdrm_http_redeem_license(
                    client.0,
                    url.as_ptr(),
                    b"x".as_ptr(),
                    1,
                    XPDRM_TOKEN_IN_URL,
                    &mut out,
                    ptr::null_mut(),
                    8
                ),
                XPDRM_ERR_NULL_ARGUMENT
            );
            let cases = [
                (ptr::null(), url.as_ptr(), b"x".as_ptr(), 1, XPDRM_TOKEN_IN_URL, XPDRM_ERR_NULL_ARGUMENT),
                (client.0 as *const _, ptr::null(), b"x".as_ptr(), 1, XPDRM_TOKEN_IN_URL, XPDRM_ERR_NULL_ARGUMENT),
                (client.0, c"\xff".as_ptr(), b"x".as_ptr(), 1, XPDRM_TOKEN_IN_URL, XPDRM_ERR_INVALID_UTF8),
                (client.0, url.as_ptr(), ptr::null(), 1, XPDRM_TOKEN_IN_URL, XPDRM_ERR_NULL_ARGUMENT),
                (client.0, url.as_ptr(), b"x".as_ptr(), 0, XPDRM_TOKEN_IN_URL, XPDRM_ERR_INVALID_ARGUMENT),
                (client.0, url.as_ptr(), b"x".as_ptr(), 1, 2, XPDRM_ERR_INVALID_ARGUMENT),
                (client.0, url.as_ptr(), b"x".as_ptr(), 1, -1, XPDRM_ERR_INVALID_ARGUMENT),
            ];
            for (cl, u, ch, len, placement, want) in cases {
                let st = xpdrm_http_redeem_license(cl, u, ch, len, placement, &mut out, reason.ptr(), reason.cap());
                assert_eq!(st, want);
                assert_eq!(out, sentinel);
                assert!(!reason.text().unwrap().is_empty(), "a reason for {want:?}");
            }
            let big = vec![0u8; XPDRM_HTTP_MAX_CHALLENGE_LEN + 1];
            let st = xpdrm_http_redeem_license(
                client.0,
                url.as_ptr(),
                big.as_ptr(),
                big.len(),
                XPDRM_TOKEN_IN_URL,
                &mut out,
                reason.ptr(),
                reason.cap(),
            );
            assert_eq!((st, out), (XPDRM_ERR_INPUT_TOO_LARGE, sentinel));
            // A URL without a token cannot put one in a header.
            let st = xpdrm_http_redeem_license(
                client.0,
                url.as_ptr(),
                b"x".as_ptr(),
                1,
                XPDRM_TOKEN_IN_HEADER,
                &mut out,
                reason.ptr(),
                reason.cap(),
            );
            assert_eq!((st, out), (XPDRM_ERR_RESPONSE_NO_TOKEN, sentinel), "{:?}", reason.text());

            // Token fetch: the method, and the request's own check before anything is sent.
            let req = TokenRequest::new(xpdrm::ffi::token::XPDRM_DRM_FAIRPLAY, "https://127.0.0.1:1/hms/fp/token", &[]);
            let mut tout = std::ptr::dangling_mut::<xpdrm::ffi::token::xpdrm_token_response>();
            let st = xpdrm_http_fetch_token(client.0, req.0, 7, &mut tout, reason.ptr(), reason.cap());
            assert_eq!(st, XPDRM_ERR_INVALID_ARGUMENT);
            let st = xpdrm_http_fetch_token(client.0, req.0, XPDRM_HTTP_POST, &mut tout, reason.ptr(), reason.cap());
            assert_eq!(st, XPDRM_ERR_INVALID_IV, "the whole-request check: FairPlay needs iv");
            assert!(reason.text().unwrap().contains("iv"), "{:?}", reason.text());
            assert_eq!(
                xpdrm_http_fetch_token(client.0, ptr::null(), 0, &mut tout, ptr::null_mut(), 0),
                XPDRM_ERR_NULL_ARGUMENT
            );
            assert_eq!(tout, std::ptr::dangling_mut());

            // Entitlement exchange and lookup: URLs and values are checked before anything is sent.
            let mut eout = std::ptr::dangling_mut::<xpdrm::ffi::sees::xpdrm_entitlement_response>();
            let rel = c("/sees");
            let mut ereq = ptr::null_mut();
            let cid = c("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
            assert_eq!(
                xpdrm::ffi::sees::xpdrm_entitlement_request_new(cid.as_ptr(), 1, ptr::null(), &mut ereq),
                XPDRM_OK
            );
            let st =
                xpdrm_http_exchange_entitlement(client.0, rel.as_ptr(), ereq, &mut eout, reason.ptr(), reason.cap());
            assert_eq!((st, eout), (XPDRM_ERR_INVALID_BASE_URL, std::ptr::dangling_mut()));
            let st = xpdrm_http_exchange_entitlement(
                client.0,
                url.as_ptr(),
                ptr::null(),
                &mut eout,
                reason.ptr(),
                reason.cap(),
            );
            assert_eq!(st, XPDRM_ERR_NULL_ARGUMENT);
            // A refused (parsed) request cannot be sent: its status.
            let mut refused = ptr::null_mut();
            let bad = b"{\"messageID\":1}";
            let st = xpdrm::ffi::sees::xpdrm_entitlement_request_parse(bad.as_ptr(), bad.len(), &mut refused);
            assert_eq!(st, XPDRM_OK, "a refused request is handed out with XPDRM_OK");
            assert_eq!(xpdrm::ffi::sees::xpdrm_entitlement_request_status(refused), XPDRM_ERR_SEES_WRONG_TYPE);
            let st =
                xpdrm_http_exchange_entitlement(client.0, url.as_ptr(), refused, &mut eout, reason.ptr(), reason.cap());
            assert_eq!((st, eout), (XPDRM_ERR_SEES_WRONG_TYPE, std::ptr::dangling_mut()));
            xpdrm::ffi::sees::xpdrm_entitlement_request_free(refused);
            xpdrm::ffi::sees::xpdrm_entitlement_request_free(ereq);
        }
        let lookups = [
            ("https://h/getrecord/", "", "cookie", XPDRM_ERR_MISSING_AUTHENTICATOR),
            ("https://h/getrecord/", "12,34", "cookie", XPDRM_ERR_INVALID_AUTHENTICATOR),
            ("https://h/getrecord/", "1,00112233445566778899aabbccddeeff", "", XPDRM_ERR_INVALID_COOKIE),
            ("https://h/getrecord/", "1,00112233445566778899aabbccddeeff", &"c".repeat(33), XPDRM_ERR_INVALID_COOKIE),
            ("getrecord", "1,00112233445566778899aabbccddeeff", "cookie", XPDRM_ERR_INVALID_BASE_URL),
        ];
        for (url, auth, cookie, want) in lookups {
            let r = lookup(&client, url, auth, cookie).failed(want);
            assert!(!r.contains("00112233445566778899"), "the authenticator in a reason: {r}");
        }
    }

    #[test]
    fn reasons_are_cut_to_fit_at_a_character_boundary() {
        let cfg = Config::new();
        let client = cfg.client();
        let url = c("ftp://h/");
        let mut small = [0x5Au8; 12];
        let mut out = ptr::null_mut();
        let st = unsafe {
            xpdrm_http_redeem_license(
                client.0,
                url.as_ptr(),
                b"x".as_ptr(),
                1,
                0,
                &mut out,
                small.as_mut_ptr().cast(),
                small.len(),
            )
        };
        assert_eq!(st, XPDRM_ERR_HTTP_INVALID_URL);
        let end = small.iter().position(|&b| b == 0).expect("NUL-terminated");
        assert_eq!(end, 11);
        assert!(std::str::from_utf8(&small[..end]).is_ok());
        // A reason buffer of 0 bytes with NULL is fine, and one byte holds just the NUL.
        let mut one = [0x5Au8; 1];
        let st = unsafe {
            xpdrm_http_redeem_license(client.0, url.as_ptr(), b"x".as_ptr(), 1, 0, &mut out, one.as_mut_ptr().cast(), 1)
        };
        assert_eq!((st, one[0]), (XPDRM_ERR_HTTP_INVALID_URL, 0));
        let st = unsafe {
            xpdrm_http_redeem_license(client.0, url.as_ptr(), b"x".as_ptr(), 1, 0, &mut out, ptr::null_mut(), 0)
        };
        assert_eq!(st, XPDRM_ERR_HTTP_INVALID_URL);
        assert!(out.is_null());
    }

    #[test]
    fn flows_and_answers_check_their_arguments() {
        let cfg = Config::new();
        let client = cfg.client();
        let mut reason = ReasonBuf::new();
        unsafe {
            assert_eq!(
                xpdrm_http_run_device_binding(client.0, ptr::null_mut(), b"s".as_ptr(), 1, reason.ptr(), reason.cap()),
                XPDRM_ERR_NULL_ARGUMENT
            );
            assert_eq!(
                xpdrm_http_run_binding_service(client.0, ptr::null_mut(), reason.ptr(), reason.cap()),
                XPDRM_ERR_NULL_ARGUMENT
            );
            assert_eq!(
                xpdrm_http_execute(client.0, ptr::null(), &mut ptr::null_mut(), reason.ptr(), reason.cap()),
                XPDRM_ERR_NULL_ARGUMENT
            );
            let mut code = 0u16;
            assert_eq!(xpdrm_http_response_status(ptr::null(), &mut code), XPDRM_ERR_NULL_ARGUMENT);
            let mut len = 0;
            assert_eq!(
                xpdrm_http_response_content_type(ptr::null(), ptr::null_mut(), 0, &mut len),
                XPDRM_ERR_NULL_ARGUMENT
            );
            assert_eq!(xpdrm_http_response_body(ptr::null(), &mut ptr::null(), &mut len), XPDRM_ERR_NULL_ARGUMENT);
            // A device flow that awaits an answer cannot be run by the client (it did not send the request).
            use xpdrm::ffi::binding::*;
            let (sees, dummy, content) = (
                c("https://127.0.0.1:1/sees"),
                c("00000000-0000-4000-8000-000000000001"),
                c("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            );
            let mut dev = ptr::null_mut();
            assert_eq!(
                xpdrm_binding_device_new(sees.as_ptr(), dummy.as_ptr(), content.as_ptr(), ptr::null(), &mut dev),
                XPDRM_OK
            );
            let mut req = ptr::null_mut();
            assert_eq!(xpdrm_binding_device_registration_request(dev, &mut req), XPDRM_OK);
            xpdrm::ffi::outbound::xpdrm_outbound_request_free(req);
            let st = xpdrm_http_run_device_binding(client.0, dev, b"s".as_ptr(), 1, reason.ptr(), reason.cap());
            assert_eq!(st, XPDRM_ERR_BINDING_WRONG_STATE);
            assert!(reason.text().unwrap().contains("AwaitRegistration"), "{:?}", reason.text());
            xpdrm_binding_device_free(dev);
            // A service flow before begin.
            let auth = c("1,00112233445566778899aabbccddeeff");
            let mut svc = ptr::null_mut();
            assert_eq!(xpdrm_binding_service_new(2, auth.as_ptr(), &mut svc), XPDRM_OK);
            assert_eq!(
                xpdrm_http_run_binding_service(client.0, svc, reason.ptr(), reason.cap()),
                XPDRM_ERR_BINDING_WRONG_STATE
            );
            xpdrm_binding_service_free(svc);
        }
    }
}
