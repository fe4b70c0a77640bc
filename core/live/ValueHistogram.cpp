// SPDX-License-Identifier: GPL-3.0-or-later
#include "live/ValueHistogram.h"

#include <cmath>

namespace fastmap {

ValueHistogram::ValueHistogram(int capacity) : m_capacity(std::size_t(capacity > 0 ? capacity : 1))
{
    m_sample.reserve(qMin<std::size_t>(m_capacity, 4096));
}

void ValueHistogram::clear()
{
    m_sample.clear();
    m_count = 0;
    m_min = m_max = 0;
}

void ValueHistogram::add(double value)
{
    if (!std::isfinite(value))
        return;
    if (m_count == 0) {
        m_min = m_max = value;
    } else {
        m_min = qMin(m_min, value);
        m_max = qMax(m_max, value);
    }
    ++m_count;
    if (m_sample.size() < m_capacity) {
        m_sample.push_back(value);
        return;
    }
    // xorshift64: replace a random slot with probability capacity / count.
    m_random ^= m_random << 13;
    m_random ^= m_random >> 7;
    m_random ^= m_random << 17;
    const quint64 slot = m_random % quint64(m_count);
    if (slot < m_capacity)
        m_sample[std::size_t(slot)] = value;
}

QList<double> ValueHistogram::bins(int bins) const
{
    QList<double> out(qMax(1, bins), 0.0);
    if (m_sample.empty())
        return out;
    const double width = m_max - m_min;
    const double scale = double(m_count) / double(m_sample.size());
    for (double v : m_sample) {
        const int b =
            width > 0 ? qMin(int(out.size()) - 1, int((v - m_min) / width * double(out.size()))) : 0;
        out[b] += scale;
    }
    return out;
}

} // namespace fastmap
