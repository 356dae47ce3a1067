//! Certificates made at start (rcgen, ECDSA P-256): a test CA with a server certificate for 127.0.0.1 and
//! localhost and a client certificate for mutual TLS; a second, unrelated CA with its own server and client
//! certificates (the "unknown CA" and "wrong client certificate" faults); and a server certificate from the
//! test CA for another host name (the "invalid server certificate" fault). Nothing is read from or written
//! to disk unless [`Pki::write_files`] is asked to.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate and its private key, PEM.
#[derive(Clone)]
pub struct Identity {
    /// The certificate.
    pub cert_pem: String,
    /// Its private key (PKCS#8).
    pub key_pem: String,
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Identity(<certificate and key>)")
    }
}

/// The test PKI.
#[derive(Clone, Debug)]
pub struct Pki {
    /// The test CA's certificate: what clients trust.
    pub ca_pem: String,
    /// The servers' identity: 127.0.0.1 and localhost, from the test CA.
    pub server: Identity,
    /// The client identity SEES accepts: from the test CA.
    pub client: Identity,
    /// The unrelated CA's certificate.
    pub other_ca_pem: String,
    /// A server identity for 127.0.0.1 from the unrelated CA.
    pub other_server: Identity,
    /// A client identity from the unrelated CA.
    pub other_client: Identity,
    /// A server identity from the test CA for another host name (`wrong-name.invalid`).
    pub wrong_name_server: Identity,
}

fn ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::new()).expect("no names");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().expect("key generation");
    let cert = params.self_signed(&key).expect("self-signed CA");
    (cert.pem(), Issuer::new(params, key))
}

fn leaf(
    issuer: &Issuer<'static, KeyPair>,
    names: &[&str],
    common_name: &str,
    usage: ExtendedKeyUsagePurpose,
) -> Identity {
    let mut params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("names");
    params.distinguished_name.push(DnType::CommonName, common_name);
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().expect("key generation");
    let cert = params.signed_by(&key, issuer).expect("signed certificate");
    Identity { cert_pem: cert.pem(), key_pem: key.serialize_pem() }
}

/// Server names of the test certificates.
const SERVER_NAMES: &[&str] = &["127.0.0.1", "localhost"];

impl Pki {
    /// Makes a fresh PKI (a few milliseconds).
    pub fn generate() -> Pki {
        use ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
        let (ca_pem, issuer) = ca("xpdrm test CA");
        let (other_ca_pem, other_issuer) = ca("an unrelated CA");
        Pki {
            server: leaf(&issuer, SERVER_NAMES, "xpdrm test server", ServerAuth),
            client: leaf(&issuer, &[], "xpdrm test device", ClientAuth),
            wrong_name_server: leaf(&issuer, &["wrong-name.invalid"], "wrong name", ServerAuth),
            other_server: leaf(&other_issuer, SERVER_NAMES, "server of another CA", ServerAuth),
            other_client: leaf(&other_issuer, &[], "client of another CA", ClientAuth),
            ca_pem,
            other_ca_pem,
        }
    }

    /// A rustls server configuration for `identity`; with `client_ca`, clients must present a certificate
    /// issued by that CA (mutual TLS).
    pub fn server_config(identity: &Identity, client_ca: Option<&str>) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(identity.cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .expect("test certificate");
        let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes()).expect("test key");
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("protocol versions");
        let builder = match client_ca {
            None => builder.with_no_client_auth(),
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                    roots.add(cert.expect("test CA")).expect("test CA");
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .expect("client verifier");
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder.with_single_cert(chain, key).expect("server certificate and key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(config)
    }

    /// Writes the PEM files a C program needs into `dir`: `ca.pem`, `client.pem`, `client.key`,
    /// `other-client.pem`, `other-client.key`, `server.pem` (the servers' certificate, for pinning). Returns their
    /// paths in that order.
    pub fn write_files(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let files = [
            ("ca.pem", &self.ca_pem),
            ("client.pem", &self.client.cert_pem),
            ("client.key", &self.client.key_pem),
            ("other-client.pem", &self.other_client.cert_pem),
            ("other-client.key", &self.other_client.key_pem),
            ("server.pem", &self.server.cert_pem),
        ];
        let mut paths = Vec::new();
        for (name, content) in files {
            let path = dir.join(name);
            std::fs::write(&path, content)?;
            paths.push(path);
        }
        Ok(paths)
    }
}
