// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/BatchSizer.h"

#include <algorithm>
#include <cmath>

namespace fastmap {

BatchSizer::BatchSizer(double targetSeconds, int maxRows) : m_targetSeconds(targetSeconds), m_maxRows(std::max(1, maxRows)) {}

void BatchSizer::seed(double secondsPerElement)
{
    QMutexLocker lock(&m_mutex);
    m_secondsPerElement = std::max(0.0, secondsPerElement);
}

void BatchSizer::record(int elements, double seconds)
{
    if (elements <= 0 || seconds < 0)
        return;
    const double measured = seconds / elements;
    QMutexLocker lock(&m_mutex);
    // Weight by the batch's share of the target so tiny batches cannot swing the estimate.
    const double weight = std::clamp(seconds / (m_targetSeconds > 0 ? m_targetSeconds : 1.0), 0.05, 0.5);
    m_secondsPerElement = m_secondsPerElement <= 0 ? measured : m_secondsPerElement * (1 - weight) + measured * weight;
}

int BatchSizer::nextSize() const
{
    QMutexLocker lock(&m_mutex);
    if (m_secondsPerElement <= 0)
        return std::min(m_maxRows, 64); // nothing measured yet: small enough to learn fast
    const double rows = m_targetSeconds / m_secondsPerElement;
    if (!std::isfinite(rows) || rows >= m_maxRows)
        return m_maxRows;
    return std::max(1, int(rows));
}

double BatchSizer::secondsPerElement() const
{
    QMutexLocker lock(&m_mutex);
    return m_secondsPerElement;
}

} // namespace fastmap
