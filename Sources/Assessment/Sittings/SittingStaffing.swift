/// A seated candidate as the seating and the staff draw see them.
public struct SittingCandidate: Sendable, Hashable {
    public var application: Int64
    /// The applicant, for declared conflicts.
    public var applicant: Int64
    public var level: SkillLevel
    /// Their employers on the application date, for same-employer recusal.
    public var employers: [EmployerIdentity]
    /// The providers of the training they took: their staff never examine them.
    public var trainers: [EmployerIdentity]

    public init(application: Int64, applicant: Int64, level: SkillLevel, employers: [EmployerIdentity], trainers: [EmployerIdentity] = []) {
        (self.application, self.applicant, self.level, self.employers, self.trainers) = (application, applicant, level, employers, trainers)
    }
}

/// Seats candidates: level by level from the lowest, each level in an order the seed draws, filling
/// the rooms in their order, so that a room mostly holds one level and its examiners need the
/// fewest levels. Same candidates and seed, same seats.
public enum SittingSeating {
    /// The candidates of each room, in seat order; nil when there are more candidates than seats.
    public static func seat(_ candidates: [SittingCandidate], rooms: [SittingRoom], seed: UInt64) -> [[SittingCandidate]]? {
        guard candidates.count <= rooms.reduce(0, { $0 + $1.seats }) else { return nil }
        var random = SeededGenerator(seed: seed)
        var ordered: [SittingCandidate] = []
        for level in Set(candidates.map(\.level)).sorted() {
            var group = candidates.filter { $0.level == level }.sorted { $0.application < $1.application }
            random.shuffle(&group)
            ordered += group
        }
        var seated: [[SittingCandidate]] = []
        var next = ordered[...]
        for room in rooms {
            seated.append(Array(next.prefix(room.seats)))
            next = next.dropFirst(room.seats)
        }
        return seated
    }
}

/// The staff of a sitting: invigilators and a skill examiners' panel in every room, one
/// comprehensive review panel for its candidates of levels 2 and 1, and a supervisor.
public struct SittingStaffing: Sendable, Hashable, Codable {
    public var invigilators: [Int]
    public var examiners: [Int]
    /// 0 when no candidate takes the comprehensive review.
    public var reviewPanel: Int
    public var supervisors: Int

    public init(invigilators: [Int], examiners: [Int], reviewPanel: Int, supervisors: Int = 1) {
        (self.invigilators, self.examiners, self.reviewPanel, self.supervisors) = (invigilators, examiners, reviewPanel, supervisors)
    }

    /// Everyone the sitting needs.
    public var total: Int { invigilators.reduce(0, +) + examiners.reduce(0, +) + reviewPanel + supervisors }

    /// The least staffing the ratios allow for `rooms` as seated. An empty room needs nobody.
    public static func minimum(rooms: [[SittingCandidate]], ratios: SittingRatios) -> SittingStaffing {
        let reviewCandidates = rooms.joined().filter(\.level.hasComprehensiveReview).count
        return SittingStaffing(
            invigilators: rooms.map { $0.isEmpty ? 0 : max(ratios.invigilatorsPerRoom, ceiling($0.count, ratios.candidatesPerInvigilator)) },
            examiners: rooms.map { $0.isEmpty ? 0 : odd(max(ratios.examinersPerRoom, ceiling($0.count, ratios.candidatesPerExaminer))) },
            reviewPanel: reviewCandidates == 0 ? 0 : ratios.reviewPanel)
    }

    /// The staffing an institution plans: its overrides where given (for rooms with candidates),
    /// the minimum elsewhere.
    public static func planned(_ overrides: StaffingOverrides, minimum: SittingStaffing) -> SittingStaffing {
        SittingStaffing(
            invigilators: minimum.invigilators.map { $0 == 0 ? 0 : overrides.invigilatorsPerRoom ?? $0 },
            examiners: minimum.examiners.map { $0 == 0 ? 0 : overrides.examinersPerRoom ?? $0 },
            reviewPanel: minimum.reviewPanel == 0 ? 0 : overrides.reviewPanel ?? minimum.reviewPanel, supervisors: minimum.supervisors)
    }

    /// Every ratio the plan breaks, naming the room, the ratio and by how many it falls short.
    public func shortfalls(of minimum: SittingStaffing, rooms: [SittingRoom], seated: [[SittingCandidate]], ratios: SittingRatios) -> [LocalizedText]
    {
        var problems: [LocalizedText] = []
        for (index, room) in rooms.enumerated() where index < seated.count && !seated[index].isEmpty {
            let count = seated[index].count
            if invigilators[index] < minimum.invigilators[index] {
                let short = minimum.invigilators[index] - invigilators[index]
                problems.append(
                    LocalizedText(
                        zh: "考场 \(room.name)（\(count) 名考生）：监考员须每 \(ratios.candidatesPerInvigilator) 名考生至少 1 名且每考场至少 \(ratios.invigilatorsPerRoom) 名，"
                            + "应为 \(minimum.invigilators[index]) 名，计划 \(invigilators[index]) 名，缺 \(short) 名",
                        en:
                            "room \(room.name) (\(count) candidates): invigilators at least 1 per \(ratios.candidatesPerInvigilator) and \(ratios.invigilatorsPerRoom) per room "
                            + "need \(minimum.invigilators[index]), \(invigilators[index]) planned: \(short) short"))
            }
            if examiners[index] < minimum.examiners[index] || examiners[index] % 2 == 0 {
                let short = max(minimum.examiners[index] - examiners[index], examiners[index] % 2 == 0 ? 1 : 0)
                problems.append(
                    LocalizedText(
                        zh: "考场 \(room.name)（\(count) 名考生）：考评员须每 \(ratios.candidatesPerExaminer) 名考生至少 1 名、为奇数且至少 \(ratios.examinersPerRoom) 名，"
                            + "应至少 \(minimum.examiners[index]) 名，计划 \(examiners[index]) 名，缺 \(short) 名",
                        en:
                            "room \(room.name) (\(count) candidates): skill examiners at least 1 per \(ratios.candidatesPerExaminer), odd and at least \(ratios.examinersPerRoom) "
                            + "need \(minimum.examiners[index]) or more, \(examiners[index]) planned: \(short) short"))
            }
        }
        if minimum.reviewPanel > 0 && (reviewPanel < minimum.reviewPanel || reviewPanel % 2 == 0) {
            let short = max(minimum.reviewPanel - reviewPanel, reviewPanel % 2 == 0 ? 1 : 0)
            problems.append(
                LocalizedText(
                    zh: "综合评审组须为奇数且至少 \(minimum.reviewPanel) 名，计划 \(reviewPanel) 名，缺 \(short) 名",
                    en: "the comprehensive review panel must be odd and at least \(minimum.reviewPanel), \(reviewPanel) planned: \(short) short"))
        }
        return problems
    }

    private static func ceiling(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
    private static func odd(_ n: Int) -> Int { n % 2 == 0 ? n + 1 : n }
}
