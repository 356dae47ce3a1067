//! Answer headers, Retry-After on 429 and 503, the server's clock, per-attempt events (and that no secret
//! reaches them), and the C API of the new settings: each refuses bad input with a status and a reason and
//! changes nothing.
#![cfg(feature = "http")]

mod http_net_support;
mod http_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use http_net_support::{Scripted, answer, http_date};
use xpdrm::Status::*;
use xpdrm::http::{AttemptEvent, Client, Config, Operation, Repeat};
use xpdrm::outbound::OutboundRequest;
use xpdrm::secret_string::SecretString;

fn recording(cfg: &mut Config) -> Arc<Mutex<Vec<AttemptEvent>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    cfg.set_events(Some(Arc::new(move |e: &AttemptEvent| sink.lock().unwrap().push(e.clone()))));
    events
}

fn get(c: &Client, url: &str) -> Result<xpdrm::http::Answer, xpdrm::sees::Problem> {
    c.execute(&OutboundRequest::get(SecretString::from(url)), Repeat::Idempotent)
}

#[test]
fn retry_after_is_honoured_for_reads_within_the_overall_timeout() {
    // 503 with Retry-After: 1, then 429 with an HTTP date 1 s ahead, then the answer.
    let soon = http_date(SystemTime::now() + Duration::from_secs(3));
    let server = Scripted::start(vec![
        answer(503, &["Retry-After: 1"], "{}"),
        answer(429, &[&format!("Retry-After: {soon}")], "{}"),
        answer(200, &["X-Trace: abc", "X-Trace: def"], "{\"ok\":true}"),
    ]);
    let mut cfg = Config::new();
    cfg.set_retry(3, 10, 20).unwrap();
    let events = recording(&mut cfg);
    let c = Client::new(&cfg).unwrap();
    let started = Instant::now();
    let a = get(&c, &server.url("/records?customerAuthenticator=SECRET")).unwrap();
    let took = started.elapsed();
    assert_eq!((a.status, a.attempts), (200, 3));
    // 1 s, then until the date (whole seconds: 1 to 2 s after the second answer).
    assert!(took >= Duration::from_millis(1_900), "waited as asked: {took:?}");
    assert_eq!(a.header("x-trace").as_deref(), Some("abc, def"));
    assert_eq!(a.header("X-TRACE").as_deref(), Some("abc, def"));
    assert_eq!(a.header("x-absent"), None);
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].retry_after, Some(Duration::from_secs(1)));
    assert_eq!((events[0].http_status, events[1].http_status, events[2].http_status), (503, 429, 200));
    assert!(events[1].retry_after.is_some());

    // A wait longer than the time left: no waiting; the answer is the result, so that the caller can read
    // when to come back.
    let server = Scripted::start(vec![answer(503, &["Retry-After: 3600"], "{}")]);
    let mut cfg = Config::new();
    cfg.set_timeouts(1_000, 1_000, 5_000).unwrap();
    let c = Client::new(&cfg).unwrap();
    let started = Instant::now();
    let a = get(&c, &server.url("/r")).unwrap();
    assert_eq!((a.status, a.attempts, a.header("retry-after").as_deref()), (503, 1, Some("3600")));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.hits(), 1);

    // A request that is not safe to repeat (a POST: a token or a license) is not repeated: the 503 is
    // the answer, and its Retry-After can be read.
    let server = Scripted::start(vec![answer(503, &["Retry-After: 1"], "{}"), answer(200, &[], "{}")]);
    let c = Client::new(&Config::new()).unwrap();
    let body = zeroize::Zeroizing::new(b"spc".to_vec());
    let a = c
        .execute(
            &OutboundRequest::post(
                SecretString::from(server.url("/license").as_str()),
                "application/octet-stream",
                body,
            ),
            Repeat::UnlessSent,
        )
        .unwrap();
    assert_eq!((a.status, a.header("retry-after").as_deref()), (503, Some("1")));
    assert_eq!(server.hits(), 1);
}

#[test]
fn the_servers_clock_offset_comes_from_its_date_header() {
    let ahead = http_date(SystemTime::now() + Duration::from_secs(3600));
    let behind = http_date(SystemTime::now() - Duration::from_secs(90));
    let server = Scripted::start(vec![
        answer(200, &[], "{}"),
        answer(200, &[&format!("Date: {ahead}")], "{}"),
        answer(200, &["Date: not a date"], "{}"),
        answer(200, &[&format!("Date: {behind}")], "{}"),
    ]);
    let c = Client::new(&Config::new()).unwrap();
    get(&c, &server.url("/")).unwrap();
    assert_eq!(c.clock_offset_ms(), None, "no Date yet");
    get(&c, &server.url("/")).unwrap();
    let off = c.clock_offset_ms().unwrap();
    assert!((3_598_500..=3_601_500).contains(&off), "{off}");
    get(&c, &server.url("/")).unwrap();
    assert_eq!(c.clock_offset_ms(), Some(off), "an unreadable Date changes nothing");
    get(&c, &server.url("/")).unwrap();
    let off = c.clock_offset_ms().unwrap();
    assert!((-91_500..=-88_500).contains(&off), "{off}");
}

#[test]
fn events_describe_each_attempt_and_hold_no_secret() {
    use xpdrm_testsrv::{Pki, faults::Faults};
    let pki = Pki::generate();
    let faults = Faults::start(&pki).unwrap();
    let mut cfg = Config::new();
    cfg.add_ca_pem(pki.ca_pem.as_bytes()).unwrap();
    cfg.add_ca_pem(pki.other_ca_pem.as_bytes()).unwrap();
    cfg.set_retry(3, 1, 5).unwrap();
    cfg.set_timeouts(2_000, 300, 10_000).unwrap();
    let events = recording(&mut cfg);
    let c = Client::new(&cfg).unwrap();

    // Two 503s then an answer, over TLS: three attempts; the first connects and shakes hands.
    let auth = "12345,00112233445566778899aabbccddeeff";
    let rec = c.lookup_record(&faults.unknown_ca_url("/flaky/2/ev"), auth, "cookie-ev").unwrap();
    let _ = rec;
    {
        let ev = events.lock().unwrap();
        assert_eq!(ev.len(), 3);
        for (i, e) in ev.iter().enumerate() {
            assert_eq!(e.operation, Operation::LookupRecord);
            assert_eq!(e.attempt, i as u32 + 1);
            assert_eq!((e.host.as_str(), e.path.as_str()), ("127.0.0.1", "/flaky/2/ev"));
            assert_eq!(e.outcome, XPDRM_OK);
            assert!(e.first_byte.is_some() && e.total >= e.first_byte.unwrap());
        }
        assert_eq!((ev[0].http_status, ev[1].http_status, ev[2].http_status), (503, 503, 200));
        assert!(ev[0].connect.is_some() && ev[0].tls.is_some() && !ev[0].reused_connection, "{:?}", ev[0]);
    }

    // A failure: a stall times out; the attempt's outcome is its status and it has no HTTP status.
    events.lock().unwrap().clear();
    let e = get(&c, &faults.url("/stall?token=SECRET")).unwrap_err();
    assert_eq!(e.status, XPDRM_ERR_HTTP_TIMEOUT);
    {
        let ev = events.lock().unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!((ev[0].outcome, ev[0].http_status, ev[0].first_byte), (XPDRM_ERR_HTTP_TIMEOUT, 0, None));
        assert_eq!(ev[0].path, "/stall");
    }

    // A license server's error answer: its ExpressPlay code is in the event.
    let server = Scripted::start(vec![answer(
        403,
        &[],
        r#"{"code":-4001,"message":"[-4001] Device could not be authenticated"}"#,
    )]);
    events.lock().unwrap().clear();
    let url = server.url("/hms/pr/rights/?ExpressPlayToken=TOKENSECRET");
    let e = c.redeem_license(&url, b"challenge-SECRET", xpdrm::http::TokenPlacement::Url).unwrap_err();
    assert_eq!(e.status, XPDRM_ERR_DEVICE_NOT_AUTHENTICATED);
    let ev = events.lock().unwrap();
    assert_eq!((ev[0].operation, ev[0].http_status, ev[0].expressplay_code), (Operation::RedeemLicense, 403, -4001));

    // No secret anywhere in what the events carry.
    let all: String = ev.iter().map(|e| format!("{e:?}")).collect();
    for secret in
        ["SECRET", "TOKENSECRET", "00112233445566778899aabbccddeeff", "customerAuthenticator", "cookie-ev", "?"]
    {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
}

#[test]
fn the_c_api_of_the_new_settings_refuses_bad_input_and_changes_nothing() {
    use http_support::*;
    use std::ffi::c_void;
    use xpdrm::ffi::http::*;
    use xpdrm::ffi::http_net::*;
    let mut cfg = Config::new();
    cfg.retry(1, 0, 0);
    let p = cfg.0;
    unsafe {
        // Proxies.
        for bad in ["", "proxy:3128", "https://p:443", "http://u:pw@p:1", "http://p:0", "http://p:1/x", "socks5://p:1"]
        {
            let u = c(bad);
            assert_eq!(
                xpdrm_http_config_set_proxy(p, u.as_ptr(), std::ptr::null(), std::ptr::null(), std::ptr::null()),
                XPDRM_ERR_INVALID_ARGUMENT,
                "{bad}"
            );
            assert!(cfg.reason().contains("proxy"), "{bad}: {}", cfg.reason());
        }
        let (u, user, pass, nop) = (c("http://127.0.0.1:3128"), c("a:b"), c("pw"), c("bad entry"));
        assert_eq!(
            xpdrm_http_config_set_proxy(p, u.as_ptr(), user.as_ptr(), pass.as_ptr(), std::ptr::null()),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            xpdrm_http_config_set_proxy(p, u.as_ptr(), std::ptr::null(), pass.as_ptr(), std::ptr::null()),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            xpdrm_http_config_set_proxy(p, u.as_ptr(), std::ptr::null(), std::ptr::null(), nop.as_ptr()),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            xpdrm_http_config_set_proxy(p, std::ptr::null(), user.as_ptr(), std::ptr::null(), std::ptr::null()),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        let bad_utf8 = [0x68u8, 0xff, 0];
        assert_eq!(
            xpdrm_http_config_set_proxy(
                p,
                bad_utf8.as_ptr().cast(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null()
            ),
            XPDRM_ERR_INVALID_UTF8
        );
        assert_eq!(
            xpdrm_http_config_set_proxy(
                std::ptr::null_mut(),
                u.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null()
            ),
            XPDRM_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            xpdrm_http_config_set_proxy(p, u.as_ptr(), std::ptr::null(), std::ptr::null(), std::ptr::null()),
            XPDRM_OK
        );
        assert_eq!(cfg.reason(), "");
        assert_eq!(
            xpdrm_http_config_set_proxy(p, std::ptr::null(), std::ptr::null(), std::ptr::null(), std::ptr::null()),
            XPDRM_OK
        );

        // Pins: not 32 bytes of base64 or hex.
        let hex64 = "ab".repeat(32);
        for bad in ["", "abc", &hex64[..63], &format!("{hex64}ab"), "sha256/!!!!", &"A".repeat(44), &"z".repeat(64)] {
            let pin = c(bad);
            assert_eq!(xpdrm_http_config_add_pin(p, pin.as_ptr()), XPDRM_ERR_INVALID_ARGUMENT, "{bad}");
            assert!(cfg.reason().starts_with("the pin"), "{}", cfg.reason());
        }
        let pin = c(&hex64);
        assert_eq!(xpdrm_http_config_add_pin(p, pin.as_ptr()), XPDRM_OK);
        assert_eq!(xpdrm_http_config_add_pin(p, std::ptr::null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_http_config_clear_pins(p), XPDRM_OK);

        // Trust sources.
        for bad in [-1, 3, i32::MAX] {
            assert_eq!(xpdrm_http_config_set_trust(p, bad), XPDRM_ERR_INVALID_ARGUMENT);
            assert!(cfg.reason().contains("trust source"), "{}", cfg.reason());
        }
        assert_eq!(xpdrm_http_config_set_trust(p, XPDRM_HTTP_TRUST_BUILT_IN), XPDRM_OK);
        assert_eq!(xpdrm_http_config_set_trust(p, XPDRM_HTTP_TRUST_ADDED_ONLY), XPDRM_OK);
        // Only added CAs, none added: the client cannot be made.
        let mut client = std::ptr::null_mut();
        assert_eq!(xpdrm_http_client_new(p, &mut client), XPDRM_ERR_HTTP_TRUST_STORE);
        assert!(client.is_null());
        assert_eq!(xpdrm_http_config_set_trust(p, XPDRM_HTTP_TRUST_BUILT_IN), XPDRM_OK);

        // Timeouts keep refusing absurd values (unchanged API).
        assert_eq!(xpdrm_http_config_set_timeouts(p, 0, 1, 1), XPDRM_ERR_INVALID_ARGUMENT);

        // The event callback, answer headers and the clock offset through C.
        unsafe extern "C" fn on_event(user: *mut c_void, e: *const xpdrm_http_event) {
            let seen = unsafe { &*(user as *const Mutex<Vec<String>>) };
            let e = unsafe { &*e };
            let host = unsafe { std::ffi::CStr::from_ptr(e.host) }.to_string_lossy();
            let path = unsafe { std::ffi::CStr::from_ptr(e.path) }.to_string_lossy();
            seen.lock().unwrap().push(format!(
                "{} {host} {path} {} {} {} {}",
                e.operation, e.attempt, e.http_status, e.retry_after_ms, e.outcome as i32
            ));
        }
        let seen: Mutex<Vec<String>> = Mutex::new(Vec::new());
        assert_eq!(xpdrm_http_config_set_event_callback(p, Some(on_event), &seen as *const _ as *mut c_void), XPDRM_OK);
        let date = http_date(SystemTime::now() + Duration::from_secs(60));
        let server = Scripted::start(vec![answer(429, &["Retry-After: 7", &format!("Date: {date}")], "{}")]);
        let client = cfg.client();
        let mut offset = 0i64;
        assert_eq!(xpdrm_http_client_clock_offset(client.0, &mut offset), XPDRM_ERR_HTTP_NO_SUCH_HEADER);
        let req = http_support::record_request(&server.url("/r"));
        // A GET answered 429 with Retry-After, and a policy of one attempt: the 429 is the answer.
        let mut resp = std::ptr::null_mut();
        let st = xpdrm_http_execute(client.0, req, &mut resp, std::ptr::null_mut(), 0);
        xpdrm::ffi::outbound::xpdrm_outbound_request_free(req);
        assert_eq!(st, XPDRM_OK);
        assert_eq!(xpdrm_http_client_clock_offset(client.0, &mut offset), XPDRM_OK);
        assert!((58_500..=61_500).contains(&offset), "{offset}");
        {
            let mut buf = [0 as std::ffi::c_char; 8];
            let mut len = 0;
            let name = c("retry-after");
            assert_eq!(
                xpdrm_http_response_header(resp, name.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut len),
                XPDRM_OK
            );
            assert_eq!(len, 1);
            let absent = c("x-none");
            assert_eq!(
                xpdrm_http_response_header(resp, absent.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut len),
                XPDRM_ERR_HTTP_NO_SUCH_HEADER
            );
            xpdrm_http_response_free(resp);
        }
        let seen = seen.lock().unwrap();
        assert!(seen[0].starts_with("0 127.0.0.1 /r 1 429 7000 0"), "{seen:?}");
        assert!(!seen.iter().any(|s| s.contains("0011223344") || s.contains("cookie")), "{seen:?}");
    }
}
