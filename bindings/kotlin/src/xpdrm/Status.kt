// Generated from include/xpdrm.h by tests/kotlin.rs: the status codes (`xpdrm_status`). Do not edit;
// after a status is added: XPDRM_BLESS=1 cargo test --test kotlin
package xpdrm

/** Every status code of the C API, named as in C without the `XPDRM_` prefix. Numbers never change. */
object Status {
    /** Success. */
    const val OK = 0
    /** A required pointer argument was NULL. */
    const val ERR_NULL_ARGUMENT = 1
    /** The output buffer is too small; the required size was written to the length out-parameter. */
    const val ERR_BUFFER_TOO_SMALL = 2
    /** A text argument is not valid UTF-8. */
    const val ERR_INVALID_UTF8 = 3
    /** An argument has an invalid value. */
    const val ERR_INVALID_ARGUMENT = 4
    /** Unknown parameter name (names are case-sensitive). */
    const val ERR_UNKNOWN_PARAMETER = 5
    /** This function needs a feature that was not compiled into this build of xpdrm. */
    const val ERR_FEATURE_DISABLED = 6
    /** Internal error: xpdrm caught a panic at the C boundary; no output was written. */
    const val ERR_PANIC = 7
    /** A hexadecimal argument has an odd length or a character outside 0-9, a-f, A-F. */
    const val ERR_INVALID_HEX = 8
    /** An input exceeds the documented maximum size. */
    const val ERR_INPUT_TOO_LARGE = 9
    /** The object is unusable: an earlier call on it caught a panic (XPDRM_ERR_PANIC) and may have left it half-changed; only its free function still works. */
    const val ERR_POISONED = 10
    /** A text would hold a NUL character (U+0000), which C text cannot carry; nothing was written. */
    const val ERR_INTERIOR_NUL = 11
    /** Key unwrap integrity check failed: wrong KEK or corrupted wrapped key; no output was written. */
    const val ERR_INTEGRITY = 100
    /** The key-encryption key must be 16, 24 or 32 bytes. */
    const val ERR_KEK_LENGTH = 101
    /** Invalid key length for wrapping: KW needs a multiple of 8 bytes, at least 16; KWP needs at least 1 byte. */
    const val ERR_KEY_LENGTH = 102
    /** Invalid wrapped key length: KW needs a multiple of 8 bytes, at least 24; KWP a multiple of 8, at least 16. */
    const val ERR_WRAPPED_LENGTH = 103
    /** Unknown DRM: use XPDRM_DRM_FAIRPLAY (0), XPDRM_DRM_WIDEVINE (1), XPDRM_DRM_PLAYREADY (2), XPDRM_DRM_MARLIN_MS3 (3) or XPDRM_DRM_MARLIN_BB (4). */
    const val ERR_UNKNOWN_DRM = 200
    /** Invalid service URL: it must be an absolute http or https URL of printable ASCII with a host, without user information, and a base URL without query or fragment. */
    const val ERR_INVALID_BASE_URL = 201
    /** This parameter has a rule in xpdrm's table: set it with the checking setter, not the unchecked one. */
    const val ERR_KNOWN_PARAMETER = 202
    /** The token server's answer is not valid UTF-8. */
    const val ERR_RESPONSE_NOT_UTF8 = 203
    /** The token server's answer has a content type that carries neither a token nor an error code. */
    const val ERR_RESPONSE_CONTENT_TYPE = 204
    /** The token server's answer is not a well-formed JSON object. */
    const val ERR_RESPONSE_MALFORMED_JSON = 205
    /** The token server's answer holds no absolute http or https license URL. */
    const val ERR_RESPONSE_NO_LICENSE_URL = 206
    /** The token server's answer holds no single, well-formed ExpressPlayToken. */
    const val ERR_RESPONSE_NO_TOKEN = 207
    /** This response is a server error: it holds no license URL or token; see its error code. */
    const val ERR_RESPONSE_IS_ERROR = 208
    /** The token server answered HTTP 400 (invalid arguments) without an error code. Reported by `xpdrm_token_response_error_code`, not returned by functions. */
    const val ERR_SERVER_400_INVALID_ARGUMENTS = 210
    /** The token server answered HTTP 401 (authentication failed) without an error code. Reported by `xpdrm_token_response_error_code`, not returned by functions. */
    const val ERR_SERVER_401_AUTHENTICATION_FAILED = 211
    /** The token server answered HTTP 404 (invalid URL) without an error code. Reported by `xpdrm_token_response_error_code`, not returned by functions. */
    const val ERR_SERVER_404_INVALID_URL = 212
    /** The token server answered HTTP 5xx (server error) without an error code. Reported by `xpdrm_token_response_error_code`, not returned by functions. */
    const val ERR_SERVER_5XX_ERROR = 213
    /** The token server answered an unexpected HTTP status without an error code. Reported by `xpdrm_token_response_error_code` (for 1xx, 3xx and other 4xx statuses), not returned by functions. */
    const val ERR_SERVER_UNEXPECTED_STATUS = 214
    /** Invalid useHttps parameter: it must be true or false (or 1 or 0); a local check, as the server documents no code for it. */
    const val ERR_INVALID_USE_HTTPS = 215
    /** Invalid Widevine trackType parameter: it must be 0 (SD), 1 (HD), 2 (AUDIO), 3 (UHD1) or 4 (UHD2); a local check, as the server documents no code for it. */
    const val ERR_INVALID_TRACK_TYPE = 216
    /** Invalid Widevine playbackDuration parameter: it must be seconds, a decimal integer from 0 to 2147483647; a local check, as the server documents no code for it. */
    const val ERR_INVALID_PLAYBACK_DURATION = 217
    /** Invalid PlayReady minCertSecurityLevel parameter: it must be 150, 2000 or 3000; a local check, as the server documents no code for it. */
    const val ERR_INVALID_MIN_CERT_SECURITY_LEVEL = 218
    /** Invalid PlayReady algId parameter: it must be aesctr or aescbc; a local check, as the server documents no code for it. */
    const val ERR_INVALID_ALG_ID = 219
    /** A Marlin token parameter does not have the form real clients send; the request's reason names the parameter and the form. */
    const val ERR_MARLIN_INVALID_VALUE = 230
    /** A Marlin token request lacks a parameter that its kind needs; the request's reason names it. */
    const val ERR_MARLIN_MISSING_PARAMETER = 231
    /** Marlin token parameters that belong together are not given together; the request's reason names them. */
    const val ERR_MARLIN_PARAMETER_MISMATCH = 232
    /** The MS3 token server's answer holds no compound URL with a single, well-formed b token. */
    const val ERR_RESPONSE_MS3_NO_TOKEN = 233
    /** The MS3 compound URL's fragment does not decode to a content URL (percent-encoded UTF-8 text). */
    const val ERR_RESPONSE_MS3_CONTENT_URL = 234
    /** This response carries no content URL: only an MS3 compound URL with a fragment has one. */
    const val ERR_RESPONSE_NO_CONTENT_URL = 235
    /** The Marlin BB token server's answer is not a well-formed XML document. */
    const val ERR_RESPONSE_ACTION_TOKEN_MALFORMED = 236
    /** The Marlin BB token server's answer is well-formed XML but not a Marlin ActionToken document. */
    const val ERR_RESPONSE_NOT_ACTION_TOKEN = 237
    /** This response holds no Marlin BB action token: only a Marlin BB answer has one. */
    const val ERR_RESPONSE_NO_ACTION_TOKEN = 238
    /** This response is a Marlin BB action token: it has no license URL or token text; read the action token. */
    const val ERR_RESPONSE_IS_ACTION_TOKEN = 239
    /** The SEES message is not well-formed JSON. */
    const val ERR_SEES_MALFORMED_JSON = 300
    /** The SEES message is not a JSON object. */
    const val ERR_SEES_NOT_AN_OBJECT = 301
    /** The SEES message is larger than XPDRM_SEES_MAX_MESSAGE_LEN bytes. */
    const val ERR_SEES_MESSAGE_TOO_LARGE = 302
    /** The SEES message nests arrays or objects deeper than XPDRM_SEES_MAX_DEPTH levels. */
    const val ERR_SEES_TOO_DEEP = 303
    /** A key appears twice in one object of the SEES message. */
    const val ERR_SEES_DUPLICATE_KEY = 304
    /** A required field of the SEES message is missing. */
    const val ERR_SEES_MISSING_FIELD = 305
    /** A field of the SEES message has the wrong JSON type. */
    const val ERR_SEES_WRONG_TYPE = 306
    /** A number in the SEES message is outside its field's range. */
    const val ERR_SEES_NUMBER_OUT_OF_RANGE = 307
    /** A text field of the SEES message is longer than its maximum. */
    const val ERR_SEES_FIELD_TOO_LONG = 308
    /** A field of the SEES message has an invalid value. */
    const val ERR_SEES_INVALID_FIELD = 309
    /** Entitlement denied: the response's messageID is not the request's. */
    const val ERR_SEES_MESSAGE_ID_MISMATCH = 310
    /** Entitlement denied: the response's version is higher than the request's. */
    const val ERR_SEES_VERSION_TOO_HIGH = 311
    /** Entitlement denied: the response allows the license but carries no epTokenURL. */
    const val ERR_SEES_TOKEN_URL_MISSING = 312
    /** Entitlement denied by the entitlement service (isAllowed is false). */
    const val ERR_SEES_DENIED = 313
    /** The message does not carry this optional field. */
    const val ERR_SEES_FIELD_ABSENT = 314
    /** The operating system's random number source failed. */
    const val ERR_RANDOM_SOURCE = 315
    /** This call does not fit the current step of the device-binding flow. */
    const val ERR_BINDING_WRONG_STATE = 400
    /** The device-binding flow has already failed; start a new one. */
    const val ERR_BINDING_FAILED = 401
    /** No transaction record carries a device ID for this cookie. */
    const val ERR_BINDING_NO_RECORD = 402
    /** The device IDs do not match. */
    const val ERR_BINDING_DEVICE_ID_MISMATCH = 403
    /** The transaction records answer is not in the documented format. */
    const val ERR_BINDING_RECORDS_INVALID = 404
    /** A server answered a device-binding step with an unexpected HTTP status. */
    const val ERR_BINDING_HTTP_STATUS = 405
    /** The token server did not return a token. */
    const val ERR_BINDING_TOKEN_REFUSED = 406
    /** The device ID is empty (after trimming whitespace). */
    const val ERR_DEVICE_ID_EMPTY = 407
    /** Could not connect: the server refused the connection or cannot be reached. */
    const val ERR_HTTP_CONNECT = 500
    /** The server did not answer in time (connect, read or overall timeout). */
    const val ERR_HTTP_TIMEOUT = 501
    /** The server answered HTTP 5xx to every attempt the retry policy allows. */
    const val ERR_HTTP_RETRIES_EXHAUSTED = 502
    /** The connection closed before the whole answer arrived. */
    const val ERR_HTTP_TRUNCATED = 503
    /** The answer is larger than the client's maximum response size. */
    const val ERR_HTTP_RESPONSE_TOO_LARGE = 504
    /** The answer has a content type that this operation does not accept. */
    const val ERR_HTTP_CONTENT_TYPE = 505
    /** TLS: the server's certificate is not issued by a trusted CA. */
    const val ERR_HTTP_TLS_UNKNOWN_CA = 506
    /** TLS: the server's certificate is invalid (wrong name, expired, or malformed). */
    const val ERR_HTTP_TLS_SERVER_CERT_INVALID = 507
    /** TLS: the server requires a client certificate and none is configured. */
    const val ERR_HTTP_TLS_CLIENT_CERT_REQUIRED = 508
    /** TLS: the server rejected the client certificate. */
    const val ERR_HTTP_TLS_CLIENT_CERT_REJECTED = 509
    /** TLS failed for another reason (handshake or protocol error). */
    const val ERR_HTTP_TLS = 510
    /** The HTTP exchange failed (connection reset, malformed answer, or another transport error). */
    const val ERR_HTTP_TRANSPORT = 511
    /** The URL cannot be used: it must be an absolute http or https URL with a host. */
    const val ERR_HTTP_INVALID_URL = 512
    /** A PEM certificate or private key cannot be used, or the key does not belong to the certificate. */
    const val ERR_HTTP_BAD_PEM = 513
    /** The server answered with an HTTP status that this operation does not accept. */
    const val ERR_HTTP_STATUS = 514
    /** The call was cancelled through its cancel handle; nothing was written. */
    const val ERR_HTTP_CANCELLED = 515
    /** Could not connect to the proxy: it refused the connection, cannot be reached, or did not answer in time. */
    const val ERR_HTTP_PROXY_CONNECT = 516
    /** The proxy refused to open a tunnel to the server (it answered CONNECT with an error). */
    const val ERR_HTTP_PROXY_REFUSED = 517
    /** The proxy requires authentication (HTTP 407): no credentials, or wrong ones, were given. */
    const val ERR_HTTP_PROXY_AUTH_REQUIRED = 518
    /** TLS: the server's certificate chain is valid but its key matches none of the pins. */
    const val ERR_HTTP_TLS_PIN_MISMATCH = 519
    /** The trusted CAs cannot be loaded: no CA store of the operating system was found, or no CA is trusted. */
    const val ERR_HTTP_TRUST_STORE = 520
    /** The answer has no header of that name. */
    const val ERR_HTTP_NO_SUCH_HEADER = 521
    /** Invalid token expiration time. */
    const val ERR_INVALID_EXPIRATION_TIME = -2002
    /** Invalid IP address. */
    const val ERR_INVALID_IP_ADDRESS = -2003
    /** Invalid content encryption key. */
    const val ERR_INVALID_CONTENT_KEY = -2005
    /** Invalid output control flag specified. */
    const val ERR_INVALID_OUTPUT_CONTROL_FLAG = -2008
    /** Authenticator token must be specified. */
    const val ERR_MISSING_AUTHENTICATOR = -2017
    /** Authentication token invalid. */
    const val ERR_INVALID_AUTHENTICATOR = -2018
    /** Insufficient tokens available. */
    const val ERR_INSUFFICIENT_TOKENS = -2019
    /** Missing rights type. */
    const val ERR_MISSING_RIGHTS_TYPE = -2020
    /** Invalid rights type. */
    const val ERR_INVALID_RIGHTS_TYPE = -2021
    /** Missing or invalid rental period end time. */
    const val ERR_RENTAL_PERIOD_END_TIME = -2022
    /** Missing rental play duration. */
    const val ERR_MISSING_RENTAL_PLAY_DURATION = -2023
    /** Invalid rental play duration. */
    const val ERR_INVALID_RENTAL_PLAY_DURATION = -2025
    /** Content encryption key must be 32 hexadecimal digits long. */
    const val ERR_CONTENT_KEY_NOT_32_HEX = -2027
    /** ExpressPlay admin error. */
    const val ERR_ADMIN = -2030
    /** Service account disabled. */
    const val ERR_ACCOUNT_DISABLED = -2031
    /** Invalid cookie. */
    const val ERR_INVALID_COOKIE = -2033
    /** Invalid output control, values out of specified range. */
    const val ERR_OUTPUT_CONTROL_OUT_OF_RANGE = -2034
    /** No corresponding value specified. */
    const val ERR_NO_CORRESPONDING_VALUE = -2035
    /** Extension type must be 4 characters. */
    const val ERR_EXTENSION_TYPE_NOT_4_CHARS = -2036
    /** Extension payload must be base64 encoded. */
    const val ERR_EXTENSION_PAYLOAD_NOT_BASE64 = -2037
    /** Output control flags must encode 4 bytes. */
    const val ERR_OUTPUT_CONTROL_FLAGS_NOT_4_BYTES = -2040
    /** Invalid error format specified. */
    const val ERR_INVALID_ERROR_FORMAT = -3004
    /** Device could not be authenticated. */
    const val ERR_DEVICE_NOT_AUTHENTICATED = -4001
    /** Invalid token. */
    const val ERR_INVALID_TOKEN = -4010
    /** Missing kid. */
    const val ERR_MISSING_KID = -4018
    /** Failed to get content key from key storage service. */
    const val ERR_KEY_NOT_IN_STORAGE = -4019
    /** kid must be 32 hexadecimal characters long. */
    const val ERR_KID_NOT_32_HEX = -4020
    /** kid must be at most 64 characters long after '^'. */
    const val ERR_KID_TOO_LONG = -4021
    /** Invalid kid. */
    const val ERR_INVALID_KID = -4022
    /** Invalid encrypted key or kek. */
    const val ERR_INVALID_EK_OR_KEK = -4024
    /** Invalid unknown output behavior. */
    const val ERR_INVALID_UNKNOWN_OUTPUT_BEHAVIOR = -5001
    /** PlayReady option disabled. */
    const val ERR_PLAYREADY_DISABLED = -5002
    /** Invalid general flags. */
    const val ERR_INVALID_GENERAL_FLAGS = -5003
    /** deviceId must be 32 hexadecimal characters long. */
    const val ERR_DEVICE_ID_NOT_32_HEX = -5004
    /** Invalid deviceId. */
    const val ERR_INVALID_DEVICE_ID = -5005
    /** Missing output protection level. */
    const val ERR_MISSING_OPL = -5006
    /** Only one of kek or contentKey may be specified. */
    const val ERR_KEK_AND_CONTENT_KEY = -5007
    /** Invalid fpExtension parameters specified. */
    const val ERR_INVALID_FP_EXTENSION = -6001
    /** Invalid FairPlay token type. */
    const val ERR_INVALID_FP_TOKEN_TYPE = -6002
    /** Invalid iv parameter specified. */
    const val ERR_INVALID_IV = -6003
    /** Cannot generate CKC for FairPlay. */
    const val ERR_CANNOT_GENERATE_CKC = -6004
    /** Invalid key data specified. */
    const val ERR_INVALID_KEY_DATA = -6005
    /** Service not authorized to support FairPlay. */
    const val ERR_FAIRPLAY_NOT_AUTHORIZED = -6006
    /** Invalid rental duration specified. */
    const val ERR_INVALID_RENTAL_DURATION = -6007
    /** Device ID binding is not supported for FairPlay. */
    const val ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED = -6008
    /** FairPlay option disabled. */
    const val ERR_FAIRPLAY_DISABLED = -6009
    /** Device ID binding is not supported for Widevine. */
    const val ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED = -7002
    /** Missing security level value. */
    const val ERR_MISSING_SECURITY_LEVEL = -7003
    /** Invalid security level value. */
    const val ERR_INVALID_SECURITY_LEVEL = -7004
    /** Missing HDCP output control value. */
    const val ERR_MISSING_HDCP_OUTPUT_CONTROL = -7006
    /** Invalid license duration specified. */
    const val ERR_INVALID_LICENSE_DURATION = -7007
    /** Failed to generate Widevine license. */
    const val ERR_CANNOT_GENERATE_WIDEVINE_LICENSE = -7008
    /** Invalid wvExtension parameters specified. */
    const val ERR_INVALID_WV_EXTENSION = -7009
    /** Widevine option disabled. */
    const val ERR_WIDEVINE_DISABLED = -7011

    /** The C name of a status code, or `XPDRM_STATUS_<code>` for one this version does not know. */
    fun name(status: Int): String = when (status) {
        0 -> "XPDRM_OK"
        1 -> "XPDRM_ERR_NULL_ARGUMENT"
        2 -> "XPDRM_ERR_BUFFER_TOO_SMALL"
        3 -> "XPDRM_ERR_INVALID_UTF8"
        4 -> "XPDRM_ERR_INVALID_ARGUMENT"
        5 -> "XPDRM_ERR_UNKNOWN_PARAMETER"
        6 -> "XPDRM_ERR_FEATURE_DISABLED"
        7 -> "XPDRM_ERR_PANIC"
        8 -> "XPDRM_ERR_INVALID_HEX"
        9 -> "XPDRM_ERR_INPUT_TOO_LARGE"
        10 -> "XPDRM_ERR_POISONED"
        11 -> "XPDRM_ERR_INTERIOR_NUL"
        100 -> "XPDRM_ERR_INTEGRITY"
        101 -> "XPDRM_ERR_KEK_LENGTH"
        102 -> "XPDRM_ERR_KEY_LENGTH"
        103 -> "XPDRM_ERR_WRAPPED_LENGTH"
        200 -> "XPDRM_ERR_UNKNOWN_DRM"
        201 -> "XPDRM_ERR_INVALID_BASE_URL"
        202 -> "XPDRM_ERR_KNOWN_PARAMETER"
        203 -> "XPDRM_ERR_RESPONSE_NOT_UTF8"
        204 -> "XPDRM_ERR_RESPONSE_CONTENT_TYPE"
        205 -> "XPDRM_ERR_RESPONSE_MALFORMED_JSON"
        206 -> "XPDRM_ERR_RESPONSE_NO_LICENSE_URL"
        207 -> "XPDRM_ERR_RESPONSE_NO_TOKEN"
        208 -> "XPDRM_ERR_RESPONSE_IS_ERROR"
        210 -> "XPDRM_ERR_SERVER_400_INVALID_ARGUMENTS"
        211 -> "XPDRM_ERR_SERVER_401_AUTHENTICATION_FAILED"
        212 -> "XPDRM_ERR_SERVER_404_INVALID_URL"
        213 -> "XPDRM_ERR_SERVER_5XX_ERROR"
        214 -> "XPDRM_ERR_SERVER_UNEXPECTED_STATUS"
        215 -> "XPDRM_ERR_INVALID_USE_HTTPS"
        216 -> "XPDRM_ERR_INVALID_TRACK_TYPE"
        217 -> "XPDRM_ERR_INVALID_PLAYBACK_DURATION"
        218 -> "XPDRM_ERR_INVALID_MIN_CERT_SECURITY_LEVEL"
        219 -> "XPDRM_ERR_INVALID_ALG_ID"
        230 -> "XPDRM_ERR_MARLIN_INVALID_VALUE"
        231 -> "XPDRM_ERR_MARLIN_MISSING_PARAMETER"
        232 -> "XPDRM_ERR_MARLIN_PARAMETER_MISMATCH"
        233 -> "XPDRM_ERR_RESPONSE_MS3_NO_TOKEN"
        234 -> "XPDRM_ERR_RESPONSE_MS3_CONTENT_URL"
        235 -> "XPDRM_ERR_RESPONSE_NO_CONTENT_URL"
        236 -> "XPDRM_ERR_RESPONSE_ACTION_TOKEN_MALFORMED"
        237 -> "XPDRM_ERR_RESPONSE_NOT_ACTION_TOKEN"
        238 -> "XPDRM_ERR_RESPONSE_NO_ACTION_TOKEN"
        239 -> "XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN"
        300 -> "XPDRM_ERR_SEES_MALFORMED_JSON"
        301 -> "XPDRM_ERR_SEES_NOT_AN_OBJECT"
        302 -> "XPDRM_ERR_SEES_MESSAGE_TOO_LARGE"
        303 -> "XPDRM_ERR_SEES_TOO_DEEP"
        304 -> "XPDRM_ERR_SEES_DUPLICATE_KEY"
        305 -> "XPDRM_ERR_SEES_MISSING_FIELD"
        306 -> "XPDRM_ERR_SEES_WRONG_TYPE"
        307 -> "XPDRM_ERR_SEES_NUMBER_OUT_OF_RANGE"
        308 -> "XPDRM_ERR_SEES_FIELD_TOO_LONG"
        309 -> "XPDRM_ERR_SEES_INVALID_FIELD"
        310 -> "XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH"
        311 -> "XPDRM_ERR_SEES_VERSION_TOO_HIGH"
        312 -> "XPDRM_ERR_SEES_TOKEN_URL_MISSING"
        313 -> "XPDRM_ERR_SEES_DENIED"
        314 -> "XPDRM_ERR_SEES_FIELD_ABSENT"
        315 -> "XPDRM_ERR_RANDOM_SOURCE"
        400 -> "XPDRM_ERR_BINDING_WRONG_STATE"
        401 -> "XPDRM_ERR_BINDING_FAILED"
        402 -> "XPDRM_ERR_BINDING_NO_RECORD"
        403 -> "XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH"
        404 -> "XPDRM_ERR_BINDING_RECORDS_INVALID"
        405 -> "XPDRM_ERR_BINDING_HTTP_STATUS"
        406 -> "XPDRM_ERR_BINDING_TOKEN_REFUSED"
        407 -> "XPDRM_ERR_DEVICE_ID_EMPTY"
        500 -> "XPDRM_ERR_HTTP_CONNECT"
        501 -> "XPDRM_ERR_HTTP_TIMEOUT"
        502 -> "XPDRM_ERR_HTTP_RETRIES_EXHAUSTED"
        503 -> "XPDRM_ERR_HTTP_TRUNCATED"
        504 -> "XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE"
        505 -> "XPDRM_ERR_HTTP_CONTENT_TYPE"
        506 -> "XPDRM_ERR_HTTP_TLS_UNKNOWN_CA"
        507 -> "XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID"
        508 -> "XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED"
        509 -> "XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED"
        510 -> "XPDRM_ERR_HTTP_TLS"
        511 -> "XPDRM_ERR_HTTP_TRANSPORT"
        512 -> "XPDRM_ERR_HTTP_INVALID_URL"
        513 -> "XPDRM_ERR_HTTP_BAD_PEM"
        514 -> "XPDRM_ERR_HTTP_STATUS"
        515 -> "XPDRM_ERR_HTTP_CANCELLED"
        516 -> "XPDRM_ERR_HTTP_PROXY_CONNECT"
        517 -> "XPDRM_ERR_HTTP_PROXY_REFUSED"
        518 -> "XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED"
        519 -> "XPDRM_ERR_HTTP_TLS_PIN_MISMATCH"
        520 -> "XPDRM_ERR_HTTP_TRUST_STORE"
        521 -> "XPDRM_ERR_HTTP_NO_SUCH_HEADER"
        -2002 -> "XPDRM_ERR_INVALID_EXPIRATION_TIME"
        -2003 -> "XPDRM_ERR_INVALID_IP_ADDRESS"
        -2005 -> "XPDRM_ERR_INVALID_CONTENT_KEY"
        -2008 -> "XPDRM_ERR_INVALID_OUTPUT_CONTROL_FLAG"
        -2017 -> "XPDRM_ERR_MISSING_AUTHENTICATOR"
        -2018 -> "XPDRM_ERR_INVALID_AUTHENTICATOR"
        -2019 -> "XPDRM_ERR_INSUFFICIENT_TOKENS"
        -2020 -> "XPDRM_ERR_MISSING_RIGHTS_TYPE"
        -2021 -> "XPDRM_ERR_INVALID_RIGHTS_TYPE"
        -2022 -> "XPDRM_ERR_RENTAL_PERIOD_END_TIME"
        -2023 -> "XPDRM_ERR_MISSING_RENTAL_PLAY_DURATION"
        -2025 -> "XPDRM_ERR_INVALID_RENTAL_PLAY_DURATION"
        -2027 -> "XPDRM_ERR_CONTENT_KEY_NOT_32_HEX"
        -2030 -> "XPDRM_ERR_ADMIN"
        -2031 -> "XPDRM_ERR_ACCOUNT_DISABLED"
        -2033 -> "XPDRM_ERR_INVALID_COOKIE"
        -2034 -> "XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE"
        -2035 -> "XPDRM_ERR_NO_CORRESPONDING_VALUE"
        -2036 -> "XPDRM_ERR_EXTENSION_TYPE_NOT_4_CHARS"
        -2037 -> "XPDRM_ERR_EXTENSION_PAYLOAD_NOT_BASE64"
        -2040 -> "XPDRM_ERR_OUTPUT_CONTROL_FLAGS_NOT_4_BYTES"
        -3004 -> "XPDRM_ERR_INVALID_ERROR_FORMAT"
        -4001 -> "XPDRM_ERR_DEVICE_NOT_AUTHENTICATED"
        -4010 -> "XPDRM_ERR_INVALID_TOKEN"
        -4018 -> "XPDRM_ERR_MISSING_KID"
        -4019 -> "XPDRM_ERR_KEY_NOT_IN_STORAGE"
        -4020 -> "XPDRM_ERR_KID_NOT_32_HEX"
        -4021 -> "XPDRM_ERR_KID_TOO_LONG"
        -4022 -> "XPDRM_ERR_INVALID_KID"
        -4024 -> "XPDRM_ERR_INVALID_EK_OR_KEK"
        -5001 -> "XPDRM_ERR_INVALID_UNKNOWN_OUTPUT_BEHAVIOR"
        -5002 -> "XPDRM_ERR_PLAYREADY_DISABLED"
        -5003 -> "XPDRM_ERR_INVALID_GENERAL_FLAGS"
        -5004 -> "XPDRM_ERR_DEVICE_ID_NOT_32_HEX"
        -5005 -> "XPDRM_ERR_INVALID_DEVICE_ID"
        -5006 -> "XPDRM_ERR_MISSING_OPL"
        -5007 -> "XPDRM_ERR_KEK_AND_CONTENT_KEY"
        -6001 -> "XPDRM_ERR_INVALID_FP_EXTENSION"
        -6002 -> "XPDRM_ERR_INVALID_FP_TOKEN_TYPE"
        -6003 -> "XPDRM_ERR_INVALID_IV"
        -6004 -> "XPDRM_ERR_CANNOT_GENERATE_CKC"
        -6005 -> "XPDRM_ERR_INVALID_KEY_DATA"
        -6006 -> "XPDRM_ERR_FAIRPLAY_NOT_AUTHORIZED"
        -6007 -> "XPDRM_ERR_INVALID_RENTAL_DURATION"
        -6008 -> "XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED"
        -6009 -> "XPDRM_ERR_FAIRPLAY_DISABLED"
        -7002 -> "XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED"
        -7003 -> "XPDRM_ERR_MISSING_SECURITY_LEVEL"
        -7004 -> "XPDRM_ERR_INVALID_SECURITY_LEVEL"
        -7006 -> "XPDRM_ERR_MISSING_HDCP_OUTPUT_CONTROL"
        -7007 -> "XPDRM_ERR_INVALID_LICENSE_DURATION"
        -7008 -> "XPDRM_ERR_CANNOT_GENERATE_WIDEVINE_LICENSE"
        -7009 -> "XPDRM_ERR_INVALID_WV_EXTENSION"
        -7011 -> "XPDRM_ERR_WIDEVINE_DISABLED"
        else -> "XPDRM_STATUS_$status"
    }
}
