/// A part a candidate passed at an earlier sitting of the same occupation, level and direction.
public struct PassedPart: Sendable, Hashable {
    public let part: SkillsPart
    public let mark: Double
    /// The day it was taken; a part carried over keeps the day it was first passed.
    public let takenOn: CalendarDate
    /// The sitting where it was taken.
    public let sitting: Int64

    public init(part: SkillsPart, mark: Double, takenOn: CalendarDate, sitting: Int64) {
        (self.part, self.mark, self.takenOn, self.sitting) = (part, mark, takenOn, sitting)
    }

    /// 理论知识考试 72 分（2026-06-01）.
    public var text: LocalizedText {
        let mark = self.mark.markText
        return LocalizedText(
            zh: "\(part.chineseName) \(mark) 分（\(takenOn)）", en: "\(part.englishName) \(mark) points (\(takenOn))")
    }
}

/// Re-sits (补考): a candidate keeps each part passed at an earlier sitting for
/// `policy.partCarryOverYears` from the day it was taken, and sits only the others.
public enum PartCarryOver {
    /// The parts of `level` a candidate keeps at a sitting held on the days of `parts`: each passed
    /// at an earlier sitting no more than the policy's period before its day here; the latest when
    /// several were. A candidate who keeps every part is decided by what they kept.
    public static func kept(_ passed: [PassedPart], level: SkillLevel, parts: [SittingPart], policy: Policy) -> [SkillsPart: PassedPart] {
        guard policy.partCarryOverYears > 0 else { return [:] }
        var kept: [SkillsPart: PassedPart] = [:]
        for part in SkillsPart.required(at: level) {
            guard let day = parts.first(where: { $0.part == part })?.date else { continue }
            let valid = passed.filter { earlier in
                guard earlier.part == part, earlier.takenOn < day else { return false }
                let lapses = (try? earlier.takenOn.adding(years: policy.partCarryOverYears)) ?? CalendarDate.supported.upperBound
                return day <= lapses
            }
            if let latest = valid.max(by: { ($0.takenOn, $0.mark) < ($1.takenOn, $1.mark) }) { kept[part] = latest }
        }
        return kept
    }
}

extension Double {
    /// 72, or 72.5: a mark as people write it.
    var markText: String {
        guard isFinite, abs(self) < 1e15 else { return "\(self)" }
        return self == rounded() ? String(Int64(self)) : String((self * 100).rounded() / 100)
    }
}
