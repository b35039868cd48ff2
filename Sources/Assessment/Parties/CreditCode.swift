/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of the 31-character
/// alphabet without I, O, S, V and Z, the last a check character over the first 17. It names an
/// employer exactly, so recusal and employer-only certification compare these, never names.
public struct CreditCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 18 characters, upper case.
    public let text: String

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// A code, or nil when `text` is not 18 characters of the alphabet with the right check character.
    public init?(_ text: String) {
        let characters = Array(text.uppercased())
        guard characters.count == 18 else { return nil }
        var values: [Int] = []
        for character in characters {
            guard let value = Self.alphabet.firstIndex(of: character) else { return nil }
            values.append(value)
        }
        let sum = zip(values.prefix(17), Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard values[17] == (31 - sum % 31) % 31 else { return nil }
        self.text = String(characters)
    }

    /// Why `text` is not a code, for a refusal.
    public static let rule =
        "must be an 18-character unified social credit code (digits and capitals without I, O, S, V, Z) whose last character checks"
    /// The same, in Chinese.
    public static let chineseRule = "须为 18 位统一社会信用代码（数字与除 I、O、S、V、Z 外的大写字母），末位校验码须正确"

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = CreditCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.rule))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// An employer as people write it: the credit code when known, else the name with spaces,
/// punctuation and letter case that vary between spellings removed. Two employers are the same when
/// both have codes and they are equal, or when either lacks one and the normalised names are equal.
public struct EmployerIdentity: Sendable, Hashable, Codable {
    /// The credit code, if declared.
    public let code: CreditCode?
    /// The normalised name.
    public let normalisedName: String

    /// An employer's identity.
    public init(name: String, code: CreditCode?) {
        self.code = code
        normalisedName = String(
            String.UnicodeScalarView(name.unicodeScalars.filter { !$0.properties.isWhitespace && !Self.isPunctuation($0) })
        ).lowercased()
    }

    /// Full-width and ASCII punctuation alike: （有限公司） and (有限公司) are one spelling.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
            .otherPunctuation:
            true
        default: false
        }
    }

    /// Whether the two name one employer.
    public func isSame(as other: EmployerIdentity) -> Bool {
        if let code, let otherCode = other.code { return code == otherCode }
        return !normalisedName.isEmpty && normalisedName == other.normalisedName
    }
}
