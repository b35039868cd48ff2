import AssessmentStore
import Foundation
import JobQueue
import Logging
import Notify
import PostgresNIO
import Workflow

/// The handlers every `assess worker` runs: the assessment workflow's, and the operators' probes.
public enum WorkerHandlers {
    /// Every handler; notifications only with a notifier, delivering over the process's `http`.
    public static func registry(workflow: Workflow, notifier: Notifier?, http: DeliveryHTTP) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoOpHandler())
        registry.register(ProbeHandler())
        if ProcessInfo.processInfo.environment["ASSESS_TEST_CRASH_PROBES"] == "1" { registry.register(CrashProbeHandler()) }
        workflow.register(in: &registry)
        notifier?.register(in: &registry, http: http)
        return registry
    }

    /// The notifier with the deployment's key; without ASSESS_DATA_KEY no worker could open the
    /// subscriptions' secrets, so this one leaves the notify queue alone.
    public static func notifier(client: PostgresClient, configuration: NotifyConfiguration, logger: Logger) throws -> Notifier? {
        guard let key = try PersonalDataVault.masterKey() else {
            logger.notice("ASSESS_DATA_KEY is not set: this worker does not deliver notifications")
            return nil
        }
        return Notifier(
            client: client, secrets: try SecretBox(masterKey: key), configuration: configuration,
            logger: logger)
    }

    /// The workflow with the keys of the environment. Handlers never open sealed identity numbers,
    /// so a worker without ASSESS_DATA_KEY works with a throwaway vault; without the bureau key it
    /// leaves the signing queue to workers that have it.
    public static func workflow(client: PostgresClient, logger: Logger) throws -> Workflow {
        let signer = try BureauSigner.fromEnvironment()
        if signer == nil {
            logger.notice("ASSESS_BUREAU_KEY is not set: this worker does not sign certificates")
        }
        return Workflow(client: client, vault: try PersonalDataVault.fromEnvironment() ?? .ephemeral(), signer: signer, logger: logger)
    }
}

/// A job whose handler kills its worker process, as a handler that traps would: for the tests of
/// poison-job quarantine. Registered only when ASSESS_TEST_CRASH_PROBES=1, so no production
/// worker runs it.
struct CrashProbeJob: JobArgs {
    static let kind = "probe.crash"
}

struct CrashProbeHandler: JobHandler {
    func handle(_ args: CrashProbeJob, context: JobContext) async throws {
        fatalError("crash probe: this worker was asked to die")
    }
}
