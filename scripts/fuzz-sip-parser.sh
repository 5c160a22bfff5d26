#!/usr/bin/env bash
# Builds the SIP parser fuzzer with clang-14 (libFuzzer + ASan + UBSan) in build-fuzz/ and
# runs it over fuzz/corpus/sip_parser for a fixed time (default 300 s) or a fixed number
# of runs. New inputs go to build-fuzz/corpus, crashes to build-fuzz/artifacts/; the
# checked-in corpus is only read. Keep any crash input as a test in tests/sip/regression/.
# Usage: scripts/fuzz-sip-parser.sh [SECONDS | --runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-max_total_time="${1:-300}")
if [[ ${1:-} == --runs ]]; then limit=(-runs="${2:?--runs needs a number}"); fi
command -v clang++-14 >/dev/null || { echo "fuzz: needs clang-14 and libfuzzer-14-dev" >&2; exit 1; }
cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j2
mkdir -p build-fuzz/corpus build-fuzz/artifacts
# Leak checks stay on in the ctest smoke run; here they would cost half the speed.
exec build-fuzz/sip_parser_fuzzer "${limit[@]}" -detect_leaks=0 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ \
  build-fuzz/corpus fuzz/corpus/sip_parser
