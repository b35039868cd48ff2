import PostgresSupport
import Testing

@Suite("Database URL")
struct DatabaseURLTests {
    @Test("parses every part and never shows the password")
    func parses() throws {
        let url = try DatabaseURL("postgres://assess:s3cr%40t@db.example:6543/assess_prod?sslmode=require")
        #expect(url.endpoints == [.init(host: "db.example", port: 6543)] && url.user == "assess" && url.database == "assess_prod")
        #expect(url.password == "s3cr@t")
        #expect(url.sslMode == "require")
        #expect(!url.description.contains("s3cr"))
        #expect(url.description.contains(":***@"))
        #expect(try DatabaseURL(url.connectionString).password == "s3cr@t")
    }

    @Test("pgbouncer=true marks a URL that leads to a transaction pooler, and survives the round trip; anything but true or false is refused")
    func pooled() throws {
        let url = try DatabaseURL("postgres://assess@pooler:6432/assess?sslmode=require&pgbouncer=true")
        #expect(url.transactionPooled && url.description.hasSuffix("&pgbouncer=true"))
        #expect(try DatabaseURL(url.connectionString).transactionPooled)
        #expect(try !DatabaseURL("postgres://assess@db/assess").transactionPooled)
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://a@b/c?pgbouncer=yes") }
    }

    @Test("names several hosts as libpq does, in order, and keeps them through the round trip")
    func severalHosts() throws {
        let url = try DatabaseURL("postgres://assess:pw@db-a:5433,10.0.0.2,[fd00::1]:6000/assess?sslmode=require&target_session_attrs=read-write")
        #expect(url.endpoints == [.init(host: "db-a", port: 5433), .init(host: "10.0.0.2", port: 5432), .init(host: "fd00::1", port: 6000)])
        #expect(url.user == "assess" && url.password == "pw" && url.database == "assess" && url.sslMode == "require")
        #expect(url.place == "db-a:5433,10.0.0.2:5432,[fd00::1]:6000/assess")
        #expect(url.description == "postgres://assess:***@db-a:5433,10.0.0.2:5432,[fd00::1]:6000/assess?sslmode=require")
        let again = try DatabaseURL(url.connectionString)
        #expect(again.endpoints == url.endpoints && again.password == "pw" && again.database == "assess")
        #expect(try DatabaseURL("postgres://a@h1,h2/d?target_session_attrs=primary").endpoints.count == 2)
    }

    @Test("refuses a host list it cannot use: a bad or out-of-range port, an empty host, any with several hosts")
    func refusesBadHostLists() {
        for bad in [
            "postgres://a@h1:54x,h2/d", "postgres://a@h1:70000/d", "postgres://a@h1,,h2/d", "postgres://a@[fd00::1/d",
            "postgres://a@h1,h2/d?target_session_attrs=any", "postgres://a@h1/d?target_session_attrs=standby",
        ] {
            #expect(throws: DatabaseURLError.self, "\(bad)") { try DatabaseURL(bad) }
        }
        #expect(throws: Never.self) { try DatabaseURL("postgres://a@h1/d?target_session_attrs=any") }
    }

    @Test("says what is wrong with a malformed URL")
    func rejects() {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("mysql://x@y/z") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres:///nohost") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://a@b/c?sslmode=sometimes") }
    }
}
