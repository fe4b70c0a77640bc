// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMap>

namespace fastmap {

// The worker's counters, served at GET /metrics in the Prometheus text format. Updated and read
// on the server's thread only.
class WorkerMetrics
{
public:
    void recordRequest(int statusCode) { ++m_requests[statusCode]; }
    void recordBatch(qint64 elements, qint64 elementErrors, double vcpuSeconds, double charge);
    void setThreads(int threads) { m_threads = threads; }
    void setBusyThreads(int busy) { m_busy = busy; }

    quint64 batches() const { return m_batches; }
    quint64 elements() const { return m_elements; }
    quint64 elementErrors() const { return m_elementErrors; }
    double vcpuSeconds() const { return m_vcpuSeconds; }
    double charges() const { return m_charges; }
    quint64 requests(int statusCode) const { return m_requests.value(statusCode); }

    // Prometheus text exposition format 0.0.4, with # HELP and # TYPE for every metric.
    QByteArray exposition() const;
    static QByteArray contentType() { return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"); }

private:
    quint64 m_batches = 0;
    quint64 m_elements = 0;
    quint64 m_elementErrors = 0;
    double m_vcpuSeconds = 0;
    double m_charges = 0;
    int m_threads = 0;
    int m_busy = 0;
    QMap<int, quint64> m_requests;
};

} // namespace fastmap
