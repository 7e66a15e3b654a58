// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the root package's `swift build` and `swift test`
// never build package-benchmark and its dependencies. Run from the repository root with
// `swift package --package-path Benchmarks benchmark`, or `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "nac-benchmarks",
    dependencies: [
        // `name:` is needed: a path dependency's identity is its directory name otherwise.
        .package(name: "nac", path: "../"),
        // `MallocInterposer` replaces the default trait set, which needs a package we cannot fetch.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.0.0",
                 traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LinalgBenchmarks",
            dependencies: [
                .product(name: "NAC", package: "nac"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LinalgBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "NAC", package: "nac"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NaturalGradientBenchmarks",
            dependencies: [
                .product(name: "NAC", package: "nac"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/NaturalGradientBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // NAC's public API against the bare BLAS/LAPACK call it wraps, alternated in one process
        // (`swift run -c release LinalgOverhead`); not a package-benchmark target.
        .executableTarget(
            name: "LinalgOverhead",
            dependencies: [.product(name: "NAC", package: "nac")],
            path: "Sources/LinalgOverhead"
        ),
    ]
)
