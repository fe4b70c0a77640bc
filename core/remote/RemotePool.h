// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/CostModel.h"
#include "remote/RemoteExecutor.h"

#include <QList>
#include <QMutex>
#include <QThread>
#include <QThreadPool>

namespace fastmap {

// The remote executors of one job, the thread their network I/O runs in, and the codec pool
// that parses and encodes their batches and decodes the answers off that thread.
// Called from the engine's driver thread; every method is thread-safe.
class RemotePool
{
public:
    explicit RemotePool(RemoteJobContext *context);
    ~RemotePool();

    // Starts an executor for each URL not yet known, and probes it. Returns the URLs added.
    QStringList add(const QList<QUrl> &urls);
    // Retires the executors whose URL is no longer listed (their in-flight batches complete).
    void retireMissing(const QList<QUrl> &urls);
    // Waits until every executor has finished probing, or the timeout.
    void waitForProbes(int timeoutMs) const;

    // Lets the probed, usable executors take batches: the free ones, and the paid ones when
    // their charges are accepted. Called periodically by the driver, so later additions join.
    void activateReady(bool paidAllowed);
    // Whether a paid worker is probed and waiting for its charges to be accepted.
    bool hasReadyPaid() const;
    void retireAll(const QString &reason);
    void retirePaid(const QString &reason);
    // Retires the executor of `url` (the URL as WorkerProbe::url gives it).
    void retire(const QString &url, const QString &reason);
    // Lets the executor of `url` hold at most `batches` at once (RemoteExecutor::limitConcurrency).
    void limitConcurrency(const QString &url, int batches);

    QList<WorkerProbe> probes() const;
    // The probes of the executors not retired or gone: those that take or may take batches.
    QList<WorkerProbe> liveProbes() const;
    QList<RemoteStats> stats() const;
    int size() const;
    bool anyUsable() const;
    // True when no executor can take or is running work: all retired or gone, nothing in flight.
    bool allFinished() const;
    // "URL: last error" for each executor.
    QStringList lastErrors() const;

    // Aborts everything in flight and stops the network thread.
    void shutdown();

private:
    RemoteJobContext *m_context;
    QThreadPool m_codecPool; // outlives the executors: each waits for its own tasks at shutdown
    QThread m_thread;
    mutable QMutex m_mutex;
    QList<RemoteExecutor *> m_executors; // owned; deleted in the network thread at shutdown
    bool m_shutDown = false;
};

} // namespace fastmap
