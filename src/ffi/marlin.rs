//! Marlin token answers (SPEC.md section 7): the MS3 content URL and the BB action token. Requests and the
//! other accessors are the token exports' (`src/ffi/token.rs`).
#![allow(clippy::missing_safety_doc, clippy::double_must_use)]

use core::ffi::c_char;

use crate::ffi::guard::{OutBuf, handle_ref, text_of};
use crate::ffi::token::xpdrm_token_response;
use crate::status::xpdrm_status;

/// Writes the content URL of an MS3 answer: the compound URL's fragment, percent-decoded (the stream's URL
/// as the request's `contentURL` gave it: `https://.../stream.mpd`, `hls://.../master.m3u8`). Safe to log.
///
/// * `resp`: the response (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated URL (size query allowed).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_RESPONSE_IS_ERROR` if the answer is an error;
/// `XPDRM_ERR_RESPONSE_NO_CONTENT_URL` for an answer of another DRM, or a compound URL without a fragment (a
/// request without `contentURL`); `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`;
/// `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_content_url(
    resp: *const xpdrm_token_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |h, out| { out.write(h.resp.content_url()?) }) } })
}

/// Copies the action token of a Marlin BB answer: the body exactly as the server sent it (XML, checked
/// well-formed with an `ActionToken` root), to hand to the Marlin agent unchanged. Not NUL-terminated. It
/// authorises a license or a registration: do not log it, and wipe your copy when done.
///
/// A caller buffer rather than the sketch's `xpdrm_bytes`: every response accessor takes one, the size query
/// works as for them, and it needs no `http` feature.
///
/// * `resp`: the response (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the bytes; `out` may be NULL with `out_cap == 0` to
///   ask for the size.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_RESPONSE_IS_ERROR` if the answer is an error;
/// `XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN` for an answer of another DRM; `XPDRM_ERR_BUFFER_TOO_SMALL` with the
/// length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`. (For a BB answer, `xpdrm_token_response_license_url`,
/// `_license_base_url` and `_token` return `XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN`.)
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_action_token(
    resp: *const xpdrm_token_response,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_ref(resp) }?;
        let out = unsafe { OutBuf::new(out, out_cap, out_len) }?;
        out.write(h.resp.action_token()?)
    })
}
