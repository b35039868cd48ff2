import Crypto
import Foundation
import Secrets

/// Keeps identity numbers out of the database in clear: sealed with AES-GCM for the rare lawful
/// read-back, and hashed with HMAC-SHA256 for look-up and duplicate detection. Both keys derive
/// from one master key (`ASSESS_DATA_KEY` or `ASSESS_DATA_KEY_FILE`), never from the repo.
public struct PersonalDataVault: Sendable {
    private let sealing: SealingKey
    private let lookupKey: SymmetricKey

    /// A vault over a master key of at least 32 bytes.
    public init(masterKey: SymmetricKey) throws(KeyMaterialError) {
        sealing = try SealingKey(masterKey: masterKey, purpose: "assess sealing v1")
        lookupKey = SealingKey.derive(masterKey, purpose: "assess lookup v1")
    }

    /// The vault of the deployment's master key; nil when it is not set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PersonalDataVault? {
        try masterKey(fromEnvironment: environment).map { try PersonalDataVault(masterKey: $0) }
    }

    /// The deployment's master key, which other components (notification secrets) derive their
    /// own keys from; nil when neither variable is set.
    public static func masterKey(fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SymmetricKey? {
        try KeyMaterial.fromEnvironment("ASSESS_DATA_KEY", environment)?.symmetricKey
    }

    /// A vault with a random key, for the demo and tests: what it seals cannot be read after the process ends.
    public static func ephemeral() -> PersonalDataVault {
        // A fresh 256-bit key meets the one condition init checks.
        try! PersonalDataVault(masterKey: SymmetricKey(size: .bits256))
    }

    /// The keyed hash of a normalized identity number, for look-up.
    public func lookupHash(of number: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(number.utf8), using: lookupKey))
    }

    /// The sealed number (nonce, ciphertext and tag).
    public func seal(_ number: String) throws -> [UInt8] {
        try sealing.seal(Data(number.utf8))
    }

    /// The number back from its sealed form.
    public func open(_ sealed: [UInt8]) throws -> String {
        String(decoding: try sealing.open(sealed), as: UTF8.self)
    }
}
