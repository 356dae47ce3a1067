//! The entitlement request: built by a device, parsed by the entitlement service.

use serde_core::ser::{Serialize, SerializeMap, Serializer};

use super::{
    MAX_VERSION, PROTOCOL_VERSION, Problem, as_object, check_cookie, check_guid, field_problem, parse_message,
};
use crate::Status;
use crate::json::{opt_int, opt_str, req_int, req_str};

/// What an entitlement request asks for (`requestType`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum RequestType {
    /// 1: a time-based entitlement.
    TimeBased = 1,
    /// 2: device registration (the first step of device binding: the cookie is registered).
    DeviceRegistration = 2,
    /// 3: a device-bound entitlement (the last steps of device binding).
    DeviceBound = 3,
}

impl RequestType {
    /// The type with this number, if it is 1, 2 or 3.
    pub fn from_code(code: i64) -> Option<RequestType> {
        match code {
            1 => Some(RequestType::TimeBased),
            2 => Some(RequestType::DeviceRegistration),
            3 => Some(RequestType::DeviceBound),
            _ => None,
        }
    }

    /// The number on the wire.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// A valid entitlement request. Every value in it has passed the rules of SPEC.md §5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitlementRequest {
    message_id: String,
    version: u32,
    request_type: Option<RequestType>,
    content_id: String,
    customer_cookie: Option<String>,
}

/// Why a request text was refused, and its `messageID` if that much was readable (a GUID), so that a
/// service can still address its denial to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The status of the first rule that failed.
    pub status: Status,
    /// What exactly is wrong, naming the field.
    pub reason: String,
    /// The request's `messageID`, if it was present and a GUID.
    pub message_id: Option<String>,
}

impl EntitlementRequest {
    /// A new request with a fresh random GUID `messageID` and version 1.
    ///
    /// `content_id` must be a GUID (`XPDRM_ERR_SEES_INVALID_FIELD`); `customer_cookie`, when given, 1 to 32
    /// characters (`XPDRM_ERR_SEES_INVALID_FIELD`, `XPDRM_ERR_SEES_FIELD_TOO_LONG`). Fails with
    /// `XPDRM_ERR_RANDOM_SOURCE` if the OS random source fails.
    pub fn new(
        content_id: &str,
        request_type: RequestType,
        customer_cookie: Option<&str>,
    ) -> Result<EntitlementRequest, Problem> {
        check_guid("contentID", content_id)?;
        if let Some(cookie) = customer_cookie {
            check_cookie(cookie)?;
        }
        let message_id = super::new_guid().map_err(|s| Problem::new(s, "no messageID: the random source failed"))?;
        crate::xlog!(Debug, "SEES: new entitlement request {message_id}, requestType {}", request_type.code());
        Ok(EntitlementRequest {
            message_id,
            version: PROTOCOL_VERSION,
            request_type: Some(request_type),
            content_id: content_id.to_owned(),
            customer_cookie: customer_cookie.map(str::to_owned),
        })
    }

    /// Parses and checks a request received by an entitlement service.
    pub fn parse(json: &[u8]) -> Result<EntitlementRequest, Rejection> {
        let mut message_id = None;
        let result = Self::parse_inner(json, &mut message_id);
        if let Err(p) = &result {
            crate::xlog!(Debug, "SEES: entitlement request refused: {}", p.reason);
        }
        result.map_err(|p| Rejection { status: p.status, reason: p.reason, message_id })
    }

    fn parse_inner(json: &[u8], readable_id: &mut Option<String>) -> Result<EntitlementRequest, Problem> {
        let doc = parse_message(json)?;
        let obj = as_object(&doc)?;
        let message_id = req_str(obj, "messageID").map_err(|e| field_problem("messageID", "a string", e))?;
        check_guid("messageID", message_id)?;
        *readable_id = Some(message_id.to_owned());
        let version =
            req_int(obj, "version", 1, MAX_VERSION.into()).map_err(|e| field_problem("version", "an integer", e))?;
        let request_type = opt_int(obj, "requestType", 1, 3)
            .map_err(|e| field_problem("requestType", "an integer", e))?
            .and_then(RequestType::from_code);
        let content_id = req_str(obj, "contentID").map_err(|e| field_problem("contentID", "a string", e))?;
        check_guid("contentID", content_id)?;
        let customer_cookie =
            opt_str(obj, "customerCookie").map_err(|e| field_problem("customerCookie", "a string", e))?;
        if let Some(cookie) = customer_cookie {
            check_cookie(cookie)?;
        }
        Ok(EntitlementRequest {
            message_id: message_id.to_owned(),
            // In range: checked against MAX_VERSION above.
            version: u32::try_from(version).unwrap_or(PROTOCOL_VERSION),
            request_type,
            content_id: content_id.to_owned(),
            customer_cookie: customer_cookie.map(str::to_owned),
        })
    }

    /// The request as JSON text.
    pub fn to_json(&self) -> String {
        let len = self.message_id.len() + self.content_id.len() + self.customer_cookie.as_ref().map_or(0, String::len);
        super::to_json_wiped(self, len).to_string()
    }

    /// `messageID`: a GUID.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// `version`: 1 to 2^31-1.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// `requestType`, if the request carries one.
    pub fn request_type(&self) -> Option<RequestType> {
        self.request_type
    }

    /// `contentID`: a GUID.
    pub fn content_id(&self) -> &str {
        &self.content_id
    }

    /// `customerCookie`, if the request carries one: 1 to 32 characters.
    pub fn customer_cookie(&self) -> Option<&str> {
        self.customer_cookie.as_deref()
    }
}

impl Serialize for EntitlementRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("messageID", &self.message_id)?;
        map.serialize_entry("version", &self.version)?;
        if let Some(t) = self.request_type {
            map.serialize_entry("requestType", &t.code())?;
        }
        map.serialize_entry("contentID", &self.content_id)?;
        if let Some(cookie) = &self.customer_cookie {
            map.serialize_entry("customerCookie", cookie)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const MSG: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

    fn parse(text: &str) -> Result<EntitlementRequest, Rejection> {
        EntitlementRequest::parse(text.as_bytes())
    }

    fn status(text: &str) -> Status {
        parse(text).err().map_or(XPDRM_OK, |r| r.status)
    }

    fn with(fields: &str) -> String {
        format!(r#"{{"messageID":"{MSG}","version":1,"contentID":"{CONTENT}"{fields}}}"#)
    }

    #[test]
    fn new_request_has_a_fresh_guid_version_1_and_round_trips() {
        let a = EntitlementRequest::new(CONTENT, RequestType::DeviceRegistration, Some("cookie-1")).unwrap();
        let b = EntitlementRequest::new(CONTENT, RequestType::DeviceRegistration, Some("cookie-1")).unwrap();
        assert_ne!(a.message_id(), b.message_id());
        assert!(super::super::is_guid(a.message_id()));
        assert_eq!(a.version(), 1);
        let json = a.to_json();
        assert_eq!(
            json,
            format!(
                r#"{{"messageID":"{}","version":1,"requestType":2,"contentID":"{CONTENT}","customerCookie":"cookie-1"}}"#,
                a.message_id()
            )
        );
        assert_eq!(parse(&json), Ok(a));
        let no_cookie = EntitlementRequest::new(CONTENT, RequestType::TimeBased, None).unwrap();
        assert!(!no_cookie.to_json().contains("customerCookie"));
        assert_eq!(parse(&no_cookie.to_json()), Ok(no_cookie));
    }

    #[test]
    fn new_request_checks_its_arguments() {
        let e = EntitlementRequest::new("not-a-guid", RequestType::TimeBased, None).unwrap_err();
        assert_eq!(e.status, XPDRM_ERR_SEES_INVALID_FIELD);
        assert!(e.reason.contains("contentID"), "{}", e.reason);
        let long = "c".repeat(33);
        assert_eq!(
            EntitlementRequest::new(CONTENT, RequestType::TimeBased, Some(&long)).unwrap_err().status,
            XPDRM_ERR_SEES_FIELD_TOO_LONG
        );
        assert_eq!(
            EntitlementRequest::new(CONTENT, RequestType::TimeBased, Some("")).unwrap_err().status,
            XPDRM_ERR_SEES_INVALID_FIELD
        );
        let e = crate::random::failing(|| EntitlementRequest::new(CONTENT, RequestType::TimeBased, None));
        assert_eq!(e.unwrap_err().status, XPDRM_ERR_RANDOM_SOURCE);
    }

    #[test]
    fn required_fields() {
        assert_eq!(status(&with("")), XPDRM_OK);
        for (text, field) in [
            (format!(r#"{{"version":1,"contentID":"{CONTENT}"}}"#), "messageID"),
            (format!(r#"{{"messageID":"{MSG}","contentID":"{CONTENT}"}}"#), "version"),
            (format!(r#"{{"messageID":"{MSG}","version":1}}"#), "contentID"),
        ] {
            let r = parse(&text).unwrap_err();
            assert_eq!(r.status, XPDRM_ERR_SEES_MISSING_FIELD, "{text}");
            assert_eq!(r.reason, format!("{field} is missing"));
        }
    }

    #[test]
    fn types_are_checked() {
        let r = parse(&format!(r#"{{"messageID":"{MSG}","version":"1","contentID":"{CONTENT}"}}"#)).unwrap_err();
        assert_eq!(
            (r.status, r.reason.as_str()),
            (XPDRM_ERR_SEES_WRONG_TYPE, "version is a string; it must be an integer")
        );
        assert_eq!(r.message_id.as_deref(), Some(MSG), "a readable messageID is kept for the denial");
        assert_eq!(
            status(&format!(r#"{{"messageID":7,"version":1,"contentID":"{CONTENT}"}}"#)),
            XPDRM_ERR_SEES_WRONG_TYPE
        );
        assert_eq!(
            status(&format!(r#"{{"messageID":"{MSG}","version":1.0,"contentID":"{CONTENT}"}}"#)),
            XPDRM_ERR_SEES_WRONG_TYPE
        );
        assert_eq!(
            status(&format!(r#"{{"messageID":"{MSG}","version":null,"contentID":"{CONTENT}"}}"#)),
            XPDRM_ERR_SEES_WRONG_TYPE
        );
        assert_eq!(status(&with(r#","requestType":"2""#)), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(status(&with(r#","customerCookie":12"#)), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(status(&with(r#","customerCookie":["a"]"#)), XPDRM_ERR_SEES_WRONG_TYPE);
        // null in an optional field is absence.
        assert_eq!(parse(&with(r#","customerCookie":null,"requestType":null"#)).unwrap().customer_cookie(), None);
    }

    #[test]
    fn numbers_are_range_checked() {
        assert_eq!(parse(&with(r#","requestType":3"#)).unwrap().request_type(), Some(RequestType::DeviceBound));
        for t in ["0", "4", "-1", "99999999999999999999", "1e30"] {
            assert_eq!(status(&with(&format!(r#","requestType":{t}"#))), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE, "{t}");
        }
        assert_eq!(status(&with(r#","requestType":2.5"#)), XPDRM_ERR_SEES_WRONG_TYPE);
        let v = |v: &str| status(&format!(r#"{{"messageID":"{MSG}","version":{v},"contentID":"{CONTENT}"}}"#));
        assert_eq!(v("0"), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE);
        assert_eq!(v("2147483648"), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE);
        assert_eq!(v("2147483647"), XPDRM_OK);
        assert_eq!(v("1e400"), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE);
    }

    #[test]
    fn guids_and_cookie_rules() {
        let r = parse(&format!(r#"{{"messageID":"abc","version":1,"contentID":"{CONTENT}"}}"#)).unwrap_err();
        assert_eq!(r.status, XPDRM_ERR_SEES_INVALID_FIELD);
        assert!(r.reason.starts_with("messageID is not a GUID"), "{}", r.reason);
        assert_eq!(r.message_id, None);
        assert_eq!(
            status(&format!(r#"{{"messageID":"{MSG}","version":1,"contentID":"x"}}"#)),
            XPDRM_ERR_SEES_INVALID_FIELD
        );
        let c32 = "é".repeat(32);
        assert_eq!(parse(&with(&format!(r#","customerCookie":"{c32}""#))).unwrap().customer_cookie(), Some(&*c32));
        let c33 = "é".repeat(33);
        let r = parse(&with(&format!(r#","customerCookie":"{c33}""#))).unwrap_err();
        assert_eq!(
            (r.status, r.reason.as_str()),
            (XPDRM_ERR_SEES_FIELD_TOO_LONG, "customerCookie has 33 characters; at most 32 are allowed")
        );
        assert_eq!(status(&with(r#","customerCookie":"""#)), XPDRM_ERR_SEES_INVALID_FIELD);
    }

    #[test]
    fn hostile_documents() {
        assert_eq!(status(""), XPDRM_ERR_SEES_MALFORMED_JSON);
        assert_eq!(status("{"), XPDRM_ERR_SEES_MALFORMED_JSON);
        assert_eq!(status(&(with("") + "x")), XPDRM_ERR_SEES_MALFORMED_JSON);
        assert_eq!(status("[]"), XPDRM_ERR_SEES_NOT_AN_OBJECT);
        assert_eq!(status("\"x\""), XPDRM_ERR_SEES_NOT_AN_OBJECT);
        assert_eq!(status("null"), XPDRM_ERR_SEES_NOT_AN_OBJECT);
        assert_eq!(status(&with(&format!(r#","messageID":"{MSG}""#))), XPDRM_ERR_SEES_DUPLICATE_KEY);
        assert_eq!(status(&with(r#","version":1"#)), XPDRM_ERR_SEES_DUPLICATE_KEY);
        assert_eq!(status(&with(r#","x":{"a":1,"a":2}"#)), XPDRM_ERR_SEES_DUPLICATE_KEY);
        let deep = format!(r#","x":{}{}"#, "[".repeat(16), "]".repeat(16));
        assert_eq!(status(&with(&deep)), XPDRM_ERR_SEES_TOO_DEEP);
        let ok_depth = format!(r#","x":{}{}"#, "[".repeat(15), "]".repeat(15));
        assert_eq!(status(&with(&ok_depth)), XPDRM_OK);
        let big = with(&format!(r#","pad":"{}""#, "x".repeat(super::super::MAX_MESSAGE_LEN)));
        assert_eq!(status(&big), XPDRM_ERR_SEES_MESSAGE_TOO_LARGE);
        assert_eq!(
            EntitlementRequest::parse(b"{\"messageID\":\"\xff\"}").unwrap_err().status,
            XPDRM_ERR_SEES_MALFORMED_JSON
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let r = parse(&with(r#","future":{"nested":[1,2,{"k":null}]},"Version":"x""#)).unwrap();
        assert_eq!((r.message_id(), r.version(), r.request_type()), (MSG, 1, None));
    }
}
