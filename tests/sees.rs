//! SEES entitlement messages through the C ABI: both sides, every export's NULL, UTF-8, buffer and
//! hostile-input behaviour, and the rule that a refused message is handed out with its reason.

mod common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use common::cabi::*;
use common::sees::{CONTENT, Req, Resp, new_request, parse_request, parse_response};
use xpdrm::Status::{self, *};
use xpdrm::ffi::sees::*;

const MSG: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const URL: &str = "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=SECRET-TOKEN";

fn request_json(req: &Req) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_entitlement_request_to_json(req.0, o, cap, l) }).unwrap()
}

fn response_json(resp: &Resp) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_to_json(resp.0, o, cap, l) }).unwrap()
}

fn message_id(req: &Req) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_entitlement_request_message_id(req.0, o, cap, l) }).unwrap()
}

fn reason(resp: &Resp) -> String {
    get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_reason(resp.0, o, cap, l) }).unwrap()
}

fn answer(req: &Req, allow: bool, url: Option<&str>) -> (Status, Resp) {
    let url = url.map(c);
    let mut out = null_mut();
    let st =
        unsafe { xpdrm_entitlement_response_new(req.0, allow, url.as_ref().map_or(null(), |u| u.as_ptr()), &mut out) };
    (st, Resp(out))
}

#[test]
fn a_device_and_a_service_complete_an_exchange() {
    let req = new_request(XPDRM_REQUEST_DEVICE_REGISTRATION, Some("cookie-1"));
    let body = request_json(&req);
    let id = message_id(&req);
    assert_eq!(id.len(), XPDRM_SEES_GUID_LEN);
    assert_eq!(
        body,
        format!(
            r#"{{"messageID":"{id}","version":1,"requestType":2,"contentID":"{CONTENT}","customerCookie":"cookie-1"}}"#
        )
    );

    // The service's side.
    let (st, seen) = parse_request(body.as_bytes());
    assert_eq!(st, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_request_status(seen.0) }, XPDRM_OK);
    let (mut version, mut t) = (0, 0);
    assert_eq!(unsafe { xpdrm_entitlement_request_version(seen.0, &mut version) }, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_request_type(seen.0, &mut t) }, XPDRM_OK);
    assert_eq!((version, t), (1, XPDRM_REQUEST_DEVICE_REGISTRATION));
    check_text_contract("message_id", &id, &|o, cap, l| unsafe {
        xpdrm_entitlement_request_message_id(seen.0, o, cap, l)
    });
    check_text_contract("content_id", CONTENT, &|o, cap, l| unsafe {
        xpdrm_entitlement_request_content_id(seen.0, o, cap, l)
    });
    check_text_contract("cookie", "cookie-1", &|o, cap, l| unsafe {
        xpdrm_entitlement_request_customer_cookie(seen.0, o, cap, l)
    });
    check_text_contract("to_json", &body, &|o, cap, l| unsafe { xpdrm_entitlement_request_to_json(seen.0, o, cap, l) });
    check_text_contract("reason", "valid", &|o, cap, l| unsafe { xpdrm_entitlement_request_reason(seen.0, o, cap, l) });

    let (st, grant) = answer(&seen, true, Some(URL));
    assert_eq!(st, XPDRM_OK);
    let json = response_json(&grant);
    assert_eq!(json, format!(r#"{{"messageID":"{id}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#));

    // The device's side.
    let (st, checked) = parse_response(&req, json.as_bytes());
    assert_eq!(st, XPDRM_OK);
    assert!(unsafe { xpdrm_entitlement_response_is_allowed(checked.0) });
    assert_eq!(unsafe { xpdrm_entitlement_response_status(checked.0) }, XPDRM_OK);
    check_text_contract("ep_token_url", URL, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_ep_token_url(checked.0, o, cap, l)
    });
    check_text_contract("resp message_id", &id, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_message_id(checked.0, o, cap, l)
    });
    check_text_contract("resp to_json", &json, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_to_json(checked.0, o, cap, l)
    });
    check_text_contract("resp reason", "the response grants the license", &|o, cap, l| unsafe {
        xpdrm_entitlement_response_reason(checked.0, o, cap, l)
    });
    let mut error = 7;
    assert_eq!(unsafe { xpdrm_entitlement_response_error(checked.0, &mut error) }, XPDRM_ERR_SEES_FIELD_ABSENT);
    assert_eq!(error, 7);
    check_text_fails("error_text absent", XPDRM_ERR_SEES_FIELD_ABSENT, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_error_text(checked.0, o, cap, l)
    });
}

#[test]
fn request_new_checks_every_argument_and_writes_nothing_on_failure() {
    let content = c(CONTENT);
    let cases: Vec<(Status, *const c_char, xpdrm_request_type, *const c_char)> = vec![
        (XPDRM_ERR_NULL_ARGUMENT, null(), 1, null()),
        (XPDRM_ERR_INVALID_UTF8, NOT_UTF8.as_ptr(), 1, null()),
        (XPDRM_ERR_INVALID_UTF8, content.as_ptr(), 1, NOT_UTF8.as_ptr()),
        (XPDRM_ERR_SEES_INVALID_FIELD, c"not-a-guid".as_ptr(), 1, null()),
        (XPDRM_ERR_SEES_INVALID_FIELD, content.as_ptr(), 1, c"".as_ptr()),
        (XPDRM_ERR_SEES_FIELD_TOO_LONG, content.as_ptr(), 1, c"123456789012345678901234567890123".as_ptr()),
        (XPDRM_ERR_INVALID_ARGUMENT, content.as_ptr(), 0, null()),
        (XPDRM_ERR_INVALID_ARGUMENT, content.as_ptr(), 4, null()),
        (XPDRM_ERR_INVALID_ARGUMENT, content.as_ptr(), -1, null()),
    ];
    for (want, content, t, cookie) in cases {
        let mut out = sentinel();
        assert_eq!(unsafe { xpdrm_entitlement_request_new(content, t, cookie, &mut out) }, want);
        assert_eq!(out, sentinel(), "{want:?}: *out written on failure");
    }
    assert_eq!(
        unsafe { xpdrm_entitlement_request_new(content.as_ptr(), 1, null(), null_mut()) },
        XPDRM_ERR_NULL_ARGUMENT
    );
    // 32 characters of two bytes each are 32 characters.
    let cookie = c(&"é".repeat(32));
    let mut out = null_mut();
    assert_eq!(unsafe { xpdrm_entitlement_request_new(content.as_ptr(), 3, cookie.as_ptr(), &mut out) }, XPDRM_OK);
    unsafe { xpdrm_entitlement_request_free(out) };
}

#[test]
fn every_new_request_has_a_fresh_v4_guid() {
    let ids: std::collections::HashSet<String> =
        (0..200).map(|_| message_id(&new_request(XPDRM_REQUEST_TIME_BASED, None))).collect();
    assert_eq!(ids.len(), 200);
    for id in &ids {
        assert_eq!((&id[14..15], id.len()), ("4", 36), "{id}");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }
}

#[test]
fn a_refused_request_is_handed_out_with_its_reason() {
    let body = format!(r#"{{"messageID":"{MSG}","version":"1","contentID":"{CONTENT}"}}"#);
    let (st, req) = parse_request(body.as_bytes());
    assert_eq!(st, XPDRM_ERR_SEES_WRONG_TYPE);
    assert_eq!(unsafe { xpdrm_entitlement_request_status(req.0) }, XPDRM_ERR_SEES_WRONG_TYPE);
    check_text_contract("reason", "version is a string; it must be an integer", &|o, cap, l| unsafe {
        xpdrm_entitlement_request_reason(req.0, o, cap, l)
    });
    // The messageID was a GUID, so a denial can be addressed to it ...
    check_text_contract("message_id", MSG, &|o, cap, l| unsafe {
        xpdrm_entitlement_request_message_id(req.0, o, cap, l)
    });
    // ... and nothing else is available.
    for (what, call) in [
        ("content_id", &(|o, cap, l| unsafe { xpdrm_entitlement_request_content_id(req.0, o, cap, l) }) as TextCall),
        ("cookie", &|o, cap, l| unsafe { xpdrm_entitlement_request_customer_cookie(req.0, o, cap, l) }),
        ("to_json", &|o, cap, l| unsafe { xpdrm_entitlement_request_to_json(req.0, o, cap, l) }),
    ] {
        check_text_fails(what, XPDRM_ERR_SEES_WRONG_TYPE, call);
    }
    let mut v = 99;
    assert_eq!(unsafe { xpdrm_entitlement_request_version(req.0, &mut v) }, XPDRM_ERR_SEES_WRONG_TYPE);
    assert_eq!(unsafe { xpdrm_entitlement_request_type(req.0, &mut v) }, XPDRM_ERR_SEES_WRONG_TYPE);
    assert_eq!(v, 99);

    // Only a denial can answer it, and it echoes the messageID.
    assert_eq!(answer(&req, true, Some(URL)).0, XPDRM_ERR_SEES_WRONG_TYPE);
    let (st, denial) = answer(&req, false, None);
    assert_eq!(st, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_response_status(denial.0) }, XPDRM_ERR_SEES_DENIED);
    assert_eq!(unsafe { xpdrm_entitlement_response_set_error(denial.0, 306, c"bad version".as_ptr()) }, XPDRM_OK);
    assert_eq!(
        response_json(&denial),
        format!(r#"{{"messageID":"{MSG}","version":1,"isAllowed":false,"error":306,"errorText":"bad version"}}"#)
    );

    // Without a readable messageID there is no one to answer.
    let (st, nameless) = parse_request(b"[1,2]");
    assert_eq!(st, XPDRM_ERR_SEES_NOT_AN_OBJECT);
    check_text_fails("message_id", XPDRM_ERR_SEES_NOT_AN_OBJECT, &|o, cap, l| unsafe {
        xpdrm_entitlement_request_message_id(nameless.0, o, cap, l)
    });
    let (st, none) = answer(&nameless, false, None);
    assert_eq!((st, none.0), (XPDRM_ERR_SEES_NOT_AN_OBJECT, null_mut()));
}

#[test]
fn hostile_requests_get_a_status_never_a_crash() {
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let nested = format!(r#"{{"x":{}{}}}"#, "[".repeat(20), "]".repeat(20));
    let dup = format!(r#"{{"messageID":"{MSG}","version":1,"contentID":"{CONTENT}","contentID":"{CONTENT}"}}"#);
    let huge_number = format!(r#"{{"messageID":"{MSG}","version":1e999,"contentID":"{CONTENT}"}}"#);
    let big_int =
        format!(r#"{{"messageID":"{MSG}","version":123456789012345678901234567890,"contentID":"{CONTENT}"}}"#);
    let float = format!(r#"{{"messageID":"{MSG}","version":1.5,"contentID":"{CONTENT}"}}"#);
    let long_cookie =
        format!(r#"{{"messageID":"{MSG}","version":1,"contentID":"{CONTENT}","customerCookie":"{}"}}"#, "x".repeat(33));
    let cases: Vec<(Vec<u8>, Status)> = vec![
        (b"".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"{".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"{\"messageID\":\"\xff\xfe\"}".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"{\"a\":\"\\udc00\"}".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"{} {}".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"\0".to_vec(), XPDRM_ERR_SEES_MALFORMED_JSON),
        (b"null".to_vec(), XPDRM_ERR_SEES_NOT_AN_OBJECT),
        (b"{}".to_vec(), XPDRM_ERR_SEES_MISSING_FIELD),
        (deep.into_bytes(), XPDRM_ERR_SEES_MESSAGE_TOO_LARGE),
        (nested.into_bytes(), XPDRM_ERR_SEES_TOO_DEEP),
        (vec![b' '; XPDRM_SEES_MAX_MESSAGE_LEN + 1], XPDRM_ERR_SEES_MESSAGE_TOO_LARGE),
        (dup.into_bytes(), XPDRM_ERR_SEES_DUPLICATE_KEY),
        (huge_number.into_bytes(), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE),
        (big_int.into_bytes(), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE),
        (float.into_bytes(), XPDRM_ERR_SEES_WRONG_TYPE),
        (long_cookie.into_bytes(), XPDRM_ERR_SEES_FIELD_TOO_LONG),
    ];
    for (json, want) in cases {
        let (st, req) = parse_request(&json);
        assert_eq!(st, want, "{:?}", String::from_utf8_lossy(&json[..json.len().min(80)]));
        assert_eq!(unsafe { xpdrm_entitlement_request_status(req.0) }, want);
        let why = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_request_reason(req.0, o, cap, l) }).unwrap();
        assert!(!why.is_empty() && why.len() < 300, "{why}");
    }
}

/// The parse rule (CONVENTIONS): an object is handed out only with `XPDRM_OK`, so C's usual
/// `if (st != XPDRM_OK) return st;` never leaks one. Before, a refused request and a denied or refused response
/// came back with their verdict as the status *and* an object to free.
#[test]
fn a_parse_hands_out_an_object_only_with_ok() {
    let req = new_request(1, None);
    let id = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_request_message_id(req.0, o, cap, l) }).unwrap();
    let denial = format!(r#"{{"messageID":"{id}","version":1,"isAllowed":false,"error":7,"errorText":"no"}}"#);
    let requests: [&[u8]; 4] = [b"", b"{", b"[]", br#"{"messageID":"x","version":1,"contentID":"y"}"#];
    for json in requests {
        let mut out = null_mut();
        let st = unsafe { xpdrm_entitlement_request_parse(json.as_ptr(), json.len(), &mut out) };
        assert_eq!((st, out.is_null()), (XPDRM_OK, false), "{:?}", String::from_utf8_lossy(json));
        assert_ne!(unsafe { xpdrm_entitlement_request_status(out) }, XPDRM_OK);
        drop(Req(out));
    }
    let responses: [&[u8]; 3] = [denial.as_bytes(), b"{", br#"{"messageID":"00000000-0000-0000-0000-000000000000","version":1,"isAllowed":true,"epTokenURL":"https://a.example/t"}"#];
    for json in responses {
        let mut out = null_mut();
        let st = unsafe { xpdrm_entitlement_response_parse(req.0, json.as_ptr(), json.len(), &mut out) };
        assert_eq!((st, out.is_null()), (XPDRM_OK, false), "{:?}", String::from_utf8_lossy(json));
        assert_ne!(unsafe { xpdrm_entitlement_response_status(out) }, XPDRM_OK);
        assert!(!unsafe { xpdrm_entitlement_response_is_allowed(out) });
        let why = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_reason(out, o, cap, l) }).unwrap();
        assert!(!why.is_empty());
        drop(Resp(out));
    }
}

#[test]
fn parse_arguments_and_null_handles() {
    let mut out = sentinel();
    assert_eq!(unsafe { xpdrm_entitlement_request_parse(null(), 1, &mut out) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(out, sentinel());
    assert_eq!(unsafe { xpdrm_entitlement_request_parse(b"{}".as_ptr(), 2, null_mut()) }, XPDRM_ERR_NULL_ARGUMENT);
    // NULL with length 0 is an empty document: a refused request, handed out with XPDRM_OK.
    assert_eq!(unsafe { xpdrm_entitlement_request_parse(null(), 0, &mut out) }, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_entitlement_request_status(out) }, XPDRM_ERR_SEES_MALFORMED_JSON);
    drop(Req(out));

    let req = new_request(1, None);
    let mut resp = sentinel();
    assert_eq!(
        unsafe { xpdrm_entitlement_response_parse(null(), b"{}".as_ptr(), 2, &mut resp) },
        XPDRM_ERR_NULL_ARGUMENT
    );
    assert_eq!(unsafe { xpdrm_entitlement_response_parse(req.0, null(), 2, &mut resp) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(
        unsafe { xpdrm_entitlement_response_parse(req.0, b"{}".as_ptr(), 2, null_mut()) },
        XPDRM_ERR_NULL_ARGUMENT
    );
    assert_eq!(resp, sentinel());
    // A response cannot be checked against a refused request: its status, nothing written.
    let (_, refused) = parse_request(b"{}");
    assert_eq!(
        unsafe { xpdrm_entitlement_response_parse(refused.0, b"{}".as_ptr(), 2, &mut resp) },
        XPDRM_ERR_SEES_MISSING_FIELD
    );
    assert_eq!(resp, sentinel());

    // Every getter refuses NULL handles.
    let text_getters: [(
        &str,
        unsafe extern "C" fn(*const xpdrm_entitlement_request, *mut c_char, usize, *mut usize) -> Status,
    ); 5] = [
        ("reason", xpdrm_entitlement_request_reason),
        ("message_id", xpdrm_entitlement_request_message_id),
        ("content_id", xpdrm_entitlement_request_content_id),
        ("customer_cookie", xpdrm_entitlement_request_customer_cookie),
        ("to_json", xpdrm_entitlement_request_to_json),
    ];
    for (what, f) in text_getters {
        check_text_fails(what, XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe { f(null(), o, cap, l) });
    }
    let resp_getters: [(
        &str,
        unsafe extern "C" fn(*const xpdrm_entitlement_response, *mut c_char, usize, *mut usize) -> Status,
    ); 5] = [
        ("reason", xpdrm_entitlement_response_reason),
        ("ep_token_url", xpdrm_entitlement_response_ep_token_url),
        ("error_text", xpdrm_entitlement_response_error_text),
        ("message_id", xpdrm_entitlement_response_message_id),
        ("to_json", xpdrm_entitlement_response_to_json),
    ];
    for (what, f) in resp_getters {
        check_text_fails(what, XPDRM_ERR_NULL_ARGUMENT, &|o, cap, l| unsafe { f(null(), o, cap, l) });
    }
    let mut n = 0;
    unsafe {
        assert_eq!(xpdrm_entitlement_request_status(null()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_request_version(null(), &mut n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_request_version(req.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_request_type(null(), &mut n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_request_type(req.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_response_status(null()), XPDRM_ERR_NULL_ARGUMENT);
        assert!(!xpdrm_entitlement_response_is_allowed(null()));
        assert_eq!(xpdrm_entitlement_response_error(null(), &mut n), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_entitlement_response_set_error(null_mut(), 1, null()), XPDRM_ERR_NULL_ARGUMENT);
        xpdrm_entitlement_request_free(null_mut());
        xpdrm_entitlement_response_free(null_mut());
    }
    // An absent cookie.
    check_text_fails("no cookie", XPDRM_ERR_SEES_FIELD_ABSENT, &|o, cap, l| unsafe {
        xpdrm_entitlement_request_customer_cookie(req.0, o, cap, l)
    });
}

#[test]
fn response_new_arguments() {
    let req = new_request(1, None);
    let mut out = sentinel();
    let cases: Vec<(Status, bool, *const c_char)> = vec![
        (XPDRM_ERR_NULL_ARGUMENT, true, null()),
        (XPDRM_ERR_INVALID_ARGUMENT, false, c"https://x/".as_ptr()),
        (XPDRM_ERR_INVALID_UTF8, true, NOT_UTF8.as_ptr()),
        (XPDRM_ERR_SEES_INVALID_FIELD, true, c"ftp://x/".as_ptr()),
        (XPDRM_ERR_SEES_INVALID_FIELD, true, c"https://a b/".as_ptr()),
    ];
    for (want, allow, url) in cases {
        assert_eq!(unsafe { xpdrm_entitlement_response_new(req.0, allow, url, &mut out) }, want);
        assert_eq!(out, sentinel());
    }
    let long = c(&format!("https://x/{}", "a".repeat(XPDRM_SEES_MAX_TOKEN_URL_LEN)));
    assert_eq!(
        unsafe { xpdrm_entitlement_response_new(req.0, true, long.as_ptr(), &mut out) },
        XPDRM_ERR_SEES_FIELD_TOO_LONG
    );
    assert_eq!(unsafe { xpdrm_entitlement_response_new(null(), false, null(), &mut out) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_entitlement_response_new(req.0, false, null(), null_mut()) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(out, sentinel());

    let (st, denial) = answer(&req, false, None);
    assert_eq!(st, XPDRM_OK);
    assert!(!unsafe { xpdrm_entitlement_response_is_allowed(denial.0) });
    check_text_fails("no URL in a denial", XPDRM_ERR_SEES_DENIED, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_ep_token_url(denial.0, o, cap, l)
    });
    let long_text = c(&"é".repeat(XPDRM_SEES_MAX_ERROR_TEXT_CHARS + 1));
    unsafe {
        assert_eq!(
            xpdrm_entitlement_response_set_error(denial.0, 5, long_text.as_ptr()),
            XPDRM_ERR_SEES_FIELD_TOO_LONG
        );
        assert_eq!(xpdrm_entitlement_response_set_error(denial.0, 5, NOT_UTF8.as_ptr()), XPDRM_ERR_INVALID_UTF8);
        let mut e = 0;
        assert_eq!(
            xpdrm_entitlement_response_error(denial.0, &mut e),
            XPDRM_ERR_SEES_FIELD_ABSENT,
            "refusals change nothing"
        );
        assert_eq!(xpdrm_entitlement_response_set_error(denial.0, -5, null()), XPDRM_OK);
        assert_eq!(xpdrm_entitlement_response_error(denial.0, &mut e), XPDRM_OK);
        assert_eq!(e, -5);
        assert_eq!(xpdrm_entitlement_response_error(denial.0, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
    }
    let ok_text = c(&"é".repeat(XPDRM_SEES_MAX_ERROR_TEXT_CHARS));
    assert_eq!(unsafe { xpdrm_entitlement_response_set_error(denial.0, 6, ok_text.as_ptr()) }, XPDRM_OK);
    let text = get_text(&|o, cap, l| unsafe { xpdrm_entitlement_response_error_text(denial.0, o, cap, l) }).unwrap();
    assert_eq!(text.chars().count(), XPDRM_SEES_MAX_ERROR_TEXT_CHARS);
}

#[test]
fn the_device_denies_every_broken_answer_with_its_own_status() {
    let req = new_request(1, Some("c"));
    let id = message_id(&req);
    let other = message_id(&new_request(1, None));
    let msg = |fields: &str| format!(r#"{{"messageID":"{id}","version":1{fields}}}"#);
    let cases: Vec<(String, Status)> = vec![
        (msg(&format!(r#","isAllowed":true,"epTokenURL":"{URL}""#)), XPDRM_OK),
        (msg(r#","isAllowed":false,"error":-1,"errorText":"no""#), XPDRM_ERR_SEES_DENIED),
        (
            format!(r#"{{"messageID":"{other}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#),
            XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH,
        ),
        (format!(r#"{{"version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#), XPDRM_ERR_SEES_MISSING_FIELD),
        (
            format!(r#"{{"messageID":"{id}","version":2,"isAllowed":true,"epTokenURL":"{URL}"}}"#),
            XPDRM_ERR_SEES_VERSION_TOO_HIGH,
        ),
        (format!(r#"{{"messageID":"{id}","isAllowed":true,"epTokenURL":"{URL}"}}"#), XPDRM_ERR_SEES_MISSING_FIELD),
        (msg(r#","isAllowed":true"#), XPDRM_ERR_SEES_TOKEN_URL_MISSING),
        (msg(r#","isAllowed":"true","epTokenURL":"https://x/""#), XPDRM_ERR_SEES_WRONG_TYPE),
        (msg(r#","isAllowed":1,"epTokenURL":"https://x/""#), XPDRM_ERR_SEES_WRONG_TYPE),
        (msg(r#""#), XPDRM_ERR_SEES_MISSING_FIELD),
        (msg(r#","isAllowed":true,"epTokenURL":"not a url""#), XPDRM_ERR_SEES_INVALID_FIELD),
        (msg(r#","isAllowed":true,"isAllowed":true,"epTokenURL":"https://x/""#), XPDRM_ERR_SEES_DUPLICATE_KEY),
        (msg(r#","isAllowed":true,"epTokenURL":"https://x/","error":1.5"#), XPDRM_ERR_SEES_WRONG_TYPE),
        (msg(r#","isAllowed":true,"epTokenURL":"https://x/","error":99999999999"#), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE),
        (msg(r#","isAllowed":true,"epTokenURL":"https://x/","unknown":{"a":[1,{}]}"#), XPDRM_OK),
        ("{\"messageID\":".into(), XPDRM_ERR_SEES_MALFORMED_JSON),
        ("[]".into(), XPDRM_ERR_SEES_NOT_AN_OBJECT),
        (format!(r#"{{"messageID":"{id}","x":{}{}}}"#, "{\"a\":".repeat(40), "}".repeat(40)), XPDRM_ERR_SEES_TOO_DEEP),
    ];
    for (json, want) in cases {
        let (st, resp) = parse_response(&req, json.as_bytes());
        assert_eq!(st, want, "{json}");
        assert_eq!(unsafe { xpdrm_entitlement_response_status(resp.0) }, want);
        assert_eq!(unsafe { xpdrm_entitlement_response_is_allowed(resp.0) }, want == XPDRM_OK);
        let why = reason(&resp);
        if want == XPDRM_OK {
            continue;
        }
        assert!(!why.contains("SECRET-TOKEN"), "{why}");
        check_text_fails("no URL from a denial", want, &|o, cap, l| unsafe {
            xpdrm_entitlement_response_ep_token_url(resp.0, o, cap, l)
        });
    }
    // A mismatch names both messageIDs in its reason.
    let mismatch = format!(r#"{{"messageID":"{other}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#);
    let (_, resp) = parse_response(&req, mismatch.as_bytes());
    assert_eq!(reason(&resp), format!("messageID \"{other}\" is not the request's \"{id}\""));
    // A refused response has no fields to read.
    check_text_fails("message_id of a refused response", XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH, &|o, cap, l| unsafe {
        xpdrm_entitlement_response_message_id(resp.0, o, cap, l)
    });
    assert_eq!(unsafe { xpdrm_entitlement_response_set_error(resp.0, 1, null()) }, XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH);
}
