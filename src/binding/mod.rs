//! The device-binding flow of SPEC.md §6, as two sans-IO state machines.
//!
//! ```text
//!  device (DeviceFlow)                      SEES (ServiceFlow, one per entitlement request)   ExpressPlay
//!  1 registration_request ──POST type 2──▶  begin ─ token_request ──────────────────────────▶ token server
//!                                           handle_response ◀───────────── token URL (cookie-bound)
//!    handle_response ◀──── epTokenURL ───── entitlement_response
//!  2 spc_request ─────────────POST SPC───────────────────────────────────────────────────────▶ license server
//!    handle_response ◀──────────────────────────────────────────── (logs cookie + device_id)
//!  3 bound_request ─────POST type 3─────▶  begin ─ record_request ─── getrecord ────────────▶ records
//!                                           handle_response ◀──────── records (device_id)
//!                                         4 token_request ──── deviceId + expirationTime ───▶ token server
//!                                           handle_response ◀───────── token URL (device-bound)
//!    handle_response ◀──── epTokenURL ───── entitlement_response
//!  5 token_url: the player redeems it with its DRM.
//! ```
//!
//! Each side hands out the next HTTP request as an [`OutboundRequest`](crate::outbound::OutboundRequest) and
//! takes the answer back as a [`Response`](crate::outbound::Response). A call that does not fit the current
//! step gets `XPDRM_ERR_BINDING_WRONG_STATE` and changes nothing. A bad answer moves the machine to
//! [`Step::Failed`], with the status and a reason; every later step call gets `XPDRM_ERR_BINDING_FAILED`.
//!
//! * [`device`]: the player's side (steps 1, 2, 3 and 5).
//! * [`service`]: the entitlement service's side (answers to steps 1 and 3, the record lookup, step 4).
//! * [`record`]: the transaction-record lookup (`getrecord`) and its answer format.
//! * [`token`]: the flow's token requests and the reading of their answers, on the token module
//!   ([`crate::token::TokenRequest`], [`crate::token::TokenResponse`]).
//!
//! [`Step::Failed`]: crate::binding::Step::Failed
//! [`record`]: crate::binding::record
//! [`service`]: crate::binding::service

pub mod device;
pub mod record;
pub mod service;
pub mod token;

pub use device::DeviceFlow;
pub use service::ServiceFlow;

/// Where a flow stands; the C API exposes these numbers as `XPDRM_BINDING_STEP_*`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Step {
    /// Device: ready to hand out the cookie registration (an entitlement request of type 2) for SEES.
    Register = 1,
    /// Device: waiting for SEES's answer to the registration.
    AwaitRegistration = 2,
    /// Device: ready to send the DRM's SPC (challenge) to the cookie-bound token URL.
    SendSpc = 3,
    /// Device: waiting for the license server's answer to the SPC.
    AwaitSpc = 4,
    /// Device: ready to hand out the device-bound entitlement request (type 3) for SEES.
    RequestBound = 5,
    /// Device: waiting for SEES's answer with the device-bound token URL.
    AwaitBound = 6,
    /// Service: configured, waiting for the entitlement request to answer.
    Begin = 7,
    /// Service: ready to hand out the transaction-record lookup (or take a device ID from elsewhere).
    LookupRecord = 8,
    /// Service: waiting for the transaction records.
    AwaitRecord = 9,
    /// Service: ready to hand out the token request.
    RequestToken = 10,
    /// Service: waiting for the token server's answer.
    AwaitToken = 11,
    /// Finished: the device has its token URL; the service has its entitlement response.
    Done = 12,
    /// Failed; the reason says why.
    Failed = 13,
}

/// A wrong-order call: the status, and a reason naming what the machine expects instead.
pub(crate) fn wrong_state(call: &str, step: Step) -> crate::sees::Problem {
    crate::sees::Problem::new(
        crate::Status::XPDRM_ERR_BINDING_WRONG_STATE,
        format!("{call} does not fit step {step:?} ({})", step as i32),
    )
}

/// A call after the flow failed.
pub(crate) fn already_failed(call: &str, failure: &crate::sees::Problem) -> crate::sees::Problem {
    crate::sees::Problem::new(
        crate::Status::XPDRM_ERR_BINDING_FAILED,
        format!("{call}: the flow failed earlier ({}: {})", failure.status.code(), failure.reason),
    )
}
