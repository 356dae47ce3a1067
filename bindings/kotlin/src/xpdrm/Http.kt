// The optional HTTP client (a build with the `http` feature; without it every call throws
// XPDRM_ERR_FEATURE_DISABLED): a config, a client made from it, and the operations.
package xpdrm

import com.sun.jna.Pointer
import com.sun.jna.ptr.LongByReference
import com.sun.jna.ptr.PointerByReference
import com.sun.jna.ptr.ShortByReference

/** Client settings (`xpdrm_http_config`). [close] wipes the client key it holds. */
class HttpConfig private constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_http_config_free(it) }) {
    /** The defaults (timeouts 10 s / 30 s / 120 s, 1 MiB answers, the system's CAs). */
    constructor() : this(newHandle { lib.xpdrm_http_config_new(it) })

    private fun why(): String? = try {
        readText { o, c, l -> lib.xpdrm_http_config_reason(ptr, o, c, l) }.takeIf { it.isNotEmpty() }
    } catch (e: XpdrmException) {
        null
    }

    /** Why the last setter failed ("" when none did). */
    fun reason(): String = readText { o, c, l -> lib.xpdrm_http_config_reason(ptr, o, c, l) }

    fun setTimeouts(connectMs: Long, readMs: Long, overallMs: Long): HttpConfig = apply {
        for (v in listOf(connectMs, readMs, overallMs)) {
            if (v !in 0..0xffffffffL) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "timeout $v ms")
        }
        check(lib.xpdrm_http_config_set_timeouts(ptr, connectMs.toInt(), readMs.toInt(), overallMs.toInt()), ::why)
    }

    /** Trusts the CA certificate(s) in [pem] (instead of the system's). */
    fun addCaPem(pem: ByteArray): HttpConfig = apply { withBytes(pem) { p, pl -> check(lib.xpdrm_http_config_add_ca_pem(ptr, p, pl), ::why) } }

    /** The client certificate and its private key for mutual TLS; wipe [keyPem] afterwards. */
    fun setClientCertPem(certPem: ByteArray, keyPem: ByteArray): HttpConfig = apply {
        withBytes(certPem) { c, cl -> withBytes(keyPem) { k, kl -> check(lib.xpdrm_http_config_set_client_cert_pem(ptr, c, cl, k, kl), ::why) } }
    }

    fun setMaxResponseSize(maxBytes: Long): HttpConfig = apply {
        if (maxBytes < 0) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "size $maxBytes")
        check(lib.xpdrm_http_config_set_max_response_size(ptr, SizeT(maxBytes)), ::why)
    }

    fun setRetry(maxAttempts: Long, initialBackoffMs: Long, maxBackoffMs: Long): HttpConfig = apply {
        for (v in listOf(maxAttempts, initialBackoffMs, maxBackoffMs)) {
            if (v !in 0..0xffffffffL) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "retry value $v")
        }
        check(lib.xpdrm_http_config_set_retry(ptr, maxAttempts.toInt(), initialBackoffMs.toInt(), maxBackoffMs.toInt()), ::why)
    }

    fun setUserAgent(userAgent: String): HttpConfig = apply { check(lib.xpdrm_http_config_set_user_agent(ptr, userAgent), ::why) }

    /**
     * Where the trusted CAs come from ([HttpTrust.SYSTEM] is read now: [Status.ERR_HTTP_TRUST_STORE] when no
     * store is found). Without this call: the built-in CAs until a CA is added, then only added CAs.
     */
    fun setTrust(trust: HttpTrust): HttpConfig = apply { check(lib.xpdrm_http_config_set_trust(ptr, trust.code), ::why) }

    /**
     * Pins a server key: the SHA-256 of its certificate's SubjectPublicKeyInfo, as base64 (an optional
     * `sha256/` prefix) or 64 hex digits (see [pinOfCertPem]). A server must then pass the normal checks and
     * have one of the pinned keys, else calls throw [Status.ERR_HTTP_TLS_PIN_MISMATCH]. Not 32 bytes, or too
     * many pins: [Status.ERR_INVALID_ARGUMENT] (nothing changes).
     */
    fun addPin(pin: String): HttpConfig = apply {
        noNul(pin, "the pin")
        check(lib.xpdrm_http_config_add_pin(ptr, pin), ::why)
    }

    /** Removes every pin. */
    fun clearPins(): HttpConfig = apply { check(lib.xpdrm_http_config_clear_pins(ptr), ::why) }

    /**
     * Sends every request through an HTTP proxy (`http://host[:port]`, tunnelled with CONNECT), except to the
     * hosts of [noProxy] (comma-separated: `localhost`, `10.0.0.1`, `.example.com`, `*`); [username] and
     * [password] are basic credentials (wipe [password] afterwards). A null [url] removes the proxy (the
     * others must then be null too). The environment (`HTTP_PROXY`) is never read. A malformed URL,
     * credential or list entry: [Status.ERR_INVALID_ARGUMENT] (nothing changes, [reason] says why).
     */
    fun setProxy(url: String?, username: String? = null, password: ByteArray? = null, noProxy: String? = null): HttpConfig = apply {
        noNul(url, "the proxy URL")
        noNul(username, "the proxy user name")
        noNul(noProxy, "the no-proxy list")
        if (password != null && password.contains(0)) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "the proxy password holds a NUL byte")
        withCText(password) { p -> check(lib.xpdrm_http_config_set_proxy(ptr, url, username, p, noProxy), ::why) }
    }

    /** [setProxy] with the password as a String. */
    fun setProxy(url: String, username: String, password: String, noProxy: String? = null): HttpConfig {
        val bytes = password.toByteArray(Charsets.UTF_8)
        try {
            return setProxy(url, username, bytes, noProxy)
        } finally {
            bytes.fill(0)
        }
    }

    // The native side calls the installed callback until the clients made with it are freed: this config
    // keeps it, and each HttpClient made from the config keeps the one it was made with (JNA frees a
    // callback's native stub when the Kotlin object is collected).
    @Volatile
    internal var eventCallback: HttpEventCallback? = null
        private set

    /**
     * Calls [callback] once per attempt of every call of the clients made from this config afterwards (null
     * removes it; clients made before keep theirs). It runs on the calling thread, possibly on several at
     * once, and the call waits for it; what it throws is dropped (it cannot cross into C).
     */
    fun setEventCallback(callback: ((HttpEvent) -> Unit)?): HttpConfig = apply {
        val native = callback?.let { f ->
            object : HttpEventCallback {
                override fun invoke(userdata: Pointer?, event: Pointer?) {
                    if (event == null) return
                    try {
                        f(HttpEvent.read(event))
                    } catch (e: Throwable) {
                        // Dropped: JNA would print it to stderr, and C cannot take it.
                    }
                }
            }
        }
        check(lib.xpdrm_http_config_set_event_callback(ptr, native, null), ::why)
        eventCallback = native
    }

    companion object {
        /**
         * The pin (64 lower-case hex digits, for [addPin]) of the key of the first certificate in [certPem].
         * No certificate or a broken one: [Status.ERR_HTTP_BAD_PEM].
         */
        fun pinOfCertPem(certPem: ByteArray): String =
            withBytes(certPem) { p, pl -> readText { o, c, l -> lib.xpdrm_http_pin_of_cert_pem(p, pl, o, c, l) } }
    }

    internal val handle: Pointer get() = ptr
}

/** An HTTP answer (`xpdrm_http_response`). [close] wipes the body. */
class HttpResponse internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_http_response_free(it) }) {
    val status: Int
        get() {
            val out = ShortByReference()
            check(lib.xpdrm_http_response_status(ptr, out))
            return out.value.toInt() and 0xffff
        }

    val contentType: String get() = readText { o, c, l -> lib.xpdrm_http_response_content_type(ptr, o, c, l) }

    /**
     * The value of the answer's header [name] (any case; several of that name joined with ", "; bytes
     * outside printable ASCII as `?`), or null when it has none.
     */
    fun header(name: String): String? {
        noNul(name, "the header name")
        return try {
            readText { o, c, l -> lib.xpdrm_http_response_header(ptr, name, o, c, l) }
        } catch (e: XpdrmException) {
            if (e.status == Status.ERR_HTTP_NO_SUCH_HEADER) null else throw e
        }
    }

    /** A copy of the body (the caller's; wipe it if it holds a secret). */
    fun body(): ByteArray {
        val data = PointerByReference()
        val len = SizeTByReference()
        check(lib.xpdrm_http_response_body(ptr, data, len))
        if (len.value == 0L) return ByteArray(0)
        return data.value.getByteArray(0, len.value.toInt())
    }
}

/**
 * A blocking client (`xpdrm_http_client`), usable from several threads at once. Failures throw
 * [XpdrmException] with the call's reason.
 */
class HttpClient private constructor(handle: Pointer, private val eventCallback: HttpEventCallback?) : NativeHandle(handle, { lib.xpdrm_http_client_free(it) }) {
    // eventCallback: the config's event callback when the client was made, which the native client calls
    // until it is freed: kept here so that JNA does not free it.

    /** A client with [config]'s settings (the config may be closed afterwards). */
    constructor(config: HttpConfig) : this(newHandle { lib.xpdrm_http_client_new(config.handle, it) }, config.eventCallback)

    /**
     * Attaches [cancel] (null detaches it): every call that starts afterwards watches it; calls running on
     * other threads keep the handle they started with. One handle may serve several clients.
     */
    fun setCancel(cancel: HttpCancel?) {
        if (cancel == null) check(lib.xpdrm_http_client_set_cancel(ptr, null))
        else cancel.withHandle { c -> check(lib.xpdrm_http_client_set_cancel(ptr, c)) }
    }

    /**
     * The offset of the servers' clock from the device's in milliseconds (positive: the server's is ahead),
     * from the `Date` header of the latest answer that had one, good to about a second; null when no answer
     * had one yet. Add it to the device's time before comparing with times a server issued.
     */
    val clockOffsetMs: Long?
        get() {
            val out = LongByReference()
            val status = lib.xpdrm_http_client_clock_offset(ptr, out)
            if (status == Status.ERR_HTTP_NO_SUCH_HEADER) return null
            check(status)
            return out.value
        }

    private inline fun <T> withReason(block: (ReasonBuffer) -> T): T = ReasonBuffer().use(block)

    /** Makes a request a flow handed out. */
    fun execute(request: OutboundRequest): HttpResponse = withReason { r ->
        HttpResponse(newHandle({ r.text() }) { lib.xpdrm_http_execute(ptr, request.handle, it, r.pointer, r.cap) })
    }

    /** Fetches a token: the request is checked, sent, and the answer parsed (an error answer is a response). */
    fun fetchToken(request: TokenRequest, method: HttpMethod = HttpMethod.GET): TokenResponse = withReason { r ->
        TokenResponse(newHandle({ r.text() }) { lib.xpdrm_http_fetch_token(ptr, request.handle, method.code, it, r.pointer, r.cap) })
    }

    /** POSTs the DRM's challenge to a license URL with its token; returns the license. */
    fun redeemLicense(licenseUrl: String, challenge: ByteArray, placement: TokenPlacement = TokenPlacement.IN_URL): ByteArray =
        withReason { r ->
            withBytes(challenge) { c, cl ->
                val bytes = newHandle({ r.text() }) {
                    lib.xpdrm_http_redeem_license(ptr, licenseUrl, c, cl, placement.code, it, r.pointer, r.cap)
                }
                try {
                    val len = lib.xpdrm_bytes_len(bytes).toLong()
                    if (len == 0L) ByteArray(0) else lib.xpdrm_bytes_data(bytes)!!.getByteArray(0, len.toInt())
                } finally {
                    lib.xpdrm_bytes_free(bytes)
                }
            }
        }

    /**
     * Sends an entitlement request to SEES and checks the answer; a denial is a response too (its status and
     * reason say why). Throws when SEES gave no usable answer.
     */
    fun exchangeEntitlement(seesUrl: String, request: EntitlementRequest): EntitlementResponse = withReason { r ->
        val out = PointerByReference()
        val status = lib.xpdrm_http_exchange_entitlement(ptr, seesUrl, request.handle, out, r.pointer, r.cap)
        if (status != 0) throw XpdrmException(status, r.text()) // an answer (also a denial) only with XPDRM_OK
        EntitlementResponse(out.value ?: throw XpdrmException(Status.ERR_NULL_ARGUMENT))
    }

    /** ExpressPlay's `getrecord`: the device ID that used [cookie] (a raw device ID: never log it). */
    fun lookupRecord(recordUrl: String, customerAuthenticator: ByteArray, cookie: String): String = withReason { r ->
        withCText(customerAuthenticator) { a ->
            Scratch(1025).use { s ->
                val len = SizeTByReference()
                check(lib.xpdrm_http_lookup_record(ptr, recordUrl, a, cookie, s.memory, SizeT(1025), len, r.pointer, r.cap)) { r.text() }
                String(s.memory.getByteArray(0, len.value.toInt()), Charsets.UTF_8)
            }
        }
    }

    /** [lookupRecord] with the authenticator as a String. */
    fun lookupRecord(recordUrl: String, customerAuthenticator: String, cookie: String): String {
        val bytes = customerAuthenticator.toByteArray(Charsets.UTF_8)
        try {
            return lookupRecord(recordUrl, bytes, cookie)
        } finally {
            bytes.fill(0)
        }
    }

    /** Runs the device's whole flow (steps 1 to 3) with [spc]; then read [BindingDevice.tokenUrl]. */
    fun runDeviceBinding(device: BindingDevice, spc: ByteArray) = withReason { r ->
        withBytes(spc) { s, sl -> check(lib.xpdrm_http_run_device_binding(ptr, device.handle, s, sl, r.pointer, r.cap)) { r.text() } }
    }

    /** Runs the service's flow after [BindingService.begin]; then take [BindingService.entitlementResponse]. */
    fun runBindingService(service: BindingService) = withReason { r ->
        check(lib.xpdrm_http_run_binding_service(ptr, service.handle, r.pointer, r.cap)) { r.text() }
    }
}
