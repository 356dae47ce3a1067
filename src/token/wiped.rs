//! Text that is wiped from memory when dropped.

use zeroize::Zeroize;

/// A `String` wiped when dropped, word by word: `zeroize` runs on the buffer's 8-byte-aligned middle as
/// `u64`s and on the few bytes around it. (`Zeroizing<String>` writes one byte at a time, which cost more
/// than parsing a whole token answer.) The spare capacity is wiped too.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct WipedString(String);

impl WipedString {
    pub(crate) fn new(s: String) -> WipedString {
        WipedString(s)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for WipedString {
    fn from(s: &str) -> WipedString {
        WipedString(s.to_owned())
    }
}

impl core::ops::Deref for WipedString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for WipedString {
    fn drop(&mut self) {
        // SAFETY: zeros are valid UTF-8, and the length is 0 afterwards.
        wipe(unsafe { self.0.as_mut_vec() });
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
        let w = WipedString::from("secret");
        assert_eq!(w.as_str(), "secret");
    }
}
