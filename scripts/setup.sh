#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the main job on its embedded
# default: the shipped small-office scenario through the simulator, results in
# results/small-office/ (summary.json, timeseries.csv, distributions.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPARK_WERROR=ON >/dev/null
cmake --build build -j2
build/cli/cpark sim scenarios/small-office.toml --out results/small-office
