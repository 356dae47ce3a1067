//! Cancelled calls leak nothing: after many calls cancelled while blocked (waiting for the answer over
//! plain HTTP and over TLS), this process holds no more descriptors than before, and the client still
//! works. The stalled server runs in another process (Python), so that only the client's descriptors are
//! counted; this binary holds this one test, so that no other test opens descriptors meanwhile.
#![cfg(feature = "http")]

mod http_net_support;

use std::time::{Duration, Instant};

use http_net_support::*;
use xpdrm::Status::*;
use xpdrm::http::{Cancel, Client, Config, Repeat};
use xpdrm::outbound::OutboundRequest;
use xpdrm::secret_string::SecretString;

#[test]
fn repeated_cancels_leak_no_descriptor_and_the_client_stays_usable() {
    if missing("python3") {
        return;
    }
    let certs = Certs::generate();
    let plain = PyStallServer::start(None);
    let tls = PyStallServer::start(Some(&certs));
    let ok = Scripted::start((0..3).map(|_| answer(200, &[], "{}")).collect());
    let mut cfg = Config::new();
    cfg.add_ca_pem(certs.ca.as_bytes()).unwrap();
    cfg.set_retry(1, 0, 0).unwrap();
    let client = std::sync::Arc::new(Client::new(&cfg).unwrap());
    let cancel = Cancel::new();
    client.set_cancel(Some(cancel.clone()));
    let get = |c: &Client, url: &str| c.execute(&OutboundRequest::get(SecretString::from(url)), Repeat::Idempotent);
    assert_eq!(get(&client, &ok.url("/")).unwrap().status, 200);
    let before = open_fds();
    for i in 0..40 {
        cancel.reset();
        let url = if i % 2 == 0 {
            format!("http://127.0.0.1:{}/stall", plain.port)
        } else {
            format!("https://127.0.0.1:{}/stall", tls.port)
        };
        let c = client.clone();
        let worker = std::thread::spawn(move || get(&c, &url).map(|_| ()));
        std::thread::sleep(Duration::from_millis(40));
        let fired = Instant::now();
        cancel.cancel();
        let e = worker.join().unwrap().unwrap_err();
        assert_eq!(e.status, XPDRM_ERR_HTTP_CANCELLED, "{}", e.reason);
        assert!(fired.elapsed() < Duration::from_millis(500));
    }
    let after = open_fds();
    cancel.reset();
    assert_eq!(get(&client, &ok.url("/")).unwrap().status, 200);
    assert!(after <= before, "descriptors: {before} before, {after} after 40 cancelled calls");
}
