//! SEES entitlement messages (SPEC.md §5), both sides, without I/O.
//!
//! * A device (or a license server) builds an [`EntitlementRequest`] with a fresh GUID `messageID` and
//!   protocol version 1, serialises it, and later checks the service's answer with
//!   [`EntitlementResponse::parse_for`], which grants only a response that passes every rule.
//! * An entitlement service parses the request with [`EntitlementRequest::parse`] and answers with
//!   [`EntitlementResponse::allow`] or [`EntitlementResponse::deny`].
//!
//! # Rules and limits
//!
//! | field | request | response |
//! |---|---|---|
//! | `messageID` | required string, a GUID (`8-4-4-4-12` hex digits, either case, 36 characters) | required string, equal to the request's (exact comparison) |
//! | `version` | required integer, 1 to 2^31-1 (xpdrm writes 1) | required integer, 1 to the request's version |
//! | `requestType` | optional integer, 1, 2 or 3 | |
//! | `contentID` | required string, a GUID | |
//! | `customerCookie` | optional string, 1 to 32 characters | |
//! | `isAllowed` | | required boolean (`true`/`false`, not a string or number) |
//! | `epTokenURL` | | string, required when `isAllowed` is true: an absolute `http`/`https` URL of printable ASCII, at most [`MAX_TOKEN_URL_LEN`] bytes; not used when `isAllowed` is false |
//! | `error` | | optional integer, a 32-bit signed value |
//! | `errorText` | | optional string, at most [`MAX_ERROR_TEXT_CHARS`] characters |
//!
//! "Characters" are Unicode scalar values. A message is at most [`MAX_MESSAGE_LEN`] bytes and nests at most
//! [`MAX_DEPTH`] levels; a key may not appear twice in one object (anywhere in the message, known or not).
//! An integer field must hold an integer: `1.0` or `1e0` is the wrong type, and an integer beyond 64 bits is
//! out of range. `null` in an optional field means "absent"; in a required field it is the wrong type.
//! Unknown fields are ignored. A response that fails any rule is a denial with a precise reason.
//!
//! [`EntitlementRequest`]: crate::sees::EntitlementRequest
//! [`EntitlementRequest::parse`]: crate::sees::EntitlementRequest::parse
//! [`EntitlementResponse::allow`]: crate::sees::EntitlementResponse::allow
//! [`EntitlementResponse::deny`]: crate::sees::EntitlementResponse::deny
//! [`EntitlementResponse::parse_for`]: crate::sees::EntitlementResponse::parse_for
//! [`MAX_DEPTH`]: crate::sees::MAX_DEPTH
//! [`MAX_ERROR_TEXT_CHARS`]: crate::sees::MAX_ERROR_TEXT_CHARS
//! [`MAX_MESSAGE_LEN`]: crate::sees::MAX_MESSAGE_LEN
//! [`MAX_TOKEN_URL_LEN`]: crate::sees::MAX_TOKEN_URL_LEN

pub mod request;
pub mod response;

pub use request::{EntitlementRequest, Rejection, RequestType};
pub use response::{Denial, EntitlementResponse};

use serde_json::{Map, Value};

use crate::Status;
use crate::json::{self, FieldError, JsonError, Limits};

/// The protocol version xpdrm speaks and writes.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest entitlement message accepted, in bytes (16 KiB; real messages are a few hundred bytes).
pub const MAX_MESSAGE_LEN: usize = 16384;

/// Deepest nesting of arrays and objects in a message (the message object itself is level 1).
pub const MAX_DEPTH: usize = 16;

/// Length of a GUID in its textual form.
pub const GUID_LEN: usize = 36;

/// Longest `epTokenURL`, in bytes.
pub const MAX_TOKEN_URL_LEN: usize = 8192;

/// Longest `errorText`, in characters.
pub const MAX_ERROR_TEXT_CHARS: usize = 1024;

/// Highest `version` accepted (it must fit a C `int32_t`).
pub const MAX_VERSION: u32 = i32::MAX as u32;

const LIMITS: Limits = Limits { max_len: MAX_MESSAGE_LEN, max_depth: MAX_DEPTH, duplicate_keys: false };

/// A failed rule: the crate's one error type (src/error.rs), with a reason that names the field.
pub use crate::error::Error as Problem;

/// Parses a message; [`as_object`] then takes its top-level object.
pub(crate) fn parse_message(input: &[u8]) -> Result<json::Doc, Problem> {
    json::parse(input, LIMITS).map_err(|e| {
        let status = match e {
            JsonError::TooLarge { .. } => Status::XPDRM_ERR_SEES_MESSAGE_TOO_LARGE,
            JsonError::TooDeep { .. } => Status::XPDRM_ERR_SEES_TOO_DEEP,
            JsonError::DuplicateKey { .. } => Status::XPDRM_ERR_SEES_DUPLICATE_KEY,
            JsonError::NumberOutOfRange { .. } => Status::XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE,
            JsonError::Malformed { .. } => Status::XPDRM_ERR_SEES_MALFORMED_JSON,
        };
        Problem::new(status, format!("the message is refused: {e}"))
    })
}

/// The top-level object of a message.
pub(crate) fn as_object(doc: &json::Doc) -> Result<&Map<String, Value>, Problem> {
    doc.as_object().ok_or_else(|| {
        Problem::new(
            Status::XPDRM_ERR_SEES_NOT_AN_OBJECT,
            format!("the message is {}, not a JSON object", json::type_name(doc)),
        )
    })
}

/// Turns a field reader's error into a problem that names the field and the expected type.
pub(crate) fn field_problem(name: &str, expected: &str, e: FieldError) -> Problem {
    match e {
        FieldError::Missing => Problem::new(Status::XPDRM_ERR_SEES_MISSING_FIELD, format!("{name} is missing")),
        FieldError::WrongType(found) => {
            Problem::new(Status::XPDRM_ERR_SEES_WRONG_TYPE, format!("{name} is {found}; it must be {expected}"))
        }
        FieldError::OutOfRange(range) => {
            Problem::new(Status::XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE, format!("{name} is out of range: it {range}"))
        }
        FieldError::InteriorNul => Problem::new(
            Status::XPDRM_ERR_SEES_INVALID_FIELD,
            format!("{name} holds a NUL character (\\u0000), which C text cannot carry"),
        ),
    }
}

/// True for a GUID in its 36-character textual form: `8-4-4-4-12` hex digits, either case. Any version and
/// variant is accepted (a GUID from another system need not be a v4 UUID).
pub fn is_guid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == GUID_LEN
        && b.iter()
            .enumerate()
            .all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// A fresh random GUID (UUID version 4, RFC 9562 §5.4) from the operating system's random source, in
/// lowercase.
pub fn new_guid() -> Result<String, Status> {
    let mut b = [0u8; 16];
    crate::random::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx (RFC 9562)
    let mut hex = [0u8; 32];
    let hex = base16ct::lower::encode_str(&b, &mut hex).map_err(|_| Status::XPDRM_ERR_PANIC)?;
    Ok(format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
}

/// Checks a GUID field.
pub(crate) fn check_guid(name: &str, value: &str) -> Result<(), Problem> {
    if is_guid(value) {
        Ok(())
    } else {
        Err(Problem::new(
            Status::XPDRM_ERR_SEES_INVALID_FIELD,
            format!("{name} is not a GUID (36 characters: 8-4-4-4-12 hexadecimal digits)"),
        ))
    }
}

/// Checks `customerCookie`: 1 to 32 characters.
pub(crate) fn check_cookie(value: &str) -> Result<(), Problem> {
    let chars = value.chars().count();
    if chars == 0 {
        Err(Problem::new(Status::XPDRM_ERR_SEES_INVALID_FIELD, "customerCookie is empty"))
    } else if chars > crate::device::cookie::MAX_CHARS {
        Err(Problem::new(
            Status::XPDRM_ERR_SEES_FIELD_TOO_LONG,
            format!("customerCookie has {chars} characters; at most {} are allowed", crate::device::cookie::MAX_CHARS),
        ))
    } else {
        Ok(())
    }
}

/// Serialises `value` into a buffer that is wiped on drop, sized in advance so that it never reallocates
/// (a reallocation would leave a copy of a secret behind). `text_bytes` is the total length of the strings
/// in the message.
pub(crate) fn to_json_wiped(value: &impl serde_core::Serialize, text_bytes: usize) -> zeroize::Zeroizing<String> {
    // JSON escaping writes at most 6 bytes per input byte (`\u001f`); the rest is keys and numbers.
    let mut buf = zeroize::Zeroizing::new(Vec::with_capacity(text_bytes * 6 + 512));
    // Serialising our own types with string keys into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, value);
    let bytes = core::mem::take(&mut *buf);
    // serde_json writes UTF-8.
    zeroize::Zeroizing::new(String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_v4_lowercase_and_distinct() {
        let a = new_guid().unwrap();
        let b = new_guid().unwrap();
        assert_ne!(a, b);
        assert!(is_guid(&a), "{a}");
        assert_eq!(a, a.to_lowercase());
        assert_eq!(&a[14..15], "4", "version nibble in {a}");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "variant in {a}");
        assert_eq!(crate::random::failing(new_guid), Err(Status::XPDRM_ERR_RANDOM_SOURCE));
    }

    #[test]
    fn guid_syntax() {
        assert!(is_guid("3F2504E0-4F89-11D3-9A0C-0305E82C3301"));
        assert!(is_guid("00000000-0000-0000-0000-000000000000"));
        for bad in [
            "",
            "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
            "3F2504E04F8911D39A0C0305E82C3301",
            "3F2504E0-4F89-11D3-9A0C-0305E82C330",
            "3F2504E0-4F89-11D3-9A0C-0305E82C33011",
            "3F2504E0-4F89-11D3-9A0C+0305E82C3301",
            "3G2504E0-4F89-11D3-9A0C-0305E82C3301",
            "3F2504E0-4F89-11D3-9A0C-0305E82C330é",
        ] {
            assert!(!is_guid(bad), "{bad}");
        }
    }
}
