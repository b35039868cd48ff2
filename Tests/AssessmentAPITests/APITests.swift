import Assessment
import AssessmentAPI
import AssessmentStore
import Foundation
import NIOHTTP1
import PostgresNIO
import TestSupport
import Testing
import Workflow

@Suite("HTTP API")
struct APITests {
    /// An institution with three reviewers and an open title round, as workflow commands set them up.
    static func setUpRound(_ api: API) async throws -> Int64 {
        try await api.workflow.addInstitution(id: "inst", name: "Institution")
        try await api.workflow.addInstitution(id: "other", name: "Other institution")
        for id in ["r1", "r2", "r3"] {
            try await api.workflow.addReviewer(
                Reviewer(id: ReviewerID(id), fields: ["cultural_relics_museums"], loadCap: 10), name: id, institution: "inst")
        }
        return try await api.workflow.openRound(
            RoundDraft(
                institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", seed: 1,
                startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
    }

    @Test("the OpenAPI document is JSON and documents exactly the routes the server answers")
    func openAPIMatchesRoutes() async throws {
        try await API.with { api in
            let reply = try await api.request(.GET, "/openapi.json")
            #expect(reply.status == 200)
            let paths = try #require(reply.json["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            // The console's pages are HTML beside the API, not part of its document.
            let routes = api.server.routes()
            #expect(!api.server.consolePages().isEmpty && Set(routes).isDisjoint(with: api.server.consolePages()))
            #expect(routes.count > 30, "the routes come from the router: \(routes)")
            #expect(documented == Set(routes), "undocumented: \(Set(routes).subtracting(documented)); unrouted: \(documented.subtracting(routes))")
            // Every documented route is really served: the router finds each one.
            for route in routes {
                let parts = route.split(separator: " ")
                let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{number}", with: "X")
                    .replacingOccurrences(of: "{reviewer}", with: "r1")
                let reply = try await api.request(HTTPMethod(rawValue: String(parts[0])), path, json: parts[0] == "POST" ? "{}" : nil)
                // The router's own refusals: no route at all, or none for this method.
                #expect(!reply.body.contains("no such resource") && reply.status != 405, "\(route): \(reply.status) \(reply.body)")
            }
        }
    }

    @Test("an applicant registers, applies and follows their own applications; bad input gets problem+json naming the field")
    func applicantFlow() async throws {
        try await API.with { api in
            let round = try await Self.setUpRound(api)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            #expect(registered.status == 201, "\(registered.body)")
            let token = try #require(registered.json["token"] as? String)
            #expect(!registered.body.contains(residentID(born: "1990-03-01", sequence: 1)), "the identity number is not echoed")

            let malformed = try await api.request(.POST, "/v1/applicants", json: "{\"name\": ")
            #expect(malformed.status == 400 && malformed.contentType == "application/problem+json" && malformed.body.contains("not valid JSON"))
            let wrongType = try await api.request(.POST, "/v1/applicants", json: #"{"name": 7, "document": {}, "education": "bachelor"}"#)
            #expect(wrongType.status == 400 && wrongType.fields == ["name"], "\(wrongType.body)")
            let missing = try await api.request(.POST, "/v1/applicants", json: #"{"name": "A", "education": "bachelor"}"#)
            #expect(missing.status == 400 && missing.fields == ["document"], "\(missing.body)")
            let badNumber = try await api.request(.POST, "/v1/applicants", json: registration().replacingOccurrences(of: "310101", with: "310102"))
            #expect(badNumber.status == 422 && badNumber.fields == ["document.number"], "\(badNumber.body)")
            let duplicate = try await api.request(.POST, "/v1/applicants", json: registration())
            #expect(duplicate.status == 409, "\(duplicate.body)")
            let notJSON = try await api.request(.POST, "/v1/applicants", json: registration(), contentType: "text/plain")
            #expect(notJSON.status == 415)
            let huge = try await api.request(.POST, "/v1/applicants", json: "{\"name\": \"" + String(repeating: "x", count: 100_000) + "\"}")
            #expect(huge.status == 413, "\(huge.status)")
            let nul = try await api.request(.POST, "/v1/applicants", json: registration(name: #"Li\u0000Wei"#, sequence: 3))
            #expect(nul.status == 400 && nul.body.contains("NUL character"), "\(nul.status) \(nul.body)")
            let escapedBackslash = try await api.request(.POST, "/v1/applicants", json: registration(name: #"Li\\u0000Wei"#, sequence: 4))
            #expect(escapedBackslash.status == 201, "a backslash followed by the text u0000 is fine: \(escapedBackslash.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 2, "refusals stored nothing")

            let apply = #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#
            #expect(try await api.request(.POST, "/v1/applications", json: apply).status == 401)
            #expect(try await api.request(.POST, "/v1/applications", token: "ast_forged", json: apply).status == 401)
            let applied = try await api.request(.POST, "/v1/applications", token: token, json: apply)
            #expect(applied.status == 201, "\(applied.body)")
            let id = try #require(applied.json["id"] as? Int)
            #expect(try await api.request(.POST, "/v1/applications", token: token, json: apply).status == 409)
            let unknownRound = try await api.request(
                .POST, "/v1/applications", token: token, json: apply.replacingOccurrences(of: "\"round\": \(round)", with: "\"round\": 999"))
            #expect(unknownRound.status == 404, "\(unknownRound.body)")
            let badGrade = try await api.request(
                .POST, "/v1/applications", token: token, json: apply.replacingOccurrences(of: "\"grade\": 2", with: "\"grade\": 9"))
            #expect(badGrade.status == 422 && badGrade.fields == ["target.grade"], "\(badGrade.body)")

            let mine = try await api.request(.GET, "/v1/applications?limit=10", token: token)
            #expect(mine.status == 200 && (mine.json["items"] as? [[String: Any]])?.count == 1, "\(mine.body)")
            #expect(try await api.request(.GET, "/v1/applications?limit=1000", token: token).status == 400)
            #expect(try await api.request(.GET, "/v1/applications/\(id)", token: token).status == 200)
            #expect(try await api.request(.GET, "/v1/applications/abc", token: token).status == 400)

            // Another applicant never sees it.
            let other = try await api.request(.POST, "/v1/applicants", json: registration(name: "Wang Fang", sequence: 2))
            let otherToken = try #require(other.json["token"] as? String)
            #expect(try await api.request(.GET, "/v1/applications/\(id)", token: otherToken).status == 404)
            let otherAppeal = try await api.request(.POST, "/v1/applications/\(id)/appeal", token: otherToken, json: #"{"reason": "mine now"}"#)
            #expect(otherAppeal.status == 404)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM appeals") == 0)
        }
    }

    @Test("roles and ownership: a reviewer never scores another panel's case, an institution never reads another's round, only the bureau revokes")
    func authorization() async throws {
        try await API.with { api in
            let round = try await Self.setUpRound(api)
            let reviewer = try await api.workflow.issueToken(role: .reviewer, subject: "r1")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let stranger = try await api.workflow.issueToken(role: .institution, subject: "other")
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            let applicant = try #require(registered.json["token"] as? String)
            let applied = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
            let application = try #require(applied.json["id"] as? Int)

            let notTheirs = try await api.request(.POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": 80}"#)
            #expect(notTheirs.status == 403 && notTheirs.body.contains("not assigned"), "\(notTheirs.body)")
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/score", token: applicant, json: #"{"score": 80}"#).status == 403)
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": "high"}"#).status == 400)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM assignments WHERE state = 'scored'") == 0)

            let progress = try await api.request(.GET, "/v1/rounds/\(round)/progress", token: institution)
            #expect(progress.status == 200 && progress.json["state"] as? String == "open", "\(progress.body)")
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/progress", token: stranger).status == 404)
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/progress", token: applicant).status == 403)

            #expect(try await api.request(.POST, "/v1/certificates/T-1/revoke", token: institution, json: #"{"reason": "x"}"#).status == 403)
            #expect(try await api.request(.POST, "/v1/certificates/T-1/revoke", token: bureau, json: #"{"reason": "x"}"#).status == 404)
            #expect(try await api.request(.POST, "/v1/rounds/\(round)/confirm", token: bureau).status == 409, "an open round cannot be confirmed")
            #expect(try await api.request(.GET, "/v1/certificates/NOPE").status == 404)
            #expect(try await api.workflow.revokeTokens(role: .institution, subject: "other") == 1)
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/progress", token: stranger).status == 401, "a revoked token")
        }
    }

    @Test("institutions keep their pool and open rounds; reviewers see their cases blind and score them; others are refused")
    func institutionAndReviewer() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            try await api.workflow.addInstitution(id: "other", name: "Other institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let stranger = try await api.workflow.issueToken(role: .institution, subject: "other")
            for id in ["r1", "r2", "r3"] {
                let added = try await api.request(
                    .POST, "/v1/reviewers", token: institution,
                    json: #"{"id": "\#(id)", "name": "Reviewer \#(id)", "fields": ["cultural_relics_museums"], "grade": 4, "loadCap": 10}"#)
                #expect(added.status == 201, "\(added.body)")
            }
            let taken = try await api.request(
                .POST, "/v1/reviewers", token: stranger, json: #"{"id": "r1", "name": "Someone", "fields": ["art"], "grade": 5}"#)
            #expect(taken.status == 409 && taken.fields == ["id"], "another institution's reviewer id: \(taken.body)")
            let nobody = try await api.workflow.issueToken(role: .institution, subject: "no-such-institution")
            let orphan = try await api.request(
                .POST, "/v1/reviewers", token: nobody, json: #"{"id": "r9", "name": "x", "fields": ["art"], "grade": 5}"#)
            #expect(orphan.status == 404, "a token for an institution that does not exist: \(orphan.body)")
            let badReviewer = try await api.request(.POST, "/v1/reviewers", token: institution, json: #"{"id": "r 4", "name": "x", "fields": []}"#)
            #expect(badReviewer.status == 422 && badReviewer.fields == ["id"], "\(badReviewer.body)")
            let badRound = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "r", "track": "title", "field": "cultural_relics_museums", "startDate": "23/11/2026"}"#)
            #expect(badRound.status == 422 && badRound.fields == ["startDate"], "\(badRound.body)")
            let badPolicy = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"""
                    {"name": "r", "track": "title", "field": "cultural_relics_museums", "startDate": "2026-11-23", "policy": {"committeeSize": 4}}
                    """#)
            #expect(badPolicy.status == 422 && badPolicy.body.contains("committeeSize"), "\(badPolicy.body)")
            let badClock = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"""
                    {"name": "r", "track": "title", "field": "cultural_relics_museums", "startDate": "2026-11-23", "daySeconds": 0}
                    """#)
            #expect(badClock.status == 422 && badClock.fields == ["daySeconds"], "\(badClock.body)")
            let opened = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json:
                    #"{"name": "Economics 2026", "track": "title", "field": "cultural_relics_museums", "startDate": "\#(try await clearOfShanghaiMidnight { try RoundRecord.today() })", "seed": 7}"#
            )
            #expect(opened.status == 201, "\(opened.body)")
            let round = try #require(opened.json["id"] as? Int)

            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "Zhao Min"))
            let applicant = try #require(registered.json["token"] as? String)
            let declared = try await api.request(
                .PUT, "/v1/applicants/me/record", token: applicant,
                json: #"{"education": "bachelor", "workHistory": [{"employer": "Wave MCN 传媒", "start": "2012-01-01"}]}"#)
            #expect(declared.status == 204, "\(declared.body)")
            let applied = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
            let application = Int64(try #require(applied.json["id"] as? Int))
            #expect(try await api.request(.POST, "/v1/rounds/\(round)/close", token: stranger).status == 403)
            #expect(try await api.client.scalar("SELECT day_seconds FROM rounds WHERE id = \(round)") == 86_400, "a real day unless rehearsing")
            let listed = try await api.request(.GET, "/v1/rounds/\(round)/applications?state=submitted", token: institution)
            #expect(
                listed.status == 200 && (listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(application)],
                "\(listed.body)")
            #expect(!listed.body.contains("Zhao") && !listed.body.contains(residentID(born: "1990-03-01", sequence: 1)))
            let noneScored = try await api.request(.GET, "/v1/rounds/\(round)/applications?state=scored", token: institution)
            #expect((noneScored.json["items"] as? [Any])?.isEmpty == true, "\(noneScored.body)")
            let badState = try await api.request(.GET, "/v1/rounds/\(round)/applications?state=won", token: institution)
            #expect(badState.status == 400 && badState.fields == ["state"], "\(badState.body)")
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/applications", token: stranger).status == 404)
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/applications", token: applicant).status == 403)
            // The panel, as the staffing job would draw it (no workers run in this test).
            try await api.client.withTransaction(logger: .init(label: "test")) { connection in
                try await api.workflow.store.assign(
                    [application: [ReviewerID("r1"), ReviewerID("r2"), ReviewerID("r3")]], stage: .original,
                    dueAt: Date().addingTimeInterval(3_600), on: connection)
                try await connection.query("UPDATE applications SET state = 'assigned' WHERE id = \(application)", logger: .init(label: "test"))
            }
            let reviewer = try await api.workflow.issueToken(role: .reviewer, subject: "r1")
            let cases = try await api.request(.GET, "/v1/reviews", token: reviewer)
            #expect(cases.status == 200 && cases.body.contains("title cultural_relics_museums, grade 2"), "\(cases.body)")
            // Blind: no name, no identity number, no employer reaches a reviewer, by the API or the console.
            let document = residentID(born: "1990-03-01", sequence: 1)
            let blind = { (body: String) in !body.contains("Zhao") && !body.contains(document) && !body.contains("Wave MCN") }
            #expect(blind(cases.body), "reviews are blind: \(cases.body)")
            let materials = try await api.request(.GET, "/v1/reviews/\(application)", token: reviewer)
            #expect(materials.status == 200 && (materials.json["works"] as? [Any])?.isEmpty == true, "\(materials.body)")
            #expect(blind(materials.body) && !materials.body.contains("record"), "the case's materials are blind")
            var page = try await ConsoleVisitor.signedIn(api, .reviewer, "r1")
            for path in ["/console/reviews", "/console/reviews/\(application)"] {
                let shown = try await page.get(path)
                #expect(shown.status == 200 && blind(shown.body), "\(path) is blind")
            }
            let outsider = try await api.workflow.issueToken(role: .reviewer, subject: "r9")
            #expect(try await api.request(.GET, "/v1/reviews/\(application)", token: outsider).status == 404, "not their case")
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": 101}"#).status == 422)
            let long = String(repeating: "长", count: 2_001)
            let wordy = try await api.request(
                .POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": 80, "comment": "\#(long)"}"#)
            #expect(wordy.status == 422 && wordy.fields == ["comment"], "\(wordy.body.prefix(200))")
            let scored = try await api.request(
                .POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": 81.5, "comment": "  扎实  "}"#)
            #expect(scored.status == 204)
            #expect(try await api.client.text("SELECT comment FROM assignments WHERE reviewer_id = 'r1'") == "扎实", "kept, trimmed")
            #expect(try await api.request(.GET, "/v1/reviews/\(application)", token: reviewer).status == 404, "a scored case is closed")
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/score", token: reviewer, json: #"{"score": 90}"#).status == 409)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM assignments WHERE state = 'scored' AND score = 81.5") == 1)
            // r2 declares a conflict: the case goes to a fresh reviewer, never back to r1, r2 or r3.
            try await api.workflow.addReviewer(
                Reviewer(id: ReviewerID("r4"), fields: ["cultural_relics_museums"], loadCap: 10), name: "r4", institution: "inst")
            let second = try await api.workflow.issueToken(role: .reviewer, subject: "r2")
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/conflict", token: second).status == 202)
            #expect(try await api.request(.POST, "/v1/reviews/\(application)/conflict", token: second).status == 403, "no longer theirs")
            #expect(
                try await api.client.scalar(
                    """
                    SELECT count(*)::int FROM assignments WHERE application_id = \(application) AND reviewer_id = 'r4' AND state = 'assigned'
                    """) == 1)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM assignments WHERE reviewer_id = 'r2' AND state = 'replaced'") == 1)

            let foreignDraw = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: stranger, json: "{}")
            #expect(foreignDraw.status == 404, "another institution's round: \(foreignDraw.body)")
            let countsOnly = try await api.request(
                .POST, "/v1/applications/\(application)/vote", token: stranger, json: #"{"members": 1, "yes": 1, "no": 0, "abstain": 0}"#)
            #expect(countsOnly.status == 404, "a committee is no number a caller supplies: \(countsOnly.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM votes") == 0)
            let early = try await api.request(
                .POST, "/v1/applications/\(application)/objections",
                json: #"{"filedBy": "a fellow creator", "contact": "fellow@example.org", "statement": "not during scoring"}"#)
            #expect(early.status == 409, "objections wait for the public notice: \(early.body)")
            let notifications = try await api.request(.GET, "/v1/notifications", token: applicant)
            #expect(notifications.status == 200 && notifications.body.contains("registered"), "\(notifications.body)")
            let first = try #require((notifications.json["items"] as? [[String: Any]])?.first)
            #expect((first["createdAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil, "dates are ISO 8601: \(first)")
        }
    }

    @Test("applicants sign in with document and password; wrong passwords are rate-limited per account with Retry-After")
    func signIn() async throws {
        try await API.with { api in
            #expect(try await api.request(.POST, "/v1/applicants", json: registration()).status == 201)
            let short = try await api.request(
                .POST, "/v1/applicants", json: registration(sequence: 2).replacingOccurrences(of: "correct horse battery", with: "short"))
            #expect(short.status == 422 && short.fields == ["password"], "\(short.body)")
            let number = residentID(born: "1990-03-01", sequence: 1)
            func attempt(_ password: String, number: String = number) async throws -> API.Reply {
                try await api.request(
                    .POST, "/v1/sessions", json: #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "\#(password)"}"#)
            }
            let good = try await attempt("correct horse battery")
            #expect(good.status == 201, "\(good.body)")
            let token = try #require(good.json["token"] as? String)
            #expect(try await api.request(.GET, "/v1/applications", token: token).status == 200)
            let unknown = try await attempt("correct horse battery", number: residentID(born: "1991-01-01", sequence: 9))
            #expect(unknown.status == 401 && unknown.body.contains("the document or the password is wrong"))
            for _ in 0..<5 { #expect(try await attempt("wrong password!").status == 401) }
            let limited = try await attempt("correct horse battery")
            #expect(limited.status == 429, "\(limited.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicant_passwords WHERE hash LIKE 'scrypt$%'") == 1)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicant_passwords WHERE hash LIKE '%correct%'") == 0)
        }
    }

    @Test("sign-in holds under concurrency and abuse: 20 concurrent wrong passwords check at most 5; no lock-out from elsewhere; no spraying")
    func signInAbuse() async throws {
        try await API.with(trustedProxies: ["127.0.0.1"]) { api in
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            #expect(registered.status == 201)
            #expect(
                try await api.client.scalar(
                    """
                    SELECT count(*)::int FROM api_tokens WHERE role = 'applicant' AND expires_at BETWEEN now() + interval '11 hours' AND now() + interval '13 hours'
                    """) == 1, "the registration token expires like a sign-in token")
            let number = residentID(born: "1990-03-01", sequence: 1)
            func attempt(_ password: String, from address: String, number: String = number) async throws -> Int {
                try await api.request(
                    .POST, "/v1/sessions", json: #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "\#(password)"}"#,
                    forwardedFor: address
                ).status
            }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await attempt("wrong password!", from: "203.0.113.9") } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(
                statuses.filter { $0 == 401 }.count <= 5 && statuses.filter { $0 == 429 }.count >= 15
                    && statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses.sorted())")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM sign_in_failures") <= 5, "at most 5 passwords were checked")
            #expect(try await attempt("correct horse battery", from: "203.0.113.9") == 429, "the guessing address stays locked")
            #expect(try await attempt("correct horse battery", from: "198.51.100.4") == 201, "the holder, elsewhere, is not locked out")

            // One address spraying one password over many accounts (registered or not) is stopped.
            var sprayed: [Int] = []
            for sequence in 100..<122 {
                sprayed.append(try await attempt("Password123!", from: "192.0.2.77", number: residentID(born: "1985-05-05", sequence: sequence)))
            }
            #expect(sprayed.prefix(20).allSatisfy { $0 == 401 } && sprayed.suffix(2).allSatisfy { $0 == 429 }, "\(sprayed)")
            let limited = try await api.request(
                .POST, "/v1/sessions", json: #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "x"}"#,
                forwardedFor: "192.0.2.77")
            #expect(limited.status == 429 && limited.body.contains("from your address"))
        }
    }

    @Test("anonymous doors: objections need a contact and are limited per address and per result, dismissed in bulk; certificates by number and name")
    func anonymousDoors() async throws {
        try await API.with(trustedProxies: ["127.0.0.1"]) { api in
            let round = try await Self.setUpRound(api)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "王 小明"))
            let token = try #require(registered.json["token"] as? String)
            let application = try #require(
                try await api.request(
                    .POST, "/v1/applications", token: token,
                    json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#
                ).json["id"] as? Int)
            // As the workflow leaves a published result.
            try await api.client.query("UPDATE rounds SET state = 'public_notice' WHERE id = \(round)")
            try await api.client.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(application)")
            func object(from address: String, contact: String = "someone@example.org") async throws -> API.Reply {
                try await api.request(
                    .POST, "/v1/applications/\(application)/objections",
                    json: #"{"filedBy": "a viewer", "contact": "\#(contact)", "statement": "copied works"}"#, forwardedFor: address)
            }
            let anonymous = try await api.request(
                .POST, "/v1/applications/\(application)/objections",
                json: #"{"filedBy": "a viewer", "statement": "copied works"}"#)
            #expect(anonymous.status == 400 && anonymous.fields == ["contact"], "\(anonymous.body)")
            let badContact = try await object(from: "192.0.2.1", contact: "call me")
            #expect(badContact.status == 422 && badContact.fields == ["contact"], "\(badContact.body)")
            for _ in 0..<5 { #expect(try await object(from: "192.0.2.1").status == 201) }
            let flooding = try await object(from: "192.0.2.1", contact: "+86 21 5555 0101")
            #expect(flooding.status == 429 && flooding.body.contains("one address"), "\(flooding.body)")
            for index in 2..<17 { #expect(try await object(from: "192.0.2.\(index)").status == 201) }
            let full = try await object(from: "198.51.100.1")
            #expect(full.status == 429 && full.body.contains("20 open objections"), "\(full.body)")

            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let other = try await api.workflow.issueToken(role: .institution, subject: "other")
            let open = try await api.request(.GET, "/v1/rounds/\(round)/objections?state=open&limit=100", token: institution)
            let items = try #require(open.json["items"] as? [[String: Any]])
            #expect(items.count == 20 && items.allSatisfy { $0["contact"] as? String == "someone@example.org" })
            let ids = items.compactMap { $0["id"] as? Int }
            let body = #"{"objections": \#(ids), "reason": "a coordinated flood without evidence"}"#
            #expect(try await api.request(.POST, "/v1/rounds/\(round)/objections/dismiss", token: other, json: body).status == 403)
            let dismissed = try await api.request(.POST, "/v1/rounds/\(round)/objections/dismiss", token: institution, json: body)
            #expect(dismissed.status == 200 && dismissed.json["dismissed"] as? Int == 20, "\(dismissed.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM objections WHERE state = 'open'") == 0, "nothing holds the round")
            #expect(
                try await api.client.scalar(
                    """
                    SELECT count(*)::int FROM objections WHERE state = 'dismissed' AND resolution = 'a coordinated flood without evidence'
                    """) == 20)

            let number = try await api.client.withConnection { connection in
                try await api.workflow.store.issueCertificate(
                    application: Int64(application), issuedOn: CalendarDate(iso: "2026-12-01")!, rehearsal: false,
                    signer: .ephemeral(), on: connection)
            }
            let bare = try await api.request(.GET, "/v1/certificates/\(number)")
            #expect(bare.status == 200 && bare.json["exists"] as? Bool == true && bare.json["holder"] == nil, "\(bare.body)")
            #expect(try await api.request(.GET, "/v1/certificates/\(number)?name=%E7%8E%8B%E5%B0%8F%E7%BA%A2").status == 404, "another name")
            let named = try await api.request(.GET, "/v1/certificates/\(number)?name=%E7%8E%8B%E5%B0%8F%E6%98%8E")
            #expect(named.status == 200 && named.json["holder"] as? String == "王***", "\(named.body)")
            var statuses: [Int] = []
            for _ in 0..<60 {
                statuses.append(try await api.request(.GET, "/v1/certificates/S\(Int.random(in: 1...999_999))", forwardedFor: "203.0.113.50").status)
            }
            #expect(statuses.allSatisfy { $0 == 404 }, "guesses find nothing")
            let limited = try await api.request(.GET, "/v1/certificates/\(number)", forwardedFor: "203.0.113.50")
            #expect(limited.status == 429 && limited.body.contains("too many look-ups"), "\(limited.body)")
            #expect(try await api.request(.GET, "/v1/certificates/\(number)", forwardedFor: "203.0.113.51").status == 200, "other addresses go on")

            // The bureau's register lists it, masked as a notice masks names; nobody else reads the register.
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer")
            let register = try await api.request(.GET, "/v1/certificates?round=\(round)", token: bureau)
            let listed = try #require((register.json["items"] as? [[String: Any]])?.first, "\(register.body)")
            #expect(listed["number"] as? String == number && listed["holder"] as? String == "王***" && listed["round"] as? Int == Int(round))
            #expect((try await api.request(.GET, "/v1/certificates?round=\(round + 1)", token: bureau).json["items"] as? [Any])?.isEmpty == true)
            #expect(try await api.request(.GET, "/v1/certificates?round=0", token: bureau).status == 400)
            #expect(try await api.request(.GET, "/v1/certificates", token: institution).status == 403)
            var officer = try await ConsoleVisitor.signedIn(api, .bureau, "officer")
            let page = try await officer.get("/console/certificates?round=\(round)")
            #expect(page.status == 200 && page.body.contains(number) && page.body.contains("王***") && !page.body.contains("王小明"))
            #expect(try await officer.get("/console/bureau?number=\(number)").body.contains("value=\"\(number)\""), "the revoke form is filled in")
        }
    }

    @Test("identity rules: no birth date in the future or before 1900, one number registers once, passports by country and number")
    func identityRules() async throws {
        try await API.with { api in
            func register(_ kind: String, _ number: String, born: String, country: String? = nil) async throws -> API.Reply {
                let issuing = country.map { #", "issuingCountry": "\#($0)""# } ?? ""
                return try await api.request(
                    .POST, "/v1/applicants",
                    json: #"""
                        {"name": "Ana", "document": {"kind": "\#(kind)", "number": "\#(number)", "birthDate": "\#(born)"\#(issuing)},
                         "education": "bachelor", "password": "correct horse battery",
                         "consent": {"notice": 1, "sensitiveData": true, "sharing": true}}
                        """#)
            }
            let future = try await register("resident_id", residentID(born: "2090-01-01", sequence: 1), born: "2090-01-01")
            #expect(future.status == 422 && future.fields == ["document.birthDate"], "\(future.body)")
            let ancient = try await register("passport", "P1234567", born: "1899-12-31", country: "GBR")
            #expect(ancient.status == 422 && ancient.body.contains("from 1900-01-01") && ancient.fields == ["document.birthDate"], "\(ancient.body)")

            // A 2023 permanent residence ID declared as an adult's, whose embedded birth date says 15.
            let minor = "931586" + String(residentID(born: "2011-06-01", sequence: 7).dropFirst(6))
            let number = String(minor.prefix(17)) + String(IdentityDocument.checkCharacter(of: minor.prefix(17)))
            let lie = try await register("foreign_permanent_residence_id", number, born: "1990-06-01")
            #expect(lie.status == 422 && lie.fields == ["document.number"], "\(lie.body)")
            #expect(!lie.body.contains(number), "the refusal never echoes the number")
            #expect(try await register("foreign_permanent_residence_id", number, born: "2011-06-01").status == 201)
            let again = try await register("resident_id", number, born: "2011-06-01")
            #expect(again.status == 422, "a 9… number is not a resident ID: \(again.body)")

            #expect(try await register("passport", "X1234567", born: "1980-01-01", country: "GBR").status == 201)
            #expect(try await register("passport", "X1234567", born: "1981-01-01", country: "USA").status == 201, "another country's same number")
            #expect(try await register("passport", "x1234567", born: "1980-01-01", country: "gbr").status == 409)
            func signIn(_ country: String?) async throws -> Int {
                let issuing = country.map { #", "issuingCountry": "\#($0)""# } ?? ""
                return try await api.request(
                    .POST, "/v1/sessions",
                    json: #"""
                        {"document": {"kind": "passport", "number": "X1234567"\#(issuing)}, "password": "correct horse battery"}
                        """#
                ).status
            }
            #expect(try await signIn("USA") == 201)
            #expect(try await signIn("GBR") == 201)
            #expect(try await signIn("FRA") == 401)
            #expect(try await signIn(nil) == 422)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 3)
        }
    }

    @Test("subscriptions over the API: https only, own recipient only, secrets shown once, dead letters listed and re-driven")
    func subscriptions() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            let applicant = try #require(registered.json["token"] as? String)
            let plain = try await api.request(.POST, "/v1/subscriptions", token: institution, json: #"{"url": "http://hooks.example/a"}"#)
            #expect(plain.status == 422 && plain.fields == ["url"], "\(plain.body)")
            let foreign = try await api.request(
                .POST, "/v1/subscriptions", token: institution,
                json: #"{"url": "https://hooks.example/a", "recipient": "applicant:*"}"#)
            #expect(foreign.status == 403)
            let inside = try await api.request(.POST, "/v1/subscriptions", token: institution, json: #"{"url": "https://169.254.169.254/latest"}"#)
            #expect(inside.status == 422 && inside.fields == ["url"] && inside.body.contains("link-local"), "\(inside.body)")
            // An endpoint nobody listens on: its delivery dies quickly with this test's few attempts.
            let created = try await api.request(
                .POST, "/v1/subscriptions", token: institution,
                json: #"{"url": "https://127.0.0.1:9/hook", "events": ["round opened"]}"#)
            #expect(created.status == 201 && (created.json["secret"] as? String)?.hasPrefix("whsec_") == true, "\(created.body)")
            let id = try #require(created.json["id"] as? Int)
            let listed = try await api.request(.GET, "/v1/subscriptions", token: institution)
            #expect(listed.status == 200 && listed.body.contains("https://127.0.0.1:9/hook") && !listed.body.contains("whsec_"))
            #expect(try await api.request(.GET, "/v1/subscriptions/\(id)/dead", token: applicant).status == 404, "another's subscription")
            // A dead delivery, as the delivery job leaves it after its last attempt.
            try await api.client.query(
                """
                INSERT INTO notification_outbox (idempotency_key, recipient, event, payload) VALUES ('k1', 'institution:inst', 'round opened', '{}')
                """)
            try await api.client.query(
                """
                INSERT INTO notification_deliveries (outbox_id, subscription_id, state, attempts, last_error, finished_at)
                SELECT id, \(id), 'dead', 12, 'connection refused', now() FROM notification_outbox WHERE idempotency_key = 'k1'
                """)
            let dead = try await api.request(.GET, "/v1/subscriptions/\(id)/dead", token: institution)
            #expect(dead.status == 200 && dead.body.contains("connection refused") && dead.body.contains("k1"), "\(dead.body)")
            let redriven = try await api.request(.POST, "/v1/subscriptions/\(id)/redrive", token: institution)
            #expect(redriven.status == 202 && redriven.json["redriven"] as? Int == 1, "\(redriven.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'notify.deliver'") == 1)
            let rotated = try await api.request(.POST, "/v1/subscriptions/\(id)/rotate-secret", token: institution, json: #"{"overlapHours": 2}"#)
            #expect(rotated.status == 200 && (rotated.json["secret"] as? String)?.hasPrefix("whsec_") == true)
        }
    }

    @Test("bad input on every write route: malformed JSON, the wrong shape, a bad path id; each a problem+json 400 that changes nothing")
    func badInputEverywhere() async throws {
        try await API.with { api in
            _ = try await Self.setUpRound(api)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            let applicant = try #require(registered.json["token"] as? String)
            let tokens: [Principal.Role: String] = [
                .applicant: applicant,
                .institution: try await api.workflow.issueToken(role: .institution, subject: "inst"),
                .reviewer: try await api.workflow.issueToken(role: .reviewer, subject: "r1"),
                .bureau: try await api.workflow.issueToken(role: .bureau, subject: "officer-7"),
                .operations: try await api.workflow.issueToken(role: .operations, subject: "ops"),
            ]
            let subscribed = try await api.request(
                .POST, "/v1/subscriptions", token: tokens[.institution], json: #"{"url": "https://hooks.example/a"}"#)
            #expect(subscribed.status == 201 && subscribed.json["id"] as? Int == 1, "the subscription the routes below name")
            // Route, the role it is for (nil: anyone), whether it takes a body.
            let routes: [(String, Principal.Role?, Bool)] = [
                ("/v1/applicants", nil, true), ("/v1/sessions", nil, true), ("/v1/applications", .applicant, true),
                ("/v1/consents", .applicant, true), ("/v1/me/erasure", .applicant, false),
                ("/v1/applications/{id}/correction-request", .applicant, true), ("/v1/correction-requests/{id}/answer", .institution, true),
                ("/v1/applications/{id}/appeal", .applicant, true), ("/v1/applications/{id}/objections", nil, true),
                ("/v1/reviews/{id}/conflict", .reviewer, false), ("/v1/reviews/{id}/score", .reviewer, true),
                ("/v1/reviewers", .institution, true), ("/v1/rounds", .institution, true), ("/v1/rounds/{id}/close", .institution, false),
                ("/v1/rounds/{id}/calendar/schedules", .institution, true), ("/v1/institutions", .bureau, true),
                ("/v1/applications/{id}/skills-result", .institution, true),
                ("/v1/rounds/{id}/committee", .institution, true), ("/v1/rounds/{id}/meetings", .institution, true),
                ("/v1/meetings/{id}/close", .institution, false), ("/v1/meetings/{id}/ballot", .reviewer, true),
                ("/v1/objections/{id}/handle", .institution, true), ("/v1/rounds/{id}/confirm", .bureau, false),
                ("/v1/rounds/{id}/objections/dismiss", .institution, true),
                ("/v1/certificates/{number}/revoke", .bureau, true), ("/v1/subscriptions", .institution, true),
                ("/v1/subscriptions/{id}/rotate-secret", .institution, true), ("/v1/subscriptions/{id}/redrive", .institution, false),
                ("/v1/applications/{id}/formal-check", .institution, true), ("/v1/applications/{id}/resubmit", .applicant, false),
                ("/v1/reviewers/{reviewer}/status", .institution, true), ("/v1/reviewers/import", .institution, false),
                ("/v1/applications/{id}/eligibility-appeal", .institution, true), ("/v1/rounds/{id}/exam-results", .institution, false),
                ("/v1/rounds/{id}/sittings", .institution, true), ("/v1/sittings/{id}/cancel", .institution, true),
                ("/v1/sittings/{id}/theory-marks", .institution, false), ("/v1/sittings/{id}/absences", .institution, true),
                ("/v1/sittings/{id}/marks", .reviewer, true), ("/v1/sittings/{id}/marks/confirm", .reviewer, true),
                ("/v1/sittings/{id}/confirm", .bureau, false), ("/v1/remarks/{id}", .reviewer, true),
                ("/v1/sittings/{id}/theory-mark", .reviewer, true), ("/v1/applications/{id}/appeal/redraw", .institution, false),
                ("/v1/ops/probes", .operations, true),
                // Its body is a file's bytes, not JSON: a bad path id is still refused before the body is read.
                ("/v1/applications/{id}/files", .applicant, false),
            ]
            #expect(Set(routes.map { "POST " + $0.0 }) == Set(api.server.routes().filter { $0.hasPrefix("POST ") }), "every write route is here")
            let fingerprint: PostgresQuery = """
                SELECT (SELECT count(*) FROM applicants) || ',' || (SELECT count(*) FROM applications) || ',' || (SELECT count(*) FROM rounds)
                    || ',' || (SELECT count(*) FROM reviewers) || ',' || (SELECT count(*) FROM votes) || ',' || (SELECT count(*) FROM objections)
                    || ',' || (SELECT count(*) FROM appeals) || ',' || (SELECT count(*) FROM assignments WHERE state <> 'assigned')
                    || ',' || (SELECT count(*) FROM notification_subscriptions) || ',' || (SELECT count(*) FROM jobs)
                    || ',' || (SELECT count(*) FROM stored_files) || ',' || (SELECT count(*) FROM application_files)
                    || ',' || (SELECT count(*) FROM sittings) || ',' || (SELECT count(*) FROM sitting_marks)
                    || ',' || (SELECT count(*) FROM sitting_results) || ',' || (SELECT count(*) FROM privacy_requests)
                """
            let before = try await api.client.text(fingerprint)
            for (route, role, takesBody) in routes {
                let token = role.flatMap { tokens[$0] }
                let path = route.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{number}", with: "T-1").replacingOccurrences(
                    of: "{reviewer}", with: "r1")
                if takesBody {
                    let malformed = try await api.request(.POST, path, token: token, json: #"{"broken": "#)
                    #expect(
                        malformed.status == 400 && malformed.contentType == "application/problem+json",
                        "\(route) malformed: \(malformed.status) \(malformed.body)")
                    let wrongShape = try await api.request(.POST, path, token: token, json: "[1, 2, 3]")
                    #expect(
                        wrongShape.status == 400 && wrongShape.contentType == "application/problem+json",
                        "\(route) array: \(wrongShape.status) \(wrongShape.body)")
                }
                if route.contains("{id}") {
                    let badID = try await api.request(
                        .POST, route.replacingOccurrences(of: "{id}", with: "-5"), token: token,
                        json: takesBody ? "{}" : nil)
                    #expect(badID.status == 400, "\(route) with id -5: \(badID.status) \(badID.body)")
                }
            }
            #expect(try await api.client.text(fingerprint) == before, "refused requests changed nothing")
        }
    }

    @Test("an operator probes the deployment through the API: one job per key in one transaction, a repeat makes none twice")
    func probesThroughTheAPI() async throws {
        try await API.with { api in
            let operatorToken = try await api.workflow.issueToken(role: .operations, subject: "ops")
            let body = #"{"keys": ["p-1", "p-2", "p-3"], "milliseconds": 5}"#
            let first = try await api.request(.POST, "/v1/ops/probes", token: operatorToken, json: body)
            #expect(first.status == 201, "\(first.body)")
            let jobs = try #require(first.json["jobs"] as? [[String: Any]])
            #expect(jobs.map { $0["key"] as? String } == ["p-1", "p-2", "p-3"] && jobs.allSatisfy { $0["duplicate"] as? Bool == false })
            // Sent again, as after an answer lost on the way: the same jobs, flagged, and no new row.
            let again = try await api.request(.POST, "/v1/ops/probes", token: operatorToken, json: body)
            let repeated = try #require(again.json["jobs"] as? [[String: Any]])
            #expect(again.status == 201 && repeated.map { $0["id"] as? Int } == jobs.map { $0["id"] as? Int })
            #expect(repeated.allSatisfy { $0["duplicate"] as? Bool == true })
            #expect(try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe'") == 3)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND args->>'milliseconds' = '5'") == 3)
            // One bad key refuses the whole request: nothing is half-written.
            let bad = try await api.request(.POST, "/v1/ops/probes", token: operatorToken, json: #"{"keys": ["p-4", ""]}"#)
            #expect(bad.status == 422 && bad.fields == ["keys"], "\(bad.body)")
            let repeatedKey = try await api.request(.POST, "/v1/ops/probes", token: operatorToken, json: #"{"keys": ["p-5", "p-5"]}"#)
            #expect(repeatedKey.status == 422, "\(repeatedKey.body)")
            let tooLong = try await api.request(.POST, "/v1/ops/probes", token: operatorToken, json: #"{"keys": ["p-6"], "milliseconds": 10001}"#)
            #expect(tooLong.status == 422 && tooLong.fields == ["milliseconds"], "\(tooLong.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe'") == 3)
            // For operators only.
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            #expect(try await api.request(.POST, "/v1/ops/probes", token: institution, json: body).status == 403)
            #expect(try await api.request(.POST, "/v1/ops/probes", json: body).status == 401)
        }
    }

    @Test("health, readiness and metrics answer; metrics count requests by route and status")
    func operations() async throws {
        try await API.with { api in
            #expect(try await api.request(.GET, "/healthz").status == 200)
            #expect(try await api.request(.GET, "/readyz").status == 200)
            let wrongMethod = try await api.request(.DELETE, "/v1/applications")
            #expect(
                wrongMethod.status == 405 && (wrongMethod.body.contains("GET or POST") || wrongMethod.body.contains("POST or GET")),
                "\(wrongMethod.body)")
            // A path with a parameter: the router's own routes say which methods it takes.
            let wrongOnParameter = try await api.request(.PUT, "/v1/rounds/7/objections")
            #expect(wrongOnParameter.status == 405 && wrongOnParameter.body.contains("use GET"), "\(wrongOnParameter.body)")
            #expect(try await api.request(.GET, "/v1/nothing-here").status == 404)
            _ = try await api.request(.GET, "/v1/certificates/NOPE")
            let metrics = try await api.request(.GET, "/metrics")
            #expect(metrics.status == 200)
            // The registry is the process's: other tests of this process may have asked for certificates too.
            #expect(
                metrics.body.contains(/assess_http_requests_total\{route="\/v1\/certificates\/\{number\}",method="GET",status="404"\} [1-9]/),
                "\(metrics.body)")
            #expect(metrics.body.contains("assess_http_request_duration_seconds_bucket"))
            // A job that waited 2 s past its run time and ran 0.5 s shows in the job latency gauges.
            try await api.client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, run_at, attempted_at, finished_at)
                VALUES ('mail', 'x', '{}', 'completed', now() - interval '3 s', now() - interval '1 s', now() - interval '0.5 s')
                """)
            let withJobs = try await api.request(.GET, "/metrics")
            #expect(withJobs.body.contains(#"assess_job_wait_seconds{queue="mail",quantile="0.5"} 2.0"#), "\(withJobs.body)")
            #expect(withJobs.body.contains(#"assess_job_run_seconds{queue="mail",quantile="0.99"} 0.5"#))
            #expect(withJobs.body.contains("# TYPE assess_job_wait_seconds gauge"), "queue figures are gauges")
            // Queue counts are gauges of every state, and a queue that is gone leaves the exposition.
            try await api.client.query("INSERT INTO queue_stats (queue, state, jobs) VALUES ('mail', 'available', 3)")
            let counted = try await api.request(.GET, "/metrics").body
            #expect(counted.contains(/assess_queue_jobs\{queue="mail",state="available"\} 3(\.0)?\n/), "\(counted)")
            #expect(counted.contains(/assess_queue_jobs\{queue="mail",state="discarded"\} 0(\.0)?\n/), "\(counted)")
            try await api.client.query("DELETE FROM queue_stats")
            #expect(!(try await api.request(.GET, "/metrics").body.contains(#"assess_queue_jobs{queue="mail""#)))
            // A running job's progress, as its handler reports it, is a gauge of its own until it ends.
            let running = try await api.client.scalar(
                """
                INSERT INTO jobs (queue, kind, args, state, attempt, attempted_at, lease_token, lease_deadline, leased_by, progress)
                VALUES ('mail', 'issue', '{}', 'running', 1, now(), gen_random_uuid(), now() + interval '1 min', 'w', 40) RETURNING id::int
                """)
            let progressing = try await api.request(.GET, "/metrics").body
            #expect(progressing.contains(#"assess_job_progress_ratio{queue="mail",kind="issue",job="\#(running)"} 0.4"#), "\(progressing)")
            try await api.client.query(
                "UPDATE jobs SET state = 'completed', finished_at = now(), lease_token = NULL, lease_deadline = NULL WHERE id = \(running)")
            #expect(!(try await api.request(.GET, "/metrics").body.contains("assess_job_progress_ratio{")))
        }
    }
}
