//! The stand-in SPC: what the demo and the tests send where a real player's DRM would send its SPC (FairPlay)
//! or license challenge. xpdrm's own test format, documented in the README ("The local servers"):
//!
//! ```text
//! XPDRM-TEST-SPC 1
//! device_id=<32 hex digits>
//! ```
//!
//! (lines end with `\n`; other lines are ignored). The license server takes the device ID from it, as
//! ExpressPlay takes it from a real SPC.

/// The first line.
pub const MAGIC: &str = "XPDRM-TEST-SPC 1";

/// A stand-in SPC for `device_id`.
pub fn make(device_id: &str) -> Vec<u8> {
    format!("{MAGIC}\ndevice_id={device_id}\n").into_bytes()
}

/// The device ID of a stand-in SPC (lowercase), or `None` when it is not one (or the ID is not 32 hex).
pub fn device_id(spc: &[u8]) -> Option<String> {
    let text = core::str::from_utf8(spc).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let id = lines.find_map(|l| l.strip_prefix("device_id="))?;
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_refusals() {
        let id = "0123456789ABCDEF0123456789abcdef";
        assert_eq!(super::device_id(&super::make(id)).as_deref(), Some("0123456789abcdef0123456789abcdef"));
        assert_eq!(super::device_id(b"XPDRM-TEST-SPC 2\ndevice_id=0123456789abcdef0123456789abcdef\n"), None);
        assert_eq!(super::device_id(b"XPDRM-TEST-SPC 1\ndevice_id=0123\n"), None);
        assert_eq!(super::device_id(b"\xff"), None);
        assert_eq!(super::device_id(b""), None);
    }
}
