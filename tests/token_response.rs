//! Token-server answers through the C ABI: every kind SPEC.md §3 describes, and hostile bodies, which give a
//! clear status or an error code and never a token.

mod token_support;

use std::ptr::{null, null_mut};

use token_support::Resp;
use xpdrm::Status::*;
use xpdrm::ffi::token::*;

const FP: i32 = XPDRM_DRM_FAIRPLAY;
const WV: i32 = XPDRM_DRM_WIDEVINE;
const PR: i32 = XPDRM_DRM_PLAYREADY;
const TOKEN: &str = "AAAAEgAAAAFbw5nX-8t4_UNzZ2tZbz0yAQABAGTzUNq7bxHtP3K0qw";
const URI_LIST: &str = "text/uri-list";

fn token_url(token: &str) -> String {
    format!("https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken={token}")
}

fn expect_token(r: &Resp, url: &str, base: &str, token: &str) {
    assert_eq!(r.error_code(), 0);
    assert_eq!(r.license_url().unwrap(), url);
    assert_eq!(r.base_url().unwrap(), base);
    assert_eq!(r.token().unwrap(), token);
    assert_eq!(r.error_text(), "");
}

fn expect_error(r: &Resp, code: i32, text: &str) {
    assert_eq!(r.error_code(), code, "error text: {}", r.error_text());
    assert_eq!(r.error_text(), text);
    assert_eq!(r.license_url(), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
    assert_eq!(r.base_url(), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
    assert_eq!(r.token(), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
}

#[test]
fn uri_list_the_first_uri_wins_comments_are_skipped_and_the_url_is_kept_as_given() {
    let body = format!(
        "# ExpressPlay license URL\r\n{}\r\nhttps://other.example/hms/fp/rights/?ExpressPlayToken=BBBB\r\n",
        token_url(TOKEN)
    );
    let r = Resp::parse(FP, 200, Some(URI_LIST), body.as_bytes()).unwrap();
    expect_token(&r, &token_url(TOKEN), "https://fp.service.expressplay.com:80/hms/fp/rights/", TOKEN);

    // Widevine, content-type parameters and letter case, bare LF, blank lines and spaces.
    let body = "\n\n  # c\n   https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AAAA  \n";
    let r = Resp::parse(WV, 200, Some("Text/URI-List; charset=UTF-8"), body.as_bytes()).unwrap();
    expect_token(
        &r,
        "https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AAAA",
        "https://wv.service.expressplay.com/hms/wv/rights/",
        "AAAA",
    );

    // No content type: judged by the body.
    for ct in [None, Some(""), Some("text/plain")] {
        let r = Resp::parse(FP, 200, ct, token_url(TOKEN).as_bytes()).unwrap();
        assert_eq!(r.token().unwrap(), TOKEN);
    }
}

#[test]
fn the_token_is_percent_decoded_and_other_query_parameters_stay_in_the_base_url() {
    let url = "https://h.example/r/?a=1&ExpressPlayToken=AAAAAQ%3D%3D&b=x%20y#frag";
    let r = Resp::parse(FP, 200, Some(URI_LIST), url.as_bytes()).unwrap();
    expect_token(&r, url, "https://h.example/r/?a=1&b=x%20y#frag", "AAAAAQ==");
    let header = unsafe { std::ffi::CStr::from_ptr(xpdrm_token_header_name()) }.to_str().unwrap();
    assert_eq!(header, "ExpressPlayToken");
}

#[test]
fn playready_json_gives_the_url_with_the_token_and_without() {
    let la = "https://pr.test.expressplay.com/playready/RightsManager.asmx";
    let body = format!(r#"{{"licenseAcquisitionUrl":"{la}","token":"{TOKEN}","unknown":[1,2,{{}}]}}"#);
    let r = Resp::parse(PR, 200, Some("application/json; charset=utf-8"), body.as_bytes()).unwrap();
    expect_token(&r, &format!("{la}?ExpressPlayToken={TOKEN}"), la, TOKEN);

    // A query already there: the token is appended with &. Padding is percent-encoded.
    let body = format!(r#"{{"licenseAcquisitionUrl":"{la}?x=1","token":"AAAAAQ=="}}"#);
    let r = Resp::parse(PR, 200, None, body.as_bytes()).unwrap();
    expect_token(&r, &format!("{la}?x=1&ExpressPlayToken=AAAAAQ%3D%3D"), &format!("{la}?x=1"), "AAAAAQ==");

    // The token already in the URL: kept as given if it is the same; a contradiction is refused.
    let body = format!(r#"{{"licenseAcquisitionUrl":"{la}?ExpressPlayToken={TOKEN}","token":"{TOKEN}"}}"#);
    let r = Resp::parse(PR, 200, Some("application/json"), body.as_bytes()).unwrap();
    expect_token(&r, &format!("{la}?ExpressPlayToken={TOKEN}"), la, TOKEN);
    let body = format!(r#"{{"licenseAcquisitionUrl":"{la}?ExpressPlayToken=AAAA","token":"{TOKEN}"}}"#);
    assert_eq!(
        Resp::parse(PR, 200, Some("application/json"), body.as_bytes()).err(),
        Some(XPDRM_ERR_RESPONSE_NO_TOKEN)
    );
    // Only a URL with the token in it.
    let body = format!(r#"{{"licenseAcquisitionUrl":"{}"}}"#, token_url(TOKEN));
    let r = Resp::parse(PR, 200, Some("application/json"), body.as_bytes()).unwrap();
    assert_eq!(r.token().unwrap(), TOKEN);
}

#[test]
fn json_errors_give_the_servers_code_and_message_or_text() {
    let r = Resp::parse(
        WV,
        500,
        Some("application/json"),
        br#"{"code":-7008,"message":"[-7008] Failed to generate Widevine license"}"#,
    )
    .unwrap();
    // The [-NNNN] prefix repeats the code: not part of the text (SPEC.md §3).
    expect_error(&r, -7008, "Failed to generate Widevine license");
    // SEES errors relayed as code and text; unknown fields ignored.
    let r = Resp::parse(FP, 403, Some("application/json"), br#"{"text":"not entitled","code":-4001,"extra":{"a":1}}"#)
        .unwrap();
    expect_error(&r, -4001, "not entitled");
    // A code xpdrm does not know is passed on as it is.
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":-9999,"message":"new"}"#).unwrap();
    expect_error(&r, -9999, "new");
    let text = unsafe { std::ffi::CStr::from_ptr(xpdrm::ffi::basics::xpdrm_status_str(-9999)) };
    assert_eq!(text.to_str().unwrap(), "Unknown status code.");
    // No text: the code's own.
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":-2027}"#).unwrap();
    expect_error(&r, -2027, "Content encryption key must be 32 hexadecimal digits long.");
    // An error is an error even with a 200 status: never a token.
    let body = format!(
        r#"{{"code":-2019,"message":"Insufficient tokens","licenseAcquisitionUrl":"{}","token":"AAAA"}}"#,
        token_url("AAAA")
    );
    let r = Resp::parse(PR, 200, Some("application/json"), body.as_bytes()).unwrap();
    expect_error(&r, -2019, "Insufficient tokens");
    // A code that is not an integer: the [-NNNN] in the message, else the HTTP status.
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":"-2027","message":"[-2027] bad key"}"#).unwrap();
    expect_error(&r, -2027, "bad key");
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":5,"message":"odd"}"#).unwrap();
    expect_error(&r, XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS.code(), "odd");
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":-99999999999,"message":"huge"}"#).unwrap();
    expect_error(&r, 210, "huge");
}

#[test]
fn html_errors_with_and_without_a_code() {
    let page =
        b"<!DOCTYPE html><html><head><title>Error 400</title><style>b{}</style></head>\r\n<body><h1>Bad Request</h1>\
                 <p>[-2018] Authentication token invalid: \n  bad &amp; worse</p></body></html>";
    let r = Resp::parse(FP, 400, Some("text/html;charset=ISO-8859-1"), page).unwrap();
    expect_error(&r, -2018, "[-2018] Authentication token invalid: bad & worse");
    let page = b"<html><head><title>401 Unauthorized</title></head><body>nope</body></html>";
    let r = Resp::parse(WV, 401, Some("text/html"), page).unwrap();
    expect_error(&r, 211, "401 Unauthorized");
    let r = Resp::parse(WV, 404, Some("text/html"), b"<html><body><h1>Not Found</h1></body></html>").unwrap();
    expect_error(&r, 212, "Not Found");
    // A proxy's page, no code.
    let r = Resp::parse(PR, 502, None, b"<html><body><center>502 Bad Gateway</center></body></html>").unwrap();
    expect_error(&r, 213, "502 Bad Gateway");
    // Plain text with a code.
    let r = Resp::parse(FP, 400, Some("text/plain"), b"error\n[-6003] Invalid iv parameter specified\n").unwrap();
    expect_error(&r, -6003, "[-6003] Invalid iv parameter specified");
    // A 200 HTML page that carries a server code is that error.
    let r = Resp::parse(FP, 200, Some("text/html"), b"<p>[-2031] Service account disabled</p>").unwrap();
    expect_error(&r, -2031, "[-2031] Service account disabled");
}

#[test]
fn empty_bodies_and_the_http_status_fallback() {
    for (status, code) in [
        (400, 210),
        (401, 211),
        (404, 212),
        (500, 213),
        (503, 213),
        (599, 213),
        (403, 214),
        (302, 214),
        (100, 214),
        (418, 214),
    ] {
        let r = Resp::parse(FP, status, None, b"").unwrap();
        let text = xpdrm::status::text_for_code(code);
        expect_error(&r, code, text);
        assert!(text.starts_with("The token server answered"), "{text}");
    }
    // A NULL body with length 0 is an empty body.
    let mut p = null_mut();
    assert_eq!(unsafe { xpdrm_token_response_parse(FP, 500, null(), null(), 0, &mut p) }, XPDRM_OK);
    let r = Resp(p);
    assert_eq!(r.error_code(), 213);
}

#[test]
fn hostile_bodies_never_give_a_token() {
    let ok_url = token_url(TOKEN);
    let cases: Vec<(u16, Option<&str>, Vec<u8>, xpdrm::Status)> = vec![
        (200, Some(URI_LIST), b"".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"# only a comment\r\n\r\n".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"not a url".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"ftp://h/x?ExpressPlayToken=AAAA".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"https:///x?ExpressPlayToken=AAAA".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=AA AA".to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (200, Some(URI_LIST), b"https://h/x".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=a%20b".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=A+B".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=AAAAA".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (
            200,
            Some(URI_LIST),
            b"https://h/x?ExpressPlayToken=AAAA&ExpressPlayToken=BBBB".to_vec(),
            XPDRM_ERR_RESPONSE_NO_TOKEN,
        ),
        (200, Some(URI_LIST), b"https://h/x?expressplaytoken=AAAA".to_vec(), XPDRM_ERR_RESPONSE_NO_TOKEN),
        (200, Some(URI_LIST), b"https://h/x?ExpressPlayToken=\xff\xfe".to_vec(), XPDRM_ERR_RESPONSE_NOT_UTF8),
        (
            200,
            Some("application/json"),
            br#"{"licenseAcquisitionUrl":"https://h/x","token":"AA"#.to_vec(),
            XPDRM_ERR_RESPONSE_MALFORMED_JSON,
        ),
        (200, Some("application/json"), b"[1,2]".to_vec(), XPDRM_ERR_RESPONSE_MALFORMED_JSON),
        (200, Some("application/json"), b"".to_vec(), XPDRM_ERR_RESPONSE_MALFORMED_JSON),
        (200, Some("application/json"), b"{\"token\":\"\xff\"}".to_vec(), XPDRM_ERR_RESPONSE_NOT_UTF8),
        (200, Some("application/json"), br#"{"token":"AAAA"}"#.to_vec(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        (
            200,
            Some("application/json"),
            br#"{"licenseAcquisitionUrl":"/relative","token":"AAAA"}"#.to_vec(),
            XPDRM_ERR_RESPONSE_NO_LICENSE_URL,
        ),
        (
            200,
            Some("application/json"),
            br#"{"licenseAcquisitionUrl":"https://h/x","token":7}"#.to_vec(),
            XPDRM_ERR_RESPONSE_NO_TOKEN,
        ),
        (
            200,
            Some("application/json"),
            br#"{"licenseAcquisitionUrl":"https://h/x","token":"a b"}"#.to_vec(),
            XPDRM_ERR_RESPONSE_NO_TOKEN,
        ),
        (
            200,
            Some("application/json"),
            br#"{"licenseAcquisitionUrl":"https://h/x"}"#.to_vec(),
            XPDRM_ERR_RESPONSE_NO_TOKEN,
        ),
        (200, Some("application/json"), "[".repeat(20_000).into_bytes(), XPDRM_ERR_RESPONSE_MALFORMED_JSON),
        (
            200,
            Some("text/html"),
            format!("<html><body>Log in to the hotel Wi-Fi <a href=\"{ok_url}\">here</a></body></html>").into_bytes(),
            XPDRM_ERR_RESPONSE_CONTENT_TYPE,
        ),
        (200, Some("application/octet-stream"), ok_url.clone().into_bytes(), XPDRM_ERR_RESPONSE_CONTENT_TYPE),
        (200, Some(URI_LIST), vec![b'#'; XPDRM_TOKEN_RESPONSE_MAX_BODY + 1], XPDRM_ERR_INPUT_TOO_LARGE),
        (400, Some("text/html"), vec![b' '; XPDRM_TOKEN_RESPONSE_MAX_BODY + 1], XPDRM_ERR_INPUT_TOO_LARGE),
    ];
    for (status, ct, body, expect) in cases {
        let got = Resp::parse(FP, status, ct, &body).err();
        assert_eq!(got, Some(expect), "{status} {ct:?} {:?}", String::from_utf8_lossy(&body[..body.len().min(80)]));
    }
    // Error statuses never give a token, whatever the body holds.
    for status in [400u16, 401, 404, 500, 302] {
        let r = Resp::parse(FP, status, Some(URI_LIST), ok_url.as_bytes()).unwrap();
        assert_ne!(r.error_code(), 0);
        assert_eq!(r.token(), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
    }
    // A truncated JSON error, invalid UTF-8 in an error page: the status decides, the text is kept lossily.
    let r = Resp::parse(FP, 400, Some("application/json"), br#"{"code":-2027,"mess"#).unwrap();
    assert_eq!(r.error_code(), 210);
    let r = Resp::parse(FP, 400, Some("text/html"), b"<p>[-2005] bad \xff key</p>").unwrap();
    expect_error(&r, -2005, "[-2005] bad \u{fffd} key");
    // The largest body accepted.
    let mut body = format!("{ok_url}\r\n").into_bytes();
    body.resize(XPDRM_TOKEN_RESPONSE_MAX_BODY, b'#');
    assert_eq!(Resp::parse(FP, 200, Some(URI_LIST), &body).unwrap().token().unwrap(), TOKEN);
    // Error texts are cut at 1024 bytes, on a character boundary.
    let long = format!(r#"{{"code":-2030,"message":"{}"}}"#, "\u{e9}".repeat(2000));
    let r = Resp::parse(FP, 500, Some("application/json"), long.as_bytes()).unwrap();
    assert_eq!(r.error_text(), "\u{e9}".repeat(512));
}

#[test]
fn a_content_type_that_is_not_utf8_is_an_unknown_type() {
    let mut p = null_mut();
    let body = token_url(TOKEN);
    let ct = b"text/\xffuri-list\0";
    let st = unsafe { xpdrm_token_response_parse(FP, 200, ct.as_ptr().cast(), body.as_ptr(), body.len(), &mut p) };
    assert_eq!(st, XPDRM_ERR_RESPONSE_CONTENT_TYPE);
    assert!(p.is_null());
}

#[test]
fn bad_arguments() {
    let body = token_url(TOKEN);
    let ct = c"text/uri-list".as_ptr();
    let mut p = std::ptr::dangling_mut::<xpdrm_token_response>();
    unsafe {
        assert_eq!(xpdrm_token_response_parse(5, 200, ct, body.as_ptr(), body.len(), &mut p), XPDRM_ERR_UNKNOWN_DRM);
        assert_eq!(xpdrm_token_response_parse(-1, 200, ct, body.as_ptr(), body.len(), &mut p), XPDRM_ERR_UNKNOWN_DRM);
        assert_eq!(
            xpdrm_token_response_parse(FP, 0, ct, body.as_ptr(), body.len(), &mut p),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            xpdrm_token_response_parse(FP, 99, ct, body.as_ptr(), body.len(), &mut p),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            xpdrm_token_response_parse(FP, 600, ct, body.as_ptr(), body.len(), &mut p),
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(xpdrm_token_response_parse(FP, 200, ct, null(), 5, &mut p), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(p, std::ptr::dangling_mut(), "*out written on failure");
        assert_eq!(
            xpdrm_token_response_parse(FP, 200, ct, body.as_ptr(), body.len(), null_mut()),
            XPDRM_ERR_NULL_ARGUMENT
        );

        assert_eq!(xpdrm_token_response_error_code(null()), XPDRM_ERR_NULL_ARGUMENT.code());
        let mut buf = [0x5Au8; 16];
        let mut len = 99usize;
        let o = buf.as_mut_ptr().cast();
        assert_eq!(xpdrm_token_response_license_url(null(), o, 16, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_response_license_base_url(null(), o, 16, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_response_token(null(), o, 16, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_response_error_text(null(), o, 16, &mut len), XPDRM_ERR_NULL_ARGUMENT);
        xpdrm_token_response_free(null_mut());

        // An error response writes nothing through the token accessors.
        let r = Resp::parse(FP, 400, None, b"").unwrap();
        assert_eq!(xpdrm_token_response_token(r.0, o, 16, &mut len), XPDRM_ERR_RESPONSE_IS_ERROR);
        assert_eq!(xpdrm_token_response_license_url(r.0, null_mut(), 0, &mut len), XPDRM_ERR_RESPONSE_IS_ERROR);
        assert_eq!((buf, len), ([0x5A; 16], 99));
        // A NULL out_len.
        let r = Resp::parse(FP, 200, None, body.as_bytes()).unwrap();
        assert_eq!(xpdrm_token_response_token(r.0, o, 16, null_mut()), XPDRM_ERR_NULL_ARGUMENT);
        assert_eq!(xpdrm_token_response_token(r.0, o, 16, &mut len), XPDRM_ERR_BUFFER_TOO_SMALL);
        assert_eq!((buf, len), ([0x5A; 16], TOKEN.len()));
    }
}
