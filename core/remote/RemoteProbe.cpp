// SPDX-License-Identifier: GPL-3.0-or-later
// RemoteExecutor's probe: is the worker up, does it speak this protocol, and does it have this
// machine's build of the function.
#include "remote/RemoteExecutor.h"

#include "remote/WorkerEndpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>

#include <algorithm>

namespace fastmap {

namespace {

// Why a worker that speaks `protocol` cannot take this client's batches, or nothing.
QString protocolMismatch(const QJsonValue &protocol)
{
    if (!protocol.isDouble())
        return QStringLiteral("it does not say which protocol it speaks (this client speaks %1)")
            .arg(BatchCodec::kProtocolVersion);
    const int theirs = protocol.toInt();
    if (theirs == BatchCodec::kProtocolVersion)
        return {};
    return QStringLiteral("it speaks protocol %1; this client speaks %2 — upgrade the %3")
        .arg(theirs)
        .arg(BatchCodec::kProtocolVersion)
        .arg(theirs < BatchCodec::kProtocolVersion ? QStringLiteral("worker") : QStringLiteral("client"));
}

} // namespace

void RemoteExecutor::get(const QString &path, bool authorised, std::function<void(const HttpReply &)> then)
{
    HttpConnection::Headers headers;
    if (authorised)
        headers.append({"Authorization", "Bearer " + m_context->token});
    // One answer per connection at a time: the probe's requests follow one another.
    disconnect(m_probeConnection, &HttpConnection::finished, this, nullptr);
    connect(m_probeConnection, &HttpConnection::finished, this, std::move(then), Qt::SingleShotConnection);
    m_probeConnection->send("GET", WorkerEndpoint::resolve(m_url, path), headers, {}, 5000);
}

void RemoteExecutor::probe()
{
    if (!m_probeConnection) {
        if (!m_context->caCertificatesFile.isEmpty() && m_url.scheme() == QLatin1String("https"))
            m_extraCas = QSslCertificate::fromPath(m_context->caCertificatesFile);
        m_probeConnection = new HttpConnection(m_url, m_extraCas, this);
    }
    setState(State::Probing);
    auto *timer = new QElapsedTimer;
    timer->start();
    get(QStringLiteral("/v1/health"), false, [this, timer](const HttpReply &health) {
        const double rtt = timer->nsecsElapsed() * 1e-9;
        delete timer;
        if (!health.ok()) {
            finishProbe(false, QStringLiteral("health check failed: %1").arg(health.describe()));
            return;
        }
        const QJsonObject h = QJsonDocument::fromJson(health.body).object();
        if (h.value("status").toString() != QLatin1String("ok")) {
            finishProbe(false, QStringLiteral("not ready (status \"%1\")").arg(h.value("status").toString()));
            return;
        }
        if (const QString mismatch = protocolMismatch(h.value("protocol")); !mismatch.isEmpty()) {
            finishProbe(false, mismatch);
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
        get(QStringLiteral("/v1/functions"), true, [this, catalogTimer](const HttpReply &functions) {
            const double elapsed = catalogTimer->nsecsElapsed() * 1e-9;
            delete catalogTimer;
            if (!functions.ok()) {
                finishProbe(false, QStringLiteral("cannot list its functions: %1").arg(functions.describe()));
                return;
            }
            const QByteArray &body = functions.body;
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
        // Each worker thread has a batch waiting behind the one it runs.
        m_slots = BatchCodec::kBatchesPerThread * std::max(1, m_probe.threads);
        if (m_slotCap > 0)
            m_slots = std::min(m_slots, m_slotCap);
    }
    setState(usable ? State::Ready : State::Gone, reason);
    emit probeFinished();
}

} // namespace fastmap
