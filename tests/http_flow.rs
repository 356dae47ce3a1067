//! The HTTP operations end to end against the local servers, through the C ABI: token fetches of the three
//! DRMs (GET and POST, both error formats), license redemption (token in the URL and in a header), SEES
//! entitlement exchange over mutual TLS, record lookup, the device-binding flow on both sides, a refused
//! device, a client shared by threads, and logs without secrets.
#![cfg(feature = "http")]

mod http_support;

use std::ptr;
use std::sync::OnceLock;

use http_support::*;
use xpdrm::Status::*;
use xpdrm::ffi::binding::*;
use xpdrm::ffi::http::*;
use xpdrm::ffi::sees::*;
use xpdrm::ffi::token::{XPDRM_DRM_FAIRPLAY, XPDRM_DRM_PLAYREADY, XPDRM_DRM_WIDEVINE, xpdrm_drm};
use xpdrm_testsrv::{CONTENT_ID, REGISTRATION_CONTENT_ID, TestServers, spc};

/// One set of servers for the whole binary (starting them takes a few milliseconds, but they are shared
/// state: tests here use their own cookies and devices' SPCs, so they do not disturb each other).
fn servers() -> &'static TestServers {
    static S: OnceLock<TestServers> = OnceLock::new();
    S.get_or_init(|| TestServers::start().expect("the test servers start"))
}

fn client(mutual: bool) -> (Config, Client) {
    let s = servers();
    let mut cfg = Config::new();
    assert_eq!(cfg.add_ca(&s.pki.ca_pem), XPDRM_OK);
    if mutual {
        assert_eq!(cfg.client_cert(&s.pki.client.cert_pem, &s.pki.client.key_pem), XPDRM_OK);
    }
    cfg.timeouts(5_000, 5_000, 20_000);
    let client = cfg.client();
    (cfg, client)
}

use xpdrm_testsrv::token_rules::OPLS;

/// A complete token request of `drm` for the test content, with the account's authenticator.
fn token_request(drm: xpdrm_drm, extra: &[(&str, &str)]) -> TokenRequest {
    let s = servers();
    let seg = ["fp", "wv", "pr"][drm as usize];
    let key = hex(&s.contents[1].key);
    let mut params: Vec<(&str, &str)> = vec![("customerAuthenticator", s.authenticator.as_str())];
    match drm {
        XPDRM_DRM_FAIRPLAY => params.extend([("contentKey", key.as_str()), ("iv", "00112233445566778899aabbccddeeff")]),
        XPDRM_DRM_WIDEVINE => {
            params.extend([("kid", s.contents[1].kid.as_str()), ("securityLevel", "1"), ("hdcpOutputControl", "0")])
        }
        _ => {
            params.extend([("kid", s.contents[1].kid.as_str()), ("rightsType", "BuyToOwn")]);
            params.extend(OPLS.iter().map(|o| (*o, "100")));
        }
    }
    params.extend_from_slice(extra);
    TokenRequest::new(drm, &format!("{}/hms/{seg}/token", s.expressplay.base_url()), &params)
}

#[test]
fn tokens_of_each_drm_by_get_and_post_are_redeemed_for_a_license_the_device_can_unwrap() {
    let s = servers();
    let (_cfg, cl) = client(false);
    let device = &s.devices[0];
    for drm in [XPDRM_DRM_FAIRPLAY, XPDRM_DRM_WIDEVINE, XPDRM_DRM_PLAYREADY] {
        for method in [XPDRM_HTTP_GET, XPDRM_HTTP_POST] {
            let req = token_request(drm, &[("expirationTime", "+600")]);
            let token = fetch(&cl, &req, method).ok();
            assert_eq!(token.error_code, 0, "{token:?}");
            let url = token.license_url.expect("a license URL");
            let seg = ["fp", "wv", "pr"][drm as usize];
            assert!(
                url.starts_with(&format!("{}/hms/{seg}/rights/?ExpressPlayToken=", s.expressplay.base_url())),
                "{url}"
            );
            for placement in [XPDRM_TOKEN_IN_URL, XPDRM_TOKEN_IN_HEADER] {
                let license = redeem(&cl, &url, &spc::make(&device.id), placement).ok();
                let key =
                    unwrap_license(&license, &hex(&device.kek)).expect("the license unwraps under the device's KEK");
                assert_eq!(key, s.contents[1].key, "drm {drm}, method {method}, placement {placement}");
            }
        }
    }
}

#[test]
fn server_errors_come_back_as_codes_in_both_formats() {
    let s = servers();
    let (_cfg, cl) = client(false);
    // A well-formed authenticator of another account: only the server can tell (-2018).
    let other = "999,ffeeddccbbaa99887766554433221100";
    for (format, ctype_hint) in [("html", "HTML"), ("json", "JSON")] {
        let req = TokenRequest::new(
            XPDRM_DRM_FAIRPLAY,
            &format!("{}/hms/fp/token", s.expressplay.base_url()),
            &[
                ("customerAuthenticator", other),
                ("contentKey", "00112233445566778899aabbccddeeff"),
                ("iv", "00112233445566778899aabbccddeeff"),
                ("errorFormat", format),
            ],
        );
        let token = fetch(&cl, &req, XPDRM_HTTP_POST).ok();
        assert_eq!(token.error_code, -2018, "{ctype_hint}: {token:?}");
        assert!(token.license_url.is_none());
        assert!(token.error_text.contains("Authentication token invalid"), "{ctype_hint}: {}", token.error_text);
    }
    // A kid the key store does not know: the token is minted, the license server refuses (-4019).
    let req = token_request(XPDRM_DRM_WIDEVINE, &[]);
    let _ = req;
    let wv = TokenRequest::new(
        XPDRM_DRM_WIDEVINE,
        &format!("{}/hms/wv/token", s.expressplay.base_url()),
        &[
            ("customerAuthenticator", &s.authenticator),
            ("kid", "^unknown-movie"),
            ("securityLevel", "5"),
            ("hdcpOutputControl", "2"),
        ],
    );
    let url = fetch(&cl, &wv, XPDRM_HTTP_GET).ok().license_url.unwrap();
    let r = redeem(&cl, &url, &spc::make(&s.devices[0].id), XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_KEY_NOT_IN_STORAGE);
    assert!(r.contains("-4019"), "{r}");
    // A tampered token (-4010), a challenge that is no SPC (-4001).
    let tampered = format!("{}A", url);
    redeem(&cl, &tampered, &spc::make(&s.devices[0].id), XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_INVALID_TOKEN);
    redeem(&cl, &url, b"not an SPC", XPDRM_TOKEN_IN_HEADER).failed(XPDRM_ERR_DEVICE_NOT_AUTHENTICATED);
}

fn new_device(cookie: Option<&str>) -> *mut xpdrm_binding_device {
    let s = servers();
    let (sees, dummy, content) = (c(&s.sees.url()), c(REGISTRATION_CONTENT_ID), c(CONTENT_ID));
    let cookie = cookie.map(c);
    let mut dev = ptr::null_mut();
    let st = unsafe {
        xpdrm_binding_device_new(
            sees.as_ptr(),
            dummy.as_ptr(),
            content.as_ptr(),
            cookie.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
            &mut dev,
        )
    };
    assert_eq!(st, XPDRM_OK);
    dev
}

fn token_url(dev: *const xpdrm_binding_device) -> String {
    let mut buf = vec![0u8; 9000];
    let mut len = 0;
    assert_eq!(unsafe { xpdrm_binding_device_token_url(dev, buf.as_mut_ptr().cast(), buf.len(), &mut len) }, XPDRM_OK);
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

#[test]
fn the_whole_device_binding_flow_binds_the_token_to_the_device() {
    let s = servers();
    let (_cfg, cl) = client(true);
    let (device, other) = (&s.devices[0], &s.devices[1]);
    let dev = new_device(None);
    let mut reason = ReasonBuf::new();
    let my_spc = spc::make(&device.id);
    let st =
        unsafe { xpdrm_http_run_device_binding(cl.0, dev, my_spc.as_ptr(), my_spc.len(), reason.ptr(), reason.cap()) };
    assert_eq!(st, XPDRM_OK, "{:?}", reason.text());
    assert_eq!(reason.text().as_deref(), Some(""));
    let mut step = 0;
    assert_eq!(unsafe { xpdrm_binding_device_step(dev, &mut step) }, XPDRM_OK);
    assert_eq!(step, XPDRM_BINDING_STEP_DONE);
    let url = token_url(dev);
    // The device redeems its device-bound token and unwraps the content key.
    let license = redeem(&cl, &url, &my_spc, XPDRM_TOKEN_IN_URL).ok();
    assert_eq!(unwrap_license(&license, &hex(&device.kek)).unwrap(), s.contents[1].key);
    // Another device, with the same token: refused by the license server.
    let r = redeem(&cl, &url, &spc::make(&other.id), XPDRM_TOKEN_IN_URL).failed(XPDRM_ERR_DEVICE_NOT_AUTHENTICATED);
    assert!(r.contains("403") && r.contains("-4001"), "{r}");
    // Its own KEK cannot unwrap the first device's license either.
    assert_eq!(unwrap_license(&license, &hex(&other.kek)), Err(XPDRM_ERR_INTEGRITY));
    // The record lookup finds the device by the flow's cookie.
    let mut cookie = vec![0u8; 64];
    let mut len = 0;
    assert_eq!(
        unsafe { xpdrm_binding_device_cookie(dev, cookie.as_mut_ptr().cast(), cookie.len(), &mut len) },
        XPDRM_OK
    );
    let cookie = String::from_utf8(cookie[..len].to_vec()).unwrap();
    let id = lookup(&cl, &s.expressplay.record_url(), &s.authenticator, &cookie).ok();
    assert_eq!(id, device.id);
    lookup(&cl, &s.expressplay.record_url(), &s.authenticator, "no-such-cookie").failed(XPDRM_ERR_BINDING_NO_RECORD);
    lookup(&cl, &s.expressplay.record_url(), "1,00000000000000000000000000000000", &cookie)
        .failed(XPDRM_ERR_HTTP_STATUS);
    unsafe { xpdrm_binding_device_free(dev) };
}

#[test]
fn a_device_without_a_client_certificate_cannot_reach_sees() {
    let s = servers();
    let (_cfg, cl) = client(false);
    let dev = new_device(None);
    let mut reason = ReasonBuf::new();
    let my_spc = spc::make(&s.devices[0].id);
    let st =
        unsafe { xpdrm_http_run_device_binding(cl.0, dev, my_spc.as_ptr(), my_spc.len(), reason.ptr(), reason.cap()) };
    assert_eq!(st, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED, "{:?}", reason.text());
    let mut step = 0;
    assert_eq!(unsafe { xpdrm_binding_device_step(dev, &mut step) }, XPDRM_OK);
    assert_eq!(step, XPDRM_BINDING_STEP_AWAIT_REGISTRATION, "a transport failure leaves the flow where it waited");
    unsafe { xpdrm_binding_device_free(dev) };
}

#[test]
fn a_device_bound_request_for_a_cookie_without_records_is_denied() {
    let s = servers();
    let (_cfg, cl) = client(true);
    let cid = c(CONTENT_ID);
    let cookie = c("a-cookie-nobody-registered");
    let mut req = ptr::null_mut();
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(cid.as_ptr(), XPDRM_REQUEST_DEVICE_BOUND, cookie.as_ptr(), &mut req) },
        XPDRM_OK
    );
    let url = c(&s.sees.url());
    let mut out = ptr::null_mut();
    let mut reason = ReasonBuf::new();
    let st = unsafe { xpdrm_http_exchange_entitlement(cl.0, url.as_ptr(), req, &mut out, reason.ptr(), reason.cap()) };
    // SEES answered: XPDRM_OK and the answer; its verdict is the denial.
    assert_eq!(st, XPDRM_OK, "{:?}", reason.text());
    assert!(!out.is_null(), "a denial is handed out");
    assert_eq!(reason.text().as_deref(), Some(""), "the reason buffer is empty on XPDRM_OK");
    assert_eq!(unsafe { xpdrm_entitlement_response_status(out) }, XPDRM_ERR_SEES_DENIED);
    let mut code = 0;
    assert_eq!(unsafe { xpdrm_entitlement_response_error(out, &mut code) }, XPDRM_OK);
    assert_eq!(code, XPDRM_ERR_BINDING_NO_RECORD.code());
    unsafe { xpdrm_entitlement_response_free(out) };
    // Unknown content: denied too, with the service's code.
    let unknown = c("11111111-2222-4333-8444-555555555555");
    let mut req2 = ptr::null_mut();
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(unknown.as_ptr(), XPDRM_REQUEST_TIME_BASED, ptr::null(), &mut req2) },
        XPDRM_OK
    );
    let mut out2 = ptr::null_mut();
    let st =
        unsafe { xpdrm_http_exchange_entitlement(cl.0, url.as_ptr(), req2, &mut out2, reason.ptr(), reason.cap()) };
    assert_eq!(st, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_response_status(out2) }, XPDRM_ERR_SEES_DENIED);
    unsafe {
        xpdrm_entitlement_response_free(out2);
        xpdrm_entitlement_request_free(req2);
        xpdrm_entitlement_request_free(req);
    }
}

#[test]
fn a_time_based_request_is_granted_and_its_token_redeemed() {
    let s = servers();
    let (_cfg, cl) = client(true);
    let cid = c(CONTENT_ID);
    let mut req = ptr::null_mut();
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(cid.as_ptr(), XPDRM_REQUEST_TIME_BASED, ptr::null(), &mut req) },
        XPDRM_OK
    );
    let url = c(&s.sees.url());
    let mut out = ptr::null_mut();
    let mut reason = ReasonBuf::new();
    let st = unsafe { xpdrm_http_exchange_entitlement(cl.0, url.as_ptr(), req, &mut out, reason.ptr(), reason.cap()) };
    assert_eq!(st, XPDRM_OK, "{:?}", reason.text());
    let mut buf = vec![0u8; 9000];
    let mut len = 0;
    assert_eq!(
        unsafe { xpdrm_entitlement_response_ep_token_url(out, buf.as_mut_ptr().cast(), buf.len(), &mut len) },
        XPDRM_OK
    );
    let token_url = String::from_utf8(buf[..len].to_vec()).unwrap();
    let license = redeem(&cl, &token_url, &spc::make(&s.devices[1].id), XPDRM_TOKEN_IN_HEADER).ok();
    assert_eq!(unwrap_license(&license, &hex(&s.devices[1].kek)).unwrap(), s.contents[1].key);
    unsafe {
        xpdrm_entitlement_response_free(out);
        xpdrm_entitlement_request_free(req);
    }
}

#[test]
fn a_service_built_on_xpdrm_runs_its_side_with_the_client() {
    // What the SEES reference server does, through the C ABI: parse a type-2 request, run the flow.
    let s = servers();
    let (_cfg, cl) = client(false);
    let cid = c(REGISTRATION_CONTENT_ID);
    let cookie = c("service-side-cookie");
    let mut req = ptr::null_mut();
    assert_eq!(
        unsafe {
            xpdrm_entitlement_request_new(cid.as_ptr(), XPDRM_REQUEST_DEVICE_REGISTRATION, cookie.as_ptr(), &mut req)
        },
        XPDRM_OK
    );
    let auth = c(&s.authenticator);
    let mut svc = ptr::null_mut();
    assert_eq!(unsafe { xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, auth.as_ptr(), &mut svc) }, XPDRM_OK);
    let tmpl = TokenRequest::new(XPDRM_DRM_PLAYREADY, &format!("{}/hms/pr/token", s.expressplay.base_url()), &{
        let mut p = vec![
            ("kid", s.contents[0].kid.as_str()),
            ("rightsType", "Rental"),
            ("rental.periodEndTime", "+3600"),
            ("rental.playDuration", "60"),
        ];
        p.extend(OPLS.iter().map(|o| (*o, "0")));
        p
    });
    let mut reason = ReasonBuf::new();
    unsafe {
        assert_eq!(xpdrm_binding_service_set_token_template(svc, tmpl.0), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_begin(svc, req), XPDRM_OK);
        let st = xpdrm_http_run_binding_service(cl.0, svc, reason.ptr(), reason.cap());
        assert_eq!(st, XPDRM_OK, "{:?}", reason.text());
        let mut step = 0;
        assert_eq!(xpdrm_binding_service_step(svc, &mut step), XPDRM_OK);
        assert_eq!(step, XPDRM_BINDING_STEP_DONE);
        let mut resp = ptr::null_mut();
        assert_eq!(xpdrm_binding_service_entitlement_response(svc, &mut resp), XPDRM_OK);
        assert!(xpdrm_entitlement_response_is_allowed(resp));
        xpdrm_entitlement_response_free(resp);
        xpdrm_binding_service_free(svc);
        xpdrm_entitlement_request_free(req);
    }
}

#[test]
fn one_client_serves_several_threads_at_once() {
    let (_cfg, cl) = client(false);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for drm in [XPDRM_DRM_FAIRPLAY, XPDRM_DRM_PLAYREADY] {
                    let req = token_request(drm, &[]);
                    assert_eq!(fetch(&cl, &req, XPDRM_HTTP_POST).ok().error_code, 0);
                }
            });
        }
    });
}

#[test]
fn a_whole_flow_logs_no_secret() {
    use std::sync::Mutex;
    static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
    extern "C" fn sink(_: *mut core::ffi::c_void, _: i32, message: *const core::ffi::c_char) {
        let m = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy().into_owned();
        LOG.lock().unwrap().push(m);
    }
    let s = servers();
    let mut cfg = Config::new();
    assert_eq!(cfg.add_ca(&s.pki.ca_pem), XPDRM_OK);
    assert_eq!(cfg.client_cert(&s.pki.client.cert_pem, &s.pki.client.key_pem), XPDRM_OK);
    assert_eq!(unsafe { xpdrm::ffi::log::xpdrm_log_set_callback(Some(sink), ptr::null_mut(), 5) }, XPDRM_OK);
    let cl = cfg.client();
    let dev = new_device(Some("log-test-cookie"));
    let my_spc = spc::make(&s.devices[0].id);
    let st = unsafe { xpdrm_http_run_device_binding(cl.0, dev, my_spc.as_ptr(), my_spc.len(), ptr::null_mut(), 0) };
    assert_eq!(st, XPDRM_OK);
    let url = token_url(dev);
    let _ = redeem(&cl, &url, &my_spc, XPDRM_TOKEN_IN_HEADER).ok();
    let _ = redeem(&cl, &url, &spc::make(&s.devices[1].id), XPDRM_TOKEN_IN_URL);
    let _ = lookup(&cl, &s.expressplay.record_url(), &s.authenticator, "log-test-cookie").ok();
    unsafe { xpdrm_binding_device_free(dev) };
    assert_eq!(unsafe { xpdrm::ffi::log::xpdrm_log_set_callback(None, ptr::null_mut(), 5) }, XPDRM_OK);
    let logged = std::mem::take(&mut *LOG.lock().unwrap());
    assert!(logged.len() >= 8, "{logged:?}");
    let token = url.split("ExpressPlayToken=").nth(1).unwrap().to_owned();
    let auth_key = s.authenticator.split(',').nth(1).unwrap().to_owned();
    let secrets = [
        token.as_str(),
        auth_key.as_str(),
        s.devices[0].id.as_str(),
        s.devices[1].id.as_str(),
        &hex(&s.contents[1].key),
        &hex(&s.devices[0].kek),
    ];
    let key_body = s.pki.client.key_pem.lines().nth(1).unwrap().to_owned();
    for m in &logged {
        for secret in secrets.iter().copied().chain([key_body.as_str()]) {
            assert!(!m.contains(secret), "a secret in the log: {m}");
        }
    }
}
