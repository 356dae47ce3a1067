//! The Marlin token servers of the ExpressPlay-compatible test server: `ms3-gen` and `bb-gen`
//! (`GET|POST /hms/ms3/token`, `GET|POST /hms/bb/token`), with their own parameter checks, written from
//! SPEC.md section 7 apart from the library's tables (`tests/testsrv_agreement_marlin.rs` compares them).
//!
//! No Marlin error table is published, so this server's refusals carry no ExpressPlay code: a malformed
//! parameter is HTTP 400 with a message naming it (JSON `{"message": ...}` or an HTML page), which a client
//! reads as `XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS`; the authenticator gets the shared -2017/-2018 (401).
//! For the agreement test, [`check`] gives each refusal the local status the library uses (230 invalid
//! value, 231 missing parameter, 232 parameters that belong together).
//!
//! Answers, with stand-in tokens (random bytes and an HMAC-free digest: nothing redeems them here):
//! * MS3: `text/uri-list` with a compound URL,
//!   `https://127.0.0.1:<port>/hms/ms3/rights/?b=<token>#<percent-encoded contentURL>` (no fragment without
//!   `contentURL`);
//! * BB: `application/vnd.marlin.drm.actiontoken+xml`, an XML document of the real shape (the vendor's
//!   tutorial: an `ActionToken` root in the `urn:marlin:broadband:1-2:nemo:services:action-token` namespace,
//!   a `ConfigurationInfo` element); what follows it is a stand-in naming the action and carrying the token.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::json;

use super::httpd::{Events, Reply};
use super::token_rules::{Drm, Refusal};

/// The namespace of the vendor's action tokens.
pub const ACTION_TOKEN_NS: &str = "urn:marlin:broadband:1-2:nemo:services:action-token";

const INVALID: i32 = 230;
const MISSING: i32 = 231;
const MISMATCH: i32 = 232;

fn refuse(code: i32, what: impl Into<String>) -> Refusal {
    Refusal { code, what: what.into() }
}

/// What a Marlin request that passed gives the answer.
#[derive(Clone, Debug, Default)]
pub struct Accepted {
    /// `customerAuthenticator`.
    pub authenticator: String,
    /// `errorFormat=json`.
    pub json_errors: bool,
    /// MS3: `contentURL`.
    pub content_url: Option<String>,
    /// BB: `actionTokenType` (0, 1, 2).
    pub action: u8,
    /// The content IDs (MS3 plain and indexed, BB `contentId`).
    pub content_ids: Vec<String>,
    /// BB: `userId`.
    pub user_id: Option<String>,
}

struct P<'a>(&'a [(String, String)]);

impl P<'_> {
    fn given(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    fn all<'s, 'n: 's>(&'s self, name: &'n str) -> impl Iterator<Item = &'s str> + 's {
        self.0.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The last value of `name` (a repeated plain parameter: the last one counts).
    fn last(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn hex16(v: &str) -> bool {
    v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit())
}

fn hex4(v: &str) -> bool {
    v.len() == 8 && v.chars().all(|c| c.is_ascii_hexdigit())
}

fn base64_ok(v: &str) -> bool {
    !v.is_empty() && if v.ends_with('=') { STANDARD.decode(v).is_ok() } else { STANDARD_NO_PAD.decode(v).is_ok() }
}

fn time_ok(v: &str) -> bool {
    if let Some(secs) = v.strip_prefix('+') {
        return !secs.is_empty() && secs.len() <= 18 && secs.chars().all(|c| c.is_ascii_digit());
    }
    v.ends_with('Z')
        && v.as_bytes().get(10) == Some(&b'T')
        && time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).is_ok()
}

fn content_url_ok(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://", "hls://"].iter().find_map(|s| lower.strip_prefix(s)) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !host.starts_with(':') && !v.chars().any(char::is_control)
}

/// Each value of `name` passes `ok`, and is not empty (an empty value is a missing one).
fn each(p: &P<'_>, name: &str, ok: impl Fn(&str) -> bool, rule: &str) -> Result<(), Refusal> {
    for v in p.all(name) {
        if v.is_empty() {
            return Err(refuse(MISSING, format!("{name} is empty")));
        }
        if !ok(v) {
            return Err(refuse(INVALID, format!("{name} is not {rule}")));
        }
    }
    Ok(())
}

fn shared(p: &P<'_>, out: &mut Accepted) -> Result<(), Refusal> {
    match p.last("customerAuthenticator") {
        None | Some("") => return Err(refuse(-2017, "customerAuthenticator is missing")),
        Some(a) => {
            let ok = a.split_once(',').is_some_and(|(id, key)| {
                (1..=20).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit()) && hex16(key)
            });
            if !ok {
                return Err(refuse(INVALID, "customerAuthenticator is not <customer id>,<32 hex digits>"));
            }
            out.authenticator = a.to_owned();
        }
    }
    each(p, "errorFormat", |v| v == "html" || v == "json", "html or json")?;
    out.json_errors = p.last("errorFormat") == Some("json");
    each(p, "expirationTime", time_ok, "an RFC 3339 UTC time or +seconds")?;
    for v in p.all("cookie") {
        if v.chars().count() > 32 {
            return Err(refuse(INVALID, "cookie is longer than 32 characters"));
        }
    }
    Ok(())
}

fn ms3(p: &P<'_>, out: &mut Accepted) -> Result<(), Refusal> {
    each(p, "useHttps", |v| matches!(v, "true" | "false" | "1" | "0"), "true, false, 1 or 0")?;
    each(p, "contentId", |_| true, "")?;
    each(p, "contentKey", hex16, "32 hexadecimal digits")?;
    each(
        p,
        "kid",
        |v| match v.strip_prefix('^') {
            Some(name) => (1..=64).contains(&name.chars().count()),
            None => hex16(v),
        },
        "32 hexadecimal digits or ^name",
    )?;
    each(p, "contentURL", content_url_ok, "an http, https or hls URL")?;
    each(
        p,
        "outputControlOverride",
        |v| {
            let parts: Vec<&str> = v.splitn(3, ',').collect();
            parts.len() == 3 && parts.iter().all(|s| !s.is_empty())
        },
        "<organization>,<name>,<value>",
    )?;
    each(p, "outputControlFlags", hex4, "8 hexadecimal digits")?;
    each(p, "outputControlValue", hex4, "8 hexadecimal digits")?;
    each(p, "extensionType", |v| v.chars().count() == 4, "4 characters")?;
    each(p, "extensionCriticalFlag", |v| v == "true" || v == "false", "true or false")?;
    each(p, "extensionPayload", base64_ok, "base64")?;
    each(
        p,
        "ms3Extension",
        |v| {
            let parts: Vec<&str> = v.splitn(3, ',').collect();
            parts.len() == 3
                && parts[0].chars().count() == 4
                && (parts[1] == "true" || parts[1] == "false")
                && base64_ok(parts[2])
        },
        "<type>,<critical>,<payload>",
    )?;
    each(p, "ms3Scheme", |v| v == "true" || v == "false", "true or false")?;
    // Every index given (decimal, no leading zero, 32 bits), in order.
    let mut indexes: Vec<u32> =
        p.0.iter()
            .filter_map(|(n, _)| n.strip_prefix("contentId.").or_else(|| n.strip_prefix("contentKey.")))
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) && (d.len() == 1 || !d.starts_with('0')))
            .filter_map(|d| d.parse().ok())
            .collect();
    indexes.sort_unstable();
    indexes.dedup();
    for i in indexes {
        let (id, key) = (format!("contentId.{i}"), format!("contentKey.{i}"));
        each(p, &id, |_| true, "")?;
        each(p, &key, hex16, "32 hexadecimal digits")?;
        if p.given(&id) != p.given(&key) {
            return Err(refuse(MISMATCH, format!("{id} and {key} go together")));
        }
        if let Some(v) = p.last(&id) {
            out.content_ids.push(v.to_owned());
        }
    }
    if p.given("extensionType") != p.given("extensionPayload") {
        return Err(refuse(MISMATCH, "extensionType and extensionPayload go together"));
    }
    if p.given("extensionCriticalFlag") && !p.given("extensionType") {
        return Err(refuse(MISMATCH, "extensionCriticalFlag needs extensionType"));
    }
    if let Some(v) = p.last("contentId") {
        out.content_ids.insert(0, v.to_owned());
    }
    out.content_url = p.last("contentURL").map(str::to_owned);
    Ok(())
}

fn bb(p: &P<'_>, out: &mut Accepted) -> Result<(), Refusal> {
    out.action = match p.last("actionTokenType") {
        None | Some("") => return Err(refuse(MISSING, "actionTokenType is missing")),
        Some("0") => 0,
        Some("1") => 1,
        Some("2") => 2,
        Some(_) => return Err(refuse(INVALID, "actionTokenType is not 0, 1 or 2")),
    };
    each(p, "userId", |_| true, "")?;
    each(p, "userKey", hex16, "32 hexadecimal digits")?;
    each(p, "contentId", |_| true, "")?;
    each(p, "contentKey", hex16, "32 hexadecimal digits")?;
    each(p, "rightsType", |v| v == "BuyToOwn" || v == "Rental", "BuyToOwn or Rental")?;
    each(p, "rental.periodEndTime", time_ok, "an RFC 3339 UTC time or +seconds")?;
    each(
        p,
        "rental.playDuration",
        |v| v.chars().all(|c| c.is_ascii_digit()) && v.parse::<i32>().is_ok(),
        "a decimal integer",
    )?;
    let needs: &[&str] = match out.action {
        1 => &["contentId", "contentKey", "rightsType"],
        _ => &["userId"],
    };
    if let Some(name) = needs.iter().find(|n| !p.given(n)) {
        return Err(refuse(MISSING, format!("actionTokenType {} needs {name}", out.action)));
    }
    out.user_id = p.last("userId").map(str::to_owned);
    out.content_ids.extend(p.last("contentId").map(str::to_owned));
    Ok(())
}

/// Checks a Marlin token request as this server does (`drm` is `MarlinMs3` or `MarlinBb`).
pub fn check(drm: Drm, params: &[(String, String)]) -> Result<Accepted, Refusal> {
    let p = P(params);
    let mut out = Accepted::default();
    shared(&p, &mut out)?;
    match drm {
        Drm::MarlinMs3 => ms3(&p, &mut out)?,
        _ => bb(&p, &mut out)?,
    }
    Ok(out)
}

/// The refusal as HTTP: the authenticator's shared codes with 401, anything else 400 without a code.
pub fn refusal_reply(r: &Refusal, json_errors: bool) -> Reply {
    if r.code < 0 {
        let message = format!("[{}] {}", r.code, r.what);
        return if json_errors {
            Reply::json(401, &json!({ "code": r.code, "message": message }))
        } else {
            Reply::with(401, "text/html; charset=utf-8", format!("<html><body><p>{message}</p></body></html>\n"))
        };
    }
    if json_errors {
        Reply::json(400, &json!({ "message": r.what }))
    } else {
        Reply::with(
            400,
            "text/html; charset=utf-8",
            format!("<html><body><h1>Error 400</h1><p>{}</p></body></html>\n", r.what),
        )
    }
}

/// A stand-in token: URL-safe base64 of 160 bytes (random, then a SHA-256 of what it is for): the length and
/// alphabet of real ones.
pub fn stand_in_token(what: &str) -> String {
    use sha2::Digest;
    let mut raw = [0u8; 160];
    getrandom::fill(&mut raw[..128]).expect("the OS random source");
    raw[128..].copy_from_slice(&sha2::Sha256::digest(what.as_bytes()));
    URL_SAFE_NO_PAD.encode(raw)
}

/// Percent-encodes everything but the unreserved characters (as the real answers' fragments are).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// Answers a Marlin token request (the hook of [`ExpressPlay`](super::ExpressPlay)'s token route): checks,
/// the account's authenticator (constant time), then the compound URL or the action token.
pub(super) fn token(drm: Drm, params: &[(String, String)], authenticator: &str, base: &str, events: &Events) -> Reply {
    use subtle::ConstantTimeEq;
    let name = if drm == Drm::MarlinMs3 { "ms3" } else { "bb" };
    let json_errors = params.iter().any(|(n, v)| n == "errorFormat" && v == "json");
    let accepted = match check(drm, params) {
        Ok(a) => a,
        Err(r) => {
            events.push(format!("token server ({name}): refused ({}): {}", r.code, r.what));
            return refusal_reply(&r, json_errors);
        }
    };
    if !bool::from(accepted.authenticator.as_bytes().ct_eq(authenticator.as_bytes())) {
        events.push(format!("token server ({name}): refused with -2018: not this account's authenticator"));
        return refusal_reply(&refuse(-2018, "not this account's authenticator"), json_errors);
    }
    match drm {
        Drm::MarlinMs3 => {
            events.push(format!(
                "token server (ms3): compound URL for {} key(s){}",
                accepted.content_ids.len(),
                if accepted.content_url.is_some() { " and a content URL" } else { "" }
            ));
            ms3_reply(base, &accepted)
        }
        _ => {
            events.push(format!("token server (bb): action token (actionTokenType {})", accepted.action));
            bb_reply(&accepted)
        }
    }
}

/// The MS3 answer: one compound URL in a `text/uri-list`.
pub fn ms3_reply(base: &str, a: &Accepted) -> Reply {
    let token = stand_in_token(&a.content_ids.join(","));
    let fragment = a.content_url.as_deref().map(|u| format!("#{}", percent_encode(u))).unwrap_or_default();
    Reply::with(200, "text/uri-list", format!("{base}/hms/ms3/rights/?b={token}{fragment}\r\n"))
}

/// The BB answer: an XML action token.
pub fn bb_reply(a: &Accepted) -> Reply {
    let action = ["UserRegistration", "LicenseAcquisition", "UserDeregistration"][usize::from(a.action.min(2))];
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    xml.push_str(&format!(
        "<ActionToken xmlns=\"{ACTION_TOKEN_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    ));
    xml.push_str(
        "<ConfigurationInfo broadbandServiceId=\"urn:marlin:organization:xpdrm:test-marlin-service:1\" \
         configVersion=\"1\"/>\n",
    );
    xml.push_str(&format!("<{action}Action>\n"));
    if let Some(user) = &a.user_id {
        xml.push_str(&format!("<UserId>{}</UserId>\n", xml_escape(user)));
    }
    for id in &a.content_ids {
        xml.push_str(&format!("<ContentId>{}</ContentId>\n", xml_escape(id)));
    }
    xml.push_str(&format!("<Token>{}</Token>\n", stand_in_token(action)));
    xml.push_str(&format!("</{action}Action>\n</ActionToken>\n"));
    Reply::with(200, "application/vnd.marlin.drm.actiontoken+xml", xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn body(r: Reply) -> Vec<u8> {
        match r {
            Reply::Answer { body, .. } => body,
            _ => Vec::new(),
        }
    }

    const AUTH: (&str, &str) = ("customerAuthenticator", "793,adf05681cff44bc58ab24fadd7876e42");

    #[test]
    fn ms3_and_bb_requests_pass_and_refuse_by_form() {
        let ms3_ok = pairs(&[
            AUTH,
            ("contentId", "urn:marlin:kid:67895432987623454756654729382341"),
            ("contentKey", "43210987123478904321098712340987"),
            ("contentURL", "hls://www.expressplay.com/ep/video/HLSBBB/master.m3u8"),
        ]);
        let a = check(Drm::MarlinMs3, &ms3_ok).unwrap();
        assert_eq!(a.content_url.as_deref(), Some("hls://www.expressplay.com/ep/video/HLSBBB/master.m3u8"));
        let mut bad = ms3_ok.clone();
        bad.push(("contentKey.0".into(), "43210987123478904321098712340987".into()));
        assert_eq!(check(Drm::MarlinMs3, &bad).unwrap_err().code, MISMATCH);
        let reg = pairs(&[AUTH, ("actionTokenType", "0"), ("userId", "1122")]);
        assert_eq!(check(Drm::MarlinBb, &reg).unwrap().action, 0);
        let lic = pairs(&[
            AUTH,
            ("actionTokenType", "1"),
            ("contentId", "x"),
            ("contentKey", "43210987123478904321098712340987"),
        ]);
        assert_eq!(check(Drm::MarlinBb, &lic).unwrap_err().code, MISSING);
    }

    #[test]
    fn answers_have_the_real_shapes() {
        let a = Accepted { content_url: Some("https://h/a b.mpd".into()), ..Accepted::default() };
        let r = String::from_utf8(body(ms3_reply("https://127.0.0.1:1", &a))).unwrap();
        assert!(
            r.starts_with("https://127.0.0.1:1/hms/ms3/rights/?b=") && r.ends_with("#https%3A%2F%2Fh%2Fa%20b.mpd\r\n"),
            "{r}"
        );
        let xml = String::from_utf8(body(bb_reply(&Accepted {
            action: 1,
            content_ids: vec!["a<b".into()],
            ..Accepted::default()
        })))
        .unwrap();
        assert!(xml.contains("<ActionToken xmlns=\"urn:marlin:broadband:1-2:nemo:services:action-token\""), "{xml}");
        assert!(xml.contains("<ContentId>a&lt;b</ContentId>"), "{xml}");
    }
}
