#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds installer/Containerfile and checks the image: the worker starts as fastmap-worker with a
# mounted token, its HEALTHCHECK passes, a job sent by the image's own fastmap-cli (same plugin
# builds, so the worker's functions match) runs on it, and `stop` drains it to exit code 0.
#
#   installer/container-test.sh            (needs podman or docker, and the debian:12 image)
#
# ENGINE=docker to use docker; ENGINE_OPTS for global options of the engine (e.g. on a machine
# without systemd: ENGINE_OPTS="--runtime runc --cgroup-manager=cgroupfs"), RUN_OPTS for
# `run`/`build` options (e.g. "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"). The
# containers use the host's network and the worker listens on 127.0.0.1:$PORT (default 8750).
set -eu
cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-podman}
ENGINE_OPTS=${ENGINE_OPTS:-}
RUN_OPTS=${RUN_OPTS:-}
PORT=${PORT:-8750}
IMAGE=localhost/fastmap-worker:test
# shellcheck disable=SC2086
engine() { "$ENGINE" $ENGINE_OPTS "$@"; }

if ! command -v "$ENGINE" >/dev/null 2>&1; then
    echo "SKIP container test: $ENGINE is not installed"
    exit 0
fi
WORK=$(mktemp -d /tmp/fastmap-container-test.XXXXXX)
cid=""
cleanup() {
    [ -z "$cid" ] || engine rm -f "$cid" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build $IMAGE"
format=""
[ "$ENGINE" != podman ] || format="--format docker" # keeps the HEALTHCHECK
# shellcheck disable=SC2086
engine build $format --network=host $RUN_OPTS --pull=never --build-arg JOBS="${JOBS:-2}" \
    -f installer/Containerfile -t "$IMAGE" . >"$WORK/build.log" 2>&1 || {
    tail -n 40 "$WORK/build.log"
    echo "FAIL image build"
    exit 1
}
echo "PASS image build"

head -c 32 /dev/urandom | base64 | tr -d '\n=' >"$WORK/token"
chmod 644 "$WORK/token" # the container's fastmap-worker user reads it
# shellcheck disable=SC2086
cid=$(engine run -d --network=host $RUN_OPTS -e FASTMAP_WORKER_LISTEN="127.0.0.1:$PORT" \
    -v "$WORK/token:/run/secrets/fastmap-worker-token:ro" "$IMAGE")
i=0
until engine logs "$cid" 2>&1 | grep -q "listening on http://127.0.0.1:$PORT"; do
    i=$((i + 1))
    if [ $i -ge 100 ]; then
        engine logs "$cid" 2>&1 | tail -n 20
        echo "FAIL worker did not start"
        exit 1
    fi
    sleep 0.1
done
echo "PASS worker started: $(engine exec "$cid" id -un) on 127.0.0.1:$PORT"
if [ "$PORT" = 8750 ]; then # the HEALTHCHECK asks port 8750
    if engine healthcheck run "$cid" >/dev/null 2>&1 || engine exec "$cid" curl -fsS "http://127.0.0.1:8750/v1/health" >/dev/null; then
        echo "PASS health check"
    else
        echo "FAIL health check"
        exit 1
    fi
fi
# shellcheck disable=SC2086
if engine run --rm --network=host $RUN_OPTS --user fastmap-worker -v "$WORK/token:/tmp/token:ro" \
    --entrypoint /usr/bin/fastmap-cli "$IMAGE" run demo.work -i range:3000 -p iterations=100000 \
    -o /tmp/out.csv --policy remote --worker "http://127.0.0.1:$PORT" --token-file /tmp/token \
    --cache off >"$WORK/cli.log" 2>&1 && engine logs "$cid" 2>&1 | grep -q 'function=demo.work .*status=200'; then
    echo "PASS a job on the containerized worker: $(grep "127.0.0.1:$PORT: .* elements in" "$WORK/cli.log" | sed 's/^ *//')"
else
    tail -n 20 "$WORK/cli.log"
    echo "FAIL a job on the worker"
    exit 1
fi
engine stop -t 30 "$cid" >/dev/null
code=$(engine inspect "$cid" --format '{{.State.ExitCode}}')
if [ "$code" = 0 ] && engine logs "$cid" 2>&1 | grep -q 'drained and stopped'; then
    echo "PASS stop drains the worker (exit code 0)"
else
    echo "FAIL stop: exit code $code"
    exit 1
fi

engine rm -f "$cid" >/dev/null
cid=""

# The unit under systemd: an image with systemd as PID 1 (privileged), the package's service
# enabled with a token file; it must start, serve a job, drain on stop, and purge cleanly.
echo "== fastmap-worker.service under systemd"
cat >"$WORK/Containerfile.systemd" <<'END'
FROM localhost/fastmap-worker:test
USER root
RUN apt-get update && apt-get install -y --no-install-recommends systemd systemd-sysv dbus \
    && rm -rf /var/lib/apt/lists/*
RUN echo token-file=/etc/fastmap/worker.token >>/etc/fastmap/worker.conf \
    && head -c 32 /dev/urandom | base64 >/etc/fastmap/worker.token \
    && chown fastmap-worker /etc/fastmap/worker.token && chmod 600 /etc/fastmap/worker.token \
    && systemctl enable fastmap-worker
ENTRYPOINT ["/lib/systemd/systemd"]
END
# shellcheck disable=SC2086
engine build $RUN_OPTS --network=host --pull=never -f "$WORK/Containerfile.systemd" -t localhost/fastmap-worker-systemd:test \
    "$WORK" >"$WORK/build-systemd.log" 2>&1 || {
    tail -n 20 "$WORK/build-systemd.log"
    echo "FAIL systemd image build"
    exit 1
}
# shellcheck disable=SC2086
cid=$(engine run -d --privileged --systemd=always --network=host $RUN_OPTS localhost/fastmap-worker-systemd:test)
i=0
until [ "$(engine exec "$cid" systemctl is-active fastmap-worker 2>/dev/null)" = active ]; do
    i=$((i + 1))
    if [ $i -ge 60 ]; then
        engine exec "$cid" journalctl -u fastmap-worker --no-pager | tail -n 20
        echo "FAIL the service did not start under systemd"
        exit 1
    fi
    sleep 0.5
done
sleep 1
echo "PASS the service runs under systemd ($(engine exec "$cid" systemd-analyze security fastmap-worker | tail -n 1 | sed 's/^→ //'))"
if engine exec "$cid" sh -c 'cp /etc/fastmap/worker.token /tmp/t && chmod 644 /tmp/t &&
    runuser -u nobody -- env HOME=/tmp fastmap-cli run demo.work -i range:3000 -p iterations=100000 \
    -o /tmp/o.csv --policy remote --worker http://127.0.0.1:8750 --token-file /tmp/t --cache off' \
    >"$WORK/cli-systemd.log" 2>&1 &&
    engine exec "$cid" journalctl -u fastmap-worker --no-pager | grep -q 'function=demo.work .*status=200'; then
    echo "PASS a job on the service"
else
    tail -n 20 "$WORK/cli-systemd.log"
    echo "FAIL a job on the service"
    exit 1
fi
engine exec "$cid" systemctl stop fastmap-worker
if [ "$(engine exec "$cid" systemctl show fastmap-worker -p Result --value)" = success ] &&
    engine exec "$cid" journalctl -u fastmap-worker --no-pager | grep -q 'drained and stopped'; then
    echo "PASS systemctl stop drains it"
else
    echo "FAIL systemctl stop"
    exit 1
fi
engine exec "$cid" systemctl start fastmap-worker
# shellcheck disable=SC2016 # expanded in the container
if engine exec "$cid" sh -c 'rm /etc/fastmap/worker.token && dpkg --purge fastmap >/dev/null 2>&1 &&
    ! systemctl is-active -q fastmap-worker && ! getent passwd fastmap-worker &&
    [ ! -e /etc/fastmap ] && [ -z "$(ls -A /var/lib/fastmap-worker)" ] &&
    ! ls /etc/systemd/system/*.wants/fastmap-worker.service 2>/dev/null'; then
    echo "PASS purge stops the running service and leaves nothing (the state volume stays, empty)"
else
    echo "FAIL purge under systemd"
    exit 1
fi
engine rm -f "$cid" >/dev/null
cid=""
echo "== container test: all checks passed"
