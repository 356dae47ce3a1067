//! Opt-in logging through a callback that the host installs; off until it does.
//!
//! xpdrm never writes to stdout or stderr. When a callback is set, messages at or below its level are
//! formatted and handed to it. A disabled level costs one atomic load: nothing is formatted.
//!
//! What may be logged: public facts (which parameter failed, status codes, sizes, URLs without their query,
//! device-ID fingerprints). Never secrets: content keys, KEKs, the customer authenticator, tokens, raw device
//! IDs. Types that hold secrets do not print them (their `Debug` is redacted), and each module's tests run
//! with trace logging on and search the messages for the secrets they used.

use std::cell::Cell;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI32, Ordering};

/// Severity of a log message, most severe first.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something unusual that the caller may want to know.
    Warn = 2,
    /// A major step (a request built, a response parsed).
    Info = 3,
    /// Detail for debugging an integration.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl Level {
    /// The level with this number (1..=5).
    pub fn from_i32(value: i32) -> Option<Level> {
        Some(match value {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            _ => return None,
        })
    }
}

/// A log sink: a function and what to call it with.
pub trait Sink: Send + Sync {
    /// Receives one message.
    fn log(&self, level: Level, message: &str);
}

/// Highest level that is passed on; 0 when logging is off.
static MAX_LEVEL: AtomicI32 = AtomicI32::new(0);
static SINK: RwLock<Option<Box<dyn Sink>>> = RwLock::new(None);

/// Installs `sink` for levels up to `max_level`, replacing any previous one; `None` turns logging off.
///
/// Waits for callbacks in progress on other threads: once it returns, the previous sink is not called again.
/// Must not be called from inside the sink (it would wait for itself); the C entry point refuses that.
pub fn set_sink(sink: Option<Box<dyn Sink>>, max_level: Level) {
    let mut slot = SINK.write().unwrap_or_else(|e| e.into_inner());
    let level = if sink.is_some() { max_level as i32 } else { 0 };
    *slot = sink;
    MAX_LEVEL.store(level, Ordering::Release);
}

/// True if a message at `level` would be delivered.
#[inline]
pub fn enabled(level: Level) -> bool {
    (level as i32) <= MAX_LEVEL.load(Ordering::Acquire)
}

thread_local! {
    /// Set while this thread is inside the sink: messages from xpdrm calls the callback makes are dropped.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Formats and delivers a message. Use the [`xlog!`](crate::xlog) macro, which checks [`enabled`] first.
///
/// A message logged while this thread is already delivering one (the callback called into xpdrm) is
/// dropped: that could only recurse, and re-taking the lock could deadlock against a waiting writer.
pub fn write(level: Level, args: core::fmt::Arguments<'_>) {
    if IN_SINK.with(Cell::get) {
        return;
    }
    // The read lock is held while the callback runs, so replacing the sink waits for callbacks in progress.
    let slot = SINK.read().unwrap_or_else(|e| e.into_inner());
    if let Some(sink) = slot.as_ref() {
        let _inside = InSink::enter();
        sink.log(level, &args.to_string());
    }
}

/// Marks this thread as inside the sink until dropped (also when a sink unwinds).
struct InSink;

impl InSink {
    fn enter() -> InSink {
        IN_SINK.with(|f| f.set(true));
        InSink
    }
}

impl Drop for InSink {
    fn drop(&mut self) {
        IN_SINK.with(|f| f.set(false));
    }
}

/// True while this thread is delivering a message, i.e. running inside the callback.
pub fn in_sink() -> bool {
    IN_SINK.with(Cell::get)
}

/// Delivers a message from the panic hook: never blocks (the panicking thread might hold the lock).
pub(crate) fn write_from_panic_hook(message: &str) {
    if enabled(Level::Error)
        && !IN_SINK.with(Cell::get)
        && let Ok(slot) = SINK.try_read()
        && let Some(sink) = slot.as_ref()
    {
        let _inside = InSink::enter();
        sink.log(Level::Error, message);
    }
}

/// Logs a message: `xlog!(Debug, "built {} parameters", n)`. Formats nothing when the level is off.
#[macro_export]
#[doc(hidden)]
macro_rules! xlog {
    ($level:ident, $($arg:tt)+) => {
        if $crate::log::enabled($crate::log::Level::$level) {
            $crate::log::write($crate::log::Level::$level, format_args!($($arg)+));
        }
    };
}

#[cfg(test)]
pub(crate) mod capture {
    //! A sink that records messages, for tests that check what is (not) logged.
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Serialises tests that install the process-wide sink.
    pub(crate) static LOCK: Mutex<()> = Mutex::new(());

    pub(crate) struct Capture(pub(crate) Arc<Mutex<Vec<(Level, String)>>>);

    impl Sink for Capture {
        fn log(&self, level: Level, message: &str) {
            self.0.lock().unwrap().push((level, message.to_string()));
        }
    }

    /// Runs `f` with trace logging captured, and returns what was logged.
    pub(crate) fn logged(f: impl FnOnce()) -> Vec<(Level, String)> {
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let store = Arc::new(Mutex::new(Vec::new()));
        set_sink(Some(Box::new(Capture(store.clone()))), Level::Trace);
        f();
        set_sink(None, Level::Error);
        store.lock().unwrap().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_reach_the_sink_only_up_to_its_level() {
        let _guard = capture::LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let store = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        set_sink(Some(Box::new(capture::Capture(store.clone()))), Level::Info);
        crate::xlog!(Info, "one {}", 1);
        crate::xlog!(Debug, "two");
        crate::xlog!(Error, "three");
        set_sink(None, Level::Trace);
        crate::xlog!(Error, "four");
        let got: Vec<_> = store.lock().unwrap().iter().map(|(l, m)| (*l, m.clone())).collect();
        assert_eq!(got, vec![(Level::Info, "one 1".to_string()), (Level::Error, "three".to_string())]);
        assert!(!enabled(Level::Error));
    }
}
