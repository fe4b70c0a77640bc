// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"
#include "engine/CostModel.h"
#include "engine/JobSpec.h"
#include "engine/JobTypes.h"
#include "engine/RemoteStats.h"

#include <QList>
#include <QString>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <vector>

class QElapsedTimer;

namespace fastmap {

class BatchHandOver;
class BatchParser;
class BatchScheduler;
struct FunctionInfo;
class SpendingMeter;

// The part of a job that runs on remote workers, as the engine sees it. remote/RemoteCoordinator
// implements it (probes, the estimate with workers, the charges question, workers joining from
// a file, failover), and the caller installs it with Engine::setRemoteFactory(), so the engine
// itself knows nothing of the network. The engine calls it from the job's driver thread, except
// confirmCharges() and stats(), which are thread-safe.
class RemoteSide
{
public:
    // What the remote side uses of the job. The pointers outlive it.
    struct Job
    {
        const JobSpec *spec = nullptr;
        BatchScheduler *scheduler = nullptr;
        const BatchHandOver *handOver = nullptr;
        const BatchParser *parser = nullptr;
        const QElapsedTimer *clock = nullptr;
        SpendingMeter *spending = nullptr;
        std::vector<ColumnType> outputTypes;
        int localThreads = 1;
        int localInFlight = 0; // the scheduler's limit without workers
        // Runs rows here, as a local batch would (those before a malformed record).
        std::function<bool(const Table &input, qint64 firstRow, BatchOutput &output)> runLocally;
        // The local side of the estimate as it stands (elements left, time per element, threads).
        std::function<CostModel::Input()> localEstimate;
        std::function<double()> secondsPerElement;
        std::function<qint64()> elementsDone;
        std::function<qint64()> totalElements; // -1 unknown
        std::function<void(const QString &)> notify;
        // Every estimate made with the workers' probes, for the summary.
        std::function<void(const Estimate &)> estimateMade;
        // The estimate after the probes (Engine::estimateReady).
        std::function<void(const Estimate &)> estimateReady;
        // Paid workers are ready: ask, and let local work go on (Engine::confirmationNeeded).
        std::function<void(const Estimate &)> askForCharges;
        // The job cannot go on remotely: `reason` becomes the cancel's message when not empty;
        // `workersFailed` makes it an executors failure.
        std::function<void(const QString &reason, bool workersFailed)> stop;
    };

    enum class Verdict {
        Run,       // the workers take part as the estimate says (or wait for the charges answer)
        Estimated, // an estimate was all that was asked for
        NoWorkers, // the remote policy, and no worker is usable
    };

    virtual ~RemoteSide() = default;

    virtual void attach(const Job &job) = 0;
    // What the workers add to the local threads for the too-light rule, before any probe.
    virtual int parallelism(int localThreads) const = 0;
    // During the serial sample: whether it should call measure() with a batch, and measure it
    // (what a batch of this job weighs on the wire, for the estimate). A job whose workers
    // cannot take part, whatever the sample says, gets the short sample of a local job.
    virtual bool wantsMeasure() const = 0;
    virtual void measure(const BatchResult &result) = 0;

    // After the sample: probes the workers, estimates and decides whether they take part.
    virtual Verdict setUp() = 0;
    // Called on every turn of the driver's loop: the charges answer, workers joining or leaving
    // through the workers file, activation; may stop() the job.
    virtual void steer(bool runLocal) = 0;
    virtual bool allFinished() const = 0;
    // Stops handing batches to workers; those in flight complete.
    virtual void retireAll(const QString &reason) = 0;
    // The answer to the charges question; thread-safe.
    virtual void confirmCharges(bool accepted) = 0;
    // Thread-safe.
    virtual QList<RemoteStats> stats() const = 0;
    // The end of the job: aborts what is in flight, and says why the workers failed when they did.
    virtual void finish(bool workersFailed, JobSummary *summary) = 0;
};

// Makes the remote side of a job whose spec names workers (the engine calls it only then, and
// never under the local policy). A wrong worker URL or a missing workers file: null and `error`.
using RemoteFactory = std::function<std::unique_ptr<RemoteSide>(const JobSpec &spec, const FunctionInfo &info,
                                                                const QVariantMap &params, QString *error)>;

} // namespace fastmap
