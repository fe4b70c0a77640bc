// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/RemoteSide.h"
#include "remote/RemoteExecutor.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QUrl>

#include <atomic>
#include <memory>

namespace fastmap {

class PluginCatalog;
class RemotePool;
class WorkersFile;

// The remote side of one job: the workers given and those in the workers file, their probes,
// the estimate with them, whether they take part (the adaptive policy, the cores a worker on
// this machine would take from the local threads), the charges question, credits running out,
// and the message when every worker failed. The batches themselves go through RemotePool.
class RemoteCoordinator final : public RemoteSide
{
public:
    ~RemoteCoordinator() override;

    // What Engine::setRemoteFactory() takes: a coordinator for each job that names workers.
    static RemoteFactory factory(PluginCatalog *catalog);

    void attach(const Job &job) override;
    int parallelism(int localThreads) const override;
    bool wantsMeasure() const override;
    void measure(const BatchResult &result) override;
    Verdict setUp() override;
    void steer(bool runLocal) override;
    bool allFinished() const override;
    void retireAll(const QString &reason) override;
    void confirmCharges(bool accepted) override { m_chargesDecision = accepted ? 1 : -1; }
    QList<RemoteStats> stats() const override;
    void finish(bool workersFailed, JobSummary *summary) override;

private:
    RemoteCoordinator() = default;

    int machineCores() const;
    // The adaptive policy, workers only on this machine, and no core left by the local threads:
    // known from the URLs alone, before any probe.
    bool onlyCorelessWorkers() const;
    QList<QUrl> currentWorkerUrls();
    // Each worker keeps two batches per thread in flight, so the output may lag further behind.
    void updateInFlight();
    CostModel::Input estimateInput(const QList<WorkerProbe> &workers) const;
    Estimate makeEstimate(const QList<WorkerProbe> &workers);
    Verdict decide(const Estimate &estimate);
    int retireCoreless(const Estimate &estimate);
    // A worker on this machine counted on fewer cores than it has threads runs that many
    // batches at once, so that it does not take cores from the local threads.
    void capSameMachine(const Estimate &estimate);
    void askForCharges(const Estimate &estimate);
    void reportExhaustedCredits(bool runLocal);
    QString workersFailedMessage(const QList<RemoteStats> &workers) const;

    Job m_job;
    QList<QUrl> m_workerUrls;
    std::unique_ptr<WorkersFile> m_workersFile;
    RemoteJobContext m_context;
    std::unique_ptr<RemotePool> m_pool;
    double m_bytesInPerElement = 0;
    double m_bytesOutPerElement = 0;

    std::atomic<int> m_chargesDecision{0}; // an answer not yet acted on: 1 accepted, -1 declined
    bool m_enabled = false;                 // the policy and the estimate let workers take batches
    bool m_paidAllowed = false;             // --yes, --max-cost, or an accepted question
    bool m_paidDeclined = false;
    bool m_chargesAsked = false;
    bool m_stopped = false;
    QElapsedTimer m_sinceReload;

    QStringList m_listedInFile;
    QList<QUrl> m_fileWorkers;
    QStringList m_reportedBadLines;  // problems already told, so a re-read does not repeat them
    QStringList m_corelessWorkers;   // on this machine with no core left: not added again
    QStringList m_creditsReported;
};

} // namespace fastmap
