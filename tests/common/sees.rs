//! SEES entitlement objects through the C ABI, shared by tests/sees.rs and tests/c_strings.rs: owners that
//! free them, and the constructor and parse calls with the parse rule checked.

use std::ptr::{null, null_mut};

use xpdrm::Status::{self, *};
use xpdrm::ffi::sees::*;

use super::cabi::c;

/// The content GUID of the requests made here.
pub const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/// An entitlement request, freed on drop.
pub struct Req(pub *mut xpdrm_entitlement_request);
impl Drop for Req {
    fn drop(&mut self) {
        unsafe { xpdrm_entitlement_request_free(self.0) }
    }
}

/// An entitlement response, freed on drop.
pub struct Resp(pub *mut xpdrm_entitlement_response);
impl Drop for Resp {
    fn drop(&mut self) {
        unsafe { xpdrm_entitlement_response_free(self.0) }
    }
}

/// A new request of type `t` for [`CONTENT`], with `cookie` if given.
pub fn new_request(t: xpdrm_request_type, cookie: Option<&str>) -> Req {
    let content = c(CONTENT);
    let cookie = cookie.map(c);
    let mut out = null_mut();
    let st = unsafe {
        xpdrm_entitlement_request_new(content.as_ptr(), t, cookie.as_ref().map_or(null(), |c| c.as_ptr()), &mut out)
    };
    assert_eq!(st, XPDRM_OK);
    Req(out)
}

/// Parses a request; returns its verdict and the object.
pub fn parse_request(json: &[u8]) -> (Status, Req) {
    let mut out = null_mut();
    let st = unsafe { xpdrm_entitlement_request_parse(json.as_ptr(), json.len(), &mut out) };
    // The parse rule: an object only with XPDRM_OK, also for a refused request; the verdict is the object's.
    assert_eq!(st, XPDRM_OK, "a parse with usable arguments hands out an object, with XPDRM_OK");
    assert!(!out.is_null());
    (unsafe { xpdrm_entitlement_request_status(out) }, Req(out))
}

/// Parses a response to `req`; returns its verdict and the object.
pub fn parse_response(req: &Req, json: &[u8]) -> (Status, Resp) {
    let mut out = null_mut();
    let st = unsafe { xpdrm_entitlement_response_parse(req.0, json.as_ptr(), json.len(), &mut out) };
    assert_eq!(st, XPDRM_OK, "a parse with usable arguments hands out an object, with XPDRM_OK");
    assert!(!out.is_null());
    (unsafe { xpdrm_entitlement_response_status(out) }, Resp(out))
}
