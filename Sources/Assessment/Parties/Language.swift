/// The languages people read us in: Chinese first, English alongside.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case zh
    case en

    /// The language an `Accept-Language` header prefers among ours: English only when it ranks
    /// English above Chinese (by q-value, then by order); Chinese otherwise, and when absent.
    public static func preferred(_ header: String?) -> Language {
        guard let header else { return .zh }
        var best: (language: Language, quality: Double, order: Int)?
        for (order, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";")
            let tag = pieces.first.map { String($0).lowercased().filter { !$0.isWhitespace } } ?? ""
            guard let language = Language.allCases.first(where: { tag == $0.rawValue || tag.hasPrefix($0.rawValue + "-") }) else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=").map { String($0).filter { !$0.isWhitespace } }
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]), value.isFinite, (0...1).contains(value) { quality = value }
            }
            if quality > 0, best.map({ quality > $0.quality }) ?? true { best = (language, quality, order) }
        }
        return best?.language ?? .zh
    }
}

/// A text in Chinese and in English; stored as `{"zh": …, "en": …}`.
public struct LocalizedText: Sendable, Hashable, Codable {
    public let zh: String
    public let en: String

    /// A text.
    public init(zh: String, en: String) { (self.zh, self.en) = (zh, en) }

    /// The text in `language`.
    public func callAsFunction(_ language: Language) -> String { language == .zh ? zh : en }

    /// Both, Chinese first, for what one reader may read in either: notifications, stored reasons.
    public var both: String { "\(zh)（\(en)）" }
}

/// A refusal by the domain's rules, said in both languages; `message` is the English, for logs.
public protocol DomainRefusal: Error, CustomStringConvertible {
    /// What is wrong, Chinese and English.
    var text: LocalizedText { get }
}

extension DomainRefusal {
    /// What is wrong, in English.
    public var message: String { text.en }
    /// The English message.
    public var description: String { text.en }
}
