#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: on a fresh Debian 12 machine as root it installs the packages, builds, and opens
# the desktop app on the bundled demo dataset when there is a display; otherwise it runs
# fastmap-cli on the bundled demo dataset (distances between city pairs), then a CPU-heavy job
# over two million generated elements on every core.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/install-deps.sh
fi
BUILD_DIR=build scripts/build.sh

# With a display, the demo is the desktop app on the bundled dataset; without one, the CLI demo.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/bin/fastmap ]; then
  echo "== fastmap: great-circle distances for resources/demo/city-pairs.csv"
  exec build/bin/fastmap resources/demo/city-pairs.csv --function geo.haversine --run
fi
CLI=build/bin/fastmap-cli
mkdir -p build/demo

echo "== installed functions"
"$CLI" functions

echo "== great-circle distances for resources/demo/city-pairs.csv"
"$CLI" run geo.haversine --input resources/demo/city-pairs.csv --keep-input \
  --output build/demo/distances.csv
head -n 6 build/demo/distances.csv

echo "== demo.work over range:2000000 on every core"
"$CLI" run demo.work --input range:2000000 --param iterations=200 --output build/demo/work.csv --progress
head -n 4 build/demo/work.csv
echo "Results are in build/demo/."
