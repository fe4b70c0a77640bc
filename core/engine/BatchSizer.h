// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMutex>

namespace fastmap {

// Sizes batches so that each takes about the target duration on the executor that runs it.
// Unlike fastmap, which fixed the size after its sample, this keeps adapting as batches complete.
class BatchSizer
{
public:
    BatchSizer(double targetSeconds, int maxRows);

    void seed(double secondsPerElement);
    // Folds a measured batch into the estimate (an exponentially weighted average).
    void record(int elements, double seconds);
    int nextSize() const;
    double secondsPerElement() const;

private:
    mutable QMutex m_mutex;
    double m_targetSeconds;
    int m_maxRows;
    double m_secondsPerElement = 0; // 0 until seeded or measured
};

} // namespace fastmap
