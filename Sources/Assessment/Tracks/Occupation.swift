/// A vocational skill level: 5 (初级工) lowest, 1 (高级技师) highest.
public struct SkillLevel: RawRepresentable, Hashable, Comparable, Sendable, Codable {
    /// 1…5.
    public let rawValue: Int
    /// A level, or nil outside 1…5.
    public init?(rawValue: Int) {
        guard (1...5).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Lower number = higher level: level 1 is above level 2.
    public static func < (lhs: SkillLevel, rhs: SkillLevel) -> Bool { lhs.rawValue > rhs.rawValue }

    /// The level directly above this one, or nil at level 1.
    public var next: SkillLevel? { SkillLevel(rawValue: rawValue - 1) }
    /// The level directly below this one, or nil at level 5.
    public var previous: SkillLevel? { SkillLevel(rawValue: rawValue + 1) }

    /// Levels 2 and 1 (技师, 高级技师) add a comprehensive review to the theory exam and the skill assessment.
    public var hasComprehensiveReview: Bool { rawValue <= 2 }
}

/// An occupation of the national classification with its levels and directions. Data, not code.
public struct Occupation: Sendable, Hashable, Codable {
    /// A direction (方向) and the lowest level at which it is offered.
    public struct Direction: Sendable, Hashable, Codable {
        /// A stable code.
        public let code: String
        /// The Chinese name.
        public let chineseName: String
        /// Offered at this level and above.
        public let lowestLevel: SkillLevel
    }

    /// The classification code, e.g. 4-13-01-05.
    public let code: String
    /// The English name.
    public let name: String
    /// The Chinese name.
    public let chineseName: String
    /// The levels this occupation certifies.
    public let levels: Set<SkillLevel>
    /// Its directions.
    public let directions: [Direction]

    /// Whether `direction` is offered at `level`.
    public func offers(direction code: String, at level: SkillLevel) -> Bool {
        directions.contains { $0.code == code && level >= $0.lowestLevel }
    }

    /// Omni-Media Operation Specialist 全媒体运营师 (2023 national standard): levels 4 to 1, no level 5.
    public static let omniMediaOperationSpecialist = Occupation(
        code: "4-13-01-05", name: "Omni-Media Operation Specialist", chineseName: "全媒体运营师",
        levels: Set([4, 3, 2, 1].compactMap(SkillLevel.init(rawValue:))),
        directions: [
            Direction(code: "creative_planning", chineseName: "创意策划", lowestLevel: SkillLevel(rawValue: 4)!),
            Direction(code: "audiovisual_operation", chineseName: "视听运营", lowestLevel: SkillLevel(rawValue: 4)!),
            Direction(code: "live_stream_operation", chineseName: "直播运营", lowestLevel: SkillLevel(rawValue: 4)!),
            Direction(code: "traffic_operation", chineseName: "流量运营", lowestLevel: SkillLevel(rawValue: 4)!),
            Direction(code: "data_analysis", chineseName: "数据分析", lowestLevel: SkillLevel(rawValue: 3)!),
        ])

    /// The occupations known.
    public static let all: [Occupation] = [omniMediaOperationSpecialist]

    /// The occupation with this code.
    public static func named(_ code: String) -> Occupation? { all.first { $0.code == code } }

    /// A direction's Chinese name, or its code when no occupation offers it.
    public static func directionName(_ code: String) -> String {
        all.lazy.flatMap(\.directions).first { $0.code == code }?.chineseName ?? code
    }
}
