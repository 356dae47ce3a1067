//! AES key wrap (KW, RFC 3394) and key wrap with padding (KWP, RFC 5649).

use core::ffi::c_char;

use crate::Status;
use crate::ffi::guard::{OutBuf, bytes, text};
use crate::keywrap::{self, Mode};
use crate::status::xpdrm_status;

/// Largest key, in bytes, that the key-wrap functions accept (64 KiB); larger inputs give
/// `XPDRM_ERR_INPUT_TOO_LARGE`.
pub const XPDRM_KEY_WRAP_MAX_KEY_LEN: usize = 65536;
const _: () = assert!(XPDRM_KEY_WRAP_MAX_KEY_LEN == keywrap::MAX_KEY_LEN);

fn unwrap_to(mode: Mode, kek: &[u8], wrapped: &[u8], out: OutBuf) -> Result<(), Status> {
    keywrap::check_kek_len(kek.len())?;
    let max = keywrap::unwrapped_len_max(mode, wrapped.len())?;
    if mode == Mode::Kw {
        // The exact size is known before any cipher work: answer size queries cheaply.
        out.reserve(max)?;
    }
    keywrap::unwrap(mode, kek, wrapped, |key| out.write(key))
}

fn wrap_to(mode: Mode, kek: &[u8], key: &[u8], out: OutBuf) -> Result<(), Status> {
    keywrap::check_kek_len(kek.len())?;
    out.reserve(keywrap::wrapped_len(mode, key.len())?)?;
    keywrap::wrap(mode, kek, key, |wrapped| out.write(wrapped))
}

/// Unwraps a key wrapped with AES Key Wrap (KW, RFC 3394 / NIST SP 800-38F), checking its integrity.
///
/// * `kek`, `kek_len`: the key-encryption key, 16, 24 or 32 bytes (AES-128/192/256). Borrowed for the call.
/// * `wrapped`, `wrapped_len`: the wrapped key, a multiple of 8 bytes, at least 24. Borrowed for the call.
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the key; the key is `wrapped_len - 8` bytes long.
///   `out` may be NULL with `out_cap == 0` to ask for the size. `out` must not overlap the inputs.
///
/// Returns `XPDRM_OK` with the key in `out` and its length in `*out_len`;
/// `XPDRM_ERR_INTEGRITY` if the integrity check fails (wrong KEK, corrupted data), writing nothing;
/// `XPDRM_ERR_KEK_LENGTH`, `XPDRM_ERR_WRAPPED_LENGTH`, `XPDRM_ERR_INPUT_TOO_LARGE` for bad lengths;
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the required size in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
///
/// No heap allocation for keys up to 64 bytes; the working copy of the key is wiped before returning.
/// Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_key_unwrap(
    kek: *const u8,
    kek_len: usize,
    wrapped: *const u8,
    wrapped_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let (kek, wrapped) = unsafe { (bytes(kek, kek_len)?, bytes(wrapped, wrapped_len)?) };
        unwrap_to(Mode::Kw, kek, wrapped, unsafe { OutBuf::new(out, out_cap, out_len) }?)
    })
}

/// Wraps a key with AES Key Wrap (KW, RFC 3394 / NIST SP 800-38F).
///
/// * `kek`, `kek_len`: the key-encryption key, 16, 24 or 32 bytes. Borrowed for the call.
/// * `key`, `key_len`: the key to wrap, a multiple of 8 bytes, at least 16. Borrowed for the call.
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the wrapped key, `key_len + 8` bytes.
///   `out` may be NULL with `out_cap == 0` to ask for the size. `out` must not overlap the inputs.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_KEK_LENGTH`, `XPDRM_ERR_KEY_LENGTH`, `XPDRM_ERR_INPUT_TOO_LARGE`;
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the required size in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
/// Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_key_wrap(
    kek: *const u8,
    kek_len: usize,
    key: *const u8,
    key_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let (kek, key) = unsafe { (bytes(kek, kek_len)?, bytes(key, key_len)?) };
        wrap_to(Mode::Kw, kek, key, unsafe { OutBuf::new(out, out_cap, out_len) }?)
    })
}

/// Unwraps a key wrapped with AES Key Wrap with Padding (KWP, RFC 5649 / NIST SP 800-38F), checking its
/// integrity and its padding.
///
/// Arguments as for `xpdrm_key_unwrap`, except that `wrapped_len` is a multiple of 8 bytes, at least 16, and
/// the key's length (1 to `wrapped_len - 8` bytes) is known only once it is unwrapped: a size query or a
/// too-small buffer reports the exact length after the integrity check has passed.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INTEGRITY` (nothing written); `XPDRM_ERR_KEK_LENGTH`,
/// `XPDRM_ERR_WRAPPED_LENGTH`, `XPDRM_ERR_INPUT_TOO_LARGE`; `XPDRM_ERR_BUFFER_TOO_SMALL`;
/// `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_key_unwrap_padded(
    kek: *const u8,
    kek_len: usize,
    wrapped: *const u8,
    wrapped_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let (kek, wrapped) = unsafe { (bytes(kek, kek_len)?, bytes(wrapped, wrapped_len)?) };
        unwrap_to(Mode::Kwp, kek, wrapped, unsafe { OutBuf::new(out, out_cap, out_len) }?)
    })
}

/// Wraps a key of any length from 1 byte to `XPDRM_KEY_WRAP_MAX_KEY_LEN` with AES Key Wrap with Padding
/// (KWP, RFC 5649 / NIST SP 800-38F).
///
/// Arguments as for `xpdrm_key_wrap`; the wrapped key is `key_len` rounded up to a multiple of 8, plus 8
/// bytes. Returns `XPDRM_OK`; `XPDRM_ERR_KEK_LENGTH`, `XPDRM_ERR_KEY_LENGTH` (empty key),
/// `XPDRM_ERR_INPUT_TOO_LARGE`; `XPDRM_ERR_BUFFER_TOO_SMALL`; `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_key_wrap_padded(
    kek: *const u8,
    kek_len: usize,
    key: *const u8,
    key_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let (kek, key) = unsafe { (bytes(kek, kek_len)?, bytes(key, key_len)?) };
        wrap_to(Mode::Kwp, kek, key, unsafe { OutBuf::new(out, out_cap, out_len) }?)
    })
}

/// Unwraps a content key in the token API's own form: `kek` and `ek` as hex text (RFC 3394 KW).
///
/// * `kek_hex`: NUL-terminated hex of a 16, 24 or 32-byte KEK, either case, no separators. Borrowed.
/// * `ek_hex`: NUL-terminated hex of the wrapped key (at least 48 hex digits). Borrowed.
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the key (`strlen(ek_hex) / 2 - 8` bytes).
///
/// Example: KEK `11111111111111111111111111111111` and ek
/// `61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6` give the key `f2434ca0f6a7de822574bf2f8190f6cd`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_HEX` for text that is not hex (odd length, other characters);
/// `XPDRM_ERR_KEK_LENGTH`, `XPDRM_ERR_WRAPPED_LENGTH`, `XPDRM_ERR_INPUT_TOO_LARGE` for hex of the wrong size;
/// `XPDRM_ERR_INTEGRITY` (nothing written); `XPDRM_ERR_BUFFER_TOO_SMALL`; `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`. Thread-safe.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_key_unwrap_hex(
    kek_hex: *const c_char,
    ek_hex: *const c_char,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        let kek_hex = unsafe { text(kek_hex) }?;
        let ek_hex = unsafe { text(ek_hex) }?;
        let out = unsafe { OutBuf::new(out, out_cap, out_len) }?;
        keywrap::unwrap_hex(kek_hex, ek_hex, |key| out.write(key))
    })
}
