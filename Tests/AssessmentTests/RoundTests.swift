import Assessment
import Crypto
import Foundation
import Testing

@Suite("Rounds, notices, appeals and certificates")
struct RoundTests {
    let policy = Policy()

    @Test("a notice of 5 working days skips weekends and holidays, and counts moved working days")
    func noticePeriod() throws {
        // National Day 2026: 1–7 October off, Saturday 10 October a working day.
        let holidays = Set((1...7).map { date("2026-10-0\($0)") })
        let calendar = WorkingCalendar(holidays: holidays, adjustedWorkdays: [date("2026-10-10")])
        #expect(
            try calendar.noticeEnds(publishedOn: date("2026-09-29"), policy: policy) == date("2026-10-12"),
            "30 Sep, 8, 9, 10 (Saturday, moved), 12 Oct")
        #expect(try WorkingCalendar().noticeEnds(publishedOn: date("2026-11-20"), policy: policy) == date("2026-11-27"))
        var seven = policy
        seven.noticeWorkingDays = 7
        #expect(try WorkingCalendar().noticeEnds(publishedOn: date("2026-11-20"), policy: seven) == date("2026-12-01"))
    }

    @Test("the shipped 2026 schedule: a notice published on 29 September 2026 ends on 12 October")
    func officialNotice() throws {
        let official = WorkingCalendar.official()
        #expect(try official.noticeEnds(publishedOn: date("2026-09-29"), policy: policy) == date("2026-10-12"))
        #expect(try WorkingCalendar().noticeEnds(publishedOn: date("2026-09-29"), policy: policy) == date("2026-10-06"), "weekends only")
        // Spring Festival 2025: 28 January to 4 February off; Sunday 26 January and Saturday 8 February worked.
        #expect(try official.isWorkingDay(date("2025-01-26")))
        #expect(try !official.isWorkingDay(date("2025-02-03")))
        #expect(try official.isWorkingDay(date("2025-02-08")))
        #expect(try official.noticeEnds(publishedOn: date("2025-01-24"), policy: policy) == date("2025-02-07"), "26 Jan, 27 Jan, 5, 6, 7 Feb")
        // Each year's days off and moved working days, counted against the notices.
        #expect(HolidaySchedule.official[2025]?.holidays.count == 28 && HolidaySchedule.official[2025]?.adjustedWorkdays.count == 5)
        #expect(HolidaySchedule.official[2026]?.holidays.count == 33 && HolidaySchedule.official[2026]?.adjustedWorkdays.count == 6)
    }

    @Test("a period in calendar days ending on a day off ends on the next working day; an unloaded year is refused, not guessed")
    func calendarDaysAndUnloadedYears() throws {
        var window = policy
        window.appealWindowDays = 10
        // 10 days after 25 September 2026 is Monday 5 October, inside the National Day holiday.
        #expect(try Appeals.windowEnds(resultNotifiedOn: date("2026-09-25"), policy: window, calendar: .official()) == date("2026-10-08"))
        #expect(try Appeals.windowEnds(resultNotifiedOn: date("2026-09-25"), policy: window, calendar: WorkingCalendar()) == date("2026-10-05"))
        // A notice published on 28 December 2026 runs into 2027, whose schedule is not shipped.
        let refusing = WorkingCalendar.official()
        do {
            _ = try refusing.noticeEnds(publishedOn: date("2026-12-28"), policy: policy)
            Issue.record("a count into 2027 must wait for its schedule")
        } catch {
            #expect(error.unloadedYear == 2027 && error.message.contains("2027"))
        }
        var loaded = refusing
        loaded.load(try HolidaySchedule(year: 2027, holidays: [date("2027-01-01")], adjustedWorkdays: []))
        #expect(try loaded.noticeEnds(publishedOn: date("2026-12-28"), policy: policy) == date("2027-01-05"), "29, 30, 31 Dec, 4, 5 Jan")
        #expect(loaded.schedule(of: 2027)?.holidays == [date("2027-01-01")])
        #expect(
            try WorkingCalendar.official(unloadedYears: .weekendsOnly).noticeEnds(publishedOn: date("2026-12-28"), policy: policy)
                == date("2027-01-04"))
        // A schedule that cannot be right is refused with its reason.
        #expect(throws: CalendarError.self) { try HolidaySchedule(year: 2027, holidays: [date("2026-12-31")], adjustedWorkdays: []) }
        #expect(throws: CalendarError.self) { try HolidaySchedule(year: 2027, holidays: [], adjustedWorkdays: [date("2027-01-04")]) }
        #expect(throws: CalendarError.self) {
            try HolidaySchedule(year: 2027, holidays: [date("2027-01-02")], adjustedWorkdays: [date("2027-01-02")])
        }
    }

    @Test("the round moves one step at a time; each refusal says what must happen first")
    func lifecycle() {
        var facts = RoundFacts(today: date("2026-11-22"))
        #expect(RoundLifecycle.advance(.draft, to: .open, facts: facts) == .success(.open))
        guard case .failure(let skip) = RoundLifecycle.advance(.open, to: .scoring, facts: facts) else {
            Issue.record()
            return
        }
        #expect(skip.reason.en.contains("the next step is closed_to_applications"))
        facts.unstaffedCases = 3
        guard case .failure(let unstaffed) = RoundLifecycle.advance(.assigning, to: .scoring, facts: facts) else {
            Issue.record()
            return
        }
        #expect(unstaffed.description.contains("3 cases have no full panel"))
        facts.noticeEnds = date("2026-11-27")
        guard case .failure(let notice) = RoundLifecycle.advance(.publicNotice, to: .appeals, facts: facts) else {
            Issue.record()
            return
        }
        #expect(notice.reason.en.contains("until the end of 2026-11-27"))
        facts.today = date("2026-11-28")
        #expect(RoundLifecycle.advance(.publicNotice, to: .appeals, facts: facts) == .success(.appeals))
        facts.appealWindowEnds = date("2026-12-10")
        facts.openAppeals = 1
        #expect(throws: RoundTransitionRefused.self) { try RoundLifecycle.advance(.appeals, to: .finalized, facts: facts).get() }
        facts.today = date("2026-12-11")
        #expect(throws: RoundTransitionRefused.self) { try RoundLifecycle.advance(.appeals, to: .finalized, facts: facts).get() }
        facts.openAppeals = 0
        #expect(RoundLifecycle.advance(.appeals, to: .finalized, facts: facts) == .success(.finalized))
        #expect(RoundLifecycle.advance(.finalized, to: .confirmed, facts: facts) == .success(.confirmed))
        // An exam round goes from closing straight to final, once results are imported.
        var exam = RoundFacts(today: date("2026-11-22"))
        #expect(RoundLifecycle.advance(.closedToApplications, to: .assigning, kind: .exam, facts: exam) != .success(.assigning))
        guard case .failure(let empty) = RoundLifecycle.advance(.closedToApplications, to: .finalized, kind: .exam, facts: exam) else {
            Issue.record()
            return
        }
        #expect(empty.reason == LocalizedText(zh: "尚未导入考试成绩", en: "no exam result is imported"))
        exam.eligibleApplications = 3
        #expect(RoundLifecycle.advance(.closedToApplications, to: .finalized, kind: .exam, facts: exam) == .success(.finalized))
        #expect(RoundLifecycle.advance(.finalized, to: .confirmed, kind: .exam, facts: exam) == .success(.confirmed))
        var badPolicy = Policy()
        badPolicy.committeeSize = 4
        facts.policyProblems = badPolicy.problems()
        #expect(throws: RoundTransitionRefused.self) { try RoundLifecycle.advance(.draft, to: .open, facts: facts).get() }
    }

    @Test("appeals: the window, a fresh panel, and the re-review's result standing")
    func appeals() throws {
        let ends = try Appeals.windowEnds(resultNotifiedOn: date("2026-12-01"), policy: policy, calendar: .official())
        #expect(ends == date("2026-12-16"), "15 days after 1 December is a Wednesday")
        try Appeals.checkFiling(on: date("2026-12-16"), resultNotifiedOn: date("2026-12-01"), windowEnds: ends)
        #expect(throws: AppealError.self) { try Appeals.checkFiling(on: date("2026-12-17"), resultNotifiedOn: date("2026-12-01"), windowEnds: ends) }
        #expect(throws: AppealError.self) { try Appeals.checkFiling(on: date("2026-11-30"), resultNotifiedOn: date("2026-12-01"), windowEnds: ends) }
        #expect(Appeals.excludedReviewers(earlierPanels: [[ReviewerID("a"), ReviewerID("b")], [ReviewerID("c")]]).count == 3)
        let (result, outcome) = Appeals.standingResult(
            original: CaseResult(passed: false, score: 58),
            reReview: CaseResult(passed: true, score: 71))
        #expect(result.passed && outcome == .overturned)
    }

    @Test("skills certificate numbers round-trip and refuse malformed parts")
    func certificateNumbers() throws {
        let number = try SkillsCertificateNumber(parsing: "S000131000001254000001")
        #expect(number.evaluator == .socialOrganisation && number.provinceCode == "31" && number.year == 2025)
        #expect(number.level == SkillLevel(rawValue: 4) && number.sequence == 1)
        #expect(number.description == "S000131000001254000001")
        #expect(throws: CertificateError.self) { try SkillsCertificateNumber(parsing: "X000131000001254000001") }
        #expect(throws: CertificateError.self) { try SkillsCertificateNumber(parsing: "S00013100000125400001") }
        #expect(throws: CertificateError.self) { try SkillsCertificateNumber(parsing: "S000131000001256000001") }
        #expect(
            try TitleCertificateNumber(bureauCode: "310000", series: "economics", year: 2026, sequence: 123).description
                == "310000-economics-2026-000123")
    }

    @Test("a signed certificate verifies; a tampered one or another key does not; a revoked one says so")
    func signing() throws {
        let bureau = Curve25519.Signing.PrivateKey()
        let content = CertificateContent(
            number: "S000131000001264000007", holderName: "李明", holderDocumentMasked: "**************123X",
            qualification: "全媒体运营师 直播运营", level: "四级/中级工", issuer: "上海市人力资源和社会保障局",
            issuedOn: date("2026-12-20"))
        let signature = try CertificateSigning.sign(content, with: bureau)
        #expect(CertificateSigning.verify(content, signature: signature, publicKey: bureau.publicKey, status: .valid) == .valid)
        var tampered = content
        tampered.level = "三级/高级工"
        #expect(CertificateSigning.verify(tampered, signature: signature, publicKey: bureau.publicKey, status: .valid) == .invalidSignature)
        let impostor = Curve25519.Signing.PrivateKey()
        #expect(CertificateSigning.verify(content, signature: signature, publicKey: impostor.publicKey, status: .valid) == .invalidSignature)
        let revoked = CertificateStatus.revoked(reason: "obtained by fraud", on: date("2027-01-05"))
        #expect(
            CertificateSigning.verify(content, signature: signature, publicKey: bureau.publicKey, status: revoked)
                == .revoked(reason: "obtained by fraud", on: date("2027-01-05")))
        // A rehearsal's certificate verifies as a rehearsal, and its signature vouches for no real certificate.
        var rehearsal = content
        rehearsal.rehearsal = true
        let rehearsalSignature = try CertificateSigning.sign(rehearsal, with: bureau)
        #expect(CertificateSigning.verify(rehearsal, signature: rehearsalSignature, publicKey: bureau.publicKey, status: .valid) == .rehearsal)
        #expect(CertificateSigning.verify(content, signature: rehearsalSignature, publicKey: bureau.publicKey, status: .valid) == .invalidSignature)
        #expect(try JSONDecoder().decode(CertificateContent.self, from: JSONEncoder().encode(rehearsal)) == rehearsal)
        let storedBeforeRehearsals = #"""
            {"number": "S1", "holderName": "a", "holderDocumentMasked": "b", "qualification": "q", "level": "l", "issuer": "i", "issuedOn": "2026-12-20"}
            """#
        #expect(try JSONDecoder().decode(CertificateContent.self, from: Data(storedBeforeRehearsals.utf8)).rehearsal == false)
        // Moving text between fields changes the bytes even where the concatenation would not.
        var shifted = content
        (shifted.qualification, shifted.level) = ("全媒体运营师 直播运营四级", "/中级工")
        #expect(shifted.canonicalBytes != content.canonicalBytes)
    }
}
