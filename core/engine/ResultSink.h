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

// Receives results one element at a time, in input order (the seeds' ELEMENTS mode).
class ElementSink : public ResultSink
{
public:
    // `error` is null for a success; `outputs` then holds one value per output column.
    virtual bool consumeElement(qint64 index, const QVariant *inputs, const QVariant *outputs, const QString *error) = 0;

    bool consume(const BatchResult &result, QString *error) final
    {
        const Table &rows = result.batch.rows;
        const Table &out = result.output.values();
        for (int r = 0; r < rows.rowCount(); ++r) {
            const QString message = result.output.error(r);
            if (!consumeElement(result.batch.firstRow + r, rows.rowData(r), out.rowData(r),
                                result.output.failed(r) ? &message : nullptr)) {
                *error = QStringLiteral("the result sink refused element %1").arg(result.batch.firstRow + r);
                return false;
            }
        }
        return true;
    }
};

} // namespace fastmap
