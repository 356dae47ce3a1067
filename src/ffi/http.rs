//! The HTTP client (feature `http`): a config, a client made from it, and the operations.
//!
//! Every export exists in every build. Without the feature, each status-returning one returns
//! `XPDRM_ERR_FEATURE_DISABLED` before it touches its arguments, and writes nothing; `_free`s do nothing and
//! the `xpdrm_bytes` accessors answer as for NULL. The `cfg` lives inside the bodies, so that the symbols
//! and the header are the same for every feature set.

// `#[must_use]` is what cbindgen turns into XPDRM_MUST_USE (tests/boundary.rs requires it), and the safety
// contract of every export is its C documentation in the header (pointer validity, ownership), not a Rust
// `# Safety` section that would be copied into the header.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]
// Without the feature, most helpers have no caller.
#![cfg_attr(not(feature = "http"), allow(dead_code, unused_imports))]

use core::ffi::c_char;

use zeroize::Zeroizing;

use crate::Status;
use crate::ffi::binding::{noted, xpdrm_binding_device, xpdrm_binding_service};
use crate::ffi::guard::{
    OutText, bytes, free_handle, handle_mut, handle_peek, handle_ref, into_handle, out_param, text,
};
use crate::ffi::outbound::xpdrm_outbound_request;
use crate::ffi::sees::{xpdrm_entitlement_request, xpdrm_entitlement_response};
use crate::ffi::token::{xpdrm_token_request, xpdrm_token_response};
use crate::sees::Problem;
use crate::status::xpdrm_status;

/// The method of a token fetch; one of the `XPDRM_HTTP_*` method values.
#[allow(non_camel_case_types)]
pub type xpdrm_http_method = i32;
/// `GET` of the token request's URL (the parameters in the query).
pub const XPDRM_HTTP_GET: xpdrm_http_method = 0;
/// `POST` of the token request's form body to its base URL (keeps secrets out of URLs and server logs).
pub const XPDRM_HTTP_POST: xpdrm_http_method = 1;

/// Where a license redemption puts the token; one of the `XPDRM_TOKEN_IN_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_token_placement = i32;
/// In the URL, as the token server returned it (`...?ExpressPlayToken=<token>`).
pub const XPDRM_TOKEN_IN_URL: xpdrm_token_placement = 0;
/// In an `ExpressPlayToken` request header; the URL without it.
pub const XPDRM_TOKEN_IN_HEADER: xpdrm_token_placement = 1;

/// Size of a reason buffer that always holds the whole reason with its NUL; longer buffers get no more.
pub const XPDRM_HTTP_REASON_MAX: usize = 512;
/// Default connect timeout, in milliseconds.
pub const XPDRM_HTTP_DEFAULT_CONNECT_TIMEOUT_MS: u32 = 10000;
/// Default read timeout (the longest wait for any one read), in milliseconds.
pub const XPDRM_HTTP_DEFAULT_READ_TIMEOUT_MS: u32 = 30000;
/// Default overall timeout of one operation, every attempt and wait included, in milliseconds.
pub const XPDRM_HTTP_DEFAULT_OVERALL_TIMEOUT_MS: u32 = 120000;
/// Default largest answer body, in bytes (1 MiB).
pub const XPDRM_HTTP_DEFAULT_MAX_RESPONSE_SIZE: usize = 1048576;
/// Largest value `xpdrm_http_config_set_max_response_size` accepts, in bytes (64 MiB).
pub const XPDRM_HTTP_MAX_RESPONSE_SIZE_LIMIT: usize = 67108864;
/// Most attempts a retry policy may allow.
pub const XPDRM_HTTP_MAX_ATTEMPTS: u32 = 10;
/// Longest backoff between two attempts, in milliseconds.
pub const XPDRM_HTTP_MAX_BACKOFF_MS: u32 = 60000;
/// Largest challenge `xpdrm_http_redeem_license` sends, in bytes (1 MiB).
pub const XPDRM_HTTP_MAX_CHALLENGE_LEN: usize = 1048576;

#[cfg(feature = "http")]
mod checks {
    use super::*;
    use crate::http;
    const _: () = assert!(XPDRM_HTTP_DEFAULT_CONNECT_TIMEOUT_MS as u128 == http::DEFAULT_CONNECT_TIMEOUT.as_millis());
    const _: () = assert!(XPDRM_HTTP_DEFAULT_READ_TIMEOUT_MS as u128 == http::DEFAULT_READ_TIMEOUT.as_millis());
    const _: () = assert!(XPDRM_HTTP_DEFAULT_OVERALL_TIMEOUT_MS as u128 == http::DEFAULT_OVERALL_TIMEOUT.as_millis());
    const _: () = assert!(XPDRM_HTTP_DEFAULT_MAX_RESPONSE_SIZE == http::DEFAULT_MAX_RESPONSE_SIZE);
    const _: () = assert!(XPDRM_HTTP_MAX_RESPONSE_SIZE_LIMIT == http::MAX_RESPONSE_SIZE_LIMIT);
    const _: () = assert!(XPDRM_HTTP_MAX_ATTEMPTS == http::MAX_ATTEMPTS_LIMIT);
    const _: () = assert!(XPDRM_HTTP_MAX_BACKOFF_MS as u128 == http::MAX_BACKOFF_LIMIT.as_millis());
    const _: () = assert!(XPDRM_HTTP_MAX_CHALLENGE_LEN == http::MAX_CHALLENGE_LEN);
}

/// The settings of an HTTP client: timeouts, trusted CAs, a client certificate for mutual TLS, the largest
/// answer, the retry policy, the user agent. Owned by the caller; free with `xpdrm_http_config_free` (which
/// wipes the client key it holds). One config may make any number of clients.
#[allow(non_camel_case_types)]
pub struct xpdrm_http_config {
    #[cfg(feature = "http")]
    inner: crate::http::Config,
    /// Why the last setter failed; cleared by one that succeeds.
    note: Option<String>,
}

/// A blocking HTTP client (HTTP/1.1 with keep-alive, TLS by rustls). It may be used from several threads at
/// once (every operation takes it `const`). Owned by the caller; free with `xpdrm_http_client_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_http_client {
    #[cfg(feature = "http")]
    inner: crate::http::Client,
}

/// A server's answer to `xpdrm_http_execute`: HTTP status, content type, body. The body may hold a token, a
/// license or a device ID: it is wiped on free. Owned by the caller; free with `xpdrm_http_response_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_http_response {
    status: u16,
    content_type: Option<String>,
    body: Zeroizing<Vec<u8>>,
    headers: Vec<(String, String)>,
}

impl xpdrm_http_client {
    #[cfg(feature = "http")]
    pub(crate) fn client(&self) -> &crate::http::Client {
        &self.inner
    }
}

impl xpdrm_http_response {
    /// A header's value (name in any case); several are joined with ", ".
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let mut values = self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let first = values.next()?.to_owned();
        Some(values.fold(first, |all, v| all + ", " + v))
    }
}

/// Bytes that xpdrm hands out whose size is not known in advance: the license of
/// `xpdrm_http_redeem_license`. Read them with `xpdrm_bytes_data` and `xpdrm_bytes_len`; free with
/// `xpdrm_bytes_free`, which wipes them. A license is not a raw content key (the key in it is wrapped or
/// encrypted for the device), but it is treated as sensitive anyway.
#[allow(non_camel_case_types)]
pub struct xpdrm_bytes {
    data: Zeroizing<Vec<u8>>,
}

/// Without the feature: ignore the arguments and return the feature-disabled status, writing nothing.
#[cfg(not(feature = "http"))]
macro_rules! http_disabled {
    ($($arg:expr),* $(,)?) => {{
        $( let _ = $arg; )*
        return Err(Status::XPDRM_ERR_FEATURE_DISABLED);
    }};
}

/// An optional caller buffer for the reason of a failure (`reason`, `reason_cap`): NULL with 0 for none.
/// On return it holds a NUL-terminated sentence: empty after success, the reason after a failure, cut at a
/// character boundary to fit (`XPDRM_HTTP_REASON_MAX` bytes always hold it whole).
struct Reason {
    out: *mut c_char,
    cap: usize,
}

impl Reason {
    /// # Safety
    /// `out` must be NULL (with `cap == 0`) or valid for writes of `cap` bytes.
    unsafe fn new(out: *mut c_char, cap: usize) -> Result<Reason, Status> {
        if out.is_null() && cap != 0 {
            return Err(Status::XPDRM_ERR_NULL_ARGUMENT);
        }
        Ok(Reason { out, cap })
    }

    fn write(&self, text: &str) {
        if self.cap == 0 {
            return;
        }
        // A reason quotes input escaped; should a NUL slip through, it is shown as U+FFFD, never cut short.
        let text = &*crate::ffi::guard::c_safe(text);
        let limit = (self.cap - 1).min(XPDRM_HTTP_REASON_MAX - 1);
        let mut end = text.len().min(limit);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // SAFETY: `out` holds `cap` bytes and `end < cap`.
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), self.out.cast::<u8>(), end);
            self.out.add(end).write(0);
        }
    }

    /// Writes the outcome of `f`: an empty reason, or the failure's reason; returns its status.
    fn run<T>(&self, f: impl FnOnce() -> Result<T, Problem>) -> Result<T, Status> {
        match f() {
            Ok(v) => {
                self.write("");
                Ok(v)
            }
            Err(p) => {
                self.write(&p.reason);
                Err(p.status)
            }
        }
    }
}

/// A bare status as a problem whose reason is the status's text (argument errors).
fn plain(status: Status) -> Problem {
    Problem::new(status, status.text())
}

/// Every config setter's body (here and in `src/ffi/http_net.rs`): `f` on the config, its outcome noted for
/// `xpdrm_http_config_reason`.
///
/// # Safety
/// `cfg` must be NULL or a live config handle.
#[cfg(feature = "http")]
pub(crate) unsafe fn set(
    cfg: *mut xpdrm_http_config,
    f: impl FnOnce(&mut crate::http::Config) -> Result<(), Problem>,
) -> Result<(), Status> {
    let cfg = unsafe { handle_mut(cfg) }?;
    noted(&mut cfg.note, f(&mut cfg.inner))
}

/// Creates an HTTP client config with the defaults: timeouts `XPDRM_HTTP_DEFAULT_CONNECT_TIMEOUT_MS`,
/// `XPDRM_HTTP_DEFAULT_READ_TIMEOUT_MS`, `XPDRM_HTTP_DEFAULT_OVERALL_TIMEOUT_MS`; the public web CAs
/// (Mozilla's list, built in) until a CA is added; no client certificate; answers up to
/// `XPDRM_HTTP_DEFAULT_MAX_RESPONSE_SIZE` bytes; 3 attempts with backoffs from 200 ms up to 2 s; user agent
/// `xpdrm/<version>`.
///
/// `out` receives the config; free it with `xpdrm_http_config_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED` in a build without `http`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_new(out: *mut *mut xpdrm_http_config) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(out);
        #[cfg(feature = "http")]
        {
            let out = unsafe { out_param(out) }?;
            out.write(into_handle(xpdrm_http_config { inner: crate::http::Config::new(), note: None }));
            Ok(())
        }
    })
}

/// Sets the timeouts, in milliseconds, each 1 ms to 24 hours (86400000): `connect_ms` for setting up a
/// connection (TCP and TLS), `read_ms` for any one read from the server (the answer's head, each part of its
/// body; a server that stalls fails after it), `overall_ms` for a whole operation, every attempt and every
/// wait between attempts included.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` (0 or over 24 hours; nothing changes,
/// `xpdrm_http_config_reason` says which); `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_timeouts(
    cfg: *mut xpdrm_http_config,
    connect_ms: u32,
    read_ms: u32,
    overall_ms: u32,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, connect_ms, read_ms, overall_ms);
        #[cfg(feature = "http")]
        {
            unsafe { set(cfg, |c| c.set_timeouts(connect_ms, read_ms, overall_ms)) }
        }
    })
}

/// Adds trusted CAs: the certificates of a PEM text (one or more `CERTIFICATE` sections; at most 1 MiB).
/// Once a CA is added, only added CAs are trusted, not the built-in public ones (a test or private CA).
///
/// * `pem`, `pem_len`: the PEM text. Borrowed for the call.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_BAD_PEM` (no certificate, malformed PEM, a section that is not an
/// X.509 certificate, a private key in it); `XPDRM_ERR_INPUT_TOO_LARGE`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`. A refused PEM adds nothing; `xpdrm_http_config_reason` says why.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_add_ca_pem(
    cfg: *mut xpdrm_http_config,
    pem: *const u8,
    pem_len: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, pem, pem_len);
        #[cfg(feature = "http")]
        {
            let pem = unsafe { bytes(pem, pem_len) }?;
            unsafe { set(cfg, |c| c.add_ca_pem(pem)) }
        }
    })
}

/// Sets the client certificate and its private key, for servers that require mutual TLS (SEES).
///
/// * `cert_pem`, `cert_len`: the certificate chain, leaf first, as PEM `CERTIFICATE` sections. Borrowed.
/// * `key_pem`, `key_len`: the leaf's private key as PEM (`PRIVATE KEY` PKCS#8, `RSA PRIVATE KEY` or
///   `EC PRIVATE KEY`). A secret: xpdrm copies it into memory that it wipes when the config is freed or the
///   key replaced; wipe your own copy. (The TLS stack of a client made from the config keeps its own decoded
///   copy until that client is freed; ureq, rustls and ring do not wipe it.)
///
/// Replaces an earlier certificate. Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_BAD_PEM` (malformed, no
/// certificate, no key, two keys, or a key that does not belong to the certificate); `XPDRM_ERR_INPUT_TOO_LARGE`
/// (over 1 MiB); `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`. A refused pair changes nothing.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_client_cert_pem(
    cfg: *mut xpdrm_http_config,
    cert_pem: *const u8,
    cert_len: usize,
    key_pem: *const u8,
    key_len: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, cert_pem, cert_len, key_pem, key_len);
        #[cfg(feature = "http")]
        {
            let cert = unsafe { bytes(cert_pem, cert_len) }?;
            let key = unsafe { bytes(key_pem, key_len) }?;
            unsafe { set(cfg, |c| c.set_client_cert_pem(cert, key)) }
        }
    })
}

/// Sets the largest answer body accepted, 1 to `XPDRM_HTTP_MAX_RESPONSE_SIZE_LIMIT` bytes. A larger answer
/// fails with `XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE` as soon as it shows: by its declared length, or while it
/// is read (never after reading it all).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_max_response_size(
    cfg: *mut xpdrm_http_config,
    max_bytes: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, max_bytes);
        #[cfg(feature = "http")]
        {
            unsafe { set(cfg, |c| c.set_max_response_size(max_bytes)) }
        }
    })
}

/// Sets the retry policy: at most `max_attempts` attempts (1 means no retry; at most
/// `XPDRM_HTTP_MAX_ATTEMPTS`), waiting `initial_backoff_ms` before the second, twice as long before each
/// further one, never more than `max_backoff_ms` (at most `XPDRM_HTTP_MAX_BACKOFF_MS`); each wait is
/// randomised to between half and all of it. All of it fits in the overall timeout.
///
/// What is tried again: after a connection failure (nothing was sent), every request; after an HTTP 5xx
/// answer, only requests that are safe to repeat: record lookups, SEES entitlement messages (a repeat carries
/// the same `messageID`, by which SEES recognises it), and `GET`s given to `xpdrm_http_execute`. Token
/// fetches (`GET` or `POST`: each mints a token and uses up account credit), license redemptions and other
/// `POST`s are not repeated after a 5xx.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` (nothing changes); `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_retry(
    cfg: *mut xpdrm_http_config,
    max_attempts: u32,
    initial_backoff_ms: u32,
    max_backoff_ms: u32,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, max_attempts, initial_backoff_ms, max_backoff_ms);
        #[cfg(feature = "http")]
        {
            unsafe { set(cfg, |c| c.set_retry(max_attempts, initial_backoff_ms, max_backoff_ms)) }
        }
    })
}

/// Sets the `User-Agent` header: 1 to 256 bytes of printable ASCII. Borrowed for the call.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_user_agent(
    cfg: *mut xpdrm_http_config,
    user_agent: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, user_agent);
        #[cfg(feature = "http")]
        {
            let ua = unsafe { text(user_agent) }?;
            unsafe { set(cfg, |c| c.set_user_agent(ua)) }
        }
    })
}

/// Writes why the most recent setter call on `cfg` failed (empty when it succeeded), as NUL-terminated text.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_reason(
    cfg: *const xpdrm_http_config,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, out, out_cap, out_len);
        #[cfg(feature = "http")]
        {
            let cfg = unsafe { handle_ref(cfg) }?;
            let out = unsafe { OutText::new(out, out_cap, out_len) }?;
            out.write_reason(cfg.note.as_deref().unwrap_or(""))
        }
    })
}

/// Frees a config, wiping the client key it holds. NULL does nothing. Clients made from it are not affected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_free(cfg: *mut xpdrm_http_config) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(cfg) } })
}

/// Creates a client from `cfg` (which is only read: free or change it afterwards as you like).
///
/// `out` receives the client; free it with `xpdrm_http_client_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_TRUST_STORE` (the trust source is `XPDRM_HTTP_TRUST_ADDED_ONLY` and no
/// CA was added); `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_client_new(
    cfg: *const xpdrm_http_config,
    out: *mut *mut xpdrm_http_client,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, out);
        #[cfg(feature = "http")]
        {
            let cfg = unsafe { handle_ref(cfg) }?;
            let out = unsafe { out_param(out) }?;
            let inner = crate::http::Client::new(&cfg.inner).map_err(|p| p.status)?;
            out.write(into_handle(xpdrm_http_client { inner }));
            Ok(())
        }
    })
}

/// Frees a client and closes the connections it keeps alive. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_client_free(client: *mut xpdrm_http_client) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(client) } })
}

/// Executes one request description (from a device-binding flow, say) and hands back the answer, whatever
/// its HTTP status: the central operation the others are built on. A `GET` is tried again after an HTTP
/// 5xx answer, a `POST` only after a connection failure (see `xpdrm_http_config_set_retry`).
///
/// * `client`: the client. `req`: the request; both borrowed for the call.
/// * `out`: receives the answer (free with `xpdrm_http_response_free`).
/// * `reason`, `reason_cap`: an optional buffer (NULL and 0 for none) for why the call failed; empty after
///   success. A reason never holds a secret (URLs appear without their query).
///
/// Returns `XPDRM_OK` with any HTTP status; the transport's status: `XPDRM_ERR_HTTP_CONNECT`,
/// `XPDRM_ERR_HTTP_TIMEOUT`, `XPDRM_ERR_HTTP_RETRIES_EXHAUSTED` (a `GET` answered 5xx on every attempt),
/// `XPDRM_ERR_HTTP_TRUNCATED`, `XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE`, `XPDRM_ERR_HTTP_TLS_UNKNOWN_CA`,
/// `XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID`, `XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED`,
/// `XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED`, `XPDRM_ERR_HTTP_TLS_PIN_MISMATCH`, `XPDRM_ERR_HTTP_TLS`,
/// `XPDRM_ERR_HTTP_TRANSPORT`, `XPDRM_ERR_HTTP_INVALID_URL`, `XPDRM_ERR_HTTP_CANCELLED` (its cancel handle
/// fired), `XPDRM_ERR_HTTP_PROXY_CONNECT`, `XPDRM_ERR_HTTP_PROXY_REFUSED`,
/// `XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`. Nothing is
/// written to `*out` on failure. A 429 or 503 answer with `Retry-After` to a `GET` is waited for and tried
/// again when the attempts and the overall timeout allow, else it is the answer (read the header with
/// `xpdrm_http_response_header`).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_execute(
    client: *const xpdrm_http_client,
    req: *const xpdrm_outbound_request,
    out: *mut *mut xpdrm_http_response,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, req, out, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let req = unsafe { handle_ref(req) }.map_err(plain)?;
                let out = unsafe { out_param(out) }.map_err(plain)?;
                let repeat = crate::http::Repeat::for_method(req.inner.method());
                let answer = client.inner.execute(&req.inner, repeat)?;
                out.write(into_handle(xpdrm_http_response {
                    status: answer.status,
                    content_type: answer.content_type,
                    body: answer.body,
                    headers: answer.headers,
                }));
                Ok(())
            })
        }
    })
}

/// Writes the answer's HTTP status to `*out_status`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_response_status(
    resp: *const xpdrm_http_response,
    out_status: *mut u16,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(resp, out_status);
        #[cfg(feature = "http")]
        {
            let resp = unsafe { handle_ref(resp) }?;
            unsafe { out_param(out_status) }?.write(resp.status);
            Ok(())
        }
    })
}

/// Writes the answer's `Content-Type` header (empty when there was none; characters outside printable
/// ASCII are not kept by the HTTP stack) as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_response_content_type(
    resp: *const xpdrm_http_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(resp, out, out_cap, out_len);
        #[cfg(feature = "http")]
        {
            let resp = unsafe { handle_ref(resp) }?;
            let out = unsafe { OutText::new(out, out_cap, out_len) }?;
            out.write(resp.content_type.as_deref().unwrap_or(""))
        }
    })
}

/// Gives the answer's body: `*out_data` points to `*out_len` bytes (not NUL-terminated; a valid pointer even
/// for an empty body), borrowed from `resp` until it is freed. Treat it as sensitive.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_response_body(
    resp: *const xpdrm_http_response,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(resp, out_data, out_len);
        #[cfg(feature = "http")]
        {
            let resp = unsafe { handle_ref(resp) }?;
            let data = unsafe { out_param(out_data) }?;
            let len = unsafe { out_param(out_len) }?;
            data.write(resp.body.as_ptr());
            len.write(resp.body.len());
            Ok(())
        }
    })
}

/// Frees an answer, wiping its body. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_response_free(resp: *mut xpdrm_http_response) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(resp) } })
}

/// Fetches a token from the request's token server (its base URL: the DRM's test service unless set
/// otherwise) and parses the answer as `xpdrm_token_response_parse` does.
///
/// * `req`: a token request, checked whole first as by `xpdrm_token_request_url`: a missing parameter is
///   its code (-6003 for a FairPlay request without `iv`, say) and nothing is sent. Borrowed.
/// * `method`: `XPDRM_HTTP_GET` (the URL with the query) or `XPDRM_HTTP_POST` (the form body).
/// * `out`: receives the parsed answer (free with `xpdrm_token_response_free`). **A server error is a
///   success here too**, as for `xpdrm_token_response_parse`: read `xpdrm_token_response_error_code`.
/// * `reason`, `reason_cap`: optional buffer for why the call failed (see `xpdrm_http_execute`).
///
/// Not repeated after an HTTP 5xx (each request mints a token); the 5xx answer is the result. Marlin works
/// the same way: an MS3 request gives a compound URL (`xpdrm_token_response_content_url`), a BB request an
/// XML action token (`application/vnd.marlin.drm.actiontoken+xml`, asked for in `Accept`; read it with
/// `xpdrm_token_response_action_token`).
///
/// Returns `XPDRM_OK`; the whole-request check's code; the statuses of `xpdrm_token_response_parse` for a
/// 2xx answer without a token (`XPDRM_ERR_RESPONSE_CONTENT_TYPE` for a content type that carries neither a
/// token nor an error, ...); the transport statuses of `xpdrm_http_execute`; `XPDRM_ERR_INVALID_ARGUMENT`
/// (another `method`); `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_fetch_token(
    client: *const xpdrm_http_client,
    req: *const xpdrm_token_request,
    method: xpdrm_http_method,
    out: *mut *mut xpdrm_token_response,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, req, method, out, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let req = unsafe { handle_ref(req) }.map_err(plain)?;
                let out = unsafe { out_param(out) }.map_err(plain)?;
                let method = match method {
                    XPDRM_HTTP_GET => crate::outbound::Method::Get,
                    XPDRM_HTTP_POST => crate::outbound::Method::Post,
                    _ => return Err(Problem::new(Status::XPDRM_ERR_INVALID_ARGUMENT, "method is not GET or POST")),
                };
                let resp = client.inner.fetch_token(req.request(), method)?;
                out.write(into_handle(xpdrm_token_response { resp }));
                Ok(())
            })
        }
    })
}

/// Redeems a license: `POST`s the DRM's challenge (SPC, license request) to a license URL with its token.
///
/// * `license_url`: the license URL with the token (`...?ExpressPlayToken=<token>`): from
///   `xpdrm_token_response_license_url` or `xpdrm_binding_device_token_url`. It holds a token: it is never
///   logged. Borrowed.
/// * `challenge`, `challenge_len`: 1 to `XPDRM_HTTP_MAX_CHALLENGE_LEN` bytes. Borrowed.
/// * `placement`: `XPDRM_TOKEN_IN_URL` (the URL as given) or `XPDRM_TOKEN_IN_HEADER` (the URL without the
///   token, the token in an `ExpressPlayToken` header).
/// * `out`: receives the license (a 2xx answer's body) as bytes; free with `xpdrm_bytes_free`.
/// * `reason`, `reason_cap`: optional buffer for why the call failed (see `xpdrm_http_execute`).
///
/// Not repeated after an HTTP 5xx. Returns `XPDRM_OK`; for an answer other than 2xx, the ExpressPlay code it
/// carries when xpdrm knows it (`XPDRM_ERR_DEVICE_NOT_AUTHENTICATED` -4001 for a device the license server
/// refuses, `XPDRM_ERR_INVALID_TOKEN` -4010, ...), else `XPDRM_ERR_HTTP_STATUS`; `XPDRM_ERR_RESPONSE_NO_TOKEN`
/// or `XPDRM_ERR_RESPONSE_NO_LICENSE_URL` (`XPDRM_TOKEN_IN_HEADER` with a URL without a token);
/// `XPDRM_ERR_INVALID_ARGUMENT` (empty challenge, another `placement`); `XPDRM_ERR_INPUT_TOO_LARGE`; the
/// transport statuses of `xpdrm_http_execute`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_redeem_license(
    client: *const xpdrm_http_client,
    license_url: *const c_char,
    challenge: *const u8,
    challenge_len: usize,
    placement: xpdrm_token_placement,
    out: *mut *mut xpdrm_bytes,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, license_url, challenge, challenge_len, placement, out, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            use crate::http::TokenPlacement;
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let url = unsafe { text(license_url) }.map_err(plain)?;
                let challenge = unsafe { bytes(challenge, challenge_len) }.map_err(plain)?;
                let out = unsafe { out_param(out) }.map_err(plain)?;
                let placement = match placement {
                    XPDRM_TOKEN_IN_URL => TokenPlacement::Url,
                    XPDRM_TOKEN_IN_HEADER => TokenPlacement::Header,
                    _ => {
                        return Err(Problem::new(
                            Status::XPDRM_ERR_INVALID_ARGUMENT,
                            "placement is not XPDRM_TOKEN_IN_URL or XPDRM_TOKEN_IN_HEADER",
                        ));
                    }
                };
                let data = client.inner.redeem_license(url, challenge, placement)?;
                out.write(into_handle(xpdrm_bytes { data }));
                Ok(())
            })
        }
    })
}

/// Sends an entitlement request to SEES (`POST`, JSON; mutual TLS when the config has a client
/// certificate) and checks the answer against it as `xpdrm_entitlement_response_parse` does.
///
/// * `sees_url`: SEES's entitlement URL (absolute `http`/`https` with a host, without user information, at
///   most 2048 bytes). Borrowed.
/// * `req`: the request (from `xpdrm_entitlement_request_new`). Borrowed.
/// * `out`: receives the answer on `XPDRM_OK`, and only then (the parse rule of CONVENTIONS), also for a
///   denial, as `xpdrm_entitlement_response_parse` hands it out; free it with `xpdrm_entitlement_response_free`.
/// * `reason`, `reason_cap`: optional buffer for why the call failed (see `xpdrm_http_execute`); empty on
///   `XPDRM_OK` (a denial's reason is the response's, `xpdrm_entitlement_response_reason`).
///
/// Repeated after an HTTP 5xx (the repeat carries the same `messageID`). Returns `XPDRM_OK` when SEES
/// answered: SEES's verdict is `xpdrm_entitlement_response_status` of `*out` (`XPDRM_OK` when SEES grants
/// the license, `XPDRM_ERR_SEES_DENIED`, `XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH`, ..., as for
/// `xpdrm_entitlement_response_parse`). Without `*out`: `XPDRM_ERR_HTTP_STATUS` (SEES answered neither 2xx
/// nor 5xx), `XPDRM_ERR_HTTP_CONTENT_TYPE` (not JSON), the transport statuses of `xpdrm_http_execute`, the
/// status of a request refused when parsed, `XPDRM_ERR_INVALID_BASE_URL` (URL), `XPDRM_ERR_INVALID_UTF8`,
/// `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_exchange_entitlement(
    client: *const xpdrm_http_client,
    sees_url: *const c_char,
    req: *const xpdrm_entitlement_request,
    out: *mut *mut xpdrm_entitlement_response,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, sees_url, req, out, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let url = unsafe { text(sees_url) }.map_err(plain)?;
                let req = unsafe { handle_ref(req) }.map_err(plain)?;
                let out = unsafe { out_param(out) }.map_err(plain)?;
                let request = crate::ffi::sees::valid_request(req).map_err(plain)?;
                let checked = client.inner.exchange_entitlement(url, request)?;
                out.write(into_handle(xpdrm_entitlement_response::checked(checked)));
                Ok(())
            })
        }
    })
}

/// Looks up which device used a cookie: `GET <record_url>?customerAuthenticator=...&cookie=...` (ExpressPlay's
/// `getrecord`), the answer read in the format the README documents, and writes the device ID.
///
/// * `record_url`: the record retrieval URL (absolute `http`/`https`, at most 2048 bytes). Borrowed.
/// * `customer_authenticator`: `<customer id digits>,<32 hex>`, checked first (-2017, -2018); a secret, sent
///   only in the URL, never logged. Borrowed.
/// * `cookie`: 1 to 32 characters (-2033). Borrowed.
/// * `out`, `out_cap`, `out_len`: the device ID, NUL-terminated (at most `XPDRM_DEVICE_ID_MAX_LEN` bytes: a
///   buffer of `XPDRM_DEVICE_ID_MAX_LEN + 1` always fits). A raw device ID: never log it. On
///   `XPDRM_ERR_BUFFER_TOO_SMALL` the lookup was made and must be made again with a larger buffer.
/// * `reason`, `reason_cap`: optional buffer for why the call failed (see `xpdrm_http_execute`).
///
/// Repeated after an HTTP 5xx (a read). Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_NO_RECORD`;
/// `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH` (the cookie's records name two devices);
/// `XPDRM_ERR_BINDING_RECORDS_INVALID`; `XPDRM_ERR_HTTP_STATUS` (not 2xx); `XPDRM_ERR_HTTP_CONTENT_TYPE` (not
/// JSON); `XPDRM_ERR_MISSING_AUTHENTICATOR`, `XPDRM_ERR_INVALID_AUTHENTICATOR`, `XPDRM_ERR_INVALID_COOKIE`;
/// the transport statuses of `xpdrm_http_execute`; `XPDRM_ERR_INVALID_BASE_URL` (URL);
/// `XPDRM_ERR_BUFFER_TOO_SMALL`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_lookup_record(
    client: *const xpdrm_http_client,
    record_url: *const c_char,
    customer_authenticator: *const c_char,
    cookie: *const c_char,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, record_url, customer_authenticator, cookie, out, out_cap, out_len, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let url = unsafe { text(record_url) }.map_err(plain)?;
                let authenticator = unsafe { text(customer_authenticator) }.map_err(plain)?;
                let cookie = unsafe { text(cookie) }.map_err(plain)?;
                let out = unsafe { OutText::new(out, out_cap, out_len) }.map_err(plain)?;
                let id = client.inner.lookup_record(url, authenticator, cookie)?;
                out.write(id.expose())
                    .map_err(|s| Problem::new(s, "the device ID does not fit the buffer; its length is in *out_len"))
            })
        }
    })
}

/// Runs the device's side of the device-binding flow from where it stands to its end: registers the cookie
/// with SEES (step 1), sends the SPC to the cookie-bound token URL (step 2), requests the device-bound
/// entitlement (step 3). Then `xpdrm_binding_device_token_url` gives the device-bound token URL to redeem
/// (`xpdrm_http_redeem_license`).
///
/// * `dev`: the flow (modified), at `XPDRM_BINDING_STEP_REGISTER`, `_SEND_SPC` or `_REQUEST_BOUND`.
/// * `spc`, `spc_len`: the DRM's SPC (challenge), 1 to `XPDRM_BINDING_MAX_SPC_LEN` bytes. Borrowed.
/// * `reason`, `reason_cap`: optional buffer for why the call failed (see `xpdrm_http_execute`).
///
/// SEES messages are repeated after an HTTP 5xx, the SPC is not. Returns `XPDRM_OK` (the flow is at
/// `XPDRM_BINDING_STEP_DONE`); a bad answer fails the flow with the status
/// `xpdrm_binding_device_handle_response` gives (`XPDRM_ERR_SEES_DENIED`, `XPDRM_ERR_BINDING_HTTP_STATUS`,
/// ...); a transport status of `xpdrm_http_execute` or `XPDRM_ERR_HTTP_CONTENT_TYPE` (SEES answered in
/// another type than JSON) leaves the flow at the step that awaited the answer (start a new flow);
/// `XPDRM_ERR_BINDING_WRONG_STATE` (the flow awaits an answer to a request someone else sent);
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_ARGUMENT` (empty SPC); `XPDRM_ERR_INPUT_TOO_LARGE`;
/// `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_run_device_binding(
    client: *const xpdrm_http_client,
    dev: *mut xpdrm_binding_device,
    spc: *const u8,
    spc_len: usize,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, dev, spc, spc_len, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let dev = unsafe { handle_mut(dev) }.map_err(plain)?;
                let spc = unsafe { bytes(spc, spc_len) }.map_err(plain)?;
                client.inner.run_device_binding(&mut dev.flow, spc)
            })
        }
    })
}

/// Runs an entitlement service's side of the device-binding flow, after `xpdrm_binding_service_begin`, to
/// its end: the record lookup (repeated after an HTTP 5xx) and the token request (not repeated). Then
/// `xpdrm_binding_service_entitlement_response` gives the answer for the device.
///
/// * `svc`: the flow (modified). `reason`, `reason_cap`: optional buffer (see `xpdrm_http_execute`).
///
/// Returns `XPDRM_OK` (the flow is at `XPDRM_BINDING_STEP_DONE`); a bad answer fails the flow with the
/// status `xpdrm_binding_service_handle_response` gives (its entitlement response is then a denial); a
/// transport status or `XPDRM_ERR_HTTP_CONTENT_TYPE` leaves the flow where it awaited the answer (answer
/// the device with a denial of your own); `XPDRM_ERR_BINDING_WRONG_STATE`; `XPDRM_ERR_BINDING_FAILED`;
/// `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_run_binding_service(
    client: *const xpdrm_http_client,
    svc: *mut xpdrm_binding_service,
    reason: *mut c_char,
    reason_cap: usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, svc, reason, reason_cap);
        #[cfg(feature = "http")]
        {
            let reason = unsafe { Reason::new(reason, reason_cap) }?;
            reason.run(|| {
                let client = unsafe { handle_ref(client) }.map_err(plain)?;
                let svc = unsafe { handle_mut(svc) }.map_err(plain)?;
                client.inner.run_binding_service(&mut svc.flow)
            })
        }
    })
}

/// Returns the first byte of `b` (borrowed from it until it is freed; a valid pointer even when the length is
/// 0), or NULL for NULL.
/// cbindgen:nullable=\[b, return\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_bytes_data(b: *const xpdrm_bytes) -> *const u8 {
    ffi_guard!(on_panic: core::ptr::null(), {
        unsafe { handle_peek(b) }.map_or(core::ptr::null(), |b| b.data.as_ptr())
    })
}

/// Returns the number of bytes in `b`, or 0 for NULL.
/// cbindgen:nullable=\[b\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_bytes_len(b: *const xpdrm_bytes) -> usize {
    ffi_guard!(on_panic: 0, { unsafe { handle_peek(b) }.map_or(0, |b| b.data.len()) })
}

/// Frees bytes that xpdrm handed out, wiping them first. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_bytes_free(b: *mut xpdrm_bytes) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(b) } })
}
