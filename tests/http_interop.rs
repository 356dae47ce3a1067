//! The HTTP client against real servers and a real proxy from Debian, started by the test on 127.0.0.1:
//! nginx (OpenSSL) verifying client certificates (none, another CA's, an expired one, a TLS 1.2-only
//! server), Python's OpenSSL server that closes right after its alert (the broken-pipe race), and
//! tinyproxy (CONNECT, basic credentials, refusals, no-proxy list). Pins and trust sources against nginx.
#![cfg(feature = "http")]

mod http_net_support;

use http_net_support::*;
use xpdrm::Status::{self, *};
use xpdrm::http::{Client, Config, Repeat, TrustSource};
use xpdrm::outbound::OutboundRequest;
use xpdrm::secret_string::SecretString;

fn config(certs: &Certs, client: Option<&Id>) -> Config {
    let mut cfg = Config::new();
    cfg.add_ca_pem(certs.ca.as_bytes()).unwrap();
    if let Some(id) = client {
        cfg.set_client_cert_pem(id.cert.as_bytes(), id.key.as_bytes()).unwrap();
    }
    cfg.set_timeouts(3_000, 3_000, 10_000).unwrap();
    cfg.set_retry(1, 0, 0).unwrap();
    cfg
}

fn get(client: &Client, url: &str) -> Result<xpdrm::http::Answer, (Status, String)> {
    client.execute(&OutboundRequest::get(SecretString::from(url)), Repeat::Idempotent).map_err(|p| (p.status, p.reason))
}

/// A POST, as a SEES entitlement exchange sends (the request body goes out right after the handshake).
fn post(client: &Client, url: &str) -> Result<xpdrm::http::Answer, (Status, String)> {
    let body = zeroize::Zeroizing::new(br#"{"version":"1.0"}"#.to_vec());
    client
        .execute(&OutboundRequest::post(SecretString::from(url), "application/json", body), Repeat::UnlessSent)
        .map_err(|p| (p.status, p.reason))
}

#[test]
fn nginx_with_client_certificate_verification_gives_each_case_its_status() {
    if missing("nginx") {
        return;
    }
    let certs = Certs::generate();
    let nginx = Nginx::start(&certs);
    let url = format!("https://127.0.0.1:{}/sees", nginx.port);

    // The right certificate.
    let ok = Client::new(&config(&certs, Some(&certs.client))).unwrap();
    let a = get(&ok, &url).unwrap();
    assert_eq!((a.status, a.header("x-served-by").as_deref()), (200, Some("nginx")));

    // No certificate: 50 times, each a fresh client (a fresh handshake), never anything else.
    let none = config(&certs, None);
    for i in 0..50 {
        let c = Client::new(&none).unwrap();
        let r = if i % 2 == 0 { get(&c, &url) } else { post(&c, &url) };
        let (status, reason) = r.expect_err("no certificate");
        assert_eq!(status, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED, "run {i}: {reason}");
    }

    // Another CA's certificate, an expired one: rejected.
    for (what, id) in [("another CA", &certs.other_client), ("expired", &certs.expired_client)] {
        let c = Client::new(&config(&certs, Some(id))).unwrap();
        let (status, reason) = get(&c, &url).expect_err(what);
        assert_eq!(status, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED, "{what}: {reason}");
    }

    // A TLS 1.2-only server: the right certificate works, none is refused the same way.
    let url12 = format!("https://127.0.0.1:{}/sees", nginx.tls12_port);
    assert_eq!(get(&ok, &url12).unwrap().status, 200);
    let (status, reason) = get(&Client::new(&none).unwrap(), &url12).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED, "{reason}");

    // A client that does not trust nginx's CA.
    let mut stranger = Config::new();
    stranger.add_ca_pem(certs.other_ca.as_bytes()).unwrap();
    let (status, _) = get(&Client::new(&stranger).unwrap(), &url).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
}

#[test]
fn an_openssl_server_that_closes_after_its_alert_is_reported_as_the_alert_every_time() {
    if missing("python3") {
        return;
    }
    let certs = Certs::generate();
    let server = PySslServer::start(&certs);
    let url = format!("https://127.0.0.1:{}/sees", server.port);
    let none = config(&certs, None);
    for i in 0..50 {
        let c = Client::new(&none).unwrap();
        let (status, reason) = post(&c, &url).expect_err("no certificate");
        assert_eq!(status, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED, "run {i}: {reason}");
    }
    let c = Client::new(&config(&certs, Some(&certs.other_client))).unwrap();
    let (status, reason) = post(&c, &url).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED, "{reason}");
    let c = Client::new(&config(&certs, Some(&certs.client))).unwrap();
    assert_eq!(post(&c, &url).unwrap().status, 200);
}

#[test]
fn pins_are_checked_after_the_chain_and_a_mismatch_has_its_status() {
    if missing("nginx") {
        return;
    }
    let certs = Certs::generate();
    let nginx = Nginx::start(&certs);
    let url = format!("https://127.0.0.1:{}/", nginx.open_port);
    let server_pin = xpdrm::http::spki_sha256(&pem_der(&certs.server.cert)).unwrap();
    let other_pin = xpdrm::http::spki_sha256(&pem_der(&certs.other_server.cert)).unwrap();
    let hex = |p: &[u8; 32]| p.iter().map(|b| format!("{b:02x}")).collect::<String>();

    // The server's pin among others (rotation): accepted.
    let mut cfg = config(&certs, None);
    cfg.add_pin(&hex(&other_pin)).unwrap();
    cfg.add_pin(&hex(&server_pin)).unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap().status, 200);

    // Only other pins: refused with its own status, though the chain is valid.
    let mut cfg = config(&certs, None);
    cfg.add_pin(&hex(&other_pin)).unwrap();
    let (status, reason) = get(&Client::new(&cfg).unwrap(), &url).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_TLS_PIN_MISMATCH, "{reason}");
    assert!(reason.contains("pins"), "{reason}");

    // The right pin does not make an untrusted chain acceptable: the chain is checked first.
    let mut cfg = Config::new();
    cfg.add_ca_pem(certs.other_ca.as_bytes()).unwrap();
    cfg.add_pin(&hex(&server_pin)).unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap_err().0, XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);

    // The pin of the certificate as xpdrm_http_pin_of_cert_pem computes it, as openssl computes it.
    if have("openssl") {
        let dir = TempDir::new("pin");
        let cert = dir.write("c.pem", &certs.server.cert);
        let script = format!(
            "openssl x509 -in {} -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex",
            cert.display()
        );
        let out = std::process::Command::new("sh").arg("-c").arg(script).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.trim().ends_with(&hex(&server_pin)), "openssl says {text}");
    }
}

#[test]
fn trust_sources_built_in_system_and_added_only() {
    if missing("nginx") {
        return;
    }
    let certs = Certs::generate();
    let nginx = Nginx::start(&certs);
    let url = format!("https://127.0.0.1:{}/", nginx.open_port);

    // The built-in public CAs do not include the test CA; adding it to them works.
    let mut cfg = Config::new();
    cfg.set_trust(TrustSource::BuiltIn).unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap_err().0, XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
    cfg.add_ca_pem(certs.ca.as_bytes()).unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap().status, 200);

    // Only added CAs, none added: no client can be made.
    let mut cfg = Config::new();
    cfg.set_trust(TrustSource::AddedOnly).unwrap();
    assert_eq!(Client::new(&cfg).unwrap_err().status, XPDRM_ERR_HTTP_TRUST_STORE);

    // The system store: the machine's bundle does not hold the test CA; SSL_CERT_FILE naming it does
    // (read when the source is chosen). This test alone sets the variable, before any client reads it.
    let dir = TempDir::new("trust");
    let bundle = dir.write("bundle.pem", &certs.ca);
    let mut cfg = Config::new();
    match cfg.set_trust(TrustSource::System) {
        Ok(()) => assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap_err().0, XPDRM_ERR_HTTP_TLS_UNKNOWN_CA),
        Err(p) => assert_eq!(p.status, XPDRM_ERR_HTTP_TRUST_STORE),
    }
    // SAFETY (edition 2024): the other tests of this binary do not read SSL_CERT_FILE.
    unsafe { std::env::set_var("SSL_CERT_FILE", &bundle) };
    let mut cfg = Config::new();
    cfg.set_trust(TrustSource::System).unwrap();
    unsafe { std::env::set_var("SSL_CERT_FILE", dir.path("missing.pem")) };
    let mut broken = Config::new();
    let refused = broken.set_trust(TrustSource::System).unwrap_err();
    unsafe { std::env::remove_var("SSL_CERT_FILE") };
    assert_eq!(get(&Client::new(&cfg).unwrap(), &url).unwrap().status, 200);
    assert_eq!(refused.status, XPDRM_ERR_HTTP_TRUST_STORE, "{}", refused.reason);
}

fn pem_der(pem: &str) -> Vec<u8> {
    match ureq::tls::parse_pem(pem.as_bytes()).next() {
        Some(Ok(ureq::tls::PemItem::Certificate(c))) => c.der().to_vec(),
        _ => panic!("a certificate"),
    }
}

#[test]
fn through_tinyproxy_with_connect_credentials_refusals_and_no_proxy() {
    if missing("tinyproxy") || missing("nginx") {
        return;
    }
    let certs = Certs::generate();
    let nginx = Nginx::start(&certs);
    let target = format!("https://127.0.0.1:{}/", nginx.open_port);
    let proxy = Tinyproxy::start(None, &[]);

    // An https server through the proxy: a CONNECT tunnel, TLS end to end.
    let mut cfg = config(&certs, None);
    cfg.set_proxy(Some(&proxy.url()), None, None, None).unwrap();
    let a = get(&Client::new(&cfg).unwrap(), &target).unwrap();
    assert_eq!(a.status, 200);
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        proxy.log().contains(&format!("127.0.0.1:{}", nginx.open_port)),
        "tinyproxy saw the tunnel: {}",
        proxy.log()
    );

    // A plain http server through the proxy.
    let plain = Scripted::start(vec![answer(200, &[], "{}")]);
    assert_eq!(get(&Client::new(&cfg).unwrap(), &plain.url("/x")).unwrap().status, 200);

    // Credentials: none or wrong ones get 407, the right ones pass.
    let authed = Tinyproxy::start(Some(("player", "s3cret")), &[]);
    for (user, pass) in [(None, None), (Some("player"), Some("b4dpass")), (Some("nobody"), Some("s3cret"))] {
        let mut cfg = config(&certs, None);
        cfg.set_proxy(Some(&authed.url()), user, pass, None).unwrap();
        let (status, reason) = get(&Client::new(&cfg).unwrap(), &target).unwrap_err();
        assert_eq!(status, XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED, "{user:?}: {reason}");
        assert!(!reason.contains("s3cret") && !reason.contains("b4dpass"), "{reason}");
    }
    let mut cfg = config(&certs, None);
    cfg.set_proxy(Some(&authed.url()), Some("player"), Some("s3cret"), None).unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &target).unwrap().status, 200);

    // The proxy refuses the tunnel: a port it does not allow, a server that does not listen.
    let strict = Tinyproxy::start(None, &[443]);
    let mut cfg = config(&certs, None);
    cfg.set_proxy(Some(&strict.url()), None, None, None).unwrap();
    let (status, reason) = get(&Client::new(&cfg).unwrap(), &target).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_PROXY_REFUSED, "{reason}");
    let mut cfg = config(&certs, None);
    cfg.set_proxy(Some(&proxy.url()), None, None, None).unwrap();
    let dead = format!("https://127.0.0.1:{}/", free_port());
    let (status, reason) = get(&Client::new(&cfg).unwrap(), &dead).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_PROXY_REFUSED, "{reason}");

    // The proxy cannot be reached.
    let mut cfg = config(&certs, None);
    cfg.set_proxy(Some(&format!("http://127.0.0.1:{}", free_port())), None, None, None).unwrap();
    let (status, reason) = get(&Client::new(&cfg).unwrap(), &target).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_PROXY_CONNECT, "{reason}");
    // ... also with credentials (the proxy's URI then holds them).
    cfg.set_proxy(Some(&format!("http://127.0.0.1:{}", free_port())), Some("player"), Some("s3cret"), None).unwrap();
    let (status, reason) = get(&Client::new(&cfg).unwrap(), &target).unwrap_err();
    assert_eq!(status, XPDRM_ERR_HTTP_PROXY_CONNECT, "{reason}");

    // ... unless the host is on the no-proxy list.
    cfg.set_proxy(Some(&format!("http://127.0.0.1:{}", free_port())), None, None, Some("localhost, 127.0.0.1"))
        .unwrap();
    assert_eq!(get(&Client::new(&cfg).unwrap(), &target).unwrap().status, 200);
}
