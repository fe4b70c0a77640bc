#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The multiprocessing.Pool peer of bench/e2e.sh's parallel-efficiency row: demo.work's kernel in
Python over range(N), through Pool.imap with a chunksize, results written to a CSV file in
input order by the parent.

The work is demo.work's own (plugins/demo_work/DemoWorkKernel.h): seed = FNV-1a 64 of the
element's decimal text, then ITERATIONS rounds of the splitmix64 finaliser, output as 16 hex
digits; with the same iterations it gives exactly fastmap's results. The cost is set the same
way as fastmap-bench sets demo.work's: measure, on this machine and serially, the CPU time of
an element at 0 and at a probe count of iterations, and choose the iterations that make one
element cost the target. In CPython a round costs about 50x what it costs in C++, so 1 us is a
handful of rounds here against about 300 in C++: the same computation and the same time per
element, not the same round count.

    mp_pool.py calibrate --us 1 [--elements N]     prints: iterations measured_us base_ns ns_per_iteration
    mp_pool.py run --elements N --iterations K [--processes 2] [--chunksize C] -o OUTPUT.csv
    mp_pool.py verify FILE --elements N --iterations K [--sample S]
        checks a sample of FILE's rows (first field; header skipped) against the kernel and
        that FILE has N rows: it checks fastmap-cli's demo.work output as well as this one's."""

import argparse
import csv
import sys
import time
from multiprocessing import Pool

MASK = (1 << 64) - 1
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x00000100000001B3


def demo_work(index, iterations):
    state = FNV_OFFSET
    for byte in str(index).encode():
        state = ((state ^ byte) * FNV_PRIME) & MASK
    for _ in range(iterations):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        state = z ^ (z >> 31)
    return f"{state:016x}"


_iterations = 0


def _init(iterations):
    global _iterations
    _iterations = iterations


def _element(index):
    return demo_work(index, _iterations)


def ns_per_element(iterations, count, passes, elements):
    """CPU ns per element: the least of `passes` serial passes over `count` elements spread over
    range(elements) (the seed costs per digit), with this thread's CPU clock."""
    stride = max(1, elements // count)
    best = float("inf")
    for _ in range(passes):
        start = time.thread_time()
        for i in range(count):
            demo_work(i * stride, iterations)
        best = min(best, (time.thread_time() - start) * 1e9 / count)
    return best


def calibrate(us, elements):
    probe = 100
    base = ns_per_element(0, 20000, 15, elements)
    per_iteration = (ns_per_element(probe, 500, 15, elements) - base) / probe
    iterations = max(0, round((us * 1e3 - base) / max(per_iteration, 1e-3)))
    check = min(20000, max(20, int(2e4 / max(us, 0.01))))
    measured = ns_per_element(iterations, check, 15, elements) * 1e-3
    return iterations, measured, base, per_iteration


def run(elements, iterations, processes, chunksize, output):
    with open(output, "w", newline="") as out, \
            Pool(processes, initializer=_init, initargs=(iterations,)) as pool:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["hash"])
        for result in pool.imap(_element, range(elements), chunksize):
            writer.writerow((result,))


def verify(path, elements, iterations, sample):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    rows = len(lines) - 1
    if rows != elements:
        return f"{path}: {rows} rows, expected {elements}"
    picks = set(range(min(10, rows))) | set(range(max(0, rows - 10), rows))
    picks |= {i * rows // sample for i in range(sample)} if rows else set()
    for i in sorted(picks):
        got = lines[i + 1].rstrip(b"\r").split(b",", 1)[0].decode()
        want = demo_work(i, iterations)
        if got != want:
            return f"{path}: row {i}: {got!r}, expected {want!r} (demo.work at {iterations} iterations)"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("calibrate")
    c.add_argument("--us", type=float, default=1.0)
    c.add_argument("--elements", type=int, default=10_000_000)
    r = sub.add_parser("run")
    r.add_argument("--elements", type=int, required=True)
    r.add_argument("--iterations", type=int, required=True)
    r.add_argument("--processes", type=int, default=2)
    r.add_argument("--chunksize", type=int, default=10000)
    r.add_argument("-o", "--output", required=True)
    v = sub.add_parser("verify")
    v.add_argument("file")
    v.add_argument("--elements", type=int, required=True)
    v.add_argument("--iterations", type=int, required=True)
    v.add_argument("--sample", type=int, default=2000)
    a = parser.parse_args()
    if a.command == "calibrate":
        iterations, measured, base, per_iteration = calibrate(a.us, a.elements)
        print(f"{iterations} {measured:.4f} {base:.2f} {per_iteration:.4f}")
    elif a.command == "run":
        run(a.elements, a.iterations, a.processes, a.chunksize, a.output)
    else:
        problem = verify(a.file, a.elements, a.iterations, a.sample)
        if problem:
            print(f"mp_pool.py verify: MISMATCH: {problem}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
