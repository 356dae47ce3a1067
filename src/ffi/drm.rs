//! The DRM systems.
//!
//! Interim: the token-request module (issue 3) defines `xpdrm_drm` with the same values; at merge time
//! this file is deleted in favour of that one.

/// A DRM system (fixed values); one of the `XPDRM_DRM_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_drm = i32;

/// FairPlay (token server `fp-gen`).
pub const XPDRM_DRM_FAIRPLAY: xpdrm_drm = 0;
/// Widevine (token server `wv-gen`).
pub const XPDRM_DRM_WIDEVINE: xpdrm_drm = 1;
/// PlayReady (token server `pr-gen`); the only one that binds a license to a device ID.
pub const XPDRM_DRM_PLAYREADY: xpdrm_drm = 2;
