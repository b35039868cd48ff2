import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority for development, the demo and tests: it issues server certificates
/// (for the receivers notifications go to) and client certificates (for mutual TLS). Production
/// uses certificates from the organisation's own CA or a public one (`ops/tls.md`).
public struct DevelopmentCA: Sendable {
    /// The CA's certificate, to trust.
    public let certificate: Certificate
    let key: P256.Signing.PrivateKey

    /// A new CA valid from an hour ago for `days`.
    public init(name: String = "assess development CA", days: Int = 365) throws {
        let key = P256.Signing.PrivateKey()
        self.key = key
        let subject = try DistinguishedName {
            OrganizationName("assess (development)")
            CommonName(name)
        }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
    }

    /// A CA read back from its PEM certificate and key.
    public init(certificatePEM: String, keyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
    }

    /// An issued certificate with its private key, both PEM.
    public struct Issued: Sendable {
        public let certificatePEM: String
        public let keyPEM: String
    }

    /// A server certificate for `hosts` (DNS names or IP addresses), valid between the given times
    /// (by default from an hour ago for `days`; an expired one for tests has both in the past).
    public func issueServer(hosts: [String], days: Int = 90, notBefore: Date? = nil, notAfter: Date? = nil) throws -> Issued {
        try issue(
            commonName: hosts.first ?? "server", hosts: hosts, usage: ExtendedKeyUsage([.serverAuth]),
            notBefore: notBefore, notAfter: notAfter, days: days)
    }

    /// A client certificate naming `name`, for mutual TLS.
    public func issueClient(name: String, days: Int = 90) throws -> Issued {
        try issue(commonName: name, hosts: [], usage: ExtendedKeyUsage([.clientAuth]), notBefore: nil, notAfter: nil, days: days)
    }

    public var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }

    public var keyPEM: String { key.pemRepresentation }

    private func issue(commonName: String, hosts: [String], usage: ExtendedKeyUsage, notBefore: Date?, notAfter: Date?, days: Int) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let names: [GeneralName] = hosts.map { host in
            if let address = IPv4Address(host) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
            return .dnsName(host)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: notBefore ?? now.addingTimeInterval(-3_600),
            notValidAfter: notAfter ?? now.addingTimeInterval(Double(days) * 86_400),
            issuer: self.certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                usage
                if !names.isEmpty { SubjectAlternativeNames(names) }
                AuthorityKeyIdentifier(keyIdentifier: try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(key))
        return Issued(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: leafKey.pemRepresentation)
    }
}

/// Dotted IPv4, for IP subject alternative names.
private struct IPv4Address {
    let bytes: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}
