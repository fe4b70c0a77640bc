// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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
};

struct JobSummary
{
    JobStatus status = JobStatus::NotStarted;
    qint64 elements = 0;
    qint64 failed = 0;
    qint64 batches = 0;
    double seconds = 0;
    double sampleSecondsPerElement = 0;
    int threads = 0;
    bool ranInProcess = false;
    QString message;      // why the job ended early, or notes such as the too-light decision
    qint64 firstFailedIndex = -1;
    QString firstFailure;
    int peakBatchesInFlight = 0;
};

} // namespace fastmap

Q_DECLARE_METATYPE(fastmap::JobProgress)
Q_DECLARE_METATYPE(fastmap::JobSummary)
