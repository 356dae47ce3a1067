//! A token server's answer: a license URL and token, or the server's error code and text (SPEC.md §3).
//!
//! Success comes as `text/uri-list` (FairPlay, Widevine: the license URL with `?ExpressPlayToken=<token>`)
//! or as JSON (PlayReady: `licenseAcquisitionUrl` and `token`). Errors come as JSON (`code` and `message` or
//! `text`), as HTML (perhaps with a `[-NNNN]` code in it), or empty; without a code, the HTTP status decides
//! (400, 401, 404, 50x each have a local code in the 200 group).
//!
//! Nothing in a body is trusted: a body larger than [`MAX_BODY_LEN`] is refused unread, a 2xx answer gives a
//! token only if it holds an absolute `http(s)` license URL and a well-formed token, and an error answer
//! never gives a token, whatever it holds.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::Drm;
use crate::Status;
use crate::json::{self, Limits};
use crate::outbound::{is_json_media_type, media_type};
use crate::secret_string::SecretString;

/// Largest body accepted, in bytes (64 KiB): a token answer is a few hundred bytes, an error page a few
/// kilobytes. Larger bodies give `XPDRM_ERR_INPUT_TOO_LARGE`.
pub const MAX_BODY_LEN: usize = 65536;

/// Longest error text kept, in bytes; longer texts are cut at a character boundary.
pub const MAX_ERROR_TEXT_LEN: usize = 1024;

/// The name of the query parameter and of the HTTP request header that carry the token.
pub const TOKEN_HEADER: &str = "ExpressPlayToken";

/// JSON answers are read the way `serde_json` reads a value: nesting up to its own limit, and the last of
/// two equal keys wins. (The reader is the one SEES messages use, so there is one JSON code path; its
/// strings are wiped when the document is dropped.)
const JSON: Limits = Limits { max_len: MAX_BODY_LEN, max_depth: usize::MAX, duplicate_keys: true };

/// A parsed token-server answer.
pub struct TokenResponse {
    drm: Drm,
    http_status: u16,
    outcome: Outcome,
    /// What a Marlin token answer adds (the MS3 content URL, the BB action token): `src/token/marlin.rs`.
    marlin: Option<marlin::Extra>,
}

enum Outcome {
    Token(TokenParts),
    Error { code: i32, text: String },
}

/// A token answer. The base URL and the token are usually substrings of the license URL, and are then kept
/// as ranges of it: one copy of the answer, one wipe.
struct TokenParts {
    /// The license URL with the token, exactly as the server gave it (PlayReady: the token appended).
    license_url: SecretString,
    /// The license URL without the `ExpressPlayToken` query parameter.
    base: Part,
    /// The token, percent-decoded.
    token: Part,
}

/// A range of the license URL, or text of its own where no substring will do (a percent-decoded token, a
/// base URL with the token taken out of the middle).
enum Part {
    Range(core::ops::Range<usize>),
    Owned(SecretString),
}

impl TokenParts {
    fn part<'a>(&'a self, part: &'a Part) -> &'a str {
        match part {
            Part::Range(r) => &self.license_url[r.clone()],
            Part::Owned(s) => s,
        }
    }

    fn base(&self) -> &str {
        self.part(&self.base)
    }

    fn token(&self) -> &str {
        self.part(&self.token)
    }
}

impl core::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("TokenResponse");
        d.field("drm", &self.drm).field("http_status", &self.http_status);
        match &self.outcome {
            Outcome::Token(t) => d.field("license_base_url", &t.base()).field("token", &"<redacted>"),
            Outcome::Error { code, text } => d.field("error_code", code).field("error_text", text),
        };
        d.finish()
    }
}

/// What the body is, by content type (or, without one, by its first character).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    UriList,
    Json,
    Html,
    Other,
}

impl Kind {
    fn of(content_type: Option<&str>, body: &[u8]) -> Kind {
        let essence = content_type.map_or("", media_type);
        let is = |t: &str| essence.eq_ignore_ascii_case(t);
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'{') {
            // A JSON object is recognised by its body, whatever the content type says: the PlayReady page's
            // own table says `text/uri-list` for its JSON answer (SPEC.md §3, real world). No URI starts with
            // `{`, so nothing else is read this way.
            Kind::Json
        } else if essence.is_empty() || is("text/plain") {
            match first {
                Some(b'<') => Kind::Html,
                _ => Kind::UriList,
            }
        } else if is("text/uri-list") {
            Kind::UriList
        } else if is_json_media_type(essence) {
            // The other way round too: a bare http(s) URL labelled JSON is a uri-list.
            let start = body.len() - body.trim_ascii_start().len();
            let head = &body[start..body.len().min(start + 8)];
            if head.len() >= 7 && (head[..7].eq_ignore_ascii_case(b"http://") || head.eq_ignore_ascii_case(b"https://"))
            {
                Kind::UriList
            } else {
                Kind::Json
            }
        } else if is("text/html") || is("application/xhtml+xml") {
            Kind::Html
        } else {
            Kind::Other
        }
    }
}

impl TokenResponse {
    /// Parses what a token server answered.
    ///
    /// * `drm`: the DRM whose server answered (recorded; either success form is accepted from any of them).
    /// * `http_status`: the HTTP status, 100 to 599 (else `XPDRM_ERR_INVALID_ARGUMENT`).
    /// * `content_type`: the `Content-Type` header, parameters allowed (`text/uri-list; charset=utf-8`);
    ///   `None`, empty or `text/plain` mean "look at the body".
    /// * `body`: at most [`MAX_BODY_LEN`] bytes.
    ///
    /// A server error is a successful parse with an error code ([`error_code`](Self::error_code)). A 2xx
    /// answer that holds no usable license URL or token is an `Err`: `XPDRM_ERR_RESPONSE_NOT_UTF8`,
    /// `XPDRM_ERR_RESPONSE_MALFORMED_JSON`, `XPDRM_ERR_RESPONSE_NO_LICENSE_URL`,
    /// `XPDRM_ERR_RESPONSE_NO_TOKEN` or `XPDRM_ERR_RESPONSE_CONTENT_TYPE`.
    pub fn parse(drm: Drm, http_status: u16, content_type: Option<&str>, body: &[u8]) -> Result<TokenResponse, Status> {
        if !(100..=599).contains(&http_status) {
            return Err(Status::XPDRM_ERR_INVALID_ARGUMENT);
        }
        if body.len() > MAX_BODY_LEN {
            crate::xlog!(Debug, "token response ({}): body of {} bytes refused", drm.name(), body.len());
            return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
        }
        let kind = Kind::of(content_type, body);
        let mut marlin = None;
        let outcome = if (200..300).contains(&http_status) && drm.is_marlin() {
            marlin::success(drm, content_type, body).map(|(outcome, extra)| {
                marlin = extra;
                outcome
            })
        } else if (200..300).contains(&http_status) {
            success(kind, body)
        } else {
            Ok(server_error(kind, http_status, body))
        };
        match &outcome {
            Ok(Outcome::Token(t)) => {
                crate::xlog!(Debug, "token response ({}): HTTP {http_status}, token for {}", drm.name(), t.base())
            }
            Ok(Outcome::Error { code, .. }) => {
                crate::xlog!(Debug, "token response ({}): HTTP {http_status}, server error {code}", drm.name())
            }
            Err(status) => crate::xlog!(
                Debug,
                "token response ({}): HTTP {http_status} ({kind:?}) refused: {}",
                drm.name(),
                status.text()
            ),
        }
        outcome.map(|outcome| TokenResponse { drm, http_status, outcome, marlin })
    }

    /// The DRM given to [`parse`](Self::parse).
    pub fn drm(&self) -> Drm {
        self.drm
    }

    /// The HTTP status given to [`parse`](Self::parse).
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    /// True when the answer holds a token.
    pub fn is_token(&self) -> bool {
        matches!(self.outcome, Outcome::Token(_))
    }

    /// 0 when a token came back. Otherwise the server's code (negative, as ExpressPlay numbers them), or,
    /// when the answer held none, one of the local HTTP-status codes: `XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS`,
    /// `XPDRM_ERR_SERVER_401_AUTHENTICATION_FAILED`, `XPDRM_ERR_SERVER_404_INVALID_URL`,
    /// `XPDRM_ERR_SERVER_5XX_ERROR`, `XPDRM_ERR_SERVER_UNEXPECTED_STATUS`.
    pub fn error_code(&self) -> i32 {
        match self.outcome {
            Outcome::Token(_) => 0,
            Outcome::Error { code, .. } => code,
        }
    }

    /// The server's error text (its `message` or `text`, or the text around the code in an HTML page, or
    /// the page's first text), else the code's own text; empty when a token came back.
    pub fn error_text(&self) -> &str {
        match &self.outcome {
            Outcome::Token(_) => "",
            Outcome::Error { text, .. } => text,
        }
    }

    /// The license URL with the token: the first URI of a `text/uri-list` exactly as given (`https` on port
    /// 80 stays so); for a PlayReady JSON answer, `licenseAcquisitionUrl` with `ExpressPlayToken=<token>`
    /// appended (unless it already carries it). `XPDRM_ERR_RESPONSE_IS_ERROR` for an error answer.
    pub fn license_url(&self) -> Result<&str, Status> {
        self.not_action_token()?;
        match &self.outcome {
            Outcome::Token(t) => Ok(&t.license_url),
            Outcome::Error { .. } => Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR),
        }
    }

    /// The license URL without its `ExpressPlayToken` query parameter (other parameters kept as given): for
    /// redemption with the token in an `ExpressPlayToken` request header instead.
    pub fn license_base_url(&self) -> Result<&str, Status> {
        self.not_action_token()?;
        match &self.outcome {
            Outcome::Token(t) => Ok(t.base()),
            Outcome::Error { .. } => Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR),
        }
    }

    /// The token (URL-safe base64, percent-decoded): a bearer credential, never logged.
    pub fn token(&self) -> Result<&str, Status> {
        self.not_action_token()?;
        match &self.outcome {
            Outcome::Token(t) => Ok(t.token()),
            Outcome::Error { .. } => Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR),
        }
    }
}

// ---- Marlin (SPEC.md section 7): the MS3 compound URL and the BB action token, in their own file ----

#[path = "marlin.rs"]
mod marlin;
pub use marlin::{ACTION_TOKEN_CONTENT_TYPE, check_action_token};

// ---- Success ----

fn success(kind: Kind, body: &[u8]) -> Result<Outcome, Status> {
    match kind {
        Kind::UriList => {
            let text = core::str::from_utf8(body).map_err(|_| Status::XPDRM_ERR_RESPONSE_NOT_UTF8)?;
            // RFC 2483: CRLF lines, `#` comments; the first URI wins. Bare LF is tolerated.
            let first = lines(text)
                .map(str::trim_ascii)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .ok_or(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL)?;
            token_from_url(first)
        }
        Kind::Json => {
            core::str::from_utf8(body).map_err(|_| Status::XPDRM_ERR_RESPONSE_NOT_UTF8)?;
            let value = json::parse(body, JSON).map_err(|_| Status::XPDRM_ERR_RESPONSE_MALFORMED_JSON)?;
            let obj = value.as_object().ok_or(Status::XPDRM_ERR_RESPONSE_MALFORMED_JSON)?;
            if let Some(code) = json_code(obj) {
                // An error in a 2xx answer is still an error: never a token.
                let text = json_text(obj).map_or_else(
                    || crate::status::text_for_code(code).to_string(),
                    |t| strip_code_prefix(&t).to_string(),
                );
                return Ok(Outcome::Error { code, text: cut(text) });
            }
            let url = obj
                .get("licenseAcquisitionUrl")
                .and_then(Value::as_str)
                .ok_or(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL)?;
            match obj.get("token") {
                None => token_from_url(url),
                Some(Value::String(token)) => token_with_url(url, token),
                Some(_) => Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN),
            }
        }
        Kind::Html => {
            let text = String::from_utf8_lossy(body);
            match coded_segment(&html_segments(&text)) {
                Some((code, segment)) => Ok(Outcome::Error { code, text: cut(segment) }),
                None => Err(Status::XPDRM_ERR_RESPONSE_CONTENT_TYPE),
            }
        }
        Kind::Other => Err(Status::XPDRM_ERR_RESPONSE_CONTENT_TYPE),
    }
}

/// The lines of `text`, split at LF (a CR before it stays, for `trim_ascii`).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let t = rest?;
        match memchr::memchr(b'\n', t.as_bytes()) {
            Some(i) => {
                rest = Some(&t[i + 1..]);
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// An absolute `http` or `https` URL of printable ASCII with a host.
fn is_http_url(url: &str) -> bool {
    let b = url.as_bytes();
    let rest = if b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://") {
        &b[8..]
    } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://") {
        &b[7..]
    } else {
        return false;
    };
    let host_end = memchr::memchr3(b'/', b'?', b'#', rest).unwrap_or(rest.len());
    // A fold rather than `all`: no early exit, so the compiler can check many bytes at once.
    host_end > 0 && rest[0] != b':' && b.iter().fold(true, |ok, c| ok & c.is_ascii_graphic())
}

/// A token: URL-safe base64 (`A-Z a-z 0-9 - _`), optionally `=`-padded to a multiple of 4.
///
/// An alphabet and length check, not a decode: the bytes are opaque to the player, and this runs on every
/// answer (a constant-time decoder would be several times slower for nothing).
fn is_token(token: &str) -> bool {
    let data = token.trim_end_matches('=');
    let pad = token.len() - data.len();
    !data.is_empty()
        && data.bytes().fold(true, |ok, c| ok & (c.is_ascii_alphanumeric() | (c == b'-') | (c == b'_')))
        && data.len() % 4 != 1
        && (pad == 0 || (pad <= 2 && token.len().is_multiple_of(4)))
}

/// Where the token is in a URL, and the URL without it.
struct Split {
    base: Part,
    token: Part,
}

/// If `segment` of a query (at `offset` in the URL) is `ExpressPlayToken=<value>`, the token, as a range of
/// the URL when nothing in the segment is encoded; an error if the value is not a token.
fn token_in(segment: &str, offset: usize) -> Result<Option<Part>, Status> {
    let (name, value) = match memchr::memchr(b'=', segment.as_bytes()) {
        Some(i) => (&segment[..i], &segment[i + 1..]),
        None => (segment, ""),
    };
    // The common case: a token as it stands (its alphabet has no `%` or `+`, so it needs no decoding).
    if name == TOKEN_HEADER && is_token(value) {
        return Ok(Some(Part::Range(offset + name.len() + 1..offset + segment.len())));
    }
    if memchr::memchr2(b'%', b'+', segment.as_bytes()).is_none() {
        // Nothing encoded: the text as it stands is the decoded text.
        return if name == TOKEN_HEADER { Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN) } else { Ok(None) };
    }
    match form_urlencoded::parse(segment.as_bytes()).next() {
        Some((name, value)) if name == TOKEN_HEADER => {
            if !is_token(&value) {
                return Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN);
            }
            Ok(Some(Part::Owned(SecretString::new(value.into_owned()))))
        }
        _ => Ok(None),
    }
}

/// The query segments of `url` (between `?` and `#`), with their positions: `(start, end)`.
fn segments(url: &str, query_start: usize, query_end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = &url.as_bytes()[..query_end];
    let mut start = query_start;
    core::iter::from_fn(move || {
        if start > query_end {
            return None;
        }
        let end = memchr::memchr(b'&', &b[start..]).map_or(query_end, |i| start + i);
        let segment = (start, end);
        start = end + 1;
        Some(segment)
    })
}

/// Finds the token in a URL's query, and the URL without it. `Ok(None)` when the URL has no
/// `ExpressPlayToken` parameter; `Err` when it has several, or one that is not a token.
fn split_token(url: &str) -> Result<Option<Split>, Status> {
    let main_end = memchr::memchr(b'#', url.as_bytes()).unwrap_or(url.len());
    let Some(q) = memchr::memchr(b'?', &url.as_bytes()[..main_end]) else {
        return Ok(None);
    };
    let mut found: Option<(usize, usize, Part)> = None;
    for (start, end) in segments(url, q + 1, main_end) {
        if let Some(token) = token_in(&url[start..end], start)? {
            if found.is_some() {
                return Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN);
            }
            found = Some((start, end, token));
        }
    }
    let Some((token_start, token_end, token)) = found else { return Ok(None) };
    if token_start == q + 1 && token_end == url.len() {
        // The only parameter, and no fragment: the base URL is what comes before the `?`.
        return Ok(Some(Split { base: Part::Range(0..q), token }));
    }
    let mut base = String::with_capacity(url.len());
    base.push_str(&url[..q]);
    for (start, end) in segments(url, q + 1, main_end) {
        if start != token_start && start != end {
            base.push(if base.len() == q { '?' } else { '&' });
            base.push_str(&url[start..end]);
        }
    }
    base.push_str(&url[main_end..]);
    Ok(Some(Split { base: Part::Owned(SecretString::new(base)), token }))
}

/// A `text/uri-list` URI, or a JSON URL without a separate token: the token is in its query.
fn token_from_url(url: &str) -> Result<Outcome, Status> {
    if !is_http_url(url) {
        return Err(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL);
    }
    let split = split_token(url)?.ok_or(Status::XPDRM_ERR_RESPONSE_NO_TOKEN)?;
    Ok(Outcome::Token(TokenParts { license_url: SecretString::from(url), base: split.base, token: split.token }))
}

/// PlayReady's JSON: a license URL and, separately, the token.
fn token_with_url(url: &str, token: &str) -> Result<Outcome, Status> {
    if !is_http_url(url) {
        return Err(Status::XPDRM_ERR_RESPONSE_NO_LICENSE_URL);
    }
    if !is_token(token) {
        return Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN);
    }
    if let Some(split) = split_token(url)? {
        let parts = TokenParts { license_url: SecretString::from(url), base: split.base, token: split.token };
        // Already in the URL: it must be the same token, or the answer contradicts itself.
        if parts.token() != token {
            return Err(Status::XPDRM_ERR_RESPONSE_NO_TOKEN);
        }
        return Ok(Outcome::Token(parts));
    }
    let main_end = memchr::memchr(b'#', url.as_bytes()).unwrap_or(url.len());
    let (main, fragment) = url.split_at(main_end);
    // The capacity covers the worst case (every token byte percent-encoded): no reallocation, no stray copy.
    let mut license_url = String::with_capacity(url.len() + TOKEN_HEADER.len() + 3 * token.len() + 2);
    license_url.push_str(main);
    license_url.push(if main.contains('?') { '&' } else { '?' });
    license_url.push_str(TOKEN_HEADER);
    license_url.push('=');
    let token_start = license_url.len();
    form_urlencoded::byte_serialize(token.as_bytes()).for_each(|c| license_url.push_str(c));
    let token_end = license_url.len();
    license_url.push_str(fragment);
    let base = if fragment.is_empty() { Part::Range(0..main.len()) } else { Part::Owned(SecretString::from(url)) };
    let token = if token_end - token_start == token.len() {
        Part::Range(token_start..token_end)
    } else {
        Part::Owned(SecretString::from(token)) // `=` padding was percent-encoded in the URL
    };
    Ok(Outcome::Token(TokenParts { license_url: SecretString::new(license_url), base, token }))
}

// ---- Errors ----

/// A JSON error's `code`: an integer, negative, within 32 bits (positive codes would collide with xpdrm's
/// own statuses; ExpressPlay's are all negative).
fn json_code(obj: &Map<String, Value>) -> Option<i32> {
    obj.get("code").and_then(Value::as_i64).filter(|c| *c < 0).and_then(|c| i32::try_from(c).ok())
}

/// A JSON error's text: `message` (token servers) or `text` (errors relayed from SEES), as given (its
/// `[-NNNN] ` prefix goes when the outcome is made: the code may have to be read from it first).
fn json_text(obj: &Map<String, Value>) -> Option<String> {
    ["message", "text"].iter().find_map(|k| obj.get(*k).and_then(Value::as_str)).map(collapse)
}

/// `text` without a leading `[-NNNN]` code and the space after it; unchanged when it has none, or when
/// nothing would be left.
fn strip_code_prefix(text: &str) -> &str {
    let Some(after) = text.strip_prefix("[-") else { return text };
    let n = after.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&n) || after.as_bytes().get(n) != Some(&b']') {
        return text;
    }
    let rest = after[n + 1..].trim_start();
    if rest.is_empty() { text } else { rest }
}

fn server_error(kind: Kind, http_status: u16, body: &[u8]) -> Outcome {
    let mut code = None;
    let mut text = None;
    if let (Kind::Json, Ok(doc)) = (kind, json::parse(body, JSON))
        && let Value::Object(obj) = &*doc
    {
        code = json_code(obj);
        text = json_text(obj);
    }
    if code.is_none() {
        let lossy = String::from_utf8_lossy(body);
        let segments = match (&text, kind) {
            (Some(t), _) => vec![t.clone()],
            (None, Kind::Html) => html_segments(&lossy),
            (None, _) => lossy.lines().map(collapse).filter(|l| !l.is_empty()).collect(),
        };
        if let Some((c, segment)) = coded_segment(&segments) {
            code = Some(c);
            text = Some(segment);
        } else if text.is_none() {
            text = segments.into_iter().next();
        }
    }
    let code = code.unwrap_or_else(|| fallback(http_status).code());
    let text = match text {
        // The `[-NNNN] ` prefix of a JSON message repeats the code: not part of the text (SPEC.md §3).
        Some(t) if kind == Kind::Json => strip_code_prefix(&t).to_string(),
        Some(t) => t,
        None => crate::status::text_for_code(code).to_string(),
    };
    Outcome::Error { code, text: cut(text) }
}

/// The local code for an error answer that carries no code of its own.
fn fallback(http_status: u16) -> Status {
    match http_status {
        400 => Status::XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS,
        401 => Status::XPDRM_ERR_SERVER_401_AUTHENTICATION_FAILED,
        404 => Status::XPDRM_ERR_SERVER_404_INVALID_URL,
        500..=599 => Status::XPDRM_ERR_SERVER_5XX_ERROR,
        _ => Status::XPDRM_ERR_SERVER_UNEXPECTED_STATUS,
    }
}

/// The first `[-NNNN]` code (1 to 9 digits) in `text`.
fn find_code(text: &str) -> Option<i32> {
    let mut rest = text;
    while let Some(at) = rest.find("[-") {
        let after = &rest[at + 2..];
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&n) && after.as_bytes().get(n) == Some(&b']') {
            let value: i32 = after[..n].parse().ok()?;
            if value != 0 {
                return Some(-value);
            }
        }
        rest = after;
    }
    None
}

fn coded_segment(segments: &[String]) -> Option<(i32, String)> {
    segments.iter().find_map(|s| find_code(s).map(|c| (c, s.clone())))
}

/// Whitespace runs become one space; ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most [`MAX_ERROR_TEXT_LEN`] bytes, cut at a character boundary.
///
/// Also the one place a server's error text is made fit for C: a NUL in it (from `\u0000` in JSON or `&#0;`
/// in HTML) becomes U+FFFD. The text is for people, never compared, and refusing the answer would lose the
/// server's error code, so it is replaced rather than refused.
fn cut(s: String) -> String {
    let mut s = if s.contains('\0') { s.replace('\0', "\u{FFFD}") } else { s };
    if s.len() > MAX_ERROR_TEXT_LEN {
        let mut end = MAX_ERROR_TEXT_LEN;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The visible text runs of an HTML page: between tags, outside comments, scripts and styles, with the
/// common entities decoded and whitespace collapsed; empty runs dropped. A reader of error pages, not a
/// browser: what matters is finding the `[-NNNN]` code and a line of text.
fn html_segments(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase(); // same byte offsets: ASCII case mapping keeps lengths
    let mut out = Vec::new();
    let mut pos = 0;
    let mut push = |raw: &str| {
        let text = collapse(&decode_entities(raw));
        if !text.is_empty() {
            out.push(text);
        }
    };
    while pos < html.len() {
        let Some(lt) = lower[pos..].find('<').map(|i| pos + i) else {
            push(&html[pos..]);
            break;
        };
        push(&html[pos..lt]);
        let tag = &lower[lt..];
        let skip_to = |end: &str| lower[lt..].find(end).map_or(html.len(), |i| lt + i + end.len());
        pos = if tag.starts_with("<!--") {
            skip_to("-->")
        } else if tag.starts_with("<script") {
            skip_to("</script>")
        } else if tag.starts_with("<style") {
            skip_to("</style>")
        } else {
            skip_to(">")
        };
    }
    out
}

fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " ")]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e));
        match entity {
            Some((e, text)) => {
                out.push_str(text);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        for ok in ["AAAA", "AAAAAQ", "AAAAAQ==", "AAAAAAE=", "a-_b", "AB"] {
            assert!(is_token(ok), "{ok}");
        }
        for bad in ["", "=", "A", "AAAAA", "AAAAAQ=", "AA===", "A+B/", "AB CD", "AB%3D", "AAA=A", "AÄAA"] {
            assert!(!is_token(bad), "{bad}");
        }
    }

    #[test]
    fn codes_in_text() {
        assert_eq!(find_code("[-7008] Failed to generate Widevine license"), Some(-7008));
        assert_eq!(find_code("error [x] then [-2027]: key"), Some(-2027));
        assert_eq!(find_code("[-] [-0] [-12345678901] [-12"), None);
        assert_eq!(find_code("[-[-6003]"), Some(-6003));
        assert_eq!(find_code("[-999999999]"), Some(-999_999_999));
    }

    #[test]
    fn a_playready_answer_is_read_by_its_body_whatever_its_content_type() {
        let body = b"{\n    \"licenseAcquisitionUrl\": \"http://pr.service.expressplay.com/playready/RightsManager.asmx\",\n    \"token\": \"AgAAAA2dN3UA\"\n}\n";
        for ct in [
            Some("text/uri-list"),
            Some("application/json"),
            Some("text/plain; charset=utf-8"),
            None,
            Some("text/html"),
        ] {
            let r = TokenResponse::parse(Drm::PlayReady, 200, ct, body).unwrap();
            assert_eq!(r.token().unwrap(), "AgAAAA2dN3UA", "{ct:?}");
            assert_eq!(
                r.license_url().unwrap(),
                "http://pr.service.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AgAAAA2dN3UA"
            );
        }
        let err = b"{\"code\":-7008,\"message\":\"[-7008] Failed to generate Widevine license\"}";
        let r = TokenResponse::parse(Drm::Widevine, 200, Some("text/uri-list"), err).unwrap();
        assert_eq!((r.error_code(), r.error_text()), (-7008, "Failed to generate Widevine license"));
        let r = TokenResponse::parse(Drm::Widevine, 500, Some("application/json"), err).unwrap();
        assert_eq!((r.error_code(), r.error_text()), (-7008, "Failed to generate Widevine license"));
        // Without a code field, the code comes from the prefix, which is still not part of the text.
        let r =
            TokenResponse::parse(Drm::Widevine, 400, None, b"{\"message\":\"[-2018] Invalid authenticator\"}").unwrap();
        assert_eq!((r.error_code(), r.error_text()), (-2018, "Invalid authenticator"));
    }

    #[test]
    fn license_urls_keep_their_scheme_and_port_exactly() {
        for url in [
            "http://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=AAAAAgAAAAE",
            "https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AAAAAgAAAAE",
            "https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=AAAAAgAAAAE",
            "http://wv.test.expressplay.com:8080/hms/wv/rights/?ExpressPlayToken=AAAAAgAAAAE",
            "https://pr2.service.expressplay.com:443/playready/RightsManager.asmx?ExpressPlayToken=AAAAAgAAAAE",
        ] {
            let r = TokenResponse::parse(Drm::Widevine, 200, Some("text/uri-list"), url.as_bytes()).unwrap();
            assert_eq!(r.license_url().unwrap(), url);
            assert_eq!(r.license_base_url().unwrap(), url.split_once('?').unwrap().0);
        }
    }

    #[test]
    fn code_prefixes_are_stripped() {
        assert_eq!(
            strip_code_prefix("[-7008] Failed to generate Widevine license"),
            "Failed to generate Widevine license"
        );
        assert_eq!(strip_code_prefix("[-2018]Invalid authenticator"), "Invalid authenticator");
        for same in ["[-7008]", "[-7008] ", "no code", "[-x] y", "[-1234567890] y", " [-7008] y", "[7008] y"] {
            assert_eq!(strip_code_prefix(same), same);
        }
    }

    #[test]
    fn html_text_runs() {
        let page = "<html><head><title>Error 400</title><style>p{color:red}</style>\
                    <script>var x='[-1111]'</script></head><!-- [-2222] --><body>\n<p>  [-2027] Content &amp; key\n must be \
                     32 hex</p></body></html>";
        assert_eq!(html_segments(page), ["Error 400", "[-2027] Content & key must be 32 hex"]);
        assert_eq!(html_segments("<p unterminated"), Vec::<String>::new());
        assert_eq!(html_segments("plain &bogus; text"), ["plain &bogus; text"]);
    }

    #[test]
    fn tokens_are_never_logged() {
        let token = "c2VjcmV0LXRva2VuLXZhbHVl";
        let logged = crate::log::capture::logged(|| {
            let url = format!("https://h.example/r/?ExpressPlayToken={token}");
            assert!(TokenResponse::parse(Drm::FairPlay, 200, Some("text/uri-list"), url.as_bytes()).is_ok());
            let json = format!(r#"{{"licenseAcquisitionUrl":"https://h.example/pr","token":"{token}"}}"#);
            let r = TokenResponse::parse(Drm::PlayReady, 200, None, json.as_bytes()).unwrap();
            let _ = format!("{r:?}");
            let bad = format!("https://h.example/r/?ExpressPlayToken={token}&ExpressPlayToken={token}");
            assert!(TokenResponse::parse(Drm::FairPlay, 200, None, bad.as_bytes()).is_err());
            let err = format!(r#"{{"code":-2018,"message":"bad {token}"}}"#);
            assert!(TokenResponse::parse(Drm::FairPlay, 401, None, err.as_bytes()).is_ok());
        });
        assert!(logged.len() >= 4, "{logged:?}");
        assert!(logged.iter().any(|(_, m)| m.contains("token for https://h.example/r/")), "{logged:?}");
        for (_, m) in &logged {
            assert!(!m.contains(token), "token in log message {m:?}");
        }
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=A"));
        assert!(is_http_url("HTTP://h"));
        for bad in
            ["", "https://", "https:///x", "https://:80/", "ftp://h/", "https://h/a b", "https://h/\u{e9}", "//h/x"]
        {
            assert!(!is_http_url(bad), "{bad:?}");
        }
    }
}
