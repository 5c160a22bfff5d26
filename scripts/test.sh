#!/usr/bin/env bash
# README command 2 and CI: the whole test suite. Installs what is missing, builds with
# warnings as errors, runs every test through ctest, then builds the unit tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer and runs them too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=2

echo "== release build (-Wall -Wextra -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPARK_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest -j"$jobs" --output-on-failure)

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCPARK_WERROR=ON -DCPARK_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest -j"$jobs" --output-on-failure)
