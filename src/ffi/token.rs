//! ExpressPlay token requests and token responses.
//!
//! The safety contract of every export is the header's (CONVENTIONS: pointer arguments, buffers, handles),
//! not a `# Safety` section per function; `#[must_use]` is what puts XPDRM_MUST_USE in the header.
#![allow(clippy::missing_safety_doc, clippy::double_must_use)]

use core::ffi::{CStr, c_char};
use std::borrow::Cow;

use crate::Status;
use crate::ffi::guard::{OutText, bytes, free_handle, handle_mut, handle_ref, into_handle, out_param, text, text_of};
use crate::status::xpdrm_status;
use crate::token::request::Output;
use crate::token::{Drm, Environment, Error, TokenRequest, TokenResponse, response};

/// A DRM, passed in as one of the `XPDRM_DRM_*` values; any other value gives `XPDRM_ERR_UNKNOWN_DRM`.
#[allow(non_camel_case_types)]
pub type xpdrm_drm = i32;

/// Apple FairPlay Streaming: the `fp-gen` token service.
pub const XPDRM_DRM_FAIRPLAY: xpdrm_drm = 0;
/// Google Widevine: the `wv-gen` token service.
pub const XPDRM_DRM_WIDEVINE: xpdrm_drm = 1;
/// Microsoft PlayReady: the `pr-gen` token service.
pub const XPDRM_DRM_PLAYREADY: xpdrm_drm = 2;
/// Marlin MS3: the `ms3-gen` token service; the answer is a compound URL (`xpdrm_token_response_content_url`).
pub const XPDRM_DRM_MARLIN_MS3: xpdrm_drm = 3;
/// Marlin Broadband: the `bb-gen` token service; the answer is an XML action token
/// (`xpdrm_token_response_action_token`).
pub const XPDRM_DRM_MARLIN_BB: xpdrm_drm = 4;

/// An ExpressPlay environment, one of the `XPDRM_ENVIRONMENT_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_environment = i32;

/// The test service, `*.test.expressplay.com` (the default of a new request).
pub const XPDRM_ENVIRONMENT_TEST: xpdrm_environment = 0;
/// The production service, `*.service.expressplay.com`.
pub const XPDRM_ENVIRONMENT_PRODUCTION: xpdrm_environment = 1;

/// The largest response body `xpdrm_token_response_parse` accepts, in bytes (64 KiB).
pub const XPDRM_TOKEN_RESPONSE_MAX_BODY: usize = 65536;
const _: () = assert!(XPDRM_TOKEN_RESPONSE_MAX_BODY == response::MAX_BODY_LEN);

/// A license-token request being built (opaque). Create with `xpdrm_token_request_new`, free with
/// `xpdrm_token_request_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_token_request {
    req: TokenRequest,
    /// The reason of the most recent modifying call, if it failed (README, "Conventions": the reason rule).
    /// Only calls with a non-`const` handle write it; a successful one clears it.
    last_error: Option<Error>,
}

impl xpdrm_token_request {
    /// The request, for the exports that take one as an argument (the device-binding flow's template).
    pub(crate) fn request(&self) -> &TokenRequest {
        &self.req
    }

    /// Keeps the outcome of a modifying call: the reason of a refusal, or none after a success.
    fn record<T>(&mut self, result: Result<T, Error>) -> Result<T, Status> {
        match result {
            Ok(value) => {
                self.last_error = None;
                Ok(value)
            }
            Err(e) => {
                let status = e.status();
                self.last_error = Some(e);
                Err(status)
            }
        }
    }

    fn refuse(&mut self, status: Status, reason: String) -> Status {
        let _ = self.record::<()>(Err(Error::new(status, reason)));
        status
    }
}

/// A parsed token-server answer (opaque). Create with `xpdrm_token_response_parse`, free with
/// `xpdrm_token_response_free`.
#[allow(non_camel_case_types)]
pub struct xpdrm_token_response {
    pub(crate) resp: TokenResponse,
}

/// A text argument that belongs to a request: NULL and invalid UTF-8 are recorded as the request's reason.
unsafe fn request_text<'a>(
    h: &mut xpdrm_token_request,
    ptr: *const c_char,
    what: impl FnOnce() -> String,
) -> Result<&'a str, Status> {
    unsafe { text(ptr) }.map_err(|status| {
        let problem = if status == Status::XPDRM_ERR_NULL_ARGUMENT { "is NULL" } else { "is not valid UTF-8" };
        h.refuse(status, format!("{} {problem}. Status {}: {}", what(), status.code(), status.text()))
    })
}

/// Creates an empty token request for `drm`, aimed at that DRM's test service.
///
/// * `drm`: `XPDRM_DRM_FAIRPLAY`, `XPDRM_DRM_WIDEVINE`, `XPDRM_DRM_PLAYREADY`, `XPDRM_DRM_MARLIN_MS3` or
///   `XPDRM_DRM_MARLIN_BB`.
/// * `out`: receives the new request. The caller owns it and frees it with `xpdrm_token_request_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_UNKNOWN_DRM`; `XPDRM_ERR_NULL_ARGUMENT` if `out` is NULL. On failure
/// `*out` is not written.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_new(drm: xpdrm_drm, out: *mut *mut xpdrm_token_request) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let drm = Drm::from_code(drm)?;
        out.write(into_handle(xpdrm_token_request { req: TokenRequest::new(drm), last_error: None }));
        Ok(())
    })
}

/// Sets a parameter of the request's DRM, checking the value now, as the ExpressPlay server would.
///
/// * `req`: the request (modified).
/// * `name`: the parameter name, exactly as listed below (case-sensitive). Borrowed for the call.
/// * `value`: the value, UTF-8 text (an empty value counts as a missing one). Copied; the copy is wiped when
///   the request is freed.
///
/// A repeatable parameter (`fpExtension`, `wvExtension`) gets one more value each call, sent in that order;
/// any other parameter is replaced (and keeps its place in the URL).
///
/// Several keys in one token: the parameters marked "also NAME.N per key" below also take an index, `kid.0`,
/// `contentKey.0`, `kid.1`, ... (decimal, no leading zero), each checked with its plain name's rule and code;
/// `xpdrm_token_request_set_indexed` sets them without formatting the name.
///
/// Returns `XPDRM_OK`, or the very (negative) code the server would answer for this value, as listed below;
/// `XPDRM_ERR_UNKNOWN_PARAMETER` for a name the DRM's token server does not have (parameters that the
/// server accepts but xpdrm does not list go through `xpdrm_token_request_set_unchecked`);
/// `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_INVALID_UTF8`. On failure the request keeps its previous values,
/// and `xpdrm_token_request_last_error` gives a reason that names the parameter and the rule (it never
/// quotes the value).
///
/// Whole-request rules (required parameters, the rules across parameters listed as "Rule") are checked by
/// `xpdrm_token_request_url` and `xpdrm_token_request_form`.
///
/// Marlin (MS3, BB) covers MS3 token requests (plain and indexed keys, `contentId.N`/`contentKey.N` as for
/// the other DRMs) with their compound-URL answers, and Marlin BB registration, license and deregistration
/// token requests (`actionTokenType` 0, 1, 2) with their XML action tokens; redeeming them is the device's
/// Marlin client's job. No error table is published for the Marlin token servers, so their rules come from real clients and
/// the vendor's tutorials (the HbbTV reference application, published Node, Ruby, Lua, Java and
/// PHP integrations): they check form only, never refuse a value a real client sends, and refuse with local
/// statuses that name the parameter (`XPDRM_ERR_MARLIN_INVALID_VALUE` 230, `XPDRM_ERR_MARLIN_MISSING_PARAMETER`
/// 231, `XPDRM_ERR_MARLIN_PARAMETER_MISMATCH` 232), not with server codes. The server's own refusals still
/// come back through `xpdrm_token_response_parse`.
///
/// Parameter reference (generated from the tables in src/token/params.rs):
///
/// FairPlay (XPDRM_DRM_FAIRPLAY):
/// - customerAuthenticator (required by the server, optional here; -2017 missing or empty, -2018 invalid):
///   the customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here because a
///   trusted proxy may add it [vendor's table].
/// - errorFormat (optional; -3004): html (the default) or json: the form of the server's error answers
///   [vendor's table; real clients send json].
/// - useHttps (optional; 215): true or false (PHP clients send 1): whether the answer's license URL is https;
///   without it, answers have been http [real clients; no vendor table row, so a malformed value is refused
///   with a local status].
/// - generalFlags (optional; -5003): 00000000, or 00000001 for a persistent license, or the documented
///   all-zero 0000 (1 to 8 zero digits) [vendor's table says zero only; real clients send 00000001 to
///   Widevine and FairPlay too].
/// - kek (optional; -4024): the key-encryption key in hexadecimal, 16, 24 or 32 bytes (32, 48 or 64 digits);
///   a secret [vendor's table; 16 bytes documented by the key storage, 24 and 32 are xpdrm's extension].
/// - kid (optional; -4018 missing or empty, -4020 not 32 hex digits, -4021 over 64 characters after ^, -4022
///   nothing after ^): 32 hexadecimal digits, or ^ followed by 1 to 64 characters (the key storage derives
///   that key's KID as the first 16 bytes of SHA-1 of the name: xpdrm_kid_from_name) [vendor's table; key
///   storage spec].
/// - ek (optional; -4024): the 16-byte content key wrapped under kek with AES Key Wrap (RFC 3394), in
///   hexadecimal: 24 bytes (48 digits); needs kek and must unwrap under it; a secret [vendor's table].
/// - contentKey (required unless kek and ek, or kid, are given; -2005 missing or empty, -2027 not 32 hex
///   digits): the content key: 32 hexadecimal digits; a secret [vendor's table].
/// - iv (required; -6003): the content's packaging IV: 32 hexadecimal digits [vendor's table].
/// - rentalDuration (optional; -6007): rental duration in seconds, a decimal integer from 0 (the default) to
///   2147483647 [vendor's table].
/// - fpExtension (optional, repeatable; -6001 no comma, -2036 type not 4 characters, -2037 payload not
///   base64): a type of exactly 4 characters, a comma, and a non-empty standard base64 payload, such as
///   wudo,AAAAAA==; repeatable, sent in the order set [vendor's table].
/// - expirationTime (optional; -2002): when the token expires: an RFC 3339 UTC time with Z
///   (2006-04-14T12:01:10Z), in the future by this device's clock, or + and the seconds after issuance
///   (+3600); at most 30 days ahead [vendor's table; real clients send it to PlayReady too, whose error table
///   has -2002].
/// - cookie (optional; -2033): any text of at most 32 characters, recorded with the token for correlating
///   logs [vendor's table].
/// - deviceId (optional; -6008): not supported: device binding is PlayReady only [vendor's table].
/// - deviceid (optional; -6008): the device-binding page's spelling of deviceId: not supported either
///   [vendor's table].
/// - Rule (-4024): ek needs kek: it is the content key wrapped under kek [vendor's table].
/// - Rule (-4024): when kek is given, exactly one of kid or ek must be given, not both [vendor's table].
/// - Rule (-2005): contentKey is required unless kek and ek, or kid, are given [vendor's table].
/// - Rule (-4024): ek must unwrap under kek (AES Key Wrap integrity check) to a 16-byte content key [vendor's
///   table].
///
/// Widevine (XPDRM_DRM_WIDEVINE):
/// - customerAuthenticator (required by the server, optional here; -2017 missing or empty, -2018 invalid):
///   the customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here because a
///   trusted proxy may add it [vendor's table].
/// - errorFormat (optional; -3004): html (the default) or json: the form of the server's error answers
///   [vendor's table; real clients send json].
/// - useHttps (optional; 215): true or false (PHP clients send 1): whether the answer's license URL is https;
///   without it, answers have been http [real clients; no vendor table row, so a malformed value is refused
///   with a local status].
/// - generalFlags (optional; -5003): 00000000, or 00000001 for a persistent license, or the documented
///   all-zero 0000 (1 to 8 zero digits) [vendor's table says zero only; real clients send 00000001 to
///   Widevine and FairPlay too].
/// - kek (optional; -4024): the key-encryption key in hexadecimal, 16, 24 or 32 bytes (32, 48 or 64 digits);
///   a secret [vendor's table; 16 bytes documented by the key storage, 24 and 32 are xpdrm's extension].
/// - kid (required, also kid.N per key; -4018 missing or empty, -4020 not 32 hex digits, -4021 over 64
///   characters after ^, -4022 nothing after ^): 32 hexadecimal digits, or ^ followed by 1 to 64 characters
///   (the key storage derives that key's KID as the first 16 bytes of SHA-1 of the name: xpdrm_kid_from_name)
///   [vendor's table; key storage spec].
/// - ek (optional; -4024): the 16-byte content key wrapped under kek with AES Key Wrap (RFC 3394), in
///   hexadecimal: 24 bytes (48 digits); needs kek and must unwrap under it; a secret [vendor's table].
/// - contentKey (optional, also contentKey.N per key; -2005 missing or empty, -2027 not 32 hex digits): the
///   content key: 32 hexadecimal digits; a secret [vendor's table].
/// - contentId (optional): the content ID: any text (a real client notes a maximum of 36 characters; no code
///   is documented, so it is not refused) [vendor's table; real clients].
/// - securityLevel (optional, also securityLevel.N per key; -7003 missing or empty, -7004 invalid): 1
///   SW_SECURE_CRYPTO, 2 SW_SECURE_DECODE, 3 HW_SECURE_CRYPTO, 4 HW_SECURE_DECODE, 5 HW_SECURE_ALL; the table
///   marks it required (-7003), but production integrations send none and get tokens, so a request without it
///   is not refused here; an empty value is still -7003 [vendor's table; real clients].
/// - hdcpOutputControl (optional, also hdcpOutputControl.N per key; -7006 missing or empty, -2034 invalid): 0
///   HDCP_NONE, 1 HDCP_V1, 2 HDCP_V2, 3 HDCP_V2_1, 4 HDCP_V2_2, 5 HDCP_NO_DIGITAL_OUTPUT; the table lists 0
///   to 2 and marks it required (-7006), but real clients send 3 to 5 (HDCP 2.2 for UHD) and requests without
///   it get tokens, so neither is refused here; an empty value is still -7006 [vendor's table; real clients].
/// - trackType (optional, also trackType.N per key; 216): the track the key is for: 0 SD, 1 HD, 2 AUDIO, 3
///   UHD1, 4 UHD2 [real clients; no vendor table row, so a malformed value is refused with a local status].
/// - licenseDuration (optional; -7007): seconds of playback after it starts, a decimal integer from 0 to
///   2147483647; absent means unlimited [vendor's table].
/// - playbackDuration (optional; 217): seconds of viewing once playback started, a decimal integer from 0 to
///   2147483647; absent means unlimited [real clients; no vendor table row, so a malformed value is refused
///   with a local status].
/// - wvExtension (optional, repeatable; -7009 no comma, -2036 type not 4 characters, -2037 payload not
///   base64): a type of exactly 4 characters, a comma, and a non-empty standard base64 payload, such as
///   wudo,AAAAAA==; repeatable, sent in the order set [vendor's table].
/// - expirationTime (optional; -2002): when the token expires: an RFC 3339 UTC time with Z
///   (2006-04-14T12:01:10Z), in the future by this device's clock, or + and the seconds after issuance
///   (+3600); at most 30 days ahead [vendor's table; real clients send it to PlayReady too, whose error table
///   has -2002].
/// - cookie (optional; -2033): any text of at most 32 characters, recorded with the token for correlating
///   logs [vendor's table].
/// - deviceId (optional; -7002): not supported: device binding is PlayReady only [vendor's table].
/// - deviceid (optional; -7002): the device-binding page's spelling of deviceId: not supported either
///   [vendor's table].
/// - Rule (-4018): every content key has its key ID: contentKey needs kid, and contentKey.N needs kid.N
///   (several keys in one token); kid.N without contentKey.N asks the key storage for that key [real
///   clients].
/// - Rule (-4024): ek needs kek: it is the content key wrapped under kek [vendor's table].
/// - Rule (-4024): ek must unwrap under kek (AES Key Wrap integrity check) to a 16-byte content key [vendor's
///   table].
///
/// PlayReady (XPDRM_DRM_PLAYREADY):
/// - customerAuthenticator (required by the server, optional here; -2017 missing or empty, -2018 invalid):
///   the customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here because a
///   trusted proxy may add it [vendor's table].
/// - errorFormat (optional; -3004): html (the default) or json: the form of the server's error answers
///   [vendor's table; real clients send json].
/// - useHttps (optional; 215): true or false (PHP clients send 1): whether the answer's license URL is https;
///   without it, answers have been http [real clients; no vendor table row, so a malformed value is refused
///   with a local status].
/// - generalFlags (optional; -5003): 00000000, or 00000001 for a persistent license; the page says a Rental
///   must be persistent, but gives no code, so that is not refused here [vendor's table; real clients].
/// - kek (optional; -4024): the key-encryption key in hexadecimal, 16, 24 or 32 bytes (32, 48 or 64 digits);
///   a secret [vendor's table; 16 bytes documented by the key storage, 24 and 32 are xpdrm's extension].
/// - kid (required, also kid.N per key; -4018 missing or empty, -4020 not 32 hex digits, -4021 over 64
///   characters after ^, -4022 nothing after ^): 32 hexadecimal digits, or ^ followed by 1 to 64 characters
///   (the key storage derives that key's KID as the first 16 bytes of SHA-1 of the name: xpdrm_kid_from_name)
///   [vendor's table; key storage spec].
/// - ek (optional; -4024): the 16-byte content key wrapped under kek with AES Key Wrap (RFC 3394), in
///   hexadecimal: 24 bytes (48 digits); needs kek and must unwrap under it; a secret [vendor's table].
/// - contentKey (optional, also contentKey.N per key; -2005 missing or empty, -2027 not 32 hex digits): the
///   content key: 32 hexadecimal digits; not together with kek; a secret [vendor's table].
/// - rightsType (required; -2020 missing or empty, -2021 invalid): BuyToOwn or Rental [vendor's table].
/// - rental.periodEndTime (required if rightsType is Rental; -2022): end of the rental period, in the form of
///   expirationTime: an RFC 3339 UTC time with Z, or + and seconds (+3600) [vendor's table].
/// - rental.playDuration (optional; -2023 missing or empty, -2025 invalid): rental play duration in seconds,
///   a decimal integer from 0 to 2147483647; an empty value is -2023; a Rental without it is not refused, as
///   a real client sends one [vendor's table; real clients].
/// - analogVideoOPL (required, also analogVideoOPL.N per key; -5006 missing or empty, -2034 invalid): output
///   protection level, a decimal integer from 0 to 999 [vendor's table; real clients also set it per key].
/// - compressedDigitalAudioOPL (required, also compressedDigitalAudioOPL.N per key; -5006 missing or empty,
///   -2034 invalid): output protection level, a decimal integer from 0 to 999 [vendor's table; real clients
///   also set it per key].
/// - compressedDigitalVideoOPL (required, also compressedDigitalVideoOPL.N per key; -5006 missing or empty,
///   -2034 invalid): output protection level, a decimal integer from 0 to 999 [vendor's table; real clients
///   also set it per key].
/// - uncompressedDigitalAudioOPL (required, also uncompressedDigitalAudioOPL.N per key; -5006 missing or
///   empty, -2034 invalid): output protection level, a decimal integer from 0 to 999 [vendor's table; real
///   clients also set it per key].
/// - uncompressedDigitalVideoOPL (required, also uncompressedDigitalVideoOPL.N per key; -5006 missing or
///   empty, -2034 invalid): output protection level, a decimal integer from 0 to 999 [vendor's table; real
///   clients also set it per key].
/// - unknownOutputBehavior (optional; -5001): Allow, Disallow or SDOnly [vendor's table].
/// - outputControlFlags (optional; -2008 not hex, -2040 not 8 digits): 4 bytes in hexadecimal: 8 digits
///   [vendor's table].
/// - extensionType (optional; -2036): exactly 4 characters; needs extensionPayload [vendor's table].
/// - extensionPayload (required if extensionType is given; -2035 missing or empty, -2037 invalid): non-empty
///   standard base64 (with or without = padding); needs extensionType [vendor's table].
/// - minCertSecurityLevel (optional, also minCertSecurityLevel.N per key; 218): the lowest PlayReady client
///   security level allowed: 150, 2000 or 3000 [real clients; no vendor table row, so a malformed value is
///   refused with a local status].
/// - algId (optional; 219): the content's encryption: aesctr (CENC) or aescbc (CBCS; real clients then redeem
///   at the pr2 host) [real clients; no vendor table row, so a malformed value is refused with a local
///   status].
/// - expirationTime (optional; -2002): when the token expires: an RFC 3339 UTC time with Z
///   (2006-04-14T12:01:10Z), in the future by this device's clock, or + and the seconds after issuance
///   (+3600); at most 30 days ahead [vendor's table; real clients send it to PlayReady too, whose error table
///   has -2002].
/// - cookie (optional; -2033): any text of at most 32 characters, recorded with the token for correlating
///   logs [vendor's table].
/// - deviceId (optional; -5004 not 32 hex digits, -5005 empty): binds the license to one device: 32
///   hexadecimal digits; never logged; no vendor table has a row for it: its codes say Device ID, the
///   device-binding page writes deviceid, and names are case-sensitive, so xpdrm knows both spellings, checks
///   both alike and sends the one set [vendor's error table].
/// - deviceid (optional; -5004 not 32 hex digits, -5005 empty): deviceId as the device-binding page spells
///   it: the same rule and codes; set the spelling your service reads [vendor's device-binding page].
/// - Rule (-4018): every content key has its key ID: contentKey needs kid, and contentKey.N needs kid.N
///   (several keys in one token); kid.N without contentKey.N asks the key storage for that key [real
///   clients].
/// - Rule (-4024): ek needs kek: it is the content key wrapped under kek [vendor's table].
/// - Rule (-5007): only one of kek or contentKey (or contentKey.N) may be given [vendor's table].
/// - Rule (-4024): ek must unwrap under kek (AES Key Wrap integrity check) to a 16-byte content key [vendor's
///   table].
/// - Rule (-2022): a Rental needs rental.periodEndTime [vendor's table].
/// - Rule (-2035): extensionType and extensionPayload are given together or not at all [vendor's table].
///
/// Marlin MS3 (XPDRM_DRM_MARLIN_MS3):
/// - customerAuthenticator (required by the server, optional here; 231 missing or empty, 230 invalid): the
///   customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here because a
///   trusted proxy may add it.
/// - errorFormat (optional; 231 missing or empty, 230 invalid): html or json: the form of the server's error
///   answers.
/// - useHttps (optional; 231 missing or empty, 230 invalid): true or false (PHP clients send 1 and 0): an
///   https license URL in the answer.
/// - expirationTime (optional; 231 missing or empty, 230 invalid): an RFC 3339 UTC time with Z
///   (2006-04-14T12:01:10Z) or + and seconds (+2592000); no limit is checked here, as no Marlin limit is
///   published.
/// - cookie (optional; 230): any text of at most 32 characters.
/// - contentId (optional, also contentId.N per key; 231): the content ID, any non-empty text:
///   urn:marlin:kid:<32 hex> for MS3 in the tutorials, cid:marlin#...@... or urn:marlin:organization:... in
///   real clients.
/// - contentKey (optional, also contentKey.N per key; 231 missing or empty, 230 not 32 hex digits): the
///   content key: 32 hexadecimal digits; a secret.
/// - kid (optional; 231 missing or empty, 230 not 32 hex digits): 32 hexadecimal digits, or ^ followed by 1
///   to 64 characters (a real client sends kid with contentKey instead of contentId).
/// - contentURL (optional; 231 missing or empty, 230 invalid): the stream's URL: http:// or https:// (DASH,
///   MP4), hls:// for HLS; it comes back as the compound URL's fragment.
/// - outputControlOverride (optional, repeatable; 231 missing or empty, 230 invalid): `<organization
///   urn>,<name>,<value>`, such as urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0;
///   repeatable.
/// - outputControlFlags (optional; 231 missing or empty, 230 not hex): 4 bytes in hexadecimal: 8 digits.
/// - outputControlValue (optional; 231 missing or empty, 230 not hex): 4 bytes in hexadecimal: 8 digits.
/// - extensionType (optional; 231 missing or empty, 230 invalid): exactly 4 characters, such as wudo; needs
///   extensionPayload.
/// - extensionCriticalFlag (optional; 231 missing or empty, 230 invalid): true or false; needs extensionType.
/// - extensionPayload (optional; 231 missing or empty, 230 invalid): non-empty standard base64 (with or
///   without = padding), such as AAAAAA==; needs extensionType.
/// - ms3Extension (optional, repeatable; 231 missing or empty, 230 invalid): `<type>,<critical>,<payload>`: 4
///   characters, true or false, base64, such as wudo,false,AAAAAA==; repeatable.
/// - ms3Scheme (optional; 231 missing or empty, 230 invalid): true or false.
/// - Rule (232): contentId.N and contentKey.N come in pairs: each indexed key with the content ID of the same
///   N.
/// - Rule (232): extensionType and extensionPayload are given together or not at all.
/// - Rule (232): extensionCriticalFlag needs extensionType.
///
/// Marlin BB (XPDRM_DRM_MARLIN_BB):
/// - customerAuthenticator (required by the server, optional here; 231 missing or empty, 230 invalid): the
///   customer ID in decimal digits, a comma, and 32 hexadecimal digits; a secret; optional here because a
///   trusted proxy may add it.
/// - errorFormat (optional; 231 missing or empty, 230 invalid): html or json: the form of the server's error
///   answers.
/// - actionTokenType (required; 231 missing or empty, 230 invalid): 0 registration (needs userId), 1 license
///   (needs contentId, contentKey, rightsType), 2 deregistration (needs userId).
/// - userId (required for a registration or deregistration (actionTokenType 0 or 2); 231): the user's ID in
///   the service, any non-empty text.
/// - userKey (optional; 231 missing or empty, 230 not 32 hex digits): the user's 128-bit key: 32 hexadecimal
///   digits; a secret.
/// - contentId (required for a license (actionTokenType 1); 231): the content ID, any non-empty text:
///   urn:marlin:kid:<32 hex> for MS3 in the tutorials, cid:marlin#...@... or urn:marlin:organization:... in
///   real clients.
/// - contentKey (required for a license (actionTokenType 1); 231 missing or empty, 230 not 32 hex digits):
///   the content key: 32 hexadecimal digits; a secret.
/// - rightsType (required for a license (actionTokenType 1); 231 missing or empty, 230 invalid): BuyToOwn or
///   Rental.
/// - rental.periodEndTime (optional; 231 missing or empty, 230 invalid): end of the rental period: an RFC
///   3339 UTC time with Z, or + and seconds (+9999).
/// - rental.playDuration (optional; 231 missing or empty, 230 invalid): rental play duration in seconds, a
///   decimal integer from 0 to 2147483647.
/// - outputControlOverrideId (optional; 231): the output control's organization or ID, any text.
/// - outputControlOverrideParameter (optional; 231): the output control parameter's name, any text.
/// - outputControlOverrideValue (optional; 231): the output control parameter's value, any text.
/// - expirationTime (optional; 231 missing or empty, 230 invalid): an RFC 3339 UTC time with Z
///   (2006-04-14T12:01:10Z) or + and seconds (+2592000); no limit is checked here, as no Marlin limit is
///   published.
/// - cookie (optional; 230): any text of at most 32 characters.
/// - Rule (231): a registration or deregistration (actionTokenType 0 or 2) needs userId.
/// - Rule (231): a license (actionTokenType 1) needs contentId.
/// - Rule (231): a license (actionTokenType 1) needs contentKey.
/// - Rule (231): a license (actionTokenType 1) needs rightsType.
///
/// End of the parameter reference.
///
/// Secret values (customerAuthenticator, contentKey, kek, ek, deviceId) never appear in logs or in
/// `xpdrm_token_request_redacted`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set(
    req: *mut xpdrm_token_request,
    name: *const c_char,
    value: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let name = unsafe { request_text(h, name, || "the parameter name".into()) }?;
        let value = unsafe { request_text(h, value, || format!("the value of {name}")) }?;
        let result = h.req.set(name, value);
        h.record(result)
    })
}

/// Adds a parameter that xpdrm does not list but the server accepts (for example `prFlag=true`, seen in the
/// wild), without any check. Each call adds one more `name=value` pair, after those already set.
///
/// * `req`: the request (modified).
/// * `name`: a non-empty name that is not in the DRM's parameter list, in any letter case. Copied.
/// * `value`: any UTF-8 text. Copied; wiped when the request is freed. Unchecked values are treated as
///   secrets: `<redacted>` in `xpdrm_token_request_redacted`, never logged.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_KNOWN_PARAMETER` for a listed name (its rule cannot be bypassed: use
/// `xpdrm_token_request_set`); `XPDRM_ERR_INVALID_ARGUMENT` for an empty name; `XPDRM_ERR_NULL_ARGUMENT`,
/// `XPDRM_ERR_INVALID_UTF8`. On failure nothing changes; `xpdrm_token_request_last_error` says why.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set_unchecked(
    req: *mut xpdrm_token_request,
    name: *const c_char,
    value: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let name = unsafe { request_text(h, name, || "the parameter name".into()) }?;
        let value = unsafe { request_text(h, value, || "the value".into()) }?;
        let result = h.req.set_unchecked(name, value);
        h.record(result)
    })
}

/// Removes every value of a parameter (listed or unchecked) from the request.
///
/// * `req`: the request (modified).
/// * `name`: the parameter name. Borrowed for the call.
///
/// Returns `XPDRM_OK`, also when a listed parameter was not set; `XPDRM_ERR_UNKNOWN_PARAMETER` for a name
/// that is neither listed for the DRM nor set (a typo); `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_INVALID_UTF8`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_unset(req: *mut xpdrm_token_request, name: *const c_char) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let name = unsafe { request_text(h, name, || "the parameter name".into()) }?;
        let result = h.req.unset(name);
        h.record(result)
    })
}

/// Aims the request at any base URL: a proxy, a loopback test server, the `expressplay.cn` domain.
///
/// * `req`: the request (modified).
/// * `base_url`: an absolute `http://` or `https://` URL of printable ASCII with a host, without user
///   information, query (`?`) or fragment (`#`), at most 2048 bytes, for example
///   `"https://fp-gen.service.expressplay.cn/hms/fp/token"`. Copied.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_BASE_URL` (the request keeps its base URL, and
/// `xpdrm_token_request_last_error` says what is wrong); `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_INVALID_UTF8`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set_base_url(
    req: *mut xpdrm_token_request,
    base_url: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let base_url = unsafe { request_text(h, base_url, || "the base URL".into()) }?;
        let result = h.req.set_base_url(base_url);
        h.record(result)
    })
}

/// Aims the request at its DRM's test or production token service (replacing any custom base URL):
/// `https://fp-gen.test.expressplay.com/hms/fp/token`, `https://fp-gen.service.expressplay.com/hms/fp/token`,
/// and the same with `wv-gen` / `wv` and `pr-gen` / `pr`.
///
/// * `req`: the request (modified).
/// * `environment`: `XPDRM_ENVIRONMENT_TEST` or `XPDRM_ENVIRONMENT_PRODUCTION`. Test authenticators work only
///   on the test service, production ones only on production (the server answers -2018 otherwise).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` for another value; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set_environment(
    req: *mut xpdrm_token_request,
    environment: xpdrm_environment,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let environment = match environment {
            XPDRM_ENVIRONMENT_TEST => Environment::Test,
            XPDRM_ENVIRONMENT_PRODUCTION => Environment::Production,
            other => {
                let status = Status::XPDRM_ERR_INVALID_ARGUMENT;
                return Err(h.refuse(
                    status,
                    format!("the environment {other} is neither XPDRM_ENVIRONMENT_TEST (0) nor XPDRM_ENVIRONMENT_PRODUCTION (1)"),
                ));
            }
        };
        h.req.set_environment(environment);
        h.record(Ok(()))
    })
}

/// Fixes the time that absolute `expirationTime` values are checked against ("in the future, at most 30
/// days ahead"), instead of the system clock.
///
/// * `req`: the request (modified).
/// * `now_unix_seconds`: the current time in seconds since 1970-01-01T00:00:00Z, or 0 to use the system
///   clock again (the default).
///
/// A device whose clock is wrong has absolute times judged by that wrong clock: a time the server would
/// accept may get -2002 here, or the reverse (the server's answer is then -2002). Such a device can pass a
/// trusted time here (from an HTTP `Date` header, say), or use the relative form `+<seconds>`, which needs no
/// clock. Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set_clock(
    req: *mut xpdrm_token_request,
    now_unix_seconds: i64,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        h.req.set_clock((now_unix_seconds != 0).then_some(now_unix_seconds));
        h.record(Ok(()))
    })
}

unsafe fn write_output(
    req: *const xpdrm_token_request,
    kind: Output,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> Result<(), Status> {
    let h = unsafe { handle_ref(req) }?;
    let out = unsafe { OutText::new(out, out_cap, out_len) }?;
    // A `const` call only reads: the check's reason is not stored, `xpdrm_token_request_last_error` derives it.
    h.req.check().map_err(|e| e.status())?;
    let len = h.req.encoded_len(kind);
    out.write_with(len, |buf| h.req.encode_into(kind, buf))
}

/// Checks the whole request and writes its GET URL: the base URL, `?`, and the parameters in the order set,
/// percent-encoded as `application/x-www-form-urlencoded` (a space is `+`, a `+` is `%2B`, and `&`, `=`, `%`,
/// `#` and non-ASCII characters are percent-encoded, so that every value decodes back exactly).
///
/// * `req`: the request (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated URL; `*out_len` gets its length
///   without the NUL. `out = NULL, out_cap = 0` asks for the length.
///
/// The whole-request check comes first: a parameter the DRM requires is missing (its "missing" code), an
/// absolute `expirationTime` is no longer in the next 30 days, or a rule across parameters is broken (see
/// "Rule" in the reference of `xpdrm_token_request_set`): the server's code, with the reason in
/// `xpdrm_token_request_last_error`. `customerAuthenticator` is not required here: a trusted proxy may add
/// it.
///
/// Returns `XPDRM_OK`; a negative ExpressPlay code; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in
/// `*out_len` (the check passed); `XPDRM_ERR_NULL_ARGUMENT`. Nothing is written to `out` on failure.
///
/// The URL holds the request's secrets (customerAuthenticator, keys): send it, then wipe the buffer. Log
/// `xpdrm_token_request_redacted` instead. Writes straight into `out`, without heap allocation.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_url(
    req: *const xpdrm_token_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { write_output(req, Output::Url, out, out_cap, out_len) } })
}

/// Checks the whole request and writes its POST body: the parameters of the GET URL's query, for a `POST`
/// to the base URL with `Content-Type: application/x-www-form-urlencoded`.
///
/// Arguments, check and statuses as for `xpdrm_token_request_url`. The body holds the request's secrets.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_form(
    req: *const xpdrm_token_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { write_output(req, Output::Form, out, out_cap, out_len) } })
}

/// Writes the request's GET URL for logs: every secret value (customerAuthenticator, contentKey, kek, ek,
/// deviceId, and all values set with `xpdrm_token_request_set_unchecked`) is replaced by `<redacted>`, for
/// example `...?customerAuthenticator=<redacted>&iv=0123...`. The request is not checked, so an incomplete
/// one can be logged too.
///
/// * `req`: the request (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated text (size query allowed).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_redacted(
    req: *const xpdrm_token_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(req, out, out_cap, out_len, |h, out| { out.write(&h.req.redacted()) }) } })
}

/// Writes the request's reason, by the reason rule of CONVENTIONS: if the most recent call that modifies the
/// request (a setter, taking a non-`const` handle) failed, why: which parameter, what is wrong with it, the
/// rule, and the status, for example `iv has 4 characters, not 32 hexadecimal digits. Rule for iv: the
/// content's packaging IV: 32 hexadecimal digits. Status -6003: Invalid iv parameter specified.`
/// Otherwise why the whole request fails the check of `xpdrm_token_request_url` (a missing parameter, a
/// rule across parameters), or an empty text if it passes. Reasons never quote a value.
///
/// * `req`: the request (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated text (size query allowed).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_last_error(
    req: *const xpdrm_token_request,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        unsafe {
            text_of(req, out, out_cap, out_len, |h, out| {
                let check;
                let reason = match &h.last_error {
                    Some(e) => e.reason(),
                    None => {
                        check = h.req.check().err();
                        check.as_ref().map_or("", Error::reason)
                    }
                };
                out.write_reason(reason)
            })
        }
    })
}

/// Frees a request and wipes every value it held (the customer authenticator and keys included). NULL is
/// a no-op. The pointer is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_free(req: *mut xpdrm_token_request) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(req) } })
}

/// Parses what a token server answered; a server error is a successful parse with an error code.
///
/// * `drm`: the DRM whose token server answered (`XPDRM_DRM_*`).
/// * `http_status`: the HTTP status code, 100 to 599.
/// * `content_type`: the `Content-Type` header's value (parameters such as `; charset=utf-8` allowed), or
///   NULL if there was none. NULL, `""` and `text/plain` mean "judge by the body". Borrowed for the call.
/// * `body`, `body_len`: the body, at most `XPDRM_TOKEN_RESPONSE_MAX_BODY` bytes (NULL only with length 0).
///   Borrowed for the call.
/// * `out`: receives the response; the caller owns it and frees it with `xpdrm_token_response_free`.
///
/// What is understood:
/// - 2xx with `text/uri-list` (FairPlay, Widevine): CRLF lines, `#` comments skipped, the first URI wins; it
///   must be an absolute `http(s)` URL carrying one `ExpressPlayToken=<token>` query parameter.
/// - 2xx with `application/json` (PlayReady): `{"licenseAcquisitionUrl": "...", "token": "..."}`. A body
///   that is a JSON object is read as JSON whatever the content type says (the PlayReady page itself says
///   `text/uri-list` for this answer), pretty-printed or not; and a bare `http(s)` URL labelled JSON is read
///   as a `text/uri-list`.
/// - any status with a JSON error `{"code": -NNNN, "message" or "text": "..."}` (an integer code; other
///   fields ignored): an error response, even with a 2xx status. The `[-NNNN] ` prefix with which messages
///   repeat their code is not part of the error text.
/// - License URLs are kept exactly as given: `http` or `https`, any port.
/// - 2xx from `XPDRM_DRM_MARLIN_MS3`: `text/uri-list` with one compound URL,
///   `https://.../hms/ms3/rights/?b=<token>#<percent-encoded content URL>`, kept exactly as given (the license
///   URL); the token is the `b` value; the fragment, percent-decoded, is `xpdrm_token_response_content_url`.
///   No single well-formed `b`: `XPDRM_ERR_RESPONSE_MS3_NO_TOKEN`; a fragment that does not decode to UTF-8
///   text: `XPDRM_ERR_RESPONSE_MS3_CONTENT_URL`.
/// - 2xx from `XPDRM_DRM_MARLIN_BB`: an XML action token (`application/vnd.marlin.drm.actiontoken+xml`, or
///   any type but JSON and HTML), kept byte for byte (`xpdrm_token_response_action_token`) once an XML parser
///   found it well-formed (no DTD) with an `ActionToken` root: else `XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED`
///   or `XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN`.
/// - non-2xx with an HTML, text or empty body: the first `[-NNNN]` code in its text; without one, a local
///   code for the HTTP status: `XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS`,
///   `XPDRM_ERR_SERVER_401_AUTHENTICATION_FAILED`, `XPDRM_ERR_SERVER_404_INVALID_URL`,
///   `XPDRM_ERR_SERVER_5XX_ERROR`, or `XPDRM_ERR_SERVER_UNEXPECTED_STATUS` (1xx, 3xx, other 4xx).
///
/// A token is a well-formed URL-safe base64 string; an error answer never yields one.
///
/// Returns `XPDRM_OK` with `*out` set (then check `xpdrm_token_response_error_code`). For a 2xx answer
/// that holds no usable token: `XPDRM_ERR_RESPONSE_NOT_UTF8`, `XPDRM_ERR_RESPONSE_MALFORMED_JSON`,
/// `XPDRM_ERR_RESPONSE_NO_LICENSE_URL`, `XPDRM_ERR_RESPONSE_NO_TOKEN`, `XPDRM_ERR_RESPONSE_CONTENT_TYPE`
/// (an HTML login page from a captive portal, say). Also `XPDRM_ERR_INPUT_TOO_LARGE` (body over the
/// maximum), `XPDRM_ERR_UNKNOWN_DRM`, `XPDRM_ERR_INVALID_ARGUMENT` (status outside 100-599),
/// `XPDRM_ERR_NULL_ARGUMENT`. On failure `*out` is not written.
/// cbindgen:nullable=\[content_type\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_parse(
    drm: xpdrm_drm,
    http_status: u16,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut *mut xpdrm_token_response,
) -> xpdrm_status {
    ffi_guard!({
        let out = unsafe { out_param(out) }?;
        let drm = Drm::from_code(drm)?;
        // A header is what the server sent: bytes that are not UTF-8 make an unknown type, not a failure.
        let content_type: Option<Cow<'_, str>> = if content_type.is_null() {
            None
        } else {
            let c = unsafe { CStr::from_ptr(content_type) };
            Some(c.to_str().map_or_else(|_| c.to_string_lossy(), Cow::Borrowed))
        };
        let body = unsafe { bytes(body, body_len) }?;
        let resp = TokenResponse::parse(drm, http_status, content_type.as_deref(), body)?;
        out.write(into_handle(xpdrm_token_response { resp }));
        Ok(())
    })
}

/// Returns 0 when the answer holds a token. Otherwise the error code: the server's own (negative,
/// ExpressPlay's numbering, known or not, such as -2018 for a wrong authenticator), or one of the local
/// `XPDRM_ERR_SERVER_*` codes (210-214) when the answer held no code. `xpdrm_status_str()` gives a text for
/// any of them; `xpdrm_token_response_error_text` gives the server's.
///
/// `resp`: the response (only read). Returns `XPDRM_ERR_NULL_ARGUMENT` (1) if `resp` is NULL, and
/// `XPDRM_ERR_PANIC` (7) on an internal error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_error_code(resp: *const xpdrm_token_response) -> i32 {
    ffi_guard!(on_panic: Status::XPDRM_ERR_PANIC.code(), {
        match unsafe { handle_ref(resp) } {
            Ok(h) => h.resp.error_code(),
            Err(status) => status.code(),
        }
    })
}

/// Writes the license URL with the token, for redemption: the player sends its DRM challenge (FairPlay SPC,
/// Widevine license request, PlayReady challenge) to it. For a `text/uri-list` answer it is the first URI
/// exactly as given (`https://fp.service.expressplay.com:80/...` stays so); for PlayReady's JSON it is
/// `licenseAcquisitionUrl` with `?ExpressPlayToken=<token>` appended (`&` if it has a query already).
///
/// * `resp`: the response (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated URL (size query allowed).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_RESPONSE_IS_ERROR` if the answer is an error; `XPDRM_ERR_BUFFER_TOO_SMALL`
/// with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`. The URL carries the token, a bearer
/// credential: do not log it.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_license_url(
    resp: *const xpdrm_token_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |h, out| { out.write(h.resp.license_url()?) }) } })
}

/// Writes the license URL without its `ExpressPlayToken` query parameter (other parameters kept as given):
/// for redemption with the token in an `ExpressPlayToken` request header (see `xpdrm_token_header_name`)
/// instead of the URL. Safe to log.
///
/// Arguments and statuses as for `xpdrm_token_response_license_url`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_license_base_url(
    resp: *const xpdrm_token_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |h, out| { out.write(h.resp.license_base_url()?) }) } })
}

/// Writes the token (URL-safe base64, percent-decoded), for the `ExpressPlayToken` header. A bearer
/// credential: do not log it, and wipe your copy when done.
///
/// Arguments and statuses as for `xpdrm_token_response_license_url`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_token(
    resp: *const xpdrm_token_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |h, out| { out.write(h.resp.token()?) }) } })
}

/// Writes the server's error text: the JSON `message` (or `text`), or the text run of an HTML page that
/// holds the `[-NNNN]` code (else the page's first text, such as its title), whitespace collapsed, at most
/// 1024 bytes; without any text, the code's own text. An empty text when the answer holds a token.
///
/// * `resp`: the response (only read).
/// * `out`, `out_cap`, `out_len`: caller-owned buffer for the NUL-terminated text (size query allowed).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_NULL_ARGUMENT`.
/// The text comes from the server and may echo what the request sent: treat it with care in logs.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_error_text(
    resp: *const xpdrm_token_response,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({ unsafe { text_of(resp, out, out_cap, out_len, |h, out| { out.write(h.resp.error_text()) }) } })
}

/// Frees a response and wipes the token and license URL it held. NULL is a no-op. The pointer is invalid
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_response_free(resp: *mut xpdrm_token_response) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(resp) } })
}

const TOKEN_HEADER: &CStr = c"ExpressPlayToken";
const _: () = {
    let (a, b) = (TOKEN_HEADER.to_bytes(), response::TOKEN_HEADER.as_bytes());
    assert!(a.len() == b.len());
    let mut i = 0;
    while i < a.len() {
        assert!(a[i] == b[i]);
        i += 1;
    }
};

/// Returns `"ExpressPlayToken"`: the name of the HTTP request header that carries the token when a license
/// is redeemed at `xpdrm_token_response_license_base_url` (and of the license URL's query parameter).
/// Never returns NULL.
///
/// Ownership: the string is static; do not free or modify it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xpdrm_token_header_name() -> *const c_char {
    ffi_guard!(on_panic: TOKEN_HEADER.as_ptr(), { TOKEN_HEADER.as_ptr() })
}

/// Sets an indexed parameter, `name.index` (several keys in one token: one key per SD, HD, UHD or audio
/// track): the same as `xpdrm_token_request_set(req, "kid.2", value)` for (`"kid"`, 2), without formatting
/// the name by hand. The value is checked with the plain name's rule and code.
///
/// * `req`: the request (modified).
/// * `name`: a plain parameter name that takes an index for the request's DRM (the reference of
///   `xpdrm_token_request_set` marks them "also NAME.N per key"): Widevine `kid`, `contentKey`,
///   `securityLevel`, `hdcpOutputControl`, `trackType`; PlayReady `kid`, `contentKey`,
///   `minCertSecurityLevel` and the five `...OPL`s. Borrowed for the call.
/// * `index`: the key's index; real clients number keys 0, 1, 2, ... without gaps.
/// * `value`: as for `xpdrm_token_request_set`. Copied; wiped when the request is freed.
///
/// Per key, the whole-request rules hold: `contentKey.N` needs `kid.N` (-4018); `kid.N` alone asks the key
/// storage for that key. Per-key settings apply to their key, plain ones to all keys.
///
/// Returns `XPDRM_OK`, or the (negative) code the server would answer for the value, as for
/// `xpdrm_token_request_set`; `XPDRM_ERR_UNKNOWN_PARAMETER` for a name that takes no index for this DRM;
/// `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_INVALID_UTF8`. On failure the request is unchanged, and
/// `xpdrm_token_request_last_error` names the parameter (`kid.2`) and the rule.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_token_request_set_indexed(
    req: *mut xpdrm_token_request,
    name: *const c_char,
    index: u32,
    value: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        let h = unsafe { handle_mut(req) }?;
        let name = unsafe { request_text(h, name, || "the parameter name".into()) }?;
        let value = unsafe { request_text(h, value, || format!("the value of {name}.{index}")) }?;
        let result = h.req.set_indexed(name, index, value);
        h.record(result)
    })
}

/// Derives the 16-byte KID of a `^name` key ID as ExpressPlay's key storage does: the first 16 bytes of
/// SHA-1 of the name after the `^` (`"^kid1"` gives 80ea8bc8a58f990ad1f76bc665b30bfa), so that a player can
/// match a `kid=^name` token request with the KID in its content.
///
/// * `caret_name`: the key ID, `^` followed by 1 to 64 characters of UTF-8. Borrowed for the call.
/// * `out`: caller-owned, at least 16 writable bytes (`uint8_t kid[16]`); written only on success.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_KID` (-4022, the `kid` parameter's code) for nothing after `^`;
/// `XPDRM_ERR_KID_TOO_LONG` (-4021) for more than 64 characters after `^`; `XPDRM_ERR_INVALID_ARGUMENT` for
/// a key ID that does not start with `^`; `XPDRM_ERR_NULL_ARGUMENT`, `XPDRM_ERR_INVALID_UTF8`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_kid_from_name(caret_name: *const c_char, out: *mut u8) -> xpdrm_status {
    ffi_guard!({
        let name = unsafe { text(caret_name) }?;
        if out.is_null() {
            return Err(Status::XPDRM_ERR_NULL_ARGUMENT);
        }
        let kid = crate::token::kid::kid_from_name(name).map_err(|e| e.status())?;
        // SAFETY: the header's contract: `out` points to 16 writable bytes.
        unsafe { core::ptr::copy_nonoverlapping(kid.as_ptr(), out, kid.len()) };
        Ok(())
    })
}
