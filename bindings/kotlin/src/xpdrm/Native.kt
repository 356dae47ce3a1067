// The C API as JNA sees it: one declaration per function of include/xpdrm.h, same names and argument order.
// Internal: applications use the Kotlin API (Xpdrm, KeyWrap, TokenRequest, ...), which owns the handles,
// turns statuses into XpdrmException and wipes the native copies of secrets.
//
// Mapping rules: xpdrm_status, int32_t and the XPDRM_* enums are Int; size_t is SizeT, size_t * is
// SizeTByReference; C bool is Byte (one byte); uint16_t is Short; handles are Pointer, `T **out` is
// PointerByReference; byte inputs and every output buffer are Pointer to native memory that the Kotlin API
// allocates and wipes (JNA's own temporary copies of arrays are not wiped); text inputs are String, except
// those that may carry a secret (a parameter value, the customer authenticator, hex keys), which are Pointer.
//
// A new C function: add its declaration here (the header's order), call it from the Kotlin API, and
// tests/kotlin.rs checks that every function of the header is declared here and called (or listed in
// bindings/kotlin/NOT-COVERED with a reason).
@file:Suppress("FunctionName")

package xpdrm

import com.sun.jna.Callback
import com.sun.jna.IntegerType
import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.Pointer
import com.sun.jna.Structure
import com.sun.jna.ptr.ByReference
import com.sun.jna.ptr.ByteByReference
import com.sun.jna.ptr.IntByReference
import com.sun.jna.ptr.LongByReference
import com.sun.jna.ptr.PointerByReference
import com.sun.jna.ptr.ShortByReference

/** C's size_t. */
class SizeT(value: Long = 0) : IntegerType(Native.SIZE_T_SIZE, value, true) {
    // kotlin.Number declares these abstract; java.lang.Number (JNA's IntegerType) does not implement them.
    override fun toByte() = toInt().toByte()
    override fun toChar() = toInt().toChar()
    override fun toShort() = toInt().toShort()
}

/** C's size_t *, for the out_len parameters. */
class SizeTByReference : ByReference(Native.SIZE_T_SIZE) {
    var value: Long
        get() = if (Native.SIZE_T_SIZE == 8) pointer.getLong(0) else pointer.getInt(0).toLong() and 0xffffffffL
        set(v) = if (Native.SIZE_T_SIZE == 8) pointer.setLong(0, v) else pointer.setInt(0, v.toInt())
}

/** xpdrm_log_callback. */
interface LogCallback : Callback {
    fun invoke(userdata: Pointer?, level: Int, message: String?)
}

/** xpdrm_http_event_callback; `event` points to an xpdrm_http_event, valid only during the call. */
interface HttpEventCallback : Callback {
    fun invoke(userdata: Pointer?, event: Pointer?)
}

/** xpdrm_http_event as JNA lays it out (the C field names and types; C bool is Byte). Read by HttpEvent. */
@Structure.FieldOrder(
    "operation", "host", "path", "attempt", "connect_us", "tls_us", "first_byte_us", "total_us", "http_status",
    "expressplay_code", "outcome", "retry_after_ms", "reused_connection"
)
internal class HttpEventStruct(p: Pointer) : Structure(p) {
    @JvmField var operation: Int = 0
    @JvmField var host: Pointer? = null
    @JvmField var path: Pointer? = null
    @JvmField var attempt: Int = 0
    @JvmField var connect_us: Long = 0
    @JvmField var tls_us: Long = 0
    @JvmField var first_byte_us: Long = 0
    @JvmField var total_us: Long = 0
    @JvmField var http_status: Short = 0
    @JvmField var expressplay_code: Int = 0
    @JvmField var outcome: Int = 0
    @JvmField var retry_after_ms: Long = 0
    @JvmField var reused_connection: Byte = 0

    init {
        read()
    }
}

internal interface XpdrmNative : Library {
    fun xpdrm_status_str(status: Int): String
    fun xpdrm_version(): String
    fun xpdrm_has_feature(feature: Int): Byte
    fun xpdrm_key_unwrap(kek: Pointer?, kekLen: SizeT, wrapped: Pointer?, wrappedLen: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_key_wrap(kek: Pointer?, kekLen: SizeT, key: Pointer?, keyLen: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_key_unwrap_padded(kek: Pointer?, kekLen: SizeT, wrapped: Pointer?, wrappedLen: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_key_wrap_padded(kek: Pointer?, kekLen: SizeT, key: Pointer?, keyLen: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_key_unwrap_hex(kekHex: Pointer?, ekHex: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_log_set_callback(callback: LogCallback?, userdata: Pointer?, maxLevel: Int): Int
    fun xpdrm_token_request_new(drm: Int, out: PointerByReference): Int
    fun xpdrm_token_request_set(req: Pointer?, name: String?, value: Pointer?): Int
    fun xpdrm_token_request_set_unchecked(req: Pointer?, name: String?, value: Pointer?): Int
    fun xpdrm_token_request_unset(req: Pointer?, name: String?): Int
    fun xpdrm_token_request_set_base_url(req: Pointer?, baseUrl: String?): Int
    fun xpdrm_token_request_set_environment(req: Pointer?, environment: Int): Int
    fun xpdrm_token_request_set_clock(req: Pointer?, nowUnixSeconds: Long): Int
    fun xpdrm_token_request_url(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_request_form(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_request_redacted(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_request_last_error(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_request_free(req: Pointer?)
    fun xpdrm_token_response_parse(drm: Int, httpStatus: Short, contentType: String?, body: Pointer?, bodyLen: SizeT, out: PointerByReference): Int
    fun xpdrm_token_response_error_code(resp: Pointer?): Int
    fun xpdrm_token_response_license_url(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_response_license_base_url(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_response_token(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_response_error_text(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_response_free(resp: Pointer?)
    fun xpdrm_token_header_name(): String
    fun xpdrm_token_request_set_indexed(req: Pointer?, name: String?, index: Int, value: Pointer?): Int
    fun xpdrm_kid_from_name(caretName: String?, out: Pointer?): Int
    fun xpdrm_token_response_content_url(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_token_response_action_token(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_device_id_match(a: String?, b: String?, outMatch: ByteByReference): Int
    fun xpdrm_device_id_fingerprint(id: String?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_cookie_generate(out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_new(contentId: String?, requestType: Int, customerCookie: String?, out: PointerByReference): Int
    fun xpdrm_entitlement_request_parse(json: Pointer?, jsonLen: SizeT, out: PointerByReference): Int
    fun xpdrm_entitlement_request_status(req: Pointer?): Int
    fun xpdrm_entitlement_request_reason(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_message_id(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_version(req: Pointer?, outVersion: IntByReference): Int
    fun xpdrm_entitlement_request_type(req: Pointer?, outType: IntByReference): Int
    fun xpdrm_entitlement_request_content_id(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_customer_cookie(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_to_json(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_request_free(req: Pointer?)
    fun xpdrm_entitlement_response_new(req: Pointer?, isAllowed: Byte, epTokenUrl: String?, out: PointerByReference): Int
    fun xpdrm_entitlement_response_set_error(resp: Pointer?, error: Int, errorText: String?): Int
    fun xpdrm_entitlement_response_parse(req: Pointer?, json: Pointer?, jsonLen: SizeT, out: PointerByReference): Int
    fun xpdrm_entitlement_response_status(resp: Pointer?): Int
    fun xpdrm_entitlement_response_is_allowed(resp: Pointer?): Byte
    fun xpdrm_entitlement_response_reason(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_response_ep_token_url(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_response_error(resp: Pointer?, outError: IntByReference): Int
    fun xpdrm_entitlement_response_error_text(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_response_message_id(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_response_to_json(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_entitlement_response_free(resp: Pointer?)
    fun xpdrm_outbound_request_method(req: Pointer?): String?
    fun xpdrm_outbound_request_url(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_outbound_request_redacted_url(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_outbound_request_header_count(req: Pointer?, outCount: SizeTByReference): Int
    fun xpdrm_outbound_request_header_name(req: Pointer?, index: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_outbound_request_header_value(req: Pointer?, index: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_outbound_request_body(req: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_outbound_request_free(req: Pointer?)
    fun xpdrm_binding_device_new(seesUrl: String?, registrationContentId: String?, contentId: String?, cookie: String?, out: PointerByReference): Int
    fun xpdrm_binding_device_registration_request(dev: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_device_spc_request(dev: Pointer?, spc: Pointer?, spcLen: SizeT, out: PointerByReference): Int
    fun xpdrm_binding_device_bound_request(dev: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_device_handle_response(dev: Pointer?, httpStatus: Short, contentType: String?, body: Pointer?, bodyLen: SizeT): Int
    fun xpdrm_binding_device_token_url(dev: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_binding_device_step(dev: Pointer?, outStep: IntByReference): Int
    fun xpdrm_binding_device_reason(dev: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_binding_device_cookie(dev: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_binding_device_free(dev: Pointer?)
    fun xpdrm_binding_service_new(drm: Int, customerAuthenticator: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_service_set_token_base_url(svc: Pointer?, url: String?): Int
    fun xpdrm_binding_service_set_record_base_url(svc: Pointer?, url: String?): Int
    fun xpdrm_binding_service_set_expiration(svc: Pointer?, seconds: Int): Int
    fun xpdrm_binding_service_set_token_template(svc: Pointer?, tokenTemplate: Pointer?): Int
    fun xpdrm_binding_service_set_expected_device_id(svc: Pointer?, deviceId: String?): Int
    fun xpdrm_binding_service_begin(svc: Pointer?, req: Pointer?): Int
    fun xpdrm_binding_service_record_request(svc: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_service_set_device_id(svc: Pointer?, deviceId: String?): Int
    fun xpdrm_binding_service_token_request(svc: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_service_handle_response(svc: Pointer?, httpStatus: Short, contentType: String?, body: Pointer?, bodyLen: SizeT): Int
    fun xpdrm_binding_service_entitlement_response(svc: Pointer?, out: PointerByReference): Int
    fun xpdrm_binding_service_device_id_fingerprint(svc: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_binding_service_step(svc: Pointer?, outStep: IntByReference): Int
    fun xpdrm_binding_service_reason(svc: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_binding_service_free(svc: Pointer?)
    fun xpdrm_http_config_new(out: PointerByReference): Int
    fun xpdrm_http_config_set_timeouts(cfg: Pointer?, connectMs: Int, readMs: Int, overallMs: Int): Int
    fun xpdrm_http_config_add_ca_pem(cfg: Pointer?, pem: Pointer?, pemLen: SizeT): Int
    fun xpdrm_http_config_set_client_cert_pem(cfg: Pointer?, certPem: Pointer?, certLen: SizeT, keyPem: Pointer?, keyLen: SizeT): Int
    fun xpdrm_http_config_set_max_response_size(cfg: Pointer?, maxBytes: SizeT): Int
    fun xpdrm_http_config_set_retry(cfg: Pointer?, maxAttempts: Int, initialBackoffMs: Int, maxBackoffMs: Int): Int
    fun xpdrm_http_config_set_user_agent(cfg: Pointer?, userAgent: String?): Int
    fun xpdrm_http_config_reason(cfg: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_http_config_free(cfg: Pointer?)
    fun xpdrm_http_client_new(cfg: Pointer?, out: PointerByReference): Int
    fun xpdrm_http_client_free(client: Pointer?)
    fun xpdrm_http_execute(client: Pointer?, req: Pointer?, out: PointerByReference, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_response_status(resp: Pointer?, outStatus: ShortByReference): Int
    fun xpdrm_http_response_content_type(resp: Pointer?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_http_response_body(resp: Pointer?, outData: PointerByReference, outLen: SizeTByReference): Int
    fun xpdrm_http_response_free(resp: Pointer?)
    fun xpdrm_http_fetch_token(client: Pointer?, req: Pointer?, method: Int, out: PointerByReference, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_redeem_license(client: Pointer?, licenseUrl: String?, challenge: Pointer?, challengeLen: SizeT, placement: Int, out: PointerByReference, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_exchange_entitlement(client: Pointer?, seesUrl: String?, req: Pointer?, out: PointerByReference, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_lookup_record(client: Pointer?, recordUrl: String?, customerAuthenticator: Pointer?, cookie: String?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_run_device_binding(client: Pointer?, dev: Pointer?, spc: Pointer?, spcLen: SizeT, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_http_run_binding_service(client: Pointer?, svc: Pointer?, reason: Pointer?, reasonCap: SizeT): Int
    fun xpdrm_bytes_data(b: Pointer?): Pointer?
    fun xpdrm_bytes_len(b: Pointer?): SizeT
    fun xpdrm_bytes_free(b: Pointer?)
    fun xpdrm_http_cancel_new(out: PointerByReference): Int
    fun xpdrm_http_cancel_fire(cancel: Pointer?): Int
    fun xpdrm_http_cancel_reset(cancel: Pointer?): Int
    fun xpdrm_http_cancel_is_fired(cancel: Pointer?): Byte
    fun xpdrm_http_cancel_free(cancel: Pointer?)
    fun xpdrm_http_client_set_cancel(client: Pointer?, cancel: Pointer?): Int
    fun xpdrm_http_config_set_trust(cfg: Pointer?, trust: Int): Int
    fun xpdrm_http_config_add_pin(cfg: Pointer?, pin: String?): Int
    fun xpdrm_http_config_clear_pins(cfg: Pointer?): Int
    fun xpdrm_http_config_set_proxy(cfg: Pointer?, url: String?, username: String?, password: Pointer?, noProxy: String?): Int
    fun xpdrm_http_config_set_event_callback(cfg: Pointer?, callback: HttpEventCallback?, userdata: Pointer?): Int
    fun xpdrm_http_response_header(resp: Pointer?, name: String?, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_http_client_clock_offset(client: Pointer?, outOffsetMs: LongByReference): Int
    fun xpdrm_http_pin_of_cert_pem(certPem: Pointer?, certLen: SizeT, out: Pointer?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_wipe(ptr: Pointer?, len: SizeT)

    companion object {
        /** The library: libxpdrm.so (jna.library.path, the system's library path, or an Android app's jniLibs). */
        val LIB: XpdrmNative by lazy { Native.load("xpdrm", XpdrmNative::class.java) }
    }
}
