#!/usr/bin/env bash
# Optional: ns-3 (Debian's libns3-dev) for the hold-model comparison in
# bench/ns3_hold_bench.cc. Not needed to build, test or run cpark.
set -euo pipefail
dpkg-query -W -f='${Status}' libns3-dev 2>/dev/null | grep -q 'install ok installed' && { echo "libns3-dev present"; exit 0; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libns3-dev
