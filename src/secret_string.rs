//! Text that must not outlive its use or reach a log: the customer authenticator, token URLs, device IDs.

use zeroize::Zeroizing;

/// A string that is wiped when dropped and whose `Debug` output is redacted.
///
/// Build it from a `&str` (an exact-size copy) or from a `String` that is not going to grow: a `String` that
/// reallocates leaves its old buffer behind unwiped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `s`.
    pub fn new(s: String) -> SecretString {
        SecretString(Zeroizing::new(s))
    }

    /// The secret text. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> SecretString {
        SecretString::new(s.to_owned())
    }
}

impl core::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SecretString(<{} bytes, redacted>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretString::from("12345,00112233445566778899aabbccddeeff");
        assert_eq!(format!("{s:?}"), "SecretString(<38 bytes, redacted>)");
        assert_eq!(s.expose(), "12345,00112233445566778899aabbccddeeff");
    }
}
