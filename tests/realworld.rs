//! The real-world corpus (tests/realworld/): token requests that real clients send and answers that real
//! ExpressPlay servers gave, each with its public source named in the data file. Every case goes through the
//! C ABI: a request builds through the validated setter and its URL carries each value exactly as set; an
//! answer gives its license URL and token, or its error code and text. A case that xpdrm cannot honour
//! fails here (SPEC.md, "The rule of local validation": a false local refusal leaves a player without a
//! license).

mod common;
mod token_support;

use serde_json::Value;
use token_support::{Req, Resp};
use xpdrm::Status;
use xpdrm::ffi::token::{XPDRM_DRM_FAIRPLAY, XPDRM_DRM_PLAYREADY, XPDRM_DRM_WIDEVINE, xpdrm_drm};
use xpdrm::token::params;

fn corpus(file: &str) -> Vec<Value> {
    let path = common::root().join("tests/realworld").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    doc["cases"].as_array().expect("a cases array").clone()
}

fn drm(case: &Value) -> xpdrm_drm {
    match case["drm"].as_str() {
        Some("fairplay") => XPDRM_DRM_FAIRPLAY,
        Some("widevine") => XPDRM_DRM_WIDEVINE,
        Some("playready") => XPDRM_DRM_PLAYREADY,
        other => panic!("unknown drm {other:?}"),
    }
}

fn text<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field].as_str().unwrap_or_else(|| panic!("{}: no {field}", case["name"]))
}

/// Every case names a source and says what it is; names are unique.
fn check_provenance(cases: &[Value]) {
    let mut names = std::collections::BTreeSet::new();
    for case in cases {
        let name = text(case, "name");
        assert!(names.insert(name.to_owned()), "{name} twice");
        let source = text(case, "source");
        assert!(
            source.contains('/')
                && (source.contains(".md")
                    || source.contains(".py")
                    || source.contains(".php")
                    || source.contains("http")
                    || source.contains('#')),
            "{name}: the source must name a repository and path, an issue, or a URL: {source:?}"
        );
    }
}

#[test]
fn every_real_request_builds_through_the_validated_setters_and_carries_its_values_as_set() {
    let cases = corpus("requests.json");
    assert!(cases.len() >= 12, "{}", cases.len());
    check_provenance(&cases);
    let mut indexed = 0;
    for case in &cases {
        let name = text(case, "name");
        let drm = drm(case);
        let mut r = Req::new(drm);
        assert_eq!(r.set_base_url(text(case, "endpoint")), Status::XPDRM_OK, "{name}");
        let pairs: Vec<(String, String)> = case["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
            .collect();
        for (n, v) in &pairs {
            // Indexed names go through the indexed setter, as a C program would set them.
            let st = match params::split_index(n) {
                Some((base, i)) => {
                    indexed += 1;
                    r.set_indexed(base, i, v)
                }
                None => r.set(n, v),
            };
            assert_eq!(st, Status::XPDRM_OK, "{name}: {n}={v:?} refused: {}", r.last_error());
        }
        let url = r.url().unwrap_or_else(|st| panic!("{name}: the URL is refused ({st:?}): {}", r.last_error()));
        let (base, query) = url.split_once('?').expect("a query");
        assert_eq!(base, text(case, "endpoint"), "{name}");
        let sent: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
        assert_eq!(sent, pairs, "{name}: the URL does not carry the values as set");
        // The POST body is the same query.
        assert_eq!(r.form().unwrap(), query, "{name}");
    }
    assert!(indexed >= 20, "the corpus has several-key requests: {indexed} indexed values");
}

#[test]
fn every_real_answer_gives_its_license_url_and_token_or_its_code_and_text() {
    let cases = corpus("answers.json");
    assert!(cases.len() >= 8, "{}", cases.len());
    check_provenance(&cases);
    for case in &cases {
        let name = text(case, "name");
        let status = case["http_status"].as_u64().unwrap() as u16;
        let body = text(case, "body").as_bytes();
        let own = case["content_type"].as_str();
        // Its own content type, then the others a server might label it with, then none.
        for ct in [own, Some("text/uri-list"), Some("application/json"), Some("text/plain; charset=utf-8"), None] {
            let r = Resp::parse(drm(case), status, ct, body)
                .unwrap_or_else(|st| panic!("{name} as {ct:?}: refused with {st:?}"));
            let expect = &case["expect"];
            if let Some(url) = expect["license_url"].as_str() {
                assert_eq!(r.error_code(), 0, "{name} as {ct:?}: {}", r.error_text());
                assert_eq!(r.license_url().unwrap(), url, "{name} as {ct:?}");
                assert_eq!(r.token().unwrap(), text(expect, "token"), "{name} as {ct:?}");
                assert!(url.starts_with("http://") || url.starts_with("https://"));
            } else {
                assert_eq!(r.error_code(), expect["code"].as_i64().unwrap() as i32, "{name} as {ct:?}");
                assert_eq!(r.error_text(), text(expect, "text"), "{name} as {ct:?}");
                assert_eq!(r.license_url(), Err(Status::XPDRM_ERR_RESPONSE_IS_ERROR));
            }
        }
    }
}

#[test]
fn real_tokens_have_the_form_spec_md_describes() {
    // SPEC.md §3: base64url without padding, 150 to 499 characters, no fixed length.
    for case in corpus("answers.json") {
        if let Some(token) = case["expect"]["token"].as_str() {
            assert!((150..500).contains(&token.len()), "{}: {}", case["name"], token.len());
            assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{}", case["name"]);
        }
    }
}

#[test]
fn caret_name_key_ids_derive_the_kid_the_key_storage_derives() {
    let cases = corpus("kid_names.json");
    assert!(cases.len() >= 5);
    for case in &cases {
        let name = std::ffi::CString::new(text(case, "name")).unwrap();
        let mut kid = [0xA5u8; 17];
        let st = unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(name.as_ptr(), kid.as_mut_ptr()) };
        assert_eq!(st, Status::XPDRM_OK, "{}", case["name"]);
        let hex: String = kid[..16].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, text(case, "kid"), "{} ({})", case["name"], text(case, "source"));
        assert_eq!(kid[16], 0xA5, "wrote past 16 bytes");
        // The same name is a valid kid parameter value.
        let mut r = Req::new(XPDRM_DRM_WIDEVINE);
        assert_eq!(r.set("kid", text(case, "name")), Status::XPDRM_OK);
    }
    // Refusals write nothing, with the kid parameter's own codes.
    for (bad, status) in [
        (c"^", Status::XPDRM_ERR_INVALID_KID),
        (c"kid1", Status::XPDRM_ERR_INVALID_ARGUMENT),
        (c"80ea8bc8a58f990ad1f76bc665b30bfa", Status::XPDRM_ERR_INVALID_ARGUMENT),
    ] {
        let mut kid = [0xA5u8; 16];
        assert_eq!(unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(bad.as_ptr(), kid.as_mut_ptr()) }, status);
        assert_eq!(kid, [0xA5; 16]);
    }
    let long = std::ffi::CString::new(format!("^{}", "x".repeat(65))).unwrap();
    let mut kid = [0xA5u8; 16];
    assert_eq!(
        unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(long.as_ptr(), kid.as_mut_ptr()) },
        Status::XPDRM_ERR_KID_TOO_LONG
    );
    assert_eq!(kid, [0xA5; 16]);
    assert_eq!(
        unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(std::ptr::null(), kid.as_mut_ptr()) },
        Status::XPDRM_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(c"^kid1".as_ptr(), std::ptr::null_mut()) },
        Status::XPDRM_ERR_NULL_ARGUMENT
    );
    let invalid_utf8 = [b'^', 0xFF, 0];
    assert_eq!(
        unsafe { xpdrm::ffi::token::xpdrm_kid_from_name(invalid_utf8.as_ptr().cast(), kid.as_mut_ptr()) },
        Status::XPDRM_ERR_INVALID_UTF8
    );
}
