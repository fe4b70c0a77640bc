#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/e2e.sh [MODE...] [OPTIONS]: fastmap-cli end to end, on real files, against its peers
# measured in the same run (issue #10's targets). Run with --help for the modes and options.
# Builds csv_limit and demo-work-calibrate in build-bench (or $BUILD_DIR) like bench/run, and
# the input files with bench/make_inputs; it never builds fastmap-cli, and installs nothing.
set -eu
set -o pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli=${FASTMAP_CLI:-$root/build/bin/fastmap-cli}
data=${BENCH_DATA:-$root/build/bench-data}
build_dir=${BUILD_DIR:-$root/build-bench}
python=${PYTHON:-/usr/bin/python3}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
repeat=3 threads=2 elements=10000000 cost_us=1 chunksize=10000 store_jobs=100
store_cap_mb=${STORE_CAP_MB:-2048} keep=0 use_cli=1
modes=()

usage() {
    cat <<EOF
usage: bench/e2e.sh [MODE...] [OPTIONS]

Modes (default: files efficiency memory; with --no-cli: files efficiency):
  files       geo.haversine over geo_1M.csv and math.sqrt over x_5M.csv, CSV to CSV:
              fastmap-cli against csv_limit (the hand-written limit), pandas+numpy and the
              serial Python csv loop; every output is checked against csv_limit's
  efficiency  demo.work at --cost-us per element over range:N, CSV output, job store on:
              parallel efficiency = N x cost / threads / wall, against multiprocessing.Pool
  memory      fastmap-cli's peak RSS for math.sqrt over x_1M.csv and x_10M.csv
  store       opt-in, long: jobs.db after --jobs completed 1M-row geo.haversine jobs
  peers       files and efficiency without fastmap-cli (the peers' side only)

Options:
  --cli PATH       fastmap-cli (default build/bin/fastmap-cli, or \$FASTMAP_CLI)
  --data DIR       input files, made there if missing (default build/bench-data, or \$BENCH_DATA)
  --repeat R       each method R times, in turn; the fastest is kept (default 3)
  --threads T      threads for fastmap-cli, csv_limit and the Pool's processes (default 2)
  --elements N     elements of the efficiency run (default 10000000)
  --cost-us US     cost per element of the efficiency run (default 1)
  --chunksize C    multiprocessing.Pool.imap's chunksize (default 10000)
  --jobs J         jobs of the store mode (default 100); \$STORE_CAP_MB: the cap (default 2048)
  --no-cli         leave fastmap-cli out of every mode
  --keep           keep the work directory (outputs, logs, job stores)

Environment: BUILD_DIR (build-bench), JOBS (build jobs), PYTHON (/usr/bin/python3, Debian's, with
python3-pandas and python3-numpy), CSV_LIMIT and DEMO_WORK_CALIBRATE (use these binaries
instead of building them), TMPDIR (where the work directory goes).
Each fastmap-cli run gets empty XDG data, config and cache directories, so no job store or
cache carries over from one run to the next. "seconds" is wall time, the fastest of R; "cpu s"
and "peak MB" (the largest process's resident set) come from /usr/bin/time. The ratios are
informational: the exit status is 1 only if a method fails or an output disagrees.
EOF
}

die() {
    echo "bench/e2e.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case $1 in
    files | efficiency | memory | store) modes+=("$1") ;;
    peers) modes+=(files efficiency) use_cli=0 ;;
    --cli) cli=${2:?--cli needs a path}; shift ;;
    --data) data=${2:?--data needs a directory}; shift ;;
    --repeat) repeat=${2:?}; shift ;;
    --threads) threads=${2:?}; shift ;;
    --elements) elements=${2:?}; shift ;;
    --cost-us) cost_us=${2:?}; shift ;;
    --chunksize) chunksize=${2:?}; shift ;;
    --jobs) store_jobs=${2:?}; shift ;;
    --no-cli) use_cli=0 ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
    shift
done
if [ ${#modes[@]} = 0 ]; then
    if [ "$use_cli" = 1 ]; then modes=(files efficiency memory); else modes=(files efficiency); fi
fi
for n in "$repeat" "$threads" "$elements" "$chunksize" "$store_jobs"; do
    case $n in '' | *[!0-9]* | 0) die "'$n' is not a whole number above 0" ;; esac
done
want() { [[ " ${modes[*]} " == *" $1 "* ]]; }

# --- what the run needs ----------------------------------------------------------------------

[ -x /usr/bin/time ] || die "needs GNU time at /usr/bin/time (Debian package 'time'; scripts/install-deps.sh installs it)"
[ -x "$python" ] || die "no Python at $python (set PYTHON)"
if want files; then
    "$python" -c 'import pandas, numpy' 2>/dev/null ||
        die "$python cannot import pandas and numpy: install python3-pandas and python3-numpy (scripts/install-deps.sh)"
fi
if [ "$use_cli" = 1 ] || want memory || want store; then
    [ "$use_cli" = 1 ] || die "the memory and store modes measure fastmap-cli; drop --no-cli"
    [ -x "$cli" ] || die "fastmap-cli not found at $cli: build it (cmake --build build --target fastmap-cli) or give --cli PATH"
    functions=$("$cli" functions 2>&1) || die "'$cli functions' failed: $functions"
    for f in geo.haversine math.sqrt demo.work; do
        grep -q "^$f " <<<"$functions" || die "$cli does not list the function $f (are the plugins built?)"
    done
fi

limit=${CSV_LIMIT:-} calibrate=${DEMO_WORK_CALIBRATE:-}
if [ -z "$limit" ] || [ -z "$calibrate" ]; then
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
        generator=
        command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
        # shellcheck disable=SC2086 # $generator is empty or two words
        cmake -S "$root" -B "$build_dir" $generator -DCMAKE_BUILD_TYPE=Release \
            -DFASTMAP_BUILD_TESTS=OFF -DFASTMAP_BUILD_BENCH=ON >&2 || die "cannot configure $build_dir"
    fi
    cmake --build "$build_dir" --target csv_limit demo-work-calibrate -j "$jobs" >&2 ||
        die "cannot build csv_limit and demo-work-calibrate in $build_dir"
    limit=${limit:-$build_dir/bin/csv_limit} calibrate=${calibrate:-$build_dir/bin/demo-work-calibrate}
fi
[ -x "$limit" ] || die "csv_limit not found at $limit"
[ -x "$calibrate" ] || die "demo-work-calibrate not found at $calibrate"
"$python" "$root/bench/make_inputs" "$data" >/dev/null || die "bench/make_inputs could not write $data"

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmap-e2e.XXXXXX")
if [ "$keep" = 1 ]; then echo "work directory: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/out" "$work/log"

# --- measuring ---------------------------------------------------------------------------------

declare -A best_wall cpu_s peak_kb walls
# timed KEY COMMAND...: one run under /usr/bin/time; keeps KEY's fastest wall time, with its CPU
# time and peak RSS. A failed run ends the benchmark: its figures would mean nothing.
timed() {
    local key=$1 log=$work/log/${1//[^A-Za-z0-9_.-]/_}
    shift
    local t0 t1 wall user sys kb
    t0=$(date +%s%N)
    if ! /usr/bin/time -f '%U %S %M' -o "$work/time" "$@" >"$log.out" 2>"$log.err"; then
        echo "bench/e2e.sh: $key failed: $*" >&2
        tail -n 20 "$log.err" >&2
        exit 1
    fi
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r user sys kb < <(tail -n 1 "$work/time")
    walls[$key]="${walls[$key]:-} $wall"
    if [ -z "${best_wall[$key]:-}" ] || awk -v a="$wall" -v b="${best_wall[$key]}" 'BEGIN { exit !(a < b) }'; then
        best_wall[$key]=$wall
        cpu_s[$key]=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        peak_kb[$key]=$kb
    fi
}
median() { tr ' ' '\n' <<<"${walls[$1]}" | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"PASS\" : \"MISS\" }"; }

# fresh_xdg DIR: empty XDG directories for one fastmap-cli run; prints the env assignments.
fresh_xdg() {
    rm -rf "$1"
    mkdir -p "$1/data" "$1/config" "$1/cache"
    echo "XDG_DATA_HOME=$1/data XDG_CONFIG_HOME=$1/config XDG_CACHE_HOME=$1/cache"
}
cli_run() { # cli_run XDGDIR KEY ARGS...: fastmap-cli with fresh XDG directories
    local xdg=$1 key=$2
    shift 2
    # shellcheck disable=SC2046 # the assignments are words without spaces
    timed "$key" env $(fresh_xdg "$xdg") "$cli" run "$@" --threads "$threads"
}
build_type() { # of the CMake build a binary in BUILD/bin belongs to
    sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$(dirname "$(dirname "$1")")/CMakeCache.txt" 2>/dev/null || true
}
cpu_idle() { # per cent of the CPUs idle in the next second
    local a b
    a=$(awk '/^cpu /{ print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{ print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}
row() { # row LABEL KEY ROWS [extra columns]: one table row from KEY's figures
    local label=$1 key=$2 rows=$3
    shift 3
    printf '%-26s %8s %8s %8s %8.1f %11s' "$label" "${best_wall[$key]}" "$(median "$key")" "${cpu_s[$key]}" \
        "$(calc %.1f "${peak_kb[$key]} / 1024")" "$(calc %.2fM/s "$rows / ${best_wall[$key]} / 1e6")"
    printf ' %s' "$@"
    echo
}

status=0
echo "fastmap end to end against its peers, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine    $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "tree       $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
[ "$use_cli" = 1 ] && echo "fastmap-cli $cli ($(build_type "$cli") build)"
echo "csv_limit  $limit ($(build_type "$limit") build)"
echo "python     $python $("$python" -c 'import sys; print(sys.version.split()[0], end=" ")
try:
    import pandas, numpy; print("pandas", pandas.__version__, "numpy", numpy.__version__)
except ImportError: print()')"
echo "load avg   $(cut -d' ' -f1-3 /proc/loadavg) at start; CPUs $(cpu_idle)% idle in the second before"
echo "runs       $threads threads, fastest of $repeat, methods in turn"
[ "$use_cli" = 1 ] && [ "$(build_type "$cli")" != Release ] &&
    echo "warning    fastmap-cli is not a Release build; csv_limit is"

# --- files ------------------------------------------------------------------------------------

if want files; then
    benches=("haversine geo.haversine geo_1M.csv 1000000" "sqrt math.sqrt x_5M.csv 5000000")
    methods=(limit limit1 pandas loop)
    declare -A labels=([cli]="fastmap-cli -j $threads" [limit]="csv_limit, $threads threads"
        [limit1]="csv_limit, 1 thread" [pandas]="pandas + numpy" [loop]="Python csv loop")
    [ "$use_cli" = 1 ] && methods=(cli "${methods[@]}")
    for _ in $(seq "$repeat"); do
        for b in "${benches[@]}"; do
            read -r kind fn file rows <<<"$b"
            in=$data/$file
            cat "$in" >/dev/null # in the page cache for every method
            for m in "${methods[@]}"; do
                out=$work/out/${kind}_$m.csv
                rm -f "$out"
                case $m in
                cli) cli_run "$work/xdg" "$kind:$m" "$fn" -i "$in" -o "$out" ;;
                limit) timed "$kind:$m" "$limit" "$kind" "$in" "$out" --threads "$threads" ;;
                limit1) timed "$kind:$m" "$limit" "$kind" "$in" "$out" --threads 1 ;;
                pandas) timed "$kind:$m" "$python" "$root/bench/peers/pandas_numpy.py" "$kind" "$in" "$out" ;;
                loop) timed "$kind:$m" "$python" "$root/bench/peers/csv_loop.py" "$kind" "$in" "$out" ;;
                esac
            done
        done
    done
    echo
    printf '%-26s %8s %8s %8s %8s %11s %8s %9s %8s\n' method seconds median "cpu s" "peak MB" rows/s \
        "vs loop" "vs pandas" "vs limit"
    echo "-----------------------------------------------------------------------------------------------------------"
    for b in "${benches[@]}"; do
        read -r kind fn file rows <<<"$b"
        echo "$fn, $file ($rows rows) to CSV"
        for m in "${methods[@]}"; do
            w=${best_wall[$kind:$m]}
            row "  ${labels[$m]}" "$kind:$m" "$rows" \
                "$(printf '%8s %9s %8s' "$(calc %.2f "${best_wall[$kind:loop]} / $w")" \
                    "$(calc %.2f "${best_wall[$kind:pandas]} / $w")" "$(calc %.2f "${best_wall[$kind:limit]} / $w")")"
        done
        speedup=$(calc %.2f "${best_wall[$kind:limit1]} / ${best_wall[$kind:limit]}")
        note="  csv_limit ran ${speedup}x faster on $threads threads than on 1"
        awk -v s="$speedup" -v t="$threads" 'BEGIN { exit !(s < 0.85 * t) }' &&
            note="$note: WARNING, under 0.85 x $threads; the machine was busy and this block's ratios are unreliable"
        echo "$note"
        outs=()
        for m in "${methods[@]}"; do [ "$m" = limit ] || [ "$m" = limit1 ] || outs+=("$work/out/${kind}_$m.csv"); done
        "$python" "$root/bench/compare_outputs.py" --rows "$rows" "$work/out/${kind}_limit.csv" "${outs[@]}" | sed "s|$work/out/||" || {
            echo "  OUTPUT MISMATCH: the figures above do not count"
            status=1
        }
    done
    if [ "$use_cli" = 1 ]; then
        echo
        echo "fastmap-cli against the targets (informational):"
        for b in "${benches[@]}"; do
            read -r kind fn file rows <<<"$b"
            w=${best_wall[$kind:cli]}
            vloop=$(calc %.2f "${best_wall[$kind:loop]} / $w")
            vpandas=$(calc %.2f "${best_wall[$kind:pandas]} / $w")
            vlimit=$(calc %.2f "${best_wall[$kind:limit]} / $w")
            printf '  %-14s %sx the Python loop (>= 5: %s), %sx pandas (> 1: %s), %s of the limit (>= 0.6: %s)\n' \
                "$fn" "$vloop" "$(verdict "$vloop" '>=' 5)" "$vpandas" "$(verdict "$vpandas" '>' 1)" \
                "$vlimit" "$(verdict "$vlimit" '>=' 0.6)"
        done
    fi
fi

# --- efficiency -------------------------------------------------------------------------------

if want efficiency; then
    read -r kf cf _ _ < <("$calibrate" "$cost_us" "$elements")
    read -r kp cp _ _ < <("$python" "$root/bench/peers/mp_pool.py" calibrate --us "$cost_us" --elements "$elements")
    if [ -z "${kf:-}" ] || [ -z "${kp:-}" ]; then die "calibrating demo.work failed"; fi
    for _ in $(seq "$repeat"); do
        [ "$use_cli" = 1 ] && cli_run "$work/xdg" eff:cli demo.work -i "range:$elements" -p "iterations=$kf" \
            -o "$work/out/eff_cli.csv"
        timed eff:pool "$python" "$root/bench/peers/mp_pool.py" run --elements "$elements" --iterations "$kp" \
            --processes "$threads" --chunksize "$chunksize" -o "$work/out/eff_pool.csv"
    done
    echo
    echo "demo.work at $cost_us us per element over range:$elements, CSV output, fastmap-cli's job store on"
    echo "calibrated: C++ $kf iterations (measured $cf us), CPython $kp iterations (measured $cp us)"
    printf '%-26s %8s %8s %8s %8s %11s %11s %10s\n' method seconds median "cpu s" "peak MB" rows/s "efficiency" "at $cost_us us"
    echo "-----------------------------------------------------------------------------------------------------------"
    effs=()
    [ "$use_cli" = 1 ] && effs+=("cli fastmap-cli -j $threads,$cf")
    effs+=("pool multiprocessing.Pool($threads),$cp")
    for e in "${effs[@]}"; do
        key=${e%% *} rest=${e#* } label=${rest%,*} cost=${rest##*,}
        w=${best_wall[eff:$key]}
        row "$label" "eff:$key" "$elements" "$(printf '%11s %10s' "$(calc %.3f "$elements * $cost / 1e6 / $threads / $w")" \
            "$(calc %.3f "$elements * $cost_us / 1e6 / $threads / $w")")"
    done
    echo "  efficiency: N x the measured cost / $threads threads / wall; 'at $cost_us us': with the nominal cost"
    awk -v c="$cp" -v t="$cost_us" 'BEGIN { exit !(c > 1.15 * t || c < 0.85 * t) }' &&
        echo "  note: CPython's cost per element could only be set to $cp us (a round costs about 0.2 us there)"
    checks=("$work/out/eff_pool.csv $kp")
    [ "$use_cli" = 1 ] && checks+=("$work/out/eff_cli.csv $kf")
    for c in "${checks[@]}"; do
        read -r f k <<<"$c"
        if "$python" "$root/bench/peers/mp_pool.py" verify "$f" --elements "$elements" --iterations "$k"; then
            echo "  agrees   ${f#"$work/out/"}: $elements rows, a sample checked against demo.work at $k iterations"
        else
            echo "  OUTPUT MISMATCH: ${f#"$work/out/"}"
            status=1
        fi
    done
    if [ "$use_cli" = 1 ]; then
        e=$(calc %.3f "$elements * $cf / 1e6 / $threads / ${best_wall[eff:cli]}")
        echo "fastmap-cli's parallel efficiency: $e (target >= 0.85: $(verdict "$e" '>=' 0.85)); multiprocessing.Pool's:" \
            "$(calc %.3f "$elements * $cp / 1e6 / $threads / ${best_wall[eff:pool]}")"
    fi
fi

# --- memory -----------------------------------------------------------------------------------

if want memory; then
    for n in 1 10; do
        cli_run "$work/xdg" "mem:$n" math.sqrt -i "$data/x_${n}M.csv" -o "$work/out/mem.csv"
        lines=$(wc -l <"$work/out/mem.csv")
        [ "$lines" = $((n * 1000000 + 1)) ] || { echo "  OUTPUT MISMATCH: x_${n}M.csv gave $lines lines"; status=1; }
    done
    echo
    echo "fastmap-cli's peak resident set, math.sqrt, CSV to CSV, job store on"
    printf '%-26s %8s %8s %8s %8s\n' input seconds "" "cpu s" "peak MB"
    for n in 1 10; do
        printf '%-26s %8s %8s %8s %8.1f\n' "x_${n}M.csv" "${best_wall[mem:$n]}" "" "${cpu_s[mem:$n]}" \
            "$(calc %.1f "${peak_kb[mem:$n]} / 1024")"
    done
    grow=$(calc %.1f "(${peak_kb[mem:10]} - ${peak_kb[mem:1]}) / 1024")
    echo "peak grows by $grow MB from 1M to 10M rows: $(verdict "$grow" '<' 32 | sed 's/PASS/FLAT/; s/MISS/NOT FLAT/') (flat means under 32 MB)"
fi

# --- store ------------------------------------------------------------------------------------

if want store; then
    xdg=$work/store
    fresh_xdg "$xdg" >/dev/null
    db=$xdg/data/fastmap/jobs.db
    size() { stat -c %s "$1" 2>/dev/null || echo 0; }
    # The stored rows live in files beside jobs.db (JobStore::outputsDirectory), not in it.
    dirsize() { du -sb "$1" 2>/dev/null | cut -f1 || echo 0; }
    echo
    echo "jobs.db after completed geo.haversine jobs over geo_1M.csv (one store, cap $store_cap_mb MB)"
    printf '%-8s %12s %12s %12s %12s %10s\n' jobs "jobs.db MB" "-wal MB" "-results MB" "total MB" seconds
    for j in $(seq "$store_jobs"); do
        timed store env XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" \
            "$cli" run geo.haversine -i "$data/geo_1M.csv" -o "$work/out/store.csv" --threads "$threads"
        if [ "$j" = 1 ] || [ $((j % 10)) = 0 ] || [ "$j" = "$store_jobs" ]; then
            a=$(size "$db") b=$(size "$db-wal") c=$(dirsize "$db-results")
            c=${c:-0}
            [ "$j" = 1 ] && first=$((a + b + c))
            printf '%-8s %12.1f %12.1f %12.1f %12.1f %10s\n' "$j" "$(calc %.1f "$a / 1048576")" "$(calc %.1f "$b / 1048576")" \
                "$(calc %.1f "$c / 1048576")" "$(calc %.1f "($a + $b + $c) / 1048576")" "$(tr ' ' '\n' <<<"${walls[store]}" | tail -n 1)"
        fi
    done
    results=$(dirsize "$db-results")
    total=$(($(size "$db") + $(size "$db-wal") + ${results:-0}))
    output=$(size "$work/out/store.csv")
    echo "one job's output file: $(calc %.1f "$output / 1048576") MB; the store grew by" \
        "$(calc %.1f "($total - $first) / 1048576 / ($store_jobs > 1 ? $store_jobs - 1 : 1)") MB per job after the first"
    echo "under the cap: $(verdict "$total" '<' $((store_cap_mb * 1048576)))"
    "$python" - "$db" <<'EOF' || true
import sqlite3, sys
try:
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    jobs = db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
    rows, size = db.execute("SELECT COUNT(*), COALESCE(SUM(outputs_length), 0) FROM batches").fetchone()
    # A batch's row stays as the job's log (its timing, executor, errors); its outputs go.
    print(f"jobs in the store: {jobs}; batches logged: {rows}, holding {size / 1048576:.1f} MB of outputs:",
          "the completed jobs' results are gone" if size == 0 else "completed jobs still hold their results")
except Exception as e:
    print(f"could not read the store's tables ({e}); see the sizes above")
EOF
fi

echo
echo "load avg   $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit "$status"
