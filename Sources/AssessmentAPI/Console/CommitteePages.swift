import Foundation
import Hummingbird
import Workflow

/// The committee (评审委员会): members cast their secret ballot sheets on the meetings they
/// attend; the institution draws the committee, opens meetings with the members present and
/// closes their votes. Each sheet holds a choice per case, yes, no or abstain; only counts are kept.
struct CommitteePages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("meetings") { _, context in
            let member = try context.require(.reviewer)
            let meetings = try await workflow.openMeetings(of: member)
            return WebPage(
                "meetings", .init(zh: "评审委员会表决", en: "Committee votes"),
                [
                    "meetings": meetings.map {
                        ["id": String($0.meeting), "round": String($0.round), "heldOn": $0.heldOn.description, "cast": $0.cast]
                    },
                    "hasMeetings": !meetings.isEmpty,
                ]
            ).response(context)
        }
        group.get("meetings/{id}/ballot") { _, context in
            let (member, id) = (try context.require(.reviewer), try context.id())
            let language = context.visit?.language ?? .zh
            let sheet = try await workflow.ballotSheet(meeting: id, member: member)
            return WebPage(
                "ballot", .init(zh: "会议 \(id) 的表决票", en: "Ballot sheet of meeting \(id)"),
                [
                    "id": String(id), "heldOn": sheet.heldOn.description, "open": sheet.open && !sheet.cast, "cast": sheet.cast,
                    "cases": sheet.entries.map { entry in
                        var row: [String: Any] = [
                            "application": String(entry.application), "stage": ConsoleText.text("vote.\(entry.stage.name)", language),
                            "score": entry.score.map { String(format: "%.1f", $0) } ?? "—",
                        ]
                        if let finding = entry.finding { row["finding"] = finding }
                        return row
                    },
                ]
            ).response(context)
        }
        group.post("meetings/{id}/ballot") { _, context in
            let (member, id) = (try context.require(.reviewer), try context.id())
            let form = context.visit?.form ?? FormFields()
            let sheet = try await workflow.ballotSheet(meeting: id, member: member)
            var ballots: [String: String] = [:]
            for entry in sheet.entries {
                guard let choice = form.optional("ballot.\(entry.application)") else {
                    throw invalidField(
                        "ballot.\(entry.application)", "choose yes, no or abstain for every case", zh: "请对每个案件选择同意、不同意或弃权")
                }
                ballots[String(entry.application)] = choice
            }
            let body = BallotSheetBody(ballots: ballots)
            try body.validate()
            try await workflow.castBallotSheet(meeting: id, member: member, choices: try body.choices())
            return Response.seeOther("/console/meetings?done=cast", context)
        }
        group.post("rounds/{id}/committee") { _, context in
            let (institution, round) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            _ = try await workflow.drawCommittee(round: round, institution: institution, seed: try form.optionalInteger("seed", in: Bounds.seed))
            return Response.seeOther("/console/rounds/\(round)?done=drawn", context)
        }
        group.post("rounds/{id}/meetings") { _, context in
            let (institution, round) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = MeetingBody(heldOn: form.optional("heldOn"), present: form.all("present"), recusals: nil)
            try body.validate()
            let meeting = try await workflow.openMeeting(
                round: round, institution: institution, heldOn: try body.day(), present: Set(body.present.map { ReviewerID($0) }), recusals: [:])
            return Response.seeOther("/console/committee-meetings/\(meeting)?done=opened", context)
        }
        group.get("committee-meetings/{id}") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let language = context.visit?.language ?? .zh
            let meeting = try await workflow.meeting(id, institution: institution)
            return WebPage(
                "meeting", .init(zh: "评审委员会会议 \(id)", en: "Committee meeting \(id)"),
                [
                    "id": String(id), "round": String(meeting.roundID), "heldOn": meeting.heldOn.description,
                    "present": meeting.present.map(\.rawValue).joined(separator: "、"), "presentCount": String(meeting.present.count),
                    "sheetsCast": String(meeting.sheetsCast), "voting": meeting.state == .voting,
                    "cases": meeting.cases.map { item in
                        var row: [String: Any] = [
                            "application": String(item.application), "stage": ConsoleText.text("vote.\(item.stage.name)", language),
                            "recused": item.recused.map(\.rawValue).joined(separator: "、"),
                        ]
                        if let counts = item.counts { row["counts"] = "\(counts.yes) / \(counts.no) / \(counts.abstain)" }
                        return row
                    },
                ]
            ).response(context)
        }
        group.post("committee-meetings/{id}/close") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            try await workflow.closeMeeting(id, institution: institution)
            return Response.seeOther("/console/committee-meetings/\(id)?done=tallied", context)
        }
    }
}
