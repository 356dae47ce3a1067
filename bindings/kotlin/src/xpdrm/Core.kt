// The Kotlin API's foundation: the exception, the owned handle, the enums, library-wide functions (version,
// features, status texts, the log callback) and the helpers that move text and bytes across the boundary.
package xpdrm

import com.sun.jna.Memory
import com.sun.jna.Pointer
import com.sun.jna.ptr.PointerByReference

/**
 * A failed xpdrm call: [status] is the C status (`XPDRM_OK` is never thrown), [statusName] its C name
 * (`XPDRM_ERR_INTEGRITY`), [statusText] xpdrm's text for it, and [reason] the object's own explanation when
 * the failing object keeps one (a token request's last error, a flow's reason, an HTTP call's reason), else
 * null. Reasons never contain secrets.
 */
class XpdrmException(val status: Int, val reason: String? = null) :
    RuntimeException("${Status.name(status)} ($status): ${reason ?: Xpdrm.statusText(status)}") {
    val statusName: String get() = Status.name(status)
    val statusText: String get() = Xpdrm.statusText(status)
}

/**
 * An object xpdrm allocated, owned by this Kotlin object and freed (and wiped, for those that hold
 * secrets) by [close], exactly once: an AutoCloseable (java.io.Closeable, so that `use { }` works with the
 * plain Kotlin standard library). Nothing relies on finalizers: an object that
 * is never closed leaks. A closed object throws IllegalStateException when used.
 */
abstract class NativeHandle internal constructor(handle: Pointer, private val free: (Pointer) -> Unit) : java.io.Closeable {
    private var handle: Pointer? = handle

    internal val ptr: Pointer
        @Synchronized get() = handle ?: throw IllegalStateException("${javaClass.simpleName} is closed")

    /** True once [close] ran. */
    val isClosed: Boolean
        @Synchronized get() = handle == null

    @Synchronized
    override fun close() {
        val h = handle ?: return
        handle = null
        free(h)
    }
}

/** The DRM systems of ExpressPlay's token services (`xpdrm_drm`). */
enum class Drm(val code: Int) { FAIRPLAY(0), WIDEVINE(1), PLAYREADY(2), MARLIN_MS3(3), MARLIN_BB(4) }

/** Test or production token services (`xpdrm_environment`). */
enum class Environment(val code: Int) { TEST(0), PRODUCTION(1) }

/** SEES `requestType` (`xpdrm_request_type`). */
enum class RequestType(val code: Int) {
    UNSPECIFIED(0), TIME_BASED(1), DEVICE_REGISTRATION(2), DEVICE_BOUND(3);

    companion object {
        fun of(code: Int): RequestType = values().firstOrNull { it.code == code } ?: throw XpdrmException(Status.ERR_INVALID_ARGUMENT)
    }
}

/** Where a device-binding flow stands (`xpdrm_binding_step`). */
enum class BindingStep(val code: Int) {
    REGISTER(1), AWAIT_REGISTRATION(2), SEND_SPC(3), AWAIT_SPC(4), REQUEST_BOUND(5), AWAIT_BOUND(6), BEGIN(7),
    LOOKUP_RECORD(8), AWAIT_RECORD(9), REQUEST_TOKEN(10), AWAIT_TOKEN(11), DONE(12), FAILED(13);

    companion object {
        fun of(code: Int): BindingStep = values().firstOrNull { it.code == code } ?: throw XpdrmException(Status.ERR_INVALID_ARGUMENT)
    }
}

/** How a token request is sent (`xpdrm_http_method`). */
enum class HttpMethod(val code: Int) { GET(0), POST(1) }

/** Where a license request carries its token (`xpdrm_token_placement`). */
enum class TokenPlacement(val code: Int) { IN_URL(0), IN_HEADER(1) }

/** Log levels (`xpdrm_log_level`), most severe first. */
enum class LogLevel(val code: Int) {
    ERROR(1), WARN(2), INFO(3), DEBUG(4), TRACE(5);

    companion object {
        fun of(code: Int): LogLevel = values().firstOrNull { it.code == code } ?: TRACE
    }
}

/** Optional parts of a build (`xpdrm_feature`). */
enum class Feature(val code: Int) { HTTP(1) }

/** Library-wide functions. */
object Xpdrm {
    /** `xpdrm/<version> (<features>)`. */
    val version: String get() = lib.xpdrm_version()

    /** Whether this build of the library has [feature] (the HTTP client is optional). */
    fun hasFeature(feature: Feature): Boolean = lib.xpdrm_has_feature(feature.code).toInt() != 0

    /**
     * Zeroes [len] bytes of native memory at [ptr] so that no compiler removes it (`xpdrm_wipe`): for the
     * application's own native copies of secrets. A null [ptr] does nothing.
     */
    fun wipe(ptr: Pointer?, len: Long) = lib.xpdrm_wipe(ptr, SizeT(len))

    /** xpdrm's text for any status code (also unknown ones). */
    fun statusText(status: Int): String = lib.xpdrm_status_str(status)

    /** The C name of a status code (`XPDRM_ERR_INTEGRITY`), or `XPDRM_STATUS_<code>` for an unknown one. */
    fun statusName(status: Int): String = Status.name(status)

    /** The name of the header that carries a token (`ExpressPlayToken`). */
    val tokenHeaderName: String get() = lib.xpdrm_token_header_name()

    // JNA frees a callback's native stub when the Kotlin object is collected: keep the installed one here.
    private var installed: LogCallback? = null

    /**
     * Installs [callback] for messages at [maxLevel] and more severe, process-wide; null removes it. The
     * callback runs on the thread of the xpdrm call that logs; messages never contain secrets. Must not be
     * called from inside the callback (XpdrmException ERR_INVALID_ARGUMENT).
     */
    @Synchronized
    fun setLogCallback(maxLevel: LogLevel, callback: ((LogLevel, String) -> Unit)?) {
        val native = callback?.let { f ->
            object : LogCallback {
                override fun invoke(userdata: Pointer?, level: Int, message: String?) {
                    f(LogLevel.of(level), message ?: "")
                }
            }
        }
        check(lib.xpdrm_log_set_callback(native, null, maxLevel.code))
        installed = native
    }
}

internal val lib: XpdrmNative get() = XpdrmNative.LIB

/** Throws unless [status] is XPDRM_OK; the reason comes from [reason] (called only on failure). */
internal inline fun check(status: Int, reason: () -> String? = { null }) {
    if (status != Status.OK) throw XpdrmException(status, reason())
}

/** Native memory that is wiped before it is released. */
internal class Scratch(size: Long) : java.io.Closeable {
    val memory = Memory(if (size > 0) size else 1)
    override fun close() {
        lib.xpdrm_wipe(memory, SizeT(memory.size()))
        memory.close()
    }
}

/** Runs [block] with a wiped native copy of [data] (NULL for null) and its length. */
internal inline fun <T> withBytes(data: ByteArray?, block: (Pointer?, SizeT) -> T): T {
    if (data == null) return block(null, SizeT(0))
    return Scratch(data.size.toLong()).use { s ->
        s.memory.write(0, data, 0, data.size)
        block(s.memory, SizeT(data.size.toLong()))
    }
}

/** Runs [block] with a wiped, NUL-terminated native copy of [text] (bytes, e.g. a secret the caller wipes). */
internal inline fun <T> withCText(text: ByteArray?, block: (Pointer?) -> T): T {
    if (text == null) return block(null)
    return Scratch(text.size + 1L).use { s ->
        s.memory.write(0, text, 0, text.size)
        s.memory.setByte(text.size.toLong(), 0)
        block(s.memory)
    }
}

/** The same for a String (UTF-8); the temporary byte copy is wiped too. */
internal inline fun <T> withCText(text: String?, block: (Pointer?) -> T): T {
    if (text == null) return block(null)
    val bytes = text.toByteArray(Charsets.UTF_8)
    try {
        return withCText(bytes, block)
    } finally {
        bytes.fill(0)
    }
}

/**
 * Calls an `(out, out_cap, out_len)` function: first for the size, then with a wiped native buffer of that
 * size; returns the bytes (without the NUL of text, when [text]). Failures throw with [reason].
 */
internal inline fun readOut(text: Boolean, noinline reason: () -> String? = { null }, call: (Pointer?, SizeT, SizeTByReference) -> Int): ByteArray {
    val len = SizeTByReference()
    var status = call(null, SizeT(0), len)
    if (status == Status.OK) return ByteArray(0)
    if (status != Status.ERR_BUFFER_TOO_SMALL) throw XpdrmException(status, reason())
    val cap = len.value + (if (text) 1 else 0)
    return Scratch(cap).use { s ->
        status = call(s.memory, SizeT(cap), len)
        check(status, reason)
        s.memory.getByteArray(0, len.value.toInt())
    }
}

/** [readOut] for text. */
internal inline fun readText(noinline reason: () -> String? = { null }, call: (Pointer?, SizeT, SizeTByReference) -> Int): String {
    val bytes = readOut(true, reason, call)
    try {
        return String(bytes, Charsets.UTF_8)
    } finally {
        bytes.fill(0)
    }
}

/** Calls a function that hands out a new object through `T **out`; returns it, or throws. */
internal inline fun newHandle(noinline reason: () -> String? = { null }, call: (PointerByReference) -> Int): Pointer {
    val out = PointerByReference()
    check(call(out), reason)
    return out.value ?: throw XpdrmException(Status.ERR_PANIC, "no object was handed out")
}

/** The reason buffer of the HTTP functions (XPDRM_HTTP_REASON_MAX bytes), read as text. */
internal class ReasonBuffer : java.io.Closeable {
    val scratch = Scratch(512)
    val pointer: Pointer get() = scratch.memory
    val cap: SizeT get() = SizeT(512)
    fun text(): String? = scratch.memory.getString(0, "UTF-8").takeIf { it.isNotEmpty() }
    override fun close() = scratch.close()
}
