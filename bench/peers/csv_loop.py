#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The serial Python loop peer of bench/e2e.sh: csv module read -> math -> csv write, one row at
a time, as an analyst would write it without fastmap.

    csv_loop.py haversine|sqrt INPUT.csv OUTPUT.csv

haversine reads the columns lat1, lon1, lat2, lon2 (by header name) and writes km; sqrt reads x
(or the only column) and writes sqrt. The maths and range checks are geo.haversine's and
math.sqrt's: a row that fails gets an empty value, as in fastmap's output. Floats are written
with repr(), Python's shortest round trip."""

import csv
import math
import sys

RADIUS_KM = 6371.0088
TO_RADIANS = math.pi / 180.0


def haversine(lat1, lon1, lat2, lon2):
    if not (-90.0 <= lat1 <= 90.0 and -180.0 <= lon1 <= 180.0 and -90.0 <= lat2 <= 90.0
            and -180.0 <= lon2 <= 180.0):
        return ""
    lat1 *= TO_RADIANS
    lon1 *= TO_RADIANS
    lat2 *= TO_RADIANS
    lon2 *= TO_RADIANS
    s_lat = math.sin((lat2 - lat1) / 2)
    s_lon = math.sin((lon2 - lon1) / 2)
    a = s_lat * s_lat + math.cos(lat1) * math.cos(lat2) * s_lon * s_lon
    a = min(max(a, 0.0), 1.0)
    return RADIUS_KM * (2 * math.atan2(math.sqrt(a), math.sqrt(1 - a)))


def column(header, name, only_one_ok=False):
    if name in header:
        return header.index(name)
    if only_one_ok and len(header) == 1:
        return 0
    sys.exit(f"csv_loop.py: the header has no column '{name}'")


def main(argv):
    if len(argv) != 4 or argv[1] not in ("haversine", "sqrt"):
        sys.exit(__doc__)
    kind, source, target = argv[1:]
    with open(source, newline="") as fin, open(target, "w", newline="") as fout:
        reader = csv.reader(fin)
        writer = csv.writer(fout, lineterminator="\n")
        header = next(reader)
        if kind == "haversine":
            i1, i2, i3, i4 = (column(header, n) for n in ("lat1", "lon1", "lat2", "lon2"))
            writer.writerow(["km"])
            for row in reader:
                if not row:
                    continue
                try:
                    km = haversine(float(row[i1]), float(row[i2]), float(row[i3]), float(row[i4]))
                except (ValueError, IndexError):
                    km = ""
                writer.writerow([km])
        else:
            ix = column(header, "x", only_one_ok=True)
            writer.writerow(["sqrt"])
            for row in reader:
                if not row:
                    continue
                try:
                    x = float(row[ix])
                    value = math.sqrt(x) if x >= 0 else ""
                except (ValueError, IndexError):
                    value = ""
                writer.writerow([value])


if __name__ == "__main__":
    main(sys.argv)
