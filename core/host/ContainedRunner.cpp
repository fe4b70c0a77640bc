// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/ContainedRunner.h"

#include "host/HostPool.h"

namespace fastmap {

struct ContainedRunner::Part
{
    const Table &input;
    qint64 firstRow;
    BatchOutput &output;
    Outcome &outcome;
};

ContainedRunner::ContainedRunner(HostPool *pool, BatchRequest requestTemplate,
                                 std::vector<ColumnType> outputTypes, ContainmentLimits limits)
    : m_pool(pool), m_template(std::move(requestTemplate)), m_outputTypes(std::move(outputTypes)),
      m_limits(limits)
{
    m_template.inputs = Table();
    m_template.failedRows.clear();
}

ContainedRunner::Outcome ContainedRunner::run(const Table &input, qint64 firstRow, BatchOutput &output)
{
    Outcome outcome;
    Part part{input, firstRow, output, outcome};
    if (input.rowCount() > 0)
        runPart(part, 0, input.rowCount());
    return outcome;
}

QString ContainedRunner::fatalMessage() const
{
    QMutexLocker lock(&m_mutex);
    return m_fatalMessage;
}

double ContainedRunner::deadline(int rows) const
{
    const double timeout = m_limits.elementTimeoutSeconds;
    if (timeout <= 0)
        return 0;
    if (rows == 1)
        return timeout;
    // One element may take the whole timeout; the others about what the sample measured, with room.
    return timeout + 4.0 * rows * m_secondsPerElement.load(std::memory_order_relaxed) + 1.0;
}

QString ContainedRunner::lostHostMessage(const HostOutcome &outcome, int rows) const
{
    switch (outcome.kind) {
    case HostOutcome::Kind::TimedOut:
        return QStringLiteral("timed out after %1 s")
            .arg(rows == 1 ? m_limits.elementTimeoutSeconds : deadline(rows));
    case HostOutcome::Kind::OutOfMemory:
        return QStringLiteral("out of memory (limit %1 MB)").arg(m_limits.memoryLimitMB);
    default: return QStringLiteral("the function %1 on this element").arg(outcome.reason);
    }
}

void ContainedRunner::fail(Part &part, int begin, int end, const QString &message)
{
    for (int r = begin; r < end; ++r)
        part.output.fail(r, message); // a row that had failed keeps its first message
}

void ContainedRunner::noteIsolated(qint64 row, const QString &message)
{
    const int isolated = m_isolated.fetch_add(1) + 1;
    {
        QMutexLocker lock(&m_mutex);
        if (m_firstIsolated.isEmpty())
            m_firstIsolated = QStringLiteral("element %1: %2").arg(row).arg(message);
        if (!m_fatal && isolated >= m_limits.crashesBeforeAnySuccess && m_succeeded.load() == 0) {
            m_fatalMessage =
                QStringLiteral("the function took its host down on each of the first %1 elements tried, "
                               "and succeeded on none (first, %2)")
                    .arg(isolated)
                    .arg(m_firstIsolated);
            m_fatal = true;
        } else if (!m_fatal && isolated >= m_limits.maxCrashes) {
            m_fatalMessage =
                QStringLiteral("the function took its host down on %1 elements, the limit (first, %2)")
                    .arg(isolated)
                    .arg(m_firstIsolated);
            m_fatal = true;
        }
    }
    if (m_onIsolated)
        m_onIsolated(row, message);
}

void ContainedRunner::runPart(Part &part, int begin, int end)
{
    if (m_fatal) {
        fail(part, begin, end, QStringLiteral("not run: ") + fatalMessage());
        part.outcome.status = Outcome::Status::Fatal;
        return;
    }
    if (m_pool->aborted()) {
        part.outcome.status = Outcome::Status::Aborted;
        return;
    }
    const int rows = end - begin;
    const bool whole = begin == 0 && end == part.input.rowCount();
    BatchRequest request = m_template;
    request.firstRow = part.firstRow + begin;
    if (whole) {
        request.inputs = part.input;
    } else {
        request.inputs = Table(part.input.types(), rows);
        for (int r = begin; r < end; ++r)
            request.inputs.copyRow(r - begin, part.input, r);
    }
    for (int r = begin; part.output.hasFailures() && r < end; ++r)
        if (part.output.failed(r))
            request.failedRows.push_back(r - begin);
    if (int(request.failedRows.size()) == rows)
        return; // nothing here converted: nothing to run

    QString error;
    std::unique_ptr<HostProcess> host = m_pool->acquire(&error);
    if (!host) {
        if (m_pool->aborted()) {
            part.outcome.status = Outcome::Status::Aborted;
            return;
        }
        // Without a host nothing can run: the job stops with the reason.
        {
            QMutexLocker lock(&m_mutex);
            if (m_fatalMessage.isEmpty())
                m_fatalMessage = error;
            m_fatal = true;
        }
        fail(part, begin, end, QStringLiteral("not run: ") + error);
        part.outcome.status = Outcome::Status::Fatal;
        return;
    }
    const HostOutcome outcome =
        host->run(BatchCodec::encodeRequest(request), deadline(rows), m_pool->abortFlag());
    request = BatchRequest();
    part.outcome.cpuSeconds += outcome.cpuSeconds;
    switch (outcome.kind) {
    case HostOutcome::Kind::Answered: {
        BatchResponse response;
        if (!BatchCodec::decodeResponse(outcome.payload, rows, m_outputTypes, &response, &error)) {
            fail(part, begin, end, QStringLiteral("the function host's answer is garbled: ") + error);
            return; // that host is not trusted again
        }
        m_pool->release(std::move(host));
        part.outcome.cpuSeconds += response.vcpuSeconds;
        m_succeeded.fetch_add(rows - response.output.failedCount(), std::memory_order_relaxed);
        if (whole && !part.output.hasFailures()) {
            part.output = std::move(response.output);
            return;
        }
        for (int r = 0; r < rows; ++r) {
            const int row = begin + r;
            if (part.output.failed(row))
                continue;
            if (response.output.failed(r))
                part.output.fail(row, response.output.error(r));
            else
                part.output.values().copyRow(row, response.output.values(), r);
        }
        return;
    }
    case HostOutcome::Kind::Error:
        m_pool->release(std::move(host));
        fail(part, begin, end, QString::fromUtf8(outcome.payload));
        return;
    case HostOutcome::Kind::Aborted: part.outcome.status = Outcome::Status::Aborted; return;
    case HostOutcome::Kind::Died:
    case HostOutcome::Kind::TimedOut:
    case HostOutcome::Kind::OutOfMemory: break;
    }
    host.reset();
    if (rows == 1) {
        const QString message = lostHostMessage(outcome, 1);
        part.output.fail(begin, message);
        ++part.outcome.isolated;
        noteIsolated(part.firstRow + begin, message);
        if (m_fatal)
            part.outcome.status = Outcome::Status::Fatal;
        return;
    }
    const int middle = begin + rows / 2;
    runPart(part, begin, middle);
    if (part.outcome.status == Outcome::Status::Fatal)
        fail(part, middle, end, QStringLiteral("not run: ") + fatalMessage());
    if (part.outcome.status != Outcome::Status::Done)
        return;
    runPart(part, middle, end);
}

} // namespace fastmap
