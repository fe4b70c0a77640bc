// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerMetrics.h"

namespace fastmap {

namespace {

void metric(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += "# HELP fastmap_worker_";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE fastmap_worker_";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void sample(QByteArray &out, const char *name, const QByteArray &value, const QByteArray &labels = {})
{
    out += "fastmap_worker_";
    out += name;
    out += labels;
    out += ' ';
    out += value;
    out += '\n';
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 15);
}

} // namespace

void WorkerMetrics::recordBatch(qint64 elements, qint64 elementErrors, double vcpuSeconds, double charge)
{
    ++m_batches;
    m_elements += quint64(elements);
    m_elementErrors += quint64(elementErrors);
    m_vcpuSeconds += vcpuSeconds;
    m_charges += charge;
}

QByteArray WorkerMetrics::exposition() const
{
    QByteArray out;
    metric(out, "batches_total", "counter", "Batches run and answered with 200.");
    sample(out, "batches_total", QByteArray::number(m_batches));
    metric(out, "elements_total", "counter", "Elements (input rows) of the batches run.");
    sample(out, "elements_total", QByteArray::number(m_elements));
    metric(out, "element_errors_total", "counter",
           "Elements that failed, reported to clients as per-element errors.");
    sample(out, "element_errors_total", QByteArray::number(m_elementErrors));
    metric(out, "busy_threads", "gauge", "Batches being run now.");
    sample(out, "busy_threads", QByteArray::number(m_busy));
    metric(out, "threads", "gauge", "Batches that can run at once (--threads).");
    sample(out, "threads", QByteArray::number(m_threads));
    metric(out, "charges_usd_total", "counter", "USD charged for batches.");
    sample(out, "charges_usd_total", number(m_charges));
    metric(out, "vcpu_seconds_total", "counter", "Thread CPU seconds spent running batches.");
    sample(out, "vcpu_seconds_total", number(m_vcpuSeconds));
    metric(out, "requests_total", "counter", "HTTP requests answered, by status code.");
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        sample(out, "requests_total", QByteArray::number(it.value()),
               QByteArrayLiteral("{code=\"") + QByteArray::number(it.key()) + QByteArrayLiteral("\"}"));
    return out;
}

} // namespace fastmap
