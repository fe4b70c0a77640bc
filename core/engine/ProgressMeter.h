// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <deque>
#include <utility>

namespace fastmap {

// A rate over a sliding window, and the ETA that follows from it. Recent rate rather than the
// average since start, so the ETA recovers quickly after a pause or a change of speed.
class ProgressMeter
{
public:
    explicit ProgressMeter(double windowSeconds = 3.0) : m_window(windowSeconds) {}

    void add(double seconds, qint64 done);
    double rate() const;
    // -1 when it cannot be told (unknown total, no progress yet).
    double etaSeconds(qint64 done, qint64 total) const;
    void reset() { m_samples.clear(); }

private:
    double m_window;
    std::deque<std::pair<double, qint64>> m_samples;
};

} // namespace fastmap
