// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "nac",
    products: [
        // MARK: Public API
        .library(name: "NAC", targets: ["NAC"]),
        .executable(name: "nac", targets: ["NACCommand"]),
    ],
    dependencies: [
        // RealModule: the `Real` protocol NACScalar refines (exp, log(onePlus:), …) and approximate equality.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
        // The `nac` command-line tool.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: Implementation details
        // CBLAS and LAPACKE from OpenBLAS; only Scalar/*+NACScalar.swift and LinearAlgebra/ import it.
        .systemLibrary(
            name: "CNACLapack",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        // Non-temporal (streaming) stores for the per-sample Jacobian's outer products, which
        // Swift cannot emit, and a vectorised tanh; both with AVX2 versions picked at run time.
        // Called only from Scalar/*+NACScalar.swift.
        .target(name: "CNACKernels"),
        // MARK: Library
        .target(
            name: "NAC",
            dependencies: [
                "CNACLapack",
                "CNACKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // MARK: Worked examples
        // The forum problems of issue 7, solved on the engine; run by `nac example NAME`.
        .target(name: "NACExamples", dependencies: ["NAC"]),
        // MARK: Command-line tool
        .executableTarget(
            name: "NACCommand",
            dependencies: [
                "NAC",
                "NACExamples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // MARK: Tests
        .testTarget(
            name: "NACTests",
            dependencies: [
                "NAC",
                "NACExamples",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            resources: [.copy("Resources")]
        ),
    ]
)
