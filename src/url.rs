//! The one URL rule. Every URL xpdrm is given is checked here, by one function with two strictnesses:
//!
//! * [`Use::Service`]: a URL the caller configures for xpdrm to send to (a token server's base URL, the SEES
//!   URL, the record retrieval URL). It may not carry user information (credentials do not belong in a URL
//!   that is logged) and must have a host (not just a port); with `query: false`, no query or fragment
//!   either (xpdrm appends its own). These are refused when the URL is set, not when it is first sent.
//! * [`Use::Received`]: a URL a server handed out (SEES's `epTokenURL`). Local validation never refuses what
//!   the real service sends, so only what makes it unusable is refused.
//!
//! Both: an absolute `http://` or `https://` URL (either case) of printable ASCII, at most `max` bytes.

/// What a URL is for, and so how strictly it is checked.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Use {
    /// A URL the caller configures; `query` says whether it may hold a query (and fragment).
    Service { query: bool },
    /// A URL a server handed out.
    Received,
}

/// Why `url` breaks the rule for `usage`, as the end of a sentence starting with the URL's name (for
/// example "has no host"); `None` if it is acceptable. Never quotes the URL.
pub(crate) fn problem(url: &str, max: usize, usage: Use) -> Option<String> {
    if url.len() > max {
        return Some(format!("is {} bytes long; at most {max} are allowed", url.len()));
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Some("has a space, a control character or a non-ASCII character".into());
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Some("does not start with http:// or https://".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match usage {
        Use::Received => {
            if authority.is_empty() {
                return Some("has no host".into());
            }
        }
        Use::Service { query } => {
            if !query && (url.contains('?') || url.contains('#')) {
                return Some("has a query or a fragment".into());
            }
            if authority.contains('@') {
                return Some("has user information (credentials do not belong in a URL that is logged)".into());
            }
            if authority.is_empty() || authority.starts_with(':') {
                return Some("has no host".into());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: Use = Use::Service { query: true };
    const BASE: Use = Use::Service { query: false };

    #[test]
    fn both_uses_share_the_common_rules() {
        for usage in [SERVICE, BASE, Use::Received] {
            assert_eq!(problem("HTTP://127.0.0.1:8080/", 100, usage), None);
            assert_eq!(problem("https://h.example/a/b", 100, usage), None);
            for bad in ["ftp://x", "https://", "https:///path", "https://a b", "https://a\nb", "https://é", ""] {
                assert!(problem(bad, 100, usage).is_some(), "{bad:?} {usage:?}");
            }
            assert!(problem("https://aaaa", 10, usage).is_some());
        }
    }

    #[test]
    fn a_service_url_has_a_host_and_no_user_information() {
        for bad in ["https://user:pw@h.example/sees", "http://u@h/", "http://:8080/sees", "https://?x"] {
            assert!(problem(bad, 100, SERVICE).is_some(), "{bad:?}");
            assert!(problem(bad, 100, BASE).is_some(), "{bad:?}");
        }
        assert_eq!(problem("https://h.example/getrecord?a=1", 100, SERVICE), None);
        assert_eq!(problem("https://h.example/t?a=1", 100, BASE).as_deref(), Some("has a query or a fragment"));
        assert_eq!(problem("https://h.example/t#f", 100, BASE).as_deref(), Some("has a query or a fragment"));
        // What a server hands out is not second-guessed beyond usability.
        assert_eq!(problem("https://pr.test.expressplay.com/x?ExpressPlayToken=abc", 100, Use::Received), None);
    }
}
