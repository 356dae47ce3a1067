//! A small HTTP/1.1 server for the local test servers: std `TcpListener` on 127.0.0.1, one thread per
//! connection, optional TLS (rustls, with or without client certificates), `httparse` for requests,
//! keep-alive. Every loop is bounded in count and time, and the server stops when dropped.
//!
//! Limits: 64 connections at once (more are closed at once), 16 KiB of request head, 4 MiB of body,
//! 100 000 requests per connection, 5 s idle per keep-alive connection, 10 minutes per connection, and
//! `Content-Length` bodies only (chunked requests get 501).

/// Now as an IMF-fixdate, the format of HTTP's `Date` header: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    let weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][t.weekday().number_days_from_monday() as usize];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [u8::from(t.month()) as usize - 1];
    format!("{weekday}, {:02} {month} {} {:02}:{:02}:{:02} GMT", t.day(), t.year(), t.hour(), t.minute(), t.second())
}

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const MAX_CONNECTIONS: usize = 64;
const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 4 << 20;
const MAX_REQUESTS_PER_CONNECTION: usize = 100_000;
const MAX_ACCEPTS: usize = 1_000_000;
const IDLE: Duration = Duration::from_secs(5);
const CONNECTION_LIFETIME: Duration = Duration::from_secs(600);
const POLL: Duration = Duration::from_millis(50);
/// How long a stalling reply stalls at most.
const STALL_LIMIT: Duration = Duration::from_secs(60);
/// How much an endless body sends at most.
const ENDLESS_LIMIT: usize = 256 << 20;

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub raw_query: String,
    /// The headers, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// True when the client presented a TLS certificate (which the server's verifier accepted).
    pub client_cert: bool,
}

impl Request {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The query's parameters, decoded (`application/x-www-form-urlencoded`).
    pub fn query(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.raw_query.as_bytes()).into_owned().collect()
    }

    /// The parameters of a token request: the query of a `GET`, or the form body of a `POST` (whatever its
    /// content type says, as a lenient server would).
    pub fn params(&self) -> Vec<(String, String)> {
        if self.method == "POST" { form_urlencoded::parse(&self.body).into_owned().collect() } else { self.query() }
    }
}

/// What the handler wants done.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete answer.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`, if any.
        content_type: Option<String>,
        /// The body.
        body: Vec<u8>,
    },
    /// A complete answer with extra header lines (`Retry-After: 1`, ...).
    AnswerWithHeaders {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`.
        content_type: String,
        /// Extra header lines, without their CRLF.
        headers: Vec<String>,
        /// The body.
        body: Vec<u8>,
    },
    /// Read the request and never answer (until the server stops, at most a minute).
    Stall,
    /// Declare `declared` bytes of body, send `body`, and close the connection.
    Truncated {
        /// The `Content-Length` announced.
        declared: usize,
        /// What is actually sent.
        body: Vec<u8>,
    },
    /// A `200` whose body never ends (no length: it runs until the client gives up, at most 256 MiB).
    Endless,
    /// Close the connection without answering.
    Close,
}

impl Reply {
    /// An answer with a body of this content type.
    pub fn with(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Answer { status, content_type: Some(content_type.to_owned()), body: body.into() }
    }

    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::with(status, "application/json", value.to_string())
    }
}

/// What answers the requests.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    tls: bool,
    stop: Arc<AtomicBool>,
    active: Arc<AtomicUsize>,
    accept: Option<JoinHandle<()>>,
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Server({})", self.base_url())
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }

    fn client_cert(&self) -> bool {
        match self {
            Conn::Plain(_) => false,
            Conn::Tls(s) => s.conn.peer_certificates().is_some_and(|c| !c.is_empty()),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Decrements the connection count when a connection thread ends, however it ends.
struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Why reading a request stopped.
enum ReadEnd {
    Request(Box<Request>),
    /// The peer closed, the server is stopping, a timeout passed, or the request was unusable: close.
    Close,
    /// A request the server refuses, with its status (answered, then the connection is closed).
    Refuse(u16),
}

struct Connection {
    conn: Conn,
    buf: Vec<u8>,
    stop: Arc<AtomicBool>,
    born: Instant,
}

impl Connection {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire) || self.born.elapsed() > CONNECTION_LIFETIME
    }

    /// Reads more bytes into `buf`; `Ok(false)` at EOF or when the deadline passed or the server stops.
    fn fill(&mut self, deadline: Instant) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.stopping() || Instant::now() > deadline {
                return false;
            }
            match self.conn.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
    }

    fn next_request(&mut self) -> ReadEnd {
        let deadline = Instant::now() + IDLE;
        let (head_len, method, path, headers) = loop {
            let mut slots = [httparse::EMPTY_HEADER; 48];
            let mut parsed = httparse::Request::new(&mut slots);
            match parsed.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let headers: Vec<(String, String)> = parsed
                        .headers
                        .iter()
                        .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                        .collect();
                    let http10 = parsed.version == Some(0);
                    let mut headers = headers;
                    if http10 {
                        headers.push(("x-http-1.0".into(), "1".into()));
                    }
                    break (n, parsed.method.unwrap_or("").to_owned(), parsed.path.unwrap_or("").to_owned(), headers);
                }
                Ok(httparse::Status::Partial) if self.buf.len() < MAX_HEAD => {
                    if !self.fill(deadline) {
                        return ReadEnd::Close;
                    }
                }
                Ok(httparse::Status::Partial) => return ReadEnd::Refuse(431),
                Err(_) => return ReadEnd::Refuse(400),
            }
        };
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned());
        if header("transfer-encoding").is_some() {
            return ReadEnd::Refuse(501);
        }
        let length = match header("content-length").map(|v| v.parse::<usize>()) {
            None => 0,
            Some(Ok(n)) if n <= MAX_BODY => n,
            Some(Ok(_)) => return ReadEnd::Refuse(413),
            Some(Err(_)) => return ReadEnd::Refuse(400),
        };
        if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
            && (self.conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() || self.conn.flush().is_err())
        {
            return ReadEnd::Close;
        }
        let body_deadline = Instant::now() + IDLE;
        while self.buf.len() < head_len + length {
            if !self.fill(body_deadline) {
                return ReadEnd::Close;
            }
        }
        let body = self.buf[head_len..head_len + length].to_vec();
        self.buf.drain(..head_len + length);
        let (path, raw_query) = match path.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (path, String::new()),
        };
        ReadEnd::Request(Box::new(Request {
            method,
            path,
            raw_query,
            headers,
            body,
            client_cert: self.conn.client_cert(),
        }))
    }

    fn answer(&mut self, status: u16, content_type: Option<&str>, body: &[u8], close: bool) -> io::Result<()> {
        self.answer_with(status, content_type, &[], body, close)
    }

    fn answer_with(
        &mut self,
        status: u16,
        content_type: Option<&str>,
        extra: &[String],
        body: &[u8],
        close: bool,
    ) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n", reason_phrase(status), body.len());
        // An origin server with a clock sends Date (RFC 9110 §6.6.1); clients estimate their clock's offset.
        head.push_str(&format!("Date: {}\r\n", http_date_now()));
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        for line in extra {
            head.push_str(line);
            head.push_str("\r\n");
        }
        head.push_str(if close { "Connection: close\r\n\r\n" } else { "Connection: keep-alive\r\n\r\n" });
        let mut all = head.into_bytes();
        all.extend_from_slice(body);
        self.conn.write_all(&all)?;
        self.conn.flush()
    }

    fn serve(&mut self, handler: &Handler) {
        for _ in 0..MAX_REQUESTS_PER_CONNECTION {
            let request = match self.next_request() {
                ReadEnd::Request(r) => r,
                ReadEnd::Close => return,
                ReadEnd::Refuse(status) => {
                    let _ = self.answer(status, Some("text/plain"), reason_phrase(status).as_bytes(), true);
                    return;
                }
            };
            let close = request.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
                || request.header("x-http-1.0").is_some();
            match handler(&request) {
                Reply::Answer { status, content_type, body } => {
                    if self.answer(status, content_type.as_deref(), &body, close).is_err() || close {
                        return;
                    }
                }
                Reply::AnswerWithHeaders { status, content_type, headers, body } => {
                    if self.answer_with(status, Some(&content_type), &headers, &body, close).is_err() || close {
                        return;
                    }
                }
                Reply::Stall => {
                    let until = Instant::now() + STALL_LIMIT;
                    while !self.stopping() && Instant::now() < until {
                        std::thread::sleep(POLL);
                    }
                    return;
                }
                Reply::Truncated { declared, body } => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\nContent-Type: application/json\r\n\r\n"
                    );
                    let _ = self.conn.write_all(head.as_bytes());
                    let _ = self.conn.write_all(&body);
                    let _ = self.conn.flush();
                    return;
                }
                Reply::Endless => {
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                    if self.conn.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    let chunk = [b'x'; 64 * 1024];
                    let mut sent = 0;
                    while sent < ENDLESS_LIMIT && !self.stopping() {
                        if self.conn.write_all(&chunk).is_err() {
                            return;
                        }
                        sent += chunk.len();
                    }
                    let _ = self.conn.flush();
                    return;
                }
                Reply::Close => return,
            }
        }
    }
}

/// Closes a connection the way HTTP servers do ("lingering close"): the write side first, then what the
/// client still sends is read and dropped for a moment. Closing with unread data would make the kernel send
/// a reset, which can destroy what was sent last (a TLS alert refusing a client certificate, say) before the
/// client reads it.
fn linger_close(tcp: &TcpStream) {
    let _ = tcp.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_millis(500);
    let mut sink = [0u8; 4096];
    let mut reader = tcp;
    while Instant::now() < until {
        match reader.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => break,
        }
    }
    let _ = tcp.shutdown(Shutdown::Both);
}

impl Server {
    /// Starts a server on 127.0.0.1 with an ephemeral port; with `tls`, HTTPS.
    pub fn start(tls: Option<Arc<rustls::ServerConfig>>, handler: Handler) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let active = Arc::new(AtomicUsize::new(0));
        let is_tls = tls.is_some();
        let accept = {
            let (stop, active) = (stop.clone(), active.clone());
            std::thread::Builder::new().name(format!("xpdrm-testsrv-{}", addr.port())).spawn(move || {
                for stream in listener.incoming().take(MAX_ACCEPTS) {
                    if stop.load(Ordering::Acquire) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    if active.load(Ordering::Acquire) >= MAX_CONNECTIONS {
                        let _ = stream.shutdown(Shutdown::Both);
                        continue;
                    }
                    active.fetch_add(1, Ordering::AcqRel);
                    let guard = Active(active.clone());
                    let (stop, handler, tls) = (stop.clone(), handler.clone(), tls.clone());
                    let spawned = std::thread::Builder::new().name("xpdrm-testsrv-conn".into()).spawn(move || {
                        let _guard = guard;
                        let _ = stream.set_nodelay(true);
                        if stream.set_read_timeout(Some(POLL)).is_err()
                            || stream.set_write_timeout(Some(Duration::from_secs(10))).is_err()
                        {
                            return;
                        }
                        let conn = match tls {
                            None => Conn::Plain(stream),
                            Some(config) => match rustls::ServerConnection::new(config) {
                                Ok(c) => Conn::Tls(Box::new(rustls::StreamOwned::new(c, stream))),
                                Err(_) => return,
                            },
                        };
                        let mut connection = Connection { conn, buf: Vec::new(), stop, born: Instant::now() };
                        connection.serve(&handler);
                        if let Conn::Tls(s) = &mut connection.conn {
                            s.conn.send_close_notify();
                            let _ = s.flush();
                        }
                        linger_close(connection.conn.tcp());
                    });
                    // A failed spawn drops the closure, and with it the stream and the count.
                    drop(spawned);
                }
            })?
        };
        Ok(Server { addr, tls: is_tls, stop, active, accept: Some(accept) })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http(s)://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("{}://127.0.0.1:{}", if self.tls { "https" } else { "http" }, self.addr.port())
    }

    /// The base URL and `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        // Connection threads notice within one poll interval.
        let until = Instant::now() + Duration::from_secs(3);
        while self.active.load(Ordering::Acquire) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A bounded log of what the servers did, in sentences a person can follow (no secrets: devices appear as
/// fingerprints, tokens not at all).
#[derive(Clone, Default, Debug)]
pub struct Events(Arc<Mutex<Vec<String>>>);

/// Most events kept.
const MAX_EVENTS: usize = 1000;

impl Events {
    /// Records one event.
    pub fn push(&self, line: impl Into<String>) {
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if v.len() >= MAX_EVENTS {
            v.remove(0);
        }
        v.push(line.into());
    }

    /// Takes the events recorded so far.
    pub fn take(&self) -> Vec<String> {
        core::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A copy of the events recorded so far.
    pub fn snapshot(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
