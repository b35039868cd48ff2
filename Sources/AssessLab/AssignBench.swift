import ArgumentParser
import Assessment

/// `assess bench assign`: staff a large round's panels from a reviewer pool; no database.
struct AssignBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Time staffing N cases with 5-member panels from R reviewers (synthetic, seeded).")

    @Option(name: .long, help: "Cases to staff.") var cases = 10_000
    @Option(name: .long, help: "Reviewers in the pool.") var reviewers = 500
    @Option(name: .long, help: "Reviewers per panel.") var panelSize = 5
    @Option(name: .long, help: "Seed of the synthetic round and of the draw.") var seed: UInt64 = 2026
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    func run() throws {
        guard cases > 0, reviewers > 0, panelSize > 0 else { throw ValidationError("--cases, --reviewers and --panel-size must be positive") }
        var random = SeededGenerator(seed: seed)
        let fields = TitleSeries.all.map(\.code)
        // Each reviewer serves one or two series and caps at twice the average load of a series.
        let pool = (0..<reviewers).map { index in
            var own: Set<String> = [fields[index % fields.count]]
            if random.below(2) == 0 { own.insert(fields[random.below(fields.count)]) }
            return Reviewer(
                id: ReviewerID("r\(index)"), fields: own, employer: "firm\(random.below(40))",
                declaredConflicts: Set((0..<3).map { _ in "a\(random.below(cases))" }),
                loadCap: 2 * panelSize * cases / reviewers + 10)
        }
        let round = (0..<cases).map { index in
            ReviewCase(
                id: "c\(index)", applicant: "a\(index)", field: fields[random.below(fields.count)],
                employers: random.below(4) == 0 ? [] : [EmployerIdentity(name: "firm\(random.below(60))", code: nil)])
        }
        let clock = ContinuousClock()
        let start = clock.now
        let result = PanelAssignment.assign(cases: round, reviewers: pool, panelSize: panelSize, seed: seed)
        let seconds = ((clock.now - start) / .seconds(1))
        let panels = try result.get()
        var load: [ReviewerID: Int] = [:]
        panels.values.joined().forEach { load[$0, default: 0] += 1 }
        report(
            "bench assign: \(cases) cases × \(panelSize) reviewers from a pool of \(reviewers)",
            [
                "seconds": seconds,
                "max_load": Double(load.values.max() ?? 0),
                "min_load": Double(load.values.min() ?? 0),
            ], json: json)
    }
}
