//! Device IDs: normalisation, constant-time comparison, and fingerprints that are safe to log.
//!
//! A device ID is what a DRM client identifies itself with (PlayReady's `deviceId` is 32 hex digits; the
//! `device_id` of a FairPlay SPC comes back from transaction records). xpdrm treats it as sensitive: it is
//! held in memory that is wiped on drop, compared in constant time, and logged only as a fingerprint.
//!
//! # Normalisation
//!
//! 1. Surrounding ASCII whitespace (space, tab, CR, LF, form feed) is removed. Nothing else is: inner
//!    whitespace and non-ASCII characters are part of the ID.
//! 2. An ID made only of hexadecimal digits (`0-9`, `a-f`, `A-F`; any length) is lowercased, so hex IDs
//!    compare case-insensitively. Any other ID (base64, GUIDs with dashes, free text) is kept byte for byte
//!    and compared case-sensitively.
//! 3. An ID that is empty after step 1 is refused ([`Status::XPDRM_ERR_DEVICE_ID_EMPTY`]); an ID longer than
//!    [`MAX_LEN`] bytes before trimming is refused ([`Status::XPDRM_ERR_INPUT_TOO_LARGE`]).
//!
//! # Timing
//!
//! Steps 2 and the comparison run in time that depends on the lengths only, not on the bytes: the "all hex"
//! decision and the lowercasing are computed with `subtle`'s constant-time operations over every byte, and
//! the comparison is `subtle`'s `ConstantTimeEq` on the normalised bytes. Lengths are not hidden (the
//! trimming, and a comparison of IDs of different lengths, take length-dependent time).
//!
//! # Fingerprints
//!
//! The fingerprint is the lowercase hex SHA-256 (64 characters) of the normalised ID's UTF-8 bytes. It
//! identifies a device in logs without revealing its ID. It is not salted: an ID with little entropy (a
//! serial number, say) can be recovered by trying candidates, so fingerprints are for logs, not for
//! publication.

use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater, ConstantTimeLess};
use zeroize::Zeroizing;

use crate::Status;

/// Longest device ID accepted, in bytes, before trimming.
pub const MAX_LEN: usize = 1024;

/// Length of a fingerprint: 64 lowercase hex digits.
pub const FINGERPRINT_LEN: usize = 64;

/// A normalised device ID; wiped on drop, redacted in `Debug`.
#[derive(Clone)]
pub struct DeviceId(Zeroizing<Vec<u8>>);

fn in_range(b: u8, lo: u8, hi: u8) -> Choice {
    !b.ct_lt(&lo) & !b.ct_gt(&hi)
}

fn is_hex_digit(b: u8) -> Choice {
    in_range(b, b'0', b'9') | in_range(b, b'a', b'f') | in_range(b, b'A', b'F')
}

impl DeviceId {
    /// Normalises `raw` (see the module documentation).
    pub fn new(raw: &str) -> Result<DeviceId, Status> {
        if raw.len() > MAX_LEN {
            return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
        }
        let trimmed = raw.as_bytes().trim_ascii();
        if trimmed.is_empty() {
            return Err(Status::XPDRM_ERR_DEVICE_ID_EMPTY);
        }
        let mut all_hex = Choice::from(1);
        for &b in trimmed {
            all_hex &= is_hex_digit(b);
        }
        let mut out = Zeroizing::new(Vec::with_capacity(trimmed.len()));
        for &b in trimmed {
            let lower = u8::conditional_select(&b, &(b | 0x20), in_range(b, b'A', b'F') & all_hex);
            out.push(lower);
        }
        Ok(DeviceId(out))
    }

    /// Constant-time equality of two normalised IDs (the lengths are not hidden).
    pub fn ct_matches(&self, other: &DeviceId) -> bool {
        bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }

    /// The lowercase hex SHA-256 of the normalised ID: safe to log.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_slice());
        let mut buf = [0u8; FINGERPRINT_LEN];
        // Cannot fail: the buffer holds exactly two digits per byte.
        base16ct::lower::encode_str(&digest, &mut buf).map(str::to_owned).unwrap_or_default()
    }

    /// The normalised ID as text. It is sensitive: callers must not log it.
    pub fn expose(&self) -> &str {
        // Normalisation only lowercases ASCII letters in an all-ASCII ID, so the bytes stay UTF-8.
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl core::fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DeviceId(fingerprint {})", self.fingerprint())
    }
}

/// Normalises both IDs and compares them in constant time.
pub fn matches(a: &str, b: &str) -> Result<bool, Status> {
    Ok(DeviceId::new(a)?.ct_matches(&DeviceId::new(b)?))
}

/// The fingerprint of an ID (see the module documentation).
pub fn fingerprint(id: &str) -> Result<String, Status> {
    Ok(DeviceId::new(id)?.fingerprint())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_compare_case_insensitively_after_trimming() {
        assert_eq!(matches("  0123456789ABCDEFabcdef0123456789\r\n", "0123456789abcdefABCDEF0123456789"), Ok(true));
        assert_eq!(matches("\t00ff", "00FF "), Ok(true));
        assert_eq!(matches("00ff", "00fe"), Ok(false));
        assert_eq!(matches("00ff", "00ff00"), Ok(false));
        // Odd-length hex is still hex.
        assert_eq!(matches("ABC", "abc"), Ok(true));
    }

    #[test]
    fn other_ids_compare_byte_for_byte() {
        assert_eq!(matches("Device-AB", "Device-AB"), Ok(true));
        assert_eq!(matches("Device-AB", "device-ab"), Ok(false));
        // One non-hex character anywhere keeps the whole ID exact.
        assert_eq!(matches("ABCDEFG", "abcdefg"), Ok(false));
        assert_eq!(matches("dGVzdA==", "dGVzdA=="), Ok(true));
        // Inner whitespace and non-ASCII text are part of the ID; only ASCII whitespace is trimmed.
        assert_eq!(matches("ab cd", "abcd"), Ok(false));
        assert_eq!(matches("\u{a0}ab", "ab"), Ok(false));
        assert_eq!(matches("Gerät", " Gerät "), Ok(true));
    }

    #[test]
    fn empty_and_oversized_ids_are_refused() {
        assert_eq!(matches("", "ab"), Err(Status::XPDRM_ERR_DEVICE_ID_EMPTY));
        assert_eq!(matches("ab", " \t\r\n"), Err(Status::XPDRM_ERR_DEVICE_ID_EMPTY));
        assert_eq!(fingerprint("   "), Err(Status::XPDRM_ERR_DEVICE_ID_EMPTY));
        let long = "a".repeat(MAX_LEN + 1);
        assert_eq!(matches(&long, "a"), Err(Status::XPDRM_ERR_INPUT_TOO_LARGE));
        assert!(DeviceId::new(&"a".repeat(MAX_LEN)).is_ok());
    }

    #[test]
    fn fingerprint_is_sha256_of_the_normalised_id() {
        // SHA-256("abc") is the FIPS 180-2 example.
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(fingerprint("abc").unwrap(), expected);
        assert_eq!(fingerprint(" ABC\n").unwrap(), expected);
        assert_ne!(fingerprint("Abc-").unwrap(), fingerprint("abc-").unwrap());
        assert_eq!(fingerprint("x").unwrap().len(), FINGERPRINT_LEN);
    }

    #[test]
    fn debug_shows_the_fingerprint_not_the_id() {
        let id = DeviceId::new("0123456789abcdef0123456789abcdef").unwrap();
        let shown = format!("{id:?}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains(&id.fingerprint()));
        assert_eq!(DeviceId::new(" AB ").unwrap().expose(), "ab");
    }
}
