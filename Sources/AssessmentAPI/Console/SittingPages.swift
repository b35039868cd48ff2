import Foundation
import Hummingbird
import Workflow

/// An institution's skills sittings (考试安排): scheduling one for a round, its rooms, staff and
/// results, moving or cancelling it, recording absences and importing the theory exam's marks.
struct SittingPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("sittings/{id}") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let language = context.visit?.language ?? .zh
            let found = try await workflow.sitting(id, institution: institution)
            let view = SittingView(found.sitting, staff: found.staff, seated: found.seated, unseated: found.unseated)
            let results = try await workflow.sittingResults(sitting: id, institution: institution)
            let open = found.sitting.state != .cancelled && !found.sitting.confirmed
            var values: [String: Any] = [
                "id": String(id), "round": String(view.round), "site": view.site, "state": ConsoleText.text("sitting.\(view.state)", language),
                "levels": view.levels.map(String.init).joined(separator: ", "), "problem": view.problem ?? "",
                "unseated": String(view.unseated ?? 0),
                "parts": view.parts.map { ["name": language == .zh ? $0.name : $0.part, "date": $0.date, "start": $0.start, "end": $0.end] },
                "partChoices": SittingPart.ordered(found.sitting.parts).map {
                    ["value": $0.part.rawValue, "name": language == .zh ? $0.part.chineseName : $0.part.englishName]
                },
                "rooms": view.rooms.map { ["name": $0.name, "seats": String($0.seats), "seated": $0.seated.map(String.init) ?? "—"] },
                "staff": (view.staff ?? []).map {
                    [
                        "reviewer": $0.reviewer, "name": $0.name, "role": ConsoleText.text("staff.\($0.role)", language), "room": $0.room ?? "—",
                        "lead": $0.lead,
                    ]
                },
                "results": results.map { row in
                    [
                        "ticket": row.seat.ticket, "level": String(row.seat.level.rawValue),
                        "parts": row.results.map { result in
                            "\(language == .zh ? result.part.chineseName : result.part.rawValue) "
                                + (result.mark.map { String(format: "%.1f", $0) } ?? ConsoleText.text("part.\(result.state.rawValue)", language))
                        }.joined(separator: " · "),
                    ]
                },
                "hasResults": !results.isEmpty, "open": open, "csvColumns": TheoryMarkCSV.columns.joined(separator: ","),
            ]
            if open {
                let sites = try await workflow.institution(institution).sites
                values["sittingForm"] = SittingForm.values(sites: sites, sitting: found.sitting, language: language)
            }
            return WebPage("sitting", .init(zh: "考试 \(id)", en: "Sitting \(id)"), values).response(context)
        }
        group.post("rounds/{id}/sittings") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let body = try SittingForm.body(context.visit?.form ?? FormFields(), scheduling: true)
            let planned = try await workflow.scheduleSitting(try body.draft(levels: true), round: id, institution: institution)
            return Response.seeOther("/console/sittings/\(planned.id)?done=scheduled", context)
        }
        group.post("sittings/{id}/move") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let body = try SittingForm.body(context.visit?.form ?? FormFields(), scheduling: false)
            _ = try await workflow.changeSitting(id, to: try body.draft(levels: false), institution: institution)
            return Response.seeOther("/console/sittings/\(id)?done=moved", context)
        }
        group.post("sittings/{id}/cancel") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            try await workflow.cancelSitting(id, reason: try form.required("reason", .init(zh: "取消原因", en: "the reason")), institution: institution)
            return Response.seeOther("/console/sittings/\(id)?done=sittingCancelled", context)
        }
        group.post("sittings/{id}/absences") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = AbsenceBody(
                part: try form.required("part", .init(zh: "科目", en: "the part")),
                tickets: form.list("tickets"))
            try body.validate()
            try await workflow.recordAbsence(tickets: body.tickets, part: try body.checkedPart(), sitting: id, institution: institution)
            return Response.seeOther("/console/sittings/\(id)?done=absences&n=\(body.tickets.count)", context)
        }
        group.post("sittings/{id}/theory-marks/import") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let csv = try uploadedCSV(context, maxBytes: SittingRoutes.theoryMarksMaxBytes)
            let recorded = try await workflow.importTheoryMarks(csv: csv, sitting: id, institution: institution)
            return Response.seeOther("/console/sittings/\(id)?done=imported&n=\(recorded)", context)
        }
    }
}
