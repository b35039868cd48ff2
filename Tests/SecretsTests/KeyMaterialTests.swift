import Crypto
import Foundation
import Secrets
import Testing

@Suite("Keys from the environment and sealing")
struct KeyMaterialTests {
    let master = SymmetricKey(data: Data((0..<32).map { UInt8($0) }))

    @Test("a key comes from NAME or from the file NAME_FILE; neither set is nil; a refusal names the variable, never the key")
    func fromEnvironment() throws {
        let encoded = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        #expect(try KeyMaterial.fromEnvironment("K", ["K": encoded])?.bytes.count == 32)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        try Data((encoded + "\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try KeyMaterial.fromEnvironment("K", ["K_FILE": path])?.bytes.count == 32)
        #expect(try KeyMaterial.fromEnvironment("K", [:]) == nil)
        #expect(throws: KeyMaterialError.self) { try KeyMaterial.fromEnvironment("K", ["K_FILE": path + ".missing"]) }
        do {
            _ = try KeyMaterial.fromEnvironment("K", ["K": "not base64 at all!"])
            Issue.record("a non-base64 key was taken")
        } catch {
            #expect(error.message.contains("K must be base64") && !error.message.contains("not base64 at all"))
        }
    }

    @Test("sealing opens under its own purpose only; a short master key is refused")
    func sealing() throws {
        let notes = try SealingKey(masterKey: master, purpose: "notes v1")
        let other = try SealingKey(masterKey: master, purpose: "other v1")
        let sealed = try notes.seal(Data("310101199003011234".utf8))
        #expect(String(decoding: try notes.open(sealed), as: UTF8.self) == "310101199003011234")
        #expect(throws: (any Error).self) { try other.open(sealed) }
        #expect(throws: KeyMaterialError.self) { try SealingKey(masterKey: SymmetricKey(size: .bits128), purpose: "notes v1") }
    }

    @Test("values sealed before SealingKey existed (HKDF-SHA256 of the purpose, AES-GCM) still open")
    func compatible() throws {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("assess sealing v1".utf8), outputByteCount: 32)
        let old = Array(try AES.GCM.seal(Data("stored".utf8), using: derived).combined!)
        #expect(String(decoding: try SealingKey(masterKey: master, purpose: "assess sealing v1").open(old), as: UTF8.self) == "stored")
    }
}
