import ArgumentParser
import CommandSupport
import Workflow

/// `assess rounds progress`: where a round and its applications are.
struct RoundsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rounds", abstract: "Follow review rounds.", subcommands: [Progress.self])

    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A round's state and its applications by stage.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The round id.") var round: Int64

        func run() async throws {
            let logger = try database.logger(label: "assess.rounds", quietest: .warning)
            let id = round
            try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                let (round, counts): (RoundRecord, [ApplicationState: Int])
                do {
                    (round, counts) = try await Workflow(client: client, vault: .ephemeral(), signer: nil, logger: logger).progress(round: id)
                } catch let error as StoreError {
                    throw refusal(zh: error.chinese, error.message)
                }
                print("round \(id) (\(round.name)): \(round.state.rawValue)")
                for stage in ApplicationState.allCases {
                    print("  \(stage.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(counts[stage, default: 0])")
                }
            }
        }
    }
}
