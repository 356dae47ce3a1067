//! `^name` key IDs: a `kid` of `^` and a name (1 to 64 characters) stands for a key in ExpressPlay's key
//! storage, which derives that key's 16-byte KID as the first 16 bytes of SHA-1 of the name (SPEC.md §2). A
//! player that meets `^name` in a token request can thus match it with the KID in its content.

use sha1::{Digest, Sha1};

use super::Error;
use crate::Status;

/// Longest name after `^`, in characters (the `kid` row's rule).
pub const MAX_NAME_CHARS: usize = 64;

/// The KID the key storage derives for `caret_name` (`^kid1` gives `80ea8bc8a58f990ad1f76bc665b30bfa`):
/// the first 16 bytes of SHA-1 of the UTF-8 name after the `^`.
///
/// Errors, with the `kid` parameter's own codes: `XPDRM_ERR_INVALID_KID` (-4022) for nothing after `^`,
/// `XPDRM_ERR_KID_TOO_LONG` (-4021) for more than 64 characters; `XPDRM_ERR_INVALID_ARGUMENT` for a value
/// that does not start with `^` (a 32-hex-digit kid is already a KID).
pub fn kid_from_name(caret_name: &str) -> Result<[u8; 16], Error> {
    let Some(name) = caret_name.strip_prefix('^') else {
        return Err(Error::new(
            Status::XPDRM_ERR_INVALID_ARGUMENT,
            "the key ID does not start with ^: only a ^name key ID has a KID to derive (32 hexadecimal digits \
             are the KID itself)",
        ));
    };
    let chars = name.chars().count();
    if chars == 0 {
        let s = Status::XPDRM_ERR_INVALID_KID;
        return Err(Error::new(s, format!("the key ID has nothing after ^. Status {}: {}", s.code(), s.text())));
    }
    if chars > MAX_NAME_CHARS {
        let s = Status::XPDRM_ERR_KID_TOO_LONG;
        return Err(Error::new(
            s,
            format!("the key ID has {chars} characters after ^, more than 64. Status {}: {}", s.code(), s.text()),
        ));
    }
    let digest = Sha1::digest(name.as_bytes());
    let mut kid = [0u8; 16];
    kid.copy_from_slice(&digest[..16]);
    Ok(kid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(kid: [u8; 16]) -> String {
        kid.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_spec_vector_and_its_limits() {
        assert_eq!(hex(kid_from_name("^kid1").unwrap()), "80ea8bc8a58f990ad1f76bc665b30bfa");
        assert_eq!(kid_from_name("^").unwrap_err().status(), Status::XPDRM_ERR_INVALID_KID);
        assert_eq!(kid_from_name("kid1").unwrap_err().status(), Status::XPDRM_ERR_INVALID_ARGUMENT);
        assert!(kid_from_name(&format!("^{}", "\u{e9}".repeat(64))).is_ok());
        let long = format!("^{}", "a".repeat(65));
        assert_eq!(kid_from_name(&long).unwrap_err().status(), Status::XPDRM_ERR_KID_TOO_LONG);
    }
}
