//! The token server's parameter checks, written from SPEC.md §2 on their own: they do not call the
//! library's token module or read its tables, so that the two can disagree and `tests/testsrv_agreement.rs`
//! can catch it. Where SPEC.md leaves room, they follow the decisions the README documents (an empty value is
//! a missing one; integers are plain decimal digits that fit 32 bits; base64 is the standard alphabet, with
//! or without padding).
//!
//! They follow SPEC.md's rule of local validation as the library does, written again here: `generalFlags`
//! `00000001` on every DRM, `hdcpOutputControl` 0 to 5, Widevine without `securityLevel` or
//! `hdcpOutputControl`, a Rental without `rental.playDuration`, both spellings of `deviceId`, and several keys
//! in one token (`kid.N`, `contentKey.N`, per-key settings, each checked with its plain name's codes; every
//! `contentKey.N` needs its `kid.N`). Parameters without a documented code (`useHttps`, `trackType`,
//! `playbackDuration`, `minCertSecurityLevel`, `algId`) are not refused here: no one knows that the real
//! server refuses them, and the library's local statuses for them are its own.
//!
//! Crates chosen apart from the library's: `time` for RFC 3339, `base64` for base64, `aes-kw` directly for
//! the `ek` check.

use base64::Engine;

/// The DRM (the library's type: only its name is shared; the checks below are the server's own).
pub use xpdrm::token::Drm;

/// The path segment of a DRM (`fp`, `wv`, `pr`).
pub fn segment(drm: Drm) -> &'static str {
    match drm {
        Drm::FairPlay => "fp",
        Drm::Widevine => "wv",
        Drm::PlayReady => "pr",
        Drm::MarlinMs3 => "ms3",
        Drm::MarlinBb => "bb",
    }
}

/// The DRM of a path segment.
pub fn drm_of_segment(s: &str) -> Option<Drm> {
    Drm::EVERY.into_iter().find(|d| segment(*d) == s)
}

/// A refusal: the ExpressPlay code and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The (negative) code.
    pub code: i32,
    /// What is wrong, naming the parameter.
    pub what: String,
}

fn refuse(code: i32, what: impl Into<String>) -> Refusal {
    Refusal { code, what: what.into() }
}

/// A request whose parameters passed: the values the token is minted from.
#[derive(Clone, Debug, Default)]
pub struct Accepted {
    /// `customerAuthenticator`.
    pub authenticator: String,
    /// The content key, if the request gave it (`contentKey`, or `ek` unwrapped under `kek`).
    pub content_key: Option<[u8; 16]>,
    /// `kid`, as given.
    pub kid: Option<String>,
    /// `cookie`.
    pub cookie: String,
    /// `deviceId`, lowercase (PlayReady only).
    pub device_id: Option<String>,
    /// When the token expires (Unix seconds).
    pub expires_at: i64,
    /// `errorFormat=json`.
    pub json_errors: bool,
}

/// PlayReady's five output protection levels, each required.
pub const OPLS: [&str; 5] = [
    "analogVideoOPL",
    "compressedDigitalAudioOPL",
    "compressedDigitalVideoOPL",
    "uncompressedDigitalAudioOPL",
    "uncompressedDigitalVideoOPL",
];

/// Seconds in 30 days.
const THIRTY_DAYS: i64 = 30 * 86400;
/// A token's lifetime without `expirationTime`.
const DEFAULT_LIFETIME: i64 = 86400;

struct Params<'a>(&'a [(String, String)]);

impl Params<'_> {
    /// The first value of `name`; empty values count as absent.
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// Present (even empty).
    fn given(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The indexed forms `name.N` (several keys in one token): index and value, in the order given.
    fn indexed<'b>(&'b self, name: &'b str) -> impl Iterator<Item = (u32, &'b str)> + 'b {
        self.0.iter().filter_map(move |(n, v)| {
            let digits = n.strip_prefix(name)?.strip_prefix('.')?;
            let canonical = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits.len() == 1 || !digits.starts_with('0'));
            canonical.then(|| digits.parse::<u32>().ok()).flatten().map(|i| (i, v.as_str()))
        })
    }

    /// The plain form or some indexed form is given.
    fn any_form(&self, name: &str) -> bool {
        self.given(name) || self.indexed(name).next().is_some()
    }
}

/// The parameters that take an index, per DRM, with what the server checks for each value.
fn indexed_rules(drm: Drm) -> &'static [&'static str] {
    match drm {
        Drm::FairPlay => &[],
        Drm::Widevine => &["kid", "contentKey", "securityLevel", "hdcpOutputControl", "trackType"],
        Drm::PlayReady => &[
            "kid",
            "contentKey",
            "minCertSecurityLevel",
            "analogVideoOPL",
            "compressedDigitalAudioOPL",
            "compressedDigitalVideoOPL",
            "uncompressedDigitalAudioOPL",
            "uncompressedDigitalVideoOPL",
        ],
        // Marlin's indexed keys are checked in testsrv/src/marlin.rs.
        Drm::MarlinMs3 | Drm::MarlinBb => &[],
    }
}

/// Checks every `name.N` value with the plain name's rule and code; then that every `contentKey.N` has its
/// `kid.N`. Returns the first key (plain, else the lowest index) for the token.
fn several_keys(p: &Params<'_>, drm: Drm) -> Result<(), Refusal> {
    for &name in indexed_rules(drm) {
        for (index, value) in p.indexed(name) {
            let one = [(name.to_owned(), value.to_owned())];
            let q = Params(&one);
            let checked = match name {
                "kid" => kid(q.get("kid"), true),
                "contentKey" => content_key(&q).map(|_| ()),
                "securityLevel" => integer_param(&q, name, (1, 5), false, Some(-7003), -7004),
                "hdcpOutputControl" => integer_param(&q, name, (0, 5), false, Some(-7006), -2034),
                "trackType" | "minCertSecurityLevel" => Ok(()), // no documented code
                _ => integer_param(&q, name, (0, 999), false, Some(-5006), -2034), // the OPLs
            };
            checked.map_err(|r| refuse(r.code, format!("{} (key {index})", r.what)))?;
        }
    }
    // Widevine and PlayReady need a kid for every key; FairPlay's single key does without.
    if drm != Drm::FairPlay && p.given("contentKey") && !p.given("kid") {
        return Err(refuse(-4018, "contentKey without kid"));
    }
    for (index, _) in p.indexed("contentKey") {
        if !p.indexed("kid").any(|(i, _)| i == index) {
            return Err(refuse(-4018, format!("contentKey.{index} without kid.{index}")));
        }
    }
    Ok(())
}

/// `contentKey`: -2005 empty, -2027 not 32 hex digits.
fn content_key(p: &Params<'_>) -> Result<Option<[u8; 16]>, Refusal> {
    if !p.given("contentKey") {
        return Ok(None);
    }
    match p.get("contentKey") {
        None => Err(refuse(-2005, "contentKey is empty")),
        Some(v) => match hex_bytes(v) {
            Some(k) if k.len() == 16 => Ok(Some(k.try_into().expect("16 bytes"))),
            _ => Err(refuse(-2027, "contentKey is not 32 hexadecimal digits")),
        },
    }
}

fn hex_bytes(v: &str) -> Option<Vec<u8>> {
    if !v.len().is_multiple_of(2) {
        return None;
    }
    let mut out = vec![0u8; v.len() / 2];
    base16ct::mixed::decode(v, &mut out).ok().map(|b| b.to_vec())
}

fn is_hex_of(v: &str, bytes: usize) -> bool {
    v.len() == bytes * 2 && hex_bytes(v).is_some()
}

fn is_base64(v: &str) -> bool {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    !v.is_empty() && if v.contains('=') { STANDARD.decode(v).is_ok() } else { STANDARD_NO_PAD.decode(v).is_ok() }
}

/// A non-negative decimal integer (digits only) that fits a signed 32-bit integer.
fn decimal(v: &str) -> Option<i64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<i32>().ok().map(i64::from)
}

/// An RFC 3339 UTC time with `Z`, or `+<seconds>`: the Unix time it names (relative to `now`).
fn time_value(v: &str, now: i64) -> Option<(i64, bool)> {
    if let Some(secs) = v.strip_prefix('+') {
        if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return secs.parse::<i64>().ok().map(|s| (now.saturating_add(s), true));
    }
    if !v.ends_with('Z') || v.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let t = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp(), false))
}

/// `<type>,<payload>` of an extension.
fn extension(v: &str, malformed: i32, name: &str) -> Result<(), Refusal> {
    let Some((kind, payload)) = v.split_once(',') else {
        return Err(refuse(malformed, format!("{name} has no comma")));
    };
    if kind.chars().count() != 4 {
        return Err(refuse(-2036, format!("{name}: the type must be 4 characters")));
    }
    if !is_base64(payload) {
        return Err(refuse(-2037, format!("{name}: the payload must be base64")));
    }
    Ok(())
}

fn kid(v: Option<&str>, given: bool) -> Result<(), Refusal> {
    match v {
        None if given => Err(refuse(-4018, "kid is empty")),
        None => Ok(()),
        Some(v) => match v.strip_prefix('^') {
            Some("") => Err(refuse(-4022, "kid has nothing after ^")),
            Some(name) if name.chars().count() > 64 => Err(refuse(-4021, "kid is longer than 64 characters after ^")),
            Some(_) => Ok(()),
            None if is_hex_of(v, 16) => Ok(()),
            None => Err(refuse(-4020, "kid is not 32 hexadecimal digits")),
        },
    }
}

/// Unwraps `ek` (hex) under `kek` (hex) with AES Key Wrap (RFC 3394) to a 16-byte key.
pub fn unwrap_ek(kek: &[u8], ek: &[u8]) -> Option<[u8; 16]> {
    use aes_kw::KeyInit;
    let mut out = [0u8; 16];
    if ek.len() != 24 {
        return None;
    }
    let ok = match kek.len() {
        16 => aes_kw::KwAes128::new_from_slice(kek).ok()?.unwrap_key(ek, &mut out).is_ok(),
        24 => aes_kw::KwAes192::new_from_slice(kek).ok()?.unwrap_key(ek, &mut out).is_ok(),
        32 => aes_kw::KwAes256::new_from_slice(kek).ok()?.unwrap_key(ek, &mut out).is_ok(),
        _ => false,
    };
    ok.then_some(out)
}

/// Wraps a 16-byte key under a 16-byte KEK (AES Key Wrap, RFC 3394).
pub fn wrap_key(kek: &[u8; 16], key: &[u8; 16]) -> [u8; 24] {
    use aes_kw::KeyInit;
    let mut out = [0u8; 24];
    aes_kw::KwAes128::new_from_slice(kek).expect("16-byte KEK").wrap_key(key, &mut out).expect("16-byte key fits");
    out
}

/// The shared checks, one parameter at a time, in the order the server looks at them.
fn shared(p: &Params<'_>, drm: Drm, now: i64, out: &mut Accepted) -> Result<(), Refusal> {
    match p.get("customerAuthenticator") {
        None => return Err(refuse(-2017, "customerAuthenticator is missing")),
        Some(a) => {
            let ok = a.split_once(',').is_some_and(|(id, key)| {
                !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) && is_hex_of(key, 16)
            });
            if !ok {
                return Err(refuse(-2018, "customerAuthenticator is not <customer id>,<32 hex digits>"));
            }
            out.authenticator = a.to_owned();
        }
    }
    if p.given("errorFormat") {
        match p.get("errorFormat") {
            Some("html") => {}
            Some("json") => out.json_errors = true,
            _ => return Err(refuse(-3004, "errorFormat is not html or json")),
        }
    }
    if p.given("generalFlags") {
        let v = p.get("generalFlags").unwrap_or("");
        // 00000001 (persistent) on every DRM: real clients send it to all three.
        let ok = v == "00000000"
            || v == "00000001"
            || (drm != Drm::PlayReady
                && !v.is_empty()
                && v.len() <= 8
                && v.bytes().all(|b| b.is_ascii_hexdigit())
                && u32::from_str_radix(v, 16) == Ok(0));
        if !ok {
            return Err(refuse(-5003, "generalFlags is invalid"));
        }
    }
    let kek = match p.given("kek") {
        false => None,
        true => match p.get("kek").and_then(hex_bytes) {
            Some(k) if [16, 24, 32].contains(&k.len()) => Some(k),
            _ => return Err(refuse(-4024, "kek is not hex of a 16, 24 or 32-byte key")),
        },
    };
    let required_kid = drm != Drm::FairPlay;
    match (p.get("kid"), required_kid) {
        (None, true) if !p.given("kid") && p.indexed("kid").next().is_some() => {} // several keys
        (None, true) => return Err(refuse(-4018, "kid is missing")),
        (v, _) => kid(v, p.given("kid"))?,
    }
    // The token carries the first key: the plain one, else the lowest index.
    let first = |name: &'static str| p.get(name).or_else(|| p.indexed(name).min_by_key(|(i, _)| *i).map(|(_, v)| v));
    out.kid = first("kid").map(str::to_owned);
    let ek = match p.given("ek") {
        false => None,
        true => match p.get("ek").and_then(hex_bytes) {
            Some(e) if e.len() == 24 => Some(e),
            _ => return Err(refuse(-4024, "ek is not hex of a wrapped 16-byte key (24 bytes)")),
        },
    };
    out.content_key = content_key(p)?;
    several_keys(p, drm)?;
    if out.content_key.is_none() && !p.given("contentKey") {
        let first_key = p.indexed("contentKey").min_by_key(|(i, _)| *i).map(|(_, v)| v.to_owned());
        if let Some(v) = first_key {
            let one = [("contentKey".to_owned(), v)];
            out.content_key = content_key(&Params(&one))?;
        }
    }
    out.expires_at = now + DEFAULT_LIFETIME;
    if p.given("expirationTime") {
        match p.get("expirationTime").and_then(|v| time_value(v, now)) {
            Some((t, relative)) if t - now <= THIRTY_DAYS && (relative || t > now) => out.expires_at = t,
            _ => return Err(refuse(-2002, "expirationTime is not a time within the next 30 days")),
        }
    }
    if let Some(c) = p.get("cookie") {
        if c.chars().count() > 32 {
            return Err(refuse(-2033, "cookie is longer than 32 characters"));
        }
        out.cookie = c.to_owned();
    }
    // Rules across parameters shared by the three DRMs.
    if ek.is_some() && kek.is_none() {
        return Err(refuse(-4024, "ek needs kek"));
    }
    if drm == Drm::FairPlay && kek.is_some() && p.get("kid").is_some() == ek.is_some() {
        return Err(refuse(-4024, "with kek, give exactly one of kid and ek"));
    }
    if drm == Drm::PlayReady && kek.is_some() && p.any_form("contentKey") {
        return Err(refuse(-5007, "kek and contentKey together"));
    }
    if drm == Drm::FairPlay && !p.given("contentKey") && p.get("kid").is_none() && !(kek.is_some() && ek.is_some()) {
        return Err(refuse(-2005, "contentKey is missing (and neither kek with ek nor kid is given)"));
    }
    if let (Some(kek), Some(ek)) = (&kek, &ek) {
        match unwrap_ek(kek, ek) {
            Some(key) => out.content_key = Some(key),
            None => return Err(refuse(-4024, "ek does not unwrap under kek")),
        }
    }
    Ok(())
}

/// An integer parameter: `missing` is its code for an absent or empty value (when it has one), and it is
/// checked for absence only when `required`.
fn integer_param(
    p: &Params<'_>,
    name: &str,
    (min, max): (i64, i64),
    required: bool,
    missing: Option<i32>,
    invalid: i32,
) -> Result<(), Refusal> {
    match p.get(name) {
        None if required || p.given(name) => {
            Err(refuse(missing.unwrap_or(invalid), format!("{name} is missing or empty")))
        }
        None => Ok(()),
        Some(v) => match decimal(v) {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(refuse(invalid, format!("{name} is not an integer from {min} to {max}"))),
        },
    }
}

fn fairplay(p: &Params<'_>) -> Result<(), Refusal> {
    match p.get("iv") {
        Some(v) if is_hex_of(v, 16) => {}
        _ => return Err(refuse(-6003, "iv is not 32 hexadecimal digits")),
    }
    integer_param(p, "rentalDuration", (0, i64::from(i32::MAX)), false, None, -6007)?;
    for v in p.all("fpExtension") {
        extension(v, -6001, "fpExtension")?;
    }
    if p.given("deviceId") || p.given("deviceid") {
        return Err(refuse(-6008, "device ID binding is not supported for FairPlay"));
    }
    Ok(())
}

fn widevine(p: &Params<'_>) -> Result<(), Refusal> {
    // Not required: production integrations send neither and get tokens (SPEC.md's decision).
    integer_param(p, "securityLevel", (1, 5), false, Some(-7003), -7004)?;
    integer_param(p, "hdcpOutputControl", (0, 5), false, Some(-7006), -2034)?;
    integer_param(p, "licenseDuration", (0, i64::from(i32::MAX)), false, None, -7007)?;
    for v in p.all("wvExtension") {
        extension(v, -7009, "wvExtension")?;
    }
    if p.given("deviceId") || p.given("deviceid") {
        return Err(refuse(-7002, "device ID binding is not supported for Widevine"));
    }
    Ok(())
}

fn playready(p: &Params<'_>, now: i64, out: &mut Accepted) -> Result<(), Refusal> {
    let rental = match p.get("rightsType") {
        None => return Err(refuse(-2020, "rightsType is missing")),
        Some("BuyToOwn") => false,
        Some("Rental") => true,
        Some(_) => return Err(refuse(-2021, "rightsType is not BuyToOwn or Rental")),
    };
    if (p.given("rental.periodEndTime") || rental)
        && p.get("rental.periodEndTime").and_then(|v| time_value(v, now)).is_none()
    {
        return Err(refuse(-2022, "rental.periodEndTime is missing or not a time"));
    }
    // Optional even for a Rental: a real client sends a Rental without it.
    integer_param(p, "rental.playDuration", (0, i64::from(i32::MAX)), false, Some(-2023), -2025)?;
    for opl in OPLS {
        // Per key (opl.N) or for all keys.
        let per_key_only = !p.given(opl) && p.indexed(opl).next().is_some();
        integer_param(p, opl, (0, 999), !per_key_only, Some(-5006), -2034)?;
    }
    if p.given("unknownOutputBehavior")
        && !matches!(p.get("unknownOutputBehavior"), Some("Allow" | "Disallow" | "SDOnly"))
    {
        return Err(refuse(-5001, "unknownOutputBehavior is not Allow, Disallow or SDOnly"));
    }
    if p.given("outputControlFlags") {
        let v = p.get("outputControlFlags").unwrap_or("");
        if !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse(-2008, "outputControlFlags is not hexadecimal"));
        }
        if v.len() != 8 {
            return Err(refuse(-2040, "outputControlFlags is not 4 bytes"));
        }
    }
    if p.given("extensionType") && p.get("extensionType").map_or(0, |t| t.chars().count()) != 4 {
        return Err(refuse(-2036, "extensionType is not 4 characters"));
    }
    if p.given("extensionPayload") && !p.get("extensionPayload").is_some_and(is_base64) {
        match p.get("extensionPayload") {
            None => return Err(refuse(-2035, "extensionPayload is empty")),
            Some(_) => return Err(refuse(-2037, "extensionPayload is not base64")),
        }
    }
    if p.get("extensionType").is_some() != p.get("extensionPayload").is_some() {
        return Err(refuse(-2035, "extensionType and extensionPayload go together"));
    }
    // Both spellings: the codes say "Device ID", the device-binding page writes `deviceid`.
    for name in ["deviceId", "deviceid"] {
        if p.given(name) {
            match p.get(name) {
                None => return Err(refuse(-5005, format!("{name} is empty"))),
                Some(v) if is_hex_of(v, 16) => out.device_id = Some(v.to_ascii_lowercase()),
                Some(_) => return Err(refuse(-5004, format!("{name} is not 32 hexadecimal digits"))),
            }
        }
    }
    Ok(())
}

/// Checks a token request's parameters as the server does. `now` is the server's clock (Unix seconds).
pub fn check(drm: Drm, params: &[(String, String)], now: i64) -> Result<Accepted, Refusal> {
    if drm.is_marlin() {
        // Marlin's own checks (testsrv/src/marlin.rs): no ExpressPlay error table, form only.
        let a = super::marlin::check(drm, params)?;
        return Ok(Accepted { authenticator: a.authenticator, json_errors: a.json_errors, ..Accepted::default() });
    }
    let p = Params(params);
    let mut out = Accepted::default();
    shared(&p, drm, now, &mut out)?;
    match drm {
        Drm::FairPlay => fairplay(&p)?,
        Drm::Widevine => widevine(&p)?,
        Drm::PlayReady => playready(&p, now, &mut out)?,
        Drm::MarlinMs3 | Drm::MarlinBb => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn a_complete_request_of_each_drm_passes() {
        let auth = ("customerAuthenticator", "1,00112233445566778899aabbccddeeff");
        let key = ("contentKey", "00112233445566778899aabbccddeeff");
        let fp = pairs(&[auth, key, ("iv", "00112233445566778899aabbccddeeff"), ("expirationTime", "+60")]);
        let a = check(Drm::FairPlay, &fp, 1000).unwrap();
        assert_eq!(a.expires_at, 1060);
        assert_eq!(a.content_key.unwrap()[0], 0);
        let wv = pairs(&[auth, ("kid", "^movie"), ("securityLevel", "1"), ("hdcpOutputControl", "0")]);
        check(Drm::Widevine, &wv, 0).unwrap();
        let mut pr = pairs(&[auth, key, ("kid", "00112233445566778899aabbccddeeff"), ("rightsType", "BuyToOwn")]);
        for o in OPLS {
            pr.push((o.into(), "100".into()));
        }
        pr.push(("deviceId".into(), "AABBCCDDEEFF00112233445566778899".into()));
        let a = check(Drm::PlayReady, &pr, 0).unwrap();
        assert_eq!(a.device_id.as_deref(), Some("aabbccddeeff00112233445566778899"));
        pr.retain(|(n, _)| n != "analogVideoOPL");
        assert_eq!(check(Drm::PlayReady, &pr, 0).unwrap_err().code, -5006);
    }

    #[test]
    fn several_keys_in_one_token() {
        let auth = ("customerAuthenticator", "1,00112233445566778899aabbccddeeff");
        let k = |i: u8| format!("{i:032x}");
        let (k0, k1, k2) = (k(1), k(2), k(3));
        let wv = pairs(&[auth, ("kid.0", &k0), ("contentKey.0", &k1), ("hdcpOutputControl.0", "4"), ("kid.1", &k2)]);
        let a = check(Drm::Widevine, &wv, 0).unwrap();
        assert_eq!((a.kid.as_deref(), a.content_key.map(|c| c[15])), (Some(k0.as_str()), Some(2)));
        let mut bad = wv.clone();
        bad.push(("contentKey.2".into(), k1.clone()));
        assert_eq!(check(Drm::Widevine, &bad, 0).unwrap_err().code, -4018);
        let mut bad = wv.clone();
        bad.push(("securityLevel.1".into(), "6".into()));
        assert_eq!(check(Drm::Widevine, &bad, 0).unwrap_err().code, -7004);
        let mut pr = pairs(&[auth, ("kid.0", &k0), ("contentKey.0", &k1), ("rightsType", "BuyToOwn")]);
        for o in OPLS {
            pr.push((format!("{o}.0"), "100".into()));
        }
        check(Drm::PlayReady, &pr, 0).unwrap();
        pr.push(("kek".into(), k2.clone()));
        assert_eq!(check(Drm::PlayReady, &pr, 0).unwrap_err().code, -5007);
    }

    #[test]
    fn wrap_and_unwrap_agree_with_rfc_3394() {
        let kek: [u8; 16] = core::array::from_fn(|i| i as u8);
        let key: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
        let wrapped = wrap_key(&kek, &key);
        assert_eq!(wrapped[..4], [0x1f, 0xa6, 0x8b, 0x0a]);
        assert_eq!(unwrap_ek(&kek, &wrapped), Some(key));
        assert_eq!(unwrap_ek(&[0u8; 16], &wrapped), None);
    }
}
