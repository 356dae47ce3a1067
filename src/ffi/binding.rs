//! The device-binding flow: the device's state machine and the entitlement service's.

// `#[must_use]` is what cbindgen turns into XPDRM_MUST_USE (tests/boundary.rs requires it), and the safety
// contract of every export is its C documentation in the header (pointer validity, ownership), not a Rust
// `# Safety` section that would be copied into the header.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]

use core::ffi::c_char;

use crate::Status;
use crate::binding::{DeviceFlow, ServiceFlow, Step, device, record, token};
use crate::ffi::guard::{bytes, free_handle, handle_mut, handle_ref, into_handle, opt_text, out_param, text, text_of};
use crate::ffi::outbound::xpdrm_outbound_request;
use crate::ffi::sees::{xpdrm_entitlement_request, xpdrm_entitlement_response};
use crate::ffi::token::{xpdrm_drm, xpdrm_token_request};
use crate::outbound::{OutboundRequest, Response};
use crate::sees::Problem;
use crate::status::xpdrm_status;
use crate::token::Drm;

/// Where a device-binding flow stands; one of the `XPDRM_BINDING_STEP_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_binding_step = i32;

/// Device: call `xpdrm_binding_device_registration_request`.
pub const XPDRM_BINDING_STEP_REGISTER: xpdrm_binding_step = 1;
/// Device: give SEES's answer to `xpdrm_binding_device_handle_response`.
pub const XPDRM_BINDING_STEP_AWAIT_REGISTRATION: xpdrm_binding_step = 2;
/// Device: have the DRM make its SPC, then call `xpdrm_binding_device_spc_request`.
pub const XPDRM_BINDING_STEP_SEND_SPC: xpdrm_binding_step = 3;
/// Device: give the license server's answer to `xpdrm_binding_device_handle_response`.
pub const XPDRM_BINDING_STEP_AWAIT_SPC: xpdrm_binding_step = 4;
/// Device: call `xpdrm_binding_device_bound_request`.
pub const XPDRM_BINDING_STEP_REQUEST_BOUND: xpdrm_binding_step = 5;
/// Device: give SEES's answer to `xpdrm_binding_device_handle_response`.
pub const XPDRM_BINDING_STEP_AWAIT_BOUND: xpdrm_binding_step = 6;
/// Service: configure, then call `xpdrm_binding_service_begin`.
pub const XPDRM_BINDING_STEP_BEGIN: xpdrm_binding_step = 7;
/// Service: call `xpdrm_binding_service_record_request` (or `xpdrm_binding_service_set_device_id`).
pub const XPDRM_BINDING_STEP_LOOKUP_RECORD: xpdrm_binding_step = 8;
/// Service: give the records to `xpdrm_binding_service_handle_response`.
pub const XPDRM_BINDING_STEP_AWAIT_RECORD: xpdrm_binding_step = 9;
/// Service: call `xpdrm_binding_service_token_request`.
pub const XPDRM_BINDING_STEP_REQUEST_TOKEN: xpdrm_binding_step = 10;
/// Service: give the token server's answer to `xpdrm_binding_service_handle_response`.
pub const XPDRM_BINDING_STEP_AWAIT_TOKEN: xpdrm_binding_step = 11;
/// Done: the device reads `xpdrm_binding_device_token_url`; the service `xpdrm_binding_service_entitlement_response`.
pub const XPDRM_BINDING_STEP_DONE: xpdrm_binding_step = 12;
/// Failed: the reason function says why; the service still answers with a denial.
pub const XPDRM_BINDING_STEP_FAILED: xpdrm_binding_step = 13;

/// Largest SPC accepted by `xpdrm_binding_device_spc_request`, in bytes (1 MiB).
pub const XPDRM_BINDING_MAX_SPC_LEN: usize = 1048576;
/// Largest transaction-records answer accepted, in bytes (1 MiB).
pub const XPDRM_BINDING_MAX_RECORDS_LEN: usize = 1048576;
/// Longest URL accepted by the flows' constructors and setters, in bytes.
pub const XPDRM_BINDING_MAX_URL_LEN: usize = 2048;
/// Longest token lifetime, in seconds (30 days: the token module's limit for `expirationTime`).
pub const XPDRM_BINDING_MAX_EXPIRATION: u32 = 2592000;
/// Token lifetime when the service sets none, in seconds (one hour).
pub const XPDRM_BINDING_DEFAULT_EXPIRATION: u32 = 3600;

const _: () = assert!(XPDRM_BINDING_MAX_SPC_LEN == device::MAX_SPC_LEN);
const _: () = assert!(XPDRM_BINDING_MAX_RECORDS_LEN == record::MAX_ANSWER_LEN);
const _: () = assert!(XPDRM_BINDING_MAX_URL_LEN == device::MAX_URL_LEN);
const _: () = assert!(XPDRM_BINDING_MAX_EXPIRATION as i64 == crate::token::time::THIRTY_DAYS);
const _: () = assert!(XPDRM_BINDING_DEFAULT_EXPIRATION == token::DEFAULT_EXPIRATION_SECS);
const _: () =
    assert!(XPDRM_BINDING_STEP_FAILED == Step::Failed as i32 && XPDRM_BINDING_STEP_REGISTER == Step::Register as i32);

/// The device's side of the device-binding flow (steps 1, 2, 3 and 5 of the SEES reference flow: register
/// the cookie, send the SPC, request the device-bound entitlement, redeem). Owned by the caller; free with
/// `xpdrm_binding_device_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_binding_device {
    pub(crate) flow: DeviceFlow,
    /// Why the last modifying call on this object failed; cleared by one that succeeds.
    note: Option<String>,
}

/// The entitlement service's side of the device-binding flow, for one entitlement request. It holds the
/// customer authenticator and a copy of the content's token template, which it wipes on free. Owned by the
/// caller; free with `xpdrm_binding_service_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_binding_service {
    pub(crate) flow: ServiceFlow,
    note: Option<String>,
}

/// Records a call's outcome in the object's note and turns it into a status.
pub(crate) fn noted<T>(note: &mut Option<String>, result: Result<T, Problem>) -> Result<T, Status> {
    match result {
        Ok(v) => {
            *note = None;
            Ok(v)
        }
        Err(p) => {
            *note = Some(p.reason);
            Err(p.status)
        }
    }
}

/// A request description handed to C.
fn hand_out(out: &mut core::mem::MaybeUninit<*mut xpdrm_outbound_request>, request: OutboundRequest) {
    out.write(into_handle(xpdrm_outbound_request { inner: request }));
}

/// # Safety
/// `body` must be valid for `body_len` bytes or NULL; `content_type` NULL or a NUL-terminated string.
unsafe fn response<'a>(
    http_status: u16,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
) -> Result<Response<'a>, Status> {
    let content_type = unsafe { opt_text(content_type) }?;
    let body = unsafe { bytes(body, body_len) }?;
    Ok(Response { status: http_status, content_type, body })
}

/// Creates the device's side of a device-binding flow.
///
/// * `sees_url`: where SEES takes entitlement requests: an absolute `http`/`https` URL, at most
///   `XPDRM_BINDING_MAX_URL_LEN` bytes. Borrowed.
/// * `registration_content_id`: the GUID of the dummy content played to register the cookie (step 1).
/// * `content_id`: the GUID of the content to play (step 3).
/// * `cookie`: the correlation cookie (1 to 32 characters), or NULL to have one generated from the OS
///   random source (see `xpdrm_cookie_generate`). Borrowed.
/// * `out`: receives the flow on success, at `XPDRM_BINDING_STEP_REGISTER`; free it with
///   `xpdrm_binding_device_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_BASE_URL` (URL); `XPDRM_ERR_SEES_INVALID_FIELD` (content ID not a
/// GUID); `XPDRM_ERR_INVALID_COOKIE` (-2033); `XPDRM_ERR_RANDOM_SOURCE`; `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`. Nothing is written on failure.
/// cbindgen:nullable=\[cookie\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_new(
    sees_url: *const c_char,
    registration_content_id: *const c_char,
    content_id: *const c_char,
    cookie: *const c_char,
    out: *mut *mut xpdrm_binding_device,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let sees_url = unsafe { text(sees_url) }?;
        let registration_content_id = unsafe { text(registration_content_id) }?;
        let content_id = unsafe { text(content_id) }?;
        let cookie = unsafe { opt_text(cookie) }?;
        let flow = DeviceFlow::new(sees_url, registration_content_id, content_id, cookie).map_err(|p| p.status)?;
        out.write(into_handle(xpdrm_binding_device { flow, note: None }));
        Ok(())
    })
}

/// Step 1: hands out the cookie registration for SEES: `POST <sees_url>`, `Content-Type: application/json`,
/// body an entitlement request of type 2 (device registration) for the dummy content, with the cookie and a
/// fresh `messageID`. Then give SEES's answer to `xpdrm_binding_device_handle_response`.
///
/// `out` receives a new request description on success (free it with `xpdrm_outbound_request_free`).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_REGISTER`;
/// `XPDRM_ERR_BINDING_FAILED` after a failure; `XPDRM_ERR_RANDOM_SOURCE` (the flow stays where it is);
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_registration_request(
    dev: *mut xpdrm_binding_device,
    out: *mut *mut xpdrm_outbound_request,
) -> xpdrm_status {
    ffi_guard!({
        let dev = unsafe { handle_mut(dev) }?;
        let out = unsafe { out_param(out) }?;
        hand_out(out, noted(&mut dev.note, dev.flow.registration_request())?);
        Ok(())
    })
}

/// Step 2: hands out the SPC request: `POST` of the SPC to the cookie-bound token URL that SEES returned in
/// step 1, `Content-Type: application/octet-stream`. Its URL holds a token. Then give the license server's
/// answer to `xpdrm_binding_device_handle_response` (any 2xx status will do; the body is not used).
///
/// * `spc`, `spc_len`: the DRM's SPC (challenge), 1 to `XPDRM_BINDING_MAX_SPC_LEN` bytes. Borrowed.
/// * `out`: receives a new request description on success (free with `xpdrm_outbound_request_free`).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_SEND_SPC`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_ARGUMENT` (empty SPC) and `XPDRM_ERR_INPUT_TOO_LARGE`
/// (the flow stays where it is); `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_spc_request(
    dev: *mut xpdrm_binding_device,
    spc: *const u8,
    spc_len: usize,
    out: *mut *mut xpdrm_outbound_request,
) -> xpdrm_status {
    ffi_guard!({
        let dev = unsafe { handle_mut(dev) }?;
        let out = unsafe { out_param(out) }?;
        let spc = unsafe { bytes(spc, spc_len) }?;
        hand_out(out, noted(&mut dev.note, dev.flow.spc_request(spc))?);
        Ok(())
    })
}

/// Step 3: hands out the device-bound entitlement request for SEES: `POST <sees_url>`, an entitlement
/// request of type 3 (device-bound) for the content, with the same cookie. Then give SEES's answer to
/// `xpdrm_binding_device_handle_response`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_REQUEST_BOUND`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_RANDOM_SOURCE`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_bound_request(
    dev: *mut xpdrm_binding_device,
    out: *mut *mut xpdrm_outbound_request,
) -> xpdrm_status {
    ffi_guard!({
        let dev = unsafe { handle_mut(dev) }?;
        let out = unsafe { out_param(out) }?;
        hand_out(out, noted(&mut dev.note, dev.flow.bound_request())?);
        Ok(())
    })
}

/// Takes the answer to the request handed out last (steps 1, 2 and 3) and moves the flow on.
///
/// * `http_status`: the HTTP status code. A status outside 2xx fails the flow.
/// * `content_type`: the `Content-Type` header, or NULL (not used to decide anything). Borrowed.
/// * `body`, `body_len`: the body. Borrowed for the call. SEES's answers are checked as entitlement
///   responses against the request they answer (see `xpdrm_entitlement_response_parse`).
///
/// Returns `XPDRM_OK`. A bad answer fails the flow (`XPDRM_BINDING_STEP_FAILED`) and returns why:
/// `XPDRM_ERR_BINDING_HTTP_STATUS`, `XPDRM_ERR_SEES_DENIED`, `XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH`, or any other
/// entitlement-response status. `XPDRM_ERR_BINDING_WRONG_STATE` when no answer is awaited and
/// `XPDRM_ERR_BINDING_FAILED` after a failure (the flow is unchanged); `XPDRM_ERR_INVALID_UTF8`
/// (`content_type`) and `XPDRM_ERR_NULL_ARGUMENT` (also unchanged).
/// cbindgen:nullable=\[content_type\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_handle_response(
    dev: *mut xpdrm_binding_device,
    http_status: u16,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
) -> xpdrm_status {
    ffi_guard!({
        let dev = unsafe { handle_mut(dev) }?;
        let response = unsafe { response(http_status, content_type, body, body_len) }?;
        noted(&mut dev.note, dev.flow.handle_response(response))
    })
}

/// Step 5: writes the device-bound token URL, for the player's DRM to redeem, as NUL-terminated text into
/// `out` (at most `XPDRM_SEES_MAX_TOKEN_URL_LEN` bytes plus the NUL). It holds a token: use it, wipe it,
/// never log it.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_DONE`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_token_url(
    dev: *const xpdrm_binding_device,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(dev, out, out_cap, out_len, |dev, out| out.write(dev.flow.token_url().map_err(|p| p.status)?))
        }
    })
}

/// Writes where the flow stands (`XPDRM_BINDING_STEP_*`) to `*out_step`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_step(
    dev: *const xpdrm_binding_device,
    out_step: *mut xpdrm_binding_step,
) -> xpdrm_status {
    ffi_guard!({
        let dev = unsafe { handle_ref(dev) }?;
        let out = unsafe { out_param(out_step) }?;
        out.write(dev.flow.step() as i32);
        Ok(())
    })
}

/// Writes, as NUL-terminated text into `out`: if the most recent call that modifies the flow (one taking a
/// non-const `xpdrm_binding_device *`) failed, why; otherwise why the flow failed, or where it stands.
/// Never a secret.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_reason(
    dev: *const xpdrm_binding_device,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(dev, out, out_cap, out_len, |dev, out| {
                out.write_reason(&dev.note.clone().unwrap_or_else(|| dev.flow.describe()))
            })
        }
    })
}

/// Writes the flow's cookie (given or generated; 1 to 32 characters, UTF-8) as NUL-terminated text into
/// `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_cookie(
    dev: *const xpdrm_binding_device,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(dev, out, out_cap, out_len, |dev, out| { out.write(dev.flow.cookie()) }) } })
}

/// Frees the device's flow, wiping the token URLs it holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_device_free(dev: *mut xpdrm_binding_device) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(dev) } })
}

/// Creates the service's side of a device-binding flow, for one entitlement request.
///
/// * `drm`: `XPDRM_DRM_FAIRPLAY`, `XPDRM_DRM_WIDEVINE` or `XPDRM_DRM_PLAYREADY`: whose token server to ask.
///   Device-bound requests (type 3) need PlayReady (FairPlay fails with -6008, Widevine with -7002).
/// * `customer_authenticator`: `<customer id digits>,<32 hex digits>` (the rule of the token parameter
///   `customerAuthenticator`), a secret: xpdrm keeps a copy that it never logs and wipes on free. The flow
///   sends it to the token server and to the record retrieval. Borrowed.
/// * `out`: receives the flow on success, at `XPDRM_BINDING_STEP_BEGIN`; free it with
///   `xpdrm_binding_service_free`.
///
/// Then give it the content's token parameters with `xpdrm_binding_service_set_token_template`. Defaults:
/// no token parameters (a token request then fails with the code of the first parameter the DRM
/// requires), the DRM's test token server, the test record retrieval
/// (`https://api.test.expressplay.com/cmiapi/getrecord/`), tokens valid for one hour.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_MISSING_AUTHENTICATOR` (-2017, empty); `XPDRM_ERR_INVALID_AUTHENTICATOR`
/// (-2018); `XPDRM_ERR_UNKNOWN_DRM`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_new(
    drm: xpdrm_drm,
    customer_authenticator: *const c_char,
    out: *mut *mut xpdrm_binding_service,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let authenticator = unsafe { text(customer_authenticator) }?;
        let drm = Drm::from_code(drm)?;
        let flow = ServiceFlow::new(drm, authenticator).map_err(|p| p.status)?;
        out.write(into_handle(xpdrm_binding_service { flow, note: None }));
        Ok(())
    })
}

/// Sets the token server URL, for instance a local test server or a proxy, checked as by
/// `xpdrm_token_request_set_base_url` (an absolute `http`/`https` URL of printable ASCII with a host, without
/// user information, query or fragment, at most `XPDRM_BINDING_MAX_URL_LEN` bytes). It overrides the base
/// URL of the token template, whether the template is set before or after. Without it, token requests go
/// to the template's base URL: the DRM's test service unless the template was aimed elsewhere with
/// `xpdrm_token_request_set_environment` or `xpdrm_token_request_set_base_url`. Before
/// `xpdrm_binding_service_begin` only.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_BASE_URL`; `XPDRM_ERR_BINDING_WRONG_STATE` after `begin`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`. A refused URL changes
/// nothing; `xpdrm_binding_service_reason` says what is wrong.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_token_base_url(
    svc: *mut xpdrm_binding_service,
    url: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let url = unsafe { text(url) }?;
        noted(&mut svc.note, svc.flow.set_token_base_url(url))
    })
}

/// Sets the record retrieval URL (`getrecord`; an absolute `http`/`https` URL with a host, without user
/// information, at most `XPDRM_BINDING_MAX_URL_LEN` bytes; the query is appended to it, after `&` if it has
/// one already). Before `begin` only.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_BASE_URL`; `XPDRM_ERR_BINDING_WRONG_STATE` after `begin`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_record_base_url(
    svc: *mut xpdrm_binding_service,
    url: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let url = unsafe { text(url) }?;
        noted(&mut svc.note, svc.flow.set_record_base_url(url))
    })
}

/// Sets the lifetime of the tokens the flow requests (`expirationTime=+<seconds>`), checked by the rule of
/// the token parameter `expirationTime`: at most `XPDRM_BINDING_MAX_EXPIRATION` seconds;
/// `XPDRM_BINDING_DEFAULT_EXPIRATION` if never set. Before `begin` only.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_EXPIRATION_TIME` (-2002); `XPDRM_ERR_BINDING_WRONG_STATE` after
/// `begin`; `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_expiration(
    svc: *mut xpdrm_binding_service,
    seconds: u32,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        noted(&mut svc.note, svc.flow.set_expiration(seconds))
    })
}

/// Sets the content's token parameters (keys, rights, output protection, ...): a token request built with
/// `xpdrm_token_request_new` and `xpdrm_token_request_set` (each value checked when it was set), which every
/// token request of this flow starts from. The flow adds `customerAuthenticator`, `expirationTime`, and
/// each request's `cookie` and `deviceId` through the same checks.
///
/// * `svc`: the flow (modified).
/// * `token_template`: a request for the flow's DRM. It must pass the whole-request check of
///   `xpdrm_token_request_form` now (required parameters, rules across parameters), so that a missing
///   parameter shows here rather than in the middle of a flow. It must not hold a parameter the flow sets
///   itself: `customerAuthenticator` (given to `xpdrm_binding_service_new`), `expirationTime` (see
///   `xpdrm_binding_service_set_expiration`), `cookie` or `deviceId` (taken from each entitlement request);
///   such a template is refused, not overridden. Its base URL is where token requests go (see
///   `xpdrm_binding_service_set_token_base_url`). Borrowed for the call: the flow keeps its own copy (wiped
///   on free), so the caller may change or free its request at once; it keeps owning it and frees it with
///   `xpdrm_token_request_free`.
///
/// Replaces an earlier template. Before `xpdrm_binding_service_begin` only.
///
/// Returns `XPDRM_OK`; the whole-request check's code (for example `XPDRM_ERR_MISSING_KID`, -4018, or
/// `XPDRM_ERR_INVALID_IV`, -6003); `XPDRM_ERR_INVALID_ARGUMENT` (a parameter the flow sets itself, or a
/// template for another DRM); `XPDRM_ERR_BINDING_WRONG_STATE` after `begin`; `XPDRM_ERR_BINDING_FAILED`;
/// `XPDRM_ERR_NULL_ARGUMENT`. A refused template changes nothing; `xpdrm_binding_service_reason` says why
/// (naming the parameter and the rule, never a value).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_token_template(
    svc: *mut xpdrm_binding_service,
    token_template: *const xpdrm_token_request,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let token_template = unsafe { handle_ref(token_template) }?;
        noted(&mut svc.note, svc.flow.set_token_template(token_template.request()))
    })
}

/// Sets the device the cookie must lead to (for instance the one registered to the customer's account): a
/// record lookup, or `xpdrm_binding_service_set_device_id`, that gives another device fails the flow with
/// `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH`. Compared as by `xpdrm_device_id_match`. Before `begin` only.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_DEVICE_ID_EMPTY`; `XPDRM_ERR_INPUT_TOO_LARGE`;
/// `XPDRM_ERR_BINDING_WRONG_STATE`; `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_expected_device_id(
    svc: *mut xpdrm_binding_service,
    device_id: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let id = unsafe { text(device_id) }?;
        noted(&mut svc.note, svc.flow.set_expected_device_id(id))
    })
}

/// Starts the flow on the entitlement request to answer (from `xpdrm_entitlement_request_parse`). By
/// `requestType`: 2 (registration) and 1 (time-based) go to `XPDRM_BINDING_STEP_REQUEST_TOKEN`; 3
/// (device-bound) to `XPDRM_BINDING_STEP_LOOKUP_RECORD`.
///
/// * `req`: borrowed for the call (the flow keeps its own copy). A request that was refused when parsed
///   fails the flow at once; so does one the flow cannot serve. A failed flow still gives an entitlement
///   response: a denial carrying the failure's status as `error` (see
///   `xpdrm_binding_service_entitlement_response`).
///
/// Returns `XPDRM_OK`. Failing the flow: the refused request's status; `XPDRM_ERR_SEES_MISSING_FIELD` (no
/// `requestType`; no `customerCookie` for type 2 or 3); `XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED`
/// (-6008) and `XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED` (-7002) for type 3. Without changing
/// anything: `XPDRM_ERR_BINDING_WRONG_STATE` (already begun), `XPDRM_ERR_BINDING_FAILED`,
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_begin(
    svc: *mut xpdrm_binding_service,
    req: *const xpdrm_entitlement_request,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let req = unsafe { handle_ref(req) }?;
        let result = match &req.inner {
            Ok(request) => svc.flow.begin(request),
            Err(rejection) => svc.flow.begin_rejected(rejection),
        };
        noted(&mut svc.note, result)
    })
}

/// Hands out the transaction-record lookup: `GET <record base>?customerAuthenticator=...&cookie=...`. Its
/// URL holds the customer authenticator: never log it (use `xpdrm_outbound_request_redacted_url`). Then
/// give the answer to `xpdrm_binding_service_handle_response`. (Another source of device IDs may call
/// `xpdrm_binding_service_set_device_id` instead.)
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_LOOKUP_RECORD`;
/// `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_record_request(
    svc: *mut xpdrm_binding_service,
    out: *mut *mut xpdrm_outbound_request,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let out = unsafe { out_param(out) }?;
        hand_out(out, noted(&mut svc.note, svc.flow.record_request())?);
        Ok(())
    })
}

/// Gives the flow the device ID from a source other than the record lookup (instead of
/// `xpdrm_binding_service_record_request` or instead of its answer). The flow then goes to
/// `XPDRM_BINDING_STEP_REQUEST_TOKEN`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH` when an expected device was set and this is
/// another (the flow fails); `XPDRM_ERR_DEVICE_ID_EMPTY` and `XPDRM_ERR_INPUT_TOO_LARGE` (unchanged);
/// `XPDRM_ERR_BINDING_WRONG_STATE` unless at `XPDRM_BINDING_STEP_LOOKUP_RECORD` or
/// `XPDRM_BINDING_STEP_AWAIT_RECORD`; `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_set_device_id(
    svc: *mut xpdrm_binding_service,
    device_id: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let id = unsafe { text(device_id) }?;
        noted(&mut svc.note, svc.flow.set_device_id(id))
    })
}

/// Hands out the token request: a `POST` to the token server of an `application/x-www-form-urlencoded`
/// body (as `xpdrm_token_request_form` writes it) with the template's parameters, `customerAuthenticator`,
/// `expirationTime=+<seconds>`, the request's `cookie` and, for a device-bound request, the looked-up
/// `deviceId`. The body holds secrets. Then give the answer to `xpdrm_binding_service_handle_response`.
///
/// Returns `XPDRM_OK`. Failing the flow, with the code the token server would answer:
/// `XPDRM_ERR_DEVICE_ID_NOT_32_HEX` (-5004: PlayReady's `deviceId` must be 32 hex digits),
/// `XPDRM_ERR_INVALID_COOKIE` (-2033), or the whole-request check's code when no template was set (the
/// first parameter the DRM requires). Unchanged: `XPDRM_ERR_BINDING_WRONG_STATE` unless at
/// `XPDRM_BINDING_STEP_REQUEST_TOKEN`; `XPDRM_ERR_BINDING_FAILED`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_token_request(
    svc: *mut xpdrm_binding_service,
    out: *mut *mut xpdrm_outbound_request,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let out = unsafe { out_param(out) }?;
        hand_out(out, noted(&mut svc.note, svc.flow.token_request())?);
        Ok(())
    })
}

/// Takes the answer to the request handed out last and moves the flow on.
///
/// * After the record lookup: the transaction records, in the format documented in the README ("SEES
///   entitlement and device binding"): a JSON array of records, or an object holding it under `records` or
///   `transactions`; each record with `cookie` and `device_id` (or `deviceId`).
/// * After the token request: the token server's answer, read as by `xpdrm_token_response_parse`
///   (PlayReady's JSON `{"licenseAcquisitionUrl": ..., "token": ...}`, FairPlay's and Widevine's
///   `text/uri-list`, JSON and HTML errors). The device gets the license URL with the token (see
///   `xpdrm_token_response_license_url`) as `epTokenURL`.
///
/// Returns `XPDRM_OK`. A bad answer fails the flow and returns why: `XPDRM_ERR_BINDING_HTTP_STATUS` (records
/// not 2xx), `XPDRM_ERR_BINDING_NO_RECORD`, `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH` (the cookie's records name
/// two devices, or not the expected one), `XPDRM_ERR_BINDING_RECORDS_INVALID`; the token server's own code
/// when xpdrm knows it (e.g. -2018); `XPDRM_ERR_BINDING_TOKEN_REFUSED` for any other token answer without a
/// token (an error without a code or with an unknown one, an answer `xpdrm_token_response_parse` refuses,
/// a license URL longer than `XPDRM_SEES_MAX_TOKEN_URL_LEN`), the reason naming the HTTP status and the
/// code or the parse status. Unchanged: `XPDRM_ERR_BINDING_WRONG_STATE`, `XPDRM_ERR_BINDING_FAILED`,
/// `XPDRM_ERR_INVALID_UTF8`, `XPDRM_ERR_NULL_ARGUMENT`.
/// cbindgen:nullable=\[content_type\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_handle_response(
    svc: *mut xpdrm_binding_service,
    http_status: u16,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_mut(svc) }?;
        let response = unsafe { response(http_status, content_type, body, body_len) }?;
        noted(&mut svc.note, svc.flow.handle_response(response))
    })
}

/// Creates the entitlement response to send to the device: at `XPDRM_BINDING_STEP_DONE` a grant with the
/// token URL; at `XPDRM_BINDING_STEP_FAILED` a denial whose `error` is the failure's status code and whose
/// `errorText` is that status's text (see `xpdrm_status_str`; no detail that could leak). Serialise it with
/// `xpdrm_entitlement_response_to_json`.
///
/// `out` receives a new response on success (free with `xpdrm_entitlement_response_free`).
///
/// Returns `XPDRM_OK` (for a grant and for a denial; `xpdrm_entitlement_response_is_allowed` tells them
/// apart); the refusal status of a request whose `messageID` was unreadable (no response can be addressed:
/// answer with an HTTP error); `XPDRM_ERR_BINDING_WRONG_STATE` before the end; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_entitlement_response(
    svc: *const xpdrm_binding_service,
    out: *mut *mut xpdrm_entitlement_response,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_ref(svc) }?;
        let out = unsafe { out_param(out) }?;
        let message = svc.flow.entitlement_response().map_err(|p| p.status)?;
        out.write(into_handle(xpdrm_entitlement_response::built(message)));
        Ok(())
    })
}

/// Writes the fingerprint of the device ID the flow found (64 lowercase hex digits, safe to log; see
/// `xpdrm_device_id_fingerprint`) as NUL-terminated text into `out`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BINDING_WRONG_STATE` when the flow has no device ID (not a device-bound
/// request, not looked up yet, or failed); `XPDRM_ERR_BUFFER_TOO_SMALL` with 64 in `*out_len`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_device_id_fingerprint(
    svc: *const xpdrm_binding_service,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(svc, out, out_cap, out_len, |svc, out| {
                out.write(&svc.flow.device_id_fingerprint().ok_or(Status::XPDRM_ERR_BINDING_WRONG_STATE)?)
            })
        }
    })
}

/// Writes where the flow stands (`XPDRM_BINDING_STEP_*`) to `*out_step`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_step(
    svc: *const xpdrm_binding_service,
    out_step: *mut xpdrm_binding_step,
) -> xpdrm_status {
    ffi_guard!({
        let svc = unsafe { handle_ref(svc) }?;
        let out = unsafe { out_param(out_step) }?;
        out.write(svc.flow.step() as i32);
        Ok(())
    })
}

/// Writes, as NUL-terminated text into `out`: if the most recent call that modifies the flow (one taking a
/// non-const `xpdrm_binding_service *`) failed, why; otherwise why the flow failed, or where it stands.
/// Never a secret (device IDs appear as fingerprints).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_reason(
    svc: *const xpdrm_binding_service,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(svc, out, out_cap, out_len, |svc, out| {
                out.write_reason(&svc.note.clone().unwrap_or_else(|| svc.flow.describe()))
            })
        }
    })
}

/// Frees the service's flow, wiping the customer authenticator, token template, device ID and token URL it
/// holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_binding_service_free(svc: *mut xpdrm_binding_service) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(svc) } })
}
