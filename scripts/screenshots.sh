#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the screenshots in docs/screenshots/ from the real app under Xvfb: the app runs a job,
# then saves pictures of its window with its hidden --screenshot option and quits. The live
# view and the charges dialog come from a job with a local fastmap-worker that has a price.
# Needs a build (BUILD_DIR, default build) and xvfb-run (package xvfb).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
APP="$BUILD_DIR/bin/fastmap"
WORKER="$BUILD_DIR/bin/fastmap-worker"
OUT=docs/screenshots
[ -x "$APP" ] && [ -x "$WORKER" ] || { echo "no $APP or $WORKER: build first (scripts/build.sh)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing: apt-get install xvfb" >&2; exit 1; }
mkdir -p "$OUT"
# Fresh settings, English, no keychain (the token file is used), so the pictures do not
# depend on who takes them.
tmp="$(mktemp -d)"
worker_pid=""
cleanup() {
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus"
mkdir -m 700 -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/Fastmap/fastmap"
shoot() { # NAME ARGS...: one run of the app, under its own X server
  name="$1"; shift
  timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" "$APP" "$@" --screenshot "$tmp/$name.png"
}

# The main window after the demo: great-circle distances of the bundled city pairs.
shoot main resources/demo/city-pairs.csv --function geo.haversine
cp "$tmp/main.png" "$OUT/main-window.png"

# A local worker at $36 per vCPU-hour, configured in the app's settings with its token.
printf 'screenshot-token\n' > "$tmp/token"
chmod 600 "$tmp/token"
cp "$tmp/token" "$XDG_CONFIG_HOME/Fastmap/fastmap/worker-token"
"$WORKER" --listen 127.0.0.1:0 --threads 1 --db "$tmp/ledger.db" --plugins "$BUILD_DIR/lib/fastmap/plugins" \
  --token-file "$tmp/token" --price-per-vcpu-hour 36 > "$tmp/worker.out" 2> "$tmp/worker.err" &
worker_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$tmp/worker.out")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the worker did not start:" >&2; cat "$tmp/worker.err" >&2; exit 1; }
printf '[remote]\nworkers=%s\n' "$url" > "$XDG_CONFIG_HOME/Fastmap/fastmap.conf"

# The charges dialog (accepted), then the live plots of local threads and the worker.
shoot work range:100000 --function pi.montecarlo --param samples=20000
cp "$tmp/work-charges.png" "$OUT/charges-dialog.png"
cp "$tmp/work-live.png" "$OUT/live-view.png"
echo "Screenshots: $(ls "$OUT"/*.png | tr '\n' ' ')"
