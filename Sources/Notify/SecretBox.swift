import Crypto
import Foundation

/// Seals subscription secrets and client keys before they reach the database, with AES-GCM under
/// a key derived (HKDF) from the deployment's master key: a database dump alone signs nothing.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// A box over a master key of at least 32 bytes (the one of `ASSESS_DATA_KEY`).
    public init(masterKey: SymmetricKey) throws {
        guard masterKey.bitCount >= 256 else {
            throw NotifyError(.invalidInput, "the master key must have at least 32 bytes")
        }
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("assess notify secrets v1".utf8), outputByteCount: 32)
    }

    /// A box with a random key, for the demo and tests: what it seals is unreadable after the process ends.
    public static func ephemeral() -> SecretBox {
        try! SecretBox(masterKey: SymmetricKey(size: .bits256))
    }

    func seal(_ text: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(Data(text.utf8), using: key).combined else {
            throw NotifyError(.invalidInput, "sealing failed")
        }
        return Array(combined)
    }

    func open(_ sealed: [UInt8]) throws -> String {
        do {
            return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: Data(sealed)), using: key), as: UTF8.self)
        } catch {
            throw NotifyError(.wrongState, "a sealed subscription secret cannot be opened: this process has another ASSESS_DATA_KEY than the one that sealed it")
        }
    }

    /// A fresh signing secret, as handed to the subscriber once: `whsec_` and standard base64 of
    /// 32 random bytes, the form Standard Webhooks libraries take as it is.
    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }
}
