import Foundation
import Hummingbird
import Workflow

/// A sitting's staff at work, blind, by ticket: examiners and review panel members mark, a room's
/// lead invigilator enters its paper theory exam's marks, the supervisor lets diverging marks
/// count, and a fresh panel re-marks appealed parts.
struct MarkingPages {
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
            let mark = { (value: Double?) in value.map { String(format: "%.1f", $0) } }
            return WebPage(
                "marking", .init(zh: "考试 \(id) 评分", en: "Marking at sitting \(id)"),
                [
                    "id": String(id),
                    "items": marking.map { item in
                        var row: [String: Any] = [
                            "ticket": item.ticket, "level": String(item.level.rawValue), "part": item.part.rawValue,
                            "partName": language == .zh ? item.part.chineseName : item.part.englishName,
                            "marks": item.task == .mark, "entersTheory": item.task == .enterTheory, "confirms": item.task == .confirm,
                            "absent": item.absent, "recorded": item.mark != nil || item.absent,
                        ]
                        if let given = mark(item.mark) { row["mark"] = given }
                        if let spread = mark(item.spread) { row["spread"] = spread }
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
        group.post("sittings/{id}/theory-mark") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let form = context.visit?.form ?? FormFields()
            let absent = form.optional("absent") == "yes"
            let body = TheoryMarkBody(
                ticket: try form.required("ticket", .init(zh: "准考证号", en: "the ticket")),
                mark: absent && form.optional("mark") == nil ? nil : try form.number("mark", in: Bounds.score), absent: absent)
            try await workflow.enterTheoryMark(try body.checkedMark(), ticket: body.ticket, sitting: id, reviewer: reviewer)
            return Response.seeOther("/console/sittings/\(id)/marking?done=\(absent ? "absent" : "marked")", context)
        }
        group.post("sittings/{id}/marks/confirm") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = ConfirmMarkBody(ticket: try form.required("ticket", .init(zh: "准考证号", en: "the ticket")), part: form.optional("part") ?? "")
            try await workflow.confirmMark(ticket: body.ticket, part: try body.checkedPart(), sitting: id, supervisor: reviewer)
            return Response.seeOther("/console/sittings/\(id)/marking?done=markConfirmed", context)
        }
        group.get("remarks") { _, context in
            let reviewer = try context.require(.reviewer)
            let language = context.visit?.language ?? .zh
            let remarks = try await workflow.remarks(reviewer: reviewer)
            return WebPage(
                "remarks", .init(zh: "复核重评", en: "Appeals to re-mark"),
                [
                    "items": remarks.map { item in
                        var row: [String: Any] = [
                            "id": String(item.id), "ticket": item.ticket, "level": String(item.level.rawValue),
                            "partName": language == .zh ? item.part.chineseName : item.part.englishName,
                        ]
                        if let mark = item.mark { row["mark"] = String(format: "%.1f", mark) }
                        return row
                    },
                    "hasItems": !remarks.isEmpty,
                ]
            ).response(context)
        }
        group.post("remarks/{id}") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let body = RemarkBody(mark: try (context.visit?.form ?? FormFields()).number("mark", in: Bounds.score))
            try body.validate()
            try await workflow.giveRemark(body.mark, remark: id, reviewer: reviewer)
            return Response.seeOther("/console/remarks?done=marked", context)
        }
    }
}
