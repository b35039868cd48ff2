import Assessment
import Foundation
import PostgresNIO

extension AssessmentStore {
    /// The keyed hashes a document may be registered under: its look-up name's, and the one of
    /// registrations made before passports were keyed by country.
    func documentKeys(kind: IdentityDocument.Kind, number: String, issuingCountry: String?) -> (current: [UInt8], legacy: [UInt8]) {
        (
            documentKey(kind: kind, number: number, issuingCountry: issuingCountry),
            vault.lookupHash(of: "\(kind.rawValue):\(number.uppercased().filter { !$0.isWhitespace })")
        )
    }

    /// Records a national exam's results in a locked open exam round: each a decided application
    /// of the registered candidate it names, dated today. All or nothing: a candidate who is not
    /// registered, whose name differs from the registration or who is already in the round
    /// refuses the file, every such row named beside the `rejecting` problems the file's reading
    /// found. Returns how many were imported and passed.
    public func importExamResults(
        _ results: [ExamResult], into round: RoundRecord, rejecting malformed: [CSVProblems.Problem], on connection: PostgresConnection
    ) async throws
        -> (imported: Int, passed: Int)
    {
        guard round.kind == .exam, round.state == .open else {
            throw StoreError(
                .wrongState, "round \(round.id) takes no exam results: it is a \(round.kind.rawValue) round, \(round.state.rawValue)",
                zh: "评审轮次\(round.id)不接受考试成绩导入：须为开放中的考试轮次")
        }
        let keys = results.map { documentKeys(kind: $0.documentKind, number: $0.documentNumber, issuingCountry: $0.issuingCountry) }
        var registered: [[UInt8]: (id: Int64, name: String)] = [:]
        for try await (hash, id, name) in try await connection.query(
            """
            SELECT document_hash, id, name FROM applicants
            WHERE document_hash = ANY(\(keys.flatMap { [ByteBuffer(bytes: $0.current), ByteBuffer(bytes: $0.legacy)] }))
            """, logger: logger
        ).decode((ByteBuffer, Int64, String).self) {
            registered[Array(hash.readableBytesView)] = (id, name)
        }
        let inRound = Set(
            try await connection.query(
                "SELECT applicant_id FROM applications WHERE round_id = \(round.id)", logger: logger
            ).decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) })
        var problems = malformed
        var candidates: [Int64] = []
        for (result, key) in zip(results, keys) {
            guard let applicant = registered[key.current] ?? registered[key.legacy] else {
                problems.append(
                    (
                        result.line,
                        LocalizedText(
                            zh: "没有以此证件注册的申请人；考生须先注册", en: "no applicant is registered with this identity document; the candidate registers first")
                    ))
                continue
            }
            guard PersonName.same(result.name, applicant.name) else {
                problems.append((result.line, LocalizedText(zh: "姓名与注册信息不一致", en: "the name differs from the one registered with this document")))
                continue
            }
            guard !inRound.contains(applicant.id), !candidates.contains(applicant.id) else {
                problems.append((result.line, LocalizedText(zh: "该考生的成绩已导入本轮次", en: "this candidate's result is already in the round")))
                continue
            }
            candidates.append(applicant.id)
        }
        guard problems.isEmpty else {
            let summary = CSVProblems(problems).summary
            throw StoreError(.invalidInput, summary.en, zh: summary.zh, field: "body")
        }
        let targets = try results.map {
            try Self.json(ApplicationTarget.title(series: round.field, grade: $0.grade, specialty: $0.specialty))
        }
        let today = try await today(of: round, on: connection)
        try await connection.query(
            """
            INSERT INTO applications (round_id, applicant_id, target, applied_on, state, passed, exam_year, profile)
            SELECT \(round.id), c.applicant, c.target::jsonb, \(today.description)::date, 'decided', c.passed, c.year, a.profile
            FROM unnest(\(candidates)::int8[], \(targets)::text[], \(results.map(\.passed))::bool[], \(results.map { Int16($0.examYear) })::int2[])
                 AS c(applicant, target, passed, year)
            JOIN applicants a ON a.id = c.applicant
            """, logger: logger)
        let passed = results.filter(\.passed).count
        try await AuditLog.append(
            actor: .institution(round.institutionID), action: "import exam results", subject: .round(round.id),
            detail: ["imported": "\(results.count)", "passed": "\(passed)"], on: connection, logger: logger)
        return (results.count, passed)
    }
}
