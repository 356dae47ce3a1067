//! Strict JSON reading for messages from the network (SEES entitlement messages, transaction records, and
//! the JSON answers of token servers).
//!
//! `serde_json` does the parsing; this module only decides what it builds and where it stops, so that a
//! hostile document gets a precise refusal instead of a crash or a silent guess:
//!
//! * the input is bounded ([`Limits::max_len`]) before parsing starts;
//! * arrays and objects may nest at most [`Limits::max_depth`] levels (the top-level value is level 1); the
//!   tree is built by our own visitor, which counts, so `serde_json`'s recursion limit (128) is never reached
//!   below that;
//! * a key that appears twice in one object is refused, anywhere in the document (RFC 8259 leaves the meaning
//!   of duplicates open; a message that two readers could read differently is not accepted), unless
//!   [`Limits::duplicate_keys`] lets the last one win (token answers, read as `serde_json` reads them);
//! * everything else `serde_json` refuses (syntax errors, invalid UTF-8, lone surrogates, trailing
//!   characters, numbers beyond `f64`) is malformed.
//!
//! The result is a [`serde_json::Value`] tree; numbers keep `serde_json`'s distinction between unsigned,
//! signed and floating-point values, which the field readers use to refuse floats where integers belong.
//! Error reasons never quote the input (which may hold secrets): they name keys and positions only.

use core::cell::RefCell;
use core::fmt;

use serde_core::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// How much a document may hold.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Limits {
    /// Largest input in bytes.
    pub max_len: usize,
    /// Deepest nesting of arrays and objects; the top-level value is level 1.
    pub max_depth: usize,
    /// A key may appear twice in one object, and the last value wins (else: [`JsonError::DuplicateKey`]).
    pub duplicate_keys: bool,
}

/// Why a document was refused before any field was looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// The input is longer than [`Limits::max_len`].
    TooLarge { len: usize, max: usize },
    /// Arrays or objects nest deeper than [`Limits::max_depth`].
    TooDeep { max: usize },
    /// A key appears twice in one object.
    DuplicateKey { key: String },
    /// A number cannot be represented (beyond the range of `f64`).
    NumberOutOfRange { detail: String },
    /// Not JSON (the detail is `serde_json`'s description with line and column, never input text).
    Malformed { detail: String },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooLarge { len, max } => write!(f, "the document is {len} bytes; at most {max} are accepted"),
            JsonError::TooDeep { max } => write!(f, "arrays and objects nest deeper than {max} levels"),
            JsonError::DuplicateKey { key } => write!(f, "the key {} appears twice in one object", quoted(key)),
            JsonError::NumberOutOfRange { detail } => write!(f, "a number is out of range ({detail})"),
            JsonError::Malformed { detail } => write!(f, "not well-formed JSON ({detail})"),
        }
    }
}

/// A key name for a reason text: quoted, and cut short so a hostile key cannot flood a log line.
pub(crate) fn quoted(key: &str) -> String {
    const MAX: usize = 40;
    let mut s: String = key.chars().take(MAX).flat_map(char::escape_debug).collect();
    if key.chars().count() > MAX {
        s.push('…');
    }
    format!("\"{s}\"")
}

/// A parsed document. Its strings are wiped when it is dropped, because messages carry tokens and device
/// IDs. (Best effort: `serde_json` may have held a string with escapes in its scratch buffer meanwhile.)
#[derive(Debug, PartialEq)]
pub(crate) struct Doc(Value);

impl core::ops::Deref for Doc {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for Doc {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

fn wipe(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Parses `input` into a value tree under `limits`.
pub(crate) fn parse(input: &[u8], limits: Limits) -> Result<Doc, JsonError> {
    if input.len() > limits.max_len {
        return Err(JsonError::TooLarge { len: input.len(), max: limits.max_len });
    }
    let problem = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(input);
    let seed = Strict { depth: 1, limits, problem: &problem };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match result {
        Ok(value) => Ok(Doc(value)),
        Err(err) => Err(problem.into_inner().unwrap_or_else(|| classify(&err))),
    }
}

/// A `serde_json` error that our visitor did not cause.
fn classify(err: &serde_json::Error) -> JsonError {
    let detail = err.to_string();
    // `serde_json` reports these two as syntax errors; they are size problems. (Its recursion limit is above
    // ours, so it can only trigger if that changes; a test pins the behaviour.)
    if detail.starts_with("number out of range") {
        JsonError::NumberOutOfRange { detail }
    } else if detail.starts_with("recursion limit exceeded") {
        JsonError::TooDeep { max: 128 }
    } else {
        JsonError::Malformed { detail }
    }
}

/// Builds a [`Value`] while counting depth and refusing duplicate keys; records why it stopped.
struct Strict<'p> {
    depth: usize,
    limits: Limits,
    problem: &'p RefCell<Option<JsonError>>,
}

impl Strict<'_> {
    fn fail<E: de::Error>(&self, problem: JsonError) -> E {
        let message = problem.to_string();
        *self.problem.borrow_mut() = Some(problem);
        E::custom(message)
    }

    fn child(&self) -> Strict<'_> {
        Strict { depth: self.depth + 1, limits: self.limits, problem: self.problem }
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        let max = self.limits.max_depth;
        if self.depth > max { Err(self.fail(JsonError::TooDeep { max })) } else { Ok(()) }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // serde_json never produces a non-finite float from JSON text; refuse one anyway rather than guess.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| self.fail(JsonError::NumberOutOfRange { detail: "not a finite number".into() }))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if !self.limits.duplicate_keys && object.contains_key(&key) {
                return Err(self.fail(JsonError::DuplicateKey { key }));
            }
            let value = map.next_value_seed(self.child())?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Why a field could not be read; the readers below name the field in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FieldError {
    /// Required and absent.
    Missing,
    /// Present with another JSON type; the text names the type found.
    WrongType(&'static str),
    /// An integer outside the field's range (the text says which range).
    OutOfRange(String),
    /// A string that holds a NUL character (decoded from `\u0000`): text handed to C cannot carry it, and no
    /// field of the protocols xpdrm reads has one, so the string readers refuse it where it enters.
    InteriorNul,
}

/// The string of a string field, refused if it holds a NUL.
fn no_nul(s: &str) -> Result<&str, FieldError> {
    if s.contains('\0') { Err(FieldError::InteriorNul) } else { Ok(s) }
}

/// The JSON type of a value, for reasons.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction or exponent",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads an optional string field; `null` counts as absent.
pub(crate) fn opt_str<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, FieldError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => no_nul(s).map(Some),
        Some(other) => Err(FieldError::WrongType(type_name(other))),
    }
}

/// Reads a required string field (`null` is the wrong type).
pub(crate) fn req_str<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, FieldError> {
    match object.get(name) {
        None => Err(FieldError::Missing),
        Some(Value::String(s)) => no_nul(s),
        Some(other) => Err(FieldError::WrongType(type_name(other))),
    }
}

/// Reads a required boolean field.
pub(crate) fn req_bool(object: &Map<String, Value>, name: &str) -> Result<bool, FieldError> {
    match object.get(name) {
        None => Err(FieldError::Missing),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(FieldError::WrongType(type_name(other))),
    }
}

/// Reads an optional integer field within `min..=max`; `null` counts as absent.
///
/// An integer must be written as one: `1.0` or `1e2` is the wrong type. A number written as an integer but
/// beyond 64 bits reaches us as a float (that is how `serde_json` reads it); any float with an integral value
/// beyond the 64-bit range is therefore reported as out of range, not as the wrong type.
pub(crate) fn opt_int(object: &Map<String, Value>, name: &str, min: i64, max: i64) -> Result<Option<i64>, FieldError> {
    let range = || FieldError::OutOfRange(format!("must be from {min} to {max}"));
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(v) = n.as_i64() {
                if (min..=max).contains(&v) { Ok(Some(v)) } else { Err(range()) }
            } else if n.as_u64().is_some() {
                Err(range())
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() >= 9.223_372_036_854_776e18 {
                    Err(range())
                } else {
                    Err(FieldError::WrongType(type_name(&Value::Number(n.clone()))))
                }
            }
        }
        Some(other) => Err(FieldError::WrongType(type_name(other))),
    }
}

/// Reads a required integer field within `min..=max`.
pub(crate) fn req_int(object: &Map<String, Value>, name: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    opt_int(object, name, min, max)?.ok_or(match object.get(name) {
        Some(Value::Null) => FieldError::WrongType("null"),
        _ => FieldError::Missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits { max_len: 1 << 20, max_depth: 8, duplicate_keys: false };

    fn obj(text: &str) -> Map<String, Value> {
        match &*parse(text.as_bytes(), L).unwrap() {
            Value::Object(m) => m.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert_eq!(parse(br#"{"a":1,"a":1}"#, L), Err(JsonError::DuplicateKey { key: "a".into() }));
        assert_eq!(parse(br#"{"x":[{"b":1,"b":2}]}"#, L), Err(JsonError::DuplicateKey { key: "b".into() }));
        // Escapes are decoded before comparing: "\u0061" is "a".
        assert_eq!(parse(br#"{"a":1,"\u0061":2}"#, L), Err(JsonError::DuplicateKey { key: "a".into() }));
        assert!(parse(br#"{"a":1,"A":2}"#, L).is_ok());
    }

    #[test]
    fn with_duplicate_keys_allowed_the_last_wins_as_in_serde_json() {
        let lenient = Limits { duplicate_keys: true, ..L };
        for text in [&br#"{"a":1,"a":2}"#[..], br#"{"x":[{"b":1,"b":"2"}],"x":{"c":null}}"#, br#"{"a":1,"\u0061":2}"#] {
            let ours = parse(text, lenient).unwrap();
            assert_eq!(*ours, serde_json::from_slice::<Value>(text).unwrap());
        }
    }

    #[test]
    fn depth_is_counted_for_arrays_and_objects() {
        let ok = format!("{}{}", "[".repeat(8), "]".repeat(8));
        assert!(parse(ok.as_bytes(), L).is_ok());
        let deep = format!("{}{}", "[".repeat(9), "]".repeat(9));
        assert_eq!(parse(deep.as_bytes(), L), Err(JsonError::TooDeep { max: 8 }));
        let deep_obj = format!("{}1{}", r#"{"a":"#.repeat(9), "}".repeat(9));
        assert_eq!(parse(deep_obj.as_bytes(), L), Err(JsonError::TooDeep { max: 8 }));
        // Far beyond serde_json's own limit: still our status, no stack overflow.
        let huge = "[".repeat(100_000);
        assert_eq!(parse(huge.as_bytes(), L), Err(JsonError::TooDeep { max: 8 }));
    }

    #[test]
    fn serde_json_reports_what_classify_expects() {
        // Pins serde_json's wording that `classify` relies on.
        let deep = "[".repeat(200);
        let high = Limits { max_len: 1 << 20, max_depth: 10_000, duplicate_keys: false };
        assert_eq!(parse(deep.as_bytes(), high), Err(JsonError::TooDeep { max: 128 }));
        assert!(matches!(parse(b"[1e400]", L), Err(JsonError::NumberOutOfRange { .. })));
    }

    #[test]
    fn size_syntax_and_trailing_data() {
        let small = Limits { max_len: 4, max_depth: 8, duplicate_keys: false };
        assert_eq!(parse(b"[1,2]", small), Err(JsonError::TooLarge { len: 5, max: 4 }));
        for bad in [&b""[..], b"{", b"{\"a\":}", b"{} x", b"{}{}", b"\xff", b"{\"a\":\"\\ud800\"}", b"[01]", b"{'a':1}"]
        {
            assert!(matches!(parse(bad, L), Err(JsonError::Malformed { .. })), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn string_fields_refuse_an_interior_nul() {
        let o = obj(r#"{"a": "ab\u0000cd", "b": "\u0000", "c": "abcd"}"#);
        assert_eq!(opt_str(&o, "a"), Err(FieldError::InteriorNul));
        assert_eq!(req_str(&o, "a"), Err(FieldError::InteriorNul));
        assert_eq!(req_str(&o, "b"), Err(FieldError::InteriorNul));
        assert_eq!(req_str(&o, "c"), Ok("abcd"));
    }

    #[test]
    fn integer_fields_refuse_floats_and_report_range() {
        let m = obj(
            r#"{"i":5,"neg":-5,"f":5.0,"e":5e0,"big":18446744073709551616,"u":18446744073709551615,"s":"5","n":null}"#,
        );
        assert_eq!(opt_int(&m, "i", 1, 9), Ok(Some(5)));
        assert_eq!(opt_int(&m, "i", 6, 9), Err(FieldError::OutOfRange("must be from 6 to 9".into())));
        assert!(matches!(opt_int(&m, "neg", 0, 9), Err(FieldError::OutOfRange(_))));
        assert!(matches!(opt_int(&m, "f", 0, 9), Err(FieldError::WrongType(_))));
        assert!(matches!(opt_int(&m, "e", 0, 9), Err(FieldError::WrongType(_))));
        assert!(matches!(opt_int(&m, "big", 0, 9), Err(FieldError::OutOfRange(_))));
        assert!(matches!(opt_int(&m, "u", 0, 9), Err(FieldError::OutOfRange(_))));
        assert_eq!(opt_int(&m, "s", 0, 9), Err(FieldError::WrongType("a string")));
        assert_eq!(opt_int(&m, "n", 0, 9), Ok(None));
        assert_eq!(req_int(&m, "n", 0, 9), Err(FieldError::WrongType("null")));
        assert_eq!(req_int(&m, "absent", 0, 9), Err(FieldError::Missing));
    }

    #[test]
    fn wiping_empties_every_string() {
        let mut v = parse(br#"{"t":"secret","a":[{"u":"more"}],"n":1}"#, L).unwrap();
        wipe(&mut v.0);
        assert_eq!(v.0, serde_json::json!({"t":"","a":[{"u":""}],"n":1}));
    }

    #[test]
    fn reasons_quote_keys_briefly() {
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert_eq!(quoted(&"k".repeat(100)).chars().count(), 43);
    }
}
