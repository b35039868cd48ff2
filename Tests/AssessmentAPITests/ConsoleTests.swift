import AsyncHTTPClient
import Foundation
import JobQueue
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
import Workflow

@testable import AssessmentAPI

/// A browser's part of the HTTP, without a browser: cookies kept between requests, forms sent
/// URL-encoded. The real browser drives the same pages in `ConsoleBrowserTests`.
struct ConsoleVisitor {
    /// The consent boxes of the registration form, all ticked, under the notice in force.
    static let consent = [
        ("consentNotice", String(PrivacyNotice.current.version)), ("consentRead", "yes"), ("consentSensitive", "yes"), ("consentSharing", "yes"),
    ]

    let api: API
    var cookies: [String: String] = [:]
    var acceptLanguage: String? = nil

    struct Page {
        let status: Int
        let body: String
        let headers: HTTPHeaders
        var location: String? { headers.first(name: "Location") }
    }

    /// A visitor who registered as an applicant through the register page.
    static func registered(_ api: API, name: String = "Li Wei", born: String = "1990-03-01", sequence: Int) async throws -> ConsoleVisitor {
        var visitor = ConsoleVisitor(api: api)
        _ = try await visitor.get("/console/register")
        let page = try await visitor.post(
            "/console/register",
            [
                ("name", name), ("kind", "resident_id"), ("number", residentID(born: born, sequence: sequence)), ("birthDate", born),
                ("education", "bachelor"), ("password", "correct horse battery"),
            ] + ConsoleVisitor.consent)
        #expect(page.status == 303, "\(page.body.prefix(300))")
        return visitor
    }

    /// A visitor signed in with a token issued for `role`.
    static func signedIn(_ api: API, _ role: Principal.Role, _ subject: String) async throws -> ConsoleVisitor {
        var visitor = ConsoleVisitor(api: api)
        _ = try await visitor.get("/console/sign-in")
        let page = try await visitor.post("/console/sign-in/token", [("token", try await api.workflow.issueToken(role: role, subject: subject))])
        #expect(page.status == 303, "\(page.body.prefix(300))")
        return visitor
    }

    /// The CSRF token the last page's forms carry.
    var csrf: String { cookies["assess_csrf"] ?? "" }

    mutating func get(_ path: String) async throws -> Page {
        try await send(.GET, path, form: nil)
    }

    mutating func post(_ path: String, _ form: [(String, String)], csrf: String? = nil) async throws -> Page {
        let fields = [("csrf", csrf ?? self.csrf)] + form
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await send(.POST, path, form: body)
    }

    /// A form with a file, as a browser sends an `enctype="multipart/form-data"` form.
    mutating func postFile(_ path: String, _ form: [(String, String)] = [], file: (name: String, type: String, bytes: String)) async throws -> Page {
        let boundary = "----console-test-\(UInt32.random(in: 0...UInt32.max))"
        var body = ""
        for (name, value) in [("csrf", csrf)] + form {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n"
        body += file.bytes + "\r\n--\(boundary)--\r\n"
        return try await send(.POST, path, form: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    private mutating func send(
        _ method: HTTPMethod, _ path: String, form: String?, contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> Page {
        var request = HTTPClientRequest(url: api.base + path)
        request.method = method
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let acceptLanguage { request.headers.add(name: "Accept-Language", value: acceptLanguage) }
        if let form {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await api.http.execute(request, timeout: .seconds(90))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 22))
        for header in response.headers["Set-Cookie"] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: Int(response.status.code), body: body, headers: response.headers)
    }
}

@Suite("the web console over HTTP")
struct ConsoleTests {
    @Test("every text of the pages exists in Chinese and English once, and every text a template names exists")
    func texts() throws {
        let keys = ConsoleText.entries.map(\.0)
        #expect(Set(keys).count == keys.count, "written twice: \(Dictionary(grouping: keys) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        #expect(ConsoleText.entries.allSatisfy { !$0.1.zh.isEmpty && !$0.1.en.isEmpty })
        let folder = URL(fileURLWithPath: "Sources/AssessmentAPI/Console/Assets")
        var named = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            // A dot in a name is a path to Mustache (`t.track.title` reads `title` of `track`), so names have none.
            for match in text.matches(of: /\{\{[#^\/]?t\.([A-Za-z0-9.]+)\}\}/) { named.insert(String(match.1)) }
        }
        #expect(named.count > 100 && named.subtracting(keys).isEmpty, "templates name texts that do not exist: \(named.subtracting(keys).sorted())")
        #expect(!named.contains { $0.contains(".") }, "a text named with a dot renders empty: \(named.filter { $0.contains(".") }.sorted())")
    }

    @Test("pages are Chinese first with an English switch, cookies are Secure, HttpOnly and SameSite=Strict, and the headers lock the page down")
    func languageCookiesAndHeaders() async throws {
        try await API.with { api in
            var visitor = ConsoleVisitor(api: api)
            let home = try await visitor.get("/console")
            #expect(home.status == 200 && home.body.contains("核验证书") && home.body.contains("<html lang=\"zh-CN\">"))
            #expect(home.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(home.headers.first(name: "Cache-Control") == "no-store")
            let set = home.headers["Set-Cookie"].joined(separator: "\n")
            #expect(set.contains("assess_csrf=") && set.contains("Secure") && set.contains("HttpOnly") && set.contains("SameSite=Strict"), "\(set)")
            let english = try await visitor.get("/console?lang=en")
            #expect(english.body.contains("Verify a certificate") && english.body.contains("<html lang=\"en\">"))
            #expect(try await visitor.get("/console").body.contains("Verify a certificate"), "the choice is kept in a cookie")
            var browser = ConsoleVisitor(api: api, acceptLanguage: "en-GB,en;q=0.9")
            #expect(try await browser.get("/console").body.contains("Verify a certificate"), "Accept-Language is followed")
            let root = try await visitor.get("/")
            #expect(root.status == 303 && root.location == "/console")
            let stylesheet = try await visitor.get("/console/assets/console.css")
            #expect(stylesheet.status == 200 && stylesheet.body.contains("--accent"))
        }
    }

    @Test("a form without its CSRF token, or with another visitor's, is refused and changes nothing")
    func csrf() async throws {
        try await API.with { api in
            var visitor = ConsoleVisitor(api: api)
            _ = try await visitor.get("/console/register")
            let fields: [(String, String)] =
                [
                    ("name", "Li Wei"), ("kind", "resident_id"), ("number", residentID(born: "1990-03-01", sequence: 7)), ("birthDate", "1990-03-01"),
                    ("education", "bachelor"), ("password", "correct horse battery"),
                ] + ConsoleVisitor.consent
            let forged = try await visitor.post("/console/register", fields, csrf: "x")
            #expect(forged.status == 403 && forged.body.contains("表单已过期或来自其他网站"), "\(forged.body.prefix(300))")
            var other = ConsoleVisitor(api: api)
            _ = try await other.get("/console")
            let crossed = try await visitor.post("/console/register", fields, csrf: other.csrf)
            #expect(crossed.status == 403)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 0, "nothing was registered")
            let registered = try await visitor.post("/console/register", fields)
            #expect(registered.status == 303 && registered.location == "/console/me", "\(registered.body.prefix(500))")
            #expect(visitor.cookies["assess_session"] != nil)
        }
    }

    @Test("bad input on a form is a 4xx page naming the field, never a 500; a page that needs sign-in sends the visitor to it")
    func refusals() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            var visitor = ConsoleVisitor(api: api)
            let away = try await visitor.get("/console/me")
            #expect(away.status == 303 && away.location == "/console/sign-in?next=/console/me")
            _ = try await visitor.get("/console/register")
            let weak = try await visitor.post(
                "/console/register",
                [
                    ("name", "Li Wei"), ("kind", "resident_id"), ("number", residentID(born: "1990-03-01", sequence: 8)), ("birthDate", "1990-03-01"),
                    ("education", "bachelor"), ("password", "short"),
                ] + ConsoleVisitor.consent)
            #expect(weak.status == 422 && weak.body.contains("password") && weak.body.contains("12 至 200"), "\(weak.body.prefix(400))")
            _ = try await visitor.post(
                "/console/register",
                [
                    ("name", "Li Wei"), ("kind", "resident_id"), ("number", residentID(born: "1990-03-01", sequence: 8)), ("birthDate", "1990-03-01"),
                    ("education", "bachelor"), ("password", "correct horse battery"),
                ] + ConsoleVisitor.consent)
            for (round, grade) in [("99999999999999999999999", "2"), ("-1", "2"), ("\(round)", "9"), ("1e3", "2"), ("", "2")] {
                let page = try await visitor.post(
                    "/console/applications", [("round", round), ("track", "title"), ("series", "cultural_relics_museums"), ("grade", grade)])
                #expect((400..<500).contains(page.status), "round \(round) grade \(grade): \(page.status)")
                #expect(page.body.contains("<code>round</code>") || page.body.contains("<code>grade</code>"), "\(page.body.prefix(600))")
            }
            let applied = try await visitor.post(
                "/console/applications", [("round", "\(round)"), ("track", "title"), ("series", "cultural_relics_museums"), ("grade", "2")])
            #expect(applied.status == 303, "\(applied.body.prefix(600))")
            let id = try #require(applied.location?.split(separator: "/").last.flatMap { Int($0) })
            let page = try await visitor.get("/console/applications/\(id)")
            #expect(page.status == 200 && page.body.contains("aria-current=\"step\""), "\(page.body.prefix(300))")
            #expect(!page.body.contains("/appeal\""), "nothing to appeal while pending")
            // As the eligibility check would decide it: an ineligibility is appealed from the same page.
            try await api.client.query("UPDATE applications SET state = 'ineligible' WHERE id = \(id)")
            let refused = try await visitor.get("/console/applications/\(id)")
            #expect(refused.body.contains("/console/applications/\(id)/appeal\""), "\(refused.body.prefix(300))")
            let appealed = try await visitor.post("/console/applications/\(id)/appeal", [("reason", "我的工作年限已满，请复核。")])
            #expect(appealed.status == 303, "\(appealed.body.prefix(400))")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM eligibility_appeals WHERE application_id = \(id)") == 1)
            #expect(!(try await visitor.get("/console/applications/\(id)")).body.contains("/appeal\""), "appealed once")
            var stranger = try await ConsoleVisitor.registered(api, name: "Wang", born: "1991-03-01", sequence: 9)
            #expect(try await stranger.get("/console/applications/\(id)").status == 404, "another's application reads as none")
            #expect(try await stranger.get("/ops").status == 403, "the dashboard is the bureau's")
            #expect(try await stranger.get("/console/applications/abc").status == 400)
            // Guessing a password is throttled on the page as on the API, and the page says when to try again.
            var guesser = ConsoleVisitor(api: api)
            _ = try await guesser.get("/console/sign-in")
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<6 {
                let page = try await guesser.post(
                    "/console/sign-in",
                    [("kind", "resident_id"), ("number", residentID(born: "1990-03-01", sequence: 8)), ("password", "wrong guess 1234")])
                statuses.append(page.status)
                retryAfter = page.headers.first(name: "Retry-After")
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429] && retryAfter != nil, "\(statuses) \(retryAfter ?? "no Retry-After")")
            let signedOut = try await stranger.post("/console/sign-out", [])
            #expect(signedOut.status == 303 && stranger.cookies["assess_session"] == nil)
        }
    }

    @Test("every form of every page, sent empty or with nonsense by each role, is a 4xx page or a redirect, never a 500")
    func formSweep() async throws {
        try await API.with { api in
            _ = try await APITests.setUpRound(api)
            let applicant = try await ConsoleVisitor.registered(api, name: "Li Wei", sequence: 5)
            let officer = try await ConsoleVisitor.signedIn(api, .bureau, "officer")
            let institution = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            let reviewer = try await ConsoleVisitor.signedIn(api, .reviewer, "r1")
            let nonsense: [[(String, String)]] = [
                [],
                [
                    ("round", "1e309"), ("grade", "-9223372036854775809"), ("level", "٣"), ("track", "\u{0}"),
                    ("number", String(repeating: "9", count: 500)),
                    ("token", String(repeating: "x", count: 300)), ("state", "lost"), ("args", "{"), ("action", "explode"), ("reason", ""),
                    ("kind", "passport"), ("password", String(repeating: "p", count: 300)), ("birthDate", "1899-13-45"), ("next", "//evil.example"),
                ],
            ]
            // Every page, asked by each role with ids that exist, do not, or are no number at all.
            let gets = api.server.consolePages().filter { $0.hasPrefix("GET ") }.map { String($0.dropFirst(4)) }
            for route in gets {
                for id in ["1", "999999", "-1", "x"] {
                    let path = route.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(
                        of: "{sha256}", with: String(repeating: "0", count: 64))
                    for var visitor in [applicant, officer, institution, reviewer, ConsoleVisitor(api: api)] {
                        let page = try await visitor.get(path + "?state=nonsense&args=%7B&queue=" + String(repeating: "q", count: 200))
                        #expect((200..<500).contains(page.status), "GET \(path): \(page.status) \(page.body.prefix(300))")
                    }
                }
            }
            // Signing out ends the sessions the other forms are sent with: it goes last.
            let posts = api.server.consolePages().filter { $0.hasPrefix("POST ") }.map { String($0.dropFirst(5)) }
                .sorted { ($0 == "/console/sign-out" ? 1 : 0, $0) < ($1 == "/console/sign-out" ? 1 : 0, $1) }
            #expect(posts.count >= 10, "\(posts)")
            for route in posts {
                let path = route.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "assessment")
                    .replacingOccurrences(of: "{action}", with: "explode")
                for var visitor in [applicant, officer, institution, reviewer, ConsoleVisitor(api: api)] {
                    if visitor.csrf.isEmpty { _ = try await visitor.get("/console") }
                    for form in nonsense {
                        let page = try await visitor.post(path, form)
                        #expect(
                            (300..<500).contains(page.status),
                            "POST \(path) as \(visitor.cookies.keys.sorted()): \(page.status) \(page.body.prefix(300))")
                        #expect(page.location.map { !$0.contains("evil") } ?? true, "no redirect leaves the site")
                    }
                }
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applications") == 0, "nothing was applied for")
        }
    }

    @Test("reviewers see only their open cases, blind; institutions only their rounds; a public notice takes objections to its own results")
    func ownership() async throws {
        try await API.with { api in
            let (round, application) = try await Self.applied(api)
            try await api.client.withTransaction(logger: .init(label: "test")) { connection in
                try await api.workflow.store.assign(
                    [application: [ReviewerID("r1"), ReviewerID("r2"), ReviewerID("r3")]], stage: .original,
                    dueAt: Date().addingTimeInterval(3_600), on: connection)
            }
            var r1 = try await ConsoleVisitor.signedIn(api, .reviewer, "r1")
            let page = try await r1.get("/console/reviews/\(application)")
            #expect(page.status == 200 && !page.body.contains("王小明") && !page.body.contains("042"), "\(page.body.prefix(200))")
            var r9 = try await ConsoleVisitor.signedIn(api, .reviewer, "r9")
            #expect(try await r9.get("/console/reviews/\(application)").status == 404)
            #expect(try await r9.post("/console/reviews/\(application)/score", [("score", "80")]).status == 403)
            let badScore = try await r1.post("/console/reviews/\(application)/score", [("score", "1e2")])
            #expect(badScore.status == 422 && badScore.body.contains("<code>score</code>"))
            let scored = try await r1.post("/console/reviews/\(application)/score", [("score", "80"), ("comment", "好")])
            #expect(scored.status == 303 && scored.location == "/console/reviews?done=scored")
            #expect(try await r1.get("/console/reviews/\(application)").status == 404, "scored, the case is closed to them")

            var own = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            let progress = try await own.get("/console/rounds/\(round)")
            #expect(progress.status == 200 && progress.body.contains("<svg") && progress.body.contains("id=\"total\">1<"))
            var other = try await ConsoleVisitor.signedIn(api, .institution, "other")
            #expect(try await other.get("/console/rounds/\(round)").status == 404)
            let closing = try await other.post("/console/rounds/\(round)/close", [])
            #expect(closing.status == 403, "as the JSON API refuses it: \(closing.status)")

            try await Self.publish(api, round: round, passed: application)
            var anyone = ConsoleVisitor(api: api)
            let notice = try await anyone.get("/console/notices/\(round)")
            #expect(notice.status == 200 && notice.body.contains("王**") && !notice.body.contains("王小明"), "\(notice.body.prefix(300))")
            let elsewhere = try await anyone.post(
                "/console/notices/\(round)/objections",
                [("application", "999"), ("filedBy", "a viewer"), ("contact", "someone@example.org"), ("statement", "x")])
            #expect(elsewhere.status == 422 && elsewhere.body.contains("<code>application</code>"))
            let objected = try await anyone.post(
                "/console/notices/\(round)/objections",
                [("application", "\(application)"), ("filedBy", "a viewer"), ("contact", "someone@example.org"), ("statement", "copied works")])
            #expect(objected.status == 303, "\(objected.body.prefix(300))")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM objections WHERE application_id = \(application)") == 1)
            let handled = try await own.get("/console/rounds/\(round)")
            #expect(handled.body.contains("copied works") && handled.body.contains("someone@example.org"), "the institution answers the filer")
            #expect(!(try await anyone.get("/console/notices/\(round)")).body.contains("someone@example.org"), "never shown publicly")
        }
    }

    @Test("skills sittings: the institution sees rooms and staff, an examiner marks blind by ticket, the candidate sees the ticket")
    func sittings() async throws {
        try await API.with { api in
            let season = try await SittingAPITests.staffedSeason(api)
            let (sitting, tickets) = try await SittingAPITests.sitAndMark(
                api, institution: season.institution, round: season.round, season.candidates, theory: [nil, nil], skill: [nil, nil])
            var institution = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            let overview = try await institution.get("/console/rounds/\(season.round)")
            #expect(overview.body.contains("/console/sittings/\(sitting)\""), "the round lists its sitting")
            let page = try await institution.get("/console/sittings/\(sitting)")
            #expect(
                page.status == 200 && page.body.contains("A101") && page.body.contains("考评员1") && page.body.contains("督导员"),
                "\(page.body.prefix(300))")

            var examiner = try await ConsoleVisitor.signedIn(api, .reviewer, "ex-1")
            #expect(try await examiner.get("/console/sittings").body.contains("/console/sittings/\(sitting)/marking"))
            let marking = try await examiner.get("/console/sittings/\(sitting)/marking")
            #expect(tickets.allSatisfy { marking.body.contains($0) } && !marking.body.contains("Studio"), "blind, by ticket")
            #expect(
                try await examiner.post("/console/sittings/\(sitting)/marks", [("ticket", tickets[0]), ("part", "skill"), ("mark", "101")]).status
                    == 422)
            try await eventually("the skill assessment's day comes") {
                try await examiner.post("/console/sittings/\(sitting)/marks", [("ticket", tickets[0]), ("part", "skill"), ("mark", "77.5")]).status
                    == 303
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM sitting_marks WHERE reviewer_id = 'ex-1' AND mark = 77.5") == 1)
            var outsider = try await ConsoleVisitor.signedIn(api, .reviewer, "inv-9")
            let refused = try await outsider.get("/console/sittings/\(sitting)/marking")
            #expect(refused.status == 403 && refused.body.contains("没有评分任务"), "as the workflow refuses one who marks nothing there")

            // As the workflow leaves the round once final: the bureau may confirm it sitting by sitting.
            try await api.client.query("UPDATE rounds SET state = 'finalized' WHERE id = \(season.round)")
            try await api.client.query("INSERT INTO round_confirmations (round_id) VALUES (\(season.round))")
            var bureau = try await ConsoleVisitor.signedIn(api, .bureau, "officer")
            #expect(try await bureau.get("/console/bureau").body.contains("id=\"confirm-sitting-\(sitting)\""))
            // One examiner of three has marked: there is no result to confirm yet, and the page says so.
            let early = try await bureau.post("/console/sittings/\(sitting)/confirm", [])
            #expect(early.status == 409 && early.body.contains("没有考试结果"), "\(early.status)")
            #expect(try await examiner.post("/console/sittings/\(sitting)/confirm", []).status == 403, "the bureau's alone")
            let applicant = try await Self.applicant(api, season.candidates[0].application)
            var candidate = try await ConsoleVisitor.signedIn(api, .applicant, String(applicant))
            let application = try await candidate.get("/console/applications/\(season.candidates[0].application)")
            #expect(application.body.contains(tickets[0]) && application.body.contains("准考证"), "\(application.body.prefix(400))")
        }
    }

    @Test(
        "an institution schedules, cancels and moves sittings, imports theory marks and records absences from its pages; the lead invigilator enters a paper mark; the supervisor confirms diverging marks"
    )
    func sittingOffice() async throws {
        try await API.with { api in
            let season = try await SittingAPITests.staffedSeason(api)
            var office = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            #expect(try await office.get("/console/rounds/\(season.round)").body.contains("id=\"schedule-form\""))
            let calendar = try await api.request(.GET, "/v1/rounds/\(season.round)/calendar", token: season.institution)
            let today = try #require(CalendarDate(iso: calendar.json["today"] as? String ?? ""))
            func form(day: Int, rooms: String) throws -> [(String, String)] {
                let date = try today.adding(days: day).description
                return [
                    ("site", "000001"), ("levels", "4"), ("parts.theory.held", "yes"), ("parts.theory.date", date), ("parts.theory.start", "09:00"),
                    ("parts.theory.minutes", "90"), ("parts.skill.held", "yes"), ("parts.skill.date", date), ("parts.skill.start", "14:00"),
                    ("parts.skill.minutes", "60"), ("rooms", rooms),
                ]
            }
            let unreadable = try await office.post("/console/rounds/\(season.round)/sittings", try form(day: 12, rooms: "A101"))
            #expect(unreadable.status == 422 && unreadable.body.contains("<code>rooms</code>") && unreadable.body.contains("第 1 行"))
            let first = try await office.post("/console/rounds/\(season.round)/sittings", try form(day: 12, rooms: "A101, 2"))
            #expect(first.status == 303 && first.location?.hasSuffix("?done=scheduled") == true, "\(first.body.prefix(300))")
            let cancelledID = try #require(first.location?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int($0) })
            let cancelled = try await office.post("/console/sittings/\(cancelledID)/cancel", [("reason", "考点停电 / power cut at the site")])
            #expect(cancelled.status == 303)
            #expect(try await api.client.text("SELECT state FROM sittings WHERE id = \(cancelledID)") == "cancelled")
            let second = try await office.post("/console/rounds/\(season.round)/sittings", try form(day: 12, rooms: "A101，2"))
            let sitting = try #require(second.location?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int($0) })
            try await api.withWorkers {
                try await eventually(timeout: .seconds(60), "the sitting is seated") {
                    try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
                }
                let moved = try await office.post("/console/sittings/\(sitting)/move", try form(day: 13, rooms: "B201, 2"))
                #expect(moved.status == 303 && moved.location?.hasSuffix("?done=moved") == true, "\(moved.body.prefix(300))")
                try await eventually(timeout: .seconds(60), "the sitting is seated again") {
                    let seated = try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
                    guard seated else { return false }
                    return try await office.get("/console/sittings/\(sitting)").body.contains("B201 · 2 / 2")
                }
            }
            var tickets: [String] = []
            for candidate in season.candidates {
                let printed = try await api.request(.GET, "/v1/applications/\(candidate.application)/admission-ticket", token: candidate.token)
                tickets.append(try #require(printed.json["ticket"] as? String, "\(printed.body)"))
            }
            // The theory exam: candidate 1's mark from the exam system's file, candidate 2's absence entered by the room's lead invigilator.
            let page = try await office.get("/console/sittings/\(sitting)")
            #expect(page.body.contains("监考员1 (inv-1) · 监考员 · 主监考"), "\(page.body.prefix(300))")
            var lead = try await ConsoleVisitor.signedIn(api, .reviewer, "inv-1")
            var other = try await ConsoleVisitor.signedIn(api, .reviewer, "inv-2")
            let refused = try await other.get("/console/sittings/\(sitting)/marking")
            #expect(refused.status == 403 && refused.body.contains("主监考"), "only the lead enters marks: \(refused.status)")
            let entries = try await lead.get("/console/sittings/\(sitting)/marking")
            #expect(tickets.allSatisfy { entries.body.contains("id=\"theory-\($0)\"") }, "\(entries.body.prefix(400))")
            try await eventually(timeout: .seconds(60), "the theory exam's day comes") {
                let imported = try await office.postFile(
                    "/console/sittings/\(sitting)/theory-marks/import", file: ("marks.csv", "text/csv", "ticket,mark\n\(tickets[0]),72\n"))
                return imported.status == 303 && imported.location?.contains("n=1") == true
            }
            let unknown = try await office.postFile(
                "/console/sittings/\(sitting)/theory-marks/import", file: ("marks.csv", "text/csv", "ticket,mark\n000000000000000000,70\n"))
            #expect(unknown.status == 422 && unknown.body.contains("000000000000000000"), "\(unknown.status) \(unknown.body.prefix(300))")
            let absent = try await lead.post("/console/sittings/\(sitting)/theory-mark", [("ticket", tickets[1]), ("absent", "yes")])
            #expect(absent.status == 303, "\(absent.body.prefix(300))")
            #expect(
                try await api.client.text(
                    "SELECT string_agg(state || ':' || coalesce(mark::text, '-'), ',' ORDER BY application_id) FROM sitting_results WHERE part = 'theory'"
                )
                    == "final:72,absent:-")
            #expect((try await lead.get("/console/sittings/\(sitting)/marking")).body.contains("缺考"))
            let noSkill = try await office.post("/console/sittings/\(sitting)/absences", [("part", "skill"), ("tickets", "123")])
            #expect(noSkill.status == 422 && noSkill.body.contains("<code>tickets</code>"), "\(noSkill.body.prefix(300))")

            // The skill assessment: candidate 1's three marks spread by 30; the supervisor looks into it and lets it count.
            for (examiner, mark) in zip(["ex-1", "ex-2", "ex-3"], [60.0, 90, 75]) {
                var visitor = try await ConsoleVisitor.signedIn(api, .reviewer, examiner)
                try await eventually(timeout: .seconds(30), "the skill assessment's day comes") {
                    try await visitor.post("/console/sittings/\(sitting)/marks", [("ticket", tickets[0]), ("part", "skill"), ("mark", "\(mark)")])
                        .status
                        == 303
                }
            }
            var supervisor = try await ConsoleVisitor.signedIn(api, .reviewer, "sup-1")
            let waiting = try await supervisor.get("/console/sittings/\(sitting)/marking")
            #expect(waiting.body.contains("id=\"confirm-\(tickets[0])-skill\"") && waiting.body.contains("75.0") && waiting.body.contains("30.0"))
            let confirmed = try await supervisor.post("/console/sittings/\(sitting)/marks/confirm", [("ticket", tickets[0]), ("part", "skill")])
            #expect(confirmed.status == 303)
            #expect(try await api.client.text("SELECT state FROM sitting_results WHERE part = 'skill'") == "final")
            #expect(
                try await supervisor.post("/console/sittings/\(sitting)/marks/confirm", [("ticket", tickets[0]), ("part", "skill")]).status == 409)
            var examiner = try await ConsoleVisitor.signedIn(api, .reviewer, "ex-1")
            #expect(try await examiner.get("/console/remarks").body.contains("id=\"no-remarks\""))
        }
    }

    @Test("an institution decides an appeal of ineligibility, loads a holiday schedule and dismisses ticked objections from its round page")
    func roundOffice() async throws {
        try await API.with { api in
            let (round, application) = try await Self.applied(api)
            // As eligibility and the applicant leave it: found ineligible, and appealed.
            try await api.client.query("UPDATE applications SET state = 'ineligible', ineligible_on = current_date WHERE id = \(application)")
            try await api.client.query("INSERT INTO eligibility_appeals (application_id, reason) VALUES (\(application), '我已返聘，并未退休')")
            var office = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            let page = try await office.get("/console/rounds/\(round)")
            #expect(page.body.contains("我已返聘") && page.body.contains("id=\"eligibility-appeal-\(application)\""))
            let vague = try await office.post(
                "/console/applications/\(application)/eligibility-appeal", [("round", "\(round)"), ("outcome", "maybe"), ("reason", "x")])
            #expect(vague.status == 422 && vague.body.contains("<code>outcome</code>"))
            var other = try await ConsoleVisitor.signedIn(api, .institution, "other")
            #expect(
                try await other.post(
                    "/console/applications/\(application)/eligibility-appeal", [("round", "\(round)"), ("outcome", "overturned"), ("reason", "x")]
                )
                .status == 404)
            let decided = try await office.post(
                "/console/applications/\(application)/eligibility-appeal", [("round", "\(round)"), ("outcome", "overturned"), ("reason", "劳动合同显示返聘")])
            #expect(decided.status == 303 && decided.location == "/console/rounds/\(round)?done=appealDecided")
            #expect(try await api.client.text("SELECT state FROM applications WHERE id = \(application)") == "eligible")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'appeal decided'") == 1)
            #expect((try await office.get("/console/rounds/\(round)")).body.contains("id=\"no-appeals\""))

            let badDay = try await office.post("/console/rounds/\(round)/calendar/schedules", [("year", "2027"), ("holidays", "2027-13-01")])
            #expect(badDay.status == 422 && badDay.body.contains("<code>holidays[0]</code>"), "\(badDay.body.prefix(300))")
            let loaded = try await office.post(
                "/console/rounds/\(round)/calendar/schedules",
                [("year", "2027"), ("holidays", "2027-01-01\n2027-01-02, 2027-01-03"), ("adjustedWorkdays", "")])
            #expect(loaded.status == 303, "\(loaded.body.prefix(300))")
            #expect((try await office.get("/console/rounds/\(round)")).body.contains("2027 · 放假天数 3"))
            let review = try await office.postFile("/console/rounds/\(round)/exam-results/import", file: ("results.csv", "text/csv", "x\n"))
            #expect((400..<500).contains(review.status), "a review round imports no exam results: \(review.status)")

            // Two objections to the published result, dismissed together.
            try await Self.publish(api, round: round, passed: application)
            var anyone = ConsoleVisitor(api: api)
            _ = try await anyone.get("/console/notices/\(round)")
            for statement in ["抄袭", "重复申报"] {
                let objected = try await anyone.post(
                    "/console/notices/\(round)/objections",
                    [("application", "\(application)"), ("filedBy", "a viewer"), ("contact", "someone@example.org"), ("statement", statement)])
                #expect(objected.status == 303)
            }
            let ids = try await api.client.text("SELECT string_agg(id::text, ',' ORDER BY id) FROM objections") ?? ""
            let listed = try await office.get("/console/rounds/\(round)")
            #expect(ids.split(separator: ",").allSatisfy { listed.body.contains("name=\"objections\" value=\"\($0)\" form=\"dismiss-form\"") })
            let none = try await office.post("/console/rounds/\(round)/objections/dismiss", [("reason", "无新证据")])
            #expect(none.status == 422 && none.body.contains("<code>objections</code>"))
            let dismissed = try await office.post(
                "/console/rounds/\(round)/objections/dismiss", ids.split(separator: ",").map { ("objections", String($0)) } + [("reason", "无新证据")])
            #expect(dismissed.status == 303 && dismissed.location?.contains("n=2") == true, "\(dismissed.body.prefix(300))")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM objections WHERE state = 'open'") == 0)
        }
    }

    @Test("the bureau files an institution and corrects it from the register; the institution imports its expert register as CSV")
    func institutionRegister() async throws {
        try await API.with { api in
            var bureau = try await ConsoleVisitor.signedIn(api, .bureau, "officer")
            let form: [(String, String)] = [
                ("id", "mcn-academy"), ("name", "上海网红学院"), ("kind", "S"), ("agencyCode", "0042"), ("provinceCode", "31"),
                ("sites", "310001\n310002"), ("series", "economics"), ("occupations", "4-13-01-05"),
            ]
            let badCode = try await bureau.post("/console/institutions", form.map { $0.0 == "agencyCode" ? ($0.0, "42") : $0 })
            #expect(badCode.status == 422 && badCode.body.contains("<code>agencyCode</code>"), "\(badCode.body.prefix(300))")
            let filed = try await bureau.post("/console/institutions", form)
            #expect(filed.status == 303, "\(filed.body.prefix(300))")
            #expect(try await bureau.post("/console/institutions", form).status == 409, "filed once")
            let list = try await bureau.get("/console/institutions")
            #expect(list.body.contains("/console/institutions/mcn-academy") && list.body.contains("310001, 310002"))
            let profile = try await bureau.get("/console/institutions/mcn-academy")
            #expect(profile.body.contains("value=\"economics\" checked") && profile.body.contains("0042"))
            let corrected = try await bureau.post(
                "/console/institutions/mcn-academy", form.filter { $0.0 != "id" && $0.0 != "series" }.map { $0.0 == "sites" ? ($0.0, "310009") : $0 })
            #expect(corrected.status == 303)
            let stored = try await api.workflow.institution("mcn-academy")
            #expect(stored.sites == ["310009"] && stored.series.isEmpty && stored.occupations == ["4-13-01-05"])
            #expect(try await bureau.post("/console/institutions/nobody", form.filter { $0.0 != "id" }).status == 404)
            var institution = try await ConsoleVisitor.signedIn(api, .institution, "mcn-academy")
            #expect(try await institution.get("/console/institutions").status == 403)

            let header = "id,name,fields,term_start,skill_level,certificate_kind,certificate_number,certificate_until,employer\n"
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let valid = try today.adding(days: 300)
            let bad = try await institution.postFile("/console/experts/import", file: ("experts.csv", "text/csv", header + "ex-1,考评员1\n"))
            #expect(bad.status == 422, "\(bad.status) \(bad.body.prefix(300))")
            let rows = (1...2).map { "ex-\($0),考评员\($0),4-13-01-05,\(today),4,examiner,K-\($0),\(valid),Exam Co" }
            let imported = try await institution.postFile(
                "/console/experts/import", file: ("experts.csv", "text/csv", header + rows.joined(separator: "\n") + "\n"))
            #expect(imported.status == 303 && imported.location?.contains("n=2") == true, "\(imported.body.prefix(300))")
            #expect((try await institution.get("/console/experts")).body.contains("考评员2"))
        }
    }

    @Test("an applicant's page lists their latest notifications, however many came before")
    func latestNotifications() async throws {
        try await API.with { api in
            var applicant = try await ConsoleVisitor.registered(api, name: "李雷", sequence: 8)
            let id = try await api.client.scalar("SELECT max(id)::int FROM applicants")
            // The oldest of 105: an appeal decided; then 103 results; the newest, a certificate issued.
            try await api.client.query(
                """
                INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
                SELECT 'n-' || g, 'applicant:' || \(id),
                       CASE WHEN g = 1 THEN 'appeal decided' WHEN g = 105 THEN 'certificate issued' ELSE 'result' END, '{}'
                FROM generate_series(1, 105) AS g ORDER BY g
                """)
            let page = try await applicant.get("/console/me")
            #expect(page.body.contains("证书已签发") && !page.body.contains("复核结果"), "the newest twenty, newest first")
        }
    }

    /// A title round with one application, filed through the console by 王小明.
    static func applied(_ api: API) async throws -> (round: Int64, application: Int64) {
        let round = try await APITests.setUpRound(api)
        var applicant = try await ConsoleVisitor.registered(api, name: "王小明", sequence: 3)
        let applied = try await applicant.post(
            "/console/applications", [("round", "\(round)"), ("track", "title"), ("series", "cultural_relics_museums"), ("grade", "2")])
        return (round, try #require(applied.location?.split(separator: "/").last.flatMap { Int64($0) }))
    }

    /// As the workflow leaves a round whose result is published: in its public notice, `passed` passed.
    static func publish(_ api: API, round: Int64, passed application: Int64) async throws {
        try await api.client.query(
            "UPDATE rounds SET state = 'public_notice', notice_published_on = current_date, notice_ends = current_date + 7 WHERE id = \(round)")
        try await api.client.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(application)")
    }

    static func applicant(_ api: API, _ application: Int64) async throws -> Int {
        try await api.client.scalar("SELECT applicant_id::int FROM applications WHERE id = \(application)")
    }

    @Test("an operator lists jobs by filter, retries a discarded one, cancels in bulk and pauses a queue; a malformed filter is a 422")
    func operatorDashboard() async throws {
        try await API.with { api in
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer")
            var visitor = ConsoleVisitor(api: api)
            _ = try await visitor.get("/console/sign-in")
            let signedIn = try await visitor.post("/console/sign-in/token", [("token", bureau)])
            #expect(signedIn.status == 303 && signedIn.location == "/console/bureau")
            let queue = api.workflow.queue
            let jobs = try await queue.enqueue((1...3).map { try NewJob(RoundTagged(round: $0), options: EnqueueOptions(queue: "idle")) })
            // As a worker leaves a job it failed for good: the error beside the lease it ran under.
            try await api.client.query(
                """
                UPDATE jobs SET state = 'discarded', finished_at = now(), attempt = 1,
                       errors = jobs_append_attempt(errors, 1, 'receiver down', 20, 'worker-7', now() - interval '1 minute')
                WHERE id = \(jobs[0].id)
                """)
            let detail = try await visitor.get("/ops/jobs/\(jobs[0].id)")
            #expect(detail.body.contains("<td>worker-7</td>") && detail.body.contains("<td>receiver down</td>"), "\(detail.body.prefix(500))")
            let listed = try await visitor.get("/ops/jobs?queue=idle&args=%7B%22round%22%3A%201%7D")
            #expect(listed.status == 200 && listed.body.contains("/ops/jobs/\(jobs[0].id)") && !listed.body.contains("/ops/jobs/\(jobs[1].id)\""))
            #expect(try await visitor.get("/ops/jobs?args=%5B1%5D").status == 422, "an array is no filter")
            #expect(try await visitor.get("/ops/jobs?state=lost").status == 422)
            let retried = try await visitor.post("/ops/jobs/\(jobs[0].id)/retry", [])
            #expect(retried.status == 303)
            #expect(try await queue.job(jobs[0].id)?.state == .available)
            let cancelled = try await visitor.post("/ops/jobs/bulk", [("action", "cancel"), ("queue", "idle"), ("state", "available")])
            #expect(cancelled.status == 303 && cancelled.location?.contains("n=3") == true, "\(cancelled.location ?? "")")
            #expect(try await queue.jobs(queue: "idle").allSatisfy { $0.state == .cancelled })
            #expect(try await visitor.post("/ops/jobs/\(jobs[0].id)/cancel", []).status == 409, "already cancelled")
            #expect(try await visitor.post("/ops/queues/idle/pause", []).status == 303)
            #expect(try await queue.pausedQueues().contains("idle"))
            let overview = try await visitor.get("/ops")
            #expect(overview.status == 200 && overview.body.contains("id=\"resume-idle\""), "\(overview.body.prefix(300))")
            // Limits: set from the form within their ranges, listed with what runs, lifted.
            let outOfRange = try await visitor.post("/ops/limits", [("queue", "idle"), ("kind", "round-tagged"), ("concurrency", "10001")])
            #expect(outOfRange.status == 422 && outOfRange.body.contains("须为 1 至 10000"), "\(outOfRange.body.prefix(300))")
            let halfRate = try await visitor.post("/ops/limits", [("queue", "idle"), ("kind", "round-tagged"), ("rateStarts", "5")])
            #expect(halfRate.status == 422 && halfRate.body.contains("速率限制须同时填写"))
            let badField = try await visitor.post(
                "/ops/limits", [("queue", "idle"), ("kind", "round-tagged"), ("keyField", "a.b"), ("keyConcurrency", "1")])
            #expect(badField.status == 422)
            #expect(try await queue.limits(queues: ["idle"]).isEmpty, "nothing refused was stored")
            let limited = try await visitor.post(
                "/ops/limits",
                [
                    ("queue", "idle"), ("kind", "round-tagged"), ("concurrency", "3"), ("keyField", "round"), ("keyConcurrency", "1"),
                    ("rateStarts", "50"), ("ratePeriodMs", "1000"),
                ])
            #expect(limited.status == 303 && limited.location == "/ops?done=limited")
            #expect(
                try await queue.limits(queues: ["idle"])
                    == [
                        JobLimit(
                            queue: "idle", kind: "round-tagged", concurrency: 3, perKey: .init(field: "round", concurrency: 1),
                            rate: .init(starts: 50, period: .seconds(1)))
                    ])
            let limits = try await visitor.get("/ops")
            #expect(limits.body.contains("同时运行至多 3 个；每个 round 同时运行至多 1 个；每 1000 毫秒至多启动 50 个"), "\(limits.body.prefix(300))")
            #expect(try await visitor.post("/ops/limits/lift", [("queue", "idle"), ("kind", "round-tagged")]).status == 303)
            #expect(try await queue.limits(queues: ["idle"]).isEmpty)
            #expect(try await visitor.post("/ops/limits/lift", [("queue", "idle"), ("kind", "round-tagged")]).status == 404)
            // An operator runs the queue and has no say in the evaluations.
            var operations = try await ConsoleVisitor.signedIn(api, .operations, "night-shift")
            #expect(try await operations.post("/ops/queues/idle/resume", []).status == 303)
            #expect(try await queue.pausedQueues().contains("idle") == false)
            #expect(try await operations.get("/console/bureau").status == 403)
            #expect(try await operations.post("/console/rounds/1/confirm", []).status == 403)
            let token = try await api.workflow.issueToken(role: .operations, subject: "night-shift")
            #expect(try await api.request(.GET, "/v1/subscriptions", token: token).status == 403, "operators receive no notifications")
        }
    }
}

/// A job no worker of the tests serves, with an argument to filter by.
struct RoundTagged: JobArgs {
    static let kind = "round-tagged"
    let round: Int
}
