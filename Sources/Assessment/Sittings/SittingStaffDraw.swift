/// An examiner's (考评员) or supervisor's (督导员) certificate, as the expert database files it.
public struct ExaminerCertificate: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// 考评员: marks skill assessments and comprehensive reviews.
        case examiner
        /// 督导员: supervises sittings.
        case supervisor
    }

    public var kind: Kind
    public var number: String
    /// The last day it is valid.
    public var validUntil: CalendarDate

    public init(kind: Kind, number: String, validUntil: CalendarDate) { (self.kind, self.number, self.validUntil) = (kind, number, validUntil) }

    /// A certificate number: letters, digits and dashes.
    public static func isValidNumber(_ number: String) -> Bool { number.wholeMatch(of: /[A-Za-z0-9-]{1,40}/) != nil }
}

/// Someone of the institution's pool a sitting may draw: an expert with the occupation, the
/// level they hold of it and their certificate.
public struct SittingStaffMember: Sendable, Hashable {
    public var reviewer: Reviewer
    public var level: SkillLevel?
    public var certificate: ExaminerCertificate?

    public init(reviewer: Reviewer, level: SkillLevel?, certificate: ExaminerCertificate?) {
        (self.reviewer, self.level, self.certificate) = (reviewer, level, certificate)
    }
}

/// One person's post at a sitting; `room` is an index into its rooms for invigilators and examiners.
public struct SittingPost: Sendable, Hashable, Codable {
    public var reviewer: ReviewerID
    public var role: SittingRole
    public var room: Int?

    public init(reviewer: ReviewerID, role: SittingRole, room: Int?) { (self.reviewer, self.role, self.room) = (reviewer, role, room) }
}

/// Draws a sitting's staff from the pool: every post filled by a different person who may hold
/// it, none conflicted with a candidate they watch or mark. A max flow, as panels are drawn: it
/// finds a full staffing whenever one exists; the seed orders the pool, so ties fall at random,
/// reproducibly.
public enum SittingStaffDraw {
    /// A group of posts with the candidates its holders must have no conflict with.
    struct Group {
        let role: SittingRole
        let room: Int?
        let need: Int
        let candidates: [SittingCandidate]
        /// The level its holders must hold at least.
        let level: SkillLevel?
        let name: LocalizedText
    }

    /// The posts, or why the sitting cannot be staffed: which posts, how many short, and who was excluded for what.
    public static func draw(
        seated: [[SittingCandidate]], rooms: [SittingRoom], staffing: SittingStaffing, pool: [SittingStaffMember], occupation: String,
        lastDay: CalendarDate, seed: UInt64
    ) -> Result<[SittingPost], SittingStaffingFailure> {
        let everyone = Array(seated.joined())
        let reviewCandidates = everyone.filter(\.level.hasComprehensiveReview)
        var groups: [Group] = []
        for (index, room) in rooms.enumerated() where index < seated.count && !seated[index].isEmpty {
            let top = seated[index].map(\.level).max()
            groups.append(
                Group(
                    role: .invigilator, room: index, need: staffing.invigilators[index], candidates: seated[index], level: nil,
                    name: LocalizedText(zh: "考场 \(room.name) 的监考员", en: "invigilators of room \(room.name)")))
            groups.append(
                Group(
                    role: .examiner, room: index, need: staffing.examiners[index], candidates: seated[index], level: top,
                    name: LocalizedText(zh: "考场 \(room.name) 的考评员", en: "skill examiners of room \(room.name)")))
        }
        if staffing.reviewPanel > 0 {
            groups.append(
                Group(
                    role: .reviewer, room: nil, need: staffing.reviewPanel, candidates: reviewCandidates, level: reviewCandidates.map(\.level).max(),
                    name: LocalizedText(zh: "综合评审组", en: "the comprehensive review panel")))
        }
        groups.append(
            Group(
                role: .supervisor, room: nil, need: staffing.supervisors, candidates: everyone, level: nil,
                name: LocalizedText(zh: "督导员", en: "the supervisor")))
        return fill(groups, pool: pool, occupation: occupation, lastDay: lastDay, seed: seed)
    }

    /// A skills appeal's fresh panel (复核): `size` examiners who may mark `part` of the candidate
    /// on `day`, none of the original panel, none conflicted with the candidate; or why not.
    public static func appealPanel(
        for candidate: SittingCandidate, part: SkillsPart, size: Int, pool: [SittingStaffMember], originalPanel: Set<ReviewerID>,
        occupation: String, day: CalendarDate, seed: UInt64
    ) -> Result<[ReviewerID], SittingStaffingFailure> {
        let group = Group(
            role: part == .comprehensiveReview ? .reviewer : .examiner, room: nil, need: size, candidates: [candidate], level: candidate.level,
            name: LocalizedText(zh: "\(part.chineseName)复核评分组", en: "the appeal panel of the \(part.englishName)"))
        return fill([group], pool: pool, occupation: occupation, lastDay: day, seed: seed, originalPanel: originalPanel).map { $0.map(\.reviewer) }
    }

    /// Fills every group's posts from the pool, each person once: a max flow over groups and people.
    private static func fill(
        _ groups: [Group], pool: [SittingStaffMember], occupation: String, lastDay: CalendarDate, seed: UInt64,
        originalPanel: Set<ReviewerID> = []
    ) -> Result<[SittingPost], SittingStaffingFailure> {
        var random = SeededGenerator(seed: seed)
        var order = Array(pool.indices)
        random.shuffle(&order)
        var network = FlowNetwork(cases: groups.count, reviewers: pool.count)
        var shortfalls: [LocalizedText] = []
        for (index, group) in groups.enumerated() {
            network.addDemand(case: index, panelSize: group.need)
            var eligible = 0
            var excluded: [LocalizedText: Int] = [:]
            for member in order {
                if originalPanel.contains(pool[member].reviewer.id) {
                    excluded[LocalizedText(zh: "原评分组成员", en: "on the original panel"), default: 0] += 1
                } else if let reason = exclusion(of: pool[member], from: group, occupation: occupation, lastDay: lastDay) {
                    excluded[reason, default: 0] += 1
                } else {
                    network.addEligibility(case: index, reviewer: member)
                    eligible += 1
                }
            }
            if eligible < group.need {
                let reasons = excluded.sorted { $0.key.en < $1.key.en }
                shortfalls.append(
                    LocalizedText(
                        zh: "\(group.name.zh)须 \(group.need) 名，符合条件的仅 \(eligible) 名，缺 \(group.need - eligible) 名"
                            + (reasons.isEmpty ? "" : "（排除：" + reasons.map { "\($0.value) 名\($0.key.zh)" }.joined(separator: "，") + "）"),
                        en: "\(group.name.en): \(group.need) needed, only \(eligible) eligible: \(group.need - eligible) short"
                            + (reasons.isEmpty ? "" : " (excluded: " + reasons.map { "\($0.value) \($0.key.en)" }.joined(separator: ", ") + ")")))
            }
        }
        guard shortfalls.isEmpty else { return .failure(SittingStaffingFailure(shortfalls: shortfalls)) }
        for member in order { network.addLoad(reviewer: member, capacity: 1) }
        let demand = groups.reduce(0) { $0 + $1.need }
        var flow = network.augmentDirectly()
        if flow < demand { flow += network.maximiseFlow() }
        guard flow == demand else {
            return .failure(
                SittingStaffingFailure(shortfalls: [
                    LocalizedText(
                        zh: "每人只能担任一个岗位：符合条件的人员不足以同时满足所有岗位，共缺 \(demand - flow) 名",
                        en: "each person holds one post: those eligible cannot fill every post at once, \(demand - flow) short in all")
                ]))
        }
        return .success(
            groups.enumerated().flatMap { index, group in
                network.assignedReviewers(case: index).map { SittingPost(reviewer: pool[$0].reviewer.id, role: group.role, room: group.room) }
            }.sorted { ($0.role.rawValue, $0.room ?? -1, $0.reviewer) < ($1.role.rawValue, $1.room ?? -1, $1.reviewer) })
    }

    private static func exclusion(of member: SittingStaffMember, from group: Group, occupation: String, lastDay: CalendarDate) -> LocalizedText? {
        let reviewer = member.reviewer
        if !reviewer.isAvailable { return LocalizedText(zh: "不在任", en: "not serving") }
        if !reviewer.fields.contains(occupation) { return LocalizedText(zh: "不考评本职业", en: "of another occupation") }
        switch group.role {
        case .examiner, .reviewer:
            guard let held = member.level, let needed = group.level, held >= needed else {
                return LocalizedText(zh: "所持等级低于考生", en: "holding a lower level than the candidates")
            }
            guard let certificate = member.certificate, certificate.kind == .examiner, certificate.validUntil >= lastDay else {
                return LocalizedText(zh: "无有效考评员证", en: "without a valid examiner certificate")
            }
        case .supervisor:
            guard let certificate = member.certificate, certificate.kind == .supervisor, certificate.validUntil >= lastDay else {
                return LocalizedText(zh: "无有效督导员证", en: "without a valid supervisor certificate")
            }
        case .invigilator: break
        }
        for candidate in group.candidates {
            switch reviewer.conflict(with: String(candidate.applicant), employers: candidate.employers) {
            case "same employer": return LocalizedText(zh: "与考生同一单位", en: "working for a candidate's employer")
            case .some: return LocalizedText(zh: "与考生有申报的利害关系", en: "with a declared conflict with a candidate")
            case nil: break
            }
            if let own = reviewer.employerIdentity, candidate.trainers.contains(where: { own.isSame(as: $0) }) {
                return LocalizedText(zh: "所在机构曾培训考生", en: "working for a provider that trained a candidate")
            }
        }
        return nil
    }
}

/// Why a sitting cannot be staffed: each post short, by how many, and who was excluded for what.
public struct SittingStaffingFailure: Error, Sendable, Hashable {
    public let shortfalls: [LocalizedText]

    /// All of it, Chinese and English.
    public var summary: LocalizedText {
        LocalizedText(
            zh: "考点无法配齐考务人员：" + shortfalls.map(\.zh).joined(separator: "；"),
            en: "the sitting cannot be staffed: " + shortfalls.map(\.en).joined(separator: "; "))
    }
}
