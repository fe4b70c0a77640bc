#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the screenshots in docs/screenshots/ from the real app under Xvfb: the app runs a job,
# then saves pictures of its window with its hidden --screenshot option and quits.
# Needs a build (BUILD_DIR, default build) and xvfb-run (package xvfb).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
APP="$BUILD_DIR/bin/fastmap"
OUT=docs/screenshots
[ -x "$APP" ] || { echo "no $APP: build first (scripts/build.sh)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing: apt-get install xvfb" >&2; exit 1; }
mkdir -p "$OUT"
# Fresh settings, English, so the pictures do not depend on who takes them.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" LANG=C.UTF-8 LC_ALL=C.UTF-8
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
shoot() { # FILE ARGS...: one run of the app, under its own X server
  file="$1"; shift
  timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" "$APP" "$@" --screenshot "$tmp/$file.png"
}

# The main window after the demo: great-circle distances of the bundled city pairs.
shoot main resources/demo/city-pairs.csv --function geo.haversine
cp "$tmp/main.png" "$OUT/main-window.png"

# The live plots during a heavier job: demo.work over generated elements.
shoot work range:100000 --function pi.montecarlo --param samples=20000
cp "$tmp/work-live.png" "$OUT/live-view.png"
echo "Screenshots: $(ls "$OUT"/*.png | tr '\n' ' ')"
