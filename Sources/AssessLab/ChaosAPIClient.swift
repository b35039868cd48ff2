import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The chaos run's API lane: probes enqueued through a real `assess serve`'s operator route, in
/// the API's transaction, as an integration would send them.
struct ChaosAPIClient: Sendable {
    let http: HTTPClient
    /// `http://127.0.0.1:port`.
    let base: String
    /// An operator's bearer token.
    let token: String

    /// The API refused the request (4xx): sending it again would not help.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// The API answered but could not do it now (5xx), or did not answer in time.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Whatever is not a refusal may be sent again: the keys make a repeat harmless.
    static func isRetryable(_ error: any Error) -> Bool {
        !(error is Refused) && !(error is CancellationError)
    }

    /// Enqueues one probe per key; their jobs' ids, in the keys' order.
    func enqueueProbes(keys: [String], milliseconds: Int) async throws -> [Int64] {
        struct Body: Encodable {
            let keys: [String]
            let milliseconds: Int
        }
        struct Answer: Decodable {
            struct Job: Decodable { let id: Int64 }
            let jobs: [Job]
        }
        var request = HTTPClientRequest(url: base + "/v1/ops/probes")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(Body(keys: keys, milliseconds: milliseconds))))
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 24)
        switch response.status.code {
        case 201:
            let jobs = try JSONDecoder().decode(Answer.self, from: Data(buffer: body)).jobs
            guard jobs.count == keys.count else { throw Refused(description: "the API answered \(jobs.count) jobs for \(keys.count) keys") }
            return jobs.map(\.id)
        case 400..<500:
            throw Refused(description: "the API refused the probes: \(response.status.code) \(String(buffer: body).prefix(300))")
        default:
            throw Unavailable(description: "the API answered \(response.status.code): \(String(buffer: body).prefix(300))")
        }
    }

    /// Whether the API answers that its database does.
    func ready() async -> Bool {
        guard let response = try? await http.execute(HTTPClientRequest(url: base + "/readyz"), timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status.code == 200
    }
}
