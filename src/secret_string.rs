//! Text that must not outlive its use or reach a log: the customer authenticator, token URLs, device IDs,
//! the values of a token request and the token of a response. The one secret-string type of the crate.

use zeroize::Zeroize;

/// A string that is wiped when dropped and whose `Debug` output is redacted.
///
/// The wipe runs word by word: `zeroize` on the buffer's 8-byte-aligned middle as `u64`s and on the few bytes
/// around it (`Zeroizing<String>` writes one byte at a time, which cost more than parsing a whole token
/// answer), and on the spare capacity too. Build it from a `&str` (an exact-size copy) or from a `String`
/// that is not going to grow: a `String` that reallocates leaves its old buffer behind unwiped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Takes ownership of `s`.
    pub fn new(s: String) -> SecretString {
        SecretString(s)
    }

    /// The secret text. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret text (as [`SecretString::expose`]), for the token module's many readers.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> SecretString {
        SecretString::new(s.to_owned())
    }
}

impl core::ops::Deref for SecretString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        // SAFETY: zeros are valid UTF-8, and the length is 0 afterwards.
        wipe(unsafe { self.0.as_mut_vec() });
    }
}

impl core::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SecretString(<{} bytes, redacted>)", self.0.len())
    }
}

/// Zeroes a buffer's whole capacity, word-wise where aligned, and empties it.
fn wipe(v: &mut Vec<u8>) {
    // SAFETY: every bit pattern is a valid u64 and a valid u8; `align_to_mut` keeps each part in bounds.
    let (head, words, tail) = unsafe { v.as_mut_slice().align_to_mut::<u64>() };
    head.zeroize();
    words.zeroize();
    tail.zeroize();
    v.spare_capacity_mut().zeroize();
    v.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretString::from("12345,00112233445566778899aabbccddeeff");
        assert_eq!(format!("{s:?}"), "SecretString(<38 bytes, redacted>)");
        assert_eq!(s.expose(), "12345,00112233445566778899aabbccddeeff");
        assert_eq!(s.as_str(), s.expose());
    }

    #[test]
    fn every_byte_of_the_buffer_is_wiped() {
        for len in [0usize, 1, 7, 8, 9, 63, 300] {
            // A length that is not a multiple of 8 (a byte tail) and spare capacity behind it.
            let mut v = Vec::with_capacity(len + 5);
            v.resize(len, 0xAAu8);
            wipe(&mut v);
            assert!(v.is_empty());
            let cap = v.capacity();
            assert!(cap >= len + 5);
            // SAFETY: the buffer is still allocated, and `wipe` wrote every byte of its capacity.
            let bytes = unsafe { core::slice::from_raw_parts(v.as_ptr(), cap) };
            assert!(bytes.iter().all(|&b| b == 0), "len {len}: {bytes:?}");
        }
    }
}
