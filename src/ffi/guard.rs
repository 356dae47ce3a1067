//! The one boundary that every export goes through, and the argument helpers it is used with.

// The handle and text helpers serve the handle-based APIs (token requests, responses, SEES messages).
#![allow(dead_code)]

use core::ffi::{CStr, c_char};
use core::panic::AssertUnwindSafe;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use crate::Status;

/// Runs the body of an export inside the C boundary.
///
/// * `ffi_guard!({ ... })`: the body evaluates to `Result<(), Status>` and the export returns
///   `xpdrm_status`; a panic becomes `XPDRM_ERR_PANIC`.
/// * `ffi_guard!(on_panic: VALUE, { ... })`: for exports that return something else (a pointer, a bool, or
///   nothing); a panic returns `VALUE`, which the header documents.
macro_rules! ffi_guard {
    (on_panic: $on_panic:expr, $body:block) => {
        $crate::ffi::guard::value_boundary($on_panic, move || $body)
    };
    ($body:block) => {
        $crate::ffi::guard::status_boundary(move || -> ::core::result::Result<(), $crate::Status> { $body })
    };
}

thread_local! {
    /// How many guarded calls are under way on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

static QUIET_HOOK: Once = Once::new();

/// Keeps panics inside the boundary off stderr (the library never writes to the host's streams) and reports
/// them to the log callback instead. Panics elsewhere in the process still reach the hook installed before.
fn install_quiet_panic_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                previous(info);
            } else {
                // The location only: a panic message could quote data, and data may be secret.
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                crate::log::write_from_panic_hook(&format!("internal error: panic caught at the C boundary{at}"));
            }
        }));
    });
}

// ---- Poisoning: an object whose call panicked refuses further use until freed ----
//
// A panic can leave an object half-changed (a parameter half set, a state machine between steps), so the
// handles a panicking call borrowed are marked, and `handle_ref`/`handle_mut` refuse them with
// `XPDRM_ERR_POISONED` from then on; `free_handle` still frees them (and forgets the mark, so that a later
// object at the same address is not refused). The marks are by address: every handle access goes through
// `handle_ref`, `handle_mut` or `handle_peek`, which makes the rule hold for every kind of object at once.

/// How many handles one call can borrow and still have them all poisoned by a panic. No export takes more
/// than three handles; a call past this limit poisons the first ones only.
const TOUCHED_MAX: usize = 8;

thread_local! {
    /// The handles the guarded call(s) under way on this thread have borrowed (a fixed array: the boundary
    /// must not allocate, see tests/no_alloc.rs).
    static TOUCHED: Cell<([usize; TOUCHED_MAX], usize)> = const { Cell::new(([0; TOUCHED_MAX], 0)) };
}

/// The poisoned handles' addresses, and how many there are (so that the usual case, none, takes no lock).
static POISONED: Mutex<Vec<usize>> = Mutex::new(Vec::new());
static POISONED_COUNT: AtomicUsize = AtomicUsize::new(0);

fn poisoned_list() -> std::sync::MutexGuard<'static, Vec<usize>> {
    POISONED.lock().unwrap_or_else(|e| e.into_inner())
}

fn is_poisoned(addr: usize) -> bool {
    POISONED_COUNT.load(Ordering::Acquire) != 0 && poisoned_list().contains(&addr)
}

/// Notes that the call under way borrowed the handle at `addr`.
fn touch(addr: usize) {
    if DEPTH.with(Cell::get) == 0 {
        return;
    }
    TOUCHED.with(|t| {
        let (mut list, n) = t.get();
        if n < TOUCHED_MAX && !list[..n].contains(&addr) {
            list[n] = addr;
            t.set((list, n + 1));
        }
    });
}

/// Marks every handle the panicking call borrowed.
fn poison_touched() {
    let (list, n) = TOUCHED.with(Cell::get);
    if n == 0 {
        return;
    }
    let mut poisoned = poisoned_list();
    for &addr in &list[..n] {
        if !poisoned.contains(&addr) {
            poisoned.push(addr);
        }
    }
    POISONED_COUNT.store(poisoned.len(), Ordering::Release);
}

/// Forgets the mark of a handle that is being freed.
fn unpoison(addr: usize) {
    if POISONED_COUNT.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut poisoned = poisoned_list();
    poisoned.retain(|&a| a != addr);
    POISONED_COUNT.store(poisoned.len(), Ordering::Release);
}

fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install_quiet_panic_hook();
    let outermost = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get() == 1
    });
    if outermost {
        TOUCHED.with(|t| t.set(([0; TOUCHED_MAX], 0)));
    }
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    if result.is_err() {
        poison_touched();
    }
    if outermost {
        TOUCHED.with(|t| t.set(([0; TOUCHED_MAX], 0)));
    }
    DEPTH.with(|d| d.set(d.get() - 1));
    result
}

/// The boundary for status-returning exports.
pub(crate) fn status_boundary(f: impl FnOnce() -> Result<(), Status>) -> Status {
    match guarded(f) {
        Ok(Ok(())) => Status::XPDRM_OK,
        Ok(Err(status)) => status,
        Err(_) => Status::XPDRM_ERR_PANIC,
    }
}

/// The boundary for exports that return a value rather than a status.
pub(crate) fn value_boundary<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    guarded(f).unwrap_or(on_panic)
}

/// A borrowed input byte range. NULL is accepted only with a length of 0 (an empty range).
///
/// # Safety
/// `ptr` must be valid for reads of `len` bytes for the returned lifetime, or NULL.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Status> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Status::XPDRM_ERR_NULL_ARGUMENT) };
    }
    if len > isize::MAX as usize {
        return Err(Status::XPDRM_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, and valid for `len` bytes by the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A borrowed NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that lives for the returned lifetime.
pub(crate) unsafe fn text<'a>(ptr: *const c_char) -> Result<&'a str, Status> {
    if ptr.is_null() {
        return Err(Status::XPDRM_ERR_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|_| Status::XPDRM_ERR_INVALID_UTF8)
}

/// Like [`text`], but NULL means "absent".
///
/// # Safety
/// As for [`text`].
pub(crate) unsafe fn opt_text<'a>(ptr: *const c_char) -> Result<Option<&'a str>, Status> {
    if ptr.is_null() { Ok(None) } else { unsafe { text(ptr) }.map(Some) }
}

/// A caller-provided output buffer in the `(out, out_cap, out_len)` convention.
///
/// `out_len` is required. `out` may be NULL only with `out_cap == 0`, which asks for the size: the call then
/// returns `XPDRM_ERR_BUFFER_TOO_SMALL` with the size in `*out_len`. Nothing is written on any other failure.
pub(crate) struct OutBuf {
    out: *mut u8,
    cap: usize,
    len: *mut usize,
}

impl OutBuf {
    /// # Safety
    /// `out` must be valid for writes of `cap` bytes (or NULL with `cap == 0`), `len` valid for a write.
    pub(crate) unsafe fn new(out: *mut u8, cap: usize, len: *mut usize) -> Result<OutBuf, Status> {
        if len.is_null() || (out.is_null() && cap != 0) {
            return Err(Status::XPDRM_ERR_NULL_ARGUMENT);
        }
        Ok(OutBuf { out, cap, len })
    }

    /// Fails with `XPDRM_ERR_BUFFER_TOO_SMALL`, reporting `needed`, unless `needed` bytes fit.
    pub(crate) fn reserve(&self, needed: usize) -> Result<(), Status> {
        if self.out.is_null() || needed > self.cap {
            // SAFETY: checked non-NULL in `new`.
            unsafe { self.len.write(needed) };
            return Err(Status::XPDRM_ERR_BUFFER_TOO_SMALL);
        }
        Ok(())
    }

    /// Copies `data` out (or reports the size it needs).
    pub(crate) fn write(&self, data: &[u8]) -> Result<(), Status> {
        self.reserve(data.len())?;
        // SAFETY: `out` holds at least `data.len()` bytes (checked by `reserve`). `copy` (memmove) because a
        // caller may hand us overlapping buffers; all reading of inputs is finished by now.
        unsafe {
            core::ptr::copy(data.as_ptr(), self.out, data.len());
            self.len.write(data.len());
        }
        Ok(())
    }
}

/// A caller-provided output buffer for text: like [`OutBuf`], plus a terminating NUL that must also fit;
/// `*out_len` excludes it.
pub(crate) struct OutText(OutBuf);

impl OutText {
    /// # Safety
    /// As for [`OutBuf::new`].
    pub(crate) unsafe fn new(out: *mut c_char, cap: usize, len: *mut usize) -> Result<OutText, Status> {
        unsafe { OutBuf::new(out.cast(), cap, len) }.map(OutText)
    }

    /// Copies `text` and a NUL out (or reports the length of `text`, without the NUL).
    ///
    /// The last line of defence for the rule that text handed to C holds no interior NUL (a C caller would
    /// see a shorter string than `*out_len` says, and `strcmp` would take two different texts for one): such
    /// text is refused with `XPDRM_ERR_INTERIOR_NUL` and nothing is written, not even the size. Each field
    /// refuses NUL where it enters the library (with its own status and reason), so this should never fire.
    pub(crate) fn write(&self, text: &str) -> Result<(), Status> {
        let b = &self.0;
        if memchr::memchr(0, text.as_bytes()).is_some() {
            return Err(Status::XPDRM_ERR_INTERIOR_NUL);
        }
        if b.out.is_null() || text.len() >= b.cap {
            // SAFETY: checked non-NULL in `new`.
            unsafe { b.len.write(text.len()) };
            return Err(Status::XPDRM_ERR_BUFFER_TOO_SMALL);
        }
        // SAFETY: `out` holds at least `text.len() + 1` bytes.
        unsafe {
            core::ptr::copy(text.as_ptr(), b.out, text.len());
            b.out.add(text.len()).write(0);
            b.len.write(text.len());
        }
        Ok(())
    }
}

impl OutText {
    /// Like [`OutText::write`], for the reason texts (`xpdrm_<object>_reason` and the like): a caller asking
    /// why something failed must get an answer, so a NUL is shown as U+FFFD instead of refusing the call.
    /// (Reasons quote input escaped, see `json::quoted`, so this is a defence only.)
    pub(crate) fn write_reason(&self, text: &str) -> Result<(), Status> {
        self.write(&c_safe(text))
    }
}

/// `text` with every NUL replaced by U+FFFD (the replacement character), for diagnostic text only: reasons
/// and server error texts, which are shown to people and never compared.
pub(crate) fn c_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') { text.replace('\0', "\u{FFFD}").into() } else { text.into() }
}

impl OutText {
    /// Like [`OutText::write`], for text of a known length that `fill` produces straight into the caller's
    /// buffer (no intermediate copy, no allocation). `fill` gets exactly `len` bytes and must fill them with
    /// UTF-8 text; it runs only when `len` bytes and the NUL fit.
    pub(crate) fn write_with(&self, len: usize, fill: impl FnOnce(&mut [u8])) -> Result<(), Status> {
        let b = &self.0;
        if b.out.is_null() || len >= b.cap {
            // SAFETY: checked non-NULL in `new`.
            unsafe { b.len.write(len) };
            return Err(Status::XPDRM_ERR_BUFFER_TOO_SMALL);
        }
        // SAFETY: `out` holds at least `len + 1` bytes by the caller's contract, and nothing else refers to
        // them during the call.
        let filled = unsafe { core::slice::from_raw_parts_mut(b.out, len) };
        fill(filled);
        if memchr::memchr(0, filled).is_some() {
            // The caller's buffer holds a partial text now; wipe it so that nothing is written on failure.
            filled.fill(0);
            return Err(Status::XPDRM_ERR_INTERIOR_NUL);
        }
        unsafe {
            b.out.add(len).write(0);
            b.len.write(len);
        }
        Ok(())
    }
}

/// A required out-parameter for a single value, written only on success.
///
/// # Safety
/// `ptr` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn out_param<'a, T>(ptr: *mut T) -> Result<&'a mut core::mem::MaybeUninit<T>, Status> {
    // SAFETY: `MaybeUninit<T>` has the layout of `T`; the caller's memory need not be initialised.
    unsafe { ptr.cast::<core::mem::MaybeUninit<T>>().as_mut() }.ok_or(Status::XPDRM_ERR_NULL_ARGUMENT)
}

/// Moves a value to the heap and hands ownership to C as an opaque handle.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// The shape of every text output read from an object, folded once: the handle (`NULL`, poisoned), then the
/// buffer (`out`, `out_cap`, `out_len`, as CONVENTIONS says), then `write` with both.
///
/// # Safety
/// As for [`handle_ref`] and [`OutText::new`].
pub(crate) unsafe fn text_of<T>(
    obj: *const T,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    write: impl FnOnce(&T, OutText) -> Result<(), Status>,
) -> Result<(), Status> {
    let obj = unsafe { handle_ref(obj) }?;
    let out = unsafe { OutText::new(out, out_cap, out_len) }?;
    write(obj, out)
}

/// Borrows a handle that C passed in.
///
/// # Safety
/// `ptr` must be NULL or a live handle made by [`into_handle`] and not used mutably elsewhere meanwhile.
pub(crate) unsafe fn handle_ref<'a, T>(ptr: *const T) -> Result<&'a T, Status> {
    admit(ptr as usize)?;
    // SAFETY: non-NULL and live by the caller's contract.
    Ok(unsafe { &*ptr })
}

/// The checks of [`handle_ref`] and [`handle_mut`] before a handle is used: NULL, then poisoned; then the
/// call notes it borrowed the handle. Not generic and not inlined, so that the hundred-odd exports share one
/// copy of the poisoning code instead of each carrying its own.
#[inline(never)]
fn admit(addr: usize) -> Result<(), Status> {
    if addr == 0 {
        return Err(Status::XPDRM_ERR_NULL_ARGUMENT);
    }
    if is_poisoned(addr) {
        return Err(Status::XPDRM_ERR_POISONED);
    }
    touch(addr);
    Ok(())
}

/// Borrows an optional handle for an export that returns a value rather than a status: NULL and a poisoned
/// handle both give `None` (the export's documented "absent" value).
///
/// # Safety
/// As for [`handle_ref`].
pub(crate) unsafe fn handle_peek<'a, T>(ptr: *const T) -> Option<&'a T> {
    unsafe { handle_ref(ptr) }.ok()
}

/// Borrows a handle mutably.
///
/// # Safety
/// `ptr` must be NULL or a live handle made by [`into_handle`], not used elsewhere meanwhile.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, Status> {
    admit(ptr as usize)?;
    // SAFETY: non-NULL, live and not borrowed elsewhere by the caller's contract.
    Ok(unsafe { &mut *ptr })
}

/// Takes ownership back from C and drops the value (running its wipe-on-drop). NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a live handle made by [`into_handle`]; it is dangling afterwards.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        unpoison(ptr as usize);
        // SAFETY: made by `Box::into_raw` in `into_handle`, by the caller's contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_status() {
        let status = status_boundary(|| panic!("boom"));
        assert_eq!(status, Status::XPDRM_ERR_PANIC);
        let value = value_boundary(7u8, || panic!("boom"));
        assert_eq!(value, 7);
        // The boundary is usable again afterwards, and reports errors and success faithfully.
        assert_eq!(status_boundary(|| Err(Status::XPDRM_ERR_INVALID_HEX)), Status::XPDRM_ERR_INVALID_HEX);
        assert_eq!(status_boundary(|| Ok(())), Status::XPDRM_OK);
        assert_eq!(DEPTH.with(Cell::get), 0);
    }

    #[test]
    fn a_caught_panic_is_logged_by_location_only() {
        let logged = crate::log::capture::logged(|| {
            assert_eq!(status_boundary(|| panic!("secret 00112233")), Status::XPDRM_ERR_PANIC);
        });
        // (Other tests in this binary may panic inside the boundary meanwhile; their messages look the same.)
        assert!(!logged.is_empty());
        for (level, message) in &logged {
            assert_eq!(*level, crate::log::Level::Error);
            assert!(
                message.starts_with("internal error: panic caught at the C boundary at src/ffi/guard.rs:"),
                "{message}"
            );
            assert!(!message.contains("00112233"), "{message}");
        }
    }

    /// Runs this test binary again for test `name` alone, with `XPDRM_GUARD_CHILD=mode`, and returns its
    /// stderr.
    fn child_stderr(name: &str, mode: &str) -> String {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env("XPDRM_GUARD_CHILD", mode)
            .output()
            .unwrap();
        assert!(out.status.success(), "child failed ({:?}): {}", out.status, String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    #[test]
    fn a_caught_panic_writes_nothing_to_stderr() {
        const NAME: &str = "ffi::guard::tests::a_caught_panic_writes_nothing_to_stderr";
        match std::env::var("XPDRM_GUARD_CHILD").as_deref() {
            Ok("inside") => {
                assert_eq!(status_boundary(|| panic!("boom")), Status::XPDRM_ERR_PANIC);
                return;
            }
            Ok("outside") => {
                // The control: the same panic outside the boundary reaches the previous (default) hook.
                assert_eq!(status_boundary(|| Ok(())), Status::XPDRM_OK); // installs our hook
                assert!(std::panic::catch_unwind(|| panic!("boom")).is_err());
                return;
            }
            _ => {}
        }
        // build.rs tells the triples: a cross test binary runs under qemu and cannot start itself again.
        if env!("XPDRM_BUILD_TARGET") != env!("XPDRM_BUILD_HOST") {
            eprintln!("*** NOT RUN: a cross test binary cannot re-execute itself (it runs under qemu) ***");
            return;
        }
        let outside = child_stderr(NAME, "outside");
        assert!(outside.contains("panicked") && outside.contains("boom"), "control run printed: {outside:?}");
        let inside = child_stderr(NAME, "inside");
        assert!(inside.trim().is_empty(), "a panic inside the boundary reached stderr: {inside:?}");
    }

    #[test]
    fn null_inputs_are_statuses() {
        unsafe {
            assert_eq!(bytes(core::ptr::null(), 1), Err(Status::XPDRM_ERR_NULL_ARGUMENT));
            assert_eq!(bytes(core::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(text(core::ptr::null()), Err(Status::XPDRM_ERR_NULL_ARGUMENT));
            assert_eq!(opt_text(core::ptr::null()), Ok(None));
            let bad = [0xffu8, 0xfe, 0];
            assert_eq!(text(bad.as_ptr().cast()), Err(Status::XPDRM_ERR_INVALID_UTF8));
        }
    }

    #[test]
    fn a_handle_whose_call_panicked_is_refused_until_freed() {
        let poisoned = into_handle(String::from("before"));
        let bystander = into_handle(String::from("other"));
        let status = status_boundary(|| {
            let s = unsafe { handle_mut(poisoned) }?;
            s.push_str(" half-changed");
            panic!("boom");
        });
        assert_eq!(status, Status::XPDRM_ERR_PANIC);
        unsafe {
            assert_eq!(handle_ref(poisoned).err(), Some(Status::XPDRM_ERR_POISONED));
            assert_eq!(handle_mut(poisoned).err(), Some(Status::XPDRM_ERR_POISONED));
            assert!(handle_peek(poisoned).is_none());
            assert_eq!(
                status_boundary(|| handle_ref(poisoned).map(|_| ())),
                Status::XPDRM_ERR_POISONED,
                "through the boundary too"
            );
            // A handle the panicking call did not borrow stays usable.
            assert_eq!(handle_ref(bystander).map(String::as_str), Ok("other"));
            assert_eq!(status_boundary(|| handle_mut(bystander).map(|s| s.push('!'))), Status::XPDRM_OK);
            // The free function still works on the poisoned handle, and forgets the mark.
            assert_eq!(value_boundary((), || free_handle(poisoned)), ());
            assert!(!is_poisoned(poisoned as usize));
            free_handle(bystander);
        }
    }

    #[test]
    fn a_value_export_that_panics_poisons_too() {
        let h = into_handle(7u32);
        let v = value_boundary(0u32, || {
            let n = unsafe { handle_ref(h) }.map_or(0, |n| *n);
            if n == 7 {
                panic!("boom");
            }
            n
        });
        assert_eq!(v, 0);
        unsafe {
            assert_eq!(handle_ref(h).err(), Some(Status::XPDRM_ERR_POISONED));
            free_handle(h);
        }
    }

    #[test]
    fn text_with_an_interior_nul_is_refused_and_nothing_is_written() {
        let mut buf = [0x55u8; 8];
        let mut len = 99usize;
        let out = unsafe { OutText::new(buf.as_mut_ptr().cast(), 8, &mut len) }.unwrap();
        assert_eq!(out.write("ab\0cd"), Err(Status::XPDRM_ERR_INTERIOR_NUL));
        assert_eq!((len, buf), (99, [0x55; 8]));
        // Also for a size query: the size of a text that cannot be handed out is not reported.
        let size = unsafe { OutText::new(core::ptr::null_mut(), 0, &mut len) }.unwrap();
        assert_eq!(size.write("ab\0cd"), Err(Status::XPDRM_ERR_INTERIOR_NUL));
        assert_eq!(len, 99);
        assert_eq!(out.write_with(5, |b| b.copy_from_slice(b"ab\0cd")), Err(Status::XPDRM_ERR_INTERIOR_NUL));
        assert_eq!(len, 99);
        assert_eq!(out.write_with(5, |b| b.copy_from_slice(b"abxcd")), Ok(()));
        assert_eq!((len, &buf[..6]), (5, &b"abxcd\0"[..]));
    }

    #[test]
    fn out_text_needs_room_for_the_nul() {
        let mut buf = [0x55u8; 4];
        let mut len = 0usize;
        let out = unsafe { OutText::new(buf.as_mut_ptr().cast(), 4, &mut len) }.unwrap();
        assert_eq!(out.write("abcd"), Err(Status::XPDRM_ERR_BUFFER_TOO_SMALL));
        assert_eq!((len, buf), (4, [0x55; 4]));
        assert_eq!(out.write("abc"), Ok(()));
        assert_eq!((len, &buf), (3, b"abc\0"));
    }
}
