/// A skills certificate number: 1 letter + 21 digits = evaluator type (`Y` employer, `S` social
/// evaluation organisation) + 4-digit agency code + 2-digit province code + 6-digit site number
/// + 2-digit year + 1-digit level + 6-digit sequence, e.g. `S000131000001254000001`.
public struct SkillsCertificateNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Who evaluated.
    public enum EvaluatorType: Character, Sendable, Hashable, Codable {
        /// 用人单位
        case employer = "Y"
        /// 社会培训评价组织
        case socialOrganisation = "S"
    }

    /// Who evaluated.
    public let evaluator: EvaluatorType
    /// 4 digits.
    public let agencyCode: String
    /// 2 digits, e.g. 31 for Shanghai.
    public let provinceCode: String
    /// 6 digits.
    public let siteNumber: String
    /// The full year; the number keeps its last two digits.
    public let year: Int
    /// The level certified.
    public let level: SkillLevel
    /// 1…999999 within agency, site, year and level.
    public let sequence: Int

    /// A number from its parts; throws what is wrong with a part.
    public init(
        evaluator: EvaluatorType, agencyCode: String, provinceCode: String, siteNumber: String,
        year: Int, level: SkillLevel, sequence: Int
    ) throws(CertificateError) {
        try Self.requireDigits(agencyCode, count: 4, name: "agency code")
        try Self.requireDigits(provinceCode, count: 2, name: "province code")
        try Self.requireDigits(siteNumber, count: 6, name: "site number")
        guard (2000...2099).contains(year) else {
            throw CertificateError("the year must be between 2000 and 2099, not \(year)", zh: "年份须在 2000 至 2099 之间，而非 \(year)")
        }
        guard (1...999_999).contains(sequence) else {
            throw CertificateError("the sequence must be between 1 and 999999, not \(sequence)", zh: "流水号须在 1 至 999999 之间，而非 \(sequence)")
        }
        (self.evaluator, self.agencyCode, self.provinceCode, self.siteNumber) = (evaluator, agencyCode, provinceCode, siteNumber)
        (self.year, self.level, self.sequence) = (year, level, sequence)
    }

    /// Parses a 22-character number.
    public init(parsing text: String) throws(CertificateError) {
        let characters = Array(text)
        guard characters.count == 22 else {
            throw CertificateError(
                "a skills certificate number has 22 characters, not \(characters.count)", zh: "职业技能等级证书编号为 22 位，而非 \(characters.count) 位")
        }
        guard let evaluator = EvaluatorType(rawValue: characters[0]) else {
            throw CertificateError(
                "a skills certificate number starts with Y (employer) or S (social evaluation organisation)",
                zh: "职业技能等级证书编号以 Y（用人单位）或 S（社会培训评价组织）开头")
        }
        let digits = String(characters[1...])
        try Self.requireDigits(digits, count: 21, name: "the 21 characters after the letter")
        let part = { (from: Int, count: Int) in String(digits.dropFirst(from).prefix(count)) }
        guard let level = SkillLevel(rawValue: Int(part(14, 1))!) else { throw CertificateError("the level digit must be 1 to 5", zh: "等级位须为 1 至 5") }
        try self.init(
            evaluator: evaluator, agencyCode: part(0, 4), provinceCode: part(4, 2), siteNumber: part(6, 6),
            year: 2000 + Int(part(12, 2))!, level: level, sequence: Int(part(15, 6))!)
    }

    /// The 22-character number.
    public var description: String {
        let year2 = year % 100 < 10 ? "0\(year % 100)" : "\(year % 100)"
        let sequence6 = String(repeating: "0", count: 6 - String(sequence).count) + String(sequence)
        return "\(evaluator.rawValue)\(agencyCode)\(provinceCode)\(siteNumber)\(year2)\(level.rawValue)\(sequence6)"
    }

    private static func requireDigits(_ text: String, count: Int, name: String) throws(CertificateError) {
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CertificateError("the \(name) must be \(count) digits", zh: "\(name) 须为 \(count) 位数字")
        }
    }
}

/// A title certificate number. No national format exists: bureau code, series code, year and a
/// sequence per bureau and year, e.g. `310000-economics-2026-000123`.
public struct TitleCertificateNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The issuing bureau's 6-digit administrative division code.
    public let bureauCode: String
    /// The series code.
    public let series: String
    /// The year.
    public let year: Int
    /// 1…999999 per bureau and year.
    public let sequence: Int

    /// A number; throws what is wrong with a part.
    public init(bureauCode: String, series: String, year: Int, sequence: Int) throws(CertificateError) {
        guard bureauCode.count == 6, bureauCode.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CertificateError("the bureau code must be 6 digits", zh: "发证机关代码须为 6 位数字")
        }
        guard TitleSeries.named(series) != nil else { throw CertificateError("no title series has the code \(series)", zh: "没有代码为 \(series) 的职称系列") }
        guard (2000...2099).contains(year), (1...999_999).contains(sequence) else {
            throw CertificateError("the year must be 2000–2099 and the sequence 1–999999", zh: "年份须为 2000–2099，流水号须为 1–999999")
        }
        (self.bureauCode, self.series, self.year, self.sequence) = (bureauCode, series, year, sequence)
    }

    /// The number.
    public var description: String {
        "\(bureauCode)-\(series)-\(year)-" + String(repeating: "0", count: 6 - String(sequence).count) + String(sequence)
    }
}

/// A certificate, or a part of one, that is not valid.
public struct CertificateError: DomainRefusal, Sendable, Hashable {
    public let text: LocalizedText
    init(_ english: String, zh chinese: String) { text = LocalizedText(zh: chinese, en: english) }
}
