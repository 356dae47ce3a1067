//! AES Key Wrap: KW (RFC 3394, NIST SP 800-38F) and KWP, with padding (RFC 5649).
//!
//! ExpressPlay hands content keys around wrapped: `ek` is the content key wrapped under `kek` with KW.
//! The cipher work is RustCrypto's `aes-kw`; this module adds what a C API needs around it and what that crate
//! leaves to its caller:
//!
//! * the length rules of SP 800-38F, which `aes-kw` does not enforce: KW key data is at least two
//!   semiblocks (16 bytes) and its wrapped form at least 24 bytes; KWP key data is at least one byte and its
//!   wrapped form at least 16 bytes (`aes-kw` would "wrap" an empty key into a bare IV and "unwrap" an 8-byte
//!   input without any cipher operation);
//! * no partial output: the cipher works in a scratch buffer of ours, wiped afterwards, and the caller sees
//!   key bytes only once the integrity check has passed;
//! * a documented size limit ([`MAX_KEY_LEN`]), so that no input length can make us allocate without bound.
//!
//! The AES key schedule is wiped on drop (`aes` with its `zeroize` feature).
//!
//! [`MAX_KEY_LEN`]: crate::keywrap::MAX_KEY_LEN

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use aes_kw::{AesKw, AesKwp, InnerInit};

use crate::Status;
use crate::secret::{scrub_stack, with_scratch};

/// Which key-wrap algorithm.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// AES Key Wrap, RFC 3394 (the `ek` of the ExpressPlay token API).
    Kw,
    /// AES Key Wrap with Padding, RFC 5649.
    Kwp,
}

/// Largest key (the unwrapped data) accepted, in bytes: 64 KiB, far beyond any content key or private key.
pub const MAX_KEY_LEN: usize = 65536;

/// The AES semiblock: 8 bytes.
const SEMIBLOCK: usize = 8;

/// Checks the KEK length: 16, 24 or 32 bytes.
pub fn check_kek_len(kek_len: usize) -> Result<(), Status> {
    match kek_len {
        16 | 24 | 32 => Ok(()),
        _ => Err(Status::XPDRM_ERR_KEK_LENGTH),
    }
}

/// The length of the wrapped form of a key of `key_len` bytes, or why such a key cannot be wrapped.
pub fn wrapped_len(mode: Mode, key_len: usize) -> Result<usize, Status> {
    if key_len > MAX_KEY_LEN {
        return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
    }
    match mode {
        Mode::Kw if key_len >= 2 * SEMIBLOCK && key_len.is_multiple_of(SEMIBLOCK) => Ok(key_len + SEMIBLOCK),
        Mode::Kwp if key_len >= 1 => Ok(key_len.div_ceil(SEMIBLOCK) * SEMIBLOCK + SEMIBLOCK),
        _ => Err(Status::XPDRM_ERR_KEY_LENGTH),
    }
}

/// The largest key that a wrapped input of `wrapped_len` bytes can hold (exact for KW; for KWP the real
/// length is known only after unwrapping), or why no valid wrapped key has that length.
pub fn unwrapped_len_max(mode: Mode, wrapped_len: usize) -> Result<usize, Status> {
    if wrapped_len > MAX_KEY_LEN + 2 * SEMIBLOCK {
        return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
    }
    let min = match mode {
        Mode::Kw => 3 * SEMIBLOCK,
        Mode::Kwp => 2 * SEMIBLOCK,
    };
    if wrapped_len < min || !wrapped_len.is_multiple_of(SEMIBLOCK) {
        return Err(Status::XPDRM_ERR_WRAPPED_LENGTH);
    }
    let max = wrapped_len - SEMIBLOCK;
    if mode == Mode::Kw && max > MAX_KEY_LEN {
        return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
    }
    Ok(max)
}

/// Wraps `key` under `kek` and hands the wrapped form to `deliver`.
pub fn wrap<R>(
    mode: Mode,
    kek: &[u8],
    key: &[u8],
    deliver: impl FnOnce(&[u8]) -> Result<R, Status>,
) -> Result<R, Status> {
    check_kek_len(kek.len())?;
    let len = wrapped_len(mode, key.len())?;
    let result = with_scratch(len, |buf| deliver(wrap_into(mode, kek, key, buf)?));
    scrub_stack();
    result
}

/// Unwraps `wrapped` under `kek`, verifies its integrity, and only then hands the key to `deliver`.
///
/// The key is in memory of ours only for the duration of `deliver`, and wiped afterwards.
pub fn unwrap<R>(
    mode: Mode,
    kek: &[u8],
    wrapped: &[u8],
    deliver: impl FnOnce(&[u8]) -> Result<R, Status>,
) -> Result<R, Status> {
    check_kek_len(kek.len())?;
    let max = unwrapped_len_max(mode, wrapped.len())?;
    let result = with_scratch(max, |buf| deliver(unwrap_into(mode, kek, wrapped, buf)?));
    scrub_stack();
    result
}

/// Unwraps a KW-wrapped key given as the ExpressPlay token API writes it: `kek` and `ek` as hex text
/// (either case, no separators).
///
/// Errors: [`Status::XPDRM_ERR_INVALID_HEX`] for text that is not hex; [`Status::XPDRM_ERR_KEK_LENGTH`] and
/// [`Status::XPDRM_ERR_WRAPPED_LENGTH`] for hex of the wrong size; [`Status::XPDRM_ERR_INTEGRITY`] when the
/// key does not unwrap.
pub fn unwrap_hex<R>(
    kek_hex: &str,
    ek_hex: &str,
    deliver: impl FnOnce(&[u8]) -> Result<R, Status>,
) -> Result<R, Status> {
    let kek_len = hex_len(kek_hex)?;
    check_kek_len(kek_len)?;
    let ek_len = hex_len(ek_hex)?;
    let max = unwrapped_len_max(Mode::Kw, ek_len)?;
    // One scratch buffer for the KEK, the wrapped key and the key: a content key under a 128-bit KEK needs
    // 56 bytes, which stay on the stack.
    let result = with_scratch(kek_len + ek_len + max, |buf| {
        let (kek, rest) = buf.split_at_mut(kek_len);
        let (ek, out) = rest.split_at_mut(ek_len);
        crate::hex::decode_into(kek_hex, kek)?;
        crate::hex::decode_into(ek_hex, ek)?;
        deliver(unwrap_into(Mode::Kw, kek, ek, out)?)
    });
    scrub_stack();
    result
}

/// The cipher work of [`wrap`], for a checked KEK length and a `buf` of the wrapped length. Not generic, so
/// that the AES dispatch exists once, whatever `deliver` is.
fn wrap_into<'a>(mode: Mode, kek: &[u8], key: &[u8], buf: &'a mut [u8]) -> Result<&'a [u8], Status> {
    match kek.len() {
        16 => wrap_with::<aes::Aes128Enc>(mode, kek, key, buf),
        24 => wrap_with::<aes::Aes192Enc>(mode, kek, key, buf),
        _ => wrap_with::<aes::Aes256Enc>(mode, kek, key, buf),
    }
}

/// The cipher work of [`unwrap`], for a checked KEK length and a `buf` of at least the longest key: the key
/// is the start of `buf`. Not generic, like [`wrap_into`].
fn unwrap_into<'a>(mode: Mode, kek: &[u8], wrapped: &[u8], buf: &'a mut [u8]) -> Result<&'a [u8], Status> {
    match kek.len() {
        16 => unwrap_with::<aes::Aes128Dec>(mode, kek, wrapped, buf),
        24 => unwrap_with::<aes::Aes192Dec>(mode, kek, wrapped, buf),
        _ => unwrap_with::<aes::Aes256Dec>(mode, kek, wrapped, buf),
    }
}

/// The byte length of hex text, refusing odd lengths and text that is not hex at all. The digits' values
/// are checked in constant time later, when decoding.
fn hex_len(text: &str) -> Result<usize, Status> {
    if !crate::hex::is_hex(text) {
        return Err(Status::XPDRM_ERR_INVALID_HEX);
    }
    Ok(text.len() / 2)
}

fn wrap_with<'a, C>(mode: Mode, kek: &[u8], key: &[u8], buf: &'a mut [u8]) -> Result<&'a [u8], Status>
where
    C: BlockCipherEncrypt<BlockSize = aes::cipher::typenum::U16> + KeyInit,
{
    let cipher = C::new_from_slice(kek).map_err(|_| Status::XPDRM_ERR_KEK_LENGTH)?;
    let out = match mode {
        Mode::Kw => AesKw::<C>::inner_init(cipher).wrap_key(key, buf),
        Mode::Kwp => AesKwp::<C>::inner_init(cipher).wrap_key(key, buf),
    };
    // Lengths were checked against the same rules before; a failure here is a bug, not bad input.
    out.map_err(|_| Status::XPDRM_ERR_PANIC)
}

fn unwrap_with<'a, C>(mode: Mode, kek: &[u8], wrapped: &[u8], buf: &'a mut [u8]) -> Result<&'a [u8], Status>
where
    C: BlockCipherDecrypt<BlockSize = aes::cipher::typenum::U16> + KeyInit,
{
    let cipher = C::new_from_slice(kek).map_err(|_| Status::XPDRM_ERR_KEK_LENGTH)?;
    let out = match mode {
        Mode::Kw => AesKw::<C>::inner_init(cipher).unwrap_key(wrapped, buf),
        Mode::Kwp => AesKwp::<C>::inner_init(cipher).unwrap_key(wrapped, buf),
    };
    out.map_err(|e| match e {
        aes_kw::Error::IntegrityCheckFailed => {
            crate::xlog!(Debug, "key unwrap ({mode:?}): integrity check failed on {} wrapped bytes", wrapped.len());
            Status::XPDRM_ERR_INTEGRITY
        }
        aes_kw::Error::InvalidDataSize => Status::XPDRM_ERR_WRAPPED_LENGTH,
        aes_kw::Error::InvalidOutputSize { .. } => Status::XPDRM_ERR_PANIC,
    })
}
