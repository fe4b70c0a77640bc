// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QStringList>

namespace fastmap {

// Receives a job's results in input order, a whole batch at a time (the seeds' BATCHES mode).
class ResultSink
{
public:
    virtual ~ResultSink() = default;

    virtual bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
    {
        Q_UNUSED(datasetColumns);
        Q_UNUSED(outputColumns);
        Q_UNUSED(error);
        return true;
    }
    // True when the sink needs every dataset column of each row (BatchResult::batch.kept, all
    // text): --keep-input, the app's results view. The engine then parses them too.
    virtual bool wantsInput() const { return false; }
    // Called on the executor's thread as soon as a batch is computed, in any order and from many
    // threads at once: the place for expensive, order-independent work such as formatting.
    virtual void prepare(BatchResult &result) { Q_UNUSED(result); }
    // Called in input order from one thread. Returning false stops the job.
    virtual bool consume(const BatchResult &result, QString *error) = 0;
    // `complete` is false when the job stopped early; the sink decides what to keep.
    virtual bool finish(bool complete, QString *error)
    {
        Q_UNUSED(complete);
        Q_UNUSED(error);
        return true;
    }
};

} // namespace fastmap
