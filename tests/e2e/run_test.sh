#!/usr/bin/env bash
# Runs one end-to-end test: run_test.sh CPARK SIPP_DIR WORK_ROOT SUITE TEST
#   CPARK      the cpark binary under test
#   SIPP_DIR   the repository's sipp/ (scenarios/ and users/)
#   WORK_ROOT  where the throw-away stores and logs go (in the build tree)
#   SUITE      a file of test functions (calls.sh, park.sh, …), TEST one of them
# Exits 77 (ctest's SKIP_RETURN_CODE) when sipp is not installed.
set -euo pipefail
# shellcheck disable=SC2034  # read by lib.sh and the suites
CPARK=$1
SCENARIOS=$2/scenarios
USERS_CSV=$2/users/users.csv
SUITE=$4
TEST=$5
WORK=$3/$TEST
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v sipp >/dev/null; then
  echo "SKIP: sipp is not installed (Debian: apt-get install sip-tester; scripts/install-deps.sh does it)"
  exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"
# shellcheck disable=SC1090
source "$here/$SUITE"
started=$SECONDS
"$TEST"
echo "PASS: $TEST ($((SECONDS - started)) s)"
