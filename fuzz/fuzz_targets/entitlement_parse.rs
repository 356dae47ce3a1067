//! Arbitrary bytes as SEES entitlement requests and responses, through the Rust API and the C ABI: never a
//! panic; a refusal always has a status in the SEES group and a reason; whatever is accepted serialises
//! and parses back to the same message. `@@` in the input stands for the request's messageID, so that the
//! fuzzer gets past the messageID check and into the other rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::ffi::sees::*;
use xpdrm::sees::{EntitlementRequest, EntitlementResponse};

const MSG: &str = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const REQUEST: &str = r#"{"messageID":"6ba7b810-9dad-41d1-80b4-00c04fd430c8","version":2,"requestType":3,"contentID":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","customerCookie":"c"}"#;

fn sees_status(s: Status) -> bool {
    (300..400).contains(&s.code())
}

fn with_message_id(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(b"@@") {
            out.extend_from_slice(MSG.as_bytes());
            i += 2;
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let data = with_message_id(data);

    match EntitlementRequest::parse(&data) {
        Ok(req) => {
            let again = EntitlementRequest::parse(req.to_json().as_bytes()).expect("a parsed request re-parses");
            assert_eq!(again, req);
        }
        Err(r) => assert!(sees_status(r.status) && !r.reason.is_empty(), "{r:?}"),
    }

    let request = EntitlementRequest::parse(REQUEST.as_bytes()).expect("the fixed request is valid");
    match EntitlementResponse::parse_for(&request, &data) {
        Ok(resp) => {
            assert!(resp.is_allowed() && resp.ep_token_url().is_some());
            assert!(resp.version() <= request.version());
            let again = EntitlementResponse::parse_for(&request, resp.to_json().as_bytes()).expect("re-parses");
            assert_eq!(again, resp);
        }
        Err(d) => {
            assert!(sees_status(d.status) && !d.reason.is_empty(), "{d:?}");
            assert_eq!(d.response.is_some(), d.status == Status::XPDRM_ERR_SEES_DENIED);
        }
    }

    // The C ABI (the parse rule of CONVENTIONS): a parse of usable arguments returns XPDRM_OK and hands out
    // an object, whose verdict is its `_status`, the same as the Rust API's; nothing panics.
    unsafe {
        let mut req = core::ptr::null_mut();
        let st = xpdrm_entitlement_request_parse(data.as_ptr(), data.len(), &mut req);
        assert!(st == Status::XPDRM_OK && !req.is_null());
        let verdict = xpdrm_entitlement_request_status(req);
        assert!(verdict == Status::XPDRM_OK || sees_status(verdict), "{verdict:?}");
        let mut resp = core::ptr::null_mut();
        let mut fixed = core::ptr::null_mut();
        assert_eq!(xpdrm_entitlement_request_parse(REQUEST.as_ptr(), REQUEST.len(), &mut fixed), Status::XPDRM_OK);
        let parsed = xpdrm_entitlement_response_parse(fixed, data.as_ptr(), data.len(), &mut resp);
        assert!(parsed == Status::XPDRM_OK && !resp.is_null());
        let st = xpdrm_entitlement_response_status(resp);
        assert_eq!(xpdrm_entitlement_response_is_allowed(resp), st == Status::XPDRM_OK);
        let mut buf = [0u8; 64];
        let mut len = 0;
        let url = xpdrm_entitlement_response_ep_token_url(resp, buf.as_mut_ptr().cast(), buf.len(), &mut len);
        assert!(url == Status::XPDRM_OK || url == Status::XPDRM_ERR_BUFFER_TOO_SMALL || url == st);
        xpdrm_entitlement_response_free(resp);
        xpdrm_entitlement_request_free(fixed);
        xpdrm_entitlement_request_free(req);
    }
});
