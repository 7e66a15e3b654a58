#!/usr/bin/env bash
# Reproduces Thomas (2014) Figure 1: writes results.csv, figure1.svg (Δs = 0.001) and
# figure1-ds0.01.svg (Δs = 0.01) into this folder, by `nac paper thomas2014`
# (ThomasFigure1.run in Sources/NAC/Algorithms/Thomas/ThomasFigure1.swift).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
export OPENBLAS_NUM_THREADS=1
swift run -c release nac paper thomas2014 --output "$here" "$@"
