import PostgresSupport
import Testing

@Suite("Database URL")
struct DatabaseURLTests {
    @Test("parses every part and never shows the password")
    func parses() throws {
        let url = try DatabaseURL("postgres://assess:s3cr%40t@db.example:6543/assess_prod?sslmode=require")
        #expect(url.host == "db.example" && url.port == 6543 && url.user == "assess" && url.database == "assess_prod")
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

    @Test("says what is wrong with a malformed URL")
    func rejects() {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("mysql://x@y/z") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres:///nohost") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://a@b/c?sslmode=sometimes") }
    }
}
