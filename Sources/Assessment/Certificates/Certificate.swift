import Crypto

/// What a certificate says. Its canonical bytes are what the bureau signs, so anyone holding the
/// content, the signature and the bureau's public key can verify it offline.
public struct CertificateContent: Sendable, Hashable, Codable {
    /// The certificate number.
    public var number: String
    /// The holder's name as printed.
    public var holderName: String
    /// The holder's identity document, masked (last four characters).
    public var holderDocumentMasked: String
    /// What is certified: a title name, or occupation, level and direction.
    public var qualification: String
    /// The level or grade, in words.
    public var level: String
    /// The issuing bureau.
    public var issuer: String
    /// The day it was issued.
    public var issuedOn: CalendarDate
    /// Issued by a rehearsal round on a compressed clock: signed, but no qualification.
    public var rehearsal: Bool

    /// Content of a certificate.
    public init(
        number: String, holderName: String, holderDocumentMasked: String, qualification: String, level: String,
        issuer: String, issuedOn: CalendarDate, rehearsal: Bool = false
    ) {
        (self.number, self.holderName, self.holderDocumentMasked) = (number, holderName, holderDocumentMasked)
        (self.qualification, self.level, self.issuer, self.issuedOn, self.rehearsal) = (qualification, level, issuer, issuedOn, rehearsal)
    }

    private enum CodingKeys: String, CodingKey { case number, holderName, holderDocumentMasked, qualification, level, issuer, issuedOn, rehearsal }

    /// Decodes a content; one stored before rehearsals existed is a real certificate.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            number: try container.decode(String.self, forKey: .number), holderName: try container.decode(String.self, forKey: .holderName),
            holderDocumentMasked: try container.decode(String.self, forKey: .holderDocumentMasked),
            qualification: try container.decode(String.self, forKey: .qualification), level: try container.decode(String.self, forKey: .level),
            issuer: try container.decode(String.self, forKey: .issuer), issuedOn: try container.decode(CalendarDate.self, forKey: .issuedOn),
            rehearsal: try container.decodeIfPresent(Bool.self, forKey: .rehearsal) ?? false)
    }

    /// Versioned, fixed field order, each field length-prefixed: no two contents share bytes, and
    /// nothing (JSON key order, whitespace) can make one content encode two ways. A rehearsal's
    /// bytes start with their own tag, so its signature can never vouch for a real certificate.
    public var canonicalBytes: [UInt8] {
        var bytes = Array((rehearsal ? "assess-rehearsal-certificate-v1" : "assess-certificate-v1").utf8)
        for field in [number, holderName, holderDocumentMasked, qualification, level, issuer, issuedOn.description] {
            let utf8 = Array(field.utf8)
            let length = UInt32(utf8.count)
            bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            bytes += utf8
        }
        return bytes
    }
}

/// Signing and verification with the bureau's Ed25519 key.
public enum CertificateSigning {
    /// The signature of `content` by the bureau's private key.
    public static func sign(_ content: CertificateContent, with key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        Array(try key.signature(for: content.canonicalBytes))
    }

    /// What a verification found.
    public enum Verdict: Sendable, Hashable {
        /// Signed by the bureau and not revoked.
        case valid
        /// Signed by the bureau, then revoked.
        case revoked(reason: String, on: CalendarDate)
        /// Signed by the bureau in a rehearsal: it proves the rehearsal ran, and qualifies nobody.
        case rehearsal
        /// Not signed by this bureau's key, or altered since.
        case invalidSignature
    }

    /// Checks the signature, then the revocation status, then whether a rehearsal issued it.
    public static func verify(
        _ content: CertificateContent, signature: [UInt8], publicKey: Curve25519.Signing.PublicKey, status: CertificateStatus
    ) -> Verdict {
        guard publicKey.isValidSignature(signature, for: content.canonicalBytes) else { return .invalidSignature }
        switch status {
        case .valid: return content.rehearsal ? .rehearsal : .valid
        case .revoked(let reason, let on): return .revoked(reason: reason, on: on)
        }
    }
}

/// Whether the bureau still stands by a certificate.
public enum CertificateStatus: Sendable, Hashable, Codable {
    /// In force.
    case valid
    /// Revoked, with the reason and the day.
    case revoked(reason: String, on: CalendarDate)
}
