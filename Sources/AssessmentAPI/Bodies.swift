import Workflow
import Foundation

/// Request and response bodies: the API's own shapes, validated into domain values with errors
/// that name the field.
struct RegisterApplicantBody: RequestBody {
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
    var password: String

    func validate() {}  // no numbers; registration() checks the strings and the document

    func registration() throws -> ApplicantRegistration {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw invalidField("name", "must have 1 to 100 characters") }
        guard let kind = IdentityDocument.Kind(rawValue: document.kind) else {
            throw invalidField("document.kind", "must be one of \(IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let birthDate = CalendarDate(iso: document.birthDate) else { throw invalidField("document.birthDate", "must be a real date from 1900-01-01 on, like 1990-03-01") }
        guard let education = Policy.Education(rawValue: education) else {
            throw invalidField("education", "must be one of \(Policy.Education.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let employer, employer.count > 200 { throw invalidField("employer", "must have at most 200 characters") }
        guard (12...200).contains(password.count) else { throw invalidField("password", "must have 12 to 200 characters") }
        let identity: IdentityDocument
        do {
            identity = try IdentityDocument(kind: kind, number: document.number, issuingCountry: document.issuingCountry, declaredBirthDate: birthDate)
        } catch let error as IdentityError {
            throw invalidField("document.number", error.description)
        }
        return ApplicantRegistration(name: name, document: identity, employer: employer, profile: Applicant(birthDate: birthDate, education: education))
    }
}

struct SignInBody: RequestBody {
    struct Document: Decodable {
        var kind: String
        var number: String
        /// Required for a passport: two countries may issue the same number.
        var issuingCountry: String?
    }

    var document: Document
    var password: String

    func validate() {}  // no numbers; a wrong document or password is a 401, never a hint
}

struct ApplyBody: RequestBody {
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

    func validate() throws {
        try Bounds.check(round, "round", Bounds.id)
        if let grade = target.grade { try Bounds.check(grade, "target.grade", Bounds.gradeOrLevel) }
        if let level = target.level { try Bounds.check(level, "target.level", Bounds.gradeOrLevel) }
    }

    func applicationTarget() throws -> ApplicationTarget {
        switch target.track {
        case "title":
            guard let series = target.series else { throw invalidField("target.series", "required for a title") }
            guard let grade = target.grade.flatMap(TitleGrade.init(rawValue:)) else { throw invalidField("target.grade", "must be 1 to 5") }
            return .title(series: series, grade: grade, specialty: target.specialty)
        case "skill":
            guard let occupation = target.occupation else { throw invalidField("target.occupation", "required for a skill level") }
            guard let level = target.level.flatMap(SkillLevel.init(rawValue:)) else { throw invalidField("target.level", "must be 1 to 5") }
            guard let direction = target.direction else { throw invalidField("target.direction", "required for a skill level") }
            return .skill(occupation: occupation, level: level, direction: direction)
        default:
            throw invalidField("target.track", "must be title or skill")
        }
    }
}

struct AppealBody: RequestBody {
    var reason: String

    func validate() {}  // the store checks the reason's length
}

struct ScoreBody: RequestBody {
    var score: Double

    func validate() throws { try Bounds.check(score, "score", Bounds.score) }
}

struct RevokeBody: RequestBody {
    var reason: String

    func validate() {}  // the store checks the reason's length
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

/// A rule violation in one field.
func invalidField(_ name: String, _ message: String) -> Problem {
    Problem(.unprocessableContent, "\(name) \(message)", errors: [.init(field: name, message: message)])
}

struct ReviewerBody: RequestBody {
    var id: String
    var name: String
    var fields: [String]
    var employer: String?
    var loadCap: Int?
    /// Applicant ids the reviewer must never assess.
    var conflicts: [Int64]?

    func validate() throws {
        if let loadCap { try Bounds.check(loadCap, "loadCap", Bounds.loadCap) }
        for (index, applicant) in (conflicts ?? []).enumerated() { try Bounds.check(applicant, "conflicts[\(index)]", Bounds.id) }
    }

    func reviewer() throws -> Reviewer {
        guard id.wholeMatch(of: /[A-Za-z0-9._-]{1,64}/) != nil else { throw invalidField("id", "must be 1 to 64 letters, digits, dots, dashes or underscores") }
        guard (1...100).contains(name.count) else { throw invalidField("name", "must have 1 to 100 characters") }
        guard !fields.isEmpty, fields.count <= 20 else { throw invalidField("fields", "must name 1 to 20 fields") }
        let cap = loadCap ?? 20
        guard (conflicts?.count ?? 0) <= 1_000 else { throw invalidField("conflicts", "must list at most 1000 applicants") }
        return Reviewer(id: ReviewerID(id), fields: Set(fields), employer: employer,
                        declaredConflicts: Set((conflicts ?? []).map(String.init)), loadCap: cap)
    }
}

struct RoundBody: RequestBody {
    /// Changes to the default policy; the round refuses an inconsistent result, naming the field.
    struct PolicyChanges: Decodable {
        var reviewersPerCase: Int?
        var committeeSize: Int?
        var discrepancyTolerance: Double?
        var partPassMark: Double?
        var noticeWorkingDays: Int?
        var appealWindowDays: Int?

        func validate() throws {
            typealias Limit = Policy.Bounds
            if let reviewersPerCase { try Bounds.check(reviewersPerCase, "policy.reviewersPerCase", Limit.reviewersPerCase) }
            if let committeeSize { try Bounds.check(committeeSize, "policy.committeeSize", Limit.committeeSize) }
            if let discrepancyTolerance { try Bounds.check(discrepancyTolerance, "policy.discrepancyTolerance", Limit.discrepancyTolerance) }
            if let partPassMark { try Bounds.check(partPassMark, "policy.partPassMark", Limit.partPassMark) }
            if let noticeWorkingDays, !Limit.noticeWorkingDays.contains(noticeWorkingDays) {
                throw invalidField("policy.noticeWorkingDays", "must be 5 or 7")
            }
            if let appealWindowDays { try Bounds.check(appealWindowDays, "policy.appealWindowDays", Limit.appealWindowDays) }
        }

        func applied(to base: Policy) -> Policy {
            var policy = base
            if let reviewersPerCase { policy.reviewersPerCase = reviewersPerCase }
            if let committeeSize { policy.committeeSize = committeeSize }
            if let discrepancyTolerance { policy.discrepancyTolerance = discrepancyTolerance }
            if let partPassMark { policy.partPassMark = partPassMark }
            if let noticeWorkingDays { policy.noticeWorkingDays = noticeWorkingDays }
            if let appealWindowDays { policy.appealWindowDays = appealWindowDays }
            return policy
        }
    }

    var name: String
    var track: String
    var field: String
    var startDate: String
    var closesOnDay: Int?
    var scoringDays: Int?
    /// The round's clock: seconds in one of its days. Production keeps 86,400; rehearsals and the
    /// demo compress the calendar so that deadlines, notices and appeal windows pass in minutes.
    var daySeconds: Int?
    var seed: Int64?
    var policy: PolicyChanges?

    func validate() throws {
        if let closesOnDay { try Bounds.check(closesOnDay, "closesOnDay", Bounds.closesOnDay) }
        if let scoringDays { try Bounds.check(scoringDays, "scoringDays", Bounds.scoringDays) }
        if let daySeconds { try Bounds.check(daySeconds, "daySeconds", Bounds.daySeconds) }
        if let seed { try Bounds.check(seed, "seed", Bounds.seed) }
        try policy?.validate()
    }

    func draft(institution: String) throws -> RoundDraft {
        guard (1...200).contains(name.count) else { throw invalidField("name", "must have 1 to 200 characters") }
        guard let track = RoundRecord.Track(rawValue: track) else { throw invalidField("track", "must be title or skill") }
        guard let start = CalendarDate(iso: startDate) else { throw invalidField("startDate", "must be a date like 2026-11-23") }
        let closes = closesOnDay ?? 30
        let scoring = scoringDays ?? 14
        let day = daySeconds ?? 86_400
        return RoundDraft(institutionID: institution, name: name, track: track, field: field, policy: (policy?.applied(to: Policy())) ?? Policy(),
                          seed: seed ?? Int64.random(in: Bounds.seed), startDate: start, daySeconds: day, closesOnDay: closes, scoringDays: scoring)
    }
}

struct VoteBody: RequestBody {
    var members: Int
    var yes: Int
    var no: Int
    var abstain: Int

    func validate() throws {
        try Bounds.check(members, "members", Bounds.committeeMembers)
        try Bounds.check(yes, "yes", Bounds.ballots)
        try Bounds.check(no, "no", Bounds.ballots)
        try Bounds.check(abstain, "abstain", Bounds.ballots)
    }
}

struct SkillsResultBody: RequestBody {
    var parts: [String: Double]

    func validate() throws {
        for (name, mark) in parts.sorted(by: { $0.key < $1.key }) { try Bounds.check(mark, "parts.\(name)", Bounds.score) }
    }

    func scores() throws -> [SkillsPart: Double] {
        var scores: [SkillsPart: Double] = [:]
        for (name, score) in parts {
            guard let part = SkillsPart(rawValue: name) else {
                throw invalidField("parts.\(name)", "is not a part; use \(SkillsPart.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scores[part] = score
        }
        return scores
    }
}

struct ObjectionBody: RequestBody {
    var filedBy: String
    /// An e-mail address or a phone number, for the institution's answer; never shown publicly.
    var contact: String
    var statement: String

    func validate() throws {
        guard (1...200).contains(filedBy.count) else { throw invalidField("filedBy", "must have 1 to 200 characters") }
        guard (1...5_000).contains(statement.count) else { throw invalidField("statement", "must have 1 to 5000 characters") }
        guard (1...200).contains(contact.count) else { throw invalidField("contact", "must have 1 to 200 characters") }
    }
}

struct DismissObjectionsBody: RequestBody {
    var objections: [Int64]
    var reason: String

    func validate() throws {
        guard (1...1_000).contains(objections.count) else { throw invalidField("objections", "must list 1 to 1000 objection ids") }
        for (index, id) in objections.enumerated() { try Bounds.check(id, "objections[\(index)]", Bounds.id) }
        guard (1...4_000).contains(reason.count) else { throw invalidField("reason", "must have 1 to 4000 characters") }
    }
}

struct ObjectionView: Encodable, Sendable {
    let id: Int64
    let application: Int64
    let filedBy: String
    let contact: String?
    let statement: String
    let state: String
    let filedAt: Date

    init(_ record: ObjectionRecord) {
        (id, application, filedBy, contact) = (record.id, record.application, record.filedBy, record.contact)
        (statement, state, filedAt) = (record.statement, record.state.rawValue, record.filedAt)
    }
}

struct ResolutionBody: RequestBody {
    var resolution: String

    func validate() throws {
        guard (1...5_000).contains(resolution.count) else { throw invalidField("resolution", "must have 1 to 5000 characters") }
    }
}

/// A case as its reviewer sees it: blind, no name and no identity number.
struct ReviewCaseView: Encodable, Sendable {
    let application: Int64
    let round: Int64
    let stage: Int
    let target: String
    let dueAt: Date
}

struct NotificationView: Encodable, Sendable {
    let id: Int64
    let event: String
    let createdAt: Date
    let payload: String
}
