import Foundation
import PostgresSupport
import Testing

@Suite("Spawning programs")
struct ProcessSpawnerTests {
    @Test("a spawned program inherits no descriptor beyond stdin, stdout and stderr")
    func noInheritedDescriptors() throws {
        // A pipe made without close-on-exec, as a socket or a pipe of a library may be.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try ProcessSpawner.spawn("/bin/sh", ["-c", "ls /proc/$$/fd"], outputPath: output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let listed = Set(try String(contentsOfFile: output, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
        #expect(listed.isSuperset(of: [0, 1, 2]), "\(listed)")
        #expect(listed.isDisjoint(with: ends), "the child held our pipe: \(listed) against \(ends)")
    }
}
