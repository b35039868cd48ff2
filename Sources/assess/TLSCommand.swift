import ArgumentParser
import Foundation
import Notify
import NotifyTesting

/// `assess tls …`: a development CA and the certificates the demo and tests use. Production uses
/// certificates from a real CA (`ops/tls.md`).
struct TLSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls", abstract: "Create a development CA, and server and client certificates from it.",
        subcommands: [CA.self, Server.self, Client.self])

    struct CA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ca", abstract: "Create a CA: <out>/ca.pem and <out>/ca-key.pem.")
        @Option(help: "The folder to write to.") var out: String
        @Option(help: "Days it is valid.") var days = 365

        func run() throws {
            let ca = try DevelopmentCA(days: days)
            try write(try ca.certificatePEM, key: ca.keyPEM, name: "ca", to: out)
        }
    }

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a server certificate: <out>/<name>.pem and <out>/<name>-key.pem.")
        @Option(help: "The folder holding ca.pem and ca-key.pem.") var ca: String
        @Option(name: .customLong("host"), help: "A DNS name or IPv4 address it is for (repeat).") var hosts: [String] = ["localhost", "127.0.0.1"]
        @Option(help: "File name stem.") var name = "server"
        @Option(help: "The folder to write to.") var out: String
        @Option(help: "Days it is valid.") var days = 90

        func run() throws {
            let issued = try loadCA(ca).issueServer(hosts: hosts, days: days)
            try write(issued.certificatePEM, key: issued.keyPEM, name: name, to: out)
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a client certificate for mutual TLS: <out>/<name>.pem and <out>/<name>-key.pem.")
        @Option(help: "The folder holding ca.pem and ca-key.pem.") var ca: String
        @Option(help: "The name it certifies, and the file name stem.") var name = "client"
        @Option(help: "The folder to write to.") var out: String
        @Option(help: "Days it is valid.") var days = 90

        func run() throws {
            let issued = try loadCA(ca).issueClient(name: name, days: days)
            try write(issued.certificatePEM, key: issued.keyPEM, name: name, to: out)
        }
    }
}

private func loadCA(_ folder: String) throws -> DevelopmentCA {
    let base = URL(fileURLWithPath: folder)
    return try DevelopmentCA(
        certificatePEM: try readFile(base.appendingPathComponent("ca.pem").path),
        keyPEM: try readFile(base.appendingPathComponent("ca-key.pem").path))
}

/// Writes the certificate world-readable and the key readable by its owner only.
private func write(_ certificate: String, key: String, name: String, to folder: String) throws {
    let manager = FileManager.default
    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let base = URL(fileURLWithPath: folder)
    let certificatePath = base.appendingPathComponent("\(name).pem").path
    let keyPath = base.appendingPathComponent("\(name)-key.pem").path
    guard manager.createFile(atPath: keyPath, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]),
        manager.createFile(atPath: certificatePath, contents: Data(certificate.utf8), attributes: [.posixPermissions: 0o644])
    else {
        throw ValidationError("cannot write to \(folder)")
    }
    print("wrote \(certificatePath) and \(keyPath)")
}
