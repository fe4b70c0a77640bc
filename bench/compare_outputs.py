#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that result files agree, so that a fast wrong result cannot pass bench/e2e.sh.

    compare_outputs.py --rows N [--sample S] [--rtol R] REFERENCE OTHER...

Every file must have a header line and exactly N rows (CRLF or LF). On every row, or with
--sample S on S rows evenly spaced plus the first and last 100, the first field of each row
must agree with the reference's: both empty (a failed element), or numbers within R relative (default 1e-9; values
within 1e-300 of zero count as equal). fastmap-cli's extra error column is ignored. Prints one
line per file; exits 1 on any disagreement."""

import argparse
import sys


def read_rows(path):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] in (b"", b"\r"):
        lines.pop()
    return lines[1:]  # the header


def first_field(line):
    field = line.rstrip(b"\r").split(b",", 1)[0]
    # Python's csv module and pandas write a lone empty value as "" so that the row is not blank.
    return field[1:-1] if len(field) >= 2 and field[:1] == field[-1:] == b'"' else field


def agree(a, b, rtol):
    if a == b:
        return True
    if not a or not b:
        return False
    x, y = float(a), float(b)
    return abs(x - y) <= rtol * max(abs(x), abs(y)) or max(abs(x), abs(y)) < 1e-300


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--sample", type=int, default=0, help="0: every row")
    p.add_argument("--rtol", type=float, default=1e-9)
    p.add_argument("reference")
    p.add_argument("others", nargs="+")
    a = p.parse_args()

    reference = read_rows(a.reference)
    rows = a.rows
    if a.sample <= 0 or a.sample >= rows:
        picks = range(rows)
    else:
        picks = sorted(set(range(min(100, rows))) | set(range(max(0, rows - 100), rows))
                       | {i * rows // a.sample for i in range(a.sample)})
    bad = 0
    for path in [a.reference] + a.others:
        data = reference if path == a.reference else read_rows(path)
        if len(data) != rows:
            print(f"  MISMATCH {path}: {len(data)} rows, expected {rows}")
            bad += 1
            continue
        wrong = [i for i in picks if not agree(first_field(reference[i]), first_field(data[i]), a.rtol)]
        empty = sum(1 for i in picks if not first_field(data[i]))
        if wrong:
            i = wrong[0]
            print(f"  MISMATCH {path}: {len(wrong)} of {len(picks)} compared rows differ, the first at row {i}: "
                  f"{first_field(data[i]).decode()!r} against {first_field(reference[i]).decode()!r}")
            bad += 1
        else:
            print(f"  agrees   {path}: {rows} rows, {len(picks)} compared, {empty} of them empty")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
