//! The Marlin tables: MS3 (`ms3-gen`) and Marlin Broadband (`bb-gen`) token requests (SPEC.md section 7).
//!
//! No public error table exists for Marlin, so these rows check **form only**, and only the forms that real
//! clients and the vendor's tutorials show (the rule of local validation, SPEC.md opening, with double
//! force). Every refusal gets a local status (`XPDRM_ERR_MARLIN_*`, 230..232) whose reason names the
//! parameter; nothing here predicts a server code. The real requests these rows were written from are kept as
//! test cases with their sources (`tests/token_marlin.rs`):
//!
//! * the HbbTV Association's reference application (`tools/test/RegisterDRM_ExpressPlay.py`): MS3 with
//!   `contentId=urn:marlin:kid:<hex>`, `contentKey`, `outputControlOverride`, `expirationTime=+2592000`,
//!   `extensionType=wudo`, `extensionCriticalFlag=false`, `extensionPayload=AAAAAA==`, `errorFormat=json`,
//!   `contentURL=http://...mpd` (a later version adds `useHttps=true`);
//! * ExpressPlay's test-token tutorial: MS3 with a DASH `https://` and an HLS `hls://` `contentURL`; BB
//!   license with `contentId=bigbuckbunnyhls`, `contentKey`, `actionTokenType=1`, `rightsType`;
//! * a Lua client: `contentId.0=cid:marlin#P...@00000003`, `contentKey.0`, an `http://...m3u8` `contentURL`,
//!   an absolute `expirationTime`, `ms3Scheme=true`, `ms3Extension=wudo,false,AAAAAA==`;
//! * a Laravel storefront: MS3 with `kid`, `contentKey` and `useHttps` (PHP sends `1`), no `contentId`;
//! * Node, Ruby (Marlin NetTV example) and Java clients: BB registration (`actionTokenType=0`, `userId`,
//!   `userKey`) and license (`actionTokenType=1`, `userId`, `userKey`, `contentId` such as
//!   `urn:marlin:organization:example:x` or `cid:marlin#PATN-LIVE@0000004b`, `contentKey`, `rightsType`,
//!   `rental.periodEndTime=+9999`, `rental.playDuration=9999`).

use crate::Status::{self, *};

use super::{Check, Lookup, Param, Presence, RequestRule, SECONDS_MAX, is_base64};

/// A form that only Marlin parameters have, checked by [`Check::Form`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// A stream's URL: `http://`, `https://` or (for HLS) `hls://`, a host, and no control characters.
    ContentUrl,
    /// `<organization urn>,<name>,<value>`: three non-empty parts (the value may hold commas).
    OutputControlOverride,
    /// `<type>,<critical>,<payload>`: a 4-character type, `true` or `false`, a non-empty base64 payload.
    Ms3Extension,
}

impl Form {
    /// `Err(what is wrong)` when `v` does not have this form.
    pub(super) fn check(self, v: &str) -> Result<(), &'static str> {
        match self {
            Form::ContentUrl => {
                if v.chars().any(char::is_control) {
                    return Err("has a control character");
                }
                let rest = ["http://", "https://", "hls://"]
                    .iter()
                    .find(|s| v.len() >= s.len() && v.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes()))
                    .map(|s| &v[s.len()..])
                    .ok_or("does not start with http://, https:// or hls://")?;
                match rest.split(['/', '?', '#']).next() {
                    Some(host) if !host.is_empty() && !host.starts_with(':') => Ok(()),
                    _ => Err("has no host"),
                }
            }
            Form::OutputControlOverride => {
                let mut parts = v.splitn(3, ',');
                let (org, name, value) = (parts.next(), parts.next(), parts.next());
                match (org, name, value) {
                    (Some(o), Some(n), Some(x)) if !o.is_empty() && !n.is_empty() && !x.is_empty() => Ok(()),
                    _ => Err("is not three non-empty parts separated by commas: <organization>,<name>,<value>"),
                }
            }
            Form::Ms3Extension => {
                let mut parts = v.splitn(3, ',');
                let (Some(kind), Some(critical), Some(payload)) = (parts.next(), parts.next(), parts.next()) else {
                    return Err("is not <type>,<critical>,<payload> (two commas)");
                };
                if kind.chars().count() != 4 {
                    return Err("has a type that is not 4 characters");
                }
                if critical != "true" && critical != "false" {
                    return Err("has a critical flag that is neither true nor false");
                }
                if !is_base64(payload) {
                    return Err("has a payload that is not non-empty standard base64");
                }
                Ok(())
            }
        }
    }
}

const INVALID: Status = XPDRM_ERR_MARLIN_INVALID_VALUE;
const MISSING: Status = XPDRM_ERR_MARLIN_MISSING_PARAMETER;
const MISMATCH: Status = XPDRM_ERR_MARLIN_PARAMETER_MISMATCH;

/// An optional row. An empty value is refused as a missing one (231), as the test server reads it; only
/// `cookie` takes an empty value.
const fn optional(name: &'static str, check: Check, rule: &'static str) -> Param {
    Param { name, presence: Presence::Optional, missing: Some(MISSING), check, repeatable: false, secret: false, rule }
}

const AUTHENTICATOR: Param = Param {
    name: "customerAuthenticator",
    presence: Presence::AtServer,
    missing: Some(MISSING),
    check: Check::Authenticator { invalid: INVALID },
    repeatable: false,
    secret: true,
    rule: "the customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here \
           because a trusted proxy may add it",
};

const ERROR_FORMAT: Param = optional(
    "errorFormat",
    Check::Choice { values: &["html", "json"], invalid: INVALID },
    "html or json: the form of the server's error answers",
);

const USE_HTTPS: Param = optional(
    "useHttps",
    Check::Choice { values: &["true", "false", "1", "0"], invalid: INVALID },
    "true or false (PHP clients send 1 and 0): an https license URL in the answer",
);

const EXPIRATION_TIME: Param = optional(
    "expirationTime",
    Check::Time { max_ahead: None, invalid: INVALID },
    "an RFC 3339 UTC time with Z (2006-04-14T12:01:10Z) or + and seconds (+2592000); no limit is checked \
     here, as no Marlin limit is published",
);

const COOKIE: Param = Param {
    missing: None,
    ..optional("cookie", Check::MaxChars { max: 32, invalid: INVALID }, "any text of at most 32 characters")
};

const CONTENT_ID: Param = Param {
    name: "contentId",
    presence: Presence::Optional,
    missing: Some(MISSING),
    check: Check::Free,
    repeatable: false,
    secret: false,
    rule: "the content ID, any non-empty text: urn:marlin:kid:<32 hex> for MS3 in the tutorials, \
           cid:marlin#...@... or urn:marlin:organization:... in real clients",
};

const CONTENT_KEY: Param = Param {
    name: "contentKey",
    presence: Presence::Optional,
    missing: Some(MISSING),
    check: Check::Hex32 { not_32_hex: INVALID, empty: MISSING },
    repeatable: false,
    secret: true,
    rule: "the content key: 32 hexadecimal digits; a secret",
};

/// Marlin MS3 (`ms3-gen`): every parameter seen in real MS3 requests. The indexed `contentId.N` and
/// `contentKey.N` take an index ([`MARLIN_MS3_INDEXED`]).
pub static MARLIN_MS3: &[Param] = &[
    AUTHENTICATOR,
    ERROR_FORMAT,
    USE_HTTPS,
    EXPIRATION_TIME,
    COOKIE,
    CONTENT_ID,
    CONTENT_KEY,
    Param {
        name: "kid",
        presence: Presence::Optional,
        missing: Some(MISSING),
        check: Check::Kid { not_32_hex: INVALID, too_long: INVALID, invalid: INVALID },
        repeatable: false,
        secret: false,
        rule: "32 hexadecimal digits, or ^ followed by 1 to 64 characters (a real client sends kid with \
               contentKey instead of contentId)",
    },
    optional(
        "contentURL",
        Check::Form { form: Form::ContentUrl, invalid: INVALID },
        "the stream's URL: http:// or https:// (DASH, MP4), hls:// for HLS; it comes back as the compound URL's \
         fragment",
    ),
    Param {
        repeatable: true,
        ..optional(
            "outputControlOverride",
            Check::Form { form: Form::OutputControlOverride, invalid: INVALID },
            "`<organization urn>,<name>,<value>`, such as \
             urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0; repeatable",
        )
    },
    optional(
        "outputControlFlags",
        Check::Hex4Bytes { not_hex: INVALID, not_4_bytes: INVALID },
        "4 bytes in hexadecimal: 8 digits",
    ),
    optional(
        "outputControlValue",
        Check::Hex4Bytes { not_hex: INVALID, not_4_bytes: INVALID },
        "4 bytes in hexadecimal: 8 digits",
    ),
    optional(
        "extensionType",
        Check::ExactChars { n: 4, invalid: INVALID },
        "exactly 4 characters, such as wudo; needs extensionPayload",
    ),
    optional(
        "extensionCriticalFlag",
        Check::Choice { values: &["true", "false"], invalid: INVALID },
        "true or false; needs extensionType",
    ),
    optional(
        "extensionPayload",
        Check::Base64 { invalid: INVALID },
        "non-empty standard base64 (with or without = padding), such as AAAAAA==; needs extensionType",
    ),
    Param {
        repeatable: true,
        ..optional(
            "ms3Extension",
            Check::Form { form: Form::Ms3Extension, invalid: INVALID },
            "`<type>,<critical>,<payload>`: 4 characters, true or false, base64, such as wudo,false,AAAAAA==; \
             repeatable",
        )
    },
    optional("ms3Scheme", Check::Choice { values: &["true", "false"], invalid: INVALID }, "true or false"),
];

/// MS3's parameters that also take an index, for several keys in one token (`contentId.0`, `contentKey.0`,
/// ...) [real clients: a Lua client sends `contentId.0` and `contentKey.0`].
pub static MARLIN_MS3_INDEXED: &[&str] = &["contentId", "contentKey"];

/// MS3's rules across parameters.
pub static MARLIN_MS3_RULES: &[RequestRule] = &[
    RequestRule {
        code: MISMATCH,
        rule: "contentId.N and contentKey.N come in pairs: each indexed key with the content ID of the same N",
        holds: |r| {
            !r.any_index("contentKey", &mut |n| r.indexed("contentId", n).is_none())
                && !r.any_index("contentId", &mut |n| r.indexed("contentKey", n).is_none())
        },
    },
    RequestRule {
        code: MISMATCH,
        rule: "extensionType and extensionPayload are given together or not at all",
        holds: |r| r.has("extensionType") == r.has("extensionPayload"),
    },
    RequestRule {
        code: MISMATCH,
        rule: "extensionCriticalFlag needs extensionType",
        holds: |r| !r.has("extensionCriticalFlag") || r.has("extensionType"),
    },
];

/// Marlin Broadband (`bb-gen`): every parameter seen in real BB requests and the vendor's lists.
pub static MARLIN_BB: &[Param] = &[
    AUTHENTICATOR,
    ERROR_FORMAT,
    Param {
        name: "actionTokenType",
        presence: Presence::Required,
        missing: Some(MISSING),
        check: Check::Choice { values: &["0", "1", "2"], invalid: INVALID },
        repeatable: false,
        secret: false,
        rule: "0 registration (needs userId), 1 license (needs contentId, contentKey, rightsType), 2 \
               deregistration (needs userId)",
    },
    Param {
        name: "userId",
        presence: Presence::Conditional("for a registration or deregistration (actionTokenType 0 or 2)"),
        missing: Some(MISSING),
        check: Check::Free,
        repeatable: false,
        secret: false,
        rule: "the user's ID in the service, any non-empty text",
    },
    Param {
        name: "userKey",
        presence: Presence::Optional,
        missing: Some(MISSING),
        check: Check::Hex32 { not_32_hex: INVALID, empty: MISSING },
        repeatable: false,
        secret: true,
        rule: "the user's 128-bit key: 32 hexadecimal digits; a secret",
    },
    Param { presence: Presence::Conditional("for a license (actionTokenType 1)"), ..CONTENT_ID },
    Param { presence: Presence::Conditional("for a license (actionTokenType 1)"), ..CONTENT_KEY },
    Param {
        name: "rightsType",
        presence: Presence::Conditional("for a license (actionTokenType 1)"),
        missing: Some(MISSING),
        check: Check::Choice { values: &["BuyToOwn", "Rental"], invalid: INVALID },
        repeatable: false,
        secret: false,
        rule: "BuyToOwn or Rental",
    },
    optional(
        "rental.periodEndTime",
        Check::Time { max_ahead: None, invalid: INVALID },
        "end of the rental period: an RFC 3339 UTC time with Z, or + and seconds (+9999)",
    ),
    optional(
        "rental.playDuration",
        Check::Integer { min: 0, max: SECONDS_MAX, invalid: INVALID },
        "rental play duration in seconds, a decimal integer from 0 to 2147483647",
    ),
    optional("outputControlOverrideId", Check::Free, "the output control's organization or ID, any text"),
    optional("outputControlOverrideParameter", Check::Free, "the output control parameter's name, any text"),
    optional("outputControlOverrideValue", Check::Free, "the output control parameter's value, any text"),
    EXPIRATION_TIME,
    COOKIE,
];

fn is_type(r: &dyn Lookup, types: &[&str]) -> bool {
    r.value("actionTokenType").is_some_and(|t| types.contains(&t))
}

/// BB's rules across parameters: what each `actionTokenType` needs.
pub static MARLIN_BB_RULES: &[RequestRule] = &[
    RequestRule {
        code: MISSING,
        rule: "a registration or deregistration (actionTokenType 0 or 2) needs userId",
        holds: |r| !is_type(r, &["0", "2"]) || r.has("userId"),
    },
    RequestRule {
        code: MISSING,
        rule: "a license (actionTokenType 1) needs contentId",
        holds: |r| !is_type(r, &["1"]) || r.has("contentId"),
    },
    RequestRule {
        code: MISSING,
        rule: "a license (actionTokenType 1) needs contentKey",
        holds: |r| !is_type(r, &["1"]) || r.has("contentKey"),
    },
    RequestRule {
        code: MISSING,
        rule: "a license (actionTokenType 1) needs rightsType",
        holds: |r| !is_type(r, &["1"]) || r.has("rightsType"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        for ok in
            ["http://h/x.mpd", "HTTPS://h:8443/a?b#c", "hls://d31lwto7rjo21l.cloudfront.net/video/HLSBBB/master.m3u8"]
        {
            assert_eq!(Form::ContentUrl.check(ok), Ok(()), "{ok}");
        }
        for bad in ["", "ftp://h/x", "hls:/h", "http://", "http:///x", "https://:80/", "http://h/\n"] {
            assert!(Form::ContentUrl.check(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Form::OutputControlOverride.check("urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0"),
            Ok(())
        );
        assert_eq!(Form::OutputControlOverride.check("a,b,c,d"), Ok(()));
        for bad in ["", "a", "a,b", "a,,c", ",b,c", "a,b,"] {
            assert!(Form::OutputControlOverride.check(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Form::Ms3Extension.check("wudo,false,AAAAAA=="), Ok(()));
        for bad in ["wudo,false", "wud,false,AAAA", "wudo,no,AAAA", "wudo,true,", "wudo,true,A"] {
            assert!(Form::Ms3Extension.check(bad).is_err(), "{bad:?}");
        }
    }
}
