//! Request descriptions: the HTTP requests that the device-binding flow asks its caller to make.

// `#[must_use]` is what cbindgen turns into XPDRM_MUST_USE (tests/boundary.rs requires it), and the safety
// contract of every export is its C documentation in the header (pointer validity, ownership), not a Rust
// `# Safety` section that would be copied into the header.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]

use core::ffi::c_char;

use crate::Status;
use crate::ffi::guard::{OutBuf, free_handle, handle_peek, handle_ref, out_param, text_of};
use crate::outbound::OutboundRequest;
use crate::status::xpdrm_status;

/// One HTTP request to make, as the device-binding flow describes it: method, absolute URL, headers, body.
/// Execute it with any HTTP client, then hand the answer (status, `Content-Type`, body) back to the flow.
/// Its URL, header values and body may hold secrets (a customer authenticator, a token, content keys):
/// they are only copied into caller buffers, never logged, and wiped when the request is freed. Owned by
/// the caller; free with `xpdrm_outbound_request_free`. It does not refer to the flow that made it.
#[allow(non_camel_case_types)]
pub struct xpdrm_outbound_request {
    pub(crate) inner: OutboundRequest,
}

fn header(req: &xpdrm_outbound_request, index: usize) -> Result<&(String, crate::secret_string::SecretString), Status> {
    req.inner.headers().get(index).ok_or(Status::XPDRM_ERR_INVALID_ARGUMENT)
}

/// Returns the request's method, `"GET"` or `"POST"`: a static string (do not free it). Returns NULL for
/// a NULL `req`.
/// cbindgen:nullable=\[req, return\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_method(req: *const xpdrm_outbound_request) -> *const c_char {
    ffi_guard!(on_panic: core::ptr::null(), {
        unsafe { handle_peek(req) }.map_or(core::ptr::null(), |r| r.inner.method().c_name().as_ptr())
    })
}

/// Writes the request's absolute URL (with its query) as NUL-terminated text into `out`. It may hold a
/// secret (the customer authenticator of a record lookup, the token of a license URL): do not log it; use
/// `xpdrm_outbound_request_redacted_url` for logs.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_url(
    req: *const xpdrm_outbound_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(req, out, out_cap, out_len, |req, out| { out.write(req.inner.url()) }) } })
}

/// Writes the URL without its query, fragment and user information (`https://host/path?<redacted>`), safe
/// to log, as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_redacted_url(
    req: *const xpdrm_outbound_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(req, out, out_cap, out_len, |req, out| { out.write(&req.inner.redacted_url()) }) } })
}

/// Writes the number of headers to `*out_count`; they are numbered from 0.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_header_count(
    req: *const xpdrm_outbound_request,
    out_count: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { out_param(out_count) }?;
        out.write(req.inner.headers().len());
        Ok(())
    })
}

/// Writes the name of header `index` (e.g. `Content-Type`) as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` for an index at or beyond the count;
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_header_name(
    req: *const xpdrm_outbound_request,
    index: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(req, out, out_cap, out_len, |req, out| { out.write(&header(req, index)?.0) }) } })
}

/// Writes the value of header `index` as NUL-terminated text into `out`. Treat it as sensitive.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` for an index at or beyond the count;
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_header_value(
    req: *const xpdrm_outbound_request,
    index: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(req, out, out_cap, out_len, |req, out| out.write(header(req, index)?.1.expose())) } })
}

/// Copies the body (bytes, not NUL-terminated) into `out` (`out_cap` bytes, caller-owned). A `GET` has an
/// empty body: its size query answers 0. The body may hold secrets (a token request's authenticator and
/// content keys): wipe your copy after sending it.
///
/// Returns `XPDRM_OK` with the length in `*out_len`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in
/// `*out_len` (also for the size query `out = NULL, out_cap = 0`); `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_body(
    req: *const xpdrm_outbound_request,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { OutBuf::new(out, out_cap, out_len) }?;
        out.write(req.inner.body())
    })
}

/// Frees a request description, wiping the secrets it may hold. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_outbound_request_free(req: *mut xpdrm_outbound_request) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(req) } })
}
