//! Local servers for xpdrm's tests, the demo and the benchmarks (a workspace member); never for production.
//! All bind to 127.0.0.1 on ephemeral ports, run in the calling process, bound every loop in count and
//! time, and stop when dropped.
//!
//! * [`expressplay`]: an ExpressPlay-compatible token server (FairPlay, Widevine, PlayReady), license server
//!   and record retrieval, over HTTPS. Its parameter checks ([`token_rules`]) are written from SPEC.md on
//!   their own, apart from the library's validator.
//! * [`marlin`]: the Marlin MS3 and BB token servers of the same server (`/hms/ms3/token`, `/hms/bb/token`),
//!   with their own form checks, compound URLs and XML action tokens.
//! * [`sees`]: a SEES reference server over mutual TLS, on the library's service side and HTTP client.
//! * [`faults`]: one path per fault the client must report (refused, stall, 5xx, truncated, oversized,
//!   wrong content type, TLS faults).
//! * [`pki`]: the test certificates, made at start with rcgen.
//! * [`spc`]: the stand-in SPC format.
//!
//! [`TestServers::start`] starts them all, with two provisioned test devices and a piece of test content,
//! and [`TestServers::env`] describes them to a C program in environment variables.
//!
//! The crate is empty unless xpdrm is built with `http` (build.rs).

#![cfg(xpdrm_http)]

pub mod expressplay;
pub mod faults;
pub mod httpd;
pub mod marlin;
pub mod pki;
pub mod sees;
pub mod spc;
pub mod token_rules;

use std::path::Path;

pub use expressplay::{Device, ExpressPlay};
pub use faults::Faults;
pub use httpd::{Events, Reply, Request, Server};
pub use pki::Pki;
/// The certificate generator the servers use, for tests that make certificates of their own.
pub use rcgen;
pub use sees::{Content, Sees};

/// The GUID of the dummy content a device plays to register its cookie (SPEC.md §6 step 1).
pub const REGISTRATION_CONTENT_ID: &str = "00000000-0000-4000-8000-000000000001";
/// The GUID of the test content.
pub const CONTENT_ID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
/// Lifetime of the device-bound tokens SEES asks for, in seconds.
pub const TOKEN_LIFETIME_SECS: u32 = 600;

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source");
    b
}

/// Lowercase hex of `b`.
pub fn hex(b: &[u8]) -> String {
    let mut buf = vec![0u8; b.len() * 2];
    base16ct::lower::encode_str(b, &mut buf).expect("the buffer is twice the input").to_owned()
}

/// All the local servers, with their test data. Dropping it stops them.
pub struct TestServers {
    /// The certificates.
    pub pki: Pki,
    /// The account's customer authenticator (a test secret).
    pub authenticator: String,
    /// Two devices the license server knows: `devices[0]` plays the demo, `devices[1]` tries to use its token.
    pub devices: [Device; 2],
    /// The dummy content (registration) and the test content.
    pub contents: [Content; 2],
    /// What the servers did, in sentences.
    pub events: Events,
    /// The ExpressPlay-compatible server.
    pub expressplay: ExpressPlay,
    /// SEES.
    pub sees: Sees,
    /// The fault servers.
    pub faults: Faults,
}

impl core::fmt::Debug for TestServers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "TestServers({:?}, {:?})", self.expressplay, self.sees)
    }
}

impl TestServers {
    /// Starts everything with fresh certificates, keys and devices.
    pub fn start() -> std::io::Result<TestServers> {
        let pki = Pki::generate();
        let authenticator = format!("{},{}", 100000 + u32::from(u16::from_le_bytes(random())), hex(&random::<16>()));
        let device = |id: [u8; 16]| Device { id: hex(&id), kek: random() };
        let devices = [device(random()), device(random())];
        let content = |id: &str| Content { id: id.to_owned(), kid: hex(&random::<16>()), key: random() };
        let contents = [content(REGISTRATION_CONTENT_ID), content(CONTENT_ID)];
        let events = Events::default();
        let expressplay = ExpressPlay::start(
            &pki,
            expressplay::Setup {
                authenticator: authenticator.clone(),
                devices: devices.to_vec(),
                keys: contents.iter().map(|c| (c.kid.clone(), c.key)).collect(),
            },
            events.clone(),
        )?;
        let sees = Sees::start(
            &pki,
            sees::Setup {
                authenticator: authenticator.clone(),
                token_url: expressplay.token_url(token_rules::Drm::PlayReady),
                record_url: expressplay.record_url(),
                expiration_secs: TOKEN_LIFETIME_SECS,
                catalogue: contents.to_vec(),
            },
            events.clone(),
        )?;
        let faults = Faults::start(&pki)?;
        Ok(TestServers { pki, authenticator, devices, contents, events, expressplay, sees, faults })
    }

    /// A client config that trusts the test CA, with the test client certificate when `mutual`.
    pub fn client_config(&self, mutual: bool) -> xpdrm::http::Config {
        let mut config = xpdrm::http::Config::new();
        config.add_ca_pem(self.pki.ca_pem.as_bytes()).expect("the test CA");
        if mutual {
            config
                .set_client_cert_pem(self.pki.client.cert_pem.as_bytes(), self.pki.client.key_pem.as_bytes())
                .expect("the test client certificate");
        }
        config
    }

    /// The environment a C program gets to find the servers and the test data (certificate files are
    /// written to `dir`):
    ///
    /// | variable | value |
    /// |---|---|
    /// | `XPDRM_TEST_SEES_URL` | SEES's entitlement URL (mutual TLS) |
    /// | `XPDRM_TEST_EXPRESSPLAY_URL` | the ExpressPlay-compatible server, `https://127.0.0.1:<port>` |
    /// | `XPDRM_TEST_RECORD_URL` | its `getrecord` URL |
    /// | `XPDRM_TEST_CA_PEM` | path of the test CA certificate |
    /// | `XPDRM_TEST_CLIENT_CERT_PEM`, `XPDRM_TEST_CLIENT_KEY_PEM` | paths of the client certificate and key SEES accepts |
    /// | `XPDRM_TEST_OTHER_CLIENT_CERT_PEM`, `XPDRM_TEST_OTHER_CLIENT_KEY_PEM` | a client certificate and key from an unrelated CA |
    /// | `XPDRM_TEST_AUTHENTICATOR` | the test account's customer authenticator |
    /// | `XPDRM_TEST_REGISTRATION_CONTENT_ID`, `XPDRM_TEST_CONTENT_ID` | the dummy content's and the test content's GUIDs |
    /// | `XPDRM_TEST_CONTENT_KEY` | the test content's key (hex), to check the unwrapped key against |
    /// | `XPDRM_TEST_DEVICE_ID`, `XPDRM_TEST_DEVICE_KEK` | the first test device: ID, KEK (hex) |
    /// | `XPDRM_TEST_OTHER_DEVICE_ID`, `XPDRM_TEST_OTHER_DEVICE_KEK` | the second test device |
    /// | `XPDRM_TEST_SERVER_CERT_PEM` | the servers' certificate (SEES, ExpressPlay, the mutual fault server), to pin |
    /// | `XPDRM_TEST_FAULT_URL` | the plain HTTP fault server, `http://127.0.0.1:<port>` (paths: see [`faults`]) |
    /// | `XPDRM_TEST_REFUSED_URL` | `http://127.0.0.1:<port>` where nothing listens |
    /// | `XPDRM_TEST_UNKNOWN_CA_URL` | the fault server with an unknown CA's certificate |
    /// | `XPDRM_TEST_MUTUAL_URL` | the fault server that requires a client certificate |
    pub fn env(&self, dir: &Path) -> std::io::Result<Vec<(String, String)>> {
        let files = self.pki.write_files(dir)?;
        let path = |i: usize| files[i].display().to_string();
        let vars = [
            ("XPDRM_TEST_SEES_URL", self.sees.url()),
            ("XPDRM_TEST_EXPRESSPLAY_URL", self.expressplay.base_url()),
            ("XPDRM_TEST_RECORD_URL", self.expressplay.record_url()),
            ("XPDRM_TEST_CA_PEM", path(0)),
            ("XPDRM_TEST_CLIENT_CERT_PEM", path(1)),
            ("XPDRM_TEST_CLIENT_KEY_PEM", path(2)),
            ("XPDRM_TEST_OTHER_CLIENT_CERT_PEM", path(3)),
            ("XPDRM_TEST_OTHER_CLIENT_KEY_PEM", path(4)),
            ("XPDRM_TEST_SERVER_CERT_PEM", path(5)),
            ("XPDRM_TEST_AUTHENTICATOR", self.authenticator.clone()),
            ("XPDRM_TEST_REGISTRATION_CONTENT_ID", self.contents[0].id.clone()),
            ("XPDRM_TEST_CONTENT_ID", self.contents[1].id.clone()),
            ("XPDRM_TEST_CONTENT_KEY", hex(&self.contents[1].key)),
            ("XPDRM_TEST_DEVICE_ID", self.devices[0].id.clone()),
            ("XPDRM_TEST_DEVICE_KEK", hex(&self.devices[0].kek)),
            ("XPDRM_TEST_OTHER_DEVICE_ID", self.devices[1].id.clone()),
            ("XPDRM_TEST_OTHER_DEVICE_KEK", hex(&self.devices[1].kek)),
            ("XPDRM_TEST_FAULT_URL", self.faults.url("")),
            ("XPDRM_TEST_REFUSED_URL", self.faults.refused_url("")),
            ("XPDRM_TEST_UNKNOWN_CA_URL", self.faults.unknown_ca_url("")),
            ("XPDRM_TEST_MUTUAL_URL", self.faults.mutual_url("")),
        ];
        Ok(vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}
