import Assessment
import Foundation
import NIOHTTP1
import Synchronization

/// A season played through the API by the people who take part in it: applicants register and
/// apply, the institution keeps its pool, opens a title round and a skills sitting and closes
/// them, reviewers score their cases (one of them never answers, one declares a conflict, one
/// panel disagrees), the committee votes, the skills centre holds a sitting (an absent candidate,
/// an appeal of a part, a re-sit), appeals and an objection are filed and decided, the bureau
/// confirms, certificates are checked and one is revoked. Only the operator's acts (an institution's record, tokens) happen outside the API.
struct DemoSeason: Sendable {
    let api: DemoAPI
    let cast: DemoCast
    let startDate: CalendarDate
    let daySeconds: Int
    let seed: UInt64
    /// The operator's act of issuing a token (`assess tokens issue`).
    let issueToken: @Sendable (_ role: String, _ subject: String) async throws -> String

    /// The season is a rehearsal, which may be dated freely: autumn 2026, whose official holiday
    /// schedule the product ships. The committee meets on 29 September, so the public notice of 5
    /// working days runs past the National Day holiday (1 to 7 October) to 12 October. At 2 s a day
    /// the panels are done by about 27 days after the start; on a fast machine the committee waits
    /// for its day, and a slower one meets as late as 7 October with the holiday still ahead.
    static let seasonStart = CalendarDate(year: 2026, month: 8, day: 30)!
    static let committeeDay = CalendarDate(year: 2026, month: 9, day: 29)!
    /// The title round's notice, in working days (policy `noticeWorkingDays`).
    static let noticeWorkingDays = 5

    /// What happened, for the summary.
    struct Facts: Sendable {
        var titleRound: Int64 = 0
        var skillsRound: Int64 = 0
        var examRound: Int64 = 0
        /// Results the exam office imported, and how many passed.
        var examResults = (imported: 0, passed: 0)
        var reviewers = 0
        var scores = 0
        var silentReviewer = ""
        var conflictDeclared = false
        var discrepancies: [Int64] = []
        var votes = 0
        var sitting = SittingFacts()
        var appeals: [(application: Int64, outcome: String)] = []
        var objectionHandled = false
        /// An application went back for correction and came back.
        var corrected = false
        /// The size of the title round's results workbook the bureau exported.
        var exportedBytes = 0
        /// The title round's public notice: its first and last day, and the public holidays it ran past.
        var notice: (publishedOn: String, endsOn: String, holidays: Int)?
        var certificateChecked: (number: String, before: String, after: String)?
        var phases: [(name: String, seconds: Double)] = []
    }

    struct Applicant: Sendable {
        let person: DemoCast.Person
        let id: Int64
        let token: String
        let application: Int64
    }

    /// Scores the reviewers mean to give, by application: each panel member near the work's
    /// quality; the first panel of a disputed case far apart; appeal panels as planned.
    final class ScorePlan: Sendable {
        private let state = Mutex((quality: [Int64: Double](), disputed: [Int64: Int](), appeal: [Int64: Double](), scores: 0))
        private let failure = Mutex<String?>(nil)

        /// A reviewer's request failed unexpectedly: whoever waits on reviews stops with it.
        func fail(_ error: any Error) { failure.withLock { $0 = $0 ?? "a reviewer's request failed: \(error)" } }
        func check() throws {
            if let message = failure.withLock({ $0 }) { throw DemoAPI.Refused(method: "-", path: "reviews", status: 0, detail: message) }
        }

        func expect(_ application: Int64, quality: Double) { state.withLock { $0.quality[application] = quality } }
        func dispute(_ application: Int64) { state.withLock { $0.disputed[application] = 0 } }
        func appeal(_ application: Int64, score: Double) { state.withLock { $0.appeal[application] = score } }
        /// The score planned for an appeal's fresh panel; the committee votes by it, as by any score.
        var scores: Int { state.withLock { $0.scores } }
        func scored() { state.withLock { $0.scores += 1 } }

        func score(application: Int64, stage: Int, reviewer: String) -> Double {
            state.withLock { state in
                if stage == 2, let planned = state.appeal[application] { return planned }
                if stage == 0, let given = state.disputed[application] {
                    state.disputed[application] = given + 1
                    return [48, 92, 70][given % 3]
                }
                let quality = state.quality[application] ?? 75
                // Not hashValue: it is seeded per process, and the same --seed must give the same season.
                let jitter = Double(reviewer.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 7 - 3)
                return min(100, max(0, (stage == 1 ? 72 : quality) + jitter))
            }
        }
    }

    func phase<Result>(_ name: String, _ phases: inout [(name: String, seconds: Double)], _ body: () async throws -> Result)
        async throws -> Result
    {
        let started = ContinuousClock.now
        let result = try await body()
        phases.append((name, ((ContinuousClock.now - started) / .seconds(1))))
        return result
    }

    /// A seed the API takes (1 to 2^53 - 1, exact in JavaScript) from the run's 64-bit seed.
    static func apiSeed(_ seed: UInt64) -> Int64 { Int64(seed >> 12) + 1 }

    func play() async throws -> (facts: Facts, applicants: [Applicant]) {
        var facts = Facts()
        var phases: [(name: String, seconds: Double)] = []
        let bureau = try await issueToken("bureau", "demo-officer")
        try await phase("institutions filed", &phases) { try await fileInstitutions(bureau: bureau) }
        let institution = try await issueToken("institution", DemoCommand.institutionID)
        let sitting = try await issueToken("institution", DemoCommand.skillsInstitutionID)
        try await phase("open the rounds", &phases) {
            say("The institution opens a title round (economics, 经济专业); the skills centre a skills round (全媒体运营师, levels 4, 3 and 2).")
            // The committee has the national 25 members of a series committee.
            let policy: [String: Any] = ["reviewersPerCase": 3, "appealWindowDays": 3, "noticeWorkingDays": Self.noticeWorkingDays]
            let common: [String: Any] = [
                "startDate": startDate.description, "closesOnDay": 30, "scoringDays": 10,
                "daySeconds": daySeconds, "seed": Self.apiSeed(seed), "policy": policy,
            ]
            facts.titleRound = try await id(
                api.send(
                    .POST, "/v1/rounds", token: institution,
                    json: common.merging(
                        [
                            "name": "2026 economics titles for internet content creators", "track": "title", "field": "economics",
                            // The office checks every title dossier by hand (形式审查) before eligibility.
                            "policy": policy.merging(["formalCheck": true]) { $1 },
                        ]) { $1 }
                ).body)
            facts.skillsRound = try await id(
                api.send(
                    .POST, "/v1/rounds", token: sitting,
                    json: common.merging(
                        ["name": "2026 Omni-Media Operation Specialist sitting", "track": "skill", "field": "4-13-01-05"]) { $1 }
                ).body)
        }
        let plan = ScorePlan()
        let applicants = try await phase("registration and applications", &phases) {
            try await registerAndApply(titleRound: facts.titleRound, skillsRound: facts.skillsRound, plan: plan)
        }
        let examinees = try await phase("the national exam", &phases) {
            let (round, examinees, results) = try await sitExam(applicants, institution: institution)
            (facts.examRound, facts.examResults) = (round, results)
            return examinees
        }
        facts.corrected = try await phase("formal check", &phases) {
            try await checkFormally(applicants.filter { $0.person.track == .title }, round: facts.titleRound, institution: institution)
        }
        let reviewers = try await phase("reviewer pool", &phases) {
            try await buildPool(institution: institution, applicants: applicants)
        }
        facts.reviewers = reviewers.count
        facts.silentReviewer = reviewers[3].id
        let committee = try await phase("committee draw", &phases) {
            try await drawCommittee(round: facts.titleRound, reviewers: reviewers, institution: institution)
        }
        try await phase("staffing", &phases) {
            for (round, token) in [(facts.titleRound, institution), (facts.skillsRound, sitting)] {
                try await api.send(.POST, "/v1/rounds/\(round)/close", token: token)
            }
            say("Applications close; eligibility is checked and panels are drawn, conflict-free, by jobs.")
            try await waitForState(round: facts.titleRound, atLeast: "scoring", institution: institution)
            try await waitForState(round: facts.skillsRound, atLeast: "scoring", institution: sitting)
        }
        let titleCases = applicants.filter { $0.person.track == .title }
        let disputed = try await pickDisputed(titleCases, institution: institution, round: facts.titleRound, plan: plan)
        facts.discrepancies = disputed
        // Reviewers answer until the appeals are decided; the silent one never does.
        let answering = reviewers.filter { $0.id != reviewers[3].id }
        let reviewing = Task { await keepReviewing(answering, plan: plan) }
        defer { reviewing.cancel() }
        try await phase("scoring, votes and the skills sitting", &phases) {
            // The skills centre runs its sitting, appeal and re-sit while the title panels score.
            let skillsRound = facts.skillsRound
            let examining = Task { try await examine(round: skillsRound, institution: sitting, applicants: applicants) }
            do {
                facts.votes = try await scoreAndDecide(facts.titleRound, committee: committee, institution: institution, plan: plan)
            } catch {
                examining.cancel()
                throw error
            }
            facts.sitting = try await examining.value
        }
        facts.conflictDeclared = reviewers.contains { $0.declaredConflict.withLock { $0 } }
        try await phase("public notice, an objection and appeals", &phases) {
            try await waitForState(round: facts.titleRound, atLeast: "public_notice", institution: institution)
            let notice = try await api.send(.GET, "/v1/rounds/\(facts.titleRound)/notice?limit=100").body
            facts.notice = try await noticeSpan(notice, round: facts.titleRound, institution: institution)
            facts.objectionHandled = try await objectAndHandle(notice, institution: institution)
            facts.appeals = try await appeal(titleCases, round: facts.titleRound, committee: committee, plan: plan, institution: institution)
        }
        reviewing.cancel()
        facts.scores = plan.scores
        try await phase("finalization and the bureau's confirmation", &phases) {
            // The bureau confirms the skills rounds sitting by sitting; the last sitting confirms its round.
            let sittings = [(facts.skillsRound, facts.sitting.sitting), facts.sitting.resit.map { ($0.round, $0.sitting) }].compactMap { $0 }
            let bar = ProgressBar("rounds confirmed by the HR bureau", total: 2 + sittings.count)
            for (round, token) in [(facts.titleRound, institution), (facts.examRound, institution)] + sittings.map({ ($0.0, sitting) }) {
                try await waitForState(round: round, atLeast: "finalized", institution: token)
                if let confirmed = sittings.first(where: { $0.0 == round }) {
                    try await api.send(.POST, "/v1/sittings/\(confirmed.1)/confirm", token: bureau)
                } else {
                    try await api.send(.POST, "/v1/rounds/\(round)/confirm", token: bureau)
                }
                bar.advance()
            }
            bar.finish("the skills rounds by their sittings")
            let export = try await api.download("/v1/rounds/\(facts.titleRound)/results.xlsx?purpose=national_filing", token: bureau)
            facts.exportedBytes = export.count
            say("The bureau exports the title round's confirmed results for the national systems (XLSX, \(export.count) bytes).")
        }
        facts.certificateChecked = try await phase("certificates", &phases) {
            try await checkAndRevoke(
                applicants + examinees + [facts.sitting.resitApplicant].compactMap { $0 }, bureau: bureau,
                rounds: [(facts.titleRound, institution), (facts.skillsRound, sitting), (facts.examRound, institution)]
                    + [facts.sitting.resit.map { ($0.round, sitting) }].compactMap { $0 })
        }
        facts.phases = phases
        return (facts, applicants)
    }

    // MARK: - Applicants

    func registerAndApply(titleRound: Int64, skillsRound: Int64, plan: ScorePlan) async throws -> [Applicant] {
        let bar = ProgressBar("applicants registered and applied", total: cast.people.count)
        let applicants = try await concurrently(cast.people, width: 8) { person -> Applicant in
            let registered = try await api.send(.POST, "/v1/applicants", json: person.registration).body
            guard let id = Int64(registered["id"] as? String ?? ""), let token = registered["token"] as? String else {
                throw DemoAPI.Refused(method: "POST", path: "/v1/applicants", status: 201, detail: "no id and token in the reply")
            }
            try await api.send(.PUT, "/v1/applicants/me/record", token: token, json: person.record)
            let round = person.track == .title ? titleRound : skillsRound
            let application = try await self.id(api.send(.POST, "/v1/applications", token: token, json: person.target(round: round)).body)
            if person.track == .title {
                try await api.send(
                    .PUT, "/v1/applications/\(application)/materials", token: token, json: ["works": person.works, "signPledge": true])
                // One applicant forgets the proof of employment; the formal check will return the application.
                if person.documentNumber != self.forgetful { try await uploadProof(person, application: application, token: token) }
            }
            plan.expect(application, quality: person.quality)
            bar.advance()
            return Applicant(person: person, id: id, token: token, application: application)
        }
        let foreign = cast.people.filter(\.isForeign).count
        let minors = cast.people.filter(\.isMinor).count
        let held = cast.people.filter { $0.heldIntermediateSince != nil }.count
        let without = cast.people.filter { $0.track == .title && $0.heldIntermediateSince == nil }.count
        bar.finish(
            "\(foreign) with passports or permits, \(minors) aged 15, \(held) holding 经济师 and applying for 高级经济师, \(without) applying for it without")
        return applicants
    }

    /// The title applicant who forgets the proof of employment at first.
    var forgetful: String? { cast.people.first { $0.track == .title && $0.heldIntermediateSince != nil }?.documentNumber }

    /// The title applicants without 经济师 sit the national exam for it (以考代评): the exam office
    /// imports their results into an exam round and closes it, which makes them final; every third
    /// fails. Returns the round, the candidates with their exam applications, and the counts.
    func sitExam(_ applicants: [Applicant], institution: String) async throws -> (Int64, [Applicant], (imported: Int, passed: Int)) {
        let candidates = applicants.filter { $0.person.track == .title && $0.person.heldIntermediateSince == nil }
        let round = try await id(
            api.send(
                .POST, "/v1/rounds", token: institution,
                json: [
                    "name": "\(startDate.year) 经济专业技术资格考试 / national economics exam", "track": "title", "kind": "exam",
                    "field": "economics", "startDate": startDate.description, "daySeconds": daySeconds, "closesOnDay": 30,
                ]
            ).body)
        let rows = candidates.enumerated().map { index, candidate in
            let person = candidate.person
            let name = "\"" + person.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return [
                person.documentKind, person.documentNumber, person.issuingCountry ?? "", name, "3", "人力资源管理", "\(startDate.year)",
                index % 3 == 2 ? "不合格" : "合格",
            ].joined(separator: ",")
        }
        let csv = (["document_kind,document_number,issuing_country,name,grade,specialty,exam_year,passed"] + rows).joined(separator: "\r\n")
        let imported = try await api.send(
            .POST, "/v1/rounds/\(round)/exam-results", token: institution, file: (Array(csv.utf8), "text/csv")
        ).body
        let results = ((imported["imported"] as? NSNumber)?.intValue ?? 0, (imported["passed"] as? NSNumber)?.intValue ?? 0)
        try await api.send(.POST, "/v1/rounds/\(round)/close", token: institution)
        say(
            "The exam office imports the national economics exam (以考代评): \(results.0) results of applicants without 经济师, "
                + "\(results.1) passed; closing the exam round makes them final.")
        var examinees: [Applicant] = []
        for candidate in candidates {
            let own = try await api.all("/v1/applications", token: candidate.token)
            if let application = own.first(where: { id($0["round"]) == round }).flatMap({ id($0["id"]) }) {
                examinees.append(Applicant(person: candidate.person, id: candidate.id, token: candidate.token, application: application))
            }
        }
        return (round, examinees, results)
    }

    func uploadProof(_ person: DemoCast.Person, application: Int64, token: String) async throws {
        try await api.send(
            .POST, "/v1/applications/\(application)/files?name=employment-proof.pdf&purpose=employment_proof", token: token,
            file: (person.employmentProof, "application/pdf"))
    }

    /// The institution's formal check (形式审查) of every title application: each dossier read,
    /// complete ones accepted, the one without proof of employment returned for correction (补正);
    /// its applicant uploads the proof and resubmits, and it is accepted. Returns whether that happened.
    func checkFormally(_ titleCases: [Applicant], round: Int64, institution: String) async throws -> Bool {
        let bar = ProgressBar("title applications through the formal check", total: titleCases.count)
        let returned = Mutex<[Int64]>([])
        try await concurrently(titleCases, width: 8) { applicant in
            let dossier = try await api.send(.GET, "/v1/applications/\(applicant.application)/dossier", token: institution).body
            let hasProof = (dossier["files"] as? [[String: Any]] ?? []).contains { $0["purpose"] as? String == "employment_proof" }
            if hasProof {
                try await api.send(.POST, "/v1/applications/\(applicant.application)/formal-check", token: institution, json: ["decision": "accept"])
                bar.advance()
            } else {
                let correctBy = try (try await today(of: round, institution: institution) ?? startDate).adding(days: 10)
                try await api.send(
                    .POST, "/v1/applications/\(applicant.application)/formal-check", token: institution,
                    json: [
                        "decision": "return", "correctBy": correctBy.description,
                        "reasons": ["缺少劳动合同或社保缴纳证明，请上传 / the proof of employment is missing: upload the contract or social insurance record"],
                    ])
                returned.withLock { $0.append(applicant.application) }
            }
        }
        for applicant in titleCases where returned.withLock({ $0 }).contains(applicant.application) {
            say("  Application \(applicant.application) goes back for correction (补正): the proof of employment is missing.")
            try await uploadProof(applicant.person, application: applicant.application, token: applicant.token)
            try await api.send(.POST, "/v1/applications/\(applicant.application)/resubmit", token: applicant.token)
            try await api.send(.POST, "/v1/applications/\(applicant.application)/formal-check", token: institution, json: ["decision": "accept"])
            say("  Its applicant uploads the proof and resubmits; the institution accepts it.")
            bar.advance()
        }
        bar.finish()
        return !returned.withLock({ $0 }).isEmpty
    }

    // MARK: - Reviewers

    final class DemoReviewer: Sendable {
        let id: String
        let token: String
        let declaresConflict: Bool
        let declaredConflict = Mutex(false)

        init(id: String, token: String, declaresConflict: Bool) {
            (self.id, self.token, self.declaresConflict) = (id, token, declaresConflict)
        }
    }

    func buildPool(institution: String, applicants: [Applicant]) async throws -> [DemoReviewer] {
        let titleApplicants = applicants.filter { $0.person.track == .title }
        // Enough economics experts for a committee of 25 beside the reviewing panels.
        let count = max(27, titleApplicants.count / 5)
        let bar = ProgressBar("reviewers added to the pool", total: count)
        let reviewers = try await concurrently(Array(0..<count), width: 4) { index -> DemoReviewer in
            let id = String(format: "rev-%03d", index + 1)
            // A few work where some applicants work (recused by employer); two declare conflicts up front.
            var body: [String: Any] = [
                "id": id, "name": "Reviewer \(index + 1)", "fields": ["economics"], "loadCap": 60, "grade": index % 3 == 0 ? 5 : 4,
                "employer": index % 5 == 0 ? DemoCast.employers[index % DemoCast.employers.count] : "University \(index + 1)",
            ]
            if index < 2 { body["conflicts"] = titleApplicants.dropFirst(index * 3).prefix(3).map(\.id) }
            try await api.send(.POST, "/v1/reviewers", token: institution, json: body)
            let token = try await issueToken("reviewer", id)
            bar.advance()
            return DemoReviewer(id: id, token: token, declaresConflict: index == 5)
        }
        bar.finish("panels of 3; some share an employer with applicants, two declared conflicts")
        return reviewers
    }

    /// The bureau files the two institutions, each with the codes its certificates will carry:
    /// the title committee's office, and the association that holds the skills sitting. A second
    /// demo on the same database finds them filed.
    func fileInstitutions(bureau: String) async throws {
        let institutions: [[String: Any]] = [
            [
                "id": DemoCommand.institutionID, "name": "上海市互联网内容创作者职称评审委员会办公室 (demo)", "kind": "S", "agencyCode": "0103",
                "provinceCode": "31", "sites": ["000101"], "series": ["economics"],
            ],
            [
                "id": DemoCommand.skillsInstitutionID, "name": "上海网络视听职业技能评价中心 (demo)", "kind": "S", "agencyCode": "0207",
                "provinceCode": "31", "sites": ["000301", "000302"], "occupations": ["4-13-01-05"],
            ],
        ]
        for body in institutions { try await api.send(.POST, "/v1/institutions", token: bureau, json: body, expect: [201, 409]) }
        say(
            "The bureau files two institutions: the title committee's office (S 0103 31) and the skills centre (S 0207 31, sites 000301 and 000302)."
        )
    }

    /// The institution draws the round's committee of 25 from its economics experts; the draw is
    /// seeded, recorded and can be run again by anyone.
    func drawCommittee(round: Int64, reviewers: [DemoReviewer], institution: String) async throws -> [DemoReviewer] {
        let drawn = try await api.send(
            .POST, "/v1/rounds/\(round)/committee", token: institution, json: ["seed": Self.apiSeed(seed &* 0x9E37_79B9_7F4A_7C15)]
        ).body
        let members = (drawn["members"] as? [String]) ?? []
        let byID = Dictionary(uniqueKeysWithValues: reviewers.map { ($0.id, $0) })
        say(
            "The committee: \(members.count) members drawn at random from \((drawn["pool"] as? [Any])?.count ?? 0) economics experts "
                + "(seed recorded; the draw re-runs to the same members: \(drawn["reproducible"] as? Bool ?? false)).")
        return members.compactMap { byID[$0] }
    }

    /// The committee meets with all but two members present (a quorum) on every case awaiting its
    /// vote; each member present casts one secret ballot sheet, yes where the score reached 60.
    /// The last sheet closes the vote. Returns the cases voted on, 0 when none was waiting.
    func convene(round: Int64, committee: [DemoReviewer], institution: String) async throws -> Int {
        let present = Array(committee.dropLast(2))
        let opened = try await api.send(
            .POST, "/v1/rounds/\(round)/meetings", token: institution, json: ["present": present.map(\.id)], expect: [201, 409])
        guard opened.status == 201 else { return 0 }
        let meeting = try id(opened.body)
        _ = try await concurrently(present, width: 6) { member in
            let sheet = try await api.send(.GET, "/v1/meetings/\(meeting)/ballot", token: member.token).body
            var ballots: [String: String] = [:]
            for entry in (sheet["cases"] as? [[String: Any]]) ?? [] {
                guard let application = id(entry["application"]) else { continue }
                ballots["\(application)"] = (entry["score"] as? Double ?? 0) >= 60 ? "yes" : "no"
            }
            try await api.send(.POST, "/v1/meetings/\(meeting)/ballot", token: member.token, json: ["ballots": ballots])
        }
        let view = try await api.send(.GET, "/v1/meetings/\(meeting)", token: institution).body
        return (view["cases"] as? [Any])?.count ?? 0
    }

    /// The first two eligible title cases get panels that disagree.
    func pickDisputed(_ titleCases: [Applicant], institution: String, round: Int64, plan: ScorePlan) async throws -> [Int64] {
        let assigned = try await api.all("/v1/rounds/\(round)/applications?state=assigned", token: institution).compactMap { id($0["id"]) }
        let disputed = Array(assigned.prefix(2))
        disputed.forEach(plan.dispute)
        return disputed
    }

    /// Each reviewer's loop: read the open cases (blind), score them; a conflict is declared once.
    func keepReviewing(_ reviewers: [DemoReviewer], plan: ScorePlan) async {
        while !Task.isCancelled {
            do {
                try await review(reviewers, plan: plan)
                try await Task.sleep(for: .milliseconds(300))
            } catch is CancellationError {
                return
            } catch {
                plan.fail(error)
                return
            }
        }
    }

    func review(_ reviewers: [DemoReviewer], plan: ScorePlan) async throws {
        _ = try await concurrently(reviewers, width: 6) { reviewer in
            for item in try await api.all("/v1/reviews", token: reviewer.token) {
                guard let application = id(item["application"]), let stage = item["stage"] as? Int else { continue }
                if reviewer.declaresConflict, stage == 0, !reviewer.declaredConflict.withLock({ $0 }) {
                    try await api.send(.POST, "/v1/reviews/\(application)/conflict", token: reviewer.token, expect: [202, 403, 409])
                    reviewer.declaredConflict.withLock { $0 = true }
                    continue
                }
                let score = plan.score(application: application, stage: stage, reviewer: reviewer.id)
                // 403 or 409: the case was taken from them meanwhile, or is already scored.
                let reply = try await api.send(
                    .POST, "/v1/reviews/\(application)/score", token: reviewer.token, json: ["score": score],
                    expect: [204, 403, 409])
                if reply.status == 204 { plan.scored() }
            }
        }
    }

    // MARK: - Decisions

    /// The committee meets on the scored title cases until none is left. Returns the cases it decided.
    func scoreAndDecide(_ titleRound: Int64, committee: [DemoReviewer], institution: String, plan: ScorePlan) async throws -> Int {
        let titleProgress = try await progress(titleRound, institution: institution)
        let titleCases = (titleProgress["assigned"] ?? 0) + (titleProgress["eligible"] ?? 0)
        let bar = ProgressBar("title cases scored and voted on", total: titleCases)
        var votes = 0
        var announced = false
        while true {
            try plan.check()
            if let today = try await today(of: titleRound, institution: institution), today >= Self.committeeDay {
                votes += try await convene(round: titleRound, committee: committee, institution: institution)
            } else if !announced {
                say("The committee meets on its appointed day, \(Self.committeeDay), once the panels have scored.")
                announced = true
            }
            let counts = try await progress(titleRound, institution: institution)
            bar.update(titleCases - (counts["assigned"] ?? 0) - (counts["eligible"] ?? 0) - (counts["scored"] ?? 0))
            if (counts["assigned"] ?? 0) + (counts["eligible"] ?? 0) + (counts["scored"] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        bar.finish("\(votes) cases decided by secret ballot, \(committee.count - 2) of \(committee.count) members present")
        return votes
    }

    /// Two applicants who failed appeal. A fresh panel re-scores each (one well, one poorly) and the
    /// committee votes again on the new score: one result is overturned, the other upheld.
    func appeal(_ titleCases: [Applicant], round: Int64, committee: [DemoReviewer], plan: ScorePlan, institution: String) async throws
        -> [(application: Int64, outcome: String)]
    {
        var appellants: [Applicant] = []
        for applicant in titleCases where appellants.count < 2 {
            let view = try await api.send(.GET, "/v1/applications/\(applicant.application)", token: applicant.token).body
            if view["passed"] as? Bool == false, view["state"] as? String == "decided" { appellants.append(applicant) }
        }
        guard !appellants.isEmpty else { return [] }
        let bar = ProgressBar("appeals re-reviewed by fresh panels", total: appellants.count)
        for (index, appellant) in appellants.enumerated() {
            plan.appeal(appellant.application, score: index == 0 ? 84 : 45)
            try await api.send(
                .POST, "/v1/applications/\(appellant.application)/appeal", token: appellant.token,
                json: ["reason": "My portfolio of 300 published explainer videos was not considered."])
        }
        var outcomes: [(application: Int64, outcome: String)] = []
        for appellant in appellants {
            var voted = false
            while true {
                try plan.check()
                let view = try await api.send(.GET, "/v1/applications/\(appellant.application)", token: appellant.token).body
                if !voted, view["appeal"] as? String == "rescored" {
                    // The committee votes again on the fresh panel's score; one meeting may take both appeals.
                    _ = try await convene(round: round, committee: committee, institution: institution)
                    voted = true
                }
                if let outcome = view["appealOutcome"] as? String, outcome != "pending" {
                    outcomes.append((appellant.application, outcome))
                    bar.advance()
                    break
                }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        bar.finish(outcomes.map(\.outcome).joined(separator: ", "))
        return outcomes
    }

    /// The notice's days, and the public holidays of the round's calendar it runs past: its
    /// working days skip them.
    func noticeSpan(_ notice: [String: Any], round: Int64, institution: String) async throws -> (
        publishedOn: String, endsOn: String, holidays: Int
    ) {
        let items = notice["items"] as? [[String: Any]] ?? []
        let (publishedOn, endsOn) = (notice["publishedOn"] as? String ?? "?", notice["endsOn"] as? String ?? "?")
        let calendar = try await api.send(.GET, "/v1/rounds/\(round)/calendar", token: institution).body
        let holidays = (calendar["schedules"] as? [[String: Any]] ?? []).flatMap { $0["holidays"] as? [String] ?? [] }
        // ISO dates order as text.
        let inside = holidays.filter { $0 > publishedOn && $0 <= endsOn }.sorted()
        var skipped = "."
        if let first = inside.first, let last = inside.last {
            skipped = ": its working days skip \(inside.count) public holidays, \(first) to \(last)."
        }
        say("The public notice (公示) lists \(items.count) results, names masked, from \(publishedOn) until \(endsOn)\(skipped)")
        return (publishedOn, endsOn, inside.count)
    }

    /// A fellow creator reads the public notice, without a token, and objects to the first result
    /// that passed; the institution handles it.
    func objectAndHandle(_ notice: [String: Any], institution: String) async throws -> Bool {
        for item in notice["items"] as? [[String: Any]] ?? [] where item["result"] as? String == "passed" {
            guard let application = id(item["application"]) else { continue }
            let objection = try await id(
                api.send(
                    .POST, "/v1/applications/\(application)/objections",
                    json: [
                        "filedBy": "a fellow creator", "contact": "fellow.creator@example.org",
                        "statement": "Some of the listed videos seem to be made by someone else.",
                    ]
                ).body)
            try await api.send(
                .POST, "/v1/objections/\(objection)/handle", token: institution,
                json: ["resolution": "Checked with the platform's upload records: the works are the applicant's own."])
            say("An objection to a published result was filed and handled; the round waits for open objections.")
            return true
        }
        return false
    }

    // MARK: - Certificates

    /// Waits for every certificate owed, checks one publicly, revokes it and checks it again.
    func checkAndRevoke(_ applicants: [Applicant], bureau: String, rounds: [(id: Int64, institution: String)]) async throws
        -> (number: String, before: String, after: String)?
    {
        var passed: [Int64] = []
        for (round, institution) in rounds {
            passed += try await api.all("/v1/rounds/\(round)/applications?state=decided", token: institution)
                .filter { $0["passed"] as? Bool == true }.compactMap { id($0["id"]) }
        }
        let owners = Dictionary(applicants.map { ($0.application, $0) }, uniquingKeysWith: { $1 })
        let bar = ProgressBar("certificates issued (as their holders see them)", total: passed.count)
        var numbers: [(number: String, holder: String)] = []
        var waiting = passed.compactMap { owners[$0] }
        while !waiting.isEmpty {
            let found = try await concurrently(waiting, width: 8) { applicant -> String? in
                let issued = try await api.all("/v1/notifications", token: applicant.token).first { $0["event"] as? String == "certificate issued" }
                return issued.flatMap(certificateNumber)
            }
            numbers += zip(waiting, found).compactMap { applicant, number in number.map { ($0, applicant.person.name) } }
            bar.advance(by: found.compactMap { $0 }.count)
            waiting = zip(waiting, found).filter { $0.1 == nil }.map(\.0)
            if !waiting.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        bar.finish()
        guard let (number, holder) = numbers.min(by: { $0.number < $1.number }) else { return nil }
        // The public look-up takes the number and the holder's name, as the national services do.
        let lookUp = "/v1/certificates/\(number)?name=" + (holder.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
        let before = try await api.send(.GET, lookUp).body["status"] as? String ?? "?"
        try await api.send(
            .POST, "/v1/certificates/\(number)/revoke", token: bureau,
            json: ["reason": "the portfolio was found to be plagiarised after issue"])
        var after = before
        for _ in 0..<100 where after == before {
            try await Task.sleep(for: .milliseconds(200))
            after = try await api.send(.GET, lookUp).body["status"] as? String ?? "?"
        }
        return (number, before, after)
    }

    func certificateNumber(_ notification: [String: Any]) -> String? {
        guard let payload = notification["payload"] as? String,
            let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let subject = object["subject"] as? String, subject.hasPrefix("certificate:")
        else { return nil }
        return String(subject.dropFirst("certificate:".count))
    }

    // MARK: - Helpers

    static let stateOrder = [
        "draft", "open", "closed_to_applications", "assigning", "scoring", "deliberation", "public_notice",
        "appeals", "finalized", "confirmed",
    ]

    func progress(_ round: Int64, institution: String) async throws -> [String: Int] {
        let body = try await api.send(.GET, "/v1/rounds/\(round)/progress", token: institution).body
        return (body["applications"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// The round's day on its clock.
    func today(of round: Int64, institution: String) async throws -> CalendarDate? {
        let today = try await api.send(.GET, "/v1/rounds/\(round)/calendar", token: institution).body["today"] as? String
        return today.flatMap(CalendarDate.init(iso:))
    }

    func waitForState(round: Int64, atLeast wanted: String, institution: String) async throws {
        let target = Self.stateOrder.firstIndex(of: wanted)!
        while true {
            let state = try await api.send(.GET, "/v1/rounds/\(round)/progress", token: institution).body["state"] as? String ?? ""
            if let index = Self.stateOrder.firstIndex(of: state), index >= target { return }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    func id(_ body: [String: Any]) throws -> Int64 {
        guard let id = id(body["id"]) else { throw DemoAPI.Refused(method: "?", path: "?", status: 0, detail: "no id in \(body)") }
        return id
    }

    func id(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value ?? (value as? String).flatMap { Int64($0) } }
}
