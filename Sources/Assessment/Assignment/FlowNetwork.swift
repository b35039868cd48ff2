/// The assignment's flow network and Dinic's max-flow over it, in flat arrays: a round of
/// 10,000 cases has about a million eligibility edges.
struct FlowNetwork {
    private let source: Int32
    private let sink: Int32
    private let firstReviewer: Int32
    private var head: [Int32]
    private var target: [Int32] = []
    private var capacity: [Int32] = []
    private var nextEdge: [Int32] = []
    private var loadEdge: [Int32]
    private var level: [Int32]
    private var currentEdge: [Int32]

    init(cases: Int, reviewers: Int) {
        source = 0
        firstReviewer = Int32(1 + cases)
        sink = Int32(1 + cases + reviewers)
        head = Array(repeating: -1, count: cases + reviewers + 2)
        loadEdge = Array(repeating: -1, count: reviewers)
        level = Array(repeating: -1, count: cases + reviewers + 2)
        currentEdge = head
    }

    mutating func addDemand(case index: Int, panelSize: Int) { addEdge(source, Int32(1 + index), Int32(panelSize)) }

    mutating func addEligibility(case index: Int, reviewer: Int) { addEdge(Int32(1 + index), firstReviewer + Int32(reviewer), 1) }

    mutating func addLoad(reviewer: Int, capacity limit: Int) {
        loadEdge[reviewer] = Int32(target.count)
        addEdge(firstReviewer + Int32(reviewer), sink, Int32(limit))
    }

    /// One more unit of load for a reviewer; the flow already found stays valid.
    mutating func raiseLoad(reviewer: Int) {
        let edge = Int(loadEdge[reviewer])
        if edge >= 0 { capacity[edge] += 1 }
    }

    /// Fills open seats over direct edges: a case's eligible reviewer with room left takes it.
    /// Most of a level's flow goes this way, without a search of the whole graph.
    mutating func augmentDirectly() -> Int {
        var added = 0
        var seatEdge = head[Int(source)]
        while seatEdge != -1 {
            let caseNode = target[Int(seatEdge)]
            var edge = head[Int(caseNode)]
            while capacity[Int(seatEdge)] > 0 && edge != -1 {
                let reviewerNode = target[Int(edge)]
                if edge & 1 == 0 && capacity[Int(edge)] > 0 {
                    let load = loadEdge[Int(reviewerNode - firstReviewer)]
                    if load >= 0 && capacity[Int(load)] > 0 {
                        for path in [seatEdge, edge, load] {
                            capacity[Int(path)] -= 1
                            capacity[Int(path ^ 1)] += 1
                        }
                        added += 1
                    }
                }
                edge = nextEdge[Int(edge)]
            }
            seatEdge = nextEdge[Int(seatEdge)]
        }
        return added
    }

    /// Whether any reviewer can take one more case at the current level. When none can, no
    /// augmenting path exists and the flow is already maximal.
    var anyReviewerHasRoom: Bool {
        loadEdge.contains { $0 >= 0 && capacity[Int($0)] > 0 }
    }

    /// The reviewers carrying flow from a case.
    func assignedReviewers(case index: Int) -> [Int] {
        var reviewers: [Int] = []
        var edge = head[1 + index]
        while edge != -1 {
            let node = target[Int(edge)]
            if node >= firstReviewer && node != sink && edge & 1 == 0 && capacity[Int(edge)] == 0 {
                reviewers.append(Int(node - firstReviewer))
            }
            edge = nextEdge[Int(edge)]
        }
        return reviewers
    }

    private mutating func addEdge(_ from: Int32, _ to: Int32, _ limit: Int32) {
        for (a, b, c) in [(from, to, limit), (to, from, Int32(0))] {
            target.append(b)
            capacity.append(c)
            nextEdge.append(head[Int(a)])
            head[Int(a)] = Int32(target.count - 1)
        }
    }

    /// Augments to a maximum flow from the current one; returns the flow added.
    mutating func maximiseFlow() -> Int {
        var added = 0
        while buildLevels() {
            currentEdge = head
            while true {
                let pushed = augmentAlongOnePath()
                if pushed == 0 { break }
                added += Int(pushed)
            }
        }
        return added
    }

    private mutating func buildLevels() -> Bool {
        for index in level.indices { level[index] = -1 }
        var queue: [Int32] = [source]
        queue.reserveCapacity(level.count)
        level[Int(source)] = 0
        var position = 0
        while position < queue.count {
            let node = queue[position]
            position += 1
            var edge = head[Int(node)]
            while edge != -1 {
                let next = target[Int(edge)]
                if capacity[Int(edge)] > 0 && level[Int(next)] < 0 {
                    level[Int(next)] = level[Int(node)] + 1
                    queue.append(next)
                }
                edge = nextEdge[Int(edge)]
            }
        }
        return level[Int(sink)] >= 0
    }

    /// Finds one path in the level graph with current-arc pointers (iteratively: residual paths
    /// can be long) and pushes its bottleneck.
    private mutating func augmentAlongOnePath() -> Int32 {
        var path: [Int32] = []
        var node = source
        while true {
            if node == sink {
                var bottleneck = Int32.max
                for edge in path { bottleneck = min(bottleneck, capacity[Int(edge)]) }
                for edge in path {
                    capacity[Int(edge)] -= bottleneck
                    capacity[Int(edge ^ 1)] += bottleneck
                }
                return bottleneck
            }
            var advanced = false
            while currentEdge[Int(node)] != -1 {
                let edge = currentEdge[Int(node)]
                let next = target[Int(edge)]
                if capacity[Int(edge)] > 0 && level[Int(next)] == level[Int(node)] + 1 {
                    path.append(edge)
                    node = next
                    advanced = true
                    break
                }
                currentEdge[Int(node)] = nextEdge[Int(edge)]
            }
            if !advanced {
                if node == source { return 0 }
                level[Int(node)] = -1
                let edge = path.removeLast()
                node = target[Int(edge ^ 1)]
                currentEdge[Int(node)] = nextEdge[Int(edge)]
            }
        }
    }
}
