//! Cancellation: a handle that any thread may fire while another thread is inside a blocking call of a
//! [`Client`](super::Client) that watches it.
//!
//! How a blocked call notices, phase by phase:
//!
//! * **DNS**: a host name is looked up on a helper thread; the call waits for it in slices of
//!   [`POLL_SLICE`] and returns when the handle fires. (`getaddrinfo` cannot be interrupted: the helper
//!   thread ends on its own when the system's resolver gives up, and its answer is dropped.)
//! * **connect**: the socket connects without blocking (Unix), and the call polls it in slices of
//!   [`POLL_SLICE`].
//! * **TLS handshake, writing the request, reading the answer**: every socket of the call is registered with
//!   the handle; firing shuts them down (`shutdown(SHUT_RDWR)`), which wakes a blocked read or write at
//!   once. The call then reports `XPDRM_ERR_HTTP_CANCELLED`, not the broken connection.
//! * **backoff between attempts**: the wait is on the handle's condition variable.
//!
//! A handle stays fired until [`Cancel::reset`]: a call that starts with a fired handle returns
//! `XPDRM_ERR_HTTP_CANCELLED` before it sends anything.

use std::cell::RefCell;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::Status;
use crate::sees::Problem;

/// The longest a blocked DNS lookup or connect goes without looking at the cancel flag.
pub const POLL_SLICE: Duration = Duration::from_millis(5);

#[derive(Default)]
struct Sockets {
    /// (call, socket) pairs: the sockets each running call uses.
    live: Vec<(u64, Weak<TcpStream>)>,
}

#[derive(Default)]
struct Inner {
    fired: AtomicBool,
    sockets: Mutex<Sockets>,
    wake: Condvar,
}

/// A cancel handle. Clones share one flag: fire any of them, from any thread.
#[derive(Clone, Default)]
pub struct Cancel(Arc<Inner>);

impl core::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Cancel(fired: {})", self.is_cancelled())
    }
}

impl Cancel {
    /// A handle that has not fired.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    fn lock(&self) -> MutexGuard<'_, Sockets> {
        self.0.sockets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fires the handle: every call watching it returns `XPDRM_ERR_HTTP_CANCELLED` as soon as it can (its
    /// sockets are shut down now), and so does every call that starts before [`Cancel::reset`].
    pub fn cancel(&self) {
        self.0.fired.store(true, Ordering::SeqCst);
        let sockets = self.lock();
        for (_, s) in &sockets.live {
            if let Some(s) = s.upgrade() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
        self.0.wake.notify_all();
    }

    /// Makes the handle usable again for new calls.
    pub fn reset(&self) {
        self.0.fired.store(false, Ordering::SeqCst);
    }

    /// True once fired (until reset).
    pub fn is_cancelled(&self) -> bool {
        self.0.fired.load(Ordering::SeqCst)
    }

    /// Registers a socket that `call` uses; shuts it down at once if the handle has already fired.
    pub(crate) fn register(&self, call: u64, socket: &Arc<TcpStream>) {
        let mut sockets = self.lock();
        sockets.live.retain(|(_, s)| s.strong_count() > 0);
        let weak = Arc::downgrade(socket);
        if !sockets.live.iter().any(|(c, s)| *c == call && s.ptr_eq(&weak)) {
            sockets.live.push((call, weak));
        }
        if self.is_cancelled() {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }

    /// Forgets the sockets of a call that ended.
    pub(crate) fn unregister(&self, call: u64) {
        self.lock().live.retain(|(c, s)| *c != call && s.strong_count() > 0);
    }

    /// Waits `d` or until the handle fires; true when it fired.
    pub(crate) fn wait(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut guard = self.lock();
        loop {
            if self.is_cancelled() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            guard = self.0.wake.wait_timeout(guard, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    #[cfg(test)]
    pub(crate) fn registered(&self) -> usize {
        self.lock().live.iter().filter(|(_, s)| s.strong_count() > 0).count()
    }
}

/// The problem of a cancelled call.
pub(crate) fn cancelled(what: &str) -> Problem {
    Problem::new(Status::XPDRM_ERR_HTTP_CANCELLED, format!("{what}: cancelled"))
}

/// What the transport layers of the running call on this thread need to know: the call's cancel handle,
/// and the timings of its current attempt. ureq runs a request on the calling thread (connectors,
/// transports and the resolver alike), so a thread-local is the call's context.
#[derive(Default)]
pub(crate) struct CallContext {
    pub(crate) call: u64,
    pub(crate) cancel: Option<Cancel>,
    pub(crate) times: AttemptTimes,
    /// The proxy's `host:port` (lower case) when the call goes through one.
    pub(crate) proxy_authority: Option<String>,
    /// Set when connecting to the proxy failed.
    pub(crate) proxy_unreachable: bool,
}

/// Timings of one attempt, from its start.
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct AttemptTimes {
    pub(crate) started: Option<Instant>,
    pub(crate) connect: Option<Duration>,
    pub(crate) tls: Option<Duration>,
    /// True once a new connection was made during the attempt.
    pub(crate) connected: bool,
}

thread_local! {
    static CONTEXT: RefCell<Option<CallContext>> = const { RefCell::new(None) };
}

static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// The context of a call on this thread, removed (and its sockets unregistered) on drop. A call made from
/// inside another (an event or log callback that uses a client) gets its own context; the outer call's
/// comes back when it ends.
pub(crate) struct CallGuard {
    call: u64,
    cancel: Option<Cancel>,
    outer: Option<CallContext>,
}

impl CallGuard {
    pub(crate) fn enter(cancel: Option<Cancel>, proxy_authority: Option<String>) -> CallGuard {
        let call = NEXT_CALL.fetch_add(1, Ordering::Relaxed);
        let outer = CONTEXT.with(|c| {
            c.borrow_mut().replace(CallContext {
                call,
                cancel: cancel.clone(),
                times: AttemptTimes::default(),
                proxy_authority,
                proxy_unreachable: false,
            })
        });
        CallGuard { call, cancel, outer }
    }

    /// True when the call's handle fired.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(Cancel::is_cancelled)
    }

    /// Waits `d` or until the call's handle fires; true when it fired.
    pub(crate) fn wait(&self, d: Duration) -> bool {
        match &self.cancel {
            Some(c) => c.wait(d),
            None => {
                std::thread::sleep(d);
                false
            }
        }
    }

    /// Starts the timings of a new attempt.
    pub(crate) fn start_attempt(&self) {
        with_context(|c| {
            c.times = AttemptTimes { started: Some(Instant::now()), ..AttemptTimes::default() };
            c.proxy_unreachable = false;
        });
    }

    /// True when the current attempt failed to connect to the proxy.
    pub(crate) fn proxy_unreachable(&self) -> bool {
        with_context(|c| c.proxy_unreachable).unwrap_or(false)
    }

    /// The timings of the current attempt.
    pub(crate) fn times(&self) -> AttemptTimes {
        with_context(|c| c.times).unwrap_or_default()
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        if let Some(c) = &self.cancel {
            c.unregister(self.call);
        }
        let outer = self.outer.take();
        CONTEXT.with(|c| *c.borrow_mut() = outer);
    }
}

/// Runs `f` on this thread's call context, if a call is running.
pub(crate) fn with_context<T>(f: impl FnOnce(&mut CallContext) -> T) -> Option<T> {
    CONTEXT.with(|c| c.borrow_mut().as_mut().map(f))
}

/// The running call's cancel handle and id.
pub(crate) fn current_cancel() -> Option<(u64, Cancel)> {
    with_context(|c| c.cancel.clone().map(|k| (c.call, k))).flatten()
}

/// True when the running call's handle fired.
pub(crate) fn current_cancelled() -> bool {
    with_context(|c| c.cancel.as_ref().is_some_and(Cancel::is_cancelled)).unwrap_or(false)
}

/// The I/O error a transport returns when the call was cancelled: classified as
/// `XPDRM_ERR_HTTP_CANCELLED` by the client, which also checks the flag itself.
pub(crate) fn cancelled_io() -> std::io::Error {
    // Not `Interrupted`: readers (std's, rustls's) retry those.
    std::io::Error::other(Cancelled)
}

/// Marker inside [`cancelled_io`].
#[derive(Debug)]
pub(crate) struct Cancelled;

impl core::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firing_wakes_a_wait_and_shuts_registered_sockets_down() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let s = Arc::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap());
        let _peer = listener.accept().unwrap();
        let c = Cancel::new();
        c.register(7, &s);
        c.register(7, &s);
        assert_eq!(c.registered(), 1);
        let c2 = c.clone();
        let t = std::thread::spawn(move || {
            let started = Instant::now();
            let fired = c2.wait(Duration::from_secs(10));
            (fired, started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(20));
        c.cancel();
        let (fired, took) = t.join().unwrap();
        assert!(fired && took < Duration::from_secs(5));
        let mut buf = [0u8; 1];
        assert_eq!(std::io::Read::read(&mut &*s, &mut buf).unwrap_or(0), 0, "shut down");
        c.unregister(7);
        assert_eq!(c.registered(), 0);
        c.reset();
        assert!(!c.is_cancelled());
        assert!(!c.wait(Duration::from_millis(1)));
    }

    #[test]
    fn a_call_inside_a_call_gets_its_own_context_and_gives_the_outer_one_back() {
        let outer_cancel = Cancel::new();
        let outer = CallGuard::enter(Some(outer_cancel.clone()), Some("proxy:1".into()));
        {
            let inner = CallGuard::enter(None, None);
            assert!(current_cancel().is_none());
            drop(inner);
        }
        outer_cancel.cancel();
        assert!(current_cancelled(), "the outer call's handle is watched again");
        assert_eq!(with_context(|c| c.proxy_authority.clone()).flatten().as_deref(), Some("proxy:1"));
        drop(outer);
        assert!(with_context(|_| ()).is_none());
    }
}
