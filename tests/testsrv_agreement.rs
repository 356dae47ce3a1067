//! The library's token validator and the test token server's own checks (testsrv/src/token_rules.rs,
//! written from SPEC.md apart from the library) over the same good and bad requests: they must agree on
//! every code, and both must give the code SPEC.md names. A subset goes over HTTP too, in both error
//! formats, so that the server's answers read back as the same codes.
#![cfg(feature = "http")]

use xpdrm::http::{Client, Repeat};
use xpdrm::outbound::OutboundRequest;
use xpdrm::secret_string::SecretString;
use xpdrm::token::{Drm, TokenRequest, TokenResponse};
use xpdrm_testsrv::{ExpressPlay, TestServers, token_rules};

/// 2023-11-14T22:13:20Z: the clock of both sides.
const NOW: i64 = 1_700_000_000;
const AUTH: &str = "201722,1ad8eed133edf43cbcc185f0236828ae";
const KEY: &str = "b366360da82e9c6e0b0984002a362cf2";
const KID: &str = "00112233445566778899aabbccddeeff";
const IV: &str = "0123456789abcdef0123456789ABCDEF";
// RFC 3394 §4.1, and the ExpressPlay sample wrapped under 1111...11 (another KEK).
const KEK: &str = "000102030405060708090A0B0C0D0E0F";
const EK: &str = "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";
const EK_OTHER_KEK: &str = "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
use xpdrm_testsrv::token_rules::OPLS;

fn base(drm: Drm) -> Vec<(String, String)> {
    let mut p: Vec<(&str, &str)> = vec![("customerAuthenticator", AUTH)];
    match drm {
        Drm::FairPlay => p.extend([("contentKey", KEY), ("iv", IV)]),
        Drm::Widevine => p.extend([("kid", KID), ("securityLevel", "1"), ("hdcpOutputControl", "0")]),
        Drm::PlayReady => {
            p.extend([("kid", KID), ("rightsType", "BuyToOwn")]);
            p.extend(OPLS.iter().map(|o| (*o, "100")));
        }
        Drm::MarlinMs3 | Drm::MarlinBb => unreachable!("the Marlin cases are in tests/testsrv_agreement_marlin.rs"),
    }
    p.into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect()
}

/// A case: the DRM, what to change in its base request (`Some(v)` sets, `None` removes; a name given twice
/// is appended), and the code SPEC.md gives.
struct Case {
    drm: Drm,
    changes: Vec<(&'static str, Option<String>)>,
    spec: i32,
}

fn apply(drm: Drm, changes: &[(&'static str, Option<String>)]) -> Vec<(String, String)> {
    let mut p = base(drm);
    for (name, value) in changes {
        match value {
            None => p.retain(|(n, _)| n != name),
            Some(v) => match p.iter_mut().find(|(n, _)| n == name) {
                Some(slot) if !name.ends_with("Extension") => slot.1 = v.clone(),
                _ => p.push((name.to_string(), v.clone())),
            },
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

fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Civil from days (Howard Hinnant's algorithm), for test values only.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

fn cases() -> Vec<Case> {
    use Drm::*;
    let mut v = Vec::new();
    let mut add = |drms: &[Drm], changes: &[(&'static str, Option<&str>)], spec: i32| {
        for &drm in drms {
            v.push(Case { drm, changes: changes.iter().map(|(n, x)| (*n, x.map(str::to_owned))).collect(), spec });
        }
    };
    let all = [FairPlay, Widevine, PlayReady];
    let h = |n: usize, c: char| -> String { std::iter::repeat_n(c, n).collect() };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };

    add(&all, &[], 0);
    // customerAuthenticator
    add(&all, &[("customerAuthenticator", Some(""))], -2017);
    for bad in [
        "201722;1ad8eed133edf43cbcc185f0236828ae",
        "abc,1ad8eed133edf43cbcc185f0236828ae",
        ",1ad8eed133edf43cbcc185f0236828ae",
        "-1,1ad8eed133edf43cbcc185f0236828ae",
        "201722,1ad8eed133edf43cbcc185f0236828a",
        "201722,1ad8eed133edf43cbcc185f0236828ag",
        "201722, 1ad8eed133edf43cbcc185f0236828ae",
        "123456789012345678901,1ad8eed133edf43cbcc185f0236828ae",
        "201722",
    ] {
        add(&all, &[("customerAuthenticator", Some(bad))], -2018);
    }
    add(&all, &[("customerAuthenticator", Some("12345678901234567890,00000000000000000000000000000000"))], 0);
    // errorFormat
    for good in ["html", "json"] {
        add(&all, &[("errorFormat", Some(good))], 0);
    }
    for bad in ["", "JSON", "xml", "json "] {
        add(&all, &[("errorFormat", Some(bad))], -3004);
    }
    // generalFlags
    // 00000001 (persistent): real clients send it to all three DRMs (SPEC.md, real world).
    for good in ["0000", "0", "00000000", "00000001"] {
        add(&[FairPlay, Widevine], &[("generalFlags", Some(good))], 0);
    }
    for bad in ["", "0001", "000000000", "00g0", "-0", "+0", "00000002"] {
        add(&[FairPlay, Widevine], &[("generalFlags", Some(bad))], -5003);
    }
    add(&[PlayReady], &[("generalFlags", Some("00000001"))], 0);
    for bad in ["", "0000", "00000002", "1"] {
        add(&[PlayReady], &[("generalFlags", Some(bad))], -5003);
    }
    // kek, ek
    for bad in [String::new(), h(30, '0'), h(31, '0'), h(34, '0'), h(32, 'g'), h(40, '0')] {
        add(&all, &[("kek", Some(leak(bad)))], -4024);
    }
    add(&[Widevine, PlayReady], &[("kek", Some(KEK))], 0);
    add(&[FairPlay], &[("kek", Some(KEK))], -4024); // FairPlay: with kek, exactly one of kid or ek
    add(&[FairPlay], &[("kek", Some(KEK)), ("kid", Some(KID))], 0);
    add(&[FairPlay], &[("kek", Some(KEK)), ("kid", Some(KID)), ("ek", Some(EK))], -4024);
    add(&[FairPlay], &[("contentKey", None), ("kek", Some(KEK)), ("ek", Some(EK))], 0);
    add(&[Widevine], &[("kek", Some(KEK)), ("ek", Some(EK))], 0);
    add(&[PlayReady], &[("kek", Some(KEK)), ("ek", Some(EK))], 0);
    add(&all, &[("ek", Some(EK))], -4024); // ek without kek
    add(&[Widevine, PlayReady], &[("kek", Some(KEK)), ("ek", Some(EK_OTHER_KEK))], -4024);
    add(&[FairPlay], &[("contentKey", None), ("kek", Some(KEK)), ("ek", Some(EK_OTHER_KEK))], -4024);
    for bad in [String::new(), EK[..46].to_owned(), format!("{EK}00"), h(64, '0'), format!("{}x", &EK[..47])] {
        add(&all, &[("kek", Some(KEK)), ("ek", Some(leak(bad)))], -4024);
    }
    add(&[PlayReady], &[("kek", Some(KEK)), ("contentKey", Some(KEY))], -5007);
    // kid
    for good in [
        KID.to_uppercase(),
        "^movie-1".into(),
        format!("^{}", h(64, 'x')),
        format!("^{}", h(64, '\u{e9}')),
        "^a b&c=d+e%f#g".into(),
    ] {
        add(&all, &[("kid", Some(leak(good)))], 0);
    }
    add(&all, &[("kid", Some(""))], -4018);
    add(&[Widevine, PlayReady], &[("kid", None)], -4018);
    for bad in [h(31, 'a'), h(33, 'a'), h(32, 'z'), format!(" {}", &KID[1..])] {
        add(&all, &[("kid", Some(leak(bad)))], -4020);
    }
    add(&all, &[("kid", Some(leak(format!("^{}", h(65, 'x')))))], -4021);
    add(&all, &[("kid", Some(leak(format!("^{}", h(65, '\u{e9}')))))], -4021);
    add(&all, &[("kid", Some("^"))], -4022);
    // contentKey
    add(&all, &[("contentKey", Some(""))], -2005);
    for bad in [h(31, 'a'), h(33, 'a'), h(32, 'g')] {
        add(&all, &[("contentKey", Some(leak(bad)))], -2027);
    }
    add(&[FairPlay], &[("contentKey", None)], -2005);
    add(&[FairPlay], &[("contentKey", None), ("kid", Some("^movie"))], 0);
    add(&[Widevine, PlayReady], &[("contentKey", Some(KEY))], 0);
    // expirationTime
    let soon = rfc3339(NOW + 86400);
    for good in
        ["+3600", "+0", "+2592000", leak(soon.clone()), leak(soon.replace('Z', ".25Z")), leak(rfc3339(NOW + 2_592_000))]
    {
        add(&all, &[("expirationTime", Some(good))], 0);
    }
    for bad in [
        String::new(),
        "+2592001".into(),
        "+".into(),
        "+-5".into(),
        "+1234567890123456789".into(),
        "2006-04-14T12:01:10Z".into(),
        rfc3339(NOW + 2_592_001),
        rfc3339(NOW),
        soon.replace('Z', "+00:00"),
        soon.replace('T', "t"),
        soon.replace('Z', "z"),
        soon.replace('T', " "),
        "2023-11-15T25:00:00Z".into(),
        "2023-02-29T00:00:00Z".into(),
        "2023-11-15T23:59:60Z".into(),
        "2023-11-15T12:00:00.Z".into(),
        "tomorrow".into(),
        "3600".into(),
    ] {
        add(&all, &[("expirationTime", Some(leak(bad)))], -2002);
    }
    // cookie
    for good in [String::new(), h(32, 'c'), h(32, '\u{e9}')] {
        add(&all, &[("cookie", Some(leak(good)))], 0);
    }
    for bad in [h(33, 'c'), h(33, '\u{e9}')] {
        add(&all, &[("cookie", Some(leak(bad)))], -2033);
    }
    // FairPlay
    add(&[FairPlay], &[("iv", None)], -6003);
    for bad in ["", &IV[..31], "0123456789abcdef0123456789ABCDEG"] {
        add(&[FairPlay], &[("iv", Some(bad))], -6003);
    }
    for good in ["0", "2147483647"] {
        add(&[FairPlay], &[("rentalDuration", Some(good))], 0);
    }
    for bad in ["", "-1", "2147483648", "1.5", "+1", " 1"] {
        add(&[FairPlay], &[("rentalDuration", Some(bad))], -6007);
    }
    for good in ["wudo,AAAAAA==", "wudo,AAAAAA", "a b!,AQID", "wudo,+/+/", "\u{e9}\u{e9}\u{e9}\u{e9},AA=="] {
        add(&[FairPlay], &[("fpExtension", Some(good))], 0);
        add(&[Widevine], &[("wvExtension", Some(good))], 0);
    }
    add(&[FairPlay], &[("fpExtension", Some("wudo,AQID")), ("fpExtension", Some("abcd,AAAA"))], 0);
    for (bad, code) in [
        ("", None),
        ("wudoAAAAAA==", None),
        ("wud,AAAAAA==", Some(-2036)),
        ("wudoo,AAAA", Some(-2036)),
        (",AAAA", Some(-2036)),
        ("wudo,", Some(-2037)),
        ("wudo,AAAA=A", Some(-2037)),
        ("wudo,AAAAAA=", Some(-2037)),
        ("wudo,AA AA", Some(-2037)),
        ("wudo,-_-_", Some(-2037)),
        ("wudo,A", Some(-2037)),
        ("wudo,AAAA,BBBB", Some(-2037)),
    ] {
        add(&[FairPlay], &[("fpExtension", Some(bad))], code.unwrap_or(-6001));
        add(&[Widevine], &[("wvExtension", Some(bad))], code.unwrap_or(-7009));
    }
    add(&[FairPlay], &[("deviceId", Some(KID))], -6008);
    add(&[Widevine], &[("deviceId", Some(KID))], -7002);
    add(&[FairPlay], &[("deviceid", Some(KID))], -6008);
    add(&[Widevine], &[("deviceid", Some(KID))], -7002);
    // Parameters real clients send, with their usual values: accepted by both.
    add(&all, &[("useHttps", Some("true"))], 0);
    add(&all, &[("useHttps", Some("1"))], 0);
    add(&all, &[("expirationTime", Some("+2592000")), ("errorFormat", Some("json")), ("useHttps", Some("false"))], 0);
    for good in ["0", "1", "2", "3", "4"] {
        add(&[Widevine], &[("trackType", Some(good))], 0);
    }
    add(&[Widevine], &[("playbackDuration", Some("7200"))], 0);
    for good in ["150", "2000", "3000"] {
        add(&[PlayReady], &[("minCertSecurityLevel", Some(good))], 0);
    }
    add(&[PlayReady], &[("algId", Some("aescbc"))], 0);
    add(&[PlayReady], &[("algId", Some("aesctr"))], 0);
    // Widevine
    // Not required (SPEC.md's decision: production integrations send neither and get tokens).
    add(&[Widevine], &[("securityLevel", None)], 0);
    add(&[Widevine], &[("securityLevel", None), ("hdcpOutputControl", None), ("useHttps", Some("true"))], 0);
    add(&[Widevine], &[("securityLevel", Some(""))], -7003);
    for good in ["1", "2", "3", "4", "5"] {
        add(&[Widevine], &[("securityLevel", Some(good))], 0);
    }
    for bad in ["0", "6", "x", "01x", "-1"] {
        add(&[Widevine], &[("securityLevel", Some(bad))], -7004);
    }
    add(&[Widevine], &[("hdcpOutputControl", None)], 0);
    add(&[Widevine], &[("hdcpOutputControl", Some(""))], -7006);
    for good in ["2", "3", "4", "5"] {
        add(&[Widevine], &[("hdcpOutputControl", Some(good))], 0);
    }
    for bad in ["6", "-1", "one"] {
        add(&[Widevine], &[("hdcpOutputControl", Some(bad))], -2034);
    }
    add(&[Widevine], &[("licenseDuration", Some("100"))], 0);
    for bad in ["-5", "", "1e3"] {
        add(&[Widevine], &[("licenseDuration", Some(bad))], -7007);
    }
    add(&[Widevine], &[("contentId", Some("any text at all & more"))], 0);
    // PlayReady
    add(&[PlayReady], &[("rightsType", None)], -2020);
    add(&[PlayReady], &[("rightsType", Some(""))], -2020);
    add(&[PlayReady], &[("rightsType", Some("buytoown"))], -2021);
    add(&[PlayReady], &[("rightsType", Some("Rental"))], -2022);
    // A Rental without rental.playDuration: a real client sends one (SPEC.md); persistent, as the page asks.
    add(&[PlayReady], &[("rightsType", Some("Rental")), ("rental.periodEndTime", Some("+3600"))], 0);
    add(
        &[PlayReady],
        &[("rightsType", Some("Rental")), ("rental.periodEndTime", Some("+3600")), ("generalFlags", Some("00000001"))],
        0,
    );
    add(
        &[PlayReady],
        &[("rightsType", Some("Rental")), ("rental.periodEndTime", Some("+3600")), ("rental.playDuration", Some("60"))],
        0,
    );
    add(
        &[PlayReady],
        &[
            ("rightsType", Some("Rental")),
            ("rental.periodEndTime", Some("2006-04-14T12:01:10Z")),
            ("rental.playDuration", Some("60")),
        ],
        0,
    );
    add(&[PlayReady], &[("rental.periodEndTime", Some("whenever"))], -2022);
    add(&[PlayReady], &[("rental.playDuration", Some("x"))], -2025);
    add(&[PlayReady], &[("rental.playDuration", Some(""))], -2023);
    for opl in OPLS {
        add(&[PlayReady], &[(opl, None)], -5006);
        add(&[PlayReady], &[(opl, Some(""))], -5006);
        add(&[PlayReady], &[(opl, Some("1000"))], -2034);
        add(&[PlayReady], &[(opl, Some("999"))], 0);
    }
    add(&[PlayReady], &[("analogVideoOPL", Some("-1"))], -2034);
    for good in ["Allow", "Disallow", "SDOnly"] {
        add(&[PlayReady], &[("unknownOutputBehavior", Some(good))], 0);
    }
    for bad in ["allow", ""] {
        add(&[PlayReady], &[("unknownOutputBehavior", Some(bad))], -5001);
    }
    add(&[PlayReady], &[("outputControlFlags", Some("0000000A"))], 0);
    for (bad, code) in [("000000", -2040), ("000000000", -2040), ("", -2040), ("0000000G", -2008), ("0x000000", -2008)]
    {
        add(&[PlayReady], &[("outputControlFlags", Some(bad))], code);
    }
    add(&[PlayReady], &[("extensionType", Some("abcd")), ("extensionPayload", Some("AQID"))], 0);
    add(&[PlayReady], &[("extensionType", Some("abcd"))], -2035);
    add(&[PlayReady], &[("extensionPayload", Some("AQID"))], -2035);
    add(&[PlayReady], &[("extensionType", Some("abc")), ("extensionPayload", Some("AQID"))], -2036);
    add(&[PlayReady], &[("extensionType", Some("abcd")), ("extensionPayload", Some("!!"))], -2037);
    add(&[PlayReady], &[("extensionType", Some("abcd")), ("extensionPayload", Some(""))], -2035);
    add(&[PlayReady], &[("deviceId", Some(KID))], 0);
    add(&[PlayReady], &[("deviceId", Some(leak(KID.to_uppercase())))], 0);
    for bad in [&KID[..31], "g0112233445566778899aabbccddeeff"] {
        add(&[PlayReady], &[("deviceId", Some(bad))], -5004);
    }
    add(&[PlayReady], &[("deviceId", Some(""))], -5005);
    add(&[PlayReady], &[("deviceid", Some(KID))], 0);
    add(&[PlayReady], &[("deviceid", Some(&KID[..31]))], -5004);
    add(&[PlayReady], &[("deviceid", Some(""))], -5005);
    // Several keys in one token: indexed forms, each with its plain name's codes, and kid.N for contentKey.N.
    let k = |i: u32| -> &'static str { leak(format!("{i:032x}")) };
    let three_keys: Vec<(&'static str, Option<&'static str>)> = vec![
        ("kid", None),
        ("securityLevel", None),
        ("hdcpOutputControl", None),
        ("kid.0", Some(k(1))),
        ("contentKey.0", Some(k(2))),
        ("securityLevel.0", Some("1")),
        ("hdcpOutputControl.0", Some("0")),
        ("trackType.0", Some("0")),
        ("kid.1", Some(k(3))),
        ("contentKey.1", Some(k(4))),
        ("securityLevel.1", Some("3")),
        ("hdcpOutputControl.1", Some("1")),
        ("trackType.1", Some("1")),
        ("kid.2", Some(k(5))),
        ("contentKey.2", Some(k(6))),
        ("securityLevel.2", Some("5")),
        ("hdcpOutputControl.2", Some("4")),
        ("trackType.2", Some("3")),
    ];
    add(&[Widevine], &three_keys, 0);
    let with = |extra: &[(&'static str, Option<&'static str>)]| -> Vec<(&'static str, Option<&'static str>)> {
        three_keys.iter().copied().chain(extra.iter().copied()).collect()
    };
    add(&[Widevine], &with(&[("contentKey.3", Some(k(7)))]), -4018);
    add(&[Widevine], &with(&[("kid.3", Some("^audio"))]), 0); // the key storage has it
    add(&[Widevine], &with(&[("kid.3", Some(""))]), -4018);
    add(&[Widevine], &with(&[("kid.3", Some("12"))]), -4020);
    add(&[Widevine], &with(&[("kid.3", Some("^"))]), -4022);
    add(&[Widevine], &with(&[("contentKey.0", Some(""))]), -2005);
    add(&[Widevine], &with(&[("contentKey.0", Some("12"))]), -2027);
    add(&[Widevine], &with(&[("securityLevel.1", Some(""))]), -7003);
    add(&[Widevine], &with(&[("securityLevel.1", Some("6"))]), -7004);
    add(&[Widevine], &with(&[("hdcpOutputControl.2", Some(""))]), -7006);
    add(&[Widevine], &with(&[("hdcpOutputControl.2", Some("6"))]), -2034);
    add(&[Widevine], &with(&[("contentKey", Some(KEY))]), -4018); // a plain key without a plain kid
    let two_keys: Vec<(&'static str, Option<&'static str>)> = vec![
        ("kid", None),
        ("algId", Some("aescbc")),
        ("kid.0", Some(k(1))),
        ("contentKey.0", Some(k(2))),
        ("minCertSecurityLevel.0", Some("3000")),
        ("kid.1", Some(k(3))),
        ("contentKey.1", Some(k(4))),
        ("minCertSecurityLevel.1", Some("2000")),
    ];
    add(&[PlayReady], &two_keys, 0);
    let with = |extra: &[(&'static str, Option<&'static str>)]| -> Vec<(&'static str, Option<&'static str>)> {
        two_keys.iter().copied().chain(extra.iter().copied()).collect()
    };
    add(&[PlayReady], &with(&[("contentKey.2", Some(k(5)))]), -4018);
    add(&[PlayReady], &with(&[("kek", Some(KEK))]), -5007);
    add(&[PlayReady], &with(&[("kid.1", Some("^"))]), -4022);
    add(&[PlayReady], &with(&[("contentKey.1", Some("x"))]), -2027);
    add(
        &[PlayReady],
        &with(&[("analogVideoOPL", None), ("analogVideoOPL.0", Some("100")), ("analogVideoOPL.1", Some("200"))]),
        0,
    );
    add(&[PlayReady], &with(&[("analogVideoOPL", None)]), -5006);
    add(&[PlayReady], &with(&[("analogVideoOPL", None), ("analogVideoOPL.0", Some(""))]), -5006);
    add(&[PlayReady], &with(&[("compressedDigitalVideoOPL.1", Some("1000"))]), -2034);
    v
}

#[test]
fn the_library_and_the_server_agree_on_every_code() {
    let cases = cases();
    let mut disagreements = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for case in &cases {
        let params = apply(case.drm, &case.changes);
        let (lib, srv) = (library(case.drm, &params), server(case.drm, &params));
        codes.insert(case.spec);
        if lib != case.spec || srv != case.spec {
            disagreements
                .push(format!("{:?} {:?}: SPEC.md {}, library {lib}, server {srv}", case.drm, case.changes, case.spec));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // The corpus covers every code of SPEC.md §2's tables (each one a request can provoke), and success.
    let spec_codes = [
        -2017, -2018, -3004, -5003, -4024, -4018, -4020, -4021, -4022, -2005, -2027, -2002, -2033, // shared
        -6003, -6007, -6001, -2036, -2037, -6008, // FairPlay
        -7003, -7004, -7006, -2034, -7007, -7009, -7002, // Widevine
        -2020, -2021, -2022, -2023, -2025, -5006, -5001, -2008, -2040, -2035, -5004, -5005, -5007, // PlayReady
        0,
    ];
    assert_eq!(codes, spec_codes.into_iter().collect());
    assert!(cases.len() > 300, "{}", cases.len());
}

#[test]
fn where_they_differ_by_design() {
    // The library lets a request go without customerAuthenticator (a trusted proxy adds it); the server
    // needs it.
    for drm in [Drm::FairPlay, Drm::Widevine, Drm::PlayReady] {
        let params = apply(drm, &[("customerAuthenticator", None)]);
        assert_eq!((library(drm, &params), server(drm, &params)), (0, -2017));
    }
    // Parameters real clients send that no vendor table documents: a malformed value gets the library's local
    // status naming the parameter (215-219), while the server has no documented code and lets it pass.
    for (drm, name, bad, local) in [
        (Drm::FairPlay, "useHttps", "yes", 215),
        (Drm::Widevine, "trackType", "5", 216),
        (Drm::Widevine, "trackType.1", "HD", 216),
        (Drm::Widevine, "playbackDuration", "-1", 217),
        (Drm::PlayReady, "minCertSecurityLevel", "2001", 218),
        (Drm::PlayReady, "algId", "cbcs", 219),
    ] {
        let params = apply(drm, &[(name, Some(bad.to_owned()))]);
        assert_eq!((library(drm, &params), server(drm, &params)), (local, 0), "{name}={bad}");
    }
    // An index that is not canonical decimal (kid.01) is not a key's parameter: unknown to the library,
    // ignored by the server (which then misses the kid).
    let params = apply(Drm::Widevine, &[("kid", None), ("kid.01", Some(KID.to_owned()))]);
    assert_eq!(
        (library(Drm::Widevine, &params), server(Drm::Widevine, &params)),
        (xpdrm::Status::XPDRM_ERR_UNKNOWN_PARAMETER.code(), -4018)
    );
    // An unknown name: the library refuses it (a typo would be lost), the server ignores it.
    let params = apply(Drm::FairPlay, &[("contentkey", Some(KEY.to_owned()))]);
    assert_eq!(
        (library(Drm::FairPlay, &params), server(Drm::FairPlay, &params)),
        (xpdrm::Status::XPDRM_ERR_UNKNOWN_PARAMETER.code(), 0)
    );
}

#[test]
fn over_http_the_server_answers_the_same_codes_in_both_formats() {
    let servers = TestServers::start().unwrap();
    let client = Client::new(&servers.client_config(false)).unwrap();
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.spec != 0 && !c.changes.iter().any(|(n, _)| *n == "errorFormat")).step_by(7)
    {
        for format in ["html", "json"] {
            let mut params = apply(case.drm, &case.changes);
            params.retain(|(n, _)| n != "errorFormat" && n != "customerAuthenticator");
            params.push(("errorFormat".into(), format.into()));
            // The account's own authenticator unless the case is about it.
            let auth = case
                .changes
                .iter()
                .find(|(n, _)| *n == "customerAuthenticator")
                .map_or(Some(servers.authenticator.clone()), |(_, v)| v.clone());
            if let Some(a) = auth {
                params.push(("customerAuthenticator".into(), a));
            }
            // Absolute times are checked against the server's clock: those cases stay local.
            if params.iter().any(|(n, v)| n.ends_with("Time") && v.starts_with("20")) {
                continue;
            }
            let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
            let url =
                format!("{}/hms/{}/token?{query}", servers.expressplay.base_url(), token_rules::segment(case.drm));
            let answer =
                client.execute(&OutboundRequest::get(SecretString::from(url.as_str())), Repeat::UnlessSent).unwrap();
            let parsed =
                TokenResponse::parse(case.drm, answer.status, answer.content_type.as_deref(), &answer.body).unwrap();
            assert_eq!(parsed.error_code(), case.spec, "{format} {:?} {:?}", case.drm, case.changes);
            assert!([400, 401].contains(&answer.status), "{}", answer.status);
            let want_type = if format == "json" { "application/json" } else { "text/html" };
            assert!(answer.content_type.as_deref().unwrap_or("").starts_with(want_type));
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
    assert_eq!(servers.expressplay.tokens_minted(), 0);
}

#[test]
fn over_http_multi_key_requests_get_tokens_and_the_answers_read_back() {
    // The server answers as the real service does: FairPlay and Widevine as text/uri-list, PlayReady as
    // pretty-printed JSON labelled text/uri-list; errors with a "[-NNNN] " prefix in their JSON message.
    let servers = TestServers::start().unwrap();
    let client = Client::new(&servers.client_config(false)).unwrap();
    let k = |i: u32| format!("{i:032x}");
    let fetch = |req: &TokenRequest| {
        let url = req.url().unwrap();
        let answer =
            client.execute(&OutboundRequest::get(SecretString::from(url.as_str())), Repeat::UnlessSent).unwrap();
        (
            answer.content_type.clone(),
            TokenResponse::parse(req.drm(), answer.status, answer.content_type.as_deref(), &answer.body).unwrap(),
        )
    };
    let base = format!("{}/hms", servers.expressplay.base_url());

    let mut wv = TokenRequest::new(Drm::Widevine);
    wv.set_base_url(&format!("{base}/wv/token")).unwrap();
    for (n, v) in
        [("customerAuthenticator", servers.authenticator.as_str()), ("useHttps", "true"), ("generalFlags", "00000001")]
    {
        wv.set(n, v).unwrap();
    }
    for (i, (sl, hdcp, track)) in [("1", "0", "0"), ("3", "1", "1"), ("5", "4", "3")].into_iter().enumerate() {
        let i = i as u32;
        wv.set_indexed("kid", i, &k(10 + i)).unwrap();
        wv.set_indexed("contentKey", i, &k(20 + i)).unwrap();
        wv.set_indexed("securityLevel", i, sl).unwrap();
        wv.set_indexed("hdcpOutputControl", i, hdcp).unwrap();
        wv.set_indexed("trackType", i, track).unwrap();
    }
    let (ct, r) = fetch(&wv);
    assert_eq!(ct.as_deref(), Some("text/uri-list"));
    assert_eq!(r.error_code(), 0, "{}", r.error_text());
    assert!(r.license_url().unwrap().starts_with(&format!("{base}/wv/rights/?ExpressPlayToken=")));
    assert!(!r.token().unwrap().is_empty());

    let mut pr = TokenRequest::new(Drm::PlayReady);
    pr.set_base_url(&format!("{base}/pr/token")).unwrap();
    for (n, v) in
        [("customerAuthenticator", servers.authenticator.as_str()), ("rightsType", "BuyToOwn"), ("algId", "aescbc")]
    {
        pr.set(n, v).unwrap();
    }
    for opl in OPLS {
        pr.set(opl, "100").unwrap();
    }
    for (i, level) in ["3000", "2000"].into_iter().enumerate() {
        let i = i as u32;
        pr.set_indexed("kid", i, &k(30 + i)).unwrap();
        pr.set_indexed("contentKey", i, &k(40 + i)).unwrap();
        pr.set_indexed("minCertSecurityLevel", i, level).unwrap();
    }
    let (ct, r) = fetch(&pr);
    assert_eq!(ct.as_deref(), Some("text/uri-list"), "the server labels its JSON as the vendor's table says");
    assert_eq!(r.error_code(), 0, "{}", r.error_text());
    assert!(r.license_url().unwrap().starts_with(&format!("{base}/pr/rights/?ExpressPlayToken=")));

    // A refusal in JSON: the code, and the message without its "[-NNNN] " prefix.
    pr.set("errorFormat", "json").unwrap();
    pr.set_indexed("kid", 2, "^no-such-key-in-the-payload").unwrap();
    pr.set("kek", KEK).unwrap(); // kek with contentKey.N: -5007 (checked by the server; the library agrees)
    assert_eq!(pr.url().unwrap_err().status().code(), -5007);
    pr.unset("kek").unwrap();
    pr.set_unchecked("customerAuthenticator2", "x").unwrap(); // ignored by the server
    pr.set("customerAuthenticator", "1,00000000000000000000000000000000").unwrap();
    let (ct, r) = fetch(&pr);
    assert_eq!(ct.as_deref(), Some("application/json"));
    assert_eq!(r.error_code(), -2018);
    assert!(!r.error_text().starts_with("[-"), "{}", r.error_text());
    assert!(!r.error_text().is_empty());
    assert_eq!(servers.expressplay.tokens_minted(), 2);
}
