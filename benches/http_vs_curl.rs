//! Sequential token fetches over loopback with keep-alive: xpdrm's client against `curl`, the same requests
//! against the same server in the same run.
//!
//! ```sh
//! cargo bench --features http --bench http_vs_curl            # 1000 requests each
//! cargo bench --features http --bench http_vs_curl -- 200     # fewer
//! ```
//!
//! The local ExpressPlay-compatible server (HTTPS, TLS 1.3) answers FairPlay token requests. xpdrm makes N
//! `xpdrm::http::Client::fetch_token` calls through one client (one kept-alive connection): each builds and
//! checks the request's URL, sends it, and parses the answer. curl makes the same N GETs in one process
//! (`--cacert`, all URLs in one invocation, so that it reuses its connection) and reports each transfer's
//! `time_total`. The first requests of each (connection set-up, warm-up) are left out; the medians are
//! compared. Target: xpdrm's median within 1.2x of curl's. `--check` exits 1 when it is not.
//!
//! Then the same again through a proxy: Debian's tinyproxy on 127.0.0.1, started by the benchmark (skipped
//! with a NOT RUN note when it is not installed). Both clients open one CONNECT tunnel through it and keep
//! it alive (curl: `--proxy`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use xpdrm::http::Client;
use xpdrm::outbound::Method;
use xpdrm::token::{Drm, TokenRequest};
use xpdrm_testsrv::{TestServers, token_rules};

const WARM_UP: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 0.5), percentile(&v, 0.1), percentile(&v, 0.9))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1000);
    let check = args.iter().any(|a| a == "--check");
    let servers = TestServers::start().expect("the local servers");
    let mut request = TokenRequest::new(Drm::FairPlay);
    request.set_base_url(&servers.expressplay.token_url(token_rules::Drm::FairPlay)).unwrap();
    for (name, value) in [
        ("customerAuthenticator", servers.authenticator.as_str()),
        ("contentKey", "00112233445566778899aabbccddeeff"),
        ("iv", "f0e0d0c0b0a090807060504030201000"),
        ("expirationTime", "+3600"),
    ] {
        request.set(name, value).unwrap();
    }
    let url = request.url().unwrap().to_string();

    let direct = compare("direct", &servers, &request, &url, n, None);
    let proxy = Tinyproxy::start();
    let proxied = match &proxy {
        Some(p) => compare("through tinyproxy (CONNECT)", &servers, &request, &url, n, Some(&p.url())),
        None => {
            eprintln!("*** NOT RUN: tinyproxy is not installed: the comparison through a proxy is skipped ***");
            Some(0.0)
        }
    };
    drop(proxy);
    println!("  tokens minted by the server: {}", servers.expressplay.tokens_minted());
    let worst = direct.into_iter().chain(proxied).fold(0.0f64, f64::max);
    if check && worst > 1.2 {
        eprintln!("http_vs_curl: xpdrm's median is {worst:.2}x curl's, over the 1.2x target");
        std::process::exit(1);
    }
}

/// N fetches by xpdrm and N by curl, directly or through `proxy`; prints the medians and returns the
/// ratio (None when curl is not installed).
fn compare(
    label: &str,
    servers: &TestServers,
    request: &TokenRequest,
    url: &str,
    n: usize,
    proxy: Option<&str>,
) -> Option<f64> {
    // xpdrm: one client, N sequential fetches.
    let mut config = servers.client_config(false);
    if let Some(p) = proxy {
        config.set_proxy(Some(p), None, None, None).unwrap();
    }
    let client = Client::new(&config).unwrap();
    let mut ours = Vec::with_capacity(n);
    for i in 0..n + WARM_UP {
        let started = Instant::now();
        let token = client.fetch_token(request, Method::Get).expect("a token");
        let took = started.elapsed().as_secs_f64() * 1e6;
        assert!(token.is_token());
        if i >= WARM_UP {
            ours.push(took);
        }
    }

    // curl: one process, the same N URLs (written to a config file: N URLs do not fit every command line).
    let dir = std::env::temp_dir().join(format!("xpdrm-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &servers.pki.ca_pem).unwrap();
    let config = dir.join("urls.conf");
    let mut f = std::fs::File::create(&config).unwrap();
    for _ in 0..n + WARM_UP {
        writeln!(f, "url = \"{url}\"\noutput = \"/dev/null\"").unwrap();
    }
    drop(f);
    let started = Instant::now();
    let mut curl = Command::new("curl");
    curl.args(["--silent", "--show-error", "--fail", "--cacert"]).arg(&ca);
    if let Some(p) = proxy {
        curl.args(["--proxy", p]);
    }
    let out = curl.args(["--write-out", "%{time_total}\\n", "--config"]).arg(&config).stderr(Stdio::inherit()).output();
    let curl_wall = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => panic!("curl failed: {:?}", o.status),
        Err(e) => {
            eprintln!("*** NOT RUN: curl is not installed ({e}) ***");
            return None;
        }
    };
    let theirs: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse::<f64>().ok())
        .map(|s| s * 1e6)
        .skip(WARM_UP)
        .collect();
    assert_eq!(theirs.len(), n, "curl reported {} transfers", theirs.len());

    let (m_ours, p10_ours, p90_ours) = summary(ours);
    let (m_curl, p10_curl, p90_curl) = summary(theirs);
    let ratio = m_ours / m_curl;
    println!("http_vs_curl, {label}: {n} sequential FairPlay token fetches over loopback TLS 1.3 with keep-alive");
    println!("  xpdrm fetch_token  median {m_ours:8.1} us   (p10 {p10_ours:.1}, p90 {p90_ours:.1})");
    println!(
        "  curl               median {m_curl:8.1} us   (p10 {p10_curl:.1}, p90 {p90_curl:.1}; whole run {:.2} s)",
        curl_wall.as_secs_f64()
    );
    println!("  ratio xpdrm/curl   {ratio:.2} (target 1.2 or less)");
    Some(ratio)
}

/// tinyproxy on 127.0.0.1 (foreground, killed on drop); None when it is not installed.
struct Tinyproxy {
    port: u16,
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl Tinyproxy {
    fn start() -> Option<Tinyproxy> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = std::env::temp_dir().join(format!("xpdrm-bench-proxy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let conf = dir.join("tinyproxy.conf");
        let d = dir.display();
        std::fs::write(
            &conf,
            format!("Port {port}\nListen 127.0.0.1\nTimeout 60\nMaxClients 8\nLogFile \"{d}/log\"\nLogLevel Error\nPidFile \"{d}/pid\"\nAllow 127.0.0.1\nDisableViaHeader Yes\n"),
        )
        .ok()?;
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed().as_secs() > 10 {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Some(Tinyproxy { port, child, dir })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
