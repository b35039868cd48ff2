import Assessment
import AssessmentStore
import Foundation
import JobQueue

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

                let schedule = SittingPart.schedule(sitting.parts)
                let (scheduleZh, scheduleEn) = (schedule.zh, schedule.en)
                let occasion = "r\(sitting.revision)"
                try await Outbox.owe(
                    seatedBefore ? .sittingChanged : .sittingSeated,
                    notices: seats.map { seat in
                        (
                            .application(seat.candidate.application), .applicant(seat.candidate.applicant),
                            [
                                "sitting": String(sitting.id), "ticket": seat.ticket, "site": sitting.site, "room": sitting.rooms[seat.room].name,
                                "seat": String(seat.seat), "schedule": scheduleZh, "scheduleEnglish": scheduleEn,
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
                                "room": post.room.map { sitting.rooms[$0].name } ?? "", "schedule": scheduleZh, "scheduleEnglish": scheduleEn,
                            ]
                        )
                    }, occasion: occasion, on: connection, logger: context.logger)
                try await Outbox.owe(
                    .sittingReleased, notices: released.map { (.sitting(sitting.id), .reviewer($0), ["sitting": String(sitting.id)]) },
                    occasion: occasion, on: connection, logger: context.logger)
            }
        }
    }
}
