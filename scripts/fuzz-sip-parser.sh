#!/usr/bin/env bash
# Builds the SIP parser fuzzer with clang-14 (libFuzzer + ASan + UBSan) in build-fuzz/ and
# runs it over fuzz/corpus/sip_parser for a fixed time (default 300 s) or a fixed number
# of runs. New inputs go to build-fuzz/corpus, crashes to build-fuzz/artifacts/; the
# checked-in corpus is only read. Keep any crash input as a test in tests/sip/regression/.
# --fast builds the same target without sanitizers (build-fuzz-fast/, several times the
# executions per second) for long runs beside the sanitized one.
# --merge adds to the checked-in corpus the inputs of build-fuzz*/corpus that reach new
# edges (edge coverage only, so it stays a few hundred small files).
# Usage: scripts/fuzz-sip-parser.sh [--fast] [SECONDS | --runs N | --merge]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-fuzz sanitize=ON
if [[ ${1:-} == --fast ]]; then dir=build-fuzz-fast sanitize=OFF; shift; fi
limit=(-max_total_time="${1:-300}")
if [[ ${1:-} == --runs ]]; then limit=(-runs="${2:?--runs needs a number}"); fi
command -v clang++-14 >/dev/null || { echo "fuzz: needs clang-14 and libfuzzer-14-dev" >&2; exit 1; }
cmake -S fuzz -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCPARK_FUZZ_SANITIZE=$sanitize >/dev/null
cmake --build "$dir" -j2
mkdir -p "$dir/corpus" "$dir/artifacts"
if [[ ${1:-} == --merge ]]; then
  # Adds to the checked-in corpus only the inputs that reach new edges (its named seeds,
  # the RFC 4475 messages among them, stay as they are).
  "$dir/sip_parser_fuzzer" -merge=1 -use_counters=0 -max_len=4096 fuzz/corpus/sip_parser "$dir/corpus"
  echo "fuzz/corpus/sip_parser: $(ls fuzz/corpus/sip_parser | wc -l) files"
  exit 0
fi
# Leak checks stay on in the ctest smoke run; here they would cost half the speed.
exec "$dir/sip_parser_fuzzer" "${limit[@]}" -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
  "$dir/corpus" fuzz/corpus/sip_parser
