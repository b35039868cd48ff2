import Assessment
import Testing

@Suite("Panel assignment")
struct AssignmentTests {
    @Test("a pool where a greedy pick fails is staffed, whatever the seed")
    func beatsGreedy() throws {
        // Case 1 may take A or B; case 2 only A (B declared a conflict with its applicant).
        // Greedy giving A to case 1 strands case 2; the flow gives B to case 1.
        let reviewers = [
            Reviewer(id: ReviewerID("A"), fields: ["economics"], loadCap: 1),
            Reviewer(id: ReviewerID("B"), fields: ["economics"], declaredConflicts: ["applicant-2"], loadCap: 1),
        ]
        let cases = [
            ReviewCase(id: "1", applicant: "applicant-1", field: "economics"),
            ReviewCase(id: "2", applicant: "applicant-2", field: "economics"),
        ]
        for seed in UInt64(0)..<50 {
            let panels = try PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: 1, seed: seed).get()
            #expect(panels == ["1": [ReviewerID("B")], "2": [ReviewerID("A")]])
        }
    }

    @Test("on 300 small random pools it finds a valid assignment exactly when one exists, with the least maximum load")
    func matchesExhaustiveSearch() throws {
        var random = SeededGenerator(seed: 2026)
        var feasible = 0
        for _ in 0..<300 {
            let panelSize = 1 + random.below(2)
            let reviewers = (0..<(3 + random.below(3))).map { index in
                Reviewer(
                    id: ReviewerID("r\(index)"), fields: random.below(4) == 0 ? ["art"] : ["art", "economics"],
                    employer: ["e1", "e2", nil][random.below(3)], declaredConflicts: random.below(3) == 0 ? ["a0"] : [],
                    loadCap: 1 + random.below(2), isAvailable: random.below(8) != 0)
            }
            let cases = (0..<(2 + random.below(3))).map { index in
                ReviewCase(
                    id: "c\(index)", applicant: "a\(index)", field: random.below(3) == 0 ? "art" : "economics",
                    employers: ["e1", "e3", nil][random.below(3)].map { [EmployerIdentity(name: $0, code: nil)] } ?? [])
            }
            let best = exhaustiveBestMaximumLoad(cases: cases, reviewers: reviewers, panelSize: panelSize)
            let result = PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: panelSize, seed: random.next())
            switch (best, result) {
            case (nil, .failure(let failure)):
                #expect(!failure.unstaffable.isEmpty)
            case (let best?, .success(let panels)):
                feasible += 1
                try checkValid(panels, cases: cases, reviewers: reviewers, panelSize: panelSize)
                var load: [ReviewerID: Int] = [:]
                panels.values.joined().forEach { load[$0, default: 0] += 1 }
                #expect(load.values.max() == best, "the busiest reviewer carries no more than the best assignment's")
            case (nil, .success):
                Issue.record("returned panels although no valid assignment exists")
            case (_?, .failure(let failure)):
                Issue.record("found no assignment although one exists: \(failure)")
            }
        }
        #expect(feasible > 50 && feasible < 290, "the instances mix feasible and infeasible pools (\(feasible) feasible)")
    }

    @Test("the same seed draws the same panels; another seed may draw others; load is spread evenly")
    func reproducibleAndBalanced() throws {
        let reviewers = (0..<20).map { Reviewer(id: ReviewerID("r\($0)"), fields: ["crafts_arts"], employer: "firm\($0 % 4)", loadCap: 10) }
        let cases = (0..<30).map {
            ReviewCase(
                id: "c\($0)", applicant: "a\($0)", field: "crafts_arts", employers: [EmployerIdentity(name: "firm\($0 % 5)", code: nil)])
        }
        let first = try PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: 3, seed: 7).get()
        #expect(try PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: 3, seed: 7).get() == first)
        #expect(try PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: 3, seed: 8).get() != first)
        try checkValid(first, cases: cases, reviewers: reviewers, panelSize: 3)
        var load: [ReviewerID: Int] = [:]
        first.values.joined().forEach { load[$0, default: 0] += 1 }
        #expect(load.values.max()! - load.values.min()! <= 1, "90 seats over 20 reviewers: 4 or 5 each, got \(load.values.sorted())")
    }

    @Test("same-employer recusal compares credit codes where both sides have one, else names without spacing, punctuation or case")
    func employerRecusal() {
        let code = CreditCode("91440300708461136T")
        let reviewer = Reviewer(id: ReviewerID("r"), fields: ["art"], employer: "某某科技有限公司", employerCode: code, loadCap: 5)
        func recusal(_ employers: [EmployerIdentity]) -> String? {
            ReviewCase(id: "c", applicant: "a", field: "art", employers: employers).recusal(of: reviewer)
        }
        #expect(recusal([EmployerIdentity(name: "Another spelling, same firm", code: code)]) == "same employer")
        #expect(recusal([EmployerIdentity(name: "某某科技有限公司", code: CreditCode("91310000MA1FL0XX3J"))]) == nil, "two codes, two firms")
        #expect(recusal([EmployerIdentity(name: "某某科技 (有限公司)", code: nil)]) == "same employer", "no code: the names decide")
        #expect(recusal([EmployerIdentity(name: "Wave MCN", code: nil), EmployerIdentity(name: "x", code: code)]) == "same employer")
        #expect(recusal([]) == nil, "a freelancer")
        var junior = reviewer
        (junior.grade, junior.employer, junior.employerCode) = (.intermediate, nil, nil)
        let senior = ReviewCase(id: "c", applicant: "a", field: "art", grade: .deputySenior)
        #expect(senior.recusal(of: junior) == "holds a lower grade", "an expert reviews at or below the grade held")
        junior.grade = .deputySenior
        #expect(senior.recusal(of: junior) == nil)
    }

    @Test("an expert register parses quotes, commas, line breaks and a byte-order mark; bad rows are named by line")
    func expertCSV() throws {
        let text = "\u{FEFF}id,name,fields,grade,term_start\r\nx1,\"Wang, \"\"Fang\"\"\",economics,4,2026-01-01\r\nx2,\"Li\nLei\",art,3,2026-02-01\n"
        let experts = try ExpertCSV.parse(text).get()
        #expect(experts.map(\.id) == ["x1", "x2"] && experts.map(\.line) == [2, 3])
        #expect(experts[0].profile.name == "Wang, \"Fang\"" && experts[1].profile.name == "Li\nLei")
        #expect(experts[0].profile.termEnd == CalendarDate(iso: "2028-12-31"), "the full term when none is given")
        let bad = "id,name,fields,grade,term_start\nx1,A,economics,,2026-01-01\nx1,B,economics,4,2026-01-01\nx3,C,economics,4\n"
        guard case .failure(let error) = ExpertCSV.parse(bad) else {
            Issue.record("a bad file parsed")
            return
        }
        #expect(error.problems.map(\.line) == [2, 3, 4], "\(error.summary.en)")
        #expect(error.summary.en.contains("line 2: grade an expert of a title series holds a grade"), "\(error.summary.en)")
        guard case .failure(let header) = ExpertCSV.parse("name,fields\nA,art\n") else { return }
        #expect(header.summary.en.contains("the header lacks id, term_start"))
    }

    @Test("cases that cannot be staffed are each named with the reason; nothing partial is returned")
    func namesUnstaffableCases() {
        let reviewers = [
            Reviewer(id: ReviewerID("r1"), fields: ["economics"], employer: "bank", loadCap: 5),
            Reviewer(id: ReviewerID("r2"), fields: ["economics"], loadCap: 5),
            Reviewer(id: ReviewerID("r3"), fields: ["art"], loadCap: 5),
        ]
        let cases = [
            ReviewCase(id: "banker", applicant: "a1", field: "economics", employers: [EmployerIdentity(name: "Bank", code: nil)]),
            ReviewCase(id: "appeal", applicant: "a2", field: "economics", excludedReviewers: [ReviewerID("r2")]),
            ReviewCase(id: "fine", applicant: "a3", field: "economics"),
        ]
        guard case .failure(let failure) = PanelAssignment.assign(cases: cases, reviewers: reviewers, panelSize: 2, seed: 1) else {
            Issue.record("expected a failure")
            return
        }
        #expect(Set(failure.unstaffable.keys) == ["banker", "appeal"])
        #expect(failure.unstaffable["banker"]?.contains("1 same employer") == true)
        #expect(failure.unstaffable["appeal"]?.contains("1 reviewed an earlier stage") == true)
        let capped = reviewers.map { reviewer -> Reviewer in
            var copy = reviewer
            copy.loadCap = 1
            copy.employer = nil
            return copy
        }
        guard
            case .failure(let loadFailure) = PanelAssignment.assign(
                cases: [cases[2], ReviewCase(id: "second", applicant: "a4", field: "economics")],
                reviewers: capped, panelSize: 2, seed: 1)
        else {
            Issue.record("two cases of two need four seats from two reviewers capped at one")
            return
        }
        #expect(loadFailure.unstaffable.values.allSatisfy { $0.contains("load caps") })
    }

    private func checkValid(_ panels: [String: [ReviewerID]], cases: [ReviewCase], reviewers: [Reviewer], panelSize: Int) throws {
        let byID = Dictionary(uniqueKeysWithValues: reviewers.map { ($0.id, $0) })
        var load: [ReviewerID: Int] = [:]
        for reviewCase in cases {
            let panel = try #require(panels[reviewCase.id])
            #expect(panel.count == panelSize && Set(panel).count == panelSize)
            for id in panel {
                #expect(reviewCase.recusal(of: byID[id]!) == nil, "\(id) may not review \(reviewCase.id)")
                load[id, default: 0] += 1
            }
        }
        for (id, count) in load { #expect(count <= byID[id]!.loadCap) }
    }

    /// The least maximum load over every valid assignment, or nil when none exists.
    private func exhaustiveBestMaximumLoad(cases: [ReviewCase], reviewers: [Reviewer], panelSize: Int) -> Int? {
        func subsets(_ items: [Int], _ size: Int) -> [[Int]] {
            if size == 0 { return [[]] }
            guard let first = items.first else { return [] }
            let rest = Array(items.dropFirst())
            return subsets(rest, size - 1).map { [first] + $0 } + subsets(rest, size)
        }
        let options = cases.map { reviewCase in
            subsets(reviewers.indices.filter { reviewCase.recusal(of: reviewers[$0]) == nil }, panelSize)
        }
        var best: Int?
        var load = Array(repeating: 0, count: reviewers.count)
        func search(_ caseIndex: Int) {
            if caseIndex == cases.count {
                let maximum = load.max() ?? 0
                best = min(best ?? maximum, maximum)
                return
            }
            for panel in options[caseIndex] where panel.allSatisfy({ load[$0] < reviewers[$0].loadCap }) {
                panel.forEach { load[$0] += 1 }
                search(caseIndex + 1)
                panel.forEach { load[$0] -= 1 }
            }
        }
        search(0)
        return best
    }
}
