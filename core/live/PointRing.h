// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointF>

#include <vector>

namespace fastmap {

// A fixed-capacity buffer of (x, y) points: once full, each new point replaces the oldest.
// x is expected to grow (time); points() returns them oldest first.
class PointRing
{
public:
    explicit PointRing(int capacity = 4096);

    void append(double x, double y);
    void clear();

    int size() const { return m_size; }
    int capacity() const { return int(m_points.size()); }
    bool isEmpty() const { return m_size == 0; }
    // The i-th oldest point, 0 <= i < size().
    QPointF at(int i) const;
    QPointF last() const { return at(m_size - 1); }
    QList<QPointF> points() const;

private:
    std::vector<QPointF> m_points;
    int m_head = 0; // where the next point goes
    int m_size = 0;
};

} // namespace fastmap
