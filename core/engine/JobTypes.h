// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/CostModel.h"
#include "engine/RemoteStats.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace fastmap {

enum class JobStatus {
    NotStarted,
    Running,
    Completed,             // every element succeeded
    CompletedWithFailures, // every element ran; some failed
    StoppedOnError,        // --stop-on-error saw a failure
    Cancelled,
    InputFailed,           // the dataset could not be read to its end
    OutputFailed,          // the result sink refused a batch
    ExecutorsFailed,       // every executor that could run batches is gone
    Estimated,             // estimate only: the sample ran, nothing else
};

QString jobStatusName(JobStatus status);

struct JobProgress
{
    qint64 done = 0;   // elements delivered in order, failed ones included
    qint64 failed = 0;
    qint64 total = -1; // -1 while unknown
    double rate = 0;   // elements per second, recent
    double etaSeconds = -1;
    double elapsedSeconds = 0;
    bool paused = false;
    double cost = 0;
};

struct JobSummary
{
    JobStatus status = JobStatus::NotStarted;
    qint64 elements = 0;
    qint64 failed = 0;
    qint64 batches = 0;
    double seconds = 0;
    double sampleSecondsPerElement = 0;
    double sampleSeconds = 0; // the serial timing sample's work, and its elements
    qint64 sampleElements = 0;
    int threads = 0;
    bool ranInProcess = false;
    QString message;      // why the job ended early, or notes such as the too-light decision
    qint64 firstFailedIndex = -1;
    QString firstFailure;
    int peakBatchesInFlight = 0;
    // Where the work went.
    qint64 localElements = 0;
    qint64 localBatches = 0;
    double localBusySeconds = 0;
    QList<RemoteStats> workers;
    double cost = 0; // USD charged by remote workers
    double remoteVcpuSeconds = 0;
    bool remoteUsed = false;
    Estimate estimate;
    bool estimated = false;
    qint64 cacheHits = 0;      // elements served by the persistent cache
    qint64 storedElements = 0; // elements replayed from an earlier run (resume)
    // Function hosts.
    bool isolated = false;     // the function ran in fastmap-host processes
    int hostsStarted = 0;
    qint64 crashedElements = 0; // elements failed because they took their host down
    // Threads still inside the function when the stop's grace period ended (thread isolation):
    // the run was left to them, and the process should exit without waiting.
    int abandonedThreads = 0;
};

} // namespace fastmap

Q_DECLARE_METATYPE(fastmap::JobProgress)
Q_DECLARE_METATYPE(fastmap::JobSummary)
