import Synchronization

/// The routes of a built router, as `METHOD /path/{name}`, for the answer to a known path with
/// the wrong method: 405 with the `Allow` the router itself would accept. Loaded once the router
/// has every route, so no list is kept by hand.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    func load(_ descriptions: [String]) {
        let parsed = descriptions.compactMap { description -> (method: String, segments: [Substring])? in
            let parts = description.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), parts[1].split(separator: "/", omittingEmptySubsequences: true))
        }
        routes.withLock { $0 = parsed }
    }

    /// The methods of the routes whose pattern matches `path`.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { routes in
            routes.compactMap { route in
                guard route.segments.count == segments.count,
                    zip(route.segments, segments).allSatisfy({ $0.0.hasPrefix("{") || $0.0 == $0.1 })
                else { return nil }
                return route.method
            }
        }
    }
}
