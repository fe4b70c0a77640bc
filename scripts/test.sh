#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The test command: on a fresh Debian 12 machine as root it installs the packages, builds,
# and runs every test; then makes the .deb from that build, installs it, tests the installed
# programs and purges it (scripts/package-test.sh; skipped without root); then builds again
# with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test there too.
# Set SKIP_SANITIZERS=1 for a quick local run, SKIP_PACKAGE=1 to leave out the package test.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/install-deps.sh
fi

echo "== build and test (RelWithDebInfo)"
BUILD_DIR=build scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 --timeout 600

if [ "${SKIP_PACKAGE:-0}" != 1 ]; then
  echo "== package: build the .deb, install it, use it from the installed files, purge it"
  BUILD_DIR=build scripts/package-test.sh
fi

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
  BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DFASTMAP_SANITIZE=address,undefined -DFASTMAP_BUILD_BENCH=OFF
  ctest --test-dir build-asan --output-on-failure -j 2 --timeout 900
fi
echo "== all tests passed"
