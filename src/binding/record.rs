//! The transaction-record lookup (SPEC.md §6 step 3): which device used this cookie?
//!
//! The service asks ExpressPlay's record retrieval: `GET <record base>?customerAuthenticator=<a>&cookie=<c>`
//! (production `https://api.service.expressplay.com/cmiapi/getrecord/`, test
//! `https://api.test.expressplay.com/cmiapi/getrecord/`). ExpressPlay documents the answer only as "JSON
//! transaction records", so the format below is **xpdrm's assumption**, deliberately tolerant; a test
//! server that answers in it works with xpdrm.
//!
//! # Answer format (assumed)
//!
//! * The body is a JSON array of records, **or** a JSON object that holds that array under exactly one of
//!   the keys `records` or `transactions` (other keys are ignored).
//! * Each record is a JSON object. It names the cookie under `cookie` and the device under `device_id`
//!   (`deviceId` is accepted instead; a record with both is refused). Both are strings; other fields (a
//!   timestamp, the content, the DRM...) are ignored.
//! * Records without a cookie or without a device ID (other kinds of transactions), and records of other
//!   cookies (exact comparison), are skipped.
//! * Every record of the cookie must name the same device (device IDs compared as in
//!   [`crate::device::id`]: normalised, constant time); if two name different devices, the cookie was used
//!   from two devices and the lookup fails with `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH` rather than guess.
//!   The device ID of the last such record in document order is the answer (they are all equal).
//! * No record of the cookie: `XPDRM_ERR_BINDING_NO_RECORD`. Anything else that breaks this format, a
//!   body over [`MAX_ANSWER_LEN`] bytes, nesting deeper than [`MAX_DEPTH`], a duplicate key, or a device ID
//!   that is empty or over 1024 bytes: `XPDRM_ERR_BINDING_RECORDS_INVALID`, with a reason.
//!
//! ```json
//! {"records": [
//!   {"cookie": "k3JbW1GQ7m0w2Yx8nHq4Zt5vLc6pR9sA", "device_id": "0123456789abcdef0123456789abcdef",
//!    "timestamp": "2026-11-22T10:00:00Z"}
//! ]}
//! ```
//!
//! [`device_id_for_cookie`] is the one function that reads this format: another source of device IDs
//! replaces it (the service flow also takes a device ID directly, see
//! [`ServiceFlow::set_device_id`](super::ServiceFlow::set_device_id)).

use serde_json::{Map, Value};

use crate::Status;
use crate::device::id::DeviceId;
use crate::json::{self, Limits};
use crate::sees::Problem;

/// Largest records answer accepted, in bytes (1 MiB).
pub const MAX_ANSWER_LEN: usize = 1 << 20;

/// Deepest nesting of arrays and objects in a records answer.
pub const MAX_DEPTH: usize = 32;

const LIMITS: Limits = Limits { max_len: MAX_ANSWER_LEN, max_depth: MAX_DEPTH, duplicate_keys: false };

fn invalid(reason: String) -> Problem {
    Problem::new(Status::XPDRM_ERR_BINDING_RECORDS_INVALID, reason)
}

fn record_list(doc: &Value) -> Result<&Vec<Value>, Problem> {
    match doc {
        Value::Array(items) => Ok(items),
        Value::Object(obj) => {
            let found: Vec<(&str, &Value)> =
                ["records", "transactions"].iter().filter_map(|k| obj.get(*k).map(|v| (*k, v))).collect();
            match found.as_slice() {
                [(_, Value::Array(items))] => Ok(items),
                [(key, other)] => Err(invalid(format!("\"{key}\" is {}, not an array", json::type_name(other)))),
                [] => Err(invalid("the answer object has neither a \"records\" nor a \"transactions\" array".into())),
                _ => Err(invalid("the answer object has both \"records\" and \"transactions\"".into())),
            }
        }
        other => Err(invalid(format!("the answer is {}, not an array or an object", json::type_name(other)))),
    }
}

fn string_field<'a>(record: &'a Map<String, Value>, key: &str, index: usize) -> Result<Option<&'a str>, Problem> {
    json::opt_str(record, key).map_err(|e| match e {
        json::FieldError::WrongType(found) => invalid(format!("record {index}: {key} is {found}, not a string")),
        json::FieldError::InteriorNul => {
            invalid(format!("record {index}: {key} holds a NUL character (\\u0000), which C text cannot carry"))
        }
        _ => invalid(format!("record {index}: {key} cannot be read")),
    })
}

/// Finds the device ID that the transaction records hold for `cookie` (see the module documentation for
/// the format and the rules).
pub fn device_id_for_cookie(answer: &[u8], cookie: &str) -> Result<DeviceId, Problem> {
    let doc = json::parse(answer, LIMITS).map_err(|e| invalid(format!("the records answer is refused: {e}")))?;
    let records = record_list(&doc)?;
    let mut found: Option<DeviceId> = None;
    let mut matching = 0usize;
    for (index, record) in records.iter().enumerate() {
        let Value::Object(record) = record else {
            return Err(invalid(format!("record {index} is {}, not an object", json::type_name(record))));
        };
        let record_cookie = string_field(record, "cookie", index)?;
        let snake = string_field(record, "device_id", index)?;
        let camel = string_field(record, "deviceId", index)?;
        let raw_id = match (snake, camel) {
            (Some(_), Some(_)) => return Err(invalid(format!("record {index} has both device_id and deviceId"))),
            (id, None) | (None, id) => id,
        };
        let (Some(record_cookie), Some(raw_id)) = (record_cookie, raw_id) else { continue };
        if record_cookie != cookie {
            continue;
        }
        let id = DeviceId::new(raw_id).map_err(|s| {
            invalid(format!("record {index}: the device ID is refused ({})", s.text().trim_end_matches('.')))
        })?;
        matching += 1;
        if let Some(previous) = &found
            && !previous.ct_matches(&id)
        {
            return Err(Problem::new(
                Status::XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH,
                format!(
                    "the records of this cookie name two devices (fingerprints {}… and {}…)",
                    &previous.fingerprint()[..16],
                    &id.fingerprint()[..16]
                ),
            ));
        }
        found = Some(id);
    }
    let id = found.ok_or_else(|| {
        Problem::new(
            Status::XPDRM_ERR_BINDING_NO_RECORD,
            format!("none of the {} records names a device for this cookie", records.len()),
        )
    })?;
    crate::xlog!(Debug, "records: {matching} record(s) for the cookie, device fingerprint {}", id.fingerprint());
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const COOKIE: &str = "k3JbW1GQ7m0w2Yx8nHq4Zt5vLc6pR9sA";
    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn lookup(answer: &str) -> Result<String, Status> {
        device_id_for_cookie(answer.as_bytes(), COOKIE).map(|d| d.expose().to_owned()).map_err(|p| p.status)
    }

    #[test]
    fn the_documented_shapes_are_read() {
        let rec = format!(r#"{{"cookie":"{COOKIE}","device_id":"{ID}","timestamp":"2026-11-22T10:00:00Z"}}"#);
        assert_eq!(lookup(&format!("[{rec}]")), Ok(ID.into()));
        assert_eq!(lookup(&format!(r#"{{"records":[{rec}],"count":1}}"#)), Ok(ID.into()));
        assert_eq!(lookup(&format!(r#"{{"transactions":[{rec}]}}"#)), Ok(ID.into()));
        let camel = format!(r#"[{{"cookie":"{COOKIE}","deviceId":"{}"}}]"#, ID.to_uppercase());
        assert_eq!(lookup(&camel), Ok(ID.into()), "deviceId accepted and normalised");
    }

    #[test]
    fn other_cookies_and_other_kinds_of_records_are_skipped() {
        let answer = format!(
            r#"[{{"cookie":"other","device_id":"ffff"}},{{"cookie":"{COOKIE}"}},{{"device_id":"eeee"}},
               {{"cookie":"{COOKIE}","device_id":null}},{{"cookie":"{COOKIE}","device_id":"{ID}"}},
               {{"cookie":"{}","device_id":"dddd"}}]"#,
            COOKIE.to_lowercase()
        );
        assert_eq!(lookup(&answer), Ok(ID.into()));
    }

    #[test]
    fn no_record_for_the_cookie() {
        assert_eq!(lookup("[]"), Err(XPDRM_ERR_BINDING_NO_RECORD));
        assert_eq!(lookup(r#"{"records":[]}"#), Err(XPDRM_ERR_BINDING_NO_RECORD));
        let p = device_id_for_cookie(br#"[{"cookie":"x","device_id":"ab"}]"#, COOKIE).unwrap_err();
        assert_eq!(p.reason, "none of the 1 records names a device for this cookie");
    }

    #[test]
    fn two_devices_for_one_cookie_is_a_mismatch() {
        let answer = format!(
            r#"[{{"cookie":"{COOKIE}","device_id":"{ID}"}},{{"cookie":"{COOKIE}","device_id":"{}"}}]"#,
            ID.replace('0', "1")
        );
        let p = device_id_for_cookie(answer.as_bytes(), COOKIE).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH);
        assert!(!p.reason.contains(ID), "the reason must not carry a raw device ID: {}", p.reason);
        // The same device in two spellings is one device.
        let same = format!(
            r#"[{{"cookie":"{COOKIE}","device_id":"{ID}"}},{{"cookie":"{COOKIE}","deviceId":" {} "}}]"#,
            ID.to_uppercase()
        );
        assert_eq!(lookup(&same), Ok(ID.into()));
    }

    #[test]
    fn format_violations_are_invalid() {
        for answer in [
            "",
            "{",
            "\"records\"",
            "42",
            "{}",
            r#"{"records":{}}"#,
            r#"{"records":[],"transactions":[]}"#,
            "[1]",
            r#"[{"cookie":5,"device_id":"ab"}]"#,
            r#"[{"cookie":"c","device_id":["ab"]}]"#,
            r#"[{"cookie":"c","device_id":"ab","deviceId":"ab"}]"#,
            r#"[{"cookie":"c","cookie":"d"}]"#,
        ] {
            assert_eq!(lookup(answer), Err(XPDRM_ERR_BINDING_RECORDS_INVALID), "{answer}");
        }
        let empty_id = format!(r#"[{{"cookie":"{COOKIE}","device_id":"  "}}]"#);
        let p = device_id_for_cookie(empty_id.as_bytes(), COOKIE).unwrap_err();
        assert_eq!(
            (p.status, p.reason.as_str()),
            (
                XPDRM_ERR_BINDING_RECORDS_INVALID,
                "record 0: the device ID is refused (The device ID is empty (after trimming whitespace))"
            )
        );
        let deep = format!("[{}{}]", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(lookup(&deep), Err(XPDRM_ERR_BINDING_RECORDS_INVALID));
        let big = format!("[\"{}\"]", "x".repeat(MAX_ANSWER_LEN));
        assert_eq!(lookup(&big), Err(XPDRM_ERR_BINDING_RECORDS_INVALID));
    }

    #[test]
    fn a_nul_in_a_record_field_is_refused_with_the_field_named() {
        let id_with_nul = format!(r#"[{{"cookie":"{COOKIE}","device_id":"ab\u0000cd"}}]"#);
        let p = device_id_for_cookie(id_with_nul.as_bytes(), COOKIE).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_BINDING_RECORDS_INVALID);
        assert!(p.reason.starts_with("record 0: device_id holds a NUL"), "{}", p.reason);
        let cookie_with_nul = format!(r#"[{{"cookie":"{COOKIE}\u0000","device_id":"{ID}"}}]"#);
        let p = device_id_for_cookie(cookie_with_nul.as_bytes(), COOKIE).unwrap_err();
        assert!(p.reason.starts_with("record 0: cookie holds a NUL"), "{}", p.reason);
    }

    #[test]
    fn logs_carry_fingerprints_only() {
        let answer = format!(r#"[{{"cookie":"{COOKIE}","device_id":"{ID}"}}]"#);
        let logged = crate::log::capture::logged(|| {
            lookup(&answer).unwrap();
        });
        assert!(!logged.is_empty());
        for (_, m) in logged {
            assert!(!m.contains(ID) && !m.contains(COOKIE), "{m}");
        }
    }
}
