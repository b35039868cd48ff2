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
    /// What is certified, in Chinese: a title name, or occupation and direction.
    public var qualification: String
    /// The level or grade, in Chinese.
    public var level: String
    /// What is certified, in English; nil on certificates issued before they carried English.
    public var qualificationEnglish: String?
    /// The level or grade, in English; nil on certificates issued before they carried English.
    public var levelEnglish: String?
    /// How it was obtained when not by review, in Chinese: the exam and its year (以考代评).
    public var basis: String?
    /// The same, in English.
    public var basisEnglish: String?
    /// A skills certificate's part results, in Chinese: each part's mark and the day it was taken.
    public var results: String?
    /// The same, in English.
    public var resultsEnglish: String?
    /// The issuing bureau.
    public var issuer: String
    /// The day it was issued.
    public var issuedOn: CalendarDate
    /// Issued by a rehearsal round on a compressed clock: signed, but no qualification.
    public var rehearsal: Bool

    /// Content of a certificate.
    public init(
        number: String, holderName: String, holderDocumentMasked: String, qualification: String, level: String,
        qualificationEnglish: String? = nil, levelEnglish: String? = nil, basis: String? = nil, basisEnglish: String? = nil,
        results: String? = nil, resultsEnglish: String? = nil, issuer: String, issuedOn: CalendarDate, rehearsal: Bool = false
    ) {
        (self.number, self.holderName, self.holderDocumentMasked) = (number, holderName, holderDocumentMasked)
        (self.qualification, self.level, self.qualificationEnglish, self.levelEnglish) = (qualification, level, qualificationEnglish, levelEnglish)
        (self.basis, self.basisEnglish, self.results, self.resultsEnglish) = (basis, basisEnglish, results, resultsEnglish)
        (self.issuer, self.issuedOn, self.rehearsal) = (issuer, issuedOn, rehearsal)
    }

    /// The content of a passed application's certificate, worded in Chinese and English.
    public init(
        number: String, holderName: String, holderDocumentMasked: String, wording: CertificateWording, issuer: String,
        issuedOn: CalendarDate, rehearsal: Bool
    ) {
        self.init(
            number: number, holderName: holderName, holderDocumentMasked: holderDocumentMasked, qualification: wording.qualification,
            level: wording.level, qualificationEnglish: wording.qualificationEnglish, levelEnglish: wording.levelEnglish,
            basis: wording.basis?.zh, basisEnglish: wording.basis?.en, results: wording.results?.zh, resultsEnglish: wording.results?.en,
            issuer: issuer, issuedOn: issuedOn, rehearsal: rehearsal)
    }

    private enum CodingKeys: String, CodingKey {
        case number, holderName, holderDocumentMasked, qualification, level, qualificationEnglish, levelEnglish, basis, basisEnglish, results,
            resultsEnglish, issuer, issuedOn, rehearsal
    }

    /// Decodes a content; one stored before rehearsals existed is a real certificate.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            number: try container.decode(String.self, forKey: .number), holderName: try container.decode(String.self, forKey: .holderName),
            holderDocumentMasked: try container.decode(String.self, forKey: .holderDocumentMasked),
            qualification: try container.decode(String.self, forKey: .qualification), level: try container.decode(String.self, forKey: .level),
            qualificationEnglish: try container.decodeIfPresent(String.self, forKey: .qualificationEnglish),
            levelEnglish: try container.decodeIfPresent(String.self, forKey: .levelEnglish),
            basis: try container.decodeIfPresent(String.self, forKey: .basis),
            basisEnglish: try container.decodeIfPresent(String.self, forKey: .basisEnglish),
            results: try container.decodeIfPresent(String.self, forKey: .results),
            resultsEnglish: try container.decodeIfPresent(String.self, forKey: .resultsEnglish),
            issuer: try container.decode(String.self, forKey: .issuer), issuedOn: try container.decode(CalendarDate.self, forKey: .issuedOn),
            rehearsal: try container.decodeIfPresent(Bool.self, forKey: .rehearsal) ?? false)
    }

    /// Versioned, fixed field order, each field length-prefixed: no two contents share bytes, and
    /// nothing (JSON key order, whitespace) can make one content encode two ways. A rehearsal's
    /// bytes start with their own tag, so its signature can never vouch for a real certificate.
    /// Version 2 adds the English wording, version 3 the basis (an exam and its year), version 4 a
    /// skills certificate's part results; a certificate without them keeps the bytes it was signed over.
    public var canonicalBytes: [UInt8] {
        let withResults = results != nil || resultsEnglish != nil
        let withBasis = withResults || basis != nil || basisEnglish != nil
        let english = withBasis || qualificationEnglish != nil || levelEnglish != nil
        let version = withResults ? "-v4" : withBasis ? "-v3" : english ? "-v2" : "-v1"
        let tag = (rehearsal ? "assess-rehearsal-certificate" : "assess-certificate") + version
        var fields = [number, holderName, holderDocumentMasked, qualification, level, issuer, issuedOn.description]
        if english { fields += [qualificationEnglish ?? "", levelEnglish ?? ""] }
        if withBasis { fields += [basis ?? "", basisEnglish ?? ""] }
        if withResults { fields += [results ?? "", resultsEnglish ?? ""] }
        var bytes = Array(tag.utf8)
        for field in fields {
            let utf8 = Array(field.utf8)
            let length = UInt32(clamping: utf8.count)
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

/// Why the bureau revoked a certificate.
public enum RevocationGrounds: String, Sendable, Hashable, Codable, CaseIterable {
    /// Obtained by fraud: the holder is barred from titles for `TitleBar.years`.
    case fraud
    /// Issued in error.
    case error
    /// Any other ground, said in the reason.
    case other
}

/// A holder whose title was obtained by fraud may not apply for titles for 3 years.
public enum TitleBar {
    /// The years of the bar.
    public static let years = 3

    /// The last day of a bar that starts on the day of revocation.
    public static func lastDay(revokedOn day: CalendarDate) throws(CalendarError) -> CalendarDate {
        try day.adding(years: years).adding(days: -1)
    }
}
