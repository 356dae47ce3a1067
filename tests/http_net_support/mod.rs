//! Real servers and proxies for the network tests, started on 127.0.0.1 by the test and stopped on drop:
//! Debian's nginx (OpenSSL, client-certificate verification), Python's `ssl` server (OpenSSL, which closes
//! right after its alert), tinyproxy; a PKI made with rcgen and written to a temporary directory; and a
//! scripted HTTP/1.1 server for answers with chosen headers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xpdrm_testsrv::rcgen::{
    self, BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("xpdrm-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A certificate and key, PEM.
#[derive(Clone)]
pub struct Id {
    pub cert: String,
    pub key: String,
}

/// The PKI of the interop tests.
pub struct Certs {
    pub ca: String,
    pub server: Id,
    pub client: Id,
    pub expired_client: Id,
    pub other_ca: String,
    pub other_client: Id,
    pub other_server: Id,
}

fn ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

fn leaf(issuer: &Issuer<'static, KeyPair>, names: &[&str], usage: ExtendedKeyUsagePurpose, expired: bool) -> Id {
    let mut params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, "xpdrm interop");
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    Id { cert: cert.pem(), key: key.serialize_pem() }
}

impl Certs {
    pub fn generate() -> Certs {
        use ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
        let (ca_pem, issuer) = ca("xpdrm interop CA");
        let (other_ca, other) = ca("another CA");
        Certs {
            server: leaf(&issuer, &["127.0.0.1", "localhost"], ServerAuth, false),
            client: leaf(&issuer, &[], ClientAuth, false),
            expired_client: leaf(&issuer, &[], ClientAuth, true),
            other_client: leaf(&other, &[], ClientAuth, false),
            other_server: leaf(&other, &["127.0.0.1", "localhost"], ServerAuth, false),
            ca: ca_pem,
            other_ca,
        }
    }
}

/// A port free at the time of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until something accepts connections on the port (at most 10 s).
pub fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited at start: {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on port {port} within 10 s");
}

/// True when a program is installed (in PATH or as an absolute path).
pub fn have(program: &str) -> bool {
    Command::new(program).arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// A tool the test needs but the machine lacks: with XPDRM_REQUIRE_TOOLS set (CI), fail; else say NOT RUN.
pub fn missing(tool: &str) -> bool {
    if have(tool) {
        return false;
    }
    if std::env::var_os("XPDRM_REQUIRE_TOOLS").is_some() {
        panic!("{tool} is required (XPDRM_REQUIRE_TOOLS is set) but not installed");
    }
    eprintln!("NOT RUN: {tool} is not installed (apt-get install nginx-light tinyproxy)");
    true
}

/// A child process killed on drop.
pub struct Proc(pub Child);

/// Starts a local server quietly (no stdin, output discarded) and waits until it listens on every one of
/// `ports`; it is killed when the returned `Proc` is dropped.
pub fn start(cmd: &mut Command, what: &str, ports: &[u16]) -> Proc {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let mut proc = Proc(child);
    for &port in ports {
        wait_for_port(port, &mut proc.0, what);
    }
    proc
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Debian's nginx with TLS: a server requiring a client certificate of the interop CA (TLS 1.2 and 1.3),
/// a second such server speaking TLS 1.2 only, and a third one without client certificates.
pub struct Nginx {
    pub port: u16,
    pub tls12_port: u16,
    pub open_port: u16,
    _proc: Proc,
    pub dir: TempDir,
}

impl Nginx {
    pub fn start(certs: &Certs) -> Nginx {
        let dir = TempDir::new("nginx");
        let (port, tls12_port, open_port) = (free_port(), free_port(), free_port());
        let d = dir.0.display().to_string();
        dir.write("server.pem", &certs.server.cert);
        dir.write("server.key", &certs.server.key);
        dir.write("ca.pem", &certs.ca);
        std::fs::create_dir_all(dir.path("tmp")).unwrap();
        let server = |port: u16, protocols: &str, verify: bool| {
            let verify = if verify {
                format!("ssl_client_certificate {d}/ca.pem; ssl_verify_client on;")
            } else {
                String::new()
            };
            format!(
                "server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; \
                 ssl_protocols {protocols}; {verify} \
                 location / {{ default_type application/json; add_header X-Served-By nginx; return 200 '{{\"ok\":true}}'; }} }}\n"
            )
        };
        let conf = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log off; client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp; \
             uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n{}{}{} }}\n",
            server(port, "TLSv1.2 TLSv1.3", true),
            server(tls12_port, "TLSv1.2", true),
            server(open_port, "TLSv1.2 TLSv1.3", false),
        );
        let conf_path = dir.write("nginx.conf", &conf);
        let proc = start(
            Command::new("nginx").args(["-e", &format!("{d}/error.log"), "-p", &d, "-c"]).arg(&conf_path),
            "nginx",
            &[port, tls12_port, open_port],
        );
        Nginx { port, tls12_port, open_port, _proc: proc, dir }
    }
}

/// Python's `ssl` server (OpenSSL) requiring a client certificate of the interop CA: it fails the
/// handshake of a client without one, sends its alert and closes at once (the broken-pipe race).
pub struct PySslServer {
    pub port: u16,
    _proc: Proc,
    _dir: TempDir,
}

impl PySslServer {
    pub fn start(certs: &Certs) -> PySslServer {
        let dir = TempDir::new("pyssl");
        let port = free_port();
        dir.write("server.pem", &certs.server.cert);
        dir.write("server.key", &certs.server.key);
        dir.write("ca.pem", &certs.ca);
        let script = format!(
            r#"
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("{d}/server.pem", "{d}/server.key")
ctx.load_verify_locations("{d}/ca.pem")
ctx.verify_mode = ssl.CERT_REQUIRED
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", {port}))
srv.listen(64)
while True:
    conn, _ = srv.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        s.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{{\"ok\":true}}")
        s.close()
    except Exception:
        conn.close()
"#,
            d = dir.0.display()
        );
        let proc = start(Command::new("python3").arg("-c").arg(script), "python3 ssl server", &[port]);
        PySslServer { port, _proc: proc, _dir: dir }
    }
}

/// tinyproxy on 127.0.0.1, optionally with basic credentials and allowed CONNECT ports.
pub struct Tinyproxy {
    pub port: u16,
    _proc: Proc,
    pub dir: TempDir,
}

impl Tinyproxy {
    pub fn start(credentials: Option<(&str, &str)>, connect_ports: &[u16]) -> Tinyproxy {
        let dir = TempDir::new("tinyproxy");
        let port = free_port();
        let d = dir.0.display().to_string();
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 32\nLogFile \"{d}/tinyproxy.log\"\nLogLevel Connect\n\
             PidFile \"{d}/tinyproxy.pid\"\nAllow 127.0.0.1\nDisableViaHeader Yes\n"
        );
        if let Some((u, p)) = credentials {
            conf.push_str(&format!("BasicAuth {u} {p}\n"));
        }
        for p in connect_ports {
            conf.push_str(&format!("ConnectPort {p}\n"));
        }
        let conf_path = dir.write("tinyproxy.conf", &conf);
        let proc = start(Command::new("tinyproxy").arg("-d").arg("-c").arg(&conf_path), "tinyproxy", &[port]);
        Tinyproxy { port, _proc: proc, dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// tinyproxy's log (its CONNECT lines show what went through it).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path("tinyproxy.log")).unwrap_or_default()
    }
}

/// A plain HTTP/1.1 server that answers each connection with the next scripted answer (then closes), and
/// records the request lines it received.
pub struct Scripted {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    pub fn start(answers: Vec<String>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            let mut answers = answers.into_iter();
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&buf).lines().next().unwrap_or_default().to_owned();
                seen.lock().unwrap().push(line);
                let Some(answer) = answers.next() else { return };
                let _ = conn.write_all(answer.as_bytes());
            }
        });
        Scripted { port, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// An HTTP/1.1 answer with the given status, extra header lines and JSON body, closing the connection.
pub fn answer(status: u16, headers: &[&str], body: &str) -> String {
    let mut a = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        a.push_str(h);
        a.push_str("\r\n");
    }
    a.push_str("\r\n");
    a.push_str(body);
    a
}

/// An IMF-fixdate for a time (the format of HTTP's Date header).
pub fn http_date(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m as usize - 1];
    format!("{wd}, {d:02} {mon} {y} {:02}:{:02}:{:02} GMT", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Open file descriptors of this process (Linux).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

pub fn path_display(p: &Path) -> String {
    p.display().to_string()
}

/// A server in another process (Python) that accepts connections, completes the TLS handshake when given
/// a certificate, reads the request and never answers: a stalled server whose sockets are not this
/// process's (so that a test can count this process's descriptors).
pub struct PyStallServer {
    pub port: u16,
    _proc: Proc,
    _dir: TempDir,
}

impl PyStallServer {
    pub fn start(tls: Option<&Certs>) -> PyStallServer {
        let dir = TempDir::new("pystall");
        let port = free_port();
        let wrap = match tls {
            Some(certs) => {
                dir.write("server.pem", &certs.server.cert);
                dir.write("server.key", &certs.server.key);
                format!(
                    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\nctx.load_cert_chain(\"{d}/server.pem\", \"{d}/server.key\")\nwrap = lambda c: ctx.wrap_socket(c, server_side=True)\n",
                    d = dir.0.display()
                )
            }
            None => "wrap = lambda c: c\n".to_owned(),
        };
        let script = format!(
            r#"
import socket, ssl, threading, time
{wrap}
def hold(conn):
    try:
        s = wrap(conn)
        s.recv(65536)
        time.sleep(120)
    except Exception:
        pass
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", {port}))
srv.listen(256)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=hold, args=(conn,), daemon=True).start()
"#
        );
        let proc = start(Command::new("python3").arg("-c").arg(script), "python3 stall server", &[port]);
        PyStallServer { port, _proc: proc, _dir: dir }
    }
}
