//! Correlation cookies: the short string that ties the steps of the device-binding flow together (SPEC.md
//! §6). The device sends it to SEES, ExpressPlay writes it into its transaction log next to the device ID
//! from the SPC, and SEES finds that device ID again by the cookie.
//!
//! A cookie is any string of 1 to [`MAX_CHARS`] characters; "characters" are Unicode scalar values (Rust
//! `char`s), which is what a JSON string holds and what ExpressPlay's `cookie` token parameter counts. xpdrm
//! generates cookies of exactly [`GENERATED_LEN`] URL-safe characters: base64url (RFC 4648 §5, no padding) of
//! 24 bytes from the operating system's random source, 192 bits that nobody can guess.

use base64ct::{Base64UrlUnpadded, Encoding};

use crate::Status;

/// Most characters a cookie may have (SPEC.md §2 and §5).
pub const MAX_CHARS: usize = 32;

/// Length of a generated cookie, in characters (and bytes: they are ASCII).
pub const GENERATED_LEN: usize = 32;

const RANDOM_BYTES: usize = GENERATED_LEN / 4 * 3;

/// A fresh cookie: 32 base64url characters from 24 random bytes.
pub fn generate() -> Result<String, Status> {
    let mut raw = [0u8; RANDOM_BYTES];
    crate::random::fill(&mut raw)?;
    let mut text = [0u8; GENERATED_LEN];
    // Cannot fail: 24 bytes are exactly 32 base64 characters.
    Base64UrlUnpadded::encode(&raw, &mut text).map(str::to_owned).map_err(|_| Status::XPDRM_ERR_PANIC)
}

/// Checks a cookie given by a caller: 1 to 32 characters, else ExpressPlay's "invalid cookie" (-2033).
pub fn check(cookie: &str) -> Result<(), Status> {
    let chars = cookie.chars().count();
    if chars == 0 || chars > MAX_CHARS { Err(Status::XPDRM_ERR_INVALID_COOKIE) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_cookies_are_32_url_safe_characters_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), GENERATED_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{a}");
        assert_ne!(a, b);
        assert_eq!(check(&a), Ok(()));
    }

    #[test]
    fn a_failing_random_source_is_a_status() {
        assert_eq!(crate::random::failing(generate), Err(Status::XPDRM_ERR_RANDOM_SOURCE));
    }

    #[test]
    fn cookie_length_counts_characters() {
        assert_eq!(check(""), Err(Status::XPDRM_ERR_INVALID_COOKIE));
        assert_eq!(check(&"x".repeat(32)), Ok(()));
        assert_eq!(check(&"x".repeat(33)), Err(Status::XPDRM_ERR_INVALID_COOKIE));
        // 32 characters of two bytes each: 64 bytes, still 32 characters.
        assert_eq!(check(&"é".repeat(32)), Ok(()));
        assert_eq!(check(&"é".repeat(33)), Err(Status::XPDRM_ERR_INVALID_COOKIE));
    }
}
