// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "assess",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "assess", targets: ["assess"]),
        .library(name: "JobQueue", targets: ["JobQueue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // Traces over OTLP/HTTP only: the gRPC exporter's packages would double the first build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // The generic PostgreSQL job queue: knows jobs, not assessments.
        // Its schema ships with it (Schema/, applied by JobQueueSchema.migrate or with the app's files).
        .target(
            name: "JobQueue",
            dependencies: [
                "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Schema")]
        ),
        // Connection URLs (one host, or a failover cluster's through the primary relay), the migrator
        // and the throwaway local cluster of tests, demo and bench.
        .target(
            name: "PostgresSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Keys from the environment or a file, and sealing under keys derived from them.
        .target(name: "Secrets", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The numbered SQL files, shipped as a resource bundle.
        .target(name: "Migrations", dependencies: ["PostgresSupport", "JobQueue"], path: "Migrations", resources: [.copy("sql")]),
        // The domain as values and pure functions: no I/O, imports nothing of ours.
        .target(name: "Assessment", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The domain's tables, loaded and saved in a caller's transaction.
        .target(
            name: "AssessmentStore",
            dependencies: [
                "Assessment", "Secrets", "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TLS-only notification delivery: subscriptions, signed webhooks as queue jobs, dead letters.
        .target(
            name: "Notify",
            dependencies: [
                "JobQueue", "Secrets",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Development tools around delivery, kept out of the product's modules: the development CA
        // of `assess tls`, and the reference receiver the demo, the bench and the tests deliver to.
        .target(
            name: "NotifyTesting",
            dependencies: [
                "Notify",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The application layer: the commands people issue and the queries they read with, each one
        // transaction; the job kinds those set off, one file each. The only module that calls the store.
        .target(
            name: "Workflow",
            dependencies: [
                "Assessment", "AssessmentStore", "JobQueue",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What a worker process runs: every job kind's handler (workflow, notifications, operators'
        // probes) and the keys of its environment.
        .target(
            name: "Workers",
            dependencies: [
                "Workflow", "Notify", "JobQueue", "AssessmentStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Workers"
        ),
        // libqrencode, Debian's libqrencode-dev: the QR codes on certificate pages.
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // The HTTP edge: the JSON API (routes, request decoding, problem responses) and the console's
        // pages beside it, on one router. It calls the workflow's commands and queries and the
        // notifier's subscriptions; it has no SQL and no store.
        .target(
            name: "AssessmentAPI",
            dependencies: [
                "Workflow", "Notify", "CQRencode",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Console/Assets")]
        ),
        // What every command of the executable shares: where the database is, and one ServiceGroup
        // per process with the schema prelude.
        .target(
            name: "CommandSupport",
            dependencies: [
                "PostgresSupport", "Migrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // The demo and the benchmarks: whole systems in one process, kept out of the product's commands.
        .target(
            name: "AssessLab",
            dependencies: [
                "CommandSupport", "AssessmentAPI", "AssessmentStore", "Workflow", "Workers", "Notify", "NotifyTesting", "Assessment", "JobQueue",
                "PostgresSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The product's commands: migrate, worker, coordinator, serve and the operators' tools.
        .executableTarget(
            name: "assess",
            dependencies: [
                "CommandSupport", "AssessLab",
                "AssessmentAPI",
                "Workflow",
                "Workers",
                "Notify",
                "NotifyTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "Assessment",
                "JobQueue",
                "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "PostgresSupport",
                "Migrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "JobQueueTests",
            dependencies: ["JobQueue", "TestSupport", "PostgresSupport"]
        ),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment"]),
        .testTarget(name: "SecretsTests", dependencies: ["Secrets", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "AssessmentAPITests",
            dependencies: [
                "AssessmentAPI", "Workflow", "AssessmentStore", "Assessment", "JobQueue", "Notify", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "NotifyTests",
            dependencies: [
                "Notify", "NotifyTesting", "JobQueue", "TestSupport", "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "WorkflowTests",
            dependencies: [
                "Workflow", "AssessmentStore", "Assessment", "JobQueue", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Real `assess` processes: crashes, stops, failover, database restarts.
        .testTarget(
            name: "assessTests",
            dependencies: [
                "TestSupport", "PostgresSupport", "Notify",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "PostgresSupportTests",
            dependencies: ["PostgresSupport", "TestSupport", "NotifyTesting", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
    ]
)
