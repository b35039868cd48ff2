import Crypto
import Foundation

/// A refused key: missing file, not base64, too short. The message names the variable, never the key.
public struct KeyMaterialError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A key the deployment gives a process: the base64 in the variable `name`, or in the file the
/// variable `name_FILE` names (for systemd credentials and mounted secrets). Never from the repo.
public struct KeyMaterial: Sendable {
    /// The key's bytes.
    public let bytes: Data

    public init(bytes: Data) {
        self.bytes = bytes
    }

    /// The key of `name` (or `name_FILE`); nil when neither is set.
    public static func fromEnvironment(
        _ name: String, _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KeyMaterialError) -> KeyMaterial? {
        var encoded = environment[name]
        if encoded == nil, let path = environment[name + "_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw KeyMaterialError("\(name)_FILE names a file that cannot be read")
            }
            encoded = text
        }
        guard let encoded else { return nil }
        guard let bytes = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw KeyMaterialError("\(name) must be base64 (e.g. `openssl rand -base64 32`)")
        }
        return KeyMaterial(bytes: bytes)
    }

    /// The key as a symmetric master key.
    public var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }
}

/// Seals values with AES-GCM under a key derived (HKDF-SHA256) from a master key for one
/// `purpose`, so that every use of the deployment's one master key has a key of its own.
public struct SealingKey: Sendable {
    private let key: SymmetricKey

    /// The key of `purpose` under `masterKey`, which must have at least 32 bytes.
    public init(masterKey: SymmetricKey, purpose: String) throws(KeyMaterialError) {
        guard masterKey.bitCount >= 256 else { throw KeyMaterialError("the master key must have at least 32 bytes") }
        key = Self.derive(masterKey, purpose: purpose)
    }

    /// A key of its own for `purpose` (HKDF-SHA256, 32 bytes): for MACs and the like.
    public static func derive(_ masterKey: SymmetricKey, purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// Nonce, ciphertext and tag.
    public func seal(_ plaintext: some DataProtocol) throws -> [UInt8] {
        // A 12-byte nonce, which AES.GCM.seal makes, always gives a combined form.
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else { throw KeyMaterialError("sealing failed") }
        return Array(combined)
    }

    /// The plaintext back; throws when the value was sealed under another key or altered.
    public func open(_ sealed: [UInt8]) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: Data(sealed)), using: key)
    }
}
