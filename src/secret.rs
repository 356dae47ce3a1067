//! Working memory for secrets: short-lived buffers that are wiped when they go out of scope, even when the
//! code using them panics.

use zeroize::{Zeroize, Zeroizing};

/// Secrets up to this size get their working buffer on the stack (no heap allocation on the common path:
/// content keys are 16 or 32 bytes).
const SMALL: usize = 64;
/// Up to this size the buffer is still on the stack; beyond it, on the heap.
const MEDIUM: usize = 1024;

/// Runs `f` with a zeroed scratch buffer of exactly `len` bytes that is wiped afterwards.
pub(crate) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if len <= SMALL {
        let mut buf = Zeroizing::new([0u8; SMALL]);
        f(&mut buf[..len])
    } else if len <= MEDIUM {
        let mut buf = Zeroizing::new([0u8; MEDIUM]);
        f(&mut buf[..len])
    } else {
        let mut buf = Zeroizing::new(vec![0u8; len]);
        f(&mut buf[..])
    }
}

/// Overwrites the stack area below the caller's frame.
///
/// The key-wrap crate keeps its working block (which holds key bytes after an unwrap) in a local of its own
/// that it does not wipe. Calling this right after a wrap or unwrap overwrites the stack memory that those
/// frames used. It is a best-effort measure (the compiler decides frame layout), documented as such.
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut area = [0u8; 512];
    area.zeroize();
    core::hint::black_box(&area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_has_the_requested_length_in_every_tier() {
        for len in [0, 1, SMALL, SMALL + 1, MEDIUM, MEDIUM + 1, 5000] {
            with_scratch(len, |b| {
                assert_eq!(b.len(), len);
                assert!(b.iter().all(|&x| x == 0));
            });
        }
    }
}
