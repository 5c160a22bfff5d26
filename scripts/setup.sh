#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the main job on its embedded
# default (today: `cpark demo`, a demo deployment in results/demo.db run through the engine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPARK_WERROR=ON >/dev/null
cmake --build build -j2
mkdir -p results
rm -f results/demo.db results/demo.db-wal results/demo.db-shm
build/cli/cpark --store results/demo.db demo
