import Crypto
import Foundation
import Secrets

/// The signature a receiver checks before it trusts a notification.
///
/// Header `Assess-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`, where each `v1` is
/// HMAC-SHA256, keyed with the UTF-8 bytes of a subscription secret, over `<t>.` followed by the
/// raw body. During a secret rotation the header carries one `v1` per secret in force; a receiver
/// accepts when any of them matches its secret and `t` is recent (replays of old bodies fail).
/// Recipe and a Python check: `ops/notifications.md`.
public enum WebhookSignature {
    public static let headerName = "Assess-Signature"

    /// The header value for `body` at `timestamp`, one signature per secret.
    public static func header(body: [UInt8], timestamp: Int64, secrets: [String]) -> String {
        (["t=\(timestamp)"] + secrets.map { "v1=" + hex(code(body: body, timestamp: timestamp, secret: $0)) }).joined(separator: ",")
    }

    /// Whether `header` carries a valid signature of `body` with `secret`, made within `tolerance` of `now`.
    public static func verify(
        header: String, body: [UInt8], secret: String, now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(code(body: body, timestamp: timestamp, secret: secret))
        // Compared in constant time, so that timing tells nothing about the expected code.
        return signatures.contains { candidate in
            guard let bytes = unhex(candidate), bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// The Standard Webhooks headers (standardwebhooks.com), so that receivers can verify with an
    /// off-the-shelf library: `webhook-id` (the idempotency key), `webhook-timestamp` (Unix
    /// seconds; libraries refuse one more than 5 minutes off, against replays) and
    /// `webhook-signature`, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in
    /// force, space-separated. The key is the base64 after `whsec_`; a secret of another form
    /// (from before) signs with its UTF-8 bytes, and a receiver rotates it to get the standard form.
    public static func standardHeaders(id: String, timestamp: Int64, body: [UInt8], secrets: [String]) -> [(String, String)] {
        let signatures = secrets.map { secret -> String in
            var hmac = HMAC<SHA256>(key: SymmetricKey(data: standardKey(secret)))
            hmac.update(data: Data("\(id).\(timestamp).".utf8))
            hmac.update(data: Data(body))
            return "v1," + Data(hmac.finalize()).base64EncodedString()
        }
        return [("webhook-id", id), ("webhook-timestamp", "\(timestamp)"), ("webhook-signature", signatures.joined(separator: " "))]
    }

    static func standardKey(_ secret: String) -> Data {
        guard secret.hasPrefix("whsec_") else { return Data(secret.utf8) }
        var text = secret.dropFirst(6).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: text) ?? Data(secret.utf8)
    }

    private static func code(body: [UInt8], timestamp: Int64, secret: String) -> HashedAuthenticationCode<SHA256> {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: Data(body))
        return hmac.finalize()
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String { Hex.encode(code) }

    private static func unhex(_ text: String) -> [UInt8]? { Hex.decode(text) }
}
