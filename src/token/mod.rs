//! ExpressPlay license tokens: building token requests and reading token responses, for FairPlay, Widevine
//! and PlayReady, and Marlin MS3 and BB tokens (SPEC.md section 7: their rules come from real clients, as no
//! error table is published). Sans-IO: the caller sends the request and hands back what the server answered.
//!
//! * [`TokenRequest`]: set parameters by name; each value is checked against the DRM's table in
//!   [`params`] when it is set and refused with the very code the ExpressPlay server would answer; the whole
//!   request (required parameters, rules across parameters) is checked again when the URL or form body is
//!   built.
//! * [`TokenResponse`]: the license URL and token from a `text/uri-list` or PlayReady JSON answer, or the
//!   server's error code and text from a JSON, HTML or empty error answer.
//!
//! ```
//! use xpdrm::token::{Drm, TokenRequest, TokenResponse};
//!
//! let mut req = TokenRequest::new(Drm::FairPlay);
//! req.set("contentKey", "000102030405060708090a0b0c0d0e0f")?;
//! req.set("iv", "f0e0d0c0b0a090807060504030201000")?;
//! assert_eq!(req.set("kid", "1234").unwrap_err().status().code(), -4020);
//! let url = req.url()?;
//! assert!(url.starts_with("https://fp-gen.test.expressplay.com/hms/fp/token?contentKey="));
//!
//! let body = b"https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=AAAAAgAAAAE\r\n";
//! let resp = TokenResponse::parse(Drm::FairPlay, 200, Some("text/uri-list"), body)?;
//! assert_eq!(resp.token()?, "AAAAAgAAAAE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`TokenRequest`]: crate::token::TokenRequest
//! [`TokenResponse`]: crate::token::TokenResponse
//! [`params`]: crate::token::params

pub mod kid;
pub mod params;
pub mod request;
pub mod response;
pub(crate) mod time;

pub use request::TokenRequest;
pub use response::{TOKEN_HEADER, TokenResponse};

use crate::Status;

/// The DRM a token is for. Each has its own token server and parameter table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Drm {
    /// Apple FairPlay Streaming (`fp-gen`).
    FairPlay,
    /// Google Widevine (`wv-gen`).
    Widevine,
    /// Microsoft PlayReady (`pr-gen`).
    PlayReady,
    /// Marlin MS3 (`ms3-gen`): a compound URL for a stream (SPEC.md section 7).
    MarlinMs3,
    /// Marlin Broadband (`bb-gen`): XML action tokens for registration, license and deregistration.
    MarlinBb,
}

impl Drm {
    /// The three license-token DRMs of SPEC.md section 2, in the order of their C values (0, 1, 2): the ones
    /// with ExpressPlay error tables, license URLs and device binding. The Marlin ones are in [`Drm::MARLIN`],
    /// all five in [`Drm::EVERY`].
    pub const ALL: [Drm; 3] = [Drm::FairPlay, Drm::Widevine, Drm::PlayReady];

    /// The two Marlin DRMs (C values 3 and 4).
    pub const MARLIN: [Drm; 2] = [Drm::MarlinMs3, Drm::MarlinBb];

    /// Every DRM, in the order of their C values (0 to 4).
    pub const EVERY: [Drm; 5] = [Drm::FairPlay, Drm::Widevine, Drm::PlayReady, Drm::MarlinMs3, Drm::MarlinBb];

    /// The DRM with this C value (`XPDRM_DRM_FAIRPLAY` = 0, `XPDRM_DRM_WIDEVINE` = 1,
    /// `XPDRM_DRM_PLAYREADY` = 2, `XPDRM_DRM_MARLIN_MS3` = 3, `XPDRM_DRM_MARLIN_BB` = 4), or
    /// [`Status::XPDRM_ERR_UNKNOWN_DRM`].
    pub fn from_code(code: i32) -> Result<Drm, Status> {
        Drm::EVERY
            .get(usize::try_from(code).map_err(|_| Status::XPDRM_ERR_UNKNOWN_DRM)?)
            .copied()
            .ok_or(Status::XPDRM_ERR_UNKNOWN_DRM)
    }

    /// True for Marlin MS3 and BB, whose rules come from real clients, not from an error table.
    pub fn is_marlin(self) -> bool {
        matches!(self, Drm::MarlinMs3 | Drm::MarlinBb)
    }

    /// Its name, as used in reasons and logs.
    pub fn name(self) -> &'static str {
        match self {
            Drm::FairPlay => "FairPlay",
            Drm::Widevine => "Widevine",
            Drm::PlayReady => "PlayReady",
            Drm::MarlinMs3 => "Marlin MS3",
            Drm::MarlinBb => "Marlin BB",
        }
    }

    /// The token service's base URL in `environment`.
    pub fn base_url(self, environment: Environment) -> &'static str {
        match (self, environment) {
            (Drm::FairPlay, Environment::Test) => "https://fp-gen.test.expressplay.com/hms/fp/token",
            (Drm::FairPlay, Environment::Production) => "https://fp-gen.service.expressplay.com/hms/fp/token",
            (Drm::Widevine, Environment::Test) => "https://wv-gen.test.expressplay.com/hms/wv/token",
            (Drm::Widevine, Environment::Production) => "https://wv-gen.service.expressplay.com/hms/wv/token",
            (Drm::PlayReady, Environment::Test) => "https://pr-gen.test.expressplay.com/hms/pr/token",
            (Drm::PlayReady, Environment::Production) => "https://pr-gen.service.expressplay.com/hms/pr/token",
            (Drm::MarlinMs3, Environment::Test) => "https://ms3-gen.test.expressplay.com/hms/ms3/token",
            (Drm::MarlinMs3, Environment::Production) => "https://ms3-gen.service.expressplay.com/hms/ms3/token",
            (Drm::MarlinBb, Environment::Test) => "https://bb-gen.test.expressplay.com/hms/bb/token",
            (Drm::MarlinBb, Environment::Production) => "https://bb-gen.service.expressplay.com/hms/bb/token",
        }
    }

    /// This DRM's parameter table: every parameter its token server knows, with its rule and codes.
    pub fn params(self) -> &'static [params::Param] {
        match self {
            Drm::FairPlay => params::FAIRPLAY,
            Drm::Widevine => params::WIDEVINE,
            Drm::PlayReady => params::PLAYREADY,
            Drm::MarlinMs3 => params::MARLIN_MS3,
            Drm::MarlinBb => params::MARLIN_BB,
        }
    }

    /// The rules across parameters that this DRM's server applies to a whole request.
    pub fn request_rules(self) -> &'static [params::RequestRule] {
        match self {
            Drm::FairPlay => params::FAIRPLAY_RULES,
            Drm::Widevine => params::WIDEVINE_RULES,
            Drm::PlayReady => params::PLAYREADY_RULES,
            Drm::MarlinMs3 => params::MARLIN_MS3_RULES,
            Drm::MarlinBb => params::MARLIN_BB_RULES,
        }
    }
}

/// Which ExpressPlay service a request goes to by default.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `*.test.expressplay.com`, the default: test authenticators work only here.
    Test,
    /// `*.service.expressplay.com`. (For the `expressplay.cn` domain, set a custom base URL.)
    Production,
}

/// Why a token request was refused: the crate's one error type (src/error.rs), with a reason that names
/// the parameter and the rule.
pub use crate::error::Error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drm_codes_are_fixed_and_out_of_range_values_are_a_status() {
        assert_eq!(Drm::from_code(0), Ok(Drm::FairPlay));
        assert_eq!(Drm::from_code(1), Ok(Drm::Widevine));
        assert_eq!(Drm::from_code(2), Ok(Drm::PlayReady));
        assert_eq!(Drm::from_code(3), Ok(Drm::MarlinMs3));
        assert_eq!(Drm::from_code(4), Ok(Drm::MarlinBb));
        for bad in [-1, 5, i32::MIN, i32::MAX] {
            assert_eq!(Drm::from_code(bad), Err(Status::XPDRM_ERR_UNKNOWN_DRM));
        }
    }

    #[test]
    fn base_urls_follow_the_spec_table() {
        assert_eq!(
            Drm::Widevine.base_url(Environment::Production),
            "https://wv-gen.service.expressplay.com/hms/wv/token"
        );
        assert_eq!(Drm::PlayReady.base_url(Environment::Test), "https://pr-gen.test.expressplay.com/hms/pr/token");
        assert_eq!(Drm::MarlinMs3.base_url(Environment::Test), "https://ms3-gen.test.expressplay.com/hms/ms3/token");
        assert_eq!(
            Drm::MarlinBb.base_url(Environment::Production),
            "https://bb-gen.service.expressplay.com/hms/bb/token"
        );
    }
}
