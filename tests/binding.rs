//! The device-binding flow through the C ABI: both state machines end to end, request descriptions, calls
//! out of order, failures, argument checks at every export, and logs free of secrets.

mod common;

use std::ffi::{CStr, c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use common::cabi::*;
use xpdrm::Status::{self, *};
use xpdrm::ffi::binding::*;
use xpdrm::ffi::outbound::*;
use xpdrm::ffi::sees::*;
use xpdrm::ffi::token::*;

const SEES: &str = "https://sees.example.com/entitlement";
const DUMMY: &str = "00000000-0000-4000-8000-000000000001";
const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const AUTH: &str = "12345,00112233445566778899aabbccddeeff";
const DEVICE_ID: &str = "0123456789ABCDEF0123456789ABCDEF";
const CONTENT_KEY: &str = "000102030405060708090a0b0c0d0e0f";
const KID: &str = "b366360da82e9c6e0b0984002a362cf2";
/// The PlayReady template's parameters, in order, as the token request's form body starts.
const PR_TEMPLATE: [(&str, &str); 8] = [
    ("kid", KID),
    ("contentKey", CONTENT_KEY),
    ("rightsType", "BuyToOwn"),
    ("analogVideoOPL", "0"),
    ("compressedDigitalAudioOPL", "0"),
    ("compressedDigitalVideoOPL", "0"),
    ("uncompressedDigitalAudioOPL", "0"),
    ("uncompressedDigitalVideoOPL", "100"),
];
const REG_ANSWER: &str = r#"{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"REGISTRATION-TOKEN"}"#;
const BOUND_ANSWER: &str =
    r#"{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"BOUND-TOKEN"}"#;

struct Out(*mut xpdrm_outbound_request);
impl Drop for Out {
    fn drop(&mut self) {
        unsafe { xpdrm_outbound_request_free(self.0) }
    }
}

struct Dev(*mut xpdrm_binding_device);
impl Drop for Dev {
    fn drop(&mut self) {
        unsafe { xpdrm_binding_device_free(self.0) }
    }
}

struct Svc(*mut xpdrm_binding_service);
impl Drop for Svc {
    fn drop(&mut self) {
        unsafe { xpdrm_binding_service_free(self.0) }
    }
}

struct Tpl(*mut xpdrm_token_request);
impl Drop for Tpl {
    fn drop(&mut self) {
        unsafe { xpdrm_token_request_free(self.0) }
    }
}

/// A token request for `drm` with these parameters, built through the C ABI.
fn token_request(drm: xpdrm_drm, params: &[(&str, &str)]) -> Tpl {
    let mut out = null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(drm, &mut out) }, XPDRM_OK);
    let t = Tpl(out);
    for (name, value) in params {
        let (n, v) = (c(name), c(value));
        assert_eq!(unsafe { xpdrm_token_request_set(t.0, n.as_ptr(), v.as_ptr()) }, XPDRM_OK, "{name}");
    }
    t
}

/// A complete template of the content's parameters for `drm`.
fn template(drm: xpdrm_drm) -> Tpl {
    match drm {
        XPDRM_DRM_FAIRPLAY => {
            token_request(drm, &[("contentKey", CONTENT_KEY), ("iv", "f0e0d0c0b0a090807060504030201000")])
        }
        XPDRM_DRM_WIDEVINE => token_request(drm, &[("kid", KID), ("securityLevel", "1"), ("hdcpOutputControl", "0")]),
        _ => token_request(drm, &PR_TEMPLATE),
    }
}

/// The form body of the PlayReady template.
fn pr_template_form() -> String {
    PR_TEMPLATE.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// A request description, read through every accessor.
#[derive(Debug)]
struct Described {
    method: String,
    url: String,
    redacted: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn describe(out: &Out) -> Described {
    let r = out.0;
    let method = unsafe { CStr::from_ptr(xpdrm_outbound_request_method(r)) }.to_str().unwrap().to_string();
    let url = get_text(&|o, cap, l| unsafe { xpdrm_outbound_request_url(r, o, cap, l) }).unwrap();
    let redacted = get_text(&|o, cap, l| unsafe { xpdrm_outbound_request_redacted_url(r, o, cap, l) }).unwrap();
    let mut count = 0;
    assert_eq!(unsafe { xpdrm_outbound_request_header_count(r, &mut count) }, XPDRM_OK);
    let headers = (0..count)
        .map(|i| {
            let n = get_text(&|o, cap, l| unsafe { xpdrm_outbound_request_header_name(r, i, o, cap, l) }).unwrap();
            let v = get_text(&|o, cap, l| unsafe { xpdrm_outbound_request_header_value(r, i, o, cap, l) }).unwrap();
            (n, v)
        })
        .collect();
    let mut len = usize::MAX;
    assert_eq!(unsafe { xpdrm_outbound_request_body(r, null_mut(), 0, &mut len) }, XPDRM_ERR_BUFFER_TOO_SMALL);
    let mut body = vec![0u8; len];
    let mut got = 0;
    assert_eq!(unsafe { xpdrm_outbound_request_body(r, body.as_mut_ptr(), len, &mut got) }, XPDRM_OK);
    assert_eq!(got, len);
    Described { method, url, redacted, headers, body }
}

fn device(cookie: Option<&str>) -> Dev {
    let (sees, dummy, content) = (c(SEES), c(DUMMY), c(CONTENT));
    let cookie = cookie.map(c);
    let mut out = null_mut();
    let st = unsafe {
        xpdrm_binding_device_new(
            sees.as_ptr(),
            dummy.as_ptr(),
            content.as_ptr(),
            cookie.as_ref().map_or(null(), |c| c.as_ptr()),
            &mut out,
        )
    };
    assert_eq!(st, XPDRM_OK);
    Dev(out)
}

fn bare_service(drm: xpdrm_drm) -> Svc {
    let auth = c(AUTH);
    let mut out = null_mut();
    assert_eq!(unsafe { xpdrm_binding_service_new(drm, auth.as_ptr(), &mut out) }, XPDRM_OK);
    Svc(out)
}

fn service(drm: xpdrm_drm) -> Svc {
    let s = bare_service(drm);
    unsafe {
        assert_eq!(xpdrm_binding_service_set_record_base_url(s.0, c"http://127.0.0.1:9/getrecord/".as_ptr()), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_set_expiration(s.0, 600), XPDRM_OK);
        // The flow copies the template: the caller frees its own at once.
        let t = template(drm);
        assert_eq!(xpdrm_binding_service_set_token_template(s.0, t.0), XPDRM_OK);
    }
    s
}

fn dev_step(d: &Dev) -> xpdrm_binding_step {
    let mut s = 0;
    assert_eq!(unsafe { xpdrm_binding_device_step(d.0, &mut s) }, XPDRM_OK);
    s
}

fn svc_step(s: &Svc) -> xpdrm_binding_step {
    let mut st = 0;
    assert_eq!(unsafe { xpdrm_binding_service_step(s.0, &mut st) }, XPDRM_OK);
    st
}

fn dev_reason(d: &Dev) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_binding_device_reason(d.0, o, cap, l) }).unwrap()
}

fn svc_reason(s: &Svc) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_binding_service_reason(s.0, o, cap, l) }).unwrap()
}

fn dev_answer(d: &Dev, status: u16, body: &[u8]) -> Status {
    unsafe {
        xpdrm_binding_device_handle_response(d.0, status, c"application/json".as_ptr(), body.as_ptr(), body.len())
    }
}

fn svc_answer(s: &Svc, status: u16, body: &[u8]) -> Status {
    unsafe {
        xpdrm_binding_service_handle_response(s.0, status, c"application/json".as_ptr(), body.as_ptr(), body.len())
    }
}

fn out_of(f: impl FnOnce(*mut *mut xpdrm_outbound_request) -> Status) -> Result<Out, Status> {
    let mut out = sentinel();
    match f(&mut out) {
        XPDRM_OK => Ok(Out(out)),
        st => {
            assert_eq!(out, sentinel(), "{st:?}: *out written on failure");
            Err(st)
        }
    }
}

/// SEES: a service flow begun on the request in `body`.
fn sees_begins(drm: xpdrm_drm, body: &[u8]) -> (Status, Svc) {
    let mut req = null_mut();
    assert_eq!(unsafe { xpdrm_entitlement_request_parse(body.as_ptr(), body.len(), &mut req) }, XPDRM_OK);
    let s = service(drm);
    let st = unsafe { xpdrm_binding_service_begin(s.0, req) };
    unsafe { xpdrm_entitlement_request_free(req) };
    (st, s)
}

fn entitlement_json(s: &Svc) -> Result<String, Status> {
    let mut resp = null_mut();
    let st = unsafe { xpdrm_binding_service_entitlement_response(s.0, &mut resp) };
    if st != XPDRM_OK {
        return Err(st);
    }
    let json = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_to_json(resp, o, cap, l) });
    unsafe { xpdrm_entitlement_response_free(resp) };
    json
}

fn records_for(cookie: &str) -> String {
    format!(r#"[{{"cookie":"{cookie}","deviceId":"{DEVICE_ID}"}},{{"cookie":"x","device_id":"ffff"}}]"#)
}

/// Runs the whole flow and returns the device's final token URL; `spy` sees every request description.
fn whole_flow(spy: &mut dyn FnMut(&Described)) -> String {
    let d = device(None);
    let cookie = get_text(&|o, cap, l| unsafe { xpdrm_binding_device_cookie(d.0, o, cap, l) }).unwrap();
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_REGISTER);

    let reg = describe(&out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap());
    spy(&reg);
    assert_eq!((reg.method.as_str(), reg.url.as_str()), ("POST", SEES));
    assert_eq!(reg.headers[0], ("Content-Type".into(), "application/json".into()));
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_AWAIT_REGISTRATION);
    let (st, s) = sees_begins(XPDRM_DRM_PLAYREADY, &reg.body);
    assert_eq!((st, svc_step(&s)), (XPDRM_OK, XPDRM_BINDING_STEP_REQUEST_TOKEN));
    let token = describe(&out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap());
    spy(&token);
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_AWAIT_TOKEN);
    assert_eq!(svc_answer(&s, 200, REG_ANSWER.as_bytes()), XPDRM_OK);
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_DONE);
    let answer = entitlement_json(&s).unwrap();
    assert_eq!(dev_answer(&d, 200, answer.as_bytes()), XPDRM_OK);

    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_SEND_SPC);
    let spc = describe(&out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, b"SPC!".as_ptr(), 4, o) }).unwrap());
    spy(&spc);
    assert_eq!(
        spc.url,
        "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=REGISTRATION-TOKEN"
    );
    assert_eq!(spc.redacted, "https://pr.test.expressplay.com/playready/RightsManager.asmx?<redacted>");
    assert_eq!((spc.body.as_slice(), spc.headers[0].1.as_str()), (&b"SPC!"[..], "application/octet-stream"));
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_AWAIT_SPC);
    assert_eq!(unsafe { xpdrm_binding_device_handle_response(d.0, 200, null(), b"ckc".as_ptr(), 3) }, XPDRM_OK);

    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_REQUEST_BOUND);
    let bound = describe(&out_of(|o| unsafe { xpdrm_binding_device_bound_request(d.0, o) }).unwrap());
    spy(&bound);
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_AWAIT_BOUND);
    let (st, s) = sees_begins(XPDRM_DRM_PLAYREADY, &bound.body);
    assert_eq!((st, svc_step(&s)), (XPDRM_OK, XPDRM_BINDING_STEP_LOOKUP_RECORD));
    let lookup = describe(&out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).unwrap());
    spy(&lookup);
    assert_eq!(lookup.method, "GET");
    assert_eq!(
        lookup.url,
        format!(
            "http://127.0.0.1:9/getrecord/?customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&cookie={cookie}"
        )
    );
    assert_eq!(lookup.redacted, "http://127.0.0.1:9/getrecord/?<redacted>");
    assert!(lookup.body.is_empty());
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_AWAIT_RECORD);
    assert_eq!(svc_answer(&s, 200, records_for(&cookie).as_bytes()), XPDRM_OK);
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_REQUEST_TOKEN);
    let token = describe(&out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap());
    spy(&token);
    assert_eq!(token.url, "https://pr-gen.test.expressplay.com/hms/pr/token");
    assert_eq!(
        String::from_utf8(token.body.clone()).unwrap(),
        format!(
            "{}&customerAuthenticator=12345%2C00112233445566778899aabbccddeeff\
             &expirationTime=%2B600&cookie={cookie}&deviceId=0123456789abcdef0123456789abcdef",
            pr_template_form()
        )
    );
    assert_eq!(svc_answer(&s, 200, BOUND_ANSWER.as_bytes()), XPDRM_OK);
    let answer = entitlement_json(&s).unwrap();
    assert_eq!(dev_answer(&d, 200, answer.as_bytes()), XPDRM_OK);
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_DONE);
    assert_eq!(dev_reason(&d), "done: the device-bound token URL is ready");
    get_text(&|o, cap, l| unsafe { xpdrm_binding_device_token_url(d.0, o, cap, l) }).unwrap()
}

#[test]
fn the_whole_flow_from_both_sides() {
    let mut seen = Vec::new();
    let url = whole_flow(&mut |d| seen.push(d.redacted.clone()));
    assert_eq!(url, "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=BOUND-TOKEN");
    assert_eq!(seen.len(), 6);
}

#[test]
fn request_description_accessors() {
    let d = device(Some("c"));
    let out = out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap();
    let r = out.0;
    check_text_contract("url", SEES, &|o, cap, l| unsafe { xpdrm_outbound_request_url(r, o, cap, l) });
    check_text_contract("redacted", SEES, &|o, cap, l| unsafe { xpdrm_outbound_request_redacted_url(r, o, cap, l) });
    check_text_contract("header name", "Content-Type", &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_name(r, 0, o, cap, l)
    });
    check_text_contract("header value", "application/json", &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_value(r, 0, o, cap, l)
    });
    let mut count = 0;
    assert_eq!(unsafe { xpdrm_outbound_request_header_count(r, &mut count) }, XPDRM_OK);
    assert_eq!(count, 2);
    check_text_fails("header index", XPDRM_ERR_INVALID_ARGUMENT, &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_name(r, 2, o, cap, l)
    });
    check_text_fails("header index", XPDRM_ERR_INVALID_ARGUMENT, &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_value(r, usize::MAX, o, cap, l)
    });
    // The body: size query, short buffer untouched, exact buffer.
    let body = describe(&out).body;
    let mut buf = vec![0xA5u8; body.len()];
    let mut len = 0;
    assert_eq!(
        unsafe { xpdrm_outbound_request_body(r, buf.as_mut_ptr(), body.len() - 1, &mut len) },
        XPDRM_ERR_BUFFER_TOO_SMALL
    );
    assert!(buf.iter().all(|&b| b == 0xA5) && len == body.len());
    assert_eq!(
        unsafe { xpdrm_outbound_request_body(r, buf.as_mut_ptr(), buf.len(), null_mut()) },
        XPDRM_ERR_NULL_ARGUMENT
    );
    assert_eq!(unsafe { xpdrm_outbound_request_body(r, null_mut(), 5, &mut len) }, XPDRM_ERR_NULL_ARGUMENT);
    // NULL handles.
    unsafe {
        assert!(xpdrm_outbound_request_method(null()).is_null());
        assert_eq!(xpdrm_outbound_request_header_count(null(), &mut count), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_outbound_request_header_count(r, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_outbound_request_body(null(), buf.as_mut_ptr(), buf.len(), &mut len), XPDRM_ERR_NULL_ARGUMENT);
        xpdrm_outbound_request_free(null_mut());
    }
    for (what, f) in [
        ("url", xpdrm_outbound_request_url as unsafe extern "C" fn(_, _, _, _) -> _),
        ("redacted", xpdrm_outbound_request_redacted_url),
    ] {
        check_text_fails(what, XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe { f(null(), o, cap, l) });
    }
    check_text_fails("name", XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_name(null(), 0, o, cap, l)
    });
    check_text_fails("value", XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe {
        xpdrm_outbound_request_header_value(null(), 0, o, cap, l)
    });
}

/// The statuses of the device's step calls that do not take a response, in order: registration, SPC,
/// device-bound request, token URL.
fn step_calls(d: &Dev) -> [Status; 4] {
    let mut url = [0u8; 8];
    let mut len = usize::MAX;
    [
        out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).err().unwrap_or(XPDRM_OK),
        out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, b"x".as_ptr(), 1, o) }).err().unwrap_or(XPDRM_OK),
        out_of(|o| unsafe { xpdrm_binding_device_bound_request(d.0, o) }).err().unwrap_or(XPDRM_OK),
        unsafe { xpdrm_binding_device_token_url(d.0, url.as_mut_ptr().cast(), 8, &mut len) },
    ]
}

#[test]
fn device_calls_out_of_order_get_their_own_status_and_change_nothing() {
    let wrong = XPDRM_ERR_BINDING_WRONG_STATE;
    // At REGISTER: everything but the registration is out of order, including an answer nobody asked for.
    let d = device(Some("my-cookie"));
    assert_eq!(dev_answer(&d, 200, b"{}"), wrong);
    let mut url = [0u8; 8];
    let mut len = usize::MAX;
    assert_eq!(unsafe { xpdrm_binding_device_token_url(d.0, url.as_mut_ptr().cast(), 8, &mut len) }, wrong);
    assert_eq!(out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, b"x".as_ptr(), 1, o) }).err(), Some(wrong));
    assert_eq!(out_of(|o| unsafe { xpdrm_binding_device_bound_request(d.0, o) }).err(), Some(wrong));
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_REGISTER);
    assert_eq!(dev_reason(&d), "bound_request does not fit step Register (1)");

    // At AWAIT_REGISTRATION: every step call is out of order; a success clears the note.
    let _reg = out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap();
    assert_eq!(dev_reason(&d), "waiting for SEES's answer to the cookie registration");
    assert_eq!(step_calls(&d), [wrong; 4]);
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_AWAIT_REGISTRATION);

    // After a failure, every call is XPDRM_ERR_BINDING_FAILED, and the reason stays readable.
    assert_eq!(dev_answer(&d, 500, b""), XPDRM_ERR_BINDING_HTTP_STATUS);
    assert_eq!((dev_step(&d), dev_reason(&d).as_str()), (XPDRM_BINDING_STEP_FAILED, "SEES answered HTTP 500"));
    assert_eq!(step_calls(&d), [XPDRM_ERR_BINDING_FAILED; 4]);
    assert_eq!(dev_answer(&d, 200, b"{}"), XPDRM_ERR_BINDING_FAILED);
    assert!(dev_reason(&d).starts_with("handle_response: the flow failed earlier (405: SEES answered HTTP 500)"));
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_FAILED);
}

#[test]
fn device_arguments_are_checked_without_changing_the_flow() {
    let (sees, dummy, content) = (c(SEES), c(DUMMY), c(CONTENT));
    let mut out = sentinel();
    let long_cookie = c(&"c".repeat(33));
    let cases: Vec<(Status, *const c_char, *const c_char, *const c_char, *const c_char)> = vec![
        (XPDRM_ERR_NULL_ARGUMENT, null(), dummy.as_ptr(), content.as_ptr(), null()),
        (XPDRM_ERR_NULL_ARGUMENT, sees.as_ptr(), null(), content.as_ptr(), null()),
        (XPDRM_ERR_NULL_ARGUMENT, sees.as_ptr(), dummy.as_ptr(), null(), null()),
        (XPDRM_ERR_INVALID_UTF8, NOT_UTF8.as_ptr(), dummy.as_ptr(), content.as_ptr(), null()),
        (XPDRM_ERR_INVALID_UTF8, sees.as_ptr(), dummy.as_ptr(), content.as_ptr(), NOT_UTF8.as_ptr()),
        (XPDRM_ERR_INVALID_BASE_URL, c"sees.example.com".as_ptr(), dummy.as_ptr(), content.as_ptr(), null()),
        // The one URL rule (before: both accepted, the second refused only when sent, as 501): refused at
        // once, with the token base URL's status.
        (
            XPDRM_ERR_INVALID_BASE_URL,
            c"https://user:pw@sees.example.com/e".as_ptr(),
            dummy.as_ptr(),
            content.as_ptr(),
            null(),
        ),
        (XPDRM_ERR_INVALID_BASE_URL, c"http://:8080/sees".as_ptr(), dummy.as_ptr(), content.as_ptr(), null()),
        (XPDRM_ERR_SEES_INVALID_FIELD, sees.as_ptr(), c"dummy".as_ptr(), content.as_ptr(), null()),
        (XPDRM_ERR_INVALID_COOKIE, sees.as_ptr(), dummy.as_ptr(), content.as_ptr(), long_cookie.as_ptr()),
        (XPDRM_ERR_INVALID_COOKIE, sees.as_ptr(), dummy.as_ptr(), content.as_ptr(), c"".as_ptr()),
    ];
    for (want, a, b, cc, k) in cases {
        assert_eq!(unsafe { xpdrm_binding_device_new(a, b, cc, k, &mut out) }, want);
        assert_eq!(out, sentinel());
    }
    assert_eq!(
        unsafe { xpdrm_binding_device_new(sees.as_ptr(), dummy.as_ptr(), content.as_ptr(), null(), null_mut()) },
        XPDRM_ERR_NULL_ARGUMENT
    );

    let d = device(None);
    let _reg = out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap();
    unsafe {
        assert_eq!(xpdrm_binding_device_handle_response(d.0, 200, null(), null(), 5), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(
            xpdrm_binding_device_handle_response(d.0, 200, NOT_UTF8.as_ptr(), b"{}".as_ptr(), 2),
            XPDRM_ERR_INVALID_UTF8
        );
        assert_eq!(xpdrm_binding_device_handle_response(null_mut(), 200, null(), null(), 0), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_device_registration_request(d.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_device_registration_request(null_mut(), &mut null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_device_bound_request(null_mut(), &mut null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(
            xpdrm_binding_device_spc_request(null_mut(), b"x".as_ptr(), 1, &mut null_mut()),
            XPDRM_ERR_NULL_ARGUMENT
        );
        assert_eq!(xpdrm_binding_device_step(null(), &mut 0), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_device_step(d.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        xpdrm_binding_device_free(null_mut());
    }
    assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_AWAIT_REGISTRATION, "argument errors change nothing");
    for (what, f) in [
        ("token_url", xpdrm_binding_device_token_url as unsafe extern "C" fn(_, _, _, _) -> _),
        ("reason", xpdrm_binding_device_reason),
        ("cookie", xpdrm_binding_device_cookie),
    ] {
        check_text_fails(what, XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe { f(null(), o, cap, l) });
    }
    check_text_contract("cookie", &"x".repeat(32), &|o, cap, l| unsafe {
        xpdrm_binding_device_cookie(device(Some(&"x".repeat(32))).0, o, cap, l)
    });

    // The SPC: empty, NULL with a length, too large; the flow stays at SEND_SPC.
    let d = device(Some("c"));
    let reg = describe(&out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap());
    let (_, s) = sees_begins(XPDRM_DRM_PLAYREADY, &reg.body);
    let _t = out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap();
    assert_eq!(svc_answer(&s, 200, REG_ANSWER.as_bytes()), XPDRM_OK);
    assert_eq!(dev_answer(&d, 200, entitlement_json(&s).unwrap().as_bytes()), XPDRM_OK);
    let big = vec![0u8; XPDRM_BINDING_MAX_SPC_LEN + 1];
    for (spc, len, want) in [
        (b"".as_ptr(), 0, XPDRM_ERR_INVALID_ARGUMENT),
        (null(), 0, XPDRM_ERR_INVALID_ARGUMENT),
        (null(), 3, XPDRM_ERR_NULL_ARGUMENT),
        (big.as_ptr(), big.len(), XPDRM_ERR_INPUT_TOO_LARGE),
    ] {
        assert_eq!(out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, spc, len, o) }).err(), Some(want));
        assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_SEND_SPC);
    }
    assert!(out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, big.as_ptr(), big.len() - 1, o) }).is_ok());
}

#[test]
fn the_device_refuses_bad_answers_from_sees() {
    // A denial, an answer to another request, a broken one: each fails the flow with its own status.
    type MakeAnswer = Box<dyn Fn(&[u8]) -> Vec<u8>>;
    let cases: Vec<(MakeAnswer, Status)> = vec![
        (
            Box::new(|body| {
                let (_, s) = sees_begins(XPDRM_DRM_FAIRPLAY, body);
                let mut req = null_mut();
                assert_eq!(unsafe { xpdrm_entitlement_request_parse(body.as_ptr(), body.len(), &mut req) }, XPDRM_OK);
                let mut resp = null_mut();
                assert_eq!(unsafe { xpdrm_entitlement_response_new(req, false, null(), &mut resp) }, XPDRM_OK);
                let json = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_to_json(resp, o, cap, l) });
                unsafe {
                    xpdrm_entitlement_response_free(resp);
                    xpdrm_entitlement_request_free(req);
                }
                drop(s);
                json.unwrap().into_bytes()
            }),
            XPDRM_ERR_SEES_DENIED,
        ),
        (
            Box::new(|_| {
                let other = device(None);
                let reg =
                    describe(&out_of(|o| unsafe { xpdrm_binding_device_registration_request(other.0, o) }).unwrap());
                let (_, s) = sees_begins(XPDRM_DRM_PLAYREADY, &reg.body);
                let _t = out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap();
                assert_eq!(svc_answer(&s, 200, REG_ANSWER.as_bytes()), XPDRM_OK);
                entitlement_json(&s).unwrap().into_bytes()
            }),
            XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH,
        ),
        (Box::new(|_| b"{\"messageID\"".to_vec()), XPDRM_ERR_SEES_MALFORMED_JSON),
        (Box::new(|_| vec![b'['; 50_000]), XPDRM_ERR_SEES_MESSAGE_TOO_LARGE),
    ];
    for (make, want) in cases {
        let d = device(None);
        let reg = describe(&out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap());
        let answer = make(&reg.body);
        assert_eq!(dev_answer(&d, 200, &answer), want);
        assert_eq!(dev_step(&d), XPDRM_BINDING_STEP_FAILED);
        assert!(dev_reason(&d).starts_with("cookie registration: "), "{}", dev_reason(&d));
        check_text_fails("no token URL", XPDRM_ERR_BINDING_FAILED, &|o, cap, l| unsafe {
            xpdrm_binding_device_token_url(d.0, o, cap, l)
        });
    }
}

#[test]
fn service_failures_become_denials_for_the_device() {
    let bound_body = |cookie: &str| {
        let d = device(Some(cookie));
        let reg = describe(&out_of(|o| unsafe { xpdrm_binding_device_registration_request(d.0, o) }).unwrap());
        let (_, s) = sees_begins(XPDRM_DRM_PLAYREADY, &reg.body);
        let _t = out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap();
        assert_eq!(svc_answer(&s, 200, REG_ANSWER.as_bytes()), XPDRM_OK);
        assert_eq!(dev_answer(&d, 200, entitlement_json(&s).unwrap().as_bytes()), XPDRM_OK);
        let _spc = out_of(|o| unsafe { xpdrm_binding_device_spc_request(d.0, b"s".as_ptr(), 1, o) }).unwrap();
        assert_eq!(dev_answer(&d, 200, b""), XPDRM_OK);
        let bound = describe(&out_of(|o| unsafe { xpdrm_binding_device_bound_request(d.0, o) }).unwrap());
        (d, bound.body)
    };
    let conflicting = r#"[{"cookie":"ck","device_id":"0123456789abcdef0123456789abcdef"},{"cookie":"ck","device_id":"ffffffffffffffffffffffffffffffff"}]"#;
    let cases: Vec<(&str, u16, String, Status)> = vec![
        ("no record", 200, records_for("someone-else"), XPDRM_ERR_BINDING_NO_RECORD),
        ("two devices", 200, conflicting.into(), XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH),
        ("not records", 200, r#"{"items":[]}"#.into(), XPDRM_ERR_BINDING_RECORDS_INVALID),
        (
            "huge",
            200,
            format!("[\"{}\"]", "x".repeat(XPDRM_BINDING_MAX_RECORDS_LEN)),
            XPDRM_ERR_BINDING_RECORDS_INVALID,
        ),
        ("HTTP", 503, String::new(), XPDRM_ERR_BINDING_HTTP_STATUS),
        ("short id", 200, r#"[{"cookie":"ck","device_id":"abcd"}]"#.into(), XPDRM_ERR_DEVICE_ID_NOT_32_HEX),
    ];
    for (what, status, records, want) in cases {
        let (d, body) = bound_body("ck");
        let (st, s) = sees_begins(XPDRM_DRM_PLAYREADY, &body);
        assert_eq!(st, XPDRM_OK);
        let _l = out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).unwrap();
        let got = svc_answer(&s, status, records.as_bytes());
        let got = if got == XPDRM_OK {
            // The record was fine; the token request is what fails (-5004).
            out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).err().unwrap()
        } else {
            got
        };
        assert_eq!(got, want, "{what}");
        assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_FAILED, "{what}");
        assert!(!svc_reason(&s).contains("0123456789abcdef"), "{what}: {}", svc_reason(&s));
        check_text_fails("no fingerprint", XPDRM_ERR_BINDING_WRONG_STATE, &|o, cap, l| unsafe {
            xpdrm_binding_service_device_id_fingerprint(s.0, o, cap, l)
        });
        // The device gets a denial carrying the status.
        assert_eq!(dev_answer(&d, 200, entitlement_json(&s).unwrap().as_bytes()), XPDRM_ERR_SEES_DENIED, "{what}");
        assert!(dev_reason(&d).ends_with(&format!("(error {})", want.code())), "{what}: {}", dev_reason(&d));
    }

    // An expected device that the records do not lead to; then the same through set_device_id.
    let (_, body) = bound_body("ck");
    let (_, s) = sees_begins(XPDRM_DRM_PLAYREADY, &body);
    let mut s = s;
    drop(std::mem::replace(&mut s, service(XPDRM_DRM_PLAYREADY)));
    unsafe {
        assert_eq!(
            xpdrm_binding_service_set_expected_device_id(s.0, c"ffffffffffffffffffffffffffffffff".as_ptr()),
            XPDRM_OK
        );
        let mut req = null_mut();
        assert_eq!(xpdrm_entitlement_request_parse(body.as_ptr(), body.len(), &mut req), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_begin(s.0, req), XPDRM_OK);
        xpdrm_entitlement_request_free(req);
        assert_eq!(xpdrm_binding_service_set_device_id(s.0, c"  ".as_ptr()), XPDRM_ERR_DEVICE_ID_EMPTY);
        assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_LOOKUP_RECORD);
        let id = c(DEVICE_ID);
        assert_eq!(xpdrm_binding_service_set_device_id(s.0, id.as_ptr()), XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH);
    }
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_FAILED);

    // FairPlay and Widevine cannot bind to a device: the flow fails at begin, before any lookup.
    for (drm, want) in [(XPDRM_DRM_FAIRPLAY, -6008), (XPDRM_DRM_WIDEVINE, -7002)] {
        let (st, s) = sees_begins(drm, &body);
        assert_eq!(st.code(), want);
        assert_eq!(
            out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).err(),
            Some(XPDRM_ERR_BINDING_FAILED)
        );
        assert!(entitlement_json(&s).unwrap().contains(&format!("\"error\":{want}")));
    }
}

#[test]
fn a_device_id_from_another_source_replaces_the_lookup() {
    let mut req = null_mut();
    let content = c(CONTENT);
    assert_eq!(
        unsafe {
            xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_DEVICE_BOUND, c"ck".as_ptr(), &mut req)
        },
        XPDRM_OK
    );
    let s = service(XPDRM_DRM_PLAYREADY);
    assert_eq!(unsafe { xpdrm_binding_service_begin(s.0, req) }, XPDRM_OK);
    unsafe { xpdrm_entitlement_request_free(req) };
    let id = c(&format!(" {} ", DEVICE_ID.to_lowercase()));
    assert_eq!(unsafe { xpdrm_binding_service_set_device_id(s.0, id.as_ptr()) }, XPDRM_OK);
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_REQUEST_TOKEN);
    let fp = "3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9";
    check_text_contract("fingerprint", fp, &|o, cap, l| unsafe {
        xpdrm_binding_service_device_id_fingerprint(s.0, o, cap, l)
    });
    let token = describe(&out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap());
    assert!(String::from_utf8(token.body).unwrap().ends_with("&deviceId=0123456789abcdef0123456789abcdef"));
    // A token server refusal with its code.
    assert_eq!(
        svc_answer(&s, 401, br#"{"code":-2018,"message":"[-2018] Authentication token invalid"}"#),
        XPDRM_ERR_INVALID_AUTHENTICATOR
    );
    assert!(svc_reason(&s).contains("HTTP 401 with code -2018"), "{}", svc_reason(&s));
}

#[test]
fn service_arguments_and_order() {
    let auth = c(AUTH);
    let mut out = sentinel();
    unsafe {
        assert_eq!(xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, null(), &mut out), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, auth.as_ptr(), null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        // The DRM is an xpdrm_drm: an unknown value is the token module's status for it.
        assert_eq!(xpdrm_binding_service_new(3, auth.as_ptr(), &mut out), XPDRM_ERR_UNKNOWN_DRM);
        assert_eq!(xpdrm_binding_service_new(-1, auth.as_ptr(), &mut out), XPDRM_ERR_UNKNOWN_DRM);
        assert_eq!(
            xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, c"".as_ptr(), &mut out),
            XPDRM_ERR_MISSING_AUTHENTICATOR
        );
        assert_eq!(
            xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, c"12345,xyz".as_ptr(), &mut out),
            XPDRM_ERR_INVALID_AUTHENTICATOR
        );
        assert_eq!(xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, NOT_UTF8.as_ptr(), &mut out), XPDRM_ERR_INVALID_UTF8);
        // The authenticator's rule is the token module's (a customer ID of at most 20 digits, too).
        let long_id = c("123456789012345678901,00112233445566778899aabbccddeeff");
        assert_eq!(
            xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, long_id.as_ptr(), &mut out),
            XPDRM_ERR_INVALID_AUTHENTICATOR
        );
        let t = token_request(XPDRM_DRM_PLAYREADY, &[]);
        assert_eq!(
            xpdrm_token_request_set(t.0, c"customerAuthenticator".as_ptr(), long_id.as_ptr()),
            XPDRM_ERR_INVALID_AUTHENTICATOR
        );
    }
    assert_eq!(out, sentinel());

    let s = service(XPDRM_DRM_PLAYREADY);
    unsafe {
        assert_eq!(xpdrm_binding_service_set_token_base_url(s.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_set_token_base_url(s.0, NOT_UTF8.as_ptr()), XPDRM_ERR_INVALID_UTF8);
        // The token server URL is checked by the token module's rule for base URLs.
        for bad in [c"token", c"https://x/t?a=1", c"https://user:pw@x/t", c"ftp://x/"] {
            assert_eq!(xpdrm_binding_service_set_token_base_url(s.0, bad.as_ptr()), XPDRM_ERR_INVALID_BASE_URL);
        }
        let why = svc_reason(&s);
        assert!(why.starts_with("the base URL does not start with http:// or https://."), "{why}");
        assert_eq!(
            xpdrm_binding_service_set_token_base_url(null_mut(), c"https://x/".as_ptr()),
            XPDRM_ERR_NULL_ARGUMENT
        );
        for bad in [c"ftp://x/", c"https://u:p@records.example/getrecord", c"https://:443/getrecord"] {
            assert_eq!(xpdrm_binding_service_set_record_base_url(s.0, bad.as_ptr()), XPDRM_ERR_INVALID_BASE_URL);
        }
        let why = svc_reason(&s);
        assert!(why.starts_with("the record retrieval URL has no host"), "{why}");
        // The token base URL follows the same rule, with the same status.
        assert_eq!(
            xpdrm_binding_service_set_token_base_url(s.0, c"https://u:p@tokens.example/t".as_ptr()),
            XPDRM_ERR_INVALID_BASE_URL
        );
        assert_eq!(xpdrm_binding_service_set_token_base_url(s.0, c"http://:80/t".as_ptr()), XPDRM_ERR_INVALID_BASE_URL);
        // The lifetime is judged as the token request judges expirationTime=+<seconds>.
        let t = token_request(XPDRM_DRM_PLAYREADY, &[]);
        let max = XPDRM_BINDING_MAX_EXPIRATION;
        for secs in [0, 1, XPDRM_BINDING_DEFAULT_EXPIRATION, max, max + 1, u32::MAX] {
            let value = c(&format!("+{secs}"));
            let want = xpdrm_token_request_set(t.0, c"expirationTime".as_ptr(), value.as_ptr());
            assert_eq!(xpdrm_binding_service_set_expiration(s.0, secs), want, "{secs}");
        }
        assert_eq!(
            xpdrm_binding_service_set_expiration(s.0, XPDRM_BINDING_MAX_EXPIRATION + 1),
            XPDRM_ERR_INVALID_EXPIRATION_TIME
        );
        assert!(svc_reason(&s).starts_with("expirationTime is 2592001 seconds ahead"), "{}", svc_reason(&s));
        assert_eq!(xpdrm_binding_service_set_expiration(s.0, XPDRM_BINDING_MAX_EXPIRATION), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_set_expiration(null_mut(), 60), XPDRM_ERR_NULL_ARGUMENT);
        let good = template(XPDRM_DRM_PLAYREADY);
        assert_eq!(xpdrm_binding_service_set_token_template(s.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_set_token_template(null_mut(), good.0), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_set_expected_device_id(s.0, c" ".as_ptr()), XPDRM_ERR_DEVICE_ID_EMPTY);
        assert_eq!(xpdrm_binding_service_set_expected_device_id(s.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_begin(s.0, null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_begin(null_mut(), null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_handle_response(s.0, 200, null(), null(), 1), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_step(null(), &mut 0), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_set_device_id(s.0, c"ab".as_ptr()), XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(xpdrm_binding_service_record_request(s.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_token_request(null_mut(), &mut null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        let mut resp = sentinel();
        assert_eq!(xpdrm_binding_service_entitlement_response(s.0, &mut resp), XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(xpdrm_binding_service_entitlement_response(null(), &mut resp), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_binding_service_entitlement_response(s.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(resp, sentinel());
        xpdrm_binding_service_free(null_mut());
    }
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_BEGIN);
    assert_eq!(
        out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).err(),
        Some(XPDRM_ERR_BINDING_WRONG_STATE)
    );
    assert_eq!(
        out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).err(),
        Some(XPDRM_ERR_BINDING_WRONG_STATE)
    );
    assert_eq!(svc_answer(&s, 200, b"[]"), XPDRM_ERR_BINDING_WRONG_STATE);
    for (what, f) in [
        ("reason", xpdrm_binding_service_reason as unsafe extern "C" fn(_, _, _, _) -> _),
        ("fingerprint", xpdrm_binding_service_device_id_fingerprint),
    ] {
        check_text_fails(what, XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe { f(null(), o, cap, l) });
    }

    // Configuration ends at begin; begin happens once.
    let mut req = null_mut();
    let content = c(CONTENT);
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_TIME_BASED, null(), &mut req) },
        XPDRM_OK
    );
    unsafe {
        assert_eq!(xpdrm_binding_service_begin(s.0, req), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_begin(s.0, req), XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(xpdrm_binding_service_set_expiration(s.0, 60), XPDRM_ERR_BINDING_WRONG_STATE);
        let t = template(XPDRM_DRM_PLAYREADY);
        assert_eq!(xpdrm_binding_service_set_token_template(s.0, t.0), XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(
            xpdrm_binding_service_set_token_base_url(s.0, c"https://x/".as_ptr()),
            XPDRM_ERR_BINDING_WRONG_STATE
        );
        xpdrm_entitlement_request_free(req);
    }
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_REQUEST_TOKEN, "time-based requests go straight to the token");
    assert_eq!(
        out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).err(),
        Some(XPDRM_ERR_BINDING_WRONG_STATE)
    );

    // A request refused at parse: begin fails the flow; the denial echoes the readable messageID.
    let s = service(XPDRM_DRM_PLAYREADY);
    let broken = br#"{"messageID":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","version":1}"#;
    let mut req = null_mut();
    assert_eq!(unsafe { xpdrm_entitlement_request_parse(broken.as_ptr(), broken.len(), &mut req) }, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_request_status(req) }, XPDRM_ERR_SEES_MISSING_FIELD);
    assert_eq!(unsafe { xpdrm_binding_service_begin(s.0, req) }, XPDRM_ERR_SEES_MISSING_FIELD);
    unsafe { xpdrm_entitlement_request_free(req) };
    assert_eq!(svc_reason(&s), "contentID is missing");
    let json = entitlement_json(&s).unwrap();
    assert!(json.contains("6ba7b810-9dad-11d1-80b4-00c04fd430c8") && json.contains("\"error\":305"), "{json}");
}

#[test]
fn token_templates_are_checked_copied_and_leave_the_flows_parameters_to_the_flow() {
    let s = bare_service(XPDRM_DRM_PLAYREADY);
    let set = |t: &Tpl| unsafe { xpdrm_binding_service_set_token_template(s.0, t.0) };
    // The parameters the flow sets itself are refused, not overridden; the flow is unchanged.
    for (name, value) in [
        ("customerAuthenticator", AUTH),
        ("expirationTime", "+60"),
        ("cookie", "ck"),
        ("deviceId", "0123456789abcdef0123456789abcdef"),
    ] {
        let mut params = PR_TEMPLATE.to_vec();
        params.push((name, value));
        assert_eq!(set(&token_request(XPDRM_DRM_PLAYREADY, &params)), XPDRM_ERR_INVALID_ARGUMENT, "{name}");
        assert_eq!(
            svc_reason(&s),
            format!("the token template sets {name}, which the device-binding flow sets itself")
        );
        assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_BEGIN);
    }
    // A template of another DRM.
    assert_eq!(set(&template(XPDRM_DRM_WIDEVINE)), XPDRM_ERR_INVALID_ARGUMENT);
    assert_eq!(svc_reason(&s), "the token template is a Widevine request; this flow asks the PlayReady token server");
    // An incomplete template gets the whole-request check's code now, not in the middle of a flow.
    assert_eq!(set(&token_request(XPDRM_DRM_PLAYREADY, &PR_TEMPLATE[1..])), XPDRM_ERR_MISSING_KID);
    assert!(svc_reason(&s).starts_with("kid is missing; a PlayReady request requires it."), "{}", svc_reason(&s));
    let mut rental = PR_TEMPLATE.to_vec();
    rental[2] = ("rightsType", "Rental");
    assert_eq!(set(&token_request(XPDRM_DRM_PLAYREADY, &rental)), XPDRM_ERR_RENTAL_PERIOD_END_TIME);

    // Without a template, the token request fails the flow with the first missing parameter's code, and
    // the device is denied with it.
    let mut req = null_mut();
    let content = c(CONTENT);
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_TIME_BASED, null(), &mut req) },
        XPDRM_OK
    );
    assert_eq!(unsafe { xpdrm_binding_service_begin(s.0, req) }, XPDRM_OK);
    assert_eq!(out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).err(), Some(XPDRM_ERR_MISSING_KID));
    assert_eq!(svc_step(&s), XPDRM_BINDING_STEP_FAILED);
    assert!(entitlement_json(&s).unwrap().contains("\"error\":-4018"));

    // The flow keeps a copy: the caller's later changes, and freeing it, do not reach the flow. The
    // template's base URL is where token requests go; the flow's token server overrides it.
    for flow_url in [None, Some("http://127.0.0.1:2/flow")] {
        let s = bare_service(XPDRM_DRM_PLAYREADY);
        let t = template(XPDRM_DRM_PLAYREADY);
        unsafe {
            assert_eq!(xpdrm_token_request_set_base_url(t.0, c"http://127.0.0.1:1/template".as_ptr()), XPDRM_OK);
            assert_eq!(xpdrm_binding_service_set_token_template(s.0, t.0), XPDRM_OK);
            if let Some(url) = flow_url {
                let url = c(url);
                assert_eq!(xpdrm_binding_service_set_token_base_url(s.0, url.as_ptr()), XPDRM_OK);
            }
            let other_key = c("ffffffffffffffffffffffffffffffff");
            assert_eq!(xpdrm_token_request_set(t.0, c"contentKey".as_ptr(), other_key.as_ptr()), XPDRM_OK);
            assert_eq!(xpdrm_token_request_set_environment(t.0, XPDRM_ENVIRONMENT_PRODUCTION), XPDRM_OK);
        }
        drop(t);
        assert_eq!(unsafe { xpdrm_binding_service_begin(s.0, req) }, XPDRM_OK);
        let token = describe(&out_of(|o| unsafe { xpdrm_binding_service_token_request(s.0, o) }).unwrap());
        assert_eq!(token.url, flow_url.unwrap_or("http://127.0.0.1:1/template"));
        assert_eq!(
            String::from_utf8(token.body).unwrap(),
            format!(
                "{}&customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&expirationTime=%2B3600",
                pr_template_form()
            )
        );
    }
    unsafe { xpdrm_entitlement_request_free(req) };
}

static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn record(_: *mut c_void, _: i32, message: *const c_char) {
    LOG.lock().unwrap().push(unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned());
}

#[test]
fn trace_logs_of_the_whole_flow_hold_no_secret() {
    use xpdrm::ffi::log::*;
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(record), null_mut(), XPDRM_LOG_TRACE) }, XPDRM_OK);
    let mut secrets: Vec<String> = vec![
        "00112233445566778899aabbccddeeff".into(),
        "0123456789abcdef0123456789abcdef".into(),
        CONTENT_KEY.into(),
        "REGISTRATION-TOKEN".into(),
        "BOUND-TOKEN".into(),
    ];
    let final_url = whole_flow(&mut |d| {
        // Token URLs and the cookie stay out of the logs too.
        if d.url.contains("ExpressPlayToken=") {
            secrets.push(d.url.clone());
        }
        if let Some((_, cookie)) = d.url.split_once("&cookie=") {
            secrets.push(cookie.to_string());
        }
    });
    secrets.push(final_url);
    assert_eq!(secrets.len(), 8, "the spy saw the registration token URL and the cookie: {secrets:?}");
    // And a failing lookup, whose reason is logged.
    let mut req = null_mut();
    let content = c(CONTENT);
    let s = service(XPDRM_DRM_PLAYREADY);
    unsafe {
        assert_eq!(
            xpdrm_binding_service_set_expected_device_id(s.0, c"ffffffffffffffffffffffffffffffff".as_ptr()),
            XPDRM_OK
        );
        assert_eq!(
            xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_DEVICE_BOUND, c"ck".as_ptr(), &mut req),
            XPDRM_OK
        );
        assert_eq!(xpdrm_binding_service_begin(s.0, req), XPDRM_OK);
        xpdrm_entitlement_request_free(req);
    }
    let _lookup = out_of(|o| unsafe { xpdrm_binding_service_record_request(s.0, o) }).unwrap();
    assert_eq!(svc_answer(&s, 200, records_for("ck").as_bytes()), XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH);
    secrets.push("ffffffffffffffffffffffffffffffff".into());
    assert_eq!(unsafe { xpdrm_log_set_callback(None, null_mut(), XPDRM_LOG_TRACE) }, XPDRM_OK);
    let log = LOG.lock().unwrap().clone();
    assert!(log.len() >= 10, "the flow logs its steps: {log:?}");
    assert!(log.iter().any(|m| m.contains("failed: the cookie leads to device")), "{log:?}");
    for m in &log {
        let lower = m.to_lowercase();
        for s in &secrets {
            assert!(!lower.contains(&s.to_lowercase()), "secret {s} in log line {m:?}");
        }
    }
}
