//! The client and its one central operation: execute one [`OutboundRequest`] (with the retry policy, the
//! timeouts and the size limit) and hand back the answer.

use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use zeroize::Zeroizing;

use super::cancel::{CallGuard, Cancel, POLL_SLICE, cancelled, cancelled_io, current_cancel};
use super::config::{Config, EventSink, ProxySettings, Retry};
use super::errors::{Failure, Phase, classify};
use super::events::{AttemptEvent, Operation, clock_offset_ms, parse_http_date, parse_retry_after};
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
    /// The answer's headers in the order received: names in lower case, values as sent (a value that is
    /// not printable ASCII is kept with `?` in place of the other bytes).
    pub headers: Vec<(String, String)>,
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

    /// The value of a header (name in any case); several headers of that name are joined with `", "`.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut values = self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let first = values.next()?;
        Some(values.fold(first.to_owned(), |mut all, v| {
            all.push_str(", ");
            all.push_str(v);
            all
        }))
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
    cancel: Mutex<Option<Cancel>>,
    events: Option<EventSink>,
    clock_offset: Mutex<Option<i64>>,
    proxy: Option<ProxySettings>,
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
    let uri: ureq::http::Uri =
        url.parse().map_err(|_| invalid("is malformed (spaces or characters a URL may not hold?)"))?;
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
        let literal =
            uri.host().and_then(|h| h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok());
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
            (None, Some(port)) if current_cancel().is_some() => {
                let host = uri.host().unwrap_or_default().to_owned();
                let mut addrs = self.empty();
                for a in lookup_cancellable(host, port, timeout.not_zero().map(|d| *d))?.into_iter().take(16) {
                    addrs.push(a);
                }
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

/// A host name looked up on a helper thread, while the call watches its cancel handle: `getaddrinfo`
/// cannot be interrupted, so a cancelled call returns at once and the helper thread ends on its own (when
/// the system's resolver answers or gives up), dropping its answer.
fn lookup_cancellable(
    host: String,
    port: u16,
    timeout: Option<Duration>,
) -> Result<Vec<std::net::SocketAddr>, ureq::Error> {
    use std::net::ToSocketAddrs;
    // A slot the helper fills (a Mutex and a Condvar, not a channel: 28 KB less code in a C program).
    type Slot = (Mutex<Option<std::io::Result<Vec<std::net::SocketAddr>>>>, std::sync::Condvar);
    let slot: std::sync::Arc<Slot> = Default::default();
    let filled = slot.clone();
    std::thread::Builder::new()
        .name("xpdrm-dns".into())
        .spawn(move || {
            #[cfg(debug_assertions)]
            if host == STALLED_DNS_HOST {
                // The tests' stand-in for a resolver that does not answer (the system's resolver cannot be
                // pointed at a local server without changing the machine's configuration).
                std::thread::sleep(Duration::from_secs(3));
            }
            let result = (host.as_str(), port).to_socket_addrs().map(|a| a.collect::<Vec<_>>());
            *filled.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            filled.1.notify_all();
        })
        .map_err(|_| ureq::Error::HostNotFound)?;
    let started = Instant::now();
    let mut guard = slot.0.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        match guard.take() {
            Some(Ok(addrs)) if !addrs.is_empty() => return Ok(addrs),
            Some(_) => return Err(ureq::Error::HostNotFound),
            None => {}
        }
        if current_cancel().is_some_and(|(_, c)| c.is_cancelled()) {
            return Err(ureq::Error::Io(cancelled_io()));
        }
        if timeout.is_some_and(|t| started.elapsed() >= t) {
            return Err(ureq::Error::Timeout(ureq::Timeout::Resolve));
        }
        guard = slot.1.wait_timeout(guard, POLL_SLICE).unwrap_or_else(|e| e.into_inner()).0;
    }
}

/// A host name whose lookup stalls for 3 s, for the cancellation tests (tests/http_cancel.rs). Debug builds
/// only (`debug_assertions`, which the tests have and a release build never does): the shipped library has
/// no test hook. It is under `.invalid`, which no resolver answers, so even there it only delays a failure.
#[cfg(debug_assertions)]
pub const STALLED_DNS_HOST: &str = "dns-stall.xpdrm.invalid";

/// nginx checks a client certificate after the handshake (`ssl_verify_client on`) and answers HTTP 400
/// with a page of its own when it finds none (`No required SSL certificate was sent`) or one it does not
/// accept (`The SSL certificate error`: another CA, expired, revoked). That is a refusal of mutual TLS, not
/// the service's answer: it gets the TLS statuses.
fn tls_terminator_refusal(status: u16, body: &[u8], has_client_cert: bool) -> Option<Failure> {
    if status != 400 || body.len() > 4096 {
        return None;
    }
    let page = |marker: &str| memchr::memmem::find(body, marker.as_bytes()).is_some();
    if page("<center>No required SSL certificate was sent</center>") {
        let status = if has_client_cert {
            Status::XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED
        } else {
            Status::XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED
        };
        return Some(Failure::new(
            status,
            "the server (nginx) answered 400: no required SSL certificate was sent".into(),
            false,
        ));
    }
    if page("<center>The SSL certificate error</center>") {
        return Some(Failure::new(
            Status::XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED,
            "the server (nginx) answered 400: it does not accept the client certificate (another CA, expired or revoked)".into(),
            false,
        ));
    }
    None
}

/// Random jitter: `d` scaled to between 50% and 100%, so that many clients do not retry in step.
fn jittered(d: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = if crate::random::fill(&mut b).is_ok() { u16::from_le_bytes(b) } else { u16::MAX };
    d / 2 + d.mul_f64(f64::from(r) / f64::from(u16::MAX) / 2.0)
}

impl Client {
    /// A client for `config`. Fails with `XPDRM_ERR_HTTP_TRUST_STORE` when no CA would be trusted (the
    /// trust source is only added CAs, and none was added).
    pub fn new(config: &Config) -> Result<Client, Problem> {
        use super::transport::{TcpConnector, TlsConnector};
        use ureq::unversioned::transport::{ConnectProxyConnector, Connector};
        let tls = super::trust::client_config(config)?;
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
            // The proxy is the config's, never the environment's.
            .proxy(config.proxy.as_ref().map(|p| p.proxy.clone()))
            .build();
        let connector =
            ().chain(ConnectProxyConnector::default()).chain(TcpConnector).chain(TlsConnector { config: tls });
        let agent = ureq::Agent::with_parts(
            agent_config,
            connector,
            Resolver(ureq::unversioned::resolver::DefaultResolver::default()),
        );
        Ok(Client {
            agent,
            retry: config.retry,
            max_response_size: config.max_response_size,
            overall: config.overall_timeout,
            has_client_cert: config.identity.is_some(),
            cancel: Mutex::new(None),
            events: config.events.as_ref().map(|e| e.0.clone()),
            clock_offset: Mutex::new(None),
            proxy: config.proxy.clone(),
        })
    }

    /// Attaches a cancel handle (or with `None` detaches it): every call of this client watches it from
    /// its start. May be called while other threads use the client; their running calls keep the handle
    /// they started with.
    pub fn set_cancel(&self, cancel: Option<Cancel>) {
        *self.cancel.lock().unwrap_or_else(|e| e.into_inner()) = cancel;
    }

    /// The offset of the server's clock from the device's, in milliseconds (positive: the server's is
    /// ahead), from the `Date` header of the latest answer that had one; `None` before any did. Good to
    /// about a second: add it to the device's time before comparing with a server's absolute times.
    pub fn clock_offset_ms(&self) -> Option<i64> {
        *self.clock_offset.lock().unwrap_or_else(|e| e.into_inner())
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
        self.execute_op(request, repeat, Operation::Execute)
    }

    /// [`Client::execute`] on behalf of `op` (for the events).
    pub(crate) fn execute_op(
        &self,
        request: &OutboundRequest,
        repeat: Repeat,
        op: Operation,
    ) -> Result<Answer, Problem> {
        let started = Instant::now();
        let deadline = started + self.overall;
        let what = format!("{} {}", request.method().name(), request.redacted_url());
        let uri = check_url(request.url()).map_err(|p| Problem::new(p.status, format!("{what}: {}", p.reason)))?;
        let cancel = self.cancel.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let proxy = self.proxy.as_ref().filter(|p| !p.proxy.is_no_proxy(&uri)).map(|p| p.authority.clone());
        let guard = CallGuard::enter(cancel, proxy);
        if guard.is_cancelled() {
            return Err(cancelled(&what));
        }
        let max = self.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let budget = deadline.saturating_duration_since(Instant::now());
            guard.start_attempt();
            let attempt_started = Instant::now();
            let mut first_byte = None;
            let outcome = if budget.is_zero() {
                Err(Failure::new(Status::XPDRM_ERR_HTTP_TIMEOUT, "the overall timeout passed".into(), false))
            } else {
                self.attempt(request, &uri, budget, &mut first_byte)
            };
            let outcome = outcome.map_err(|f| {
                if guard.is_cancelled() {
                    Failure::new(Status::XPDRM_ERR_HTTP_CANCELLED, "cancelled".into(), false)
                } else if guard.proxy_unreachable()
                    && matches!(f.status, Status::XPDRM_ERR_HTTP_CONNECT | Status::XPDRM_ERR_HTTP_TIMEOUT)
                {
                    Failure::new(
                        Status::XPDRM_ERR_HTTP_PROXY_CONNECT,
                        format!("the proxy cannot be reached ({})", f.reason),
                        f.nothing_sent,
                    )
                } else {
                    f
                }
            });
            let retry_after = match &outcome {
                Ok(a) if a.status == 429 || a.status == 503 => {
                    a.header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()))
                }
                _ => None,
            };
            if self.events.is_some() {
                self.emit(op, &uri, attempt, &guard, attempt_started, first_byte, &outcome, retry_after);
            }
            if guard.is_cancelled() {
                return Err(self.give_up(&what, Status::XPDRM_ERR_HTTP_CANCELLED, "cancelled", attempt));
            }
            let retry_why = match &outcome {
                Ok(answer) if retry_after.is_some() && repeat == Repeat::Idempotent => {
                    Some(format!("answered HTTP {} with Retry-After", answer.status))
                }
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
            let wait = retry_after.unwrap_or_else(|| jittered(self.retry.backoff(attempt)));
            let fits = Instant::now() + wait < deadline;
            if (attempt >= max || !fits) && retry_after.is_some() {
                // The server said when to come back, and this call cannot wait that long: its answer is the
                // result, so that the caller can read Retry-After.
                if let Ok(mut answer) = outcome {
                    answer.attempts = attempt;
                    crate::xlog!(
                        Info,
                        "HTTP {what}: HTTP {} with Retry-After after {attempt} attempt(s)",
                        answer.status
                    );
                    return Ok(answer);
                }
            }
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
            if guard.wait(wait) {
                return Err(self.give_up(
                    &what,
                    Status::XPDRM_ERR_HTTP_CANCELLED,
                    "cancelled while waiting to try again",
                    attempt,
                ));
            }
            attempt += 1;
        }
    }

    /// Hands the event of one attempt to the receiver.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        operation: Operation,
        uri: &ureq::http::Uri,
        attempt: u32,
        guard: &CallGuard,
        started: Instant,
        first_byte: Option<Duration>,
        outcome: &Result<Answer, Failure>,
        retry_after: Option<Duration>,
    ) {
        let Some(sink) = &self.events else { return };
        let times = guard.times();
        let (http_status, expressplay_code, status) = match outcome {
            Ok(a) => {
                let code = if a.is_success() {
                    0
                } else {
                    crate::token::TokenResponse::parse(
                        crate::token::Drm::PlayReady,
                        a.status,
                        a.content_type.as_deref(),
                        &a.body,
                    )
                    .map(|r| r.error_code())
                    .unwrap_or(0)
                };
                (a.status, code, Status::XPDRM_OK)
            }
            Err(f) => (0, 0, f.status),
        };
        let event = AttemptEvent {
            operation,
            host: uri.host().unwrap_or_default().to_owned(),
            path: uri.path().to_owned(),
            attempt,
            connect: times.connect,
            tls: times.tls,
            first_byte,
            total: started.elapsed(),
            http_status,
            expressplay_code,
            outcome: status,
            retry_after,
            reused_connection: !times.connected && first_byte.is_some(),
        };
        sink(&event);
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
    fn attempt(
        &self,
        request: &OutboundRequest,
        uri: &ureq::http::Uri,
        budget: Duration,
        first_byte: &mut Option<Duration>,
    ) -> Result<Answer, Failure> {
        let started = Instant::now();
        let sent = SystemTime::now();
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
        let response = if budget + Duration::from_millis(50) < self.overall {
            let built = self.agent.configure_request(built).timeout_global(Some(budget)).build();
            self.agent.run(built)
        } else {
            self.agent.run(built)
        }
        .map_err(|e| classify(&e, Phase::Head, self.has_client_cert))?;
        *first_byte = Some(started.elapsed());
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned());
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                let value =
                    v.as_bytes().iter().map(|&b| if (0x20..0x7f).contains(&b) || b == b'\t' { b as char } else { '?' });
                (n.as_str().to_owned(), value.collect())
            })
            .collect();
        if let Some(date) = response.headers().get("date").and_then(|v| v.to_str().ok()).and_then(parse_http_date) {
            let offset = clock_offset_ms(date, sent, SystemTime::now());
            *self.clock_offset.lock().unwrap_or_else(|e| e.into_inner()) = Some(offset);
        }
        let body = self.read_body(response.into_body())?;
        if let Some(f) = tls_terminator_refusal(status, &body, self.has_client_cert) {
            return Err(f);
        }
        Ok(Answer { status, content_type, body, attempts: 1, headers })
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
