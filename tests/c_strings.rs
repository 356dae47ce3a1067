//! Text handed to C never holds an interior NUL (issue 14, item 3): `strlen(out) == *out_len` for every text
//! output, so a C caller that compares with `strcmp` never takes two different texts for one.
//!
//! Where a NUL could come from, per field (the rest of the text outputs are produced by xpdrm from checked
//! parts and cannot hold one; the sweep below checks them all the same):
//! * C text arguments are NUL-terminated: they cannot carry one.
//! * JSON strings can (`\u0000`): the shared string-field readers (`json::opt_str`, `json::req_str`) refuse it
//!   where it enters. SEES messages: `XPDRM_ERR_SEES_INVALID_FIELD` with a reason naming the field
//!   (messageID, contentID, customerCookie, epTokenURL, errorText); transaction records: refused.
//! * Token answers: the license URL and the token must be printable ASCII (refused otherwise); the MS3
//!   content URL is refused with a control character; the server's error text is for people, never compared,
//!   and refusing it would lose the error code, so a NUL in it is shown as U+FFFD.
//! * Reasons quote input escaped; as a defence they show a NUL as U+FFFD.
//! * Last line of defence: the text-output helper itself refuses with `XPDRM_ERR_INTERIOR_NUL` (unit test in
//!   src/ffi/guard.rs).

mod common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use common::cabi::c;
use common::sees::{CONTENT, Req, Resp, new_request, parse_request, parse_response};
use serde_json::{Value, json};
use xpdrm::Status::{self, *};
use xpdrm::ffi::binding::*;
use xpdrm::ffi::device::*;
use xpdrm::ffi::outbound::*;
use xpdrm::ffi::sees::*;
use xpdrm::ffi::token::*;

const REGISTRATION: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const AUTH: &str = "12345,00112233445566778899aabbccddeeff";
const URL: &str = "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=SECRET-TOKEN";

type Getter<'a> = Box<dyn Fn(*mut c_char, usize, *mut usize) -> Status + 'a>;

/// Fetches a text output and checks the rule: the text has exactly `*out_len` bytes before its NUL.
fn text_of(what: &str, call: &dyn Fn(*mut c_char, usize, *mut usize) -> Status) -> Result<String, Status> {
    let mut len = usize::MAX;
    let st = call(null_mut(), 0, &mut len);
    if st != XPDRM_ERR_BUFFER_TOO_SMALL {
        return Err(st);
    }
    let mut buf = vec![0x5Au8; len + 1];
    let mut got = usize::MAX;
    let st = call(buf.as_mut_ptr().cast(), buf.len(), &mut got);
    assert_eq!((st, got), (XPDRM_OK, len), "{what}");
    let strlen = buf.iter().position(|&b| b == 0).unwrap();
    assert_eq!(strlen, got, "{what}: strlen differs from out_len (an interior NUL)");
    Ok(String::from_utf8(buf[..len].to_vec()).unwrap())
}

fn request_json(req: &Req) -> Value {
    let text = text_of("to_json", &|o, cap, l| unsafe { xpdrm_entitlement_request_to_json(req.0, o, cap, l) });
    serde_json::from_str(&text.unwrap()).unwrap()
}

fn answer(req: &Req, allow: bool) -> Resp {
    let url = c(URL);
    let mut out = null_mut();
    let st =
        unsafe { xpdrm_entitlement_response_new(req.0, allow, if allow { url.as_ptr() } else { null() }, &mut out) };
    assert_eq!(st, XPDRM_OK);
    Resp(out)
}

fn response_json(resp: &Resp) -> Value {
    let text = text_of("to_json", &|o, cap, l| unsafe { xpdrm_entitlement_response_to_json(resp.0, o, cap, l) });
    serde_json::from_str(&text.unwrap()).unwrap()
}

fn with_field(mut doc: Value, field: &str, value: &str) -> Vec<u8> {
    doc[field] = json!(value);
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert!(bytes.windows(6).any(|w| w == b"\\u0000"), "the JSON carries the NUL as \\u0000");
    bytes
}

#[test]
fn a_customer_cookie_with_a_nul_is_refused_where_it_is_parsed() {
    // The measured bug: "ab\u0000cd" came back with XPDRM_OK, out_len 5 and strlen 2.
    let base = request_json(&new_request(XPDRM_REQUEST_TIME_BASED, Some("abcd")));
    let (st, req) = parse_request(&with_field(base, "customerCookie", "ab\0cd"));
    assert_eq!(st, XPDRM_ERR_SEES_INVALID_FIELD);
    let reason = text_of("reason", &|o, cap, l| unsafe { xpdrm_entitlement_request_reason(req.0, o, cap, l) }).unwrap();
    assert!(reason.contains("customerCookie") && reason.contains("NUL"), "{reason}");
    let cookie = text_of("cookie", &|o, cap, l| unsafe { xpdrm_entitlement_request_customer_cookie(req.0, o, cap, l) });
    assert!(cookie.is_err(), "a refused cookie is not handed out: {cookie:?}");
}

#[test]
fn every_sees_text_field_refuses_a_nul_with_a_reason_naming_it() {
    let req = new_request(XPDRM_REQUEST_TIME_BASED, Some("abcd"));
    let request = request_json(&req);
    for field in ["messageID", "contentID", "customerCookie"] {
        let (st, bad) = parse_request(&with_field(request.clone(), field, "ab\0cd"));
        assert_eq!(st, XPDRM_ERR_SEES_INVALID_FIELD, "request {field}");
        let reason =
            text_of("reason", &|o, cap, l| unsafe { xpdrm_entitlement_request_reason(bad.0, o, cap, l) }).unwrap();
        assert!(reason.starts_with(field) && reason.contains("NUL"), "request {field}: {reason}");
    }
    let allowed = response_json(&answer(&req, true));
    let denied = response_json(&answer(&req, false));
    for (doc, field) in [(&allowed, "messageID"), (&allowed, "epTokenURL"), (&denied, "errorText")] {
        let (st, bad) = parse_response(&req, &with_field(doc.clone(), field, "ab\0cd"));
        assert_eq!(st, XPDRM_ERR_SEES_INVALID_FIELD, "response {field}");
        let reason =
            text_of("reason", &|o, cap, l| unsafe { xpdrm_entitlement_response_reason(bad.0, o, cap, l) }).unwrap();
        assert!(reason.contains(field) && reason.contains("NUL"), "response {field}: {reason}");
    }
}

struct TokenResp(*mut xpdrm_token_response);
impl Drop for TokenResp {
    fn drop(&mut self) {
        unsafe { xpdrm_token_response_free(self.0) }
    }
}

fn token_answer(http_status: u16, content_type: &str, body: &str) -> (Status, TokenResp) {
    let ct = c(content_type);
    let mut out = null_mut();
    let st = unsafe {
        xpdrm_token_response_parse(XPDRM_DRM_PLAYREADY, http_status, ct.as_ptr(), body.as_ptr(), body.len(), &mut out)
    };
    (st, TokenResp(out))
}

#[test]
fn token_answers_refuse_a_nul_in_urls_and_tokens_and_show_it_in_error_texts() {
    let url = "https://pr.test.expressplay.com/playready/RightsManager.asmx";
    for body in [
        format!(r#"{{"licenseAcquisitionUrl": "{url}\u0000x", "token": "ABCDEF"}}"#),
        format!(r#"{{"licenseAcquisitionUrl": "{url}", "token": "AB\u0000CDEF"}}"#),
    ] {
        let (st, resp) = token_answer(200, "application/json", &body);
        if st == XPDRM_OK {
            // Whatever was accepted must still come out whole.
            for (what, f) in [
                ("license_url", xpdrm_token_response_license_url as unsafe extern "C" fn(_, _, _, _) -> _),
                ("license_base_url", xpdrm_token_response_license_base_url),
                ("token", xpdrm_token_response_token),
            ] {
                let got = text_of(what, &|o, cap, l| unsafe { f(resp.0, o, cap, l) });
                assert!(got.is_err(), "{body}: {what} handed out text from a NUL-holding field: {got:?}");
            }
        } else {
            assert!(resp.0.is_null(), "{body}: a failed parse hands out nothing");
        }
    }
    for (ct, body) in [
        ("application/json", r#"{"errorCode": -2001, "message": "bad\u0000customer"}"#),
        ("application/json", r#"{"errorCode": -2001, "text": "bad\u0000\u0000customer"}"#),
    ] {
        let (st, resp) = token_answer(400, ct, body);
        assert_eq!(st, XPDRM_OK, "{body}");
        let text =
            text_of("error_text", &|o, cap, l| unsafe { xpdrm_token_response_error_text(resp.0, o, cap, l) }).unwrap();
        assert!(text.starts_with("bad") && text.ends_with("customer") && !text.contains('\0'), "{body}: {text:?}");
    }
}

/// Every text output that can be reached without a network, on a real object: `strlen == *out_len`.
#[test]
fn every_text_output_is_whole_for_strcmp() {
    // Objects.
    let mut treq = null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_PLAYREADY, &mut treq) }, XPDRM_OK);
    for (name, value) in [("customerAuthenticator", AUTH), ("contentId", "abc")] {
        let (n, v) = (c(name), c(value));
        let _ = unsafe { xpdrm_token_request_set(treq, n.as_ptr(), v.as_ptr()) };
    }
    let (st, tresp) = token_answer(
        200,
        "application/json",
        r#"{"licenseAcquisitionUrl": "https://pr.test.expressplay.com/playready/RightsManager.asmx", "token": "ABCDEF"}"#,
    );
    assert_eq!(st, XPDRM_OK);
    let (_, terr) = token_answer(400, "application/json", r#"{"errorCode": -2001, "message": "bad customer"}"#);
    let sreq = new_request(XPDRM_REQUEST_TIME_BASED, Some("abcd"));
    let sresp = answer(&sreq, true);
    let mut denial = answer(&sreq, false);
    let text = c("no");
    assert_eq!(unsafe { xpdrm_entitlement_response_set_error(denial.0, -1, text.as_ptr()) }, XPDRM_OK);
    let denial = std::mem::replace(&mut denial.0, null_mut());
    let (sees_url, reg, content) = (c("https://sees.example.com/entitle"), c(REGISTRATION), c(CONTENT));
    let mut dev = null_mut();
    let st = unsafe { xpdrm_binding_device_new(sees_url.as_ptr(), reg.as_ptr(), content.as_ptr(), null(), &mut dev) };
    assert_eq!(st, XPDRM_OK);
    let mut out_req = null_mut();
    assert_eq!(unsafe { xpdrm_binding_device_registration_request(dev, &mut out_req) }, XPDRM_OK);
    let auth = c(AUTH);
    let mut svc = null_mut();
    assert_eq!(unsafe { xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, auth.as_ptr(), &mut svc) }, XPDRM_OK);
    let device_id = c("device-1234");

    let (treq_, tresp_, terr_, sreq_, sresp_, dev_, svc_, out_req_) = (
        treq.cast_const(),
        tresp.0.cast_const(),
        terr.0.cast_const(),
        sreq.0.cast_const(),
        sresp.0.cast_const(),
        dev.cast_const(),
        svc.cast_const(),
        out_req.cast_const(),
    );
    let table: Vec<(&str, Getter<'_>)> = vec![
        ("xpdrm_token_request_url", Box::new(move |o, cap, l| unsafe { xpdrm_token_request_url(treq_, o, cap, l) })),
        ("xpdrm_token_request_form", Box::new(move |o, cap, l| unsafe { xpdrm_token_request_form(treq_, o, cap, l) })),
        (
            "xpdrm_token_request_redacted",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_request_redacted(treq_, o, cap, l) }),
        ),
        (
            "xpdrm_token_request_last_error",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_request_last_error(treq_, o, cap, l) }),
        ),
        (
            "xpdrm_token_response_license_url",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_response_license_url(tresp_, o, cap, l) }),
        ),
        (
            "xpdrm_token_response_license_base_url",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_response_license_base_url(tresp_, o, cap, l) }),
        ),
        (
            "xpdrm_token_response_token",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_response_token(tresp_, o, cap, l) }),
        ),
        (
            "xpdrm_token_response_error_text",
            Box::new(move |o, cap, l| unsafe { xpdrm_token_response_error_text(terr_, o, cap, l) }),
        ),
        (
            "xpdrm_device_id_fingerprint",
            Box::new(move |o, cap, l| unsafe { xpdrm_device_id_fingerprint(device_id.as_ptr(), o, cap, l) }),
        ),
        ("xpdrm_cookie_generate", Box::new(|o, cap, l| unsafe { xpdrm_cookie_generate(o, cap, l) })),
        (
            "xpdrm_entitlement_request_reason",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_request_reason(sreq_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_request_message_id",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_request_message_id(sreq_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_request_content_id",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_request_content_id(sreq_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_request_customer_cookie",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_request_customer_cookie(sreq_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_request_to_json",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_request_to_json(sreq_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_response_reason",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_response_reason(sresp_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_response_ep_token_url",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_response_ep_token_url(sresp_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_response_error_text",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_response_error_text(denial, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_response_message_id",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_response_message_id(sresp_, o, cap, l) }),
        ),
        (
            "xpdrm_entitlement_response_to_json",
            Box::new(move |o, cap, l| unsafe { xpdrm_entitlement_response_to_json(sresp_, o, cap, l) }),
        ),
        (
            "xpdrm_outbound_request_url",
            Box::new(move |o, cap, l| unsafe { xpdrm_outbound_request_url(out_req_, o, cap, l) }),
        ),
        (
            "xpdrm_outbound_request_redacted_url",
            Box::new(move |o, cap, l| unsafe { xpdrm_outbound_request_redacted_url(out_req_, o, cap, l) }),
        ),
        (
            "xpdrm_outbound_request_header_name",
            Box::new(move |o, cap, l| unsafe { xpdrm_outbound_request_header_name(out_req_, 0, o, cap, l) }),
        ),
        (
            "xpdrm_outbound_request_header_value",
            Box::new(move |o, cap, l| unsafe { xpdrm_outbound_request_header_value(out_req_, 0, o, cap, l) }),
        ),
        (
            "xpdrm_binding_device_reason",
            Box::new(move |o, cap, l| unsafe { xpdrm_binding_device_reason(dev_, o, cap, l) }),
        ),
        (
            "xpdrm_binding_device_cookie",
            Box::new(move |o, cap, l| unsafe { xpdrm_binding_device_cookie(dev_, o, cap, l) }),
        ),
        (
            "xpdrm_binding_service_reason",
            Box::new(move |o, cap, l| unsafe { xpdrm_binding_service_reason(svc_, o, cap, l) }),
        ),
    ];
    let mut fetched = 0;
    for (what, call) in &table {
        match text_of(what, call.as_ref()) {
            Ok(_) => fetched += 1,
            // A getter with nothing to say at this step (a reason after success may be empty, too).
            Err(st) => assert_ne!(st, XPDRM_ERR_INTERIOR_NUL, "{what}"),
        }
    }
    assert!(fetched >= table.len() - 2, "only {fetched} of {} text outputs were reachable", table.len());
    drop(table);
    unsafe {
        xpdrm_token_request_free(treq);
        xpdrm_entitlement_response_free(denial);
        xpdrm_outbound_request_free(out_req);
        xpdrm_binding_device_free(dev);
        xpdrm_binding_service_free(svc);
    }
}
