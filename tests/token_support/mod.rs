//! Safe wrappers over the token exports, for the integration tests. Every text read goes through
//! [`read_text`], which also checks the buffer protocol: a size query, a buffer one byte short (no room for
//! the NUL) left untouched, then the exact fit with its NUL.
#![allow(dead_code)]

use std::ffi::{CString, c_char};

use xpdrm::Status;
use xpdrm::ffi::token::*;

/// Reads a text output through the `(out, out_cap, out_len)` protocol, checking it on the way.
pub fn read_text(f: impl Fn(*mut c_char, usize, *mut usize) -> Status) -> Result<String, Status> {
    let mut len = usize::MAX;
    let st = f(std::ptr::null_mut(), 0, &mut len);
    if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
        assert_ne!(st, Status::XPDRM_OK, "a size query succeeded");
        return Err(st);
    }
    assert_ne!(len, usize::MAX, "size query did not report a length");
    // One byte short: the NUL does not fit. Nothing may be written, and the length is reported again.
    let mut short = vec![0x5Au8; len + 8];
    let mut len2 = usize::MAX;
    let st = f(short.as_mut_ptr().cast(), len, &mut len2);
    assert_eq!((st, len2), (Status::XPDRM_ERR_BUFFER_TOO_SMALL, len), "a buffer without room for the NUL");
    assert!(short.iter().all(|&b| b == 0x5A), "a too-small buffer was written to");
    // Exact fit.
    let mut buf = vec![0x5Au8; len + 8];
    let mut len3 = usize::MAX;
    let st = f(buf.as_mut_ptr().cast(), len + 1, &mut len3);
    assert_eq!(st, Status::XPDRM_OK, "the exact size failed");
    assert_eq!(len3, len);
    assert_eq!(buf[len], 0, "no NUL terminator");
    assert!(buf[len + 1..].iter().all(|&b| b == 0x5A), "wrote past out_cap");
    buf.truncate(len);
    Ok(String::from_utf8(buf).expect("text outputs are UTF-8"))
}

fn c(s: &str) -> CString {
    CString::new(s).expect("test strings have no NUL")
}

/// An `xpdrm_token_request`, freed on drop.
pub struct Req(pub *mut xpdrm_token_request);

impl Req {
    pub fn new(drm: xpdrm_drm) -> Req {
        let mut p = std::ptr::null_mut();
        assert_eq!(unsafe { xpdrm_token_request_new(drm, &mut p) }, Status::XPDRM_OK);
        assert!(!p.is_null());
        Req(p)
    }

    pub fn set(&mut self, name: &str, value: &str) -> Status {
        let (n, v) = (c(name), c(value));
        unsafe { xpdrm_token_request_set(self.0, n.as_ptr(), v.as_ptr()) }
    }

    /// Sets and asserts success, with the reason in the failure message.
    pub fn ok(&mut self, name: &str, value: &str) -> &mut Req {
        let st = self.set(name, value);
        assert_eq!(st, Status::XPDRM_OK, "set {name}={value:?}: {}", self.last_error());
        self
    }

    pub fn set_indexed(&mut self, name: &str, index: u32, value: &str) -> Status {
        let (n, v) = (c(name), c(value));
        unsafe { xpdrm_token_request_set_indexed(self.0, n.as_ptr(), index, v.as_ptr()) }
    }

    pub fn set_unchecked(&mut self, name: &str, value: &str) -> Status {
        let (n, v) = (c(name), c(value));
        unsafe { xpdrm_token_request_set_unchecked(self.0, n.as_ptr(), v.as_ptr()) }
    }

    pub fn unset(&mut self, name: &str) -> Status {
        let n = c(name);
        unsafe { xpdrm_token_request_unset(self.0, n.as_ptr()) }
    }

    pub fn set_base_url(&mut self, url: &str) -> Status {
        let u = c(url);
        unsafe { xpdrm_token_request_set_base_url(self.0, u.as_ptr()) }
    }

    pub fn set_environment(&mut self, env: xpdrm_environment) -> Status {
        unsafe { xpdrm_token_request_set_environment(self.0, env) }
    }

    pub fn set_clock(&mut self, now: i64) {
        assert_eq!(unsafe { xpdrm_token_request_set_clock(self.0, now) }, Status::XPDRM_OK);
    }

    pub fn url(&self) -> Result<String, Status> {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_request_url(p, o, cap, len) })
    }

    pub fn form(&self) -> Result<String, Status> {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_request_form(p, o, cap, len) })
    }

    pub fn redacted(&self) -> String {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_request_redacted(p, o, cap, len) }).unwrap()
    }

    pub fn last_error(&self) -> String {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_request_last_error(p, o, cap, len) }).unwrap()
    }
}

impl Drop for Req {
    fn drop(&mut self) {
        unsafe { xpdrm_token_request_free(self.0) }
    }
}

/// An `xpdrm_token_response`, freed on drop.
pub struct Resp(pub *mut xpdrm_token_response);

impl Resp {
    pub fn parse(drm: xpdrm_drm, status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Resp, Status> {
        let ct = content_type.map(c);
        let mut p = std::ptr::null_mut();
        let st = unsafe {
            xpdrm_token_response_parse(
                drm,
                status,
                ct.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
                body.as_ptr(),
                body.len(),
                &mut p,
            )
        };
        if st == Status::XPDRM_OK {
            assert!(!p.is_null());
            Ok(Resp(p))
        } else {
            assert!(p.is_null(), "a failed parse wrote *out");
            Err(st)
        }
    }

    pub fn error_code(&self) -> i32 {
        unsafe { xpdrm_token_response_error_code(self.0) }
    }

    pub fn license_url(&self) -> Result<String, Status> {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_response_license_url(p, o, cap, len) })
    }

    pub fn base_url(&self) -> Result<String, Status> {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_response_license_base_url(p, o, cap, len) })
    }

    pub fn token(&self) -> Result<String, Status> {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_response_token(p, o, cap, len) })
    }

    pub fn error_text(&self) -> String {
        let p = self.0;
        read_text(|o, cap, len| unsafe { xpdrm_token_response_error_text(p, o, cap, len) }).unwrap()
    }
}

impl Drop for Resp {
    fn drop(&mut self) {
        unsafe { xpdrm_token_response_free(self.0) }
    }
}
