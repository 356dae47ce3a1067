//! Every row of every DRM's parameter table, through the C ABI: accepted values are accepted, and each
//! rejected form gets its exact server code and a reason that names the parameter. The test walks the
//! tables themselves, so a new row without test cases, or a code of a row that no case produces, fails here.
//! Then the whole-request rules: required parameters and every rule across parameters.

mod token_support;

use token_support::Req;
use xpdrm::Status;
use xpdrm::ffi::token::{
    XPDRM_DRM_FAIRPLAY, XPDRM_DRM_MARLIN_BB, XPDRM_DRM_MARLIN_MS3, XPDRM_DRM_PLAYREADY, XPDRM_DRM_WIDEVINE, xpdrm_drm,
};
use xpdrm::token::params::{Check, Presence};
use xpdrm::token::{Drm, params};

/// The clock of every request here: 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

const AUTH: &str = "201722,1ad8eed133edf43cbcc185f0236828ae";
const KEY: &str = "b366360da82e9c6e0b0984002a362cf2";
const KID: &str = "b366360da82e9c6e0b0984002a362cf2";
const IV: &str = "0123456789abcdef0123456789ABCDEF";
// RFC 3394 §4.1: KEK 000102..0f wraps 00112233..ff to this.
const KEK: &str = "000102030405060708090A0B0C0D0E0F";
const EK: &str = "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";
const EK_OTHER_KEK: &str = "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6"; // wrapped under 1111..11

fn c_drm(drm: Drm) -> xpdrm_drm {
    match drm {
        Drm::FairPlay => XPDRM_DRM_FAIRPLAY,
        Drm::Widevine => XPDRM_DRM_WIDEVINE,
        Drm::PlayReady => XPDRM_DRM_PLAYREADY,
        Drm::MarlinMs3 => XPDRM_DRM_MARLIN_MS3,
        Drm::MarlinBb => XPDRM_DRM_MARLIN_BB,
    }
}

struct Cases {
    accept: Vec<String>,
    reject: Vec<(String, i32)>,
}

fn cases(accept: &[&str], reject: &[(&str, i32)]) -> Cases {
    Cases {
        accept: accept.iter().map(|s| s.to_string()).collect(),
        reject: reject.iter().map(|(s, c)| (s.to_string(), *c)).collect(),
    }
}

fn extension(malformed: i32) -> Cases {
    cases(
        &["wudo,AAAAAA==", "wudo,AAAAAA", "a b!,AQID", "wudo,+/+/", "\u{e9}\u{e9}\u{e9}\u{e9},AA=="],
        &[
            ("", malformed),
            ("wudoAAAAAA==", malformed),
            ("wud,AAAAAA==", -2036),
            ("wudoo,AAAA", -2036),
            (",AAAA", -2036),
            ("wudo,", -2037),
            ("wudo,AAAA=A", -2037),
            ("wudo,AAAAAA=", -2037),
            ("wudo,AA AA", -2037),
            ("wudo,-_-_", -2037),
            ("wudo,A", -2037),
            ("wudo,AAAA,BBBB", -2037),
        ],
    )
}

fn hex(n: usize, c: char) -> String {
    std::iter::repeat_n(c, n).collect()
}

/// The test cases of a row. Every row of every table must have some.
fn cases_for(drm: Drm, name: &str) -> Option<Cases> {
    let h31 = &KEY[..31];
    let h33 = format!("{KEY}0");
    let g32 = format!("{}g", &KEY[..31]);
    Some(match name {
        "customerAuthenticator" => cases(
            &[AUTH, "1,ABCDEF0123456789abcdef0123456789", "12345678901234567890,00000000000000000000000000000000"],
            &[
                ("", -2017),
                ("201722;1ad8eed133edf43cbcc185f0236828ae", -2018),
                ("abc,1ad8eed133edf43cbcc185f0236828ae", -2018),
                (",1ad8eed133edf43cbcc185f0236828ae", -2018),
                ("-1,1ad8eed133edf43cbcc185f0236828ae", -2018),
                ("201722,1ad8eed133edf43cbcc185f0236828a", -2018),
                ("201722,1ad8eed133edf43cbcc185f0236828ae0", -2018),
                ("201722,1ad8eed133edf43cbcc185f0236828ag", -2018),
                ("201722, 1ad8eed133edf43cbcc185f0236828ae", -2018),
                ("123456789012345678901,1ad8eed133edf43cbcc185f0236828ae", -2018),
                ("201722", -2018),
            ],
        ),
        "errorFormat" => cases(&["html", "json"], &[("", -3004), ("JSON", -3004), ("xml", -3004), ("json ", -3004)]),
        "generalFlags" if drm == Drm::PlayReady => cases(
            &["00000000", "00000001"],
            &[("", -5003), ("0000", -5003), ("00000002", -5003), ("1", -5003), ("000000001", -5003)],
        ),
        // Real clients send 00000001 (persistent) to Widevine and FairPlay too, whose pages allow only zero.
        "generalFlags" => cases(
            &["0000", "0", "00000000", "00000001"],
            &[("", -5003), ("0001", -5003), ("000000000", -5003), ("00g0", -5003), ("00000002", -5003), ("-0", -5003)],
        ),
        "useHttps" => cases(&["true", "false", "1", "0"], &[("", 215), ("TRUE", 215), ("yes", 215), ("true ", 215)]),
        "trackType" => cases(&["0", "1", "2", "3", "4"], &[("", 216), ("5", 216), ("HD", 216), ("-1", 216)]),
        "playbackDuration" => {
            cases(&["0", "3600", "2147483647"], &[("", 217), ("-1", 217), ("2147483648", 217), ("1h", 217)])
        }
        "minCertSecurityLevel" => {
            cases(&["150", "2000", "3000"], &[("", 218), ("2001", 218), ("SL3000", 218), ("0", 218)])
        }
        "algId" => cases(&["aesctr", "aescbc"], &[("", 219), ("AESCBC", 219), ("cbcs", 219), ("aes-cbc", 219)]),
        "kek" => cases(
            &[KEK, &hex(48, 'a'), &hex(64, 'F')],
            &[
                ("", -4024),
                (&hex(30, '0'), -4024),
                (&hex(31, '0'), -4024),
                (&hex(34, '0'), -4024),
                (&g32, -4024),
                (&hex(40, '0'), -4024),
            ],
        ),
        "kid" => cases(
            &[
                KID,
                &KID.to_uppercase(),
                "^movie-1",
                &format!("^{}", hex(64, 'x')),
                &format!("^{}", hex(64, '\u{e9}')),
                "^a b&c=d+e%f#g",
            ],
            &[
                ("", -4018),
                (h31, -4020),
                (&h33, -4020),
                (&hex(32, 'z'), -4020),
                (" b366360da82e9c6e0b0984002a362cf", -4020),
                (&format!("^{}", hex(65, 'x')), -4021),
                (&format!("^{}", hex(65, '\u{e9}')), -4021),
                ("^", -4022),
            ],
        ),
        "ek" => cases(
            &[EK, &EK.to_lowercase()],
            &[
                ("", -4024),
                (&EK[..46], -4024),
                (&format!("{EK}00"), -4024),
                (&format!("{}x", &EK[..47]), -4024),
                (&hex(64, '0'), -4024),
            ],
        ),
        "contentKey" => cases(
            &[KEY, &KEY.to_uppercase()],
            &[("", -2005), (h31, -2027), (&h33, -2027), (&g32, -2027), (&hex(64, '0'), -2027)],
        ),
        "iv" => cases(&[IV], &[("", -6003), (h31, -6003), (&h33, -6003), (&g32, -6003)]),
        "rentalDuration" => cases(
            &["0", "3600", "2147483647", "007"],
            &[
                ("", -6007),
                ("-1", -6007),
                ("+1", -6007),
                ("1.5", -6007),
                ("2147483648", -6007),
                ("99999999999", -6007),
                (" 1", -6007),
                ("\u{661}", -6007),
            ],
        ),
        "fpExtension" => extension(-6001),
        "wvExtension" => extension(-7009),
        "expirationTime" => cases(
            &["+0", "+60", "+2592000", "2023-11-14T22:13:21Z", "2023-12-14T22:13:20Z", "2023-11-20T00:00:00.5Z"],
            &[
                ("", -2002),
                ("+2592001", -2002),
                ("2023-11-14T22:13:20Z", -2002),
                ("2023-11-14T22:13:19Z", -2002),
                ("2023-12-14T22:13:21Z", -2002),
                ("2023-11-20T00:00:00", -2002),
                ("2023-11-20T00:00:00+00:00", -2002),
                ("60", -2002),
                ("2024-02-30T00:00:00Z", -2002),
                ("tomorrow", -2002),
            ],
        ),
        "rental.periodEndTime" => cases(
            &["+60", "2006-04-14T12:01:10Z", "+99999999"],
            &[("", -2022), ("2006-04-14", -2022), ("+", -2022), ("2006-04-14T25:01:10Z", -2022)],
        ),
        "cookie" => cases(
            &["", "session 42", &hex(32, 'c'), &hex(32, '\u{e9}'), "a&b=c+d%e#f"],
            &[(&hex(33, 'c'), -2033), (&hex(33, '\u{e9}'), -2033)],
        ),
        "deviceId" | "deviceid" if drm == Drm::FairPlay => cases(&[], &[(KEY, -6008), ("", -6008)]),
        "deviceId" | "deviceid" if drm == Drm::Widevine => cases(&[], &[(KEY, -7002), ("", -7002)]),
        "deviceId" | "deviceid" => {
            cases(&[KEY, &KEY.to_uppercase()], &[("", -5005), (h31, -5004), (&h33, -5004), (&g32, -5004)])
        }
        "contentId" => cases(&["", "movie 1", "\u{fc}&=+%#"], &[]),
        "securityLevel" => cases(
            &["1", "2", "3", "4", "5"],
            &[
                ("", -7003),
                ("0", -7004),
                ("6", -7004),
                ("x", -7004),
                ("-1", -7004),
                ("1.0", -7004),
                ("SW_SECURE_CRYPTO", -7004),
            ],
        ),
        // 3 to 5 (HDCP 2.1, 2.2, no digital output): real clients send them although the table lists 0 to 2.
        "hdcpOutputControl" => {
            cases(&["0", "1", "2", "3", "4", "5"], &[("", -7006), ("6", -2034), ("-1", -2034), ("HDCP_V1", -2034)])
        }
        "licenseDuration" => {
            cases(&["0", "86400", "2147483647"], &[("", -7007), ("-5", -7007), ("2147483648", -7007), ("1e3", -7007)])
        }
        "rightsType" => {
            cases(&["BuyToOwn", "Rental"], &[("", -2020), ("buytoown", -2021), ("Rent", -2021), ("Rental ", -2021)])
        }
        "rental.playDuration" => {
            cases(&["0", "3600"], &[("", -2023), ("-1", -2025), ("x", -2025), ("2147483648", -2025)])
        }
        n if n.ends_with("OPL") => {
            cases(&["0", "150", "999"], &[("", -5006), ("1000", -2034), ("-1", -2034), ("abc", -2034)])
        }
        "unknownOutputBehavior" => {
            cases(&["Allow", "Disallow", "SDOnly"], &[("", -5001), ("allow", -5001), ("Deny", -5001)])
        }
        "outputControlFlags" => cases(
            &["00000000", "DEADbeef"],
            &[("", -2040), ("0000000", -2040), ("000000000", -2040), ("0000000g", -2008), ("0x000000", -2008)],
        ),
        "extensionType" => {
            cases(&["wudo", "\u{e9}\u{e9}\u{e9}\u{e9}"], &[("", -2036), ("wud", -2036), ("wudoo", -2036)])
        }
        "extensionPayload" => {
            cases(&["AAAAAA==", "AQID"], &[("", -2035), ("AAAAAA=", -2037), ("A", -2037), ("-_", -2037)])
        }
        _ => return None,
    })
}

#[test]
fn every_row_accepts_its_valid_values_and_rejects_each_bad_form_with_the_servers_code() {
    let mut rows = 0;
    for drm in Drm::ALL {
        for p in drm.params() {
            rows += 1;
            let c = cases_for(drm, p.name).unwrap_or_else(|| panic!("{} {}: no test cases", drm.name(), p.name));
            if !matches!(p.check, Check::Unsupported { .. }) {
                assert!(!c.accept.is_empty(), "{} {}: no accepted value", drm.name(), p.name);
            }
            for value in &c.accept {
                let mut r = Req::new(c_drm(drm));
                r.set_clock(NOW);
                assert_eq!(
                    r.set(p.name, value),
                    Status::XPDRM_OK,
                    "{} {}={value:?}: {}",
                    drm.name(),
                    p.name,
                    r.last_error()
                );
                // The setter succeeded, so the reason is the whole request's: empty exactly when it builds.
                assert_eq!(r.last_error().is_empty(), r.url().is_ok(), "{} {}={value:?}", drm.name(), p.name);
            }
            for (value, code) in &c.reject {
                let mut r = Req::new(c_drm(drm));
                r.set_clock(NOW);
                let st = r.set(p.name, value);
                assert_eq!(st.code(), *code, "{} {}={value:?}: {}", drm.name(), p.name, r.last_error());
                let reason = r.last_error();
                assert!(reason.starts_with(&format!("{} ", p.name)), "reason does not name {}: {reason}", p.name);
                assert!(
                    reason.contains(&format!("Rule for {}: {}", p.name, p.rule)),
                    "reason lacks the rule: {reason}"
                );
                assert!(
                    reason.ends_with(&format!("Status {code}: {}", st.text())),
                    "reason lacks the status: {reason}"
                );
                if p.secret && value.len() >= 8 {
                    assert!(!reason.contains(value.as_str()), "the reason quotes a secret: {reason}");
                }
                assert_eq!(r.redacted(), Drm::ALL[c_drm(drm) as usize].base_url(xpdrm::token::Environment::Test));
            }
            // Several keys in one token: the indexed forms follow the plain row, code for code.
            if params::indexed_names(drm).contains(&p.name) {
                for index in [0u32, 1, 17] {
                    let indexed = format!("{}.{index}", p.name);
                    for value in &c.accept {
                        let mut r = Req::new(c_drm(drm));
                        r.set_clock(NOW);
                        assert_eq!(r.set_indexed(p.name, index, value), Status::XPDRM_OK, "{indexed}={value:?}");
                        assert!(r.redacted().contains(&format!("?{indexed}=")), "{}", r.redacted());
                    }
                    for (value, code) in &c.reject {
                        let mut r = Req::new(c_drm(drm));
                        r.set_clock(NOW);
                        assert_eq!(r.set(&indexed, value).code(), *code, "{indexed}={value:?}");
                        let reason = r.last_error();
                        assert!(reason.starts_with(&format!("{indexed} ")), "reason does not name {indexed}: {reason}");
                        assert_eq!(r.set_indexed(p.name, index, value).code(), *code, "{indexed}={value:?}");
                    }
                }
            }
            for code in p.codes() {
                assert!(
                    c.reject.iter().any(|(_, c)| *c == code.code()),
                    "{} {}: no test case produces {} ({})",
                    drm.name(),
                    p.name,
                    code.code(),
                    code.text()
                );
            }
        }
    }
    assert!(rows >= 50, "only {rows} rows: the tables were not walked");
}

#[test]
fn names_are_case_sensitive_and_the_reason_suggests_the_right_one() {
    for drm in Drm::ALL {
        for p in drm.params() {
            let wrong = if p.name == p.name.to_uppercase() { p.name.to_lowercase() } else { p.name.to_uppercase() };
            let mut r = Req::new(c_drm(drm));
            assert_eq!(r.set(&wrong, "0"), Status::XPDRM_ERR_UNKNOWN_PARAMETER, "{wrong}");
            let reason = r.last_error();
            // deviceId and deviceid differ in case only: either is the right suggestion for DEVICEID.
            let same: Vec<_> = drm.params().iter().filter(|q| q.name.eq_ignore_ascii_case(p.name)).collect();
            assert!(same.iter().any(|q| reason.contains(&format!("did you mean {}?", q.name))), "{reason}");
            assert!(reason.contains(&format!("{wrong:?}")), "the reason does not name {wrong}: {reason}");
        }
    }
    let mut r = Req::new(XPDRM_DRM_FAIRPLAY);
    assert_eq!(r.set("securityLevel", "1"), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
    assert!(r.last_error().contains("it is a Widevine parameter"), "{}", r.last_error());
    assert_eq!(r.set("rightsType", "Rental"), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
    assert!(r.last_error().contains("it is a PlayReady parameter"), "{}", r.last_error());
    assert_eq!(r.set("prFlag", "true"), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
    assert!(r.last_error().contains("unchecked setter"), "{}", r.last_error());
}

/// A complete, valid request for each DRM: the baseline that the rule tests break one way at a time.
fn baseline(drm: Drm) -> Req {
    let mut r = Req::new(c_drm(drm));
    r.set_clock(NOW);
    match drm {
        Drm::FairPlay => {
            r.ok("customerAuthenticator", AUTH).ok("contentKey", KEY).ok("iv", IV);
        }
        Drm::Widevine => {
            r.ok("kid", KID).ok("contentKey", KEY).ok("securityLevel", "1").ok("hdcpOutputControl", "0");
        }
        // The multi-key forms have their own cases below.
        Drm::PlayReady => {
            r.ok("kid", KID).ok("contentKey", KEY).ok("rightsType", "BuyToOwn");
            for opl in [
                "analogVideoOPL",
                "compressedDigitalAudioOPL",
                "compressedDigitalVideoOPL",
                "uncompressedDigitalAudioOPL",
                "uncompressedDigitalVideoOPL",
            ] {
                r.ok(opl, "0");
            }
        }
        Drm::MarlinMs3 => {
            r.ok("contentId", "urn:marlin:kid:00112233445566778899aabbccddeeff").ok("contentKey", KEY);
        }
        Drm::MarlinBb => {
            r.ok("actionTokenType", "0").ok("userId", "555556");
        }
    }
    assert!(r.url().is_ok(), "{} baseline: {}", drm.name(), r.last_error());
    r
}

#[test]
fn every_required_parameter_is_missed_with_its_code() {
    for drm in Drm::ALL {
        let required: Vec<_> = drm.params().iter().filter(|p| p.presence == Presence::Required).collect();
        assert!(!required.is_empty());
        for p in required {
            let mut r = baseline(drm);
            assert_eq!(r.unset(p.name), Status::XPDRM_OK);
            let code = p.missing.unwrap().code();
            assert_eq!(r.url().unwrap_err().code(), code, "{} without {}", drm.name(), p.name);
            assert_eq!(r.form().unwrap_err().code(), code);
            let reason = r.last_error();
            assert!(
                reason.starts_with(&format!("{} is missing; a {} request requires it.", p.name, drm.name())),
                "{reason}"
            );
        }
    }
    // customerAuthenticator is the server's requirement, not ours: a trusted proxy may add it.
    let mut r = baseline(Drm::FairPlay);
    assert_eq!(r.unset("customerAuthenticator"), Status::XPDRM_OK);
    assert!(r.url().is_ok());
}

/// Ways to break (and to keep) each rule across parameters, by the rule's code and a phrase of its text.
struct RuleCase {
    drm: Drm,
    rule: &'static str,
    unset: &'static [&'static str],
    set: &'static [(&'static str, &'static str)],
    expect: i32,
}

const RULE_CASES: &[RuleCase] = &[
    // ek needs kek.
    RuleCase { drm: Drm::FairPlay, rule: "ek needs kek", unset: &[], set: &[("ek", EK)], expect: -4024 },
    RuleCase { drm: Drm::Widevine, rule: "ek needs kek", unset: &[], set: &[("ek", EK)], expect: -4024 },
    RuleCase { drm: Drm::PlayReady, rule: "ek needs kek", unset: &["contentKey"], set: &[("ek", EK)], expect: -4024 },
    // FairPlay: kek with exactly one of kid or ek.
    RuleCase { drm: Drm::FairPlay, rule: "exactly one of kid or ek", unset: &[], set: &[("kek", KEK)], expect: -4024 },
    RuleCase {
        drm: Drm::FairPlay,
        rule: "exactly one of kid or ek",
        unset: &[],
        set: &[("kek", KEK), ("kid", KID), ("ek", EK)],
        expect: -4024,
    },
    RuleCase {
        drm: Drm::FairPlay,
        rule: "exactly one of kid or ek",
        unset: &["contentKey"],
        set: &[("kek", KEK), ("kid", KID)],
        expect: 0,
    },
    RuleCase {
        drm: Drm::FairPlay,
        rule: "exactly one of kid or ek",
        unset: &["contentKey"],
        set: &[("kek", KEK), ("ek", EK)],
        expect: 0,
    },
    // FairPlay: a content key from somewhere.
    RuleCase { drm: Drm::FairPlay, rule: "contentKey is required", unset: &["contentKey"], set: &[], expect: -2005 },
    RuleCase {
        drm: Drm::FairPlay,
        rule: "contentKey is required",
        unset: &["contentKey"],
        set: &[("kid", "^movie")],
        expect: 0,
    },
    // ek must unwrap under kek.
    RuleCase {
        drm: Drm::FairPlay,
        rule: "must unwrap",
        unset: &[],
        set: &[("kek", KEK), ("ek", EK_OTHER_KEK)],
        expect: -4024,
    },
    RuleCase {
        drm: Drm::Widevine,
        rule: "must unwrap",
        unset: &[],
        set: &[("kek", KEK), ("ek", EK_OTHER_KEK)],
        expect: -4024,
    },
    RuleCase {
        drm: Drm::Widevine,
        rule: "must unwrap",
        unset: &[],
        set: &[("kek", "11111111111111111111111111111111"), ("ek", EK_OTHER_KEK)],
        expect: 0,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "must unwrap",
        unset: &["contentKey"],
        set: &[("kek", KEK), ("ek", EK_OTHER_KEK)],
        expect: -4024,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "must unwrap",
        unset: &["contentKey"],
        set: &[("kek", KEK), ("ek", EK)],
        expect: 0,
    },
    // PlayReady: kek or contentKey.
    RuleCase {
        drm: Drm::PlayReady,
        rule: "only one of kek or contentKey",
        unset: &[],
        set: &[("kek", KEK)],
        expect: -5007,
    },
    // PlayReady rentals.
    RuleCase {
        drm: Drm::PlayReady,
        rule: "rental.periodEndTime",
        unset: &[],
        set: &[("rightsType", "Rental"), ("rental.playDuration", "3600")],
        expect: -2022,
    },
    // A Rental without rental.playDuration: a real client sends one, so it is not refused (SPEC.md).
    RuleCase {
        drm: Drm::PlayReady,
        rule: "rental.periodEndTime",
        unset: &[],
        set: &[("rightsType", "Rental"), ("rental.periodEndTime", "+86400")],
        expect: 0,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "rental.periodEndTime",
        unset: &[],
        set: &[
            ("rightsType", "Rental"),
            ("rental.periodEndTime", "+86400"),
            ("rental.playDuration", "3600"),
            ("generalFlags", "00000001"),
        ],
        expect: 0,
    },
    // Every key has its kid (several keys in one token).
    RuleCase {
        drm: Drm::Widevine,
        rule: "every content key has its key ID",
        unset: &["kid"],
        set: &[("kid.0", KID)],
        expect: -4018,
    },
    RuleCase {
        drm: Drm::Widevine,
        rule: "every content key has its key ID",
        unset: &["kid", "contentKey"],
        set: &[("kid.0", KID), ("contentKey.1", KEY)],
        expect: -4018,
    },
    RuleCase {
        drm: Drm::Widevine,
        rule: "every content key has its key ID",
        unset: &["kid", "contentKey"],
        set: &[("kid.0", KID), ("contentKey.0", KEY), ("kid.1", "^audio")],
        expect: 0,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "every content key has its key ID",
        unset: &["kid", "contentKey"],
        set: &[("contentKey.0", KEY), ("kid.1", KID)],
        expect: -4018,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "every content key has its key ID",
        unset: &["kid", "contentKey"],
        set: &[("kid.1", KID), ("contentKey.1", KEY), ("kid.0", "^video")],
        expect: 0,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "only one of kek or contentKey",
        unset: &["contentKey"],
        set: &[("contentKey.0", KEY), ("kid.0", KID), ("kek", KEK)],
        expect: -5007,
    },
    // PlayReady extension pairs.
    RuleCase {
        drm: Drm::PlayReady,
        rule: "extensionType and extensionPayload",
        unset: &[],
        set: &[("extensionType", "wudo")],
        expect: -2035,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "extensionType and extensionPayload",
        unset: &[],
        set: &[("extensionPayload", "AAAA")],
        expect: -2035,
    },
    RuleCase {
        drm: Drm::PlayReady,
        rule: "extensionType and extensionPayload",
        unset: &[],
        set: &[("extensionType", "wudo"), ("extensionPayload", "AAAA")],
        expect: 0,
    },
];

#[test]
fn every_rule_across_parameters_is_broken_with_its_code() {
    for case in RULE_CASES {
        let mut r = baseline(case.drm);
        for name in case.unset {
            assert_eq!(r.unset(name), Status::XPDRM_OK);
        }
        for (name, value) in case.set {
            r.ok(name, value);
        }
        let what = format!("{} / {} / {:?}", case.drm.name(), case.rule, case.set);
        if case.expect == 0 {
            assert!(r.url().is_ok() && r.form().is_ok(), "{what}: {}", r.last_error());
        } else {
            assert_eq!(r.url().unwrap_err().code(), case.expect, "{what}");
            assert_eq!(r.form().unwrap_err().code(), case.expect, "{what}");
            let reason = r.last_error();
            assert!(reason.contains(case.rule), "{what}: {reason}");
            assert!(reason.starts_with(&format!("the {} request breaks a rule: ", case.drm.name())), "{reason}");
        }
    }
    // Every rule of every DRM is broken by some case above.
    for drm in Drm::ALL {
        for rule in drm.request_rules() {
            assert!(
                RULE_CASES.iter().any(|c| c.drm == drm && c.expect == rule.code.code() && rule.rule.contains(c.rule)),
                "{}: no test breaks the rule {:?}",
                drm.name(),
                rule.rule
            );
        }
    }
}

#[test]
fn an_absolute_expiry_is_checked_again_when_the_request_is_built() {
    let mut r = baseline(Drm::FairPlay);
    r.ok("expirationTime", "2023-11-15T00:00:00Z");
    assert!(r.url().is_ok());
    // A day later, by this request's clock, the same expiry lies in the past.
    r.set_clock(NOW + 86_400);
    assert_eq!(r.url().unwrap_err().code(), -2002);
    assert!(r.last_error().starts_with("expirationTime is not in the future"), "{}", r.last_error());
    // A relative expiry does not depend on the clock.
    r.ok("expirationTime", "+3600");
    assert!(r.url().is_ok());
    // The system clock is used when none is fixed: a time in 2023 is in the past.
    let mut r = baseline(Drm::FairPlay);
    r.set_clock(0);
    assert_eq!(r.set("expirationTime", "2023-11-15T00:00:00Z").code(), -2002);
}

#[test]
fn every_table_has_the_parameters_of_the_spec() {
    // SPEC.md §2, by hand, so that a row deleted by mistake is noticed.
    let shared = [
        "customerAuthenticator",
        "errorFormat",
        "generalFlags",
        "useHttps",
        "kek",
        "kid",
        "ek",
        "contentKey",
        "expirationTime",
        "cookie",
        "deviceId",
        "deviceid",
    ];
    let fairplay = ["iv", "rentalDuration", "fpExtension"];
    let widevine = [
        "contentId",
        "securityLevel",
        "hdcpOutputControl",
        "trackType",
        "licenseDuration",
        "playbackDuration",
        "wvExtension",
    ];
    let playready = [
        "rightsType",
        "rental.periodEndTime",
        "rental.playDuration",
        "analogVideoOPL",
        "compressedDigitalAudioOPL",
        "compressedDigitalVideoOPL",
        "uncompressedDigitalAudioOPL",
        "uncompressedDigitalVideoOPL",
        "unknownOutputBehavior",
        "outputControlFlags",
        "extensionType",
        "extensionPayload",
        "minCertSecurityLevel",
        "algId",
    ];
    for (drm, own) in [(Drm::FairPlay, &fairplay[..]), (Drm::Widevine, &widevine[..]), (Drm::PlayReady, &playready[..])]
    {
        let mut want: Vec<&str> = shared.iter().chain(own).copied().collect();
        let mut have: Vec<&str> = drm.params().iter().map(|p| p.name).collect();
        want.sort();
        have.sort();
        assert_eq!(have, want, "{}", drm.name());
    }
    assert!(params::find(Drm::FairPlay, "iv").is_some_and(|(_, p)| p.presence == Presence::Required));
}
