import com.sun.jna.Callback;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByReference;

/**
 * JNA binding for xpdrm (include/xpdrm.h): one Java method per C function, same names and argument order.
 *
 * The library is found by JNA as "xpdrm" (libxpdrm.so) on jna.library.path or the system library path.
 * Mapping rules used here, which also apply to Kotlin over JNA:
 * - xpdrm_status (int32_t) and the XPDRM_* enums are int;
 * - size_t is SizeT and size_t * is SizeTByReference (JNA has neither built in);
 * - const char * arguments are String (ASCII here; run with -Djna.encoding=UTF-8 for anything else);
 * - returned const char * are String (static strings: nothing to free);
 * - bool results are byte (C's bool is one byte; reading it as a 4-byte int would be wrong);
 * - caller-provided output buffers are byte[] of the capacity passed as out_cap.
 */
public interface Xpdrm extends Library {
    Xpdrm LIB = Native.load("xpdrm", Xpdrm.class);

    // Statuses (include/xpdrm.h, enum xpdrm_status). Numbers never change.
    int XPDRM_OK = 0;
    int XPDRM_ERR_NULL_ARGUMENT = 1;
    int XPDRM_ERR_BUFFER_TOO_SMALL = 2;
    int XPDRM_ERR_INVALID_ARGUMENT = 4;
    int XPDRM_ERR_INVALID_HEX = 8;
    int XPDRM_ERR_INTEGRITY = 100;

    int XPDRM_FEATURE_HTTP = 1;

    int XPDRM_DRM_WIDEVINE = 1;

    int XPDRM_LOG_ERROR = 1;
    int XPDRM_LOG_WARN = 2;
    int XPDRM_LOG_INFO = 3;
    int XPDRM_LOG_DEBUG = 4;
    int XPDRM_LOG_TRACE = 5;

    /** size_t. */
    class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    /** size_t *, for the out_len parameters. */
    class SizeTByReference extends ByReference {
        public SizeTByReference() {
            super(Native.SIZE_T_SIZE);
        }

        public long getValue() {
            return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0) : getPointer().getInt(0) & 0xffffffffL;
        }
    }

    /** xpdrm_log_callback: userdata first, then the level and the message (valid during the call only). */
    interface LogCallback extends Callback {
        void invoke(Pointer userdata, int level, String message);
    }

    // Basics
    String xpdrm_version();

    String xpdrm_status_str(int status);

    byte xpdrm_has_feature(int feature);

    // Key wrap
    int xpdrm_key_unwrap(byte[] kek, SizeT kekLen, byte[] wrapped, SizeT wrappedLen, byte[] out, SizeT outCap,
                         SizeTByReference outLen);

    int xpdrm_key_wrap(byte[] kek, SizeT kekLen, byte[] key, SizeT keyLen, byte[] out, SizeT outCap,
                       SizeTByReference outLen);

    int xpdrm_key_unwrap_padded(byte[] kek, SizeT kekLen, byte[] wrapped, SizeT wrappedLen, byte[] out,
                                SizeT outCap, SizeTByReference outLen);

    int xpdrm_key_wrap_padded(byte[] kek, SizeT kekLen, byte[] key, SizeT keyLen, byte[] out, SizeT outCap,
                              SizeTByReference outLen);

    int xpdrm_key_unwrap_hex(String kekHex, String ekHex, byte[] out, SizeT outCap, SizeTByReference outLen);

    // Token requests: the request is an opaque handle (a Pointer); free it with xpdrm_token_request_free.
    int xpdrm_token_request_new(int drm, com.sun.jna.ptr.PointerByReference out);

    int xpdrm_token_request_set(Pointer req, String name, String value);

    int xpdrm_token_request_url(Pointer req, byte[] out, SizeT outCap, SizeTByReference outLen);

    void xpdrm_token_request_free(Pointer req);

    // Logging. Keep a strong reference to the callback object for as long as it is installed: JNA frees the
    // native stub when the Java object is garbage-collected.
    int xpdrm_log_set_callback(LogCallback callback, Pointer userdata, int maxLevel);
}
