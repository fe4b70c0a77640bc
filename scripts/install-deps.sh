#!/bin/sh
# Installs every Debian 12 package needed to build, test, package and benchmark Fastmap Desktop.
# (The last line is for the package and its checks: dpkg-shlibdeps and file for CPack,
# desktop-file-validate, appstreamcli, man page linting and rendering, systemd-analyze verify;
# see scripts/package-test.sh. The line above it is only for bench/e2e.sh's peers: pandas, numpy, GNU time,
# and for tests/worker/protocol_client.py, the independent CBOR client of the worker protocol: cbor2.)
# Run as root. Safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
packages="
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite
  qt6-httpserver-dev qt6-websockets-dev
  qt6-charts-dev libqt6opengl6-dev libgl-dev qt6-svg-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools linguist-qt6
  qtkeychain-qt6-dev libarchive-dev
  libtbb-dev clang libclang-rt-dev
  xvfb xauth unzip zstd openssl bsdutils locales
  python3-pandas python3-numpy time python3-cbor2
  dpkg-dev file desktop-file-utils appstream mandoc man-db groff-base systemd
"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi
