// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ReorderBuffer.h"

#include <algorithm>

namespace fastmap {

void ReorderBuffer::push(BatchResult &&result)
{
    QMutexLocker lock(&m_mutex);
    const qint64 sequence = result.batch.sequence;
    m_pending.insert_or_assign(sequence, std::move(result));
    m_peak = std::max(m_peak, int(m_pending.size()));
    if (sequence == m_next)
        m_arrived.wakeAll();
}

std::optional<BatchResult> ReorderBuffer::popNext(int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_pending.find(m_next);
    if (it == m_pending.end()) {
        m_arrived.wait(&m_mutex, QDeadlineTimer(timeoutMs));
        it = m_pending.find(m_next);
        if (it == m_pending.end())
            return std::nullopt;
    }
    BatchResult result = std::move(it->second);
    m_pending.erase(it);
    ++m_next;
    return result;
}

void ReorderBuffer::wakeAll()
{
    QMutexLocker lock(&m_mutex);
    m_arrived.wakeAll();
}

qint64 ReorderBuffer::nextSequence() const
{
    QMutexLocker lock(&m_mutex);
    return m_next;
}

int ReorderBuffer::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_pending.size());
}

int ReorderBuffer::peakSize() const
{
    QMutexLocker lock(&m_mutex);
    return m_peak;
}

} // namespace fastmap
