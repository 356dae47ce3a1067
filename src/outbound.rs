//! What a sans-IO flow asks its caller to do: make one HTTP request ([`OutboundRequest`]) and hand back the
//! answer ([`Response`]).
//!
//! A player executes the request with its own HTTP stack; xpdrm's optional HTTP client executes it directly.
//! The request may carry secrets (a customer authenticator in a query string, a token in a URL), so its
//! parts are held in memory that is wiped on drop, and [`OutboundRequest::redacted_url`] gives a form that is
//! safe to log: the URL without its query, fragment and user information.
//!
//! [`OutboundRequest`]: crate::outbound::OutboundRequest
//! [`OutboundRequest::redacted_url`]: crate::outbound::OutboundRequest::redacted_url
//! [`Response`]: crate::outbound::Response

use core::ffi::CStr;

use zeroize::Zeroizing;

use crate::secret_string::SecretString;

/// The HTTP method.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method's name, as a static C string.
    pub fn c_name(self) -> &'static CStr {
        match self {
            Method::Get => c"GET",
            Method::Post => c"POST",
        }
    }

    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// An HTTP request to make: method, absolute URL, headers, body.
#[derive(Clone)]
pub struct OutboundRequest {
    method: Method,
    url: SecretString,
    headers: Vec<(String, SecretString)>,
    body: Zeroizing<Vec<u8>>,
}

impl OutboundRequest {
    /// A `GET` without a body.
    pub fn get(url: SecretString) -> OutboundRequest {
        OutboundRequest { method: Method::Get, url, headers: Vec::new(), body: Zeroizing::new(Vec::new()) }
    }

    /// A `POST` of `body` with this `Content-Type`.
    pub fn post(url: SecretString, content_type: &str, body: Zeroizing<Vec<u8>>) -> OutboundRequest {
        OutboundRequest { method: Method::Post, url, headers: Vec::new(), body }
            .with_header("Content-Type", content_type)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> OutboundRequest {
        self.headers.push((name.to_owned(), SecretString::from(value)));
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The full URL. It may hold a secret (an authenticator or a token): never log it.
    pub fn url(&self) -> &str {
        self.url.expose()
    }

    /// The URL without query, fragment or user information: safe to log.
    pub fn redacted_url(&self) -> String {
        redact_url(self.url.expose())
    }

    /// The headers, in order: (name, value). Values may hold secrets.
    pub fn headers(&self) -> &[(String, SecretString)] {
        &self.headers
    }

    /// The body (empty for `GET`). It may hold secrets.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl core::fmt::Debug for OutboundRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        write!(
            f,
            "{} {} (headers {:?}, {} body bytes)",
            self.method.name(),
            self.redacted_url(),
            names,
            self.body.len()
        )
    }
}

/// What the server answered: the HTTP status, the `Content-Type` if there was one, and the body.
#[derive(Copy, Clone, Debug)]
pub struct Response<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

impl Response<'_> {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The media type of a `Content-Type` value, without its parameters: `application/json` of
/// `application/json; charset=utf-8`. Media types compare case-insensitively.
pub(crate) fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim_ascii()
}

/// True for a JSON media type (`application/json`, any `*+json`), in any case, parameters ignored.
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = media_type(content_type).as_bytes();
    essence.eq_ignore_ascii_case(b"application/json")
        || (essence.len() >= 5 && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

/// `url` without its query, fragment and user information: `https://host/path?<redacted>`.
pub fn redact_url(url: &str) -> String {
    let cut = url.find(['?', '#']);
    let (base, had_more) = match cut {
        Some(i) => (&url[..i], true),
        None => (url, false),
    };
    let mut out = match base.find("://") {
        Some(s) => {
            let authority_end = base[s + 3..].find('/').map_or(base.len(), |e| s + 3 + e);
            match base[s + 3..authority_end].rfind('@') {
                Some(at) => format!("{}<redacted>@{}", &base[..s + 3], &base[s + 3 + at + 1..]),
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    };
    if had_more {
        out.push_str("?<redacted>");
    }
    out
}

/// Appends `pairs` as an `application/x-www-form-urlencoded` query to `base` (after `?`, or `&` when `base`
/// already has a query). The result is sized in advance, so no copy of a secret value is left behind.
pub(crate) fn url_with_query(base: &str, pairs: &[(&str, &str)]) -> SecretString {
    let mut text = String::with_capacity(form_capacity(pairs) + base.len() + 1);
    text.push_str(base);
    text.push(if base.contains('?') { '&' } else { '?' });
    let start = text.len();
    let mut form = form_urlencoded::Serializer::for_suffix(text, start);
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    SecretString::new(form.finish())
}

/// An upper bound of the encoded size: every byte may become `%XX`, plus `=` and `&` per pair.
fn form_capacity(pairs: &[(&str, &str)]) -> usize {
    pairs.iter().map(|(n, v)| 3 * (n.len() + v.len()) + 2).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        for yes in
            ["application/json", "Application/JSON; charset=utf-8", "application/problem+json", " application/json "]
        {
            assert!(is_json_media_type(yes), "{yes}");
        }
        for no in ["text/html", "text/json-ish", "", "application/jsonp", "+jso", "application/json€"] {
            assert!(!is_json_media_type(no), "{no}");
        }
        assert_eq!(media_type("text/uri-list ; charset=utf-8"), "text/uri-list");
    }

    #[test]
    fn redaction_drops_query_fragment_and_user_information() {
        assert_eq!(redact_url("https://h/p?customerAuthenticator=1,ab&cookie=c"), "https://h/p?<redacted>");
        assert_eq!(redact_url("https://h/p#frag"), "https://h/p?<redacted>");
        assert_eq!(redact_url("https://h/p"), "https://h/p");
        assert_eq!(redact_url("https://user:pw@h:8/p?x"), "https://<redacted>@h:8/p?<redacted>");
        assert_eq!(redact_url("https://h/p@q"), "https://h/p@q");
    }

    #[test]
    fn queries_are_encoded() {
        let pairs = [("cookie", "a b+c&d"), ("expirationTime", "+3600"), ("é", "ü")];
        assert_eq!(
            url_with_query("https://h/p", &pairs).expose(),
            "https://h/p?cookie=a+b%2Bc%26d&expirationTime=%2B3600&%C3%A9=%C3%BC"
        );
        assert_eq!(url_with_query("https://h/p?x=1", &pairs[..1]).expose(), "https://h/p?x=1&cookie=a+b%2Bc%26d");
    }

    #[test]
    fn debug_shows_no_secret() {
        let r = OutboundRequest::post(
            SecretString::from("https://h/p?ExpressPlayToken=SECRET"),
            "application/json",
            Zeroizing::new(b"{\"k\":\"SECRET\"}".to_vec()),
        )
        .with_header("X-Token", "SECRET");
        let shown = format!("{r:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(shown, "POST https://h/p?<redacted> (headers [\"Content-Type\", \"X-Token\"], 14 body bytes)");
        assert_eq!(r.headers()[0].1.expose(), "application/json");
        assert!(Response { status: 204, content_type: None, body: b"" }.is_success());
        assert!(!Response { status: 302, content_type: None, body: b"" }.is_success());
    }
}
