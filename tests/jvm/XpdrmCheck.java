import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls xpdrm through the JNA binding (Xpdrm.java) and checks every result; prints one line per check and
 * exits 1 if any failed. Run by tests/jvm.rs against the shared library of the test run.
 */
public final class XpdrmCheck {
    private static int failures = 0;

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            failures++;
        }
    }

    private static String hex(byte[] bytes, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < len; i++) {
            s.append(String.format("%02x", bytes[i]));
        }
        return s.toString();
    }

    private static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static Xpdrm.SizeT size(long n) {
        return new Xpdrm.SizeT(n);
    }

    // ExpressPlay's published sample (SPEC.md section 4).
    private static final String KEK_HEX = "11111111111111111111111111111111";
    private static final String EK_HEX = "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
    private static final String KEY_HEX = "f2434ca0f6a7de822574bf2f8190f6cd";

    public static void main(String[] args) {
        Xpdrm x = Xpdrm.LIB;

        // Basics
        String version = x.xpdrm_version();
        check(version.startsWith("xpdrm/"), "version text");
        boolean http = x.xpdrm_has_feature(Xpdrm.XPDRM_FEATURE_HTTP) != 0;
        check(http == version.contains("http"), "has_feature(HTTP) agrees with the version text");
        check(x.xpdrm_has_feature(9999) == 0, "unknown feature is absent");
        System.out.println("version: " + version + ", http " + (http ? "on" : "off"));
        String text = x.xpdrm_status_str(Xpdrm.XPDRM_ERR_INTEGRITY);
        check(text.startsWith("Key unwrap integrity check failed"), "status text");
        System.out.println("status 100: " + text);

        // Key unwrap, hex form
        byte[] key = new byte[32];
        Xpdrm.SizeTByReference len = new Xpdrm.SizeTByReference();
        int st = x.xpdrm_key_unwrap_hex(KEK_HEX, EK_HEX, key, size(key.length), len);
        check(st == Xpdrm.XPDRM_OK && len.getValue() == 16 && hex(key, 16).equals(KEY_HEX), "hex unwrap");
        System.out.println("unwrap_hex: status " + st + ", key " + hex(key, (int) len.getValue()));

        // Key unwrap, binary form, asking for the size first
        byte[] kek = unhex(KEK_HEX);
        byte[] ek = unhex(EK_HEX);
        st = x.xpdrm_key_unwrap(kek, size(kek.length), ek, size(ek.length), null, size(0), len);
        check(st == Xpdrm.XPDRM_ERR_BUFFER_TOO_SMALL && len.getValue() == 16, "size query");
        byte[] exact = new byte[(int) len.getValue()];
        st = x.xpdrm_key_unwrap(kek, size(kek.length), ek, size(ek.length), exact, size(exact.length), len);
        check(st == Xpdrm.XPDRM_OK && hex(exact, exact.length).equals(KEY_HEX), "binary unwrap");
        System.out.println("unwrap: size query 16, status " + st + ", key " + hex(exact, exact.length));

        // Round trip through wrap, and a tampered key that must fail without touching the output
        byte[] wrapped = new byte[24];
        st = x.xpdrm_key_wrap(kek, size(16), exact, size(16), wrapped, size(wrapped.length), len);
        check(st == Xpdrm.XPDRM_OK && hex(wrapped, 24).equalsIgnoreCase(EK_HEX), "wrap gives the sample back");
        wrapped[3] ^= 1;
        byte[] untouched = new byte[16];
        java.util.Arrays.fill(untouched, (byte) 0x5a);
        st = x.xpdrm_key_unwrap(kek, size(16), wrapped, size(24), untouched, size(16), len);
        boolean clean = true;
        for (byte b : untouched) {
            clean &= b == 0x5a;
        }
        check(st == Xpdrm.XPDRM_ERR_INTEGRITY && clean, "tampered key refused, output untouched");
        System.out.println("tampered: status " + st + " (" + x.xpdrm_status_str(st) + ")");

        // Bad input gets a status, not an exception
        st = x.xpdrm_key_unwrap_hex("xyz", EK_HEX, key, size(key.length), len);
        check(st == Xpdrm.XPDRM_ERR_INVALID_HEX, "bad hex");
        st = x.xpdrm_key_unwrap_hex(null, EK_HEX, key, size(key.length), len);
        check(st == Xpdrm.XPDRM_ERR_NULL_ARGUMENT, "null argument");
        System.out.println("bad input: statuses " + Xpdrm.XPDRM_ERR_INVALID_HEX + " and " + Xpdrm.XPDRM_ERR_NULL_ARGUMENT);

        // The log callback, with userdata
        final List<String> messages = new ArrayList<>();
        final Pointer userdata = new Pointer(0x5ca1ab1eL);
        Xpdrm.LogCallback callback = (ud, level, message) -> {
            if (Pointer.nativeValue(ud) == 0x5ca1ab1eL) {
                messages.add(level + " " + message);
            }
        };
        st = x.xpdrm_log_set_callback(callback, userdata, Xpdrm.XPDRM_LOG_TRACE);
        check(st == Xpdrm.XPDRM_OK, "install callback");
        x.xpdrm_key_unwrap(kek, size(16), wrapped, size(24), untouched, size(16), len);
        st = x.xpdrm_log_set_callback(null, null, 0);
        check(st == Xpdrm.XPDRM_OK, "remove callback");
        x.xpdrm_key_unwrap(kek, size(16), wrapped, size(24), untouched, size(16), len);
        check(messages.size() == 1 && messages.get(0).startsWith(Xpdrm.XPDRM_LOG_DEBUG + " ")
                && messages.get(0).contains("integrity check failed"), "one DEBUG message with our userdata");
        System.out.println("log: " + messages);

        // Token requests: a Widevine request whose URL the player fetches with its own HTTP stack.
        com.sun.jna.ptr.PointerByReference reqRef = new com.sun.jna.ptr.PointerByReference();
        st = x.xpdrm_token_request_new(Xpdrm.XPDRM_DRM_WIDEVINE, reqRef);
        check(st == Xpdrm.XPDRM_OK, "token request new");
        Pointer req = reqRef.getValue();
        String[][] params = {{"kid", "^movie-42"}, {"kek", "000102030405060708090A0B0C0D0E0F"},
            {"ek", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"}, {"securityLevel", "1"},
            {"hdcpOutputControl", "1"}};
        for (String[] p : params) {
            check(x.xpdrm_token_request_set(req, p[0], p[1]) == Xpdrm.XPDRM_OK, "set " + p[0]);
        }
        check(x.xpdrm_token_request_set(req, "securityLevel", "9") != Xpdrm.XPDRM_OK, "bad securityLevel refused");
        st = x.xpdrm_token_request_url(req, null, size(0), len);
        check(st == Xpdrm.XPDRM_ERR_BUFFER_TOO_SMALL, "URL size query");
        byte[] url = new byte[(int) len.getValue() + 1];
        st = x.xpdrm_token_request_url(req, url, size(url.length), len);
        String u = new String(url, 0, (int) len.getValue(), java.nio.charset.StandardCharsets.UTF_8);
        check(st == Xpdrm.XPDRM_OK && u.startsWith("https://wv-gen.test.expressplay.com/hms/wv/token?")
                && u.contains("kid=%5Emovie-42") && u.contains("hdcpOutputControl=1"), "token URL");
        System.out.println("token request: status " + st + ", " + u.substring(0, u.indexOf('?')));
        x.xpdrm_token_request_free(req);
        x.xpdrm_token_request_free(null);

        if (failures != 0) {
            System.out.println("jvm: " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("jvm: OK");
    }
}
