// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/RemoteCoordinator.h"

#include "engine/BatchScheduler.h"
#include "plugin/FunctionInfo.h"
#include "plugin/PluginCatalog.h"
#include "remote/RemotePool.h"
#include "remote/WorkerEndpoint.h"
#include "remote/WorkersFile.h"
#include "util/BatchCodec.h"

#include <QFileInfo>
#include <QThread>

namespace fastmap {

RemoteCoordinator::~RemoteCoordinator() = default;

RemoteFactory RemoteCoordinator::factory(PluginCatalog *catalog)
{
    return [catalog](const JobSpec &spec, const FunctionInfo &info, const QVariantMap &params,
                     QString *error) -> std::unique_ptr<RemoteSide> {
        std::unique_ptr<RemoteCoordinator> c(new RemoteCoordinator);
        for (const QString &text : spec.workers) {
            QUrl url;
            if (!WorkerEndpoint::parse(text, spec.insecure, &url, error))
                return nullptr;
            if (!c->m_workerUrls.contains(url))
                c->m_workerUrls << url;
        }
        if (!spec.workersFile.isEmpty()) {
            if (!QFileInfo::exists(spec.workersFile)) {
                *error = QStringLiteral("--workers-file %1: no such file").arg(spec.workersFile);
                return nullptr;
            }
            c->m_workersFile = std::make_unique<WorkersFile>(spec.workersFile);
        }
        BatchRequest &request = c->m_context.requestTemplate;
        request.functionId = info.id;
        request.functionVersion = info.version;
        request.params = params;
        request.columns = info.inputNames();
        request.pluginSha256 = catalog->pluginHash(info.id);
        c->m_paidAllowed = spec.chargesConfirmed || spec.maxCost >= 0;
        return c;
    };
}

void RemoteCoordinator::attach(const Job &job)
{
    m_job = job;
    const JobSpec &spec = *job.spec;
    m_context.scheduler = job.scheduler;
    m_context.handOver = job.handOver;
    m_context.spending = job.spending;
    m_context.clock = job.clock;
    m_context.outputTypes = job.outputTypes;
    m_context.parser = job.parser;
    m_context.runLocally = job.runLocally;
    m_context.maxBatchRows = spec.maxBatchRows;
    m_context.batchTargetSeconds = spec.batchTargetSeconds;
    m_context.maxAttemptsPerBatch = spec.maxAttemptsPerBatch;
    m_context.maxConsecutiveFailures = spec.maxConsecutiveWorkerFailures;
    m_context.requestTimeoutSeconds = spec.remoteTimeoutSeconds;
    m_context.token = spec.token;
    m_context.caCertificatesFile = spec.caCertificatesFile;
}

int RemoteCoordinator::machineCores() const
{
    return m_job.spec->machineCores > 0 ? m_job.spec->machineCores : qMax(1, QThread::idealThreadCount());
}

// Local threads plus at least one per configured worker: what the too-light rule weighs when
// workers may help (with -j 1 a worker can still halve the time). The workers on this machine
// together count only the cores the local threads leave free.
int RemoteCoordinator::parallelism(int localThreads) const
{
    const int local = m_job.spec->policy == JobSpec::Policy::Remote ? 0 : localThreads;
    int elsewhere = m_workerUrls.isEmpty() ? 1 : 0; // only a workers file: at least one, somewhere
    int here = 0;
    for (const QUrl &url : m_workerUrls)
        ++(WorkerEndpoint::isThisMachine(url.host()) ? here : elsewhere);
    return local + elsewhere + qMin(here, qMax(0, machineCores() - local));
}

bool RemoteCoordinator::onlyCorelessWorkers() const
{
    if (m_job.spec->policy != JobSpec::Policy::Adaptive || m_workersFile || machineCores() > m_job.localThreads)
        return false;
    for (const QUrl &url : m_workerUrls)
        if (!WorkerEndpoint::isThisMachine(url.host()))
            return false;
    return true;
}

bool RemoteCoordinator::wantsMeasure() const
{
    // Such workers are declined after the probes anyway; the long sample would only keep the
    // other local threads waiting.
    return m_bytesInPerElement == 0 && !(onlyCorelessWorkers() && !m_job.spec->estimateOnly);
}

void RemoteCoordinator::measure(const BatchResult &result)
{
    BatchRequest request = m_context.requestTemplate;
    request.inputs = result.batch.input;
    m_bytesInPerElement = double(BatchCodec::encodeRequest(request).size()) / result.batch.size();
    BatchResponse response;
    response.output = result.output;
    m_bytesOutPerElement = double(BatchCodec::encodeResponse(response).size()) / result.batch.size();
}

QList<QUrl> RemoteCoordinator::currentWorkerUrls()
{
    QList<QUrl> urls = m_workerUrls;
    if (!m_workersFile)
        return urls;
    QStringList listed;
    QString error;
    if (m_workersFile->reload(&listed, &error))
        m_listedInFile = listed;
    else if (!error.isEmpty() && !m_reportedBadLines.contains(error))
        m_job.notify(m_reportedBadLines.emplace_back(error));
    m_fileWorkers.clear();
    for (const QString &text : std::as_const(m_listedInFile)) {
        QUrl url;
        if (WorkerEndpoint::parse(text, m_job.spec->insecure, &url, &error)) {
            m_fileWorkers << url;
        } else if (!m_reportedBadLines.contains(text)) {
            m_reportedBadLines << text;
            m_job.notify(QStringLiteral("%1: %2").arg(m_workersFile->path(), error));
        }
    }
    for (const QUrl &url : std::as_const(m_fileWorkers))
        if (!urls.contains(url))
            urls << url;
    return urls;
}

RemoteSide::Verdict RemoteCoordinator::setUp()
{
    const JobSpec &spec = *m_job.spec;
    if (onlyCorelessWorkers() && !spec.estimateOnly) {
        // Whatever their probes would say, they have no core to take: nothing is probed or sent,
        // and the job runs as without them (`estimate` still probes them and says why).
        Estimate shared;
        shared.machineCores = machineCores();
        shared.localThreads = m_job.localThreads;
        for (const QUrl &url : std::as_const(m_workerUrls))
            m_job.notify(QStringLiteral("not using worker %1: %2").arg(url.toString(), shared.sharedCoresReason()));
        return Verdict::Run;
    }
    m_context.secondsPerElement = m_job.secondsPerElement();
    m_pool = std::make_unique<RemotePool>(&m_context);
    m_pool->add(currentWorkerUrls());
    m_pool->waitForProbes(int(qMax(5.0, spec.remoteTimeoutSeconds) * 1000));
    m_sinceReload.start();

    updateInFlight();
    const Estimate estimate = makeEstimate(m_pool->probes());
    m_job.estimateReady(estimate);
    for (const WorkerProbe &probe : estimate.workers)
        if (!probe.usable)
            m_job.notify(QStringLiteral("not using worker %1: %2").arg(probe.url, probe.reason));
    if (spec.estimateOnly)
        return Verdict::Estimated;
    return decide(estimate);
}

void RemoteCoordinator::updateInFlight()
{
    int remoteInFlight = 0;
    for (const WorkerProbe &probe : m_pool->probes())
        if (probe.usable)
            remoteInFlight += BatchCodec::kBatchesPerThread * qMax(1, probe.threads);
    m_job.scheduler->setMaxInFlight(m_job.localInFlight + remoteInFlight);
}

CostModel::Input RemoteCoordinator::estimateInput(const QList<WorkerProbe> &workers) const
{
    CostModel::Input input = m_job.localEstimate();
    input.bytesInPerElement = m_bytesInPerElement;
    input.bytesOutPerElement = m_bytesOutPerElement;
    input.workers = workers;
    return input;
}

Estimate RemoteCoordinator::makeEstimate(const QList<WorkerProbe> &workers)
{
    const Estimate estimate = CostModel::estimate(estimateInput(workers));
    m_job.estimateMade(estimate);
    return estimate;
}

// The adaptive policy: a worker on this machine that the local threads leave no core for would
// only take cores from them. It is retired and told once, and not added again while the workers
// file lists it. Returns how many of the estimate's usable workers are such.
int RemoteCoordinator::retireCoreless(const Estimate &estimate)
{
    int coreless = 0;
    for (const WorkerProbe &w : estimate.workers) {
        if (!w.usable || !w.sameMachine || w.countedThreads != 0)
            continue;
        ++coreless;
        const QString why = estimate.sharedCoresReason();
        m_pool->retire(w.url, QStringLiteral("not needed: ") + why);
        if (!m_corelessWorkers.contains(w.url)) {
            m_corelessWorkers << w.url;
            m_job.notify(QStringLiteral("not using worker %1: %2").arg(w.url, why));
        }
    }
    return coreless;
}

void RemoteCoordinator::capSameMachine(const Estimate &estimate)
{
    for (const WorkerProbe &w : estimate.workers)
        if (w.usable && w.sameMachine && w.countedThreads > 0 && w.countedThreads < w.threads)
            m_pool->limitConcurrency(w.url, w.countedThreads);
}

RemoteSide::Verdict RemoteCoordinator::decide(const Estimate &estimate)
{
    const JobSpec::Policy policy = m_job.spec->policy;
    int usable = 0;
    for (const WorkerProbe &probe : estimate.workers)
        usable += probe.usable ? 1 : 0;
    const bool anyUsable = usable > 0;
    if (!anyUsable && policy == JobSpec::Policy::Remote)
        return Verdict::NoWorkers;
    const int coreless = policy == JobSpec::Policy::Adaptive ? retireCoreless(estimate) : 0;
    // Without a usable worker yet, the verdict is still open: one may join from the workers file.
    m_enabled = policy == JobSpec::Policy::Remote || estimate.remoteHelps || !anyUsable;
    if (!m_enabled) {
        if (coreless < usable) // else each worker's note said why
            m_job.notify(estimate.reason.isEmpty() ? QStringLiteral("remote workers would not speed this job up")
                                                   : estimate.reason);
        m_pool->retireAll(QStringLiteral("not needed: ") + estimate.reason);
        return Verdict::Run;
    }
    if (policy == JobSpec::Policy::Adaptive)
        capSameMachine(estimate);
    if (estimate.paid() && !m_paidAllowed)
        askForCharges(estimate); // local threads start now; paid workers wait for the answer
    return Verdict::Run;
}

void RemoteCoordinator::askForCharges(const Estimate &estimate)
{
    m_chargesAsked = true;
    m_job.askForCharges(estimate);
}

// A worker whose credits ran out (HTTP 402) is told once, with where the rest of the job goes.
// Under the remote policy with no worker left, the job's message says it instead.
void RemoteCoordinator::reportExhaustedCredits(bool runLocal)
{
    for (const RemoteStats &w : m_pool->stats()) {
        if (!w.creditsExhausted || m_creditsReported.contains(w.url))
            continue;
        m_creditsReported << w.url;
        const bool othersLeft = !m_pool->allFinished();
        if (!runLocal && !othersLeft)
            continue;
        m_job.notify(QStringLiteral("the credits on worker %1 are exhausted (%2); the rest of the job runs on %3")
                         .arg(w.url, w.lastError,
                              runLocal ? (othersLeft ? QStringLiteral("the local threads and the other workers")
                                                     : QStringLiteral("the local threads"))
                                       : QStringLiteral("the other workers")));
    }
}

void RemoteCoordinator::steer(bool runLocal)
{
    if (!m_pool)
        return;
    const JobSpec &spec = *m_job.spec;
    const int decision = m_chargesDecision.exchange(0);
    if (decision == 1) {
        m_paidAllowed = true;
    } else if (decision == -1) {
        m_paidDeclined = true;
        m_pool->retirePaid(QStringLiteral("charges declined"));
        m_job.notify(runLocal ? QStringLiteral("charges declined; the paid workers are not used")
                              : QStringLiteral("charges declined; only free workers are used"));
    }
    if (m_workersFile && m_sinceReload.elapsed() >= 1000) {
        m_sinceReload.restart();
        const QList<QUrl> urls = currentWorkerUrls();
        QList<QUrl> wanted;
        QStringList listed;
        for (const QUrl &url : urls) {
            listed << url.toString();
            if (!m_corelessWorkers.contains(url.toString()))
                wanted << url;
        }
        m_corelessWorkers.removeIf([&listed](const QString &url) { return !listed.contains(url); });
        for (const QString &url : m_pool->add(wanted))
            m_job.notify(QStringLiteral("worker %1 added").arg(url));
        m_pool->retireMissing(urls);
        updateInFlight();
    }
    reportExhaustedCredits(runLocal);
    if (!m_enabled)
        return;
    // A worker on this machine that joins from the file takes only the cores left free.
    if (m_workersFile && spec.policy == JobSpec::Policy::Adaptive) {
        const Estimate now = CostModel::estimate(estimateInput(m_pool->liveProbes()));
        retireCoreless(now);
        capSameMachine(now);
    }
    m_pool->activateReady(m_paidAllowed);
    if (!m_paidAllowed && !m_paidDeclined && !m_chargesAsked && m_pool->hasReadyPaid())
        askForCharges(makeEstimate(m_pool->probes()));
    if (!runLocal && !m_stopped && !m_job.scheduler->isDrained() && m_pool->allFinished()) {
        m_stopped = true;
        if (m_paidDeclined)
            m_job.stop(QStringLiteral("the charges for remote workers were declined, and the policy is remote only"), false);
        else
            m_job.stop({}, true);
    }
}

bool RemoteCoordinator::allFinished() const
{
    return !m_pool || m_pool->allFinished();
}

void RemoteCoordinator::retireAll(const QString &reason)
{
    if (m_pool)
        m_pool->retireAll(reason);
}

QList<RemoteStats> RemoteCoordinator::stats() const
{
    return m_pool ? m_pool->stats() : QList<RemoteStats>{};
}

void RemoteCoordinator::finish(bool workersFailed, JobSummary *summary)
{
    if (!m_pool)
        return;
    summary->workers = m_pool->stats();
    for (const RemoteStats &w : std::as_const(summary->workers))
        summary->remoteUsed = summary->remoteUsed || w.batches > 0;
    if (workersFailed)
        summary->message = workersFailedMessage(summary->workers);
    m_pool->shutdown();
}

// Why a remote-only job stopped for want of workers: credits used up, or every worker died.
QString RemoteCoordinator::workersFailedMessage(const QList<RemoteStats> &workers) const
{
    QStringList exhausted;
    QStringList reasons;
    QStringList others;
    for (const RemoteStats &w : workers) {
        if (w.creditsExhausted) {
            exhausted << w.url;
            reasons << w.lastError;
        } else
            others << QStringLiteral("%1: %2").arg(w.url, w.lastError.isEmpty() ? w.state : w.lastError);
    }
    if (exhausted.isEmpty())
        return QStringLiteral("every worker died; results so far are kept. Last errors:\n  ")
               + m_pool->lastErrors().join(QStringLiteral("\n  "));
    const qint64 total = m_job.totalElements();
    const qint64 done = m_job.elementsDone();
    const QString doneText = total >= 0 ? QStringLiteral("%1 of %2 elements").arg(done).arg(total)
                                        : QStringLiteral("%1 elements").arg(done);
    QString message = QStringLiteral("the credits on %1 %2 are exhausted (%3); under the remote policy nothing else may "
                                     "run the job, so it stopped with %4 done. The results so far are kept; resume "
                                     "the job once there are credits again")
                          .arg(exhausted.size() == 1 ? QStringLiteral("worker") : QStringLiteral("workers"),
                               exhausted.join(QStringLiteral(" and ")), reasons.join(QStringLiteral("; ")), doneText);
    if (!others.isEmpty())
        message += QStringLiteral(".\nThe other workers' last errors:\n  ") + others.join(QStringLiteral("\n  "));
    return message;
}

} // namespace fastmap
