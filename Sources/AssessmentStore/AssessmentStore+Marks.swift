import Assessment
import Foundation
import PostgresNIO

/// A seated candidate as marking sees them: by ticket, never by name.
public struct SeatRecord: Sendable {
    public let ticket: String
    public let application: Int64
    /// An index into the sitting's rooms.
    public let room: Int
    public let level: SkillLevel
    public let state: ApplicationRecord.State
}

/// One part's result for one candidate.
public struct PartResultRecord: Sendable {
    public enum State: String, Sendable, CaseIterable {
        /// Counts: the panel's mean, or the theory exam's mark.
        case final
        case absent
        /// The panel's marks spread beyond the tolerance: the supervisor must confirm before it counts.
        case discrepancy
        /// Passed at an earlier sitting and kept: the candidate does not sit it again.
        case carried
    }

    public let part: SkillsPart
    public let state: State
    public let mark: Double?
    public let spread: Double?
    /// Where a carried part was passed, and on which day.
    public let carried: (sitting: Int64, takenOn: CalendarDate)?
    /// The mark an appeal's fresh panel replaced.
    public let appealedFrom: Double?

    /// What the decision reads of it; nil while a discrepancy waits for the supervisor.
    public var result: PartResult? {
        switch state {
        case .final, .carried: mark.map(PartResult.marked)
        case .absent: .absent
        case .discrepancy: nil
        }
    }
}

/// A part a post holder has to mark, enter or confirm at a sitting, blind, by ticket.
public struct MarkingRecord: Sendable {
    /// What the post holder does with it.
    public enum Task: String, Sendable, CaseIterable {
        /// An examiner's or review panel member's own mark.
        case mark
        /// The lead invigilator (主监考) enters a paper theory exam's mark, or the absence.
        case enterTheory = "enter_theory"
        /// The supervisor lets a part whose panel's marks diverge count.
        case confirm
    }

    public let ticket: String
    public let level: SkillLevel
    public let part: SkillsPart
    public let task: Task
    /// The own mark once given (`mark`), the theory mark entered (`enter_theory`), or the panel's mean (`confirm`).
    public let mark: Double?
    /// An `enter_theory` candidate recorded absent.
    public let absent: Bool
    /// A `confirm` part's spread: the panel's highest less its lowest mark.
    public let spread: Double?
}

extension AssessmentStore {
    /// The seated candidates of a sitting, by ticket: those of `tickets`, or all.
    public func seats(sitting: Int64, tickets: [String]? = nil, on connection: PostgresConnection) async throws -> [String: SeatRecord] {
        var seats: [String: SeatRecord] = [:]
        for try await (ticket, application, room, level, state) in try await connection.query(
            """
            SELECT c.ticket, p.id, c.room::int, (p.target->'skill'->>'level')::int, p.state
            FROM sitting_candidates c JOIN applications p ON p.id = c.application_id
            WHERE c.sitting_id = \(sitting) AND c.active AND c.ticket IS NOT NULL AND (\(tickets)::text[] IS NULL OR c.ticket = ANY(\(tickets)))
            """, logger: logger
        ).decode((String, Int64, Int, Int, String).self) {
            guard let skillLevel = SkillLevel(rawValue: level) else {
                throw StoreError(.invalidStoredData, "a seated application has no skill level")
            }
            seats[ticket] = SeatRecord(
                ticket: ticket, application: application, room: room, level: skillLevel,
                state: try Self.stored(ApplicationRecord.State.self, state, "application \(application)'s state"))
        }
        return seats
    }

    /// The post `reviewer` holds at a sitting, or nil.
    public func post(of reviewer: String, sitting: Int64, on connection: PostgresConnection) async throws -> SittingPost? {
        guard
            let (role, room) = try await first(
                "SELECT role, room::int FROM sitting_staff WHERE sitting_id = \(sitting) AND reviewer_id = \(reviewer)", as: (String, Int?).self,
                on: connection)
        else { return nil }
        return SittingPost(reviewer: ReviewerID(reviewer), role: try Self.stored(SittingRole.self, role, "a post's role"), room: room)
    }

    /// The lead invigilator (主监考) of a sitting's room: the first of its invigilators by id, who
    /// enters a paper theory exam's marks for the room.
    public func leadInvigilator(sitting: Int64, room: Int, on connection: PostgresConnection) async throws -> String? {
        try await first(
            """
            SELECT min(reviewer_id COLLATE "C") FROM sitting_staff WHERE sitting_id = \(sitting) AND role = 'invigilator' AND room = \(Int16(room))
            """, as: String?.self, on: connection) ?? nil
    }

    /// How many hold `role` at a sitting, in `room` where the role has one.
    public func postCount(sitting: Int64, role: SittingRole, room: Int?, on connection: PostgresConnection) async throws -> Int {
        try await count(
            """
            SELECT count(*)::int FROM sitting_staff
            WHERE sitting_id = \(sitting) AND role = \(role.rawValue) AND room IS NOT DISTINCT FROM \(room.map { Int16($0) })
            """, on: connection)
    }

    /// Records a part's result; false when the part has one already.
    public func recordResult(
        sitting: Int64, application: Int64, part: SkillsPart, state: PartResultRecord.State, mark: Double?, spread: Double? = nil,
        on connection: PostgresConnection
    ) async throws -> Bool {
        try await count(
            """
            WITH added AS (
                INSERT INTO sitting_results (sitting_id, application_id, part, state, mark, spread)
                VALUES (\(sitting), \(application), \(part.rawValue), \(state.rawValue), \(mark), \(spread))
                ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM added
            """, on: connection) == 1
    }

    /// Records an examiner's own mark and returns every mark of the part so far; nil when they
    /// marked it already.
    public func addMark(
        sitting: Int64, application: Int64, part: SkillsPart, reviewer: String, mark: Double, on connection: PostgresConnection
    ) async throws -> [Double]? {
        let added = try await count(
            """
            WITH added AS (
                INSERT INTO sitting_marks (sitting_id, application_id, part, reviewer_id, mark)
                VALUES (\(sitting), \(application), \(part.rawValue), \(reviewer), \(mark)) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM added
            """, on: connection)
        guard added == 1 else { return nil }
        var marks: [Double] = []
        for try await value in try await connection.query(
            """
            SELECT mark FROM sitting_marks WHERE sitting_id = \(sitting) AND application_id = \(application) AND part = \(part.rawValue)
            """, logger: logger
        ).decode(Double.self) { marks.append(value) }
        return marks
    }

    /// A candidate's part results at a sitting.
    public func results(sitting: Int64, application: Int64, on connection: PostgresConnection) async throws -> [PartResultRecord] {
        try await results(sitting: sitting, applications: [application], on: connection)[application] ?? []
    }

    /// Part results of `applications` at a sitting, by application.
    public func results(sitting: Int64, applications: [Int64], on connection: PostgresConnection) async throws -> [Int64: [PartResultRecord]] {
        var results: [Int64: [PartResultRecord]] = [:]
        for try await (application, part, state, mark, spread, carriedFrom, takenOn, appealedFrom) in try await connection.query(
            """
            SELECT application_id, part, state, mark, spread, carried_from, taken_on::text, appealed_from FROM sitting_results
            WHERE sitting_id = \(sitting) AND application_id = ANY(\(applications)) ORDER BY application_id, part
            """, logger: logger
        ).decode((Int64, String, String, Double?, Double?, Int64?, String?, Double?).self) {
            var carried: (Int64, CalendarDate)?
            if let carriedFrom, let takenOn {
                guard let day = CalendarDate(iso: takenOn) else { throw StoreError(.invalidStoredData, "a carried part's day is no date") }
                carried = (carriedFrom, day)
            }
            results[application, default: []].append(
                PartResultRecord(
                    part: try Self.stored(SkillsPart.self, part, "a result's part"),
                    state: try Self.stored(PartResultRecord.State.self, state, "a result's state"), mark: mark, spread: spread, carried: carried,
                    appealedFrom: appealedFrom))
        }
        return results
    }

    /// Lets a discrepant part count, as the supervisor confirmed it; false when it was not discrepant.
    public func confirmResult(sitting: Int64, application: Int64, part: SkillsPart, supervisor: String, on connection: PostgresConnection)
        async throws -> Bool
    {
        try await count(
            """
            WITH confirmed AS (
                UPDATE sitting_results SET state = 'final', confirmed_by = \(supervisor)
                WHERE sitting_id = \(sitting) AND application_id = \(application) AND part = \(part.rawValue) AND state = 'discrepancy'
                RETURNING 1)
            SELECT count(*)::int FROM confirmed
            """, on: connection) == 1
    }

    /// What `post` marks at a sitting: its room's skill assessments, or the comprehensive reviews
    /// of levels 2 and 1, but for parts kept from an earlier sitting; each with the marker's own
    /// mark once given and nobody else's.
    public func marking(_ post: SittingPost, sitting: Int64, on connection: PostgresConnection) async throws -> [MarkingRecord] {
        switch post.role {
        case .invigilator: return try await theoryEntries(post, sitting: sitting, on: connection)
        case .supervisor: return try await discrepancies(sitting: sitting, on: connection)
        case .examiner, .reviewer: break
        }
        let part: SkillsPart = post.role == .reviewer ? .comprehensiveReview : .skill
        var records: [MarkingRecord] = []
        for try await (ticket, level, mark) in try await connection.query(
            """
            SELECT c.ticket, (p.target->'skill'->>'level')::int, m.mark
            FROM sitting_candidates c JOIN applications p ON p.id = c.application_id
            LEFT JOIN sitting_marks m ON m.sitting_id = c.sitting_id AND m.application_id = c.application_id AND m.part = \(part.rawValue)
                                      AND m.reviewer_id = \(post.reviewer.rawValue)
            WHERE c.sitting_id = \(sitting) AND c.active AND c.ticket IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM sitting_results k WHERE k.sitting_id = c.sitting_id AND k.application_id = c.application_id
                                                                AND k.part = \(part.rawValue) AND k.state = 'carried')
              AND CASE WHEN \(post.role == .reviewer) THEN (p.target->'skill'->>'level')::int <= 2 ELSE c.room = \(Int16(post.room ?? -1)) END
            ORDER BY c.ticket
            """, logger: logger
        ).decode((String, Int, Double?).self) {
            guard let skillLevel = SkillLevel(rawValue: level) else { continue }
            records.append(MarkingRecord(ticket: ticket, level: skillLevel, part: part, task: .mark, mark: mark, absent: false, spread: nil))
        }
        return records
    }

    /// The candidates of a lead invigilator's room who sit the theory exam, with the mark or
    /// absence recorded for each; nothing for an invigilator who does not lead their room.
    private func theoryEntries(_ post: SittingPost, sitting: Int64, on connection: PostgresConnection) async throws -> [MarkingRecord] {
        guard let room = post.room, try await leadInvigilator(sitting: sitting, room: room, on: connection) == post.reviewer.rawValue else {
            return []
        }
        var records: [MarkingRecord] = []
        for try await (ticket, level, state, mark) in try await connection.query(
            """
            SELECT c.ticket, (p.target->'skill'->>'level')::int, r.state, r.mark
            FROM sitting_candidates c JOIN applications p ON p.id = c.application_id
            LEFT JOIN sitting_results r ON r.sitting_id = c.sitting_id AND r.application_id = c.application_id AND r.part = 'theory'
            WHERE c.sitting_id = \(sitting) AND c.active AND c.ticket IS NOT NULL AND c.room = \(Int16(room))
              AND r.state IS DISTINCT FROM 'carried'
            ORDER BY c.ticket
            """, logger: logger
        ).decode((String, Int, String?, Double?).self) {
            guard let skillLevel = SkillLevel(rawValue: level) else { continue }
            records.append(
                MarkingRecord(
                    ticket: ticket, level: skillLevel, part: .theory, task: .enterTheory, mark: mark, absent: state == "absent", spread: nil))
        }
        return records
    }

    /// The parts of a sitting whose panel's marks diverge and wait for the supervisor.
    private func discrepancies(sitting: Int64, on connection: PostgresConnection) async throws -> [MarkingRecord] {
        var records: [MarkingRecord] = []
        for try await (ticket, level, part, mark, spread) in try await connection.query(
            """
            SELECT c.ticket, (p.target->'skill'->>'level')::int, r.part, r.mark, r.spread
            FROM sitting_results r
            JOIN sitting_candidates c ON c.sitting_id = r.sitting_id AND c.application_id = r.application_id AND c.active
            JOIN applications p ON p.id = r.application_id
            WHERE r.sitting_id = \(sitting) AND r.state = 'discrepancy' AND c.ticket IS NOT NULL
            ORDER BY c.ticket, r.part
            """, logger: logger
        ).decode((String, Int, String, Double?, Double?).self) {
            guard let skillLevel = SkillLevel(rawValue: level) else { continue }
            records.append(
                MarkingRecord(
                    ticket: ticket, level: skillLevel, part: try Self.stored(SkillsPart.self, part, "a result's part"), task: .confirm, mark: mark,
                    absent: false, spread: spread))
        }
        return records
    }

    /// Whether any part of a sitting has a result taken there: its days and rooms then stand.
    public func isMarked(sitting: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await first(
            "SELECT 1 FROM sitting_results WHERE sitting_id = \(sitting) AND state <> 'carried' LIMIT 1", as: Int.self, on: connection) != nil
    }

    /// The skills parts each of `applications`' candidates passed at the sittings of their other
    /// applications for the same occupation, level and direction, each at the pass mark of the
    /// round it was taken in, with the day it was first taken.
    public func passedParts(of applications: [Int64], on connection: PostgresConnection) async throws -> [Int64: [PassedPart]] {
        var passed: [Int64: [PassedPart]] = [:]
        for try await (application, part, mark, takenOn, sitting) in try await connection.query(
            """
            SELECT cur.id, res.part, res.mark, \(unescaped: Self.takenColumns)
            FROM applications cur
            JOIN applications earlier ON earlier.applicant_id = cur.applicant_id AND earlier.id <> cur.id
                 AND earlier.target->'skill' = cur.target->'skill'
            JOIN sitting_results res ON res.application_id = earlier.id AND res.state IN ('final', 'carried')
            JOIN sittings s ON s.id = res.sitting_id
            JOIN rounds r ON r.id = earlier.round_id
            WHERE cur.id = ANY(\(applications)) AND res.mark >= (r.policy->>'partPassMark')::float8
            ORDER BY cur.id, res.part
            """, logger: logger
        ).decode((Int64, String, Double, String?, Int64).self) {
            guard let takenOn, let day = CalendarDate(iso: takenOn) else { continue }
            passed[application, default: []].append(
                PassedPart(part: try Self.stored(SkillsPart.self, part, "a result's part"), mark: mark, takenOn: day, sitting: sitting))
        }
        return passed
    }

    /// A part result's day and sitting: where it was taken, and when; a carried part's first.
    private static let takenColumns = """
        coalesce(res.taken_on, (SELECT (x->>'date')::date FROM jsonb_array_elements(s.parts) x WHERE x->>'part' = res.part))::text,
        coalesce(res.carried_from, res.sitting_id)
        """

    /// The sitting that decided each of `applications` (those a sitting decided): its site, and
    /// every part's result as the certificate prints it, kept parts with where and when they were passed.
    public func decidingSittings(of applications: [Int64], on connection: PostgresConnection) async throws -> [Int64: (
        site: String, parts: [PassedPart]
    )] {
        var found: [Int64: (site: String, parts: [PassedPart])] = [:]
        for try await (application, site, part, mark, takenOn, sitting) in try await connection.query(
            """
            WITH deciding AS (
                SELECT DISTINCT ON (application_id) application_id, sitting_id FROM sitting_results
                WHERE application_id = ANY(\(applications)) ORDER BY application_id, recorded_at DESC)
            SELECT d.application_id, s.site, res.part, res.mark, \(unescaped: Self.takenColumns)
            FROM deciding d JOIN sittings s ON s.id = d.sitting_id
            JOIN sitting_results res ON res.sitting_id = d.sitting_id AND res.application_id = d.application_id AND res.state IN ('final', 'carried')
            ORDER BY d.application_id, res.part
            """, logger: logger
        ).decode((Int64, String, String, Double, String?, Int64).self) {
            guard let takenOn, let day = CalendarDate(iso: takenOn) else {
                throw StoreError(.invalidStoredData, "a part result of application \(application) has no day")
            }
            let passed = PassedPart(part: try Self.stored(SkillsPart.self, part, "a result's part"), mark: mark, takenOn: day, sitting: sitting)
            found[application, default: (site, [])].parts.append(passed)
        }
        return found
    }

    /// Records the parts a sitting's candidates keep from earlier sittings, replacing what an
    /// earlier seating of it recorded.
    public func keepParts(sitting: Int64, kept: [(application: Int64, part: PassedPart)], on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM sitting_results WHERE sitting_id = \(sitting) AND state = 'carried'", logger: logger)
        try await connection.query(
            """
            INSERT INTO sitting_results (sitting_id, application_id, part, state, mark, carried_from, taken_on)
            SELECT \(sitting), k.application, k.part, 'carried', k.mark, k.sitting, k.taken_on::date
            FROM unnest(\(kept.map(\.application))::bigint[], \(kept.map(\.part.part.rawValue))::text[], \(kept.map(\.part.mark))::float8[],
                        \(kept.map(\.part.sitting))::bigint[], \(kept.map(\.part.takenOn.description))::text[])
                 AS k(application, part, mark, sitting, taken_on)
            """, logger: logger)
    }

    /// The sitting whose results decided an application, or nil.
    public func decidingSitting(application: Int64, on connection: PostgresConnection) async throws -> Int64? {
        try await first(
            "SELECT sitting_id FROM sitting_results WHERE application_id = \(application) ORDER BY recorded_at DESC LIMIT 1", as: Int64.self,
            on: connection)
    }

    /// Records that an application's candidate was absent from a part.
    public func markAbsent(application: Int64, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE applications SET absent = true WHERE id = \(application)", logger: logger)
    }
}
