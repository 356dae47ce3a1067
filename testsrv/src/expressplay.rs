//! An ExpressPlay-compatible server for tests and the demo: the token servers of the three DRMs, their
//! license servers, and the record retrieval (`getrecord`), on one HTTPS port.
//!
//! * `GET|POST /hms/<fp|wv|pr>/token`: checks the parameters ([`token_rules`], written
//!   from SPEC.md on their own), and the account's customer authenticator; answers errors as HTML
//!   (default) or JSON (`errorFormat=json`: `{"code":-NNNN,"message":"[-NNNN] ..."}`) with 400 or 401;
//!   tokens as `text/uri-list` (FairPlay, Widevine: `https://127.0.0.1:<port>/hms/<drm>/rights/?ExpressPlayToken=<token>`)
//!   or JSON (PlayReady: `{"licenseAcquisitionUrl": ..., "token": ...}`, pretty-printed and labelled
//!   `text/uri-list` as the real service's own table says, so that clients are tested reading it by its body).
//! * `GET|POST /hms/<ms3|bb>/token`: the Marlin token servers ([`marlin`](super::marlin), their own checks):
//!   an MS3 compound URL, a BB XML action token.
//! * `POST /hms/<drm>/rights/`: the token in the query or an `ExpressPlayToken` header, the body a stand-in
//!   SPC ([`spc`]). The token must be this server's, unexpired, for this DRM (else -4010); the
//!   SPC must name a device this server knows (else -4001); a device-bound token must be redeemed by its
//!   device (constant-time comparison; else -4001, HTTP 403). Each license issued writes (cookie, device ID)
//!   to the transaction log (refused attempts do not).
//!   The license is JSON: `{"kid": ..., "ek": "<hex>", "expires": <unix time>}`, where `ek` is the content
//!   key wrapped (AES Key Wrap, RFC 3394) under the device's KEK, so that the device can unwrap it with
//!   `xpdrm_key_unwrap_hex`. A token without a key takes it from the key store by `kid` (else -4019).
//! * `GET /cmiapi/getrecord/?customerAuthenticator=...&cookie=...`: the transaction records of the cookie,
//!   in the format the README documents (`{"records": [{"cookie", "device_id", "timestamp", "drm"}]}`).
//!
//! Tokens are the server's own: URL-safe base64 (no padding) of a payload (DRM, expiry, kid, the content
//! key wrapped under the server's master KEK, device ID, cookie) and a 16-byte HMAC-SHA256 tag over it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use serde_json::json;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::httpd::{Events, Handler, Reply, Request, Server};
use super::pki::Pki;
use super::spc;
use super::token_rules::{self, Drm, Refusal, drm_of_segment, segment};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Most transaction records kept.
const MAX_RECORDS: usize = 10_000;
/// A DRM device provisioned at the license server: its ID and the KEK its licenses are wrapped under.
#[derive(Clone)]
pub struct Device {
    /// 32 lowercase hex digits.
    pub id: String,
    /// The device's key-encryption key.
    pub kek: [u8; 16],
}

impl core::fmt::Debug for Device {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Device({}…, kek <redacted>)", &fingerprint(&self.id)[..12])
    }
}

/// What the server is set up with.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The one account's customer authenticator.
    pub authenticator: String,
    /// The devices the license server knows.
    pub devices: Vec<Device>,
    /// The key store: kid (lowercase) to content key.
    pub keys: Vec<(String, [u8; 16])>,
}

struct Record {
    cookie: String,
    device_id: String,
    timestamp: String,
    drm: Drm,
}

struct State {
    setup: Setup,
    mac_key: Zeroizing<[u8; 32]>,
    master_kek: Zeroizing<[u8; 16]>,
    base_url: OnceLock<String>,
    records: Mutex<Vec<Record>>,
    events: Events,
    tokens_minted: AtomicUsize,
    token_requests: AtomicUsize,
}

/// The running server.
pub struct ExpressPlay {
    server: Server,
    state: Arc<State>,
}

impl core::fmt::Debug for ExpressPlay {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ExpressPlay({})", self.server.base_url())
    }
}

/// A device ID's fingerprint for events: lowercase hex SHA-256.
pub fn fingerprint(id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.to_ascii_lowercase().as_bytes());
    super::hex(&digest)
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source");
    b
}

/// The error answer for `code`, as HTML or JSON.
fn error_reply(status: u16, code: i32, json_errors: bool) -> Reply {
    let text = xpdrm::status::text_for_code(code).trim_end_matches('.');
    let message = format!("[{code}] {text}");
    if json_errors {
        Reply::json(status, &json!({ "code": code, "message": message }))
    } else {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Error {status}</h1>\n<p>{message}</p>\n</body></html>\n"
        );
        Reply::with(status, "text/html; charset=utf-8", page)
    }
}

fn http_status_for(code: i32) -> u16 {
    match code {
        -2017 | -2018 | -4010 => 401,
        -4001 => 403,
        _ => 400,
    }
}

/// A token's content.
struct Grant {
    drm: Drm,
    expires_at: i64,
    kid: Option<String>,
    key: Option<[u8; 16]>,
    device_id: Option<String>,
    cookie: String,
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn text(&mut self) -> Option<String> {
        let len = u16::from_be_bytes(self.take(2)?.try_into().ok()?);
        String::from_utf8(self.take(len.into())?.to_vec()).ok()
    }
}

fn push_text(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl State {
    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new_from_slice(&self.mac_key[..]).expect("any key length")
    }

    fn mint(&self, g: &Grant) -> String {
        // The DRM as its C value (0, 1, 2).
        let mut payload = Zeroizing::new(vec![1u8, g.drm as u8]);
        payload.extend_from_slice(&g.expires_at.to_be_bytes());
        let flags =
            u8::from(g.key.is_some()) | (u8::from(g.device_id.is_some()) << 1) | (u8::from(g.kid.is_some()) << 2);
        payload.push(flags);
        if let Some(kid) = &g.kid {
            push_text(&mut payload, kid);
        }
        if let Some(key) = &g.key {
            payload.extend_from_slice(&token_rules::wrap_key(&self.master_kek, key));
        }
        if let Some(id) = &g.device_id {
            push_text(&mut payload, id);
        }
        push_text(&mut payload, &g.cookie);
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        payload.extend_from_slice(&tag[..16]);
        URL_SAFE_NO_PAD.encode(&payload[..])
    }

    fn open(&self, token: &str) -> Option<Grant> {
        let raw = Zeroizing::new(URL_SAFE_NO_PAD.decode(token).ok()?);
        if raw.len() < 16 + 11 {
            return None;
        }
        let (payload, tag) = raw.split_at(raw.len() - 16);
        let mut mac = self.mac();
        mac.update(payload);
        mac.verify_truncated_left(tag).ok()?;
        let mut r = Reader(payload);
        if r.byte()? != 1 {
            return None;
        }
        let drm = Drm::from_code(r.byte()?.into()).ok()?;
        let expires_at = i64::from_be_bytes(r.take(8)?.try_into().ok()?);
        let flags = r.byte()?;
        let kid = if flags & 4 != 0 { Some(r.text()?) } else { None };
        let key = if flags & 1 != 0 { Some(token_rules::unwrap_ek(&self.master_kek[..], r.take(24)?)?) } else { None };
        let device_id = if flags & 2 != 0 { Some(r.text()?) } else { None };
        let cookie = r.text()?;
        Some(Grant { drm, expires_at, kid, key, device_id, cookie })
    }

    fn token(&self, drm: Drm, req: &Request) -> Reply {
        self.token_requests.fetch_add(1, Ordering::AcqRel);
        if req.method != "GET" && req.method != "POST" {
            return Reply::with(405, "text/plain", "GET or POST");
        }
        let params = req.params();
        if drm.is_marlin() {
            let base = self.base_url.get().cloned().unwrap_or_default();
            let reply = super::marlin::token(drm, &params, &self.setup.authenticator, &base, &self.events);
            if matches!(reply, Reply::Answer { status: 200, .. }) {
                self.tokens_minted.fetch_add(1, Ordering::AcqRel);
            }
            return reply;
        }
        let json_errors = params.iter().any(|(n, v)| n == "errorFormat" && v == "json");
        let accepted = match token_rules::check(drm, &params, now()) {
            Ok(a) => a,
            Err(Refusal { code, what }) => {
                self.events.push(format!("token server ({}): refused with {code}: {what}", segment(drm)));
                return error_reply(http_status_for(code), code, json_errors);
            }
        };
        let account = accepted.authenticator.as_bytes().ct_eq(self.setup.authenticator.as_bytes());
        if !bool::from(account) {
            self.events
                .push(format!("token server ({}): refused with -2018: not this account's authenticator", segment(drm)));
            return error_reply(401, -2018, json_errors);
        }
        let grant = Grant {
            drm,
            expires_at: accepted.expires_at,
            kid: accepted.kid.clone(),
            key: accepted.content_key,
            device_id: accepted.device_id.clone(),
            cookie: accepted.cookie.clone(),
        };
        let token = self.mint(&grant);
        self.tokens_minted.fetch_add(1, Ordering::AcqRel);
        self.events.push(format!(
            "token server ({}): token minted{}{}, valid for {} s",
            segment(drm),
            if grant.cookie.is_empty() { "" } else { ", cookie-bound" },
            match &grant.device_id {
                Some(id) => format!(", bound to device {}…", &fingerprint(id)[..12]),
                None => String::new(),
            },
            grant.expires_at - now()
        ));
        let base = self.base_url.get().cloned().unwrap_or_default();
        let license = format!("{base}/hms/{}/rights/", segment(drm));
        match drm {
            // As the real service answers (SPEC.md §3, real world): pretty-printed JSON under the content type
            // the PlayReady page's table gives, text/uri-list. Clients must go by the body.
            Drm::PlayReady => Reply::with(
                200,
                "text/uri-list",
                serde_json::to_string_pretty(&json!({ "licenseAcquisitionUrl": license, "token": token }))
                    .unwrap_or_default(),
            ),
            _ => Reply::with(
                200,
                "text/uri-list",
                format!("# ExpressPlay token (xpdrm test server)\r\n{license}?ExpressPlayToken={token}\r\n"),
            ),
        }
    }

    fn license(&self, drm: Drm, req: &Request) -> Reply {
        let json_errors = true;
        if req.method != "POST" {
            return Reply::with(405, "text/plain", "POST the challenge");
        }
        let from_query = req.query().into_iter().find(|(n, _)| n == "ExpressPlayToken").map(|(_, v)| v);
        let token = from_query.or_else(|| req.header("ExpressPlayToken").map(str::to_owned));
        let Some(grant) = token.as_deref().and_then(|t| self.open(t)) else {
            self.events.push(format!("license server ({}): refused with -4010: no valid token", segment(drm)));
            return error_reply(401, -4010, json_errors);
        };
        if grant.drm != drm || grant.expires_at < now() {
            self.events.push(format!(
                "license server ({}): refused with -4010: token expired or for another DRM",
                segment(drm)
            ));
            return error_reply(401, -4010, json_errors);
        }
        let Some(device_id) = spc::device_id(&req.body) else {
            self.events.push(format!("license server ({}): refused with -4001: the SPC names no device", segment(drm)));
            return error_reply(403, -4001, json_errors);
        };
        let device_fp = fingerprint(&device_id);
        if let Some(bound) = &grant.device_id {
            let same = bound.as_bytes().ct_eq(device_id.as_bytes());
            if !bool::from(same) {
                self.events.push(format!(
                    "license server ({}): refused with -4001: the token is bound to device {}…, the SPC comes from device {}…",
                    segment(drm),
                    &fingerprint(bound)[..12],
                    &device_fp[..12]
                ));
                return error_reply(403, -4001, json_errors);
            }
        }
        let Some(device) = self.setup.devices.iter().find(|d| bool::from(d.id.as_bytes().ct_eq(device_id.as_bytes())))
        else {
            self.events.push(format!(
                "license server ({}): refused with -4001: device {}… is not provisioned",
                segment(drm),
                &device_fp[..12]
            ));
            return error_reply(403, -4001, json_errors);
        };
        let kid = grant.kid.clone().unwrap_or_default();
        let key = grant
            .key
            .or_else(|| self.setup.keys.iter().find(|(k, _)| k.eq_ignore_ascii_case(&kid)).map(|(_, key)| *key));
        let Some(key) = key else {
            self.events.push(format!("license server ({}): refused with -4019: no key for this kid", segment(drm)));
            return error_reply(400, -4019, json_errors);
        };
        let ek = super::hex(&token_rules::wrap_key(&device.kek, &key));
        // A transaction is a license issued: refused attempts are not records of the cookie.
        {
            let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
            if records.len() >= MAX_RECORDS {
                records.remove(0);
            }
            records.push(Record {
                cookie: grant.cookie.clone(),
                device_id: device_id.clone(),
                timestamp: rfc3339(now()),
                drm,
            });
        }
        self.events.push(format!(
            "license server ({}): SPC from device {}…{}; (cookie, device) logged; license issued",
            segment(drm),
            &device_fp[..12],
            if grant.device_id.is_some() { " matches the device-bound token" } else { "" }
        ));
        Reply::json(200, &json!({ "kid": kid, "ek": ek, "expires": grant.expires_at }))
    }

    fn getrecord(&self, req: &Request) -> Reply {
        if req.method != "GET" {
            return Reply::with(405, "text/plain", "GET");
        }
        let query = req.query();
        let get = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
        let Some(auth) = get("customerAuthenticator") else {
            return error_reply(401, -2017, true);
        };
        if !bool::from(auth.as_bytes().ct_eq(self.setup.authenticator.as_bytes())) {
            return error_reply(401, -2018, true);
        }
        let Some(cookie) = get("cookie") else {
            return error_reply(400, -2033, true);
        };
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let list: Vec<serde_json::Value> = records
            .iter()
            .filter(|r| r.cookie == cookie)
            .map(|r| json!({ "cookie": r.cookie, "device_id": r.device_id, "timestamp": r.timestamp, "drm": segment(r.drm) }))
            .collect();
        self.events.push(format!("getrecord: {} record(s) for the cookie", list.len()));
        Reply::json(200, &json!({ "records": list }))
    }

    fn handle(&self, req: &Request) -> Reply {
        let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["hms", drm, "token"] => match drm_of_segment(drm) {
                Some(d) => self.token(d, req),
                None => Reply::with(404, "text/plain", "no such DRM"),
            },
            ["hms", drm, "rights"] => match drm_of_segment(drm) {
                Some(d) => self.license(d, req),
                None => Reply::with(404, "text/plain", "no such DRM"),
            },
            ["cmiapi", "getrecord"] => self.getrecord(req),
            _ => Reply::with(404, "text/plain", "not found"),
        }
    }
}

impl ExpressPlay {
    /// Starts the server on 127.0.0.1 (HTTPS with the test PKI's server certificate).
    pub fn start(pki: &Pki, setup: Setup, events: Events) -> std::io::Result<ExpressPlay> {
        let state = Arc::new(State {
            setup,
            mac_key: Zeroizing::new(random()),
            master_kek: Zeroizing::new(random()),
            base_url: OnceLock::new(),
            records: Mutex::new(Vec::new()),
            events,
            tokens_minted: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
        });
        let handler: Handler = {
            let state = state.clone();
            Arc::new(move |req: &Request| state.handle(req))
        };
        let server = Server::start(Some(Pki::server_config(&pki.server, None)), handler)?;
        let _ = state.base_url.set(server.base_url());
        Ok(ExpressPlay { server, state })
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The token server URL of `drm`.
    pub fn token_url(&self, drm: Drm) -> String {
        self.server.url(&format!("/hms/{}/token", segment(drm)))
    }

    /// The record retrieval URL.
    pub fn record_url(&self) -> String {
        self.server.url("/cmiapi/getrecord/")
    }

    /// How many tokens were minted so far.
    pub fn tokens_minted(&self) -> usize {
        self.state.tokens_minted.load(Ordering::Acquire)
    }

    /// How many token requests arrived so far (minted or refused).
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::Acquire)
    }

    /// Checks a token request's parameters as the server does, without HTTP (for the agreement test).
    pub fn check(drm: Drm, params: &[(String, String)], now: i64) -> Result<(), Refusal> {
        token_rules::check(drm, params, now).map(|_| ())
    }

    /// The transaction log: (cookie, device ID) pairs, oldest first.
    pub fn records(&self) -> Vec<(String, String)> {
        let records = self.state.records.lock().unwrap_or_else(|e| e.into_inner());
        records.iter().map(|r| (r.cookie.clone(), r.device_id.clone())).collect()
    }
}

/// Parses a license answer: the `ek` hex, for the tests.
pub fn license_ek(license: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(license).ok()?;
    v.get("ek")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            setup: Setup { authenticator: "1,00".into(), devices: Vec::new(), keys: Vec::new() },
            mac_key: Zeroizing::new([7; 32]),
            master_kek: Zeroizing::new([9; 16]),
            base_url: OnceLock::new(),
            records: Mutex::new(Vec::new()),
            events: Events::default(),
            tokens_minted: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
        }
    }

    #[test]
    fn tokens_round_trip_and_tampering_is_refused() {
        let s = state();
        let g = Grant {
            drm: Drm::PlayReady,
            expires_at: 1234,
            kid: Some("^movie".into()),
            key: Some([5; 16]),
            device_id: Some("00112233445566778899aabbccddeeff".into()),
            cookie: "c00kie".into(),
        };
        let token = s.mint(&g);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        let back = s.open(&token).unwrap();
        assert_eq!(
            (back.drm, back.expires_at, back.key, back.cookie.as_str()),
            (Drm::PlayReady, 1234, Some([5; 16]), "c00kie")
        );
        assert_eq!(back.kid.as_deref(), Some("^movie"));
        assert_eq!(back.device_id.as_deref(), Some("00112233445566778899aabbccddeeff"));
        // The key is not in the token in the clear.
        let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        assert!(!raw.windows(16).any(|w| w == [5; 16]));
        let mut bytes = raw.clone();
        bytes[3] ^= 1;
        assert!(s.open(&URL_SAFE_NO_PAD.encode(&bytes)).is_none());
        assert!(s.open("").is_none() && s.open("!!!").is_none() && s.open(&token[..10]).is_none());
    }
}
