//! Working memory for secrets: short-lived buffers that are wiped when they go out of scope, even when the
//! code using them panics.
//!
//! Buffers are made of 64-bit words and wiped word by word: `zeroize` writes each element with a volatile
//! store, and byte-sized elements made the wipe cost more than the AES work it protects.

use zeroize::Zeroizing;

/// Secrets up to this many bytes get their working buffer on the stack (no heap allocation on the common
/// path: content keys are 16 or 32 bytes).
const SMALL: usize = 64;
/// Up to this many bytes the buffer is still on the stack; beyond it, on the heap.
const MEDIUM: usize = 1024;

/// Views whole words as bytes.
fn as_bytes(words: &mut [u64]) -> &mut [u8] {
    // SAFETY: u8 has no alignment or validity requirements, the length covers exactly the same memory, and the
    // returned borrow keeps `words` exclusively borrowed for its lifetime.
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), core::mem::size_of_val(words)) }
}

/// Runs `f` with a zeroed scratch buffer of exactly `len` bytes that is wiped afterwards.
pub(crate) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if len <= SMALL {
        let mut buf = Zeroizing::new([0u64; SMALL / 8]);
        f(&mut as_bytes(&mut buf[..])[..len])
    } else if len <= MEDIUM {
        let mut buf = Zeroizing::new([0u64; MEDIUM / 8]);
        f(&mut as_bytes(&mut buf[..])[..len])
    } else {
        let mut buf = Zeroizing::new(vec![0u64; len.div_ceil(8)]);
        f(&mut as_bytes(&mut buf[..])[..len])
    }
}

/// Bytes of stack that [`scrub_stack`] overwrites: measured key residue lay within 1 KiB below `keywrap::unwrap`
/// in release builds and within 6 KiB in unoptimised ones, whose frames are far larger.
const SCRUB_SIZE: usize = if cfg!(debug_assertions) { 16384 } else { 2048 };

/// Overwrites the stack area below the caller's frame.
///
/// The key-wrap crate keeps its working block (which holds key bytes after an unwrap) in a local of its own
/// that it does not wipe. Calling this right after a wrap or unwrap overwrites the stack memory that those
/// frames used. It is a best-effort measure (the compiler decides frame layout); its size comes from
/// measuring where key bytes were left (`tests/c/stack_residue.c`, run by `tests/stack_residue.rs`).
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut area = core::mem::MaybeUninit::<[u8; SCRUB_SIZE]>::uninit();
    // SAFETY: writing zeros to memory we own; `black_box` keeps the store from being optimised away.
    unsafe { core::ptr::write_bytes(area.as_mut_ptr(), 0, 1) };
    core::hint::black_box(&area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_has_the_requested_length_in_every_tier() {
        for len in [0, 1, SMALL, SMALL + 1, MEDIUM, MEDIUM + 1, 5000, 5001] {
            with_scratch(len, |b| {
                assert_eq!(b.len(), len);
                assert!(b.iter().all(|&x| x == 0));
                b.fill(0xff);
            });
        }
    }
}
