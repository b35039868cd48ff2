/// An evaluation institution as the HR bureau files it: what kind it is, the codes assigned to it
/// (which its skills certificates' numbers carry) and what it may evaluate.
public struct InstitutionProfile: Sendable, Hashable, Codable {
    /// 用人单位 or 社会培训评价组织: the first letter of its skills certificates' numbers.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An employer, certifying its own employees and contracted creators.
        case employer = "Y"
        /// A social evaluation organisation.
        case socialOrganisation = "S"

        /// The evaluator type of a skills certificate number.
        public var evaluator: SkillsCertificateNumber.EvaluatorType {
            switch self {
            case .employer: .employer
            case .socialOrganisation: .socialOrganisation
            }
        }
    }

    /// Its name.
    public var name: String
    /// Its kind.
    public var kind: Kind
    /// The 4-digit agency code assigned to it.
    public var agencyCode: String
    /// The 2-digit province code (31 for Shanghai).
    public var provinceCode: String
    /// The 6-digit numbers of its assessment sites; the first is where a sitting is held unless told otherwise.
    public var sites: [String]
    /// The title series it may evaluate.
    public var series: Set<String>
    /// The occupations it may certify.
    public var occupations: Set<String>
    /// Its unified social credit code: an employer (`Y`) names it, since it evaluates only the
    /// people who work for it or under contract with it.
    public var creditCode: CreditCode?

    /// A profile.
    public init(
        name: String, kind: Kind, agencyCode: String, provinceCode: String, sites: [String], series: Set<String>, occupations: Set<String>,
        creditCode: CreditCode? = nil
    ) {
        (self.name, self.kind, self.agencyCode, self.provinceCode) = (name, kind, agencyCode, provinceCode)
        (self.sites, self.series, self.occupations, self.creditCode) = (sites, series, occupations, creditCode)
    }

    /// Whom it may evaluate only, when it is an employer: its own people.
    public var onlyEmployeesOf: EmployerIdentity? {
        kind == .employer ? EmployerIdentity(name: name, code: creditCode) : nil
    }

    /// Every part that cannot be right, by field, each saying what it must be; empty when it can be filed.
    public func problems() -> [(field: String, message: LocalizedText)] {
        var problems: [(field: String, message: LocalizedText)] = []
        func digits(_ text: String, _ count: Int) -> Bool { text.count == count && text.allSatisfy { $0.isASCII && $0.isNumber } }
        if !(1...200).contains(name.count) { problems.append(("name", LocalizedText(zh: "须为 1 至 200 个字符", en: "must have 1 to 200 characters"))) }
        if !digits(agencyCode, 4) { problems.append(("agencyCode", LocalizedText(zh: "须为 4 位数字", en: "must be 4 digits"))) }
        if !digits(provinceCode, 2) {
            problems.append(("provinceCode", LocalizedText(zh: "须为 2 位数字，例如上海为 31", en: "must be 2 digits, e.g. 31 for Shanghai")))
        }
        if sites.isEmpty || sites.count > 100 || !sites.allSatisfy({ digits($0, 6) }) || Set(sites).count != sites.count {
            problems.append(("sites", LocalizedText(zh: "须列出 1 至 100 个互不相同的 6 位站点编号", en: "must list 1 to 100 different site numbers of 6 digits")))
        }
        if let unknown = series.sorted().first(where: { TitleSeries.named($0) == nil }) {
            problems.append(("series", LocalizedText(zh: "没有代码为 \(unknown) 的职称系列", en: "no title series has the code \(unknown)")))
        }
        if let unknown = occupations.sorted().first(where: { Occupation.named($0) == nil }) {
            problems.append(("occupations", LocalizedText(zh: "没有代码为 \(unknown) 的职业", en: "no occupation has the code \(unknown)")))
        }
        if series.isEmpty && occupations.isEmpty {
            problems.append(("series", LocalizedText(zh: "机构至少评价一个职称系列或职业", en: "an institution evaluates at least one series or occupation")))
        }
        if kind == .employer, creditCode == nil {
            problems.append(
                (
                    "creditCode",
                    LocalizedText(
                        zh: "用人单位（Y）须填写统一社会信用代码：只评价本单位人员",
                        en: "an employer (Y) names its unified social credit code: it evaluates only its own people")
                ))
        }
        return problems
    }

    /// Whether it may run a round of this title series (`title`) or occupation.
    public func mayEvaluate(title: Bool, field: String) -> Bool { title ? series.contains(field) : occupations.contains(field) }
}
