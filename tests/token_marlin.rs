//! Marlin MS3 and BB tokens through the C ABI (SPEC.md section 7): the requests real clients send, each
//! kept here with its source and built with the validated setter (never refused: the rule of local
//! validation); form errors with local statuses that name the parameter; the answers (MS3 compound URL, BB
//! XML action token) and hostile ones, which get statuses, never a crash or a token.

mod token_support;

use std::ptr::{null, null_mut};

use token_support::{Req, Resp, read_text};
use xpdrm::Status::{self, *};
use xpdrm::ffi::marlin::{xpdrm_token_response_action_token, xpdrm_token_response_content_url};
use xpdrm::ffi::token::*;

const MS3: i32 = XPDRM_DRM_MARLIN_MS3;
const BB: i32 = XPDRM_DRM_MARLIN_BB;

/// A real request: where it comes from, the DRM, and its query or form body exactly as the client sends it.
struct Real {
    source: &'static str,
    drm: i32,
    query: &'static str,
}

const REAL: &[Real] = &[
    Real {
        source: "HbbTV-Association/ReferenceApplication tools/test/RegisterDRM_ExpressPlay.py (2017), registerMarlinMS3",
        drm: MS3,
        query: "customerAuthenticator=4040,00112233445566778899aabbccddeeff&contentId=urn:marlin:kid:43215678123412341234123412341235\
                &contentKey=12341234123412341234123412341235\
                &outputControlOverride=urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0&expirationTime=%2B2592000\
                &extensionType=wudo&extensionCriticalFlag=false&extensionPayload=AAAAAA==&errorFormat=json\
                &contentURL=http://myserver.com/myvideo/drm/manifest.mpd",
    },
    Real {
        source: "HbbTV-Association/ReferenceApplication RegisterDRM_ExpressPlay.py (later, urlencoded dict), registerMarlinMS3",
        drm: MS3,
        query: "customerAuthenticator=4040%2C00112233445566778899aabbccddeeff&expirationTime=%2B2592000&useHttps=true\
                &errorFormat=json&outputControlOverride=urn%3Amarlin%3Aorganization%3Aintertrust%3Awudo%2CImageConstraintLevel%2C0\
                &extensionType=wudo&extensionCriticalFlag=false&extensionPayload=AAAAAA%3D%3D\
                &contentURL=http%3A%2F%2Fmyserver.com%2Fmyvideo%2Fdrm%2Fmanifest.mpd\
                &contentId=urn%3Amarlin%3Akid%3A43215678123412341234123412341234&contentKey=12341234123412341234123412341234",
    },
    Real {
        source: "ExpressPlay test-token tutorial (expressplay.com/developer/tutorial-test-token), MS3 for DASH",
        drm: MS3,
        query: "customerAuthenticator=793,adf05681cff44bc58ab24fadd7876e42&contentId=urn:marlin:kid:67895432987623454756654729382341\
                &contentKey=43210987123478904321098712340987\
                &contentURL=https://www.expressplay.com/ep/video/ExpressPlayerDASH-BBB/stream.mpd",
    },
    Real {
        source: "ExpressPlay test-token tutorial (legacy), MS3 for HLS with the hls:// scheme",
        drm: MS3,
        query: "customerAuthenticator=793,adf05681cff44bc58ab24fadd7876e42&contentId=bigbuckbunnyhls\
                &contentKey=12345678123456781234567812345678&contentURL=hls://www.expressplay.com/ep/video/HLSBBB/master.m3u8",
    },
    Real {
        source: "a Lua client (resty http_client comment): indexed key, absolute expiry in the past, ms3Scheme, ms3Extension",
        drm: MS3,
        query: "errorFormat=json&customerAuthenticator=201325,21b355275dd44eb888d67739275f0507\
                &contentId.0=cid%3Amarlin%23Pnaifei@00000003&contentKey.0=5819fda07bad35459404c53135086cb1\
                &contentURL=http://vodpub.oss-cn-hangzhou.aliyuncs.com/drm/test/17/1080p/16_9/853d/9419/853d9419381e99d26ad727d2781c1f8b.m3u8\
                &expirationTime=2017-09-14T00:25:22Z&ms3Scheme=true&ms3Extension=wudo,false,AAAAAA==",
    },
    Real {
        source: "a Laravel storefront (getMarlinLicenseUri): kid instead of contentId, PHP's true as 1",
        drm: MS3,
        query: "customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&kid=43215678123412341234123412341234\
                &contentKey=12341234123412341234123412341234&useHttps=1",
    },
    Real {
        source: "a Node client (Philips NetTV sample): BB registration, POST",
        drm: BB,
        query: "customerAuthenticator=1043%2C3c3277964be34d7789258089d653b8df&actionTokenType=0&userId=user1\
                &userKey=000102030405060708090a0b0c0d0e0f",
    },
    Real {
        source: "a Node client (Philips NetTV sample): BB license, BuyToOwn, POST",
        drm: BB,
        query: "customerAuthenticator=1043%2C3c3277964be34d7789258089d653b8df&actionTokenType=1&userId=user1\
                &contentId=urn%3Aphilips%3Adrm%3Acontent%3Amovie1&contentKey=000102030405060708090a0b0c0d0e0f\
                &rightsType=BuyToOwn&userKey=000102030405060708090a0b0c0d0e0f",
    },
    Real {
        source: "Marlin NetTV example (Ruby, Sinatra): BB registration",
        drm: BB,
        query: "actionTokenType=0&errorFormat=json&customerAuthenticator=1043%2C3c3277964be34d7789258089d653b8df\
                &userId=555556&userKey=000102030405060708090a0b0c0d0124",
    },
    Real {
        source: "Marlin NetTV example (Ruby, Sinatra): BB license, Rental with relative end and play duration",
        drm: BB,
        query: "actionTokenType=1&errorFormat=json&customerAuthenticator=1043%2C3c3277964be34d7789258089d653b8df\
                &userId=555556&userKey=000102030405060708090a0b0c0d0124&contentId=urn%3Amarlin%3Aorganization%3Aexample%3Anyan\
                &contentKey=000102030405060708090a0b0c0d0e0f&rightsType=Rental&rental.periodEndTime=%2B9999&rental.playDuration=9999",
    },
    Real {
        source: "a Java client (HttpUtil main, commented call): BB license",
        drm: BB,
        query: "customerAuthenticator=1177,e0e332fca4394d32b5e4fab84ed5ccac&actionTokenType=1&userId=1122\
                &userKey=f0d1dcf415414787bf40aafdb830e530&contentId=cid:marlin%23PATN-LIVE@0000004b\
                &contentKey=f9778d00babdf369bf601a582f29377e&rightsType=BuyToOwn",
    },
    Real {
        source: "ExpressPlay test-token tutorial: BB license without a user (its list says tokenType, its text rightsType)",
        drm: BB,
        query: "customerAuthenticator=793,adf05681cff44bc58ab24fadd7876e42&contentId=bigbuckbunnyhls\
                &contentKey=12345678123456781234567812345678&rightsType=BuyToOwn&actionTokenType=1",
    },
];

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}

#[test]
fn every_real_request_builds_with_validated_calls() {
    for real in REAL {
        let sent = pairs(real.query);
        let mut req = Req::new(real.drm);
        for (name, value) in &sent {
            let st = req.set(name, value);
            assert_eq!(st, XPDRM_OK, "{}: {name}={value} refused: {}", real.source, req.last_error());
        }
        let url = req.url().unwrap_or_else(|s| panic!("{}: {s:?}: {}", real.source, req.last_error()));
        let form = req.form().unwrap();
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(query, form);
        let want_base = if real.drm == MS3 {
            "https://ms3-gen.test.expressplay.com/hms/ms3/token"
        } else {
            "https://bb-gen.test.expressplay.com/hms/bb/token"
        };
        assert_eq!(base, want_base);
        // What goes out reads back as what the client sent, in its order.
        assert_eq!(pairs(&form), sent, "{}", real.source);
    }
}

#[test]
fn production_base_urls_are_spec_section_1s() {
    let mut req = Req::new(MS3);
    assert_eq!(req.set_environment(XPDRM_ENVIRONMENT_PRODUCTION), XPDRM_OK);
    assert_eq!(req.redacted(), "https://ms3-gen.service.expressplay.com/hms/ms3/token");
    let mut req = Req::new(BB);
    assert_eq!(req.set_environment(XPDRM_ENVIRONMENT_PRODUCTION), XPDRM_OK);
    assert_eq!(req.redacted(), "https://bb-gen.service.expressplay.com/hms/bb/token");
}

#[test]
fn form_errors_get_local_statuses_that_name_the_parameter() {
    let cases: &[(i32, &str, &str, Status)] = &[
        (MS3, "contentKey", "1234", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "contentKey", "", XPDRM_ERR_MARLIN_MISSING_PARAMETER),
        (MS3, "contentKey.3", "zz341234123412341234123412341234", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "contentId.15", "", XPDRM_ERR_MARLIN_MISSING_PARAMETER),
        (MS3, "contentURL", "ftp://h/x.mpd", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "contentURL", "stream.mpd", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "outputControlOverride", "urn:example:org,OnlyAName", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "outputControlFlags", "0000000", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "outputControlValue", "0000000g", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "extensionType", "wud", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "extensionCriticalFlag", "FALSE", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "extensionPayload", "AAAA*", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "ms3Extension", "wudo,maybe,AAAAAA==", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "ms3Scheme", "yes", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "useHttps", "yes", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "expirationTime", "tomorrow", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "cookie", "123456789012345678901234567890123", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "customerAuthenticator", "793;adf05681cff44bc58ab24fadd7876e42", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (MS3, "kid", "^", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "actionTokenType", "3", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "actionTokenType", "", XPDRM_ERR_MARLIN_MISSING_PARAMETER),
        (BB, "userKey", "000102030405060708090a0b0c0d0e0", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "rightsType", "buytoown", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "rental.playDuration", "-1", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "rental.periodEndTime", "+", XPDRM_ERR_MARLIN_INVALID_VALUE),
        (BB, "userId", "", XPDRM_ERR_MARLIN_MISSING_PARAMETER),
    ];
    for &(drm, name, value, want) in cases {
        let mut req = Req::new(drm);
        assert_eq!(req.set(name, value), want, "{name}={value:?}");
        let reason = req.last_error();
        assert!(reason.starts_with(&format!("{name} ")), "{reason}");
        assert!(reason.contains(&format!("Status {}", want.code())), "{reason}");
        if value.len() > 3 {
            assert!(!reason.contains(value), "the reason quotes the value: {reason}");
        }
    }
    // Names: case-sensitive, indexes up to 15, Marlin names are not other DRMs' and the reverse.
    let mut req = Req::new(MS3);
    for unknown in ["contentkey", "contentKey.01", "contentKey.x", "contentURL.0", "iv", "actionTokenType"] {
        assert_eq!(req.set(unknown, "x"), XPDRM_ERR_UNKNOWN_PARAMETER, "{unknown}");
    }
    assert_eq!(req.set("contentKey.16", "43210987123478904321098712340987"), XPDRM_OK);
    // Indexed names have rules too: the unchecked setter cannot bypass them, in any letter case.
    for known in ["contentKey.0", "CONTENTKEY.15", "contentURL"] {
        assert_eq!(req.set_unchecked(known, "x"), XPDRM_ERR_KNOWN_PARAMETER, "{known}");
    }
    assert_eq!(req.set_unchecked("tokenType", "BuyToOwn"), XPDRM_OK);
    let mut req = Req::new(XPDRM_DRM_FAIRPLAY);
    assert_eq!(req.set("contentURL", "https://h/x.mpd"), XPDRM_ERR_UNKNOWN_PARAMETER);
}

#[test]
fn what_each_kind_of_request_needs() {
    let auth = "793,adf05681cff44bc58ab24fadd7876e42";
    let key = "12345678123456781234567812345678";
    // BB: the type itself, then per type.
    let mut req = Req::new(BB);
    req.ok("customerAuthenticator", auth);
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_MISSING_PARAMETER));
    assert!(req.last_error().starts_with("actionTokenType is missing"), "{}", req.last_error());
    req.ok("actionTokenType", "0");
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_MISSING_PARAMETER));
    assert!(req.last_error().contains("needs userId"), "{}", req.last_error());
    req.ok("userId", "555556");
    assert!(req.url().is_ok(), "a registration needs no content");
    req.ok("actionTokenType", "1");
    for (name, value) in [("contentId", "bigbuckbunnyhls"), ("contentKey", key), ("rightsType", "Rental")] {
        assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_MISSING_PARAMETER));
        assert!(req.last_error().contains(&format!("needs {name}")), "{}", req.last_error());
        req.ok(name, value);
    }
    assert!(req.url().is_ok(), "a Rental without rental.* is not refused: real clients' servers default it");
    req.ok("actionTokenType", "2");
    assert!(req.url().is_ok());
    assert_eq!(req.unset("userId"), XPDRM_OK);
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_MISSING_PARAMETER));
    // MS3: nothing is required (a real client sends kid and contentKey only); pairs go together.
    let mut req = Req::new(MS3);
    assert!(req.url().is_ok());
    req.ok("contentKey.1", key);
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_PARAMETER_MISMATCH));
    assert!(req.last_error().contains("contentId.N and contentKey.N"), "{}", req.last_error());
    req.ok("contentId.1", "urn:marlin:kid:67895432987623454756654729382341");
    assert!(req.url().is_ok());
    req.ok("extensionCriticalFlag", "false");
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_PARAMETER_MISMATCH));
    req.ok("extensionType", "wudo");
    assert_eq!(req.url(), Err(XPDRM_ERR_MARLIN_PARAMETER_MISMATCH));
    req.ok("extensionPayload", "AAAAAA==");
    assert!(req.url().is_ok());
    // Secrets are redacted.
    req.ok("customerAuthenticator", auth);
    let redacted = req.redacted();
    assert!(!redacted.contains(key) && !redacted.contains("adf05681"), "{redacted}");
    assert!(redacted.contains("contentKey.1=<redacted>"), "{redacted}");
}

// ---- Answers ----

/// The tutorial's MS3 answer: the real `b` token; the page cuts the fragment, completed here with the
/// request's `contentURL`, percent-encoded as the visible part of it is (`https%3A%2F%2F...`).
const TUTORIAL_B: &str = "AAwAAwAAAxkAAlRXPGAAECBR0l7K6dxdkxUSrLNplXUAcDb87DeJyouvcWEmW_-VnmUCGj3vNRJP5f3R_455AWnHcflhQYwJ-O1XUvJYJGK_xtVeEXdJ6DFnwSyo5sRo0ewSCcp-S3MDZGtH2KvXzPBawG45q-VUIc9h2qBpjlnbmqzDkSXpNDm8SwKE0v2MzY0AAAAU6O8AXt97WK0NMFGHgfcAidReoRE";

fn tutorial_answer() -> String {
    format!(
        "https://ms3.test.hostedmarlin.com:8443/hms/ms3/rights/?b={TUTORIAL_B}\
         #https%3A%2F%2Fwww.expressplay.com%2Fep%2Fvideo%2FExpressPlayerDASH-BBB%2Fstream.mpd"
    )
}

fn content_url(r: &Resp) -> Result<String, Status> {
    let p = r.0;
    read_text(|o, cap, len| unsafe { xpdrm_token_response_content_url(p, o, cap, len) })
}

fn action_token(r: &Resp) -> Result<Vec<u8>, Status> {
    let mut len = 0usize;
    let st = unsafe { xpdrm_token_response_action_token(r.0, null_mut(), 0, &mut len) };
    if st != XPDRM_ERR_BUFFER_TOO_SMALL {
        return Err(st);
    }
    let mut buf = vec![0xA5u8; len + 3];
    let mut got = 0usize;
    let st = unsafe { xpdrm_token_response_action_token(r.0, buf.as_mut_ptr(), buf.len(), &mut got) };
    assert_eq!(st, XPDRM_OK);
    assert_eq!(got, len);
    assert_eq!(&buf[len..], [0xA5; 3], "wrote past the token");
    buf.truncate(len);
    Ok(buf)
}

#[test]
fn an_ms3_compound_url_is_kept_exactly_with_the_b_token_and_the_decoded_content_url() {
    let url = tutorial_answer();
    for (ct, body) in [
        (Some("text/uri-list"), format!("{url}\r\n")),
        (Some("text/uri-list; charset=utf-8"), format!("# ExpressPlay MS3 token\r\n{url}\r\n")),
        (None, url.clone()),
        (Some("text/plain"), format!("{url}\n")),
    ] {
        let r = Resp::parse(MS3, 200, ct, body.as_bytes()).unwrap();
        assert_eq!(r.error_code(), 0);
        assert_eq!(r.license_url().unwrap(), url);
        assert_eq!(r.token().unwrap(), TUTORIAL_B);
        assert_eq!(r.base_url().unwrap(), "https://ms3.test.hostedmarlin.com:8443/hms/ms3/rights/");
        assert_eq!(content_url(&r).unwrap(), "https://www.expressplay.com/ep/video/ExpressPlayerDASH-BBB/stream.mpd");
        assert_eq!(action_token(&r), Err(XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN));
    }
    // hls:// content, other parameters around b, and an answer without a fragment.
    let hls = format!(
        "https://ms3.service.expressplay.com:8443/hms/ms3/rights/?x=1&b={TUTORIAL_B}&y#hls%3A%2F%2Fh%2Fmaster.m3u8"
    );
    let r = Resp::parse(MS3, 200, Some("text/uri-list"), hls.as_bytes()).unwrap();
    assert_eq!(content_url(&r).unwrap(), "hls://h/master.m3u8");
    assert_eq!(r.token().unwrap(), TUTORIAL_B);
    assert_eq!(r.license_url().unwrap(), hls);
    let bare = format!("http://ms3.service.expressplay.com/hms/ms3/rights/?b={TUTORIAL_B}");
    let r = Resp::parse(MS3, 200, Some("text/uri-list"), bare.as_bytes()).unwrap();
    assert_eq!(content_url(&r), Err(XPDRM_ERR_RESPONSE_NO_CONTENT_URL));
    // Other DRMs' answers have no content URL or action token.
    let fp = format!("https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken={TUTORIAL_B}");
    let r = Resp::parse(XPDRM_DRM_FAIRPLAY, 200, Some("text/uri-list"), fp.as_bytes()).unwrap();
    assert_eq!(content_url(&r), Err(XPDRM_ERR_RESPONSE_NO_CONTENT_URL));
    assert_eq!(action_token(&r), Err(XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN));
}

#[test]
fn hostile_ms3_answers_get_statuses() {
    let base = "https://ms3.service.expressplay.com:8443/hms/ms3/rights/";
    let cases: Vec<(String, Status)> = vec![
        (format!("{base}?b={TUTORIAL_B}#https%3A%2F%2Fh%2Fx%zz"), XPDRM_ERR_RESPONSE_MS3_CONTENT_URL),
        (format!("{base}?b={TUTORIAL_B}#%C3%28"), XPDRM_ERR_RESPONSE_MS3_CONTENT_URL),
        (format!("{base}?b={TUTORIAL_B}#a%0Ab"), XPDRM_ERR_RESPONSE_MS3_CONTENT_URL),
        (format!("{base}?b={TUTORIAL_B}#%"), XPDRM_ERR_RESPONSE_MS3_CONTENT_URL),
        (format!("{base}#https%3A%2F%2Fh%2Fx.mpd"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?a={TUTORIAL_B}#https%3A%2F%2Fh%2Fx.mpd"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?b=#x"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?b"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?b={TUTORIAL_B}&b={TUTORIAL_B}"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?b=AB$CD"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("{base}?ExpressPlayToken={TUTORIAL_B}"), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
        (format!("ms3://h/?b={TUTORIAL_B}"), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        ("# only a comment\r\n".to_owned(), XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
        // A JSON object is read as JSON whatever its label (the PlayReady lesson): no b, no MS3 token.
        (r#"{"licenseAcquisitionUrl":"https://h/x","token":"AAAA"}"#.to_owned(), XPDRM_ERR_RESPONSE_MS3_NO_TOKEN),
    ];
    for (body, want) in cases {
        assert_eq!(Resp::parse(MS3, 200, Some("text/uri-list"), body.as_bytes()).err(), Some(want), "{body}");
    }
    assert_eq!(
        Resp::parse(MS3, 200, Some("text/uri-list"), b"https://h/?b=AAAA\xff").err(),
        Some(XPDRM_ERR_RESPONSE_NOT_UTF8)
    );
    assert_eq!(Resp::parse(MS3, 200, Some("image/png"), b"\x89PNG").err(), Some(XPDRM_ERR_RESPONSE_CONTENT_TYPE));
    let json = br#"{"licenseAcquisitionUrl":"https://h/x","token":"AAAA"}"#;
    assert_eq!(Resp::parse(MS3, 200, Some("application/json"), json).err(), Some(XPDRM_ERR_RESPONSE_MS3_NO_TOKEN));
    let huge = vec![b'A'; 10 * 1024 * 1024];
    for drm in [MS3, BB] {
        assert_eq!(Resp::parse(drm, 200, Some("text/uri-list"), &huge).err(), Some(XPDRM_ERR_INPUT_TOO_LARGE));
        assert_eq!(
            Resp::parse(drm, 200, Some(xpdrm::token::response::ACTION_TOKEN_CONTENT_TYPE), &huge).err(),
            Some(XPDRM_ERR_INPUT_TOO_LARGE)
        );
    }
}

/// An action token of the real shape: the tutorial's XML declaration, root, namespace and first element
/// (the rest of its body is not public; a stand-in element follows).
const ACTION_TOKEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<ActionToken xmlns=\"urn:marlin:broadband:1-2:nemo:services:action-token\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
<ConfigurationInfo broadbandServiceId=\"urn:marlin:organization:seacert:eval-marlin-service:500\" configVersion=\"1\"/>\n\
<LicenseAcquisitionAction><ContentId>bigbuckbunnyhls</ContentId></LicenseAcquisitionAction>\n\
</ActionToken>\n";

#[test]
fn a_bb_action_token_comes_back_byte_for_byte() {
    let ct = "application/vnd.marlin.drm.actiontoken+xml";
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(ACTION_TOKEN.as_bytes());
    for (content_type, body) in [
        (Some(ct), ACTION_TOKEN.as_bytes().to_vec()),
        (Some("application/vnd.marlin.drm.actiontoken+xml; charset=UTF-8"), with_bom.clone()),
        (Some("application/xml"), ACTION_TOKEN.as_bytes().to_vec()),
        (Some("text/html"), ACTION_TOKEN.as_bytes().to_vec()), // a mislabelled token is still the token
        (None, format!("{ACTION_TOKEN}\r\n\r\n").into_bytes()),
    ] {
        let r = Resp::parse(BB, 200, content_type, &body).unwrap();
        assert_eq!(r.error_code(), 0);
        assert_eq!(action_token(&r).unwrap(), body, "{content_type:?}");
        assert_eq!(r.license_url(), Err(XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN));
        assert_eq!(r.base_url(), Err(XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN));
        assert_eq!(r.token(), Err(XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN));
        assert_eq!(content_url(&r), Err(XPDRM_ERR_RESPONSE_NO_CONTENT_URL));
        assert_eq!(r.error_text(), "");
    }
    // NULL arguments.
    let r = Resp::parse(BB, 200, Some(ct), ACTION_TOKEN.as_bytes()).unwrap();
    let mut len = 0usize;
    assert_eq!(unsafe { xpdrm_token_response_action_token(null(), null_mut(), 0, &mut len) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_token_response_action_token(r.0, null_mut(), 0, null_mut()) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_token_response_action_token(r.0, null_mut(), 5, &mut len) }, XPDRM_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { xpdrm_token_response_content_url(null(), null_mut(), 0, &mut len) }, XPDRM_ERR_NULL_ARGUMENT);
}

#[test]
fn hostile_bb_answers_get_statuses() {
    let ct = Some("application/vnd.marlin.drm.actiontoken+xml");
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\
                  <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><ActionToken>&c;</ActionToken>";
    let many = format!("<ActionToken>{}</ActionToken>", "<a/>".repeat(12_000));
    let cases: Vec<(Vec<u8>, Status)> = vec![
        (ACTION_TOKEN.replace("</ActionToken>", "").into_bytes(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (
            ACTION_TOKEN.replace("<ConfigurationInfo", "<ConfigurationInfo a='1' a='2'").into_bytes(),
            XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED,
        ),
        (format!("{ACTION_TOKEN}<ActionToken/>").into_bytes(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (b"<ActionToken>&nbsp;</ActionToken>".to_vec(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (laughs.as_bytes().to_vec(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (many.into_bytes(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (format!("  {ACTION_TOKEN}").into_bytes(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (b"".to_vec(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (b"not xml at all".to_vec(), XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED),
        (
            b"<License xmlns=\"urn:marlin:broadband:1-2:nemo:services:action-token\"/>".to_vec(),
            XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN,
        ),
        (b"<ActionToken>\xC3\x28</ActionToken>".to_vec(), XPDRM_ERR_RESPONSE_NOT_UTF8),
    ];
    for (body, want) in &cases {
        assert_eq!(
            Resp::parse(BB, 200, ct, body).err(),
            Some(*want),
            "{}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
    }
    // Deep nesting within the node limit is well-formed, and parsed without recursion.
    let deep = format!("<ActionToken>{}{}</ActionToken>", "<a>".repeat(4_000), "</a>".repeat(4_000));
    assert!(Resp::parse(BB, 200, ct, deep.as_bytes()).is_ok());
    // A 2xx JSON or HTML without a code is no action token; with a code it is the server's error.
    assert_eq!(
        Resp::parse(BB, 200, Some("application/json"), br#"{"ok":true}"#).err(),
        Some(XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN)
    );
    assert_eq!(
        Resp::parse(BB, 200, Some("text/html"), b"<html><body>Login</body></html>").err(),
        Some(XPDRM_ERR_RESPONSE_CONTENT_TYPE)
    );
    let r = Resp::parse(BB, 200, None, br#"{"code":-2018,"message":"[-2018] Invalid customerAuthenticator"}"#).unwrap();
    assert_eq!(r.error_code(), -2018);
    assert_eq!(action_token(&r), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
    assert_eq!(content_url(&r), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
}

#[test]
fn marlin_errors_read_as_for_every_drm() {
    for drm in [MS3, BB] {
        let r = Resp::parse(
            drm,
            401,
            Some("application/json"),
            br#"{"code":-2018,"message":"[-2018] Invalid customerAuthenticator"}"#,
        )
        .unwrap();
        assert_eq!(r.error_code(), -2018);
        let r = Resp::parse(
            drm,
            400,
            Some("text/html"),
            b"<html><body><h1>Error 400</h1><p>contentKey is not 32 hexadecimal digits</p></body></html>",
        )
        .unwrap();
        assert_eq!(r.error_code(), XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS.code());
        assert_eq!(r.error_text(), "Error 400");
        let r = Resp::parse(drm, 503, Some("application/vnd.marlin.drm.actiontoken+xml"), b"").unwrap();
        assert_eq!(r.error_code(), XPDRM_ERR_SERVER_5XX_ERROR.code());
        assert_eq!(r.license_url(), Err(XPDRM_ERR_RESPONSE_IS_ERROR));
    }
}
