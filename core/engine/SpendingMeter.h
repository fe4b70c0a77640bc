// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMutex>

namespace fastmap {

// The running cost of a job's remote batches, and the cap that stops paid work.
class SpendingMeter
{
public:
    explicit SpendingMeter(double capUsd = -1) : m_cap(capUsd) {}

    void add(double chargeUsd, double vcpuSeconds)
    {
        QMutexLocker lock(&m_mutex);
        m_total += chargeUsd;
        m_vcpuSeconds += vcpuSeconds;
    }
    // Whether a worker at this price may take another batch. Free workers always may.
    bool allows(double pricePerVcpuHour) const
    {
        QMutexLocker lock(&m_mutex);
        return pricePerVcpuHour <= 0 || m_cap < 0 || m_total < m_cap;
    }
    double total() const
    {
        QMutexLocker lock(&m_mutex);
        return m_total;
    }
    double vcpuSeconds() const
    {
        QMutexLocker lock(&m_mutex);
        return m_vcpuSeconds;
    }
    double cap() const
    {
        QMutexLocker lock(&m_mutex);
        return m_cap;
    }
    void setCap(double capUsd)
    {
        QMutexLocker lock(&m_mutex);
        m_cap = capUsd;
    }

private:
    mutable QMutex m_mutex;
    double m_cap;
    double m_total = 0;
    double m_vcpuSeconds = 0;
};

} // namespace fastmap
