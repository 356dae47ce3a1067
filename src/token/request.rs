//! A token request: parameters checked when set, the whole request checked when built, and its GET URL or
//! POST form body.

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::params::{self, Check, Lookup, Param, Presence};
use super::{Drm, Environment, Error, time};
use crate::Status;
use crate::secret_string::SecretString;

/// Longest base URL accepted, in bytes.
pub const MAX_BASE_URL_LEN: usize = 2048;

/// What the redacted rendering writes in place of a secret value.
pub const REDACTED: &str = "<redacted>";

/// A parameter's name: a row of the DRM's table, or an extra name set without checks.
#[derive(Clone)]
enum Name {
    Known(&'static Param),
    /// A row that takes an index, with it, and the full name (`kid.2`) as sent.
    Indexed(&'static Param, u32, String),
    Extra(String),
}

#[derive(Clone)]
struct Entry {
    name: Name,
    /// Every value is wiped when dropped, secret or not: simpler than deciding, and cheap.
    value: SecretString,
    /// `name=value`, form-encoded once, when set: building a URL then only copies (and this is a secret
    /// when the value is).
    encoded: SecretString,
}

impl Entry {
    fn new(name: Name, value: &str) -> Entry {
        let mut entry = Entry { name, value: SecretString::from(value), encoded: SecretString::default() };
        // Enough capacity up front that the string never reallocates (a reallocation would leave an unwiped
        // copy behind): the worst case (every byte percent-encoded) for short values, the exact size (one
        // more encoding pass) for long ones.
        let worst = 3 * (entry.name().len() + value.len()) + 1;
        let capacity = if worst <= 1024 {
            worst
        } else {
            let mut n = Count(0);
            entry.encode_fresh(false, &mut n);
            n.0
        };
        let mut encoded = String::with_capacity(capacity);
        entry.encode_fresh(false, &mut encoded);
        debug_assert!(encoded.len() <= capacity);
        entry.encoded = SecretString::new(encoded);
        entry
    }

    /// Encodes `name=value` from scratch (`value` as `<redacted>` when `redact` and the value is secret).
    fn encode_fresh(&self, redact: bool, out: &mut impl Sink) {
        form_urlencoded::byte_serialize(self.name().as_bytes()).for_each(|chunk| out.put(chunk));
        out.put("=");
        if redact && self.secret() {
            out.put(REDACTED);
        } else {
            form_urlencoded::byte_serialize(self.value.as_bytes()).for_each(|chunk| out.put(chunk));
        }
    }

    fn name(&self) -> &str {
        match &self.name {
            Name::Known(p) => p.name,
            Name::Indexed(_, _, n) | Name::Extra(n) => n,
        }
    }

    /// True for the entry of this row with this index (`None`: the plain name).
    fn is(&self, param: &Param, index: Option<u32>) -> bool {
        match (&self.name, index) {
            (Name::Known(p), None) => p.name == param.name,
            (Name::Indexed(p, i, _), Some(index)) => p.name == param.name && *i == index,
            _ => false,
        }
    }

    /// The row, for a known parameter (plain or indexed).
    fn row(&self) -> Option<&'static Param> {
        match self.name {
            Name::Known(p) | Name::Indexed(p, _, _) => Some(p),
            Name::Extra(_) => None,
        }
    }

    /// Redacted in renderings meant for logs: the table's secrets, and every unchecked value (xpdrm cannot
    /// know that it is not a secret).
    fn secret(&self) -> bool {
        match self.name {
            Name::Known(p) | Name::Indexed(p, _, _) => p.secret,
            Name::Extra(_) => true,
        }
    }
}

/// Which text to produce.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// The GET URL: base, `?`, the form.
    Url,
    /// The `application/x-www-form-urlencoded` POST body.
    Form,
    /// The GET URL with secret values replaced by [`REDACTED`], for logs.
    Redacted,
}

/// Where encoded text goes: a counter (for sizes), a caller's buffer, or a string.
trait Sink {
    fn put(&mut self, s: &str);
}

struct Count(usize);

impl Sink for Count {
    fn put(&mut self, s: &str) {
        self.0 += s.len();
    }
}

/// Writes into a slice that was sized with [`Count`]; never writes past its end.
struct Slice<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl Sink for Slice<'_> {
    fn put(&mut self, s: &str) {
        if let Some(dst) = self.buf.get_mut(self.pos..self.pos + s.len()) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.pos += s.len();
    }
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// A license-token request for one DRM.
///
/// Values are checked when set ([`set`](Self::set)) against the DRM's table ([`params`]); the whole request
/// (required parameters, rules across parameters, expiry against the clock) is checked again when it is
/// built ([`url`](Self::url), [`form`](Self::form)). Every refusal is an [`Error`] with the server's code and
/// a reason naming the parameter and the rule. All values are wiped from memory when the request is dropped.
///
/// A device-bound, time-bound PlayReady request (the SEES device-binding flow):
///
/// ```
/// use xpdrm::token::{Drm, TokenRequest};
/// let mut req = TokenRequest::new(Drm::PlayReady);
/// for (name, value) in [
///     ("kid", "b366360da82e9c6e0b0984002a362cf2"),
///     ("contentKey", "00112233445566778899aabbccddeeff"),
///     ("rightsType", "BuyToOwn"),
///     ("analogVideoOPL", "0"),
///     ("compressedDigitalAudioOPL", "0"),
///     ("compressedDigitalVideoOPL", "0"),
///     ("uncompressedDigitalAudioOPL", "0"),
///     ("uncompressedDigitalVideoOPL", "0"),
///     ("deviceId", "0123456789abcdef0123456789ABCDEF"),
///     ("expirationTime", "+3600"),
///     ("cookie", "session 42"),
/// ] {
///     req.set(name, value)?;
/// }
/// let body = req.form()?; // POST it with Content-Type: application/x-www-form-urlencoded
/// assert!(body.ends_with("&expirationTime=%2B3600&cookie=session+42"));
/// assert!(!req.redacted().contains("0123456789abcdef"));
/// # Ok::<(), xpdrm::token::Error>(())
/// ```
#[derive(Clone)]
pub struct TokenRequest {
    drm: Drm,
    base_url: Cow<'static, str>,
    entries: Vec<Entry>,
    clock: Option<i64>,
}

impl core::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenRequest").field("drm", &self.drm).field("url", &self.redacted()).finish()
    }
}

impl Lookup for TokenRequest {
    fn value(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|e| matches!(e.name, Name::Known(p) if p.name == name)).map(|e| e.value.as_str())
    }

    fn indexed(&self, name: &str, index: u32) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| matches!(e.name, Name::Indexed(p, i, _) if p.name == name && i == index))
            .map(|e| e.value.as_str())
    }

    fn any_index(&self, name: &str, pred: &mut dyn FnMut(u32) -> bool) -> bool {
        self.entries.iter().any(|e| matches!(e.name, Name::Indexed(p, i, _) if p.name == name && pred(i)))
    }
}

/// `name` as reasons show it: quoted, escaped, at most 64 characters.
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(64).collect();
    if cut.len() < name.len() { format!("{cut:?}...") } else { format!("{cut:?}") }
}

fn status_part(status: Status) -> String {
    format!("Status {}: {}", status.code(), status.text())
}

impl TokenRequest {
    /// An empty request for `drm`, aimed at that DRM's test service.
    pub fn new(drm: Drm) -> TokenRequest {
        TokenRequest { drm, base_url: Cow::Borrowed(drm.base_url(Environment::Test)), entries: Vec::new(), clock: None }
    }

    /// The DRM this request is for.
    pub fn drm(&self) -> Drm {
        self.drm
    }

    /// The base URL the GET URL starts with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets a parameter of the DRM's table after checking its value as the server would.
    ///
    /// A repeatable parameter (`fpExtension`, `wvExtension`) gets one more value; any other is replaced. On
    /// failure the request is unchanged and the error carries the server's code (or
    /// `XPDRM_ERR_UNKNOWN_PARAMETER` for a name the table does not have: names are case-sensitive).
    ///
    /// Several keys in one token: a parameter of [`params::indexed_names`] also takes an index, `kid.0`,
    /// `contentKey.0`, `kid.1`, ... (decimal, no leading zero), checked with its plain name's rule and code.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let (param, index) = self.checked(name, value)?;
        let entry_name = match index {
            None => Name::Known(param),
            Some(i) => Name::Indexed(param, i, name.to_owned()),
        };
        let entry = Entry::new(entry_name, value);
        match self.entries.iter_mut().find(|e| e.is(param, index)) {
            Some(slot) if !param.repeatable => *slot = entry,
            _ => self.entries.push(entry),
        }
        crate::xlog!(Trace, "token request ({}): {} set", self.drm.name(), name);
        Ok(())
    }

    /// Sets `name.index` (several keys in one token): the same as [`set`](Self::set) with `kid.2` for
    /// (`kid`, 2), without formatting the name by hand. `name` must be one of [`params::indexed_names`] for
    /// the DRM, else `XPDRM_ERR_UNKNOWN_PARAMETER`.
    pub fn set_indexed(&mut self, name: &str, index: u32, value: &str) -> Result<(), Error> {
        if !params::indexed_names(self.drm).contains(&name) {
            return Err(self.unknown_indexed(name));
        }
        self.set(&format!("{name}.{index}"), value)
    }

    /// Checks a value as [`set`](Self::set) would (same code, same reason), without setting it: for callers
    /// that keep a value of their own, such as the device-binding flow's customer authenticator and token
    /// lifetime. The request is not changed.
    pub fn check_value(&self, name: &str, value: &str) -> Result<(), Error> {
        self.checked(name, value).map(|_| ())
    }

    /// The row of `name` (plain or indexed) and its index, once `value` has passed its check.
    fn checked(&self, name: &str, value: &str) -> Result<(&'static Param, Option<u32>), Error> {
        let (param, index) = match params::find(self.drm, name) {
            Some((_, param)) => (param, None),
            None => match params::find_indexed(self.drm, name) {
                Some((param, index)) => (param, Some(index)),
                None => return Err(self.unknown(name)),
            },
        };
        // The clock only for an absolute time: reading it is most of the cost of setting a short value.
        let now = match param.check {
            Check::Time { .. } if !value.starts_with('+') => self.now(),
            _ => 0,
        };
        if let Err((status, what)) = param.validate(value, now) {
            crate::xlog!(Debug, "token request ({}): {} refused ({}): {}", self.drm.name(), name, status.code(), what);
            return Err(Error::new(
                status,
                format!("{name} {what}. Rule for {name}: {}. {}", param.rule, status_part(status)),
            ));
        }
        Ok((param, index))
    }

    /// Adds a parameter that the DRM's table does not list (one the server accepts but xpdrm does not know,
    /// such as `prFlag=true`, seen in the wild), without any check. Each call adds one more `name=value`
    /// pair.
    ///
    /// Names of the table (in any letter case) are refused with `XPDRM_ERR_KNOWN_PARAMETER`: their rules
    /// cannot be bypassed. Unchecked values are treated as secrets: redacted in logs and wiped on drop.
    pub fn set_unchecked(&mut self, name: &str, value: &str) -> Result<(), Error> {
        if name.is_empty() {
            return Err(Error::new(Status::XPDRM_ERR_INVALID_ARGUMENT, "the parameter name is empty"));
        }
        let plain = params::split_index(name)
            .filter(|(base, _)| params::indexed_names(self.drm).iter().any(|n| n.eq_ignore_ascii_case(base)))
            .map_or(name, |(base, _)| base);
        if let Some(p) = self.drm.params().iter().find(|p| p.name.eq_ignore_ascii_case(plain)) {
            let how = if p.name == plain {
                if plain == name { "is" } else { "is an indexed form of" }
            } else {
                "differs only in letter case from"
            };
            return Err(Error::new(
                Status::XPDRM_ERR_KNOWN_PARAMETER,
                format!(
                    "{} {how} the {} parameter {}, which has a rule: set it with the checking setter. {}",
                    shown(name),
                    self.drm.name(),
                    p.name,
                    status_part(Status::XPDRM_ERR_KNOWN_PARAMETER)
                ),
            ));
        }
        self.entries.push(Entry::new(Name::Extra(name.to_owned()), value));
        crate::xlog!(Debug, "token request ({}): unchecked parameter {} added", self.drm.name(), shown(name));
        Ok(())
    }

    /// Removes every value of `name` (a table parameter or an unchecked one). Removing a table parameter
    /// that is not set is not an error; a name that is neither in the table nor set is
    /// `XPDRM_ERR_UNKNOWN_PARAMETER` (it is most likely a typo).
    pub fn unset(&mut self, name: &str) -> Result<(), Error> {
        let before = self.entries.len();
        self.entries.retain(|e| e.name() != name);
        let known = params::find(self.drm, name).is_some() || params::find_indexed(self.drm, name).is_some();
        if self.entries.len() == before && !known {
            return Err(self.unknown(name));
        }
        Ok(())
    }

    /// Aims the request at any base URL (a proxy, a loopback test server, the `expressplay.cn` domain): an
    /// absolute `http` or `https` URL of printable ASCII, without user information, query or fragment, at
    /// most [`MAX_BASE_URL_LEN`] bytes. Otherwise `XPDRM_ERR_INVALID_BASE_URL`, and the request is
    /// unchanged. (Extra query parameters for a proxy go through [`set_unchecked`](Self::set_unchecked).)
    pub fn set_base_url(&mut self, base_url: &str) -> Result<(), Error> {
        check_base_url(base_url).map_err(|why| {
            Error::new(
                Status::XPDRM_ERR_INVALID_BASE_URL,
                format!("the base URL {why}. {}", status_part(Status::XPDRM_ERR_INVALID_BASE_URL)),
            )
        })?;
        self.base_url = Cow::Owned(base_url.to_owned());
        Ok(())
    }

    /// Aims the request at the DRM's test or production service.
    pub fn set_environment(&mut self, environment: Environment) {
        self.base_url = Cow::Borrowed(self.drm.base_url(environment));
    }

    /// Fixes the time (Unix seconds) that absolute `expirationTime` values are measured against, instead of
    /// the system clock (`None`). A device whose clock is wrong sees absolute times refused or accepted by
    /// that wrong clock; it can pass a trusted time here (from a server's `Date` header, say), or use the
    /// relative `+<seconds>` form, which needs no clock.
    pub fn set_clock(&mut self, now: Option<i64>) {
        self.clock = now;
    }

    fn now(&self) -> i64 {
        self.clock.unwrap_or_else(time::system_now)
    }

    /// Checks the whole request as the server would: required parameters, time limits against the clock,
    /// and the DRM's rules across parameters ([`Drm::request_rules`]). Does not allocate unless it fails.
    pub fn check(&self) -> Result<(), Error> {
        let drm = self.drm;
        for p in drm.params() {
            // Several keys in one token: an indexed form stands for the plain one.
            if p.presence == Presence::Required && !self.has(p.name) && !self.any_index(p.name, &mut |_| true) {
                let status = p.missing.unwrap_or(Status::XPDRM_ERR_INVALID_ARGUMENT);
                crate::xlog!(Debug, "token request ({}): {} is missing ({})", drm.name(), p.name, status.code());
                return Err(Error::new(
                    status,
                    format!(
                        "{} is missing; a {} request requires it. Rule for {}: {}. {}",
                        p.name,
                        drm.name(),
                        p.name,
                        p.rule,
                        status_part(status)
                    ),
                ));
            }
        }
        // Time passes between setting and building: an absolute expiry is checked again (a relative one,
        // `+N`, needs no clock).
        let mut now = None;
        for e in &self.entries {
            let Some(p) = e.row() else { continue };
            if matches!(p.check, Check::Time { max_ahead: Some(_), .. }) && !e.value.starts_with('+') {
                let now = *now.get_or_insert_with(|| self.now());
                if let Err((status, what)) = p.validate(&e.value, now) {
                    let name = e.name();
                    return Err(Error::new(
                        status,
                        format!("{name} {what}. Rule for {name}: {}. {}", p.rule, status_part(status)),
                    ));
                }
            }
        }
        for r in drm.request_rules() {
            if !(r.holds)(self) {
                crate::xlog!(Debug, "token request ({}): rule broken ({}): {}", drm.name(), r.code.code(), r.rule);
                return Err(Error::new(
                    r.code,
                    format!("the {} request breaks a rule: {}. {}", drm.name(), r.rule, status_part(r.code)),
                ));
            }
        }
        Ok(())
    }

    /// The GET URL: the base URL, `?`, and the parameters in the order set, percent-encoded as
    /// `application/x-www-form-urlencoded` (so `+` is `%2B`, a space is `+`, and any value decodes back
    /// exactly). Checks the whole request first. The URL holds the request's secrets: it is wiped on drop.
    pub fn url(&self) -> Result<Zeroizing<String>, Error> {
        self.check()?;
        Ok(self.render(Output::Url))
    }

    /// The `application/x-www-form-urlencoded` POST body (the same parameters as the URL's query). Checks
    /// the whole request first. Wiped on drop.
    pub fn form(&self) -> Result<Zeroizing<String>, Error> {
        self.check()?;
        Ok(self.render(Output::Form))
    }

    /// Checks the request and writes its GET URL into `out` without allocating; returns its length, or
    /// `XPDRM_ERR_BUFFER_TOO_SMALL` (see [`url_len`](Self::url_len)) leaving `out` untouched.
    pub fn write_url(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.write(Output::Url, out)
    }

    /// As [`write_url`](Self::write_url), for the POST body.
    pub fn write_form(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.write(Output::Form, out)
    }

    /// Checks the request and returns the length in bytes of its GET URL.
    pub fn url_len(&self) -> Result<usize, Error> {
        self.check()?;
        Ok(self.encoded_len(Output::Url))
    }

    /// Checks the request and returns the length in bytes of its POST body.
    pub fn form_len(&self) -> Result<usize, Error> {
        self.check()?;
        Ok(self.encoded_len(Output::Form))
    }

    /// The GET URL with every secret value (`customerAuthenticator`, `contentKey`, `kek`, `ek`, `deviceId`,
    /// and all unchecked values) replaced by `<redacted>`: for logs. Not checked, so an incomplete request
    /// can be logged too.
    pub fn redacted(&self) -> String {
        self.render(Output::Redacted).to_string()
    }

    fn write(&self, kind: Output, out: &mut [u8]) -> Result<usize, Error> {
        self.check()?;
        let len = self.encoded_len(kind);
        if len > out.len() {
            return Err(Error::new(Status::XPDRM_ERR_BUFFER_TOO_SMALL, format!("the output needs {len} bytes")));
        }
        self.encode_into(kind, &mut out[..len]);
        Ok(len)
    }

    /// The exact length of `kind`'s text. No check, no allocation.
    pub(crate) fn encoded_len(&self, kind: Output) -> usize {
        if kind == Output::Redacted {
            let mut n = Count(0);
            self.encode(kind, &mut n);
            return n.0;
        }
        let query = self.entries.iter().map(|e| e.encoded.len()).sum::<usize>() + self.entries.len().saturating_sub(1);
        match kind {
            Output::Form => query,
            _ if self.entries.is_empty() => self.base_url.len(),
            _ => self.base_url.len() + 1 + query,
        }
    }

    /// Writes `kind`'s text into `out`, which must be exactly [`encoded_len`](Self::encoded_len) bytes. No
    /// check, no allocation.
    pub(crate) fn encode_into(&self, kind: Output, out: &mut [u8]) {
        let mut sink = Slice { buf: out, pos: 0 };
        self.encode(kind, &mut sink);
        // The cached lengths and the encoder agree (the tests check every output's length against its text).
        debug_assert_eq!(sink.pos, sink.buf.len());
    }

    fn render(&self, kind: Output) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(self.encoded_len(kind)));
        self.encode(kind, &mut *s);
        s
    }

    fn encode(&self, kind: Output, out: &mut impl Sink) {
        if kind != Output::Form {
            out.put(&self.base_url);
            if !self.entries.is_empty() {
                out.put("?");
            }
        }
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                out.put("&");
            }
            if kind == Output::Redacted {
                e.encode_fresh(true, out);
            } else {
                out.put(&e.encoded);
            }
        }
    }

    /// The error for `set_indexed` with a name that takes no index.
    fn unknown_indexed(&self, name: &str) -> Error {
        let drm = self.drm;
        let takes = params::indexed_names(drm);
        let list = if takes.is_empty() { "none: its tokens carry one key".to_string() } else { takes.join(", ") };
        Error::new(
            Status::XPDRM_ERR_UNKNOWN_PARAMETER,
            format!(
                "{} takes no index in a {} request; the parameters that do (several keys in one token) are: \
                 {list}. {}",
                shown(name),
                drm.name(),
                status_part(Status::XPDRM_ERR_UNKNOWN_PARAMETER)
            ),
        )
    }

    /// The error for a name that the DRM's table does not have, with the likeliest intent.
    fn unknown(&self, name: &str) -> Error {
        let drm = self.drm;
        let dotted = name.rsplit_once('.').filter(|(base, _)| params::find(drm, base).is_some());
        let hint = if let Some((base, suffix)) = dotted {
            if !params::indexed_names(drm).contains(&base) {
                format!("{base} takes no index in a {} request", drm.name())
            } else {
                format!("the index after {base}. must be decimal digits without a leading zero, not {}", shown(suffix))
            }
        } else if let Some(p) = drm.params().iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
            format!("names are case-sensitive: did you mean {}?", p.name)
        } else if let Some(other) = Drm::ALL.into_iter().find(|d| params::find(*d, name).is_some()) {
            format!("it is a {} parameter", other.name())
        } else {
            "a parameter the server accepts but xpdrm does not list can be sent with the unchecked setter".into()
        };
        crate::xlog!(Debug, "token request ({}): unknown parameter {}", drm.name(), shown(name));
        Error::new(
            Status::XPDRM_ERR_UNKNOWN_PARAMETER,
            format!(
                "{} is not a {} token parameter; {hint}. {}",
                shown(name),
                drm.name(),
                status_part(Status::XPDRM_ERR_UNKNOWN_PARAMETER)
            ),
        )
    }
}

/// Why `url` is not an acceptable base URL (the one URL rule, src/url.rs).
fn check_base_url(url: &str) -> Result<(), String> {
    match crate::url::problem(url, MAX_BASE_URL_LEN, crate::url::Use::Service { query: false }) {
        None => Ok(()),
        Some(why) => Err(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fairplay() -> TokenRequest {
        let mut r = TokenRequest::new(Drm::FairPlay);
        r.set("customerAuthenticator", "201722,1ad8eed133edf43cbcc185f0236828ae").unwrap();
        r.set("contentKey", "b366360da82e9c6e0b0984002a362cf2").unwrap();
        r.set("iv", "0123456789abcdef0123456789abcdef").unwrap();
        r
    }

    #[test]
    fn a_complete_fairplay_request_builds_in_the_order_set() {
        let r = fairplay();
        assert_eq!(
            r.url().unwrap().as_str(),
            "https://fp-gen.test.expressplay.com/hms/fp/token?customerAuthenticator=201722%2C1ad8eed133edf43cbcc185f0236828ae\
             &contentKey=b366360da82e9c6e0b0984002a362cf2&iv=0123456789abcdef0123456789abcdef"
        );
        assert_eq!(r.form().unwrap().as_str(), r.url().unwrap().split_once('?').unwrap().1);
        assert_eq!(r.url_len().unwrap(), r.url().unwrap().len());
    }

    #[test]
    fn replacing_keeps_the_position_and_repeatable_parameters_append() {
        let mut r = fairplay();
        r.set("fpExtension", "wudo,AAAAAA==").unwrap();
        r.set("contentKey", "00000000000000000000000000000000").unwrap();
        r.set("fpExtension", "abcd,AQID").unwrap();
        let form = r.form().unwrap();
        let names: Vec<_> = form_urlencoded::parse(form.as_bytes()).map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(
            names[1..],
            [
                "contentKey=00000000000000000000000000000000",
                "iv=0123456789abcdef0123456789abcdef",
                "fpExtension=wudo,AAAAAA==",
                "fpExtension=abcd,AQID"
            ]
        );
    }

    #[test]
    fn a_refused_value_leaves_the_request_unchanged() {
        let mut r = fairplay();
        let before = r.form().unwrap();
        let e = r.set("iv", "0123").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_INVALID_IV);
        assert_eq!(
            e.reason(),
            "iv has 4 characters, not 32 hexadecimal digits. Rule for iv: the content's packaging IV: 32 \
             hexadecimal digits [vendor's table]. Status -6003: Invalid iv parameter specified."
        );
        assert_eq!(r.form().unwrap(), before);
    }

    #[test]
    fn check_value_answers_as_set_would_and_changes_nothing() {
        let mut r = fairplay();
        let before = r.form().unwrap();
        for (name, value) in [("iv", "0123"), ("expirationTime", "+2592001"), ("deviceId", "x"), ("Iv", "x")] {
            let checked = r.check_value(name, value).unwrap_err();
            assert_eq!(r.form().unwrap(), before);
            assert_eq!(checked, r.set(name, value).unwrap_err(), "{name}");
        }
        r.check_value("expirationTime", "+60").unwrap();
        assert_eq!(r.form().unwrap(), before, "a value that passes is not set either");
    }

    #[test]
    fn unknown_names_get_the_likeliest_intent() {
        let mut r = TokenRequest::new(Drm::FairPlay);
        let e = r.set("KID", "x").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
        assert!(
            e.reason()
                .starts_with("\"KID\" is not a FairPlay token parameter; names are case-sensitive: did you mean kid?"),
            "{e}"
        );
        let e = r.set("securityLevel", "1").unwrap_err();
        assert!(e.reason().contains("it is a Widevine parameter"), "{e}");
        let e = r.set("prFlag", "true").unwrap_err();
        assert!(e.reason().contains("unchecked setter"), "{e}");
        let long = "n".repeat(500);
        assert!(r.set(&long, "v").unwrap_err().reason().len() < 300);
        assert_eq!(r.unset("Kid").unwrap_err().status(), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
    }

    #[test]
    fn unchecked_parameters_append_are_redacted_and_cannot_shadow_the_table() {
        let mut r = fairplay();
        r.set_unchecked("prFlag", "true").unwrap();
        r.set_unchecked("prFlag", "a b&c").unwrap();
        assert!(r.url().unwrap().ends_with("&prFlag=true&prFlag=a+b%26c"));
        assert!(r.redacted().ends_with("&prFlag=<redacted>&prFlag=<redacted>"));
        assert_eq!(r.set_unchecked("iv", "x").unwrap_err().status(), Status::XPDRM_ERR_KNOWN_PARAMETER);
        let e = r.set_unchecked("IV", "x").unwrap_err();
        assert!(e.reason().contains("differs only in letter case from the FairPlay parameter iv"), "{e}");
        assert_eq!(r.set_unchecked("", "x").unwrap_err().status(), Status::XPDRM_ERR_INVALID_ARGUMENT);
        r.unset("prFlag").unwrap();
        assert!(!r.url().unwrap().contains("prFlag"));
    }

    #[test]
    fn base_urls() {
        let mut r = fairplay();
        r.set_environment(Environment::Production);
        assert!(r.url().unwrap().starts_with("https://fp-gen.service.expressplay.com/hms/fp/token?"));
        r.set_base_url("http://127.0.0.1:8080/token").unwrap();
        assert!(r.url().unwrap().starts_with("http://127.0.0.1:8080/token?customerAuthenticator="));
        for bad in [
            "",
            "fp-gen.test.expressplay.com/hms/fp/token",
            "ftp://x/y",
            "https://",
            "https:///path",
            "https://:80/",
            "https://a b/",
            "https://x/t?a=1",
            "https://x/t#f",
            "https://user:pw@x/t",
            "https://ü.example/",
            "https://x/\n",
        ] {
            let e = r.set_base_url(bad).unwrap_err();
            assert_eq!(e.status(), Status::XPDRM_ERR_INVALID_BASE_URL, "{bad:?}");
        }
        assert!(r.set_base_url(&format!("https://x/{}", "a".repeat(MAX_BASE_URL_LEN))).is_err());
        assert_eq!(r.base_url(), "http://127.0.0.1:8080/token");
        r.set_base_url("HTTPS://Example.COM").unwrap();
        assert!(r.url().unwrap().starts_with("HTTPS://Example.COM?customerAuthenticator="));
    }

    #[test]
    fn an_empty_request_renders_just_the_base_url() {
        let r = TokenRequest::new(Drm::Widevine);
        assert_eq!(r.redacted(), "https://wv-gen.test.expressplay.com/hms/wv/token");
        assert_eq!(r.url().unwrap_err().status(), Status::XPDRM_ERR_MISSING_KID);
    }

    #[test]
    fn write_url_fills_exactly_or_touches_nothing() {
        let r = fairplay();
        let url = r.url().unwrap();
        let mut small = vec![0xA5u8; url.len() - 1];
        let e = r.write_url(&mut small).unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_BUFFER_TOO_SMALL);
        assert!(small.iter().all(|&b| b == 0xA5));
        let mut buf = vec![0xA5u8; url.len() + 4];
        assert_eq!(r.write_url(&mut buf).unwrap(), url.len());
        assert_eq!(&buf[..url.len()], url.as_bytes());
        assert_eq!(&buf[url.len()..], [0xA5; 4]);
    }

    #[test]
    fn long_values_are_encoded_exactly_too() {
        let mut r = TokenRequest::new(Drm::Widevine);
        for (n, v) in [("kid", "^k"), ("securityLevel", "1"), ("hdcpOutputControl", "0")] {
            r.set(n, v).unwrap();
        }
        for len in [300, 341, 342, 2000] {
            let value: String = "a &+\u{e9}".chars().cycle().take(len).collect();
            r.set("contentId", &value).unwrap();
            let form = r.form().unwrap();
            let got: Vec<_> = form_urlencoded::parse(form.as_bytes()).filter(|(n, _)| n == "contentId").collect();
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].1, value.as_str());
            assert_eq!(r.form_len().unwrap(), form.len());
        }
    }

    #[test]
    fn debug_output_is_the_redacted_rendering() {
        let r = fairplay();
        let d = format!("{r:?}");
        assert!(d.contains("customerAuthenticator=<redacted>") && d.contains("contentKey=<redacted>"), "{d}");
        assert!(!d.contains("1ad8eed1") && !d.contains("b366360d"), "{d}");
    }

    #[test]
    fn nothing_secret_is_logged_even_at_trace() {
        let auth = "201722,1ad8eed133edf43cbcc185f0236828ae";
        let key = "b366360da82e9c6e0b0984002a362cf2";
        let kek = "000102030405060708090a0b0c0d0e0f";
        let ek = "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5";
        let device = "0123456789abcdef0123456789abcdef";
        let logged = crate::log::capture::logged(|| {
            let mut r = TokenRequest::new(Drm::PlayReady);
            r.set("customerAuthenticator", auth).unwrap();
            r.set("contentKey", key).unwrap();
            r.set("kek", kek).unwrap();
            r.set("ek", ek).unwrap();
            r.set("deviceId", device).unwrap();
            r.set_unchecked("proxyKey", "s3cr3t-proxy-value").unwrap();
            // Refusals log too: a malformed secret must not be echoed either.
            let _ = r.set("customerAuthenticator", "201722;1ad8eed133edf43cbcc185f0236828ae");
            let _ = r.set("contentKey", &key[1..]);
            let _ = r.set("deviceId", &device[2..]);
            let _ = r.url(); // refused: kek with contentKey, and more
            let _ = r.form();
            let _ = format!("{r:?}");
        });
        assert!(!logged.is_empty(), "nothing was logged: the test would prove nothing");
        assert!(logged.iter().any(|(_, m)| m.contains("contentKey refused")), "{logged:?}");
        for (_, m) in &logged {
            for secret in [&auth[7..], key, &key[1..], kek, ek, device, &device[2..], "s3cr3t"] {
                assert!(!m.to_lowercase().contains(secret), "secret in log message {m:?}");
            }
        }
    }
}

#[cfg(test)]
mod several_keys {
    use super::*;

    const K: [&str; 3] =
        ["00000000000000000000000000000001", "00000000000000000000000000000002", "00000000000000000000000000000003"];

    #[test]
    fn indexed_parameters_are_checked_with_their_plain_rule_and_named_in_reasons() {
        let mut r = TokenRequest::new(Drm::Widevine);
        r.set("kid.0", K[0]).unwrap();
        r.set_indexed("contentKey", 0, K[1]).unwrap();
        r.set_indexed("securityLevel", 0, "5").unwrap();
        let e = r.set_indexed("hdcpOutputControl", 1, "6").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE);
        assert!(e.reason().starts_with("hdcpOutputControl.1 is out of range"), "{e}");
        let e = r.set("kid.2", "12").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_KID_NOT_32_HEX);
        assert!(e.reason().starts_with("kid.2 "), "{e}");
        assert_eq!(r.set("kid.01", K[0]).unwrap_err().status(), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
        let e = r.set("licenseDuration.0", "1").unwrap_err();
        assert!(e.reason().contains("licenseDuration takes no index"), "{e}");
        let e = r.set_indexed("cookie", 0, "x").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_UNKNOWN_PARAMETER);
        assert_eq!(
            r.url().unwrap().split_once('?').unwrap().1,
            format!("kid.0={}&contentKey.0={}&securityLevel.0=5", K[0], K[1])
        );
        // Replacing an indexed value keeps its place; another index appends.
        r.set("securityLevel.0", "4").unwrap();
        r.set("securityLevel.1", "1").unwrap();
        assert!(r.url().unwrap().ends_with("&securityLevel.0=4&securityLevel.1=1"));
        assert!(r.redacted().contains("contentKey.0=<redacted>"));
        r.unset("securityLevel.1").unwrap();
        assert!(!r.url().unwrap().contains("securityLevel.1"));
    }

    #[test]
    fn every_content_key_needs_its_kid() {
        let mut r = TokenRequest::new(Drm::Widevine);
        r.set("kid.0", K[0]).unwrap();
        r.set("contentKey.1", K[1]).unwrap();
        assert_eq!(r.url().unwrap_err().status(), Status::XPDRM_ERR_MISSING_KID);
        r.set("kid.1", K[2]).unwrap();
        r.url().unwrap();
        let mut pr = TokenRequest::new(Drm::PlayReady);
        for (n, v) in [("kid.0", K[0]), ("contentKey.0", K[1]), ("rightsType", "BuyToOwn")] {
            pr.set(n, v).unwrap();
        }
        for opl in ["analogVideoOPL", "compressedDigitalAudioOPL", "compressedDigitalVideoOPL"] {
            pr.set(opl, "100").unwrap();
        }
        pr.set_indexed("uncompressedDigitalAudioOPL", 0, "100").unwrap();
        assert_eq!(pr.url().unwrap_err().status(), Status::XPDRM_ERR_MISSING_OPL);
        pr.set_indexed("uncompressedDigitalVideoOPL", 0, "300").unwrap();
        pr.url().unwrap();
        pr.set("kek", K[2]).unwrap();
        assert_eq!(pr.url().unwrap_err().status(), Status::XPDRM_ERR_KEK_AND_CONTENT_KEY);
    }

    #[test]
    fn indexed_names_cannot_be_sent_unchecked_and_fairplay_takes_none() {
        let mut r = TokenRequest::new(Drm::PlayReady);
        let e = r.set_unchecked("KID.3", "x").unwrap_err();
        assert_eq!(e.status(), Status::XPDRM_ERR_KNOWN_PARAMETER);
        let e = r.set_unchecked("kid.3", "x").unwrap_err();
        assert!(e.reason().contains("is an indexed form of the PlayReady parameter kid"), "{e}");
        r.set_unchecked("rightsType.0", "x").unwrap();
        let mut fp = TokenRequest::new(Drm::FairPlay);
        let e = fp.set_indexed("kid", 0, K[0]).unwrap_err();
        assert!(e.reason().contains("none: its tokens carry one key"), "{e}");
    }
}
