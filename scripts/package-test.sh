#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The install test: builds the .deb from an existing build directory with cpack, installs it
# with dpkg -i, then uses only the installed files (/usr/bin/..., no FASTMAP_PLUGIN_PATH, a
# scratch HOME, nothing from the build tree) to run a job, a worker as the service user with a
# job sent to it, the desktop app offscreen, and the plugin template built against the
# installed SDK; then purges the package and checks that nothing is left.
#
#   BUILD_DIR=build scripts/package-test.sh      (as root on Debian 12; default BUILD_DIR=build)
#
# It reconfigures BUILD_DIR with -DCMAKE_INSTALL_PREFIX=/usr (nothing is recompiled: the build
# does not depend on the prefix). Without root it prints SKIP and exits 0. Prints PASS/FAIL per
# check and exits 1 when one failed.
set -eu
cd "$(dirname "$0")/.."
SOURCE_DIR=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
PACKAGE=fastmap
SERVICE_USER=fastmap-worker

if [ "$(id -u)" != 0 ]; then
    echo "SKIP package test: it installs and purges a .deb, which needs root"
    exit 0
fi
if ! command -v dpkg >/dev/null 2>&1 || ! command -v cpack >/dev/null 2>&1; then
    echo "SKIP package test: needs dpkg and cpack (a Debian system with cmake)"
    exit 0
fi
if dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q 'ok installed\|config-files'; then
    echo "FAIL package $PACKAGE is already installed here; purge it first (dpkg --purge $PACKAGE)"
    exit 1
fi
if getent passwd "$SERVICE_USER" >/dev/null; then
    echo "FAIL user $SERVICE_USER exists already; the test would not know whether purging removed it"
    exit 1
fi

failures=0
pass() { echo "PASS $*"; }
fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}
# check NAME COMMAND...: runs COMMAND (bounded by the caller), PASS or FAIL with its output.
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name"
        printf '%s\n' "$out" | sed 's/^/    /' | tail -n 30
    fi
}

WORK=$(mktemp -d /tmp/fastmap-package-test.XXXXXX)
chmod 755 "$WORK" # the service user reads the token file from here
installed=0
worker_pid=""
cleanup() {
    if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
        kill -TERM "$worker_pid" 2>/dev/null || true
        sleep 1
        kill -KILL "$worker_pid" 2>/dev/null || true
    fi
    if [ "$installed" = 1 ]; then
        dpkg --purge "$PACKAGE" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== package: build $BUILD_DIR with prefix /usr and run cpack"
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_INSTALL_PREFIX=/usr >"$WORK/configure.log"
cmake --build "$BUILD_DIR" -j "$JOBS" >"$WORK/build.log"
mkdir -p "$WORK/pkg"
(cd "$BUILD_DIR" && timeout 900 cpack -G "DEB;TGZ" -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1 || {
    cat "$WORK/cpack.log"
    echo "FAIL cpack"
    exit 1
}
DEB=$(ls "$WORK"/pkg/${PACKAGE}_*.deb)
pass "cpack built $(basename "$DEB") and $(basename "$(ls "$WORK"/pkg/*.tar.gz)")"

depends=$(dpkg-deb -f "$DEB" Depends)
echo "   Depends: $depends"
case $depends in
*libqt6core6*libc6* | *libc6*libqt6core6*) pass "dependencies from shlibdeps" ;;
*) fail "dependencies from shlibdeps (no libc6/libqt6core6 in Depends)" ;;
esac
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$WORK/contents"
for path in /usr/bin/fastmap /usr/bin/fastmap-cli /usr/bin/fastmap-worker \
    /usr/lib/fastmap/plugins/math_sqrt.so /usr/lib/fastmap/plugins/geo_haversine.so \
    /usr/include/fastmap/FunctionPlugin.h /usr/lib/systemd/system/fastmap-worker.service \
    /etc/fastmap/worker.conf /usr/share/applications/org.fastmap.Fastmap.desktop \
    /usr/share/metainfo/org.fastmap.Fastmap.metainfo.xml /usr/share/mime/packages/org.fastmap.Fastmap.xml \
    /usr/share/icons/hicolor/scalable/apps/org.fastmap.Fastmap.svg \
    /usr/share/icons/hicolor/16x16/apps/org.fastmap.Fastmap.png \
    /usr/share/icons/hicolor/256x256/apps/org.fastmap.Fastmap.png \
    /usr/share/man/man1/fastmap.1.gz /usr/share/man/man1/fastmap-cli.1.gz /usr/share/man/man8/fastmap-worker.8.gz \
    /usr/share/doc/fastmap/copyright /usr/share/doc/fastmap/changelog.gz /usr/share/fastmap/demo/city-pairs.csv; do
    grep -qx "$path" "$WORK/contents" || fail "package holds $path"
done
grep -q '/FastmapSDKConfig.cmake$' "$WORK/contents" || fail "package holds FastmapSDKConfig.cmake"
pass "package contents"
check "worker.conf is a conffile" sh -c "dpkg-deb -I '$DEB' conffiles | grep -qx /etc/fastmap/worker.conf"

echo "== install"
installed=1
if ! timeout 300 dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1; then
    cat "$WORK/dpkg.log"
    fail "dpkg -i"
    exit 1
fi
pass "dpkg -i $(basename "$DEB")"
dpkg -L "$PACKAGE" >"$WORK/files"
check "service user $SERVICE_USER" getent passwd "$SERVICE_USER"
check "state directory /var/lib/fastmap-worker" sh -c \
    "[ \"\$(stat -c %U /var/lib/fastmap-worker)\" = $SERVICE_USER ]"

# From here on: the installed files only, in a scratch home, from a directory outside the tree.
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
cd "$WORK"
run_clean() {
    env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME="$HOME_DIR" XDG_DATA_HOME="$HOME_DIR/.local/share" \
        XDG_CONFIG_HOME="$HOME_DIR/.config" XDG_CACHE_HOME="$HOME_DIR/.cache" \
        XDG_RUNTIME_DIR="$HOME_DIR/run" LC_ALL=C.UTF-8 "$@"
}
mkdir -p "$HOME_DIR/run" && chmod 700 "$HOME_DIR/run"

echo "== desktop integration, service and man pages (installed files)"
if command -v desktop-file-validate >/dev/null; then
    check "desktop-file-validate" desktop-file-validate /usr/share/applications/org.fastmap.Fastmap.desktop
fi
if command -v appstreamcli >/dev/null; then
    check "appstreamcli validate" appstreamcli validate --no-net /usr/share/metainfo/org.fastmap.Fastmap.metainfo.xml
fi
if [ -f /usr/share/mime/globs2 ]; then
    # The trigger of shared-mime-info has read the package's MIME type.
    check ".jsonl files are application/x-ndjson" grep -q 'application/x-ndjson:\*\.jsonl$' /usr/share/mime/globs2
fi
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify" systemd-analyze verify /usr/lib/systemd/system/fastmap-worker.service
fi
for page in man1/fastmap.1.gz man1/fastmap-cli.1.gz man8/fastmap-worker.8.gz; do
    check "man -l $page renders without warnings" sh -c \
        "out=\$(MANWIDTH=80 man --warnings -l /usr/share/man/$page 2>&1 >/dev/null); [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }"
done

echo "== fastmap-cli"
version=$(run_clean timeout 30 /usr/bin/fastmap-cli --version 2>&1 || true)
case $version in
"fastmap-cli "[0-9]*) pass "fastmap-cli --version: $version" ;;
*) fail "fastmap-cli --version: $version" ;;
esac
run_clean /usr/bin/fastmap-cli functions >"$WORK/functions.txt" 2>&1 || true
check "fastmap-cli functions lists the installed plugins" sh -c \
    "grep -q math.sqrt '$WORK/functions.txt' && grep -q geo.haversine '$WORK/functions.txt'"
if run_clean timeout 120 /usr/bin/fastmap-cli run geo.haversine -i /usr/share/fastmap/demo/city-pairs.csv \
    -o "$WORK/distances.csv" --keep-input -q >"$WORK/run.log" 2>&1; then
    rows=$(($(wc -l <"$WORK/distances.csv") - 1))
    inputs=$(($(wc -l </usr/share/fastmap/demo/city-pairs.csv) - 1))
    # Paris to London is about 343.6 km.
    if [ "$rows" = "$inputs" ] && grep -q '^Paris,London,.*,343\.[0-9]*,' "$WORK/distances.csv"; then
        pass "a job: geo.haversine over the demo dataset ($rows rows)"
    else
        fail "a job: geo.haversine gave $rows rows for $inputs"
        head -3 "$WORK/distances.csv"
    fi
else
    fail "a job: fastmap-cli run geo.haversine"
    cat "$WORK/run.log"
fi

echo "== fastmap-worker as $SERVICE_USER with /etc/fastmap/worker.conf"
as_service() {
    # setpriv execs (no fork), so the PID of this command is the worker's own.
    env -i PATH=/usr/bin:/bin HOME=/var/lib/fastmap-worker LC_ALL=C.UTF-8 \
        setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- "$@"
}
if as_service timeout 60 /usr/bin/fastmap-worker tokens add package-test --config /etc/fastmap/worker.conf \
    >"$WORK/token" 2>"$WORK/token.log"; then
    pass "tokens add, as $SERVICE_USER, into /var/lib/fastmap-worker/worker.db"
else
    fail "tokens add"
    cat "$WORK/token.log"
fi
# Not through as_service: $! must be the worker's own PID (setpriv execs it), not a subshell's.
env -i PATH=/usr/bin:/bin HOME=/var/lib/fastmap-worker LC_ALL=C.UTF-8 \
    setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- \
    /usr/bin/fastmap-worker serve --config /etc/fastmap/worker.conf --listen 127.0.0.1:0 --threads 2 \
    >"$WORK/worker.out" 2>"$WORK/worker.err" &
worker_pid=$!
url=""
i=0
while [ $i -lt 150 ] && [ -z "$url" ] && kill -0 "$worker_pid" 2>/dev/null; do
    url=$(sed -n 's|^fastmap-worker listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$WORK/worker.out" 2>/dev/null || true)
    [ -n "$url" ] || sleep 0.1
    i=$((i + 1))
done
if [ -n "$url" ]; then
    pass "worker listening on $url"
    # Heavy enough (about 0.4 ms an element) that the job does not finish within its local timing
    # sample; --policy remote sends every batch after the sample to the worker. The results must
    # be byte for byte those of a local run.
    if run_clean timeout 120 /usr/bin/fastmap-cli run demo.work -i range:3000 -p iterations=100000 \
        -o "$WORK/remote.csv" --policy remote --worker "$url" --token-file "$WORK/token" --cache off \
        >"$WORK/remote.log" 2>&1 &&
        run_clean timeout 120 /usr/bin/fastmap-cli run demo.work -i range:3000 -p iterations=100000 \
            -o "$WORK/local.csv" --policy local --cache off >"$WORK/local.log" 2>&1 &&
        [ "$(wc -l <"$WORK/remote.csv")" = 3001 ] && cmp -s "$WORK/remote.csv" "$WORK/local.csv" &&
        grep -q 'batch token=package-test function=demo.work .*status=200' "$WORK/worker.err"; then
        pass "a job on the worker: $(grep -c 'status=200' "$WORK/worker.err") batches answered 200, results as a local run's"
    else
        fail "a job on the worker"
        tail -n 20 "$WORK/remote.log" "$WORK/local.log" "$WORK/worker.err"
    fi
    kill -TERM "$worker_pid"
    i=0
    while [ $i -lt 150 ] && kill -0 "$worker_pid" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if wait "$worker_pid"; then
        pass "worker drained and exited 0 on SIGTERM"
    else
        fail "worker exit on SIGTERM"
    fi
    worker_pid=""
else
    fail "worker did not start"
    cat "$WORK/worker.err"
fi

echo "== fastmap (desktop app, offscreen)"
if run_clean QT_QPA_PLATFORM=offscreen timeout 120 /usr/bin/fastmap --function math.sqrt \
    --screenshot "$WORK/window.png" range:1000 >"$WORK/gui.log" 2>&1 &&
    [ -s "$WORK/window.png" ]; then
    pass "fastmap showed its window, ran a job and exited 0"
else
    fail "fastmap offscreen"
    tail -n 20 "$WORK/gui.log"
fi
check "fastmap speaks German (translations installed)" sh -c \
    "env -i PATH=/usr/bin:/bin HOME='$HOME_DIR' XDG_CONFIG_HOME='$HOME_DIR/.config' LC_ALL=de_DE.UTF-8 \
     QT_QPA_PLATFORM=offscreen timeout 60 /usr/bin/fastmap --help | grep -q 'wendet eine Funktion'"

echo "== the plugin template against the installed SDK"
cp -r "$SOURCE_DIR/docs/plugin-template" "$WORK/my_function"
if run_clean timeout 300 cmake -S "$WORK/my_function" -B "$WORK/my_function/build" >"$WORK/template.log" 2>&1 &&
    run_clean timeout 600 cmake --build "$WORK/my_function/build" >>"$WORK/template.log" 2>&1; then
    pass "plugin template builds with find_package(FastmapSDK) from /usr"
    printf 'celsius\n36.6\n-300\n100\n' >"$WORK/temps.csv"
    run_clean FASTMAP_PLUGIN_PATH="$WORK/my_function/build" /usr/bin/fastmap-cli functions >"$WORK/functions2.txt" 2>&1 || true
    check "installed fastmap-cli lists the template's function" grep -q example.celsius_to_fahrenheit "$WORK/functions2.txt"
    run_clean FASTMAP_PLUGIN_PATH="$WORK/my_function/build" timeout 60 /usr/bin/fastmap-cli run \
        example.celsius_to_fahrenheit -i "$WORK/temps.csv" -o "$WORK/temps-out.csv" -q >"$WORK/template-run.log" 2>&1 || true
    if tr -d '\r' <"$WORK/temps-out.csv" | grep -qx '97\.88,' && grep -q 'below absolute zero' "$WORK/temps-out.csv"; then
        pass "the template's function runs: 36.6 C is 97.88 F, -300 fails"
    else
        fail "the template's function run"
        cat "$WORK/template-run.log" "$WORK/temps-out.csv" 2>/dev/null
    fi
else
    fail "plugin template build"
    tail -n 30 "$WORK/template.log"
fi

echo "== purge"
cd "$SOURCE_DIR"
if timeout 300 dpkg --purge "$PACKAGE" >"$WORK/purge.log" 2>&1; then
    installed=0
    pass "dpkg --purge"
else
    fail "dpkg --purge"
    cat "$WORK/purge.log"
fi
left=""
while IFS= read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    # Shared directories stay: those other packages own (/usr/share/man/man1) and those that
    # hold other files (/usr/lib/systemd/system). Files, and directories of our own, must go.
    if [ -d "$path" ] && [ ! -L "$path" ]; then
        case $path in
        *fastmap* | *Fastmap*) ;;
        *) if dpkg -S "$path" >/dev/null 2>&1 || [ -n "$(ls -A "$path")" ]; then continue; fi ;;
        esac
    fi
    left="$left $path"
done <"$WORK/files"
if [ -z "$left" ]; then
    pass "every file of the package is gone"
else
    fail "left behind:$left"
fi
for path in /etc/fastmap /var/lib/fastmap-worker /usr/lib/fastmap /usr/include/fastmap /usr/share/fastmap; do
    [ ! -e "$path" ] || fail "left behind: $path"
done
check "user $SERVICE_USER removed" sh -c "! getent passwd $SERVICE_USER"
check "group $SERVICE_USER removed" sh -c "! getent group $SERVICE_USER"

if [ "$failures" = 0 ]; then
    echo "== package test: all checks passed"
else
    echo "== package test: $failures check(s) FAILED"
    exit 1
fi
