import Assessment
import Foundation
import PostgresNIO

/// A skills sitting as stored.
public struct SittingRecord: Sendable {
    public enum State: String, Sendable, CaseIterable {
        case scheduled, seated, unstaffed, cancelled
    }

    public let id: Int64
    public let roundID: Int64
    public let site: String
    public let levels: Set<SkillLevel>
    public let parts: [SittingPart]
    public let rooms: [SittingRoom]
    public let staffing: SittingStaffing
    public let seed: Int64
    public let state: State
    public let revision: Int
    /// Why it is unstaffed or cancelled.
    public let problem: LocalizedText?
    /// Confirmed by the bureau: its passed candidates get their certificates.
    public let confirmed: Bool

    /// The sitting as its institution drafted it, with no staff planned above what it records.
    public var draft: SittingDraft { SittingDraft(site: site, levels: levels, parts: parts, rooms: rooms) }
}

/// A seated candidate's admission ticket (准考证).
public struct AdmissionTicket: Sendable {
    public let ticket: String
    public let sitting: SittingRecord
    public let application: Int64
    public let name: String
    public let target: ApplicationTarget
    public let room: SittingRoom
    public let seat: Int
    /// Parts kept from an earlier sitting, not sat again.
    public let kept: [PartResultRecord]

    /// The parts the candidate sits, in the order held: those of their level they do not keep.
    public var sat: [SittingPart] {
        guard case .skill(_, let level, _) = target else { return [] }
        let required = SkillsPart.required(at: level)
        return SittingPart.ordered(sitting.parts.filter { part in required.contains(part.part) && !kept.contains { $0.part == part.part } })
    }
}

/// A post at a sitting with the rooms it names.
public struct SittingStaffRecord: Sendable {
    public let reviewer: String
    public let name: String
    public let role: SittingRole
    public let room: Int?
    /// The room's lead invigilator (主监考): the first of its invigilators by id.
    public let lead: Bool
}

extension AssessmentStore {
    /// The serving experts of `institution` who examine `occupation`, as a sitting's draw sees
    /// them, but for those holding a post at another live sitting on one of the days `busyOn`.
    public func sittingPool(
        institution: String, occupation: String, busyOn days: Set<CalendarDate>, except sitting: Int64?, on connection: PostgresConnection
    ) async throws -> [SittingStaffMember] {
        var pool: [SittingStaffMember] = []
        for try await (id, employer, code, conflicts, examining) in try await connection.query(
            """
            SELECT r.id, r.employer, r.employer_code, r.conflicts, \(unescaped: Self.examinerColumns)
            FROM reviewers r WHERE r.institution_id = \(institution) AND \(occupation) = ANY(r.fields) AND \(unescaped: Self.serving)
              AND NOT EXISTS (
                  SELECT 1 FROM sitting_staff p JOIN sittings s ON s.id = p.sitting_id
                  WHERE p.reviewer_id = r.id AND s.id IS DISTINCT FROM \(sitting) AND s.state IN ('scheduled', 'seated')
                    AND EXISTS (SELECT 1 FROM jsonb_array_elements(s.parts) part WHERE part->>'date' = ANY(\(days.map(\.description)))))
            ORDER BY r.id
            """, logger: logger
        ).decode((String, String?, String?, [Int64], String).self) {
            let examiner = try Self.examiner(examining)
            let reviewer = Reviewer(
                id: ReviewerID(id), fields: [occupation], employer: employer, employerCode: code.flatMap(CreditCode.init),
                declaredConflicts: Set(conflicts.map(String.init)), loadCap: 1)
            pool.append(SittingStaffMember(reviewer: reviewer, level: examiner.level, certificate: examiner.certificate))
        }
        return pool
    }

    /// Eligible candidates of `round` at `levels` who sit in no live sitting, by application id,
    /// at most `limit`; or, given `sitting`, the candidates it holds.
    public func sittingCandidates(
        round: Int64, levels: Set<SkillLevel> = [], limit: Int = 0, sitting: Int64? = nil, on connection: PostgresConnection
    ) async throws -> [SittingCandidate] {
        let rows =
            if let sitting {
                try await connection.query(
                    """
                    SELECT p.id, p.applicant_id, \(unescaped: Self.employersColumns)
                    FROM sitting_candidates c JOIN applications p ON p.id = c.application_id JOIN applicants a ON a.id = p.applicant_id
                    WHERE c.sitting_id = \(sitting) AND c.active ORDER BY p.id
                    """, logger: logger)
            } else {
                try await connection.query(
                    """
                    SELECT p.id, p.applicant_id, \(unescaped: Self.employersColumns)
                    FROM applications p JOIN applicants a ON a.id = p.applicant_id
                    WHERE p.round_id = \(round) AND p.state = 'eligible' AND (p.target->'skill'->>'level')::int = ANY(\(levels.map(\.rawValue)))
                      AND NOT EXISTS (SELECT 1 FROM sitting_candidates c WHERE c.application_id = p.id AND c.active)
                    ORDER BY p.id LIMIT \(limit)
                    """, logger: logger)
            }
        var candidates: [SittingCandidate] = []
        for try await (id, applicant, facts) in rows.decode((Int64, Int64, String).self) {
            let column = try Self.decode(EmployersColumn.self, facts)
            guard case .skill(_, let level, _) = column.target else {
                throw StoreError(.invalidStoredData, "application \(id) of a skills sitting is no skills application")
            }
            candidates.append(
                SittingCandidate(
                    application: id, applicant: applicant, level: level, employers: try Self.recusalFacts(facts).employers,
                    trainers: column.profile.training.map(\.identity)))
        }
        return candidates
    }

    /// Records a scheduled sitting and the candidates it takes; its seats and staff come later.
    public func addSitting(
        round: Int64, draft: SittingDraft, staffing: SittingStaffing, seed: Int64, candidates: [Int64], on connection: PostgresConnection
    ) async throws -> Int64 {
        guard
            let id = try await first(
                """
                INSERT INTO sittings (round_id, site, levels, parts, rooms, staffing, seed)
                VALUES (\(round), \(draft.site), \(draft.levels.map { Int16($0.rawValue) }.sorted()), \(try Self.json(draft.parts))::jsonb,
                        \(try Self.json(draft.rooms))::jsonb, \(try Self.json(staffing))::jsonb, \(seed))
                RETURNING id
                """, as: Int64.self, on: connection)
        else { throw StoreError(.invalidStoredData, "a sitting was not recorded") }
        try await connection.query(
            "INSERT INTO sitting_candidates (sitting_id, application_id) SELECT \(id), unnest(\(candidates)::bigint[])", logger: logger)
        try await AuditLog.append(
            actor: .system, action: "sitting scheduled", subject: .round(round),
            detail: ["sitting": String(id), "candidates": String(candidates.count), "seed": String(seed)], on: connection, logger: logger)
        return id
    }

    /// Moves a sitting: new days, rooms or staffing; its candidates stay, to be seated again.
    public func changeSitting(_ sitting: SittingRecord, draft: SittingDraft, staffing: SittingStaffing, on connection: PostgresConnection)
        async throws
    {
        try await connection.query(
            """
            UPDATE sittings SET site = \(draft.site), parts = \(try Self.json(draft.parts))::jsonb, rooms = \(try Self.json(draft.rooms))::jsonb,
                   staffing = \(try Self.json(staffing))::jsonb, state = 'scheduled', problem = NULL, revision = revision + 1
            WHERE id = \(sitting.id)
            """, logger: logger)
        try await AuditLog.append(
            actor: .system, action: "sitting changed", subject: .round(sitting.roundID),
            detail: ["sitting": String(sitting.id), "revision": String(sitting.revision + 1)], on: connection, logger: logger)
    }

    /// A sitting, locked for the caller's transaction when asked.
    public func sitting(_ id: Int64, lock: Bool = false, on connection: PostgresConnection) async throws -> SittingRecord {
        for try await row in try await connection.query(
            """
            SELECT \(unescaped: Self.sittingColumns) FROM sittings s WHERE s.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger)
        {
            var cells = StoredCells(row)
            return try Self.sittingRecord(from: &cells)
        }
        throw StoreError(.notFound, "no sitting has the id \(id)", zh: "没有编号为\(id)的考场安排")
    }

    /// The sittings of a round, by id.
    public func sittings(round: Int64, on connection: PostgresConnection) async throws -> [SittingRecord] {
        var sittings: [SittingRecord] = []
        for try await row in try await connection.query(
            "SELECT \(unescaped: Self.sittingColumns) FROM sittings s WHERE s.round_id = \(round) ORDER BY s.id", logger: logger)
        {
            var cells = StoredCells(row)
            sittings.append(try Self.sittingRecord(from: &cells))
        }
        return sittings
    }

    /// How many sittings a round has had, cancelled ones included.
    public func sittingCount(round: Int64, on connection: PostgresConnection) async throws -> Int {
        try await count("SELECT count(*)::int FROM sittings WHERE round_id = \(round)", on: connection)
    }

    static let sittingColumns = """
        s.id, s.round_id, s.site, s.levels::int[], s.parts::text, s.rooms::text, s.staffing::text, s.seed, s.state, s.revision, s.problem::text,
        s.confirmed_at IS NOT NULL
        """

    static func sittingRecord(from cells: inout StoredCells) throws -> SittingRecord {
        let (id, round, site, levels) = (
            try cells.next(Int64.self), try cells.next(Int64.self), try cells.next(String.self), try cells.next([Int].self)
        )
        let (parts, rooms, staffing) = (try cells.next(String.self), try cells.next(String.self), try cells.next(String.self))
        let (seed, state, revision, problem, confirmed) = (
            try cells.next(Int64.self), try cells.next(String.self), try cells.next(Int.self), try cells.next(String?.self), try cells.next(Bool.self)
        )
        return SittingRecord(
            id: id, roundID: round, site: site, levels: Set(levels.compactMap(SkillLevel.init(rawValue:))),
            parts: try decode([SittingPart].self, parts), rooms: try decode([SittingRoom].self, rooms),
            staffing: try decode(SittingStaffing.self, staffing), seed: seed,
            state: try stored(SittingRecord.State.self, state, "sitting \(id)'s state"), revision: revision,
            problem: try problem.map { try decode(StoredText.self, $0).text }, confirmed: confirmed)
    }

    struct StoredText: Codable {
        let zh: String
        let en: String
        var text: LocalizedText { LocalizedText(zh: zh, en: en) }
    }

    /// Records the seats, tickets and staff the seating job drew; returns who staffed the sitting
    /// before and no longer does, and whether its candidates were seated before (and told so).
    public func seat(
        _ sitting: SittingRecord, seats: [(application: Int64, room: Int, seat: Int, ticket: String)], posts: [SittingPost],
        on connection: PostgresConnection
    ) async throws -> (released: [String], seatedBefore: Bool) {
        let seatedBefore =
            try await first(
                "SELECT 1 FROM sitting_candidates WHERE sitting_id = \(sitting.id) AND ticket IS NOT NULL LIMIT 1", as: Int.self, on: connection)
            != nil
        try await connection.query(
            """
            UPDATE sitting_candidates c SET room = s.room, seat = s.seat, ticket = s.ticket
            FROM unnest(\(seats.map(\.application))::bigint[], \(seats.map { Int16($0.room) })::smallint[],
                        \(seats.map { Int16($0.seat) })::smallint[], \(seats.map(\.ticket))::text[]) AS s(application, room, seat, ticket)
            WHERE c.sitting_id = \(sitting.id) AND c.application_id = s.application
            """, logger: logger)
        var released: [String] = []
        for try await id in try await connection.query(
            """
            DELETE FROM sitting_staff WHERE sitting_id = \(sitting.id) AND NOT reviewer_id = ANY(\(posts.map(\.reviewer.rawValue)))
            RETURNING reviewer_id
            """, logger: logger
        ).decode(String.self) { released.append(id) }
        try await connection.query(
            """
            INSERT INTO sitting_staff (sitting_id, reviewer_id, role, room)
            SELECT \(sitting.id), p.reviewer, p.role, nullif(p.room, -1)
            FROM unnest(\(posts.map(\.reviewer.rawValue))::text[], \(posts.map(\.role.rawValue))::text[], \(posts.map { Int16($0.room ?? -1) })::smallint[])
                 AS p(reviewer, role, room)
            ON CONFLICT (sitting_id, reviewer_id) DO UPDATE SET role = excluded.role, room = excluded.room
            """, logger: logger)
        try await connection.query("UPDATE sittings SET state = 'seated', problem = NULL WHERE id = \(sitting.id)", logger: logger)
        try await AuditLog.append(
            actor: .system, action: "sitting seated", subject: .round(sitting.roundID),
            detail: [
                "sitting": String(sitting.id), "revision": String(sitting.revision), "staff": posts.map(\.reviewer.rawValue).joined(separator: ","),
            ],
            on: connection, logger: logger)
        return (released.sorted(), seatedBefore)
    }

    /// Sets a sitting aside as unstaffed (`cancelled: false`) or cancels it, freeing its candidates
    /// for another sitting; returns its staff, who must hear of it.
    public func setAside(_ sitting: SittingRecord, cancelled: Bool, reason: LocalizedText, on connection: PostgresConnection) async throws -> [String]
    {
        try await connection.query(
            """
            UPDATE sittings SET state = \(cancelled ? "cancelled" : "unstaffed"), problem = \(try Self.json(StoredText(zh: reason.zh, en: reason.en)))::jsonb
            WHERE id = \(sitting.id)
            """, logger: logger)
        var staff: [String] = []
        if cancelled {
            try await connection.query("UPDATE sitting_candidates SET active = false WHERE sitting_id = \(sitting.id)", logger: logger)
            try await connection.query("DELETE FROM sitting_results WHERE sitting_id = \(sitting.id) AND state = 'carried'", logger: logger)
            for try await id in try await connection.query(
                "DELETE FROM sitting_staff WHERE sitting_id = \(sitting.id) RETURNING reviewer_id", logger: logger
            ).decode(String.self) { staff.append(id) }
        }
        try await AuditLog.append(
            actor: .system, action: cancelled ? "sitting cancelled" : "sitting unstaffed", subject: .round(sitting.roundID),
            detail: ["sitting": String(sitting.id), "reason": reason.en], on: connection, logger: logger)
        return staff.sorted()
    }

    /// The sittings an expert is staffed at, the latest first, with their round and the role they hold.
    public func sittings(staffing reviewer: String, limit: Int, on connection: PostgresConnection) async throws
        -> [(sitting: Int64, round: Int64, role: String)]
    {
        var sittings: [(sitting: Int64, round: Int64, role: String)] = []
        let rows = try await connection.query(
            """
            SELECT s.sitting_id, t.round_id, s.role FROM sitting_staff s JOIN sittings t ON t.id = s.sitting_id
            WHERE s.reviewer_id = \(reviewer) ORDER BY s.sitting_id DESC LIMIT \(limit)
            """, logger: logger)
        for try await row in rows.decode((Int64, Int64, String).self) { sittings.append(row) }
        return sittings
    }

    /// The posts of a sitting, by role, room and id.
    public func sittingStaff(_ sitting: Int64, on connection: PostgresConnection) async throws -> [SittingStaffRecord] {
        var staff: [SittingStaffRecord] = []
        for try await (id, name, role, room, lead) in try await connection.query(
            """
            SELECT s.reviewer_id, r.name, s.role, s.room::int,
                   s.role = 'invigilator' AND s.reviewer_id = (SELECT min(l.reviewer_id COLLATE "C") FROM sitting_staff l
                                                              WHERE l.sitting_id = s.sitting_id AND l.role = 'invigilator' AND l.room = s.room)
            FROM sitting_staff s JOIN reviewers r ON r.id = s.reviewer_id
            WHERE s.sitting_id = \(sitting) ORDER BY s.role, s.room NULLS FIRST, s.reviewer_id
            """, logger: logger
        ).decode((String, String, String, Int?, Bool).self) {
            staff.append(
                SittingStaffRecord(
                    reviewer: id, name: name, role: try Self.stored(SittingRole.self, role, "a post's role"), room: room, lead: lead))
        }
        return staff
    }

    /// How many candidates each room of a sitting seats, and how many await their seat.
    public func seatedCounts(_ sitting: Int64, on connection: PostgresConnection) async throws -> (byRoom: [Int: Int], unseated: Int) {
        var (byRoom, unseated) = ([Int: Int](), 0)
        for try await (room, count) in try await connection.query(
            "SELECT room::int, count(*)::int FROM sitting_candidates WHERE sitting_id = \(sitting) AND active GROUP BY room", logger: logger
        ).decode((Int?, Int).self) {
            if let room { byRoom[room] = count } else { unseated = count }
        }
        return (byRoom, unseated)
    }

    /// The admission ticket of an application seated in a live sitting, or nil.
    public func admissionTicket(application: Int64, on connection: PostgresConnection) async throws -> AdmissionTicket? {
        for try await row in try await connection.query(
            """
            SELECT c.ticket, c.room::int, c.seat::int, a.name, p.target::text, \(unescaped: Self.sittingColumns)
            FROM sitting_candidates c JOIN sittings s ON s.id = c.sitting_id JOIN applications p ON p.id = c.application_id
                 JOIN applicants a ON a.id = p.applicant_id
            WHERE c.application_id = \(application) AND c.active AND c.ticket IS NOT NULL AND s.state = 'seated'
            """, logger: logger)
        {
            var cells = StoredCells(row)
            let (ticket, room, seat, name, target) = (
                try cells.next(String.self), try cells.next(Int.self), try cells.next(Int.self), try cells.next(String.self),
                try cells.next(String.self)
            )
            let sitting = try Self.sittingRecord(from: &cells)
            guard sitting.rooms.indices.contains(room) else {
                throw StoreError(.invalidStoredData, "a seat names a room sitting \(sitting.id) lacks")
            }
            let kept = try await results(sitting: sitting.id, application: application, on: connection).filter { $0.state == .carried }
            return AdmissionTicket(
                ticket: ticket, sitting: sitting, application: application, name: name, target: try Self.decode(ApplicationTarget.self, target),
                room: sitting.rooms[room], seat: seat, kept: kept)
        }
        return nil
    }

    /// Records the bureau's confirmation of a seated sitting; false when it was confirmed already.
    public func confirmSitting(_ id: Int64, officer: String, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH confirmed AS (
                UPDATE sittings SET confirmed_at = now(), confirmed_by = \(officer)
                WHERE id = \(id) AND state = 'seated' AND confirmed_at IS NULL RETURNING 1)
            SELECT count(*)::int FROM confirmed
            """, on: connection) == 1
    }

    /// Records the confirmation of every seated sitting of a round the bureau confirms at once.
    public func confirmSittings(round: Int64, officer: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE sittings SET confirmed_at = now(), confirmed_by = \(officer)
            WHERE round_id = \(round) AND state = 'seated' AND confirmed_at IS NULL
            """, logger: logger)
    }

    /// How many passed results of a round no confirmed sitting decided: while any remain, confirming
    /// one sitting leaves the round to be confirmed later.
    public func passedOutsideConfirmedSittings(round: Int64, on connection: PostgresConnection) async throws -> Int {
        try await count(
            """
            SELECT count(*)::int FROM applications p
            WHERE p.round_id = \(round) AND p.state = 'decided' AND p.passed
              AND NOT EXISTS (SELECT 1 FROM sitting_results r JOIN sittings s ON s.id = r.sitting_id
                              WHERE r.application_id = p.id AND s.confirmed_at IS NOT NULL)
            """, on: connection)
    }
}
