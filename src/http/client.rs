//! The client and its one central operation: execute one [`OutboundRequest`] (with the retry policy, the
//! timeouts and the size limit) and hand back the answer.

use std::io::Read;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::config::{Config, Retry, private_key};
use super::errors::{Failure, Phase, classify};
use crate::Status;
use crate::outbound::{Method, OutboundRequest, Response};
use crate::sees::Problem;

/// Whether a request may be sent again, and when.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Tried again after a connection failure and after a 5xx answer: reads (`GET` of records), and SEES
    /// entitlement messages, which carry a `messageID` that a SEES recognises when it sees it again.
    Idempotent,
    /// Tried again only after a connection failure, when nothing was sent: a token request mints a token
    /// (and uses up account credit) even when the answer is lost, and so may a license redemption.
    UnlessSent,
}

impl Repeat {
    /// The policy of a request known only by its method: `GET` is [`Repeat::Idempotent`], `POST`
    /// [`Repeat::UnlessSent`].
    pub fn for_method(method: Method) -> Repeat {
        match method {
            Method::Get => Repeat::Idempotent,
            Method::Post => Repeat::UnlessSent,
        }
    }
}

/// What the server answered (after the retry policy): status, content type and body. The body is wiped on
/// drop: it may hold a token, a license or a device ID.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if there was one.
    pub content_type: Option<String>,
    /// The body, at most the configured maximum response size.
    pub body: Zeroizing<Vec<u8>>,
    /// How many attempts it took (1 when the first one was answered).
    pub attempts: u32,
}

impl Answer {
    /// The answer in the form the sans-IO flows take.
    pub fn response(&self) -> Response<'_> {
        Response { status: self.status, content_type: self.content_type.as_deref(), body: &self.body }
    }

    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl core::fmt::Debug for Answer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Answer(HTTP {}, {:?}, {} body bytes)", self.status, self.content_type, self.body.len())
    }
}

/// A blocking HTTP client (ureq with rustls). Cheap to share: it may be used from several threads at once,
/// and it keeps connections alive for reuse.
pub struct Client {
    agent: ureq::Agent,
    retry: Retry,
    max_response_size: usize,
    overall: Duration,
    has_client_cert: bool,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Client(retry {:?}, max {} bytes)", self.retry, self.max_response_size)
    }
}

/// Checks that `url` is an absolute `http` or `https` URL with a host that the HTTP stack accepts.
pub(crate) fn check_url(url: &str) -> Result<ureq::http::Uri, Problem> {
    let invalid = |why: &str| Problem::new(Status::XPDRM_ERR_HTTP_INVALID_URL, format!("the URL {why}"));
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(invalid("is not an absolute http or https URL"));
    }
    let uri: ureq::http::Uri = url.parse().map_err(|_| invalid("is malformed (spaces or characters a URL may not hold?)"))?;
    match uri.host() {
        Some(h) if !h.is_empty() => Ok(uri),
        _ => Err(invalid("has no host")),
    }
}

/// ureq's resolver, except that an IP address is not looked up: with a timeout, ureq's own resolver starts
/// a thread for every lookup (of every request, kept-alive connection or not), which costs more than a
/// request over loopback. Host names go to ureq's resolver.
#[derive(Debug)]
struct Resolver(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for Resolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.host().and_then(|h| h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok());
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        match (literal, port) {
            (Some(ip), Some(port)) => {
                let mut addrs = self.empty();
                addrs.push(std::net::SocketAddr::new(ip, port));
                Ok(addrs)
            }
            // A failed lookup is an I/O error of the system's resolver: say what it is.
            _ => self.0.resolve(uri, config, timeout).map_err(|e| match e {
                ureq::Error::Io(_) => ureq::Error::HostNotFound,
                other => other,
            }),
        }
    }
}

/// Random jitter: `d` scaled to between 50% and 100%, so that many clients do not retry in step.
fn jittered(d: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = if crate::random::fill(&mut b).is_ok() { u16::from_le_bytes(b) } else { u16::MAX };
    d / 2 + d.mul_f64(f64::from(r) / f64::from(u16::MAX) / 2.0)
}

impl Client {
    /// A client for `config`.
    pub fn new(config: &Config) -> Result<Client, Problem> {
        use ureq::tls::{ClientCert, RootCerts, TlsConfig};
        let roots = if config.roots.is_empty() {
            RootCerts::WebPki
        } else {
            RootCerts::new_with_certs(&config.roots)
        };
        let client_cert = match &config.identity {
            Some(id) => Some(ClientCert::new_with_certs(&id.chain, private_key(&id.key_pem)?)),
            None => None,
        };
        let tls = TlsConfig::builder()
            .root_certs(roots)
            .client_cert(client_cert)
            .unversioned_rustls_crypto_provider(super::config::provider())
            .build();
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are not followed: a token in a URL must not travel to another host, and a POST body
            // would not be sent again anyway.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(config.user_agent.as_str())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .timeout_global(Some(config.overall_timeout))
            .tls_config(tls)
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::new(),
            Resolver(ureq::unversioned::resolver::DefaultResolver::default()),
        );
        Ok(Client {
            agent,
            retry: config.retry,
            max_response_size: config.max_response_size,
            overall: config.overall_timeout,
            has_client_cert: config.identity.is_some(),
        })
    }

    /// The largest answer body this client accepts.
    pub fn max_response_size(&self) -> usize {
        self.max_response_size
    }

    /// Executes `request`: sends it, and tries again as the retry policy and `repeat` allow.
    ///
    /// * A connection failure (refused, unreachable, connect timeout: nothing was sent) is tried again for
    ///   every request.
    /// * A 5xx answer is tried again only for [`Repeat::Idempotent`] requests; when every attempt got one, the
    ///   result is `XPDRM_ERR_HTTP_RETRIES_EXHAUSTED`. For [`Repeat::UnlessSent`] requests a 5xx answer is
    ///   returned as it is.
    /// * Any other answer (any status) is returned.
    /// * Attempts wait `initial_backoff * 2^n` (at most `max_backoff`, with jitter) between them, and all of
    ///   it fits in the overall timeout.
    ///
    /// Failures have a 500-group status and a reason with the redacted URL (no query: it may hold secrets).
    pub fn execute(&self, request: &OutboundRequest, repeat: Repeat) -> Result<Answer, Problem> {
        let started = Instant::now();
        let deadline = started + self.overall;
        let what = format!("{} {}", request.method().name(), request.redacted_url());
        let uri = check_url(request.url()).map_err(|p| Problem::new(p.status, format!("{what}: {}", p.reason)))?;
        let max = self.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let budget = deadline.saturating_duration_since(Instant::now());
            let outcome = if budget.is_zero() {
                Err(Failure::new(Status::XPDRM_ERR_HTTP_TIMEOUT, "the overall timeout passed".into(), false))
            } else {
                self.attempt(request, &uri, budget)
            };
            let retry_why = match &outcome {
                Ok(answer) if answer.status >= 500 && repeat == Repeat::Idempotent => {
                    Some(format!("answered HTTP {}", answer.status))
                }
                Err(f) if f.nothing_sent => Some(f.reason.clone()),
                _ => None,
            };
            let Some(why) = retry_why else {
                return match outcome {
                    Ok(mut answer) => {
                        answer.attempts = attempt;
                        crate::xlog!(Debug, "HTTP {what}: HTTP {} after {attempt} attempt(s)", answer.status);
                        Ok(answer)
                    }
                    Err(f) => Err(self.give_up(&what, f.status, &f.reason, attempt)),
                };
            };
            let wait = jittered(self.retry.backoff(attempt));
            let fits = Instant::now() + wait < deadline;
            if attempt >= max || !fits {
                let status = match outcome {
                    Ok(_) => Status::XPDRM_ERR_HTTP_RETRIES_EXHAUSTED,
                    Err(f) => f.status,
                };
                let why = if fits { why } else { format!("{why}; no time is left for another attempt") };
                return Err(self.give_up(&what, status, &why, attempt));
            }
            crate::xlog!(
                Info,
                "HTTP {what}: attempt {attempt} of {max} {why}; trying again in {} ms",
                wait.as_millis()
            );
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn give_up(&self, what: &str, status: Status, why: &str, attempts: u32) -> Problem {
        let reason = format!(
            "{what}: {} ({why}; {attempts} attempt{})",
            status.text().trim_end_matches('.'),
            if attempts == 1 { "" } else { "s" }
        );
        crate::xlog!(Warn, "HTTP {reason}");
        Problem::new(status, reason)
    }

    /// One attempt, within `budget`.
    fn attempt(&self, request: &OutboundRequest, uri: &ureq::http::Uri, budget: Duration) -> Result<Answer, Failure> {
        let method = match request.method() {
            Method::Get => ureq::http::Method::GET,
            Method::Post => ureq::http::Method::POST,
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(uri.clone());
        for (name, value) in request.headers() {
            builder = builder.header(name.as_str(), value.expose());
        }
        let built = builder.body(request.body()).map_err(|_| {
            Failure::new(Status::XPDRM_ERR_INVALID_ARGUMENT, "a header name or value is not valid HTTP".into(), false)
        })?;
        // The agent's own global timeout is the whole overall timeout; a later attempt gets what is left.
        // (Only then is the request configured on its own: ureq builds a request-level TLS setup afresh.)
        let response = if budget + Duration::from_millis(50) < self.overall {
            let built = self.agent.configure_request(built).timeout_global(Some(budget)).build();
            self.agent.run(built)
        } else {
            self.agent.run(built)
        }
        .map_err(|e| classify(&e, Phase::Head, self.has_client_cert))?;
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned());
        let body = self.read_body(response.into_body())?;
        Ok(Answer { status, content_type, body, attempts: 1 })
    }

    /// Reads the body into wiped memory, refusing it as soon as it exceeds the maximum: by its declared
    /// length before reading, or while reading.
    fn read_body(&self, mut body: ureq::Body) -> Result<Zeroizing<Vec<u8>>, Failure> {
        let max = self.max_response_size;
        let too_large = |n: String| {
            Failure::new(
                Status::XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE,
                format!("the answer's body is {n} bytes; this client accepts at most {max}"),
                false,
            )
        };
        let declared = body.content_length();
        if let Some(n) = declared
            && n > max as u64
        {
            return Err(too_large(n.to_string()));
        }
        let initial = declared.map_or(8192, |n| n as usize).min(max);
        let mut buf = Zeroizing::new(Vec::with_capacity(initial));
        let mut reader = body.with_config().limit(max as u64 + 1).reader();
        let mut chunk = Zeroizing::new([0u8; 8192]);
        loop {
            let n = match reader.read(&mut chunk[..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let e = ureq::Error::from(e);
                    if matches!(e, ureq::Error::BodyExceedsLimit(_)) {
                        return Err(too_large(format!("more than {max}")));
                    }
                    return Err(classify(&e, Phase::Body, self.has_client_cert));
                }
            };
            if buf.len() + n > max {
                return Err(too_large(format!("more than {max}")));
            }
            if buf.len() + n > buf.capacity() {
                // Grow by hand: a Vec that reallocates leaves its old buffer behind unwiped.
                let mut bigger = Zeroizing::new(Vec::with_capacity((buf.capacity() * 2).max(buf.len() + n).min(max)));
                bigger.extend_from_slice(&buf);
                buf = bigger;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Ok(buf)
    }
}
