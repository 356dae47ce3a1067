//! What a [`Client`](super::Client) is made from: timeouts, trusted CAs, a client certificate for mutual TLS,
//! the largest answer accepted, the retry policy and the user agent. Every setter checks its value at once,
//! so that a client made from a config cannot fail for a reason the config could have caught.

use std::time::Duration;

use ureq::tls::{Certificate, PemItem, PrivateKey};
use zeroize::Zeroizing;

use super::trust::{MAX_PINS, Pin, TrustSource, parse_pin};
use crate::Status;
use crate::sees::Problem;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout: the longest wait for any one read from the server.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default overall timeout: the longest one operation may take, every attempt and wait included.
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(120);
/// Default largest answer body accepted (1 MiB: token answers are a few hundred bytes, licenses and record
/// lists a few kilobytes).
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 1 << 20;
/// Largest value [`Config::set_max_response_size`] accepts (64 MiB).
pub const MAX_RESPONSE_SIZE_LIMIT: usize = 64 << 20;
/// Most attempts the retry policy may allow.
pub const MAX_ATTEMPTS_LIMIT: u32 = 10;
/// Longest backoff the retry policy may wait between two attempts.
pub const MAX_BACKOFF_LIMIT: Duration = Duration::from_secs(60);
/// Longest user agent accepted, in bytes.
pub const MAX_USER_AGENT_LEN: usize = 256;
/// Largest PEM input accepted, in bytes (a CA bundle of a few hundred certificates fits).
pub const MAX_PEM_LEN: usize = 1 << 20;

/// When and how often a request is tried again. See [`Client`](super::Client) for which requests are.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, 1 (no retry) to [`MAX_ATTEMPTS_LIMIT`].
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further one.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for Retry {
    /// Three attempts, waiting about 0.2 s and then 0.4 s, at most 2 s.
    fn default() -> Retry {
        Retry { max_attempts: 3, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(2) }
    }
}

impl Retry {
    /// The wait before attempt `attempt + 1` (after `attempt` failed, counting from 1), without jitter:
    /// `initial_backoff * 2^(attempt - 1)`, at most `max_backoff`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// A client certificate chain and its private key, from PEM. The key is a secret: the PEM text is kept in
/// memory that is wiped on drop.
#[derive(Clone)]
pub(crate) struct ClientIdentity {
    pub(crate) chain: Vec<Certificate<'static>>,
    pub(crate) key_pem: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ClientIdentity({} certificates, key <redacted>)", self.chain.len())
    }
}

/// The settings of a client. Every setter checks its value and changes nothing when it refuses one.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    pub(crate) roots: Vec<Certificate<'static>>,
    pub(crate) identity: Option<ClientIdentity>,
    pub(crate) max_response_size: usize,
    pub(crate) retry: Retry,
    pub(crate) user_agent: String,
    /// The trust source; `None`: the built-in CAs until a CA is added, then only added CAs.
    pub(crate) trust: Option<TrustSource>,
    /// The operating system's CAs, read when that source was chosen.
    pub(crate) system_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    pub(crate) pins: Vec<Pin>,
    pub(crate) proxy: Option<ProxySettings>,
    pub(crate) events: Option<Events>,
}

/// The event receiver of a config.
#[derive(Clone)]
pub(crate) struct Events(pub(crate) EventSink);

impl core::fmt::Debug for Events {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Events")
    }
}

/// A receiver of per-attempt events (see [`AttemptEvent`](super::AttemptEvent)).
pub type EventSink = std::sync::Arc<dyn Fn(&super::AttemptEvent) + Send + Sync>;

/// An HTTP proxy: ureq's settings, and its `host:port` (lower case) to tell its failures apart.
#[derive(Clone)]
pub(crate) struct ProxySettings {
    pub(crate) proxy: ureq::Proxy,
    pub(crate) authority: String,
}

impl core::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Proxy(http://{}, credentials <redacted>)", self.authority)
    }
}

/// Longest proxy URL accepted, in bytes.
pub const MAX_PROXY_URL_LEN: usize = 2048;
/// Longest proxy user name or password accepted, in bytes.
pub const MAX_PROXY_CREDENTIAL_LEN: usize = 255;
/// Most entries a no-proxy list may hold.
pub const MAX_NO_PROXY_ENTRIES: usize = 64;

impl Default for Config {
    fn default() -> Config {
        Config {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            overall_timeout: DEFAULT_OVERALL_TIMEOUT,
            roots: Vec::new(),
            identity: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            retry: Retry::default(),
            user_agent: default_user_agent(),
            trust: None,
            system_roots: Vec::new(),
            pins: Vec::new(),
            proxy: None,
            events: None,
        }
    }
}

/// `xpdrm/<version>`.
pub fn default_user_agent() -> String {
    concat!("xpdrm/", env!("CARGO_PKG_VERSION")).to_owned()
}

fn invalid(reason: impl Into<String>) -> Problem {
    Problem::new(Status::XPDRM_ERR_INVALID_ARGUMENT, reason)
}

fn bad_pem(reason: impl Into<String>) -> Problem {
    Problem::new(Status::XPDRM_ERR_HTTP_BAD_PEM, reason)
}

fn check_pem_len(what: &str, pem: &[u8]) -> Result<(), Problem> {
    if pem.is_empty() {
        return Err(bad_pem(format!("the {what} PEM is empty")));
    }
    if pem.len() > MAX_PEM_LEN {
        return Err(Problem::new(
            Status::XPDRM_ERR_INPUT_TOO_LARGE,
            format!("the {what} PEM is {} bytes; at most {MAX_PEM_LEN} are accepted", pem.len()),
        ));
    }
    Ok(())
}

/// The certificates of a PEM text (other sections, such as keys, are refused: a CA bundle holds none).
fn certificates(what: &str, pem: &[u8]) -> Result<Vec<Certificate<'static>>, Problem> {
    check_pem_len(what, pem)?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(PemItem::PrivateKey(_)) => {
                return Err(bad_pem(format!("the {what} PEM holds a private key; give certificates only")));
            }
            Ok(_) => {}
            Err(_) => return Err(bad_pem(format!("the {what} PEM is malformed (bad base64 or markers)"))),
        }
    }
    if certs.is_empty() {
        return Err(bad_pem(format!("the {what} PEM holds no CERTIFICATE section")));
    }
    Ok(certs)
}

/// The one private key of a PEM text.
pub(crate) fn private_key(pem: &[u8]) -> Result<PrivateKey<'static>, Problem> {
    let mut found = None;
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::PrivateKey(k)) if found.is_none() => found = Some(k),
            Ok(PemItem::PrivateKey(_)) => return Err(bad_pem("the key PEM holds more than one private key")),
            Ok(_) => {}
            Err(_) => return Err(bad_pem("the key PEM is malformed (bad base64 or markers)")),
        }
    }
    found.ok_or_else(|| bad_pem("the key PEM holds no PRIVATE KEY section (PKCS#8, PKCS#1 or SEC1)"))
}

/// The ring provider: the one ureq uses with its `rustls` feature.
pub(crate) fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

/// Checks that the key belongs to the first certificate and that rustls can use both, as ureq will when
/// it builds its TLS configuration (it panics on a mismatch, so this runs first).
fn check_identity(chain: &[Certificate<'static>], key_pem: &[u8]) -> Result<(), Problem> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use zeroize::Zeroize;
    let mut key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| bad_pem("the key PEM cannot be read"))?;
    let certs: Vec<CertificateDer<'static>> =
        chain.iter().map(|c| CertificateDer::from(c.der()).into_owned()).collect();
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|_| Problem::new(Status::XPDRM_ERR_HTTP_TLS, "the TLS provider offers no protocol version"))?
        .with_root_certificates(rustls::RootCertStore::empty());
    let result = builder.with_client_auth_cert(certs, key.clone_key());
    key.zeroize();
    match result {
        Ok(_) => Ok(()),
        Err(rustls::Error::InconsistentKeys(_)) => {
            Err(bad_pem("the private key does not belong to the client certificate"))
        }
        Err(_) => Err(bad_pem("the client certificate or its private key cannot be used (unsupported key type?)")),
    }
}

/// A timeout in milliseconds: 1 ms to 24 hours.
fn timeout(name: &str, ms: u32) -> Result<Duration, Problem> {
    const DAY_MS: u32 = 24 * 3600 * 1000;
    if ms == 0 || ms > DAY_MS {
        return Err(invalid(format!("the {name} timeout is {ms} ms; it must be 1 ms to 24 hours ({DAY_MS} ms)")));
    }
    Ok(Duration::from_millis(ms.into()))
}

impl Config {
    /// The defaults: connect 10 s, read 30 s, overall 120 s; the public web CAs (Mozilla's list, built in)
    /// until a CA is added; no client certificate; answers up to 1 MiB; three attempts; `xpdrm/<version>`.
    pub fn new() -> Config {
        Config::default()
    }

    /// The timeouts, in milliseconds, each 1 ms to 24 hours: `connect` for setting up the connection (TCP and
    /// TLS), `read` for any one read from the server (the answer's head, each part of its body), `overall`
    /// for a whole operation, every attempt and every wait between attempts included.
    pub fn set_timeouts(&mut self, connect_ms: u32, read_ms: u32, overall_ms: u32) -> Result<(), Problem> {
        let (connect, read, overall) =
            (timeout("connect", connect_ms)?, timeout("read", read_ms)?, timeout("overall", overall_ms)?);
        (self.connect_timeout, self.read_timeout, self.overall_timeout) = (connect, read, overall);
        Ok(())
    }

    /// Adds the certificates of a PEM text (one or more `CERTIFICATE` sections) as trusted CAs. Once a CA is
    /// added, only the added CAs are trusted (not the built-in public ones).
    pub fn add_ca_pem(&mut self, pem: &[u8]) -> Result<(), Problem> {
        let certs = certificates("CA", pem)?;
        let mut store = rustls::RootCertStore::empty();
        for (i, cert) in certs.iter().enumerate() {
            store.add(rustls::pki_types::CertificateDer::from(cert.der()).into_owned()).map_err(|_| {
                bad_pem(format!("certificate {} of the CA PEM is not a usable X.509 certificate", i + 1))
            })?;
        }
        self.roots.extend(certs);
        Ok(())
    }

    /// The client certificate (its chain, leaf first) and private key (PKCS#8, PKCS#1 or SEC1), both PEM,
    /// for servers that require mutual TLS. The key must belong to the leaf certificate. Replaces an earlier
    /// one. The key PEM is copied into memory that is wiped when the config is dropped.
    pub fn set_client_cert_pem(&mut self, cert_pem: &[u8], key_pem: &[u8]) -> Result<(), Problem> {
        let chain = certificates("client certificate", cert_pem)?;
        check_pem_len("key", key_pem)?;
        let key_pem = Zeroizing::new(key_pem.to_vec());
        private_key(&key_pem)?;
        check_identity(&chain, &key_pem)?;
        self.identity = Some(ClientIdentity { chain, key_pem });
        Ok(())
    }

    /// The largest answer body accepted, 1 byte to [`MAX_RESPONSE_SIZE_LIMIT`]; a larger one fails with
    /// `XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE` as soon as it is seen (while reading, not after).
    pub fn set_max_response_size(&mut self, max: usize) -> Result<(), Problem> {
        if max == 0 || max > MAX_RESPONSE_SIZE_LIMIT {
            return Err(invalid(format!(
                "the maximum response size is {max} bytes; it must be 1 to {MAX_RESPONSE_SIZE_LIMIT}"
            )));
        }
        self.max_response_size = max;
        Ok(())
    }

    /// The retry policy: `max_attempts` 1 to [`MAX_ATTEMPTS_LIMIT`]; backoffs in milliseconds, at most
    /// [`MAX_BACKOFF_LIMIT`], the initial one not above the largest.
    pub fn set_retry(
        &mut self,
        max_attempts: u32,
        initial_backoff_ms: u32,
        max_backoff_ms: u32,
    ) -> Result<(), Problem> {
        if max_attempts == 0 || max_attempts > MAX_ATTEMPTS_LIMIT {
            return Err(invalid(format!("max_attempts is {max_attempts}; it must be 1 to {MAX_ATTEMPTS_LIMIT}")));
        }
        let (initial, max) =
            (Duration::from_millis(initial_backoff_ms.into()), Duration::from_millis(max_backoff_ms.into()));
        if max > MAX_BACKOFF_LIMIT || initial > max {
            return Err(invalid(format!(
                "the backoffs are {initial_backoff_ms} and {max_backoff_ms} ms; the initial one may not exceed the \
                 largest, which may not exceed {} ms",
                MAX_BACKOFF_LIMIT.as_millis()
            )));
        }
        self.retry = Retry { max_attempts, initial_backoff: initial, max_backoff: max };
        Ok(())
    }

    /// The `User-Agent` header: 1 to [`MAX_USER_AGENT_LEN`] bytes of printable ASCII.
    pub fn set_user_agent(&mut self, user_agent: &str) -> Result<(), Problem> {
        if user_agent.is_empty()
            || user_agent.len() > MAX_USER_AGENT_LEN
            || !user_agent.bytes().all(|b| (0x20..0x7f).contains(&b))
        {
            return Err(invalid(format!("the user agent must be 1 to {MAX_USER_AGENT_LEN} bytes of printable ASCII")));
        }
        self.user_agent = user_agent.to_owned();
        Ok(())
    }

    /// The trust source (see [`TrustSource`]). [`TrustSource::System`] reads the operating system's store
    /// now: `XPDRM_ERR_HTTP_TRUST_STORE` when none is found (nothing changes). CAs added with
    /// [`Config::add_ca_pem`] are trusted with every source.
    pub fn set_trust(&mut self, source: TrustSource) -> Result<(), Problem> {
        let system = if source == TrustSource::System { super::trust::system_roots()? } else { Vec::new() };
        self.trust = Some(source);
        self.system_roots = system;
        Ok(())
    }

    /// Adds a server key pin: the SHA-256 of the server certificate's SubjectPublicKeyInfo, as base64 (an
    /// optional `sha256/` prefix) or hex. With pins, a server whose chain validates but whose key matches
    /// none fails with `XPDRM_ERR_HTTP_TLS_PIN_MISMATCH`. At most [`MAX_PINS`]; a pin given twice counts once.
    pub fn add_pin(&mut self, pin: &str) -> Result<(), Problem> {
        let pin = parse_pin(pin)?;
        if self.pins.contains(&pin) {
            return Ok(());
        }
        if self.pins.len() >= MAX_PINS {
            return Err(invalid(format!("the config holds {MAX_PINS} pins already; no more are accepted")));
        }
        self.pins.push(pin);
        Ok(())
    }

    /// Removes every pin.
    pub fn clear_pins(&mut self) {
        self.pins.clear();
    }

    /// The proxy: `url` is `http://host[:port]` (port 80 when not given; no user information, path or
    /// query), `username`/`password` optional basic credentials (printable ASCII, at most
    /// [`MAX_PROXY_CREDENTIAL_LEN`] bytes each, no `:` in the user name), `no_proxy` a comma-separated list
    /// of hosts reached directly (`localhost`, `10.0.0.1`, `.example.com` or `*.example.com` for a domain's
    /// hosts, `*` for all). `https` targets are tunnelled with `CONNECT`; so are plain `http` ones.
    /// `None` for `url` removes the proxy. The environment (`HTTP_PROXY`, ...) is never read.
    pub fn set_proxy(
        &mut self,
        url: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
        no_proxy: Option<&str>,
    ) -> Result<(), Problem> {
        let Some(url) = url else {
            if username.is_some() || password.is_some() || no_proxy.is_some() {
                return Err(invalid("credentials or a no-proxy list were given without a proxy URL"));
            }
            self.proxy = None;
            return Ok(());
        };
        let settings = proxy_settings(url, username, password, no_proxy)?;
        self.proxy = Some(settings);
        Ok(())
    }

    /// Sets (or with `None` removes) the per-attempt event receiver. It is called on the calling thread,
    /// once per attempt, after the attempt ended.
    pub fn set_events(&mut self, sink: Option<EventSink>) {
        self.events = sink.map(Events);
    }

    /// The retry policy.
    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// The largest answer body accepted.
    pub fn max_response_size(&self) -> usize {
        self.max_response_size
    }

    /// True when a client certificate is set.
    pub fn has_client_cert(&self) -> bool {
        self.identity.is_some()
    }
}

fn proxy_settings(
    url: &str,
    username: Option<&str>,
    password: Option<&str>,
    no_proxy: Option<&str>,
) -> Result<ProxySettings, Problem> {
    let bad = |why: String| invalid(format!("the proxy URL {why}"));
    if url.len() > MAX_PROXY_URL_LEN {
        return Err(bad(format!("is {} bytes; at most {MAX_PROXY_URL_LEN} are accepted", url.len())));
    }
    if !url.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(bad("holds spaces, control characters or non-ASCII".into()));
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("http://") {
        &url[url.len() - rest.len()..]
    } else if lower.starts_with("https://") {
        return Err(bad(
            "is https://; only http:// proxies are supported (https targets are tunnelled through them)".into()
        ));
    } else {
        return Err(bad("must start with http://".into()));
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(bad("may hold no path, query or fragment".into()));
    }
    if authority.contains('@') {
        return Err(bad("may hold no user information; give the credentials on their own".into()));
    }
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad("is malformed".into()))?;
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| bad("has no host".into()))?;
    // The port as written (after an IPv6 address's closing bracket): 1 to 65535, or none for 80.
    let after_host = authority.rsplit(']').next().unwrap_or(authority);
    let port = match after_host.split_once(':') {
        Some((_, p)) => match p.parse::<u16>() {
            Ok(p) if p != 0 && uri.port_u16() == Some(p) => p,
            _ => return Err(bad("has a port that is not 1 to 65535".into())),
        },
        None => 80,
    };
    let mut builder = ureq::Proxy::builder(ureq::ProxyProtocol::Http).host(host).port(port);
    let printable =
        |v: &str| !v.is_empty() && v.len() <= MAX_PROXY_CREDENTIAL_LEN && v.bytes().all(|b| (0x20..0x7f).contains(&b));
    match (username, password) {
        (None, Some(_)) => return Err(invalid("a proxy password was given without a user name")),
        (Some(u), p) => {
            if !printable(u) || u.contains(':') {
                return Err(invalid(format!(
                    "the proxy user name must be 1 to {MAX_PROXY_CREDENTIAL_LEN} bytes of printable ASCII without ':'"
                )));
            }
            builder = builder.username(u);
            if let Some(p) = p {
                if !printable(p) {
                    return Err(invalid(format!(
                        "the proxy password must be 1 to {MAX_PROXY_CREDENTIAL_LEN} bytes of printable ASCII"
                    )));
                }
                builder = builder.password(p);
            }
        }
        (None, None) => {}
    }
    if let Some(list) = no_proxy {
        let entries: Vec<&str> = list.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        if entries.len() > MAX_NO_PROXY_ENTRIES {
            return Err(invalid(format!(
                "the no-proxy list has {} entries; at most {MAX_NO_PROXY_ENTRIES}",
                entries.len()
            )));
        }
        for e in &entries {
            let ok = e.len() <= 255
                && e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._*:[]".contains(&b))
                && (!e.contains('*') || *e == "*" || (e.starts_with("*.") && !e[1..].contains('*')));
            if !ok {
                return Err(invalid(format!(
                    "the no-proxy entry {:?} is not a host, an address, .domain, *.domain or *",
                    e.chars().take(64).collect::<String>()
                )));
            }
            builder = builder.no_proxy(e);
        }
    }
    let proxy = builder.build().map_err(|_| bad("cannot be used".into()))?;
    let authority = format!("{}:{port}", host.to_ascii_lowercase());
    Ok(ProxySettings { proxy, authority })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let r = Retry {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
        };
        let waits: Vec<u128> = (1..=6).map(|a| r.backoff(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 700, 700, 700]);
        assert_eq!(r.backoff(u32::MAX), Duration::from_millis(700), "no overflow");
        assert_eq!(r.backoff(0), Duration::from_millis(100));
    }

    #[test]
    fn setters_refuse_and_change_nothing() {
        let mut c = Config::new();
        assert_eq!(c.set_timeouts(0, 1, 1).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.set_timeouts(1, 1, 86_400_001).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        c.set_timeouts(5, 6, 7).unwrap();
        assert_eq!(
            (c.connect_timeout, c.read_timeout, c.overall_timeout),
            (Duration::from_millis(5), Duration::from_millis(6), Duration::from_millis(7))
        );
        assert_eq!(c.set_retry(0, 0, 0).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.set_retry(11, 0, 0).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.set_retry(2, 20, 10).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.set_retry(2, 0, 60_001).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.retry(), Retry::default());
        c.set_retry(1, 0, 0).unwrap();
        assert_eq!(c.retry().max_attempts, 1);
        assert_eq!(c.set_max_response_size(0).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(
            c.set_max_response_size(MAX_RESPONSE_SIZE_LIMIT + 1).unwrap_err().status,
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(c.max_response_size(), DEFAULT_MAX_RESPONSE_SIZE);
        for bad in ["", "tab\there", "caf\u{e9}", &"x".repeat(257)] {
            assert_eq!(c.set_user_agent(bad).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT, "{bad:?}");
        }
        assert_eq!(c.user_agent, default_user_agent());
    }

    #[test]
    fn proxy_settings_are_checked() {
        let mut c = Config::new();
        for bad in [
            "",
            "proxy:3128",
            "ftp://p:1",
            "https://p:443",
            "http://",
            "http://p:0",
            "http://p:",
            "http://p:99999",
            "http://u:pw@p:3128",
            "http://p:3128/path",
            "http://p:3128?q",
            "http://p 1:3128",
            "http://p\n:1",
        ] {
            let e = c.set_proxy(Some(bad), None, None, None).expect_err(bad);
            assert_eq!(e.status, XPDRM_ERR_INVALID_ARGUMENT, "{bad:?}");
        }
        assert_eq!(
            c.set_proxy(Some("http://p:1"), None, Some("pw"), None).unwrap_err().status,
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            c.set_proxy(Some("http://p:1"), Some("a:b"), None, None).unwrap_err().status,
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            c.set_proxy(Some("http://p:1"), Some(""), None, None).unwrap_err().status,
            XPDRM_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            c.set_proxy(Some("http://p:1"), Some("u"), Some("tab\t"), None).unwrap_err().status,
            XPDRM_ERR_INVALID_ARGUMENT
        );
        for bad in ["a b", "*a", "a*", "x/y", "**.a"] {
            assert_eq!(
                c.set_proxy(Some("http://p:1"), None, None, Some(bad)).unwrap_err().status,
                XPDRM_ERR_INVALID_ARGUMENT,
                "{bad}"
            );
        }
        assert_eq!(c.set_proxy(None, Some("u"), None, None).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert!(c.proxy.is_none(), "nothing changed");
        c.set_proxy(
            Some("HTTP://Proxy.Example:3128/"),
            Some("user"),
            Some("pa ss"),
            Some("localhost, .lan,*.corp,10.0.0.1"),
        )
        .unwrap();
        let p = c.proxy.as_ref().unwrap();
        assert_eq!(p.authority, "proxy.example:3128");
        assert!(!format!("{c:?}").contains("pa ss"), "the password is not in Debug");
        assert!(p.proxy.is_no_proxy(&"https://a.corp/x".parse().unwrap()));
        assert!(!p.proxy.is_no_proxy(&"https://corp.example/x".parse().unwrap()));
        c.set_proxy(Some("http://10.1.2.3"), None, None, None).unwrap();
        assert_eq!(c.proxy.as_ref().unwrap().authority, "10.1.2.3:80");
        c.set_proxy(None, None, None, None).unwrap();
        assert!(c.proxy.is_none());
    }

    #[test]
    fn pins_are_checked_and_counted() {
        let mut c = Config::new();
        assert_eq!(c.add_pin("nope").unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert!(c.pins.is_empty());
        for i in 0..MAX_PINS {
            c.add_pin(&format!("{i:064x}")).unwrap();
        }
        c.add_pin(&format!("{:064x}", 0)).unwrap();
        assert_eq!(c.add_pin(&format!("{:064x}", 99)).unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(c.pins.len(), MAX_PINS);
    }

    #[test]
    fn pem_inputs_are_checked() {
        let mut c = Config::new();
        assert_eq!(c.add_ca_pem(b"").unwrap_err().status, XPDRM_ERR_HTTP_BAD_PEM);
        assert_eq!(c.add_ca_pem(b"not a pem").unwrap_err().status, XPDRM_ERR_HTTP_BAD_PEM);
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(c.add_ca_pem(broken).unwrap_err().status, XPDRM_ERR_HTTP_BAD_PEM);
        // Well-formed PEM whose content is not a certificate.
        let junk = b"-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n";
        let e = c.add_ca_pem(junk).unwrap_err();
        assert_eq!(e.status, XPDRM_ERR_HTTP_BAD_PEM, "{}", e.reason);
        assert!(c.roots.is_empty());
        assert_eq!(c.add_ca_pem(&vec![b'x'; MAX_PEM_LEN + 1]).unwrap_err().status, XPDRM_ERR_INPUT_TOO_LARGE);
        assert_eq!(c.set_client_cert_pem(junk, b"").unwrap_err().status, XPDRM_ERR_HTTP_BAD_PEM);
        assert!(!c.has_client_cert());
    }
}
