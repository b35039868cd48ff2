import Assessment
import Testing

@Suite("Eligibility")
struct EligibilityTests {
    let policy = Policy()
    let omniMedia = Occupation.omniMediaOperationSpecialist.code
    let four = SkillLevel(rawValue: 4)!
    let three = SkillLevel(rawValue: 3)!

    @Test("a 15-year-old is refused the day before the 16th birthday and accepted on it")
    func sixteenthBirthday() {
        let applicant = Applicant(birthDate: date("2010-06-15"), education: .secondary)
        let target = ApplicationTarget.skill(occupation: omniMedia, level: four, direction: "live_stream_operation")
        #expect(
            Eligibility.decide(applicant, applyingFor: target, on: date("2026-06-14"), policy: policy)
                == .ineligible([.underMinimumAge(age: 15, minimum: 16)]))
        #expect(Eligibility.decide(applicant, applyingFor: target, on: date("2026-06-15"), policy: policy) == .eligible)
    }

    @Test("data analysis is offered from level 3 up; level 3 needs level 4 held for 4 years")
    func skillsLadder() {
        let newcomer = Applicant(birthDate: date("1995-01-01"), education: .bachelor)
        #expect(
            Eligibility.decide(
                newcomer, applyingFor: .skill(occupation: omniMedia, level: four, direction: "data_analysis"),
                on: date("2026-11-22"), policy: policy)
                == .ineligible([.directionNotOffered(direction: "data_analysis", level: 4)]))
        let held = Applicant(
            birthDate: date("1995-01-01"), education: .bachelor,
            skillLevels: [.init(occupation: omniMedia, level: four, obtained: date("2023-01-10"))])
        let target = ApplicationTarget.skill(occupation: omniMedia, level: three, direction: "data_analysis")
        #expect(
            Eligibility.decide(held, applyingFor: target, on: date("2026-11-22"), policy: policy)
                == .ineligible([.tooFewYears(needed: 4, has: 3)]))
        #expect(Eligibility.decide(held, applyingFor: target, on: date("2027-01-10"), policy: policy) == .eligible)
        #expect(
            Eligibility.decide(
                newcomer,
                applyingFor: .skill(
                    occupation: omniMedia, level: SkillLevel(rawValue: 5)!,
                    direction: "creative_planning"), on: date("2026-11-22"), policy: policy)
                == .ineligible([.levelNotOffered(occupation: omniMedia, level: 5)]))
        // Reasons name rungs, directions and occupations as people say them, not by their codes.
        #expect(
            IneligibilityReason.notOneLevelUp(held: .level(four), applied: .level(SkillLevel(rawValue: 2)!)).text
                == LocalizedText(
                    zh: "须逐级申报：申报二级/技师须持有下一级，申请人持有四级/中级工",
                    en: "one level at a time: applying for level 2 needs the one directly below it, but the applicant holds level 4"))
        #expect(IneligibilityReason.directionNotOffered(direction: "data_analysis", level: 4).text.zh == "四级/中级工不设数据分析方向")
        #expect(IneligibilityReason.levelNotOffered(occupation: omniMedia, level: 5).text.zh == "全媒体运营师不设5级")
        #expect(IneligibilityReason.gradeNotInSeries(series: "art", grade: .junior).text.zh == "艺术系列不设员级职称")
    }

    @Test("titles go one grade at a time, after the years the education requires")
    func titleLadder() {
        let economist = Applicant(
            birthDate: date("1988-03-01"), education: .master,
            titles: [.init(series: "economics", grade: .intermediate, obtained: date("2021-12-01"))])
        let deputy = ApplicationTarget.title(series: "economics", grade: .deputySenior, specialty: nil)
        #expect(
            Eligibility.decide(economist, applyingFor: deputy, on: date("2026-11-30"), policy: policy)
                == .ineligible([.tooFewYears(needed: 5, has: 4)]))
        #expect(Eligibility.decide(economist, applyingFor: deputy, on: date("2026-12-01"), policy: policy) == .eligible)
        var doctor = economist
        doctor.education = .doctorate
        #expect(Eligibility.decide(doctor, applyingFor: deputy, on: date("2023-12-01"), policy: policy) == .eligible)
        let skipping = ApplicationTarget.title(series: "economics", grade: .senior, specialty: nil)
        #expect(
            Eligibility.decide(economist, applyingFor: skipping, on: date("2030-01-01"), policy: policy)
                == .ineligible([.notOneLevelUp(held: .grade(.intermediate), applied: .grade(.senior))]))
        // The lowest grade of a series needs no title, but a year of work in the field.
        var beginner = Applicant(birthDate: date("2000-01-01"), education: .bachelor)
        let assistant = ApplicationTarget.title(series: "economics", grade: .assistant, specialty: nil)
        #expect(
            Eligibility.decide(beginner, applyingFor: assistant, on: date("2026-11-22"), policy: policy)
                == .ineligible([.tooFewYearsInField(needed: 1, has: 0)]))
        beginner.workHistory = [
            .init(employer: "Elsewhere", start: date("2024-01-01"), end: date("2025-06-30"), inField: false),
            .init(employer: "Acme Media", start: date("2025-12-01")),
        ]
        #expect(
            Eligibility.decide(beginner, applyingFor: assistant, on: date("2026-11-22"), policy: policy)
                == .ineligible([.tooFewYearsInField(needed: 1, has: 0)]), "work outside the field does not count")
        #expect(Eligibility.decide(beginner, applyingFor: assistant, on: date("2026-11-30"), policy: policy) == .eligible)
    }

    @Test("years in the field count overlapping periods once, and only up to the day asked about")
    func yearsInField() {
        let applicant = Applicant(
            birthDate: date("1990-01-01"), education: .bachelor,
            workHistory: [
                .init(employer: "A", start: date("2015-01-01"), end: date("2018-12-31")),
                .init(employer: "B (moonlighting)", start: date("2017-01-01"), end: date("2019-12-31")),
                .init(employer: "C", start: date("2021-01-01")),
            ])
        #expect(applicant.yearsInField(until: date("2019-12-31")) == 5)
        #expect(applicant.yearsInField(until: date("2016-12-31")) == 2)
        #expect(applicant.yearsInField(until: date("2026-01-01")) == 10)
        #expect(applicant.employers(on: date("2018-06-01")).map(\.normalisedName) == ["a", "b moonlighting".filter { $0 != " " }])
    }

    @Test("a record that cannot be true is refused field by field")
    func recordProblems() {
        let record = Applicant(
            birthDate: date("1990-01-01"), education: .bachelor,
            titles: [.init(series: "economics", grade: .junior, obtained: date("1989-01-01"))],
            skillLevels: [.init(occupation: "4-13-01-05", level: SkillLevel(rawValue: 5)!, obtained: date("2020-01-01"))],
            workHistory: [.init(employer: "", start: date("2020-01-01"), end: date("2019-01-01"))])
        #expect(
            record.problems(today: date("2026-12-06")).map(\.field) == [
                "titles[0].obtained", "titles[0].grade", "skillLevels[0].level", "workHistory[0].employer", "workHistory[0].end",
            ])
        #expect(Applicant(birthDate: date("1990-01-01"), education: .bachelor).problems(today: date("2026-12-06")).isEmpty)
    }

    @Test("credit codes check their last character; employers match by code, else by name without spacing or punctuation")
    func creditCodes() {
        let valid = ["91440300708461136T", "91310000MA1FL0XX3J", "52310000MJ49876594", "91310104MA1FR5RN6P"]
        #expect(valid.allSatisfy { CreditCode($0) != nil }, "\(valid.filter { CreditCode($0) == nil })")
        #expect(CreditCode("91310000ma1fl0xx3j")?.text == "91310000MA1FL0XX3J", "lower case is read as upper case")
        #expect(CreditCode("91310000MA1FL0XX3K") == nil, "a wrong check character")
        #expect(CreditCode("91310000MA1FL0OX3J") == nil && CreditCode("123") == nil, "O is not in the alphabet; 18 characters")
        let named = EmployerIdentity(name: "上海 某某文化传媒（有限公司）", code: nil)
        #expect(named.isSame(as: EmployerIdentity(name: "上海某某文化传媒(有限公司)", code: nil)))
        let coded = EmployerIdentity(name: "Acme", code: CreditCode(valid[0]))
        #expect(!coded.isSame(as: EmployerIdentity(name: "Acme", code: CreditCode(valid[1]))), "two codes differ even if names agree")
        #expect(coded.isSame(as: EmployerIdentity(name: "ACME ", code: nil)), "without a code on one side, names decide")
    }

    @Test("every reason is listed: retired, barred, missing specialty, not one level up")
    func allReasons() {
        let applicant = Applicant(
            birthDate: date("1960-01-01"), education: .bachelor, isRetired: true,
            barredUntil: date("2027-05-01"))
        let decision = Eligibility.decide(
            applicant, applyingFor: .title(series: "art", grade: .intermediate, specialty: nil),
            on: date("2026-11-22"), policy: policy)
        #expect(
            decision
                == .ineligible([
                    .barred(until: date("2027-05-01")), .retired, .specialtyMissing(series: "art"),
                    .notOneLevelUp(held: nil, applied: .grade(.intermediate)),
                ]))
        #expect(
            Eligibility.decide(
                applicant, applyingFor: .title(series: "astrology", grade: .senior, specialty: nil),
                on: date("2026-11-22"), policy: policy)
                == .ineligible([.barred(until: date("2027-05-01")), .unknownSeries("astrology")]))
    }

    @Test("title names come from the series data, with the specialty filled in")
    func titleNames() {
        #expect(TitleSeries.named("art")?.titleName(.senior, specialty: "演员") == "一级演员")
        #expect(TitleSeries.named("crafts_arts")?.titleName(.junior) == "工艺美术员")
        #expect(TitleSeries.named("cultural_relics_museums")?.grade(below: .assistant) == nil)
    }

    @Test("a policy names each rule it breaks")
    func policyValidation() {
        var policy = Policy()
        #expect(policy.problems().isEmpty)
        policy.committeeSize = 4
        policy.noticeWorkingDays = 6
        policy.quorum = Fraction(4, 3)
        policy.minimumSkillsAge = 15
        let problems = policy.problems().map(\.en)
        #expect(problems.count == 5)
        #expect(problems.contains { $0.contains("committeeSize must be odd") })
        #expect(problems.contains { $0.contains("below the national minimum of 25") })
        #expect(problems.contains { $0.contains("minimumSkillsAge must be 16 to 70") })
    }

    @Test("a policy refuses numbers beyond its bounds, so no stored value can reach arithmetic that traps")
    func policyBounds() {
        var policy = Policy()
        policy.appealWindowDays = Int.max
        policy.reviewersPerCase = Int.min
        policy.committeeSize = 101
        policy.quorum = Fraction(Int.max, Int.max)
        policy.discrepancyTolerance = .infinity
        policy.closestScoresKept = 0
        policy.skillYears = [3: -1]
        let problems = policy.problems().map(\.en)
        #expect(problems.contains("appealWindowDays must be 1 to 60, not \(Int.max)"))
        #expect(problems.contains { $0.hasPrefix("reviewersPerCase must be 1 to 15") })
        #expect(problems.contains("committeeSize must be 3 to 99, not 101"))
        #expect(problems.contains { $0.hasPrefix("quorum must be a fraction") })
        #expect(problems.contains { $0.hasPrefix("discrepancyTolerance must be between 0 and 100") })
        #expect(problems.contains { $0.hasPrefix("closestScoresKept must be 2 to 15") })
        #expect(problems.contains("minimum years must be 0 to 50, not -1"))
        #expect(problems.count == 7)
    }
}

@Suite("Languages")
struct LanguageTests {
    @Test("Accept-Language picks English only when it ranks English above Chinese; Chinese by default")
    func preferred() {
        #expect(Language.preferred(nil) == .zh && Language.preferred("") == .zh && Language.preferred("fr, de") == .zh)
        #expect(Language.preferred("en") == .en && Language.preferred("en-GB,en;q=0.9") == .en)
        #expect(Language.preferred("en;q=0.8, zh-CN;q=0.9") == .zh && Language.preferred("zh-TW, en") == .zh)
        #expect(Language.preferred("zh;q=0, en;q=0.1") == .en, "q=0 means not acceptable")
        #expect(Language.preferred("en;q=abc") == .en, "a malformed q counts as 1")
    }

    @Test("every reason of ineligibility reads in Chinese first, English alongside")
    func reasons() {
        let reasons: [IneligibilityReason] = [
            .underMinimumAge(age: 15, minimum: 16), .retired, .tooFewYearsInField(needed: 1, has: 0),
            .notAnEmployee(of: "91440300708461136T"),
        ]
        #expect(
            reasons.map(\.text.zh) == [
                "申报之日须年满16周岁；申请人为15周岁", "退休人员不得申报职称评审", "申报最低等级须从事本专业工作满1年；工作经历显示0年", "用人单位只评价本单位职工和签约人员；工作经历显示申报之日未在91440300708461136T工作",
            ])
        #expect(IneligibilityReason.retired.text.both == "退休人员不得申报职称评审（retirees may not apply for professional titles）")
    }
}
