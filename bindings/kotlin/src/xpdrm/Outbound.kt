// The HTTP requests that the sans-IO flows hand out, for the app's own HTTP stack.
package xpdrm

import com.sun.jna.Pointer

/**
 * An HTTP request a flow wants made (`xpdrm_outbound_request`): send it with any HTTP stack and give the
 * answer back to the flow (`handleResponse`), or execute it with [HttpClient.execute]. Its URL, headers and
 * body may hold secrets; [redactedUrl] is the form to log. [close] wipes them.
 */
class OutboundRequest internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_outbound_request_free(it) }) {
    /** `GET` or `POST`. */
    val method: String get() = lib.xpdrm_outbound_request_method(ptr) ?: throw XpdrmException(Status.ERR_NULL_ARGUMENT)

    fun url(): String = readText { o, c, l -> lib.xpdrm_outbound_request_url(ptr, o, c, l) }

    fun redactedUrl(): String = readText { o, c, l -> lib.xpdrm_outbound_request_redacted_url(ptr, o, c, l) }

    /** The headers to send, in order (name, value). */
    fun headers(): List<Pair<String, String>> {
        val count = SizeTByReference()
        check(lib.xpdrm_outbound_request_header_count(ptr, count))
        return (0 until count.value).map { i ->
            val name = readText { o, c, l -> lib.xpdrm_outbound_request_header_name(ptr, SizeT(i), o, c, l) }
            val value = readText { o, c, l -> lib.xpdrm_outbound_request_header_value(ptr, SizeT(i), o, c, l) }
            name to value
        }
    }

    /** The body (empty for a GET). */
    fun body(): ByteArray = readOut(false) { o, c, l -> lib.xpdrm_outbound_request_body(ptr, o, c, l) }

    internal val handle: Pointer get() = ptr
}

internal fun outbound(call: (com.sun.jna.ptr.PointerByReference) -> Int, reason: () -> String?): OutboundRequest =
    OutboundRequest(newHandle(reason, call))
