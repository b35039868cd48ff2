import Crypto
import Foundation
import Secrets

/// Seals subscription secrets and client keys before they reach the database, with AES-GCM under
/// a key derived (HKDF) from the deployment's master key: a database dump alone signs nothing.
public struct SecretBox: Sendable {
    private let key: SealingKey

    /// A box over a master key of at least 32 bytes (the one of `ASSESS_DATA_KEY`).
    public init(masterKey: SymmetricKey) throws(KeyMaterialError) {
        key = try SealingKey(masterKey: masterKey, purpose: "assess notify secrets v1")
    }

    /// A box with a random key, for the demo and tests: what it seals is unreadable after the process ends.
    public static func ephemeral() -> SecretBox {
        // A fresh 256-bit key meets the one condition init checks.
        try! SecretBox(masterKey: SymmetricKey(size: .bits256))
    }

    func seal(_ text: String) throws -> [UInt8] {
        try key.seal(Data(text.utf8))
    }

    func open(_ sealed: [UInt8]) throws -> String {
        do {
            return String(decoding: try key.open(sealed), as: UTF8.self)
        } catch {
            throw NotifyError(
                .wrongState, "a sealed subscription secret cannot be opened: this process has another ASSESS_DATA_KEY than the one that sealed it",
                zh: "无法打开已加密的订阅密钥：本进程的 ASSESS_DATA_KEY 与加密时的不同")
        }
    }

    /// A fresh signing secret, as handed to the subscriber once: `whsec_` and standard base64 of
    /// 32 random bytes, the form Standard Webhooks libraries take as it is.
    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }
}
