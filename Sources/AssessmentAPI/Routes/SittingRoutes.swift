import Foundation
import Hummingbird
import Workflow

/// Skills sittings (考场安排): an institution schedules, moves and cancels them; a seated
/// candidate reads their admission ticket.
struct SittingRoutes {
    let workflow: Workflow
    /// The largest CSV file taken, by the API and the console alike.
    static let theoryMarksMaxBytes = 1 << 20

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "sittings")
        routes.add(
            .post, "/v1/rounds/{id}/sittings",
            "Schedule a sitting of my skills round for its eligible candidates of some levels not yet seated, as many as the rooms seat: "
                + "the staffing ratios are checked and the staff drawn from my examiners; a job seats them, issues admission tickets and tells everyone",
            access: .role(.institution), body: SittingBody.self, reply: .accepted(SittingPlanView.self, "Scheduled; being seated"),
            refuses: [404, 409]
        ) { _, context, body in
            let planned = try await workflow.scheduleSitting(
                try body.draft(levels: true), round: try context.id(), institution: try context.require(.institution))
            return SittingPlanView(id: planned.id, candidates: planned.candidates, staffing: planned.staffing)
        }
        routes.add(
            .get, "/v1/rounds/{id}/sittings", "A skills round's sittings: the institution's own, or any for the bureau that confirms them",
            access: .roles([.institution, .bureau]), reply: .ok(SittingList.self, "The sittings, by id"), refuses: [404]
        ) { _, context in
            SittingList(items: try await workflow.sittings(round: try context.id(), for: try context.reportReader()).map { SittingView($0) })
        }
        routes.add(
            .post, "/v1/sittings/{id}/confirm",
            "Confirm one sitting of a finalized skills round: its passed candidates' certificates follow, each naming the sitting's site and "
                + "every part's result; the round is confirmed with its last sitting",
            access: .role(.bureau), reply: .accepted("Confirmed; its certificates follow"), refuses: [404, 409]
        ) { _, context in
            try await workflow.confirmSitting(try context.id(), by: try context.require(.bureau))
        }
        routes.add(
            .get, "/v1/sittings/{id}", "A sitting of mine: its parts, rooms with the candidates each seats, and its staff",
            access: .role(.institution), reply: .ok(SittingView.self, "The sitting"), refuses: [404]
        ) { _, context in
            let found = try await workflow.sitting(try context.id(), institution: try context.require(.institution))
            return SittingView(found.sitting, staff: found.staff, seated: found.seated, unseated: found.unseated)
        }
        routes.add(
            .put, "/v1/sittings/{id}",
            "Move a sitting: other days, site, rooms or staffing (its levels and candidates stay); checked as when scheduled, then seated again and everyone told",
            access: .role(.institution), body: SittingBody.self, reply: .accepted(SittingPlanView.self, "Changed; being seated again"),
            refuses: [404, 409]
        ) { _, context, body in
            let id = try context.id()
            let staffing = try await workflow.changeSitting(id, to: try body.draft(levels: false), institution: try context.require(.institution))
            return SittingPlanView(id: id, candidates: nil, staffing: staffing)
        }
        routes.add(
            .post, "/v1/sittings/{id}/cancel", "Cancel a sitting: its candidates wait for another, and they and its staff are told why",
            access: .role(.institution), body: ReasonBody.self, reply: .noContent("Cancelled"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.cancelSitting(try context.id(), reason: body.reason, institution: try context.require(.institution))
        }
        routes.addUpload(
            .post, "/v1/sittings/{id}/theory-marks",
            "Import the theory exam's marks of my seated sitting from the exam system (CSV; columns: \(TheoryMarkCSV.columns.joined(separator: ", ")); "
                + "a mark is 0–100 or absent), from the day of the exam; each row names a seated candidate's ticket; one bad row refuses the file",
            access: .role(.institution), types: ["text/csv"], maxBytes: Self.theoryMarksMaxBytes,
            reply: .ok(MarksImportView.self, "How many were recorded"),
            refuses: [404, 409]
        ) { _, context, bytes in
            MarksImportView(
                recorded: try await workflow.importTheoryMarks(
                    csv: try csvText(bytes), sitting: try context.id(), institution: try context.require(.institution)))
        }
        routes.add(
            .post, "/v1/sittings/{id}/theory-mark",
            "As the lead invigilator (主监考) of a room, enter a paper theory exam's mark of a candidate seated there, or their absence, "
                + "from the day of the exam",
            access: .role(.reviewer), body: TheoryMarkBody.self, reply: .noContent("Recorded"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.enterTheoryMark(
                try body.checkedMark(), ticket: body.ticket, sitting: try context.id(), reviewer: try context.require(.reviewer))
        }
        routes.add(
            .post, "/v1/sittings/{id}/absences", "Record candidates of my sitting absent from a part: absent, not failed",
            access: .role(.institution), body: AbsenceBody.self, reply: .noContent("Recorded"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.recordAbsence(
                tickets: body.tickets, part: try body.checkedPart(), sitting: try context.id(), institution: try context.require(.institution))
        }
        routes.add(
            .get, "/v1/sittings/{id}/marking",
            "What I mark at a sitting, blind, by ticket: my room's skill assessments or the comprehensive reviews with my own marks; "
                + "as a room's lead invigilator, its theory exam's marks to enter; as supervisor, the parts whose marks diverge",
            access: .role(.reviewer), reply: .ok(MarkingList.self, "My candidates"), refuses: [403, 404]
        ) { _, context in
            MarkingList(items: try await workflow.marking(sitting: try context.id(), reviewer: try context.require(.reviewer)).map(MarkingView.init))
        }
        routes.add(
            .post, "/v1/sittings/{id}/marks",
            "Mark a candidate's part I examine, independently of the panel; once all have marked, the part's mark is the panel's mean",
            access: .role(.reviewer), body: MarkBody.self, reply: .noContent("Marked"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.submitMark(
                body.mark, ticket: body.ticket, part: try body.checkedPart(), sitting: try context.id(), reviewer: try context.require(.reviewer))
        }
        routes.add(
            .post, "/v1/sittings/{id}/marks/confirm", "As the sitting's supervisor, let a part whose marks diverge count, having looked into it",
            access: .role(.reviewer), body: ConfirmMarkBody.self, reply: .noContent("Confirmed"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.confirmMark(
                ticket: body.ticket, part: try body.checkedPart(), sitting: try context.id(), supervisor: try context.require(.reviewer))
        }
        routes.add(
            .get, "/v1/remarks", "The skills appeals I re-mark, blind: ticket, level and part, with my own mark once given",
            access: .role(.reviewer), reply: .ok(RemarkList.self, "My re-markings")
        ) { _, context in
            RemarkList(items: try await workflow.remarks(reviewer: try context.require(.reviewer)).map(RemarkView.init))
        }
        routes.add(
            .post, "/v1/remarks/{id}",
            "Re-mark an appealed part, independently of the rest of the fresh panel; once all have marked, the panel's mark replaces the part's "
                + "and the appeal is decided",
            access: .role(.reviewer), body: RemarkBody.self, reply: .noContent("Marked"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.giveRemark(body.mark, remark: try context.id(), reviewer: try context.require(.reviewer))
        }
        routes.add(
            .get, "/v1/sittings/{id}/results", "Every candidate of my sitting with each part's result", access: .role(.institution),
            reply: .ok(SittingResultsView.self, "By ticket"), refuses: [404]
        ) { _, context in
            SittingResultsView(try await workflow.sittingResults(sitting: try context.id(), institution: try context.require(.institution)))
        }
        routes.add(
            .get, "/v1/applications/{id}/part-results", "My skills application's result in each part, once decided", access: .role(.applicant),
            reply: .ok(PartResultsView.self, "Each part"), refuses: [404, 409]
        ) { _, context in
            PartResultsView(
                parts: try await workflow.partResults(application: try context.id(), applicant: try context.applicant()).map(PartResultView.init))
        }
        routes.add(
            .get, "/v1/applications/{id}/admission-ticket", "My admission ticket (准考证) for a skills application, once seated",
            access: .role(.applicant), reply: .ok(AdmissionTicketView.self, "The ticket"), refuses: [404, 409]
        ) { _, context in
            AdmissionTicketView(try await workflow.admissionTicket(application: try context.id(), applicant: try context.applicant()))
        }
        return routes
    }
}

struct SittingBody: RequestBody, Documented {
    struct Part: Decodable {
        var date: String
        var start: String
        var minutes: Int
    }
    struct Room: Decodable {
        var name: String
        var seats: Int
    }
    struct Staffing: Decodable {
        var invigilatorsPerRoom: Int?
        var examinersPerRoom: Int?
        var reviewPanel: Int?
    }

    var site: String
    var levels: [Int]?
    var parts: [String: Part]
    var rooms: [Room]
    var staffing: Staffing?

    func validate() throws {
        for (index, level) in (levels ?? []).enumerated() { try Bounds.check(level, "levels[\(index)]", Bounds.gradeOrLevel) }
        guard (1...SkillsPart.allCases.count).contains(parts.count) else {
            throw invalidField("parts", "must name 1 to 3 parts", zh: "须列出 1 至 3 个考核项目")
        }
        for (name, part) in parts.sorted(by: { $0.key < $1.key }) {
            try Bounds.check(part.minutes, "parts.\(name).minutes", SittingPart.durations)
        }
        guard SittingRoom.roomRange.contains(rooms.count) else { throw invalidField("rooms", "must list 1 to 50 rooms", zh: "须列出 1 至 50 个考场") }
        for (index, room) in rooms.enumerated() { try Bounds.check(room.seats, "rooms[\(index)].seats", SittingRoom.seatRange) }
        for (field, value) in [
            ("invigilatorsPerRoom", staffing?.invigilatorsPerRoom), ("examinersPerRoom", staffing?.examinersPerRoom),
            ("reviewPanel", staffing?.reviewPanel),
        ] {
            if let value { try Bounds.check(value, "staffing.\(field)", StaffingOverrides.range) }
        }
    }

    /// The draft; `levels` is required when scheduling and ignored when moving.
    func draft(levels required: Bool) throws -> SittingDraft {
        var levels: Set<SkillLevel> = []
        if required {
            guard let given = self.levels, !given.isEmpty else {
                throw invalidField("levels", "must name the levels the sitting takes, 1 to 5", zh: "须列出本场考试的等级（1 至 5）")
            }
            levels = Set(given.compactMap(SkillLevel.init(rawValue:)))
        }
        var sittingParts: [SittingPart] = []
        for (name, part) in parts.sorted(by: { $0.key < $1.key }) {
            guard let skillsPart = SkillsPart(rawValue: name) else {
                let names = SkillsPart.allCases.map(\.rawValue)
                throw invalidField(
                    "parts.\(name)", "is not a part; use \(names.joined(separator: ", "))", zh: "不是考核项目；请使用 \(names.joined(separator: "、"))")
            }
            guard let minute = SittingPart.minute(of: part.start) else {
                throw invalidField("parts.\(name).start", "must be a time like 09:00", zh: "须为时间，如 09:00")
            }
            sittingParts.append(
                SittingPart(part: skillsPart, date: try dateField(part.date, "parts.\(name).date"), startMinute: minute, minutes: part.minutes))
        }
        return SittingDraft(
            site: site, levels: levels, parts: sittingParts, rooms: rooms.map { SittingRoom(name: $0.name, seats: $0.seats) },
            planned: StaffingOverrides(
                invigilatorsPerRoom: staffing?.invigilatorsPerRoom, examinersPerRoom: staffing?.examinersPerRoom, reviewPanel: staffing?.reviewPanel))
    }

    static var partSchema: JSONSchema {
        .object(required: [
            "date": JSONSchema.date.described("the day, in the round's time zone"),
            "start": .string(pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", "09:00"),
            "minutes": .integer(SittingPart.durations),
        ])
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "site": .string(pattern: "^[0-9]{6}$", "one of the institution's sites"),
                "parts": .object(
                    required: [:],
                    optional: [
                        SkillsPart.theory.rawValue: partSchema, SkillsPart.skill.rawValue: partSchema,
                        SkillsPart.comprehensiveReview.rawValue: partSchema.described("levels 2 and 1 only"),
                    ]),
                "rooms": .array(
                    of: .object(required: ["name": .string(length: 1...50), "seats": .integer(SittingRoom.seatRange)]), count: SittingRoom.roomRange),
            ],
            optional: [
                "levels": .array(of: .integer(Bounds.gradeOrLevel), count: 1...5, "the levels it takes; required when scheduling, kept when moving"),
                "staffing": .object(
                    required: [:],
                    optional: [
                        "invigilatorsPerRoom": .integer(StaffingOverrides.range, "at least 1 per 15 candidates and 2 per room (the policy's ratios)"),
                        "examinersPerRoom": .integer(StaffingOverrides.range, "odd, at least 1 per 5 candidates and 3"),
                        "reviewPanel": .integer(StaffingOverrides.range, "odd, at least 3"),
                    ], "staff planned above the minimum, the same in every room; the minimum unless given"),
            ])
    }
}

struct StaffingView: Encodable, Sendable, Documented {
    let invigilators: [Int]
    let examiners: [Int]
    let reviewPanel: Int
    let supervisors: Int

    init(_ staffing: SittingStaffing) {
        (invigilators, examiners, reviewPanel, supervisors) = (staffing.invigilators, staffing.examiners, staffing.reviewPanel, staffing.supervisors)
    }

    static var schema: JSONSchema {
        .object(required: [
            "invigilators": .array(of: .integer(), "per room"), "examiners": .array(of: .integer(), "per room"), "reviewPanel": .integer(),
            "supervisors": .integer(),
        ])
    }
}

struct SittingPlanView: ResponseEncodable, Sendable, Documented {
    let id: Int64
    let candidates: Int?
    let staffing: StaffingView

    init(id: Int64, candidates: Int?, staffing: SittingStaffing) {
        (self.id, self.candidates, self.staffing) = (id, candidates, StaffingView(staffing))
    }

    static var schema: JSONSchema {
        .object(
            required: ["id": .integer(), "staffing": .ref(StaffingView.self)],
            optional: ["candidates": JSONSchema.integer("how many candidates it takes").orNull])
    }
}

struct SittingView: ResponseEncodable, Sendable, Documented {
    struct Part: Encodable, Sendable {
        let part: String
        let name: String
        let date: String
        let start: String
        let end: String
        let minutes: Int

        /// The parts in the order they are held.
        static func rows(_ parts: [SittingPart]) -> [Part] {
            SittingPart.ordered(parts).map {
                Part(
                    part: $0.part.rawValue, name: $0.part.chineseName, date: $0.date.description, start: $0.startText, end: $0.endText,
                    minutes: $0.minutes)
            }
        }
    }
    struct Room: Encodable, Sendable {
        let name: String
        let seats: Int
        let seated: Int?
    }
    struct Post: Encodable, Sendable {
        let reviewer: String
        let name: String
        let role: String
        let room: String?
        /// The room's lead invigilator (主监考), who enters a paper theory exam's marks.
        let lead: Bool
    }

    let id: Int64
    let round: Int64
    let site: String
    let levels: [Int]
    let state: String
    let revision: Int
    let problem: String?
    let confirmed: Bool
    let parts: [Part]
    let rooms: [Room]
    let staffing: StaffingView
    let staff: [Post]?
    let unseated: Int?

    init(_ sitting: SittingRecord, staff: [SittingStaffRecord]? = nil, seated: [Int: Int]? = nil, unseated: Int? = nil) {
        (id, round, site, levels, state, revision) = (
            sitting.id, sitting.roundID, sitting.site, sitting.levels.map(\.rawValue).sorted(), sitting.state.rawValue, sitting.revision
        )
        problem = sitting.problem?.both
        confirmed = sitting.confirmed
        parts = Part.rows(sitting.parts)
        rooms = sitting.rooms.enumerated().map { index, room in Room(name: room.name, seats: room.seats, seated: seated.map { $0[index] ?? 0 }) }
        staffing = StaffingView(sitting.staffing)
        self.staff = staff?.map {
            Post(reviewer: $0.reviewer, name: $0.name, role: $0.role.rawValue, room: $0.room.map { sitting.rooms[$0].name }, lead: $0.lead)
        }
        self.unseated = unseated
    }

    static var partSchema: JSONSchema {
        .object(required: [
            "part": .oneOf(SkillsPart.self), "name": .string(), "date": .date, "start": .string(pattern: "^[0-9]{2}:[0-9]{2}$"),
            "end": .string(pattern: "^[0-9]{2}:[0-9]{2}$"), "minutes": .integer(SittingPart.durations),
        ])
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .integer(), "round": .integer(), "site": .string(), "levels": .array(of: .integer(Bounds.gradeOrLevel)),
                "state": .oneOf(SittingRecord.State.self), "revision": .integer(),
                "confirmed": JSONSchema.boolean.described("confirmed by the bureau: its passed candidates' certificates are issued"),
                "parts": .array(of: partSchema),
                "rooms": .array(
                    of: .object(
                        required: ["name": .string(), "seats": .integer()],
                        optional: ["seated": JSONSchema.integer("candidates seated in it").orNull])),
                "staffing": .ref(StaffingView.self),
            ],
            optional: [
                "problem": JSONSchema.string("why it is unstaffed or cancelled").orNull,
                "staff": JSONSchema.array(
                    of: .object(
                        required: [
                            "reviewer": .string(), "name": .string(), "role": .oneOf(SittingRole.self),
                            "lead": JSONSchema.boolean.described("the room's lead invigilator (主监考), who enters a paper theory exam's marks"),
                        ],
                        optional: ["room": JSONSchema.string().orNull])
                ).orNull,
                "unseated": JSONSchema.integer("candidates waiting for their seat").orNull,
            ])
    }
}

struct SittingList: ResponseEncodable, Sendable, Documented {
    let items: [SittingView]
    static var schema: JSONSchema { .object(required: ["items": .array(of: .ref(SittingView.self))]) }
}

/// An admission ticket (准考证) as a candidate prints it.
struct AdmissionTicketView: ResponseEncodable, Sendable, Documented {
    let ticket: String
    let application: Int64
    let name: String
    let occupation: String
    let level: Int
    let levelName: String
    let direction: String
    let site: String
    let room: String
    let seat: Int
    let parts: [SittingView.Part]
    let kept: [PartResultView]
    let notice: String
    let noticeEnglish: String

    init(_ ticket: AdmissionTicket) {
        (self.ticket, application, name, site, room, seat) = (
            ticket.ticket, ticket.application, ticket.name, ticket.sitting.site, ticket.room.name, ticket.seat
        )
        if case .skill(let occupation, let level, let direction) = ticket.target {
            (self.occupation, self.level, self.direction) = (occupation, level.rawValue, direction)
        } else {
            (occupation, level, direction) = ("", 0, "")
        }
        levelName = SkillLevel(rawValue: level)?.chineseName ?? ""
        parts = SittingView.Part.rows(ticket.sat)
        kept = ticket.kept.map(PartResultView.init)
        notice = "请携带本人有效身份证件和准考证，于每科开考前 30 分钟到达考场。"
        noticeEnglish = "Bring your identity document and this ticket, and arrive 30 minutes before each part."
    }

    static var schema: JSONSchema {
        .object(required: [
            "ticket": .string(pattern: "^[0-9]{18}$"), "application": .integer(), "name": .string(), "occupation": .string(),
            "level": .integer(Bounds.gradeOrLevel), "levelName": .string(), "direction": .string(), "site": .string(), "room": .string(),
            "seat": .integer(SittingRoom.seatRange),
            "parts": .array(of: SittingView.partSchema.described("the parts the candidate sits, in the order held")),
            "kept": .array(of: PartResultView.schema.described("parts passed at an earlier sitting and kept: not sat again")),
            "notice": .string(), "noticeEnglish": .string(),
        ])
    }
}

/// A part named in a body: `theory`, `skill` or `comprehensive_review`.
func skillsPart(_ name: String, field: String = "part") throws -> SkillsPart {
    guard let part = SkillsPart(rawValue: name) else {
        let names = SkillsPart.allCases.map(\.rawValue)
        throw invalidField(field, "must be one of \(names.joined(separator: ", "))", zh: "须为以下之一：\(names.joined(separator: "、"))")
    }
    return part
}

struct AbsenceBody: RequestBody, Documented {
    var part: String
    var tickets: [String]

    func validate() throws {
        guard (1...1_000).contains(tickets.count) else { throw invalidField("tickets", "must list 1 to 1000 tickets", zh: "须列出 1 至 1000 个准考证号") }
    }

    func checkedPart() throws -> SkillsPart { try skillsPart(part) }

    static var schema: JSONSchema {
        .object(required: [
            "part": .oneOf(SkillsPart.self), "tickets": .array(of: .string(pattern: "^[0-9]{18}$"), count: 1...1_000, "admission tickets"),
        ])
    }
}

struct MarkBody: RequestBody, Documented {
    var ticket: String
    var part: String
    var mark: Double

    func validate() throws { try Bounds.check(mark, "mark", Bounds.score) }

    func checkedPart() throws -> SkillsPart { try skillsPart(part) }

    static var schema: JSONSchema {
        .object(required: [
            "ticket": .string(pattern: "^[0-9]{18}$"), "part": .oneOf(["skill", "comprehensive_review"]), "mark": .number(Bounds.score),
        ])
    }
}

struct TheoryMarkBody: RequestBody, Documented {
    var ticket: String
    var mark: Double?
    var absent: Bool?

    func validate() throws { _ = try checkedMark() }

    /// The mark, or nil for an absence; exactly one of them is given.
    func checkedMark() throws -> Double? {
        switch (mark, absent ?? false) {
        case (let mark?, false):
            try Bounds.check(mark, "mark", Bounds.score)
            return mark
        case (nil, true): return nil
        case (nil, false): throw invalidField("mark", "give a mark of 0 to 100, or absent: true", zh: "须填写 0 至 100 的成绩，或 absent: true")
        case (_?, true): throw invalidField("absent", "a candidate with a mark was not absent: give one or the other", zh: "有成绩即非缺考：二者只能填写其一")
        }
    }

    static var schema: JSONSchema {
        .object(
            required: ["ticket": .string(pattern: "^[0-9]{18}$")],
            optional: ["mark": .number(Bounds.score), "absent": JSONSchema.boolean.described("absent (缺考) instead of a mark")])
    }
}

struct ConfirmMarkBody: RequestBody, Documented {
    var ticket: String
    var part: String

    func validate() {}  // no numbers

    func checkedPart() throws -> SkillsPart { try skillsPart(part) }

    static var schema: JSONSchema {
        .object(required: ["ticket": .string(pattern: "^[0-9]{18}$"), "part": .oneOf(["skill", "comprehensive_review"])])
    }
}

struct MarksImportView: ResponseEncodable, Sendable, Documented {
    let recorded: Int
    static var schema: JSONSchema { .object(required: ["recorded": .integer()]) }
}

struct MarkingView: Encodable, Sendable {
    let ticket: String
    let level: Int
    let part: String
    let task: String
    let mark: Double?
    let absent: Bool
    let spread: Double?

    init(_ record: MarkingRecord) {
        (ticket, level, part, task) = (record.ticket, record.level.rawValue, record.part.rawValue, record.task.rawValue)
        (mark, absent, spread) = (record.mark, record.absent, record.spread)
    }
}

struct MarkingList: ResponseEncodable, Sendable, Documented {
    let items: [MarkingView]
    static var schema: JSONSchema {
        .object(required: [
            "items": .array(
                of: .object(
                    required: [
                        "ticket": .string(), "level": .integer(Bounds.gradeOrLevel), "part": .oneOf(SkillsPart.self),
                        "task": .oneOf(
                            MarkingRecord.Task.self,
                            "mark: my own mark (POST …/marks); enter_theory: the theory mark I enter as lead invigilator (POST …/theory-mark); "
                                + "confirm: a diverging part I confirm as supervisor (POST …/marks/confirm)"),
                        "absent": JSONSchema.boolean.described("enter_theory: recorded absent"),
                    ],
                    optional: [
                        "mark": JSONSchema.number(Bounds.score).described(
                            "my own mark once given; the theory mark entered; the panel's mean to confirm"
                        )
                        .orNull,
                        "spread": JSONSchema.number(Bounds.score).described("confirm: the panel's highest less its lowest mark").orNull,
                    ]))
        ])
    }
}

struct RemarkBody: RequestBody, Documented {
    var mark: Double

    func validate() throws { try Bounds.check(mark, "mark", Bounds.score) }

    static var schema: JSONSchema { .object(required: ["mark": .number(Bounds.score)]) }
}

struct RemarkView: Encodable, Sendable {
    let id: Int64
    let ticket: String
    let level: Int
    let part: String
    let partName: String
    let mark: Double?

    init(_ record: RemarkRecord) {
        (id, ticket, level, part, partName, mark) = (
            record.id, record.ticket, record.level.rawValue, record.part.rawValue, record.part.chineseName, record.mark
        )
    }
}

struct RemarkList: ResponseEncodable, Sendable, Documented {
    let items: [RemarkView]

    static var schema: JSONSchema {
        .object(required: [
            "items": .array(
                of: .object(
                    required: [
                        "id": .integer(), "ticket": .string(pattern: "^[0-9]{18}$"), "level": .integer(Bounds.gradeOrLevel),
                        "part": .oneOf(SkillsPart.self), "partName": .string(),
                    ],
                    optional: ["mark": JSONSchema.number(Bounds.score).described("my own mark, once given").orNull]))
        ])
    }
}

struct PartResultView: Encodable, Sendable {
    let part: String
    let name: String
    let state: String
    let mark: Double?
    let spread: Double?
    let keptFrom: Int64?
    let takenOn: String?
    let appealedFrom: Double?

    init(_ record: PartResultRecord) {
        (part, name, state, mark, spread) = (record.part.rawValue, record.part.chineseName, record.state.rawValue, record.mark, record.spread)
        (keptFrom, takenOn, appealedFrom) = (record.carried?.sitting, record.carried?.takenOn.description, record.appealedFrom)
    }

    static var schema: JSONSchema {
        .object(
            required: ["part": .oneOf(SkillsPart.self), "name": .string(), "state": .oneOf(PartResultRecord.State.self)],
            optional: [
                "mark": JSONSchema.number(Bounds.score).described("absent: none").orNull,
                "spread": JSONSchema.number(Bounds.score).described("the panel's highest less its lowest mark").orNull,
                "keptFrom": JSONSchema.integer("a carried part: the sitting it was passed at").orNull,
                "takenOn": JSONSchema.date.described("a carried part: the day it was first passed, from which the policy's period runs").orNull,
                "appealedFrom": JSONSchema.number(Bounds.score).described("the mark an appeal's fresh panel replaced").orNull,
            ])
    }
}

struct PartResultsView: ResponseEncodable, Sendable, Documented {
    let parts: [PartResultView]
    static var schema: JSONSchema { .object(required: ["parts": .array(of: PartResultView.schema)]) }
}

struct SittingResultsView: ResponseEncodable, Sendable, Documented {
    struct Candidate: Encodable, Sendable {
        let ticket: String
        let application: Int64
        let level: Int
        let state: String
        let parts: [PartResultView]
    }
    let items: [Candidate]

    init(_ rows: [(seat: SeatRecord, results: [PartResultRecord])]) {
        items = rows.map {
            Candidate(
                ticket: $0.seat.ticket, application: $0.seat.application, level: $0.seat.level.rawValue, state: $0.seat.state.rawValue,
                parts: $0.results.map(PartResultView.init))
        }
    }

    static var schema: JSONSchema {
        .object(required: [
            "items": .array(
                of: .object(required: [
                    "ticket": .string(), "application": .integer(), "level": .integer(Bounds.gradeOrLevel), "state": .oneOf(ApplicationState.self),
                    "parts": .array(of: PartResultView.schema),
                ]))
        ])
    }
}
