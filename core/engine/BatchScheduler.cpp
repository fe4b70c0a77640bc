// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/BatchScheduler.h"

namespace fastmap {

BatchScheduler::BatchScheduler(DatasetReader *reader, int maxBatchesInFlight)
    : m_reader(reader), m_maxInFlight(qMax(1, maxBatchesInFlight)), m_totalRows(reader->totalRows())
{
}

bool BatchScheduler::mayIssueLocked() const
{
    return m_nextSequence - m_emittedUpTo < m_maxInFlight;
}

bool BatchScheduler::next(int maxRows, Batch *batch)
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        if (m_cancelled)
            return false;
        if (m_paused) {
            m_changed.wait(&m_mutex);
            continue;
        }
        if (!m_requeued.empty()) {
            *batch = std::move(m_requeued.front());
            m_requeued.pop_front();
            return true;
        }
        if (m_inputDone) {
            // Stay available while batches are out: one of them may come back to be retried.
            if (m_completed >= m_nextSequence)
                return false;
            m_changed.wait(&m_mutex);
            continue;
        }
        if (!mayIssueLocked()) {
            m_changed.wait(&m_mutex);
            continue;
        }
        if (takeLocked(lock, maxRows, batch)) {
            if (!m_interceptor || !m_interceptor(*batch))
                return true;
            lock.relock(); // the interceptor completed it; take the next one
            continue;
        }
        // The input just ended (the lock is still held): wait for batches that may come back.
    }
}

BatchScheduler::Pull BatchScheduler::tryNext(int maxRows, Batch *batch)
{
    QMutexLocker lock(&m_mutex);
    if (m_cancelled)
        return Pull::Done;
    if (m_paused)
        return Pull::Wait;
    if (!m_requeued.empty()) {
        *batch = std::move(m_requeued.front());
        m_requeued.pop_front();
        return Pull::Batch;
    }
    if (m_inputDone)
        return m_completed >= m_nextSequence ? Pull::Done : Pull::Wait;
    if (!mayIssueLocked())
        return Pull::Wait;
    if (takeLocked(lock, maxRows, batch)) {
        if (m_interceptor && m_interceptor(*batch))
            return Pull::Wait; // completed from the store; ask again
        return Pull::Batch;
    }
    // The input just ended; the lock is still held.
    return m_completed >= m_nextSequence && m_requeued.empty() ? Pull::Done : Pull::Wait;
}

bool BatchScheduler::takeLocked(QMutexLocker<QMutex> &lock, int maxRows, Batch *batch)
{
    if (m_plan) {
        const int planned = m_plan(m_nextRow);
        if (planned > 0)
            maxRows = planned;
    }
    // Only the scan for record boundaries happens here, under the lock: fields are split and
    // converted by the executor that takes the batch.
    RecordBlock records;
    const int n = m_reader->readRecords(records, qMax(1, maxRows));
    m_progress.store(m_reader->progress(), std::memory_order_relaxed);
    if (n < 0) {
        m_inputError = m_reader->error();
        m_inputDone = true;
        m_changed.wakeAll();
        return false;
    }
    if (n == 0 || records.count == 0) {
        m_inputDone = true;
        m_changed.wakeAll();
        return false;
    }
    batch->sequence = m_nextSequence++;
    batch->firstRow = m_nextRow;
    batch->attempts = 0;
    records.firstRow = m_nextRow;
    m_nextRow += records.count;
    lock.unlock();

    batch->records = std::move(records);
    batch->input = Table();
    batch->kept = Table();
    return true;
}

void BatchScheduler::requeue(Batch &&batch)
{
    QMutexLocker lock(&m_mutex);
    ++batch.attempts;
    m_requeued.push_back(std::move(batch));
    m_changed.wakeAll();
}

void BatchScheduler::completed()
{
    QMutexLocker lock(&m_mutex);
    ++m_completed;
    if (m_inputDone)
        m_changed.wakeAll();
}

void BatchScheduler::emitted(qint64 sequence)
{
    QMutexLocker lock(&m_mutex);
    if (sequence + 1 > m_emittedUpTo) {
        m_emittedUpTo = sequence + 1;
        m_changed.wakeAll();
    }
}

void BatchScheduler::setMaxInFlight(int batches)
{
    QMutexLocker lock(&m_mutex);
    m_maxInFlight = qMax(1, batches);
    m_changed.wakeAll();
}

void BatchScheduler::cancel()
{
    QMutexLocker lock(&m_mutex);
    m_cancelled = true;
    m_changed.wakeAll();
}

void BatchScheduler::setPaused(bool paused)
{
    QMutexLocker lock(&m_mutex);
    m_paused = paused;
    m_changed.wakeAll();
}

bool BatchScheduler::isPaused() const
{
    QMutexLocker lock(&m_mutex);
    return m_paused;
}

bool BatchScheduler::isDrained() const
{
    QMutexLocker lock(&m_mutex);
    return m_inputDone && m_requeued.empty() && m_completed >= m_nextSequence;
}

qint64 BatchScheduler::issuedBatches() const
{
    QMutexLocker lock(&m_mutex);
    return m_nextSequence;
}

qint64 BatchScheduler::rowsRead() const
{
    QMutexLocker lock(&m_mutex);
    return m_nextRow;
}

double BatchScheduler::inputProgress() const
{
    return m_progress.load(std::memory_order_relaxed);
}

std::optional<InputError> BatchScheduler::inputError() const
{
    QMutexLocker lock(&m_mutex);
    return m_inputError;
}

} // namespace fastmap
