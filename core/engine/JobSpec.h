// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"

#include <QByteArray>
#include <QMap>
#include <QStringList>
#include <QString>
#include <QVariantMap>

namespace fastmap {

// Everything that defines one run. Plain data, so the CLI, the GUI and a job store can all fill it.
struct JobSpec
{
    QString functionId;
    QVariantMap params;                 // as the user gave them; checked and completed at start
    QString input;                      // a path or "range:N"
    DatasetOptions datasetOptions;
    QMap<QString, QString> mapping;     // function input -> dataset column
    int threads = 0;                    // 0: one per core
    bool stopOnError = false;
    double batchTargetSeconds = 0.2;    // batches are sized to take about this long
    int maxBatchRows = 16384;           // caps memory per batch for very light functions
    int maxBatchesInFlight = 0;         // 0: four per thread
    double sampleSeconds = 0.1;         // the serial sample that sizes batches; 0 trusts the cost hint

    // Where batches run. Adaptive adds remote workers only when they make the job faster.
    enum class Policy { Local, Remote, Adaptive };
    Policy policy = Policy::Adaptive;
    QStringList workers;                // base URLs of fastmap-worker servers
    QString workersFile;                // one URL per line; re-read while the job runs
    QByteArray token;                   // bearer token for the workers
    QString caCertificatesFile;         // extra CAs to trust for https workers
    bool insecure = false;              // allow plain http:// to hosts that are not this machine
    double maxCost = -1;                // USD; paid workers stop taking batches at this; < 0: no cap
    bool chargesConfirmed = false;      // --yes: charges accepted without asking
    bool estimateOnly = false;          // stop after the sample and the estimate
    double remoteTimeoutSeconds = 60;   // a worker silent this long is hung
    int maxAttemptsPerBatch = 3;
    int maxConsecutiveWorkerFailures = 4;
    // The cores the local threads and the workers on this machine (loopback, its own addresses)
    // share; 0: QThread::idealThreadCount(). Tests whose workers on 127.0.0.1 only sleep set it.
    int machineCores = 0;

    // Where the function runs on this machine: in fastmap-host processes, so a crash, a hang or
    // a runaway allocation costs one element (the default), or on threads in this process.
    enum class Isolation { Process, Thread };
    Isolation isolation = Isolation::Process;
    double elementTimeoutSeconds = 0;   // an element running longer fails; 0: no limit (process only)
    int memoryLimitMB = 0;              // per host; 0: no limit (process only)
    int maxCrashes = 100;               // elements that took their host down before the job stops
    double stopGraceSeconds = 5;        // on cancel, how long running batches may finish
    QString hostProgram;                // fastmap-host; empty: HostProcess::defaultProgram()

    // Whether a job too light to gain from threads runs in-process.
    enum class SerialFallback { Auto, Never, Always };
    SerialFallback serialFallback = SerialFallback::Auto;
};

} // namespace fastmap
