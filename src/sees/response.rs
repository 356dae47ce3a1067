//! The entitlement response: built by the entitlement service, checked by the device against its request.

use serde_core::ser::{Serialize, SerializeMap, Serializer};
use zeroize::Zeroizing;

use super::{
    EntitlementRequest, MAX_ERROR_TEXT_CHARS, MAX_TOKEN_URL_LEN, MAX_VERSION, PROTOCOL_VERSION, Problem, as_object,
    check_guid, field_problem, parse_message,
};
use crate::Status;
use crate::json::{self, opt_int, opt_str, req_bool, req_int, req_str};
use crate::secret_string::SecretString;

/// A valid entitlement response. A parsed one has passed every rule against its request; `is_allowed`
/// may still be false when it was built by a service to deny.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitlementResponse {
    message_id: String,
    version: u32,
    is_allowed: bool,
    /// Holds a token: wiped on drop, redacted in `Debug`.
    ep_token_url: Option<SecretString>,
    error: Option<i32>,
    error_text: Option<String>,
}

/// Why a response does not grant the license.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// `XPDRM_ERR_SEES_DENIED` when the service said no in a valid message; otherwise the status of the
    /// first rule the response broke.
    pub status: Status,
    /// What exactly happened, naming the field.
    pub reason: String,
    /// The service's valid denial (with its `error` and `errorText`), when `status` is
    /// `XPDRM_ERR_SEES_DENIED`.
    pub response: Option<EntitlementResponse>,
}

fn token_url_problem(url: &str) -> Option<Problem> {
    if url.len() > MAX_TOKEN_URL_LEN {
        return Some(Problem::new(
            Status::XPDRM_ERR_SEES_FIELD_TOO_LONG,
            format!("epTokenURL is {} bytes long; at most {MAX_TOKEN_URL_LEN} are allowed", url.len()),
        ));
    }
    crate::url::problem(url, MAX_TOKEN_URL_LEN, crate::url::Use::Received)
        .map(|p| Problem::new(Status::XPDRM_ERR_SEES_INVALID_FIELD, format!("epTokenURL {p}")))
}

fn error_text_problem(text: &str) -> Option<Problem> {
    let chars = text.chars().count();
    (chars > MAX_ERROR_TEXT_CHARS).then(|| {
        Problem::new(
            Status::XPDRM_ERR_SEES_FIELD_TOO_LONG,
            format!("errorText has {chars} characters; at most {MAX_ERROR_TEXT_CHARS} are allowed"),
        )
    })
}

impl EntitlementResponse {
    /// A response that grants the license, for `request`, carrying the ExpressPlay token URL.
    ///
    /// The URL must be an absolute `http`/`https` URL of printable ASCII (`XPDRM_ERR_SEES_INVALID_FIELD`),
    /// at most `MAX_TOKEN_URL_LEN` bytes (`XPDRM_ERR_SEES_FIELD_TOO_LONG`).
    pub fn allow(request: &EntitlementRequest, ep_token_url: &str) -> Result<EntitlementResponse, Problem> {
        if let Some(p) = token_url_problem(ep_token_url) {
            return Err(p);
        }
        Ok(EntitlementResponse {
            message_id: request.message_id().to_owned(),
            version: PROTOCOL_VERSION.min(request.version()),
            is_allowed: true,
            ep_token_url: Some(SecretString::from(ep_token_url)),
            error: None,
            error_text: None,
        })
    }

    /// A response that denies the license to `request`.
    pub fn deny(request: &EntitlementRequest) -> EntitlementResponse {
        EntitlementResponse {
            message_id: request.message_id().to_owned(),
            version: PROTOCOL_VERSION.min(request.version()),
            is_allowed: false,
            ep_token_url: None,
            error: None,
            error_text: None,
        }
    }

    /// A denial addressed by `messageID` alone: the answer to a request that was refused but whose
    /// `messageID` was readable (see [`super::Rejection::message_id`]). The version is 1, which no valid
    /// request's version is below.
    pub fn deny_message(message_id: &str) -> Result<EntitlementResponse, Problem> {
        check_guid("messageID", message_id)?;
        Ok(EntitlementResponse {
            message_id: message_id.to_owned(),
            version: PROTOCOL_VERSION,
            is_allowed: false,
            ep_token_url: None,
            error: None,
            error_text: None,
        })
    }

    /// Sets `error` and, if given, `errorText` (at most `MAX_ERROR_TEXT_CHARS` characters,
    /// `XPDRM_ERR_SEES_FIELD_TOO_LONG`).
    pub fn set_error(&mut self, code: i32, text: Option<&str>) -> Result<(), Problem> {
        if let Some(p) = text.and_then(error_text_problem) {
            return Err(p);
        }
        self.error = Some(code);
        self.error_text = text.map(str::to_owned);
        Ok(())
    }

    /// The response as JSON text. It holds the token URL, a secret: the buffer is wiped on drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        let len = self.message_id.len()
            + self.ep_token_url.as_ref().map_or(0, |u| u.expose().len())
            + self.error_text.as_ref().map_or(0, String::len);
        super::to_json_wiped(self, len)
    }

    /// Checks a response received for `request`. `Ok` only when the license is granted: every rule holds
    /// and `isAllowed` is true. Anything else is a [`Denial`] with the status and reason.
    ///
    /// The rules are checked in this order, and the first that fails decides: the JSON itself (size,
    /// syntax, nesting, duplicate keys, a top-level object), `messageID` (present, a string, equal to the
    /// request's), `version` (present, an integer from 1 to the request's), `isAllowed` (present, a
    /// boolean), `error` and `errorText` (types and limits), then `epTokenURL` when `isAllowed` is true.
    pub fn parse_for(request: &EntitlementRequest, json: &[u8]) -> Result<EntitlementResponse, Denial> {
        let result = Self::parse_inner(request, json);
        match &result {
            Ok(_) => crate::xlog!(Debug, "SEES: response to {} grants the license", request.message_id()),
            Err(d) => crate::xlog!(Debug, "SEES: response to {} denies: {}", request.message_id(), d.reason),
        }
        result
    }

    fn parse_inner(request: &EntitlementRequest, json: &[u8]) -> Result<EntitlementResponse, Denial> {
        let refuse = |p: Problem| Denial { status: p.status, reason: p.reason, response: None };
        let doc = parse_message(json).map_err(refuse)?;
        let obj = as_object(&doc).map_err(refuse)?;

        let message_id = req_str(obj, "messageID").map_err(|e| refuse(field_problem("messageID", "a string", e)))?;
        if message_id != request.message_id() {
            return Err(refuse(Problem::new(
                Status::XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH,
                format!(
                    "messageID {} is not the request's {}",
                    json::quoted(message_id),
                    json::quoted(request.message_id())
                ),
            )));
        }
        let version = req_int(obj, "version", 1, MAX_VERSION.into())
            .map_err(|e| refuse(field_problem("version", "an integer", e)))?;
        if version > i64::from(request.version()) {
            return Err(refuse(Problem::new(
                Status::XPDRM_ERR_SEES_VERSION_TOO_HIGH,
                format!("version {version} is higher than the request's version {}", request.version()),
            )));
        }
        let is_allowed = req_bool(obj, "isAllowed").map_err(|e| refuse(field_problem("isAllowed", "a boolean", e)))?;
        let error = opt_int(obj, "error", i32::MIN.into(), i32::MAX.into())
            .map_err(|e| refuse(field_problem("error", "an integer", e)))?;
        let error_text = opt_str(obj, "errorText").map_err(|e| refuse(field_problem("errorText", "a string", e)))?;
        if let Some(p) = error_text.and_then(error_text_problem) {
            return Err(refuse(p));
        }

        let mut response = EntitlementResponse {
            message_id: message_id.to_owned(),
            // In range: 1 ..= the request's version.
            version: u32::try_from(version).unwrap_or(PROTOCOL_VERSION),
            is_allowed,
            ep_token_url: None,
            // In range: checked against the i32 bounds above.
            error: error.and_then(|e| i32::try_from(e).ok()),
            error_text: error_text.map(str::to_owned),
        };
        if !is_allowed {
            let code = response.error.map(|c| format!(" (error {c})")).unwrap_or_default();
            return Err(Denial {
                status: Status::XPDRM_ERR_SEES_DENIED,
                reason: format!("the entitlement service denied the license: isAllowed is false{code}"),
                response: Some(response),
            });
        }
        let url = match opt_str(obj, "epTokenURL") {
            Ok(Some(url)) => url,
            Ok(None) => {
                return Err(refuse(Problem::new(
                    Status::XPDRM_ERR_SEES_TOKEN_URL_MISSING,
                    "isAllowed is true but epTokenURL is missing",
                )));
            }
            Err(e) => return Err(refuse(field_problem("epTokenURL", "a string", e))),
        };
        if let Some(p) = token_url_problem(url) {
            return Err(refuse(p));
        }
        response.ep_token_url = Some(SecretString::from(url));
        Ok(response)
    }

    /// `messageID`.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// `version`.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// `isAllowed`.
    pub fn is_allowed(&self) -> bool {
        self.is_allowed
    }

    /// `epTokenURL`, present exactly when the license is granted. It holds a token: never log it.
    pub fn ep_token_url(&self) -> Option<&str> {
        self.ep_token_url.as_ref().map(SecretString::expose)
    }

    /// `error`, if present.
    pub fn error(&self) -> Option<i32> {
        self.error
    }

    /// `errorText`, if present.
    pub fn error_text(&self) -> Option<&str> {
        self.error_text.as_deref()
    }
}

impl Serialize for EntitlementResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("messageID", &self.message_id)?;
        map.serialize_entry("version", &self.version)?;
        map.serialize_entry("isAllowed", &self.is_allowed)?;
        if let Some(url) = &self.ep_token_url {
            map.serialize_entry("epTokenURL", url.expose())?;
        }
        if let Some(code) = self.error {
            map.serialize_entry("error", &code)?;
        }
        if let Some(text) = &self.error_text {
            map.serialize_entry("errorText", text)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sees::RequestType;
    use Status::*;

    const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const URL: &str = "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AAAA-secret-token";

    fn request() -> EntitlementRequest {
        EntitlementRequest::new(CONTENT, RequestType::TimeBased, Some("c1")).unwrap()
    }

    fn answer(req: &EntitlementRequest, fields: &str) -> Result<EntitlementResponse, Denial> {
        let text = format!(r#"{{"messageID":"{}","version":1{fields}}}"#, req.message_id());
        EntitlementResponse::parse_for(req, text.as_bytes())
    }

    fn status(r: Result<EntitlementResponse, Denial>) -> Status {
        r.err().map_or(XPDRM_OK, |d| d.status)
    }

    #[test]
    fn a_built_response_round_trips_through_the_device_check() {
        let req = request();
        let resp = EntitlementResponse::allow(&req, URL).unwrap();
        let json = resp.to_json();
        assert_eq!(
            json.as_str(),
            format!(r#"{{"messageID":"{}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#, req.message_id())
        );
        let parsed = EntitlementResponse::parse_for(&req, json.as_bytes()).unwrap();
        assert_eq!(parsed, resp);
        assert_eq!(parsed.ep_token_url(), Some(URL));
        assert!(!format!("{parsed:?}").contains("secret-token"), "Debug must not show the token");
    }

    #[test]
    fn a_service_denial_keeps_error_and_text() {
        let req = request();
        let mut resp = EntitlementResponse::deny(&req);
        resp.set_error(-42, Some("subscription expired")).unwrap();
        let d = EntitlementResponse::parse_for(&req, resp.to_json().as_bytes()).unwrap_err();
        assert_eq!(d.status, XPDRM_ERR_SEES_DENIED);
        assert_eq!(d.reason, "the entitlement service denied the license: isAllowed is false (error -42)");
        let inner = d.response.unwrap();
        assert_eq!(
            (inner.error(), inner.error_text(), inner.is_allowed()),
            (Some(-42), Some("subscription expired"), false)
        );
        // A denial needs no epTokenURL, and one that is there is not used.
        assert_eq!(status(answer(&req, r#","isAllowed":false,"epTokenURL":7"#)), XPDRM_ERR_SEES_DENIED);
    }

    #[test]
    fn message_id_must_be_the_requests() {
        let req = request();
        let other = request();
        let d =
            EntitlementResponse::parse_for(&req, EntitlementResponse::allow(&other, URL).unwrap().to_json().as_bytes())
                .unwrap_err();
        assert_eq!(d.status, XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH);
        assert!(d.reason.contains(other.message_id()) && d.reason.contains(req.message_id()), "{}", d.reason);
        // The comparison is exact: an uppercased GUID is another messageID.
        let upper = format!(
            r#"{{"messageID":"{}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#,
            req.message_id().to_uppercase()
        );
        assert_eq!(status(EntitlementResponse::parse_for(&req, upper.as_bytes())), XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH);
        let missing = format!(r#"{{"version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#);
        assert_eq!(status(EntitlementResponse::parse_for(&req, missing.as_bytes())), XPDRM_ERR_SEES_MISSING_FIELD);
    }

    #[test]
    fn version_must_not_exceed_the_requests() {
        let req = request();
        let text = |v: &str| {
            format!(r#"{{"messageID":"{}","version":{v},"isAllowed":true,"epTokenURL":"{URL}"}}"#, req.message_id())
        };
        let d = EntitlementResponse::parse_for(&req, text("2").as_bytes()).unwrap_err();
        assert_eq!(
            (d.status, d.reason.as_str()),
            (XPDRM_ERR_SEES_VERSION_TOO_HIGH, "version 2 is higher than the request's version 1")
        );
        assert_eq!(
            status(EntitlementResponse::parse_for(&req, text("0").as_bytes())),
            XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE
        );
        assert_eq!(status(EntitlementResponse::parse_for(&req, text("1.0").as_bytes())), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(status(EntitlementResponse::parse_for(&req, text("\"1\"").as_bytes())), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(status(EntitlementResponse::parse_for(&req, text("1").as_bytes())), XPDRM_OK);
        // A request of a later version accepts an answer of an earlier one.
        let v3 = EntitlementRequest::parse(
            format!(r#"{{"messageID":"{}","version":3,"contentID":"{CONTENT}"}}"#, req.message_id()).as_bytes(),
        )
        .unwrap();
        assert_eq!(status(EntitlementResponse::parse_for(&v3, text("2").as_bytes())), XPDRM_OK);
        assert_eq!(EntitlementResponse::allow(&v3, URL).unwrap().version(), 1);
    }

    #[test]
    fn is_allowed_must_be_a_real_boolean() {
        let req = request();
        let u = format!(r#","epTokenURL":"{URL}""#);
        assert_eq!(status(answer(&req, &u)), XPDRM_ERR_SEES_MISSING_FIELD);
        for v in ["\"true\"", "1", "null", "[true]"] {
            let d = answer(&req, &format!(r#","isAllowed":{v}{u}"#)).unwrap_err();
            assert_eq!(d.status, XPDRM_ERR_SEES_WRONG_TYPE, "{v}");
            assert!(d.reason.starts_with("isAllowed is "), "{}", d.reason);
        }
    }

    #[test]
    fn ep_token_url_is_required_when_allowed_and_checked() {
        let req = request();
        let d = answer(&req, r#","isAllowed":true"#).unwrap_err();
        assert_eq!(
            (d.status, d.reason.as_str()),
            (XPDRM_ERR_SEES_TOKEN_URL_MISSING, "isAllowed is true but epTokenURL is missing")
        );
        assert_eq!(status(answer(&req, r#","isAllowed":true,"epTokenURL":null"#)), XPDRM_ERR_SEES_TOKEN_URL_MISSING);
        assert_eq!(status(answer(&req, r#","isAllowed":true,"epTokenURL":5"#)), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(
            status(answer(&req, r#","isAllowed":true,"epTokenURL":"javascript:alert(1)""#)),
            XPDRM_ERR_SEES_INVALID_FIELD
        );
        assert_eq!(
            status(answer(&req, r#","isAllowed":true,"epTokenURL":"https://a b""#)),
            XPDRM_ERR_SEES_INVALID_FIELD
        );
        let long = format!("https://x/{}", "a".repeat(MAX_TOKEN_URL_LEN));
        assert_eq!(
            status(answer(&req, &format!(r#","isAllowed":true,"epTokenURL":"{long}""#))),
            XPDRM_ERR_SEES_FIELD_TOO_LONG
        );
        assert_eq!(EntitlementResponse::allow(&req, "ftp://x").unwrap_err().status, XPDRM_ERR_SEES_INVALID_FIELD);
        assert_eq!(EntitlementResponse::allow(&req, &long).unwrap_err().status, XPDRM_ERR_SEES_FIELD_TOO_LONG);
    }

    #[test]
    fn error_fields_are_checked() {
        let req = request();
        let base = format!(r#","isAllowed":true,"epTokenURL":"{URL}""#);
        assert_eq!(answer(&req, &format!(r#"{base},"error":-7008,"errorText":"x""#)).unwrap().error(), Some(-7008));
        assert_eq!(status(answer(&req, &format!(r#"{base},"error":"-7008""#))), XPDRM_ERR_SEES_WRONG_TYPE);
        assert_eq!(status(answer(&req, &format!(r#"{base},"error":2147483648"#))), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE);
        assert_eq!(status(answer(&req, &format!(r#"{base},"error":-2147483649"#))), XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE);
        assert_eq!(status(answer(&req, &format!(r#"{base},"errorText":false"#))), XPDRM_ERR_SEES_WRONG_TYPE);
        let long = "x".repeat(MAX_ERROR_TEXT_CHARS + 1);
        assert_eq!(status(answer(&req, &format!(r#"{base},"errorText":"{long}""#))), XPDRM_ERR_SEES_FIELD_TOO_LONG);
        let mut r = EntitlementResponse::deny(&req);
        assert_eq!(r.set_error(1, Some(&long)).unwrap_err().status, XPDRM_ERR_SEES_FIELD_TOO_LONG);
        assert_eq!(r.error(), None, "a refused set_error changes nothing");
    }

    #[test]
    fn hostile_documents_are_denied_with_their_status() {
        let req = request();
        let id = req.message_id();
        let cases: &[(&str, Status)] = &[
            ("", XPDRM_ERR_SEES_MALFORMED_JSON),
            ("{\"messageID\":", XPDRM_ERR_SEES_MALFORMED_JSON),
            ("true", XPDRM_ERR_SEES_NOT_AN_OBJECT),
            ("[{}]", XPDRM_ERR_SEES_NOT_AN_OBJECT),
        ];
        for (text, want) in cases {
            assert_eq!(status(EntitlementResponse::parse_for(&req, text.as_bytes())), *want, "{text}");
        }
        let dup =
            format!(r#"{{"messageID":"{id}","version":1,"isAllowed":false,"isAllowed":true,"epTokenURL":"{URL}"}}"#);
        assert_eq!(status(EntitlementResponse::parse_for(&req, dup.as_bytes())), XPDRM_ERR_SEES_DUPLICATE_KEY);
        let dup_id =
            format!(r#"{{"messageID":"x","messageID":"{id}","version":1,"isAllowed":true,"epTokenURL":"{URL}"}}"#);
        assert_eq!(status(EntitlementResponse::parse_for(&req, dup_id.as_bytes())), XPDRM_ERR_SEES_DUPLICATE_KEY);
        let deep = format!(r#"{{"messageID":"{id}","x":{}1{}}}"#, r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        assert_eq!(status(EntitlementResponse::parse_for(&req, deep.as_bytes())), XPDRM_ERR_SEES_MESSAGE_TOO_LARGE);
        let deep = format!(r#"{{"messageID":"{id}","x":{}1{}}}"#, r#"{"a":"#.repeat(20), "}".repeat(20));
        assert_eq!(status(EntitlementResponse::parse_for(&req, deep.as_bytes())), XPDRM_ERR_SEES_TOO_DEEP);
        let unknown = format!(r#","isAllowed":true,"epTokenURL":"{URL}","extra":{{"z":[null]}},"IsAllowed":false"#);
        assert_eq!(status(answer(&req, &unknown)), XPDRM_OK, "unknown fields are ignored");
    }

    #[test]
    fn deny_message_answers_a_refused_request() {
        let r = EntitlementResponse::deny_message("6ba7b810-9dad-11d1-80b4-00c04fd430c8").unwrap();
        assert_eq!((r.is_allowed(), r.version()), (false, 1));
        assert_eq!(EntitlementResponse::deny_message("nope").unwrap_err().status, XPDRM_ERR_SEES_INVALID_FIELD);
    }

    #[test]
    fn logs_never_carry_the_token() {
        let logged = crate::log::capture::logged(|| {
            let req = request();
            let resp = EntitlementResponse::allow(&req, URL).unwrap();
            let _ = EntitlementResponse::parse_for(&req, resp.to_json().as_bytes()).unwrap();
            let bad = resp.to_json().replace("\"version\":1", "\"version\":9");
            let _ = EntitlementResponse::parse_for(&req, bad.as_bytes()).unwrap_err();
        });
        assert!(logged.len() >= 3, "{logged:?}");
        for (_, m) in &logged {
            assert!(!m.contains("secret-token") && !m.contains("ExpressPlayToken"), "{m}");
        }
    }
}
