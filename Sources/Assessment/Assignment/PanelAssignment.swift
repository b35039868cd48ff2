/// Draws review panels: every case gets `panelSize` distinct eligible reviewers, no recusal rule
/// is broken, no reviewer exceeds their load cap, and the busiest reviewer is as little busy as
/// any valid assignment allows. Same inputs and seed, same panels.
///
/// It is a flow problem, as HotCRP and OpenReview model it: source → case (capacity: panel size)
/// → eligible reviewer (1) → sink (a load level). Max flow (Dinic) finds a full assignment
/// whenever one exists, which a greedy loop does not. The load level starts at 1 and rises one
/// step at a time, augmenting the flow found so far; the first level with a full flow is the
/// least possible maximum load, and filling level by level spreads the rest evenly: what a
/// min-cost flow with a convex cost per unit of load aims at, without its cost. The seed orders
/// cases and reviewers, so ties are broken at random yet reproducibly.
public enum PanelAssignment {
    /// Panels by case id, each sorted by reviewer id; or every case that cannot be staffed, and why.
    public static func assign(
        cases: [ReviewCase], reviewers: [Reviewer], panelSize: Int, seed: UInt64
    ) -> Result<[String: [ReviewerID]], PanelStaffingFailure> {
        guard panelSize >= 1 else { return .failure(PanelStaffingFailure(unstaffable: [:], problem: "a panel needs at least one reviewer")) }
        if let duplicate = firstDuplicate(cases.map(\.id)) {
            return .failure(PanelStaffingFailure(unstaffable: [:], problem: "case \(duplicate) is listed twice"))
        }
        if let duplicate = firstDuplicate(reviewers.map(\.id.rawValue)) {
            return .failure(PanelStaffingFailure(unstaffable: [:], problem: "reviewer \(duplicate) is listed twice"))
        }
        var random = SeededGenerator(seed: seed)
        var reviewerOrder = Array(reviewers.indices)
        random.shuffle(&reviewerOrder)
        var caseOrder = Array(cases.indices)
        random.shuffle(&caseOrder)

        var reviewersByField: [String: [Int]] = [:]
        for reviewerIndex in reviewerOrder {
            for field in reviewers[reviewerIndex].fields { reviewersByField[field, default: []].append(reviewerIndex) }
        }
        var eligible: [[Int]] = Array(repeating: [], count: cases.count)
        var unstaffable: [String: String] = [:]
        for caseIndex in caseOrder {
            let reviewCase = cases[caseIndex]
            let candidates = reviewersByField[reviewCase.field] ?? []
            eligible[caseIndex] = candidates.filter { reviewCase.recusal(of: reviewers[$0]) == nil }
            if eligible[caseIndex].count < panelSize {
                var reasons: [String: Int] = [:]
                for candidate in candidates {
                    if let reason = reviewCase.recusal(of: reviewers[candidate]) { reasons[reason, default: 0] += 1 }
                }
                let excluded = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                unstaffable[reviewCase.id] =
                    "needs \(panelSize) reviewers of \(reviewCase.field); only \(eligible[caseIndex].count) are eligible"
                    + (excluded.isEmpty ? "" : " (excluded: \(excluded))")
            }
        }
        guard unstaffable.isEmpty else { return .failure(PanelStaffingFailure(unstaffable: unstaffable, problem: nil)) }

        var network = FlowNetwork(cases: cases.count, reviewers: reviewers.count)
        for caseIndex in caseOrder {
            network.addDemand(case: caseIndex, panelSize: panelSize)
            for reviewerIndex in eligible[caseIndex] { network.addEligibility(case: caseIndex, reviewer: reviewerIndex) }
        }
        let usable = Set(eligible.joined())
        let demand = panelSize * cases.count
        // From level 1 up: each level lets every reachable reviewer take one more case before
        // anyone takes two more, and a reviewer's load never drops along an augmenting path.
        var level = 1
        for reviewerIndex in reviewerOrder where usable.contains(reviewerIndex) {
            network.addLoad(reviewer: reviewerIndex, capacity: min(level, reviewers[reviewerIndex].loadCap))
        }
        let highestCap = reviewers.map(\.loadCap).max() ?? 0
        var flow = 0
        while true {
            flow += network.augmentDirectly()
            if flow < demand && network.anyReviewerHasRoom { flow += network.maximiseFlow() }
            guard flow < demand && level < highestCap else { break }
            level += 1
            for reviewerIndex in usable where reviewers[reviewerIndex].loadCap >= level { network.raiseLoad(reviewer: reviewerIndex) }
        }

        var panels: [String: [ReviewerID]] = [:]
        for caseIndex in cases.indices {
            let panel = network.assignedReviewers(case: caseIndex).map { reviewers[$0].id }.sorted()
            if panel.count < panelSize {
                unstaffable[cases[caseIndex].id] =
                    "its \(eligible[caseIndex].count) eligible reviewers of \(cases[caseIndex].field) "
                    + "are needed by other cases up to their load caps; raise caps or add reviewers"
            }
            panels[cases[caseIndex].id] = panel
        }
        return unstaffable.isEmpty ? .success(panels) : .failure(PanelStaffingFailure(unstaffable: unstaffable, problem: nil))
    }

    private static func firstDuplicate(_ values: [String]) -> String? {
        var seen = Set<String>()
        return values.first { !seen.insert($0).inserted }
    }
}

/// Panels that cannot be staffed: each case and why, never a silently partial result.
public struct PanelStaffingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Case id → why it cannot be staffed.
    public let unstaffable: [String: String]
    /// A problem with the request itself.
    public let problem: String?

    /// A summary for the institution.
    public var description: String {
        if let problem { return problem }
        return "\(unstaffable.count) cases cannot be staffed: "
            + unstaffable.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}
