// HTTP on device networks (the optional HTTP client, issue 12): cancel handles, the trust source, the
// per-attempt events. Proxy, pins and the event callback are set on HttpConfig; a response's headers and the
// client's clock offset are on HttpResponse and HttpClient (Http.kt). Without the `http` feature every call
// throws XPDRM_ERR_FEATURE_DISABLED.
package xpdrm

import com.sun.jna.Pointer

/**
 * Where a config's trusted CAs come from (`xpdrm_http_trust`); CAs added with [HttpConfig.addCaPem] are trusted
 * with each. BUILT_IN: Mozilla's list of public web CAs, built into xpdrm. SYSTEM: the operating system's CA
 * store (`SSL_CERT_FILE`, `SSL_CERT_DIR`, the platform's bundles, Android's). ADDED_ONLY: only the added CAs.
 */
enum class HttpTrust(val code: Int) { BUILT_IN(0), SYSTEM(1), ADDED_ONLY(2) }

/** The operation an attempt belongs to (`xpdrm_http_operation`). */
enum class HttpOperation(val code: Int) {
    EXECUTE(0), FETCH_TOKEN(1), REDEEM_LICENSE(2), EXCHANGE_ENTITLEMENT(3), LOOKUP_RECORD(4), DEVICE_BINDING(5),
    BINDING_SERVICE(6);

    companion object {
        fun of(code: Int): HttpOperation = values().firstOrNull { it.code == code } ?: throw XpdrmException(Status.ERR_INVALID_ARGUMENT)
    }
}

/**
 * One attempt of an HTTP call (`xpdrm_http_event`), as [HttpConfig.setEventCallback]'s function receives it.
 * It holds no secret: the server's host and the URL's path without its query, no header, no body. Times are
 * microseconds from the attempt's start, -1 when they do not apply.
 */
data class HttpEvent(
    val operation: HttpOperation,
    /** The server's host. */
    val host: String,
    /** The URL's path, without the query. */
    val path: String,
    /** 1 for the first attempt of the call. */
    val attempt: Long,
    /** TCP connect time (to the proxy when there is one); -1 on a kept-alive connection or none made. */
    val connectUs: Long,
    /** TLS handshake time (with a proxy's CONNECT); -1 for plain HTTP, a kept-alive connection or none made. */
    val tlsUs: Long,
    /** Until the answer's head arrived; -1 when none arrived. */
    val firstByteUs: Long,
    /** The whole attempt, the body included. */
    val totalUs: Long,
    /** The HTTP status, 0 when no answer arrived. */
    val httpStatus: Int,
    /** The ExpressPlay error code of an error answer (-4001, ...), 0 when none. */
    val expressPlayCode: Int,
    /** [Status.OK] when an answer arrived (whatever its HTTP status), else the attempt's failure ([Status.ERR_HTTP_TIMEOUT], ...). */
    val outcome: Int,
    /** The wait the server asked for with `Retry-After`, in milliseconds; -1 when none. */
    val retryAfterMs: Long,
    /** Whether a kept-alive connection served the attempt. */
    val reusedConnection: Boolean
) {
    internal companion object {
        fun read(event: Pointer): HttpEvent {
            val s = HttpEventStruct(event)
            return HttpEvent(
                HttpOperation.of(s.operation), s.host?.getString(0, "UTF-8") ?: "", s.path?.getString(0, "UTF-8") ?: "",
                s.attempt.toLong() and 0xffffffffL, s.connect_us, s.tls_us, s.first_byte_us, s.total_us,
                s.http_status.toInt() and 0xffff, s.expressplay_code, s.outcome, s.retry_after_ms, s.reused_connection.toInt() != 0
            )
        }
    }
}

/**
 * A cancel handle (`xpdrm_http_cancel`). Attach it to clients with [HttpClient.setCancel]; then [fire], from
 * any thread, makes their running calls throw [Status.ERR_HTTP_CANCELLED] within milliseconds (wherever they
 * are blocked) and their later calls throw it at once without sending anything, until [reset]. The clients
 * stay usable. Thread-safe: [fire], [reset], [isFired] and [close] may race; a closed handle throws
 * IllegalStateException, and clients it is attached to keep watching it (they hold their own reference).
 */
class HttpCancel private constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_http_cancel_free(it) }) {
    /** A handle that has not fired. */
    constructor() : this(newHandle { lib.xpdrm_http_cancel_new(it) })

    // Each call holds this object's lock (as close() does), so that close() cannot free the handle under it.

    /** Cancels the calls watching this handle; firing a fired handle does nothing more. */
    @Synchronized
    fun fire() = check(lib.xpdrm_http_cancel_fire(ptr))

    /** Makes a fired handle usable for new calls again (calls already cancelled stay cancelled). */
    @Synchronized
    fun reset() = check(lib.xpdrm_http_cancel_reset(ptr))

    /** Whether the handle has fired and was not reset since (false in a build without `http`). */
    val isFired: Boolean
        @Synchronized get() = lib.xpdrm_http_cancel_is_fired(ptr).toInt() != 0

    /** Runs [block] with the native handle, which close() cannot free meanwhile. */
    internal fun <T> withHandle(block: (Pointer) -> T): T = synchronized(this) { block(ptr) }
}

/** Throws ERR_INVALID_ARGUMENT when [text] holds a NUL (C would see only the text before it). */
internal fun noNul(text: String?, what: String) {
    if (text != null && text.indexOf('\u0000') >= 0) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "$what holds a NUL character")
}
