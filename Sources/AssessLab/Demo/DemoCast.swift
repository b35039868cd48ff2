import Assessment
import Foundation

/// The people of a demo season, drawn from a seed: title applicants for 高级经济师 (some without
/// 经济师, who sit the national exam for it; some with passports or Hong Kong, Macao and Taiwan permits) and skills candidates (some 15
/// years old, some with passports), with the quality of their work that reviewers and examiners
/// will judge.
struct DemoCast: Sendable {
    enum Track: String, Sendable { case title, skills }

    struct Person: Sendable {
        let name: String
        let documentKind: String
        let documentNumber: String
        let issuingCountry: String?
        let birthDate: CalendarDate
        let employer: String?
        let education: String
        let track: Track
        /// 经济师, when held: the day it was obtained. 高级经济师, the grade title applicants apply
        /// for, needs it held for 5 years (a bachelor); without it eligibility refuses the application,
        /// and the applicant sits the national exam for 经济师 instead (以考代评).
        let heldIntermediateSince: CalendarDate?
        /// The first day of work in the field, at `employer`.
        let workStart: CalendarDate
        /// A skills candidate's level applied for: most 4, some 3 holding 4, some 2 holding 3.
        let skillLevel: Int
        /// The level below `skillLevel`, when held: the day it was obtained, long enough ago.
        let heldSkillSince: CalendarDate?
        /// What the work is worth, 0 to 100: reviewers' scores and examiners' parts scatter around it.
        let quality: Double
        let isMinor: Bool
        var isForeign: Bool { documentKind != "resident_id" }

        var password: String { "demo password for \(documentNumber.suffix(4))" }

        var registration: [String: Any] {
            var document: [String: Any] = ["kind": documentKind, "number": documentNumber, "birthDate": birthDate.description]
            if let issuingCountry { document["issuingCountry"] = issuingCountry }
            var body: [String: Any] = [
                "name": name, "document": document, "education": education, "password": password,
                "consent": ["notice": PrivacyNotice.current.version, "sensitiveData": true, "sharing": true],
            ]
            if let employer { body["employer"] = employer }
            return body
        }

        /// What the applicant declares: education, the title held, and the work in the field (the
        /// employer's credit code, or none for freelancers through a talent service centre).
        var record: [String: Any] {
            var work: [String: Any] = ["employer": employer ?? "Shanghai Talent Service Centre", "start": workStart.description]
            if let employer, let code = DemoCast.creditCodes[employer] { work["creditCode"] = code }
            var body: [String: Any] = ["education": education, "workHistory": [work]]
            if let heldSkillSince {
                body["skillLevels"] = [["occupation": "4-13-01-05", "level": skillLevel + 1, "obtained": heldSkillSince.description]]
            }
            if let heldIntermediateSince {
                body["titles"] = [
                    [
                        "series": "economics", "grade": 3, "obtained": heldIntermediateSince.description,
                        "certificateNumber": "JJ\(heldIntermediateSince.year)\(documentNumber.suffix(5))",
                    ]
                ]
            }
            return body
        }

        /// A representative work and its reception.
        var works: [[String: Any]] {
            [
                [
                    "url": "https://www.bilibili.com/video/BV\(documentNumber.suffix(8))", "title": "\(name): 上海城市经济观察 / notes on Shanghai's economy",
                    "platform": "bilibili", "published": "2026-03-15",
                    "metrics": ["views": Int64(quality * 12_000), "likes": Int64(quality * 700)],
                ]
            ]
        }

        /// A small PDF of its own: proof of employment or of the contract with the talent service centre.
        var employmentProof: [UInt8] { Array("%PDF-1.4\n% employment proof of applicant \(documentNumber.suffix(4))\n%%EOF\n".utf8) }

        func target(round: Int64) -> [String: Any] {
            switch track {
            case .title: ["round": round, "target": ["track": "title", "series": "economics", "grade": 4]]
            case .skills:
                ["round": round, "target": ["track": "skill", "occupation": "4-13-01-05", "level": skillLevel, "direction": "creative_planning"]]
            }
        }
    }

    static let employers = [
        "Huangpu River MCN", "Bright Studio", "Wave Media", "Pudong Creators Hub", "Jade Lantern Culture",
        "Bund Digital", "Xuhui Knowledge Lab", "Independent",
    ]
    /// Their unified social credit codes (fictional, with valid check characters); the independent have none.
    static let creditCodes = [
        "Huangpu River MCN": "91310105MA1Y4CL12E", "Bright Studio": "91310115MA13BJ1XG6", "Wave Media": "91310104MA112DD27M",
        "Pudong Creators Hub": "91310101MA1HD1TJ30", "Jade Lantern Culture": "91310104MA1LLJY1JP", "Bund Digital": "91310115MA1C171HU6",
        "Xuhui Knowledge Lab": "91310104MA19D4H3J8",
    ]
    static let regions = ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310115"]
    static let surnames = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu", "Zhu", "Gao", "Lin"]
    static let givenNames = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jie", "Tao", "Ying", "Hao", "Xin", "Yu", "Ting", "Bo", "Qian", "Rui"]
    static let foreigners: [(name: String, country: String)] = [
        ("Camille Martin", "FRA"), ("Emily Carter", "USA"), ("Haruto Sato", "JPN"), ("Min-jun Kim", "KOR"), ("Oliver Smith", "GBR"),
        ("Lena Fischer", "DEU"), ("Aarav Tan", "SGP"), ("Lucas Silva", "BRA"),
    ]

    let people: [Person]

    init(applicants: Int, startDate: CalendarDate, seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var people: [Person] = []
        let titles = applicants * 2 / 3
        for index in 0..<applicants {
            let track: Track = index < titles ? .title : .skills
            let isMinor = track == .skills && index % 12 == 5
            // Of the skills candidates, every sixth applies for level 3 and every sixth for level 2
            // (with its comprehensive review), holding the level below for 6 and 7 years.
            let skillLevel = track == .skills && !isMinor ? [4, 4, 3, 4, 2, 4][(index - titles) % 6] : 4
            let born =
                isMinor
                ? try startDate.adding(years: -15).adding(days: -Int.random(in: 1...300, using: &random))
                : CalendarDate(
                    // Title applicants are old enough to have held 经济师 for years.
                    year: Int.random(in: track == .title || skillLevel < 4 ? 1970...1995 : 1975...2004, using: &random),
                    month: Int.random(in: 1...12, using: &random),
                    day: Int.random(in: 1...28, using: &random))!
            let digits = String(format: "%04d%02d%02d%03d", born.year, born.month, born.day, index % 1_000)
            var kind = "resident_id"
            var number = ""
            var country: String?
            var name: String
            if index % 9 == 4 {
                let foreigner = Self.foreigners[index % Self.foreigners.count]
                (kind, name, country) = ("passport", foreigner.name, foreigner.country)
                number = "E" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random))
            } else if track == .title && index % 17 == 8 {
                let first17 = ["810000", "820000", "830000"][index % 3] + digits
                (kind, number) = ("hk_macao_taiwan_residence_permit", first17 + String(IdentityDocument.checkCharacter(of: first17)))
                name = Self.surnames[index % Self.surnames.count] + " Ka-" + Self.givenNames[(index / 3) % Self.givenNames.count].lowercased()
            } else {
                let first17 = Self.regions[index % Self.regions.count] + digits
                number = first17 + String(IdentityDocument.checkCharacter(of: first17))
                name =
                    Self.surnames[Int.random(in: 0..<Self.surnames.count, using: &random)] + " "
                    + Self.givenNames[Int.random(in: 0..<Self.givenNames.count, using: &random)]
            }
            people.append(
                Person(
                    name: name, documentKind: kind, documentNumber: number, issuingCountry: country, birthDate: born,
                    employer: Self.employers[Int.random(in: 0..<Self.employers.count, using: &random)],
                    education: track == .title ? (index % 4 == 0 ? "master" : "bachelor") : "secondary",
                    track: track,
                    heldIntermediateSince: track == .title && index % 10 != 3
                        ? try startDate.adding(years: -Int.random(in: 5...9, using: &random)) : nil,
                    workStart: try startDate.adding(years: -Int.random(in: 2...6, using: &random)).adding(
                        days: -Int.random(in: 0...300, using: &random)),
                    skillLevel: skillLevel, heldSkillSince: skillLevel < 4 ? try startDate.adding(years: -(10 - skillLevel)) : nil,
                    // One in four has work below the pass mark, so that even a small season fails some and has appellants.
                    quality: Double(index % 4 == 1 ? Int.random(in: 40...56, using: &random) : Int.random(in: 64...96, using: &random)),
                    isMinor: isMinor))
        }
        self.people = people
    }
}
