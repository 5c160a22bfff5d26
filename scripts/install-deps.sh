#!/usr/bin/env bash
# Installs everything cpark builds and tests with, from Debian 12 packages. Idempotent:
# it asks apt only for what is missing, so a second run costs a few dpkg queries.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev                             # Boost.Asio and Boost.Beast: server/, its control endpoint
  libspdlog-dev                                # server/control: the event log
  libsndfile1-dev libsamplerate0-dev  # media/: music decoding and resampling
  libssl-dev                                   # sip/: digest authentication (MD5, SHA-256)
  libosip2-dev libsofia-sip-ua-dev             # bench/sip: the parsers cpark is measured against
  clang-14 libfuzzer-14-dev                    # fuzz/: the SIP parser fuzzer
  libvalijson-dev                              # tests/results: JSON Schema of the results format
  sip-tester baresip-core                      # tests/e2e, sipp/, cpark loadtest: SIPp 3.6.1 and headless phones
  kamailio                                     # bench/sip/compare-kamailio.sh: the tm proxy cpark is measured against
  qt6-base-dev qt6-charts-dev libqt6svg6-dev libqt6opengl6-dev fonts-dejavu-core  # gui/: cpark-view
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages present"
fi
