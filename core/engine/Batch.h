// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QString>

namespace fastmap {

// A contiguous run of input rows, the unit of scheduling.
struct Batch
{
    qint64 sequence = -1; // position in the output order
    qint64 firstRow = 0;  // index of the first element in the dataset
    Table rows;           // all dataset columns, kept for --keep-input and error reports
    Table input;          // the function's inputs in metadata order; empty when `rows` already is that
    int attempts = 0;

    const Table &functionInput() const { return input.columnCount() > 0 ? input : rows; }
    int size() const { return rows.rowCount(); }
};

struct BatchResult
{
    Batch batch;
    BatchOutput output;
    QString executor;
    qint64 startNs = 0; // since the job started
    qint64 durationNs = 0;
    QByteArray encoded; // filled by a sink's prepare() on the worker thread, written in order later
    QByteArray stored;  // the same for a job store's record of the batch
    bool fromStore = false; // replayed from an earlier run of the job, not computed now
};

} // namespace fastmap
