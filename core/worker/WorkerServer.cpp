// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerServer.h"

#include "plugin/PluginCatalog.h"
#include "util/Version.h"
#include "worker/IdleTimeoutTcpServer.h"
#include "worker/Ledger.h"
#include "worker/TokenAuthenticator.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>

namespace fastmap {

namespace {

using Status = QHttpServerResponder::StatusCode;

// Slack over --max-request-bytes for the request line and headers before the connection-level
// guard cuts a request off; below it, the batch handler answers 413 itself.
constexpr qint64 kHeaderAllowance = 1024 * 1024;
// While draining, how long answers may take to reach the network once no batch runs.
constexpr qint64 kDrainFlushMs = 10000;

QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    const auto headers = request.headers();
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QString formatNumber(double value)
{
    return QString::number(value, 'g', 6);
}

// A header value a client sent, quoted short, on one line, for a message.
QString quotedHeader(const QByteArray &value)
{
    QString text = QString::fromLatin1(value.left(100));
    for (QChar &c : text)
        if (c < QLatin1Char(' ') || c > QLatin1Char('~'))
            c = QLatin1Char('?');
    return QLatin1Char('"') + text + (value.size() > 100 ? QStringLiteral("...\"") : QStringLiteral("\""));
}

// "application/cbor", in any case, with or without parameters ("; charset=..." means nothing to
// CBOR but is not wrong).
bool isCbor(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().compare("application/cbor",
                                                                                        Qt::CaseInsensitive) == 0;
}

} // namespace

WorkerServer::WorkerServer(const WorkerConfig &config, PluginCatalog *catalog, Ledger *ledger,
                           const TokenAuthenticator *authenticator, QObject *parent)
    : QObject(parent), m_config(config), m_catalog(catalog), m_ledger(ledger), m_authenticator(authenticator),
      m_tcp(new IdleTimeoutTcpServer(this))
{
    QList<FunctionInfo> functions = catalog->functions();
    std::sort(functions.begin(), functions.end(),
              [](const FunctionInfo &a, const FunctionInfo &b) { return a.id < b.id; });
    QHash<QString, QString> hashes;
    for (const FunctionInfo &f : functions) {
        const QString hash = catalog->pluginHash(f.id);
        hashes.insert(f.id, hash);
        m_functions.append(QJsonObject{{"id", f.id},
                                       {"version", f.version},
                                       {"sha256", hash},
                                       {"inputs", QJsonArray::fromStringList(f.inputNames())},
                                       {"outputs", QJsonArray::fromStringList(f.outputNames())}});
    }
    m_executor = std::make_unique<BatchExecutor>(catalog, hashes, config);
    m_pool.setMaxThreadCount(config.threads);
    m_pool.setExpiryTimeout(-1);
    m_metrics.setThreads(config.threads);

    m_tcp->setIdleTimeout(int(std::min(config.clientTimeoutSeconds * 1000.0, 86400000.0)));
    m_tcp->setReceiveLimit(config.maxRequestBytes + kHeaderAllowance);
    m_tcp->setHeadCheck([this](const RequestHead &head) { return checkBatchHead(head); });
    connect(m_tcp, &IdleTimeoutTcpServer::oversizedRequestRefused, this, [this] {
        m_metrics.recordRequest(413);
        logBatch(QStringLiteral("-"), QStringLiteral("-"), 0, 0, 0, 0, 413,
                 QStringLiteral("request cut off above --max-request-bytes"));
    });

    m_http.route(QStringLiteral("/v1/health"),
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     serveHealth(request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/v1/functions"),
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     serveFunctions(request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/v1/batches"),
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     serveBatch(request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/metrics"),
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     serveMetrics(request, std::move(responder));
                 });
    m_http.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        serveMissing(request, std::move(responder));
    });

    connect(&m_drainTimer, &QTimer::timeout, this, &WorkerServer::checkDrained);
}

WorkerServer::~WorkerServer()
{
    m_pool.waitForDone();
}

quint16 WorkerServer::port() const
{
    return m_tcp->serverPort();
}

bool WorkerServer::loadTls(QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral(
            "--tls-cert: this build of Qt has no working TLS backend (is OpenSSL 3 installed?)");
        return false;
    }
    QFile certFile(m_config.tlsCert);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("--tls-cert %1: cannot read it: %2").arg(m_config.tlsCert, certFile.errorString());
        return false;
    }
    const QByteArray certData = certFile.readAll();
    QList<QSslCertificate> chain = QSslCertificate::fromData(certData, QSsl::Pem);
    if (chain.isEmpty())
        chain = QSslCertificate::fromData(certData, QSsl::Der);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("--tls-cert %1: not a PEM or DER certificate").arg(m_config.tlsCert);
        return false;
    }
    if (chain.first().expiryDate() < QDateTime::currentDateTimeUtc())
        std::fprintf(stderr, "fastmap-worker: warning: the certificate in %s expired on %s\n",
                     qPrintable(m_config.tlsCert),
                     qPrintable(chain.first().expiryDate().toString(Qt::ISODate)));
    QFile keyFile(m_config.tlsKey);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("--tls-key %1: cannot read it: %2").arg(m_config.tlsKey, keyFile.errorString());
        return false;
    }
    const QByteArray keyData = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        for (QSsl::EncodingFormat format : {QSsl::Pem, QSsl::Der}) {
            if (key.isNull())
                key = QSslKey(keyData, algorithm, format, QSsl::PrivateKey);
        }
    }
    if (key.isNull()) {
        *error = QStringLiteral("--tls-key %1: not an unencrypted private key (RSA, EC or DSA; PEM or DER)")
                     .arg(m_config.tlsKey);
        return false;
    }
    if (chain.first().publicKey().algorithm() != key.algorithm()) {
        *error = QStringLiteral("--tls-key %1 does not belong to the certificate in %2 (different key types)")
                     .arg(m_config.tlsKey, m_config.tlsCert);
        return false;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    m_tcp->setSslConfiguration(configuration);
    return true;
}

bool WorkerServer::start(QString *error)
{
    if (m_config.tls() && !loadTls(error))
        return false;
    if (!m_tcp->listen(QHostAddress(m_config.listenHost), m_config.listenPort)) {
        *error = QStringLiteral("cannot listen on %1: %2")
                     .arg(m_config.url(m_config.listenPort).section(QStringLiteral("://"), 1),
                          m_tcp->errorString());
        return false;
    }
    m_http.bind(m_tcp);
    return true;
}

void WorkerServer::send(QHttpServerResponder &responder, QHttpServerResponse &&response, bool count)
{
    if (count)
        m_metrics.recordRequest(int(response.statusCode()));
    QTcpSocket *socket = responder.socket();
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return; // the client went away; nothing to answer
    // QHttpServer keeps every connection open; this follows the request's "Connection" and HTTP
    // version instead (read by m_tcp from its head).
    const bool keepAlive = m_tcp->keepAlive(socket);
    if (!keepAlive)
        response.addHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    else if (m_tcp->httpMinorVersion(socket) == 0)
        response.addHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive"));
    response.write(std::move(responder));
    if (!keepAlive)
        m_tcp->closeAfterAnswer(socket);
}

void WorkerServer::sendText(QHttpServerResponder &responder, int status, const QString &text,
                            const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QHttpServerResponse response(QByteArrayLiteral("text/plain; charset=utf-8"), text.toUtf8() + '\n',
                                 Status(status));
    for (const auto &h : headers)
        response.addHeader(h.first, h.second);
    send(responder, std::move(response));
}

bool WorkerServer::expectMethod(const QHttpServerRequest &request, QHttpServerResponder &responder,
                                QHttpServerRequest::Method method, const QByteArray &allow)
{
    if (request.method() == method)
        return true;
    sendText(responder, 405,
             QStringLiteral("%1 takes %2 only").arg(request.url().path(), QString::fromLatin1(allow)),
             {{QByteArrayLiteral("Allow"), allow}});
    return false;
}

HeadAnswer WorkerServer::checkToken(const QByteArray &authorization, std::optional<TokenIdentity> *identity) const
{
    QString error;
    if (!m_authenticator->authenticate(authorization, *m_ledger, identity, &error)) {
        std::fprintf(stderr, "fastmap-worker: error: cannot read the ledger: %s\n", qPrintable(error));
        std::fflush(stderr);
        return {500, QStringLiteral("the worker cannot read its ledger; try another worker"), {}};
    }
    if (*identity)
        return {};
    if (m_config.noAuth) {
        *identity = TokenIdentity{QLatin1String(Ledger::kAnonymousName), std::nullopt};
        return {};
    }
    return {401,
            authorization.isEmpty() ? QStringLiteral("this worker needs a token: send Authorization: Bearer TOKEN")
                                    : QStringLiteral("the token is not known to this worker"),
            {{QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"fastmap-worker\"")}}};
}

HeadAnswer WorkerServer::checkBatchHeaders(const QByteArray &contentType, qint64 size) const
{
    if (!isCbor(contentType))
        return {415,
                contentType.isEmpty()
                    ? QStringLiteral("a batch must be sent as Content-Type: application/cbor; the request has no "
                                     "Content-Type")
                    : QStringLiteral("a batch must be sent as Content-Type: application/cbor, not %1")
                          .arg(quotedHeader(contentType)),
                {}};
    if (size > m_config.maxRequestBytes)
        return {413,
                QStringLiteral("the batch has %1 bytes, more than this worker's limit of %2 "
                               "(--max-request-bytes); send smaller batches")
                    .arg(size)
                    .arg(m_config.maxRequestBytes),
                {}};
    return {};
}

HeadAnswer WorkerServer::checkBatchHead(const RequestHead &head)
{
    if (head.method != "POST" || head.path != QLatin1String("/v1/batches"))
        return {}; // the handler answers (405, 404, or the GET endpoints' own checks)
    std::optional<TokenIdentity> identity;
    HeadAnswer answer = checkToken(head.header("authorization"), &identity);
    if (answer.status == 0)
        answer = checkBatchHeaders(head.header("content-type"), head.contentLength);
    if (answer.status != 0) {
        m_metrics.recordRequest(answer.status);
        logBatch(identity ? identity->name : QStringLiteral("-"), QStringLiteral("-"), 0, 0, 0, 0, answer.status,
                 answer.status == 401 ? QStringLiteral("no valid token") : answer.text);
    }
    return answer;
}

int WorkerServer::authorize(const QHttpServerRequest &request, QHttpServerResponder &responder,
                            std::optional<TokenIdentity> *identity)
{
    const HeadAnswer answer = checkToken(header(request, QByteArrayLiteral("Authorization")), identity);
    if (answer.status != 0)
        sendText(responder, answer.status, answer.text, answer.headers);
    return answer.status;
}

void WorkerServer::serveHealth(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (!expectMethod(request, responder, QHttpServerRequest::Method::Get, QByteArrayLiteral("GET")))
        return;
    const QJsonObject health{{"status", m_draining ? "draining" : "ok"},
                             {"version", versionString()},
                             {"protocol", BatchCodec::kProtocolVersion},
                             {"threads", m_config.threads},
                             {"busy", std::min(m_inFlight, m_config.threads)},
                             {"queued", std::max(0, m_inFlight - m_config.threads)},
                             {"pricePerVcpuHour", m_config.pricePerVcpuHour}};
    send(responder, QHttpServerResponse(QByteArrayLiteral("application/json"), jsonBody(health)));
}

void WorkerServer::serveFunctions(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (!expectMethod(request, responder, QHttpServerRequest::Method::Get, QByteArrayLiteral("GET")))
        return;
    std::optional<TokenIdentity> identity;
    if (authorize(request, responder, &identity) != 0)
        return;
    QJsonObject body{{"functions", m_functions}};
    if (identity->credits) // lets a client see the balance before it sends a batch
        body.insert("creditsLeft", std::max(0.0, *identity->credits));
    send(responder, QHttpServerResponse(QByteArrayLiteral("application/json"), jsonBody(body)));
}

void WorkerServer::serveMetrics(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (!expectMethod(request, responder, QHttpServerRequest::Method::Get, QByteArrayLiteral("GET")))
        return;
    m_metrics.setBusyThreads(std::min(m_inFlight, m_config.threads));
    // Count this request before rendering, so the exposition includes it.
    m_metrics.recordRequest(200);
    send(responder, QHttpServerResponse(WorkerMetrics::contentType(), m_metrics.exposition()), false);
}

void WorkerServer::serveMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    sendText(
        responder, 404,
        QStringLiteral("no such endpoint: %1 (this worker serves /v1/health, /v1/functions, /v1/batches and "
                       "/metrics)")
            .arg(request.url().path().left(200)));
}

void WorkerServer::serveBatch(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QElapsedTimer clock;
    clock.start();
    if (!expectMethod(request, responder, QHttpServerRequest::Method::Post, QByteArrayLiteral("POST")))
        return;
    std::optional<TokenIdentity> identity;
    if (const int status = authorize(request, responder, &identity); status != 0) {
        logBatch(QStringLiteral("-"), QStringLiteral("-"), 0, clock.elapsed(), 0, 0, status,
                 status == 401 ? QStringLiteral("no valid token")
                               : QStringLiteral("the ledger cannot be read"));
        return;
    }
    const QString name = identity->name;
    const auto refuse = [&](int status, const QString &reason,
                            const QList<std::pair<QByteArray, QByteArray>> &headers = {}) {
        sendText(responder, status, reason, headers);
        logBatch(name, QStringLiteral("-"), 0, clock.elapsed(), 0, 0, status, reason);
    };
    // Checked from the head already when it was readable (checkBatchHead); again here for a body
    // without Content-Length (chunked), whose size is known only now.
    if (const HeadAnswer answer =
            checkBatchHeaders(header(request, QByteArrayLiteral("Content-Type")), request.body().size());
        answer.status != 0)
        return refuse(answer.status, answer.text);
    if (m_draining)
        return refuse(503, QStringLiteral("the worker is shutting down; send the batch elsewhere"));
    // Each thread has a batch waiting behind the one it runs, so that a client's next batch is
    // already here when a thread frees; beyond that the client should go elsewhere.
    if (m_inFlight >= capacity())
        return refuse(503,
                      QStringLiteral("all %1 threads of this worker are busy and %2 batches wait; retry later")
                          .arg(m_config.threads)
                          .arg(capacity() - m_config.threads),
                      {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}});

    ++m_inFlight;
    const QPointer<QTcpSocket> socket = responder.socket();
    m_tcp->setBusy(socket, true);
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    const TokenIdentity who = *identity;
    const QByteArray body = request.body();
    BatchExecutor *executor = m_executor.get();
    QtConcurrent::run(&m_pool, [executor, body, who] {
        try {
            return executor->execute(body, who);
        } catch (const std::exception &e) {
            BatchOutcome failed;
            failed.status = 500;
            failed.reason =
                QStringLiteral("the worker failed to run the batch: %1").arg(QString::fromUtf8(e.what()));
            return failed;
        }
    }).then(this, [this, held, socket, who, clock](BatchOutcome outcome) {
        finishBatch(held, socket, who, std::move(outcome), clock);
    });
}

void WorkerServer::finishBatch(const std::shared_ptr<QHttpServerResponder> &responder,
                               const QPointer<QTcpSocket> &socket, const TokenIdentity &identity,
                               BatchOutcome outcome, const QElapsedTimer &clock)
{
    --m_inFlight;
    if (m_draining)
        m_idleSince.start();
    if (socket)
        m_tcp->setBusy(socket, false);
    if (outcome.status == 200) {
        std::optional<double> creditsLeft;
        QString error;
        if (!m_ledger->recordBatch(identity.name, outcome.rows, outcome.vcpuSeconds, outcome.charge, &creditsLeft,
                                   &error)) {
            std::fprintf(stderr, "fastmap-worker: error: the charge of a batch was not recorded: %s\n",
                         qPrintable(error));
            std::fflush(stderr);
        }
        m_metrics.recordBatch(outcome.rows, outcome.failed, outcome.vcpuSeconds, outcome.charge);
        if (socket) {
            // An overdrawn balance is reported as 0: the token is exhausted either way. The
            // outputs were encoded on the pool thread; here they are only put in their envelope.
            const double credits = creditsLeft ? std::max(0.0, *creditsLeft) : -1.0;
            send(*responder, QHttpServerResponse(QByteArrayLiteral("application/cbor"),
                                                 BatchCodec::encodeResponse(outcome.vcpuSeconds, outcome.charge,
                                                                            credits, outcome.output)));
        } else {
            m_metrics.recordRequest(200);
        }
    } else if (socket) {
        sendText(*responder, outcome.status, outcome.reason);
    } else {
        m_metrics.recordRequest(outcome.status);
    }
    logBatch(identity.name, outcome.functionId.isEmpty() ? QStringLiteral("-") : outcome.functionId,
             outcome.rows, clock.elapsed(), outcome.vcpuSeconds, outcome.charge, outcome.status, outcome.reason);
    m_metrics.setBusyThreads(std::min(m_inFlight, m_config.threads));
    if (m_draining)
        checkDrained();
}

void WorkerServer::logBatch(const QString &token, const QString &function, qint64 rows, qint64 ms,
                            double vcpu, double charge, int status, const QString &reason)
{
    QString line =
        QStringLiteral(
            "fastmap-worker: batch token=%1 function=%2 rows=%3 ms=%4 vcpu-s=%5 charge=%6 status=%7")
            .arg(token, function)
            .arg(rows)
            .arg(ms)
            .arg(formatNumber(vcpu), formatNumber(charge))
            .arg(status);
    if (!reason.isEmpty())
        line += QStringLiteral(" (%1)").arg(reason);
    line += QLatin1Char('\n');
    std::fputs(line.toUtf8().constData(), stderr);
    std::fflush(stderr);
}

void WorkerServer::beginDrain()
{
    if (m_draining)
        return;
    m_draining = true;
    m_idleSince.start();
    std::fprintf(stderr, "fastmap-worker: draining: no new batches; waiting for %d in flight\n", m_inFlight);
    std::fflush(stderr);
    m_drainTimer.start(50);
    checkDrained();
}

void WorkerServer::checkDrained()
{
    if (!m_draining || m_drainedEmitted || m_inFlight > 0)
        return;
    if (m_tcp->pendingWriteBytes() > 0 && m_idleSince.elapsed() < kDrainFlushMs)
        return; // answers still on their way out
    m_drainedEmitted = true;
    m_drainTimer.stop();
    m_tcp->close();
    emit drained();
}

} // namespace fastmap
