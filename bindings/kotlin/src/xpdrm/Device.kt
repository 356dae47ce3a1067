// Device IDs (normalised, compared in constant time, fingerprinted for logs) and correlation cookies.
package xpdrm

import com.sun.jna.ptr.ByteByReference

/** Device IDs and cookies. Thread-safe. */
object DeviceIds {
    /** Whether two device IDs are the same device (whitespace trimmed, hex case-insensitive), in constant time. */
    fun match(a: String, b: String): Boolean {
        val out = ByteByReference()
        check(lib.xpdrm_device_id_match(a, b, out))
        return out.value.toInt() != 0
    }

    /** The lowercase hex SHA-256 of the normalised ID: what logs may carry instead of the ID. */
    fun fingerprint(id: String): String = readText { o, c, l -> lib.xpdrm_device_id_fingerprint(id, o, c, l) }

    /** A new random correlation cookie (32 base64url characters). */
    fun generateCookie(): String = readText { o, c, l -> lib.xpdrm_cookie_generate(o, c, l) }
}
