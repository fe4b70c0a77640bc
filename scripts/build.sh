#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures and builds into $BUILD_DIR (default: build). Extra arguments go to cmake's configure step.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
