import ArgumentParser
import CommandSupport
import Workflow

/// `assess institutions add|list|update`: the evaluation institutions the bureau files.
struct InstitutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "institutions", abstract: "File evaluation institutions: their kind, codes, sites and what they may evaluate.",
        subcommands: [Add.self, List.self, Update.self])

    /// What filing an institution takes.
    struct ProfileOptions: ParsableArguments {
        @Option(help: "Its name.") var name: String?
        @Option(help: "Y (an employer) or S (a social evaluation organisation).") var kind: String?
        @Option(help: "The 4-digit agency code assigned to it.") var agencyCode: String?
        @Option(help: "The 2-digit province code (31: Shanghai).") var provinceCode: String?
        @Option(help: "A 6-digit assessment site number; repeat for more. The first is a skills round's unless it names one.")
        var site: [String] = []
        @Option(help: "A title series it may evaluate (\(TitleSeries.all.map(\.code).joined(separator: ", "))); repeat for more.")
        var series: [String] = []
        @Option(help: "An occupation code it may certify (e.g. 4-13-01-05); repeat for more.") var occupation: [String] = []
        @Option(help: "Its unified social credit code; required of an employer (Y), which evaluates only its own people.")
        var creditCode: String?

        /// The options over `base`: what is given replaces what was filed.
        func profile(over base: InstitutionProfile?) throws -> InstitutionProfile {
            guard let name = name ?? base?.name else { throw refusal(zh: "须给出 --name", "--name is required") }
            guard let kindText = kind ?? base?.kind.rawValue, let kind = InstitutionProfile.Kind(rawValue: kindText) else {
                throw refusal(zh: "--kind 须为 Y 或 S", "--kind must be Y or S")
            }
            guard let agency = agencyCode ?? base?.agencyCode, let province = provinceCode ?? base?.provinceCode else {
                throw refusal(zh: "须给出 --agency-code 与 --province-code", "--agency-code and --province-code are required")
            }
            var code = base?.creditCode
            if let creditCode {
                guard let valid = CreditCode(creditCode) else {
                    throw refusal(zh: "--credit-code \(CreditCode.chineseRule)", "--credit-code \(CreditCode.rule)")
                }
                code = valid
            }
            let profile = InstitutionProfile(
                name: name, kind: kind, agencyCode: agency, provinceCode: province, sites: site.isEmpty ? base?.sites ?? [] : site,
                series: series.isEmpty ? base?.series ?? [] : Set(series),
                occupations: occupation.isEmpty ? base?.occupations ?? [] : Set(occupation),
                creditCode: code)
            if let problem = profile.problems().first {
                throw refusal(zh: "--\(Self.option(problem.field)) \(problem.message.zh)", "--\(Self.option(problem.field)) \(problem.message.en)")
            }
            return profile
        }

        static func option(_ field: String) -> String {
            [
                "agencyCode": "agency-code", "provinceCode": "province-code", "sites": "site", "occupations": "occupation",
                "creditCode": "credit-code",
            ][
                field] ?? field
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "File an institution.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Its id: lower-case letters, digits, dots, dashes or underscores.") var id: String
        @OptionGroup var options: ProfileOptions

        func run() async throws {
            let profile = try options.profile(over: nil)
            try await InstitutionsCommand.withWorkflow(database) { try await $0.fileInstitution(id: id, profile: profile) }
            print("filed \(id): \(InstitutionsCommand.line(profile))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change what is filed of an institution; options not given stay.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The institution's id.") var id: String
        @OptionGroup var options: ProfileOptions

        func run() async throws {
            let profile = try await InstitutionsCommand.withWorkflow(database) { workflow in
                let profile = try options.profile(over: try await workflow.institution(id))
                try await workflow.updateInstitution(id: id, profile: profile)
                return profile
            }
            print("updated \(id): \(InstitutionsCommand.line(profile))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The institutions filed.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let all = try await InstitutionsCommand.withWorkflow(database) { workflow in
                var all: [(id: String, profile: InstitutionProfile)] = []
                while true {
                    let page = try await workflow.institutions(after: all.last?.id, limit: 100)
                    all += page
                    if page.count < 100 { return all }
                }
            }
            for (id, profile) in all { print("\(id): \(InstitutionsCommand.line(profile))") }
            if all.isEmpty { print("no institution is filed") }
        }
    }

    static func line(_ profile: InstitutionProfile) -> String {
        "\(profile.name); \(profile.kind.rawValue) \(profile.agencyCode) \(profile.provinceCode), sites \(profile.sites.joined(separator: " ")); "
            + "evaluates \((profile.series.sorted() + profile.occupations.sorted()).joined(separator: ", "))"
    }

    static func withWorkflow<Result: Sendable>(_ database: DatabaseOptions, _ body: @Sendable @escaping (Workflow) async throws -> Result)
        async throws
        -> Result
    {
        let logger = try database.logger(label: "assess.institutions", quietest: .warning)
        return try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
            do {
                return try await body(Workflow(client: client, vault: .ephemeral(), signer: nil, logger: logger))
            } catch let error as StoreError {
                throw refusal(zh: error.chinese, error.message)
            }
        }
    }
}
