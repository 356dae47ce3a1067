//! The parameter tables: one per DRM, one row per parameter its token server knows, with the rule a value
//! must follow and the code the server answers when it does not (SPEC.md §2). Plus, per DRM, the rules that
//! span several parameters and are checked when the whole request is built.
//!
//! These tables are the one source of truth: [`TokenRequest`](super::TokenRequest) validates with them, the
//! reasons it gives quote them, the parameter reference in the C header is generated from them
//! ([`reference()`], checked by `tests/token_docs.rs`), and the tests iterate them, so that a new row is tested
//! (and documented) without anyone remembering to.
//!
//! Every row's rule text ends with where it comes from, in brackets: `[vendor's table]` (ExpressPlay's
//! documented tables), `[real clients]` (what production clients send and the service accepts, SPEC.md's
//! "(real world)" evidence), or both. Where the two disagree, real clients win (SPEC.md, "The rule of local
//! validation"): a value is refused locally only where the vendor documents the error and no real client
//! sends such a value. A value that fails its form and has no documented server code gets a local status
//! (215-219) that names the parameter.
//!
//! Several keys in one token (SPEC.md, "Several keys in one token"): the parameters of [`indexed_names`]
//! also take an index, `kid.0`, `contentKey.1`, ..., each checked with its plain name's row and code.
//!
//! Decisions where SPEC.md leaves room (each is also in the row's rule text):
//! * An empty value is what a server sees as an absent parameter: a row with a "missing" code answers it.
//! * "Not 32 hex" codes cover any value that is not exactly 32 hexadecimal digits; the separate "invalid"
//!   codes of `kid` and `deviceId` are for a value with nothing in it (`^` alone, an empty `deviceId`).
//! * Integers are plain decimal digits (no sign, no spaces) and fit a signed 32-bit integer.
//! * `ek` wraps a 16-byte content key, so it is 24 bytes (48 hex digits); with `kek`, it must unwrap.
//! * Base64 payloads use the standard alphabet, with or without `=` padding, and are not empty.

use crate::Status::{self, *};

use super::Drm;
use super::time::{self, THIRTY_DAYS, TimeValue};

/// Whether a request needs a parameter.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The server does without it.
    Optional,
    /// The request is refused without it, with the row's `missing` code (checked when the URL or body is
    /// built).
    Required,
    /// The server needs it, but xpdrm builds requests without it: a trusted proxy may add it.
    AtServer,
    /// Needed in some requests only; a [`RequestRule`] of the DRM says when.
    Conditional(&'static str),
}

/// How a value is checked. Each variant carries the codes it answers with; a field's name says which
/// failure its code is for.
#[allow(missing_docs)] // the fields are codes named after their failure
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// `<customer id digits>,<32 hex digits>`.
    Authenticator { invalid: Status },
    /// One of a few exact, case-sensitive words.
    Choice { values: &'static [&'static str], invalid: Status },
    /// 1 to 8 hexadecimal digits, all zero.
    ZeroHex { invalid: Status },
    /// `generalFlags`: 8 hexadecimal digits whose value is 0 or 1 (1: a persistent license); with
    /// `short_zero`, also a shorter all-zero form such as the documented `0000`.
    GeneralFlags { short_zero: bool, invalid: Status },
    /// Hexadecimal of one of the given byte lengths.
    HexBytes { lengths: &'static [usize], invalid: Status },
    /// Exactly 32 hexadecimal digits (16 bytes).
    Hex32 { not_32_hex: Status, empty: Status },
    /// A key ID: 32 hexadecimal digits, or `^` followed by 1 to 64 characters.
    Kid { not_32_hex: Status, too_long: Status, invalid: Status },
    /// An RFC 3339 UTC time with `Z`, or `+<seconds>`; with `max_ahead`, at most that far in the future.
    Time { max_ahead: Option<i64>, invalid: Status },
    /// Any text of at most `max` characters.
    MaxChars { max: usize, invalid: Status },
    /// Any text of exactly `n` characters.
    ExactChars { n: usize, invalid: Status },
    /// Non-empty standard base64.
    Base64 { invalid: Status },
    /// `<type>,<payload>`: a 4-character type and a base64 payload.
    Extension { malformed: Status, bad_type: Status, bad_payload: Status },
    /// A decimal integer in `min..=max`.
    Integer { min: u32, max: u32, invalid: Status },
    /// 8 hexadecimal digits (4 bytes).
    Hex4Bytes { not_hex: Status, not_4_bytes: Status },
    /// Any text.
    Free,
    /// The DRM does not support this parameter: any value is refused with `code`.
    Unsupported { code: Status },
    /// A form only Marlin parameters have (a content URL, an output control override, an MS3 extension).
    Form { form: marlin::Form, invalid: Status },
}

/// One parameter of a DRM's token request.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The name, case-sensitive, as the server spells it.
    pub name: &'static str,
    /// Whether a request needs it.
    pub presence: Presence,
    /// The code for an absent (or empty) value, where the server has one.
    pub missing: Option<Status>,
    /// The rule a value must follow, with its codes.
    pub check: Check,
    /// Several values may be given; each is sent, in the order set.
    pub repeatable: bool,
    /// A secret: wiped on free, never logged, `<redacted>` in the redacted rendering.
    pub secret: bool,
    /// The rule in English, as reasons and the header quote it.
    pub rule: &'static str,
}

/// A rule that spans several parameters of a request, checked when the URL or body is built.
#[derive(Copy, Clone)]
pub struct RequestRule {
    /// The code the server answers when the rule is broken.
    pub code: Status,
    /// The rule in English.
    pub rule: &'static str,
    /// True when the request keeps the rule.
    pub(crate) holds: fn(&dyn Lookup) -> bool,
}

impl core::fmt::Debug for RequestRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequestRule").field("code", &self.code).field("rule", &self.rule).finish()
    }
}

/// Read access to a request's values, for [`RequestRule`]s.
pub(crate) trait Lookup {
    /// The (first) value of a known parameter, if set.
    fn value(&self, name: &str) -> Option<&str>;
    fn has(&self, name: &str) -> bool {
        self.value(name).is_some()
    }
    /// The value of the indexed parameter `name.index` (`kid.1`), if set.
    fn indexed(&self, _name: &str, _index: u32) -> Option<&str> {
        None
    }
    /// True when some `name.N` is set whose index satisfies `pred` (no allocation: rules run at build time).
    fn any_index(&self, _name: &str, _pred: &mut dyn FnMut(u32) -> bool) -> bool {
        false
    }
}

// ---- Several keys in one token ----

/// Widevine's parameters that also take an index (`kid.0`, `securityLevel.2`, ...) [real clients: the
/// HbbTV reference application's ExpressPlay client].
pub static WIDEVINE_INDEXED: &[&str] = &["kid", "contentKey", "securityLevel", "hdcpOutputControl", "trackType"];

/// PlayReady's parameters that also take an index [real clients: the HbbTV reference application's
/// ExpressPlay client sends `minCertSecurityLevel.N` and notes that the OPLs take `.0`, `.1` per track].
pub static PLAYREADY_INDEXED: &[&str] = &[
    "kid",
    "contentKey",
    "minCertSecurityLevel",
    "analogVideoOPL",
    "compressedDigitalAudioOPL",
    "compressedDigitalVideoOPL",
    "uncompressedDigitalAudioOPL",
    "uncompressedDigitalVideoOPL",
];

/// The parameters of `drm` that also take an index, for several keys in one token: `name.N` follows the rule
/// and codes of `name` (SPEC.md, "Several keys in one token"). Empty for a DRM whose tokens carry one key.
pub fn indexed_names(drm: Drm) -> &'static [&'static str] {
    match drm {
        Drm::Widevine => WIDEVINE_INDEXED,
        Drm::PlayReady => PLAYREADY_INDEXED,
        Drm::MarlinMs3 => MARLIN_MS3_INDEXED,
        #[allow(unreachable_patterns)] // DRMs added later carry one key unless they say otherwise
        _ => &[],
    }
}

/// Splits `kid.12` into (`kid`, 12): an index is decimal digits without a leading zero (but `0`), within 32
/// bits. `None` for a name without such an index.
pub fn split_index(name: &str) -> Option<(&str, u32)> {
    let (base, digits) = name.rsplit_once('.')?;
    if base.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    digits.parse().ok().map(|n| (base, n))
}

/// The row of an indexed name (`kid.2`) in `drm`'s table, with its index, when its plain name takes one.
pub fn find_indexed(drm: Drm, name: &str) -> Option<(&'static Param, u32)> {
    let (base, index) = split_index(name)?;
    if !indexed_names(drm).contains(&base) {
        return None;
    }
    find(drm, base).map(|(_, p)| (p, index))
}

// ---- The rows shared by the three DRMs ----

const CUSTOMER_AUTHENTICATOR: Param = Param {
    name: "customerAuthenticator",
    presence: Presence::AtServer,
    missing: Some(XPDRM_ERR_MISSING_AUTHENTICATOR),
    check: Check::Authenticator { invalid: XPDRM_ERR_INVALID_AUTHENTICATOR },
    repeatable: false,
    secret: true,
    rule: "the customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here \
           because a trusted proxy may add it [vendor's table]",
};

const ERROR_FORMAT: Param = Param {
    name: "errorFormat",
    presence: Presence::Optional,
    missing: None,
    check: Check::Choice { values: &["html", "json"], invalid: XPDRM_ERR_INVALID_ERROR_FORMAT },
    repeatable: false,
    secret: false,
    rule: "html (the default) or json: the form of the server's error answers [vendor's table; real clients \
           send json]",
};

const GENERAL_FLAGS_ZERO: Param = Param {
    name: "generalFlags",
    presence: Presence::Optional,
    missing: None,
    check: Check::GeneralFlags { short_zero: true, invalid: XPDRM_ERR_INVALID_GENERAL_FLAGS },
    repeatable: false,
    secret: false,
    rule: "00000000, or 00000001 for a persistent license, or the documented all-zero 0000 (1 to 8 zero \
           digits) [vendor's table says zero only; real clients send 00000001 to Widevine and FairPlay too]",
};

const USE_HTTPS: Param = Param {
    name: "useHttps",
    presence: Presence::Optional,
    missing: None,
    check: Check::Choice { values: &["true", "false", "1", "0"], invalid: XPDRM_ERR_INVALID_USE_HTTPS },
    repeatable: false,
    secret: false,
    rule: "true or false (PHP clients send 1): whether the answer's license URL is https; without it, \
           answers have been http [real clients; no vendor table row, so a malformed value is refused with a \
           local status]",
};

const KEK: Param = Param {
    name: "kek",
    presence: Presence::Optional,
    missing: None,
    check: Check::HexBytes { lengths: &[16, 24, 32], invalid: XPDRM_ERR_INVALID_EK_OR_KEK },
    repeatable: false,
    secret: true,
    rule: "the key-encryption key in hexadecimal, 16, 24 or 32 bytes (32, 48 or 64 digits); a secret \
           [vendor's table; 16 bytes documented by the key storage, 24 and 32 are xpdrm's extension]",
};

const EK: Param = Param {
    name: "ek",
    presence: Presence::Optional,
    missing: None,
    check: Check::HexBytes { lengths: &[24], invalid: XPDRM_ERR_INVALID_EK_OR_KEK },
    repeatable: false,
    secret: true,
    rule: "the 16-byte content key wrapped under kek with AES Key Wrap (RFC 3394), in hexadecimal: 24 bytes \
           (48 digits); needs kek and must unwrap under it; a secret [vendor's table]",
};

const KID_RULE: &str = "32 hexadecimal digits, or ^ followed by 1 to 64 characters (the key storage derives \
                        that key's KID as the first 16 bytes of SHA-1 of the name: xpdrm_kid_from_name) \
                        [vendor's table; key storage spec]";

const KID_OPTIONAL: Param = Param {
    name: "kid",
    presence: Presence::Optional,
    missing: Some(XPDRM_ERR_MISSING_KID),
    check: Check::Kid {
        not_32_hex: XPDRM_ERR_KID_NOT_32_HEX,
        too_long: XPDRM_ERR_KID_TOO_LONG,
        invalid: XPDRM_ERR_INVALID_KID,
    },
    repeatable: false,
    secret: false,
    rule: KID_RULE,
};

const KID_REQUIRED: Param = Param { presence: Presence::Required, ..KID_OPTIONAL };

const CONTENT_KEY_RULE: &str = "the content key: 32 hexadecimal digits; a secret [vendor's table]";

const CONTENT_KEY_FAIRPLAY: Param = Param {
    name: "contentKey",
    presence: Presence::Conditional("unless kek and ek, or kid, are given"),
    missing: Some(XPDRM_ERR_INVALID_CONTENT_KEY),
    check: Check::Hex32 { not_32_hex: XPDRM_ERR_CONTENT_KEY_NOT_32_HEX, empty: XPDRM_ERR_INVALID_CONTENT_KEY },
    repeatable: false,
    secret: true,
    rule: CONTENT_KEY_RULE,
};

const CONTENT_KEY: Param = Param { presence: Presence::Optional, ..CONTENT_KEY_FAIRPLAY };

const CONTENT_KEY_PLAYREADY: Param = Param {
    rule: "the content key: 32 hexadecimal digits; not together with kek; a secret [vendor's table]",
    ..CONTENT_KEY
};

const EXPIRATION_TIME: Param = Param {
    name: "expirationTime",
    presence: Presence::Optional,
    missing: None,
    check: Check::Time { max_ahead: Some(THIRTY_DAYS), invalid: XPDRM_ERR_INVALID_EXPIRATION_TIME },
    repeatable: false,
    secret: false,
    rule: "when the token expires: an RFC 3339 UTC time with Z (2006-04-14T12:01:10Z), in the future by this \
           device's clock, or + and the seconds after issuance (+3600); at most 30 days ahead [vendor's table; \
           real clients send it to PlayReady too, whose error table has -2002]",
};

const COOKIE: Param = Param {
    name: "cookie",
    presence: Presence::Optional,
    missing: None,
    check: Check::MaxChars { max: 32, invalid: XPDRM_ERR_INVALID_COOKIE },
    repeatable: false,
    secret: false,
    rule: "any text of at most 32 characters, recorded with the token for correlating logs [vendor's table]",
};

/// An `<drm>Extension` row: `type,payload`, refused as a whole with the DRM's own `malformed` code.
const fn extension(name: &'static str, malformed: Status) -> Param {
    Param {
        name,
        presence: Presence::Optional,
        missing: None,
        check: Check::Extension {
            malformed,
            bad_type: XPDRM_ERR_EXTENSION_TYPE_NOT_4_CHARS,
            bad_payload: XPDRM_ERR_EXTENSION_PAYLOAD_NOT_BASE64,
        },
        repeatable: true,
        secret: false,
        rule: "a type of exactly 4 characters, a comma, and a non-empty standard base64 payload, such as \
               wudo,AAAAAA==; repeatable, sent in the order set [vendor's table]",
    }
}

/// `deviceId` and `deviceid` (the device-binding page's spelling) on a DRM without device binding: both
/// refused with the DRM's `code`.
const fn no_device_binding(code: Status) -> (Param, Param) {
    let device_id = Param {
        name: "deviceId",
        presence: Presence::Optional,
        missing: None,
        check: Check::Unsupported { code },
        repeatable: false,
        secret: true,
        rule: "not supported: device binding is PlayReady only [vendor's table]",
    };
    let spelling = Param {
        name: "deviceid",
        rule: "the device-binding page's spelling of deviceId: not supported either [vendor's table]",
        ..device_id
    };
    (device_id, spelling)
}
const FAIRPLAY_DEVICE_ID: (Param, Param) = no_device_binding(XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED);
const WIDEVINE_DEVICE_ID: (Param, Param) = no_device_binding(XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED);

const SECONDS_MAX: u32 = i32::MAX as u32;

// ---- FairPlay ----

/// FairPlay (`fp-gen`): every parameter its token server knows.
pub static FAIRPLAY: &[Param] = &[
    CUSTOMER_AUTHENTICATOR,
    ERROR_FORMAT,
    USE_HTTPS,
    GENERAL_FLAGS_ZERO,
    KEK,
    KID_OPTIONAL,
    EK,
    CONTENT_KEY_FAIRPLAY,
    Param {
        name: "iv",
        presence: Presence::Required,
        missing: Some(XPDRM_ERR_INVALID_IV),
        check: Check::Hex32 { not_32_hex: XPDRM_ERR_INVALID_IV, empty: XPDRM_ERR_INVALID_IV },
        repeatable: false,
        secret: false,
        rule: "the content's packaging IV: 32 hexadecimal digits [vendor's table]",
    },
    Param {
        name: "rentalDuration",
        presence: Presence::Optional,
        missing: None,
        check: Check::Integer { min: 0, max: SECONDS_MAX, invalid: XPDRM_ERR_INVALID_RENTAL_DURATION },
        repeatable: false,
        secret: false,
        rule: "rental duration in seconds, a decimal integer from 0 (the default) to 2147483647 [vendor's table]",
    },
    extension("fpExtension", XPDRM_ERR_INVALID_FP_EXTENSION),
    EXPIRATION_TIME,
    COOKIE,
    FAIRPLAY_DEVICE_ID.0,
    FAIRPLAY_DEVICE_ID.1,
];

// ---- Widevine ----

/// Widevine (`wv-gen`): every parameter its token server knows.
pub static WIDEVINE: &[Param] = &[
    CUSTOMER_AUTHENTICATOR,
    ERROR_FORMAT,
    USE_HTTPS,
    GENERAL_FLAGS_ZERO,
    KEK,
    KID_REQUIRED,
    EK,
    CONTENT_KEY,
    Param {
        name: "contentId",
        presence: Presence::Optional,
        missing: None,
        check: Check::Free,
        repeatable: false,
        secret: false,
        rule: "the content ID: any text (a real client notes a maximum of 36 characters; no code is documented, \
               so it is not refused) [vendor's table; real clients]",
    },
    Param {
        name: "securityLevel",
        presence: Presence::Optional,
        missing: Some(XPDRM_ERR_MISSING_SECURITY_LEVEL),
        check: Check::Integer { min: 1, max: 5, invalid: XPDRM_ERR_INVALID_SECURITY_LEVEL },
        repeatable: false,
        secret: false,
        rule: "1 SW_SECURE_CRYPTO, 2 SW_SECURE_DECODE, 3 HW_SECURE_CRYPTO, 4 HW_SECURE_DECODE, 5 HW_SECURE_ALL; \
               the table marks it required (-7003), but production integrations send none and get tokens, so \
               a request without it is not refused here; an empty value is still -7003 [vendor's table; real \
               clients]",
    },
    Param {
        name: "hdcpOutputControl",
        presence: Presence::Optional,
        missing: Some(XPDRM_ERR_MISSING_HDCP_OUTPUT_CONTROL),
        check: Check::Integer { min: 0, max: 5, invalid: XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE },
        repeatable: false,
        secret: false,
        rule: "0 HDCP_NONE, 1 HDCP_V1, 2 HDCP_V2, 3 HDCP_V2_1, 4 HDCP_V2_2, 5 HDCP_NO_DIGITAL_OUTPUT; the table \
               lists 0 to 2 and marks it required (-7006), but real clients send 3 to 5 (HDCP 2.2 for UHD) and \
               requests without it get tokens, so neither is refused here; an empty value is still -7006 \
               [vendor's table; real clients]",
    },
    Param {
        name: "trackType",
        presence: Presence::Optional,
        missing: None,
        check: Check::Integer { min: 0, max: 4, invalid: XPDRM_ERR_INVALID_TRACK_TYPE },
        repeatable: false,
        secret: false,
        rule: "the track the key is for: 0 SD, 1 HD, 2 AUDIO, 3 UHD1, 4 UHD2 [real clients; no vendor table row, \
               so a malformed value is refused with a local status]",
    },
    Param {
        name: "licenseDuration",
        presence: Presence::Optional,
        missing: None,
        check: Check::Integer { min: 0, max: SECONDS_MAX, invalid: XPDRM_ERR_INVALID_LICENSE_DURATION },
        repeatable: false,
        secret: false,
        rule: "seconds of playback after it starts, a decimal integer from 0 to 2147483647; absent means \
               unlimited [vendor's table]",
    },
    Param {
        name: "playbackDuration",
        presence: Presence::Optional,
        missing: None,
        check: Check::Integer { min: 0, max: SECONDS_MAX, invalid: XPDRM_ERR_INVALID_PLAYBACK_DURATION },
        repeatable: false,
        secret: false,
        rule: "seconds of viewing once playback started, a decimal integer from 0 to 2147483647; absent means \
               unlimited [real clients; no vendor table row, so a malformed value is refused with a local status]",
    },
    extension("wvExtension", XPDRM_ERR_INVALID_WV_EXTENSION),
    EXPIRATION_TIME,
    COOKIE,
    WIDEVINE_DEVICE_ID.0,
    WIDEVINE_DEVICE_ID.1,
];

// ---- PlayReady ----

const OPL: Param = Param {
    name: "",
    presence: Presence::Required,
    missing: Some(XPDRM_ERR_MISSING_OPL),
    check: Check::Integer { min: 0, max: 999, invalid: XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE },
    repeatable: false,
    secret: false,
    rule: "output protection level, a decimal integer from 0 to 999 [vendor's table; real clients also set it \
           per key]",
};

/// PlayReady (`pr-gen`): every parameter its token server knows.
pub static PLAYREADY: &[Param] = &[
    CUSTOMER_AUTHENTICATOR,
    ERROR_FORMAT,
    USE_HTTPS,
    Param {
        name: "generalFlags",
        presence: Presence::Optional,
        missing: None,
        check: Check::GeneralFlags { short_zero: false, invalid: XPDRM_ERR_INVALID_GENERAL_FLAGS },
        repeatable: false,
        secret: false,
        rule: "00000000, or 00000001 for a persistent license; the page says a Rental must be persistent, but \
               gives no code, so that is not refused here [vendor's table; real clients]",
    },
    KEK,
    KID_REQUIRED,
    EK,
    CONTENT_KEY_PLAYREADY,
    Param {
        name: "rightsType",
        presence: Presence::Required,
        missing: Some(XPDRM_ERR_MISSING_RIGHTS_TYPE),
        check: Check::Choice { values: &["BuyToOwn", "Rental"], invalid: XPDRM_ERR_INVALID_RIGHTS_TYPE },
        repeatable: false,
        secret: false,
        rule: "BuyToOwn or Rental [vendor's table]",
    },
    Param {
        name: "rental.periodEndTime",
        presence: Presence::Conditional("if rightsType is Rental"),
        missing: Some(XPDRM_ERR_RENTAL_PERIOD_END_TIME),
        check: Check::Time { max_ahead: None, invalid: XPDRM_ERR_RENTAL_PERIOD_END_TIME },
        repeatable: false,
        secret: false,
        rule: "end of the rental period, in the form of expirationTime: an RFC 3339 UTC time with Z, or + and \
               seconds (+3600) [vendor's table]",
    },
    Param {
        name: "rental.playDuration",
        presence: Presence::Optional,
        missing: Some(XPDRM_ERR_MISSING_RENTAL_PLAY_DURATION),
        check: Check::Integer { min: 0, max: SECONDS_MAX, invalid: XPDRM_ERR_INVALID_RENTAL_PLAY_DURATION },
        repeatable: false,
        secret: false,
        rule: "rental play duration in seconds, a decimal integer from 0 to 2147483647; an empty value is \
               -2023; a Rental without it is not refused, as a real client sends one [vendor's table; real \
               clients]",
    },
    Param { name: "analogVideoOPL", ..OPL },
    Param { name: "compressedDigitalAudioOPL", ..OPL },
    Param { name: "compressedDigitalVideoOPL", ..OPL },
    Param { name: "uncompressedDigitalAudioOPL", ..OPL },
    Param { name: "uncompressedDigitalVideoOPL", ..OPL },
    Param {
        name: "unknownOutputBehavior",
        presence: Presence::Optional,
        missing: None,
        check: Check::Choice {
            values: &["Allow", "Disallow", "SDOnly"],
            invalid: XPDRM_ERR_INVALID_UNKNOWN_OUTPUT_BEHAVIOR,
        },
        repeatable: false,
        secret: false,
        rule: "Allow, Disallow or SDOnly [vendor's table]",
    },
    Param {
        name: "outputControlFlags",
        presence: Presence::Optional,
        missing: None,
        check: Check::Hex4Bytes {
            not_hex: XPDRM_ERR_INVALID_OUTPUT_CONTROL_FLAG,
            not_4_bytes: XPDRM_ERR_OUTPUT_CONTROL_FLAGS_NOT_4_BYTES,
        },
        repeatable: false,
        secret: false,
        rule: "4 bytes in hexadecimal: 8 digits [vendor's table]",
    },
    Param {
        name: "extensionType",
        presence: Presence::Optional,
        missing: None,
        check: Check::ExactChars { n: 4, invalid: XPDRM_ERR_EXTENSION_TYPE_NOT_4_CHARS },
        repeatable: false,
        secret: false,
        rule: "exactly 4 characters; needs extensionPayload [vendor's table]",
    },
    Param {
        name: "extensionPayload",
        presence: Presence::Conditional("if extensionType is given"),
        missing: Some(XPDRM_ERR_NO_CORRESPONDING_VALUE),
        check: Check::Base64 { invalid: XPDRM_ERR_EXTENSION_PAYLOAD_NOT_BASE64 },
        repeatable: false,
        secret: false,
        rule: "non-empty standard base64 (with or without = padding); needs extensionType [vendor's table]",
    },
    Param {
        name: "minCertSecurityLevel",
        presence: Presence::Optional,
        missing: None,
        check: Check::Choice { values: &["150", "2000", "3000"], invalid: XPDRM_ERR_INVALID_MIN_CERT_SECURITY_LEVEL },
        repeatable: false,
        secret: false,
        rule: "the lowest PlayReady client security level allowed: 150, 2000 or 3000 [real clients; no vendor \
               table row, so a malformed value is refused with a local status]",
    },
    Param {
        name: "algId",
        presence: Presence::Optional,
        missing: None,
        check: Check::Choice { values: &["aesctr", "aescbc"], invalid: XPDRM_ERR_INVALID_ALG_ID },
        repeatable: false,
        secret: false,
        rule: "the content's encryption: aesctr (CENC) or aescbc (CBCS; real clients then redeem at the pr2 \
               host) [real clients; no vendor table row, so a malformed value is refused with a local status]",
    },
    EXPIRATION_TIME,
    COOKIE,
    Param {
        name: "deviceId",
        presence: Presence::Optional,
        missing: None,
        check: Check::Hex32 { not_32_hex: XPDRM_ERR_DEVICE_ID_NOT_32_HEX, empty: XPDRM_ERR_INVALID_DEVICE_ID },
        repeatable: false,
        secret: true,
        rule: "binds the license to one device: 32 hexadecimal digits; never logged; no vendor table has a row for it: its codes say Device ID, the device-binding page writes deviceid, and names are case-sensitive, so xpdrm knows both spellings, checks both alike and sends the one set \
               [vendor's error table]",
    },
    Param {
        name: "deviceid",
        presence: Presence::Optional,
        missing: None,
        check: Check::Hex32 { not_32_hex: XPDRM_ERR_DEVICE_ID_NOT_32_HEX, empty: XPDRM_ERR_INVALID_DEVICE_ID },
        repeatable: false,
        secret: true,
        rule: "deviceId as the device-binding page spells it: the same rule and codes; set the spelling your \
               service reads [vendor's device-binding page]",
    },
];

// ---- Rules across parameters ----

const EVERY_KEY_HAS_ITS_KID: RequestRule = RequestRule {
    code: XPDRM_ERR_MISSING_KID,
    rule: "every content key has its key ID: contentKey needs kid, and contentKey.N needs kid.N (several keys in \
           one token); kid.N without contentKey.N asks the key storage for that key [real clients]",
    holds: |r| {
        (!r.has("contentKey") || r.has("kid")) && !r.any_index("contentKey", &mut |n| r.indexed("kid", n).is_none())
    },
};

const EK_NEEDS_KEK: RequestRule = RequestRule {
    code: XPDRM_ERR_INVALID_EK_OR_KEK,
    rule: "ek needs kek: it is the content key wrapped under kek [vendor's table]",
    holds: |r| !r.has("ek") || r.has("kek"),
};

const EK_UNWRAPS: RequestRule =
    RequestRule {
        code: XPDRM_ERR_INVALID_EK_OR_KEK,
        rule: "ek must unwrap under kek (AES Key Wrap integrity check) to a 16-byte content key [vendor's table]",
        holds: |r| match (r.value("kek"), r.value("ek")) {
            (Some(kek), Some(ek)) => crate::keywrap::unwrap_hex(kek, ek, |key| {
                if key.len() == 16 { Ok(()) } else { Err(XPDRM_ERR_INVALID_EK_OR_KEK) }
            })
            .is_ok(),
            _ => true,
        },
    };

/// FairPlay's rules across parameters.
pub static FAIRPLAY_RULES: &[RequestRule] = &[
    EK_NEEDS_KEK,
    RequestRule {
        code: XPDRM_ERR_INVALID_EK_OR_KEK,
        rule: "when kek is given, exactly one of kid or ek must be given, not both [vendor's table]",
        holds: |r| !r.has("kek") || (r.has("kid") != r.has("ek")),
    },
    RequestRule {
        code: XPDRM_ERR_INVALID_CONTENT_KEY,
        rule: "contentKey is required unless kek and ek, or kid, are given [vendor's table]",
        holds: |r| r.has("contentKey") || r.has("kid") || (r.has("kek") && r.has("ek")),
    },
    EK_UNWRAPS,
];

/// Widevine's rules across parameters.
pub static WIDEVINE_RULES: &[RequestRule] = &[EVERY_KEY_HAS_ITS_KID, EK_NEEDS_KEK, EK_UNWRAPS];

/// PlayReady's rules across parameters.
pub static PLAYREADY_RULES: &[RequestRule] = &[
    EVERY_KEY_HAS_ITS_KID,
    EK_NEEDS_KEK,
    RequestRule {
        code: XPDRM_ERR_KEK_AND_CONTENT_KEY,
        rule: "only one of kek or contentKey (or contentKey.N) may be given [vendor's table]",
        holds: |r| !(r.has("kek") && (r.has("contentKey") || r.any_index("contentKey", &mut |_| true))),
    },
    EK_UNWRAPS,
    RequestRule {
        code: XPDRM_ERR_RENTAL_PERIOD_END_TIME,
        rule: "a Rental needs rental.periodEndTime [vendor's table]",
        holds: |r| r.value("rightsType") != Some("Rental") || r.has("rental.periodEndTime"),
    },
    RequestRule {
        code: XPDRM_ERR_NO_CORRESPONDING_VALUE,
        rule: "extensionType and extensionPayload are given together or not at all [vendor's table]",
        holds: |r| r.has("extensionType") == r.has("extensionPayload"),
    },
];

// ---- Checking one value ----

/// Why a value breaks its row's rule: the code, and what is wrong (never the value itself).
pub(crate) type Violation = (Status, String);

fn fail(status: Status, what: impl Into<String>) -> Result<(), Violation> {
    Err((status, what.into()))
}

use crate::hex::only_hex_digits as is_hex;

fn is_base64(s: &str) -> bool {
    use base64ct::{Base64Unpadded, Encoding};
    // With padding, the text is a multiple of 4 characters and ends in one or two `=`; the unpadded decoder
    // checks the rest (alphabet, length, canonical trailing bits), as the padded one would: one decoder
    // instead of two (their code is 4 KB each). Validation only: the decoded bytes are thrown away.
    let data = s.trim_end_matches('=');
    let pad = s.len() - data.len();
    if data.is_empty() || (pad > 0 && (pad > 2 || !s.len().is_multiple_of(4))) {
        return false;
    }
    let mut buf = vec![0u8; data.len() / 4 * 3 + 3];
    Base64Unpadded::decode(data, &mut buf).is_ok()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl Param {
    /// Checks one value against this row, as the server would. `now` is the clock (Unix seconds) that
    /// absolute times are measured against.
    pub(crate) fn validate(&self, value: &str, now: i64) -> Result<(), Violation> {
        if let Check::Unsupported { code } = self.check {
            return fail(code, "is not supported by this DRM's token server");
        }
        if let (true, Some(missing)) = (value.is_empty(), self.missing) {
            return fail(missing, "is empty, which the server reads as missing");
        }
        self.check.validate(value, now)
    }

    /// Every code this row can answer with, missing first, without repeats.
    pub fn codes(&self) -> Vec<Status> {
        self.labelled_codes().into_iter().map(|(c, _)| c).collect()
    }

    /// Every code this row can answer with, each with what it is for ("missing", "not 32 hex digits", ...).
    pub fn labelled_codes(&self) -> Vec<(Status, &'static str)> {
        let mut v: Vec<(Status, &'static str)> = self.missing.map(|m| (m, "missing or empty")).into_iter().collect();
        for (c, label) in self.check.labelled_codes() {
            if !v.iter().any(|(seen, _)| *seen == c) {
                v.push((c, label));
            }
        }
        v
    }
}

impl Check {
    fn validate(&self, v: &str, now: i64) -> Result<(), Violation> {
        match *self {
            Check::Authenticator { invalid } => {
                let Some((id, key)) = v.split_once(',') else {
                    return fail(invalid, "has no comma between the customer ID and the key");
                };
                if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return fail(invalid, "does not start with a customer ID of 1 to 20 decimal digits");
                }
                if key.len() != 32 || !is_hex(key) {
                    return fail(invalid, "does not end with 32 hexadecimal digits after the comma");
                }
                Ok(())
            }
            Check::Choice { values, invalid } => {
                if values.contains(&v) {
                    Ok(())
                } else {
                    fail(invalid, format!("is not one of {} (case-sensitive)", values.join(", ")))
                }
            }
            Check::ZeroHex { invalid } => {
                if v.is_empty() || v.len() > 8 || !is_hex(v) {
                    fail(invalid, "is not 1 to 8 hexadecimal digits")
                } else if !v.bytes().all(|b| b == b'0') {
                    fail(invalid, "is not zero, the only value this DRM allows")
                } else {
                    Ok(())
                }
            }
            Check::GeneralFlags { short_zero, invalid } => {
                let digits = v.len() <= 8 && !v.is_empty() && is_hex(v);
                let persistent_or_not = v == "00000000" || v == "00000001";
                let short_all_zero = short_zero && v.bytes().all(|b| b == b'0');
                if digits && (persistent_or_not || short_all_zero) {
                    Ok(())
                } else if !digits || (v.len() != 8 && !short_zero) {
                    fail(invalid, "is not 8 hexadecimal digits")
                } else {
                    fail(invalid, "is neither 00000000 nor 00000001 (a persistent license)")
                }
            }
            Check::HexBytes { lengths, invalid } => {
                if !is_hex(v) || !v.len().is_multiple_of(2) {
                    fail(invalid, "is not hexadecimal (an even number of digits 0-9, a-f, A-F)")
                } else if !lengths.contains(&(v.len() / 2)) {
                    let want: Vec<String> = lengths.iter().map(|n| (n * 2).to_string()).collect();
                    fail(invalid, format!("has {} hexadecimal digits, not {}", v.len(), want.join(" or ")))
                } else {
                    Ok(())
                }
            }
            Check::Hex32 { not_32_hex, empty } => {
                if v.is_empty() {
                    fail(empty, "is empty")
                } else if v.len() != 32 {
                    fail(not_32_hex, format!("has {} characters, not 32 hexadecimal digits", chars(v)))
                } else if !is_hex(v) {
                    fail(not_32_hex, "has a character that is not a hexadecimal digit")
                } else {
                    Ok(())
                }
            }
            Check::Kid { not_32_hex, too_long, invalid } => {
                if let Some(name) = v.strip_prefix('^') {
                    match chars(name) {
                        0 => fail(invalid, "has nothing after ^"),
                        n if n > 64 => fail(too_long, format!("has {n} characters after ^, more than 64")),
                        _ => Ok(()),
                    }
                } else if v.is_empty() {
                    fail(invalid, "is empty")
                } else if v.len() != 32 || !is_hex(v) {
                    fail(not_32_hex, "is neither 32 hexadecimal digits nor ^ followed by a name")
                } else {
                    Ok(())
                }
            }
            Check::Time { max_ahead, invalid } => match (time::parse(v), max_ahead) {
                (None, _) => fail(
                    invalid,
                    "is neither an RFC 3339 UTC time with Z (like 2006-04-14T12:01:10Z) nor + and seconds (+3600)",
                ),
                (Some(_), None) => Ok(()),
                (Some(TimeValue::Relative(n)), Some(max)) => {
                    if n > max as u64 {
                        fail(invalid, format!("is {n} seconds ahead, more than {max} (30 days)"))
                    } else {
                        Ok(())
                    }
                }
                (Some(TimeValue::Absolute(t)), Some(max)) => {
                    // Saturating: the clock is the caller's (any i64 through xpdrm_token_request_set_clock).
                    if t <= now {
                        let behind = now.saturating_sub(t);
                        fail(invalid, format!("is not in the future: {behind} seconds before this device's clock"))
                    } else if t.saturating_sub(now) > max {
                        let ahead = t.saturating_sub(now);
                        fail(invalid, format!("is {ahead} seconds ahead of this device's clock, more than 30 days"))
                    } else {
                        Ok(())
                    }
                }
            },
            Check::MaxChars { max, invalid } => match chars(v) {
                n if n > max => fail(invalid, format!("has {n} characters, more than {max}")),
                _ => Ok(()),
            },
            Check::ExactChars { n, invalid } => match chars(v) {
                c if c != n => fail(invalid, format!("has {c} characters, not {n}")),
                _ => Ok(()),
            },
            Check::Base64 { invalid } => {
                if is_base64(v) {
                    Ok(())
                } else {
                    fail(invalid, "is not non-empty standard base64")
                }
            }
            Check::Extension { malformed, bad_type, bad_payload } => {
                let Some((kind, payload)) = v.split_once(',') else {
                    return fail(malformed, "has no comma between the type and the payload");
                };
                if chars(kind) != 4 {
                    return fail(bad_type, format!("has a type of {} characters, not 4", chars(kind)));
                }
                if !is_base64(payload) {
                    return fail(bad_payload, "has a payload that is not non-empty standard base64");
                }
                Ok(())
            }
            Check::Integer { min, max, invalid } => {
                if v.is_empty() || v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return fail(invalid, "is not a decimal integer (digits only, no sign)");
                }
                match v.parse::<u64>() {
                    Ok(n) if (u64::from(min)..=u64::from(max)).contains(&n) => Ok(()),
                    _ => fail(invalid, format!("is out of range: must be {min} to {max}")),
                }
            }
            Check::Hex4Bytes { not_hex, not_4_bytes } => {
                if !is_hex(v) {
                    fail(not_hex, "has a character that is not a hexadecimal digit")
                } else if v.len() != 8 {
                    fail(not_4_bytes, format!("has {} hexadecimal digits, not 8 (4 bytes)", v.len()))
                } else {
                    Ok(())
                }
            }
            Check::Free => Ok(()),
            Check::Unsupported { code } => fail(code, "is not supported by this DRM's token server"),
            Check::Form { form, invalid } => form.check(v).or_else(|what| fail(invalid, what)),
        }
    }

    /// Every code this check can answer with, and what for.
    pub fn labelled_codes(&self) -> Vec<(Status, &'static str)> {
        match *self {
            Check::Authenticator { invalid }
            | Check::Choice { invalid, .. }
            | Check::ZeroHex { invalid }
            | Check::GeneralFlags { invalid, .. }
            | Check::HexBytes { invalid, .. }
            | Check::Time { invalid, .. }
            | Check::MaxChars { invalid, .. }
            | Check::ExactChars { invalid, .. }
            | Check::Base64 { invalid }
            | Check::Integer { invalid, .. }
            | Check::Form { invalid, .. } => vec![(invalid, "invalid")],
            Check::Hex32 { not_32_hex, empty } => vec![(not_32_hex, "not 32 hex digits"), (empty, "empty")],
            Check::Kid { not_32_hex, too_long, invalid } => vec![
                (not_32_hex, "not 32 hex digits"),
                (too_long, "over 64 characters after ^"),
                (invalid, "nothing after ^"),
            ],
            Check::Extension { malformed, bad_type, bad_payload } => {
                vec![(malformed, "no comma"), (bad_type, "type not 4 characters"), (bad_payload, "payload not base64")]
            }
            Check::Hex4Bytes { not_hex, not_4_bytes } => vec![(not_hex, "not hex"), (not_4_bytes, "not 8 digits")],
            Check::Free => vec![],
            Check::Unsupported { code } => vec![(code, "any value")],
        }
    }
}

/// The row of `name` in `drm`'s table (exact, case-sensitive match).
pub fn find(drm: Drm, name: &str) -> Option<(usize, &'static Param)> {
    drm.params().iter().enumerate().find(|(_, p)| p.name == name)
}

/// The parameter reference for `drm`, generated from its tables: one line per parameter, then the rules
/// across parameters. The C header carries this text (`tests/token_docs.rs` keeps it in step).
pub fn reference(drm: Drm) -> Vec<String> {
    let mut lines = Vec::new();
    for p in drm.params() {
        let presence = match p.presence {
            Presence::Optional => "optional".to_string(),
            Presence::Required => "required".to_string(),
            Presence::AtServer => "required by the server, optional here".to_string(),
            Presence::Conditional(when) => format!("required {when}"),
        };
        let repeat = if p.repeatable { ", repeatable" } else { "" };
        let indexed =
            if indexed_names(drm).contains(&p.name) { format!(", also {}.N per key", p.name) } else { String::new() };
        let labelled = p.labelled_codes();
        let codes = match labelled.as_slice() {
            [] => String::new(),
            [(only, _)] => format!("; {}", only.code()),
            many => {
                let parts: Vec<String> = many.iter().map(|(c, label)| format!("{} {label}", c.code())).collect();
                format!("; {}", parts.join(", "))
            }
        };
        lines.push(format!("- {} ({presence}{repeat}{indexed}{codes}): {}.", p.name, p.rule));
    }
    for r in drm.request_rules() {
        lines.push(format!("- Rule ({}): {}.", r.code.code(), r.rule));
    }
    lines
}

// ---- Marlin MS3 and BB (SPEC.md section 7): their own file, form checks only ----

#[path = "marlin_params.rs"]
mod marlin;
pub use marlin::{Form, MARLIN_BB, MARLIN_BB_RULES, MARLIN_MS3, MARLIN_MS3_INDEXED, MARLIN_MS3_RULES};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_per_drm_and_every_check_has_a_code_or_is_free() {
        for drm in Drm::ALL {
            let mut names = std::collections::HashSet::new();
            for p in drm.params() {
                assert!(!p.name.is_empty());
                assert!(names.insert(p.name), "{} twice in {}", p.name, drm.name());
                assert!(!p.codes().is_empty() || p.check == Check::Free, "{} has no code", p.name);
                if p.presence == Presence::Required {
                    assert!(p.missing.is_some(), "{}: required without a missing code", p.name);
                }
            }
        }
    }

    #[test]
    fn every_row_and_rule_names_its_source() {
        for drm in Drm::ALL {
            let rules = drm.request_rules().iter().map(|r| r.rule);
            for rule in drm.params().iter().map(|p| p.rule).chain(rules) {
                let tail = rule.rsplit_once('[').map(|(_, t)| t).unwrap_or("");
                assert!(
                    rule.ends_with(']') && (tail.starts_with("vendor's") || tail.starts_with("real clients")),
                    "{}: no source at the end of {rule:?}",
                    drm.name()
                );
            }
            for name in indexed_names(drm) {
                assert!(find(drm, name).is_some(), "{name}");
            }
        }
    }

    #[test]
    fn general_flags_follow_real_clients() {
        let wv = find(Drm::Widevine, "generalFlags").unwrap().1;
        let pr = find(Drm::PlayReady, "generalFlags").unwrap().1;
        for ok in ["00000000", "00000001", "0000", "0"] {
            assert!(wv.validate(ok, 0).is_ok(), "{ok}");
        }
        for ok in ["00000000", "00000001"] {
            assert!(pr.validate(ok, 0).is_ok(), "{ok}");
        }
        for bad in ["0000", "1", "00000002", "0000000001", "x0000000", ""] {
            assert_eq!(pr.validate(bad, 0).unwrap_err().0, XPDRM_ERR_INVALID_GENERAL_FLAGS, "{bad}");
        }
        for bad in ["0001", "00000002", "000000000", "g", ""] {
            assert_eq!(wv.validate(bad, 0).unwrap_err().0, XPDRM_ERR_INVALID_GENERAL_FLAGS, "{bad}");
        }
    }

    #[test]
    fn index_syntax() {
        assert_eq!(split_index("kid.0"), Some(("kid", 0)));
        assert_eq!(split_index("kid.4294967295"), Some(("kid", u32::MAX)));
        for bad in
            ["kid", "kid.", ".0", "kid.01", "kid.-1", "kid.+1", "kid.4294967296", "kid.1a", "rental.playDuration"]
        {
            assert_eq!(split_index(bad), None, "{bad}");
        }
        assert_eq!(find_indexed(Drm::Widevine, "trackType.3").map(|(p, i)| (p.name, i)), Some(("trackType", 3)));
        assert!(find_indexed(Drm::FairPlay, "kid.0").is_none());
        assert!(find_indexed(Drm::PlayReady, "securityLevel.0").is_none());
    }

    #[test]
    fn any_clock_is_safe() {
        let p = find(Drm::FairPlay, "expirationTime").unwrap().1;
        for now in [i64::MIN, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            for v in ["2006-04-14T12:01:10Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "+0", "+2592000"] {
                let _ = p.validate(v, now);
            }
        }
        assert!(p.validate("2006-04-14T12:01:10Z", i64::MIN).is_err());
        assert!(p.validate("2006-04-14T12:01:10Z", 1_145_016_069).is_ok());
    }

    #[test]
    fn the_reference_lists_every_row_and_rule() {
        let r = reference(Drm::FairPlay);
        assert_eq!(r.len(), FAIRPLAY.len() + FAIRPLAY_RULES.len());
        assert!(r.contains(
            &"- iv (required; -6003): the content's packaging IV: 32 hexadecimal digits [vendor's table].".to_string()
        ));
        let wv = reference(Drm::Widevine);
        assert!(wv.iter().any(|l| l.starts_with("- trackType (optional, also trackType.N per key; 216): ")), "{wv:?}");
        assert!(r.iter().any(|l| l.starts_with(
            "- kid (optional; -4018 missing or empty, -4020 not 32 hex digits, -4021 over 64 characters after ^, \
             -4022 nothing after ^): "
        )));
    }
}
