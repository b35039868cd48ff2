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

    @Test("every notification says what it tells in Chinese first and in English, with the payload's dates and outcomes")
    func notificationTexts() {
        for event in NotificationEvent.allCases {
            let text = event.text(["appealsEnd": "2026-12-21", "passed": "false", "number": "N-1", "reasons": "x", "correctBy": "2026-12-10"])
            #expect(text.zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(event): \(text.zh)")
            #expect(!text.en.isEmpty && text.en.allSatisfy(\.isASCII), "\(event): \(text.en)")
        }
        #expect(NotificationEvent.result.text(["passed": "false", "appealsEnd": "2026-12-21"]).zh.contains("2026-12-21 前申请复核"))
        #expect(NotificationEvent.result.text(["passed": "true"]).en == "Your result: passed.")
        #expect(NotificationEvent.appealDecided.text(["eligible": "true"]).zh.contains("符合条件"))
    }
}
