/// An identity document an applicant registers with. The number is personal data: it never
/// appears in an error message or a description.
public struct IdentityDocument: Sendable, Hashable, Codable {
    /// The kinds of document accepted.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 居民身份证: 18 characters, the date of birth inside, ISO 7064 MOD 11-2 check character.
        case residentID = "resident_id"
        /// A passport of any country, with its issuing country.
        case passport
        /// 外国人永久居留身份证: 18 digits starting with 9, MOD 11-2 check character.
        case foreignPermanentResidenceID = "foreign_permanent_residence_id"
        /// 港澳台居民居住证: 18 characters starting 810000, 820000 or 830000, MOD 11-2 check character.
        case hongKongMacaoTaiwanResidencePermit = "hk_macao_taiwan_residence_permit"

        /// The document's name, as refusals use it.
        public var englishName: String {
            switch self {
            case .residentID: "resident ID"
            case .passport: "passport"
            case .foreignPermanentResidenceID: "foreign permanent residence ID"
            case .hongKongMacaoTaiwanResidencePermit: "Hong Kong, Macao or Taiwan residence permit"
            }
        }

        /// 居民身份证, 护照, 外国人永久居留身份证, 港澳台居民居住证.
        public var chineseName: String {
            switch self {
            case .residentID: "居民身份证"
            case .passport: "护照"
            case .foreignPermanentResidenceID: "外国人永久居留身份证"
            case .hongKongMacaoTaiwanResidencePermit: "港澳台居民居住证"
            }
        }
    }

    /// The kind.
    public let kind: Kind
    /// The number, normalised (upper case, no spaces).
    public let number: String
    /// ISO 3166-1 alpha-3 code of the issuing country, for passports.
    public let issuingCountry: String?

    /// Validates a document against the declared date of birth; throws an `IdentityError` that
    /// says exactly what is wrong, without repeating the number.
    public init(kind: Kind, number rawNumber: String, issuingCountry: String? = nil, declaredBirthDate: CalendarDate) throws {
        let number = rawNumber.uppercased().filter { !$0.isWhitespace }
        switch kind {
        case .residentID:
            try Self.checkEighteenCharacterNumber(number, kind: kind)
            guard !number.hasPrefix("9"), !["810000", "820000", "830000"].contains(String(number.prefix(6))) else {
                throw IdentityError(
                    .malformed, "this number is a permanent residence ID or a residence permit; choose that kind",
                    zh: "此号码是永久居留身份证或居住证号码；请选择对应的证件类型")
            }
            try Self.checkEmbeddedBirthDate(number, declared: declaredBirthDate, kind: kind)
        case .foreignPermanentResidenceID:
            try Self.checkEighteenCharacterNumber(number, kind: kind)
            guard number.hasPrefix("9") else {
                throw IdentityError(.malformed, "a foreign permanent residence ID starts with 9", zh: "外国人永久居留身份证号码以 9 开头")
            }
            try Self.checkEmbeddedBirthDate(number, declared: declaredBirthDate, kind: kind)
        case .hongKongMacaoTaiwanResidencePermit:
            try Self.checkEighteenCharacterNumber(number, kind: kind)
            guard ["810000", "820000", "830000"].contains(String(number.prefix(6))) else {
                throw IdentityError(
                    .malformed, "a Hong Kong, Macao or Taiwan residence permit number starts with 810000, 820000 or 830000",
                    zh: "港澳台居民居住证号码以 810000、820000 或 830000 开头")
            }
            try Self.checkEmbeddedBirthDate(number, declared: declaredBirthDate, kind: kind)
        case .passport:
            guard (5...17).contains(number.count), number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw IdentityError(.malformed, "a passport number has 5 to 17 letters and digits", zh: "护照号码为 5 至 17 位字母和数字")
            }
            guard let issuingCountry, issuingCountry.count == 3,
                issuingCountry.allSatisfy({ $0.isASCII && $0.isLetter })
            else {
                throw IdentityError(
                    .issuingCountryMissing, "a passport needs its issuing country as a three-letter ISO 3166 code, such as GBR or USA",
                    zh: "护照须写明签发国家，用三位字母的 ISO 3166 代码，如 GBR 或 USA")
            }
        }
        self.kind = kind
        self.number = number
        self.issuingCountry = kind == .passport ? issuingCountry?.uppercased() : nil
    }

    /// The name a document is looked up by, keyed-hashed before it is stored. The three kinds of
    /// 18-character number share one namespace, so one person's number registers once whichever
    /// kind is chosen; a passport is named by its issuing country and number, since two countries
    /// may issue the same number.
    public var lookupName: String { Self.lookupName(kind: kind, number: number, issuingCountry: issuingCountry) }

    /// `lookupName` of a document as typed at sign-in, before any validation.
    public static func lookupName(kind: Kind, number rawNumber: String, issuingCountry: String?) -> String {
        let number = rawNumber.uppercased().filter { !$0.isWhitespace }
        switch kind {
        case .residentID, .foreignPermanentResidenceID, .hongKongMacaoTaiwanResidencePermit: return "cn18:\(number)"
        case .passport: return "passport:\((issuingCountry ?? "").uppercased()):\(number)"
        }
    }

    /// The look-up names of registrations made before the names above: by kind and number only.
    /// Still recognised, so that such an applicant signs in and the number cannot register again.
    public static func legacyLookupNames(number rawNumber: String) -> [String] {
        let number = rawNumber.uppercased().filter { !$0.isWhitespace }
        return Kind.allCases.map { "\($0.rawValue):\(number)" }
    }

    /// The ISO 7064 MOD 11-2 check character of the first 17 digits.
    public static func checkCharacter(of first17: some Sequence<Character>) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17, weights).reduce(0) { $0 + ($1.0.wholeNumberValue ?? 0) * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    /// A masked form for reviewers and look-ups: the kind and the last four characters only.
    public var masked: String { String(repeating: "*", count: max(0, number.count - 4)) + number.suffix(4) }

    private static func checkEighteenCharacterNumber(_ number: String, kind: Kind) throws {
        let (name, chineseName) = (kind.englishName, kind.chineseName)
        guard number.count == 18 else {
            throw IdentityError(
                .wrongLength, "a \(name) has 18 characters, not \(number.count)", zh: "\(chineseName)号码为 18 位，而非 \(number.count) 位")
        }
        guard number.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw IdentityError(.malformed, "the first 17 characters of a \(name) are digits", zh: "\(chineseName)号码前 17 位为数字")
        }
        guard let last = number.last, last.isASCII, last.isNumber || last == "X" else {
            throw IdentityError(.malformed, "the last character of a \(name) is a digit or X", zh: "\(chineseName)号码末位为数字或 X")
        }
        guard checkCharacter(of: number.prefix(17)) == last else {
            throw IdentityError(
                .checksumMismatch, "the check character of the \(name) does not match its other digits; check the number for a typo",
                zh: "\(chineseName)号码的校验位与其他数字不符；请检查是否输错")
        }
    }

    /// Characters 7 to 14 are the date of birth in all three 18-character kinds.
    private static func checkEmbeddedBirthDate(_ number: String, declared: CalendarDate, kind: Kind) throws {
        let (name, chineseName) = (kind.englishName, kind.chineseName)
        guard let embedded = Self.embeddedBirthDate(number) else {
            throw IdentityError(
                .birthDateInvalid,
                "characters 7 to 14 of the \(name) must be a real date of birth (YYYYMMDD) from 1900 on; check them for a typo",
                zh: "\(chineseName)号码第 7 至 14 位须为 1900 年以后的真实出生日期（YYYYMMDD）；请检查是否输错")
        }
        guard embedded == declared else {
            throw IdentityError(
                .birthDateMismatch, "the date of birth in the \(name) does not match the declared date of birth; correct one of them",
                zh: "\(chineseName)号码中的出生日期与所填出生日期不符；请更正其一")
        }
    }

    private static func embeddedBirthDate(_ number: String) -> CalendarDate? {
        let digits = Array(number)
        guard let year = Int(String(digits[6..<10])), let month = Int(String(digits[10..<12])),
            let day = Int(String(digits[12..<14]))
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}

/// Why an identity document was refused.
public struct IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, extensible.
    public struct Code: Hashable, Sendable {
        let name: String
        /// Not the number of characters the document has.
        public static let wrongLength = Code(name: "wrongLength")
        /// Characters that do not belong.
        public static let malformed = Code(name: "malformed")
        /// The check character does not match.
        public static let checksumMismatch = Code(name: "checksumMismatch")
        /// The embedded date of birth does not exist.
        public static let birthDateInvalid = Code(name: "birthDateInvalid")
        /// The embedded date of birth differs from the declared one.
        public static let birthDateMismatch = Code(name: "birthDateMismatch")
        /// A passport without its issuing country.
        public static let issuingCountryMissing = Code(name: "issuingCountryMissing")
    }

    /// What is wrong.
    public let code: Code
    /// What is wrong and how to fix it; never the number itself.
    public let message: String
    /// The same, in Chinese.
    public let chinese: String

    init(_ code: Code, _ message: String, zh chinese: String) {
        (self.code, self.message, self.chinese) = (code, message, chinese)
    }

    /// The message.
    public var description: String { message }
}
