import Assessment
import AssessmentStore
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import TestSupport

@testable import Workflow

/// People and rounds of a small season, as ids.
struct Cast {
    var institution = "sh-creators-assoc"
    var reviewers: [String] = (1...16).map { String(format: "r%02d", $0) }
    /// Title applicants (cultural_relics_museums, 助理馆员) by role.
    var titleApplicants: [String: Int64] = [:]
    /// Skills applicants (全媒体运营师 level 4) by role.
    var skillApplicants: [String: Int64] = [:]
    var applications: [String: Int64] = [:]
    var titleRound: Int64 = 0
    var skillRound: Int64 = 0
}

/// A valid resident ID for a birth date: region 310101, the date, a sequence, the check character.
func residentID(born: CalendarDate, sequence: Int) -> String {
    let digits = String(format: "310101%04d%02d%02d%03d", born.year, born.month, born.day, sequence)
    return digits + String(IdentityDocument.checkCharacter(of: digits))
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

/// Settings for pools in workflow tests: quick polling, so scheduled steps start on time.
func workflowPoolConfiguration(id: String) -> WorkerConfiguration {
    WorkerConfiguration(
        queues: [Workflow.queueName: 8, Workflow.signingQueueName: 2], claimBatchSize: 20, leaseDuration: .seconds(3),
        heartbeatInterval: .milliseconds(500), pollInterval: .milliseconds(100), drainTimeout: .seconds(5),
        retryPolicy: RetryPolicy(base: .milliseconds(100), cap: .seconds(1), jitter: 0.1), workerID: id)
}

extension PostgresClient {
    /// The first column of the first row as text.
    func text(_ query: PostgresQuery) async throws -> String? {
        for try await value in try await self.query(query).decode(String?.self) { return value }
        return nil
    }
}

/// Sets up the cast: an institution with sixteen cultural_relics_museums reviewers, title applicants (one
/// retired, one applying two levels up), skills applicants (one 15 years old, one foreign
/// passport holder), a title round and a skills sitting on a compressed clock of a second a day,
/// closed to applications as soon as all have applied.
func castSeason(_ workflow: Workflow, startDate: CalendarDate) async throws -> Cast {
    var cast = Cast()
    try await workflow.addInstitution(id: cast.institution, name: "Shanghai Internet Creators Association")
    let titleProfiles: [(role: String, born: String, employer: String?, retired: Bool)] = [
        ("colleague", "1990-03-01", "Acme Media", false), ("conflicted", "1991-04-02", nil, false),
        ("plain", "1988-05-03", "Bright Studio", false), ("appellant", "1992-06-04", nil, false),
        ("disputed", "1993-07-05", "Wave MCN", false), ("slow-panel", "1989-08-06", nil, false),
        ("retired", "1960-09-07", nil, true), ("too-high", "1994-10-08", nil, false),
    ]
    for (index, profile) in titleProfiles.enumerated() {
        let born = date(profile.born)
        let document = try IdentityDocument(kind: .residentID, number: residentID(born: born, sequence: 100 + index), declaredBirthDate: born)
        cast.titleApplicants[profile.role] = try await workflow.registerApplicant(
            ApplicantRegistration(
                name: "Title \(profile.role)", document: document, employer: profile.employer,
                profile: Applicant(
                    birthDate: born, education: .bachelor, isRetired: profile.retired,
                    // The assistant grade needs a year of work in the field: three, at one studio or another.
                    workHistory: [
                        .init(
                            employer: profile.employer ?? "Talent Service Centre",
                            creditCode: profile.role == "plain" ? CreditCode("91310115MA13BJ1XG6") : nil, start: date("2022-09-01"))
                    ])))
    }
    let minor = date("2011-01-15")  // 15 on the round's start date
    let skillDocuments: [(role: String, document: IdentityDocument, born: CalendarDate)] = [
        ("minor", try IdentityDocument(kind: .residentID, number: residentID(born: minor, sequence: 201), declaredBirthDate: minor), minor),
        (
            "foreign", try IdentityDocument(kind: .passport, number: "X1234567", issuingCountry: "FRA", declaredBirthDate: date("1995-02-03")),
            date("1995-02-03")
        ),
        (
            "failing",
            try IdentityDocument(
                kind: .residentID, number: residentID(born: date("1999-12-31"), sequence: 202),
                declaredBirthDate: date("1999-12-31")), date("1999-12-31")
        ),
    ]
    for (role, document, born) in skillDocuments {
        cast.skillApplicants[role] = try await workflow.registerApplicant(
            ApplicantRegistration(
                name: "Skills \(role)", document: document, employer: nil, profile: Applicant(birthDate: born, education: .secondary)))
    }
    for (index, id) in cast.reviewers.enumerated() {
        let employer = index == 0 ? "Acme Media" : index == 2 ? "Bright Studio, Shanghai branch" : "Reviewer Employer \(index)"
        let conflicts: Set<String> = index == 1 ? [String(cast.titleApplicants["conflicted"]!)] : []
        try await workflow.addReviewer(
            Reviewer(
                id: ReviewerID(id), fields: ["cultural_relics_museums"], employer: employer,
                // The studio "plain" works for, by its code: a name spelt otherwise is the same employer.
                employerCode: index == 2 ? CreditCode("91310115MA13BJ1XG6") : nil,
                declaredConflicts: conflicts, loadCap: 10),
            name: "Reviewer \(id)", institution: cast.institution)
    }
    var policy = Policy()
    policy.reviewersPerCase = 3
    policy.committeeSize = 5
    policy.pilotCommittee = true
    policy.appealWindowDays = 3
    cast.titleRound = try await workflow.openRound(
        RoundDraft(
            institutionID: cast.institution, name: "2026 cultural_relics_museums titles", track: .title, field: "cultural_relics_museums",
            policy: policy,
            seed: 20_261_122, startDate: startDate, daySeconds: 1, closesOnDay: 100_000, scoringDays: 2))
    cast.skillRound = try await workflow.openRound(
        RoundDraft(
            institutionID: cast.institution, name: "2026 omni-media sitting", track: .skill, field: "4-13-01-05", policy: policy,
            seed: 7, startDate: startDate, daySeconds: 1, closesOnDay: 100_000, scoringDays: 2))
    for (role, applicant) in cast.titleApplicants {
        let grade: TitleGrade = role == "too-high" ? .intermediate : .assistant
        cast.applications[role] = try await workflow.apply(
            round: cast.titleRound, applicant: applicant, target: .title(series: "cultural_relics_museums", grade: grade, specialty: nil))
    }
    for (role, applicant) in cast.skillApplicants {
        cast.applications[role] = try await workflow.apply(
            round: cast.skillRound, applicant: applicant,
            target: .skill(occupation: "4-13-01-05", level: SkillLevel(rawValue: 4)!, direction: "creative_planning"))
    }
    // Closed by the institution once everyone applied, so that a slow machine cannot miss the day.
    try await workflow.closeApplicationsNow(round: cast.titleRound, institution: cast.institution)
    try await workflow.closeApplicationsNow(round: cast.skillRound, institution: cast.institution)
    return cast
}
