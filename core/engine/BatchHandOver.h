// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/BatchScheduler.h"
#include "engine/ReorderBuffer.h"
#include "engine/ResultSink.h"

namespace fastmap {

// The one way a finished batch leaves any executor (a local slot, a remote worker, the job store
// on resume): prepared by the sink on the executor's own thread, into the reorder buffer, then
// counted done by the scheduler, in that order, so the scheduler never counts a batch the
// delivering thread cannot see yet.
class BatchHandOver
{
public:
    BatchHandOver(ResultSink *sink, ReorderBuffer *reorder, BatchScheduler *scheduler)
        : m_sink(sink), m_reorder(reorder), m_scheduler(scheduler)
    {}

    // `prepared`: the executor already called the sink's prepare() (to time it with the batch).
    // An abandoned result (a stop left it unfinished) is only counted; nothing of it is delivered.
    void operator()(BatchResult &&result, bool prepared = false) const
    {
        if (!result.abandoned) {
            if (!prepared)
                m_sink->prepare(result);
            m_reorder->push(std::move(result));
        }
        m_scheduler->completed();
    }

private:
    ResultSink *m_sink;
    ReorderBuffer *m_reorder;
    BatchScheduler *m_scheduler;
};

} // namespace fastmap
