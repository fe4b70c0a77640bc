// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/JobSpec.h"
#include "engine/JobTypes.h"
#include "engine/RemoteSide.h"
#include "engine/ResultSink.h"

#include <QObject>
#include <QTimer>
#include <QVariantMap>

#include <functional>
#include <memory>

namespace fastmap {

class FunctionExecutor;
struct FunctionInfo;
class PluginCatalog;
class StoredResults;

struct StartError
{
    enum Kind { None, Function, Parameters, Input, Mapping, Output, Workers };
    Kind kind = None;
    QString message;
};

// Runs one job at a time: checks the spec, times a sample, then feeds batches from one queue
// to the executors and hands results to the sink in input order. The CLI, the GUI and the
// worker all drive jobs through this class.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(PluginCatalog *catalog, QObject *parent = nullptr);
    ~Engine() override;

    // For the next start(): results of an earlier run to replay instead of computing (resume).
    void setStoredResults(StoredResults *stored) { m_stored = stored; }
    // Puts something in front of the executor that start() makes for a job's function, e.g. the
    // persistent result cache (jobs/CachingExecutor). Returns the executor to use.
    using ExecutorWrapper = std::function<std::unique_ptr<FunctionExecutor>(
        std::unique_ptr<FunctionExecutor> executor, const FunctionInfo &info, const QVariantMap &params)>;
    // For the next start() and the ones after it; an empty wrapper removes it.
    void setExecutorWrapper(ExecutorWrapper wrapper) { m_wrapper = std::move(wrapper); }
    // How jobs that name workers reach them (remote/RemoteCoordinator::factory()). Without
    // one, such a job is refused at start.
    void setRemoteFactory(RemoteFactory factory) { m_remoteFactory = std::move(factory); }

    // Checks everything that can be checked up front, then starts the job in the background.
    // The sink must outlive the job.
    bool start(const JobSpec &spec, ResultSink *sink, StartError *error);

    // Stops handing out batches; batches running get the spec's grace period to finish, then
    // their hosts are killed (process isolation) or their threads are left behind (threads).
    void cancel();
    // The same without the grace period (a second Ctrl-C).
    void stopNow();
    void pause();
    void resume();
    bool isRunning() const;
    bool isPaused() const;

    JobProgress progress() const;
    // Blocks until the job ends; usable without an event loop.
    JobSummary wait();

    // How often progressChanged fires at most.
    void setProgressInterval(int milliseconds);

    // The answer to confirmationNeeded(): use the paid workers or not. Local work goes on meanwhile.
    void confirmCharges(bool accepted);
    QList<RemoteStats> workerStats() const;

signals:
    void progressChanged(const fastmap::JobProgress &progress);
    void note(const QString &message);
    // After the sample, when remote workers are configured.
    void estimateReady(const fastmap::Estimate &estimate);
    // Paid workers would be used: answer with confirmCharges(). Local threads are already running.
    void confirmationNeeded(const fastmap::Estimate &estimate);
    void finished(const fastmap::JobSummary &summary);

private:
    void emitProgress();
    void onRunFinished();

    struct Run;
    void releaseRun();
    PluginCatalog *m_catalog;
    StoredResults *m_stored = nullptr;
    ExecutorWrapper m_wrapper;
    RemoteFactory m_remoteFactory;
    std::unique_ptr<Run> m_run;
    QTimer m_progressTimer;
};

} // namespace fastmap
