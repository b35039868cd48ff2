import Assessment
import Foundation
import Testing

@Suite("The webhook contract")
struct NotificationEventTests {
    /// The repository's ops/notifications.md.
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ops/notifications.md")

    @Test("ops/notifications.md lists exactly the events of NotificationEvent, each with its meaning")
    func documented() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- events:begin"))
        let end = try #require(text.range(of: "<!-- events:end -->"))
        let rows = text[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("| `") }.map(String.init)
        let expected = NotificationEvent.allCases.map { "| `\($0.rawValue)` | \($0.meaning) |" }
        #expect(rows == expected, "paste into ops/notifications.md:\n\(expected.joined(separator: "\n"))")
    }

    @Test("subjects, recipients and actors keep the texts stored in outbox keys, payloads and audit entries")
    func texts() {
        #expect(Subject.application(7).description == "application:7")
        #expect(Subject.certificate("SH-2026-000001").description == "certificate:SH-2026-000001")
        #expect(Recipient.institution("inst-1").description == "institution:inst-1")
        #expect(Recipient.bureau.description == "bureau")
        #expect(Actor.bureau(officer: "officer-7").description == "bureau:officer-7")
        #expect(Actor.bureau(officer: nil).description == "bureau")
        #expect(Actor.publicMember.description == "public")
        #expect(Set(NotificationEvent.allCases.map(\.rawValue)).count == NotificationEvent.allCases.count)
    }
}
