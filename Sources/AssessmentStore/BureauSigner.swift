import Crypto
import Foundation

/// The HR bureau's Ed25519 signing key. The private key comes from `ASSESS_BUREAU_KEY` (base64 of
/// the 32-byte raw key) or the file named by `ASSESS_BUREAU_KEY_FILE`; only the public part is
/// stored in the database, under a key id derived from it.
public struct BureauSigner: Sendable {
    /// The private key.
    public let privateKey: Curve25519.Signing.PrivateKey
    /// The bureau's name as printed on certificates.
    public let issuer: String
    /// Six digits that prefix title certificate numbers.
    public let bureauCode: String

    /// A signer over a key.
    public init(privateKey: Curve25519.Signing.PrivateKey, issuer: String = "上海市人力资源和社会保障局", bureauCode: String = "310000") {
        (self.privateKey, self.issuer, self.bureauCode) = (privateKey, issuer, bureauCode)
    }

    /// The key from the environment, or nil when neither variable is set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BureauSigner? {
        var encoded = environment["ASSESS_BUREAU_KEY"]
        if encoded == nil, let path = environment["ASSESS_BUREAU_KEY_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw StoreError(.invalidInput, "ASSESS_BUREAU_KEY_FILE names a file that cannot be read")
            }
            encoded = text
        }
        guard let encoded else { return nil }
        guard let bytes = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw StoreError(.invalidInput, "the bureau key must be the base64 of a 32-byte Ed25519 private key")
        }
        return BureauSigner(privateKey: key)
    }

    /// A random key, for the demo and tests.
    public static func ephemeral() -> BureauSigner { BureauSigner(privateKey: Curve25519.Signing.PrivateKey()) }

    /// The key's id: the first 8 bytes of the SHA-256 of its public part, in hex.
    public var keyID: String {
        SHA256.hash(data: privateKey.publicKey.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
