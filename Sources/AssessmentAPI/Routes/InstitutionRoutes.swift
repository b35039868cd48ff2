import Foundation
import Hummingbird
import Workflow

/// Evaluation institutions: their reviewer pool, their rounds and skills results,
/// and the objections to their published results.
struct InstitutionRoutes {
    let workflow: Workflow
    /// The largest CSV file taken, by the API and the console alike.
    static let examResultsMaxBytes = 2 << 20

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "institutions")
        routes.add(
            .post, "/v1/applications/{id}/eligibility-appeal",
            "Decide an applicant's appeal of their ineligibility in my round: upheld it stands; overturned, the application is eligible (before the round closes, which waits for it)",
            access: .role(.institution), body: EligibilityAppealBody.self, reply: .noContent("Decided"), refuses: [409]
        ) { _, context, body in
            try await workflow.decideEligibilityAppeal(
                try context.id(), institution: try context.require(.institution), outcome: try body.checked(), reason: body.reason)
        }
        routes.add(
            .post, "/v1/applications/{id}/appeal/redraw",
            "Draw again the fresh panel of an appeal in my round that was set apart for want of one, having added to my pool; "
                + "before the round's results are final, which then wait for it",
            access: .role(.institution), reply: .accepted("Reopened; a job draws the panel"), refuses: [404, 409]
        ) { _, context in
            try await workflow.redrawAppeal(try context.id(), institution: try context.require(.institution))
        }
        routes.add(
            .post, "/v1/rounds", "Open a round", access: .role(.institution), body: RoundBody.self,
            reply: .created(CreatedView.self, "Opened"), refuses: [404, 409]
        ) { _, context, body in
            CreatedView(id: try await workflow.openRound(try body.draft(institution: try context.require(.institution))))
        }
        routes.add(
            .get, "/v1/rounds/{id}/calendar", "My round's days: its zone, its clock and the holiday schedules it counts with",
            access: .role(.institution), reply: .ok(RoundCalendarView.self, "The calendar")
        ) { _, context in
            RoundCalendarView(try await workflow.round(try context.id(), institution: try context.require(.institution)))
        }
        routes.add(
            .post, "/v1/rounds/{id}/calendar/schedules",
            "Load a year's holiday schedule into my round's calendar; counts already published stand", access: .role(.institution),
            body: HolidayScheduleBody.self, reply: .noContent("Loaded")
        ) { _, context, body in
            try await workflow.loadHolidaySchedule(
                try body.schedule(field: ""), round: try context.id(), institution: try context.require(.institution))
        }
        routes.addUpload(
            .post, "/v1/rounds/{id}/exam-results",
            "Import national exam results into my open exam round (CSV; columns: \(ExamResultCSV.columns.joined(separator: ", "))); "
                + "each names a registered candidate; one bad row refuses the file. Closing the round makes them final",
            access: .role(.institution), types: ["text/csv"], maxBytes: Self.examResultsMaxBytes,
            reply: .ok(ExamImportView.self, "How many results were imported, and how many passed"), refuses: [409]
        ) { _, context, bytes in
            let (imported, passed) = try await workflow.importExamResults(
                csv: try csvText(bytes), round: try context.id(), institution: try context.require(.institution))
            return ExamImportView(imported: imported, passed: passed)
        }
        routes.add(
            .post, "/v1/rounds/{id}/close", "Close a round to applications now (an exam round: its imported results become final)",
            access: .role(.institution), reply: .accepted("Closing"), refuses: [409]
        ) { _, context in
            try await workflow.closeApplicationsNow(round: try context.id(), institution: try context.require(.institution))
        }
        routes.add(
            .get, "/v1/rounds/{id}/progress", "A round's applications by stage", access: .role(.institution),
            reply: .ok(RoundProgressView.self, "Progress")
        ) { _, context in
            let (state, counts) = try await workflow.progress(round: try context.id(), institution: try context.require(.institution))
            return RoundProgressView(
                state: state.rawValue, applications: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
        }
        routes.add(
            .get, "/v1/rounds/{id}/applications", "A round's applications, optionally in one state", access: .role(.institution),
            query: [QueryParameter(name: "state", schema: .oneOf(ApplicationState.self), description: nil)] + QueryParameter.page,
            reply: .ok(Page<ApplicationView>.self, "A page")
        ) { request, context in
            let (after, limit) = try request.page()
            let state = try request.uri.queryParameters["state"].map { text -> ApplicationState in
                guard let state = ApplicationState(rawValue: String(text)) else {
                    let states = ApplicationState.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Problem(
                        .badRequest, "state must be one of \(states)", zh: "state 须为以下之一：\(states)",
                        errors: [.init(field: "state", message: "not one of \(states)", zh: "不是以下之一：\(states)")])
                }
                return state
            }
            let records = try await workflow.applications(
                inRound: try context.id(), institution: try context.require(.institution), state: state,
                after: after, limit: limit)
            return Page(records, limit: limit, key: \.id, item: ApplicationView.init)
        }
        routes.add(
            .post, "/v1/applications/{id}/skills-result", "Record a skills candidate's part scores", access: .role(.institution),
            body: SkillsResultBody.self, reply: .accepted("Recorded"), refuses: [409]
        ) { _, context, body in
            try await workflow.recordSkillsResult(
                application: try context.id(), parts: try body.scores(), institution: try context.require(.institution))
        }
        routes.add(
            .get, "/v1/rounds/{id}/objections", "A round's objections with the filers' contacts; state=open for the open ones",
            access: .role(.institution), query: [QueryParameter(name: "state", schema: .oneOf(["open"]), description: nil)] + QueryParameter.page,
            reply: .ok(Page<ObjectionView>.self, "A page"), refuses: [409]
        ) { request, context in
            let (after, limit) = try request.page()
            let records = try await workflow.objections(
                round: try context.id(), institution: try context.require(.institution),
                openOnly: request.uri.queryParameters["state"] == "open", after: after, limit: limit)
            return Page(records, limit: limit, key: \.id, item: ObjectionView.init)
        }
        routes.add(
            .post, "/v1/objections/{id}/handle",
            "Resolve an objection; `suspendResult` upholds it and suspends the title result it names for the committee to vote on again (once)",
            access: .role(.institution), body: ResolutionBody.self, reply: .accepted("Handled"), refuses: [409]
        ) { _, context, body in
            try await workflow.handleObjection(
                try context.id(), institution: try context.require(.institution), resolution: body.resolution,
                suspendResult: body.suspendResult ?? false)
        }
        routes.add(
            .post, "/v1/rounds/{id}/objections/dismiss", "Dismiss open objections of my round in bulk, with a reason",
            access: .role(.institution), body: DismissObjectionsBody.self,
            reply: .ok(DismissedView.self, "How many were open and are now dismissed"), refuses: [409]
        ) { _, context, body in
            DismissedView(
                dismissed: try await workflow.dismissObjections(
                    body.objections, round: try context.id(),
                    institution: try context.require(.institution), reason: body.reason))
        }
        return routes
    }
}

/// A round's days as its institution set them.
struct RoundCalendarView: ResponseEncodable, Documented {
    var timeZone: String
    var startDate: CalendarDate
    var daySeconds: Int
    var rehearsal: Bool
    /// The round's day now: what a deadline set today must lie after.
    var today: CalendarDate?
    var unloadedYears: String
    var schedules: [HolidaySchedule]

    init(_ round: RoundRecord) {
        (timeZone, startDate, daySeconds, rehearsal) = (round.timeZone.identifier, round.startDate, round.daySeconds, round.isRehearsal)
        today = try? round.day(at: Date())
        unloadedYears = round.calendar.unloadedYears.rawValue
        schedules = round.calendar.years.sorted().compactMap(round.calendar.schedule(of:))
    }

    static var schema: JSONSchema {
        .object(required: [
            "timeZone": .string(), "startDate": .date, "daySeconds": .integer(Bounds.daySeconds),
            "rehearsal": .boolean.described("a compressed clock: its dates and certificates are a rehearsal's"),
            "today": JSONSchema.date.described("the round's day now, on its clock").orNull,
            "unloadedYears": .oneOf(WorkingCalendar.UnloadedYears.self),
            "schedules": .array(of: HolidayScheduleBody.schema, "the years loaded, each with its days"),
        ])
    }
}

struct SkillsResultBody: RequestBody, Documented {
    var parts: [String: Double]

    func validate() throws {
        for (name, mark) in parts.sorted(by: { $0.key < $1.key }) { try Bounds.check(mark, "parts.\(name)", Bounds.score) }
    }

    func scores() throws -> [SkillsPart: Double] {
        var scores: [SkillsPart: Double] = [:]
        for (name, score) in parts {
            guard let part = SkillsPart(rawValue: name) else {
                let parts = SkillsPart.allCases.map(\.rawValue)
                throw invalidField(
                    "parts.\(name)", "is not a part; use \(parts.joined(separator: ", "))", zh: "不是考核项目；请使用 \(parts.joined(separator: "、"))")
            }
            scores[part] = score
        }
        return scores
    }

    static var schema: JSONSchema {
        .object(required: [
            "parts": .map(of: .number(Bounds.score), "a mark for each part: \(SkillsPart.allCases.map(\.rawValue).joined(separator: ", "))")
        ])
    }
}

struct DismissObjectionsBody: RequestBody, Documented {
    var objections: [Int64]
    var reason: String

    func validate() throws {
        guard (1...1_000).contains(objections.count) else {
            throw invalidField("objections", "must list 1 to 1000 objection ids", zh: "须列出 1 至 1000 个异议编号")
        }
        for (index, id) in objections.enumerated() { try Bounds.check(id, "objections[\(index)]", Bounds.id) }
        guard (1...4_000).contains(reason.count) else { throw invalidField("reason", "must have 1 to 4000 characters", zh: "须为 1 至 4000 个字符") }
    }

    static var schema: JSONSchema {
        .object(required: ["objections": .array(of: .integer(Bounds.id), count: 1...1_000), "reason": .string(length: 1...4_000)])
    }
}

struct ResolutionBody: RequestBody, Documented {
    var resolution: String
    var suspendResult: Bool?

    func validate() throws {
        guard (1...4_000).contains(resolution.count) else {
            throw invalidField("resolution", "must have 1 to 4000 characters", zh: "须为 1 至 4000 个字符")
        }
    }

    static var schema: JSONSchema {
        .object(
            required: ["resolution": .string(length: 1...4_000)],
            optional: [
                "suspendResult": .boolean.described(
                    "the objection is well founded: the result is suspended and the committee votes on the case again; false unless given")
            ])
    }
}

struct RoundProgressView: ResponseEncodable, Sendable, Documented {
    let state: String
    let applications: [String: Int]

    static var schema: JSONSchema {
        .object(required: ["state": .oneOf(RoundState.self), "applications": .map(of: .integer(), "how many applications are in each state")])
    }
}

struct ObjectionView: Encodable, Sendable, Documented {
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

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .integer(), "application": .integer(), "filedBy": .string(), "statement": .string(),
                "state": .oneOf(ObjectionState.self), "filedAt": .dateTime,
            ],
            optional: ["contact": .string().orNull])
    }
}

struct DismissedView: ResponseEncodable, Sendable, Documented {
    let dismissed: Int
    static var schema: JSONSchema { .object(required: ["dismissed": .integer()]) }
}

struct EligibilityAppealBody: RequestBody, Documented {
    var outcome: String
    var reason: String

    func validate() {}  // no numbers; the store checks the reason's length

    func checked() throws -> AppealOutcome {
        guard let outcome = AppealOutcome(rawValue: outcome) else {
            throw invalidField("outcome", "must be upheld or overturned", zh: "须为 upheld（维持）或 overturned（改变）")
        }
        return outcome
    }

    static var schema: JSONSchema {
        .object(required: ["outcome": .oneOf(AppealOutcome.self), "reason": .string(length: 1...4_000, "why, for the applicant")])
    }
}

struct ExamImportView: ResponseEncodable, Sendable, Documented {
    let imported: Int
    let passed: Int

    static var schema: JSONSchema { .object(required: ["imported": .integer(), "passed": .integer()]) }
}
