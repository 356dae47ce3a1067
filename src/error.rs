//! The one error type of the domains: a status and a reason.
//!
//! Every refusal in xpdrm's safe Rust modules is an [`Error`]: the [`Status`] C sees, and a reason in
//! English that names the field or parameter and the rule (never a secret, never a parameter's value). The
//! token module calls it `token::Error`, the SEES, binding and HTTP modules `sees::Problem`: the same type.
//!
//! [`Error`]: crate::error::Error

use crate::Status;

/// Why something was refused: the status (the server's own code where the server would refuse it) and a
/// reason that names what is wrong and the rule. Reasons never quote a secret or a parameter's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The status for this refusal.
    pub status: Status,
    /// What exactly is wrong, naming the field or parameter.
    pub reason: String,
}

impl Error {
    pub(crate) fn new(status: Status, reason: impl Into<String>) -> Error {
        Error { status, reason: reason.into() }
    }

    /// The status: an ExpressPlay code (negative) or a local one.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The reason, in English.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Error {}

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        e.status
    }
}
