// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

#include <vector>

namespace fastmap {

// A histogram of a stream of numbers. It keeps a uniform sample of at most `capacity` values
// (reservoir sampling, deterministic), so memory stays flat however long the job runs.
class ValueHistogram
{
public:
    explicit ValueHistogram(int capacity = 200000);

    void add(double value);
    void clear();

    qint64 count() const { return m_count; }
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    // Counts in `bins` equal-width bins over [minimum(), maximum()], scaled to the whole stream.
    QList<double> bins(int bins) const;

private:
    std::vector<double> m_sample;
    std::size_t m_capacity;
    qint64 m_count = 0;
    double m_min = 0;
    double m_max = 0;
    quint64 m_random = 0x2545f4914f6cdd1dULL;
};

} // namespace fastmap
