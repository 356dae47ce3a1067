//! The C header's parameter reference (in the documentation of `xpdrm_token_request_set`) is generated from
//! the parameter tables, so that the header a C developer reads says exactly what the validator does.
//! After changing a table: `XPDRM_BLESS=1 cargo test --test token_docs`, then the same for `--test header`.

mod common;

use xpdrm::token::{Drm, params};

const START: &str = "/// Parameter reference (generated from the tables in src/token/params.rs):\n";
const END: &str = "///\n/// End of the parameter reference.\n";
const WIDTH: usize = 110;

fn wrap(line: &str, out: &mut String) {
    let mut current = String::from("///");
    for word in line.split(' ') {
        if current.len() + 1 + word.len() > WIDTH && current.len() > 6 {
            out.push_str(&current);
            out.push('\n');
            current = String::from("///  ");
        }
        current.push(' ');
        current.push_str(word);
    }
    out.push_str(&current);
    out.push('\n');
}

fn render() -> String {
    let mut out = String::from(START);
    for (drm, constant) in [
        (Drm::FairPlay, "XPDRM_DRM_FAIRPLAY"),
        (Drm::Widevine, "XPDRM_DRM_WIDEVINE"),
        (Drm::PlayReady, "XPDRM_DRM_PLAYREADY"),
    ]
    .into_iter()
    .chain([(Drm::MarlinMs3, "XPDRM_DRM_MARLIN_MS3"), (Drm::MarlinBb, "XPDRM_DRM_MARLIN_BB")])
    {
        out.push_str("///\n");
        out.push_str(&format!("/// {} ({constant}):\n", drm.name()));
        for line in params::reference(drm) {
            wrap(&line, &mut out);
        }
    }
    out.push_str(END);
    out
}

#[test]
fn the_header_reference_is_generated_from_the_tables() {
    let path = common::root().join("src/ffi/token.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    let start = source.find(START).expect("reference start marker in src/ffi/token.rs");
    let end = start + source[start..].find(END).expect("reference end marker") + END.len();
    let fresh = render();
    if std::env::var_os("XPDRM_BLESS").is_some() && source[start..end] != fresh {
        std::fs::write(&path, format!("{}{fresh}{}", &source[..start], &source[end..])).unwrap();
        return;
    }
    assert!(
        source[start..end] == fresh,
        "the parameter reference in src/ffi/token.rs is out of date; regenerate it with \
         XPDRM_BLESS=1 cargo test --test token_docs (then --test header). Expected:\n{fresh}"
    );
}

#[test]
fn every_parameter_and_code_is_in_the_header() {
    let header = std::fs::read_to_string(common::root().join("include/xpdrm.h")).unwrap();
    let at = header.find("xpdrm_token_request_set(").expect("xpdrm_token_request_set in the header");
    let doc_start = header[..at].rfind("/**").unwrap();
    let doc = &header[doc_start..at];
    for drm in Drm::EVERY {
        for p in drm.params() {
            assert!(doc.contains(&format!("- {} (", p.name)), "{} ({}) is not documented", p.name, drm.name());
            for code in p.codes() {
                assert!(doc.contains(&code.code().to_string()), "{} of {} is not documented", code.code(), p.name);
            }
        }
        for r in drm.request_rules() {
            assert!(doc.contains(&format!("({}): ", r.code.code())), "rule {:?} is not documented", r.rule);
        }
    }
}
