// SEES entitlement messages, both sides: the device builds requests and checks answers; a service parses
// requests and builds answers.
package xpdrm

import com.sun.jna.Pointer
import com.sun.jna.ptr.IntByReference

/**
 * A SEES entitlement request (`xpdrm_entitlement_request`). [parse] hands out an object also for a refused
 * message (the C parse returns XPDRM_OK for it), so that [reason] can say why: check [status] (0 for a valid
 * request); the accessors of a refused request throw with the refusal's status.
 */
class EntitlementRequest internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_entitlement_request_free(it) }) {
    /** A new request (fresh GUID `messageID`, version 1) for [contentId]; [customerCookie] 1 to 32 characters or null. */
    constructor(contentId: String, requestType: RequestType, customerCookie: String? = null) :
        this(newHandle { lib.xpdrm_entitlement_request_new(contentId, requestType.code, customerCookie, it) })

    companion object {
        /** Parses a request a device sent (the service's side). Throws only when no object can be made. */
        fun parse(json: ByteArray): EntitlementRequest = withBytes(json) { j, jl ->
            val out = com.sun.jna.ptr.PointerByReference()
            val status = lib.xpdrm_entitlement_request_parse(j, jl, out)
            if (status != 0) throw XpdrmException(status) // the parse rule: an object only with XPDRM_OK
            EntitlementRequest(out.value ?: throw XpdrmException(Status.ERR_NULL_ARGUMENT))
        }
    }

    private fun why(): String? = try { reason().takeIf { it.isNotEmpty() } } catch (e: XpdrmException) { null }

    /** 0 (XPDRM_OK) for a valid request, else the rule it broke (300-314). */
    val status: Int get() = lib.xpdrm_entitlement_request_status(ptr)

    /** Why a parsed request was refused (for a valid one, a text saying so). */
    fun reason(): String = readText { o, c, l -> lib.xpdrm_entitlement_request_reason(ptr, o, c, l) }

    val messageId: String get() = readText(::why) { o, c, l -> lib.xpdrm_entitlement_request_message_id(ptr, o, c, l) }

    val version: Int
        get() {
            val out = IntByReference()
            check(lib.xpdrm_entitlement_request_version(ptr, out), ::why)
            return out.value
        }

    val requestType: RequestType
        get() {
            val out = IntByReference()
            check(lib.xpdrm_entitlement_request_type(ptr, out), ::why)
            return RequestType.of(out.value)
        }

    val contentId: String get() = readText(::why) { o, c, l -> lib.xpdrm_entitlement_request_content_id(ptr, o, c, l) }

    /** The `customerCookie`, or null when the request has none. */
    val customerCookie: String?
        get() = try {
            readText(::why) { o, c, l -> lib.xpdrm_entitlement_request_customer_cookie(ptr, o, c, l) }
        } catch (e: XpdrmException) {
            if (e.status == Status.ERR_SEES_FIELD_ABSENT) null else throw e
        }

    /** The JSON to POST to SEES. */
    fun toJson(): String = readText(::why) { o, c, l -> lib.xpdrm_entitlement_request_to_json(ptr, o, c, l) }

    internal val handle: Pointer get() = ptr
}

/**
 * A SEES entitlement response (`xpdrm_entitlement_response`). On the device's side [parse] checks an
 * answer against its request and hands out an object also for a denial: [status] is 0 only when the
 * license is granted, [reason] says why not. [close] wipes the token URL.
 */
class EntitlementResponse internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_entitlement_response_free(it) }) {
    /** The service's answer to [request]: a grant with [epTokenUrl], or a denial (set [setError]). */
    constructor(request: EntitlementRequest, isAllowed: Boolean, epTokenUrl: String? = null) :
        this(newHandle { lib.xpdrm_entitlement_response_new(request.handle, if (isAllowed) 1 else 0, epTokenUrl, it) })

    companion object {
        /** Checks SEES's answer [json] to [request] (the device's side). Throws only when no object can be made. */
        fun parse(request: EntitlementRequest, json: ByteArray): EntitlementResponse = withBytes(json) { j, jl ->
            val out = com.sun.jna.ptr.PointerByReference()
            val status = lib.xpdrm_entitlement_response_parse(request.handle, j, jl, out)
            if (status != 0) throw XpdrmException(status) // the parse rule: an object only with XPDRM_OK
            EntitlementResponse(out.value ?: throw XpdrmException(Status.ERR_NULL_ARGUMENT))
        }
    }

    private fun why(): String? = try { reason().takeIf { it.isNotEmpty() } } catch (e: XpdrmException) { null }

    /** Sets the answer's `error` and, unless null, `errorText` (the service's side). */
    fun setError(error: Int, errorText: String? = null): EntitlementResponse = apply {
        check(lib.xpdrm_entitlement_response_set_error(ptr, error, errorText), ::why)
    }

    /** 0 when the license is granted; else XPDRM_ERR_SEES_DENIED or the rule the answer broke. */
    val status: Int get() = lib.xpdrm_entitlement_response_status(ptr)

    /** True only for a valid answer that grants the license. */
    val isAllowed: Boolean get() = lib.xpdrm_entitlement_response_is_allowed(ptr).toInt() != 0

    /** Why the answer is a denial, or that it grants the license. */
    fun reason(): String = readText { o, c, l -> lib.xpdrm_entitlement_response_reason(ptr, o, c, l) }

    /** The token URL of a grant (holds a token: never log it). */
    fun epTokenUrl(): String = readText(::why) { o, c, l -> lib.xpdrm_entitlement_response_ep_token_url(ptr, o, c, l) }

    /** The answer's `error` code, or null when it has none. */
    val error: Int?
        get() {
            val out = IntByReference()
            val status = lib.xpdrm_entitlement_response_error(ptr, out)
            if (status == Status.ERR_SEES_FIELD_ABSENT) return null
            check(status, ::why)
            return out.value
        }

    /** The answer's `errorText`, or null when it has none. */
    val errorText: String?
        get() = try {
            readText(::why) { o, c, l -> lib.xpdrm_entitlement_response_error_text(ptr, o, c, l) }
        } catch (e: XpdrmException) {
            if (e.status == Status.ERR_SEES_FIELD_ABSENT) null else throw e
        }

    val messageId: String get() = readText(::why) { o, c, l -> lib.xpdrm_entitlement_response_message_id(ptr, o, c, l) }

    /** The JSON to send to the device (the service's side). */
    fun toJson(): String = readText(::why) { o, c, l -> lib.xpdrm_entitlement_response_to_json(ptr, o, c, l) }
}
