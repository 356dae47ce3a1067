//! The status model: one signed 32-bit code for every outcome.
//!
//! * `0` is success ([`Status::XPDRM_OK`]).
//! * Negative values are ExpressPlay's own documented error codes, with their documented numbers. They come
//!   from a server's answer or from local validation that predicts the server's answer.
//! * Positive values are local conditions, in groups of a hundred: 1..99 the C boundary and general input,
//!   100..199 key wrap, 200..299 token requests and responses, 300..399 SEES entitlement messages,
//!   400..499 device binding, 500..599 HTTP transport, 600..699 platform.
//!
//! Numbers are stable forever: a value, once published, keeps its meaning.
//!
//! The first sentence of each variant's documentation is its text, exactly as [`Status::text`] returns it
//! (build.rs derives `Status::ALL` and the texts from the enum, so the list is written once);
//! a test checks the generated header against `xpdrm_status_str`.

/// Status code returned by every fallible xpdrm function. `XPDRM_OK` (0) is success; negative values are
/// ExpressPlay server codes; positive values are local conditions. See `xpdrm_status_str`.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub enum xpdrm_status {
    /// Success.
    XPDRM_OK = 0,

    // ---- 1..99: the C boundary and general input ----
    /// A required pointer argument was NULL.
    XPDRM_ERR_NULL_ARGUMENT = 1,
    /// The output buffer is too small; the required size was written to the length out-parameter.
    XPDRM_ERR_BUFFER_TOO_SMALL = 2,
    /// A text argument is not valid UTF-8.
    XPDRM_ERR_INVALID_UTF8 = 3,
    /// An argument has an invalid value.
    XPDRM_ERR_INVALID_ARGUMENT = 4,
    /// Unknown parameter name (names are case-sensitive).
    XPDRM_ERR_UNKNOWN_PARAMETER = 5,
    /// This function needs a feature that was not compiled into this build of xpdrm.
    XPDRM_ERR_FEATURE_DISABLED = 6,
    /// Internal error: xpdrm caught a panic at the C boundary; no output was written.
    XPDRM_ERR_PANIC = 7,
    /// A hexadecimal argument has an odd length or a character outside 0-9, a-f, A-F.
    XPDRM_ERR_INVALID_HEX = 8,
    /// An input exceeds the documented maximum size.
    XPDRM_ERR_INPUT_TOO_LARGE = 9,
    /// The object is unusable: an earlier call on it caught a panic (XPDRM_ERR_PANIC) and may have left it
    /// half-changed; only its free function still works.
    XPDRM_ERR_POISONED = 10,
    /// A text would hold a NUL character (U+0000), which C text cannot carry; nothing was written.
    XPDRM_ERR_INTERIOR_NUL = 11,

    // ---- 100..199: key wrap ----
    /// Key unwrap integrity check failed: wrong KEK or corrupted wrapped key; no output was written.
    XPDRM_ERR_INTEGRITY = 100,
    /// The key-encryption key must be 16, 24 or 32 bytes.
    XPDRM_ERR_KEK_LENGTH = 101,
    /// Invalid key length for wrapping: KW needs a multiple of 8 bytes, at least 16; KWP needs at least 1 byte.
    XPDRM_ERR_KEY_LENGTH = 102,
    /// Invalid wrapped key length: KW needs a multiple of 8 bytes, at least 24; KWP a multiple of 8, at least 16.
    XPDRM_ERR_WRAPPED_LENGTH = 103,

    // ---- 200..299: token requests and responses ----
    /// Unknown DRM: use XPDRM_DRM_FAIRPLAY (0), XPDRM_DRM_WIDEVINE (1), XPDRM_DRM_PLAYREADY (2),
    /// XPDRM_DRM_MARLIN_MS3 (3) or XPDRM_DRM_MARLIN_BB (4).
    XPDRM_ERR_UNKNOWN_DRM = 200,
    /// Invalid service URL: it must be an absolute http or https URL of printable ASCII with a host, without
    /// user information, and a base URL without query or fragment.
    XPDRM_ERR_INVALID_BASE_URL = 201,
    /// This parameter has a rule in xpdrm's table: set it with the checking setter, not the unchecked one.
    XPDRM_ERR_KNOWN_PARAMETER = 202,
    /// The token server's answer is not valid UTF-8.
    XPDRM_ERR_RESPONSE_NOT_UTF8 = 203,
    /// The token server's answer has a content type that carries neither a token nor an error code.
    XPDRM_ERR_RESPONSE_CONTENT_TYPE = 204,
    /// The token server's answer is not a well-formed JSON object.
    XPDRM_ERR_RESPONSE_MALFORMED_JSON = 205,
    /// The token server's answer holds no absolute http or https license URL.
    XPDRM_ERR_RESPONSE_NO_LICENSE_URL = 206,
    /// The token server's answer holds no single, well-formed ExpressPlayToken.
    XPDRM_ERR_RESPONSE_NO_TOKEN = 207,
    /// This response is a server error: it holds no license URL or token; see its error code.
    XPDRM_ERR_RESPONSE_IS_ERROR = 208,
    /// The token server answered HTTP 400 (invalid arguments) without an error code. Reported by
    /// `xpdrm_token_response_error_code`, not returned by functions.
    XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS = 210,
    /// The token server answered HTTP 401 (authentication failed) without an error code. Reported by
    /// `xpdrm_token_response_error_code`, not returned by functions.
    XPDRM_ERR_SERVER_401_AUTHENTICATION_FAILED = 211,
    /// The token server answered HTTP 404 (invalid URL) without an error code. Reported by
    /// `xpdrm_token_response_error_code`, not returned by functions.
    XPDRM_ERR_SERVER_404_INVALID_URL = 212,
    /// The token server answered HTTP 5xx (server error) without an error code. Reported by
    /// `xpdrm_token_response_error_code`, not returned by functions.
    XPDRM_ERR_SERVER_5XX_ERROR = 213,
    /// The token server answered an unexpected HTTP status without an error code. Reported by
    /// `xpdrm_token_response_error_code` (for 1xx, 3xx and other 4xx statuses), not returned by functions.
    XPDRM_ERR_SERVER_UNEXPECTED_STATUS = 214,
    /// Invalid useHttps parameter: it must be true or false (or 1 or 0); a local check, as the server documents
    /// no code for it.
    XPDRM_ERR_INVALID_USE_HTTPS = 215,
    /// Invalid Widevine trackType parameter: it must be 0 (SD), 1 (HD), 2 (AUDIO), 3 (UHD1) or 4 (UHD2); a local
    /// check, as the server documents no code for it.
    XPDRM_ERR_INVALID_TRACK_TYPE = 216,
    /// Invalid Widevine playbackDuration parameter: it must be seconds, a decimal integer from 0 to 2147483647; a
    /// local check, as the server documents no code for it.
    XPDRM_ERR_INVALID_PLAYBACK_DURATION = 217,
    /// Invalid PlayReady minCertSecurityLevel parameter: it must be 150, 2000 or 3000; a local check, as the
    /// server documents no code for it.
    XPDRM_ERR_INVALID_MIN_CERT_SECURITY_LEVEL = 218,
    /// Invalid PlayReady algId parameter: it must be aesctr or aescbc; a local check, as the server documents no
    /// code for it.
    XPDRM_ERR_INVALID_ALG_ID = 219,
    // ---- 230..249: Marlin token requests and responses (SPEC.md section 7) ----
    /// A Marlin token parameter does not have the form real clients send; the request's reason names the
    /// parameter and the form.
    XPDRM_ERR_MARLIN_INVALID_VALUE = 230,
    /// A Marlin token request lacks a parameter that its kind needs; the request's reason names it.
    XPDRM_ERR_MARLIN_MISSING_PARAMETER = 231,
    /// Marlin token parameters that belong together are not given together; the request's reason names them.
    XPDRM_ERR_MARLIN_PARAMETER_MISMATCH = 232,
    /// The MS3 token server's answer holds no compound URL with a single, well-formed b token.
    XPDRM_ERR_RESPONSE_MS3_NO_TOKEN = 233,
    /// The MS3 compound URL's fragment does not decode to a content URL (percent-encoded UTF-8 text).
    XPDRM_ERR_RESPONSE_MS3_CONTENT_URL = 234,
    /// This response carries no content URL: only an MS3 compound URL with a fragment has one.
    XPDRM_ERR_RESPONSE_NO_CONTENT_URL = 235,
    /// The Marlin BB token server's answer is not a well-formed XML document.
    XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED = 236,
    /// The Marlin BB token server's answer is well-formed XML but not a Marlin ActionToken document.
    XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN = 237,
    /// This response holds no Marlin BB action token: only a Marlin BB answer has one.
    XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN = 238,
    /// This response is a Marlin BB action token: it has no license URL or token text; read the action token.
    XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN = 239,
    // ---- 300..399: SEES entitlement messages ----
    /// The SEES message is not well-formed JSON.
    XPDRM_ERR_SEES_MALFORMED_JSON = 300,
    /// The SEES message is not a JSON object.
    XPDRM_ERR_SEES_NOT_AN_OBJECT = 301,
    /// The SEES message is larger than XPDRM_SEES_MAX_MESSAGE_LEN bytes.
    XPDRM_ERR_SEES_MESSAGE_TOO_LARGE = 302,
    /// The SEES message nests arrays or objects deeper than XPDRM_SEES_MAX_DEPTH levels.
    XPDRM_ERR_SEES_TOO_DEEP = 303,
    /// A key appears twice in one object of the SEES message.
    XPDRM_ERR_SEES_DUPLICATE_KEY = 304,
    /// A required field of the SEES message is missing.
    XPDRM_ERR_SEES_MISSING_FIELD = 305,
    /// A field of the SEES message has the wrong JSON type.
    XPDRM_ERR_SEES_WRONG_TYPE = 306,
    /// A number in the SEES message is outside its field's range.
    XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE = 307,
    /// A text field of the SEES message is longer than its maximum.
    XPDRM_ERR_SEES_FIELD_TOO_LONG = 308,
    /// A field of the SEES message has an invalid value.
    XPDRM_ERR_SEES_INVALID_FIELD = 309,
    /// Entitlement denied: the response's messageID is not the request's.
    XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH = 310,
    /// Entitlement denied: the response's version is higher than the request's.
    XPDRM_ERR_SEES_VERSION_TOO_HIGH = 311,
    /// Entitlement denied: the response allows the license but carries no epTokenURL.
    XPDRM_ERR_SEES_TOKEN_URL_MISSING = 312,
    /// Entitlement denied by the entitlement service (isAllowed is false).
    XPDRM_ERR_SEES_DENIED = 313,
    /// The message does not carry this optional field.
    XPDRM_ERR_SEES_FIELD_ABSENT = 314,
    /// The operating system's random number source failed.
    XPDRM_ERR_RANDOM_SOURCE = 315,

    // ---- 400..499: device IDs and device binding ----
    /// This call does not fit the current step of the device-binding flow.
    XPDRM_ERR_BINDING_WRONG_STATE = 400,
    /// The device-binding flow has already failed; start a new one.
    XPDRM_ERR_BINDING_FAILED = 401,
    /// No transaction record carries a device ID for this cookie.
    XPDRM_ERR_BINDING_NO_RECORD = 402,
    /// The device IDs do not match.
    XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH = 403,
    /// The transaction records answer is not in the documented format.
    XPDRM_ERR_BINDING_RECORDS_INVALID = 404,
    /// A server answered a device-binding step with an unexpected HTTP status.
    XPDRM_ERR_BINDING_HTTP_STATUS = 405,
    /// The token server did not return a token.
    XPDRM_ERR_BINDING_TOKEN_REFUSED = 406,
    /// The device ID is empty (after trimming whitespace).
    XPDRM_ERR_DEVICE_ID_EMPTY = 407,

    // ---- 500..599: HTTP transport (feature http) ----
    /// Could not connect: the server refused the connection or cannot be reached.
    XPDRM_ERR_HTTP_CONNECT = 500,
    /// The server did not answer in time (connect, read or overall timeout).
    XPDRM_ERR_HTTP_TIMEOUT = 501,
    /// The server answered HTTP 5xx to every attempt the retry policy allows.
    XPDRM_ERR_HTTP_RETRIES_EXHAUSTED = 502,
    /// The connection closed before the whole answer arrived.
    XPDRM_ERR_HTTP_TRUNCATED = 503,
    /// The answer is larger than the client's maximum response size.
    XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE = 504,
    /// The answer has a content type that this operation does not accept.
    XPDRM_ERR_HTTP_CONTENT_TYPE = 505,
    /// TLS: the server's certificate is not issued by a trusted CA.
    XPDRM_ERR_HTTP_TLS_UNKNOWN_CA = 506,
    /// TLS: the server's certificate is invalid (wrong name, expired, or malformed).
    XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID = 507,
    /// TLS: the server requires a client certificate and none is configured.
    XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED = 508,
    /// TLS: the server rejected the client certificate.
    XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED = 509,
    /// TLS failed for another reason (handshake or protocol error).
    XPDRM_ERR_HTTP_TLS = 510,
    /// The HTTP exchange failed (connection reset, malformed answer, or another transport error).
    XPDRM_ERR_HTTP_TRANSPORT = 511,
    /// The URL cannot be used: it must be an absolute http or https URL with a host.
    XPDRM_ERR_HTTP_INVALID_URL = 512,
    /// A PEM certificate or private key cannot be used, or the key does not belong to the certificate.
    XPDRM_ERR_HTTP_BAD_PEM = 513,
    /// The server answered with an HTTP status that this operation does not accept.
    XPDRM_ERR_HTTP_STATUS = 514,
    /// The call was cancelled through its cancel handle; nothing was written.
    XPDRM_ERR_HTTP_CANCELLED = 515,
    /// Could not connect to the proxy: it refused the connection, cannot be reached, or did not answer in time.
    XPDRM_ERR_HTTP_PROXY_CONNECT = 516,
    /// The proxy refused to open a tunnel to the server (it answered CONNECT with an error).
    XPDRM_ERR_HTTP_PROXY_REFUSED = 517,
    /// The proxy requires authentication (HTTP 407): no credentials, or wrong ones, were given.
    XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED = 518,
    /// TLS: the server's certificate chain is valid but its key matches none of the pins.
    XPDRM_ERR_HTTP_TLS_PIN_MISMATCH = 519,
    /// The trusted CAs cannot be loaded: no CA store of the operating system was found, or no CA is trusted.
    XPDRM_ERR_HTTP_TRUST_STORE = 520,
    /// The answer has no header of that name.
    XPDRM_ERR_HTTP_NO_SUCH_HEADER = 521,

    // ---- ExpressPlay server codes (SPEC.md §2), in numeric order ----
    /// Invalid token expiration time.
    XPDRM_ERR_INVALID_EXPIRATION_TIME = -2002,
    /// Invalid IP address.
    XPDRM_ERR_INVALID_IP_ADDRESS = -2003,
    /// Invalid content encryption key.
    XPDRM_ERR_INVALID_CONTENT_KEY = -2005,
    /// Invalid output control flag specified.
    XPDRM_ERR_INVALID_OUTPUT_CONTROL_FLAG = -2008,
    /// Authenticator token must be specified.
    XPDRM_ERR_MISSING_AUTHENTICATOR = -2017,
    /// Authentication token invalid.
    XPDRM_ERR_INVALID_AUTHENTICATOR = -2018,
    /// Insufficient tokens available.
    XPDRM_ERR_INSUFFICIENT_TOKENS = -2019,
    /// Missing rights type.
    XPDRM_ERR_MISSING_RIGHTS_TYPE = -2020,
    /// Invalid rights type.
    XPDRM_ERR_INVALID_RIGHTS_TYPE = -2021,
    /// Missing or invalid rental period end time.
    XPDRM_ERR_RENTAL_PERIOD_END_TIME = -2022,
    /// Missing rental play duration.
    XPDRM_ERR_MISSING_RENTAL_PLAY_DURATION = -2023,
    /// Invalid rental play duration.
    XPDRM_ERR_INVALID_RENTAL_PLAY_DURATION = -2025,
    /// Content encryption key must be 32 hexadecimal digits long.
    XPDRM_ERR_CONTENT_KEY_NOT_32_HEX = -2027,
    /// ExpressPlay admin error.
    XPDRM_ERR_ADMIN = -2030,
    /// Service account disabled.
    XPDRM_ERR_ACCOUNT_DISABLED = -2031,
    /// Invalid cookie.
    XPDRM_ERR_INVALID_COOKIE = -2033,
    /// Invalid output control, values out of specified range.
    XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE = -2034,
    /// No corresponding value specified.
    XPDRM_ERR_NO_CORRESPONDING_VALUE = -2035,
    /// Extension type must be 4 characters.
    XPDRM_ERR_EXTENSION_TYPE_NOT_4_CHARS = -2036,
    /// Extension payload must be base64 encoded.
    XPDRM_ERR_EXTENSION_PAYLOAD_NOT_BASE64 = -2037,
    /// Output control flags must encode 4 bytes.
    XPDRM_ERR_OUTPUT_CONTROL_FLAGS_NOT_4_BYTES = -2040,
    /// Invalid error format specified.
    XPDRM_ERR_INVALID_ERROR_FORMAT = -3004,
    /// Device could not be authenticated.
    XPDRM_ERR_DEVICE_NOT_AUTHENTICATED = -4001,
    /// Invalid token.
    XPDRM_ERR_INVALID_TOKEN = -4010,
    /// Missing kid.
    XPDRM_ERR_MISSING_KID = -4018,
    /// Failed to get content key from key storage service.
    XPDRM_ERR_KEY_NOT_IN_STORAGE = -4019,
    /// kid must be 32 hexadecimal characters long.
    XPDRM_ERR_KID_NOT_32_HEX = -4020,
    /// kid must be at most 64 characters long after '^'.
    XPDRM_ERR_KID_TOO_LONG = -4021,
    /// Invalid kid.
    XPDRM_ERR_INVALID_KID = -4022,
    /// Invalid encrypted key or kek.
    XPDRM_ERR_INVALID_EK_OR_KEK = -4024,
    /// Invalid unknown output behavior.
    XPDRM_ERR_INVALID_UNKNOWN_OUTPUT_BEHAVIOR = -5001,
    /// PlayReady option disabled.
    XPDRM_ERR_PLAYREADY_DISABLED = -5002,
    /// Invalid general flags.
    XPDRM_ERR_INVALID_GENERAL_FLAGS = -5003,
    /// deviceId must be 32 hexadecimal characters long.
    XPDRM_ERR_DEVICE_ID_NOT_32_HEX = -5004,
    /// Invalid deviceId.
    XPDRM_ERR_INVALID_DEVICE_ID = -5005,
    /// Missing output protection level.
    XPDRM_ERR_MISSING_OPL = -5006,
    /// Only one of kek or contentKey may be specified.
    XPDRM_ERR_KEK_AND_CONTENT_KEY = -5007,
    /// Invalid fpExtension parameters specified.
    XPDRM_ERR_INVALID_FP_EXTENSION = -6001,
    /// Invalid FairPlay token type.
    XPDRM_ERR_INVALID_FP_TOKEN_TYPE = -6002,
    /// Invalid iv parameter specified.
    XPDRM_ERR_INVALID_IV = -6003,
    /// Cannot generate CKC for FairPlay.
    XPDRM_ERR_CANNOT_GENERATE_CKC = -6004,
    /// Invalid key data specified.
    XPDRM_ERR_INVALID_KEY_DATA = -6005,
    /// Service not authorized to support FairPlay.
    XPDRM_ERR_FAIRPLAY_NOT_AUTHORIZED = -6006,
    /// Invalid rental duration specified.
    XPDRM_ERR_INVALID_RENTAL_DURATION = -6007,
    /// Device ID binding is not supported for FairPlay.
    XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED = -6008,
    /// FairPlay option disabled.
    XPDRM_ERR_FAIRPLAY_DISABLED = -6009,
    /// Device ID binding is not supported for Widevine.
    XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED = -7002,
    /// Missing security level value.
    XPDRM_ERR_MISSING_SECURITY_LEVEL = -7003,
    /// Invalid security level value.
    XPDRM_ERR_INVALID_SECURITY_LEVEL = -7004,
    /// Missing HDCP output control value.
    XPDRM_ERR_MISSING_HDCP_OUTPUT_CONTROL = -7006,
    /// Invalid license duration specified.
    XPDRM_ERR_INVALID_LICENSE_DURATION = -7007,
    /// Failed to generate Widevine license.
    XPDRM_ERR_CANNOT_GENERATE_WIDEVINE_LICENSE = -7008,
    /// Invalid wvExtension parameters specified.
    XPDRM_ERR_INVALID_WV_EXTENSION = -7009,
    /// Widevine option disabled.
    XPDRM_ERR_WIDEVINE_DISABLED = -7011,
}

/// The Rust name of [`xpdrm_status`].
pub use xpdrm_status as Status;

use xpdrm_status::*;

// `Status::ALL` (every status, in declaration order) and `Status::c_text` (each status's text: the first
// sentence of its documentation above), generated by build.rs from the enum, so the list is written once.
include!(concat!(env!("OUT_DIR"), "/status_table.rs"));

impl Status {
    /// The numeric code, as C sees it.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The status with this numeric code, if xpdrm knows it.
    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// True for the ExpressPlay server codes (the negative values).
    pub const fn is_server_code(self) -> bool {
        (self as i32) < 0
    }

    /// The static English text of this status, as `xpdrm_status_str` returns it.
    pub fn text(self) -> &'static str {
        // The literals are ASCII, so this never takes the fallback.
        self.c_text().to_str().unwrap_or("")
    }
}

/// Text for a code that xpdrm does not know (a future server code, say).
pub const UNKNOWN_STATUS_TEXT: &core::ffi::CStr = c"Unknown status code.";

/// The static text for any 32-bit code, known or not, as a C string.
pub fn c_text_for_code(code: i32) -> &'static core::ffi::CStr {
    Status::from_code(code).map_or(UNKNOWN_STATUS_TEXT, Status::c_text)
}

/// The static text for any 32-bit code, known or not.
pub fn text_for_code(code: i32) -> &'static str {
    c_text_for_code(code).to_str().unwrap_or("")
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.text(), self.code())
    }
}

impl std::error::Error for Status {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for s in Status::ALL {
            assert!(seen.insert(s.code()), "duplicate code {}", s.code());
            assert_eq!(Status::from_code(s.code()), Some(*s));
        }
    }

    #[test]
    fn local_codes_are_positive_and_server_codes_negative() {
        for s in Status::ALL {
            let name = format!("{s:?}");
            if s.code() < 0 {
                assert!(s.is_server_code(), "{name}");
            }
            assert!(name.starts_with("XPDRM_ERR_") || *s == XPDRM_OK, "{name}");
        }
    }

    #[test]
    fn unknown_codes_have_a_text() {
        assert_eq!(c_text_for_code(-9999), UNKNOWN_STATUS_TEXT);
        assert_eq!(c_text_for_code(i32::MIN), UNKNOWN_STATUS_TEXT);
        assert_eq!(text_for_code(-2027), "Content encryption key must be 32 hexadecimal digits long.");
    }
}
