#!/usr/bin/env bash
# Reproduces Thomas (2014) Figure 1: writes results.csv, figure1.svg (Δs = 0.001) and
# figure1-ds0.01.svg (Δs = 0.01) into this folder.
#
# The intended command is `nac paper thomas2014 --output Papers/Thomas2014`, which calls
# ThomasFigure1.run(.init()) (Sources/NAC/Algorithms/Thomas/ThomasFigure1.swift). Until the
# `nac` front end exposes it, this script builds a throwaway release package that depends on
# this repository by path and calls the same library function.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export OPENBLAS_NUM_THREADS=1

if (cd "$repo" && swift run -c release nac paper thomas2014 --help >/dev/null 2>&1); then
  (cd "$repo" && swift run -c release nac paper thomas2014 --output "$here")
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Sources/figure1"
cat > "$work/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "figure1",
    dependencies: [.package(name: "nac", path: "$repo")],
    targets: [.executableTarget(name: "figure1", dependencies: [.product(name: "NAC", package: "nac")])]
)
SWIFT
cat > "$work/Sources/figure1/main.swift" <<'SWIFT'
import Foundation
import NAC
let out = CommandLine.arguments[1]
let table = try ThomasFigure1.run(ThomasFigure1.Configuration())
try table.csv.write(toFile: out + "/results.csv", atomically: true, encoding: .utf8)
try table.plot(stepSize: 0.001).svg().write(toFile: out + "/figure1.svg", atomically: true, encoding: .utf8)
try table.plot(stepSize: 0.01).svg().write(toFile: out + "/figure1-ds0.01.svg", atomically: true, encoding: .utf8)
print(table.csv)
SWIFT
(cd "$work" && swift build -c release && .build/release/figure1 "$here")
