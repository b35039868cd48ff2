import Foundation
import Hummingbird
import Workflow

/// Skills sittings (考试): an institution's sittings of a round with their rooms, staff and
/// results; an examiner's sittings and the candidates they mark, blind, by ticket.
struct SittingPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("sittings") { _, context in
            let reviewer = try context.require(.reviewer)
            let language = context.visit?.language ?? .zh
            let sittings = try await workflow.sittings(staffedBy: reviewer)
            return WebPage(
                "sittings", .init(zh: "我的考务", en: "My sittings"),
                [
                    "sittings": sittings.map {
                        ["id": String($0.sitting), "round": String($0.round), "role": ConsoleText.text("staff.\($0.role)", language)]
                    },
                    "hasSittings": !sittings.isEmpty,
                ]
            ).response(context)
        }
        group.get("sittings/{id}/marking") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let language = context.visit?.language ?? .zh
            let marking = try await workflow.marking(sitting: id, reviewer: reviewer)
            return WebPage(
                "marking", .init(zh: "考试 \(id) 评分", en: "Marking at sitting \(id)"),
                [
                    "id": String(id),
                    "items": marking.map { item in
                        var row: [String: Any] = [
                            "ticket": item.ticket, "level": String(item.level.rawValue), "part": item.part.rawValue,
                            "partName": language == .zh ? item.part.chineseName : item.part.rawValue,
                        ]
                        if let mark = item.mark { row["mark"] = String(format: "%.1f", mark) }
                        return row
                    },
                    "hasItems": !marking.isEmpty,
                ]
            ).response(context)
        }
        group.post("sittings/{id}/marks") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = MarkBody(
                ticket: try form.required("ticket", .init(zh: "准考证号", en: "the ticket")), part: form.optional("part") ?? "",
                mark: try form.number("mark", in: Bounds.score))
            try body.validate()
            try await workflow.submitMark(body.mark, ticket: body.ticket, part: try body.checkedPart(), sitting: id, reviewer: reviewer)
            return Response.seeOther("/console/sittings/\(id)/marking?done=marked", context)
        }
        group.get("sittings/{id}") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let language = context.visit?.language ?? .zh
            let found = try await workflow.sitting(id, institution: institution)
            let view = SittingView(found.sitting, staff: found.staff, seated: found.seated, unseated: found.unseated)
            let results = try await workflow.sittingResults(sitting: id, institution: institution)
            return WebPage(
                "sitting", .init(zh: "考试 \(id)", en: "Sitting \(id)"),
                [
                    "id": String(id), "round": String(view.round), "site": view.site, "state": view.state,
                    "levels": view.levels.map(String.init).joined(separator: ", "),
                    "parts": view.parts.map { ["name": language == .zh ? $0.name : $0.part, "date": $0.date, "start": $0.start, "end": $0.end] },
                    "rooms": view.rooms.map { ["name": $0.name, "seats": String($0.seats), "seated": $0.seated.map(String.init) ?? "—"] },
                    "staff": (view.staff ?? []).map {
                        ["reviewer": $0.reviewer, "name": $0.name, "role": ConsoleText.text("staff.\($0.role)", language), "room": $0.room ?? "—"]
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
                    "hasResults": !results.isEmpty,
                ]
            ).response(context)
        }
    }
}
