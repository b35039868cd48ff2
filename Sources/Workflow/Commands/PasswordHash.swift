import Crypto
import CryptoExtras
import Foundation
import NIOPosix

/// Password hashes: scrypt (by default N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds
/// per guess), a random 16-byte salt, stored with their parameters so they can be raised later.
public enum PasswordHash {
    public static let defaultRounds = 1 << 15
    static let blockSize = 8
    static let parallelism = 1

    /// Hashing takes tens of milliseconds of CPU: it runs on NIO's blocking thread pool, never on
    /// the threads that serve requests.
    static func make(_ password: String, rounds: Int) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try makeNow(password, rounds: rounds) }
    }

    static func verify(_ password: String, against stored: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { verifyNow(password, against: stored) }) ?? false
    }

    static func burn(_ password: String, rounds: Int) async {
        _ = try? await NIOThreadPool.singleton.runIfActive { burnNow(password, rounds: rounds) }
    }

    private static func makeNow(_ password: String, rounds: Int) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(rounds)$\(blockSize)$\(parallelism)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `stored`; compares in constant time.
    private static func verifyNow(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            let key = try? derive(password, salt: salt, rounds: n, blockSize: r, parallelism: p), key.count == expected.count
        else {
            return false
        }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Spends the time of one verification, for unknown accounts: timing tells nothing.
    private static func burnNow(_ password: String, rounds: Int) {
        _ = try? derive(password, salt: Data(count: 16), rounds: rounds, blockSize: blockSize, parallelism: parallelism)
    }

    private static func derive(_ password: String, salt: Data, rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds,
            blockSize: blockSize, parallelism: parallelism
        ).withUnsafeBytes { Data($0) }
    }
}
