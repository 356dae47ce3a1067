//! Safe wrappers over the HTTP exports for the integration tests: owned configs, clients and answers, and
//! calls that report the status, what was written, and the reason.
#![allow(dead_code)]

use std::ffi::{CString, c_char};
use std::ptr;

use xpdrm::Status;
use xpdrm::ffi::http::*;

pub fn c(s: &str) -> CString {
    CString::new(s).expect("test strings have no NUL")
}

/// A reason buffer: 0x5A-filled, so that "written" can be told from "left alone".
pub struct ReasonBuf(pub Vec<u8>);

impl ReasonBuf {
    pub fn new() -> ReasonBuf {
        ReasonBuf(vec![0x5A; XPDRM_HTTP_REASON_MAX])
    }

    pub fn ptr(&mut self) -> *mut c_char {
        self.0.as_mut_ptr().cast()
    }

    pub fn cap(&self) -> usize {
        self.0.len()
    }

    /// The NUL-terminated text, or None when nothing was written.
    pub fn text(&self) -> Option<String> {
        let end = self.0.iter().position(|&b| b == 0)?;
        Some(String::from_utf8(self.0[..end].to_vec()).expect("reasons are UTF-8"))
    }

    pub fn untouched(&self) -> bool {
        self.0.iter().all(|&b| b == 0x5A)
    }
}

/// An `xpdrm_http_config`, freed on drop.
pub struct Config(pub *mut xpdrm_http_config);

impl Config {
    pub fn new() -> Config {
        let mut p = ptr::null_mut();
        assert_eq!(unsafe { xpdrm_http_config_new(&mut p) }, Status::XPDRM_OK);
        Config(p)
    }

    pub fn reason(&self) -> String {
        let mut buf = vec![0u8; 1024];
        let mut len = 0;
        let st = unsafe { xpdrm_http_config_reason(self.0, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
        assert_eq!(st, Status::XPDRM_OK);
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    pub fn timeouts(&mut self, connect: u32, read: u32, overall: u32) -> &mut Config {
        assert_eq!(unsafe { xpdrm_http_config_set_timeouts(self.0, connect, read, overall) }, Status::XPDRM_OK);
        self
    }

    pub fn retry(&mut self, attempts: u32, initial_ms: u32, max_ms: u32) -> &mut Config {
        assert_eq!(unsafe { xpdrm_http_config_set_retry(self.0, attempts, initial_ms, max_ms) }, Status::XPDRM_OK);
        self
    }

    pub fn max_response(&mut self, max: usize) -> &mut Config {
        assert_eq!(unsafe { xpdrm_http_config_set_max_response_size(self.0, max) }, Status::XPDRM_OK);
        self
    }

    pub fn add_ca(&mut self, pem: &str) -> Status {
        unsafe { xpdrm_http_config_add_ca_pem(self.0, pem.as_ptr(), pem.len()) }
    }

    pub fn client_cert(&mut self, cert: &str, key: &str) -> Status {
        unsafe { xpdrm_http_config_set_client_cert_pem(self.0, cert.as_ptr(), cert.len(), key.as_ptr(), key.len()) }
    }

    pub fn client(&self) -> Client {
        let mut p = ptr::null_mut();
        assert_eq!(unsafe { xpdrm_http_client_new(self.0, &mut p) }, Status::XPDRM_OK);
        Client(p)
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        unsafe { xpdrm_http_config_free(self.0) }
    }
}

/// An `xpdrm_http_client`, freed on drop. Shareable across threads, as the header promises.
pub struct Client(pub *mut xpdrm_http_client);

unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { xpdrm_http_client_free(self.0) }
    }
}

/// What a call did: its status, its reason (None if the buffer was not written), and whether its output
/// pointer was left alone.
#[derive(Debug)]
pub struct Outcome<T> {
    pub status: Status,
    pub reason: Option<String>,
    pub out: Option<T>,
}

impl<T> Outcome<T> {
    /// Asserts a failure with `status` that wrote no output and gave a reason; returns the reason.
    pub fn failed(self, status: Status) -> String {
        assert_eq!(self.status, status, "reason: {:?}", self.reason);
        assert!(self.out.is_none(), "a failed call ({status:?}) wrote its output");
        let reason = self.reason.expect("a failure writes a reason");
        assert!(!reason.is_empty(), "an empty reason for {status:?}");
        reason
    }

    pub fn ok(self) -> T {
        assert_eq!(self.status, Status::XPDRM_OK, "reason: {:?}", self.reason);
        assert_eq!(self.reason.as_deref(), Some(""), "success leaves an empty reason");
        self.out.expect("success writes its output")
    }
}

/// An answer of `xpdrm_http_execute`, read out and freed.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

pub fn execute(client: &Client, req: *const xpdrm::ffi::outbound::xpdrm_outbound_request) -> Outcome<Answer> {
    let mut reason = ReasonBuf::new();
    let sentinel = std::ptr::dangling_mut::<xpdrm_http_response>();
    let mut out = sentinel;
    let status = unsafe { xpdrm_http_execute(client.0, req, &mut out, reason.ptr(), reason.cap()) };
    let out = (out != sentinel).then(|| {
        let mut code = 0u16;
        assert_eq!(unsafe { xpdrm_http_response_status(out, &mut code) }, Status::XPDRM_OK);
        let mut ct = vec![0u8; 256];
        let mut len = 0;
        assert_eq!(
            unsafe { xpdrm_http_response_content_type(out, ct.as_mut_ptr().cast(), ct.len(), &mut len) },
            Status::XPDRM_OK
        );
        let (mut data, mut n) = (ptr::null(), 0usize);
        assert_eq!(unsafe { xpdrm_http_response_body(out, &mut data, &mut n) }, Status::XPDRM_OK);
        assert!(!data.is_null());
        let body = unsafe { std::slice::from_raw_parts(data, n) }.to_vec();
        unsafe { xpdrm_http_response_free(out) };
        Answer { status: code, content_type: String::from_utf8(ct[..len].to_vec()).unwrap(), body }
    });
    Outcome { status, reason: reason.text(), out }
}

/// `xpdrm_http_redeem_license`; the license bytes on success.
pub fn redeem(client: &Client, url: &str, challenge: &[u8], placement: xpdrm_token_placement) -> Outcome<Vec<u8>> {
    let mut reason = ReasonBuf::new();
    let sentinel = std::ptr::dangling_mut::<xpdrm_bytes>();
    let mut out = sentinel;
    let url = c(url);
    let status = unsafe {
        xpdrm_http_redeem_license(
            client.0,
            url.as_ptr(),
            challenge.as_ptr(),
            challenge.len(),
            placement,
            &mut out,
            reason.ptr(),
            reason.cap(),
        )
    };
    let out = (out != sentinel).then(|| {
        let (data, len) = unsafe { (xpdrm_bytes_data(out), xpdrm_bytes_len(out)) };
        assert!(!data.is_null());
        let v = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
        unsafe { xpdrm_bytes_free(out) };
        v
    });
    Outcome { status, reason: reason.text(), out }
}

/// `xpdrm_http_lookup_record`; the device ID on success.
pub fn lookup(client: &Client, url: &str, authenticator: &str, cookie: &str) -> Outcome<String> {
    let mut reason = ReasonBuf::new();
    let mut buf = vec![0x5Au8; 1025];
    let mut len = usize::MAX;
    let (u, a, k) = (c(url), c(authenticator), c(cookie));
    let status = unsafe {
        xpdrm_http_lookup_record(
            client.0,
            u.as_ptr(),
            a.as_ptr(),
            k.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut len,
            reason.ptr(),
            reason.cap(),
        )
    };
    let out = (status == Status::XPDRM_OK).then(|| String::from_utf8(buf[..len].to_vec()).unwrap());
    if status != Status::XPDRM_OK {
        assert!(buf.iter().all(|&b| b == 0x5A), "a failed lookup wrote to its buffer");
    }
    Outcome { status, reason: reason.text(), out }
}

/// A token request for `drm` built through the C ABI (`xpdrm_token_request_*`), aimed at `base_url`.
pub struct TokenRequest(pub *mut xpdrm::ffi::token::xpdrm_token_request);

impl TokenRequest {
    pub fn new(drm: xpdrm::ffi::token::xpdrm_drm, base_url: &str, params: &[(&str, &str)]) -> TokenRequest {
        use xpdrm::ffi::token::*;
        let mut p = ptr::null_mut();
        assert_eq!(unsafe { xpdrm_token_request_new(drm, &mut p) }, Status::XPDRM_OK);
        let u = c(base_url);
        assert_eq!(unsafe { xpdrm_token_request_set_base_url(p, u.as_ptr()) }, Status::XPDRM_OK);
        for (n, v) in params {
            let (n, v) = (c(n), c(v));
            assert_eq!(unsafe { xpdrm_token_request_set(p, n.as_ptr(), v.as_ptr()) }, Status::XPDRM_OK, "{n:?}");
        }
        TokenRequest(p)
    }
}

impl Drop for TokenRequest {
    fn drop(&mut self) {
        unsafe { xpdrm::ffi::token::xpdrm_token_request_free(self.0) }
    }
}

/// What a token fetch gave: the error code and the license URL (when a token came back).
#[derive(Debug)]
pub struct Token {
    pub error_code: i32,
    pub license_url: Option<String>,
    pub error_text: String,
}

pub fn fetch(client: &Client, req: &TokenRequest, method: xpdrm_http_method) -> Outcome<Token> {
    use xpdrm::ffi::token::*;
    let mut reason = ReasonBuf::new();
    let sentinel = std::ptr::dangling_mut::<xpdrm_token_response>();
    let mut out = sentinel;
    let status = unsafe { xpdrm_http_fetch_token(client.0, req.0, method, &mut out, reason.ptr(), reason.cap()) };
    let out = (out != sentinel).then(|| {
        let error_code = unsafe { xpdrm_token_response_error_code(out) };
        let mut buf = vec![0u8; 4096];
        let mut len = 0;
        let license_url =
            (unsafe { xpdrm_token_response_license_url(out, buf.as_mut_ptr().cast(), buf.len(), &mut len) }
                == Status::XPDRM_OK)
                .then(|| String::from_utf8(buf[..len].to_vec()).unwrap());
        let st = unsafe { xpdrm_token_response_error_text(out, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
        let error_text =
            if st == Status::XPDRM_OK { String::from_utf8(buf[..len].to_vec()).unwrap() } else { String::new() };
        unsafe { xpdrm_token_response_free(out) };
        Token { error_code, license_url, error_text }
    });
    Outcome { status, reason: reason.text(), out }
}

/// Hex of bytes, lowercase.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The content key in a test license: `ek` unwrapped under `kek_hex` with `xpdrm_key_unwrap_hex`.
pub fn unwrap_license(license: &[u8], kek_hex: &str) -> Result<Vec<u8>, Status> {
    let v: serde_json::Value = serde_json::from_slice(license).expect("the license is JSON");
    let ek = c(v["ek"].as_str().expect("ek"));
    let kek = c(kek_hex);
    let mut out = [0u8; 32];
    let mut len = 0;
    let st = unsafe {
        xpdrm::ffi::keywrap::xpdrm_key_unwrap_hex(kek.as_ptr(), ek.as_ptr(), out.as_mut_ptr(), out.len(), &mut len)
    };
    if st == Status::XPDRM_OK { Ok(out[..len].to_vec()) } else { Err(st) }
}

/// A record lookup's request description (`GET <url>?customerAuthenticator=...&cookie=cookie-1`) from a
/// binding service flow: the C API's way to a `GET` for `xpdrm_http_execute`. Free it with
/// `xpdrm_outbound_request_free`.
pub fn record_request(url: &str) -> *mut xpdrm::ffi::outbound::xpdrm_outbound_request {
    use xpdrm::Status::XPDRM_OK;
    use xpdrm::ffi::binding::*;
    use xpdrm::ffi::sees::*;
    let (url, content, cookie, auth) =
        (c(url), c("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), c("cookie-1"), c("1,00112233445566778899aabbccddeeff"));
    let mut out = std::ptr::null_mut();
    unsafe {
        let mut req = std::ptr::null_mut();
        assert_eq!(
            xpdrm_entitlement_request_new(content.as_ptr(), XPDRM_REQUEST_DEVICE_BOUND, cookie.as_ptr(), &mut req),
            XPDRM_OK
        );
        let mut svc = std::ptr::null_mut();
        assert_eq!(
            xpdrm_binding_service_new(xpdrm::ffi::token::XPDRM_DRM_PLAYREADY, auth.as_ptr(), &mut svc),
            XPDRM_OK
        );
        assert_eq!(xpdrm_binding_service_set_record_base_url(svc, url.as_ptr()), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_begin(svc, req), XPDRM_OK);
        assert_eq!(xpdrm_binding_service_record_request(svc, &mut out), XPDRM_OK);
        xpdrm_binding_service_free(svc);
        xpdrm_entitlement_request_free(req);
    }
    out
}
