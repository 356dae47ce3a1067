//! Whom the client trusts: the trust source (built-in public CAs, the operating system's store, or only
//! added CAs), the server key pins, and the rustls configuration made of them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Status;
use crate::sees::Problem;

/// Most pins a config holds (a current key and a few for rotation).
pub const MAX_PINS: usize = 16;

/// Where the trusted CAs come from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TrustSource {
    /// Mozilla's list of public web CAs, built into xpdrm (`webpki-roots`), plus any added CAs.
    BuiltIn,
    /// The operating system's store (`SSL_CERT_FILE`, else `SSL_CERT_DIR`, else the platform's CA files),
    /// plus any added CAs.
    System,
    /// Only the CAs added with `add_ca_pem`.
    AddedOnly,
}

/// A server key pin: the SHA-256 of a SubjectPublicKeyInfo (DER).
pub type Pin = [u8; 32];

/// Reads a pin: 32 bytes as base64 (44 characters with padding, or 43 without; an optional `sha256/`
/// prefix, as HPKP and OkHttp write them) or as hex (64 digits, optionally separated by colons).
pub fn parse_pin(text: &str) -> Result<Pin, Problem> {
    let bad = |why: &str| Problem::new(Status::XPDRM_ERR_INVALID_ARGUMENT, format!("the pin {why}"));
    let t = text.trim();
    if t.is_empty() {
        return Err(bad("is empty"));
    }
    if t.len() > 200 {
        return Err(bad("is too long to be a SHA-256 in base64 or hex"));
    }
    let t = t.strip_prefix("sha256/").unwrap_or(t);
    let hex: String = t.chars().filter(|&c| c != ':').collect();
    if hex.len() == 64 && crate::hex::only_hex_digits(&hex) {
        let mut pin = [0u8; 32];
        crate::hex::decode_into(&hex, &mut pin).map_err(|_| bad("is not valid hex"))?;
        return Ok(pin);
    }
    use base64ct::Encoding;
    let mut buf = [0u8; 33];
    let decoded = match t.len() {
        44 => base64ct::Base64::decode(t, &mut buf),
        43 => base64ct::Base64Unpadded::decode(t, &mut buf),
        _ => {
            return Err(bad(&format!(
                "is {} characters; a SHA-256 is 44 characters of base64 (43 unpadded) or 64 hex digits",
                t.len()
            )));
        }
    }
    .map_err(|_| bad("is neither 64 hex digits nor valid base64 of 32 bytes"))?;
    <[u8; 32]>::try_from(decoded).map_err(|_| bad("does not decode to 32 bytes"))
}

/// The SHA-256 of a certificate's SubjectPublicKeyInfo (the pin that matches it).
pub fn spki_sha256(cert_der: &[u8]) -> Result<Pin, Problem> {
    let cert = CertificateDer::from(cert_der);
    let parsed = rustls::server::ParsedCertificate::try_from(&cert)
        .map_err(|_| Problem::new(Status::XPDRM_ERR_HTTP_BAD_PEM, "the certificate cannot be parsed"))?;
    Ok(Sha256::digest(parsed.subject_public_key_info().as_ref()).into())
}

/// The error a pin mismatch is reported with (inside `rustls::Error::InvalidCertificate`).
#[derive(Debug)]
pub(crate) struct PinMismatch;

impl core::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the server's key matches none of the pins")
    }
}

impl std::error::Error for PinMismatch {}

/// True for the rustls error of a pin mismatch.
pub(crate) fn is_pin_mismatch(e: &rustls::Error) -> bool {
    matches!(e, rustls::Error::InvalidCertificate(CertificateError::Other(o)) if o.0.downcast_ref::<PinMismatch>().is_some())
}

/// The chain is checked by webpki first; then the server's own key (the leaf certificate's SPKI) must match
/// one of the pins. Only the leaf is pinned: the other certificates a server sends need not be the ones
/// the chain was validated through.
#[derive(Debug)]
struct PinningVerifier {
    inner: Arc<WebPkiServerVerifier>,
    pins: Vec<Pin>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        let digest: Pin = Sha256::digest(parsed.subject_public_key_info().as_ref()).into();
        let mut matched = subtle::Choice::from(0);
        for pin in &self.pins {
            matched |= pin.ct_eq(&digest);
        }
        if bool::from(matched) {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(PinMismatch)))))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The platform's CA bundles, the first that exists is read (as Go's crypto/x509 and openssl-probe look).
const SYSTEM_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch, Buildroot
    "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL 6
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7+
    "/etc/ssl/ca-bundle.pem",             // openSUSE
    "/etc/pki/tls/cacert.pem",            // OpenELEC
    "/etc/ssl/cert.pem",                  // Alpine, macOS, OpenBSD
];

/// CA directories, read when no bundle exists (Android keeps one file per CA).
const SYSTEM_DIRS: &[&str] = &["/system/etc/security/cacerts", "/etc/ssl/certs", "/etc/pki/tls/certs"];

/// Largest file read from a CA store.
const MAX_STORE_FILE: u64 = 16 << 20;

fn store_problem(reason: String) -> Problem {
    Problem::new(Status::XPDRM_ERR_HTTP_TRUST_STORE, reason)
}

fn read_pem_certs(path: &Path, into: &mut Vec<CertificateDer<'static>>) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() > MAX_STORE_FILE {
        return Ok(());
    }
    let text = std::fs::read(path)?;
    for item in ureq::tls::parse_pem(&text).flatten() {
        if let ureq::tls::PemItem::Certificate(c) = item {
            into.push(CertificateDer::from(c.der()).into_owned());
        }
    }
    Ok(())
}

fn read_dir_certs(dir: &Path, into: &mut Vec<CertificateDer<'static>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths.iter().take(4096) {
        let _ = read_pem_certs(p, into);
    }
}

/// The operating system's CAs: `SSL_CERT_FILE` when set (it must be readable and hold certificates), else
/// the directories of `SSL_CERT_DIR` when set, else the first of the platform's bundles that exists, else
/// its CA directories.
pub fn system_roots() -> Result<Vec<CertificateDer<'static>>, Problem> {
    let mut certs = Vec::new();
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(file);
        read_pem_certs(&path, &mut certs)
            .map_err(|e| store_problem(format!("SSL_CERT_FILE cannot be read ({})", e.kind())))?;
        if certs.is_empty() {
            return Err(store_problem("SSL_CERT_FILE holds no certificate".into()));
        }
        return Ok(certs);
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR").filter(|v| !v.is_empty()) {
        for dir in std::env::split_paths(&dirs) {
            read_dir_certs(&dir, &mut certs);
        }
        if certs.is_empty() {
            return Err(store_problem("the directories of SSL_CERT_DIR hold no certificate".into()));
        }
        return Ok(certs);
    }
    for f in SYSTEM_FILES {
        if read_pem_certs(Path::new(f), &mut certs).is_ok() && !certs.is_empty() {
            return Ok(certs);
        }
    }
    for d in SYSTEM_DIRS {
        read_dir_certs(Path::new(d), &mut certs);
        if !certs.is_empty() {
            return Ok(certs);
        }
    }
    Err(store_problem("no CA store of the operating system was found (set SSL_CERT_FILE)".into()))
}

/// The rustls configuration of a client: roots by the trust source, the pins, the client certificate.
pub(crate) fn client_config(cfg: &super::Config) -> Result<Arc<rustls::ClientConfig>, Problem> {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    let provider = super::config::provider();
    let mut roots = RootCertStore::empty();
    let builtin = match cfg.trust {
        None => cfg.roots.is_empty(),
        Some(TrustSource::BuiltIn) => true,
        Some(_) => false,
    };
    if builtin {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    roots.add_parsable_certificates(cfg.system_roots.iter().cloned());
    roots.add_parsable_certificates(cfg.roots.iter().map(|c| CertificateDer::from(c.der()).into_owned()));
    if roots.is_empty() {
        return Err(store_problem("no CA is trusted: the trust source is only added CAs, and none was added".into()));
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| store_problem(format!("the trusted CAs cannot be used ({e})")))?;
    let verifier: Arc<dyn ServerCertVerifier> =
        if cfg.pins.is_empty() { webpki } else { Arc::new(PinningVerifier { inner: webpki, pins: cfg.pins.clone() }) };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| Problem::new(Status::XPDRM_ERR_HTTP_TLS, "the TLS provider offers no protocol version"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match &cfg.identity {
        Some(id) => {
            let key = PrivateKeyDer::from_pem_slice(&id.key_pem)
                .map_err(|_| Problem::new(Status::XPDRM_ERR_HTTP_BAD_PEM, "the key PEM cannot be read"))?;
            let chain = id.chain.iter().map(|c| CertificateDer::from(c.der()).into_owned()).collect();
            builder.with_client_auth_cert(chain, key).map_err(|_| {
                Problem::new(Status::XPDRM_ERR_HTTP_BAD_PEM, "the client certificate or its private key cannot be used")
            })?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_as_base64_or_hex_and_nothing_else() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let pin = parse_pin(hex).unwrap();
        assert_eq!(pin[1], 0x11);
        assert_eq!(
            parse_pin(&hex.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(":"))
                .unwrap(),
            pin
        );
        use base64ct::Encoding;
        let enc = |b: &[u8]| {
            let mut buf = [0u8; 64];
            base64ct::Base64::encode(b, &mut buf).unwrap().to_owned()
        };
        let b64 = enc(&pin);
        assert_eq!(parse_pin(&b64).unwrap(), pin);
        assert_eq!(parse_pin(&format!("sha256/{b64}")).unwrap(), pin);
        assert_eq!(parse_pin(b64.trim_end_matches('=')).unwrap(), pin);
        for bad in [
            "",
            "abc",
            &hex[..62],
            &format!("{hex}00"),
            &"g".repeat(64),
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
            &enc(&[0u8; 31]),
            &enc(&[0u8; 33]),
        ] {
            let e = parse_pin(bad).unwrap_err();
            assert_eq!(e.status, Status::XPDRM_ERR_INVALID_ARGUMENT, "{bad:?}");
            assert!(e.reason.starts_with("the pin"), "{}", e.reason);
        }
    }
}
