// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "worker/BatchExecutor.h"
#include "worker/IdleTimeoutTcpServer.h"
#include "worker/WorkerConfig.h"
#include "worker/WorkerMetrics.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <memory>
#include <optional>

class QTcpSocket;

namespace fastmap {

class Ledger;
class PluginCatalog;
class TokenAuthenticator;

// The HTTP(S) side of fastmap-worker: the versioned endpoints on a QHttpServer, batches on a
// thread pool, charges in the ledger, and draining on request. Lives on the main thread; only
// BatchExecutor::execute runs elsewhere, and with it all decoding and encoding of batches: the
// event loop puts encoded outputs in their envelope. See docs/protocol.md for the endpoints.
class WorkerServer : public QObject
{
    Q_OBJECT

public:
    // `catalog`, `ledger` and `authenticator` must outlive the server.
    WorkerServer(const WorkerConfig &config, PluginCatalog *catalog, Ledger *ledger,
                 const TokenAuthenticator *authenticator, QObject *parent = nullptr);
    ~WorkerServer() override;

    // Loads the TLS files when configured and starts listening. False with a message otherwise.
    bool start(QString *error);
    quint16 port() const;
    QString url() const { return m_config.url(port()); }
    int functionCount() const { return int(m_functions.size()); }

    // Stops taking batches (503, health "draining"), lets those in flight finish and be answered,
    // then emits drained() once.
    void beginDrain();
    bool isDraining() const { return m_draining; }
    int busy() const { return m_inFlight; } // running or waiting for a thread
    const WorkerMetrics &metrics() const { return m_metrics; }

signals:
    void drained();

private:
    void serveHealth(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void serveFunctions(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void serveBatch(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void serveMetrics(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void serveMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    void finishBatch(const std::shared_ptr<QHttpServerResponder> &responder,
                     const QPointer<QTcpSocket> &socket, const TokenIdentity &identity, BatchOutcome outcome,
                     const QElapsedTimer &clock);
    // Answers 405 and returns false unless the request uses `method`.
    bool expectMethod(const QHttpServerRequest &request, QHttpServerResponder &responder,
                      QHttpServerRequest::Method method, const QByteArray &allow);
    // Finds the caller's token and returns 0; else answers 401 (or 500 when the ledger cannot be
    // read) and returns that status.
    int authorize(const QHttpServerRequest &request, QHttpServerResponder &responder,
                  std::optional<TokenIdentity> *identity);
    // The token check alone: status 0 and the identity, or the refusal (401, 500).
    HeadAnswer checkToken(const QByteArray &authorization, std::optional<TokenIdentity> *identity) const;
    // A batch's Content-Type and size: status 0, or the refusal (415, 413).
    HeadAnswer checkBatchHeaders(const QByteArray &contentType, qint64 size) const;
    // Checks a POST /v1/batches from its head alone, before its body is read: the token, then the
    // Content-Type, then the announced size (see docs/protocol.md for the order and why).
    HeadAnswer checkBatchHead(const RequestHead &head);
    // Writes the answer; closes the connection after it when the request asked for that.
    void send(QHttpServerResponder &responder, QHttpServerResponse &&response, bool count = true);
    void sendText(QHttpServerResponder &responder, int status, const QString &text,
                  const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    void logBatch(const QString &token, const QString &function, qint64 rows, qint64 ms, double vcpu,
                  double charge, int status, const QString &reason);
    void checkDrained();
    bool loadTls(QString *error);
    // Batches accepted at once: those running and those waiting for a thread.
    int capacity() const { return m_config.threads * BatchCodec::kBatchesPerThread; }

    WorkerConfig m_config;
    PluginCatalog *m_catalog;
    Ledger *m_ledger;
    const TokenAuthenticator *m_authenticator;
    QJsonArray m_functions;
    std::unique_ptr<BatchExecutor> m_executor;
    WorkerMetrics m_metrics;
    QHttpServer m_http;
    IdleTimeoutTcpServer *m_tcp; // owned by m_http once bound
    QThreadPool m_pool;          // declared after m_executor: destroyed, and waited for, first
    int m_inFlight = 0;
    bool m_draining = false;
    bool m_drainedEmitted = false;
    QTimer m_drainTimer;
    QElapsedTimer m_idleSince; // while draining: since the last batch finished
};

} // namespace fastmap
