//! Device IDs and correlation cookies.

// `#[must_use]` is what cbindgen turns into XPDRM_MUST_USE (tests/boundary.rs requires it), and the safety
// contract of every export is its C documentation in the header (pointer validity, ownership), not a Rust
// `# Safety` section that would be copied into the header.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]

use core::ffi::c_char;

use crate::device::{cookie, id};
use crate::ffi::guard::{OutText, out_param, text};
use crate::status::xpdrm_status;

/// Longest device ID accepted, in bytes (before trimming); longer is `XPDRM_ERR_INPUT_TOO_LARGE`.
pub const XPDRM_DEVICE_ID_MAX_LEN: usize = 1024;
/// Length of a device-ID fingerprint: 64 lowercase hex digits (a buffer needs one more byte for the NUL).
pub const XPDRM_DEVICE_ID_FINGERPRINT_LEN: usize = 64;
/// Most characters (Unicode scalar values) in a cookie.
pub const XPDRM_COOKIE_MAX_CHARS: usize = 32;
/// Length of a cookie made by `xpdrm_cookie_generate`: 32 characters (a buffer needs 33 bytes).
pub const XPDRM_COOKIE_GENERATED_LEN: usize = 32;

const _: () = assert!(XPDRM_DEVICE_ID_MAX_LEN == id::MAX_LEN);
const _: () = assert!(XPDRM_DEVICE_ID_FINGERPRINT_LEN == id::FINGERPRINT_LEN);
const _: () = assert!(XPDRM_COOKIE_MAX_CHARS == cookie::MAX_CHARS);
const _: () = assert!(XPDRM_COOKIE_GENERATED_LEN == cookie::GENERATED_LEN);

/// Compares two device IDs after normalising them, in constant time.
///
/// Normalisation: surrounding ASCII whitespace (space, tab, CR, LF, form feed) is removed; an ID made only
/// of hex digits (any length) is lowercased, so hex IDs match case-insensitively; any other ID is compared
/// byte for byte. The comparison's time depends on the lengths only, not on the content.
///
/// * `a`, `b`: NUL-terminated UTF-8 device IDs, at most `XPDRM_DEVICE_ID_MAX_LEN` bytes. Borrowed.
/// * `out_match`: receives true if they match, false otherwise.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_DEVICE_ID_EMPTY` (an ID that is empty after trimming: two empty IDs do not
/// "match"); `XPDRM_ERR_INPUT_TOO_LARGE`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_device_id_match(
    a: *const c_char,
    b: *const c_char,
    out_match: *mut bool,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out_match) }?;
        let a = unsafe { text(a) }?;
        let b = unsafe { text(b) }?;
        out.write(id::matches(a, b)?);
        Ok(())
    })
}

/// Writes the fingerprint of a device ID, the lowercase hex SHA-256 of the normalised ID (normalised as in
/// `xpdrm_device_id_match`), as NUL-terminated text into `out`: `XPDRM_DEVICE_ID_FINGERPRINT_LEN` (64)
/// characters, so `out_cap` must be at least 65. The fingerprint identifies a device in logs without
/// revealing its ID; it is not salted, so an ID with little entropy could be recovered by trying candidates.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_DEVICE_ID_EMPTY`; `XPDRM_ERR_INPUT_TOO_LARGE`; `XPDRM_ERR_BUFFER_TOO_SMALL`
/// with 64 in `*out_len`; `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_device_id_fingerprint(
    id: *const c_char,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { OutText::new(out, out_cap, out_len) }?;
        let id = unsafe { text(id) }?;
        out.write(&id::fingerprint(id)?)
    })
}

/// Writes a fresh correlation cookie for the device-binding flow as NUL-terminated text into `out`: 32
/// URL-safe characters (base64url of 24 bytes from the operating system's random source), so `out_cap`
/// must be at least 33.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_RANDOM_SOURCE` if the OS random source fails (nothing is written);
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with 32 in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_cookie_generate(out: *mut c_char, out_cap: usize, out_len: *mut usize) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { OutText::new(out, out_cap, out_len) }?;
        out.write(&cookie::generate()?)
    })
}
