#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/remote.sh [MODE...] [OPTIONS]: the remote path over loopback and the accuracy of
# `fastmap-cli estimate` (issue #10's "Remote over loopback" and "Estimate" targets), measured in
# one run against local runs of the same jobs. Run with --help for the modes and options.
# Starts its own fastmap-workers on 127.0.0.1 (free ports, fresh ledgers, a token each, price 0)
# and stops them by PID when it ends; it never builds fastmap-cli or fastmap-worker, and installs
# nothing. Every client run gets empty XDG directories and a time limit.
set -eu
set -o pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${FASTMAP_CLI:-}" ]; then
    cli=$FASTMAP_CLI
elif [ -x "$root/build-rel/bin/fastmap-cli" ]; then
    cli=$root/build-rel/bin/fastmap-cli
else
    cli=$root/build/bin/fastmap-cli
fi
worker_bin=${FASTMAP_WORKER:-}
data=${BENCH_DATA:-$root/build/bench-data}
build_dir=${BUILD_DIR:-$root/build-bench}
python=${PYTHON:-/usr/bin/python3}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
repeat=3 threads=2 keep=0 run_timeout=300 tolerance=5
n0=20000000 n1=3000000 n10=300000
modes=()

usage() {
    cat <<EOF
usage: bench/remote.sh [MODE...] [OPTIONS]

Modes (default: all four):
  overhead   demo.work at 0 iterations over range:N0, fastmap-cli -j 1 --policy remote to a
             1-thread worker against the same job local -j 1: overhead per element =
             (remote wall - local wall) / N0, i.e. (remote wall - N0 x the measured local cost
             per element) / N0. Target <= 0.3 us
  remote     demo.work at 10 us per element over range:N10, remote only (-j 1 --policy remote)
             to a 1-thread worker, against local -j 1: local wall / remote wall >= 0.9
  mixed      demo.work at 1 us (range:N1) and 10 us (range:N10) under the adaptive policy:
             -j T local only against -j T plus a 1-thread worker and plus a 2-thread worker,
             and -j 1 against -j 1 plus the 1-thread worker, which must use the worker
  estimate   fastmap-cli estimate, then the real run, for geo.haversine over geo_1M.csv,
             math.sqrt over x_5M.csv and demo.work at 1 and 10 us over range (-j T, and -j 1
             for demo.work): estimate, actual wall, error (target within +-10%), and where
             the time went (the engine's own time, the job store, the output file)

Options:
  --cli PATH          fastmap-cli (default build-rel/bin/fastmap-cli if built, else
                      build/bin/fastmap-cli, or \$FASTMAP_CLI)
  --worker-bin PATH   fastmap-worker (default beside fastmap-cli, or \$FASTMAP_WORKER)
  --data DIR          input files, made there if missing (default build/bench-data, or \$BENCH_DATA)
  --repeat R          each run R times, in turn; the fastest is kept (default 3)
  --threads T         local threads of the mixed and estimate runs (default 2)
  --n0 N              elements of the overhead job (default 20000000)
  --n1 N              elements of the 1 us jobs (default 3000000)
  --n10 N             elements of the 10 us jobs (default 300000)
  --small             N0=2M, N1=300k, N10=30k: a quick check that everything runs
  --timeout S         the limit of each client run, in seconds (default 300)
  --tolerance PCT     "not slower" allows this much noise, in per cent (default 5)
  --keep              keep the work directory (outputs, logs, ledgers)

Environment: BUILD_DIR (build-bench), JOBS (build jobs), DEMO_WORK_CALIBRATE (use this binary
instead of building it), PYTHON (for bench/make_inputs), TMPDIR (where the work directory goes).
"seconds" is the process's wall time, the fastest of R; "engine s" is what fastmap-cli's summary
says ("Completed: ... in X s"). Workers listen only on 127.0.0.1, with port 0 (a free one), and
share this machine's cores with the client: see the notes the mixed mode prints. The exit status
is 1 only if a run fails (or a worker cannot start); MISS verdicts are informational.
EOF
}

die() {
    echo "bench/remote.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case $1 in
    overhead | remote | mixed | estimate) modes+=("$1") ;;
    --cli) cli=${2:?--cli needs a path}; shift ;;
    --worker-bin) worker_bin=${2:?--worker-bin needs a path}; shift ;;
    --data) data=${2:?--data needs a directory}; shift ;;
    --repeat) repeat=${2:?}; shift ;;
    --threads) threads=${2:?}; shift ;;
    --n0) n0=${2:?}; shift ;;
    --n1) n1=${2:?}; shift ;;
    --n10) n10=${2:?}; shift ;;
    --small) n0=2000000 n1=300000 n10=30000 ;;
    --timeout) run_timeout=${2:?}; shift ;;
    --tolerance) tolerance=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
    shift
done
[ ${#modes[@]} = 0 ] && modes=(overhead remote mixed estimate)
for n in "$repeat" "$threads" "$n0" "$n1" "$n10" "$run_timeout" "$tolerance"; do
    case $n in '' | *[!0-9]* | 0) die "'$n' is not a whole number above 0" ;; esac
done
want() { [[ " ${modes[*]} " == *" $1 "* ]]; }
worker_bin=${worker_bin:-$(dirname "$cli")/fastmap-worker}

# --- what the run needs ----------------------------------------------------------------------

[ -x /usr/bin/time ] || die "needs GNU time at /usr/bin/time (Debian package 'time'; scripts/install-deps.sh installs it)"
command -v timeout >/dev/null || die "needs timeout(1) (coreutils)"
[ -x "$cli" ] || die "fastmap-cli not found at $cli: build it or give --cli PATH"
[ -x "$worker_bin" ] || die "fastmap-worker not found at $worker_bin: build it or give --worker-bin PATH"
functions=$("$cli" functions 2>&1) || die "'$cli functions' failed: $functions"
for f in demo.work geo.haversine math.sqrt; do
    grep -q "^$f " <<<"$functions" || die "$cli does not list the function $f (are the plugins built?)"
done

# demo-work-calibrate: $DEMO_WORK_CALIBRATE, else build-bench's if it is there (built by bench/run
# or bench/e2e.sh), else it is built there, as bench/e2e.sh does.
calibrate=${DEMO_WORK_CALIBRATE:-}
[ -z "$calibrate" ] && [ -x "$build_dir/bin/demo-work-calibrate" ] && calibrate=$build_dir/bin/demo-work-calibrate
if [ -z "$calibrate" ]; then
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
        generator=
        command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
        # shellcheck disable=SC2086 # $generator is empty or two words
        cmake -S "$root" -B "$build_dir" $generator -DCMAKE_BUILD_TYPE=Release \
            -DFASTMAP_BUILD_TESTS=OFF -DFASTMAP_BUILD_BENCH=ON >&2 || die "cannot configure $build_dir"
    fi
    cmake --build "$build_dir" --target demo-work-calibrate -j "$jobs" >&2 ||
        die "cannot build demo-work-calibrate in $build_dir"
    calibrate=$build_dir/bin/demo-work-calibrate
fi
[ -x "$calibrate" ] || die "demo-work-calibrate not found at $calibrate"
if want estimate; then
    [ -x "$python" ] || die "no Python at $python (set PYTHON): bench/make_inputs needs it"
    "$python" "$root/bench/make_inputs" "$data" >/dev/null || die "bench/make_inputs could not write $data"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmap-remote.XXXXXX")
mkdir -p "$work/out" "$work/log"

# --- the workers --------------------------------------------------------------------------------

worker_pids=()
# shellcheck disable=SC2317 # called from the EXIT trap
stop_workers() {
    local pid
    for pid in "${worker_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${worker_pids[@]}"; do # drains; a batch lasts well under a second here
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    worker_pids=()
}
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
    stop_workers
    if [ "$keep" = 1 ]; then echo "work directory: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A worker_url worker_token
# start_worker NAME THREADS: a fastmap-worker on 127.0.0.1, a free port, its own ledger and
# XDG directories, one token made with `tokens add`, free. Sets worker_url[NAME], worker_token[NAME].
start_worker() {
    local name=$1 wthreads=$2 dir=$work/worker-$1 pid url
    mkdir -p "$dir/data" "$dir/config" "$dir/cache"
    local env=(env XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache")
    "${env[@]}" "$worker_bin" tokens add bench --db "$dir/worker.db" >"$dir/token" 2>"$dir/tokens.err" ||
        { cat "$dir/tokens.err" >&2; die "'fastmap-worker tokens add' failed"; }
    [ -s "$dir/token" ] || die "'fastmap-worker tokens add' printed no token"
    "${env[@]}" "$worker_bin" serve --listen 127.0.0.1:0 --threads "$wthreads" --db "$dir/worker.db" \
        --price-per-vcpu-hour 0 >"$dir/stdout" 2>"$dir/stderr" &
    pid=$!
    worker_pids+=("$pid")
    url=
    for _ in $(seq 100); do # 10 s
        url=$(sed -n 's/^fastmap-worker listening on //p' "$dir/stdout")
        [ -n "$url" ] && break
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/stderr" >&2; die "fastmap-worker $name exited at start"; }
        sleep 0.1
    done
    [ -n "$url" ] || { tail -n 20 "$dir/stderr" >&2; die "fastmap-worker $name printed no URL within 10 s"; }
    case $url in http://127.0.0.1:[0-9]*) ;; *) die "fastmap-worker $name listens on '$url', not on http://127.0.0.1" ;; esac
    if command -v curl >/dev/null 2>&1; then
        curl -fsS --max-time 5 "$url/v1/health" | grep -q "\"threads\": *$wthreads" ||
            die "fastmap-worker $name at $url does not answer /v1/health with $wthreads threads"
    fi
    worker_url[$name]=$url
    worker_token[$name]=$dir/token
}

# --- measuring ---------------------------------------------------------------------------------

declare -A best_wall cpu_s walls engine_s last_log
# timed KEY COMMAND...: one run under timeout and /usr/bin/time; keeps KEY's fastest wall time
# with its CPU time and the engine's own seconds. A failed run ends the benchmark. A KEY ending in
# ":null" has its standard output thrown away.
timed() {
    local key=$1 log=$work/log/${1//[^A-Za-z0-9_.-]/_}
    shift
    local t0 t1 wall user sys rc=0 n out
    n=$(($(wc -w <<<"${walls[$key]:-}") + 1))
    log=$log.$n out=$log.out
    [ "${key##*:}" = null ] && out=/dev/null # the run writes its results to standard output
    t0=$(date +%s%N)
    timeout --kill-after=10 "$run_timeout" /usr/bin/time -f '%U %S' -o "$work/time" "$@" >"$out" 2>"$log.err" || rc=$?
    t1=$(date +%s%N)
    if [ "$rc" != 0 ]; then
        [ "$rc" = 124 ] && echo "bench/remote.sh: $key took longer than --timeout $run_timeout s" >&2
        echo "bench/remote.sh: $key failed (exit $rc): $*" >&2
        tail -n 20 "$log.err" >&2
        exit 1
    fi
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r user sys < <(tail -n 1 "$work/time")
    walls[$key]="${walls[$key]:-} $wall"
    if [ -z "${best_wall[$key]:-}" ] || awk -v a="$wall" -v b="${best_wall[$key]}" 'BEGIN { exit !(a < b) }'; then
        best_wall[$key]=$wall
        cpu_s[$key]=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        engine_s[$key]=$(sed -n 's/^Completed: .* in \([0-9.]*\) s .*/\1/p' "$log.err" | tail -n 1)
        last_log[$key]=$log
    fi
}
median() { tr ' ' '\n' <<<"${walls[$1]}" | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"PASS\" : \"MISS\" }"; }

fresh_xdg() { # fresh_xdg DIR: empty XDG directories for one client run; prints the assignments
    rm -rf "$1"
    mkdir -p "$1/data" "$1/config" "$1/cache"
    echo "XDG_DATA_HOME=$1/data XDG_CONFIG_HOME=$1/config XDG_CACHE_HOME=$1/cache"
}
# cli KEY SUBCOMMAND ARGS...: fastmap-cli with fresh XDG directories, timed under KEY
cli() {
    local key=$1
    shift
    # shellcheck disable=SC2046 # the assignments are words without spaces
    timed "$key" env $(fresh_xdg "$work/xdg") "$cli" "$@"
}
# with_worker NAME: the client options that use worker NAME
with_worker() { echo "--worker ${worker_url[$1]} --token-file ${worker_token[$1]}"; }

# From a run's stderr (KEY's fastest): elements the workers did, and what the policy said.
remote_elements() {
    awk '/^  https?:\/\/.*elements in/ { n += $2 } END { print n + 0 }' "${last_log[$1]}.err"
}
local_elements() { # without a "local:" line (no workers), every element ran locally
    awk '/^  local: / { n += $2; l = 1 } /^Completed: / { all = $2 } END { print l ? n + 0 : all + 0 }' "${last_log[$1]}.err"
}
policy_note() { # what the adaptive policy saw and said in KEY's run, on one line
    local log=${last_log[$1]}.err loc with note
    loc=$(sed -n 's/^Local only: *//p' "$log" | head -n 1)
    with=$(sed -n 's/^With remote workers: *//p' "$log" | head -n 1)
    note=$(grep -E '^(note|Note): |not needed|would not speed' "$log" | head -n 1 | cut -c1-110 || true)
    [ -n "$loc$with" ] && printf 'estimate %s, with workers %s' "${loc:-?}" "${with:-?}"
    [ -n "$note" ] && printf '; %s' "$note"
    true
}
# seconds TEXT: "409 ms", "6.7 s", "1.2 min", "2.0 h" -> seconds; "1.3 µs", "51 ns" likewise
to_seconds() {
    awk -v t="$1" 'BEGIN { n = split(t, a, " "); v = a[1]; u = a[2]
        f = u == "ns" ? 1e-9 : u ~ /s$/ && u != "s" && u != "ms" ? 1e-6 : u == "ms" ? 1e-3 : u == "s" ? 1 : u == "min" ? 60 : u == "h" ? 3600 : -1
        if (f < 0 || v == "") print "?"; else printf "%.9g", v * f }'
}
estimate_field() { # estimate_field LOG LABEL: the text after "LABEL:" in an estimate
    sed -n "s/^$2: *//p" "$1" | head -n 1 | sed 's/ (.*//; s/ on [0-9]* threads//'
}

build_type() {
    sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$(dirname "$(dirname "$1")")/CMakeCache.txt" 2>/dev/null || true
}
cpu_idle() {
    local a b
    a=$(awk '/^cpu /{ print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{ print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}
# row LABEL KEY [extra columns]: one table row from KEY's figures
row() {
    local label=$1 key=$2
    shift 2
    printf '%-34s %8s %8s %8s %9s' "$label" "${best_wall[$key]}" "$(median "$key")" "${cpu_s[$key]}" "${engine_s[$key]:-?}"
    [ $# -gt 0 ] && printf ' %s' "$@"
    echo
}
header() { # header EXTRA-COLUMN-TITLES
    printf '%-34s %8s %8s %8s %9s %s\n' run seconds median "cpu s" "engine s" "$*"
    echo "--------------------------------------------------------------------------------------------------------------"
}

declare -A verdicts
status=0
echo "fastmap remote over loopback and estimate accuracy, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine    $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "tree       $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
built() { date -u -r "$1" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?'; }
echo "fastmap-cli $cli ($(build_type "$cli") build, built $(built "$cli"))"
echo "worker     $worker_bin (built $(built "$worker_bin"))"
echo "load avg   $(cut -d' ' -f1-3 /proc/loadavg) at start; CPUs $(cpu_idle)% idle in the second before"
echo "runs       fastest of $repeat, in turn; each client run limited to $run_timeout s; fresh XDG dirs every run"
[ "$(build_type "$cli")" != Release ] && echo "warning    fastmap-cli is not a Release build"

start_worker w1 1
start_worker w2 2
echo "workers    ${worker_url[w1]} (1 thread), ${worker_url[w2]} (2 threads); free, one token each (tokens add)"

# Calibrate demo.work: iterations for 1 us and 10 us per element.
need_cost() { # need_cost US N: sets k_US and c_US (iterations, measured us)
    local k c
    read -r k c _ _ < <("$calibrate" "$1" "$2") || true
    [ -n "${k:-}" ] || die "calibrating demo.work at $1 us failed"
    eval "k_$1=$k c_$1=$c"
}
k_1='' k_10='' c_1='' c_10=''
if want mixed || want estimate; then need_cost 1 "$n1"; fi
if want remote || want mixed || want estimate; then need_cost 10 "$n10"; fi
echo "demo.work  calibrated: ${k_1:-?} iterations for 1 us (measured ${c_1:-?} us), ${k_10:-?} for 10 us (measured ${c_10:-?} us)"

# --- overhead --------------------------------------------------------------------------------

if want overhead; then
    for _ in $(seq "$repeat"); do
        cli ov:local run demo.work -i "range:$n0" -p iterations=0 -o "$work/out/ov_local.csv" -j 1 --policy local
        # shellcheck disable=SC2046
        cli ov:remote run demo.work -i "range:$n0" -p iterations=0 -o "$work/out/ov_remote.csv" -j 1 --policy remote $(with_worker w1)
    done
    cmp -s "$work/out/ov_local.csv" "$work/out/ov_remote.csv" || { echo "OUTPUT MISMATCH: overhead local and remote differ"; status=1; }
    lw=${best_wall[ov:local]} rw=${best_wall[ov:remote]} nr=$(remote_elements ov:remote)
    ov=$(calc %.3f "($rw - $lw) / $n0 * 1e6")
    ovr=$(calc %.3f "($nr > 0) ? ($rw - $lw) / $nr * 1e6 : -1")
    echo
    echo "per-element remote overhead: demo.work at 0 iterations over range:$n0, client -j 1, worker 1 thread; load avg $(cut -d' ' -f1-3 /proc/loadavg)"
    header "elements local/remote"
    row "local -j 1" ov:local "$(local_elements ov:local)/0"
    row "remote -j 1 --policy remote" ov:remote "$(local_elements ov:remote)/$nr"
    echo "  local cost per element: $(calc %.3f "$lw / $n0 * 1e6") us (wall / N)"
    echo "  overhead = (remote wall - N x local cost) / N = $ov us per element (target <= 0.3: $(verdict "$ov" '<=' 0.3));" \
        "per element that went remote: $ovr us ($(verdict "$ovr" '<=' 0.3))"
    echo "  (the sample's elements run locally even under --policy remote: $(local_elements ov:remote) of $n0 here)"
    verdicts[overhead]="remote overhead per element $ov us (<= 0.3)|$(verdict "$ov" '<=' 0.3)"
fi

# --- remote only at 10 us ----------------------------------------------------------------------

if want remote; then
    for _ in $(seq "$repeat"); do
        cli r10:local run demo.work -i "range:$n10" -p "iterations=$k_10" -o "$work/out/r10_local.csv" -j 1 --policy local
        # shellcheck disable=SC2046
        cli r10:remote run demo.work -i "range:$n10" -p "iterations=$k_10" -o "$work/out/r10_remote.csv" -j 1 --policy remote $(with_worker w1)
    done
    cmp -s "$work/out/r10_local.csv" "$work/out/r10_remote.csv" || { echo "OUTPUT MISMATCH: remote-only local and remote differ"; status=1; }
    ratio=$(calc %.3f "${best_wall[r10:local]} / ${best_wall[r10:remote]}")
    echo
    echo "remote only at 10 us: demo.work at $k_10 iterations over range:$n10, client -j 1, worker 1 thread; load avg $(cut -d' ' -f1-3 /proc/loadavg)"
    header "elements local/remote  vs local -j 1"
    row "local -j 1" r10:local "$(local_elements r10:local)/0" "1.000"
    row "remote -j 1 --policy remote" r10:remote "$(local_elements r10:remote)/$(remote_elements r10:remote)" "$ratio"
    echo "  remote-only run: $ratio of one local thread (target >= 0.9: $(verdict "$ratio" '>=' 0.9))"
    verdicts[remote]="remote only at 10 us: $ratio of one local thread (>= 0.9)|$(verdict "$ratio" '>=' 0.9)"
fi

# --- mixed: adding a worker ------------------------------------------------------------------------

if want mixed; then
    for _ in $(seq "$repeat"); do
        for c in 1 10; do
            eval "k=\$k_$c n=\$n$c"
            in=(demo.work -i "range:$n" -p "iterations=$k")
            cli "m$c:jT" run "${in[@]}" -o "$work/out/m${c}_jT.csv" -j "$threads" --policy local
            # shellcheck disable=SC2046
            cli "m$c:jT+w1" run "${in[@]}" -o "$work/out/m${c}_jTw1.csv" -j "$threads" $(with_worker w1)
            # shellcheck disable=SC2046
            cli "m$c:jT+w2" run "${in[@]}" -o "$work/out/m${c}_jTw2.csv" -j "$threads" $(with_worker w2)
            cli "m$c:j1" run "${in[@]}" -o "$work/out/m${c}_j1.csv" -j 1 --policy local
            # shellcheck disable=SC2046
            cli "m$c:j1+w1" run "${in[@]}" -o "$work/out/m${c}_j1w1.csv" -j 1 $(with_worker w1)
        done
    done
    echo
    echo "adding a worker (adaptive policy): demo.work over range, local threads against the same plus a worker; load avg $(cut -d' ' -f1-3 /proc/loadavg)"
    header "elements local/remote  vs without  policy"
    never=PASS j1uses=PASS
    for c in 1 10; do
        eval "k=\$k_$c n=\$n$c"
        echo "demo.work at $c us ($k iterations) over range:$n"
        for f in jT jTw1 jTw2 j1w1; do
            cmp -s "$work/out/m${c}_j1.csv" "$work/out/m${c}_$f.csv" || { echo "  OUTPUT MISMATCH: m${c}_$f.csv"; status=1; }
        done
        for v in "jT|-j $threads local|" "jT+w1|-j $threads + worker (1 thread)|jT" "jT+w2|-j $threads + worker (2 threads)|jT" \
            "j1|-j 1 local|" "j1+w1|-j 1 + worker (1 thread)|j1"; do
            IFS='|' read -r key label base <<<"$v"
            key=m$c:$key
            vs=1.000 note=
            if [ -n "$base" ]; then
                vs=$(calc %.3f "${best_wall[m$c:$base]} / ${best_wall[$key]}")
                re=$(remote_elements "$key")
                if [ "$re" = 0 ]; then note="worker NOT used"; else note="worker used"; fi
                note="$note ($(policy_note "$key"))"
                ok=$(verdict "$vs" '>=' "$(calc %.4f "1 / (1 + $tolerance / 100)")")
                [ "$ok" = PASS ] || never=MISS
                note="$note; not slower: $ok"
                if [ "$base" = j1 ] && [ "$re" = 0 ]; then j1uses=MISS; fi
            fi
            row "  $label" "$key" "$(printf '%-22s %10s' "$(local_elements "$key")/$(remote_elements "$key")" "$vs")" " $note"
        done
    done
    echo "  'vs without': wall without the worker / wall with it (above 1: faster with it); 'not slower' allows $tolerance% of noise."
    echo "  On this $(nproc)-core machine a loopback worker runs on the client's own cores: with -j $threads every core already"
    echo "  works, so a worker can at best break even. The adaptive policy counts a worker on 127.0.0.1 only on the"
    echo "  cores the local threads leave free (cores - local threads), so with -j $threads on $(nproc) cores it should decline it"
    echo "  (\"worker NOT used\", and the run as fast as without it, within the noise). With -j 1 a worker thread is a"
    echo "  second core, so there the worker must be used and the job faster."
    verdicts[never]="adding a worker never makes a job slower (within $tolerance%)|$never"
    verdicts[j1]="adaptive policy uses the worker with -j 1|$j1uses"
fi

# --- estimate ----------------------------------------------------------------------------------

if want estimate; then
    # name|-j|input|function and params
    ejobs=("haversine|$threads|$data/geo_1M.csv|geo.haversine"
        "sqrt|$threads|$data/x_5M.csv|math.sqrt")
    for c in 1 10; do
        eval "k=\$k_$c n=\$n$c"
        ejobs+=("demo$c|$threads|range:$n|demo.work -p iterations=$k" "demo$c-j1|1|range:$n|demo.work -p iterations=$k")
    done
    for _ in $(seq "$repeat"); do
        for e in "${ejobs[@]}"; do
            IFS='|' read -r name j in fn <<<"$e"
            # shellcheck disable=SC2086 # $fn is the function and its parameters
            cli "e:$name:estimate" estimate $fn -i "$in" -j "$j"
            # shellcheck disable=SC2086
            cli "e:$name:run" run $fn -i "$in" -j "$j" -o "$work/out/e_$name.csv"
            # shellcheck disable=SC2086
            cli "e:$name:norecord" run $fn -i "$in" -j "$j" -o "$work/out/e_$name.csv" --no-record
            # shellcheck disable=SC2086
            cli "e:$name:null" run $fn -i "$in" -j "$j" -o - --no-record
        done
    done
    declare -A est_wall
    echo
    echo "estimate accuracy: fastmap-cli estimate, then the run (local, job store on, CSV output); load avg $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-12s %3s %9s %9s %9s %10s %9s %9s %8s %7s\n' job -j "cost/el" "sample/el" left "local only" "est wall" actual error verdict
    echo "--------------------------------------------------------------------------------------------------------------"
    worst=PASS
    for e in "${ejobs[@]}"; do
        IFS='|' read -r name j in fn <<<"$e"
        log=${last_log[e:$name:estimate]}.out
        per=$(to_seconds "$(estimate_field "$log" 'Time per element')")
        left=$(estimate_field "$log" 'Elements left')
        lo=$(to_seconds "$(estimate_field "$log" 'Local only')")
        if [ "$per" = "?" ] || [ "$lo" = "?" ]; then die "cannot read the estimate of $name: see $log (run with --keep)"; fi
        # The estimate's prediction of the whole run: its own wall (start-up and the sample, which the
        # run does too) plus what it says the elements left take.
        ew=$(calc %.3f "${best_wall[e:$name:estimate]} + $lo")
        aw=${best_wall[e:$name:run]}
        err=$(calc %+.1f "($ew / $aw - 1) * 100")
        v=$(awk -v e="$err" 'BEGIN { print (e >= -10 && e <= 10) ? "PASS" : "MISS" }')
        [ "$v" = PASS ] || worst=MISS
        cost=-
        case $name in demo1 | demo1-j1) cost=$(calc %.0fns "$c_1 * 1e3") ;; demo10 | demo10-j1) cost=$(calc %.0fns "$c_10 * 1e3") ;; esac
        printf '%-12s %3s %9s %9s %9s %10s %9s %9s %7s%% %7s\n' "$name" "$j" "$cost" "$(calc %.0fns "$per * 1e9")" \
            "$left" "$(calc %.3f "$lo")" "$ew" "$aw" "$err" "$v"
        est_wall[$name]=$ew
    done
    echo "  cost/el: demo-work-calibrate's CPU time per element; sample/el and local only: the estimate's lines;"
    echo "  est wall = the estimate command's own wall (start-up, the sample) + its 'Local only' for the elements"
    echo "  left; actual = the run's wall; error = est wall / actual - 1 (target within +-10%)"
    echo
    echo "where the gap goes: actual - est wall, split (seconds; each figure the fastest of $repeat)"
    printf '%-12s %8s %8s %8s | %8s %8s %8s %8s | %8s %8s %8s\n' job "est wall" actual gap "store end" \
        "store" file engine "no-rec" "to null" "start"
    echo "--------------------------------------------------------------------------------------------------------------"
    for e in "${ejobs[@]}"; do
        IFS='|' read -r name j in fn <<<"$e"
        r=${best_wall[e:$name:run]} er=${engine_s[e:$name:run]:-0}
        n=${best_wall[e:$name:norecord]} en=${engine_s[e:$name:norecord]:-0}
        u=${best_wall[e:$name:null]} ew=${est_wall[$name]}
        printf '%-12s %8s %8s %8s | %8s %8s %8s %8s | %8s %8s %8s\n' "$name" "$ew" "$r" "$(calc %+.3f "$r - $ew")" \
            "$(calc %+.3f "($r - $er) - ($n - $en)")" "$(calc %+.3f "$er - $en")" "$(calc %+.3f "$n - $u")" \
            "$(calc %+.3f "$u - $ew")" "$n" "$u" "$(calc %.3f "$n - $en")"
    done
    echo "  store end: the time after the last batch that the job store adds (run - its engine time, against the same"
    echo "  for --no-record): dropping the stored rows, checkpointing. store: the engine time the store adds while the"
    echo "  batches run (run's 'Completed ... in X s' - the --no-record run's). file: writing the output file"
    echo "  (--no-record against --no-record -o - to /dev/null). engine: what is left, the --no-record run to /dev/null"
    echo "  against est wall: the pool running slower (+) or faster (-) than the serial sample said, i.e. the work the"
    echo "  sample does not time (the serial record scan, delivery, formatting the CSV) or a noisy sample."
    echo "  no-rec, to null: those runs' walls; start: --no-record's wall - its engine time (process start-up, plugin"
    echo "  loading, writing and renaming the file). The parts add up to the gap only roughly (fastest runs differ)."
    echo
    echo "the same in CPU seconds (user + sys of the fastest run each; steadier than wall time on a busy machine)"
    printf '%-12s %9s %9s %9s %9s | %9s %9s %9s\n' job "function" run "no-rec" "to null" store file "rest"
    echo "--------------------------------------------------------------------------------------------------------------"
    for e in "${ejobs[@]}"; do
        IFS='|' read -r name j in fn <<<"$e"
        log=${last_log[e:$name:estimate]}.out
        per=$(to_seconds "$(estimate_field "$log" 'Time per element')")
        case $in in range:*) rows=${in#range:} ;; *) rows=$(($(wc -l <"$in") - 1)) ;; esac
        f=$(calc %.3f "$rows * $per")
        case $name in demo1 | demo1-j1) f=$(calc %.3f "$rows * $c_1 / 1e6") ;; demo10 | demo10-j1) f=$(calc %.3f "$rows * $c_10 / 1e6") ;; esac
        r=${cpu_s[e:$name:run]} n=${cpu_s[e:$name:norecord]} u=${cpu_s[e:$name:null]}
        printf '%-12s %9s %9s %9s %9s | %9s %9s %9s\n' "$name" "$f" "$r" "$n" "$u" "$(calc %+.2f "$r - $n")" \
            "$(calc %+.2f "$n - $u")" "$(calc %+.2f "$u - $f")"
    done
    echo "  function: N x the calibrated cost (demo.work) or N x the estimate's time per element (the others): the"
    echo "  CPU the estimate counts; store, file: the CPU the job store and the output file add; rest: everything"
    echo "  else the run spends CPU on (start-up, reading and cutting records, converting, formatting, delivery)."
    verdicts[estimate]="local estimates within +-10% of the wall|$worst"
fi

# --- summary ----------------------------------------------------------------------------------------

echo
echo "issue #10 targets (informational):"
for t in overhead remote never j1 estimate; do
    [ -n "${verdicts[$t]:-}" ] || continue
    printf '  %-70s %s\n' "${verdicts[$t]%|*}" "${verdicts[$t]##*|}"
done
echo
echo "load avg   $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit "$status"
