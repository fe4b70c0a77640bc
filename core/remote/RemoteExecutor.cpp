// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/RemoteExecutor.h"

#include "engine/BatchScheduler.h"
#include "engine/ReorderBuffer.h"
#include "engine/ResultSink.h"
#include "remote/SpendingMeter.h"
#include "remote/WorkerEndpoint.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>

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

QString describeReply(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status > 0) {
        QString body = QString::fromUtf8(reply->readAll().left(300)).trimmed();
        if (body.contains(QChar(0)) || body.isEmpty())
            body = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        return QStringLiteral("HTTP %1: %2").arg(status).arg(body);
    }
    if (reply->error() == QNetworkReply::OperationCanceledError)
        return QStringLiteral("no answer within the timeout (the worker may be hung)");
    return reply->errorString();
}

} // namespace

RemoteExecutor::RemoteExecutor(const QUrl &url, RemoteJobContext *context, QObject *parent)
    : QObject(parent), m_url(url), m_context(context), m_pullTimer(this), m_backoffTimer(this)
{
    // The timers are children so that moveToThread() takes them along to the network thread.
    m_probe.url = url.toString();
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
    return (m_state == State::Retired || m_state == State::Gone) && m_inFlightCount.load() == 0;
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

void RemoteExecutor::applyTls(QNetworkRequest &request) const
{
    if (m_context->caCertificatesFile.isEmpty() || m_url.scheme() != QLatin1String("https"))
        return;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    QList<QSslCertificate> cas = tls.caCertificates();
    cas << QSslCertificate::fromPath(m_context->caCertificatesFile);
    tls.setCaCertificates(cas);
    request.setSslConfiguration(tls);
}

QNetworkReply *RemoteExecutor::get(const QString &path, bool authorised)
{
    QNetworkRequest request(WorkerEndpoint::resolve(m_url, path));
    request.setTransferTimeout(5000);
    if (authorised)
        request.setRawHeader("Authorization", "Bearer " + m_context->token);
    applyTls(request);
    return m_network->get(request);
}

void RemoteExecutor::probe()
{
    if (!m_network) {
        m_network = new QNetworkAccessManager(this);
        m_network->setAutoDeleteReplies(true);
    }
    setState(State::Probing);
    auto *timer = new QElapsedTimer;
    timer->start();
    QNetworkReply *health = get(QStringLiteral("/v1/health"), false);
    connect(health, &QNetworkReply::finished, this, [this, health, timer] {
        const double rtt = timer->nsecsElapsed() * 1e-9;
        delete timer;
        if (health->error() != QNetworkReply::NoError) {
            finishProbe(false, QStringLiteral("health check failed: %1").arg(describeReply(health)));
            return;
        }
        const QJsonObject h = QJsonDocument::fromJson(health->readAll()).object();
        if (h.value("status").toString() != QLatin1String("ok")) {
            finishProbe(false, QStringLiteral("not ready (status \"%1\")").arg(h.value("status").toString()));
            return;
        }
        {
            QMutexLocker lock(&m_mutex);
            m_probe.rttSeconds = rtt;
            m_stats.rttSeconds = rtt;
            m_probe.threads = std::clamp(h.value("threads").toInt(1), 1, 256);
            m_probe.pricePerVcpuHour = h.value("pricePerVcpuHour").toDouble(0);
        }
        auto *catalogTimer = new QElapsedTimer;
        catalogTimer->start();
        QNetworkReply *functions = get(QStringLiteral("/v1/functions"), true);
        connect(functions, &QNetworkReply::finished, this, [this, functions, catalogTimer] {
            const double elapsed = catalogTimer->nsecsElapsed() * 1e-9;
            delete catalogTimer;
            if (functions->error() != QNetworkReply::NoError) {
                finishProbe(false, QStringLiteral("cannot list its functions: %1").arg(describeReply(functions)));
                return;
            }
            const QByteArray body = functions->readAll();
            const QJsonObject catalog = QJsonDocument::fromJson(body).object();
            const BatchRequest &want = m_context->requestTemplate;
            QJsonObject match;
            for (const QJsonValue &f : catalog.value("functions").toArray())
                if (f.toObject().value("id").toString() == want.functionId)
                    match = f.toObject();
            if (match.isEmpty()) {
                finishProbe(false, QStringLiteral("it does not have the function %1").arg(want.functionId));
                return;
            }
            if (match.value("version").toString() != want.functionVersion) {
                finishProbe(false, QStringLiteral("it has %1 version %2, this machine has %3")
                                       .arg(want.functionId, match.value("version").toString(), want.functionVersion));
                return;
            }
            if (match.value("sha256").toString() != want.pluginSha256) {
                finishProbe(false, QStringLiteral("its build of %1 differs from this machine's (plugin SHA-256 %2… here, %3… there)")
                                       .arg(want.functionId, want.pluginSha256.left(12), match.value("sha256").toString().left(12)));
                return;
            }
            {
                QMutexLocker lock(&m_mutex);
                const double transfer = elapsed - m_probe.rttSeconds;
                // Too small a body to time a link; the cost model then assumes a typical one.
                m_probe.bytesPerSecond = body.size() > 64 * 1024 && transfer > 0.001 ? body.size() / transfer : 0;
                if (catalog.contains("creditsLeft"))
                    m_probe.creditsLeft = catalog.value("creditsLeft").toDouble(-1);
            }
            finishProbe(true, {});
        });
    });
}

void RemoteExecutor::finishProbe(bool usable, const QString &reason)
{
    {
        QMutexLocker lock(&m_mutex);
        m_probe.usable = usable;
        m_probe.reason = reason;
        m_slots = std::max(1, m_probe.threads);
    }
    setState(usable ? State::Ready : State::Gone, reason);
    emit probeFinished();
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
    m_pullTimer.stop();
    m_backoffTimer.stop();
    const auto replies = m_inFlight.keys();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
    m_inFlight.clear();
    m_inFlightCount = 0;
    const State s = state();
    setState(s == State::Gone ? State::Gone : State::Retired);
}

void RemoteExecutor::pull()
{
    if (state() != State::Active) {
        m_pullTimer.stop();
        return;
    }
    while (m_inFlight.size() < m_slots) {
        if (!m_context->spending->allows(probeResult().pricePerVcpuHour)) {
            retire(QStringLiteral("the spending cap of $%1 is reached").arg(m_context->spending->cap(), 0, 'f', 2));
            return;
        }
        Batch batch;
        const BatchScheduler::Pull pulled = m_context->scheduler->tryNext(m_sizer->nextSize(), &batch);
        if (pulled == BatchScheduler::Pull::Batch) {
            send(std::move(batch));
            continue;
        }
        if (pulled == BatchScheduler::Pull::Done && m_inFlight.isEmpty())
            m_pullTimer.stop();
        return;
    }
}

void RemoteExecutor::send(Batch &&batch)
{
    BatchRequest request = m_context->requestTemplate;
    request.firstRow = batch.firstRow;
    request.rows = batch.functionInput();
    QNetworkRequest http(WorkerEndpoint::resolve(m_url, QStringLiteral("/v1/batches")));
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/cbor"));
    http.setRawHeader("Authorization", "Bearer " + m_context->token);
    http.setTransferTimeout(int(m_context->requestTimeoutSeconds * 1000));
    applyTls(http);
    QNetworkReply *reply = m_network->post(http, BatchCodec::encodeRequest(request));
    m_inFlight.insert(reply, InFlight{std::move(batch), m_context->clock->nsecsElapsed()});
    m_inFlightCount = int(m_inFlight.size());
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onBatchReply(reply); });
}

void RemoteExecutor::onBatchReply(QNetworkReply *reply)
{
    auto it = m_inFlight.find(reply);
    if (it == m_inFlight.end())
        return;
    InFlight flight = std::move(it.value());
    m_inFlight.erase(it);
    m_inFlightCount = int(m_inFlight.size());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        const QString message = describeReply(reply);
        if (status == 503) {
            const double retryAfter = reply->rawHeader("Retry-After").toDouble();
            fault(std::move(flight.batch), FaultKind::Busy, message, retryAfter > 0 ? retryAfter : 1);
        } else if (status == 401 || status == 402 || status == 403 || status == 404 || status == 409) {
            fault(std::move(flight.batch), FaultKind::Fatal, message);
        } else {
            fault(std::move(flight.batch), FaultKind::Transient, message);
        }
        return;
    }
    BatchResponse response;
    QString error;
    const int rows = flight.batch.size();
    if (!BatchCodec::decodeResponse(reply->readAll(), rows, m_context->outputColumns, &response, &error)) {
        fault(std::move(flight.batch), FaultKind::Transient, QStringLiteral("a garbled answer: ") + error);
        return;
    }
    m_consecutiveFailures = 0;
    BatchResult result;
    result.batch = std::move(flight.batch);
    result.batch.input = Table();
    result.output = std::move(response.output);
    result.executor = m_url.toString();
    result.startNs = flight.startNs;
    result.durationNs = m_context->clock->nsecsElapsed() - flight.startNs;
    m_sizer->record(rows, result.durationNs * 1e-9);
    m_context->spending->add(response.charge, response.vcpuSeconds);
    {
        QMutexLocker lock(&m_mutex);
        ++m_stats.batches;
        m_stats.elements += rows;
        m_stats.busySeconds += result.durationNs * 1e-9;
        m_stats.vcpuSeconds += response.vcpuSeconds;
        m_stats.charge += response.charge;
        if (response.creditsLeft >= 0)
            m_probe.creditsLeft = response.creditsLeft;
    }
    m_context->sink->prepare(result);
    m_context->reorder->push(std::move(result));
    m_context->scheduler->completed();
    if (state() == State::Active)
        pull();
}

void RemoteExecutor::fault(Batch &&batch, FaultKind kind, const QString &message, double retryAfterSeconds)
{
    {
        QMutexLocker lock(&m_mutex);
        ++m_stats.failures;
        m_stats.lastError = message;
    }
    if (kind == FaultKind::Busy) {
        --batch.attempts; // a full worker did nothing wrong; this try does not count
    }
    if (batch.attempts + 1 >= m_context->maxAttemptsPerBatch) {
        // Tried enough: fail its elements, not the job.
        BatchResult result;
        result.batch = std::move(batch);
        result.batch.input = Table();
        result.output = BatchOutput(m_context->outputColumns, result.batch.size());
        const QString why = QStringLiteral("the batch failed on %1 attempts; the last, on %2: %3")
                                .arg(m_context->maxAttemptsPerBatch)
                                .arg(m_url.toString(), message);
        for (int r = 0; r < result.batch.size(); ++r)
            result.output.fail(r, why);
        result.executor = m_url.toString();
        m_context->sink->prepare(result);
        m_context->reorder->push(std::move(result));
        m_context->scheduler->completed();
    } else {
        m_context->scheduler->requeue(std::move(batch));
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
