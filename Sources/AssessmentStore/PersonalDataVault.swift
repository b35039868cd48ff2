import Crypto
import Foundation

/// Keeps identity numbers out of the database in clear: sealed with AES-GCM for the rare lawful
/// read-back, and hashed with HMAC-SHA256 for look-up and duplicate detection. Both keys derive
/// from one master key (HKDF) that comes from the environment or a file, never from the repo.
public struct PersonalDataVault: Sendable {
    private let sealingKey: SymmetricKey
    private let lookupKey: SymmetricKey

    /// A vault over a master key of at least 32 bytes.
    public init(masterKey: SymmetricKey) throws {
        guard masterKey.bitCount >= 256 else {
            throw StoreError(.invalidInput, "the personal data key must have at least 32 bytes")
        }
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("assess sealing v1".utf8), outputByteCount: 32)
        lookupKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("assess lookup v1".utf8), outputByteCount: 32)
    }

    /// The master key from `ASSESS_DATA_KEY` (base64) or the file named by `ASSESS_DATA_KEY_FILE`;
    /// nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PersonalDataVault? {
        try masterKey(fromEnvironment: environment).map { try PersonalDataVault(masterKey: $0) }
    }

    /// The deployment's master key, which other components (notification secrets) derive their
    /// own keys from; nil when neither variable is set.
    public static func masterKey(fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SymmetricKey? {
        var encoded = environment["ASSESS_DATA_KEY"]
        if encoded == nil, let path = environment["ASSESS_DATA_KEY_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw StoreError(.invalidInput, "ASSESS_DATA_KEY_FILE names a file that cannot be read")
            }
            encoded = text
        }
        guard let encoded else { return nil }
        guard let bytes = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StoreError(.invalidInput, "the personal data key must be base64 (e.g. `openssl rand -base64 32`)")
        }
        return SymmetricKey(data: bytes)
    }

    /// A vault with a random key, for the demo and tests: what it seals cannot be read after the process ends.
    public static func ephemeral() -> PersonalDataVault {
        try! PersonalDataVault(masterKey: SymmetricKey(size: .bits256))
    }

    /// The keyed hash of a normalized identity number, for look-up.
    public func lookupHash(of number: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(number.utf8), using: lookupKey))
    }

    /// The sealed number (nonce, ciphertext and tag).
    public func seal(_ number: String) throws -> [UInt8] {
        Array(try AES.GCM.seal(Data(number.utf8), using: sealingKey).combined!)
    }

    /// The number back from its sealed form.
    public func open(_ sealed: [UInt8]) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return String(decoding: try AES.GCM.open(box, using: sealingKey), as: UTF8.self)
    }
}
