// AES key wrap (RFC 3394 "KW", RFC 5649 "KWP"): unwrapping the content keys that arrive wrapped under a KEK.
package xpdrm

/**
 * Key wrap and unwrap. KEKs are 16, 24 or 32 bytes. Keys come back as new ByteArrays that belong to the
 * caller: wipe them (`key.fill(0)`) when done. xpdrm wipes its own copies and the native buffers used for
 * the call. Failures throw [XpdrmException] (`XPDRM_ERR_INTEGRITY` for a wrong KEK or a damaged key, nothing
 * returned; `XPDRM_ERR_KEK_LENGTH`, `XPDRM_ERR_WRAPPED_LENGTH`, `XPDRM_ERR_KEY_LENGTH`, ...). Thread-safe.
 */
object KeyWrap {
    /** RFC 3394 unwrap. */
    fun unwrap(kek: ByteArray, wrapped: ByteArray): ByteArray = withBytes(kek) { k, kl ->
        withBytes(wrapped) { w, wl -> readOut(false) { out, cap, len -> lib.xpdrm_key_unwrap(k, kl, w, wl, out, cap, len) } }
    }

    /** RFC 3394 wrap (the key: a multiple of 8 bytes, at least 16). */
    fun wrap(kek: ByteArray, key: ByteArray): ByteArray = withBytes(kek) { k, kl ->
        withBytes(key) { p, pl -> readOut(false) { out, cap, len -> lib.xpdrm_key_wrap(k, kl, p, pl, out, cap, len) } }
    }

    /** RFC 5649 unwrap (key wrap with padding). */
    fun unwrapPadded(kek: ByteArray, wrapped: ByteArray): ByteArray = withBytes(kek) { k, kl ->
        withBytes(wrapped) { w, wl ->
            readOut(false) { out, cap, len -> lib.xpdrm_key_unwrap_padded(k, kl, w, wl, out, cap, len) }
        }
    }

    /** RFC 5649 wrap (any key of at least one byte). */
    fun wrapPadded(kek: ByteArray, key: ByteArray): ByteArray = withBytes(kek) { k, kl ->
        withBytes(key) { p, pl -> readOut(false) { out, cap, len -> lib.xpdrm_key_wrap_padded(k, kl, p, pl, out, cap, len) } }
    }

    /** RFC 3394 unwrap of hex text, as ExpressPlay's `kek` and `ek` parameters carry them (either case). */
    fun unwrapHex(kekHex: String, ekHex: String): ByteArray = withCText(kekHex) { k ->
        withCText(ekHex) { e -> readOut(false) { out, cap, len -> lib.xpdrm_key_unwrap_hex(k, e, out, cap, len) } }
    }

    /** The same with the KEK as bytes of hex text that the caller can wipe. */
    fun unwrapHex(kekHex: ByteArray, ekHex: String): ByteArray = withCText(kekHex) { k ->
        withCText(ekHex) { e -> readOut(false) { out, cap, len -> lib.xpdrm_key_unwrap_hex(k, e, out, cap, len) } }
    }
}
