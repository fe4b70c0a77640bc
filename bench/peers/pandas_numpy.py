#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pandas + numpy peer of bench/e2e.sh: pandas.read_csv, numpy vectorised maths, to_csv,
with Debian's python3-pandas and python3-numpy (run it with /usr/bin/python3).

    pandas_numpy.py haversine|sqrt INPUT.csv OUTPUT.csv

haversine reads lat1, lon1, lat2, lon2 and writes km; sqrt reads x (or the only column) and
writes sqrt. Range checks as in geo.haversine and math.sqrt: a row that fails gets NaN, which
to_csv writes as an empty value, as fastmap does. Every call is the library's default, as an
analyst would write it (read_csv's default float parser, to_csv's default float format)."""

import sys

import numpy as np
import pandas as pd

RADIUS_KM = 6371.0088


def numbers(frame, name):
    column = frame[name]
    if column.dtype != np.float64:  # a value that is not a number makes the column text
        column = pd.to_numeric(column, errors="coerce")
    return column.to_numpy(dtype=np.float64)


def haversine(frame):
    lat1, lon1, lat2, lon2 = (numbers(frame, n) for n in ("lat1", "lon1", "lat2", "lon2"))
    valid = ((np.abs(lat1) <= 90.0) & (np.abs(lon1) <= 180.0)
             & (np.abs(lat2) <= 90.0) & (np.abs(lon2) <= 180.0))
    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1, lon1, lat2, lon2))
    s_lat = np.sin((lat2 - lat1) / 2)
    s_lon = np.sin((lon2 - lon1) / 2)
    a = s_lat * s_lat + np.cos(lat1) * np.cos(lat2) * s_lon * s_lon
    np.clip(a, 0.0, 1.0, out=a)
    km = RADIUS_KM * (2 * np.arctan2(np.sqrt(a), np.sqrt(1 - a)))
    km[~valid] = np.nan
    return pd.DataFrame({"km": km})


def square_root(frame):
    name = "x" if "x" in frame.columns or len(frame.columns) != 1 else frame.columns[0]
    x = numbers(frame, name)
    with np.errstate(invalid="ignore"):
        result = np.sqrt(x)
    result[~(x >= 0)] = np.nan
    return pd.DataFrame({"sqrt": result})


def main(argv):
    if len(argv) != 4 or argv[1] not in ("haversine", "sqrt"):
        sys.exit(__doc__)
    kind, source, target = argv[1:]
    if kind == "haversine":
        out = haversine(pd.read_csv(source, usecols=["lat1", "lon1", "lat2", "lon2"]))
    else:
        out = square_root(pd.read_csv(source))
    out.to_csv(target, index=False)


if __name__ == "__main__":
    main(sys.argv)
