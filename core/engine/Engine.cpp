// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/Engine.h"

#include "engine/BatchHandOver.h"
#include "engine/BatchParser.h"
#include "engine/BatchScheduler.h"
#include "engine/BatchSizer.h"
#include "engine/ColumnMapping.h"
#include "engine/ProgressMeter.h"
#include "engine/ReorderBuffer.h"
#include "engine/StoredResults.h"
#include "engine/ThreadExecutor.h"
#include "host/HostExecutor.h"
#include "plugin/ParameterBinder.h"
#include "plugin/PluginCatalog.h"
#include "engine/RemoteSide.h"
#include "engine/SpendingMeter.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QFuture>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent>

#include <atomic>
#include <cmath>
#include <thread>

namespace fastmap {

namespace {
// What starting and feeding one more thread costs; below this the job runs in-process.
constexpr double kThreadStartupSeconds = 0.001;
// Without workers the sample may stop after this much work once the job is clearly not too light.
constexpr double kQuickSampleSeconds = 0.002;
} // namespace

QString jobStatusName(JobStatus status)
{
    switch (status) {
    case JobStatus::NotStarted: return QStringLiteral("not started");
    case JobStatus::Running: return QStringLiteral("running");
    case JobStatus::Completed: return QStringLiteral("completed");
    case JobStatus::CompletedWithFailures: return QStringLiteral("completed with failures");
    case JobStatus::StoppedOnError: return QStringLiteral("stopped on error");
    case JobStatus::Cancelled: return QStringLiteral("cancelled");
    case JobStatus::InputFailed: return QStringLiteral("input failed");
    case JobStatus::OutputFailed: return QStringLiteral("output failed");
    case JobStatus::ExecutorsFailed: return QStringLiteral("every worker died");
    case JobStatus::Estimated: return QStringLiteral("estimated");
    }
    return {};
}

struct Engine::Run
{
    Engine *engine = nullptr;
    JobSpec spec;
    // Where the function runs: on this process's threads, or in function hosts.
    std::unique_ptr<FunctionExecutor> executor;
    std::atomic<int> inFunction{0}; // threads running the function right now
    QString fatalError;             // the function cannot go on (it crashes on every element)
    // Thread isolation, after the stop's grace period: the engine's thread delivered what was done
    // and finished the job; the threads still in the function are left to it.
    std::atomic<bool> abandoned{false};
    QMutex deliveryMutex; // the driver delivers under it, and the engine's thread when it abandons
    std::unique_ptr<DatasetReader> reader;
    ResultSink *sink = nullptr;
    BatchParser parser;                  // records -> typed inputs, on each executor's thread
    std::vector<ColumnType> outputTypes;
    int threads = 1;
    std::unique_ptr<BatchScheduler> scheduler;
    ReorderBuffer reorder;
    std::unique_ptr<BatchSizer> sizer;
    QThreadPool pool;
    QElapsedTimer clock;

    std::atomic<qint64> done{0};
    std::atomic<qint64> failed{0};
    std::atomic<bool> cancelRequested{false};
    std::atomic<bool> finished{false};
    bool stoppedOnError = false;
    bool executorsFailed = false;
    std::optional<InputError> recordError; // a malformed record found while parsing; the job stops there
    QString cancelReason;

    // Remote execution (remote/RemoteCoordinator); null without workers.
    const FunctionInfo *info = nullptr;
    SpendingMeter spending;
    std::unique_ptr<RemoteSide> remote;

    // Resume.
    StoredResults *stored = nullptr;
    std::atomic<qint64> storedRows{0};

    // Local executor statistics.
    QMutex localMutex;
    qint64 localBatches = 0;
    qint64 localElements = 0;
    double localBusySeconds = 0;
    bool outputFailed = false;
    QString outputError;
    JobSummary summary;
    std::thread driver;

    // Touched only by the engine's own thread.
    ProgressMeter meter;
    bool finishedEmitted = false;

    // Parses, runs and prepares one batch on the calling thread. The measured time is all of it,
    // so batch sizes and the estimate count the conversions and the sinks' formatting too.
    BatchResult execute(Batch &&batch, const QString &executor)
    {
        BatchResult result;
        result.executor = executor;
        result.startNs = clock.nsecsElapsed();
        result.batch = std::move(batch);
        QElapsedTimer timer;
        timer.start();
        result.inputError = parser.parse(result.batch, &result.output);
        if (result.batch.size() > 0) {
            if (!compute(result.batch.input, result.batch.firstRow, result.output)) {
                result.abandoned = true;
                result.batch.input = Table();
                return result;
            }
        }
        if (measureBytes && result.batch.size() >= 16 && remote->wantsMeasure())
            remote->measure(result);
        result.batch.input = Table(); // the inputs are no longer needed; free them early
        sink->prepare(result); // timed with the batch: the sizes and the estimate count the sink
        result.durationNs = timer.nsecsElapsed();
        sizer->record(result.batch.size(), result.durationNs * 1e-9);
        {
            QMutexLocker lock(&localMutex);
            ++localBatches;
            localElements += result.batch.size();
            localBusySeconds += result.durationNs * 1e-9;
        }
        return result;
    }

    // Runs the function over one batch's inputs, in a host or on this thread. False when the batch
    // was not finished: the job stopped while it ran, or the function cannot go on.
    bool compute(const Table &input, qint64 firstRow, BatchOutput &output)
    {
        inFunction.fetch_add(1);
        executor->setSecondsPerElement(sizer->secondsPerElement());
        const FunctionExecutor::Status status = executor->run(input, firstRow, output);
        inFunction.fetch_sub(1);
        if (status == FunctionExecutor::Status::Fatal) {
            {
                QMutexLocker lock(&localMutex);
                if (fatalError.isEmpty())
                    fatalError = executor->fatalMessage();
            }
            requestCancel();
        }
        return status == FunctionExecutor::Status::Done && !abandoned;
    }

    bool measureBytes = false; // set only while the serial sample runs
    int localInFlight = 0;     // the scheduler's limit before workers join

    // The scheduler's interceptor on resume: a batch already stored is delivered, not computed.
    bool replayStored(Batch &batch)
    {
        BatchResult result;
        if (!stored->load(batch.firstRow, batch.size(), outputTypes, &result.output))
            return false;
        if (sink->wantsInput()) {
            BatchOutput unused;
            if (parser.parse(batch, &unused))
                return false; // cannot happen for rows that were stored; compute them to report it
        }
        result.batch = std::move(batch);
        result.batch.input = Table();
        result.fromStore = true;
        result.executor = QStringLiteral("stored");
        storedRows.fetch_add(result.batch.size(), std::memory_order_relaxed);
        (*handOver)(std::move(result));
        return true;
    }

    // Shared with the remote executors: how every finished batch reaches the reorder buffer.
    std::unique_ptr<BatchHandOver> handOver;

    void workLoop(const QString &executor)
    {
        Batch batch;
        while (scheduler->next(sizer->nextSize(), &batch)) {
            (*handOver)(execute(std::move(batch), executor), true);
        }
    }

    // Hands every result that is next in order to the sink; waits up to timeoutMs for the first.
    void deliver(int timeoutMs)
    {
        QMutexLocker lock(&deliveryMutex);
        if (abandoned)
            return;
        while (auto result = reorder.popNext(timeoutMs)) {
            timeoutMs = 0;
            consume(*result);
        }
    }

    void consume(const BatchResult &result)
    {
        if (outputFailed || recordError)
            return; // nothing after an output failure or a malformed record is written
        QString error;
        if (!sink->consume(result, &error)) {
            outputFailed = true;
            outputError = error;
            requestCancel();
            return;
        }
        ++summary.batches;
        const int failures = result.output.failedCount();
        if (failures > 0) {
            if (summary.firstFailedIndex < 0) {
                for (int r = 0; r < result.output.rowCount(); ++r) {
                    if (result.output.failed(r)) {
                        summary.firstFailedIndex = result.batch.firstRow + r;
                        summary.firstFailure = result.output.error(r);
                        break;
                    }
                }
            }
            failed.fetch_add(failures, std::memory_order_relaxed);
            if (spec.stopOnError && !stoppedOnError) {
                stoppedOnError = true;
                requestCancel();
            }
        }
        done.fetch_add(result.batch.size(), std::memory_order_relaxed);
        scheduler->emitted(result.batch.sequence);
        if (result.inputError) {
            recordError = result.inputError;
            requestCancel();
        }
    }

    // A stop: no more batches now; after the grace period, the hosts still running one are
    // killed (process isolation), or the threads still in the function are left to it.
    std::thread watchdog;
    std::atomic<bool> watchdogStarted{false};
    std::atomic<bool> stopNowRequested{false};
    void stop(double graceSeconds)
    {
        requestCancel();
        if (graceSeconds <= 0)
            stopNowRequested = true;
        if (watchdogStarted.exchange(true))
            return;
        watchdog = std::thread([this, graceSeconds] {
            QElapsedTimer waited;
            waited.start();
            while (!finished && !stopNowRequested && waited.elapsed() < qint64(graceSeconds * 1000))
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (finished)
                return;
            if (!executor->stopRunning())
                abandonThreads();
        });
    }

    void requestCancel()
    {
        cancelRequested = true;
        scheduler->cancel();
        reorder.wakeAll();
    }

    // The driver is also the one that delivers, so it must never block waiting for the output to
    // move (stored batches replayed on resume fill the reorder buffer without it computing).
    bool pullOnDriver(int maxRows, Batch *batch)
    {
        for (;;) {
            switch (scheduler->tryNext(maxRows, batch)) {
            case BatchScheduler::Pull::Batch: return true;
            case BatchScheduler::Pull::Done: return false;
            case BatchScheduler::Pull::Wait: deliver(10); break;
            }
        }
    }

    // The serial sample: growing batches until sampleSeconds of work, which measures the time per element.
    void sample()
    {
        if (spec.sampleSeconds <= 0) {
            executor->sampleFinished(sizer->secondsPerElement()); // seeded from the cost hint
            return;
        }
        double busy = 0;
        qint64 rows = 0;
        int size = 1;
        bool trimmed = false;
        Batch batch;
        measureBytes = remote && remote->wantsMeasure();
        // The full sample feeds the estimate and the remote decision. Without workers it only has
        // to tell whether the job is too light for threads, which a few milliseconds show; the
        // sizer keeps adapting afterwards. Meanwhile the other threads wait, so it ends early.
        const bool quick = !measureBytes && !spec.estimateOnly && threads > 1
                           && spec.serialFallback != JobSpec::SerialFallback::Always;
        const double quickSeconds = std::min(spec.sampleSeconds, kQuickSampleSeconds);
        // At least three batches (1 + 2 + 4 elements), so one element's first-call costs (page
        // faults, first allocations) do not make a light job look heavy.
        int sampled = 0;
        while (!cancelRequested && (busy < spec.sampleSeconds || sampled < 3) && pullOnDriver(size, &batch)) {
            ++sampled;
            BatchResult result = execute(std::move(batch), QStringLiteral("local"));
            busy += result.durationNs * 1e-9;
            rows += result.batch.size();
            (*handOver)(std::move(result), true);
            deliver(0);
            if (trimmed)
                break;
            if (quick && busy >= quickSeconds) {
                const qint64 remaining = estimatedRemainingRows();
                const double serialRest = busy / double(rows) * double(remaining);
                if (remaining < 0 || serialRest > 20 * threads * kThreadStartupSeconds)
                    break; // clearly heavy enough for threads
            }
            size = qMin(size * 2, spec.maxBatchRows);
            // A doubled batch could overshoot the sample by almost its whole length while the
            // other threads wait: the next batch is only what is left of it, and the last.
            const double perElement = busy / double(rows);
            const double left = spec.sampleSeconds - busy;
            if (perElement > 0 && left > 0 && double(size) * perElement > left) {
                size = qMax(1, int(std::ceil(left / perElement)));
                trimmed = true;
            }
        }
        measureBytes = false;
        if (rows > 0)
            sizer->seed(busy / double(rows));
        summary.sampleSecondsPerElement = rows > 0 ? busy / double(rows) : 0;
        summary.sampleSeconds = busy;
        summary.sampleElements = rows;
        executor->sampleFinished(sizer->secondsPerElement());
    }

    qint64 estimatedRemainingRows() const
    {
        const qint64 read = scheduler->rowsRead();
        if (reader->totalRows() >= 0)
            return reader->totalRows() - read;
        const double fraction = scheduler->inputProgress();
        if (fraction > 0.0 && fraction < 1.0)
            return qint64(double(read) / fraction) - read;
        return fraction >= 1.0 ? 0 : -1;
    }

    // fastmap's too-light rule: true when `parallelism` executors cannot beat running the rest
    // here and now. One local thread and no worker gains nothing from a pool.
    bool shouldRunInProcess(int parallelism)
    {
        if (spec.serialFallback == JobSpec::SerialFallback::Always || parallelism <= 1)
            return true;
        if (spec.serialFallback == JobSpec::SerialFallback::Never)
            return false;
        const qint64 remaining = estimatedRemainingRows();
        if (remaining < 0)
            return false;
        const double serial = sizer->secondsPerElement() * double(remaining);
        const double parallel = parallelism * kThreadStartupSeconds + serial / parallelism;
        if (serial > parallel)
            return false;
        summary.message = QStringLiteral("This job is too light to gain from %1 %2 (about %3 ms of work left); "
                                         "running it serially.")
                              .arg(parallelism)
                              .arg(parallelism == 1 ? QStringLiteral("thread") : QStringLiteral("threads"))
                              .arg(serial * 1e3, 0, 'f', 1);
        return true;
    }

    int machineCores() const
    {
        return spec.machineCores > 0 ? spec.machineCores : qMax(1, QThread::idealThreadCount());
    }

    void notify(const QString &message)
    {
        QMetaObject::invokeMethod(engine, "note", Qt::QueuedConnection, Q_ARG(QString, message));
    }

    void runInProcess()
    {
        summary.ranInProcess = true;
        Batch batch;
        while (pullOnDriver(sizer->nextSize(), &batch)) {
            BatchResult result = execute(std::move(batch), QStringLiteral("local"));
            (*handOver)(std::move(result), true);
            deliver(0);
        }
    }

    // Gives the remote side what it uses of this job, once everything it points to exists.
    void attachRemote()
    {
        RemoteSide::Job job;
        job.spec = &spec;
        job.scheduler = scheduler.get();
        job.handOver = handOver.get();
        job.parser = &parser;
        job.clock = &clock;
        job.spending = &spending;
        job.outputTypes = outputTypes;
        job.localThreads = threads;
        job.localInFlight = localInFlight;
        job.runLocally = [this](const Table &input, qint64 firstRow, BatchOutput &output) {
            return compute(input, firstRow, output);
        };
        job.localEstimate = [this] { return estimateInput(); };
        job.secondsPerElement = [this] { return sizer->secondsPerElement(); };
        job.elementsDone = [this] { return done.load(); };
        job.totalElements = [this] { return reader->totalRows(); };
        job.notify = [this](const QString &message) { notify(message); };
        job.estimateMade = [this](const Estimate &estimate) { recordEstimate(estimate); };
        job.estimateReady = [this](const Estimate &estimate) {
            QMetaObject::invokeMethod(engine, "estimateReady", Qt::QueuedConnection, Q_ARG(fastmap::Estimate, estimate));
        };
        job.askForCharges = [this](const Estimate &estimate) {
            QMetaObject::invokeMethod(engine, "confirmationNeeded", Qt::QueuedConnection,
                                      Q_ARG(fastmap::Estimate, estimate));
        };
        job.stop = [this](const QString &reason, bool workersFailed) {
            if (cancelRequested)
                return; // stopped already, for its own reason
            if (!reason.isEmpty())
                cancelReason = reason;
            executorsFailed = executorsFailed || workersFailed;
            requestCancel();
        };
        remote->attach(job);
    }

    void recordEstimate(const Estimate &estimate)
    {
        summary.estimate = estimate;
        summary.estimated = true;
    }

    // The local side of the estimate as it stands; the remote side adds its workers.
    CostModel::Input estimateInput() const
    {
        CostModel::Input input;
        input.remainingElements = estimatedRemainingRows();
        input.elementsEstimated = reader->totalRows() < 0;
        input.secondsPerElement = sizer->secondsPerElement();
        input.localThreads = threads;
        input.localUsed = spec.policy != JobSpec::Policy::Remote;
        input.machineCores = machineCores();
        return input;
    }

    void drive()
    {
        sample();
        const bool remoteConfigured = remote != nullptr;
        bool runLocal = spec.policy != JobSpec::Policy::Remote;
        if (spec.estimateOnly && !remoteConfigured) {
            const Estimate estimate = CostModel::estimate(estimateInput());
            recordEstimate(estimate);
            QMetaObject::invokeMethod(engine, "estimateReady", Qt::QueuedConnection, Q_ARG(fastmap::Estimate, estimate));
        } else if (!cancelRequested && !scheduler->isDrained()) {
            if (remoteConfigured) {
                if (!spec.estimateOnly && spec.policy == JobSpec::Policy::Adaptive
                    && spec.serialFallback == JobSpec::SerialFallback::Auto
                    && shouldRunInProcess(remote->parallelism(threads))) {
                    notify(summary.message + QStringLiteral(" Remote workers are not needed."));
                    runInProcess();
                } else {
                    switch (remote->setUp()) {
                    case RemoteSide::Verdict::Run: runPool(runLocal); break;
                    case RemoteSide::Verdict::Estimated: break;
                    case RemoteSide::Verdict::NoWorkers: executorsFailed = true; break;
                    }
                }
            } else if (shouldRunInProcess(threads)) {
                if (!summary.message.isEmpty())
                    notify(summary.message);
                runInProcess();
            } else {
                runPool(true);
            }
        } else if (!cancelRequested && summary.batches > 0 && !spec.estimateOnly) {
            // fastmap's "it didn't make sense to use fastmap here".
            summary.ranInProcess = true;
            summary.message = QStringLiteral("The whole job ran serially within the timing sample: it is too light "
                                             "to gain from threads.");
            notify(summary.message);
        }
        deliver(0); // whatever completed in order before a cancel is kept
        if (remote)
            remote->finish(executorsFailed, &summary);
        finish();
    }

    void runPool(bool runLocal)
    {
        QList<QFuture<void>> loops;
        if (runLocal) {
            pool.setMaxThreadCount(threads);
            for (int i = 0; i < threads; ++i)
                loops << QtConcurrent::run(&pool, [this] { workLoop(QStringLiteral("local")); });
        }
        const auto allStopped = [&loops, this] {
            for (const QFuture<void> &f : loops)
                if (!f.isFinished())
                    return false;
            return !remote || remote->allFinished();
        };
        QElapsedTimer sinceCancel;
        for (;;) {
            deliver(50);
            if (abandoned)
                return; // the engine's thread finished the job; the threads stay in the function
            if (remote)
                remote->steer(runLocal);
            if (scheduler->isDrained() && reorder.size() == 0)
                break;
            if (cancelRequested) {
                if (!sinceCancel.isValid()) {
                    sinceCancel.start();
                    if (remote)
                        remote->retireAll({}); // also those still waiting for the charges answer
                }
                // Batches out on workers get a moment to come back; a hung worker must not hold up a cancel.
                if (allStopped() || (remote && sinceCancel.elapsed() > 2000 && !runLocal))
                    break;
                if (remote && runLocal && sinceCancel.elapsed() > 2000) {
                    bool localDone = true;
                    for (const QFuture<void> &f : loops)
                        localDone = localDone && f.isFinished();
                    if (localDone)
                        break;
                }
            }
        }
        if (remote)
            remote->retireAll({});
        if (!abandoned)
            pool.waitForDone();
    }

    // Thread isolation, once the stop's grace period is over with threads still in the function:
    // delivers what is done and finishes the job from the engine's thread. Those threads cannot be
    // stopped; their batches are dropped if they ever return.
    void abandonThreads()
    {
        QMutexLocker lock(&deliveryMutex);
        if (finished || abandoned)
            return;
        while (auto result = reorder.popNext(0))
            consume(*result);
        abandoned = true;
        summary.abandonedThreads = qMax(1, inFunction.load());
        finishLocked();
    }

    void finish()
    {
        QMutexLocker lock(&deliveryMutex);
        if (abandoned)
            return;
        finishLocked();
    }

    void finishLocked()
    {
        summary.elements = done.load();
        summary.failed = failed.load();
        summary.seconds = clock.nsecsElapsed() * 1e-9;
        summary.threads = summary.ranInProcess ? 1 : threads;
        summary.peakBatchesInFlight = reorder.peakSize();
        summary.localBatches = localBatches;
        summary.localElements = localElements;
        summary.localBusySeconds = localBusySeconds;
        summary.cost = spending.total();
        summary.cacheHits = executor->cacheHits();
        summary.storedElements = storedRows.load();
        summary.remoteVcpuSeconds = spending.vcpuSeconds();
        summary.isolated = executor->isolated();
        summary.hostsStarted = executor->processesStarted();
        summary.crashedElements = executor->isolatedElements();
        const std::optional<InputError> inputError = scheduler->inputError();
        if (outputFailed) {
            summary.status = JobStatus::OutputFailed;
            summary.message = outputError;
        } else if (stoppedOnError) {
            summary.status = JobStatus::StoppedOnError;
            summary.message = QStringLiteral("stopped at the first failed element (%1): %2")
                                  .arg(summary.firstFailedIndex)
                                  .arg(summary.firstFailure);
        } else if (executorsFailed) {
            summary.status = JobStatus::ExecutorsFailed;
            if (summary.message.isEmpty())
                summary.message = QStringLiteral("no worker could run this job");
        } else if (spec.estimateOnly && summary.estimated) {
            summary.status = JobStatus::Estimated;
        } else if (recordError) {
            summary.status = JobStatus::InputFailed;
            summary.message = recordError->toString();
        } else if (!fatalError.isEmpty()) {
            summary.status = JobStatus::StoppedOnError;
            summary.message = QStringLiteral("stopped: ") + fatalError;
        } else if (cancelRequested) {
            summary.status = JobStatus::Cancelled;
            summary.message = cancelReason.isEmpty() ? QStringLiteral("cancelled after %1 elements").arg(summary.elements)
                                                     : cancelReason;
        } else if (inputError) {
            summary.status = JobStatus::InputFailed;
            summary.message = inputError->toString();
        } else {
            summary.status = summary.failed > 0 ? JobStatus::CompletedWithFailures : JobStatus::Completed;
        }
        const bool complete = summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures;
        QString error;
        if (!sink->finish(complete, &error) && !outputFailed) {
            summary.status = JobStatus::OutputFailed;
            summary.message = error;
        }
        finished = true;
        QMetaObject::invokeMethod(engine, &Engine::onRunFinished, Qt::QueuedConnection);
    }
};

Engine::Engine(PluginCatalog *catalog, QObject *parent) : QObject(parent), m_catalog(catalog)
{
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobSummary>();
    qRegisterMetaType<Estimate>();
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &Engine::emitProgress);
}

Engine::~Engine()
{
    if (m_run) {
        m_run->stop(m_run->spec.stopGraceSeconds);
        releaseRun();
    }
}

// Waits for the run's threads, or, when the stop left threads in the function, leaves the run
// to them: it is never freed, since they may still return into it.
void Engine::releaseRun()
{
    if (!m_run)
        return;
    // A stop is under way or the job is over; the stop's watchdog bounds this wait.
    while (!m_run->finished && m_run->driver.joinable())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (m_run->watchdog.joinable())
        m_run->watchdog.join();
    if (m_run->abandoned) {
        if (m_run->driver.joinable())
            m_run->driver.detach();
        // Kept reachable, so a leak checker does not count what is left to the hung threads.
        static QMutex keptMutex;
        static std::vector<Run *> kept;
        QMutexLocker lock(&keptMutex);
        kept.push_back(m_run.release());
        return;
    }
    if (m_run->driver.joinable())
        m_run->driver.join();
}

bool Engine::start(const JobSpec &spec, ResultSink *sink, StartError *error)
{
    const auto fail = [error](StartError::Kind kind, const QString &message) {
        error->kind = kind;
        error->message = message;
        return false;
    };
    if (isRunning())
        return fail(StartError::Function, QStringLiteral("a job is already running"));
    releaseRun();
    m_run.reset();

    auto run = std::make_unique<Run>();
    run->engine = this;
    run->spec = spec;
    run->sink = sink;

    const FunctionInfo *info = m_catalog->find(spec.functionId);
    if (!info)
        return fail(StartError::Function,
                    QStringLiteral("no function \"%1\" is installed (see `fastmap-cli functions`)").arg(spec.functionId));
    QVariantMap params;
    QString message;
    if (!ParameterBinder::bind(*info, spec.params, &params, &message))
        return fail(StartError::Parameters, message);
    run->spec.params = params;

    InputError inputError;
    run->reader = Dataset::open(spec.input, &inputError, spec.datasetOptions);
    if (!run->reader)
        return fail(StartError::Input, inputError.toString());
    QList<int> projection;
    if (!ColumnMapping::resolve(*info, run->reader->columns(), spec.mapping, &projection, &message))
        return fail(StartError::Mapping, message);
    std::vector<FieldTarget> inputs;
    const std::vector<ColumnType> inputTypes = info->inputTypes();
    for (int i = 0; i < projection.size(); ++i)
        inputs.push_back({projection[i], inputTypes[std::size_t(i)], info->inputs[i].name});
    std::vector<FieldTarget> kept;
    if (sink->wantsInput()) {
        const QStringList columns = run->reader->columns();
        for (int c = 0; c < columns.size(); ++c)
            kept.push_back({c, ColumnType::Text, columns[c]});
    }
    run->outputTypes = info->outputTypes();
    run->parser = BatchParser(run->reader->parser(), std::move(inputs), run->outputTypes, std::move(kept));

    run->info = info;
    BatchRequest functionRequest;
    functionRequest.functionId = info->id;
    functionRequest.functionVersion = info->version;
    functionRequest.params = params;
    functionRequest.columns = info->inputNames();
    if (spec.isolation == JobSpec::Isolation::Process) {
        HostExecutor::Options options;
        options.program = spec.hostProgram;
        options.limits.elementTimeoutSeconds = spec.elementTimeoutSeconds;
        options.limits.memoryLimitMB = spec.memoryLimitMB;
        options.limits.maxCrashes = spec.maxCrashes;
        run->executor = HostExecutor::start(*info, functionRequest, options, &message);
    } else if (std::shared_ptr<const Function> function = m_catalog->instantiate(spec.functionId, params, &message)) {
        run->executor = std::make_unique<ThreadExecutor>(std::move(function));
    }
    if (!run->executor)
        return fail(StartError::Function, message);
    if (m_wrapper)
        run->executor = m_wrapper(std::move(run->executor), *info, params);

    if (spec.policy != JobSpec::Policy::Local) {
        const bool named = !spec.workers.isEmpty() || !spec.workersFile.isEmpty();
        if (!named && spec.policy == JobSpec::Policy::Remote)
            return fail(StartError::Workers,
                        QStringLiteral("the remote policy needs workers: give --worker URL or --workers-file FILE"));
        if (named && !m_remoteFactory)
            return fail(StartError::Workers, QStringLiteral("this program cannot use remote workers"));
        if (named) {
            run->remote = m_remoteFactory(spec, *info, params, &message);
            if (!run->remote)
                return fail(StartError::Workers, message);
        }
    }
    run->spending.setCap(spec.maxCost);

    run->threads = spec.threads > 0 ? spec.threads : qMax(1, QThread::idealThreadCount());
    run->spec.maxBatchRows = qMax(1, spec.maxBatchRows);
    const int inFlight = spec.maxBatchesInFlight > 0 ? spec.maxBatchesInFlight : 4 * run->threads;
    run->localInFlight = inFlight;
    run->scheduler = std::make_unique<BatchScheduler>(run->reader.get(), inFlight);
    run->handOver = std::make_unique<BatchHandOver>(sink, &run->reorder, run->scheduler.get());
    if (m_stored) {
        Run *r = run.get();
        run->stored = m_stored;
        run->scheduler->setBatchPlan([r](qint64 firstRow) { return r->stored->plannedRows(firstRow); });
        run->scheduler->setInterceptor([r](Batch &batch) { return r->replayStored(batch); });
    }
    run->sizer = std::make_unique<BatchSizer>(spec.batchTargetSeconds, run->spec.maxBatchRows);
    if (run->remote)
        run->attachRemote();
    if (spec.sampleSeconds <= 0)
        run->sizer->seed(info->costNsPerElement * 1e-9);
    if (!sink->begin(run->reader->columns(), info->outputNames(), &message))
        return fail(StartError::Output, message);

    m_run = std::move(run);
    m_run->summary.status = JobStatus::Running;
    m_run->clock.start();
    m_run->meter.add(0, 0);
    Run *r = m_run.get();
    m_run->driver = std::thread([r] { r->drive(); });
    m_progressTimer.start();
    return true;
}

void Engine::cancel()
{
    if (m_run && !m_run->finished)
        m_run->stop(m_run->spec.stopGraceSeconds);
}

void Engine::stopNow()
{
    if (m_run && !m_run->finished)
        m_run->stop(0);
}

void Engine::pause()
{
    if (m_run && !m_run->finished)
        m_run->scheduler->setPaused(true);
}

void Engine::resume()
{
    if (m_run && !m_run->finished)
        m_run->scheduler->setPaused(false);
}

bool Engine::isRunning() const
{
    return m_run && !m_run->finished;
}

bool Engine::isPaused() const
{
    return isRunning() && m_run->scheduler->isPaused();
}

JobProgress Engine::progress() const
{
    JobProgress p;
    if (!m_run)
        return p;
    const Run &r = *m_run;
    p.done = r.done.load(std::memory_order_relaxed);
    p.failed = r.failed.load(std::memory_order_relaxed);
    p.elapsedSeconds = r.clock.nsecsElapsed() * 1e-9;
    p.paused = r.scheduler->isPaused();
    if (r.reader->totalRows() >= 0) {
        p.total = r.reader->totalRows();
    } else if (r.finished || r.scheduler->isDrained()) {
        p.total = r.scheduler->rowsRead();
    } else {
        const double fraction = r.scheduler->inputProgress();
        if (fraction > 0.01)
            p.total = qMax(r.scheduler->rowsRead(), qint64(double(r.scheduler->rowsRead()) / fraction));
    }
    p.rate = r.meter.rate();
    p.cost = r.spending.total();
    p.etaSeconds = p.paused ? -1 : r.meter.etaSeconds(p.done, p.total);
    return p;
}

JobSummary Engine::wait()
{
    if (!m_run)
        return {};
    while (!m_run->finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const JobSummary summary = m_run->summary;
    releaseRun();
    m_progressTimer.stop();
    return summary;
}

void Engine::confirmCharges(bool accepted)
{
    if (m_run && !m_run->finished)
        if (m_run->remote)
            m_run->remote->confirmCharges(accepted);
}

QList<RemoteStats> Engine::workerStats() const
{
    if (!m_run)
        return {};
    if (m_run->finished)
        return m_run->summary.workers;
    return m_run->remote ? m_run->remote->stats() : QList<RemoteStats>{};
}

void Engine::setProgressInterval(int milliseconds)
{
    m_progressTimer.setInterval(milliseconds);
}

void Engine::emitProgress()
{
    if (!m_run)
        return;
    m_run->meter.add(m_run->clock.nsecsElapsed() * 1e-9, m_run->done.load(std::memory_order_relaxed));
    emit progressChanged(progress());
}

void Engine::onRunFinished()
{
    if (!m_run || m_run->finishedEmitted || !m_run->finished)
        return;
    m_run->finishedEmitted = true;
    const JobSummary summary = m_run->summary;
    if (m_run->abandoned) {
        releaseRun(); // m_run is gone: the threads left in the function keep it
        m_progressTimer.stop();
        emit finished(summary);
        return;
    }
    releaseRun();
    m_progressTimer.stop();
    emitProgress();
    emit finished(m_run->summary);
}

} // namespace fastmap
