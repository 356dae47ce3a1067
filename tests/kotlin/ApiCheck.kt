// Calls every public function of the Kotlin API (bindings/kotlin), bad input included, against the library
// of the test run; no servers (HTTP calls go to a port where nothing listens). Run by tests/kotlin.rs, which
// also checks that every public name of the API appears here or in FlowCheck.kt. Exits 1 on any failure.
import xpdrm.BindingDevice
import xpdrm.BindingService
import xpdrm.BindingStep
import xpdrm.DeviceIds
import xpdrm.Drm
import xpdrm.EntitlementRequest
import xpdrm.EntitlementResponse
import xpdrm.Environment
import xpdrm.Feature
import xpdrm.HttpCancel
import xpdrm.HttpClient
import xpdrm.HttpConfig
import xpdrm.HttpEvent
import xpdrm.HttpMethod
import xpdrm.HttpOperation
import xpdrm.HttpTrust
import xpdrm.KeyWrap
import xpdrm.LogLevel
import xpdrm.RequestType
import xpdrm.Status
import xpdrm.TokenPlacement
import xpdrm.TokenRequest
import xpdrm.TokenResponse
import xpdrm.Xpdrm
import xpdrm.XpdrmException
import java.io.File
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import java.util.Base64
import java.util.Collections
import java.util.Locale
import kotlin.system.exitProcess

private var checks = 0
private var failures = 0

private fun check(ok: Boolean, what: String) {
    checks++
    if (!ok) {
        println("FAILED: $what")
        failures++
    }
}

/** [block] must throw XpdrmException with [status]; returns it. */
private fun fails(status: Int, what: String, block: () -> Unit): XpdrmException? {
    try {
        block()
    } catch (e: XpdrmException) {
        check(e.status == status && e.statusName == Status.name(status) && e.message!!.startsWith(Status.name(status)),
            "$what: expected ${Status.name(status)}, got ${e.statusName}: ${e.message}")
        return e
    }
    check(false, "$what: expected ${Status.name(status)}, nothing was thrown")
    return null
}

private fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }
private fun unhex(s: String) = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

private const val SEES = "https://sees.example.com/entitlement"
private const val DUMMY = "00000000-0000-4000-8000-000000000001"
private const val CONTENT = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
private const val AUTH = "12345,00112233445566778899aabbccddeeff"
private const val DEVICE_ID = "0123456789ABCDEF0123456789ABCDEF"
private const val NOWHERE = "http://127.0.0.1:9/"

fun keyWrap() {
    val kek = unhex("000102030405060708090a0b0c0d0e0f")
    val key = unhex("00112233445566778899aabbccddeeff")
    val wrapped = KeyWrap.wrap(kek, key)
    check(hex(wrapped) == "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5", "RFC 3394 4.1 wrap")
    check(hex(KeyWrap.unwrap(kek, wrapped)) == hex(key), "unwrap")
    val padded = KeyWrap.wrapPadded(unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"), unhex("466f7250617369"))
    check(hex(padded) == "afbeb0f07dfbf5419200f2ccb50bb24f", "RFC 5649 wrap")
    check(hex(KeyWrap.unwrapPadded(unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"), padded)) == "466f7250617369", "RFC 5649 unwrap")
    val sample = KeyWrap.unwrapHex("11111111111111111111111111111111", "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6")
    println("unwrap: ${hex(sample)}")
    check(hex(sample) == "f2434ca0f6a7de822574bf2f8190f6cd", "ExpressPlay's sample")
    val secretKek = "11111111111111111111111111111111".toByteArray()
    check(hex(KeyWrap.unwrapHex(secretKek, "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6")) == hex(sample), "KEK as bytes")
    secretKek.fill(0)
    sample.fill(0)
    check(sample.all { it.toInt() == 0 }, "the caller wipes its key")
    // Bad input.
    fails(Status.ERR_INTEGRITY, "tampered") { KeyWrap.unwrapHex("11111111111111111111111111111111", "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B7") }
    fails(Status.ERR_INTEGRITY, "wrong KEK") { KeyWrap.unwrap(ByteArray(16), wrapped) }
    fails(Status.ERR_KEK_LENGTH, "short KEK") { KeyWrap.unwrap(ByteArray(15), wrapped) }
    fails(Status.ERR_WRAPPED_LENGTH, "short wrapped key") { KeyWrap.unwrap(kek, ByteArray(16)) }
    fails(Status.ERR_KEY_LENGTH, "odd key") { KeyWrap.wrap(kek, ByteArray(12)) }
    fails(Status.ERR_KEY_LENGTH, "empty padded key") { KeyWrap.wrapPadded(kek, ByteArray(0)) }
    fails(Status.ERR_INTEGRITY, "padded, wrong KEK") { KeyWrap.unwrapPadded(ByteArray(16), padded) }
    fails(Status.ERR_INVALID_HEX, "not hex") { KeyWrap.unwrapHex("xx", "00") }
    fails(Status.ERR_INVALID_UTF8, "bad UTF-8 in a KEK") { KeyWrap.unwrapHex(byteArrayOf(0xff.toByte(), 0x41), "00") }
}

fun library() {
    check(Xpdrm.version.startsWith("xpdrm/"), "version ${Xpdrm.version}")
    check(Xpdrm.hasFeature(Feature.HTTP) == Xpdrm.version.contains("http"), "feature http")
    check(Xpdrm.statusText(Status.ERR_INTEGRITY).startsWith("Key unwrap integrity check failed"), "status text")
    check(Xpdrm.statusText(123456) == "Unknown status code.", "unknown status text: ${Xpdrm.statusText(123456)}")
    check(Xpdrm.statusName(Status.ERR_POISONED) == "XPDRM_ERR_POISONED" && Status.ERR_INTERIOR_NUL == 11, "statuses 10, 11")
    com.sun.jna.Memory(16).use { m ->
        m.setMemory(0, 16, 0x5a)
        Xpdrm.wipe(m.share(4), 8)
        Xpdrm.wipe(null, 0)
        check((0L until 16L).all { m.getByte(it) == (if (it in 4L until 12L) 0 else 0x5a).toByte() }, "wipe")
    }
    check(Xpdrm.statusName(Status.ERR_INVALID_IV) == "XPDRM_ERR_INVALID_IV" && Xpdrm.statusName(123456) == "XPDRM_STATUS_123456", "names")
    check(Xpdrm.tokenHeaderName == "ExpressPlayToken", "header name")
    val e = XpdrmException(Status.ERR_INVALID_IV, "why")
    check(e.statusText == "Invalid iv parameter specified." && e.reason == "why", "exception: ${e.statusText}")
    check(LogLevel.of(3) == LogLevel.INFO && LogLevel.of(99) == LogLevel.TRACE, "log level of")
    check(RequestType.of(2) == RequestType.DEVICE_REGISTRATION && BindingStep.of(12) == BindingStep.DONE, "enum of")
    fails(Status.ERR_INVALID_ARGUMENT, "unknown request type") { RequestType.of(9) }
    fails(Status.ERR_INVALID_ARGUMENT, "unknown step") { BindingStep.of(99) }

    // The log callback as a Kotlin function; secrets never reach it.
    val messages = mutableListOf<String>()
    Xpdrm.setLogCallback(LogLevel.DEBUG) { level, message -> messages.add("$level $message") }
    fails(Status.ERR_INTEGRITY, "logged failure") { KeyWrap.unwrap(ByteArray(16), ByteArray(24)) }
    check(messages.any { it.startsWith("DEBUG") && it.contains("integrity check failed") }, "log: $messages")
    var inner: XpdrmException? = null
    Xpdrm.setLogCallback(LogLevel.TRACE) { _, _ ->
        if (inner == null) inner = try { Xpdrm.setLogCallback(LogLevel.TRACE, null); null } catch (x: XpdrmException) { x }
    }
    fails(Status.ERR_INTEGRITY, "logged failure 2") { KeyWrap.unwrap(ByteArray(16), ByteArray(24)) }
    check(inner?.status == Status.ERR_INVALID_ARGUMENT, "setLogCallback refuses to run inside the callback: $inner")
    Xpdrm.setLogCallback(LogLevel.ERROR, null)
    val before = messages.size
    fails(Status.ERR_INTEGRITY, "unlogged failure") { KeyWrap.unwrap(ByteArray(16), ByteArray(24)) }
    check(messages.size == before, "removed callback")
}

fun tokens() {
    TokenRequest(Drm.FAIRPLAY).use { req ->
        req.set("contentKey", "b366360da82e9c6e0b0984002a362cf2".toByteArray())
            .set("iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d")
            .set("expirationTime", "+3600")
        val bad = fails(Status.ERR_INVALID_IV, "short iv") { req.set("iv", "d5fbd6b8") }
        check(bad?.reason?.contains("iv") == true && req.lastError() == bad.reason, "reason: ${bad?.reason}")
        fails(Status.ERR_UNKNOWN_PARAMETER, "unknown name") { req.set("contentkey", "00") }
        fails(Status.ERR_KNOWN_PARAMETER, "unchecked for a listed name") { req.setUnchecked("iv", "00") }
        req.setUnchecked("x-trace", "abc").setUnchecked("x-secret", "s3cret".toByteArray()).unset("x-trace").unset("x-secret")
        fails(Status.ERR_INVALID_BASE_URL, "bad base URL") { req.setBaseUrl("ftp://example.com") }
        req.setClock(1_800_000_000L)
        val url = req.url()
        println("token url: $url")
        check(url.startsWith("https://fp-gen.test.expressplay.com/hms/fp/token?") && url.contains("contentKey=b366"), url)
        check(req.form().contains("iv=d5fbd6b82ed93e4ef98ae40931ee8d9d"), "form")
        check(req.redacted().contains("<redacted>") && !req.redacted().contains("b366360d"), "redacted ${req.redacted()}")
        req.setEnvironment(Environment.PRODUCTION)
        check(req.url().startsWith("https://fp-gen.service.expressplay.com/"), "production ${req.url()}")
        req.setBaseUrl("https://tokens.example.com/fp")
        check(req.url().startsWith("https://tokens.example.com/fp?"), "base ${req.url()}")
        req.unset("iv")
        fails(Status.ERR_INVALID_IV, "missing iv at build") { req.url() }
        check(!req.isClosed, "open")
    }
    // Several keys in one token (Widevine): indexed parameters.
    TokenRequest(Drm.WIDEVINE).use { req ->
        req.setIndexed("kid", 0, "b366360da82e9c6e0b0984002a362cf2")
            .setIndexed("contentKey", 0, "000102030405060708090a0b0c0d0e0f".toByteArray())
            .setIndexed("kid", 1, "c366360da82e9c6e0b0984002a362cf2")
            .setIndexed("contentKey", 1, "100102030405060708090a0b0c0d0e0f")
        check(req.redacted().contains("kid.1=c366360da82e9c6e0b0984002a362cf2"), "indexed: ${req.redacted()}")
        fails(Status.ERR_INVALID_ARGUMENT, "negative index") { req.setIndexed("kid", -1, "00") }
        val e = fails(Status.ERR_CONTENT_KEY_NOT_32_HEX, "short indexed key") { req.setIndexed("contentKey", 2, "0011") }
        check(e?.reason?.contains("contentKey.2") == true, "indexed reason: ${e?.reason}")
    }
    check(hex(TokenRequest.kidFromName("^kid1")) == "80ea8bc8a58f990ad1f76bc665b30bfa", "kid from name")
    fails(Status.ERR_INVALID_ARGUMENT, "kid name without ^") { TokenRequest.kidFromName("kid1") }
    fails(Status.ERR_KID_TOO_LONG, "long kid name") { TokenRequest.kidFromName("^" + "k".repeat(65)) }

    val closed = TokenRequest(Drm.WIDEVINE)
    closed.close()
    closed.close()
    check(closed.isClosed, "closed")
    try { closed.url(); check(false, "use after close") } catch (e: IllegalStateException) { check(true, "use after close") }

    val ok = "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    TokenResponse.parse(Drm.PLAYREADY, 200, "text/uri-list", ok.toByteArray()).use { r ->
        check(r.errorCode == 0 && r.licenseUrl() == ok, "uri-list")
        check(r.licenseBaseUrl() == "https://pr.test.expressplay.com/playready/RightsManager.asmx", r.licenseBaseUrl())
        check(r.token() == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", r.token())
        check(r.errorText() == "", "error text of a token: ${r.errorText()}")
    }
    TokenResponse.parse(Drm.PLAYREADY, 401, "application/json", """{"code":-2018,"message":"[-2018] Authentication token invalid"}""".toByteArray()).use { r ->
        check(r.errorCode == -2018 && r.errorText().contains("Authentication token invalid"), "error answer ${r.errorText()}")
        fails(Status.ERR_RESPONSE_IS_ERROR, "license URL of an error") { r.licenseUrl() }
    }
    fails(Status.ERR_RESPONSE_NO_LICENSE_URL, "2xx without a URL") { TokenResponse.parse(Drm.FAIRPLAY, 200, "text/uri-list", "nothing".toByteArray()) }
    fails(Status.ERR_INVALID_ARGUMENT, "HTTP status out of range") { TokenResponse.parse(Drm.FAIRPLAY, 70000, null, ByteArray(0)) }
    fails(Status.ERR_RESPONSE_NOT_UTF8, "bad UTF-8 body") { TokenResponse.parse(Drm.FAIRPLAY, 200, "text/uri-list", byteArrayOf(0xff.toByte())) }
}

// ExpressPlay's test-token tutorial: its MS3 answer's real `b` token (the page cuts the fragment: here the
// request's contentURL, percent-encoded), and an action token of the real shape.
private const val MS3_B = "AAwAAwAAAxkAAlRXPGAAECBR0l7K6dxdkxUSrLNplXUAcDb87DeJyouvcWEmW_-VnmUCGj3vNRJP5f3R_455AWnHcflhQYwJ-O1XUvJYJGK_xtVeEXdJ6DFnwSyo5sRo0ewSCcp-S3MDZGtH2KvXzPBawG45q-VUIc9h2qBpjlnbmqzDkSXpNDm8SwKE0v2MzY0AAAAU6O8AXt97WK0NMFGHgfcAidReoRE"
private const val MS3_ANSWER = "https://ms3.test.hostedmarlin.com:8443/hms/ms3/rights/?b=$MS3_B" +
    "#https%3A%2F%2Fwww.expressplay.com%2Fep%2Fvideo%2FExpressPlayerDASH-BBB%2Fstream.mpd"
private const val ACTION_TOKEN = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" +
    "<ActionToken xmlns=\"urn:marlin:broadband:1-2:nemo:services:action-token\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n" +
    "<ConfigurationInfo broadbandServiceId=\"urn:marlin:organization:seacert:eval-marlin-service:500\" configVersion=\"1\"/>\n" +
    "<LicenseAcquisitionAction><ContentId>bigbuckbunnyhls</ContentId></LicenseAcquisitionAction>\n" +
    "</ActionToken>\n"

/** Marlin MS3 and BB (issue 11): requests with their local statuses, the MS3 content URL, the BB action token. */
fun marlin() {
    check(Drm.MARLIN_MS3.code == 3 && Drm.MARLIN_BB.code == 4, "Marlin DRM codes")
    TokenRequest(Drm.MARLIN_MS3).use { req ->
        req.set("customerAuthenticator", AUTH).set("contentId", "urn:marlin:kid:67895432987623454756654729382341")
            .set("contentKey", "43210987123478904321098712340987".toByteArray())
            .set("contentURL", "https://www.expressplay.com/ep/video/ExpressPlayerDASH-BBB/stream.mpd")
        val url = req.url()
        println("ms3 url: ${req.redacted()}")
        check(url.contains("/hms/ms3/token?") && url.contains("contentURL=https"), "MS3 URL: ${req.redacted()}")
        check(!req.redacted().contains("43210987123478904321098712340987"), "MS3 key redacted: ${req.redacted()}")
        val e = fails(Status.ERR_MARLIN_INVALID_VALUE, "MS3 contentURL of another scheme") { req.set("contentURL", "ftp://h/x.mpd") }
        check(e?.reason?.startsWith("contentURL ") == true, "Marlin reason: ${e?.reason}")
        req.setIndexed("contentKey", 1, "12345678123456781234567812345678")
        fails(Status.ERR_MARLIN_PARAMETER_MISMATCH, "MS3 key without its ID") { req.url() }
        req.setIndexed("contentId", 1, "bigbuckbunnyhls")
        check(req.url().contains("contentId.1=bigbuckbunnyhls"), "MS3 indexed")
    }
    TokenRequest(Drm.MARLIN_BB).use { req ->
        req.set("customerAuthenticator", AUTH)
        fails(Status.ERR_MARLIN_MISSING_PARAMETER, "BB without actionTokenType") { req.url() }
        req.set("actionTokenType", "0")
        val e = fails(Status.ERR_MARLIN_MISSING_PARAMETER, "BB registration without userId") { req.url() }
        check(e?.reason?.contains("userId") == true, "BB reason: ${e?.reason}")
        req.set("userId", "555556")
        check(req.url().contains("/hms/bb/token?"), "BB URL: ${req.redacted()}")
        fails(Status.ERR_MARLIN_INVALID_VALUE, "BB actionTokenType 3") { req.set("actionTokenType", "3") }
        fails(Status.ERR_UNKNOWN_PARAMETER, "a FairPlay name for BB") { req.set("iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d") }
    }
    // The MS3 answer: the compound URL kept exactly, its b token, its content URL decoded.
    TokenResponse.parse(Drm.MARLIN_MS3, 200, "text/uri-list", "$MS3_ANSWER\r\n".toByteArray()).use { r ->
        check(r.errorCode == 0 && r.licenseUrl() == MS3_ANSWER && r.token() == MS3_B, "MS3 answer")
        check(r.licenseBaseUrl() == "https://ms3.test.hostedmarlin.com:8443/hms/ms3/rights/", r.licenseBaseUrl())
        check(r.contentUrl() == "https://www.expressplay.com/ep/video/ExpressPlayerDASH-BBB/stream.mpd", r.contentUrl())
        fails(Status.ERR_RESPONSE_NO_ACTION_TOKEN, "action token of an MS3 answer") { r.actionToken() }
    }
    TokenResponse.parse(Drm.MARLIN_MS3, 200, null, MS3_ANSWER.substringBefore('#').toByteArray()).use { r ->
        fails(Status.ERR_RESPONSE_NO_CONTENT_URL, "MS3 answer without a fragment") { r.contentUrl() }
    }
    fails(Status.ERR_RESPONSE_MS3_CONTENT_URL, "MS3 fragment of a bad escape") {
        TokenResponse.parse(Drm.MARLIN_MS3, 200, "text/uri-list", "${MS3_ANSWER.substringBefore('#')}#%".toByteArray())
    }
    fails(Status.ERR_RESPONSE_MS3_NO_TOKEN, "MS3 answer with an empty b") {
        TokenResponse.parse(Drm.MARLIN_MS3, 200, "text/uri-list", "https://h/hms/ms3/rights/?b=#x".toByteArray())
    }
    // The BB answer: the action token byte for byte; it is not a license URL.
    TokenResponse.parse(Drm.MARLIN_BB, 200, "application/vnd.marlin.drm.actiontoken+xml", ACTION_TOKEN.toByteArray()).use { r ->
        val token = r.actionToken()
        check(token.contentEquals(ACTION_TOKEN.toByteArray()), "action token byte for byte")
        token.fill(0)
        fails(Status.ERR_RESPONSE_IS_ACTION_TOKEN, "license URL of a BB answer") { r.licenseUrl() }
        fails(Status.ERR_RESPONSE_IS_ACTION_TOKEN, "token of a BB answer") { r.token() }
        fails(Status.ERR_RESPONSE_NO_CONTENT_URL, "content URL of a BB answer") { r.contentUrl() }
    }
    fails(Status.ERR_RESPONSE_ACTION_TOKEN_MALFORMED, "BB answer, unclosed") {
        TokenResponse.parse(Drm.MARLIN_BB, 200, "application/xml", ACTION_TOKEN.replace("</ActionToken>", "").toByteArray())
    }
    TokenResponse.parse(Drm.MARLIN_BB, 400, "text/html", "<html><body><h1>Error 400</h1><p>userId is missing</p></body></html>".toByteArray()).use { r ->
        check(r.errorCode != 0, "BB error answer ${r.errorCode}")
        fails(Status.ERR_RESPONSE_IS_ERROR, "action token of an error") { r.actionToken() }
        fails(Status.ERR_RESPONSE_IS_ERROR, "content URL of an error") { r.contentUrl() }
    }
    TokenResponse.parse(Drm.PLAYREADY, 200, "text/uri-list", "https://pr.test.expressplay.com/x?ExpressPlayToken=AAAA".toByteArray()).use { r ->
        fails(Status.ERR_RESPONSE_NO_CONTENT_URL, "content URL of a PlayReady answer") { r.contentUrl() }
        fails(Status.ERR_RESPONSE_NO_ACTION_TOKEN, "action token of a PlayReady answer") { r.actionToken() }
    }
}

fun deviceIds() {
    check(DeviceIds.match(" $DEVICE_ID ", DEVICE_ID.toLowerCase()), "match")
    check(!DeviceIds.match(DEVICE_ID, "0123"), "no match")
    fails(Status.ERR_DEVICE_ID_EMPTY, "empty ID") { DeviceIds.match("  ", DEVICE_ID) }
    val fp = DeviceIds.fingerprint(DEVICE_ID)
    check(fp.length == 64 && fp == DeviceIds.fingerprint(DEVICE_ID.toLowerCase()), "fingerprint $fp")
    fails(Status.ERR_INPUT_TOO_LARGE, "huge ID") { DeviceIds.fingerprint("a".repeat(2000)) }
    val c1 = DeviceIds.generateCookie()
    check(c1.length == 32 && c1 != DeviceIds.generateCookie(), "cookies $c1")
}

fun sees() {
    EntitlementRequest(CONTENT, RequestType.TIME_BASED, "cookie-1").use { req ->
        check(req.status == 0 && req.version == 1 && req.requestType == RequestType.TIME_BASED, "new request: ${req.reason()}")
        check(req.contentId == CONTENT && req.customerCookie == "cookie-1" && req.messageId.length == 36, "fields")
        val json = req.toJson()
        EntitlementRequest.parse(json.toByteArray()).use { back ->
            check(back.status == 0 && back.messageId == req.messageId && back.customerCookie == "cookie-1", "parsed back")
        }
        EntitlementResponse(req, true, "https://pr.test.expressplay.com/x?ExpressPlayToken=T").use { grant ->
            val answer = grant.toJson()
            EntitlementResponse.parse(req, answer.toByteArray()).use { r ->
                check(r.status == 0 && r.isAllowed && r.messageId == req.messageId, "grant ${r.reason()}")
                check(r.epTokenUrl() == "https://pr.test.expressplay.com/x?ExpressPlayToken=T" && r.errorText == null, "grant fields")
                check(r.error == null, "error of a grant: ${r.error}")
            }
        }
        EntitlementResponse(req, false).setError(7, "not entitled").use { denial ->
            EntitlementResponse.parse(req, denial.toJson().toByteArray()).use { r ->
                check(r.status == Status.ERR_SEES_DENIED && !r.isAllowed && r.error == 7 && r.errorText == "not entitled", "denial")
                fails(Status.ERR_SEES_DENIED, "token URL of a denial") { r.epTokenUrl() }
            }
        }
        EntitlementResponse.parse(req, """{"messageID":"00000000-0000-4000-8000-000000000009","version":1,"isAllowed":true}""".toByteArray()).use { r ->
            check(r.status == Status.ERR_SEES_MESSAGE_ID_MISMATCH && r.reason().contains("messageID"), "mismatch: ${r.reason()}")
        }
        EntitlementResponse.parse(req, "{".toByteArray()).use { r -> check(r.status == Status.ERR_SEES_MALFORMED_JSON, "malformed") }
    }
    EntitlementRequest(CONTENT, RequestType.TIME_BASED).use { req -> check(req.customerCookie == null, "no cookie") }
    fails(Status.ERR_INVALID_ARGUMENT, "unspecified request type") { EntitlementRequest(CONTENT, RequestType.UNSPECIFIED) }
    fails(Status.ERR_SEES_INVALID_FIELD, "bad content ID") { EntitlementRequest("not-a-guid", RequestType.TIME_BASED) }
    fails(Status.ERR_SEES_FIELD_TOO_LONG, "long cookie") { EntitlementRequest(CONTENT, RequestType.TIME_BASED, "c".repeat(33)) }
    EntitlementRequest.parse("""{"messageID":"x","version":1,"contentID":"$CONTENT"}""".toByteArray()).use { bad ->
        check(bad.status == Status.ERR_SEES_INVALID_FIELD && bad.reason().contains("messageID"), "refused request: ${bad.reason()}")
        fails(Status.ERR_SEES_INVALID_FIELD, "field of a refused request") { bad.contentId }
    }
}

/** Both sides of the device-binding flow, sans-IO, with answers made here. */
fun binding() {
    BindingDevice(SEES, DUMMY, CONTENT).use { dev ->
        val cookie = dev.cookie
        check(cookie.length == 32 && dev.step == BindingStep.REGISTER, "new device flow: ${dev.reason()}")
        fails(Status.ERR_BINDING_WRONG_STATE, "bound request first") { dev.boundRequest() }
        fails(Status.ERR_BINDING_WRONG_STATE, "token URL first") { dev.tokenUrl() }
        val reg = dev.registrationRequest()
        val regBody = reg.use { r ->
            check(r.method == "POST" && r.url() == SEES && r.redactedUrl() == SEES, "registration request")
            check(r.headers() == listOf("Content-Type" to "application/json", "Accept" to "application/json"), "headers ${r.headers()}")
            r.body()
        }
        check(reg.isClosed, "closed by use")
        val template = TokenRequest(Drm.PLAYREADY)
        for ((n, v) in listOf("kid" to "b366360da82e9c6e0b0984002a362cf2", "contentKey" to "000102030405060708090a0b0c0d0e0f",
                "rightsType" to "BuyToOwn", "analogVideoOPL" to "0", "compressedDigitalAudioOPL" to "0",
                "compressedDigitalVideoOPL" to "0", "uncompressedDigitalAudioOPL" to "0", "uncompressedDigitalVideoOPL" to "100")) {
            template.set(n, v)
        }
        fun service(body: ByteArray): BindingService {
            val svc = BindingService(Drm.PLAYREADY, AUTH.toByteArray())
                .setRecordBaseUrl("http://127.0.0.1:9/getrecord/").setExpiration(600).setTokenTemplate(template)
            EntitlementRequest.parse(body).use { svc.begin(it) }
            return svc
        }
        service(regBody).use { svc ->
            check(svc.step == BindingStep.REQUEST_TOKEN, "service at ${svc.step}")
            svc.tokenRequest().use { t -> check(t.url() == "https://pr-gen.test.expressplay.com/hms/pr/token" && t.redactedUrl() == t.url(), t.url()) }
            svc.handleResponse(200, "application/json",
                """{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"REGISTRATION-TOKEN"}""".toByteArray())
            check(svc.step == BindingStep.DONE && svc.reason().isNotEmpty(), "service done: ${svc.reason()}")
            svc.entitlementResponse().use { a -> dev.handleResponse(200, "application/json", a.toJson().toByteArray()) }
        }
        check(dev.step == BindingStep.SEND_SPC, "device at ${dev.step}")
        dev.spcRequest("SPC!".toByteArray()).use { s ->
            check(s.url().endsWith("ExpressPlayToken=REGISTRATION-TOKEN") && s.redactedUrl().endsWith("?<redacted>"), s.redactedUrl())
            check(String(s.body()) == "SPC!", "SPC body")
        }
        dev.handleResponse(200, null, "ckc".toByteArray())
        val boundBody = dev.boundRequest().use { it.body() }
        service(boundBody).use { svc ->
            check(svc.step == BindingStep.LOOKUP_RECORD, "lookup step ${svc.step}")
            svc.recordRequest().use { r -> check(r.method == "GET" && r.redactedUrl() == "http://127.0.0.1:9/getrecord/?<redacted>", r.redactedUrl()) }
            svc.handleResponse(200, "application/json", """[{"cookie":"$cookie","deviceId":"$DEVICE_ID"}]""".toByteArray())
            check(svc.deviceIdFingerprint() == DeviceIds.fingerprint(DEVICE_ID), "fingerprint")
            svc.tokenRequest().use { t -> check(String(t.body()).contains("deviceId=0123456789abcdef0123456789abcdef"), "bound token request") }
            svc.handleResponse(200, "application/json",
                """{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"BOUND-TOKEN"}""".toByteArray())
            svc.entitlementResponse().use { a -> dev.handleResponse(200, "application/json", a.toJson().toByteArray()) }
        }
        check(dev.step == BindingStep.DONE && dev.tokenUrl().endsWith("ExpressPlayToken=BOUND-TOKEN"), "device done")
        template.close()
    }
    // Bad input and failures.
    fails(Status.ERR_INVALID_BASE_URL, "bad SEES URL") { BindingDevice("not a url", DUMMY, CONTENT) }
    BindingDevice(SEES, DUMMY, CONTENT, "my-cookie").use { dev ->
        check(dev.cookie == "my-cookie", "own cookie")
        dev.registrationRequest().close()
        fails(Status.ERR_SEES_MALFORMED_JSON, "garbage answer") { dev.handleResponse(200, "application/json", "{".toByteArray()) }
        check(dev.step == BindingStep.FAILED && dev.reason().isNotEmpty(), "failed flow: ${dev.reason()}")
        fails(Status.ERR_BINDING_FAILED, "after failure") { dev.spcRequest(ByteArray(1)) }
        fails(Status.ERR_INVALID_ARGUMENT, "HTTP status out of range") { dev.handleResponse(-1, null, ByteArray(0)) }
    }
    fails(Status.ERR_INVALID_AUTHENTICATOR, "bad authenticator") { BindingService(Drm.PLAYREADY, "nope") }
    BindingService(Drm.PLAYREADY, AUTH).use { svc ->
        fails(Status.ERR_INVALID_BASE_URL, "bad token base URL") { svc.setTokenBaseUrl("nope") }
        svc.setTokenBaseUrl("https://tokens.example.com/pr")
        fails(Status.ERR_INVALID_ARGUMENT, "expiration out of range") { svc.setExpiration(-1) }
        svc.setExpectedDeviceId(DEVICE_ID)
        fails(Status.ERR_BINDING_WRONG_STATE, "device ID before begin") { svc.setDeviceId(DEVICE_ID) }
        fails(Status.ERR_BINDING_WRONG_STATE, "record request before begin") { svc.recordRequest() }
        fails(Status.ERR_BINDING_WRONG_STATE, "answer before begin") { svc.handleResponse(200, null, ByteArray(0)) }
        fails(Status.ERR_BINDING_WRONG_STATE, "entitlement response before the end") { svc.entitlementResponse() }
        check(svc.step == BindingStep.BEGIN, "service step ${svc.step}")
    }
}

fun http() {
    if (!Xpdrm.hasFeature(Feature.HTTP)) {
        fails(Status.ERR_FEATURE_DISABLED, "a build without http") { HttpConfig() }
        return
    }
    HttpConfig().use { cfg ->
        cfg.setTimeouts(2000, 2000, 5000).setMaxResponseSize(65536).setRetry(1, 10, 100).setUserAgent("api-check/1.0")
        check(cfg.reason() == "", "no reason yet")
        val bad = fails(Status.ERR_HTTP_BAD_PEM, "bad PEM") { cfg.addCaPem("not a certificate".toByteArray()) }
        check(bad?.reason?.isNotEmpty() == true && cfg.reason().isNotEmpty(), "PEM reason: ${cfg.reason()}")
        fails(Status.ERR_HTTP_BAD_PEM, "bad client cert") { cfg.setClientCertPem("x".toByteArray(), "y".toByteArray()) }
        fails(Status.ERR_INVALID_ARGUMENT, "zero timeout") { cfg.setTimeouts(0, 0, 0) }
        fails(Status.ERR_INVALID_ARGUMENT, "negative size") { cfg.setMaxResponseSize(-5) }
        fails(Status.ERR_INVALID_ARGUMENT, "too many attempts") { cfg.setRetry(99, 10, 100) }
        fails(Status.ERR_INVALID_ARGUMENT, "bad user agent") { cfg.setUserAgent("a\nb") }
        HttpClient(cfg).use { client ->
            BindingDevice("${NOWHERE}sees", DUMMY, CONTENT).use { dev ->
                val e = fails(Status.ERR_HTTP_CONNECT, "execute to nowhere") { dev.registrationRequest().use { client.execute(it).close() } }
                check(e?.reason?.isNotEmpty() == true, "transport reason: ${e?.reason}")
            }
            TokenRequest(Drm.FAIRPLAY).use { req ->
                req.set("contentKey", "b366360da82e9c6e0b0984002a362cf2").set("iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d").setBaseUrl("${NOWHERE}fp")
                fails(Status.ERR_HTTP_CONNECT, "fetch from nowhere") { client.fetchToken(req, HttpMethod.POST) }
                fails(Status.ERR_HTTP_CONNECT, "fetch (GET) from nowhere") { client.fetchToken(req) }
            }
            fails(Status.ERR_HTTP_CONNECT, "redeem at nowhere") { client.redeemLicense("${NOWHERE}lic?ExpressPlayToken=T", "SPC".toByteArray(), TokenPlacement.IN_URL) }
            fails(Status.ERR_RESPONSE_NO_TOKEN, "no token for a header") { client.redeemLicense("${NOWHERE}lic", "SPC".toByteArray(), TokenPlacement.IN_HEADER) }
            fails(Status.ERR_INVALID_ARGUMENT, "empty challenge") { client.redeemLicense("${NOWHERE}lic?ExpressPlayToken=T", ByteArray(0)) }
            fails(Status.ERR_HTTP_INVALID_URL, "redeem at a bad URL") { client.redeemLicense("nope", ByteArray(1)) }
            EntitlementRequest(CONTENT, RequestType.TIME_BASED).use { req ->
                fails(Status.ERR_HTTP_CONNECT, "SEES at nowhere") { client.exchangeEntitlement("${NOWHERE}sees", req) }
            }
            fails(Status.ERR_HTTP_CONNECT, "getrecord at nowhere") { client.lookupRecord("${NOWHERE}getrecord/", AUTH, "cookie") }
            fails(Status.ERR_INVALID_AUTHENTICATOR, "getrecord, bad authenticator") { client.lookupRecord("${NOWHERE}getrecord/", "x".toByteArray(), "cookie") }
            BindingDevice("${NOWHERE}sees", DUMMY, CONTENT).use { dev ->
                fails(Status.ERR_HTTP_CONNECT, "device flow against nowhere") { client.runDeviceBinding(dev, "SPC".toByteArray()) }
            }
            BindingService(Drm.PLAYREADY, AUTH).use { svc ->
                fails(Status.ERR_BINDING_WRONG_STATE, "service flow before begin") { client.runBindingService(svc) }
            }
        }
    }
}

/**
 * A plain HTTP server on 127.0.0.1 for at most [connections] connections (one request each): it reads the
 * request (head and Content-Length body), records its head, and sends [answer] and closes; with a null
 * [answer] it never answers and holds the connection until [close]. A daemon thread; accept waits 10 s.
 */
private class LocalServer(private val answer: String?, connections: Int) : java.io.Closeable {
    private val socket = ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))
    val url = "http://127.0.0.1:${socket.localPort}/"
    val heads: MutableList<String> = Collections.synchronizedList(mutableListOf<String>())
    private val held: MutableList<Socket> = Collections.synchronizedList(mutableListOf<Socket>())

    init {
        socket.soTimeout = 10000
        val thread = Thread {
            try {
                repeat(connections) {
                    val s = socket.accept()
                    held.add(s)
                    s.soTimeout = 10000
                    val input = s.getInputStream()
                    val head = StringBuilder()
                    while (!head.endsWith("\r\n\r\n")) {
                        val b = input.read()
                        if (b < 0) break
                        head.append(b.toChar())
                    }
                    val length = Regex("(?im)^content-length: *([0-9]+)").find(head)?.groupValues?.get(1)?.toInt() ?: 0
                    repeat(length) { input.read() }
                    heads.add(head.toString())
                    if (answer != null) {
                        s.getOutputStream().write(answer.toByteArray())
                        s.getOutputStream().flush()
                        s.close()
                    }
                }
            } catch (e: java.io.IOException) {
                // closed or timed out: the check that needed the connection fails on its own
            }
        }
        thread.isDaemon = true
        thread.start()
    }

    override fun close() {
        socket.close()
        synchronized(held) { held.forEach { it.close() } }
    }
}

/** An HTTP date [hours] from now. */
private fun httpDate(hours: Long): String =
    DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(hours))

private fun answer(status: String, vararg headers: String) =
    "HTTP/1.1 $status\r\n" + headers.joinToString("") { "$it\r\n" } + "Content-Length: 2\r\nConnection: close\r\n\r\nok"

// A self-signed P-256 certificate and its pin, computed by OpenSSL:
// openssl x509 -in c.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256
private const val CERT_PEM = """-----BEGIN CERTIFICATE-----
MIIBgjCCASmgAwIBAgIUfJCI1JR3W6v/C99YVl9oSnhaAU4wCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLcGluLmV4YW1wbGUwIBcNMjYxMjAyMDIwMDUzWhgPMjEyNjEx
MDgwMjAwNTNaMBYxFDASBgNVBAMMC3Bpbi5leGFtcGxlMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAECSuF0Smkkm6aEBZJP6cOhNpO4rfx2EEWNjg0saehHgoE8Gux
o3RjXYNUNrcWjmzY0nP0eZ93oe/x7S9o279lh6NTMFEwHQYDVR0OBBYEFC3Ar38I
gGjgB7Bqs7UhDmCsE8RmMB8GA1UdIwQYMBaAFC3Ar38IgGjgB7Bqs7UhDmCsE8Rm
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgb0XiEtcCdQo2u9TN
RyzvToMimGBHXc+n7FBHAUtNRo0CIDkkM1pupWE9OjqGwcVF9CEccNF0zNvfZeNy
HCzJjnd2
-----END CERTIFICATE-----
"""
private const val CERT_PIN = "2afcd50b9bc559850ad49e4a97cb1bcaf34deeed0888a06ccb25ffee91f19673"

/** A registration request of a device whose SEES is [url] + "sees" (a POST: never retried). */
private fun <T> post(client: HttpClient, url: String, block: (xpdrm.HttpResponse) -> T): T =
    BindingDevice("${url}sees", DUMMY, CONTENT).use { dev -> dev.registrationRequest().use { req -> client.execute(req).use(block) } }

/** A client whose config (closed now) sends its events to [events]. */
private fun clientWithEvents(events: MutableList<HttpEvent>): HttpClient =
    HttpConfig().setTimeouts(2000, 3000, 5000).setRetry(1, 10, 100).setEventCallback { events.add(it) }.use { HttpClient(it) }

/** Issue 12's additions: trust, pins, proxy, the event callback, response headers, the clock offset, cancel. */
fun httpNet() {
    if (!Xpdrm.hasFeature(Feature.HTTP)) {
        fails(Status.ERR_FEATURE_DISABLED, "a cancel handle without http") { HttpCancel() }
        fails(Status.ERR_FEATURE_DISABLED, "a pin without http") { HttpConfig.pinOfCertPem(CERT_PEM.toByteArray()) }
        return
    }
    // Pins.
    check(HttpConfig.pinOfCertPem(CERT_PEM.toByteArray()) == CERT_PIN, "pin of the certificate: OpenSSL's")
    fails(Status.ERR_HTTP_BAD_PEM, "pin of no certificate") { HttpConfig.pinOfCertPem("not a certificate".toByteArray()) }
    fails(Status.ERR_HTTP_BAD_PEM, "pin of nothing") { HttpConfig.pinOfCertPem(ByteArray(0)) }
    HttpConfig().use { cfg ->
        val raw = ByteArray(32) { (it * 7).toByte() }
        cfg.addPin(CERT_PIN).addPin(CERT_PIN).addPin(CERT_PIN.chunked(2).joinToString(":"))
            .addPin("sha256/" + Base64.getEncoder().encodeToString(raw)).addPin(Base64.getEncoder().withoutPadding().encodeToString(raw))
        check(cfg.reason() == "", "no reason after good pins: ${cfg.reason()}")
        val bad = fails(Status.ERR_INVALID_ARGUMENT, "a pin of 31 bytes") { cfg.addPin(CERT_PIN.substring(2)) }
        check(bad?.reason?.isNotEmpty() == true, "pin reason: ${bad?.reason}")
        fails(Status.ERR_INVALID_ARGUMENT, "a pin of 33 bytes (base64)") { cfg.addPin(Base64.getEncoder().encodeToString(ByteArray(33))) }
        fails(Status.ERR_INVALID_ARGUMENT, "a pin that is neither hex nor base64") { cfg.addPin("not a pin") }
        fails(Status.ERR_INVALID_ARGUMENT, "an empty pin") { cfg.addPin("") }
        fails(Status.ERR_INVALID_ARGUMENT, "a pin with a NUL") { cfg.addPin(CERT_PIN + "\u0000") }
        cfg.clearPins()
        for (i in 0 until 16) cfg.addPin("%064x".format(i + 1))
        fails(Status.ERR_INVALID_ARGUMENT, "a 17th pin") { cfg.addPin("%064x".format(17)) }
        cfg.clearPins().addPin("%064x".format(17))
    }
    // Trust.
    HttpConfig().use { cfg ->
        cfg.setTrust(HttpTrust.BUILT_IN).setTrust(HttpTrust.ADDED_ONLY)
        val bundle = File("/etc/ssl/certs/ca-certificates.crt")
        if (System.getenv("SSL_CERT_FILE") == null && System.getenv("SSL_CERT_DIR") == null && bundle.isFile) {
            cfg.setTrust(HttpTrust.SYSTEM)
        } else {
            try {
                cfg.setTrust(HttpTrust.SYSTEM)
            } catch (e: XpdrmException) {
                check(e.status == Status.ERR_HTTP_TRUST_STORE, "system trust: ${e.message}")
            }
        }
        cfg.setTrust(HttpTrust.BUILT_IN)
    }
    // Proxy: bad input changes nothing.
    HttpConfig().use { cfg ->
        for (url in listOf("ftp://127.0.0.1:3128", "https://127.0.0.1:3128", "http://user@127.0.0.1:3128", "http://127.0.0.1:3128/path",
                           "http://127.0.0.1:3128?q", "127.0.0.1:3128", "", "http://127.0.0.1:3128\u0000x", "http://127.0.0.1 :3128")) {
            val e = fails(Status.ERR_INVALID_ARGUMENT, "proxy URL ${url.replace("\u0000", "\\0")}") { cfg.setProxy(url) }
            check(e?.reason?.contains("prox") == true, "proxy reason: ${e?.reason}")
        }
        fails(Status.ERR_INVALID_ARGUMENT, "credentials without a proxy") { cfg.setProxy(null, "user") }
        fails(Status.ERR_INVALID_ARGUMENT, "a no-proxy list without a proxy") { cfg.setProxy(null, noProxy = "localhost") }
        fails(Status.ERR_INVALID_ARGUMENT, "a password without a user name") { cfg.setProxy("http://127.0.0.1:3128", null, "pw".toByteArray()) }
        fails(Status.ERR_INVALID_ARGUMENT, "a user name with a colon") { cfg.setProxy("http://127.0.0.1:3128", "a:b", "pw") }
        fails(Status.ERR_INVALID_ARGUMENT, "a password with a NUL") { cfg.setProxy("http://127.0.0.1:3128", "user", "p\u0000w") }
        fails(Status.ERR_INVALID_ARGUMENT, "a no-proxy list with a NUL") { cfg.setProxy("http://127.0.0.1:3128", noProxy = "a\u0000b") }
        val deadProxy = ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")).use { "http://127.0.0.1:${it.localPort}" }
        cfg.setProxy("http://127.0.0.1:3128").setProxy(null).setProxy(deadProxy, "user", "secret", ".example.com")
        cfg.setTimeouts(2000, 2000, 5000).setRetry(1, 10, 100)
        HttpClient(cfg).use { client ->
            // NOWHERE is 127.0.0.1, which the list does not name: through the proxy, which is not there.
            // (With credentials, as here: the proxy's URI then holds them, and the library has to see that it
            // is the proxy that cannot be reached.)
            fails(Status.ERR_HTTP_PROXY_CONNECT, "a proxy that is not there") { post(client, NOWHERE) { it.status } }
            fails(Status.ERR_HTTP_PROXY_CONNECT, "a proxy that is not there (https)") { TokenRequest(Drm.FAIRPLAY).use { req ->
                req.set("contentKey", "b366360da82e9c6e0b0984002a362cf2").set("iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d").setBaseUrl("https://127.0.0.1:9/fp")
                client.fetchToken(req) } }
        }
        // A proxy that wants credentials: it sees a CONNECT to the server with the user's, and answers 407.
        LocalServer(answer("407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"x\""), 1).use { proxy ->
            cfg.setProxy(proxy.url.trimEnd('/'), "user", "secret".toByteArray())
            HttpClient(cfg).use { client ->
                fails(Status.ERR_HTTP_PROXY_AUTH_REQUIRED, "proxy 407") { post(client, "http://127.0.0.1:9/") { it.status } }
            }
            val head = proxy.heads.firstOrNull() ?: ""
            check(head.startsWith("CONNECT 127.0.0.1:9 HTTP/1.1\r\n"), "proxy request: $head")
            val credentials = Base64.getEncoder().encodeToString("user:secret".toByteArray())
            check(head.contains(Regex("(?i)proxy-authorization: basic $credentials\r\n")), "proxy credentials: $head")
        }
        cfg.setProxy(null)
        HttpClient(cfg).use { client -> fails(Status.ERR_HTTP_CONNECT, "proxy removed") { post(client, NOWHERE) { it.status } } }
    }
    // Events, headers and the clock offset against a local server.
    val events: MutableList<HttpEvent> = Collections.synchronizedList(mutableListOf<HttpEvent>())
    val client = clientWithEvents(events)
    repeat(3) { System.gc() } // the client's callback must outlive its config, closed and unreachable
    client.use {
        check(client.clockOffsetMs == null, "no clock offset before an answer")
        LocalServer(answer("200 OK", "Date: ${httpDate(1)}", "X-Twice: a", "x-twice: b", "Content-Type: text/plain"), 1).use { server ->
            post(client, server.url) { resp ->
                check(resp.status == 200, "status ${resp.status}")
                check(resp.header("date")?.endsWith(" GMT") == true, "Date: ${resp.header("date")}")
                check(resp.header("X-TWICE") == "a, b", "X-Twice: ${resp.header("X-TWICE")}")
                check(resp.header("Retry-After") == null, "no Retry-After")
                fails(Status.ERR_INVALID_ARGUMENT, "a header name with a NUL") { resp.header("Date\u0000x") }
            }
        }
        val offset = client.clockOffsetMs
        check(offset != null && offset in 3595000..3605000, "clock offset $offset ms")
        check(events.size == 1, "one event: $events")
        events.firstOrNull()?.let { e ->
            check(e.operation == HttpOperation.EXECUTE && e.host == "127.0.0.1" && e.path == "/sees" && e.attempt == 1L, "event: $e")
            check(e.connectUs >= 0 && e.tlsUs == -1L && e.firstByteUs >= 0 && e.totalUs >= e.firstByteUs, "event times: $e")
            check(e.httpStatus == 200 && e.expressPlayCode == 0 && e.outcome == Status.OK && e.retryAfterMs == -1L && !e.reusedConnection, "event: $e")
        }
        events.clear()
        LocalServer(answer("503 Service Unavailable", "Retry-After: 7"), 1).use { server ->
            post(client, server.url) { resp -> check(resp.status == 503 && resp.header("retry-after") == "7", "503 ${resp.header("retry-after")}") }
        }
        check(events.singleOrNull()?.retryAfterMs == 7000L && events.single().httpStatus == 503, "Retry-After event: $events")
        events.clear()
        fails(Status.ERR_HTTP_CONNECT, "nowhere") { post(client, NOWHERE) { it.status } }
        events.singleOrNull().let { e ->
            check(e != null && e.outcome == Status.ERR_HTTP_CONNECT && e.httpStatus == 0 && e.firstByteUs == -1L, "failed attempt: $e")
        }

        // Cancel: fired before the call, nothing is sent.
        HttpCancel().use { cancel ->
            check(!cancel.isFired, "a new handle has not fired")
            client.setCancel(cancel)
            cancel.fire()
            cancel.fire()
            check(cancel.isFired, "fired")
            LocalServer(answer("200 OK"), 1).use { server ->
                fails(Status.ERR_HTTP_CANCELLED, "a call on a fired handle") { post(client, server.url) { it.status } }
                Thread.sleep(100)
                check(server.heads.isEmpty(), "nothing was sent: ${server.heads}")
                cancel.reset()
                check(!cancel.isFired, "reset")
                post(client, server.url) { check(it.status == 200, "after reset: ${it.status}") }
            }
            // Fired from other threads (several at once) while the call waits for an answer that never comes.
            LocalServer(null, 1).use { silent ->
                val firers = (1..4).map { Thread { Thread.sleep(300); cancel.fire() } }
                firers.forEach { it.start() }
                val start = System.nanoTime()
                fails(Status.ERR_HTTP_CANCELLED, "a blocked call, cancelled") { post(client, silent.url) { it.status } }
                val ms = (System.nanoTime() - start) / 1_000_000
                check(ms in 250..2500, "cancelled after $ms ms (the read timeout is 3000)")
                firers.forEach { it.join() }
                check(silent.heads.size == 1, "the request had been sent")
            }
            check(events.lastOrNull()?.outcome == Status.ERR_HTTP_CANCELLED, "cancelled attempt's event: ${events.lastOrNull()}")
            // Detached, the fired handle no longer applies.
            client.setCancel(null)
            LocalServer(answer("200 OK"), 1).use { server -> post(client, server.url) { check(it.status == 200, "detached: ${it.status}") } }
            client.setCancel(cancel)
        }
        // The client keeps watching a handle closed on the Kotlin side (it holds its own reference).
        val closed = HttpCancel()
        client.setCancel(closed)
        closed.fire()
        closed.close()
        fails(Status.ERR_HTTP_CANCELLED, "a fired handle, closed in Kotlin") { post(client, NOWHERE) { it.status } }
        client.setCancel(null)
        fails(Status.ERR_HTTP_CONNECT, "detached again") { post(client, NOWHERE) { it.status } }
        closed.close()
        check(closed.isClosed, "closed")
        try {
            closed.fire()
            check(false, "fire after close")
        } catch (e: IllegalStateException) {
        }
        try {
            client.setCancel(closed)
            check(false, "attach a closed handle")
        } catch (e: IllegalStateException) {
        }
        // A callback that throws: dropped, the call works (and nothing reaches stderr).
        HttpConfig().setEventCallback { throw IllegalStateException("from the callback") }.use { cfg ->
            HttpClient(cfg).use { other ->
                LocalServer(answer("200 OK"), 1).use { server -> post(other, server.url) { check(it.status == 200, "throwing callback: ${it.status}") } }
            }
            cfg.setEventCallback(null)
        }
    }
    check(HttpOperation.of(6) == HttpOperation.BINDING_SERVICE, "operation of 6")
    fails(Status.ERR_INVALID_ARGUMENT, "operation of 7") { HttpOperation.of(7) }
}

fun main() {
    val parts = listOf(::library, ::keyWrap, ::tokens, ::marlin, ::deviceIds, ::sees, ::binding, ::http, ::httpNet)
    for (part in parts) {
        try {
            part()
        } catch (e: Throwable) {
            check(false, "${part.name} threw $e")
            e.printStackTrace(System.out)
        }
    }
    if (failures != 0) {
        println("api: $failures of $checks checks FAILED")
        exitProcess(1)
    }
    println("api: OK ($checks checks, ${Xpdrm.version})")
}
