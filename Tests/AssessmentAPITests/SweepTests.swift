import Assessment
import AssessmentAPI
import Foundation
import JobQueue
import Logging
import NIOHTTP1
import Notify
import ServiceLifecycle
import TestSupport
import Testing
import Workflow

@Suite("Boundary sweep")
struct SweepTests {
    /// A problem whose title, detail and field messages each hold Chinese.
    static func readsInChinese(_ problem: [String: Any]) -> Bool {
        let hasChinese = { (text: Any?) in (text as? String)?.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } == true }
        let errors = problem["errors"] as? [[String: Any]] ?? []
        return hasChinese(problem["title"]) && hasChinese(problem["detail"]) && errors.allSatisfy { hasChinese($0["message"]) }
    }

    @Test("every numeric input of every route has a documented range; edge values get a 4xx, never a 5xx; no job fails because of them")
    func sweepEveryRoute() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            let applicant = try #require(registered.json["token"] as? String)
            let tokens: [String?] = [
                nil, applicant, try await api.workflow.issueToken(role: .institution, subject: "inst"),
                try await api.workflow.issueToken(role: .reviewer, subject: "r1"),
                try await api.workflow.issueToken(role: .bureau, subject: "officer"),
                try await api.workflow.issueToken(role: .operations, subject: "ops"),
            ]
            try await api.withWorkers {
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(try await api.request(.GET, "/openapi.json").body.utf8))
                        as? [String: Any])
                let sweep = BoundarySweep(document: document)
                let (probes, unbounded) = sweep.probes(
                    pathValues: ["id": "\(round)", "number": "S000131000001254000001", "sha256": String(repeating: "0", count: 64), "reviewer": "r1"])
                #expect(unbounded.isEmpty, "numeric inputs without a documented range: \(unbounded)")
                #expect(probes.count > 300, "the sweep covers the API: \(probes.count) probes")

                // The role each operation is for: the first token its plain request is not refused for (401/403).
                var roleOf: [String: String?] = [:]
                var failures: [String] = []
                for probe in probes {
                    let operation = "\(probe.method.rawValue) \(probe.template)"
                    if roleOf[operation] == nil {
                        roleOf[operation] = tokens.last
                        for token in tokens {
                            let status = try await api.request(probe.method, probe.path, token: token, json: probe.body).status
                            if status != 401 && status != 403 {
                                roleOf[operation] = token
                                break
                            }
                        }
                    }
                    // Asked in the default language: every refusal reads in Chinese first.
                    let reply = try await api.request(
                        probe.method, probe.path, token: roleOf[operation] ?? nil, json: probe.body, acceptLanguage: nil)
                    let what = "\(operation) \(probe.leaf.name)=\(String("\(probe.value)".prefix(24)))"
                    if reply.status >= 500 { failures.append("\(what): \(reply.status) \(reply.body.prefix(200))") }
                    // A request line that is not HTTP (raw non-ASCII) or longer than the server parses
                    // (a 900 kB query) is refused by the HTTP parser before any route, with a bare 400.
                    let reachesRoutes = probe.path.allSatisfy(\.isASCII) && probe.path.utf8.count < 8_192
                    if (400..<500).contains(reply.status), reachesRoutes, !Self.readsInChinese(reply.json) {
                        failures.append("\(what) was refused in English only: \(reply.status) \(reply.body.prefix(200))")
                    }
                    if probe.outOfRange && !(400..<500).contains(reply.status) {
                        failures.append("\(what) is outside the documented range but got \(reply.status)")
                    }
                    if probe.leaf.isNumber, !probe.outOfRange, [400, 422].contains(reply.status), reply.fields.contains(probe.leaf.name) {
                        failures.append("\(what) is inside the documented range but was refused: \(reply.body.prefix(200))")
                    }
                }
                #expect(failures.isEmpty, "\(failures.count) of \(probes.count) probes: \(failures.prefix(20).joined(separator: "\n"))")
                #expect(try await api.request(.GET, "/healthz").status == 200, "the server still answers")
                try await eventually(timeout: .seconds(30), "the jobs the sweep set off have run") {
                    try await api.client.scalar(
                        """
                        SELECT count(*)::int FROM jobs WHERE state IN ('available', 'running') AND run_at <= now()
                        """) == 0
                }
                #expect(
                    try await api.client.scalar(
                        """
                        SELECT count(*)::int FROM jobs WHERE state IN ('discarded', 'retryable') OR worker_deaths > 0 OR errors <> '[]'::jsonb
                        """) == 0, "no job failed or was rescued because of a swept value")
                print("measured: boundary sweep sent \(probes.count) probes over \(roleOf.count) operations")
            }
        }
    }
}
