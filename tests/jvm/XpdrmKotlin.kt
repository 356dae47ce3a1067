// The Kotlin form of the JNA binding (README, "Kotlin and Java"), self-contained: the same mapping rules as
// Xpdrm.java. Kept simple enough for Debian's kotlinc 1.3. Run by tests/jvm.rs; exits 1 on any failure.
import com.sun.jna.Callback
import com.sun.jna.IntegerType
import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.Pointer
import com.sun.jna.ptr.ByReference
import kotlin.system.exitProcess

class SizeT(value: Long = 0) : IntegerType(Native.SIZE_T_SIZE, value, true) {
    // kotlin.Number declares these abstract; java.lang.Number (JNA's IntegerType) does not implement them.
    override fun toByte() = toInt().toByte()
    override fun toChar() = toInt().toChar()
    override fun toShort() = toInt().toShort()
}

class SizeTByReference : ByReference(Native.SIZE_T_SIZE) {
    val value: Long
        get() = if (Native.SIZE_T_SIZE == 8) pointer.getLong(0) else pointer.getInt(0).toLong() and 0xffffffffL
}

interface LogCallback : Callback {
    fun invoke(userdata: Pointer?, level: Int, message: String)
}

interface Xpdrm : Library {
    fun xpdrm_version(): String
    fun xpdrm_status_str(status: Int): String
    fun xpdrm_key_unwrap_hex(kekHex: String?, ekHex: String, out: ByteArray?, outCap: SizeT, outLen: SizeTByReference): Int
    fun xpdrm_log_set_callback(callback: LogCallback?, userdata: Pointer?, maxLevel: Int): Int

    companion object {
        const val XPDRM_OK = 0
        const val XPDRM_ERR_NULL_ARGUMENT = 1
        const val XPDRM_ERR_INTEGRITY = 100
        const val XPDRM_LOG_DEBUG = 4
        val LIB: Xpdrm = Native.load("xpdrm", Xpdrm::class.java)
    }
}

fun main() {
    val xpdrm = Xpdrm.LIB
    var failures = 0
    fun check(ok: Boolean, what: String) {
        if (!ok) { println("FAILED: $what"); failures++ }
    }

    val messages = mutableListOf<String>()
    val logger = object : LogCallback {   // keep a reference for as long as it is installed
        override fun invoke(userdata: Pointer?, level: Int, message: String) { messages.add("$level $message") }
    }
    check(xpdrm.xpdrm_log_set_callback(logger, null, Xpdrm.XPDRM_LOG_DEBUG) == Xpdrm.XPDRM_OK, "install callback")

    val key = ByteArray(16)
    val len = SizeTByReference()
    var status = xpdrm.xpdrm_key_unwrap_hex("11111111111111111111111111111111",
        "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6", key, SizeT(key.size.toLong()), len)
    val hex = key.take(len.value.toInt()).joinToString("") { "%02x".format(it) }
    check(status == Xpdrm.XPDRM_OK && hex == "f2434ca0f6a7de822574bf2f8190f6cd", "unwrap")
    println("kotlin unwrap: status $status, key $hex")

    status = xpdrm.xpdrm_key_unwrap_hex("11111111111111111111111111111111",
        "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B7", key, SizeT(key.size.toLong()), len)
    check(status == Xpdrm.XPDRM_ERR_INTEGRITY, "tampered key")
    check(messages.size == 1 && messages[0].contains("integrity check failed"), "one log message")
    println("kotlin tampered: ${xpdrm.xpdrm_status_str(status)} / log: $messages")
    check(xpdrm.xpdrm_key_unwrap_hex(null, "00", null, SizeT(0), len) == Xpdrm.XPDRM_ERR_NULL_ARGUMENT, "null")
    check(xpdrm.xpdrm_log_set_callback(null, null, 0) == Xpdrm.XPDRM_OK, "remove callback")

    if (failures != 0) exitProcess(1)
    println("kotlin: OK (${xpdrm.xpdrm_version()})")
}
