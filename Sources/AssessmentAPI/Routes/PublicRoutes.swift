import Foundation
import Hummingbird
import Workflow

/// What anyone may do without an account: check a certificate, object to a published result.
struct PublicRoutes {
    let workflow: Workflow
    let trustedProxies: Set<String>
    /// Certificate look-ups per client address and minute.
    let lookups: ClientRateLimiter

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "public")
        // The number and the holder's name give the certificate, as the national look-up services
        // ask; the number alone says only whether it exists. Numbers are sequential, so look-ups
        // are limited per client address.
        routes.add(
            .get, "/v1/certificates/{number}",
            "Verify a certificate: the number and the holder's name give the certificate; the number alone says only that it exists. At most 60 look-ups a minute per client address.",
            access: .anyone,
            query: [QueryParameter(name: "name", schema: .string(length: 1...100), description: "the holder's name as printed on the certificate")],
            reply: .ok(CertificateLookupView.self, "With name: the certificate, its status and the signature check; without: that it exists"),
            refuses: [429]
        ) { request, context in
            try lookups.admit(context.clientAddress(request, trustedProxies: trustedProxies))
            let number = try context.parameters.require("number")
            guard number.count <= 64, let record = try await workflow.certificate(number: number) else {
                throw Problem(.notFound, "no certificate has the number \(number.prefix(64))", zh: "没有编号为 \(number.prefix(64)) 的证书")
            }
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                return .exists(
                    CertificateExistenceView(
                        number: record.content.number, exists: true,
                        detail: "add ?name= with the holder's name to see the certificate"))
            }
            guard name.count <= 100, PersonName.same(name, record.content.holderName) else {
                throw Problem(.notFound, "no certificate has this number and holder name", zh: "没有此编号和持证人姓名的证书")
            }
            return .certificate(CertificateView(record))
        }
        routes.add(
            .get, BureauKeysView.path,
            "The HR bureau's public keys by id: with a certificate's payload and signature, all an offline verifier needs",
            access: .anyone, reply: .ok(BureauKeysView.self, "The keys")
        ) { _, _ in
            BureauKeysView(keys: try await workflow.bureauKeys().map { .init(id: $0.id, publicKey: Data($0.publicKey).base64EncodedString()) })
        }
        routes.add(
            .post, "/v1/applications/{id}/objections",
            "Object to a published result during its notice (anyone; at most 5 an hour per client address, 20 open per result)",
            access: .anyone, body: ObjectionBody.self, reply: .created(CreatedView.self, "Filed"), refuses: [409, 429]
        ) { request, context, body in
            CreatedView(
                id: try await workflow.fileObjection(
                    application: try context.id(), filedBy: body.filedBy, contact: body.contact,
                    statement: body.statement, client: context.clientAddress(request, trustedProxies: trustedProxies)))
        }
        return routes
    }
}

struct ObjectionBody: RequestBody, Documented {
    var filedBy: String
    /// An e-mail address or a phone number, for the institution's answer; never shown publicly.
    var contact: String
    var statement: String

    func validate() throws {
        guard (1...200).contains(filedBy.count) else { throw invalidField("filedBy", "must have 1 to 200 characters", zh: "须为 1 至 200 个字符") }
        guard (1...5_000).contains(statement.count) else { throw invalidField("statement", "must have 1 to 5000 characters", zh: "须为 1 至 5000 个字符") }
        guard (1...200).contains(contact.count) else { throw invalidField("contact", "must have 1 to 200 characters", zh: "须为 1 至 200 个字符") }
    }

    static var schema: JSONSchema {
        .object(required: [
            "filedBy": .string(length: 1...200),
            "contact": .string(length: 1...200, "an e-mail address or a phone number for the institution's answer; never shown publicly"),
            "statement": .string(length: 1...5_000),
        ])
    }
}

/// A certificate looked up by its number: the certificate itself, or only that it exists.
enum CertificateLookupView: ResponseEncodable, Sendable, Documented {
    case certificate(CertificateView)
    case exists(CertificateExistenceView)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .certificate(let view): try view.encode(to: encoder)
        case .exists(let view): try view.encode(to: encoder)
        }
    }

    static var schema: JSONSchema { .choice([.ref(CertificateView.self), .ref(CertificateExistenceView.self)]) }
}

/// What a certificate number alone tells: that it exists.
struct CertificateExistenceView: Encodable, Sendable, Documented {
    let number: String
    let exists: Bool
    let detail: String

    static var schema: JSONSchema { .object(required: ["number": .string(), "exists": .boolean, "detail": .string()]) }
}

/// A certificate as the public sees it: the holder's name and document masked, and what an
/// offline verifier needs (the signed payload, the signature, the key's id).
struct CertificateView: Encodable, Sendable, Documented {
    struct Verification: Encodable, Sendable {
        var algorithm = "Ed25519"
        let keyId: String
        let payload: String
        let signature: String
        var keys = BureauKeysView.path
        var format =
            "payload: a tag (assess-certificate-v1|v2|v3|v4, assess-rehearsal-certificate-v1|v2|v3|v4) then number, holder, masked document, "
            + "qualification, level, issuer, issue date (from v2 the English qualification and level, from v3 then the basis in Chinese "
            + "and English, in v4 then the part results in Chinese and English), each as a 4-byte big-endian length and its UTF-8; "
            + "the signature is over the payload"
    }

    let number: String
    let status: String
    let holder: String
    let holderDocument: String
    let qualification: String
    let level: String
    let qualificationEnglish: String?
    let levelEnglish: String?
    let basis: String?
    let basisEnglish: String?
    let results: String?
    let resultsEnglish: String?
    let issuer: String
    let issuedOn: String
    let signatureValid: Bool
    let verification: Verification

    init(_ record: CertificateRecord) {
        let content = record.content
        switch record.verdict {
        case .valid: status = "valid"
        case .revoked: status = "revoked"
        case .rehearsal: status = "rehearsal"
        case .invalidSignature: status = "invalid signature"
        }
        (number, holder, holderDocument) = (content.number, NoticeNames.mask(content.holderName), content.holderDocumentMasked)
        (qualification, level) = (content.qualification, content.level)
        (qualificationEnglish, levelEnglish) = (content.qualificationEnglish, content.levelEnglish)
        (basis, basisEnglish) = (content.basis, content.basisEnglish)
        (results, resultsEnglish) = (content.results, content.resultsEnglish)
        (issuer, issuedOn) = (content.issuer, content.issuedOn.description)
        signatureValid = record.verdict != .invalidSignature
        verification = Verification(
            keyId: record.keyID, payload: Data(content.canonicalBytes).base64EncodedString(), signature: Data(record.signature).base64EncodedString())
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "number": .string(),
                "status": .oneOf(["valid", "revoked", "rehearsal", "invalid signature"], "rehearsal: issued by a rehearsal round, qualifies nobody"),
                "holder": .string("masked"), "holderDocument": .string("masked"), "qualification": .string("in Chinese, as printed"),
                "level": .string("in Chinese, as printed"), "issuer": .string(), "issuedOn": .date, "signatureValid": .boolean,
                "verification": .object(required: [
                    "algorithm": .oneOf(["Ed25519"]), "keyId": .string(),
                    "payload": .string("base64 of the signed bytes; the holder's name in them is as printed"), "signature": .string("base64"),
                    "keys": .string("where the bureau's public keys are"), "format": .string(),
                ]),
            ],
            optional: [
                "qualificationEnglish": JSONSchema.string().orNull, "levelEnglish": JSONSchema.string().orNull,
                "basis": JSONSchema.string("how it was obtained when by national exam (以考代评), with the exam year").orNull,
                "basisEnglish": JSONSchema.string().orNull,
                "results": JSONSchema.string("a skills certificate's part results: each part's mark and the day it was taken").orNull,
                "resultsEnglish": JSONSchema.string().orNull,
            ])
    }
}

/// The bureau's public keys, for verifying certificates offline.
struct BureauKeysView: ResponseEncodable, Sendable, Documented {
    struct Key: Encodable, Sendable {
        let id: String
        var algorithm = "Ed25519"
        let publicKey: String
    }

    static let path = "/.well-known/assess/bureau-keys.json"
    let keys: [Key]

    static var schema: JSONSchema {
        .object(required: [
            "keys": .array(
                of: .object(required: [
                    "id": .string(), "algorithm": .oneOf(["Ed25519"]), "publicKey": .string("base64 of the 32-byte raw public key"),
                ]))
        ])
    }
}
