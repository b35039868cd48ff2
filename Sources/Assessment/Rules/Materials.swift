/// A representative work an applicant points to: where it is, what it is, and how it was received.
public struct WorkReference: Sendable, Hashable, Codable {
    /// What the platform counted, each when the applicant declares it.
    public struct Metrics: Sendable, Hashable, Codable {
        public var views: Int64?
        public var likes: Int64?
        public var shares: Int64?
        public var comments: Int64?
        public var followers: Int64?

        /// Metrics.
        public init(views: Int64? = nil, likes: Int64? = nil, shares: Int64? = nil, comments: Int64? = nil, followers: Int64? = nil) {
            (self.views, self.likes, self.shares, self.comments, self.followers) = (views, likes, shares, comments, followers)
        }

        /// The largest count a platform reports: ten times the world's population.
        public static let range: ClosedRange<Int64> = 0...100_000_000_000

        var named: [(String, Int64?)] { [("views", views), ("likes", likes), ("shares", shares), ("comments", comments), ("followers", followers)] }
    }

    /// Where it can be seen: an https address.
    public var url: String
    /// Its title.
    public var title: String
    /// The platform it was published on.
    public var platform: String
    /// When it was published.
    public var published: CalendarDate
    /// How it was received.
    public var metrics: Metrics

    /// A reference.
    public init(url: String, title: String, platform: String, published: CalendarDate, metrics: Metrics = Metrics()) {
        (self.url, self.title, self.platform, self.published, self.metrics) = (url, title, platform, published, metrics)
    }
}

/// What an application carries besides its target: references to works and the evidence files'
/// limits. The files themselves are bytes the store keeps by content hash.
public enum Materials {
    /// At most this many works per application.
    public static let works = 0...20
    /// At most this many files per application.
    public static let files = 30
    /// Characters of a file's name.
    public static let fileName = 1...200

    /// Every problem of `works` on `today`, by field, each saying what to correct.
    public static func problems(of works: [WorkReference], today: CalendarDate) -> [(field: String, message: LocalizedText)] {
        var problems: [(field: String, message: LocalizedText)] = []
        if !Self.works.contains(works.count) {
            problems.append(("works", LocalizedText(zh: "至多 \(Self.works.upperBound) 件代表作", en: "must list at most \(Self.works.upperBound) works")))
        }
        for (index, work) in works.enumerated() {
            let field = "works[\(index)]"
            if !isWebAddress(work.url) {
                problems.append(
                    ("\(field).url", LocalizedText(zh: "须为 https:// 地址，至多 2000 个字符", en: "must be an https:// address of at most 2000 characters")))
            }
            if !(1...200).contains(work.title.count) {
                problems.append(("\(field).title", LocalizedText(zh: "须为 1 至 200 个字符", en: "must have 1 to 200 characters")))
            }
            if !(1...100).contains(work.platform.count) {
                problems.append(("\(field).platform", LocalizedText(zh: "须为 1 至 100 个字符", en: "must have 1 to 100 characters")))
            }
            if work.published > today { problems.append(("\(field).published", LocalizedText(zh: "不得晚于今天", en: "must not lie after today"))) }
            for (name, value) in work.metrics.named where value.map({ !WorkReference.Metrics.range.contains($0) }) ?? false {
                problems.append(
                    (
                        "\(field).metrics.\(name)",
                        LocalizedText(
                            zh: "须为 0 至 \(WorkReference.Metrics.range.upperBound)", en: "must be 0 to \(WorkReference.Metrics.range.upperBound)")
                    ))
            }
        }
        return problems
    }

    static func isWebAddress(_ text: String) -> Bool {
        guard text.count <= 2000, text.lowercased().hasPrefix("https://") else { return false }
        let rest = text.dropFirst("https://".count)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && host.contains(".") && !text.contains(where: { $0.isWhitespace })
    }
}

/// What an evidence file is for.
public enum EvidencePurpose: String, Sendable, Hashable, Codable, CaseIterable {
    /// A representative work itself.
    case representativeWork = "representative_work"
    /// Proof of employment or of a contract (劳动合同, 社保缴纳证明).
    case employmentProof = "employment_proof"
    /// A certificate held: a title, a skill level, a degree.
    case certificate
    /// Anything else the institution asks for.
    case other
}

/// The kinds of evidence file accepted, each recognised by its first bytes: a file is taken for what
/// it is, never for what its sender calls it.
public enum EvidenceMediaType: String, Sendable, Hashable, Codable, CaseIterable {
    case pdf = "application/pdf"
    case png = "image/png"
    case jpeg = "image/jpeg"
    case webp = "image/webp"
    case mp4 = "video/mp4"

    /// The type `bytes` begin as, or nil for none of these.
    public static func sniff(_ bytes: some Collection<UInt8>) -> EvidenceMediaType? {
        let head = Array(bytes.prefix(12))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("ftyp".utf8), at: 4) { return .mp4 }
        return nil
    }
}

/// The integrity pledge (诚信承诺书) every applicant signs for an application: the text is fixed per
/// version, so a signature records the version and the moment.
public enum IntegrityPledge {
    /// The version in force.
    public static let version = "2026-1"
    /// Its text, Chinese first.
    public static let text = """
        本人承诺：所填报的个人信息、学历、资历、工作经历和业绩成果真实、准确、完整，所提交的证明材料及代表作均为本人所有且真实有效。\
        如有弄虚作假，本人愿意承担取消申报或评审资格、撤销所取得的职称或等级证书、三年内不得申报等一切后果。
        I pledge that the personal data, education, qualifications, work history and achievements I declare are true, \
        accurate and complete, and that the evidence and representative works I submit are mine and genuine. If any is \
        false, I accept every consequence, including the withdrawal of this application or its result, the revocation of \
        the title or certificate obtained, and a bar of three years from applying.
        """
}
