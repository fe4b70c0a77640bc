// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/RemoteExecutor.h"

#include "engine/BatchHandOver.h"
#include "engine/BatchParser.h"
#include "engine/BatchScheduler.h"
#include "engine/ReorderBuffer.h"
#include "engine/ResultSink.h"
#include "engine/SpendingMeter.h"
#include "remote/WorkerEndpoint.h"

#include <QThreadPool>

#include <algorithm>
#include <cmath>

namespace fastmap {

namespace {

QString stateName(RemoteExecutor::State state)
{
    switch (state) {
    case RemoteExecutor::State::New: return QStringLiteral("new");
    case RemoteExecutor::State::Probing: return QStringLiteral("probing");
    case RemoteExecutor::State::Ready: return QStringLiteral("ready");
    case RemoteExecutor::State::Active: return QStringLiteral("active");
    case RemoteExecutor::State::BackingOff: return QStringLiteral("backing off");
    case RemoteExecutor::State::Retired: return QStringLiteral("retired");
    case RemoteExecutor::State::Gone: return QStringLiteral("gone");
    }
    return {};
}

// The worker's outputs with the client's own failures first: its conversion messages win.
BatchOutput withInputFailures(BatchOutput &&remote, const std::vector<std::pair<int, QString>> &inputFailures,
                              const std::vector<ColumnType> &types)
{
    if (inputFailures.empty())
        return std::move(remote);
    BatchOutput merged(types, 0);
    merged.values() = std::move(remote.values());
    for (const auto &[row, message] : inputFailures)
        merged.fail(row, message);
    for (int r = 0; remote.hasFailures() && r < merged.rowCount(); ++r)
        if (remote.failed(r))
            merged.fail(r, remote.error(r));
    return merged;
}

} // namespace

RemoteExecutor::RemoteExecutor(const QUrl &url, RemoteJobContext *context, QThreadPool *codecPool, QObject *parent)
    : QObject(parent), m_url(url), m_context(context),
      m_codecPool(codecPool ? codecPool : QThreadPool::globalInstance()), m_pullTimer(this), m_backoffTimer(this)
{
    // The timers are children so that moveToThread() takes them along to the network thread.
    m_probe.url = url.toString();
    m_probe.sameMachine = WorkerEndpoint::isThisMachine(url.host());
    m_stats.url = url.toString();
    m_stats.state = stateName(m_state);
    m_pullTimer.setInterval(5);
    connect(&m_pullTimer, &QTimer::timeout, this, &RemoteExecutor::pull);
    m_backoffTimer.setSingleShot(true);
    connect(&m_backoffTimer, &QTimer::timeout, this, [this] {
        if (state() == State::BackingOff)
            activate();
    });
}

RemoteExecutor::~RemoteExecutor() = default;

RemoteExecutor::State RemoteExecutor::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

bool RemoteExecutor::isFinished() const
{
    QMutexLocker lock(&m_mutex);
    return (m_state == State::Retired || m_state == State::Gone) && m_held.load() == 0;
}

WorkerProbe RemoteExecutor::probeResult() const
{
    QMutexLocker lock(&m_mutex);
    return m_probe;
}

RemoteStats RemoteExecutor::stats() const
{
    QMutexLocker lock(&m_mutex);
    return m_stats;
}

void RemoteExecutor::setState(State state, const QString &error)
{
    {
        QMutexLocker lock(&m_mutex);
        m_state = state;
        m_stats.state = stateName(state);
        if (!error.isEmpty())
            m_stats.lastError = error;
    }
    emit stateChanged();
}

void RemoteExecutor::activate()
{
    const State s = state();
    if (s == State::Retired || s == State::Gone || s == State::Probing || s == State::New)
        return;
    if (!m_sizer) {
        const double rtt = probeResult().rttSeconds;
        // Batches long enough that the round trip is a small part of each.
        m_sizer = std::make_unique<BatchSizer>(std::max(m_context->batchTargetSeconds, 20 * rtt), m_context->maxBatchRows);
        m_sizer->seed(m_context->secondsPerElement);
    }
    setState(State::Active);
    m_pullTimer.start();
    pull();
}

void RemoteExecutor::retire(const QString &reason)
{
    const State s = state();
    if (s == State::Retired || s == State::Gone)
        return;
    m_pullTimer.stop();
    m_backoffTimer.stop();
    {
        QMutexLocker lock(&m_mutex);
        m_state = State::Retired;
        m_stats.state = stateName(State::Retired);
        if (m_stats.lastError.isEmpty()) // an earlier fault says more than the reason to stop
            m_stats.lastError = reason;
    }
    emit stateChanged();
}

void RemoteExecutor::shutdown()
{
    m_shutDown = true;
    m_pullTimer.stop();
    m_backoffTimer.stop();
    for (HttpConnection *connection : m_connections)
        connection->abort();
    if (m_probeConnection)
        m_probeConnection->abort();
    m_inFlight.clear();
    {
        // What the codec pool still does for this executor finishes first; what it posted back
        // is dropped with the executor.
        QMutexLocker lock(&m_tasksMutex);
        while (m_tasks > 0)
            m_tasksDone.wait(&m_tasksMutex);
    }
    m_preparing = 0;
    m_held = 0;
    const State s = state();
    setState(s == State::Gone ? State::Gone : State::Retired);
}

void RemoteExecutor::limitConcurrency(int batches)
{
    m_slotCap = std::max(1, batches);
    m_slots = std::min(m_slots, m_slotCap);
}

void RemoteExecutor::runTask(std::function<void()> task)
{
    {
        QMutexLocker lock(&m_tasksMutex);
        ++m_tasks;
    }
    m_codecPool->start([this, task = std::move(task)] {
        task();
        QMutexLocker lock(&m_tasksMutex);
        if (--m_tasks == 0)
            m_tasksDone.wakeAll();
    });
}

void RemoteExecutor::pull()
{
    if (state() != State::Active) {
        m_pullTimer.stop();
        return;
    }
    while (int(m_inFlight.size()) + m_preparing < m_slots) {
        if (!m_context->spending->allows(probeResult().pricePerVcpuHour)) {
            retire(QStringLiteral("the spending cap of $%1 is reached").arg(m_context->spending->cap(), 0, 'f', 2));
            return;
        }
        auto job = std::make_shared<Job>();
        const BatchScheduler::Pull pulled = m_context->scheduler->tryNext(m_sizer->nextSize(), &job->batch);
        if (pulled != BatchScheduler::Pull::Batch) {
            if (pulled == BatchScheduler::Pull::Done && m_inFlight.isEmpty() && m_preparing == 0)
                m_pullTimer.stop();
            return;
        }
        ++m_preparing;
        ++m_held;
        {
            QMutexLocker lock(&m_mutex);
            m_stats.peakInFlight = std::max(m_stats.peakInFlight, int(m_inFlight.size()) + m_preparing);
        }
        runTask([this, job] {
            if (prepare(*job))
                post([this, job] { onPrepared(job); });
            else
                post([this] {
                    --m_preparing;
                    if (state() == State::Active)
                        pull();
                });
        });
    }
}

void RemoteExecutor::handOver(BatchResult &&result)
{
    result.executor = m_url.toString();
    result.batch.input = Table();
    (*m_context->handOver)(std::move(result));
    --m_held;
}

bool RemoteExecutor::prepare(Job &job)
{
    Q_ASSERT(m_context->parser);
    BatchOutput parsed;
    const std::optional<InputError> inputError = m_context->parser->parse(job.batch, &parsed);
    if (inputError) {
        // The job stops at this record: the rows before it are computed here, like a local
        // batch, rather than sent and retried (a retry elsewhere would lose the error).
        BatchResult result;
        result.batch = std::move(job.batch);
        result.output = std::move(parsed);
        result.inputError = inputError;
        result.startNs = m_context->clock->nsecsElapsed();
        if (m_context->runLocally && result.batch.size() > 0) {
            // A job that stopped meanwhile does not take rows that were neither computed nor
            // failed: the batch is only counted (a resume computes it).
            result.abandoned = !m_context->runLocally(result.batch.input, result.batch.firstRow, result.output);
        } else
            for (int r = 0; r < result.batch.size(); ++r)
                result.output.fail(r, QStringLiteral("not computed: the input is malformed after this row"));
        result.durationNs = m_context->clock->nsecsElapsed() - result.startNs;
        handOver(std::move(result));
        return false;
    }
    for (int r = 0; parsed.hasFailures() && r < parsed.rowCount(); ++r) {
        if (parsed.failed(r))
            job.inputFailures.emplace_back(r, parsed.error(r));
    }
    BatchRequest request = m_context->requestTemplate;
    request.firstRow = job.batch.firstRow;
    request.inputs = std::move(job.batch.input); // the records stay, should the batch go round again
    for (const auto &failure : job.inputFailures)
        request.failedRows.push_back(failure.first);
    job.body = BatchCodec::encodeRequest(request);
    return true;
}

void RemoteExecutor::onPrepared(const JobPtr &job)
{
    --m_preparing;
    if (m_shutDown)
        return;
    const State s = state();
    if (s == State::Active || s == State::Retired) // a retired executor finishes what it took
        send(job);
    else
        giveBack(job); // backing off or gone: another executor takes it
    if (s == State::Active)
        pull();
}

void RemoteExecutor::send(const JobPtr &job)
{
    HttpConnection *connection = spareConnection();
    const HttpConnection::Headers headers{{"Content-Type", "application/cbor"},
                                          {"Authorization", "Bearer " + m_context->token}};
    job->startNs = m_context->clock->nsecsElapsed();
    m_inFlight.insert(connection, job);
    connection->send("POST", WorkerEndpoint::resolve(m_url, QStringLiteral("/v1/batches")), headers, job->body,
                     int(m_context->requestTimeoutSeconds * 1000));
    job->body.clear();
}

HttpConnection *RemoteExecutor::spareConnection()
{
    for (HttpConnection *connection : m_connections)
        if (!connection->isBusy() && !m_inFlight.contains(connection))
            return connection;
    auto *connection = new HttpConnection(m_url, m_extraCas, this);
    connect(connection, &HttpConnection::finished, this,
            [this, connection](const HttpReply &reply) { onBatchReply(connection, reply); });
    m_connections.push_back(connection);
    return connection;
}

void RemoteExecutor::onBatchReply(HttpConnection *connection, const HttpReply &reply)
{
    const auto it = m_inFlight.find(connection);
    if (it == m_inFlight.end())
        return;
    const JobPtr job = it.value();
    m_inFlight.erase(it);
    if (!reply.ok()) {
        const QString message = reply.timedOut
            ? QStringLiteral("no answer within %1 s (the worker may be hung)").arg(m_context->requestTimeoutSeconds)
            : reply.describe();
        const int status = reply.status;
        if (status == 503) {
            const double retryAfter = reply.header("retry-after").toDouble();
            fault(job, FaultKind::Busy, message, retryAfter > 0 ? retryAfter : 1);
        } else if (status == 401 || status == 402 || status == 403 || status == 404 || status == 409) {
            if (status == 402) {
                QMutexLocker lock(&m_mutex);
                m_stats.creditsExhausted = true;
            }
            fault(job, FaultKind::Fatal, message);
        } else {
            fault(job, FaultKind::Transient, message);
        }
        return;
    }
    job->body = reply.body;
    runTask([this, job] { finish(job); });
    if (state() == State::Active)
        pull(); // the answer is decoded elsewhere; the slot is free now
}

void RemoteExecutor::finish(const JobPtr &job)
{
    BatchResponse response;
    QString error;
    const int rows = job->batch.size();
    if (!BatchCodec::decodeResponse(job->body, rows, m_context->outputTypes, &response, &error)) {
        post([this, job, error] { fault(job, FaultKind::Transient, QStringLiteral("a garbled answer: ") + error); });
        return;
    }
    job->body.clear();
    BatchResult result;
    result.batch = std::move(job->batch);
    result.output = withInputFailures(std::move(response.output), job->inputFailures, m_context->outputTypes);
    result.startNs = job->startNs;
    result.durationNs = m_context->clock->nsecsElapsed() - job->startNs;
    const double wall = result.durationNs * 1e-9;
    // A batch waits on the worker behind another: its wall time over-counts what it costs.
    m_sizer->record(rows, std::max(response.vcpuSeconds, wall / BatchCodec::kBatchesPerThread));
    m_context->spending->add(response.charge, response.vcpuSeconds);
    {
        QMutexLocker lock(&m_mutex);
        ++m_stats.batches;
        m_stats.elements += rows;
        m_stats.busySeconds += wall;
        m_stats.vcpuSeconds += response.vcpuSeconds;
        m_stats.charge += response.charge;
        if (response.creditsLeft >= 0)
            m_probe.creditsLeft = response.creditsLeft;
    }
    handOver(std::move(result));
    post([this] { m_consecutiveFailures = 0; });
}

void RemoteExecutor::giveBack(const JobPtr &job)
{
    --job->batch.attempts; // the scheduler counts a requeue as an attempt; this one was not sent
    m_context->scheduler->requeue(std::move(job->batch));
    --m_held;
}

void RemoteExecutor::fault(const JobPtr &job, FaultKind kind, const QString &message, double retryAfterSeconds)
{
    if (m_shutDown)
        return;
    {
        QMutexLocker lock(&m_mutex);
        ++m_stats.failures;
        m_stats.lastError = message;
    }
    Batch &batch = job->batch;
    if (kind == FaultKind::Busy)
        --batch.attempts; // a full worker did nothing wrong; this try does not count
    if (batch.attempts + 1 >= m_context->maxAttemptsPerBatch) {
        // Tried enough: fail its elements, not the job.
        BatchResult result;
        result.batch = std::move(batch);
        result.output = BatchOutput(m_context->outputTypes, result.batch.size());
        for (const auto &[row, why] : job->inputFailures)
            result.output.fail(row, why);
        const QString why = QStringLiteral("the batch failed on %1 attempts; the last, on %2: %3")
                                .arg(m_context->maxAttemptsPerBatch)
                                .arg(m_url.toString(), message);
        for (int r = 0; r < result.batch.size(); ++r)
            result.output.fail(r, why);
        handOver(std::move(result));
    } else {
        m_context->scheduler->requeue(std::move(batch));
        --m_held;
    }

    const State s = state();
    if (s == State::Retired || s == State::Gone)
        return;
    if (kind == FaultKind::Fatal) {
        m_pullTimer.stop();
        setState(State::Gone, message);
        return;
    }
    if (kind == FaultKind::Busy) {
        m_slots = std::max(1, m_slots - 1);
    } else if (++m_consecutiveFailures >= m_context->maxConsecutiveFailures) {
        m_pullTimer.stop();
        setState(State::Gone, message);
        return;
    }
    m_pullTimer.stop();
    const double backoff = kind == FaultKind::Busy ? retryAfterSeconds : 0.25 * std::pow(2.0, m_consecutiveFailures - 1);
    setState(State::BackingOff, message);
    m_backoffTimer.start(int(std::min(backoff, 8.0) * 1000));
}

} // namespace fastmap
