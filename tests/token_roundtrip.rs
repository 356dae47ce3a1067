//! Property: every request xpdrm accepts decodes back, through standard form decoders, to exactly the
//! parameters that were set, in order. Values come from the tables' own rules (so each row's whole range
//! is explored, including any character where a rule allows text), plus unchecked extra parameters with
//! arbitrary names and values.
//!
//! Decoders: `form_urlencoded::parse` (what Rust HTTP stacks use), and, independently, Python's
//! `urllib.parse.parse_qsl` with strict parsing (the way most servers decode forms).

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use xpdrm::token::params::{Check, Form, Param, Presence};
use xpdrm::token::{Drm, TokenRequest};

/// The clock of every request: 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

fn hex_digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()), n)
        .prop_map(|v| String::from_utf8(v).unwrap())
}

/// Any characters, including `&`, `=`, `+`, `%`, `#`, spaces, controls and NUL, and non-ASCII.
fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    let interesting =
        proptest::sample::select(vec!['&', '=', '+', '%', '#', ' ', '?', '/', '\0', '\n', ';', '\u{e9}', '\u{1F600}']);
    proptest::collection::vec(prop_oneof![any::<char>(), interesting], min..=max).prop_map(|v| v.into_iter().collect())
}

fn base64(min: usize, max: usize) -> impl Strategy<Value = String> {
    (proptest::collection::vec(any::<u8>(), min..=max), any::<bool>()).prop_map(|(bytes, padded)| {
        use base64ct::Encoding;
        let mut buf = vec![0u8; bytes.len() * 4 / 3 + 4];
        let s = if padded {
            base64ct::Base64::encode(&bytes, &mut buf).unwrap()
        } else {
            base64ct::Base64Unpadded::encode(&bytes, &mut buf).unwrap()
        };
        s.to_string()
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (H. Hinnant's `civil_from_days`), written here independently of
/// the library's parser.
fn rfc3339(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86400), t.rem_euclid(86400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A value that follows `p`'s rule, or `None` for rows that accept nothing (unsupported parameters).
fn valid_value(p: &Param) -> Option<BoxedStrategy<String>> {
    Some(match p.check {
        Check::Authenticator { .. } => {
            ((1u64..99_999_999), hex_digits(32)).prop_map(|(id, k)| format!("{id},{k}")).boxed()
        }
        Check::Choice { values, .. } => proptest::sample::select(values).prop_map(str::to_string).boxed(),
        Check::ZeroHex { .. } => (1usize..=8).prop_map(|n| "0".repeat(n)).boxed(),
        Check::GeneralFlags { short_zero: true, .. } => {
            prop_oneof![(1usize..=8).prop_map(|n| "0".repeat(n)), Just("00000001".to_string())].boxed()
        }
        Check::GeneralFlags { short_zero: false, .. } => {
            proptest::sample::select(&["00000000", "00000001"][..]).prop_map(str::to_string).boxed()
        }
        Check::HexBytes { lengths, .. } => {
            proptest::sample::select(lengths).prop_flat_map(|n| hex_digits(2 * n)).boxed()
        }
        Check::Hex32 { .. } => hex_digits(32).boxed(),
        Check::Kid { .. } => prop_oneof![hex_digits(32), text(1, 64).prop_map(|s| format!("^{s}"))].boxed(),
        Check::Time { max_ahead, .. } => {
            let max = max_ahead.unwrap_or(10 * 365 * 86400);
            prop_oneof![(0..=max).prop_map(|n| format!("+{n}")), (1..=max).prop_map(|n| rfc3339(NOW + n))].boxed()
        }
        Check::MaxChars { max, .. } => text(0, max).boxed(),
        Check::ExactChars { n, .. } => text(n, n).boxed(),
        Check::Base64 { .. } => base64(1, 40).boxed(),
        Check::Extension { .. } => {
            let kind = proptest::collection::vec(any::<char>().prop_filter("no comma", |c| *c != ','), 4)
                .prop_map(|v| v.into_iter().collect::<String>());
            (kind, base64(1, 40)).prop_map(|(k, p)| format!("{k},{p}")).boxed()
        }
        Check::Integer { min, max, .. } => (min..=max).prop_map(|n| n.to_string()).boxed(),
        Check::Hex4Bytes { .. } => hex_digits(8).boxed(),
        Check::Free => text(0, 40).boxed(),
        Check::Unsupported { .. } => return None,
        Check::Form { form, .. } => {
            let part = || "[a-z0-9:.]{1,12}";
            match form {
                Form::ContentUrl => ("(http|https|hls|HTTPS)", part(), "[a-zA-Z0-9/._-]{0,30}")
                    .prop_map(|(s, h, p)| format!("{s}://{h}/{p}"))
                    .boxed(),
                Form::OutputControlOverride => {
                    (part(), part(), "[a-z0-9,]{1,8}").prop_map(|(o, n, v)| format!("urn:{o},{n},{v}")).boxed()
                }
                Form::Ms3Extension => ("[a-z]{4}", prop_oneof![Just("true"), Just("false")], base64(1, 40))
                    .prop_map(|(t, c, p)| format!("{t},{c},{p}"))
                    .boxed(),
            }
        }
    })
}

#[derive(Clone, Debug)]
enum Step {
    Set(&'static str, String),
    Extra(String, String),
}

/// Rows whose values are tied together by rules (`ek` must unwrap under `kek`): left out of the random
/// steps, which would break those rules nearly every time. Their values are plain hex anyway.
const TIED: &[&str] = &["kek", "ek"];

/// A valid request: first every parameter the DRM's rules need (with random valid values), then random
/// steps over the other rows and unchecked extras, which may replace those values or add more.
fn steps(drm: Drm) -> impl Strategy<Value = Vec<Step>> {
    let needed = |p: &Param| {
        p.presence == Presence::Required
            || matches!(p.presence, Presence::Conditional(_))
            || (drm == Drm::FairPlay && p.name == "contentKey")
    };
    let mut prefix: Vec<BoxedStrategy<Step>> = Vec::new();
    let mut choices: Vec<BoxedStrategy<Step>> = Vec::new();
    for p in drm.params() {
        let name = p.name;
        if let Some(values) = valid_value(p) {
            if needed(p) || name == "extensionType" {
                prefix.push(values.clone().prop_map(move |v| Step::Set(name, v)).boxed());
            }
            if !TIED.contains(&name) {
                choices.push(values.prop_map(move |v| Step::Set(name, v)).boxed());
            }
        }
    }
    let known: Vec<String> = drm.params().iter().map(|p| p.name.to_lowercase()).collect();
    let extra = (text(1, 12), text(0, 40))
        .prop_filter("not a listed name", move |(n, _)| !known.contains(&n.to_lowercase()))
        .prop_map(|(n, v)| Step::Extra(n, v));
    choices.push(extra.boxed());
    // Each table row and the extras are equally likely.
    let random = proptest::collection::vec(proptest::strategy::Union::new(choices), 0..24);
    (prefix, random).prop_map(|(mut prefix, random)| {
        prefix.extend(random);
        prefix
    })
}

/// The parameters a request should carry after `steps`: set replaces in place (appends for repeatable
/// rows), unchecked extras append.
fn expected(drm: Drm, steps: &[Step]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in steps {
        match s {
            Step::Set(name, value) => {
                let repeatable = drm.params().iter().any(|p| p.name == *name && p.repeatable);
                match out.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) if !repeatable => slot.1 = value.clone(),
                    _ => out.push((name.to_string(), value.clone())),
                }
            }
            Step::Extra(name, value) => out.push((name.clone(), value.clone())),
        }
    }
    out
}

fn build(drm: Drm, steps: &[Step]) -> TokenRequest {
    let mut r = TokenRequest::new(drm);
    r.set_clock(Some(NOW));
    for s in steps {
        match s {
            Step::Set(name, value) => r.set(name, value).unwrap_or_else(|e| panic!("a valid value was refused: {e}")),
            Step::Extra(name, value) => r.set_unchecked(name, value).unwrap_or_else(|e| panic!("{e}")),
        }
    }
    r
}

#[test]
fn every_accepted_request_decodes_back_exactly_with_form_urlencoded() {
    for drm in Drm::ALL {
        let accepted = AtomicUsize::new(0);
        let mut runner = TestRunner::new(Config { cases: 400, failure_persistence: None, ..Config::default() });
        runner
            .run(&steps(drm), |steps| {
                let r = build(drm, &steps);
                let want = expected(drm, &steps);
                let url = r.url().map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
                accepted.fetch_add(1, Ordering::Relaxed);
                let form = r.form().unwrap();
                let base = drm.base_url(xpdrm::token::Environment::Test);
                if want.is_empty() {
                    prop_assert_eq!(url.as_str(), base);
                } else {
                    prop_assert_eq!(url.as_str(), format!("{base}?{}", form.as_str()));
                }
                let got: Vec<(String, String)> =
                    form_urlencoded::parse(form.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
                prop_assert_eq!(got, want);
                // Only the unreserved characters appear raw: nothing a URL parser could split on.
                prop_assert!(form.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._+%=&".contains(&b)));
                Ok(())
            })
            .unwrap();
        assert_eq!(accepted.load(Ordering::Relaxed), 400, "{}", drm.name());
    }
}

#[test]
fn accepted_requests_decode_back_exactly_with_pythons_parse_qsl() {
    let python = std::process::Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("*** NOT RUN: python3 is not available ***");
        return;
    }
    let mut lines = Vec::new();
    for drm in Drm::ALL {
        let mut runner = TestRunner::new(Config { cases: 150, failure_persistence: None, ..Config::default() });
        let strategy = steps(drm);
        for _ in 0..150 {
            let steps = strategy.new_tree(&mut runner).unwrap().current();
            let r = build(drm, &steps);
            let form = r.form().unwrap_or_else(|e| panic!("a valid request was refused: {e}"));
            let want = expected(drm, &steps);
            lines.push(serde_json::json!({ "form": form.as_str(), "want": want }).to_string());
        }
    }
    assert_eq!(lines.len(), 450);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("token-roundtrip-python");
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("forms.jsonl");
    std::fs::write(&data, lines.join("\n")).unwrap();
    let script = r#"
import json, sys
from urllib.parse import parse_qsl
bad = 0
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    case = json.loads(line)
    got = parse_qsl(case["form"], keep_blank_values=True, strict_parsing=bool(case["form"]),
                    encoding="utf-8", errors="strict")
    want = [tuple(p) for p in case["want"]]
    n += 1
    if got != want:
        bad += 1
        print("MISMATCH", repr(case["form"]), got, want)
print("checked", n)
sys.exit(1 if bad else 0)
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&data).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "python disagrees:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("checked {}", lines.len())), "{stdout}");
}

#[test]
fn the_test_formatter_agrees_with_known_dates() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(NOW), "2023-11-14T22:13:20Z");
    assert_eq!(rfc3339(951_868_800), "2000-03-01T00:00:00Z");
    assert_eq!(rfc3339(1_709_164_800), "2024-02-29T00:00:00Z");
}
