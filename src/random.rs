//! Randomness from the operating system (`getrandom`): message GUIDs and cookies.
//!
//! A failure of the OS source is a status ([`Status::XPDRM_ERR_RANDOM_SOURCE`]), never a panic and never a
//! fallback to something weaker.

use crate::Status;

#[cfg(test)]
thread_local! {
    /// Tests set this to see how callers handle a failing OS source.
    pub(crate) static FAIL: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Fills `buf` from the operating system's random source.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Status> {
    #[cfg(test)]
    if FAIL.with(|f| f.get()) {
        return Err(Status::XPDRM_ERR_RANDOM_SOURCE);
    }
    getrandom::fill(buf).map_err(|_| {
        crate::xlog!(Error, "the operating system's random source failed");
        Status::XPDRM_ERR_RANDOM_SOURCE
    })
}

/// Runs `f` with the random source failing (tests only).
#[cfg(test)]
pub(crate) fn failing<R>(f: impl FnOnce() -> R) -> R {
    FAIL.with(|x| x.set(true));
    let r = f();
    FAIL.with(|x| x.set(false));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_with_varying_bytes_and_reports_failure() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        fill(&mut a).unwrap();
        fill(&mut b).unwrap();
        assert_ne!(a, b);
        assert_eq!(failing(|| fill(&mut a)), Err(Status::XPDRM_ERR_RANDOM_SOURCE));
        assert!(fill(&mut a).is_ok());
    }
}
