//! The library's Marlin tables and the test server's own Marlin checks (testsrv/src/marlin.rs, written apart
//! from the library) over the same good and bad requests: they must agree on every status (230 invalid
//! value, 231 missing, 232 parameters that belong together; 0 accepted). Then the `ms3-gen` and `bb-gen`
//! endpoints over HTTPS through the library's client, GET and POST: compound URLs, action tokens, and
//! refusals in both error formats.
#![cfg(feature = "http")]

use xpdrm::http::{Client, Repeat};
use xpdrm::outbound::{Method, OutboundRequest};
use xpdrm::secret_string::SecretString;
use xpdrm::token::{Drm, TokenRequest, TokenResponse};
use xpdrm_testsrv::{ExpressPlay, TestServers};

const NOW: i64 = 1_700_000_000;
const AUTH: &str = "793,adf05681cff44bc58ab24fadd7876e42";
const KEY: &str = "43210987123478904321098712340987";
const DASH: &str = "https://www.expressplay.com/ep/video/ExpressPlayerDASH-BBB/stream.mpd";
const HLS: &str = "hls://www.expressplay.com/ep/video/HLSBBB/master.m3u8";

fn base(drm: Drm) -> Vec<(String, String)> {
    let p: &[(&str, &str)] = match drm {
        Drm::MarlinMs3 => &[
            ("customerAuthenticator", AUTH),
            ("contentId", "urn:marlin:kid:67895432987623454756654729382341"),
            ("contentKey", KEY),
            ("contentURL", DASH),
        ],
        _ => &[
            ("customerAuthenticator", AUTH),
            ("actionTokenType", "1"),
            ("contentId", "bigbuckbunnyhls"),
            ("contentKey", KEY),
            ("rightsType", "BuyToOwn"),
        ],
    };
    p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// `Some(v)` sets (replacing), `None` removes; a name ending in `+` appends.
fn apply(drm: Drm, changes: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
    let mut p = base(drm);
    for (name, value) in changes {
        match (name.strip_suffix('+'), value) {
            (Some(n), Some(v)) => p.push((n.to_string(), v.to_string())),
            (None, None) => p.retain(|(n, _)| n != name),
            (_, Some(v)) => match p.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v.to_string(),
                None => p.push((name.to_string(), v.to_string())),
            },
            (Some(_), None) => unreachable!(),
        }
    }
    p
}

fn library(drm: Drm, params: &[(String, String)]) -> i32 {
    let mut r = TokenRequest::new(drm);
    r.set_clock(Some(NOW));
    for (n, v) in params {
        if let Err(e) = r.set(n, v) {
            return e.status().code();
        }
    }
    r.check().map_or_else(|e| e.status().code(), |()| 0)
}

fn server(drm: Drm, params: &[(String, String)]) -> i32 {
    ExpressPlay::check(drm, params, NOW).map_or_else(|r| r.code, |()| 0)
}

/// What to change in the base request: `(name, Some(value) or None)`.
type Changes = Vec<(&'static str, Option<&'static str>)>;

fn cases() -> Vec<(Drm, Changes, i32)> {
    use Drm::*;
    let mut v = Vec::new();
    let mut add =
        |drm: Drm, changes: &[(&'static str, Option<&'static str>)], want: i32| v.push((drm, changes.to_vec(), want));
    let k = KEY;
    for drm in [MarlinMs3, MarlinBb] {
        add(drm, &[], 0);
        add(drm, &[("customerAuthenticator", Some("793;adf05681cff44bc58ab24fadd7876e42"))], 230);
        add(drm, &[("customerAuthenticator", Some("x,adf05681cff44bc58ab24fadd7876e42"))], 230);
        add(drm, &[("errorFormat", Some("json"))], 0);
        add(drm, &[("errorFormat", Some("xml"))], 230);
        add(drm, &[("errorFormat", Some(""))], 231);
        add(drm, &[("expirationTime", Some("+2592000"))], 0);
        add(drm, &[("expirationTime", Some("+99999999"))], 0);
        add(drm, &[("expirationTime", Some("2017-09-14T00:25:22Z"))], 0);
        add(drm, &[("expirationTime", Some("2017-09-14 00:25:22"))], 230);
        add(drm, &[("expirationTime", Some("+"))], 230);
        add(drm, &[("cookie", Some("session 42"))], 0);
        add(drm, &[("cookie", Some("123456789012345678901234567890123"))], 230);
        add(drm, &[("contentKey", Some("4321098712347890432109871234098"))], 230);
        add(drm, &[("contentKey", Some("4321098712347890432109871234098g"))], 230);
        add(drm, &[("contentKey", Some(""))], 231);
        add(drm, &[("contentId", Some(""))], 231);
        add(drm, &[("contentId", Some("cid:marlin#PATN-LIVE@0000004b"))], 0);
    }
    // MS3
    add(MarlinMs3, &[("contentURL", Some(HLS))], 0);
    add(MarlinMs3, &[("contentURL", Some("HTTP://h/x.mpd"))], 0);
    add(MarlinMs3, &[("contentURL", Some("http://vodpub.example/drm/853d9419381e99d26ad727d2781c1f8b.m3u8"))], 0);
    add(MarlinMs3, &[("contentURL", Some("ftp://h/x.mpd"))], 230);
    add(MarlinMs3, &[("contentURL", Some("hls:/h/x.m3u8"))], 230);
    add(MarlinMs3, &[("contentURL", Some("https:///x.mpd"))], 230);
    add(MarlinMs3, &[("contentURL", None), ("contentId", None)], 0);
    add(
        MarlinMs3,
        &[("contentId", None), ("kid", Some("43215678123412341234123412341234")), ("useHttps", Some("1"))],
        0,
    );
    add(MarlinMs3, &[("kid", Some("4321"))], 230);
    add(MarlinMs3, &[("kid", Some("^movie"))], 0);
    for ok in ["true", "false", "1", "0"] {
        add(MarlinMs3, &[("useHttps", Some(ok))], 0);
    }
    add(MarlinMs3, &[("useHttps", Some("TRUE"))], 230);
    add(
        MarlinMs3,
        &[("outputControlOverride", Some("urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0"))],
        0,
    );
    add(
        MarlinMs3,
        &[
            ("outputControlOverride", Some("urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0")),
            ("outputControlOverride+", Some("urn:x,Other,1")),
        ],
        0,
    );
    add(
        MarlinMs3,
        &[("outputControlOverride", Some("urn:marlin:organization:intertrust:wudo,ImageConstraintLevel"))],
        230,
    );
    add(MarlinMs3, &[("outputControlOverride", Some("urn:x,,0"))], 230);
    add(MarlinMs3, &[("outputControlFlags", Some("00000001")), ("outputControlValue", Some("0000000A"))], 0);
    add(MarlinMs3, &[("outputControlFlags", Some("0001"))], 230);
    add(MarlinMs3, &[("outputControlValue", Some("0000000x"))], 230);
    add(
        MarlinMs3,
        &[
            ("extensionType", Some("wudo")),
            ("extensionCriticalFlag", Some("false")),
            ("extensionPayload", Some("AAAAAA==")),
        ],
        0,
    );
    add(MarlinMs3, &[("extensionType", Some("wudo")), ("extensionPayload", Some("AAAAAA"))], 0);
    add(MarlinMs3, &[("extensionType", Some("wud")), ("extensionPayload", Some("AAAAAA=="))], 230);
    add(MarlinMs3, &[("extensionType", Some("wudo")), ("extensionPayload", Some("AAAAA*=="))], 230);
    add(
        MarlinMs3,
        &[
            ("extensionType", Some("wudo")),
            ("extensionCriticalFlag", Some("no")),
            ("extensionPayload", Some("AAAAAA==")),
        ],
        230,
    );
    add(MarlinMs3, &[("extensionType", Some("wudo"))], 232);
    add(MarlinMs3, &[("extensionPayload", Some("AAAAAA=="))], 232);
    add(MarlinMs3, &[("extensionCriticalFlag", Some("true"))], 232);
    add(MarlinMs3, &[("ms3Extension", Some("wudo,false,AAAAAA=="))], 0);
    add(MarlinMs3, &[("ms3Extension", Some("wudo,false,AAAAAA==")), ("ms3Extension+", Some("abcd,true,AQID"))], 0);
    add(MarlinMs3, &[("ms3Extension", Some("wudo,AAAAAA=="))], 230);
    add(MarlinMs3, &[("ms3Extension", Some("wudo,False,AAAAAA=="))], 230);
    add(MarlinMs3, &[("ms3Extension", Some("wud,false,AAAAAA=="))], 230);
    add(MarlinMs3, &[("ms3Scheme", Some("true"))], 0);
    add(MarlinMs3, &[("ms3Scheme", Some("1"))], 230);
    // Indexed keys.
    add(
        MarlinMs3,
        &[
            ("contentId", None),
            ("contentKey", None),
            ("contentId.0", Some("cid:marlin#Pnaifei@00000003")),
            ("contentKey.0", Some(k)),
        ],
        0,
    );
    add(
        MarlinMs3,
        &[
            ("contentId.0", Some("a")),
            ("contentKey.0", Some(k)),
            ("contentId.1", Some("b")),
            ("contentKey.1", Some(k)),
            ("contentId.15", Some("c")),
            ("contentKey.15", Some(k)),
        ],
        0,
    );
    add(MarlinMs3, &[("contentId.2", Some("a"))], 232);
    add(MarlinMs3, &[("contentKey.7", Some(k))], 232);
    add(MarlinMs3, &[("contentId.0", Some("a")), ("contentKey.0", Some("1234"))], 230);
    add(MarlinMs3, &[("contentId.0", Some("")), ("contentKey.0", Some(k))], 231);
    // BB
    add(
        MarlinBb,
        &[
            ("actionTokenType", Some("0")),
            ("userId", Some("555556")),
            ("userKey", Some("000102030405060708090a0b0c0d0124")),
        ],
        0,
    );
    add(
        MarlinBb,
        &[
            ("actionTokenType", Some("0")),
            ("userId", Some("555556")),
            ("contentId", None),
            ("contentKey", None),
            ("rightsType", None),
        ],
        0,
    );
    add(MarlinBb, &[("actionTokenType", Some("2")), ("userId", Some("555556"))], 0);
    add(MarlinBb, &[("actionTokenType", Some("0"))], 231);
    add(MarlinBb, &[("actionTokenType", Some("2"))], 231);
    add(MarlinBb, &[("actionTokenType", None)], 231);
    add(MarlinBb, &[("actionTokenType", Some(""))], 231);
    add(MarlinBb, &[("actionTokenType", Some("3"))], 230);
    add(MarlinBb, &[("actionTokenType", Some("01"))], 230);
    add(MarlinBb, &[("contentId", None)], 231);
    add(MarlinBb, &[("contentKey", None)], 231);
    add(MarlinBb, &[("rightsType", None)], 231);
    add(
        MarlinBb,
        &[
            ("rightsType", Some("Rental")),
            ("rental.periodEndTime", Some("+9999")),
            ("rental.playDuration", Some("9999")),
        ],
        0,
    );
    add(MarlinBb, &[("rightsType", Some("Rental"))], 0);
    add(MarlinBb, &[("rightsType", Some("rental"))], 230);
    add(MarlinBb, &[("rental.periodEndTime", Some("soon"))], 230);
    add(MarlinBb, &[("rental.playDuration", Some("-5"))], 230);
    add(MarlinBb, &[("rental.playDuration", Some("99999999999"))], 230);
    add(MarlinBb, &[("userKey", Some("f0d1dcf415414787bf40aafdb830e530")), ("userId", Some("1122"))], 0);
    add(MarlinBb, &[("userKey", Some("f0d1dcf4"))], 230);
    add(MarlinBb, &[("userId", Some(""))], 231);
    add(
        MarlinBb,
        &[
            ("outputControlOverrideId", Some("urn:marlin:organization:intertrust:wudo")),
            ("outputControlOverrideParameter", Some("ImageConstraintLevel")),
            ("outputControlOverrideValue", Some("0")),
        ],
        0,
    );
    v
}

#[test]
fn the_library_and_the_server_agree_on_every_marlin_status() {
    let cases = cases();
    let mut disagreements = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (drm, changes, want) in &cases {
        let params = apply(*drm, changes);
        let (lib, srv) = (library(*drm, &params), server(*drm, &params));
        seen.insert(*want);
        if lib != *want || srv != *want {
            disagreements.push(format!("{drm:?} {changes:?}: want {want}, library {lib}, server {srv}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    assert_eq!(seen, [0, 230, 231, 232].into_iter().collect());
    assert!(cases.len() > 90, "{}", cases.len());
}

#[test]
fn where_they_differ_by_design() {
    // No authenticator: the library builds it (a trusted proxy adds it), the server answers -2017.
    for drm in [Drm::MarlinMs3, Drm::MarlinBb] {
        let params = apply(drm, &[("customerAuthenticator", None)]);
        assert_eq!((library(drm, &params), server(drm, &params)), (0, -2017));
    }
    // An unknown name: the library refuses it, the server ignores it.
    let params = apply(Drm::MarlinBb, &[("tokenType", Some("BuyToOwn"))]);
    assert_eq!(
        (library(Drm::MarlinBb, &params), server(Drm::MarlinBb, &params)),
        (xpdrm::Status::XPDRM_ERR_UNKNOWN_PARAMETER.code(), 0)
    );
}

fn request(servers: &TestServers, drm: Drm, params: &[(&str, &str)]) -> TokenRequest {
    let mut r = TokenRequest::new(drm);
    r.set_base_url(&servers.expressplay.token_url(drm)).unwrap();
    r.set("customerAuthenticator", &servers.authenticator).unwrap();
    for (n, v) in params {
        r.set(n, v).unwrap();
    }
    r
}

#[test]
fn ms3_and_bb_tokens_over_https_get_and_post() {
    let servers = TestServers::start().unwrap();
    let client = Client::new(&servers.client_config(false)).unwrap();
    for method in [Method::Get, Method::Post] {
        for (content, key_params) in [
            (DASH, vec![("contentId", "urn:marlin:kid:67895432987623454756654729382341"), ("contentKey", KEY)]),
            (
                HLS,
                vec![
                    ("contentId.0", "cid:marlin#Pnaifei@00000003"),
                    ("contentKey.0", KEY),
                    ("contentId.1", "audio"),
                    ("contentKey.1", KEY),
                ],
            ),
        ] {
            let mut params = key_params.clone();
            params.push(("contentURL", content));
            let r = client.fetch_token(&request(&servers, Drm::MarlinMs3, &params), method).unwrap();
            assert_eq!(r.error_code(), 0);
            let url = r.license_url().unwrap();
            let prefix = format!("{}/hms/ms3/rights/?b=", servers.expressplay.base_url());
            assert!(url.starts_with(&prefix), "{url}");
            assert_eq!(
                url,
                format!("{prefix}{}#{}", r.token().unwrap(), xpdrm_testsrv::marlin::percent_encode(content))
            );
            assert!(r.token().unwrap().len() >= 150);
            assert_eq!(r.content_url().unwrap(), content);
        }
        for (action, params) in [
            (
                "UserRegistrationAction",
                vec![("actionTokenType", "0"), ("userId", "555556"), ("userKey", "000102030405060708090a0b0c0d0124")],
            ),
            (
                "LicenseAcquisitionAction",
                vec![
                    ("actionTokenType", "1"),
                    ("contentId", "bigbuckbunnyhls"),
                    ("contentKey", KEY),
                    ("rightsType", "BuyToOwn"),
                ],
            ),
            ("UserDeregistrationAction", vec![("actionTokenType", "2"), ("userId", "555556")]),
        ] {
            let r = client.fetch_token(&request(&servers, Drm::MarlinBb, &params), method).unwrap();
            assert_eq!(r.error_code(), 0);
            let xml = String::from_utf8(r.action_token().unwrap().to_vec()).unwrap();
            assert!(
                xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<ActionToken "),
                "{xml}"
            );
            assert!(xml.contains(&format!("<{action}>")), "{xml}");
            assert_eq!(r.license_url().unwrap_err(), xpdrm::Status::XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN);
        }
    }
    assert_eq!(servers.expressplay.tokens_minted(), 10);
}

#[test]
fn refusals_over_https_in_both_formats() {
    let servers = TestServers::start().unwrap();
    let client = Client::new(&servers.client_config(false)).unwrap();
    let mut checked = 0;
    for (drm, changes, want) in cases().into_iter().filter(|(_, c, w)| {
        *w != 0 && !c.iter().any(|(n, _)| n.starts_with("customerAuthenticator") || *n == "errorFormat")
    }) {
        for format in ["html", "json"] {
            let mut params = apply(drm, &changes);
            params.retain(|(n, _)| n != "customerAuthenticator");
            params.push(("customerAuthenticator".into(), servers.authenticator.clone()));
            params.push(("errorFormat".into(), format.into()));
            let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
            let url = format!("{}?{query}", servers.expressplay.token_url(drm));
            let answer =
                client.execute(&OutboundRequest::get(SecretString::from(url.as_str())), Repeat::UnlessSent).unwrap();
            assert_eq!(answer.status, 400, "{drm:?} {changes:?} (want {want})");
            let parsed =
                TokenResponse::parse(drm, answer.status, answer.content_type.as_deref(), &answer.body).unwrap();
            // No Marlin error codes are published: the server's 400 without a code.
            assert_eq!(parsed.error_code(), xpdrm::Status::XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS.code());
            assert!(!parsed.error_text().is_empty());
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked}");
    // The wrong account: -2018 with 401, as for every DRM.
    let mut r = TokenRequest::new(Drm::MarlinBb);
    r.set_base_url(&servers.expressplay.token_url(Drm::MarlinBb)).unwrap();
    for (n, v) in [("customerAuthenticator", AUTH), ("actionTokenType", "0"), ("userId", "u"), ("errorFormat", "json")]
    {
        r.set(n, v).unwrap();
    }
    let resp = client.fetch_token(&r, Method::Post).unwrap();
    assert_eq!((resp.http_status(), resp.error_code()), (401, -2018));
    assert_eq!(servers.expressplay.tokens_minted(), 0);
}

#[test]
fn oversized_marlin_answers_get_statuses_not_tokens() {
    let servers = TestServers::start().unwrap();
    for drm in [Drm::MarlinMs3, Drm::MarlinBb] {
        let mut r = TokenRequest::new(drm);
        r.set_base_url(&servers.faults.url("/oversized")).unwrap();
        if drm == Drm::MarlinBb {
            r.set("actionTokenType", "0").unwrap();
            r.set("userId", "u").unwrap();
        }
        // The client's own limit (1 MiB by default) stops a 2 MiB answer; past it, the parser's 64 KiB.
        let client = Client::new(&servers.client_config(false)).unwrap();
        let e = client.fetch_token(&r, Method::Get).unwrap_err();
        assert_eq!(e.status, xpdrm::Status::XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE, "{drm:?}");
        let mut config = servers.client_config(false);
        config.set_max_response_size(16 << 20).unwrap();
        let client = Client::new(&config).unwrap();
        let e = client.fetch_token(&r, Method::Post).unwrap_err();
        assert_eq!(e.status, xpdrm::Status::XPDRM_ERR_INPUT_TOO_LARGE, "{drm:?}");
    }
}
