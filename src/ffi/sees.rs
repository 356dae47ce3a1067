//! SEES entitlement requests and responses, both sides.

// `#[must_use]` is what cbindgen turns into XPDRM_MUST_USE (tests/boundary.rs requires it), and the safety
// contract of every export is its C documentation in the header (pointer validity, ownership), not a Rust
// `# Safety` section that would be copied into the header.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]

use core::ffi::c_char;

use crate::Status;
use crate::ffi::guard::{
    OutText, bytes, free_handle, handle_mut, handle_peek, handle_ref, into_handle, opt_text, out_param, text, text_of,
};
use crate::sees::{self, Denial, EntitlementRequest, EntitlementResponse, Rejection, RequestType};
use crate::status::xpdrm_status;

/// What an entitlement request asks for (`requestType`); one of the `XPDRM_REQUEST_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_request_type = i32;

/// No `requestType`: only reported by `xpdrm_entitlement_request_type` for a parsed request without one.
pub const XPDRM_REQUEST_UNSPECIFIED: xpdrm_request_type = 0;
/// 1: a time-based entitlement.
pub const XPDRM_REQUEST_TIME_BASED: xpdrm_request_type = 1;
/// 2: device registration, the first step of device binding (the request carries the cookie).
pub const XPDRM_REQUEST_DEVICE_REGISTRATION: xpdrm_request_type = 2;
/// 3: a device-bound entitlement, the later steps of device binding (the request carries the same cookie).
pub const XPDRM_REQUEST_DEVICE_BOUND: xpdrm_request_type = 3;

/// Largest entitlement message accepted, in bytes; a larger one is `XPDRM_ERR_SEES_MESSAGE_TOO_LARGE`.
pub const XPDRM_SEES_MAX_MESSAGE_LEN: usize = 16384;
/// Deepest nesting of arrays and objects in a message (the message object is level 1); deeper is
/// `XPDRM_ERR_SEES_TOO_DEEP`.
pub const XPDRM_SEES_MAX_DEPTH: usize = 16;
/// Length of a GUID (`messageID`, `contentID`): 36 characters, `8-4-4-4-12` hex digits.
pub const XPDRM_SEES_GUID_LEN: usize = 36;
/// Longest `epTokenURL`, in bytes.
pub const XPDRM_SEES_MAX_TOKEN_URL_LEN: usize = 8192;
/// Longest `errorText`, in characters (Unicode scalar values).
pub const XPDRM_SEES_MAX_ERROR_TEXT_CHARS: usize = 1024;

const _: () = assert!(XPDRM_SEES_MAX_MESSAGE_LEN == sees::MAX_MESSAGE_LEN);
const _: () = assert!(XPDRM_SEES_MAX_DEPTH == sees::MAX_DEPTH);
const _: () = assert!(XPDRM_SEES_GUID_LEN == sees::GUID_LEN);
const _: () = assert!(XPDRM_SEES_MAX_TOKEN_URL_LEN == sees::MAX_TOKEN_URL_LEN);
const _: () = assert!(XPDRM_SEES_MAX_ERROR_TEXT_CHARS == sees::MAX_ERROR_TEXT_CHARS);

/// An entitlement request: built by a device (`xpdrm_entitlement_request_new`) or parsed by a service
/// (`xpdrm_entitlement_request_parse`, which also hands out a refused request, with `XPDRM_OK`, so that its
/// verdict and reason can be read).
/// Owned by the caller; free with `xpdrm_entitlement_request_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_entitlement_request {
    pub(crate) inner: Result<EntitlementRequest, Rejection>,
}

/// An entitlement response: built by a service (`xpdrm_entitlement_response_new`) or checked by a device
/// (`xpdrm_entitlement_response_parse`). It holds its verdict (`xpdrm_entitlement_response_status`) and,
/// unless the message itself was refused, the message's fields. It may hold a token (in `epTokenURL`),
/// which xpdrm wipes on free. Owned by the caller; free with `xpdrm_entitlement_response_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_entitlement_response {
    verdict: Status,
    reason: String,
    message: Option<EntitlementResponse>,
}

impl xpdrm_entitlement_response {
    pub(crate) fn built(message: EntitlementResponse) -> xpdrm_entitlement_response {
        let (verdict, reason) = if message.is_allowed() {
            (Status::XPDRM_OK, "the response grants the license".to_owned())
        } else {
            (Status::XPDRM_ERR_SEES_DENIED, "the response denies the license".to_owned())
        };
        xpdrm_entitlement_response { verdict, reason, message: Some(message) }
    }

    /// A device's check of an answer ([`EntitlementResponse::parse_for`]): the grant, or the denial with its
    /// status and reason (and the service's message when it denied in a valid one).
    pub(crate) fn checked(result: Result<EntitlementResponse, Denial>) -> xpdrm_entitlement_response {
        match result {
            Ok(message) => xpdrm_entitlement_response {
                verdict: Status::XPDRM_OK,
                reason: "the response grants the license".to_owned(),
                message: Some(message),
            },
            Err(Denial { status, reason, response }) => {
                xpdrm_entitlement_response { verdict: status, reason, message: response }
            }
        }
    }

    fn message(&self) -> Result<&EntitlementResponse, Status> {
        self.message.as_ref().ok_or(self.verdict)
    }
}

pub(crate) fn valid_request(req: &xpdrm_entitlement_request) -> Result<&EntitlementRequest, Status> {
    req.inner.as_ref().map_err(|r| r.status)
}

/// Creates an entitlement request (the device's side) with a fresh random GUID `messageID` (UUID v4 from
/// the operating system's random source) and version 1.
///
/// * `content_id`: the content's GUID as given at packaging (`8-4-4-4-12` hex digits, either case). Borrowed.
/// * `request_type`: `XPDRM_REQUEST_TIME_BASED`, `XPDRM_REQUEST_DEVICE_REGISTRATION` or
///   `XPDRM_REQUEST_DEVICE_BOUND`.
/// * `customer_cookie`: 1 to 32 characters (Unicode scalar values), or NULL for none. Borrowed.
/// * `out`: receives the new request on success; the caller owns it and frees it with
///   `xpdrm_entitlement_request_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_SEES_INVALID_FIELD` (`content_id` not a GUID, empty cookie);
/// `XPDRM_ERR_SEES_FIELD_TOO_LONG` (cookie over 32 characters); `XPDRM_ERR_INVALID_ARGUMENT` (another
/// `request_type`); `XPDRM_ERR_RANDOM_SOURCE`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`.
/// Nothing is written to `*out` on failure.
/// cbindgen:nullable=\[customer_cookie\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_new(
    content_id: *const c_char,
    request_type: xpdrm_request_type,
    customer_cookie: *const c_char,
    out: *mut *mut xpdrm_entitlement_request,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let content_id = unsafe { text(content_id) }?;
        let cookie = unsafe { opt_text(customer_cookie) }?;
        let t = RequestType::from_code(request_type.into()).ok_or(Status::XPDRM_ERR_INVALID_ARGUMENT)?;
        let request = EntitlementRequest::new(content_id, t, cookie).map_err(|p| p.status)?;
        out.write(into_handle(xpdrm_entitlement_request { inner: Ok(request) }));
        Ok(())
    })
}

/// Parses and checks an entitlement request received by a service. Rules: `messageID` and `contentID`
/// GUIDs, `version` 1 to 2^31-1, `requestType` 1 to 3 if present, `customerCookie` 1 to 32 characters if
/// present; integers written as integers; `null` in an optional field means absent; no duplicate keys;
/// unknown fields ignored.
///
/// * `json`, `json_len`: the request body, at most `XPDRM_SEES_MAX_MESSAGE_LEN` bytes. Borrowed.
/// * `out`: receives the request object on `XPDRM_OK`, and only then (the parse rule of CONVENTIONS); the
///   caller owns it and frees it with `xpdrm_entitlement_request_free`.
///
/// Returns `XPDRM_OK` whenever the arguments are usable, **also when the request is refused**: the request's
/// verdict is `xpdrm_entitlement_request_status` (`XPDRM_OK` for a valid request, or the first rule it broke:
/// `XPDRM_ERR_SEES_MALFORMED_JSON`, `XPDRM_ERR_SEES_NOT_AN_OBJECT`, `XPDRM_ERR_SEES_MESSAGE_TOO_LARGE`,
/// `XPDRM_ERR_SEES_TOO_DEEP`, `XPDRM_ERR_SEES_DUPLICATE_KEY`, `XPDRM_ERR_SEES_MISSING_FIELD`,
/// `XPDRM_ERR_SEES_WRONG_TYPE`, `XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE`, `XPDRM_ERR_SEES_FIELD_TOO_LONG`,
/// `XPDRM_ERR_SEES_INVALID_FIELD`); `xpdrm_entitlement_request_reason` names the field, the other readers
/// return the refusal status, and `xpdrm_entitlement_request_message_id` still gives the `messageID` if it
/// was a GUID, so that the service can address a denial to it. `XPDRM_ERR_NULL_ARGUMENT` (`out` NULL, or
/// `json` NULL with a non-zero length) writes nothing.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_parse(
    json: *const u8,
    json_len: usize,
    out: *mut *mut xpdrm_entitlement_request,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let json = unsafe { bytes(json, json_len) }?;
        let inner = EntitlementRequest::parse(json);
        out.write(into_handle(xpdrm_entitlement_request { inner }));
        Ok(())
    })
}

/// Returns the request's verdict: `XPDRM_OK` for a valid request, or the status of the rule a parsed
/// request broke. `XPDRM_ERR_NULL_ARGUMENT` for NULL.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_status(req: *const xpdrm_entitlement_request) -> xpdrm_status {
    ffi_guard!({ valid_request(unsafe { handle_ref(req) }?).map(|_| ()) })
}

/// Writes why a parsed request was refused (naming the field; never a secret), or "valid" for a valid
/// request, as NUL-terminated text into `out` (`out_cap` bytes, caller-owned; `out = NULL, out_cap = 0`
/// asks for the length).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_reason(
    req: *const xpdrm_entitlement_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { OutText::new(out, out_cap, out_len) }?;
        out.write_reason(match &req.inner {
            Ok(_) => "valid",
            Err(r) => &r.reason,
        })
    })
}

/// Writes the request's `messageID` (a GUID, 36 characters) as NUL-terminated text into `out`. For a
/// refused request this works too when its `messageID` was a GUID (so that a denial can be addressed to it).
///
/// Returns `XPDRM_OK`; the request's refusal status when it has no usable `messageID`;
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_message_id(
    req: *const xpdrm_entitlement_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(req, out, out_cap, out_len, |req, out| match &req.inner {
                Ok(r) => out.write(r.message_id()),
                Err(Rejection { message_id: Some(id), .. }) => out.write(id),
                Err(r) => Err(r.status),
            })
        }
    })
}

/// Writes the request's `version` (1 to 2^31-1) to `*out_version`.
///
/// Returns `XPDRM_OK`; the refusal status for a refused request; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_version(
    req: *const xpdrm_entitlement_request,
    out_version: *mut i32,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { out_param(out_version) }?;
        let req = valid_request(req)?;
        // At most 2^31-1 by the parse rules.
        out.write(i32::try_from(req.version()).unwrap_or(i32::MAX));
        Ok(())
    })
}

/// Writes the request's `requestType` to `*out_type`: 1, 2 or 3, or `XPDRM_REQUEST_UNSPECIFIED` (0) when
/// the request has none.
///
/// Returns `XPDRM_OK`; the refusal status for a refused request; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_type(
    req: *const xpdrm_entitlement_request,
    out_type: *mut xpdrm_request_type,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { out_param(out_type) }?;
        let req = valid_request(req)?;
        out.write(req.request_type().map_or(XPDRM_REQUEST_UNSPECIFIED, RequestType::code));
        Ok(())
    })
}

/// Writes the request's `contentID` (a GUID) as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; the refusal status for a refused request; `XPDRM_ERR_BUFFER_TOO_SMALL` with the
/// length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_content_id(
    req: *const xpdrm_entitlement_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(req, out, out_cap, out_len, |req, out| {
                let req = valid_request(req)?;
                out.write(req.content_id())
            })
        }
    })
}

/// Writes the request's `customerCookie` (1 to 32 characters, UTF-8) as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_SEES_FIELD_ABSENT` when the request has none; the refusal status for a
/// refused request; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_customer_cookie(
    req: *const xpdrm_entitlement_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(req, out, out_cap, out_len, |req, out| {
                let req = valid_request(req)?;
                out.write(req.customer_cookie().ok_or(Status::XPDRM_ERR_SEES_FIELD_ABSENT)?)
            })
        }
    })
}

/// Writes the request as JSON text (NUL-terminated, UTF-8) into `out`: the body to `POST` to SEES, with
/// `Content-Type: application/json`.
///
/// Returns `XPDRM_OK`; the refusal status for a refused request; `XPDRM_ERR_BUFFER_TOO_SMALL` with the
/// length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_to_json(
    req: *const xpdrm_entitlement_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(req, out, out_cap, out_len, |req, out| {
                let req = valid_request(req)?;
                out.write(&req.to_json())
            })
        }
    })
}

/// Frees a request. NULL does nothing. `req` must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_request_free(req: *mut xpdrm_entitlement_request) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(req) } })
}

/// Creates the answer to a request (the service's side): version 1 and the request's `messageID`.
///
/// * `req`: the request to answer. Borrowed for the call. A refused request (from
///   `xpdrm_entitlement_request_parse`) can only be denied, and only if its `messageID` was a GUID.
/// * `is_allowed`: grant the license or not.
/// * `ep_token_url`: the ExpressPlay token URL when `is_allowed` (required: an absolute http/https URL of
///   printable ASCII, at most `XPDRM_SEES_MAX_TOKEN_URL_LEN` bytes); NULL when not. Borrowed; xpdrm keeps a
///   copy that it wipes on free.
/// * `out`: receives the new response on success; the caller owns it (`xpdrm_entitlement_response_free`).
///   Add `error`/`errorText` with `xpdrm_entitlement_response_set_error`, then serialise with
///   `xpdrm_entitlement_response_to_json`.
///
/// Returns `XPDRM_OK` (also for a denial; `xpdrm_entitlement_response_status` of a denial is
/// `XPDRM_ERR_SEES_DENIED`); `XPDRM_ERR_SEES_INVALID_FIELD` or `XPDRM_ERR_SEES_FIELD_TOO_LONG` for the URL;
/// `XPDRM_ERR_INVALID_ARGUMENT` for a URL with a denial; the request's refusal status when it cannot be
/// answered so; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`. Nothing is written on failure.
/// cbindgen:nullable=\[ep_token_url\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_new(
    req: *const xpdrm_entitlement_request,
    is_allowed: bool,
    ep_token_url: *const c_char,
    out: *mut *mut xpdrm_entitlement_response,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { out_param(out) }?;
        let url = unsafe { opt_text(ep_token_url) }?;
        let message = match (is_allowed, url, &req.inner) {
            (true, None, _) => return Err(Status::XPDRM_ERR_NULL_ARGUMENT),
            (false, Some(_), _) => return Err(Status::XPDRM_ERR_INVALID_ARGUMENT),
            (true, Some(url), inner) => {
                let request = inner.as_ref().map_err(|r| r.status)?;
                EntitlementResponse::allow(request, url).map_err(|p| p.status)?
            }
            (false, None, Ok(request)) => EntitlementResponse::deny(request),
            (false, None, Err(rejection)) => match &rejection.message_id {
                Some(id) => EntitlementResponse::deny_message(id).map_err(|p| p.status)?,
                None => return Err(rejection.status),
            },
        };
        out.write(into_handle(xpdrm_entitlement_response::built(message)));
        Ok(())
    })
}

/// Sets the response's `error` (passed on to the client as `code`) and, unless `error_text` is NULL,
/// `errorText` (at most `XPDRM_SEES_MAX_ERROR_TEXT_CHARS` characters; passed on as `text`). Replaces
/// earlier values.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_SEES_FIELD_TOO_LONG` (nothing changes); the verdict of a response that
/// was refused when parsed; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`.
/// cbindgen:nullable=\[error_text\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_set_error(
    resp: *mut xpdrm_entitlement_response,
    error: i32,
    error_text: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let resp = unsafe { handle_mut(resp) }?;
        let text = unsafe { opt_text(error_text) }?;
        let verdict = resp.verdict;
        let message = resp.message.as_mut().ok_or(verdict)?;
        message.set_error(error, text).map_err(|p| p.status)
    })
}

/// Checks a response received for `req` (the device's side) and gives its verdict. The license is granted
/// only if every rule holds: `messageID` equal to the request's (exactly), `version` 1 to the request's,
/// `isAllowed` a JSON boolean and true, `epTokenURL` an http/https URL, `error`/`errorText` well-typed and
/// bounded, no duplicate keys, at most `XPDRM_SEES_MAX_MESSAGE_LEN` bytes and `XPDRM_SEES_MAX_DEPTH` levels.
/// Unknown fields are ignored.
///
/// * `req`: the request this answers; must be a valid request. Borrowed for the call.
/// * `json`, `json_len`: the response body. Borrowed.
/// * `out`: receives the response object on `XPDRM_OK`, and only then (the parse rule of CONVENTIONS); the
///   caller owns it and frees it with `xpdrm_entitlement_response_free`.
///
/// Returns `XPDRM_OK` whenever the arguments are usable, **also for a denial**: the verdict is
/// `xpdrm_entitlement_response_status` (or `xpdrm_entitlement_response_is_allowed`), and
/// `xpdrm_entitlement_response_reason` says why. The verdict is `XPDRM_OK` when the license is granted (read
/// the URL with `xpdrm_entitlement_response_ep_token_url`); `XPDRM_ERR_SEES_DENIED` when the service denied it
/// in a valid message (read `error` and `errorText`); otherwise the status of the first rule the response
/// broke, which is also a denial: `XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH`, `XPDRM_ERR_SEES_VERSION_TOO_HIGH`,
/// `XPDRM_ERR_SEES_TOKEN_URL_MISSING`, `XPDRM_ERR_SEES_MALFORMED_JSON`, `XPDRM_ERR_SEES_NOT_AN_OBJECT`,
/// `XPDRM_ERR_SEES_MESSAGE_TOO_LARGE`, `XPDRM_ERR_SEES_TOO_DEEP`, `XPDRM_ERR_SEES_DUPLICATE_KEY`,
/// `XPDRM_ERR_SEES_MISSING_FIELD`, `XPDRM_ERR_SEES_WRONG_TYPE`, `XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE`,
/// `XPDRM_ERR_SEES_FIELD_TOO_LONG`, `XPDRM_ERR_SEES_INVALID_FIELD`. Without writing `*out`:
/// `XPDRM_ERR_NULL_ARGUMENT`, and the refusal status of a refused `req`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_parse(
    req: *const xpdrm_entitlement_request,
    json: *const u8,
    json_len: usize,
    out: *mut *mut xpdrm_entitlement_response,
) -> xpdrm_status {
    ffi_guard!({
        let req = unsafe { handle_ref(req) }?;
        let out = unsafe { out_param(out) }?;
        let json = unsafe { bytes(json, json_len) }?;
        let request = valid_request(req)?;
        out.write(into_handle(xpdrm_entitlement_response::checked(EntitlementResponse::parse_for(request, json))));
        Ok(())
    })
}

/// Returns the response's verdict: `XPDRM_OK` if it grants the license, `XPDRM_ERR_SEES_DENIED` if it
/// denies it in a valid message, or the status of the rule a parsed response broke.
/// `XPDRM_ERR_NULL_ARGUMENT` for NULL.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_status(resp: *const xpdrm_entitlement_response) -> xpdrm_status {
    ffi_guard!({
        let resp = unsafe { handle_ref(resp) }?;
        if resp.verdict == Status::XPDRM_OK { Ok(()) } else { Err(resp.verdict) }
    })
}

/// Returns true only if the response grants the license (its verdict is `XPDRM_OK`); false for a denial,
/// for a refused response, and for NULL.
/// cbindgen:nullable=\[resp\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_is_allowed(resp: *const xpdrm_entitlement_response) -> bool {
    ffi_guard!(on_panic: false, {
        unsafe { handle_peek(resp) }.is_some_and(|r| r.verdict == Status::XPDRM_OK)
    })
}

/// Writes the reason for the verdict (which rule failed, naming the field; never a secret) as
/// NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_reason(
    resp: *const xpdrm_entitlement_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |resp, out| { out.write_reason(&resp.reason) }) } })
}

/// Writes `epTokenURL`, the ExpressPlay token URL, as NUL-terminated text into `out` (at most
/// `XPDRM_SEES_MAX_TOKEN_URL_LEN` bytes plus the NUL). It holds a token: a secret for the caller to use and
/// wipe, never to log.
///
/// Returns `XPDRM_OK` only for a response that grants the license; otherwise its verdict
/// (`XPDRM_ERR_SEES_DENIED`, ...) and nothing is written; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in
/// `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_ep_token_url(
    resp: *const xpdrm_entitlement_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(resp, out, out_cap, out_len, |resp, out| {
                if resp.verdict != Status::XPDRM_OK {
                    return Err(resp.verdict);
                }
                out.write(resp.message()?.ep_token_url().ok_or(Status::XPDRM_ERR_SEES_FIELD_ABSENT)?)
            })
        }
    })
}

/// Writes the response's `error` number to `*out_error`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_SEES_FIELD_ABSENT` when the response has none; the verdict of a
/// response that was refused when parsed; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_error(
    resp: *const xpdrm_entitlement_response,
    out_error: *mut i32,
) -> xpdrm_status {
    ffi_guard!({
        let resp = unsafe { handle_ref(resp) }?;
        let out = unsafe { out_param(out_error) }?;
        out.write(resp.message()?.error().ok_or(Status::XPDRM_ERR_SEES_FIELD_ABSENT)?);
        Ok(())
    })
}

/// Writes the response's `errorText` (UTF-8, at most `XPDRM_SEES_MAX_ERROR_TEXT_CHARS` characters) as
/// NUL-terminated text into `out`. The text comes from the entitlement service: treat it as untrusted.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_SEES_FIELD_ABSENT` when the response has none; the verdict of a response
/// that was refused when parsed; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_error_text(
    resp: *const xpdrm_entitlement_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(resp, out, out_cap, out_len, |resp, out| {
                out.write(resp.message()?.error_text().ok_or(Status::XPDRM_ERR_SEES_FIELD_ABSENT)?)
            })
        }
    })
}

/// Writes the response's `messageID` as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; the verdict of a response that was refused when parsed; `XPDRM_ERR_BUFFER_TOO_SMALL`
/// with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_message_id(
    resp: *const xpdrm_entitlement_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |resp, out| out.write(resp.message()?.message_id())) } })
}

/// Writes the response as JSON text (NUL-terminated, UTF-8) into `out`: the body the service answers with
/// (`Content-Type: application/json`). It holds the token URL of a grant: a secret.
///
/// Returns `XPDRM_OK`; the verdict of a response that was refused when parsed; `XPDRM_ERR_BUFFER_TOO_SMALL`
/// with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_to_json(
    resp: *const xpdrm_entitlement_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |resp, out| out.write(&resp.message()?.to_json())) } })
}

/// Frees a response, wiping the token URL it may hold. NULL does nothing. `resp` must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_entitlement_response_free(resp: *mut xpdrm_entitlement_response) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(resp) } })
}
