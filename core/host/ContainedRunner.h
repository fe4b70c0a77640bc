// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/BatchCodec.h"

#include <fastmap/Function.h>

#include <QMutex>
#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace fastmap {

class HostPool;

struct ContainmentLimits
{
    double elementTimeoutSeconds = 0; // 0: none
    int memoryLimitMB = 0;            // only for the message; the pool's hosts enforce it
    int maxCrashes = 100;             // elements that took their host down before the job stops
    int crashesBeforeAnySuccess = 3;  // ... or this many while no element has succeeded yet
};

// Runs batches in function hosts and contains what the function does to them. When a host dies,
// overruns its deadline or its memory limit on a batch, the batch is split and the halves re-run
// in fresh hosts until the one element that did it is found; that element fails with what
// happened, and every other element gets its result. Bounded: each element runs at most about
// log2(batch) times, and a function that takes its host down too often stops the job.
class ContainedRunner
{
public:
    struct Outcome
    {
        enum class Status { Done, Aborted, Fatal };
        Status status = Status::Done;
        double cpuSeconds = 0; // the hosts' CPU time, including hosts that died
        int isolated = 0;      // elements failed because they took their host down
    };
    // Told of each element found to take its host down: its row in the dataset, the message.
    using IsolatedCallback = std::function<void(qint64 row, const QString &message)>;

    ContainedRunner(HostPool *pool, BatchRequest requestTemplate, std::vector<ColumnType> outputTypes,
                    ContainmentLimits limits);

    // `output` comes pre-sized, with the elements whose input did not convert already failed; they
    // keep their message. Thread-safe: one call per thread at a time, each with its own host.
    Outcome run(const Table &input, qint64 firstRow, BatchOutput &output);

    // The measured time per element, which sizes a batch's deadline under an element timeout.
    void setSecondsPerElement(double seconds) { m_secondsPerElement = seconds; }
    void setIsolatedCallback(IsolatedCallback callback) { m_onIsolated = std::move(callback); }

    // Why the job must stop (Status::Fatal), e.g. the function crashes on every element.
    QString fatalMessage() const;

private:
    struct Part;
    void runPart(Part &part, int begin, int end);
    void fail(Part &part, int begin, int end, const QString &message);
    double deadline(int rows) const;
    QString lostHostMessage(const struct HostOutcome &outcome, int rows) const;
    void noteIsolated(qint64 row, const QString &message);

    HostPool *m_pool;
    BatchRequest m_template;
    std::vector<ColumnType> m_outputTypes;
    ContainmentLimits m_limits;
    IsolatedCallback m_onIsolated;
    std::atomic<double> m_secondsPerElement{0};
    std::atomic<qint64> m_succeeded{0}; // elements hosts answered for
    std::atomic<int> m_isolated{0};
    std::atomic<bool> m_fatal{false};
    mutable QMutex m_mutex;
    QString m_firstIsolated; // "element 12: the function crashed (SIGSEGV) on this element"
    QString m_fatalMessage;
};

} // namespace fastmap
