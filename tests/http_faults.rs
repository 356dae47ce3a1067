//! Every fault the HTTP client must report, each with a real local fault (testsrv/src/faults.rs)
//! and through the C ABI: its own status, nothing written to the output, a reason that says what happened
//! and holds no secret, and retries that are bounded and only where repeating is safe.
#![cfg(feature = "http")]

mod http_support;

use std::time::{Duration, Instant};

use http_support::*;
use xpdrm::Status::{self, *};
use xpdrm::ffi::http::*;
use xpdrm::ffi::outbound::xpdrm_outbound_request;
use xpdrm_testsrv::{Pki, faults, faults::Faults};

struct Setup {
    pki: Pki,
    faults: Faults,
}

fn setup() -> Setup {
    let pki = Pki::generate();
    let faults = Faults::start(&pki).unwrap();
    Setup { pki, faults }
}

/// A client that trusts the test CA, with short timeouts and a quick retry policy (3 attempts).
fn client(s: &Setup, mutual: Option<&xpdrm_testsrv::pki::Identity>) -> Client {
    let mut cfg = Config::new();
    assert_eq!(cfg.add_ca(&s.pki.ca_pem), XPDRM_OK);
    if let Some(id) = mutual {
        assert_eq!(cfg.client_cert(&id.cert_pem, &id.key_pem), XPDRM_OK, "{}", cfg.reason());
    }
    cfg.timeouts(2_000, 400, 10_000).retry(3, 20, 100).max_response(64 * 1024);
    cfg.client()
}

const AUTH: &str = "1,00112233445566778899aabbccddeeff";

/// A `GET` of `url` as a record lookup: the answer must be 2xx JSON records.
fn get(c: &Client, url: &str) -> Outcome<String> {
    lookup(c, url, AUTH, "cookie-1")
}

/// A request description from a flow, through the C API: the service's record lookup (a `GET` of
/// `<record_url>?customerAuthenticator=...&cookie=...`) or the device's cookie registration (a `POST` to
/// `<sees_url>`). Free with `xpdrm_outbound_request_free`.
fn described(method: &str, url: &str) -> *mut xpdrm_outbound_request {
    use xpdrm::ffi::binding::*;
    if method != "POST" {
        return http_support::record_request(url);
    }
    let url = c_str(url);
    let content = c_str("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    let dummy = c_str("00000000-0000-4000-8000-000000000001");
    let mut out = std::ptr::null_mut();
    let mut dev = std::ptr::null_mut();
    unsafe {
        assert_eq!(
            xpdrm_binding_device_new(url.as_ptr(), dummy.as_ptr(), content.as_ptr(), std::ptr::null(), &mut dev),
            XPDRM_OK
        );
        assert_eq!(xpdrm_binding_device_registration_request(dev, &mut out), XPDRM_OK);
        xpdrm_binding_device_free(dev);
    }
    out
}

fn execute_described(c: &Client, method: &str, url: &str) -> Outcome<Answer> {
    let req = described(method, url);
    let outcome = execute(c, req);
    unsafe { xpdrm::ffi::outbound::xpdrm_outbound_request_free(req) };
    outcome
}

#[test]
fn connection_refused_is_its_own_status_and_is_retried() {
    let s = setup();
    let c = client(&s, None);
    let started = Instant::now();
    let reason = get(&c, &s.faults.refused_url("/ok")).failed(XPDRM_ERR_HTTP_CONNECT);
    assert!(reason.contains("refused") && reason.contains("3 attempts"), "{reason}");
    // Two backoffs of 20 and 40 ms, each randomised to between half and all of it.
    assert!(started.elapsed() >= Duration::from_millis(30), "{:?}", started.elapsed());
}

#[test]
fn a_stalling_server_times_out_after_the_read_timeout() {
    let s = setup();
    let c = client(&s, None);
    let started = Instant::now();
    let reason = get(&c, &s.faults.url("/stall")).failed(XPDRM_ERR_HTTP_TIMEOUT);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(3), "{took:?}: {reason}");
    // Nothing says the request did not arrive: a timed-out request is not sent again.
    assert_eq!(s.faults.hits("/stall"), 1);
}

#[test]
fn the_overall_timeout_bounds_an_operation() {
    let s = setup();
    let mut cfg = Config::new();
    cfg.timeouts(2_000, 5_000, 300);
    let c = cfg.client();
    let started = Instant::now();
    get(&c, &s.faults.url("/stall")).failed(XPDRM_ERR_HTTP_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn a_5xx_then_success_is_retried_for_reads_and_entitlement_messages() {
    let s = setup();
    let c = client(&s, None);
    // A record lookup (GET): two 503s, then the records.
    let id = lookup(&c, &s.faults.url("/flaky/2/records"), "1,00112233445566778899aabbccddeeff", "cookie-1").ok();
    assert_eq!(id, faults::FLAKY_DEVICE_ID);
    assert_eq!(s.faults.hits("/flaky/2/records"), 3);
    // An entitlement exchange (POST, same messageID each time): one 503, then the grant.
    let req = entitlement_request();
    let mut reason = ReasonBuf::new();
    let mut out = std::ptr::null_mut();
    let url = c_str(&s.faults.url("/flaky/1/sees"));
    let st = unsafe { xpdrm_http_exchange_entitlement(c.0, url.as_ptr(), req, &mut out, reason.ptr(), reason.cap()) };
    assert_eq!(st, XPDRM_OK, "{:?}", reason.text());
    assert!(unsafe { xpdrm::ffi::sees::xpdrm_entitlement_response_is_allowed(out) });
    unsafe { xpdrm::ffi::sees::xpdrm_entitlement_response_free(out) };
    unsafe { xpdrm::ffi::sees::xpdrm_entitlement_request_free(req) };
    assert_eq!(s.faults.hits("/flaky/1/sees"), 2);
    // A GET given to xpdrm_http_execute (the service flow's record lookup) is a read too.
    let a = execute_described(&c, "GET", &s.faults.url("/flaky/1/get")).ok();
    assert_eq!((a.status, a.content_type.as_str()), (200, "application/json"));
    assert!(String::from_utf8(a.body).unwrap().contains(faults::FLAKY_DEVICE_ID));
    assert_eq!(s.faults.hits("/flaky/1/get"), 2);
}

#[test]
fn a_post_is_not_repeated_after_a_5xx() {
    let s = setup();
    let c = client(&s, None);
    // xpdrm_http_execute with a POST (the device's cookie registration): the 503 is the result.
    let a = execute_described(&c, "POST", &s.faults.url("/flaky/1/post")).ok();
    assert_eq!(a.status, 503, "the 5xx answer is the result");
    assert_eq!(s.faults.hits("/flaky/1/post"), 1);
    // A token fetch mints a token: neither GET nor POST is repeated; the 5xx is the server's error.
    for (method, path) in [(XPDRM_HTTP_GET, "/status/503"), (XPDRM_HTTP_POST, "/status/502")] {
        let t = TokenRequest::new(
            xpdrm::ffi::token::XPDRM_DRM_FAIRPLAY,
            &s.faults.url(path),
            &[("contentKey", "00112233445566778899aabbccddeeff"), ("iv", "00112233445566778899aabbccddeeff")],
        );
        let before = s.faults.hits(path);
        let token = fetch(&c, &t, method).ok();
        assert_eq!(token.error_code, XPDRM_ERR_SERVER_5XX_ERROR.code(), "{token:?}");
        assert_eq!(s.faults.hits(path) - before, 1, "{path}");
    }
}

#[test]
fn a_5xx_forever_stops_after_the_policy_s_attempts() {
    let s = setup();
    let c = client(&s, None);
    let reason = get(&c, &s.faults.url("/status/503")).failed(XPDRM_ERR_HTTP_RETRIES_EXHAUSTED);
    assert!(reason.contains("503") && reason.contains("3 attempts"), "{reason}");
    assert_eq!(s.faults.hits("/status/503"), 3);
    // The same through a record lookup, with a policy of one attempt.
    let mut cfg = Config::new();
    cfg.retry(1, 0, 0);
    let once = cfg.client();
    lookup(&once, &s.faults.url("/status/500"), "1,00112233445566778899aabbccddeeff", "c")
        .failed(XPDRM_ERR_HTTP_RETRIES_EXHAUSTED);
    assert_eq!(s.faults.hits("/status/500"), 1);
    // Other statuses are answers, not retried: a lookup needs 2xx.
    let r = lookup(&c, &s.faults.url("/status/404"), "1,00112233445566778899aabbccddeeff", "c")
        .failed(XPDRM_ERR_HTTP_STATUS);
    assert!(r.contains("404"), "{r}");
    assert_eq!(s.faults.hits("/status/404"), 1);
}

#[test]
fn a_truncated_body_is_its_own_status() {
    let s = setup();
    let c = client(&s, None);
    get(&c, &s.faults.url("/truncated")).failed(XPDRM_ERR_HTTP_TRUNCATED);
    // Closing without any answer is a transport error, not a truncation.
    get(&c, &s.faults.url("/close")).failed(XPDRM_ERR_HTTP_TRANSPORT);
}

#[test]
fn an_oversized_body_is_refused_while_reading() {
    let s = setup();
    let c = client(&s, None);
    let r = get(&c, &s.faults.url("/oversized")).failed(XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE);
    assert!(r.contains("2097152"), "refused by its declared length: {r}");
    // A body without a length that never ends (the server would send 256 MiB): refused after the limit.
    let started = Instant::now();
    get(&c, &s.faults.url("/endless")).failed(XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn a_wrong_content_type_is_refused() {
    let s = setup();
    let c = client(&s, None);
    let auth = "1,00112233445566778899aabbccddeeff";
    let r = lookup(&c, &s.faults.url("/html"), auth, "c").failed(XPDRM_ERR_HTTP_CONTENT_TYPE);
    assert!(r.contains("text/html"), "{r}");
    let req = entitlement_request();
    let mut reason = ReasonBuf::new();
    let sentinel = std::ptr::dangling_mut::<xpdrm::ffi::sees::xpdrm_entitlement_response>();
    let mut out = sentinel;
    let url = c_str(&s.faults.url("/html"));
    let st = unsafe { xpdrm_http_exchange_entitlement(c.0, url.as_ptr(), req, &mut out, reason.ptr(), reason.cap()) };
    unsafe { xpdrm::ffi::sees::xpdrm_entitlement_request_free(req) };
    assert_eq!((st, out), (XPDRM_ERR_HTTP_CONTENT_TYPE, sentinel));
    // A token server's answer is read by the token module, which says so with its own status.
    let t = TokenRequest::new(
        xpdrm::ffi::token::XPDRM_DRM_FAIRPLAY,
        &s.faults.url("/html"),
        &[("contentKey", "00112233445566778899aabbccddeeff"), ("iv", "00112233445566778899aabbccddeeff")],
    );
    fetch(&c, &t, XPDRM_HTTP_GET).failed(XPDRM_ERR_RESPONSE_CONTENT_TYPE);
}

#[test]
fn a_server_certificate_from_an_unknown_ca_or_for_another_name_is_refused() {
    let s = setup();
    let c = client(&s, None);
    let r = get(&c, &s.faults.unknown_ca_url("/ok")).failed(XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
    assert!(r.contains("1 attempt"), "TLS failures are not retried: {r}");
    assert_eq!(s.faults.hits("/ok"), 0, "no request got through");
    get(&c, &s.faults.wrong_name_url("/ok")).failed(XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID);
    // Without any added CA, the built-in public roots do not know the test CA either.
    let public = Config::new().client();
    get(&public, &s.faults.mutual_url("/ok")).failed(XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
}

#[test]
fn mutual_tls_without_or_with_a_wrong_client_certificate_is_refused() {
    let s = setup();
    get(&client(&s, None), &s.faults.mutual_url("/ok")).failed(XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED);
    let wrong = client(&s, Some(&s.pki.other_client));
    get(&wrong, &s.faults.mutual_url("/ok")).failed(XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED);
    assert_eq!(s.faults.hits("/ok"), 0);
    let right = client(&s, Some(&s.pki.client));
    assert_eq!(get(&right, &s.faults.mutual_url("/flaky/0/mutual")).ok(), faults::FLAKY_DEVICE_ID);
    assert_eq!(s.faults.hits("/flaky/0/mutual"), 1);
}

#[test]
fn a_url_the_client_cannot_use_is_its_own_status() {
    let s = setup();
    let c = client(&s, None);
    for bad in ["ftp://127.0.0.1/x", "http://", "http://exa mple.com/"] {
        redeem(&c, bad, b"spc", XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_HTTP_INVALID_URL);
    }
    redeem(&c, "not a url", b"spc", XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_HTTP_INVALID_URL);
    // The flows check their service URLs themselves, by the one URL rule, before anything is sent: a relative
    // URL, user information, no host (before: the last two went out, or failed only when sent, as 501).
    for bad in ["/relative", "http://user:pw@127.0.0.1/getrecord", "http://:80/getrecord"] {
        get(&c, bad).failed(XPDRM_ERR_INVALID_BASE_URL);
    }
    let req = entitlement_request();
    for bad in [c_str("http://user:pw@127.0.0.1/sees"), c_str("http://:80/sees")] {
        let mut out = std::ptr::null_mut();
        let mut reason = ReasonBuf::new();
        let st =
            unsafe { xpdrm_http_exchange_entitlement(c.0, bad.as_ptr(), req, &mut out, reason.ptr(), reason.cap()) };
        assert_eq!((st, out.is_null()), (XPDRM_ERR_INVALID_BASE_URL, true), "{:?}", reason.text());
    }
    unsafe { xpdrm::ffi::sees::xpdrm_entitlement_request_free(req) };
}

#[test]
fn host_names_are_resolved_and_ip_addresses_need_no_lookup() {
    let s = setup();
    let c = client(&s, None);
    let by_name = s.faults.url("/flaky/0/by-name").replace("127.0.0.1", "localhost");
    assert_eq!(get(&c, &by_name).ok(), faults::FLAKY_DEVICE_ID);
    assert_eq!(get(&c, &s.faults.url("/flaky/0/by-address")).ok(), faults::FLAKY_DEVICE_ID);
    // The TLS name check applies to names too: the test certificate names localhost and 127.0.0.1 only.
    let mutual = client(&s, Some(&s.pki.client));
    let name = s.faults.mutual_url("/flaky/0/tls-by-name").replace("127.0.0.1", "localhost");
    assert_eq!(get(&mutual, &name).ok(), faults::FLAKY_DEVICE_ID);
    get(&c, "http://no-such-host.invalid/x").failed(XPDRM_ERR_HTTP_CONNECT);
}

#[test]
fn reasons_hold_no_secret_and_logs_neither() {
    let s = setup();
    let c = client(&s, None);
    let secret_auth = "424242,ffeeddccbbaa99887766554433221100";
    let logged = capture_logs(|| {
        let r = lookup(&c, &s.faults.url("/status/503"), secret_auth, "secret-cookie")
            .failed(XPDRM_ERR_HTTP_RETRIES_EXHAUSTED);
        assert!(!r.contains("ffeeddcc") && !r.contains("secret-cookie"), "{r}");
        let url = format!("{}?ExpressPlayToken=SECRETTOKEN", s.faults.url("/truncated"));
        let r = redeem(&c, &url, b"spc", XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_HTTP_TRUNCATED);
        assert!(!r.contains("SECRETTOKEN"), "{r}");
        assert!(r.contains("/truncated?<redacted>"), "{r}");
    });
    assert!(!logged.is_empty());
    for m in &logged {
        assert!(!m.contains("ffeeddcc") && !m.contains("SECRETTOKEN") && !m.contains("secret-cookie"), "{m}");
    }
}

// ---- helpers ----

fn c_str(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

fn entitlement_request() -> *mut xpdrm::ffi::sees::xpdrm_entitlement_request {
    let mut req = std::ptr::null_mut();
    let id = c_str("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    let st = unsafe {
        xpdrm::ffi::sees::xpdrm_entitlement_request_new(
            id.as_ptr(),
            xpdrm::ffi::sees::XPDRM_REQUEST_TIME_BASED,
            std::ptr::null(),
            &mut req,
        )
    };
    assert_eq!(st, XPDRM_OK);
    req
}

/// Runs `f` with a trace-level log callback and returns the messages. (Tests in this binary run in
/// parallel; the callback is process-wide, so messages of other tests may be in it too: all are checked.)
fn capture_logs(f: impl FnOnce()) -> Vec<String> {
    use std::sync::Mutex;
    static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
    extern "C" fn sink(_: *mut core::ffi::c_void, _: i32, message: *const core::ffi::c_char) {
        let m = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy().into_owned();
        LOG.lock().unwrap().push(m);
    }
    let st = unsafe { xpdrm::ffi::log::xpdrm_log_set_callback(Some(sink), std::ptr::null_mut(), 5) };
    assert_eq!(st, Status::XPDRM_OK);
    f();
    let st = unsafe { xpdrm::ffi::log::xpdrm_log_set_callback(None, std::ptr::null_mut(), 5) };
    assert_eq!(st, Status::XPDRM_OK);
    std::mem::take(&mut *LOG.lock().unwrap())
}
