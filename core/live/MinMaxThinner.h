// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointF>

namespace fastmap {

class PointRing;

// Reduces a series to what a plot `pixels` wide can show: the x range is cut into one bucket per
// pixel, and each bucket keeps only its lowest and highest point, in x order. Peaks survive;
// the point count is at most 2 * pixels.
class MinMaxThinner
{
public:
    // `points` must be sorted by x.
    static QList<QPointF> thin(const QList<QPointF> &points, int pixels);
    static QList<QPointF> thin(const PointRing &ring, int pixels);
};

} // namespace fastmap
