import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Seats a scheduled (or moved) sitting's candidates with the sitting's seed, gives each an
/// admission ticket, draws its staff, and tells every candidate where and when, every post holder
/// what they do, and those a move releases. A pool that changed since scheduling and can no longer
/// staff it sets the sitting aside as unstaffed and tells the institution why.
public struct SeatSitting: JobArgs {
    public static let kind = "assessment.seat_sitting"
    public var sitting: Int64
    /// The sitting's revision this job seats; a later change enqueues its own.
    public var revision: Int

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: SeatSitting, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let sitting = try await store.sitting(args.sitting, lock: true, on: connection)
                guard sitting.state == .scheduled, sitting.revision == args.revision else { return }
                let round = try await store.round(sitting.roundID, on: connection)
                let candidates = try await store.sittingCandidates(round: round.id, sitting: sitting.id, on: connection)
                let seated: [[SittingCandidate]]
                let posts: [SittingPost]
                do {
                    (seated, _, posts) = try await workflow.staff(
                        sitting.draft, seated: candidates, round: round, seed: sitting.seed, recorded: sitting.staffing, sitting: sitting.id,
                        on: connection)
                } catch let refusal as StoreError {
                    let reason = LocalizedText(zh: refusal.chinese ?? refusal.message, en: refusal.message)
                    _ = try await store.setAside(sitting, cancelled: false, reason: reason, on: connection)
                    try await Outbox.owe(
                        .sittingUnstaffed, about: .sitting(sitting.id), to: .institution(round.institutionID),
                        payload: ["reason": reason.zh, "reasonEnglish": reason.en], occasion: "r\(sitting.revision)", on: connection,
                        logger: context.logger)
                    return
                }
                let year = sitting.parts.map(\.date).min()?.year ?? 0
                var seats: [(candidate: SittingCandidate, room: Int, seat: Int, ticket: String)] = []
                for (room, candidates) in seated.enumerated() {
                    for (index, candidate) in candidates.enumerated() {
                        let ticket = AdmissionTicketNumber.make(year: year, site: sitting.site, sitting: sitting.id, sequence: seats.count + 1)
                        seats.append((candidate, room, index + 1, ticket))
                    }
                }
                let (released, seatedBefore) = try await store.seat(
                    sitting, seats: seats.map { ($0.candidate.application, $0.room, $0.seat, $0.ticket) }, posts: posts, on: connection)
                let kept = try await keepParts(of: seats.map(\.candidate), sitting: sitting, round: round, on: connection)

                let schedule = SittingPart.schedule(sitting.parts)
                let occasion = "r\(sitting.revision)"
                try await Outbox.owe(
                    seatedBefore ? .sittingChanged : .sittingSeated,
                    notices: seats.map { seat in
                        let keeps = kept[seat.candidate.application] ?? [:]
                        let sat = sitting.parts.filter { SkillsPart.required(at: seat.candidate.level).contains($0.part) && keeps[$0.part] == nil }
                        let schedule = SittingPart.schedule(sat)
                        let keptText = SkillsPart.allCases.compactMap { keeps[$0]?.text }
                        return (
                            .application(seat.candidate.application), .applicant(seat.candidate.applicant),
                            [
                                "sitting": String(sitting.id), "ticket": seat.ticket, "site": sitting.site, "room": sitting.rooms[seat.room].name,
                                "seat": String(seat.seat), "schedule": schedule.zh, "scheduleEnglish": schedule.en,
                                "kept": keptText.map(\.zh).joined(separator: "；"), "keptEnglish": keptText.map(\.en).joined(separator: "; "),
                            ]
                        )
                    }, occasion: occasion, on: connection, logger: context.logger)
                try await Outbox.owe(
                    .sittingStaffed,
                    notices: posts.map { post in
                        (
                            .sitting(sitting.id), .reviewer(post.reviewer.rawValue),
                            [
                                "sitting": String(sitting.id), "role": post.role.rawValue, "roleName": post.role.chineseName, "site": sitting.site,
                                "room": post.room.map { sitting.rooms[$0].name } ?? "", "schedule": schedule.zh, "scheduleEnglish": schedule.en,
                            ]
                        )
                    }, occasion: occasion, on: connection, logger: context.logger)
                try await Outbox.owe(
                    .sittingReleased, notices: released.map { (.sitting(sitting.id), .reviewer($0), ["sitting": String(sitting.id)]) },
                    occasion: occasion, on: connection, logger: context.logger)
            }
        }

        /// Records the parts each candidate keeps from earlier sittings (re-sits), and decides at
        /// once a candidate who keeps every part they would take.
        private func keepParts(
            of candidates: [SittingCandidate], sitting: SittingRecord, round: RoundRecord, on connection: PostgresConnection
        ) async throws -> [Int64: [SkillsPart: PassedPart]] {
            let store = workflow.store
            let passed = try await store.passedParts(of: candidates.map(\.application), on: connection)
            var kept: [Int64: [SkillsPart: PassedPart]] = [:]
            for candidate in candidates {
                let keeps = PartCarryOver.kept(
                    passed[candidate.application] ?? [], level: candidate.level, parts: sitting.parts, policy: round.policy)
                if !keeps.isEmpty { kept[candidate.application] = keeps }
            }
            try await store.keepParts(
                sitting: sitting.id, kept: kept.sorted { $0.key < $1.key }.flatMap { application, parts in parts.values.map { (application, $0) } },
                on: connection)
            let complete = candidates.filter { kept[$0.application]?.count == SkillsPart.required(at: $0.level).count }.map(\.application)
            if !complete.isEmpty {
                for seat in try await store.seats(sitting: sitting.id, on: connection).values where complete.contains(seat.application) {
                    try await workflow.decideWhenComplete(seat, sitting: sitting, round: round, on: connection)
                }
            }
            return kept
        }
    }
}
