//! xpdrm's own connectors for ureq: TCP and TLS. ureq's defaults are replaced for four reasons:
//!
//! * **cancellation**: sockets connect without blocking and are registered with the call's cancel handle,
//!   which shuts them down when it fires (see [`super::cancel`]);
//! * **trust and pinning**: the rustls configuration is xpdrm's (trust source, SPKI pins: see
//!   [`super::trust`]), which ureq's `TlsConfig` cannot express;
//! * **the broken-pipe race**: an OpenSSL server closes right after its TLS alert (a client certificate
//!   missing or refused), and the client may fail to write before it reads that alert. When a write (or the
//!   handshake) fails with a broken or reset connection, the TLS layer reads what the server sent before
//!   it closed and reports its alert, if there is one;
//! * **per-attempt timings**: connect and TLS handshake times go to the call's context.
//!
//! The chain is ureq's CONNECT proxy connector (which runs the chain again to reach the proxy), then
//! [`TcpConnector`], then [`TlsConnector`].

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use ureq::Error;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
    TransportAdapter,
};

use super::cancel::{Cancel, POLL_SLICE, cancelled_io, current_cancel, current_cancelled, with_context};

fn cancelled() -> Error {
    Error::Io(cancelled_io())
}

/// Connects TCP sockets (to the server, or to the proxy for ureq's CONNECT connector).
#[derive(Debug, Default)]
pub(crate) struct TcpConnector;

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let cancel = current_cancel();
        if cancel.as_ref().is_some_and(|(_, c)| c.is_cancelled()) {
            return Err(cancelled());
        }
        let limit = details.timeout.not_zero().map(|d| *d);
        let started = Instant::now();
        let mut last = None;
        let mut stream = None;
        for addr in details.addrs.iter() {
            let left = match limit {
                Some(l) => match l.checked_sub(started.elapsed()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Err(Error::Timeout(details.timeout.reason)),
                },
                None => None,
            };
            match connect_one(addr, left, cancel.as_ref().map(|(_, c)| c)) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(_) if current_cancelled() => return Err(cancelled()),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => last = Some(Error::Timeout(details.timeout.reason)),
                Err(e) => last = Some(Error::Io(e)),
            }
        }
        let Some(stream) = stream else {
            mark_connect_failure(details);
            return Err(last.unwrap_or(Error::ConnectionFailed));
        };
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let stream = Arc::new(stream);
        if let Some((call, c)) = &cancel {
            c.register(*call, &stream);
        }
        (details.register_shutdown)(Arc::downgrade(&stream) as Weak<dyn ShutdownHandle>)?;
        with_context(|c| {
            c.times.connected = true;
            c.times.connect = since_attempt_start_inner(&c.times);
        });
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TcpTransport { stream, buffers, read_timeout: None, write_timeout: None })))
    }
}

fn since_attempt_start_inner(t: &super::cancel::AttemptTimes) -> Option<Duration> {
    t.started.map(|s| s.elapsed())
}

/// Notes in the call's context that connecting failed, and whether the target was the proxy.
fn mark_connect_failure(details: &ConnectionDetails) {
    // The proxy's URI carries its credentials (`user:password@host:port`) when it has some: compare host:port.
    let host = details.uri.authority().map(|a| {
        let a = a.as_str();
        a.rsplit_once('@').map_or(a, |(_, host)| host).to_ascii_lowercase()
    });
    with_context(|c| {
        if let (Some(p), Some(h)) = (&c.proxy_authority, &host)
            && p == h
        {
            c.proxy_unreachable = true;
        }
    });
}

/// Connects to one address: without a cancel handle as `std` does; with one, without blocking, polling the
/// socket and the handle in slices of [`POLL_SLICE`] (Unix).
fn connect_one(addr: &SocketAddr, timeout: Option<Duration>, cancel: Option<&Cancel>) -> io::Result<TcpStream> {
    match cancel {
        #[cfg(unix)]
        Some(c) => unix::connect_polling(addr, timeout, c),
        _ => match timeout {
            Some(t) => TcpStream::connect_timeout(addr, t),
            None => TcpStream::connect(addr),
        },
    }
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    fn check(r: libc::c_int) -> io::Result<libc::c_int> {
        if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) }
    }

    pub(super) fn connect_polling(
        addr: &SocketAddr,
        timeout: Option<Duration>,
        cancel: &Cancel,
    ) -> io::Result<TcpStream> {
        let family = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
        // SAFETY: plain socket calls on a descriptor this function owns (OwnedFd closes it on every path).
        let fd = unsafe { OwnedFd::from_raw_fd(check(libc::socket(family, libc::SOCK_STREAM, 0))?) };
        let raw = fd.as_raw_fd();
        unsafe {
            check(libc::fcntl(raw, libc::F_SETFD, libc::FD_CLOEXEC))?;
            let flags = check(libc::fcntl(raw, libc::F_GETFL))?;
            check(libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK))?;
            #[cfg(target_vendor = "apple")]
            {
                let one: libc::c_int = 1;
                check(libc::setsockopt(
                    raw,
                    libc::SOL_SOCKET,
                    libc::SO_NOSIGPIPE,
                    (&one as *const libc::c_int).cast(),
                    core::mem::size_of::<libc::c_int>() as libc::socklen_t,
                ))?;
            }
        }
        let (storage, len) = sockaddr(addr);
        // SAFETY: `storage` holds a sockaddr of `len` bytes.
        let r = unsafe { libc::connect(raw, (&storage as *const libc::sockaddr_storage).cast(), len) };
        if r != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(e);
            }
            let started = Instant::now();
            loop {
                if cancel.is_cancelled() {
                    return Err(cancelled_io());
                }
                let mut slice = POLL_SLICE;
                if let Some(t) = timeout {
                    let left = t.saturating_sub(started.elapsed());
                    if left.is_zero() {
                        return Err(io::ErrorKind::TimedOut.into());
                    }
                    slice = slice.min(left);
                }
                let mut pfd = libc::pollfd { fd: raw, events: libc::POLLOUT, revents: 0 };
                // SAFETY: one valid pollfd.
                let n = unsafe { libc::poll(&mut pfd, 1, slice.as_millis().max(1) as libc::c_int) };
                if n < 0 {
                    let e = io::Error::last_os_error();
                    if e.kind() == io::ErrorKind::Interrupted {
                        continue;
                    }
                    return Err(e);
                }
                if n > 0 {
                    break;
                }
            }
            let mut err: libc::c_int = 0;
            let mut err_len = core::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: SO_ERROR writes one c_int.
            check(unsafe {
                libc::getsockopt(
                    raw,
                    libc::SOL_SOCKET,
                    libc::SO_ERROR,
                    (&mut err as *mut libc::c_int).cast(),
                    &mut err_len,
                )
            })?;
            if err != 0 {
                return Err(io::Error::from_raw_os_error(err));
            }
        }
        // SAFETY: as above.
        unsafe {
            let flags = check(libc::fcntl(raw, libc::F_GETFL))?;
            check(libc::fcntl(raw, libc::F_SETFL, flags & !libc::O_NONBLOCK))?;
        }
        Ok(TcpStream::from(fd))
    }

    fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
        // SAFETY: an all-zero sockaddr_storage is valid; the fields are then set for the family.
        let mut storage: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = (&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>();
                // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
                unsafe {
                    (*sin).sin_family = libc::AF_INET as libc::sa_family_t;
                    (*sin).sin_port = a.port().to_be();
                    (*sin).sin_addr = libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) };
                    #[cfg(target_vendor = "apple")]
                    {
                        (*sin).sin_len = core::mem::size_of::<libc::sockaddr_in>() as u8;
                    }
                }
                core::mem::size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = (&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>();
                // SAFETY: as above, for sockaddr_in6.
                unsafe {
                    (*sin6).sin6_family = libc::AF_INET6 as libc::sa_family_t;
                    (*sin6).sin6_port = a.port().to_be();
                    (*sin6).sin6_addr = libc::in6_addr { s6_addr: a.ip().octets() };
                    (*sin6).sin6_flowinfo = a.flowinfo();
                    (*sin6).sin6_scope_id = a.scope_id();
                    #[cfg(target_vendor = "apple")]
                    {
                        (*sin6).sin6_len = core::mem::size_of::<libc::sockaddr_in6>() as u8;
                    }
                }
                core::mem::size_of::<libc::sockaddr_in6>()
            }
        };
        (storage, len as libc::socklen_t)
    }
}

/// A TCP connection; a cancelled call's socket is shut down under it.
pub(crate) struct TcpTransport {
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl core::fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TcpTransport")
    }
}

impl TcpTransport {
    /// Before any I/O: a fired handle fails at once; otherwise the socket is registered with the running
    /// call's handle (a kept-alive connection serves calls with other handles).
    fn enter(&self) -> Result<(), Error> {
        if let Some((call, c)) = current_cancel() {
            if c.is_cancelled() {
                return Err(cancelled());
            }
            c.register(call, &self.stream);
        }
        Ok(())
    }
}

fn set_timeout(
    cached: &mut Option<Duration>,
    want: Option<Duration>,
    f: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if *cached != want {
        f(want)?;
        *cached = want;
    }
    Ok(())
}

/// What a socket I/O error becomes: cancelled when the handle fired (a shut-down socket reports EOF, a
/// broken pipe or a reset), a timeout, or the error.
fn io_error(e: io::Error, reason: ureq::Timeout) -> Error {
    if current_cancelled() {
        return cancelled();
    }
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout(reason),
        _ => Error::Io(e),
    }
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.enter()?;
        let timeout = timeout.for_write();
        if timeout.after.is_zero() {
            return Err(Error::Timeout(timeout.reason));
        }
        let stream = &*self.stream;
        set_timeout(&mut self.write_timeout, timeout.not_zero().map(|d| *d), |d| stream.set_write_timeout(d))?;
        let output = &self.buffers.output()[..amount];
        (&*self.stream).write_all(output).map_err(|e| io_error(e, timeout.reason))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.enter()?;
        let timeout = timeout.for_read();
        if timeout.after.is_zero() {
            return Err(Error::Timeout(timeout.reason));
        }
        let stream = &*self.stream;
        set_timeout(&mut self.read_timeout, timeout.not_zero().map(|d| *d), |d| stream.set_read_timeout(d))?;
        let input = self.buffers.input_append_buf();
        let n = loop {
            match (&*self.stream).read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted && !current_cancelled() => continue,
                other => break other,
            }
        }
        .map_err(|e| io_error(e, timeout.reason))?;
        if n == 0 && current_cancelled() {
            return Err(cancelled());
        }
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        let mut stream = &*self.stream;
        if stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut b = [0u8; 1];
        let open = matches!(stream.read(&mut b), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        open && stream.set_nonblocking(false).is_ok()
    }
}

/// Wraps a connection in TLS with xpdrm's rustls configuration.
#[derive(Debug)]
pub(crate) struct TlsConnector {
    pub(crate) config: Arc<rustls::ClientConfig>,
}

/// How long the TLS layer waits for the server's alert after a write failed.
const ALERT_WAIT: Duration = Duration::from_millis(500);

/// True for the errors of a connection the peer closed or reset.
fn closed_by_peer(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::NotConnected
    )
}

/// After a write failed because the server closed: reads what it sent before closing, and returns the TLS
/// error that holds (its alert), if any.
fn pending_alert(conn: &mut ClientConnection, sock: &mut TransportAdapter) -> Option<rustls::Error> {
    if current_cancelled() {
        return None;
    }
    sock.set_timeout(NextTimeout {
        after: ureq::unversioned::transport::time::Duration::Exact(ALERT_WAIT),
        reason: ureq::Timeout::Global,
        ..NextTimeout::default()
    });
    for _ in 0..8 {
        match conn.read_tls(sock) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if let Err(e) = conn.process_new_packets() {
                    return Some(e);
                }
            }
        }
    }
    conn.process_new_packets().err()
}

/// An I/O error of the TLS layer: cancelled, the server's alert read after the failure, or the error.
fn tls_io_error(e: io::Error, conn: &mut ClientConnection, sock: &mut TransportAdapter) -> Error {
    if current_cancelled() {
        return cancelled();
    }
    if closed_by_peer(&e)
        && let Some(alert) = pending_alert(conn, sock)
    {
        return Error::Rustls(alert);
    }
    Error::from(e)
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details.uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let name =
            ServerName::try_from(host.to_owned()).map_err(|_| Error::Tls("the host is not a valid TLS server name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut sock) {
                return Err(tls_io_error(e, &mut conn, &mut sock));
            }
        }
        with_context(|c| {
            c.times.tls =
                since_attempt_start_inner(&c.times).map(|t| t.saturating_sub(c.times.connect.unwrap_or_default()));
        });
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport { buffers, stream: StreamOwned::new(conn, sock) })))
    }
}

/// A TLS connection.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl core::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.stream.sock.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        match self.stream.write_all(output).and_then(|_| self.stream.flush()) {
            Ok(()) => Ok(()),
            Err(e) => Err(tls_io_error(e, &mut self.stream.conn, &mut self.stream.sock)),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        match self.stream.read(input) {
            Ok(n) => {
                if n == 0 && current_cancelled() {
                    return Err(cancelled());
                }
                self.buffers.input_appended(n);
                Ok(n > 0)
            }
            Err(e) => Err(tls_io_error(e, &mut self.stream.conn, &mut self.stream.sock)),
        }
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
