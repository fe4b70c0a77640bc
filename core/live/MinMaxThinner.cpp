// SPDX-License-Identifier: GPL-3.0-or-later
#include "live/MinMaxThinner.h"

#include "live/PointRing.h"

namespace fastmap {

namespace {

template <typename At> QList<QPointF> thinPoints(int count, int pixels, At at)
{
    QList<QPointF> out;
    if (count <= 0)
        return out;
    if (pixels < 1)
        pixels = 1;
    if (count <= 2 * pixels) {
        out.reserve(count);
        for (int i = 0; i < count; ++i)
            out.append(at(i));
        return out;
    }
    const double x0 = at(0).x();
    const double span = at(count - 1).x() - x0;
    out.reserve(2 * pixels);
    int i = 0;
    while (i < count) {
        const int bucket = span > 0 ? qMin(pixels - 1, int((at(i).x() - x0) / span * pixels)) : 0;
        int lowest = i;
        int highest = i;
        int j = i + 1;
        for (; j < count; ++j) {
            const int b = span > 0 ? qMin(pixels - 1, int((at(j).x() - x0) / span * pixels)) : 0;
            if (b != bucket)
                break;
            if (at(j).y() < at(lowest).y())
                lowest = j;
            if (at(j).y() > at(highest).y())
                highest = j;
        }
        out.append(at(qMin(lowest, highest)));
        if (lowest != highest)
            out.append(at(qMax(lowest, highest)));
        i = j;
    }
    return out;
}

} // namespace

QList<QPointF> MinMaxThinner::thin(const QList<QPointF> &points, int pixels)
{
    return thinPoints(int(points.size()), pixels, [&](int i) { return points.at(i); });
}

QList<QPointF> MinMaxThinner::thin(const PointRing &ring, int pixels)
{
    return thinPoints(ring.size(), pixels, [&](int i) { return ring.at(i); });
}

} // namespace fastmap
