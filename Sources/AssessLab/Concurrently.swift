/// Runs `body` over `items` with at most `width` at once; the results in input order. The
/// benchmarks' and the demo's simulated people send their requests this way.
func concurrently<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func start() {
            let index = next
            group.addTask { (index, try await body(items[index])) }
            next += 1
        }
        while next < min(max(1, width), items.count) { start() }
        for try await (index, result) in group {
            results[index] = result
            if next < items.count { start() }
        }
        return results.map { $0! }
    }
}
