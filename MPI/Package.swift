// swift-tools-version: 6.1
import PackageDescription

// The optional MPI module of NAC, a nested package so that the root package (and its
// `swift build` / `swift test`) never needs MPI installed. Build it with
// `swift build --package-path MPI` after `apt-get install libopenmpi-dev openmpi-bin`;
// run its tests with `MPI/run-tests.sh`.
let package = Package(
    name: "nac-mpi",
    products: [
        // MARK: Public API
        .library(name: "NACMPI", targets: ["NACMPI"]),
        // `nac-mpi train ENV`: data-parallel natural policy gradient under mpirun.
        .executable(name: "nac-mpi", targets: ["NACMPITrain"]),
    ],
    dependencies: [
        // The root package, by path; `name:` is needed because a path dependency's identity is
        // its directory name (BUILD-NOTES pitfall 6).
        .package(name: "nac", path: "../"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: Implementation details
        // <mpi.h> from Open MPI (Debian: headers under /usr/lib/x86_64-linux-gnu/openmpi/include,
        // found through pkg-config's `ompi-c`); only NACMPI imports it, `internal import`.
        .systemLibrary(
            name: "CNACMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        // MARK: Library
        .target(
            name: "NACMPI",
            dependencies: [
                "CNACMPI",
                .product(name: "NAC", package: "nac"),
            ]
        ),
        // MARK: Executables run under mpirun
        // The test driver of `run-tests.sh` (mpirun -np 2): prints `N passed, M failed`.
        .executableTarget(
            name: "NACMPITests",
            dependencies: ["NACMPI", .product(name: "NAC", package: "nac")]
        ),
        // The `nac-mpi` command line (Sources/NACMPITrain).
        .executableTarget(
            name: "NACMPITrain",
            dependencies: [
                "NACMPI", .product(name: "NAC", package: "nac"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Throughput and per-update timings, all-reduce separated out (release builds).
        .executableTarget(
            name: "NACMPIBench",
            dependencies: ["NACMPI", .product(name: "NAC", package: "nac")]
        ),
    ]
)
