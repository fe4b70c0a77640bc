// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"
#include "engine/Batch.h"

#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <atomic>
#include <deque>
#include <functional>
#include <optional>

namespace fastmap {

// The one queue every executor pulls from, so a faster executor simply takes more batches.
// Reads the dataset lazily and stops reading while too many batches are ahead of the output:
// memory stays flat however long the input.
class BatchScheduler
{
public:
    BatchScheduler(DatasetReader *reader, int maxBatchesInFlight);

    // Hands out the next batch of at most maxRows rows, waiting while paused or too far ahead.
    // Returns false when there is no more work: input ended and every batch completed, or cancelled.
    bool next(int maxRows, Batch *batch);

    // The same without waiting, for executors driven by an event loop.
    enum class Pull { Batch, Wait, Done };
    Pull tryNext(int maxRows, Batch *batch);
    // A batch that must run again (its executor died); it goes first.
    void requeue(Batch &&batch);
    // A batch's result is in the reorder buffer (call after pushing it, so that isDrained()
    // never sees a batch neither out nor buffered).
    void completed();
    // The output has consumed every batch before `sequence` + 1.
    void emitted(qint64 sequence);

    // Resuming a job replays its stored batches with their original boundaries: the plan says how
    // many rows the batch starting at a row must have (0: any). A batch the interceptor takes
    // (returns true) is complete without reaching an executor.
    void setBatchPlan(std::function<int(qint64 firstRow)> plan) { m_plan = std::move(plan); }
    void setInterceptor(std::function<bool(Batch &batch)> interceptor) { m_interceptor = std::move(interceptor); }

    // Raises or lowers how many batches may be ahead of the output (workers joining a job).
    void setMaxInFlight(int batches);

    void cancel();
    void setPaused(bool paused);
    bool isPaused() const;

    // True once the input has ended and every issued batch has completed.
    bool isDrained() const;
    qint64 issuedBatches() const;
    qint64 rowsRead() const;
    double inputProgress() const;
    qint64 totalRows() const { return m_totalRows; }
    std::optional<InputError> inputError() const;

private:
    bool mayIssueLocked() const;
    // With the lock held and a batch known to be available (requeued or issuable): takes it.
    // Unlocks `lock` once the batch's place in the order is fixed.
    bool takeLocked(QMutexLocker<QMutex> &lock, int maxRows, Batch *batch);

    DatasetReader *m_reader;
    int m_maxInFlight; // guarded by m_mutex
    qint64 m_totalRows;

    mutable QMutex m_mutex;
    QWaitCondition m_changed;
    std::deque<Batch> m_requeued;
    qint64 m_nextSequence = 0;
    qint64 m_nextRow = 0;
    qint64 m_emittedUpTo = 0; // sequences below this are written out
    qint64 m_completed = 0;
    bool m_inputDone = false;
    bool m_cancelled = false;
    bool m_paused = false;
    std::optional<InputError> m_inputError;
    std::atomic<double> m_progress{0};
    std::function<int(qint64)> m_plan;
    std::function<bool(Batch &)> m_interceptor;
};

} // namespace fastmap
