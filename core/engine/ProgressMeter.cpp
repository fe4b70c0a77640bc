// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ProgressMeter.h"

namespace fastmap {

void ProgressMeter::add(double seconds, qint64 done)
{
    m_samples.emplace_back(seconds, done);
    while (m_samples.size() > 2 && m_samples.back().first - m_samples[1].first >= m_window)
        m_samples.pop_front();
}

double ProgressMeter::rate() const
{
    if (m_samples.size() < 2)
        return 0;
    const auto &[t0, d0] = m_samples.front();
    const auto &[t1, d1] = m_samples.back();
    return t1 > t0 ? double(d1 - d0) / (t1 - t0) : 0;
}

double ProgressMeter::etaSeconds(qint64 done, qint64 total) const
{
    const double r = rate();
    if (total < 0 || r <= 0)
        return total >= 0 && done >= total ? 0 : -1;
    return double(qMax<qint64>(0, total - done)) / r;
}

} // namespace fastmap
