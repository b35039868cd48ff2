import Assessment
import Testing

@Suite("Erasure of personal data")
struct ErasureTests {
    let today = CalendarDate(year: 2026, month: 12, day: 7)!

    @Test("nothing to keep: every application and the account go")
    func granted() {
        let decision = Erasure.decide(
            applications: [.init(id: 1, roundEnded: true, certified: false), .init(id: 2, roundEnded: true, certified: false)],
            barredUntil: nil, today: today)
        #expect(decision.outcome == .granted && decision.applications == [1, 2] && decision.account && decision.reasons.isEmpty)
        #expect(Erasure.decide(applications: [], barredUntil: nil, today: today).account, "an applicant who never applied goes whole")
    }

    @Test("an application under evaluation keeps everything, and says which")
    func pending() {
        let decision = Erasure.decide(
            applications: [.init(id: 1, roundEnded: true, certified: false), .init(id: 7, roundEnded: false, certified: false)],
            barredUntil: nil, today: today)
        #expect(decision.outcome == .refused && decision.applications.isEmpty && !decision.account)
        #expect(decision.reasons.count == 1 && decision.reasons[0].zh.contains("7") && decision.reasons[0].en.contains("7"))
    }

    @Test("a certificate keeps its application and the account; a bar in force keeps the account; an ended bar does not")
    func kept() {
        let certified = Erasure.decide(
            applications: [.init(id: 1, roundEnded: true, certified: true), .init(id: 2, roundEnded: true, certified: false)],
            barredUntil: nil, today: today)
        #expect(certified.outcome == .partly && certified.applications == [2] && !certified.account)
        let onlyCertified = Erasure.decide(applications: [.init(id: 1, roundEnded: true, certified: true)], barredUntil: nil, today: today)
        #expect(onlyCertified.outcome == .refused && onlyCertified.applications.isEmpty)
        let barred = Erasure.decide(applications: [], barredUntil: today, today: today)
        #expect(barred.outcome == .refused && !barred.account && barred.reasons[0].en.contains("2026-12-07"))
        let ended = Erasure.decide(applications: [], barredUntil: CalendarDate(year: 2026, month: 12, day: 6)!, today: today)
        #expect(ended.outcome == .granted && ended.account)
    }
}
