//! Arbitrary sequences of set, set_unchecked, unset and builds on a token request, through the C ABI: never
//! a panic; a refused call changes nothing; whenever a URL or body is built, it decodes back to exactly the
//! parameters the model says were set, and the redacted rendering shows no secret value.
#![no_main]

use std::ffi::CString;

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::ffi::token::*;
use xpdrm::token::{Drm, params};

/// The model: (name, value, secret) in order.
type Model = Vec<(String, String, bool)>;

fn text_out(f: impl Fn(*mut core::ffi::c_char, usize, *mut usize) -> Status) -> Result<String, Status> {
    let mut len = 0usize;
    let st = f(core::ptr::null_mut(), 0, &mut len);
    if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
        assert_ne!(st, Status::XPDRM_OK);
        return Err(st);
    }
    let mut buf = vec![0u8; len + 1];
    assert_eq!(f(buf.as_mut_ptr().cast(), len + 1, &mut len), Status::XPDRM_OK);
    buf.truncate(len);
    Ok(String::from_utf8(buf).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, mut rest)) = data.split_first() else { return };
    let drm = Drm::EVERY[usize::from(first % 5)];
    let mut req = core::ptr::null_mut();
    assert_eq!(unsafe { xpdrm_token_request_new(i32::from(first % 5), &mut req) }, Status::XPDRM_OK);
    assert_eq!(unsafe { xpdrm_token_request_set_clock(req, 1_700_000_000) }, Status::XPDRM_OK);
    // The table's names, and the indexed forms of several keys in one token (kid.0, kid.1, ...).
    let mut names: Vec<String> = drm.params().iter().map(|p| p.name.to_string()).collect();
    for n in params::indexed_names(drm) {
        names.extend((0..2).map(|i| format!("{n}.{i}")));
    }
    let mut model: Model = Vec::new();

    while rest.len() >= 2 {
        let (op, sel) = (rest[0] % 6, rest[1]);
        rest = &rest[2..];
        // The value runs to the next 0xFF byte (a separator that is never valid UTF-8).
        let end = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
        let raw = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or(&[]);
        let name = if usize::from(sel) < names.len() * 2 {
            names[usize::from(sel) % names.len()].to_string()
        } else {
            String::from_utf8_lossy(raw.get(..usize::from(sel % 8)).unwrap_or(raw)).into_owned()
        };
        let value_bytes: Vec<u8> = raw.iter().copied().filter(|&b| b != 0).collect();
        let (Ok(c_name), Ok(c_value)) = (CString::new(name.replace('\0', "")), CString::new(value_bytes.clone()))
        else {
            continue;
        };
        let name = c_name.to_str().map(str::to_string).unwrap_or_default();
        let before = text_out(|o, c, l| unsafe { xpdrm_token_request_redacted(req, o, c, l) }).unwrap();
        let st = match op {
            0 | 1 => unsafe { xpdrm_token_request_set(req, c_name.as_ptr(), c_value.as_ptr()) },
            2 => unsafe { xpdrm_token_request_set_unchecked(req, c_name.as_ptr(), c_value.as_ptr()) },
            3 => unsafe { xpdrm_token_request_unset(req, c_name.as_ptr()) },
            4 => {
                let url = text_out(|o, c, l| unsafe { xpdrm_token_request_url(req, o, c, l) });
                let form = text_out(|o, c, l| unsafe { xpdrm_token_request_form(req, o, c, l) });
                assert_eq!(url.is_ok(), form.is_ok());
                if let (Ok(url), Ok(form)) = (url, form) {
                    assert!(url.ends_with(&form));
                    let got: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    let want: Vec<(String, String)> = model.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect();
                    assert_eq!(got, want);
                }
                continue;
            }
            _ => {
                let red = text_out(|o, c, l| unsafe { xpdrm_token_request_redacted(req, o, c, l) }).unwrap();
                let query = red.split_once('?').map_or("", |(_, q)| q);
                let got: Vec<(String, String)> =
                    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
                assert_eq!(got.len(), model.len());
                for ((_, shown), (_, value, secret)) in got.iter().zip(&model) {
                    assert_eq!(shown, if *secret { "<redacted>" } else { value.as_str() });
                }
                continue;
            }
        };
        assert_ne!(st, Status::XPDRM_ERR_PANIC);
        let after = text_out(|o, c, l| unsafe { xpdrm_token_request_redacted(req, o, c, l) }).unwrap();
        if st != Status::XPDRM_OK {
            assert_eq!(before, after, "a refused call changed the request");
            let reason = text_out(|o, c, l| unsafe { xpdrm_token_request_last_error(req, o, c, l) }).unwrap();
            assert!(!reason.is_empty());
            continue;
        }
        // Accepted values are UTF-8 (unset takes no value).
        let value = || c_value.to_str().expect("accepted a value that is not UTF-8").to_string();
        match op {
            0 | 1 => {
                let p = params::find(drm, &name)
                    .map(|(_, p)| p)
                    .or_else(|| params::find_indexed(drm, &name).map(|(p, _)| p))
                    .expect("set accepted an unknown name");
                match model.iter_mut().find(|(n, _, _)| *n == name) {
                    Some(slot) if !p.repeatable => slot.1 = value(),
                    _ => model.push((name, value(), p.secret)),
                }
            }
            2 => {
                assert!(params::find(drm, &name).is_none() && params::find_indexed(drm, &name).is_none());
                model.push((name, value(), true));
            }
            _ => model.retain(|(n, _, _)| *n != name),
        }
    }
    unsafe { xpdrm_token_request_free(req) };
});
