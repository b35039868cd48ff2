import Foundation
import Hummingbird
import Workflow

/// The committee: institutions draw it and open its meetings; each member present casts one
/// secret ballot sheet with their own token. Nobody can read how a member voted, and counts only
/// once the vote is closed.
struct CommitteeRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "committee")
        routes.add(
            .post, "/v1/rounds/{id}/committee",
            "Draw my title round's committee at random from the available experts of its series; the seed and the pool are recorded",
            access: .role(.institution), body: DrawCommitteeBody.self, reply: .created(CommitteeView.self, "Drawn"), refuses: [404, 409]
        ) { _, context, body in
            CommitteeView(
                try await workflow.drawCommittee(round: try context.id(), institution: try context.require(.institution), seed: body.seed))
        }
        routes.add(
            .get, "/v1/rounds/{id}/committee", "My round's committee, with what anyone needs to run the draw again",
            access: .role(.institution), reply: .ok(CommitteeView.self, "The committee")
        ) { _, context in
            CommitteeView(try await workflow.committee(round: try context.id(), institution: try context.require(.institution)))
        }
        routes.add(
            .post, "/v1/rounds/{id}/meetings",
            "Open a committee meeting with the members present (a quorum) on every case awaiting the committee's vote",
            access: .role(.institution), body: MeetingBody.self, reply: .created(CreatedView.self, "Opened"), refuses: [404, 409]
        ) { _, context, body in
            CreatedView(
                id: try await workflow.openMeeting(
                    round: try context.id(), institution: try context.require(.institution), heldOn: try body.day(),
                    present: Set(body.present.map { ReviewerID($0) }), recusals: body.recusalsByCase()))
        }
        routes.add(
            .get, "/v1/meetings/{id}", "A meeting of my committee: who is present, its cases, sheets cast; counts once closed",
            access: .role(.institution), reply: .ok(MeetingView.self, "The meeting")
        ) { _, context in
            MeetingView(try await workflow.meeting(try context.id(), institution: try context.require(.institution)))
        }
        routes.add(
            .post, "/v1/meetings/{id}/close", "Close the vote as chair: members present who did not vote count as abstaining",
            access: .role(.institution), reply: .accepted("Closed; the cases are tallied"), refuses: [404, 409]
        ) { _, context in
            try await workflow.closeMeeting(try context.id(), institution: try context.require(.institution))
        }
        routes.add(
            .get, "/v1/meetings/{id}/ballot", "My ballot sheet: the cases I vote on at this meeting", access: .role(.reviewer),
            reply: .ok(BallotSheetView.self, "The sheet"), refuses: [404]
        ) { _, context in
            BallotSheetView(try await workflow.ballotSheet(meeting: try context.id(), member: try context.require(.reviewer)))
        }
        routes.add(
            .post, "/v1/meetings/{id}/ballot",
            "Cast my secret ballot sheet: one choice on every case of my sheet, once; what I chose is kept only in the counts",
            access: .role(.reviewer), body: BallotSheetBody.self, reply: .accepted("Cast"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.castBallotSheet(meeting: try context.id(), member: try context.require(.reviewer), choices: try body.choices())
        }
        return routes
    }
}

struct DrawCommitteeBody: RequestBody, Documented {
    var seed: Int64?

    func validate() throws { if let seed { try Bounds.check(seed, "seed", Bounds.seed) } }

    static var schema: JSONSchema { .object(optional: ["seed": .integer(Bounds.seed, "random unless given")]) }
}

struct MeetingBody: RequestBody, Documented {
    struct Recusal: Decodable {
        var application: Int64
        var member: String
    }

    var heldOn: String?
    var present: [String]
    var recusals: [Recusal]?

    func validate() throws {
        guard (1...Policy.Bounds.committeeSize.upperBound).contains(present.count), Set(present).count == present.count else {
            throw invalidField("present", "must name 1 to 99 members, each once", zh: "须列出 1 至 99 名委员，每人一次")
        }
        guard (recusals?.count ?? 0) <= 10_000 else { throw invalidField("recusals", "must list at most 10000", zh: "至多 10000 项") }
        for (index, recusal) in (recusals ?? []).enumerated() { try Bounds.check(recusal.application, "recusals[\(index)].application", Bounds.id) }
        _ = try day()
    }

    func day() throws -> CalendarDate? {
        try heldOn.map { text in
            guard let date = CalendarDate(iso: text) else { throw invalidField("heldOn", "must be a date like 2026-12-20", zh: "须为日期，如 2026-12-20") }
            return date
        }
    }

    func recusalsByCase() -> [Int64: Set<ReviewerID>] {
        (recusals ?? []).reduce(into: [:]) { $0[$1.application, default: []].insert(ReviewerID($1.member)) }
    }

    static var schema: JSONSchema {
        .object(
            required: ["present": .array(of: .string(), count: 1...Policy.Bounds.committeeSize.upperBound, "the members present")],
            optional: [
                "heldOn": .string(format: "date", "today by the round's clock unless given"),
                "recusals": .array(
                    of: .object(required: ["application": .integer(Bounds.id), "member": .string()]), count: 0...10_000,
                    "members present who may not vote on a case, beyond those of its applicant's employer or a declared conflict"),
            ])
    }
}

struct BallotSheetBody: RequestBody, Documented {
    var ballots: [String: String]

    func validate() throws { _ = try choices() }

    func choices() throws -> [Int64: BallotChoice] {
        guard ballots.count <= CommitteeMeeting.caseLimit else {
            throw invalidField(
                "ballots", "must hold at most \(CommitteeMeeting.caseLimit) cases", zh: "至多包含 \(CommitteeMeeting.caseLimit) 个案件")
        }
        var choices: [Int64: BallotChoice] = [:]
        for (key, value) in ballots.sorted(by: { $0.key < $1.key }) {
            guard let application = Int64(key), Bounds.id.contains(application) else {
                throw invalidField(
                    "ballots", "names cases by application id, not \(key.prefix(20))", zh: "须以申请编号指明案件，而非 \(key.prefix(20))")
            }
            guard let choice = BallotChoice(rawValue: value) else {
                throw invalidField("ballots.\(application)", "must be yes, no or abstain", zh: "须为 yes、no 或 abstain")
            }
            choices[application] = choice
        }
        return choices
    }

    static var schema: JSONSchema {
        .object(required: [
            "ballots": .map(of: .oneOf(BallotChoice.self), "one choice per case of my sheet, by application id")
        ])
    }
}

struct CommitteeView: ResponseEncodable, Sendable, Documented {
    let seed: Int64
    let pool: [String]
    let members: [String]
    let reproducible: Bool
    let draw: String

    init(_ committee: CommitteeDraw) {
        (seed, pool, members) = (committee.seed, committee.pool.map(\.rawValue), committee.members.map(\.rawValue))
        reproducible = committee.isReproducible
        draw =
            "sort the pool; shuffle it by Fisher-Yates from the last index down, each swap index drawn uniformly without modulo bias "
            + "from SplitMix64 seeded with the seed; the members are the first \(committee.members.count)"
    }

    static var schema: JSONSchema {
        .object(required: [
            "seed": .integer(), "pool": .array(of: .string(), "the experts drawn from, sorted"),
            "members": .array(of: .string(), "in the order drawn"), "reproducible": .boolean.described("running the draw again gives these members"),
            "draw": .string("how to run the draw again"),
        ])
    }
}

struct MeetingView: ResponseEncodable, Sendable, Documented {
    struct Case: Encodable, Sendable {
        let application: Int64
        let stage: String
        let recused: [String]
        let yes: Int?
        let no: Int?
        let abstain: Int?
    }

    let id: Int64
    let round: Int64
    let heldOn: CalendarDate
    let state: String
    let present: [String]
    let sheetsCast: Int
    let cases: [Case]

    init(_ meeting: MeetingRecord) {
        (id, round, heldOn, state) = (meeting.id, meeting.roundID, meeting.heldOn, meeting.state.rawValue)
        (present, sheetsCast) = (meeting.present.map(\.rawValue), meeting.sheetsCast)
        cases = meeting.cases.map {
            Case(
                application: $0.application, stage: $0.stage.name, recused: $0.recused.map(\.rawValue),
                yes: $0.counts?.yes, no: $0.counts?.no, abstain: $0.counts?.abstain)
        }
    }

    static var schema: JSONSchema {
        let count = JSONSchema.integer("once the vote is closed")
        return .object(required: [
            "id": .integer(), "round": .integer(), "heldOn": .date, "state": .oneOf(MeetingRecord.State.self),
            "present": .array(of: .string()), "sheetsCast": .integer(),
            "cases": .array(
                of: .object(
                    required: ["application": .integer(), "stage": .oneOf(VoteStage.allCases.map(\.name)), "recused": .array(of: .string())],
                    optional: ["yes": count, "no": count, "abstain": count.described("with members present who cast no sheet")])),
        ])
    }
}

struct BallotSheetView: ResponseEncodable, Sendable, Documented {
    struct Entry: Encodable, Sendable {
        let application: Int64
        let stage: String
        let score: Double?
        let finding: String?
    }

    let meeting: Int64
    let heldOn: CalendarDate
    let open: Bool
    let cast: Bool
    let cases: [Entry]

    init(_ sheet: BallotSheetRecord) {
        (meeting, heldOn, open, cast) = (sheet.meeting, sheet.heldOn, sheet.open, sheet.cast)
        cases = sheet.entries.map { Entry(application: $0.application, stage: $0.stage.name, score: $0.score, finding: $0.finding) }
    }

    static var schema: JSONSchema {
        .object(required: [
            "meeting": .integer(), "heldOn": .date, "open": .boolean, "cast": .boolean,
            "cases": .array(
                of: .object(
                    required: ["application": .integer(), "stage": .oneOf(VoteStage.allCases.map(\.name))],
                    optional: [
                        "score": JSONSchema.number.orNull,
                        "finding": JSONSchema.string("a reconsideration: the institution's finding on the objection it upheld").orNull,
                    ])),
        ])
    }
}
