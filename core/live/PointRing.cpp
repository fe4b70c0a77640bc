// SPDX-License-Identifier: GPL-3.0-or-later
#include "live/PointRing.h"

namespace fastmap {

PointRing::PointRing(int capacity) : m_points(std::size_t(capacity > 0 ? capacity : 1))
{}

void PointRing::append(double x, double y)
{
    m_points[std::size_t(m_head)] = QPointF(x, y);
    m_head = (m_head + 1) % capacity();
    if (m_size < capacity())
        ++m_size;
}

void PointRing::clear()
{
    m_head = 0;
    m_size = 0;
}

QPointF PointRing::at(int i) const
{
    const int start = (m_head - m_size + capacity()) % capacity();
    return m_points[std::size_t((start + i) % capacity())];
}

QList<QPointF> PointRing::points() const
{
    QList<QPointF> out;
    out.reserve(m_size);
    for (int i = 0; i < m_size; ++i)
        out.append(at(i));
    return out;
}

} // namespace fastmap
