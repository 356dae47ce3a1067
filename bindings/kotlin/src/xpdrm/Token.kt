// ExpressPlay token requests (every parameter checked when set, with the server's own codes) and the token
// server's answers.
package xpdrm

import com.sun.jna.Pointer

/**
 * A token request for one DRM (`xpdrm_token_request`). Parameters are checked when set: a refused one throws
 * [XpdrmException] with ExpressPlay's code (e.g. -6003) and a reason naming the parameter and the rule.
 * Secret values (`contentKey`, `kek`, `ek`, `customerAuthenticator`, ...) can be given as ByteArrays of
 * their text, which the caller wipes afterwards; [close] wipes xpdrm's copies.
 */
class TokenRequest private constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_token_request_free(it) }) {
    /** A new request aimed at [drm]'s test service. */
    constructor(drm: Drm) : this(newHandle { lib.xpdrm_token_request_new(drm.code, it) })

    companion object {
        /**
         * The 16-byte KID of a `^name` key ID as ExpressPlay's key storage derives it (the first 16 bytes of
         * SHA-1 of the name after `^`), to match a `kid=^name` request with the KID in the content.
         */
        fun kidFromName(caretName: String): ByteArray = Scratch(16).use { s ->
            check(lib.xpdrm_kid_from_name(caretName, s.memory))
            s.memory.getByteArray(0, 16)
        }
    }

    private fun reason(): String? = try {
        lastError().takeIf { it.isNotEmpty() }
    } catch (e: XpdrmException) {
        null
    }

    /** Sets a parameter xpdrm knows (case-sensitive names; an unknown one is `XPDRM_ERR_UNKNOWN_PARAMETER`). */
    fun set(name: String, value: String): TokenRequest = apply {
        withCText(value) { v -> check(lib.xpdrm_token_request_set(ptr, name, v), ::reason) }
    }

    /** [set] with the value as UTF-8 bytes, for secrets the caller wipes. */
    fun set(name: String, value: ByteArray): TokenRequest = apply {
        withCText(value) { v -> check(lib.xpdrm_token_request_set(ptr, name, v), ::reason) }
    }

    /** Sends a parameter xpdrm does not list (never one it does: `XPDRM_ERR_KNOWN_PARAMETER`). */
    fun setUnchecked(name: String, value: String): TokenRequest = apply {
        withCText(value) { v -> check(lib.xpdrm_token_request_set_unchecked(ptr, name, v), ::reason) }
    }

    /** [setUnchecked] with the value as bytes the caller wipes. */
    fun setUnchecked(name: String, value: ByteArray): TokenRequest = apply {
        withCText(value) { v -> check(lib.xpdrm_token_request_set_unchecked(ptr, name, v), ::reason) }
    }

    /**
     * Sets key [index] of a parameter that takes one value per key (`kid`, `contentKey`, ...: `kid.0`,
     * `kid.1`, ...), checked with the plain name's rule and code.
     */
    fun setIndexed(name: String, index: Long, value: String): TokenRequest = apply {
        if (index !in 0..0xffffffffL) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "index $index")
        withCText(value) { v -> check(lib.xpdrm_token_request_set_indexed(ptr, name, index.toInt(), v), ::reason) }
    }

    /** [setIndexed] with the value as UTF-8 bytes, for secrets (a content key) the caller wipes. */
    fun setIndexed(name: String, index: Long, value: ByteArray): TokenRequest = apply {
        if (index !in 0..0xffffffffL) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "index $index")
        withCText(value) { v -> check(lib.xpdrm_token_request_set_indexed(ptr, name, index.toInt(), v), ::reason) }
    }

    /** Removes a parameter (no error when it was not set). */
    fun unset(name: String): TokenRequest = apply { check(lib.xpdrm_token_request_unset(ptr, name), ::reason) }

    /** Aims the request at any base URL (absolute http/https). */
    fun setBaseUrl(baseUrl: String): TokenRequest = apply { check(lib.xpdrm_token_request_set_base_url(ptr, baseUrl), ::reason) }

    /** Aims the request at the DRM's test or production service. */
    fun setEnvironment(environment: Environment): TokenRequest = apply {
        check(lib.xpdrm_token_request_set_environment(ptr, environment.code), ::reason)
    }

    /** The time (Unix seconds) against which an absolute `expirationTime` is checked, instead of the system clock. */
    fun setClock(nowUnixSeconds: Long): TokenRequest = apply { check(lib.xpdrm_token_request_set_clock(ptr, nowUnixSeconds), ::reason) }

    /** The GET URL (holds secrets: never log it; [redacted] is the form to log). The whole request is checked. */
    fun url(): String = readText(::reason) { o, c, l -> lib.xpdrm_token_request_url(ptr, o, c, l) }

    /** The POST body (`application/x-www-form-urlencoded`; holds secrets). */
    fun form(): String = readText(::reason) { o, c, l -> lib.xpdrm_token_request_form(ptr, o, c, l) }

    /** The URL with every secret value `<redacted>`: safe to log. */
    fun redacted(): String = readText { o, c, l -> lib.xpdrm_token_request_redacted(ptr, o, c, l) }

    /** Why the last call on this request failed ("" when none did). */
    fun lastError(): String = readText { o, c, l -> lib.xpdrm_token_request_last_error(ptr, o, c, l) }

    internal val handle: Pointer get() = ptr
}

/**
 * A token server's answer (`xpdrm_token_response`): a license URL with its token, or the server's error
 * code and text ([errorCode] not 0). [close] wipes the token.
 */
class TokenResponse internal constructor(handle: Pointer) : NativeHandle(handle, { lib.xpdrm_token_response_free(it) }) {
    companion object {
        /**
         * Reads what the token server answered (HTTP status, Content-Type or null, body). A server error is
         * a successful parse (see [errorCode]); a 2xx answer without a usable token throws.
         */
        fun parse(drm: Drm, httpStatus: Int, contentType: String?, body: ByteArray): TokenResponse {
            if (httpStatus !in 0..65535) throw XpdrmException(Status.ERR_INVALID_ARGUMENT, "HTTP status $httpStatus")
            return TokenResponse(withBytes(body) { b, bl ->
                newHandle { lib.xpdrm_token_response_parse(drm.code, httpStatus.toShort(), contentType, b, bl, it) }
            })
        }
    }

    /** 0 for a token; else the server's code (e.g. -2018) or a local code for an HTTP status without one. */
    val errorCode: Int get() = lib.xpdrm_token_response_error_code(ptr)

    /** The license URL with the token (holds the token: never log it). */
    fun licenseUrl(): String = readText { o, c, l -> lib.xpdrm_token_response_license_url(ptr, o, c, l) }

    /** The license URL without the token. */
    fun licenseBaseUrl(): String = readText { o, c, l -> lib.xpdrm_token_response_license_base_url(ptr, o, c, l) }

    /** The token alone, for an `ExpressPlayToken` header. */
    fun token(): String = readText { o, c, l -> lib.xpdrm_token_response_token(ptr, o, c, l) }

    /** The server's error text of an error answer. */
    fun errorText(): String = readText { o, c, l -> lib.xpdrm_token_response_error_text(ptr, o, c, l) }

    /**
     * The content URL of a Marlin MS3 answer: the compound URL's fragment, percent-decoded (the request's
     * `contentURL`, `https://.../stream.mpd` or `hls://...`); safe to log. Another DRM's answer, or one without
     * a fragment: [Status.ERR_RESPONSE_NO_CONTENT_URL]. (The compound URL itself is [licenseUrl], its `b`
     * token [token].)
     */
    fun contentUrl(): String = readText { o, c, l -> lib.xpdrm_token_response_content_url(ptr, o, c, l) }

    /**
     * The action token of a Marlin BB answer: the XML exactly as the server sent it, to hand to the Marlin
     * agent unchanged. It authorises a license or a registration: never log it; the array is the caller's,
     * to wipe when done. Another DRM's answer: [Status.ERR_RESPONSE_NO_ACTION_TOKEN] (and for a BB answer
     * [licenseUrl], [licenseBaseUrl] and [token] throw [Status.ERR_RESPONSE_IS_ACTION_TOKEN]).
     */
    fun actionToken(): ByteArray = readOut(false) { o, c, l -> lib.xpdrm_token_response_action_token(ptr, o, c, l) }
}
