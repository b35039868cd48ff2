import Assessment
import Testing

@Suite("What certificates say, in Chinese and English; institutions' codes")
struct CertificateWordingTests {
    @Test("titles and skill levels are worded as printed, with English alongside")
    func wording() {
        let senior = CertificateWording(.title(series: "economics", grade: .deputySenior, specialty: nil))
        #expect(senior.qualification == "高级经济师" && senior.level == "副高级")
        #expect(senior.qualificationEnglish == "Economics, deputy senior grade" && senior.levelEnglish == "Deputy senior")
        let skill = CertificateWording(.skill(occupation: "4-13-01-05", level: SkillLevel(rawValue: 4)!, direction: "creative_planning"))
        #expect(skill.qualification == "全媒体运营师（创意策划）" && skill.level == "四级/中级工")
        #expect(skill.qualificationEnglish == "Omni-Media Operation Specialist (Creative Planning)")
        #expect(skill.levelEnglish == "Level 4 / Intermediate Worker")
        #expect(SkillLevel(rawValue: 1)!.chineseName == "一级/高级技师" && SkillLevel(rawValue: 5)!.chineseName == "五级/初级工")
    }

    @Test("the English wording is signed too: v2 bytes, and a v1 certificate keeps verifying")
    func versions() throws {
        let old = CertificateContent(
            number: "S000131000001264000007", holderName: "李明", holderDocumentMasked: "**************123X",
            qualification: "全媒体运营师 直播运营", level: "四级/中级工", issuer: "上海市人力资源和社会保障局", issuedOn: date("2026-12-20"))
        #expect(old.canonicalBytes.starts(with: Array("assess-certificate-v1".utf8)))
        var worded = old
        worded.qualificationEnglish = "Omni-Media Operation Specialist (Live Stream Operation)"
        worded.levelEnglish = "Level 4 / Intermediate Worker"
        #expect(worded.canonicalBytes.starts(with: Array("assess-certificate-v2".utf8)))
        var altered = worded
        altered.levelEnglish = "Level 1 / Senior Technician"
        #expect(altered.canonicalBytes != worded.canonicalBytes, "changing the English changes what is signed")
        // An exam's certificate says so, and which year: v3 bytes sign the basis.
        let exam = CertificateWording(.title(series: "economics", grade: .intermediate, specialty: "人力资源管理"), examYear: 2026)
        #expect(
            exam.basis
                == LocalizedText(
                    zh: "2026年度全国经济专业技术资格考试合格（以考代评）", en: "passed the 2026 national economics qualification exam (qualification by exam)"))
        #expect(CertificateWording(.title(series: "economics", grade: .deputySenior, specialty: nil)).basis == nil, "a reviewed title has none")
        var examined = worded
        (examined.basis, examined.basisEnglish) = (exam.basis?.zh, exam.basis?.en)
        #expect(examined.canonicalBytes.starts(with: Array("assess-certificate-v3".utf8)))
        var otherYear = examined
        otherYear.basis = "2025年度全国经济专业技术资格考试合格（以考代评）"
        #expect(otherYear.canonicalBytes != examined.canonicalBytes, "the exam year is signed")
    }

    @Test("a skills certificate carries each part's result, in the order held, signed as v4 bytes")
    func partResults() throws {
        let level = try #require(SkillLevel(rawValue: 2))
        let parts = [
            PassedPart(part: .comprehensiveReview, mark: 81, takenOn: date("2026-12-21"), sitting: 9),
            PassedPart(part: .theory, mark: 72.5, takenOn: date("2026-06-01"), sitting: 3),
            PassedPart(part: .skill, mark: 200.0 / 3, takenOn: date("2026-12-20"), sitting: 9),
        ]
        let wording = CertificateWording(.skill(occupation: "4-13-01-05", level: level, direction: "creative_planning"), parts: parts)
        #expect(wording.results?.zh == "理论知识考试 72.5 分（2026-06-01）；技能考核 66.67 分（2026-12-20）；综合评审 81 分（2026-12-21）")
        #expect(wording.results?.en.hasPrefix("theory exam 72.5 points (2026-06-01); skill assessment 66.67 points") == true)
        #expect(CertificateWording(.skill(occupation: "4-13-01-05", level: level, direction: "creative_planning")).results == nil)
        let content = CertificateContent(
            number: "S000131000001264000007", holderName: "李明", holderDocumentMasked: "**************123X", wording: wording,
            issuer: "上海市人力资源和社会保障局", issuedOn: date("2026-12-30"), rehearsal: false)
        #expect(content.canonicalBytes.starts(with: Array("assess-certificate-v4".utf8)))
        var altered = content
        altered.results = content.results?.replacingOccurrences(of: "72.5", with: "92.5")
        #expect(altered.canonicalBytes != content.canonicalBytes, "the marks are signed")
    }

    @Test("a fraud's bar lasts 3 years from the day of revocation")
    func bar() throws {
        #expect(try TitleBar.lastDay(revokedOn: date("2026-12-05")) == date("2029-12-04"))
        #expect(try TitleBar.lastDay(revokedOn: date("2028-02-29")) == date("2031-02-27"))
        #expect(throws: CalendarError.self) { try TitleBar.lastDay(revokedOn: date("2199-01-01")) }
    }

    @Test("an institution's profile names each part that cannot be filed")
    func profile() {
        let good = InstitutionProfile(
            name: "协会", kind: .socialOrganisation, agencyCode: "0207", provinceCode: "31", sites: ["000301"], series: [],
            occupations: ["4-13-01-05"])
        #expect(good.problems().isEmpty && good.mayEvaluate(title: false, field: "4-13-01-05") && !good.mayEvaluate(title: true, field: "art"))
        var bad = good
        (bad.agencyCode, bad.provinceCode, bad.sites, bad.series, bad.occupations) = ("２０７", "310", ["1", "1"], ["painting"], [])
        #expect(bad.problems().map(\.field) == ["agencyCode", "provinceCode", "sites", "series"])
        var employer = good
        employer.kind = .employer
        #expect(employer.problems().map(\.field) == ["creditCode"], "an employer evaluates only its own people, named by its code")
        employer.creditCode = CreditCode("91440300708461136T")
        #expect(employer.problems().isEmpty && employer.onlyEmployeesOf?.code == employer.creditCode && good.onlyEmployeesOf == nil)
    }
}
