// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QString>

namespace fastmap {

// Runs a job's function over one batch at a time on the calling thread: in this process
// (ThreadExecutor) or in fastmap-host processes (HostExecutor). The engine's local slots call
// it, and so does the remote path for the rows before a malformed record; the remote workers
// are the other executors, fed from the same scheduler and handing over the same way
// (BatchHandOver).
class FunctionExecutor
{
public:
    enum class Status {
        Done,    // every row has its outputs or its message
        Stopped, // the job stopped it part way; the batch is not finished
        Fatal,   // the function cannot go on (fatalMessage() says why); the job must stop
    };

    virtual ~FunctionExecutor() = default;

    // `output` comes pre-sized, with the rows whose input did not convert already failed; they
    // keep their message. Thread-safe: one call per thread at a time.
    virtual Status run(const Table &input, qint64 firstRow, BatchOutput &output) = 0;

    // The measured time per element, which sizes a batch's deadline under an element timeout.
    virtual void setSecondsPerElement(double seconds) { (void)seconds; }
    // Once, when the serial sample has measured the function (or the cost hint stood in for it).
    virtual void sampleFinished(double secondsPerElement) { (void)secondsPerElement; }

    // After a stop's grace period: ends the batches still running, so run() returns Stopped.
    // False when this executor cannot (a thread inside a function cannot be stopped).
    virtual bool stopRunning() = 0;

    // Whether the function runs in other processes, so a crash costs elements, not this process.
    virtual bool isolated() const = 0;
    virtual QString fatalMessage() const { return {}; }
    // Elements failed because they took their process down, overran the time or memory limit.
    virtual qint64 isolatedElements() const { return 0; }
    virtual int processesStarted() const { return 0; }
    // Elements served without running the function (a cache in front of it).
    virtual qint64 cacheHits() const { return 0; }
};

} // namespace fastmap
