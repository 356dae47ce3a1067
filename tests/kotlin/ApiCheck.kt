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
import xpdrm.HttpClient
import xpdrm.HttpConfig
import xpdrm.HttpMethod
import xpdrm.KeyWrap
import xpdrm.LogLevel
import xpdrm.RequestType
import xpdrm.Status
import xpdrm.TokenPlacement
import xpdrm.TokenRequest
import xpdrm.TokenResponse
import xpdrm.Xpdrm
import xpdrm.XpdrmException
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
    fails(Status.ERR_INVALID_ARGUMENT, "bad SEES URL") { BindingDevice("not a url", DUMMY, CONTENT) }
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

fun main() {
    val parts = listOf(::library, ::keyWrap, ::tokens, ::deviceIds, ::sees, ::binding, ::http)
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
