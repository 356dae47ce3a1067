//! An object whose call panicked refuses further use with `XPDRM_ERR_POISONED` until it is freed (issue 14,
//! item 4). The panic is real: a Rust log sink that panics, installed through the library's own
//! `xpdrm::log::set_sink`, makes any export that logs panic inside the boundary. (Its own test binary: the
//! sink is process-wide.) The mechanism is generic (every handle access goes through one helper in
//! src/ffi/guard.rs, unit-tested there); here it is shown through the C ABI for three kinds of object: a
//! token request (modified by the panicking call), an entitlement request (only read by it) and a
//! device-binding flow.

mod common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use common::cabi::c;
use xpdrm::Status::*;
use xpdrm::ffi::binding::*;
use xpdrm::ffi::sees::*;
use xpdrm::ffi::token::*;
use xpdrm::log::{Level, Sink, set_sink};

/// Serialises the tests: the sink is process-wide.
static SINK_LOCK: Mutex<()> = Mutex::new(());

struct Panicking;
impl Sink for Panicking {
    fn log(&self, _level: Level, _message: &str) {
        panic!("a log sink that panics (test)");
    }
}

/// Runs `f` with the panicking sink installed.
fn with_panicking_sink<T>(f: impl FnOnce() -> T) -> T {
    set_sink(Some(Box::new(Panicking)), Level::Trace);
    let out = f();
    set_sink(None, Level::Trace);
    out
}

fn text_status(call: &dyn Fn(*mut c_char, usize, *mut usize) -> xpdrm::Status) -> xpdrm::Status {
    let mut buf = [0x5Au8; 256];
    let mut len = usize::MAX;
    let st = call(buf.as_mut_ptr().cast(), buf.len(), &mut len);
    if st != XPDRM_OK {
        assert_eq!((len, buf[0]), (usize::MAX, 0x5A), "a failed call wrote output");
    }
    st
}

#[test]
fn a_token_request_whose_call_panicked_is_poisoned_until_freed() {
    let _g = SINK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut req = null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_PLAYREADY, &mut req) }, XPDRM_OK);
    let mut other = null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(XPDRM_DRM_PLAYREADY, &mut other) }, XPDRM_OK);
    let (name, value) = (c("contentKey"), c("00112233445566778899aabbccddeeff"));
    // The control: before the panic the request works.
    assert_eq!(text_status(&|o, cap, l| unsafe { xpdrm_token_request_redacted(req, o, cap, l) }), XPDRM_OK);
    let st = with_panicking_sink(|| unsafe { xpdrm_token_request_set(req, name.as_ptr(), value.as_ptr()) });
    assert_eq!(st, XPDRM_ERR_PANIC);
    // Every later call refuses, reading and modifying alike, writing nothing.
    assert_eq!(unsafe { xpdrm_token_request_set(req, name.as_ptr(), value.as_ptr()) }, XPDRM_ERR_POISONED);
    assert_eq!(text_status(&|o, cap, l| unsafe { xpdrm_token_request_redacted(req, o, cap, l) }), XPDRM_ERR_POISONED);
    assert_eq!(text_status(&|o, cap, l| unsafe { xpdrm_token_request_url(req, o, cap, l) }), XPDRM_ERR_POISONED);
    assert_eq!(text_status(&|o, cap, l| unsafe { xpdrm_token_request_last_error(req, o, cap, l) }), XPDRM_ERR_POISONED);
    // Another object is untouched.
    assert_eq!(unsafe { xpdrm_token_request_set(other, name.as_ptr(), value.as_ptr()) }, XPDRM_OK);
    // The free function still works (valgrind/ASan would see a leak or a double free otherwise).
    unsafe {
        xpdrm_token_request_free(req);
        xpdrm_token_request_free(other);
    }
}

#[test]
fn an_object_only_read_by_the_panicking_call_is_poisoned_too() {
    let _g = SINK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let content = c("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    let mut req = null_mut();
    let st = unsafe { xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_TIME_BASED, null(), &mut req) };
    assert_eq!(st, XPDRM_OK);
    let mut resp = null_mut();
    let url = c("https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=T");
    assert_eq!(unsafe { xpdrm_entitlement_response_new(req, true, url.as_ptr(), &mut resp) }, XPDRM_OK);
    let mut json = vec![0u8; 1024];
    let mut len = 0;
    let st = unsafe { xpdrm_entitlement_response_to_json(resp, json.as_mut_ptr().cast(), json.len(), &mut len) };
    assert_eq!(st, XPDRM_OK);
    unsafe { xpdrm_entitlement_response_free(resp) };
    // The parse logs its verdict: the sink panics while `req` is borrowed.
    let mut parsed = null_mut();
    let st = with_panicking_sink(|| unsafe { xpdrm_entitlement_response_parse(req, json.as_ptr(), len, &mut parsed) });
    assert_eq!(st, XPDRM_ERR_PANIC);
    assert!(parsed.is_null(), "no object is handed out by a call that panicked");
    assert_eq!(
        text_status(&|o, cap, l| unsafe { xpdrm_entitlement_request_message_id(req, o, cap, l) }),
        XPDRM_ERR_POISONED
    );
    assert_eq!(unsafe { xpdrm_entitlement_request_status(req) }, XPDRM_ERR_POISONED);
    unsafe { xpdrm_entitlement_request_free(req) };
}

#[test]
fn a_device_binding_flow_whose_call_panicked_is_poisoned_until_freed() {
    let _g = SINK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (sees, reg, content) = (
        c("https://sees.example.com/entitle"),
        c("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        c("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
    );
    let mut dev = null_mut();
    let st = unsafe { xpdrm_binding_device_new(sees.as_ptr(), reg.as_ptr(), content.as_ptr(), null(), &mut dev) };
    assert_eq!(st, XPDRM_OK);
    let mut out = null_mut();
    let st = with_panicking_sink(|| unsafe { xpdrm_binding_device_registration_request(dev, &mut out) });
    assert_eq!(st, XPDRM_ERR_PANIC);
    assert!(out.is_null());
    let mut step = 0;
    assert_eq!(unsafe { xpdrm_binding_device_step(dev, &mut step) }, XPDRM_ERR_POISONED);
    assert_eq!(unsafe { xpdrm_binding_device_registration_request(dev, &mut out) }, XPDRM_ERR_POISONED);
    assert_eq!(text_status(&|o, cap, l| unsafe { xpdrm_binding_device_cookie(dev, o, cap, l) }), XPDRM_ERR_POISONED);
    unsafe { xpdrm_binding_device_free(dev) };
    // A new flow works (even if it lands at the same address).
    let st = unsafe { xpdrm_binding_device_new(sees.as_ptr(), reg.as_ptr(), content.as_ptr(), null(), &mut dev) };
    assert_eq!(st, XPDRM_OK);
    assert_eq!(unsafe { xpdrm_binding_device_step(dev, &mut step) }, XPDRM_OK);
    unsafe { xpdrm_binding_device_free(dev) };
}
