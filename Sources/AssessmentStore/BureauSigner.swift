import Crypto
import Foundation
import Secrets

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
        guard let material = try KeyMaterial.fromEnvironment("ASSESS_BUREAU_KEY", environment) else { return nil }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: material.bytes) else {
            throw KeyMaterialError("ASSESS_BUREAU_KEY must be the base64 of a 32-byte Ed25519 private key")
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
