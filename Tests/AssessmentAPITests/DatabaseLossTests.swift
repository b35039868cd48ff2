import Logging
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing
import Workflow

@testable import AssessmentAPI

/// What a lost database connection looks like to logs, commands and callers (#24 item 5).
@Suite("A lost database connection")
struct DatabaseLossTests {
    @Test(
        "a terminated backend is a lost connection, named with its SQLSTATE, a 503 to try again, and retried past; a bad statement is named and is neither"
    )
    func terminatedBackend() async throws {
        try await TestDatabase.with { client, database in
            var lost: (any Error)?
            do {
                _ = try await client.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: database.logger).collect()
            } catch {
                lost = error
            }
            let error = try #require(lost, "the backend ends its own session")
            #expect(DatabaseErrorSummary.isConnectionLoss(error))
            let summary = "\(DatabaseErrorSummary(error))"
            #expect(summary.contains("administrator command (SQLSTATE 57P01)") && !summary.contains("Generic description"), "\(summary)")
            let problem = Problem.from(error)
            #expect(problem.statusCode == 503 && problem.retryAfterSeconds == 2, "\(problem)")

            // The pool may hand out the dying connection once more: that statement fails as a lost
            // connection too (or, written after the close, is abandoned as one rather than left
            // waiting: the guard), and is tried again; the server's own refusal is not.
            var refused: (any Error)?
            do {
                // A budget past the whole-database stalls of a loaded full suite (5 s and more).
                try await ConnectionRetry.retrying("a probe", budget: .seconds(30), logger: database.logger) {
                    _ = try await client.withOpenConnection(logger: database.logger) {
                        try await $0.query("SELEC 1", logger: database.logger).collect()
                    }
                }
            } catch {
                refused = error
            }
            let syntax = try #require(refused)
            #expect(
                !DatabaseErrorSummary.isConnectionLoss(syntax) && "\(DatabaseErrorSummary(syntax))".contains("(SQLSTATE 42601), running `SELEC 1`"),
                "\(DatabaseErrorSummary(syntax))")
            #expect(Problem.from(syntax).statusCode == 500)
            #expect(try await client.query("SELECT 1", logger: database.logger).collect().count == 1, "the pool goes on with a fresh connection")
        }
    }

    @Test("a statement abandoned on a closed connection is a lost connection, a 503; a log names database errors and only the type of others")
    func abandonedAndLogged() throws {
        let abandoned = ConnectionClosedUnanswered()
        #expect(DatabaseErrorSummary.isConnectionLoss(abandoned))
        #expect(Problem.from(abandoned).statusCode == 503)
        #expect(DatabaseErrorSummary.loggable(abandoned).contains("never answered"))
        struct Leaky: Error, CustomStringConvertible { var description: String { "110101199003077777" } }
        let logged = DatabaseErrorSummary.loggable(Leaky())
        #expect(!logged.contains("1101011990") && logged.hasSuffix("Leaky"), "\(logged)")
        // What ends a command as a named database failure is the same set.
        #expect(DatabaseErrorSummary.isDatabaseError(abandoned) && !DatabaseErrorSummary.isDatabaseError(Leaky()))
    }
}
