// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QMutex>
#include <QWaitCondition>

#include <map>
#include <optional>

namespace fastmap {

// Holds results that finished out of order until every earlier one has arrived.
// Its size is bounded by the scheduler, which never lets a batch start too far ahead.
class ReorderBuffer
{
public:
    explicit ReorderBuffer(qint64 firstSequence = 0) : m_next(firstSequence) {}

    void push(BatchResult &&result);
    // The next result in order, waiting up to timeoutMs for it to arrive.
    std::optional<BatchResult> popNext(int timeoutMs);
    void wakeAll();

    qint64 nextSequence() const;
    int size() const;
    int peakSize() const;

private:
    mutable QMutex m_mutex;
    QWaitCondition m_arrived;
    std::map<qint64, BatchResult> m_pending;
    qint64 m_next;
    int m_peak = 0;
};

} // namespace fastmap
