import Foundation
import Logging
import OTel
import ServiceLifecycle
import Synchronization

/// Trace export through OpenTelemetry (swift-otel, OTLP over HTTP): on when the environment names
/// a collector (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), off
/// otherwise, when the process bootstraps no tracer and spends nothing on spans. The other `OTEL_*`
/// variables (service name, protocol, sampler, headers, certificates) apply as OpenTelemetry defines them.
public enum TraceExport {
    /// Whether this process exports traces.
    public static func isConfigured(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard (environment["OTEL_TRACES_EXPORTER"] ?? "otlp") != "none" else { return false }
        return ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains { !(environment[$0] ?? "").isEmpty }
    }

    private static let bootstrapped = Mutex(false)

    /// Bootstraps the process's tracer, once, and returns the exporter to run first in the
    /// process's group, so that it stops last and sends the spans of the others' shutdown; nil
    /// when export is off or was bootstrapped already.
    static func exporter(serviceName: String, logger: Logger) throws -> (any Service)? {
        guard isConfigured(),
            bootstrapped.withLock({ first in
                defer { first = true }
                return !first
            })
        else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // The exporter's own reports at the process's log level: a command's output stays its answer.
        var diagnostics = logger
        diagnostics.handler = EnvironmentValueRedactor(wrapped: logger.handler)
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.diagnosticLogLevel =
            switch logger.logLevel {
            case .trace: .trace
            case .debug: .debug
            case .info, .notice: .info
            case .warning: .warning
            case .error, .critical: .error
            }
        do {
            return try OTel.bootstrap(configuration: configuration)
        } catch {
            throw TraceExportFailure(description: "the OTEL_* settings cannot export traces: \(error)")
        }
    }
}

/// The trace exporter's settings were refused.
struct TraceExportFailure: Error, CustomStringConvertible {
    let description: String
}

/// The exporter's diagnostics without the values it read from the environment: swift-otel logs
/// each `OTEL_*` override with its value, and `OTEL_EXPORTER_OTLP_HEADERS` carries the collector's
/// credentials.
struct EnvironmentValueRedactor: LogHandler {
    static let redacted: Set<String> = ["environment_value", "previous_value", "new_value"]

    var wrapped: any LogHandler

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue.filter { !Self.redacted.contains($0.key) } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { if !Self.redacted.contains(key) { wrapped[metadataKey: key] = newValue } }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt
    ) {
        wrapped.log(
            level: level, message: message, metadata: metadata?.filter { !Self.redacted.contains($0.key) }, source: source, file: file,
            function: function, line: line)
    }
}
