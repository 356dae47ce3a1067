//! Arbitrary transaction-record answers for the record lookup (`getrecord`): never a panic; a refusal is
//! one of the lookup's statuses with a reason that holds no raw device ID; a found device ID is normalised.
//! The first input byte chooses the cookie: one of a few, so that records can match.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::binding::record::device_id_for_cookie;

const COOKIES: [&str; 4] = ["c", "k3JbW1GQ7m0w2Yx8nHq4Zt5vLc6pR9sA", "é", ""];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let cookie = COOKIES[pick as usize % COOKIES.len()];
    match device_id_for_cookie(body, cookie) {
        Ok(id) => {
            let text = id.expose();
            assert!(!text.is_empty() && text.len() <= 1024);
            assert_eq!(text, text.trim_matches(|c: char| c.is_ascii_whitespace()));
            assert_eq!(id.fingerprint().len(), 64);
        }
        Err(p) => {
            assert!(
                matches!(
                    p.status,
                    Status::XPDRM_ERR_BINDING_RECORDS_INVALID
                        | Status::XPDRM_ERR_BINDING_NO_RECORD
                        | Status::XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH
                ),
                "{p:?}"
            );
            assert!(!p.reason.is_empty());
        }
    }
});
