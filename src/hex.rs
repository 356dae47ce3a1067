//! Hexadecimal text, as the ExpressPlay API writes keys, IDs and IVs.

use crate::Status;

/// Decodes hex text (either case) into `out`, which must be exactly `text.len() / 2` bytes long.
///
/// Constant-time in the values of the digits (it is used on KEKs and content keys), so the caller checks the
/// length first. Odd lengths and non-hex characters are [`Status::XPDRM_ERR_INVALID_HEX`]; on error `out` may
/// hold garbage and must be wiped by the caller if it was meant for a secret.
pub(crate) fn decode_into(text: &str, out: &mut [u8]) -> Result<(), Status> {
    if !text.len().is_multiple_of(2) || text.len() / 2 != out.len() {
        return Err(Status::XPDRM_ERR_INVALID_HEX);
    }
    base16ct::mixed::decode(text, out).map(|_| ()).map_err(|_| Status::XPDRM_ERR_INVALID_HEX)
}

/// True if `text` is non-empty, of even length, and only hex digits (either case). For public values.
pub fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && only_hex_digits(text)
}

/// True if every character of `text` is a hex digit (either case); any length, the empty text included. For
/// public values whose length rule the caller checks itself (a number in hex may have an odd length).
pub fn only_hex_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_cases() {
        let mut out = [0u8; 4];
        decode_into("00aBcD0f", &mut out).unwrap();
        assert_eq!(out, [0x00, 0xab, 0xcd, 0x0f]);
    }

    #[test]
    fn refuses_odd_length_wrong_length_and_non_hex() {
        let mut out = [0u8; 2];
        assert_eq!(decode_into("abc", &mut out), Err(Status::XPDRM_ERR_INVALID_HEX));
        assert_eq!(decode_into("abcdef", &mut out), Err(Status::XPDRM_ERR_INVALID_HEX));
        assert_eq!(decode_into("abcg", &mut out), Err(Status::XPDRM_ERR_INVALID_HEX));
        assert_eq!(decode_into("ab d", &mut out), Err(Status::XPDRM_ERR_INVALID_HEX));
        assert!(is_hex("0aF9") && !is_hex("") && !is_hex("0") && !is_hex("0x"));
        assert!(only_hex_digits("") && only_hex_digits("abC") && !only_hex_digits("0x1"));
    }
}
