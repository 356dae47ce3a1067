//! Device IDs (normalisation, constant-time comparison, fingerprints) and correlation cookies.

pub mod cookie;
pub mod id;
