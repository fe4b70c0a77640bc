// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/InputError.h"
#include "dataset/RecordBlock.h"

#include <fastmap/Function.h>

#include <QByteArray>
#include <QString>

#include <optional>

namespace fastmap {

// A contiguous run of input rows, the unit of scheduling. The scheduler hands out raw records;
// the executor that takes the batch splits and converts them (BatchParser), in parallel.
struct Batch
{
    qint64 sequence = -1; // position in the output order
    qint64 firstRow = 0;  // index of the first element in the dataset
    RecordBlock records;  // the raw input, as the reader cut it
    Table input;          // the function's inputs, typed as its metadata says; filled by the executor
    Table kept;           // every dataset column as text, for --keep-input and the app; only when a sink wants it
    int attempts = 0;

    int size() const { return records.count; }
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
    bool abandoned = false; // not finished (the job stopped while it ran); never delivered
    // A malformed record: the batch was cut before it, and the job stops once the rows before it
    // are delivered.
    std::optional<InputError> inputError;
};

} // namespace fastmap
