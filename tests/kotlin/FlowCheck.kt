// A Kotlin program that knows only the Kotlin API (bindings/kotlin): it fetches a token from the local
// ExpressPlay-compatible server, unwraps a content key from a license, and runs the device-binding flow of
// SEES over mutual TLS, as a player would. The servers' addresses, certificates and test data come in
// XPDRM_TEST_* variables (tests/kotlin.rs starts the servers). Exits 1 on any failure.
import xpdrm.BindingDevice
import xpdrm.BindingStep
import xpdrm.Drm
import xpdrm.HttpClient
import xpdrm.HttpConfig
import xpdrm.HttpMethod
import xpdrm.KeyWrap
import xpdrm.Status
import xpdrm.TokenPlacement
import xpdrm.TokenRequest
import xpdrm.XpdrmException
import java.io.File
import kotlin.system.exitProcess

private fun env(name: String): String = System.getenv(name) ?: throw IllegalStateException("$name is not set")

private fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }

/** The test license's "ek" (the content key wrapped under the device's KEK). */
private fun licenseEk(license: ByteArray): String =
    Regex("\"ek\":\"([0-9a-fA-F]+)\"").find(String(license, Charsets.UTF_8))?.groupValues?.get(1)
        ?: throw IllegalStateException("the license holds no ek")

/** The stand-in SPC of a device (xpdrm's test format; a real DRM makes its own). */
private fun spc(deviceId: String) = "XPDRM-TEST-SPC 1\ndevice_id=$deviceId\n".toByteArray()

fun main() {
    val key = File(env("XPDRM_TEST_CLIENT_KEY_PEM")).readBytes()
    val client = HttpConfig().use { cfg ->
        cfg.addCaPem(File(env("XPDRM_TEST_CA_PEM")).readBytes())
            .setClientCertPem(File(env("XPDRM_TEST_CLIENT_CERT_PEM")).readBytes(), key)
            .setTimeouts(5000, 10000, 30000)
            .setUserAgent("xpdrm-kotlin-flow/1.0")
        HttpClient(cfg)
    }
    key.fill(0)
    var ok = true
    client.use {
        // 1. A token for the content, fetched from the token server with the customer authenticator.
        val auth = env("XPDRM_TEST_AUTHENTICATOR").toByteArray()
        val kid = env("XPDRM_TEST_CONTENT_ID").replace("-", "")
        val tokenUrl = TokenRequest(Drm.PLAYREADY).use { req ->
            req.setBaseUrl(env("XPDRM_TEST_EXPRESSPLAY_URL") + "/hms/pr/token")
                .set("customerAuthenticator", auth)
                .set("kid", kid)
                .set("contentKey", env("XPDRM_TEST_CONTENT_KEY"))
                .set("rightsType", "BuyToOwn")
                .set("analogVideoOPL", "0").set("compressedDigitalAudioOPL", "0").set("compressedDigitalVideoOPL", "0")
                .set("uncompressedDigitalAudioOPL", "0").set("uncompressedDigitalVideoOPL", "100")
                .set("expirationTime", "+600")
            client.fetchToken(req, HttpMethod.POST).use { resp ->
                if (resp.errorCode != 0) throw XpdrmException(resp.errorCode, resp.errorText())
                resp.licenseUrl()
            }
        }
        auth.fill(0)
        println("1. token fetched from the local ExpressPlay-compatible server (PlayReady): license URL ${tokenUrl.substringBefore('?')}")

        // 2. The license for this device, and the content key unwrapped from it with the device's KEK.
        val deviceId = env("XPDRM_TEST_DEVICE_ID")
        val kek = env("XPDRM_TEST_DEVICE_KEK").toByteArray()
        val license = client.redeemLicense(tokenUrl, spc(deviceId), TokenPlacement.IN_URL)
        val contentKey = KeyWrap.unwrapHex(kek, licenseEk(license))
        val matches = hex(contentKey) == env("XPDRM_TEST_CONTENT_KEY")
        contentKey.fill(0)
        license.fill(0)
        ok = ok && matches
        println("2. content key unwrapped with the device's KEK from the license: ${if (matches) "it is the content's key" else "WRONG KEY"}")

        // 3. The device-binding flow, each request made by the client and answered back to the flow.
        var cookie = ""
        BindingDevice(env("XPDRM_TEST_SEES_URL"), env("XPDRM_TEST_REGISTRATION_CONTENT_ID"), env("XPDRM_TEST_CONTENT_ID")).use { dev ->
            cookie = dev.cookie
            fun exchange(request: xpdrm.OutboundRequest) = request.use { r ->
                client.execute(r).use { answer -> dev.handleResponse(answer.status, answer.contentType, answer.body()) }
            }
            exchange(dev.registrationRequest())
            exchange(dev.spcRequest(spc(deviceId)))
            exchange(dev.boundRequest())
            ok = ok && dev.step == BindingStep.DONE
            val boundUrl = dev.tokenUrl()
            println("3. device binding: cookie registered, SPC sent, device-bound token URL received (step ${dev.step})")

            // 4. The device-bound token, redeemed with the token in a header, and the key unwrapped.
            val boundLicense = client.redeemLicense(boundUrl, spc(deviceId), TokenPlacement.IN_HEADER)
            val boundKey = KeyWrap.unwrapHex(kek, licenseEk(boundLicense))
            val same = hex(boundKey) == env("XPDRM_TEST_CONTENT_KEY")
            boundKey.fill(0)
            ok = ok && same
            println("4. device-bound token redeemed, key unwrapped: ${if (same) "it is the content's key" else "WRONG KEY"}")

            // 5. Another device cannot use that token.
            try {
                client.redeemLicense(boundUrl, spc(env("XPDRM_TEST_OTHER_DEVICE_ID")), TokenPlacement.IN_URL)
                ok = false
                println("5. another device with that token: NOT refused")
            } catch (e: XpdrmException) {
                ok = ok && e.status == Status.ERR_DEVICE_NOT_AUTHENTICATED
                println("5. another device with that token: refused with ${e.statusName} (${e.status})")
            }
        }
        kek.fill(0)

        // 6. The record lookup (getrecord) names the device that used the cookie.
        val found = client.lookupRecord(env("XPDRM_TEST_RECORD_URL"), env("XPDRM_TEST_AUTHENTICATOR").toByteArray(), cookie)
        val same = xpdrm.DeviceIds.match(found, deviceId)
        ok = ok && same
        println("6. getrecord for the cookie: ${if (same) "the device" else "ANOTHER DEVICE"} (${xpdrm.DeviceIds.fingerprint(found).take(12)}...)")

        // 7. The other device binds itself in one call, and its own token gives it the key.
        val otherId = env("XPDRM_TEST_OTHER_DEVICE_ID")
        BindingDevice(env("XPDRM_TEST_SEES_URL"), env("XPDRM_TEST_REGISTRATION_CONTENT_ID"), env("XPDRM_TEST_CONTENT_ID")).use { other ->
            client.runDeviceBinding(other, spc(otherId))
            val otherLicense = client.redeemLicense(other.tokenUrl(), spc(otherId), TokenPlacement.IN_URL)
            val otherKek = env("XPDRM_TEST_OTHER_DEVICE_KEK").toByteArray()
            val otherKey = KeyWrap.unwrapHex(otherKek, licenseEk(otherLicense))
            val right = hex(otherKey) == env("XPDRM_TEST_CONTENT_KEY")
            otherKey.fill(0)
            otherKek.fill(0)
            ok = ok && right && other.step == BindingStep.DONE
            println("7. another device: its own flow in one call (runDeviceBinding), license redeemed, key ${if (right) "unwrapped" else "WRONG"}")
        }

        // 8. One entitlement exchange with SEES (a cookie registration), checked against its request.
        xpdrm.EntitlementRequest(env("XPDRM_TEST_REGISTRATION_CONTENT_ID"), xpdrm.RequestType.DEVICE_REGISTRATION,
                xpdrm.DeviceIds.generateCookie()).use { req ->
            client.exchangeEntitlement(env("XPDRM_TEST_SEES_URL"), req).use { answer ->
                val granted = answer.isAllowed && answer.epTokenUrl().contains("ExpressPlayToken=")
                ok = ok && granted
                println("8. SEES exchange (requestType 2): ${if (granted) "granted with a cookie-bound token URL" else "NOT granted: " + answer.reason()}")
            }
        }

        // 9. The service's side, as a SEES built on xpdrm runs it, against the same token server.
        TokenRequest(Drm.PLAYREADY).use { template ->
            template.setBaseUrl(env("XPDRM_TEST_EXPRESSPLAY_URL") + "/hms/pr/token")
                .set("kid", kid).set("contentKey", env("XPDRM_TEST_CONTENT_KEY")).set("rightsType", "BuyToOwn")
                .set("analogVideoOPL", "0").set("compressedDigitalAudioOPL", "0").set("compressedDigitalVideoOPL", "0")
                .set("uncompressedDigitalAudioOPL", "0").set("uncompressedDigitalVideoOPL", "100")
            val authBytes = env("XPDRM_TEST_AUTHENTICATOR").toByteArray()
            xpdrm.BindingService(Drm.PLAYREADY, authBytes).use { svc ->
                authBytes.fill(0)
                svc.setTokenTemplate(template).setRecordBaseUrl(env("XPDRM_TEST_RECORD_URL")).setExpiration(600)
                xpdrm.EntitlementRequest(env("XPDRM_TEST_CONTENT_ID"), xpdrm.RequestType.DEVICE_REGISTRATION,
                        xpdrm.DeviceIds.generateCookie()).use { req ->
                    svc.begin(req)
                    client.runBindingService(svc)
                    svc.entitlementResponse().use { answer ->
                        xpdrm.EntitlementResponse.parse(req, answer.toJson().toByteArray()).use { back ->
                            val granted = svc.step == BindingStep.DONE && back.isAllowed && back.epTokenUrl().contains("ExpressPlayToken=")
                            ok = ok && granted
                            println("9. service side (runBindingService): ${if (granted) "a cookie-bound token from the token server, granted" else "FAILED: " + svc.reason()}")
                        }
                    }
                }
            }
        }
    }
    if (!ok) {
        println("flow: FAILED")
        exitProcess(1)
    }
    println("flow: OK")
}
