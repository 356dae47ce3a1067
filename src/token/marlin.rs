//! Marlin answers (SPEC.md section 7): the MS3 compound URL and the Marlin BB XML action token. A child of
//! [`response`](super), so that a Marlin answer is one more kind of [`TokenResponse`]; errors (JSON, HTML,
//! empty) are read exactly as for the other DRMs.
//!
//! * **MS3**: `text/uri-list` with one compound URL,
//!   `https://ms3.service.expressplay.com:8443/hms/ms3/rights/?b=<token>#<percent-encoded content URL>`. The
//!   URL is kept exactly as given ([`TokenResponse::license_url`]); the token is the `b` value (one, URL-safe
//!   base64); the content URL is the fragment, percent-decoded ([`TokenResponse::content_url`]). A fragment
//!   that does not decode to UTF-8 text without control characters is refused; an answer without a fragment
//!   (a request without `contentURL`) has no content URL.
//! * **BB**: an XML action token (`application/vnd.marlin.drm.actiontoken+xml`), passed on as bytes exactly
//!   as received ([`TokenResponse::action_token`]) once a real XML parser (`roxmltree`, no DTDs, a node
//!   limit) has found it well-formed with an `ActionToken` root element, the shape of every action token the
//!   vendor shows (registration, license and deregistration tokens are all `ActionToken` documents).

use zeroize::Zeroizing;

use super::{Kind, Outcome, Part, TokenParts, TokenResponse, is_http_url, is_token, lines};
use crate::Status;
use crate::outbound::media_type;
use crate::secret_string::SecretString;
use crate::token::Drm;

/// The content type of a Marlin BB action token.
pub const ACTION_TOKEN_CONTENT_TYPE: &str = "application/vnd.marlin.drm.actiontoken+xml";

/// Most XML nodes (elements, attributes, texts) an action token may hold: real ones hold a few dozen.
const MAX_XML_NODES: u32 = 10_000;

/// What a Marlin answer adds to a token answer.
pub(super) enum Extra {
    /// MS3: the compound URL's fragment, percent-decoded, if it has one.
    Ms3 { content_url: Option<String> },
    /// BB: the action token, the body's bytes unchanged (wiped on drop: it authorises a license).
    Bb { action_token: Zeroizing<Vec<u8>> },
}

/// A 2xx answer from a Marlin token server.
pub(super) fn success(drm: Drm, content_type: Option<&str>, body: &[u8]) -> Result<(Outcome, Option<Extra>), Status> {
    let kind = Kind::of(content_type, body);
    // Errors in a 2xx (JSON with a code, HTML with a [-NNNN] code) read as for every DRM.
    if matches!(kind, Kind::Json | Kind::Html) && !(drm == Drm::MarlinBb && is_xml_type(content_type)) {
        if drm == Drm::MarlinBb && kind == Kind::Html && looks_like_action_token(body) {
            return action_token(body);
        }
        let not_marlin = if drm == Drm::MarlinBb {
            Status::XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN
        } else {
            Status::XPDRM_ERR_RESPONSE_MS3_NO_TOKEN
        };
        return match super::success(kind, body) {
            Ok(o @ Outcome::Error { .. }) => Ok((o, None)),
            // A 2xx JSON answer without a code is no Marlin token, whatever it holds.
            Ok(Outcome::Token(_))
            | Err(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL | Status::XPDRM_ERR_RESPONSE_NO_TOKEN) => Err(not_marlin),
            Err(other) => Err(other),
        };
    }
    match drm {
        Drm::MarlinMs3 => ms3(kind, body),
        _ => action_token(body),
    }
}

fn is_xml_type(content_type: Option<&str>) -> bool {
    let essence = content_type.map_or("", media_type);
    let is = |t: &str| essence.eq_ignore_ascii_case(t);
    is(ACTION_TOKEN_CONTENT_TYPE) || is("application/xml") || is("text/xml")
}

/// A body that starts (after a BOM and whitespace) with an XML declaration or an `<ActionToken` tag.
fn looks_like_action_token(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let rest = &body[start..];
    rest.starts_with(b"<?xml") || rest.starts_with(b"<ActionToken")
}

// ---- MS3 ----

fn ms3(kind: Kind, body: &[u8]) -> Result<(Outcome, Option<Extra>), Status> {
    if kind == Kind::Other {
        return Err(Status::XPDRM_ERR_RESPONSE_CONTENT_TYPE);
    }
    let text = core::str::from_utf8(body).map_err(|_| Status::XPDRM_ERR_RESPONSE_NOT_UTF8)?;
    let url = lines(text)
        .map(str::trim_ascii)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL)?;
    let (parts, content_url) = compound(url)?;
    Ok((Outcome::Token(parts), Some(Extra::Ms3 { content_url })))
}

/// Splits an MS3 compound URL: the URL kept whole, the base (before `?`), the `b` token as a range of it,
/// and the decoded fragment.
fn compound(url: &str) -> Result<(TokenParts, Option<String>), Status> {
    if !is_http_url(url) {
        return Err(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL);
    }
    let main_end = memchr::memchr(b'#', url.as_bytes()).unwrap_or(url.len());
    let q = memchr::memchr(b'?', &url.as_bytes()[..main_end]).ok_or(Status::XPDRM_ERR_RESPONSE_MS3_NO_TOKEN)?;
    let mut token = None;
    let mut start = q + 1;
    while start <= main_end {
        let end = memchr::memchr(b'&', &url.as_bytes()[start..main_end]).map_or(main_end, |i| start + i);
        if let Some(value) = url[start..end].strip_prefix("b=") {
            if token.is_some() || !is_token(value) {
                return Err(Status::XPDRM_ERR_RESPONSE_MS3_NO_TOKEN);
            }
            token = Some(start + 2..end);
        } else if &url[start..end] == "b" {
            return Err(Status::XPDRM_ERR_RESPONSE_MS3_NO_TOKEN);
        }
        start = end + 1;
    }
    let token = token.ok_or(Status::XPDRM_ERR_RESPONSE_MS3_NO_TOKEN)?;
    let content_url = match url.get(main_end + 1..) {
        Some(fragment) if !fragment.is_empty() => Some(decode_fragment(fragment)?),
        _ => None,
    };
    let parts = TokenParts { license_url: SecretString::from(url), base: Part::Range(0..q), token: Part::Range(token) };
    Ok((parts, content_url))
}

/// Percent-decodes a fragment strictly: every `%` followed by two hex digits, the result UTF-8 without
/// control characters. (`+` stays `+`: a fragment is not a form.)
pub(crate) fn decode_fragment(fragment: &str) -> Result<String, Status> {
    let bad = Status::XPDRM_ERR_RESPONSE_MS3_CONTENT_URL;
    let b = fragment.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).ok_or(bad)?;
            let hi = (hex[0] as char).to_digit(16).ok_or(bad)?;
            let lo = (hex[1] as char).to_digit(16).ok_or(bad)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| bad)?;
    if text.is_empty() || text.chars().any(char::is_control) {
        return Err(bad);
    }
    Ok(text)
}

// ---- BB ----

fn action_token(body: &[u8]) -> Result<(Outcome, Option<Extra>), Status> {
    check_action_token(body)?;
    let parts = TokenParts { license_url: SecretString::default(), base: Part::Range(0..0), token: Part::Range(0..0) };
    Ok((Outcome::Token(parts), Some(Extra::Bb { action_token: Zeroizing::new(body.to_vec()) })))
}

/// Checks that `body` is a well-formed XML document whose root element is `ActionToken` (any namespace).
pub fn check_action_token(body: &[u8]) -> Result<(), Status> {
    let text = core::str::from_utf8(body).map_err(|_| Status::XPDRM_ERR_RESPONSE_NOT_UTF8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: MAX_XML_NODES, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|_| Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED)?;
    if doc.root_element().tag_name().name() != "ActionToken" {
        return Err(Status::XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN);
    }
    Ok(())
}

// ---- Accessors ----

impl TokenResponse {
    /// The MS3 content URL: the compound URL's fragment, percent-decoded (`https://...mpd`,
    /// `hls://...m3u8`). `XPDRM_ERR_RESPONSE_IS_ERROR` for an error answer; `XPDRM_ERR_RESPONSE_NO_CONTENT_URL`
    /// for an answer of another DRM or a compound URL without a fragment.
    pub fn content_url(&self) -> Result<&str, Status> {
        if !self.is_token() {
            return Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR);
        }
        match &self.marlin {
            Some(Extra::Ms3 { content_url: Some(url) }) => Ok(url),
            _ => Err(Status::XPDRM_ERR_RESPONSE_NO_CONTENT_URL),
        }
    }

    /// The Marlin BB action token: the answer's body, byte for byte, to hand to the Marlin agent.
    /// `XPDRM_ERR_RESPONSE_IS_ERROR` for an error answer; `XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN` for an answer
    /// of another DRM.
    pub fn action_token(&self) -> Result<&[u8], Status> {
        if !self.is_token() {
            return Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR);
        }
        match &self.marlin {
            Some(Extra::Bb { action_token }) => Ok(action_token),
            _ => Err(Status::XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN),
        }
    }

    /// `Err(XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN)` for a BB token answer, which has no license URL or token text.
    pub(super) fn not_action_token(&self) -> Result<(), Status> {
        match self.marlin {
            Some(Extra::Bb { .. }) if self.is_token() => Err(Status::XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marlin_tokens_are_never_logged() {
        let token = "c2VjcmV0LW1zMy10b2tlbi12YWx1ZQ";
        let secret_xml = "UserRegistrationSecretPayload";
        let logged = crate::log::capture::logged(|| {
            let url = format!("https://h.example/hms/ms3/rights/?b={token}#https%3A%2F%2Fcdn%2Fx.mpd");
            let r = TokenResponse::parse(Drm::MarlinMs3, 200, Some("text/uri-list"), url.as_bytes()).unwrap();
            let _ = format!("{r:?}");
            let xml = format!("<ActionToken><X>{secret_xml}</X></ActionToken>");
            let r = TokenResponse::parse(Drm::MarlinBb, 200, Some(ACTION_TOKEN_CONTENT_TYPE), xml.as_bytes()).unwrap();
            let _ = format!("{r:?}");
            let bad = format!("<ActionToken>{secret_xml}");
            assert!(TokenResponse::parse(Drm::MarlinBb, 200, None, bad.as_bytes()).is_err());
        });
        assert!(logged.len() >= 3, "{logged:?}");
        for (_, m) in &logged {
            assert!(!m.contains(token) && !m.contains(secret_xml), "a token in log message {m:?}");
        }
    }

    #[test]
    fn fragments() {
        assert_eq!(decode_fragment("https%3A%2F%2Fh%2Fa%20b.mpd").unwrap(), "https://h/a b.mpd");
        assert_eq!(decode_fragment("hls://h/x+y.m3u8").unwrap(), "hls://h/x+y.m3u8");
        assert_eq!(decode_fragment("caf%C3%A9").unwrap(), "caf\u{e9}");
        for bad in ["%", "%4", "%zz", "%C3", "%FF", "a%0Ab", "%00"] {
            assert_eq!(decode_fragment(bad), Err(Status::XPDRM_ERR_RESPONSE_MS3_CONTENT_URL), "{bad}");
        }
    }

    #[test]
    fn action_tokens() {
        let ok = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ActionToken xmlns="urn:marlin:broadband:1-2:nemo:services:action-token"><ConfigurationInfo/></ActionToken>"#;
        assert_eq!(check_action_token(ok), Ok(()));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(ok);
        assert_eq!(check_action_token(&bom), Ok(()));
        for (bad, status) in [
            (&b"<ActionToken><a></ActionToken>"[..], Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
            (b"<ActionToken/><ActionToken/>", Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
            (b"", Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
            (b"<ActionToken a='1' a='2'/>", Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
            (b"<ActionToken>&bogus;</ActionToken>", Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
            (
                b"<!DOCTYPE a [<!ENTITY x 'y'>]><ActionToken>&x;</ActionToken>",
                Status::XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED,
            ),
            (b"<License/>", Status::XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN),
            (b"<ActionToken>\xFF</ActionToken>", Status::XPDRM_ERR_RESPONSE_NOT_UTF8),
        ] {
            assert_eq!(check_action_token(bad), Err(status), "{}", String::from_utf8_lossy(bad));
        }
    }
}
