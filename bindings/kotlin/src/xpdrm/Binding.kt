// The device-binding flow of SEES (both sides) as sans-IO state machines: each step hands out the HTTP
// request to make (OutboundRequest) and takes the answer back (handleResponse).
package xpdrm

import com.sun.jna.Pointer
import com.sun.jna.ptr.IntByReference

/**
 * The device's side (`xpdrm_binding_device`): register the cookie with SEES, send the DRM's SPC, request the
 * device-bound entitlement, then redeem [tokenUrl]. A call out of order throws
 * `XPDRM_ERR_BINDING_WRONG_STATE` and changes nothing; a bad answer fails the flow ([reason] says why).
 */
class BindingDevice internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_binding_device_free(it) }) {
    /** A new flow against SEES at [seesUrl]; [cookie] null to have one generated. */
    constructor(seesUrl: String, registrationContentId: String, contentId: String, cookie: String? = null) :
        this(newHandle { lib.xpdrm_binding_device_new(seesUrl, registrationContentId, contentId, cookie, it) })

    private fun why(): String? = try { reason().takeIf { it.isNotEmpty() } } catch (e: XpdrmException) { null }

    /** Step 1: the type-2 entitlement request that registers the cookie. */
    fun registrationRequest(): OutboundRequest = outbound({ lib.xpdrm_binding_device_registration_request(ptr, it) }, ::why)

    /** Step 2: the DRM's SPC (license challenge) to the cookie-bound token URL. */
    fun spcRequest(spc: ByteArray): OutboundRequest =
        withBytes(spc) { s, sl -> outbound({ lib.xpdrm_binding_device_spc_request(ptr, s, sl, it) }, ::why) }

    /** Step 3: the device-bound (type-3) entitlement request. */
    fun boundRequest(): OutboundRequest = outbound({ lib.xpdrm_binding_device_bound_request(ptr, it) }, ::why)

    /** Gives the answer to the last request back to the flow. */
    fun handleResponse(httpStatus: Int, contentType: String?, body: ByteArray) {
        if (httpStatus !in 0..65535) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "HTTP status $httpStatus")
        withBytes(body) { b, bl -> check(lib.xpdrm_binding_device_handle_response(ptr, httpStatus.toShort(), contentType, b, bl), ::why) }
    }

    /** The device-bound token URL to redeem, once [step] is DONE (holds a token: never log it). */
    fun tokenUrl(): String = readText(::why) { o, c, l -> lib.xpdrm_binding_device_token_url(ptr, o, c, l) }

    val step: BindingStep
        get() {
            val out = IntByReference()
            check(lib.xpdrm_binding_device_step(ptr, out))
            return BindingStep.of(out.value)
        }

    /** Why the last call or the flow failed ("" when nothing did). */
    fun reason(): String = readText { o, c, l -> lib.xpdrm_binding_device_reason(ptr, o, c, l) }

    /** The flow's correlation cookie. */
    val cookie: String get() = readText { o, c, l -> lib.xpdrm_binding_device_cookie(ptr, o, c, l) }

    internal val handle: Pointer get() = ptr
}

/**
 * The service's side (`xpdrm_binding_service`, one per entitlement request): [begin] with the device's
 * request, look the device up ([recordRequest]) or [setDeviceId], get a token ([tokenRequest]), answer with
 * [entitlementResponse]. The customer authenticator is a secret: pass it as bytes and wipe them.
 */
class BindingService internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_binding_service_free(it) }) {
    constructor(drm: Drm, customerAuthenticator: ByteArray) :
        this(withCText(customerAuthenticator) { a -> newHandle { lib.xpdrm_binding_service_new(drm.code, a, it) } })

    constructor(drm: Drm, customerAuthenticator: String) :
        this(withCText(customerAuthenticator) { a -> newHandle { lib.xpdrm_binding_service_new(drm.code, a, it) } })

    private fun why(): String? = try { reason().takeIf { it.isNotEmpty() } } catch (e: XpdrmException) { null }

    fun setTokenBaseUrl(url: String): BindingService = apply { check(lib.xpdrm_binding_service_set_token_base_url(ptr, url), ::why) }

    fun setRecordBaseUrl(url: String): BindingService = apply { check(lib.xpdrm_binding_service_set_record_base_url(ptr, url), ::why) }

    /** The device-bound token's lifetime in seconds (`expirationTime=+<seconds>`). */
    fun setExpiration(seconds: Long): BindingService = apply {
        if (seconds !in 0..0xffffffffL) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "expiration $seconds")
        check(lib.xpdrm_binding_service_set_expiration(ptr, seconds.toInt()), ::why)
    }

    /** The content's token parameters; the flow keeps a copy (close yours when you like). */
    fun setTokenTemplate(template: TokenRequest): BindingService = apply {
        check(lib.xpdrm_binding_service_set_token_template(ptr, template.handle), ::why)
    }

    fun setExpectedDeviceId(deviceId: String): BindingService = apply {
        check(lib.xpdrm_binding_service_set_expected_device_id(ptr, deviceId), ::why)
    }

    fun begin(request: EntitlementRequest): BindingService = apply { check(lib.xpdrm_binding_service_begin(ptr, request.handle), ::why) }

    fun recordRequest(): OutboundRequest = outbound({ lib.xpdrm_binding_service_record_request(ptr, it) }, ::why)

    fun setDeviceId(deviceId: String): BindingService = apply { check(lib.xpdrm_binding_service_set_device_id(ptr, deviceId), ::why) }

    fun tokenRequest(): OutboundRequest = outbound({ lib.xpdrm_binding_service_token_request(ptr, it) }, ::why)

    fun handleResponse(httpStatus: Int, contentType: String?, body: ByteArray) {
        if (httpStatus !in 0..65535) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "HTTP status $httpStatus")
        withBytes(body) { b, bl -> check(lib.xpdrm_binding_service_handle_response(ptr, httpStatus.toShort(), contentType, b, bl), ::why) }
    }

    /** The answer for the device: a grant at DONE, a denial at FAILED. */
    fun entitlementResponse(): EntitlementResponse =
        EntitlementResponse(newHandle(::why) { lib.xpdrm_binding_service_entitlement_response(ptr, it) })

    /** The fingerprint of the device the flow found. */
    fun deviceIdFingerprint(): String = readText(::why) { o, c, l -> lib.xpdrm_binding_service_device_id_fingerprint(ptr, o, c, l) }

    val step: BindingStep
        get() {
            val out = IntByReference()
            check(lib.xpdrm_binding_service_step(ptr, out))
            return BindingStep.of(out.value)
        }

    fun reason(): String = readText { o, c, l -> lib.xpdrm_binding_service_reason(ptr, o, c, l) }

    internal val handle: Pointer get() = ptr
}
