import Assessment
import AssessmentStore
import Foundation

/// Request and response bodies: the API's own shapes, validated into domain values with errors
/// that name the field.
struct RegisterApplicantBody: Decodable {
    struct Document: Decodable {
        var kind: String
        var number: String
        var issuingCountry: String?
        var birthDate: String
    }

    var name: String
    var document: Document
    var employer: String?
    var education: String

    func registration() throws -> ApplicantRegistration {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw field("name", "must have 1 to 100 characters") }
        guard let kind = IdentityDocument.Kind(rawValue: document.kind) else {
            throw field("document.kind", "must be one of \(IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let birthDate = CalendarDate(iso: document.birthDate) else { throw field("document.birthDate", "must be a date like 1990-03-01") }
        guard let education = Policy.Education(rawValue: education) else {
            throw field("education", "must be one of \(Policy.Education.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let employer, employer.count > 200 { throw field("employer", "must have at most 200 characters") }
        let identity: IdentityDocument
        do {
            identity = try IdentityDocument(kind: kind, number: document.number, issuingCountry: document.issuingCountry, declaredBirthDate: birthDate)
        } catch let error as IdentityError {
            throw field("document.number", error.description)
        }
        return ApplicantRegistration(name: name, document: identity, employer: employer, profile: Applicant(birthDate: birthDate, education: education))
    }
}

struct ApplyBody: Decodable {
    struct Target: Decodable {
        var track: String
        var series: String?
        var grade: Int?
        var specialty: String?
        var occupation: String?
        var level: Int?
        var direction: String?
    }

    var round: Int64
    var target: Target

    func applicationTarget() throws -> ApplicationTarget {
        switch target.track {
        case "title":
            guard let series = target.series else { throw field("target.series", "required for a title") }
            guard let grade = target.grade.flatMap(TitleGrade.init(rawValue:)) else { throw field("target.grade", "must be 1 to 5") }
            return .title(series: series, grade: grade, specialty: target.specialty)
        case "skill":
            guard let occupation = target.occupation else { throw field("target.occupation", "required for a skill level") }
            guard let level = target.level.flatMap(SkillLevel.init(rawValue:)) else { throw field("target.level", "must be 1 to 5") }
            guard let direction = target.direction else { throw field("target.direction", "required for a skill level") }
            return .skill(occupation: occupation, level: level, direction: direction)
        default:
            throw field("target.track", "must be title or skill")
        }
    }
}

struct AppealBody: Decodable {
    var reason: String
}

struct ScoreBody: Decodable {
    var score: Double
}

struct RevokeBody: Decodable {
    var reason: String
}

struct ApplicationView: Encodable, Sendable {
    let id: Int64
    let round: Int64
    let state: String
    let appliedOn: String
    let score: Double?
    let passed: Bool?
    let appealOutcome: String?

    init(_ record: ApplicationRecord) {
        id = record.id
        round = record.roundID
        state = record.state.rawValue
        appliedOn = record.appliedOn.description
        score = record.score
        passed = record.passed
        appealOutcome = record.appealOutcome?.rawValue
    }
}

struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
    /// Pass as `after` for the next page; absent on the last.
    let next: Int64?
}

struct CertificateView: Encodable, Sendable {
    let number: String
    let status: String
    let holder: String
    let holderDocument: String
    let qualification: String
    let level: String
    let issuer: String
    let issuedOn: String
    let signatureValid: Bool
}

func field(_ name: String, _ message: String) -> Problem {
    Problem(.unprocessableContent, "\(name) \(message)", errors: [.init(field: name, message: message)])
}
