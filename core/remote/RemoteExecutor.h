// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"
#include "engine/BatchSizer.h"
#include "remote/BatchCodec.h"
#include "remote/CostModel.h"
#include "remote/RemoteStats.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace fastmap {

class BatchScheduler;
class ReorderBuffer;
class ResultSink;
class SpendingMeter;

// What every remote executor of one job shares. All pointers outlive the executors.
struct RemoteJobContext
{
    BatchScheduler *scheduler = nullptr;
    ReorderBuffer *reorder = nullptr;
    ResultSink *sink = nullptr;
    SpendingMeter *spending = nullptr;
    const QElapsedTimer *clock = nullptr;
    BatchRequest requestTemplate; // function, version, hash, params, columns; rows empty
    int outputColumns = 0;
    double secondsPerElement = 0;
    int maxBatchRows = 16384;
    double batchTargetSeconds = 0.2;
    int maxAttemptsPerBatch = 3;        // then its elements fail instead of going round forever
    int maxConsecutiveFailures = 4;     // then the worker is given up for this job
    double requestTimeoutSeconds = 60;  // no byte for this long: the worker is hung
    QByteArray token;
    QString caCertificatesFile;         // extra CAs to trust, e.g. a self-signed worker certificate
};

// Feeds one fastmap-worker from the job's scheduler: probes it, then keeps up to its thread
// count of batches in flight. A fault sends the batch back to the queue and backs the worker
// off; a worker that keeps failing, refuses the token or runs out of credits is given up.
// Lives in the engine's network thread; the accessors are thread-safe.
class RemoteExecutor : public QObject
{
    Q_OBJECT
public:
    enum class State { New, Probing, Ready, Active, BackingOff, Retired, Gone };

    RemoteExecutor(const QUrl &url, RemoteJobContext *context, QObject *parent = nullptr);
    ~RemoteExecutor() override;

    QUrl url() const { return m_url; }
    State state() const;
    bool isFinished() const; // Retired or Gone, with nothing in flight
    int inFlight() const { return m_inFlightCount.load(); }
    WorkerProbe probeResult() const;
    RemoteStats stats() const;

public slots:
    void probe();
    void activate();
    // Stops taking batches; those in flight still complete.
    void retire(const QString &reason);
    // The job is over: abort whatever is in flight (its batches are not needed any more).
    void shutdown();

signals:
    void probeFinished();
    void stateChanged();

private:
    struct InFlight
    {
        Batch batch;
        qint64 startNs = 0;
    };
    enum class FaultKind { Transient, Busy, Fatal };

    void pull();
    void send(Batch &&batch);
    void onBatchReply(QNetworkReply *reply);
    void fault(Batch &&batch, FaultKind kind, const QString &message, double retryAfterSeconds = 0);
    void setState(State state, const QString &error = {});
    QNetworkReply *get(const QString &path, bool authorised);
    void finishProbe(bool usable, const QString &reason);
    void applyTls(QNetworkRequest &request) const;

    QUrl m_url;
    RemoteJobContext *m_context;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_pullTimer;
    QTimer m_backoffTimer;
    std::unique_ptr<BatchSizer> m_sizer;
    QHash<QNetworkReply *, InFlight> m_inFlight;
    int m_slots = 1;
    int m_consecutiveFailures = 0;
    std::atomic<int> m_inFlightCount{0};

    mutable QMutex m_mutex; // guards what the accessors read
    State m_state = State::New;
    WorkerProbe m_probe;
    RemoteStats m_stats;
};

} // namespace fastmap
