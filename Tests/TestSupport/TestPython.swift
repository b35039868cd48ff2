import Foundation

/// The Python of the virtual environment `ops/install-deps` makes, with the PyPI libraries the
/// tests check against (standardwebhooks, openpyxl): what a receiver or a spreadsheet program
/// would use, not our own reading of our own output.
public enum TestPython {
    public static let path = ".build/test-venv/bin/python"

    /// Runs `script` with `arguments`; returns its standard output and exit status.
    public static func run(_ script: String, arguments: [String]) throws -> (output: Data, status: Int32) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(description: "\(path) is missing: run ops/install-deps, which installs the PyPI libraries the tests use")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (data, process.terminationStatus)
    }
}
