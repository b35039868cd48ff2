import Foundation
import Hummingbird
import Workflow

/// What an institution's office does for a round besides its stages: loading the year's holiday
/// schedule into its calendar, deciding appeals of ineligibility and drawing set-apart appeals
/// again, dismissing objections in bulk, and importing national exam results.
struct RoundAdminPages {
    let workflow: Workflow

    /// What the round page shows of the round's calendar and waiting appeals.
    static func values(_ round: RoundRecord, appeals: [AwaitingAppeal], language: Language) -> [String: Any] {
        let calendar = RoundCalendarView(round)
        return [
            "calendar": [
                "timeZone": calendar.timeZone, "today": calendar.today?.description ?? "—",
                "rule": ConsoleText.text("unloaded.\(calendar.unloadedYears)", language),
                "years": calendar.schedules.map {
                    ["year": String($0.year), "holidays": String($0.holidays.count), "workdays": String($0.adjustedWorkdays.count)]
                },
                "currentYear": String((calendar.today ?? round.startDate).year),
            ],
            "appeals": appeals.map {
                [
                    "application": String($0.application), "reason": $0.reason, "eligibility": $0.kind == .eligibility,
                    "setApart": $0.kind == .setApart, "setApartReason": $0.setApartReason ?? "",
                ]
            },
            "hasAppeals": !appeals.isEmpty,
            "examImport": round.kind == .exam && round.state == .open,
            "examColumns": ExamResultCSV.columns.joined(separator: ","),
        ]
    }

    func add(to group: RouterGroup<APIContext>) {
        group.post("rounds/{id}/calendar/schedules") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = HolidayScheduleBody(
                year: try form.integer("year", in: Bounds.scheduleYear), holidays: form.list("holidays"),
                adjustedWorkdays: form.list("adjustedWorkdays"))
            try await workflow.loadHolidaySchedule(try body.schedule(field: ""), round: id, institution: institution)
            return Response.seeOther("/console/rounds/\(id)?done=scheduleLoaded", context)
        }
        group.post("applications/{id}/eligibility-appeal") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let round = try form.integer("round", in: Bounds.id)
            let body = EligibilityAppealBody(
                outcome: try form.required("outcome", .init(zh: "复核结论", en: "the outcome")),
                reason: try form.required("reason", .init(zh: "理由", en: "the reason")))
            try await workflow.decideEligibilityAppeal(id, institution: institution, outcome: try body.checked(), reason: body.reason)
            return Response.seeOther("/console/rounds/\(round)?done=appealDecided", context)
        }
        group.post("applications/{id}/appeal/redraw") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let round = try (context.visit?.form ?? FormFields()).integer("round", in: Bounds.id)
            try await workflow.redrawAppeal(id, institution: institution)
            return Response.seeOther("/console/rounds/\(round)?done=redrawn", context)
        }
        group.post("rounds/{id}/objections/dismiss") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let ids = try form.all("objections").map { text in
                guard let objection = Int64(text), Bounds.id.contains(objection) else {
                    throw invalidField("objections", "must be objection ids", zh: "须为异议编号")
                }
                return objection
            }
            guard !ids.isEmpty else { throw invalidField("objections", "tick the objections to dismiss", zh: "请勾选要驳回的异议") }
            let body = DismissObjectionsBody(objections: ids, reason: try form.required("reason", .init(zh: "驳回理由", en: "the reason")))
            try body.validate()
            let dismissed = try await workflow.dismissObjections(body.objections, round: id, institution: institution, reason: body.reason)
            return Response.seeOther("/console/rounds/\(id)?done=dismissed&n=\(dismissed)", context)
        }
        group.post("rounds/{id}/exam-results/import") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let csv = try uploadedCSV(context, maxBytes: InstitutionRoutes.examResultsMaxBytes)
            let (imported, _) = try await workflow.importExamResults(csv: csv, round: id, institution: institution)
            return Response.seeOther("/console/rounds/\(id)?done=imported&n=\(imported)", context)
        }
    }
}
